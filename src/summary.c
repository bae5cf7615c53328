/*
 * summary.c - makes a school's privacy-safe summary: evaluates the pupils
 * (as of a date and, optionally, an earlier one), counts per part (all
 * pupils, each year, each roster group) and skill, and suppresses small
 * counts with the disclosure system of sdc.c. Also the summary's life
 * cycle and the system shared with summary_check.c.
 */
#include "summary.h"
#include "data.h"
#include "rubric.h"

#include <stdio.h>
#include <stdlib.h>

sw_summary *sw_summary_alloc(const sw_mem *m)
{
	sw_mem mm;
	if (m)
		mm = *m;
	else
		sw_mem_init(&mm, NULL);
	sw_summary *s = sw_mem_calloc(&mm, 1, sizeof *s);
	if (s) {
		s->mem = mm;
		s->min_count = 5;
	}
	return s;
}

void sw_summary_free(sw_summary *s)
{
	if (!s)
		return;
	const sw_mem *m = &s->mem;
	for (size_t i = 0; i < s->part_count && s->parts; i++)
		sw_mem_free(m, s->parts[i].group);
	for (size_t i = 0; i < s->skill_count && s->skills; i++)
		sw_mem_free(m, s->skills[i].id);
	void *blocks[] = { s->school, s->fw_id, s->fw_version, s->fw_hash, s->rubric, s->params,
		           s->rubric_hash, s->as_of, s->from, s->version, s->parts, s->skills,
		           s->figs[0], s->figs[1], s->pool };
	for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
		sw_mem_free(m, blocks[i]);
	sw_mem m2 = s->mem;
	sw_mem_free(&m2, s);
}

int sw_summary_alloc_figs(sw_summary *s, bool with_from)
{
	size_t steps = 0, cells = s->part_count * s->skill_count;
	for (size_t k = 0; k < s->skill_count; k++)
		steps += (size_t)(s->skills[k].max - s->skills[k].min + 1);
	int dates = with_from ? 2 : 1;
	s->pool_len = steps * s->part_count * (size_t)dates;
	s->pool = sw_mem_calloc(&s->mem, s->pool_len + 1, sizeof *s->pool);
	if (!s->pool)
		return SW_ENOMEM;
	size_t off = 0;
	for (int d = 0; d < dates; d++) {
		s->figs[d] = sw_mem_calloc(&s->mem, cells + 1, sizeof *s->figs[d]);
		if (!s->figs[d])
			return SW_ENOMEM;
		for (size_t p = 0; p < s->part_count; p++)
			for (size_t k = 0; k < s->skill_count; k++) {
				s->figs[d][p * s->skill_count + k].steps = s->pool + off;
				off += (size_t)(s->skills[k].max - s->skills[k].min + 1);
			}
	}
	return SW_OK;
}

const char *sw_summary_phase(const sw_summary *s)
{
	bool primary = false, secondary = false;
	for (size_t i = 0; i < s->part_count; i++) {
		const sw_spart *p = &s->parts[i];
		if (p->cut != SW_CUT_YEAR || p->year == SW_NO_YEAR)
			continue;
		primary |= p->year <= 6;
		secondary |= p->year > 6;
	}
	return primary && secondary ? "all-through" : primary ? "primary" : secondary ? "secondary" : NULL;
}

size_t sw_summary_nvars(const sw_summary *s, size_t skill)
{
	if (skill == SIZE_MAX)
		return 1;
	return SW_SV_H + (size_t)(s->skills[skill].max - s->skills[skill].min + 1);
}

/* The value of variable t of a part's figures (SW_SUP when suppressed). */
static int64_t fig_value(const sw_summary *s, const sw_sfig *f, size_t part, size_t t)
{
	switch (t) {
	case SW_SV_P: return s->parts[part].pupils;
	case SW_SV_A: return f->assessed;
	case SW_SV_W: return f->with_exp;
	case SW_SV_X: return f->at_exp;
	case SW_SV_C: return f->coverage;
	case SW_SV_T: return f->assessed == SW_SUP ? SW_SUP : f->total;
	default: return f->steps[t - SW_SV_H];
	}
}

int sw_summary_system(sw_sdc *sdc, uint32_t **varsp, const sw_summary *s, int date, size_t skill)
{
	size_t nv = sw_summary_nvars(s, skill), np = s->part_count;
	sw_sdc_init(sdc, &s->mem);
	uint32_t *vars = *varsp = sw_mem_calloc(&s->mem, np * 2 * nv + 1, sizeof *vars);
	if (!vars)
		return SW_ENOMEM;
	int min = skill == SIZE_MAX ? 0 : s->skills[skill].min;
	/* variables: each part, then each group's complement (all hidden) */
	for (size_t i = 0; i < np; i++) {
		const sw_sfig *f = skill == SIZE_MAX ? NULL : &s->figs[date][i * s->skill_count + skill];
		for (size_t t = 0; t < nv; t++) {
			uint32_t *v = &vars[(i * 2) * nv + t];
			if (t >= SW_SV_NA && t < SW_SV_H) {
				*v = sw_sdc_var(sdc, SW_SDC_HIDDEN, 0, false);
				continue;
			}
			int64_t x = t == SW_SV_P ? s->parts[i].pupils : fig_value(s, f, i, t);
			*v = sw_sdc_var(sdc, t == SW_SV_T ? SW_SDC_TOTAL : SW_SDC_COUNT, x < 0 ? 0 : x,
			                x != SW_SUP);
		}
		if (s->parts[i].cut == SW_CUT_GROUP)
			for (size_t t = 0; t < nv; t++)
				vars[(i * 2 + 1) * nv + t] =
				    sw_sdc_var(sdc, t == SW_SV_T ? SW_SDC_TOTAL : SW_SDC_HIDDEN, 0, false);
	}
	/* within each part and complement */
	for (size_t i = 0; i < np * 2 && skill != SIZE_MAX; i++) {
		if (i % 2 && s->parts[i / 2].cut != SW_CUT_GROUP)
			continue;
		const uint32_t *v = &vars[i * nv];
		for (int r = 0; r < 2; r++) { /* assessed = sum of the counts; total = sum of step * count */
			sw_sdc_rel(sdc);
			sw_sdc_term_add(sdc, v[r ? SW_SV_T : SW_SV_A], 1);
			for (size_t h = SW_SV_H; h < nv; h++)
				sw_sdc_term_add(sdc, v[h], r ? -(min + (int32_t)(h - SW_SV_H)) : -1);
		}
		static const int trip[4][3] = { { SW_SV_P, SW_SV_A, SW_SV_NA },
			                        { SW_SV_A, SW_SV_W, SW_SV_NE },
			                        { SW_SV_W, SW_SV_X, SW_SV_BE },
			                        { SW_SV_P, SW_SV_C, SW_SV_NC } };
		for (int r = 0; r < 4; r++) { /* whole = part + rest */
			sw_sdc_rel(sdc);
			sw_sdc_term_add(sdc, v[trip[r][0]], 1);
			sw_sdc_term_add(sdc, v[trip[r][1]], -1);
			sw_sdc_term_add(sdc, v[trip[r][2]], -1);
		}
	}
	/* all = sum of the years; all = group + complement */
	bool years = false;
	for (size_t i = 0; i < np; i++)
		years |= s->parts[i].cut == SW_CUT_YEAR;
	for (size_t t = 0; t < nv; t++) {
		if (years) {
			sw_sdc_rel(sdc);
			sw_sdc_term_add(sdc, vars[t], 1);
			for (size_t i = 0; i < np; i++)
				if (s->parts[i].cut == SW_CUT_YEAR)
					sw_sdc_term_add(sdc, vars[(i * 2) * nv + t], -1);
		}
		for (size_t i = 0; i < np; i++) {
			if (s->parts[i].cut != SW_CUT_GROUP)
				continue;
			sw_sdc_rel(sdc);
			sw_sdc_term_add(sdc, vars[t], 1);
			sw_sdc_term_add(sdc, vars[(i * 2) * nv + t], -1);
			sw_sdc_term_add(sdc, vars[(i * 2 + 1) * nv + t], -1);
		}
	}
	return sdc->failed ? SW_ENOMEM : SW_OK;
}

const char *sw_summary_school(const sw_summary *s)
{
	return s ? s->school : NULL;
}

const char *sw_summary_as_of(const sw_summary *s)
{
	return s ? s->as_of : NULL;
}

uint64_t sw_summary_eval_errors(const sw_summary *s)
{
	return s ? s->eval_errors : 0;
}
