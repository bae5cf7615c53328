/*
 * cohort.c - cohort analytics: evaluates the pupils as of up to three
 * dates, keeps a compact array of steps per pupil and skill, and computes
 * per group and skill the counts, means, medians and the share at the
 * expected step; the gap between a roster group and the others; progress
 * between two dates; and the support list. The figures are exact integers
 * (counts and sums) until they are written.
 */
#include "cohort.h"
#include "rubric.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* What collect() needs while a pass runs. */
typedef struct collector {
	sw_cohort *c;
	int pass;
	int32_t *dst;
	size_t row;
	sw_result_fn fn;
	void *payload;
} collector;

/* Keeps the steps of one result (an sw_result_fn). */
static int collect(const sw_result *r, void *payload)
{
	collector *st = payload;
	sw_cohort *c = st->c;
	if (!c->keep[r->pupil])
		return 0; /* another school's pupil: left out */
	if (st->row >= c->rows)
		return SW_ERROR; /* the roster changed under us: cannot happen */
	if (st->pass == SW_PASS_MAIN)
		c->pupil[st->row] = (uint32_t)r->pupil;
	int32_t *dst = st->dst + st->row * c->skills;
	for (size_t k = 0; k < c->skills; k++)
		dst[k] = r->skills[k].has_step ? r->skills[k].step : SW_NO_STEP;
	c->eval_errors += r->error_count;
	st->row++;
	return st->fn ? st->fn(r, st->payload) : 0;
}

/* Runs one evaluation pass as of `date` (NULL: all evidence). */
static int run_pass(sw_cohort *c, sw_engine *eng, int pass, const char *date,
                    const sw_cohort_options *o)
{
	c->steps[pass] = sw_mem_calloc(c->m, c->rows * c->skills + 1, sizeof(int32_t));
	if (!c->steps[pass])
		return sw_diag_add(&eng->diag, SW_ENOMEM, NULL, 0, 0, NULL, "out of memory");
	return sw_cohort_eval_into(c, eng, c->steps[pass], pass, date, o);
}

int sw_cohort_eval_into(sw_cohort *c, sw_engine *eng, int32_t *steps, int pass,
                        const char *date, const sw_cohort_options *o)
{
	collector st = { c, pass, steps, 0, o->on_result, o->payload };
	sw_eval_options eo = SW_EVAL_OPTIONS_INIT;
	eo.as_of = date;
	return sw_engine_evaluate(eng, &eo, collect, &st, NULL);
}

int32_t sw_cohort_expected(const sw_cohort *c, size_t r, size_t k, int pass)
{
	/* the pupil's year as of the pass's date: the roster's year shifted */
	int e, y = sw_year_then(sw_cohort_pupil(c, r)->year, c->year_shift[pass]);
	if (y == SW_NO_YEAR || !sw_framework_has_expected(&e, c->fw, y, &c->fw->skills[k]))
		return SW_NO_STEP;
	return e;
}

/* Counts, sums, histograms and progress for every group and skill. */
static int compute_stats(sw_cohort *c)
{
	size_t cells = c->group_count * c->skills;
	c->stats = sw_mem_calloc(c->m, cells + 1, sizeof *c->stats);
	if (!c->stats)
		return SW_ENOMEM;
	size_t len = 0;
	for (size_t k = 0; k < c->skills; k++)
		len += (size_t)((int64_t)c->fw->skills[k].max - c->fw->skills[k].min + 1);
	c->hist_len = len * c->group_count;
	c->hist = sw_mem_calloc(c->m, c->hist_len + 1, sizeof *c->hist);
	if (!c->hist)
		return SW_ENOMEM;
	size_t off = 0;
	for (size_t g = 0; g < c->group_count; g++) {
		const sw_cgroup *grp = &c->groups[g];
		for (size_t k = 0; k < c->skills; k++) {
			const sw_skill *sk = &c->fw->skills[k];
			sw_cstat *s = &c->stats[g * c->skills + k];
			s->hist = off;
			off += (size_t)((int64_t)sk->max - sk->min + 1);
			for (uint32_t i = 0; i < grp->count; i++) {
				size_t r = c->members[grp->first + i];
				int32_t step = c->steps[SW_PASS_MAIN][r * c->skills + k];
				if (step != SW_NO_STEP) {
					s->assessed++;
					s->sum += step;
					if (step >= sk->min && step <= sk->max)
						c->hist[s->hist + (size_t)(step - sk->min)]++;
					int32_t e = sw_cohort_expected(c, r, k, SW_PASS_MAIN);
					if (e != SW_NO_STEP) {
						s->with_exp++;
						s->at_exp += step >= e;
					}
				}
				if (c->has_progress) {
					int32_t a = c->steps[SW_PASS_FROM][r * c->skills + k];
					int32_t b = c->steps[SW_PASS_TO][r * c->skills + k];
					if (a != SW_NO_STEP && b != SW_NO_STEP) {
						s->both++;
						s->sum_from += a;
						s->sum_to += b;
					}
				}
			}
		}
	}
	return SW_OK;
}

/* Per skill: assessed count and sum of the gap group's pupils and of the others. */
static int compute_gap(sw_cohort *c, uint32_t gid)
{
	c->gap_n = sw_mem_calloc(c->m, c->skills * 2 + 1, sizeof *c->gap_n);
	c->gap_s = sw_mem_calloc(c->m, c->skills * 2 + 1, sizeof *c->gap_s);
	if (!c->gap_n || !c->gap_s)
		return SW_ENOMEM;
	for (size_t r = 0; r < c->rows; r++) {
		int side = !sw_cohort_in_group(c, sw_cohort_pupil(c, r), gid);
		for (size_t k = 0; k < c->skills; k++) {
			int32_t step = c->steps[SW_PASS_MAIN][r * c->skills + k];
			if (step != SW_NO_STEP) {
				c->gap_n[k * 2 + (size_t)side]++;
				c->gap_s[k * 2 + (size_t)side] += step;
			}
		}
	}
	return SW_OK;
}

/* Orders support rows: largest shortfall first, no step last; then pupil, skill. */
static int support_cmp(const void *a, const void *b)
{
	const sw_csupport *x = a, *y = b;
	int xs = x->step == SW_NO_STEP, ys = y->step == SW_NO_STEP;
	if (xs != ys)
		return xs - ys;
	if (!xs) {
		int64_t dx = (int64_t)x->expected - x->step, dy = (int64_t)y->expected - y->step;
		if (dx != dy)
			return dx > dy ? -1 : 1;
	}
	if (x->row != y->row) /* rows are in pupil id order */
		return x->row < y->row ? -1 : 1;
	return x->skill < y->skill ? -1 : x->skill > y->skill;
}

/* Lists pupils at least `below` steps under the expected step, or without a step. */
static int compute_support(sw_cohort *c)
{
	size_t cap = 0;
	for (size_t r = 0; r < c->rows; r++) {
		for (size_t k = 0; k < c->skills; k++) {
			int32_t e = sw_cohort_expected(c, r, k, SW_PASS_MAIN);
			int32_t step = c->steps[SW_PASS_MAIN][r * c->skills + k];
			if (e == SW_NO_STEP || (step != SW_NO_STEP && (int64_t)e - step < c->below))
				continue;
			if (sw_mem_grow(c->m, (void **)&c->support, &cap, c->support_count + 1,
			                sizeof *c->support))
				return SW_ENOMEM;
			c->support[c->support_count++] = (sw_csupport){ (uint32_t)r, (uint32_t)k, step, e };
		}
	}
	if (c->support_count)
		qsort(c->support, c->support_count, sizeof *c->support, support_cmp);
	return SW_OK;
}

/* Copies an optional string; false when out of memory. */
static bool dup_opt(const sw_mem *m, char **dst, const char *s)
{
	*dst = s ? sw_mem_strdup(m, s) : NULL;
	return !s || *dst;
}

/* Checks the options; records the first problem on the engine. */
static int check_options(sw_engine *eng, const sw_cohort_options *o)
{
	const char *why = NULL;
	if (o->version != SW_COHORT_OPTIONS_VERSION && o->version != 1)
		why = "sw_cohort_options has an unknown version";
	else if (o->by < SW_BY_ALL || o->by > SW_BY_SCHOOL_YEAR)
		why = "grouping must be all, school, class, year, group, school,class or school,year";
	else if (o->top < 0)
		why = "the number of pupils listed must be at least 1";
	else if (o->min_group < 0)
		why = "the smallest group shown must be at least 1 pupil";
	else if (o->below < 0)
		why = "the support threshold must be at least 1";
	else if (!o->from != !o->to)
		why = "progress needs both a from and a to date";
	if (why)
		return sw_diag_add(&eng->diag, SW_EINVALID, NULL, 0, 0, NULL, "%s", why);
	const char *dates[4] = { o->roster_date, o->as_of, o->from, o->to };
	int32_t days[4] = { 0, 0, 0, 0 };
	for (int i = 0; i < 4; i++)
		if (dates[i] && !sw_date_parse(&days[i], dates[i], strlen(dates[i])))
			return sw_diag_add(&eng->diag, SW_EINVALID, NULL, 0, 0, NULL,
			                   "date '%.20s' is not a real date as YYYY-MM-DD", dates[i]);
	if (o->from && days[2] > days[3])
		return sw_diag_add(&eng->diag, SW_EINVALID, NULL, 0, 0, NULL,
		                   "the from date %s is after the to date %s", o->from, o->to);
	return SW_OK;
}

int sw_cohort_new(sw_cohort **out, sw_engine *eng, const sw_cohort_options *opts)
{
	if (!out)
		return SW_EINVALID;
	*out = NULL;
	if (!eng)
		return SW_EINVALID;
	sw_engine_begin(eng);
	sw_cohort_options given = SW_COHORT_OPTIONS_INIT;
	if (opts) /* a version 1 struct ends before `schools` */
		memcpy(&given, opts, opts->version == 1 ? offsetof(sw_cohort_options, schools)
		                                        : sizeof given);
	const sw_cohort_options *o = &given;
	int rc = check_options(eng, o);
	if (rc)
		return rc;
	if (!eng->fw)
		return sw_diag_add(&eng->diag, SW_ESTATE, NULL, 0, 0, NULL,
		                   "load a framework before a report");
	if (!sw_roster_get(eng))
		return sw_diag_add(&eng->diag, SW_ENOMEM, NULL, 0, 0, NULL, "out of memory");
	uint32_t gid = 0;
	if (o->gap && (rc = sw_cohort_find_group(&gid, eng, o->gap)))
		return rc;
	sw_cohort *c = sw_mem_calloc(&eng->mem, 1, sizeof *c);
	if (!c)
		return sw_diag_add(&eng->diag, SW_ENOMEM, NULL, 0, 0, NULL, "out of memory");
	c->eng = eng;
	c->m = &eng->mem;
	c->fw = eng->fw;
	c->skills = eng->fw->skill_count;
	c->by = o->by;
	c->min_group = o->min_group ? o->min_group : 5;
	if ((rc = sw_cohort_select(c, eng, o->schools, o->school_count)) ||
	    (rc = sw_cohort_check_by(c, eng)))
		goto fail;
	c->below = o->below ? o->below : 1;
	c->gap_gid = gid;
	const char *main_date = o->as_of ? o->as_of : o->to;
	/* each pass's year shift: academic years from its date back to the roster's
	   date (sw_roster_day: the given one, or the newest evidence date) */
	const char *pass_dates[3] = { main_date, o->from, o->to };
	int32_t day;
	c->roster_day = sw_roster_day(eng, o->roster_date);
	for (int p = 0; p < 3; p++)
		if (pass_dates[p] && sw_date_parse(&day, pass_dates[p], strlen(pass_dates[p])))
			c->year_shift[p] = sw_year_shift(c->roster_day, day);
	c->with_support = o->with_support != 0;
	int32_t main_day = INT32_MAX; /* all evidence when there is no date */
	if (main_date)
		sw_date_parse(&main_day, main_date, strlen(main_date));
	sw_cohort_scan_evidence(c, main_day);
	c->has_gap = o->gap != NULL;
	c->has_progress = o->from != NULL;
	c->pupil = sw_mem_calloc(c->m, c->rows + 1, sizeof *c->pupil);
	if (!c->pupil || !dup_opt(c->m, &c->gap_name, o->gap) ||
	    !dup_opt(c->m, &c->as_of, main_date) || !dup_opt(c->m, &c->from, o->from) ||
	    !dup_opt(c->m, &c->to, o->to))
		goto nomem;
	rc = run_pass(c, eng, SW_PASS_MAIN, main_date, o);
	if (!rc && c->has_progress)
		rc = run_pass(c, eng, SW_PASS_FROM, o->from, o);
	if (!rc && c->has_progress && strcmp(o->to, main_date) == 0)
		c->steps[SW_PASS_TO] = c->steps[SW_PASS_MAIN]; /* shared; freed once */
	else if (!rc && c->has_progress)
		rc = run_pass(c, eng, SW_PASS_TO, o->to, o);
	if (rc) {
		if (!sw_engine_error_count(eng))
			sw_diag_add(&eng->diag, rc, NULL, 0, 0, NULL, "the evaluation was stopped");
		goto fail;
	}
	rc = sw_cohort_teacher_steps(c, main_day);
	if (rc || (rc = sw_cohort_build_groups(c)) || (rc = compute_stats(c)) ||
	    (c->has_gap && (rc = compute_gap(c, gid))) ||
	    (c->has_gap && (rc = sw_cohort_compute_gapx(c, gid))) ||
	    (rc = compute_support(c)) ||
	    !dup_opt(c->m, &c->rubric, sw_engine_rubric_name(eng)) ||
	    !dup_opt(c->m, &c->params, sw_engine_rubric_params(eng)))
		goto nomem;
	if ((rc = sw_cohort_compute_psupport(c, eng, o)) ||
	    (rc = sw_cohort_compute_trend(c, eng, o))) /* the error is recorded */
		goto fail;
	*out = c;
	return SW_OK;
nomem:
	rc = sw_diag_add(&eng->diag, SW_ENOMEM, NULL, 0, 0, NULL, "out of memory");
fail:
	sw_cohort_free(c);
	return rc;
}

void sw_cohort_free(sw_cohort *c)
{
	if (!c)
		return;
	const sw_mem *m = c->m;
	if (c->steps[SW_PASS_TO] != c->steps[SW_PASS_MAIN])
		sw_mem_free(m, c->steps[SW_PASS_TO]);
	sw_mem_free(m, c->steps[SW_PASS_MAIN]);
	sw_mem_free(m, c->steps[SW_PASS_FROM]);
	for (size_t g = 0; g < c->group_count; g++) {
		sw_mem_free(m, c->groups[g].name);
		sw_mem_free(m, c->groups[g].label);
	}
	for (size_t i = 0; i < c->source_count; i++)
		sw_mem_free(m, c->sources[i].file);
	for (size_t i = 0; i < c->school_count; i++)
		sw_mem_free(m, c->schools[i]);
	void *blocks[] = { c->pupil, c->groups, c->members, c->stats, c->hist, c->gap_n,
		           c->gap_s, c->gapx, c->keep, c->schools, c->psupport, c->trend, c->trend_dates, c->support, c->gap_name, c->as_of, c->from, c->to,
		           c->rubric, c->params, c->sources };
	for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
		sw_mem_free(m, blocks[i]);
	sw_mem_free(m, c);
}

uint64_t sw_cohort_eval_errors(const sw_cohort *c) { return c ? c->eval_errors : 0; }

int sw_cohort_add_source(sw_cohort *c, const char *file, const sw_load_stats *stats)
{
	if (!c || !file || !stats)
		return SW_EINVALID;
	size_t cap = c->source_count;
	if (sw_mem_grow(c->m, (void **)&c->sources, &cap, c->source_count + 1, sizeof *c->sources))
		return SW_ENOMEM;
	char *f = sw_mem_strdup(c->m, file);
	if (!f)
		return SW_ENOMEM;
	c->sources[c->source_count++] = (sw_csource){ f, *stats };
	return SW_OK;
}

const sw_pupil *sw_cohort_pupil(const sw_cohort *c, size_t row)
{
	return &c->eng->roster->pupils[c->pupil[row]];
}

bool sw_cohort_in_group(const sw_cohort *c, const sw_pupil *p, uint32_t gid)
{
	const struct sw_roster *ro = c->eng->roster;
	for (uint32_t j = 0; j < p->group_count; j++)
		if (ro->group_refs[p->group_first + j] == gid)
			return true;
	return false;
}

const char *sw_cohort_by_name(int by)
{
	static const char *const names[] = { "all", "school", "class", "year", "group",
		                             "school,class", "school,year" };
	return by >= SW_BY_ALL && by <= SW_BY_SCHOOL_YEAR ? names[by] : "?";
}

const char *sw_cohort_group_school(const sw_cohort *c, size_t g)
{
	return c && g < c->group_count ? c->groups[g].school : NULL;
}

void sw_cohort_left_out(const sw_cohort *c, size_t *pupils, size_t *records)
{
	if (pupils)
		*pupils = c ? c->left_pupils : 0;
	if (records)
		*records = c ? c->left_records : 0;
}

size_t sw_cohort_group_count(const sw_cohort *c) { return c ? c->group_count : 0; }

const char *sw_cohort_group_name(const sw_cohort *c, size_t g)
{
	return c && g < c->group_count ? c->groups[g].name : NULL;
}

size_t sw_cohort_group_pupils(const sw_cohort *c, size_t g)
{
	return c && g < c->group_count ? c->groups[g].count : 0;
}

int64_t sw_cohort_median2(const sw_cohort *c, size_t g, size_t k)
{
	const sw_cstat *s = &c->stats[g * c->skills + k];
	const sw_skill *sk = &c->fw->skills[k];
	/* the values at sorted positions lo and hi (0-based) */
	uint32_t lo = (s->assessed - 1) / 2, hi = s->assessed / 2, seen = 0;
	int64_t a = 0, b = 0;
	bool got_a = false;
	for (int64_t v = sk->min; v <= sk->max; v++) {
		uint32_t n = c->hist[s->hist + (size_t)(v - sk->min)];
		if (!got_a && seen + n > lo) {
			a = v;
			got_a = true;
		}
		if (seen + n > hi) {
			b = v;
			break;
		}
		seen += n;
	}
	return a + b;
}

int sw_cohort_stat_get(sw_cohort_stat *out, const sw_cohort *c, size_t g, size_t k)
{
	if (!out || !c || g >= c->group_count || k >= c->skills)
		return SW_EINVALID;
	const sw_cstat *s = &c->stats[g * c->skills + k];
	memset(out, 0, sizeof *out);
	out->pupils = c->groups[g].count;
	out->assessed = s->assessed;
	out->with_expected = s->with_exp;
	out->at_expected = s->at_exp;
	if (s->assessed) {
		out->mean = (double)s->sum / s->assessed;
		out->median = (double)sw_cohort_median2(c, g, k) / 2.0;
	}
	return SW_OK;
}

size_t sw_cohort_step_pupils(const sw_cohort *c, size_t g, size_t k, int step)
{
	if (!c || g >= c->group_count || k >= c->skills)
		return 0;
	const sw_skill *sk = &c->fw->skills[k];
	if (step < sk->min || step > sk->max)
		return 0;
	return c->hist[c->stats[g * c->skills + k].hist + (size_t)(step - sk->min)];
}

int sw_cohort_gap_get(sw_cohort_gap *out, const sw_cohort *c, size_t k)
{
	if (!out || !c || k >= c->skills)
		return SW_EINVALID;
	memset(out, 0, sizeof *out);
	if (!c->has_gap)
		return SW_ESTATE;
	out->group_assessed = c->gap_n[k * 2];
	out->others_assessed = c->gap_n[k * 2 + 1];
	if (out->group_assessed)
		out->group_mean = (double)c->gap_s[k * 2] / c->gap_n[k * 2];
	if (out->others_assessed)
		out->others_mean = (double)c->gap_s[k * 2 + 1] / c->gap_n[k * 2 + 1];
	if (out->group_assessed && out->others_assessed)
		out->gap = out->group_mean - out->others_mean;
	return SW_OK;
}

int sw_cohort_progress_get(sw_cohort_progress *out, const sw_cohort *c, size_t g, size_t k)
{
	if (!out || !c || g >= c->group_count || k >= c->skills)
		return SW_EINVALID;
	memset(out, 0, sizeof *out);
	if (!c->has_progress)
		return SW_ESTATE;
	const sw_cstat *s = &c->stats[g * c->skills + k];
	out->pupils_both = s->both;
	if (s->both) {
		out->mean_from = (double)s->sum_from / s->both;
		out->mean_to = (double)s->sum_to / s->both;
		out->mean_progress = (double)(s->sum_to - s->sum_from) / s->both;
	}
	return SW_OK;
}

size_t sw_cohort_support_count(const sw_cohort *c) { return c ? c->support_count : 0; }

int sw_cohort_support_get(sw_cohort_support *out, const sw_cohort *c, size_t i)
{
	if (!out || !c || i >= c->support_count)
		return SW_EINVALID;
	const sw_csupport *s = &c->support[i];
	const sw_pupil *p = sw_cohort_pupil(c, s->row);
	memset(out, 0, sizeof *out);
	out->pupil = p->id;
	out->name = p->name;
	out->class_name = p->class_name;
	out->skill = s->skill;
	out->expected = s->expected;
	out->has_step = s->step != SW_NO_STEP;
	if (out->has_step) {
		out->step = s->step;
		out->shortfall = s->expected - s->step;
	}
	return SW_OK;
}
