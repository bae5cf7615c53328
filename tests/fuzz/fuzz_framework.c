/*
 * fuzz_framework.c - the framework loader: strict JSON, the format's rules,
 * the cross-part checks; then every accessor, the printer, the JSON form,
 * skill lookup and expectations on whatever loaded, and an evaluation with
 * the default rubric (the framework's tables in Lua).
 */
#include "fuzz.h"

#include <limits.h>
#include <string.h>

static void walk(const sw_engine *eng)
{
	const sw_framework *fw = sw_engine_framework(eng);
	size_t n = 0;
	n += sw_framework_id(fw) != NULL;
	n += sw_framework_name(fw) != NULL;
	for (size_t i = 0; i < sw_framework_group_count(fw); i++)
		n += sw_framework_group_id(fw, i) != NULL;
	for (size_t i = 0; i < sw_framework_stage_count(fw); i++) {
		int first, last;
		n += sw_framework_stage_range(&first, &last, fw, i) == SW_OK;
	}
	for (size_t i = 0; i < sw_framework_skill_count(fw); i++) {
		const sw_skill *sk = sw_framework_skill(fw, i);
		n += sw_skill_index(sk);
		/* the steps and one each side (steps may go up to INT_MAX) */
		long long lo = (long long)sw_skill_min(sk) - 1, hi = (long long)sw_skill_max(sk) + 1;
		if (hi > lo + 64)
			hi = lo + 64;
		for (long long s = lo; s <= hi; s++) {
			if (s < INT_MIN || s > INT_MAX)
				continue;
			n += sw_skill_step_label(sk, (int)s) != NULL;
			n += sw_skill_step_text(sk, (int)s) != NULL;
			n += sw_skill_step_stage(sk, (int)s) != NULL;
		}
		for (size_t a = 0; a < sw_skill_alias_count(sk); a++)
			n += sw_framework_find_skill(fw, sw_skill_alias(sk, a)) == sk;
		n += sw_framework_find_skill(fw, sw_skill_name(sk)) != NULL;
		for (int year = -1; year <= 15; year++) {
			int step;
			n += (size_t)sw_framework_has_expected(&step, fw, year, sk);
		}
	}
	(void)n;
	sw_framework_print(fuzz_null(), fw, NULL);
	if (sw_framework_skill_count(fw))
		sw_framework_print(fuzz_null(), fw, sw_skill_id(sw_framework_skill(fw, 0)));
	char *json = NULL;
	if (sw_framework_json(&json, fw) == SW_OK)
		sw_string_free(eng, json);
}

/* Evaluates a pupil with evidence at the first and last step of each skill
   (at most 8), so that the framework's tables reach a rubric. */
static void evaluate(sw_engine *eng)
{
	const sw_framework *fw = sw_engine_framework(eng);
	if (sw_engine_load_rubric_builtin(eng, "highest") != SW_OK)
		return;
	for (size_t i = 0; i < sw_framework_skill_count(fw) && i < 8; i++) {
		const sw_skill *sk = sw_framework_skill(fw, i);
		sw_evidence_data e = SW_EVIDENCE_DATA_INIT;
		e.pupil = "P1";
		e.skill = sw_skill_id(sk);
		e.date = "2026-01-05";
		e.step = sw_skill_min(sk);
		sw_engine_add_evidence(eng, &e);
		e.step = sw_skill_max(sk);
		sw_engine_add_evidence(eng, &e);
	}
	fuzz_evaluate(eng);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sw_engine_options o = SW_ENGINE_OPTIONS_INIT;
	o.instruction_limit = 100000;
	o.memory_limit = 8u * 1024 * 1024;
	sw_engine *eng;
	if (sw_engine_new(&eng, &o) != SW_OK)
		abort();
	if (sw_engine_load_framework_buffer(eng, (const char *)data, size, "fuzz.json") == SW_OK) {
		walk(eng);
		evaluate(eng);
	} else {
		fuzz_errors(eng);
	}
	sw_engine_free(eng);
	return 0;
}
