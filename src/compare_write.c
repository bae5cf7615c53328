/*
 * compare_write.c - sw_summary_compare: the cluster's figures and each
 * school's % at expected per skill beside its family of similar schools,
 * its disadvantage gap, its change since the earlier date, and who to
 * learn from; as CSV, JSON or an aligned table.
 */
#include "summary.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* A percentage num/den or NAN when not known. */
static double pct(int64_t num, int64_t den)
{
	return num == SW_SUP || den == SW_SUP || den <= 0 ? NAN : 100.0 * (double)num / (double)den;
}

/* % at expected of a school's part p (SIZE_MAX: none) in skill k at date d. */
static double at_exp(const sw_summary *s, size_t p, size_t k, int d)
{
	if (p == SIZE_MAX || !s->figs[d])
		return NAN;
	const sw_sfig *f = &s->figs[d][p * s->skill_count + k];
	return pct(f->at_exp, f->with_exp);
}

/* The index of the group part named g, or SIZE_MAX. */
static size_t group_part(const sw_summary *s, const char *g)
{
	for (size_t i = 0; i < s->part_count; i++)
		if (s->parts[i].cut == SW_CUT_GROUP && strcmp(s->parts[i].group, g) == 0)
			return i;
	return SIZE_MAX;
}

/* The gap in percentage points at expected: the group minus the others
   (all minus the group), NAN when a count it needs is suppressed. */
static double gap(const sw_summary *s, size_t k, const char *g)
{
	size_t p = group_part(s, g);
	if (p == SIZE_MAX)
		return NAN;
	const sw_sfig *a = &s->figs[0][k], *f = &s->figs[0][p * s->skill_count + k];
	if (a->at_exp == SW_SUP || a->with_exp == SW_SUP || f->at_exp == SW_SUP || f->with_exp == SW_SUP)
		return NAN;
	return pct(f->at_exp, f->with_exp) - pct(a->at_exp - f->at_exp, a->with_exp - f->with_exp);
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The median of the known values of v[0..n), NAN when none. */
static double median(double *v, size_t n)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i]))
			v[m++] = v[i];
	if (!m)
		return NAN;
	qsort(v, m, sizeof *v, dbl_cmp);
	return m % 2 ? v[m / 2] : (v[m / 2 - 1] + v[m / 2]) / 2;
}

/* Context features of each school, standardised: phase (primary 0,
   all-through 0.5, secondary 1), share of the gap group, pupils. */
static void features(double *x, const sw_summary *const *list, size_t n, const char *g)
{
	for (size_t i = 0; i < n; i++) {
		const sw_summary *s = list[i];
		const char *ph = sw_summary_phase(s);
		size_t p = group_part(s, g);
		x[i * 3] = !ph ? 0.5 : !strcmp(ph, "primary") ? 0 : !strcmp(ph, "secondary") ? 1 : 0.5;
		x[i * 3 + 1] = p == SIZE_MAX ? 0 : pct(s->parts[p].pupils, s->parts[0].pupils);
		x[i * 3 + 2] = s->parts[0].pupils == SW_SUP ? NAN : (double)s->parts[0].pupils;
	}
	for (int f = 0; f < 3; f++) {
		double sum = 0, sq = 0;
		size_t m = 0;
		for (size_t i = 0; i < n; i++)
			if (!isnan(x[i * 3 + f])) {
				sum += x[i * 3 + f];
				m++;
			}
		double mean = m ? sum / (double)m : 0;
		for (size_t i = 0; i < n; i++)
			if (!isnan(x[i * 3 + f]))
				sq += (x[i * 3 + f] - mean) * (x[i * 3 + f] - mean);
		double sd = m > 1 ? sqrt(sq / (double)(m - 1)) : 0;
		for (size_t i = 0; i < n; i++)
			x[i * 3 + f] = isnan(x[i * 3 + f]) || sd == 0 ? 0 : (x[i * 3 + f] - mean) / sd;
	}
}

typedef struct near {
	double d;
	size_t i;
} near;
static int near_cmp(const void *a, const void *b)
{
	const near *x = a, *y = b;
	return x->d < y->d ? -1 : x->d > y->d ? 1 : x->i < y->i ? -1 : x->i > y->i;
}

/* One row of the comparison: a school (or the cluster) and a skill. */
typedef struct crow {
	const sw_summary *s;
	size_t school; /* index, or n for the cluster */
	size_t skill;
	double at, family, gap, group_at, change;
} crow;

/* What the writers need. */
typedef struct cmp {
	const sw_summary *const *list;
	size_t n, sk, K;
	const char *g;
	sw_summary *cl;
	crow *rows; /* (n + 1) * sk */
	size_t *fam, *fam_n;
	size_t *learn; /* [sk]: the school to learn from, or SIZE_MAX */
	bool by_skill; /* rows skill by skill (else school by school) */
	double *lead;  /* [n * sk]: the group's % at expected minus its family's median */
} cmp;

static void fput_json(FILE *out, const char *s)
{
	if (!s) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void fput_csv(FILE *out, const char *s)
{
	if (!s)
		return;
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void fput_html(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default: fputc(*s, out);
		}
	}
}

/* A figure to 1 decimal, or `none` when not known. */
static void fput_num(FILE *out, double v, const char *none)
{
	if (isnan(v))
		fputs(none, out);
	else
		fprintf(out, "%.1f", v);
}

static const char *name_of(const cmp *c, size_t i)
{
	const char *s = i < c->n ? c->list[i]->school : "(cluster)";
	return s ? s : "(all)";
}

/* Row i in the order asked for. */
static const crow *row_at(const cmp *c, size_t i)
{
	if (!c->by_skill)
		return &c->rows[i];
	return &c->rows[(i % (c->n + 1)) * c->sk + i / (c->n + 1)];
}

/* Families, rows and who to learn from. */
static void compute(cmp *c)
{
	size_t n = c->n, sk = c->sk, K = c->K;
	double *v = (double *)(void *)c->lead + n * sk; /* scratch after lead: n + 1 */
	for (size_t i = 0; i <= n; i++) {
		const sw_summary *s = i < n ? c->list[i] : c->cl;
		for (size_t k = 0; k < sk; k++) {
			crow *r = &c->rows[i * sk + k];
			*r = (crow){ s, i, k, at_exp(s, 0, k, 0), NAN, gap(s, k, c->g),
				     at_exp(s, group_part(s, c->g), k, 0), NAN };
			if (s->figs[1])
				r->change = r->at - at_exp(s, 0, k, 1);
			if (i == n)
				continue;
			for (size_t j = 0; j < c->fam_n[i]; j++)
				v[j] = at_exp(c->list[c->fam[i * K + j]], 0, k, 0);
			r->family = median(v, c->fam_n[i]);
			for (size_t j = 0; j < c->fam_n[i]; j++) {
				const sw_summary *t = c->list[c->fam[i * K + j]];
				v[j] = at_exp(t, group_part(t, c->g), k, 0);
			}
			c->lead[i * sk + k] = r->group_at - median(v, c->fam_n[i]);
		}
	}
	for (size_t k = 0; k < sk; k++) {
		size_t best = SIZE_MAX;
		for (size_t i = 0; i < n; i++) {
			double l = c->lead[i * sk + k];
			if (isnan(l) || l <= 0)
				continue;
			if (best == SIZE_MAX || l > c->lead[best * sk + k] ||
			    (l == c->lead[best * sk + k] &&
			     fabs(c->rows[i * sk + k].gap) < fabs(c->rows[best * sk + k].gap)))
				best = i;
		}
		c->learn[k] = best;
	}
}

static void write_csv(FILE *out, const cmp *c)
{
	fputs("school,skill,pupils,at_expected,family_median,gap,change,family\n", out);
	for (size_t i = 0; i < (c->n + 1) * c->sk; i++) {
		const crow *r = row_at(c, i);
		fput_csv(out, name_of(c, r->school));
		fputc(',', out);
		fput_csv(out, r->s->skills[r->skill].id);
		if (r->s->parts[0].pupils == SW_SUP)
			fputs(",", out);
		else
			fprintf(out, ",%lld", (long long)r->s->parts[0].pupils);
		double f[] = { r->at, r->family, r->gap, r->change };
		for (int j = 0; j < 4; j++) {
			fputc(',', out);
			fput_num(out, f[j], "");
		}
		fputc(',', out);
		if (r->school < c->n) {
			char buf[4096];
			size_t len = 0;
			buf[0] = '\0';
			for (size_t j = 0; j < c->fam_n[r->school] && len < sizeof buf; j++)
				len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", j ? ";" : "",
				                        name_of(c, c->fam[r->school * c->K + j]));
			fput_csv(out, buf);
		}
		fputc('\n', out);
	}
}

static void write_json(FILE *out, const cmp *c)
{
	fprintf(out, "{\"compare\": \"stepwise-summaries\", \"schools\": %zu, \"gap_group\": ", c->n);
	fput_json(out, c->g);
	fprintf(out, ", \"family_size\": %zu, \"framework\": ", c->K);
	fput_json(out, c->list[0]->fw_id);
	fputs(", \"rubric\": ", out);
	fput_json(out, c->list[0]->rubric);
	fputs(",\n \"families\": {", out);
	for (size_t i = 0; i < c->n; i++) {
		fputs(i ? ",\n  " : "\n  ", out);
		fput_json(out, name_of(c, i));
		fputs(": [", out);
		for (size_t j = 0; j < c->fam_n[i]; j++) {
			fputs(j ? ", " : "", out);
			fput_json(out, name_of(c, c->fam[i * c->K + j]));
		}
		fputs("]", out);
	}
	fputs("},\n \"rows\": [", out);
	for (size_t i = 0; i < (c->n + 1) * c->sk; i++) {
		const crow *r = row_at(c, i);
		fputs(i ? ",\n  {\"school\": " : "\n  {\"school\": ", out);
		fput_json(out, name_of(c, r->school));
		fputs(", \"skill\": ", out);
		fput_json(out, r->s->skills[r->skill].id);
		static const char *const keys[] = { "at_expected", "family_median", "gap", "change" };
		double f[] = { r->at, r->family, r->gap, r->change };
		for (int j = 0; j < 4; j++) {
			fprintf(out, ", \"%s\": ", keys[j]);
			fput_num(out, f[j], "null");
		}
		fputs("}", out);
	}
	fputs("\n ],\n \"learn_from\": [", out);
	for (size_t k = 0; k < c->sk; k++) {
		fputs(k ? ", {\"skill\": " : "{\"skill\": ", out);
		fput_json(out, c->list[0]->skills[k].id);
		fputs(", \"school\": ", out);
		fput_json(out, c->learn[k] == SIZE_MAX ? NULL : name_of(c, c->learn[k]));
		fputs("}", out);
	}
	fputs("]}\n", out);
}

static void write_table(FILE *out, const cmp *c)
{
	fprintf(out, "%-24s %-16s %7s %8s %8s %7s %7s\n", "school", "skill", "pupils", "at_exp%",
	        "family%", "gap_pp", "change");
	for (size_t i = 0; i < (c->n + 1) * c->sk; i++) {
		const crow *r = row_at(c, i);
		fprintf(out, "%-24.24s %-16.16s ", name_of(c, r->school), r->s->skills[r->skill].id);
		if (r->s->parts[0].pupils == SW_SUP)
			fprintf(out, "%7s", "-");
		else
			fprintf(out, "%7lld", (long long)r->s->parts[0].pupils);
		double f[] = { r->at, r->family, r->gap, r->change };
		int wid[] = { 8, 8, 7, 7 };
		for (int j = 0; j < 4; j++) {
			if (isnan(f[j]))
				fprintf(out, " %*s", wid[j], "-");
			else
				fprintf(out, " %*.1f", wid[j], f[j]);
		}
		fputc('\n', out);
	}
	fprintf(out, "\nwho to learn from (%s pupils' %% at expected furthest above their family's):\n",
	        c->g);
	for (size_t k = 0; k < c->sk; k++)
		fprintf(out, "  %-16s %s\n", c->list[0]->skills[k].id,
		        c->learn[k] == SIZE_MAX ? "-" : name_of(c, c->learn[k]));
}

/* A cell of the grid: light backgrounds for dark text (contrast over 7:1). */
static const char *shade(double v)
{
	return isnan(v) ? "#eeeeee" : v >= 80 ? "#c6dbef" : v >= 60 ? "#deebf7" : v >= 40 ? "#f7fbff" : "#fff5eb";
}

static void write_html(FILE *out, const cmp *c)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>Cluster comparison</title>\n<style>\n"
	      "body{font-family:system-ui,sans-serif;color:#1a1a1a;background:#fff;margin:1rem;"
	      "font-size:16px;line-height:1.4}\n"
	      ".scroll{overflow-x:auto;max-width:100%}\n"
	      "table{border-collapse:collapse;margin:0.5rem 0 1.5rem}\n"
	      "caption{text-align:left;font-weight:bold;padding:0.3rem 0}\n"
	      "th,td{border:1px solid #767676;padding:0.25rem 0.5rem;text-align:right}\n"
	      "th[scope=row]{text-align:left}\n"
	      ".fam{display:block;font-size:12px;color:#333}\n"
	      "section{page-break-inside:avoid;break-inside:avoid}\n"
	      "@media print{.scroll{overflow:visible}}\n"
	      "</style></head><body>\n<h1>Cluster comparison: ", out);
	fput_html(out, c->list[0]->fw_id);
	fprintf(out, ", %zu schools", c->n);
	if (c->list[0]->as_of) {
		fputs(", as of ", out);
		fput_html(out, c->list[0]->as_of);
	}
	fputs("</h1>\n<section aria-labelledby=\"key\"><h2 id=\"key\">Key messages</h2><ul>\n", out);
	for (size_t k = 0; k < c->sk; k++) {
		const crow *r = &c->rows[c->n * c->sk + k];
		fputs("<li><strong>", out);
		fput_html(out, c->list[0]->skills[k].id);
		fputs("</strong>: ", out);
		if (isnan(r->at))
			fputs("the cluster's share at the expected step cannot be shown (small numbers)", out);
		else
			fprintf(out, "%.1f%% of assessed pupils across the cluster are at or above the "
			        "expected step", r->at);
		if (!isnan(r->gap)) {
			fputs("; the ", out);
			fput_html(out, c->g);
			fprintf(out, " gap is %.1f percentage points", r->gap);
		}
		if (c->learn[k] != SIZE_MAX) {
			fputs("; learn from ", out);
			fput_html(out, name_of(c, c->learn[k]));
		}
		fputs(".</li>\n", out);
	}
	fputs("</ul></section>\n<section><h2>Schools and skills</h2><div class=\"scroll\"><table>\n"
	      "<caption>% of assessed pupils at or above the expected step (below: the median of "
	      "the school's family of similar schools); - where small numbers are hidden</caption>\n"
	      "<thead><tr><th scope=\"col\">School</th>", out);
	for (size_t k = 0; k < c->sk; k++) {
		fputs("<th scope=\"col\">", out);
		fput_html(out, c->list[0]->skills[k].id);
		fputs("</th>", out);
	}
	fputs("</tr></thead><tbody>\n", out);
	for (size_t i = 0; i <= c->n; i++) {
		fputs("<tr><th scope=\"row\">", out);
		fput_html(out, name_of(c, i));
		fputs("</th>", out);
		for (size_t k = 0; k < c->sk; k++) {
			const crow *r = &c->rows[i * c->sk + k];
			fprintf(out, "<td style=\"background:%s\">", shade(r->at));
			fput_num(out, r->at, "-");
			if (i < c->n) {
				fputs("<span class=\"fam\">family ", out);
				fput_num(out, r->family, "-");
				fputs("</span>", out);
			}
			fputs("</td>", out);
		}
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table></div></section>\n", out);
	for (size_t i = 0; i < c->n; i++) {
		fputs("<section><h2>", out);
		fput_html(out, name_of(c, i));
		fputs("</h2><p>Family of similar schools: ", out);
		for (size_t j = 0; j < c->fam_n[i]; j++) {
			fputs(j ? ", " : "", out);
			fput_html(out, name_of(c, c->fam[i * c->K + j]));
		}
		fputs(c->fam_n[i] ? ".</p>\n" : "none.</p>\n", out);
		fputs("<div class=\"scroll\"><table><caption>", out);
		fput_html(out, name_of(c, i));
		fputs(": % at or above expected, its family's median, the gap (percentage points) and "
		      "the change since the earlier date</caption>\n<thead><tr><th scope=\"col\">Skill</th>"
		      "<th scope=\"col\">At expected %</th><th scope=\"col\">Family median %</th>"
		      "<th scope=\"col\">Gap (pp)</th><th scope=\"col\">Change (pp)</th></tr></thead><tbody>\n",
		      out);
		for (size_t k = 0; k < c->sk; k++) {
			const crow *r = &c->rows[i * c->sk + k];
			fputs("<tr><th scope=\"row\">", out);
			fput_html(out, c->list[0]->skills[k].id);
			fputs("</th>", out);
			double f[] = { r->at, r->family, r->gap, r->change };
			for (int j = 0; j < 4; j++) {
				fputs("<td>", out);
				fput_num(out, f[j], "-");
				fputs("</td>", out);
			}
			fputs("</tr>\n", out);
		}
		fputs("</tbody></table></div></section>\n", out);
	}
	fputs("<p>Made by Stepwise from school summaries, which hold no pupil's data.</p>\n"
	      "</body></html>\n", out);
}


int sw_summary_compare(FILE *out, const sw_summary *const *list, size_t n,
                       const sw_compare_options *o)
{
	if (!out || !list || !n || !o || o->version != SW_COMPARE_OPTIONS_VERSION)
		return SW_EINVALID;
	cmp c = { .list = list, .n = n, .sk = list[0]->skill_count };
	c.g = o->gap ? o->gap : "pupil-premium";
	c.K = o->family ? o->family : 5;
	c.by_skill = o->by == SW_COMPARE_BY_SKILL;
	sw_mem m;
	sw_mem_init(&m, NULL);
	double *x = sw_mem_calloc(&m, n * 3 + 1, sizeof *x);
	near *nb = sw_mem_calloc(&m, c.K + 1, sizeof *nb);
	c.fam = sw_mem_calloc(&m, n * c.K + 1, sizeof *c.fam);
	c.fam_n = sw_mem_calloc(&m, n + 1, sizeof *c.fam_n);
	c.lead = sw_mem_calloc(&m, n * c.sk + n + 2, sizeof *c.lead);
	c.rows = sw_mem_calloc(&m, (n + 1) * c.sk + 1, sizeof *c.rows);
	c.learn = sw_mem_calloc(&m, c.sk + 1, sizeof *c.learn);
	int rc = x && nb && c.fam && c.fam_n && c.lead && c.rows && c.learn
	             ? sw_summary_combine(&c.cl, list, n, NULL)
	             : SW_ENOMEM;
	if (!rc) {
		features(x, list, n, c.g);
		for (size_t i = 0; i < n; i++) {
			/* the K nearest, kept sorted by insertion (K is small) */
			size_t m2 = 0;
			for (size_t j = 0; j < n; j++) {
				if (j == i)
					continue;
				double d = 0;
				for (int f = 0; f < 3; f++)
					d += (x[i * 3 + f] - x[j * 3 + f]) * (x[i * 3 + f] - x[j * 3 + f]);
				near e = { d, j };
				if (m2 == c.K && near_cmp(&e, &nb[m2 - 1]) >= 0)
					continue;
				size_t at = m2 < c.K ? m2++ : m2 - 1;
				while (at > 0 && near_cmp(&e, &nb[at - 1]) < 0) {
					nb[at] = nb[at - 1];
					at--;
				}
				nb[at] = e;
			}
			for (size_t j = 0; j < m2; j++)
				c.fam[i * c.K + c.fam_n[i]++] = nb[j].i;
		}
		compute(&c);
		if (o->format == SW_REPORT_CSV)
			write_csv(out, &c);
		else if (o->format == SW_REPORT_JSON)
			write_json(out, &c);
		else if (o->format == SW_COMPARE_HTML)
			write_html(out, &c);
		else
			write_table(out, &c);
		rc = ferror(out) ? SW_EIO : SW_OK;
	}
	sw_summary_free(c.cl);
	sw_mem_free(&m, x);
	sw_mem_free(&m, nb);
	sw_mem_free(&m, c.fam);
	sw_mem_free(&m, c.fam_n);
	sw_mem_free(&m, c.lead);
	sw_mem_free(&m, c.rows);
	sw_mem_free(&m, c.learn);
	return rc;
}
