/*
 * result.c - one pupil's evaluation result: per-skill step, note,
 * evidence count and whether the rubric failed, flags, awards, and errors
 * with the skill each is of; with the public accessors.
 */
#include "internal.h"
#include "rubric.h"

#include <string.h>

int sw_result_init(sw_result *res, const sw_engine *eng)
{
	*res = (sw_result){ .eng = eng, .m = &eng->mem, .skill_count = eng->fw->skill_count };
	res->skills = sw_mem_calloc(res->m, res->skill_count, sizeof *res->skills);
	if (!res->skills)
		res->skill_count = 0; /* so that sw_result_release has nothing to clear */
	return res->skills ? SW_OK : SW_ENOMEM;
}

/* Frees the strings of a list and empties it. */
static void clear_list(const sw_mem *m, char **list, size_t *count)
{
	for (size_t i = 0; i < *count; i++)
		sw_mem_free(m, list[i]);
	*count = 0;
}

void sw_result_clear(sw_result *res)
{
	for (size_t k = 0; k < res->skill_count; k++) {
		sw_mem_free(res->m, res->skills[k].note);
		memset(&res->skills[k], 0, sizeof res->skills[k]);
	}
	clear_list(res->m, res->flags, &res->flag_count);
	clear_list(res->m, res->awards, &res->award_count);
	clear_list(res->m, res->errors, &res->error_count);
}

void sw_result_release(sw_result *res)
{
	if (!res->m)
		return;
	sw_result_clear(res);
	sw_mem_free(res->m, res->skills);
	sw_mem_free(res->m, res->flags);
	sw_mem_free(res->m, res->awards);
	sw_mem_free(res->m, res->errors);
	sw_mem_free(res->m, res->error_skill);
	res->skills = NULL;
	res->flags = res->awards = res->errors = NULL;
	res->error_skill = NULL;
}

int sw_result_push(sw_result *res, char ***list, size_t *count, size_t *cap, const char *text)
{
	if (sw_mem_grow(res->m, (void **)list, cap, *count + 1, sizeof(char *)))
		return SW_ENOMEM;
	char *c = sw_mem_strdup(res->m, text);
	if (!c)
		return SW_ENOMEM;
	(*list)[(*count)++] = c;
	return SW_OK;
}

int sw_result_add_error(sw_result *res, const char *text, uint32_t skill)
{
	if (sw_mem_grow(res->m, (void **)&res->error_skill, &res->error_skill_cap,
	                res->error_count + 1, sizeof *res->error_skill))
		return SW_ENOMEM;
	int rc = sw_result_push(res, &res->errors, &res->error_count, &res->error_cap, text);
	if (rc)
		return rc;
	bool one = skill < res->skill_count;
	res->error_skill[res->error_count - 1] = one ? skill : SW_RESULT_NO_SKILL;
	if (one)
		res->skills[skill].error = true;
	return SW_OK;
}

uint32_t sw_result_skill_index(const sw_result *res, const char *id)
{
	if (!id)
		return SW_RESULT_NO_SKILL;
	const sw_framework *fw = res->eng->fw;
	for (size_t k = 0; k < res->skill_count; k++)
		if (fw->skills[k].id == id)
			return (uint32_t)k;
	for (size_t k = 0; k < res->skill_count; k++)
		if (strcmp(fw->skills[k].id, id) == 0)
			return (uint32_t)k;
	return SW_RESULT_NO_SKILL;
}

void sw_result_free(sw_result *res)
{
	if (!res)
		return;
	const sw_mem *m = res->m;
	sw_result_release(res);
	sw_mem_free(m, res);
}

/* The pupil record of a result. */
static const sw_pupil *pupil_of(const sw_result *r)
{
	return &r->eng->roster->pupils[r->pupil];
}

const char *sw_result_pupil(const sw_result *r) { return r ? pupil_of(r)->id : NULL; }
const char *sw_result_name(const sw_result *r) { return r ? pupil_of(r)->name : NULL; }
int sw_result_year(const sw_result *r) { return r ? pupil_of(r)->year : SW_NO_YEAR; }
const char *sw_result_class(const sw_result *r) { return r ? pupil_of(r)->class_name : NULL; }
const char *sw_result_school(const sw_result *r) { return r ? pupil_of(r)->school : NULL; }
size_t sw_result_skill_count(const sw_result *r) { return r ? r->skill_count : 0; }

int sw_result_has_step(int *step, const sw_result *r, size_t skill)
{
	if (!r || skill >= r->skill_count || !r->skills[skill].has_step)
		return 0;
	if (step)
		*step = r->skills[skill].step;
	return 1;
}

const char *sw_result_note(const sw_result *r, size_t skill)
{
	return r && skill < r->skill_count ? r->skills[skill].note : NULL;
}

size_t sw_result_evidence(const sw_result *r, size_t skill)
{
	return r && skill < r->skill_count ? r->skills[skill].evidence : 0;
}

size_t sw_result_flag_count(const sw_result *r) { return r ? r->flag_count : 0; }
size_t sw_result_award_count(const sw_result *r) { return r ? r->award_count : 0; }
size_t sw_result_error_count(const sw_result *r) { return r ? r->error_count : 0; }

const char *sw_result_flag(const sw_result *r, size_t i)
{
	return r && i < r->flag_count ? r->flags[i] : NULL;
}

const char *sw_result_award(const sw_result *r, size_t i)
{
	return r && i < r->award_count ? r->awards[i] : NULL;
}

const char *sw_result_error(const sw_result *r, size_t i)
{
	return r && i < r->error_count ? r->errors[i] : NULL;
}

int sw_result_has_error(const sw_result *r, size_t skill)
{
	return r && skill < r->skill_count && r->skills[skill].error;
}

int sw_result_error_skill(size_t *skill, const sw_result *r, size_t i)
{
	if (!r || i >= r->error_count || r->error_skill[i] == SW_RESULT_NO_SKILL)
		return 0;
	if (skill)
		*skill = r->error_skill[i];
	return 1;
}
