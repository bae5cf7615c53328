/*
 * cohort_gap.c - the gap between a roster group and the other pupils
 * within each group of the report (school, class, year, ...): counts per
 * side and year, from which the writers give the mean-step gap, the gap in
 * percentage points at the expected step, and the year-adjusted gap.
 */
#include "cohort.h"

#include <string.h>

/* The cell of group g, skill k, side (0 in the gap group, 1 not), year slot y. */
static sw_cgapcell *cell_at(const sw_cohort *c, size_t g, size_t k, int side, size_t y)
{
	return &c->gapx[((g * c->skills + k) * 2 + (size_t)side) * SW_GAP_YEARS + y];
}

int sw_cohort_compute_gapx(sw_cohort *c, uint32_t gid)
{
	size_t n = c->group_count * c->skills * 2 * SW_GAP_YEARS;
	c->gapx = sw_mem_calloc(c->m, n + 1, sizeof *c->gapx);
	if (!c->gapx)
		return SW_ENOMEM;
	for (size_t g = 0; g < c->group_count; g++) {
		const sw_cgroup *grp = &c->groups[g];
		for (uint32_t i = 0; i < grp->count; i++) {
			size_t r = c->members[grp->first + i];
			const sw_pupil *p = sw_cohort_pupil(c, r);
			int side = !sw_cohort_in_group(c, p, gid);
			size_t y = p->year >= 0 && p->year < SW_GAP_YEARS - 1 ? (size_t)p->year
			                                                      : SW_GAP_YEARS - 1;
			for (size_t k = 0; k < c->skills; k++) {
				int32_t step = c->steps[SW_PASS_MAIN][r * c->skills + k];
				if (step == SW_NO_STEP)
					continue;
				sw_cgapcell *cl = cell_at(c, g, k, side, y);
				cl->assessed++;
				cl->sum += step;
				int32_t e = sw_cohort_expected(c, r, k, SW_PASS_MAIN);
				if (e != SW_NO_STEP) {
					cl->with_exp++;
					cl->at_exp += step >= e;
				}
			}
		}
	}
	return SW_OK;
}

void sw_cohort_gap_side(sw_cgapcell *out, const sw_cohort *c, size_t g, size_t k, int side)
{
	memset(out, 0, sizeof *out);
	for (size_t y = 0; y < SW_GAP_YEARS; y++) {
		const sw_cgapcell *cl = cell_at(c, g, k, side, y);
		out->assessed += cl->assessed;
		out->with_exp += cl->with_exp;
		out->at_exp += cl->at_exp;
		out->sum += cl->sum;
	}
}

bool sw_cohort_gap_adjusted(double *pp, const sw_cohort *c, size_t g, size_t k)
{
	double num = 0;
	uint64_t weight = 0;
	for (size_t y = 0; y < SW_GAP_YEARS - 1; y++) {
		const sw_cgapcell *in = cell_at(c, g, k, 0, y), *out = cell_at(c, g, k, 1, y);
		if (!in->with_exp || !out->with_exp)
			continue;
		/* weight in->with_exp times the year's gap in points */
		double gap = 100.0 * in->at_exp / in->with_exp - 100.0 * out->at_exp / out->with_exp;
		num += gap * in->with_exp;
		weight += in->with_exp;
	}
	if (!weight)
		return false;
	*pp = num / (double)weight;
	return true;
}
