/*
 * compare_write.c - sw_summary_compare: the cluster's figures and each
 * school's % at expected per skill beside its family of similar schools,
 * its disadvantage gap, its change since the earlier date, and who to
 * learn from; as CSV, JSON or an aligned table.
 */
#include "compare.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* A percentage num/den or NAN when not known. */
static double pct(int64_t num, int64_t den)
{
	return num == SW_SUP || den == SW_SUP || den <= 0 ? NAN : 100.0 * (double)num / (double)den;
}

double sw_cmp_at_exp(const sw_summary *s, size_t p, size_t k, int d)
{
	if (p == SIZE_MAX || !s->figs[d])
		return NAN;
	const sw_sfig *f = &s->figs[d][p * s->skill_count + k];
	return pct(f->at_exp, f->with_exp);
}

/* The index of the group part named g (NULL: the year part of `year`), or SIZE_MAX. */
static size_t part_of(const sw_summary *s, const char *g, int year)
{
	for (size_t i = 0; i < s->part_count; i++)
		if (g ? s->parts[i].cut == SW_CUT_GROUP && strcmp(s->parts[i].group, g) == 0
		      : s->parts[i].cut == SW_CUT_YEAR && s->parts[i].year == year)
			return i;
	return SIZE_MAX;
}

/* The gap in percentage points at expected: the group minus the others
   (all minus the group), NAN when a count it needs is suppressed. */
static double gap(const sw_summary *s, size_t k, const char *g)
{
	size_t p = part_of(s, g, 0);
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
		size_t p = part_of(s, g, 0);
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

/* Writes text, then s as a JSON string (null for NULL; line breaks as \u000a). */
static void fput_json(FILE *out, const char *text, const char *s)
{
	fputs(text, out);
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

void sw_cmp_num(FILE *out, double v, const char *none)
{
	if (isnan(v))
		fputs(none, out);
	else
		fprintf(out, "%.1f", v);
}

const char *sw_cmp_name(const cmp *c, size_t i)
{
	const char *s = i < c->n ? c->list[i]->school : "(cluster)";
	return s ? s : "(all)";
}

/* Row i in the order asked for. */
static const crow *row_at(const cmp *c, size_t i)
{
	return c->by_skill ? &c->rows[(i % (c->n + 1)) * c->sk + i / (c->n + 1)] : &c->rows[i];
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
			*r = (crow){ s, i, k, sw_cmp_at_exp(s, 0, k, 0), NAN, gap(s, k, c->g),
				     sw_cmp_at_exp(s, part_of(s, c->g, 0), k, 0), NAN };
			if (s->figs[1])
				r->change = r->at - sw_cmp_at_exp(s, 0, k, 1);
			if (i == n)
				continue;
			for (size_t j = 0; j < c->fam_n[i]; j++)
				v[j] = sw_cmp_at_exp(c->list[c->fam[i * K + j]], 0, k, 0);
			r->family = median(v, c->fam_n[i]);
			for (size_t j = 0; j < c->fam_n[i]; j++) {
				const sw_summary *t = c->list[c->fam[i * K + j]];
				v[j] = sw_cmp_at_exp(t, part_of(t, c->g, 0), k, 0);
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

/* One CSV row: school i, skill, year (text), pupils, the four figures, family (or NULL). */
static void csv_row(FILE *out, const cmp *c, size_t i, const char *skill, const char *year,
                    int64_t pupils, const double f[4], const char *family)
{
	fput_csv(out, sw_cmp_name(c, i));
	fputc(',', out);
	fput_csv(out, skill);
	fprintf(out, ",%s,", year);
	if (pupils != SW_SUP)
		fprintf(out, "%lld", (long long)pupils);
	for (int j = 0; j < 4; j++) {
		fputc(',', out);
		sw_cmp_num(out, f[j], "");
	}
	fputc(',', out);
	fput_csv(out, family);
	fputc('\n', out);
}

/* One JSON object of a list: school i, skill, the year (text; NULL for all
   years) and the four figures (a year's without the gap). */
static void json_row(FILE *out, const cmp *c, bool first, size_t i, const char *skill,
                     const char *year, const double f[4])
{
	static const char *const keys[] = { "at_expected", "family_median", "gap", "change" };
	fput_json(out, first ? "\n  {\"school\": " : ",\n  {\"school\": ", sw_cmp_name(c, i));
	fput_json(out, ", \"skill\": ", skill);
	if (year)
		fprintf(out, ", \"year\": %s", year);
	for (int j = 0; j < 4; j++)
		if (!year || j != 2) {
			fprintf(out, ", \"%s\": ", keys[j]);
			sw_cmp_num(out, f[j], "null");
		}
	fputs("}", out);
}

/* Writes a row (CSV) or an object (JSON) for each school (and the cluster),
   skill and year part: the year's % at expected, its family's median for
   that year, the change. */
static void write_years(FILE *out, const cmp *c, bool json)
{
	double *v = c->lead + c->n * c->sk;
	bool first = true;
	for (size_t i = 0; i <= c->n; i++) {
		const sw_summary *s = i < c->n ? c->list[i] : c->cl;
		for (size_t k = 0; k < c->sk; k++)
			for (size_t p = 0; p < s->part_count; p++) {
				if (s->parts[p].cut != SW_CUT_YEAR || s->parts[p].year == SW_NO_YEAR)
					continue;
				double at = sw_cmp_at_exp(s, p, k, 0), fam = NAN;
				double ch = s->figs[1] ? at - sw_cmp_at_exp(s, p, k, 1) : NAN;
				if (i < c->n) {
					for (size_t j = 0; j < c->fam_n[i]; j++) {
						const sw_summary *t = c->list[c->fam[i * c->K + j]];
						v[j] = sw_cmp_at_exp(t, part_of(t, NULL, s->parts[p].year), k, 0);
					}
					fam = median(v, c->fam_n[i]);
				}
				char year[16];
				snprintf(year, sizeof year, "%d", s->parts[p].year);
				const double f[] = { at, fam, NAN, ch };
				if (json)
					json_row(out, c, first, i, s->skills[k].id, year, f);
				else
					csv_row(out, c, i, s->skills[k].id, year, s->parts[p].pupils, f, NULL);
				first = false;
			}
	}
}

static void write_csv(FILE *out, const cmp *c)
{
	fputs("school,skill,year,pupils,at_expected,family_median,gap,change,family\n", out);
	for (size_t i = 0; i < (c->n + 1) * c->sk; i++) {
		const crow *r = row_at(c, i);
		char buf[4096] = "";
		size_t len = 0;
		for (size_t j = 0; r->school < c->n && j < c->fam_n[r->school] && len < sizeof buf; j++)
			len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", j ? ";" : "",
			                        sw_cmp_name(c, c->fam[r->school * c->K + j]));
		csv_row(out, c, r->school, r->s->skills[r->skill].id, "all", r->s->parts[0].pupils,
		        (double[]){ r->at, r->family, r->gap, r->change },
		        r->school < c->n ? buf : NULL);
	}
	write_years(out, c, false);
}

static void write_json(FILE *out, const cmp *c)
{
	fprintf(out, "{\"compare\": \"stepwise-summaries\", \"schools\": %zu, \"gap_group\": ", c->n);
	fput_json(out, "", c->g);
	fprintf(out, ", \"family_size\": %zu, \"framework\": ", c->K);
	fput_json(out, "", c->list[0]->fw_id);
	fput_json(out, ", \"rubric\": ", c->list[0]->rubric);
	fputs(",\n \"families\": {", out);
	for (size_t i = 0; i < c->n; i++) {
		fput_json(out, i ? ",\n  " : "\n  ", sw_cmp_name(c, i));
		fputs(": [", out);
		for (size_t j = 0; j < c->fam_n[i]; j++)
			fput_json(out, j ? ", " : "", sw_cmp_name(c, c->fam[i * c->K + j]));
		fputs("]", out);
	}
	fputs("},\n \"rows\": [", out);
	for (size_t i = 0; i < (c->n + 1) * c->sk; i++) {
		const crow *r = row_at(c, i);
		json_row(out, c, i == 0, r->school, r->s->skills[r->skill].id, NULL,
		         (double[]){ r->at, r->family, r->gap, r->change });
	}
	fputs("\n ],\n \"years\": [", out);
	write_years(out, c, true);
	fputs("\n ],\n \"learn_from\": [", out);
	for (size_t k = 0; k < c->sk; k++) {
		fput_json(out, k ? ", {\"skill\": " : "{\"skill\": ", c->list[0]->skills[k].id);
		fput_json(out, ", \"school\": ",
		          c->learn[k] == SIZE_MAX ? NULL : sw_cmp_name(c, c->learn[k]));
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
		fprintf(out, "%-24.24s %-16.16s ", sw_cmp_name(c, r->school), r->s->skills[r->skill].id);
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
		        c->learn[k] == SIZE_MAX ? "-" : sw_cmp_name(c, c->learn[k]));
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
	near *nb = sw_mem_calloc(&m, n + 1, sizeof *nb);
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
			/* the K nearest: the other schools in order of distance */
			size_t m2 = 0;
			for (size_t j = 0; j < n; j++) {
				double d = 0;
				for (int f = 0; f < 3; f++)
					d += (x[i * 3 + f] - x[j * 3 + f]) * (x[i * 3 + f] - x[j * 3 + f]);
				if (j != i)
					nb[m2++] = (near){ d, j };
			}
			qsort(nb, m2, sizeof *nb, near_cmp);
			for (size_t j = 0; j < m2 && j < c.K; j++)
				c.fam[i * c.K + c.fam_n[i]++] = nb[j].i;
		}
		compute(&c);
		if (o->format == SW_REPORT_CSV)
			write_csv(out, &c);
		else if (o->format == SW_REPORT_JSON)
			write_json(out, &c);
		else if (o->format == SW_REPORT_HTML)
			sw_cmp_write_html(out, &c);
		else
			write_table(out, &c);
		rc = ferror(out) ? SW_EIO : SW_OK;
	}
	sw_summary_free(c.cl);
	void *blocks[] = { x, nb, c.fam, c.fam_n, c.lead, c.rows, c.learn };
	for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
		sw_mem_free(&m, blocks[i]);
	return rc;
}
