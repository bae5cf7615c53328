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

/* % at expected of a school's part p (SIZE_MAX: none) in skill k at date d. */
double sw_cmp_at_exp(const sw_summary *s, size_t p, size_t k, int d)
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

/* The index of the year part of `year`, or SIZE_MAX. */
static size_t year_part(const sw_summary *s, int year)
{
	for (size_t i = 0; i < s->part_count; i++)
		if (s->parts[i].cut == SW_CUT_YEAR && s->parts[i].year == year)
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

/* A figure to 1 decimal, or `none` when not known. */
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
			*r = (crow){ s, i, k, sw_cmp_at_exp(s, 0, k, 0), NAN, gap(s, k, c->g),
				     sw_cmp_at_exp(s, group_part(s, c->g), k, 0), NAN };
			if (s->figs[1])
				r->change = r->at - sw_cmp_at_exp(s, 0, k, 1);
			if (i == n)
				continue;
			for (size_t j = 0; j < c->fam_n[i]; j++)
				v[j] = sw_cmp_at_exp(c->list[c->fam[i * K + j]], 0, k, 0);
			r->family = median(v, c->fam_n[i]);
			for (size_t j = 0; j < c->fam_n[i]; j++) {
				const sw_summary *t = c->list[c->fam[i * K + j]];
				v[j] = sw_cmp_at_exp(t, group_part(t, c->g), k, 0);
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

/* Calls fn for each school (and the cluster), skill and year part: the
   year's % at expected, its family's median for that year, the change. */
typedef void (*year_fn)(FILE *out, const cmp *c, size_t school, size_t skill, size_t part,
                        double at, double family, double change, bool *first);
static void each_year(FILE *out, const cmp *c, year_fn fn)
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
						v[j] = sw_cmp_at_exp(t, year_part(t, s->parts[p].year), k, 0);
					}
					fam = median(v, c->fam_n[i]);
				}
				fn(out, c, i, k, p, at, fam, ch, &first);
			}
	}
}

static void csv_year(FILE *out, const cmp *c, size_t i, size_t k, size_t p, double at,
                     double fam, double ch, bool *first)
{
	const sw_summary *s = i < c->n ? c->list[i] : c->cl;
	(void)first;
	fput_csv(out, sw_cmp_name(c, i));
	fputc(',', out);
	fput_csv(out, s->skills[k].id);
	fprintf(out, ",%d,", s->parts[p].year);
	if (s->parts[p].pupils != SW_SUP)
		fprintf(out, "%lld", (long long)s->parts[p].pupils);
	double f[] = { at, fam, NAN, ch };
	for (int j = 0; j < 4; j++) {
		fputc(',', out);
		sw_cmp_num(out, f[j], "");
	}
	fputs(",\n", out);
}

static void json_year(FILE *out, const cmp *c, size_t i, size_t k, size_t p, double at,
                      double fam, double ch, bool *first)
{
	const sw_summary *s = i < c->n ? c->list[i] : c->cl;
	fputs(*first ? "\n  {\"school\": " : ",\n  {\"school\": ", out);
	*first = false;
	fput_json(out, sw_cmp_name(c, i));
	fputs(", \"skill\": ", out);
	fput_json(out, s->skills[k].id);
	fprintf(out, ", \"year\": %d, \"at_expected\": ", s->parts[p].year);
	sw_cmp_num(out, at, "null");
	fputs(", \"family_median\": ", out);
	sw_cmp_num(out, fam, "null");
	fputs(", \"change\": ", out);
	sw_cmp_num(out, ch, "null");
	fputs("}", out);
}

static void write_csv(FILE *out, const cmp *c)
{
	fputs("school,skill,year,pupils,at_expected,family_median,gap,change,family\n", out);
	for (size_t i = 0; i < (c->n + 1) * c->sk; i++) {
		const crow *r = row_at(c, i);
		fput_csv(out, sw_cmp_name(c, r->school));
		fputc(',', out);
		fput_csv(out, r->s->skills[r->skill].id);
		fputs(",all", out);
		if (r->s->parts[0].pupils == SW_SUP)
			fputs(",", out);
		else
			fprintf(out, ",%lld", (long long)r->s->parts[0].pupils);
		double f[] = { r->at, r->family, r->gap, r->change };
		for (int j = 0; j < 4; j++) {
			fputc(',', out);
			sw_cmp_num(out, f[j], "");
		}
		fputc(',', out);
		if (r->school < c->n) {
			char buf[4096];
			size_t len = 0;
			buf[0] = '\0';
			for (size_t j = 0; j < c->fam_n[r->school] && len < sizeof buf; j++)
				len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", j ? ";" : "",
				                        sw_cmp_name(c, c->fam[r->school * c->K + j]));
			fput_csv(out, buf);
		}
		fputc('\n', out);
	}
	each_year(out, c, csv_year);
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
		fput_json(out, sw_cmp_name(c, i));
		fputs(": [", out);
		for (size_t j = 0; j < c->fam_n[i]; j++) {
			fputs(j ? ", " : "", out);
			fput_json(out, sw_cmp_name(c, c->fam[i * c->K + j]));
		}
		fputs("]", out);
	}
	fputs("},\n \"rows\": [", out);
	for (size_t i = 0; i < (c->n + 1) * c->sk; i++) {
		const crow *r = row_at(c, i);
		fputs(i ? ",\n  {\"school\": " : "\n  {\"school\": ", out);
		fput_json(out, sw_cmp_name(c, r->school));
		fputs(", \"skill\": ", out);
		fput_json(out, r->s->skills[r->skill].id);
		static const char *const keys[] = { "at_expected", "family_median", "gap", "change" };
		double f[] = { r->at, r->family, r->gap, r->change };
		for (int j = 0; j < 4; j++) {
			fprintf(out, ", \"%s\": ", keys[j]);
			sw_cmp_num(out, f[j], "null");
		}
		fputs("}", out);
	}
	fputs("\n ],\n \"years\": [", out);
	each_year(out, c, json_year);
	fputs("\n ],\n \"learn_from\": [", out);
	for (size_t k = 0; k < c->sk; k++) {
		fputs(k ? ", {\"skill\": " : "{\"skill\": ", out);
		fput_json(out, c->list[0]->skills[k].id);
		fputs(", \"school\": ", out);
		fput_json(out, c->learn[k] == SIZE_MAX ? NULL : sw_cmp_name(c, c->learn[k]));
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
		else if (o->format == SW_REPORT_HTML)
			sw_cmp_write_html(out, &c);
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
