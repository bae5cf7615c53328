/*
 * compare.c - sw_summary_combine: adds summaries of one framework and
 * rubric into the cluster's (a count is suppressed in the cluster when it is
 * in any school, so the cluster's counts are exact where shown).
 */
#include "summary.h"

#include <stdio.h>
#include <stdlib.h>

/* Text of what differs between a and b, or NULL when they can be combined. */
static const char *differs(const sw_summary *a, const sw_summary *b)
{
#define SAME(x, y) ((!(x) && !(y)) || ((x) && (y) && strcmp((x), (y)) == 0))
	if (!SAME(a->fw_id, b->fw_id) || !SAME(a->fw_hash, b->fw_hash))
		return "framework (its steps or expectations differ)";
	if (!SAME(a->rubric, b->rubric))
		return "rubric name";
	if (!SAME(a->params, b->params))
		return "rubric parameters";
	if (!SAME(a->rubric_hash, b->rubric_hash))
		return "rubric source";
	if (a->skill_count != b->skill_count)
		return "skills";
	if ((a->figs[1] == NULL) != (b->figs[1] == NULL))
		return "earlier date (only some were made with --from)";
	return NULL;
#undef SAME
}

/* The index of a part like q in s, or SIZE_MAX. */
static size_t find_part(const sw_summary *s, const sw_spart *q)
{
	for (size_t i = 0; i < s->part_count; i++) {
		const sw_spart *p = &s->parts[i];
		if (p->cut == q->cut && (p->cut != SW_CUT_YEAR || p->year == q->year) &&
		    (p->cut != SW_CUT_GROUP || strcmp(p->group, q->group) == 0))
			return i;
	}
	return SIZE_MAX;
}

static void add(int64_t *dst, int64_t v)
{
	*dst = *dst == SW_SUP || v == SW_SUP ? SW_SUP : *dst + v;
}

/* Adds the union of the parts of every summary to c. */
static int union_parts(sw_summary *c, const sw_summary *const *list, size_t n)
{
	size_t cap = 0;
	for (size_t i = 0; i < n; i++)
		cap += list[i]->part_count;
	c->parts = sw_mem_calloc(&c->mem, cap + 1, sizeof *c->parts);
	if (!c->parts)
		return SW_ENOMEM;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < list[i]->part_count; j++) {
			const sw_spart *q = &list[i]->parts[j];
			if (find_part(c, q) != SIZE_MAX)
				continue;
			sw_spart *p = &c->parts[c->part_count++];
			*p = *q;
			p->pupils = 0;
			p->group = q->group ? sw_mem_strdup(&c->mem, q->group) : NULL;
			if (q->group && !p->group)
				return SW_ENOMEM;
		}
	return SW_OK;
}

int sw_summary_combine(sw_summary **out, const sw_summary *const *list, size_t n, char **why)
{
	if (why)
		*why = NULL;
	if (!out || !list || !n)
		return SW_EINVALID;
	*out = NULL;
	sw_mem m;
	sw_mem_init(&m, NULL);
	for (size_t i = 1; i < n; i++) {
		const char *d = differs(list[0], list[i]);
		if (d) {
			if (why) {
				char buf[512];
				snprintf(buf, sizeof buf, "summaries of %s and %s differ in their %s: make them "
				         "again with the same framework and rubric",
				         list[0]->school ? list[0]->school : "(all)",
				         list[i]->school ? list[i]->school : "(all)", d);
				*why = sw_mem_strdup(&m, buf);
			}
			return SW_EINVALID;
		}
	}
	const sw_summary *f = list[0];
	sw_summary *c = sw_summary_alloc(&m);
	if (!c)
		return SW_ENOMEM;
	int rc = SW_ENOMEM;
	c->min_count = f->min_count;
	const char *src[] = { f->fw_id, f->fw_version, f->fw_hash, f->rubric, f->params,
		              f->rubric_hash, f->version, f->as_of, f->from, "(cluster)" };
	char **dst[] = { &c->fw_id, &c->fw_version, &c->fw_hash, &c->rubric, &c->params,
		         &c->rubric_hash, &c->version, &c->as_of, &c->from, &c->school };
	for (size_t i = 0; i < sizeof src / sizeof src[0]; i++)
		if (src[i] && !(*dst[i] = sw_mem_strdup(&m, src[i])))
			goto fail;
	c->skills = sw_mem_calloc(&m, f->skill_count + 1, sizeof *c->skills);
	if (!c->skills)
		goto fail;
	for (size_t k = 0; k < f->skill_count; k++) {
		c->skills[k] = f->skills[k];
		if (!(c->skills[k].id = sw_mem_strdup(&m, f->skills[k].id)))
			goto fail;
		c->skill_count++;
	}
	if ((rc = union_parts(c, list, n)) || (rc = sw_summary_alloc_figs(c, f->figs[1] != NULL)))
		goto fail;
	for (size_t i = 0; i < n; i++) {
		const sw_summary *s = list[i];
		for (size_t p = 0; p < c->part_count; p++) {
			size_t q = find_part(s, &c->parts[p]);
			if (q == SIZE_MAX)
				continue; /* no such pupils in that school: counts of 0 */
			add(&c->parts[p].pupils, s->parts[q].pupils);
			for (int d = 0; d < 2 && c->figs[d]; d++)
				for (size_t k = 0; k < c->skill_count; k++) {
					sw_sfig *cf = &c->figs[d][p * c->skill_count + k];
					const sw_sfig *sf = &s->figs[d][q * s->skill_count + k];
					add(&cf->assessed, sf->assessed);
					add(&cf->with_exp, sf->with_exp);
					add(&cf->at_exp, sf->at_exp);
					add(&cf->coverage, sf->coverage);
					add(&cf->total, sf->total);
					for (int st = 0; st <= c->skills[k].max - c->skills[k].min; st++)
						add(&cf->steps[st], sf->steps[st]);
				}
		}
	}
	*out = c;
	return SW_OK;
fail:
	sw_summary_free(c);
	return rc;
}
