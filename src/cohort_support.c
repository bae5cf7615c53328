/*
 * cohort_support.c - the support list by pupil: a row per pupil below the
 * expected step in some skill (by at least `below` steps), with the total
 * shortfall, ranked largest first; and, separately, the pupils with no
 * step in a skill where one is expected (they need assessing first).
 * Narrowed by class, roster group and a count per list.
 */
#include "cohort.h"

#include <stdlib.h>
#include <string.h>

/* Ranks support pupils by total shortfall (largest first), then by row
   (id order); not-assessed pupils come after, by row. */
static int psupport_cmp(const void *a, const void *b)
{
	const sw_cpsupport *x = a, *y = b;
	if (x->not_assessed != y->not_assessed)
		return x->not_assessed ? 1 : -1;
	if (!x->not_assessed && x->total != y->total)
		return x->total > y->total ? -1 : 1;
	return x->row < y->row ? -1 : x->row > y->row;
}

/* Adds an entry to the list. */
static int add(sw_cohort *c, size_t *cap, sw_cpsupport e)
{
	if (sw_mem_grow(c->m, (void **)&c->psupport, cap, c->psupport_count + 1,
	                sizeof *c->psupport))
		return SW_ENOMEM;
	c->psupport[c->psupport_count++] = e;
	return SW_OK;
}

int sw_cohort_compute_psupport(sw_cohort *c, sw_engine *eng, const sw_cohort_options *o)
{
	uint32_t gid = 0;
	int rc;
	if (o->support_group && (rc = sw_cohort_find_group(&gid, eng, o->support_group)))
		return rc;
	bool class_seen = false;
	size_t cap = 0, na = 0; /* na: pupils not yet assessed */
	for (size_t r = 0; r < c->rows; r++) {
		const sw_pupil *p = sw_cohort_pupil(c, r);
		if (o->support_class && (!p->class_name || strcmp(p->class_name, o->support_class)))
			continue;
		class_seen = true;
		if (gid && !sw_cohort_in_group(c, p, gid))
			continue;
		sw_cpsupport below = { (uint32_t)r, 0, 0, false }, none = { (uint32_t)r, 0, 0, true };
		for (size_t k = 0; k < c->skills; k++) {
			int32_t e = sw_cohort_expected(c, r, k, SW_PASS_MAIN);
			int32_t step = c->steps[SW_PASS_MAIN][r * c->skills + k];
			if (e == SW_NO_STEP)
				continue;
			if (step == SW_NO_STEP) {
				none.skills++;
			} else if ((int64_t)e - step >= c->below) {
				below.skills++;
				below.total += (int64_t)e - step;
			}
		}
		if ((below.skills && (rc = add(c, &cap, below))) ||
		    (none.skills && (rc = add(c, &cap, none))))
			return sw_diag_add(&eng->diag, SW_ENOMEM, NULL, 0, 0, NULL, "out of memory");
		na += none.skills > 0;
	}
	if (o->support_class && !class_seen)
		return sw_diag_add(&eng->diag, SW_ENOTFOUND, NULL, 0, 0, NULL,
		                   "no pupil covered is in class '%.64s'", o->support_class);
	if (c->psupport_count)
		qsort(c->psupport, c->psupport_count, sizeof *c->psupport, psupport_cmp);
	size_t sup = c->psupport_count - na;
	if (o->top > 0) { /* the first `top` of each list */
		size_t top = (size_t)o->top, keep = sup < top ? sup : top;
		na = na < top ? na : top;
		memmove(c->psupport + keep, c->psupport + sup, na * sizeof *c->psupport);
		c->psupport_count = keep + na;
	}
	c->psupport_na = na;
	return SW_OK;
}

bool sw_cohort_support_lists(const sw_cohort *c, const sw_cpsupport *e, size_t k,
                             int32_t *expected, int32_t *step)
{
	int32_t x = sw_cohort_expected(c, e->row, k, SW_PASS_MAIN);
	int32_t st = c->steps[SW_PASS_MAIN][e->row * c->skills + k];
	*expected = x;
	*step = st;
	if (x == SW_NO_STEP)
		return false;
	if (e->not_assessed)
		return st == SW_NO_STEP;
	return st != SW_NO_STEP && (int64_t)x - st >= c->below;
}
