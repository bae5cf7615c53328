/*
 * skill.c - read-only accessors of a loaded framework and its skills.
 */
#include "internal.h"

#include <string.h>

const char *sw_framework_id(const sw_framework *fw) { return fw ? fw->id : NULL; }
const char *sw_framework_name(const sw_framework *fw) { return fw ? fw->name : NULL; }
const char *sw_framework_version(const sw_framework *fw) { return fw ? fw->version : NULL; }
const char *sw_framework_attribution(const sw_framework *fw) { return fw ? fw->attribution : NULL; }
const char *sw_framework_license(const sw_framework *fw) { return fw ? fw->license : NULL; }

size_t sw_framework_group_count(const sw_framework *fw) { return fw ? fw->group_count : 0; }

const char *sw_framework_group_id(const sw_framework *fw, size_t i)
{
	return fw && i < fw->group_count ? fw->groups[i].id : NULL;
}

const char *sw_framework_group_name(const sw_framework *fw, size_t i)
{
	return fw && i < fw->group_count ? fw->groups[i].name : NULL;
}

size_t sw_framework_stage_count(const sw_framework *fw) { return fw ? fw->stage_count : 0; }

const char *sw_framework_stage_id(const sw_framework *fw, size_t i)
{
	return fw && i < fw->stage_count ? fw->stages[i].id : NULL;
}

const char *sw_framework_stage_name(const sw_framework *fw, size_t i)
{
	return fw && i < fw->stage_count ? fw->stages[i].name : NULL;
}

int sw_framework_stage_range(int *first, int *last, const sw_framework *fw, size_t i)
{
	if (!fw || i >= fw->stage_count)
		return SW_ENOTFOUND;
	if (first)
		*first = fw->stages[i].first;
	if (last)
		*last = fw->stages[i].last;
	return SW_OK;
}

size_t sw_framework_skill_count(const sw_framework *fw) { return fw ? fw->skill_count : 0; }

const sw_skill *sw_framework_skill(const sw_framework *fw, size_t i)
{
	return fw && i < fw->skill_count ? &fw->skills[i] : NULL;
}

const sw_skill *sw_fw_find_key(const sw_framework *fw, const char *key, size_t len)
{
	size_t lo = 0, hi = fw->key_count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *k = fw->keys[mid].key;
		int c = strncmp(k, key, len);
		if (c == 0 && k[len] != '\0')
			c = 1;
		if (c == 0)
			return &fw->skills[fw->keys[mid].skill];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int sw_fw_find_skill(const sw_skill **out, const sw_framework *fw, const char *text)
{
	*out = NULL;
	sw_buf b;
	sw_buf_init(&b, fw->m);
	int rc = SW_ENOTFOUND;
	if (sw_text_key(&b, text, strlen(text))) {
		if (b.failed)
			rc = SW_ENOMEM;
		else if ((*out = sw_fw_find_key(fw, b.p ? b.p : "", b.len)))
			rc = SW_OK;
	}
	sw_buf_free(&b);
	return rc;
}

const sw_skill *sw_framework_find_skill(const sw_framework *fw, const char *text)
{
	const sw_skill *sk = NULL;
	if (fw && text)
		sw_fw_find_skill(&sk, fw, text);
	return sk;
}

int sw_framework_has_expected(int *step, const sw_framework *fw, int year, const sw_skill *skill)
{
	if (!fw || !skill || skill->fw != fw || year < 0 || year >= SW_YEARS)
		return 0;
	int v = fw->expected[skill->index * SW_YEARS + (size_t)year];
	if (v == SW_NO_STEP)
		return 0;
	if (step)
		*step = v;
	return 1;
}

size_t sw_skill_index(const sw_skill *sk) { return sk ? sk->index : 0; }
const char *sw_skill_id(const sw_skill *sk) { return sk ? sk->id : NULL; }
const char *sw_skill_name(const sw_skill *sk) { return sk ? sk->name : NULL; }

const char *sw_skill_group(const sw_skill *sk)
{
	return sk && sk->group >= 0 ? sk->fw->groups[sk->group].id : NULL;
}

int sw_skill_min(const sw_skill *sk) { return sk ? sk->min : 0; }
int sw_skill_max(const sw_skill *sk) { return sk ? sk->max : -1; }
size_t sw_skill_alias_count(const sw_skill *sk) { return sk ? sk->alias_count : 0; }

const char *sw_skill_alias(const sw_skill *sk, size_t i)
{
	return sk && i < sk->alias_count ? sk->aliases[i] : NULL;
}

const char *sw_skill_step_label(const sw_skill *sk, int step)
{
	return sk && step >= sk->min && step <= sk->max ? sk->steps[step - sk->min].label : NULL;
}

const char *sw_skill_step_text(const sw_skill *sk, int step)
{
	return sk && step >= sk->min && step <= sk->max ? sk->steps[step - sk->min].text : NULL;
}

const char *sw_skill_step_stage(const sw_skill *sk, int step)
{
	if (!sk || step < sk->min || step > sk->max)
		return NULL;
	int s = sk->steps[step - sk->min].stage;
	return s >= 0 ? sk->fw->stages[s].id : NULL;
}
