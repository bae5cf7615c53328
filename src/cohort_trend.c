/*
 * cohort_trend.c - the trend: per group and skill, the share of assessed
 * pupils at or above the expected step at the end of each term over the
 * span of the evidence (autumn to 31 December, spring to 31 March, summer
 * to 31 August; the academic year starts on 1 September), or at given
 * dates. Each date is its own evaluation, with the pupils' years as they
 * were then.
 */
#include "cohort.h"

#include <stdio.h>
#include <string.h>

#define MAX_TREND_DATES 60

/* Year and month of a date. */
static void year_month(int32_t days, int *y, int *m)
{
	char iso[16];
	sw_date_format(iso, days);
	sscanf(iso, "%d-%d", y, m);
}

void sw_term_name(sw_buf *b, int32_t days)
{
	int y, m;
	year_month(days, &y, &m);
	sw_buf_printf(b, "%s %d", m >= 9 ? "autumn" : m <= 3 ? "spring" : "summer", y);
}

/* The last day of the term holding a date. */
static int32_t term_end(int32_t days)
{
	int y, m;
	year_month(days, &y, &m);
	char iso[16];
	snprintf(iso, sizeof iso, "%04d-%s", y % 10000, m >= 9 ? "12-31" : m <= 3 ? "03-31" : "08-31");
	int32_t end = days;
	sw_date_parse(&end, iso, 10);
	return end;
}

/* Adds a date to the trend; false when there are too many. */
static bool add_date(sw_cohort *c, int32_t d)
{
	if (c->trend_count == MAX_TREND_DATES)
		return false;
	c->trend_dates[c->trend_count++] = d;
	return true;
}

/* The dates: given with `at`, or the term ends from the oldest to the newest evidence. */
static int trend_dates(sw_cohort *c, sw_engine *eng, const sw_cohort_options *o)
{
	c->trend_dates = sw_mem_calloc(c->m, MAX_TREND_DATES, sizeof *c->trend_dates);
	if (!c->trend_dates)
		return sw_diag_add(&eng->diag, SW_ENOMEM, NULL, 0, 0, NULL, "out of memory");
	if (o->at) {
		for (const char *p = o->at; *p;) {
			size_t n = strcspn(p, ",");
			int32_t d;
			if (n != 10 || !sw_date_parse(&d, p, n))
				return sw_diag_add(&eng->diag, SW_EINVALID, NULL, 0, 0, NULL,
				                   "'%.*s' is not a real date as YYYY-MM-DD (the dates of "
				                   "a trend are separated by commas)", (int)(n > 20 ? 20 : n), p);
			if (c->trend_count && d <= c->trend_dates[c->trend_count - 1])
				return sw_diag_add(&eng->diag, SW_EINVALID, NULL, 0, 0, NULL,
				                   "the dates of a trend must be in order, each after the last");
			if (!add_date(c, d))
				return sw_diag_add(&eng->diag, SW_EINVALID, NULL, 0, 0, NULL,
				                   "a trend takes at most %d dates", MAX_TREND_DATES);
			p += n + (p[n] == ',');
		}
		return SW_OK;
	}
	const struct sw_evidence *ev = eng->evidence;
	int32_t lo = INT32_MAX, hi = INT32_MIN;
	for (size_t i = 0; ev && i < ev->count; i++) {
		const sw_record *r = &ev->recs[i];
		if (r->pupil < eng->roster->count && c->keep[r->pupil]) {
			lo = r->date < lo ? r->date : lo;
			hi = r->date > hi ? r->date : hi;
		}
	}
	if (hi == INT32_MIN)
		return SW_OK; /* no evidence: no dates */
	int32_t last = term_end(hi);
	for (int32_t d = term_end(lo); d <= last; d = term_end(d + 1)) {
		if (c->trend_count == MAX_TREND_DATES) { /* keep the latest terms */
			c->trend_count--;
			memmove(c->trend_dates, c->trend_dates + 1,
			        c->trend_count * sizeof *c->trend_dates);
		}
		add_date(c, d);
	}
	return SW_OK;
}

int sw_cohort_compute_trend(sw_cohort *c, sw_engine *eng, const sw_cohort_options *o)
{
	if (!o->terms && !o->at)
		return SW_OK;
	int rc = trend_dates(c, eng, o);
	if (rc)
		return rc;
	size_t per = c->group_count * c->skills;
	c->trend = sw_mem_calloc(c->m, c->trend_count * per + 1, sizeof *c->trend);
	int32_t *steps = sw_mem_calloc(c->m, c->rows * c->skills + 1, sizeof *steps);
	if (!c->trend || !steps) {
		sw_mem_free(c->m, steps);
		return sw_diag_add(&eng->diag, SW_ENOMEM, NULL, 0, 0, NULL, "out of memory");
	}
	int main_shift = c->year_shift[SW_PASS_MAIN];
	for (size_t t = 0; t < c->trend_count && !rc; t++) {
		char iso[16];
		sw_date_format(iso, c->trend_dates[t]);
		/* the years as they were at this date, from the roster's date */
		c->year_shift[SW_PASS_MAIN] = sw_year_shift(c->roster_day, c->trend_dates[t]);
		rc = sw_cohort_eval_into(c, eng, steps, SW_PASS_FROM, iso, o);
		for (size_t g = 0; g < c->group_count && !rc; g++) {
			const sw_cgroup *grp = &c->groups[g];
			for (uint32_t i = 0; i < grp->count; i++) {
				size_t r = c->members[grp->first + i];
				for (size_t k = 0; k < c->skills; k++) {
					int32_t step = steps[r * c->skills + k];
					if (step == SW_NO_STEP)
						continue;
					sw_ctrend *cell = &c->trend[t * per + g * c->skills + k];
					cell->assessed++;
					int32_t e = sw_cohort_expected(c, r, k, SW_PASS_MAIN);
					if (e != SW_NO_STEP) {
						cell->with_exp++;
						cell->at_exp += step >= e;
					}
				}
			}
		}
	}
	c->year_shift[SW_PASS_MAIN] = main_shift;
	sw_mem_free(c->m, steps);
	if (rc && !sw_engine_error_count(eng))
		sw_diag_add(&eng->diag, rc, NULL, 0, 0, NULL, "the evaluation was stopped");
	return rc;
}
