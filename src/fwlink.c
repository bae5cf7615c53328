/*
 * fwlink.c - the framework checks that tie its parts together: ids and
 * aliases unique across skills, expectations against the skills' ranges,
 * stages linked to steps, and the index used to match skill names.
 */
#include "internal.h"
#include "fwload.h"

#include <stdlib.h>
#include <string.h>

/* Checks that skill ids and aliases are unique together (path at $.skills). */
void sw_fwl_check_unique_ids(loader *L)
{
	sw_framework *fw = L->fw;
	for (size_t i = 0; i < fw->skill_count; i++) {
		sw_skill *sk = &fw->skills[i];
		for (size_t a = 0; a <= sk->alias_count; a++) {
			const char *id = a == 0 ? sk->id : sk->aliases[a - 1];
			if (!id)
				continue;
			/* compare with every earlier id or alias */
			bool dup = false;
			size_t j, b = 0;
			for (j = 0; j <= i && !dup; j++) {
				sw_skill *o = &fw->skills[j];
				size_t lim = j == i ? a : o->alias_count + 1;
				for (b = 0; b < lim && !dup; b++) {
					const char *other = b == 0 ? o->id : o->aliases[b - 1];
					dup = other && strcmp(other, id) == 0;
				}
			}
			if (dup) {
				j--, b--; /* the loops stepped past the match */
				char first[80]; /* where the id or alias was first used */
				if (b == 0)
					snprintf(first, sizeof first, "$.skills[%zu].id", j);
				else
					snprintf(first, sizeof first, "$.skills[%zu].aliases[%zu]", j, b - 1);
				size_t old = sw_jpath_index(&L->path, i);
				if (a) {
					sw_jpath_key(&L->path, "aliases");
					sw_jpath_index(&L->path, a - 1);
				}
				sw_fwl_rule_error(L, a ? NULL : "id", "\"%s\" is already used at %s (skill ids "
				           "and aliases must all differ)", id, first);
				sw_jpath_restore(&L->path, old);
			}
		}
	}
}

/* True when step is inside the skill's range (always true for a skill whose steps failed). */
static bool in_range(const sw_skill *sk, int step)
{
	return sk->max < sk->min || (step >= sk->min && step <= sk->max);
}

static const char *const EXPECT_KEYS[] = { "year", "step", "skills", NULL };

/* Loads "expectations" into fw->expected. */
void sw_fwl_load_expectations(loader *L, const cJSON *root)
{
	sw_framework *fw = L->fw;
	size_t cells = fw->skill_count * SW_YEARS;
	fw->expected = sw_mem_calloc(L->m, cells ? cells : 1, sizeof(int));
	if (!fw->expected) {
		L->nomem = 1;
		return;
	}
	for (size_t i = 0; i < cells; i++)
		fw->expected[i] = SW_NO_STEP;
	const cJSON *arr = sw_fwl_get_array(L, root, "expectations", false);
	if (!arr)
		return;
	bool seen[SW_YEARS] = { false };
	size_t old = sw_jpath_key(&L->path, "expectations");
	size_t i = 0;
	for (const cJSON *c = arr->child; c; c = c->next, i++) {
		size_t o2 = sw_jpath_index(&L->path, i);
		int year, step;
		if (!cJSON_IsObject(c)) {
			sw_fwl_rule_error(L, NULL, "must be an object");
			goto next;
		}
		sw_fwl_check_keys(L, c, EXPECT_KEYS);
		bool given = sw_fwl_get_int(L, c, "year", true, &year), has_year = false;
		if (given && (year < 0 || year >= SW_YEARS))
			sw_fwl_rule_error(L, "year", "must be from 0 (Reception) to %d, not %d", SW_YEARS - 1, year);
		else if (given && seen[year])
			sw_fwl_rule_error(L, "year", "year %d already has expectations", year);
		else if (given)
			has_year = seen[year] = true;
		const cJSON *skills = cJSON_GetObjectItemCaseSensitive(c, "skills");
		bool has_step = cJSON_GetObjectItemCaseSensitive(c, "step") != NULL;
		if (has_step && !sw_fwl_get_int(L, c, "step", false, &step))
			has_step = false;
		else if (!has_step && !skills)
			sw_fwl_rule_error(L, NULL, "needs \"step\" or \"skills\"");
		bool *over = sw_mem_calloc(L->m, fw->skill_count ? fw->skill_count : 1, sizeof(bool));
		if (!over) {
			L->nomem = 1;
			goto next;
		}
		if (skills && !cJSON_IsObject(skills)) {
			sw_fwl_rule_error(L, "skills", "must be an object of skill ids and steps");
		} else if (skills) {
			size_t o3 = sw_jpath_key(&L->path, "skills");
			for (const cJSON *s = skills->child; s; s = s->next) {
				size_t o4 = sw_jpath_key(&L->path, s->string);
				const sw_skill *sk = NULL;
				for (size_t k = 0; k < fw->skill_count && !sk; k++) {
					const sw_skill *t = &fw->skills[k];
					if (t->id && strcmp(t->id, s->string) == 0)
						sk = t;
					for (size_t a = 0; a < t->alias_count && !sk; a++)
						if (t->aliases[a] && strcmp(t->aliases[a], s->string) == 0)
							sk = t;
				}
				int v;
				if (!sk)
					sw_fwl_rule_error(L, NULL, "\"%s\" is not a skill of this framework", s->string);
				else if (!sw_json_int(s, &v))
					sw_fwl_rule_error(L, NULL, "must be an integer");
				else if (!in_range(sk, v))
					sw_fwl_rule_error(L, NULL, "step %d is outside skill \"%s\" (%d to %d)", v,
					           sk->id, sk->min, sk->max);
				else {
					over[sk->index] = true;
					if (has_year)
						fw->expected[sk->index * SW_YEARS + (size_t)year] = v;
				}
				sw_jpath_restore(&L->path, o4);
			}
			sw_jpath_restore(&L->path, o3);
		}
		for (size_t k = 0; has_step && k < fw->skill_count; k++) {
			const sw_skill *sk = &fw->skills[k];
			if (over[k])
				continue;
			if (!in_range(sk, step))
				sw_fwl_rule_error(L, "step", "step %d is outside skill \"%s\" (%d to %d)",
				           step, sk->id ? sk->id : "?", sk->min, sk->max);
			else if (has_year)
				fw->expected[k * SW_YEARS + (size_t)year] = step;
		}
		sw_mem_free(L->m, over);
	next:
		sw_jpath_restore(&L->path, o2);
	}
	sw_jpath_restore(&L->path, old);
}

/* Orders the matching keys. */
static int cmp_fw_key(const void *a, const void *b)
{
	return strcmp(((const sw_fw_key *)a)->key, ((const sw_fw_key *)b)->key);
}

/* Adds one matching key for skill k; reports a name clash with another skill
   at $.skills[k] plus `key` (or .aliases[alias] when key is NULL). */
static void add_key(loader *L, size_t k, const char *text, const char *key_name, size_t alias)
{
	sw_framework *fw = L->fw;
	sw_buf b;
	sw_buf_init(&b, L->m);
	char *key = sw_text_key(&b, text, strlen(text)) ? sw_buf_take(&b) : NULL;
	sw_buf_free(&b);
	if (!key) {
		L->nomem = 1;
		return;
	}
	for (size_t i = 0; i < fw->key_count; i++) {
		if (strcmp(fw->keys[i].key, key) == 0) {
			if (fw->keys[i].skill != k) {
				size_t old = sw_jpath_index(&L->path, k);
				if (!key_name) {
					sw_jpath_key(&L->path, "aliases");
					sw_jpath_index(&L->path, alias);
				}
				sw_fwl_rule_error(L, key_name, "\"%s\" cannot be told apart from skill \"%s\" "
				           "(names, ids and aliases are matched ignoring case, spaces, "
				           "'_' and '-')", text, fw->skills[fw->keys[i].skill].id);
				sw_jpath_restore(&L->path, old);
			}
			sw_mem_free(L->m, key);
			return;
		}
	}
	fw->keys[fw->key_count].key = key;
	fw->keys[fw->key_count].skill = k;
	fw->key_count++;
}

/* Builds the sorted index of ids, aliases and names used to match evidence. */
void sw_fwl_build_keys(loader *L)
{
	sw_framework *fw = L->fw;
	size_t n = 0;
	for (size_t k = 0; k < fw->skill_count; k++)
		n += 2 + fw->skills[k].alias_count;
	fw->keys = sw_mem_calloc(L->m, n ? n : 1, sizeof *fw->keys);
	if (!fw->keys) {
		L->nomem = 1;
		return;
	}
	size_t old = sw_jpath_key(&L->path, "skills");
	for (size_t k = 0; k < fw->skill_count && !L->nomem; k++) {
		const sw_skill *sk = &fw->skills[k];
		add_key(L, k, sk->id, "id", 0);
		for (size_t a = 0; a < sk->alias_count; a++)
			add_key(L, k, sk->aliases[a], NULL, a);
		add_key(L, k, sk->name, "name", 0);
	}
	sw_jpath_restore(&L->path, old);
	qsort(fw->keys, fw->key_count, sizeof *fw->keys, cmp_fw_key);
}

/* Marks each step with the stage it falls in; checks stages lie inside the steps. */
void sw_fwl_link_stages(loader *L)
{
	sw_framework *fw = L->fw;
	int lo = SW_NO_STEP, hi = SW_NO_STEP;
	if (fw->skill_count == 0)
		return; /* "skills" is missing or empty: already an error */
	for (size_t k = 0; k < fw->skill_count; k++) {
		const sw_skill *sk = &fw->skills[k];
		if (sk->max < sk->min)
			return;
		if (lo == SW_NO_STEP || sk->min < lo)
			lo = sk->min;
		if (hi == SW_NO_STEP || sk->max > hi)
			hi = sk->max;
	}
	size_t old = sw_jpath_key(&L->path, "stages");
	for (size_t s = 0; s < fw->stage_count; s++) {
		const sw_named *st = &fw->stages[s];
		if (st->first == SW_NO_STEP || st->last == SW_NO_STEP)
			continue;
		size_t o2 = sw_jpath_index(&L->path, s);
		if (st->first < lo || st->last > hi)
			sw_fwl_rule_error(L, NULL, "steps %d to %d go outside the framework's steps (%d to %d)",
			           st->first, st->last, lo, hi);
		sw_jpath_restore(&L->path, o2);
		for (size_t k = 0; k < fw->skill_count; k++) {
			sw_skill *sk = &fw->skills[k];
			for (size_t j = 0; j < sk->step_count; j++) {
				long long v = (long long)sk->min + (long long)j;
				if (v >= st->first && v <= st->last)
					sk->steps[j].stage = (int)s;
			}
		}
	}
	sw_jpath_restore(&L->path, old);
}
