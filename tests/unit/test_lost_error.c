/*
 * test_lost_error.c - an error that cannot be recorded is never lost in
 * silence (issue 18, finding 9). A rubric raises an error for every pupil
 * and skill; each allocation of sw_engine_evaluate fails in turn, alone.
 * Either the call returns SW_ENOMEM, or it returns SW_OK and every pupil's
 * result holds all its errors, exactly as in a run where nothing failed
 * (before, a failed sw_result_push dropped the error and the call still
 * returned SW_OK).
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PUPILS 3

static const char RUBRIC[] =
	"return { name = \"always-fails\", skill = function(evidence, ctx)\n"
	"  error(\"no step for \" .. ctx.skill.id, 0)\n"
	"end }\n";

/* One line per pupil: its id and its errors. */
static int on_result(const sw_result *r, void *payload)
{
	FILE *out = payload;
	fprintf(out, "%s", sw_result_pupil(r));
	for (size_t i = 0; i < sw_result_error_count(r); i++)
		fprintf(out, " | %s", sw_result_error(r, i));
	fputc('\n', out);
	return 0;
}

/* Evaluates with allocation n failing alone (0: none): the status, the
   text of the results (to free), and the allocations made. */
static int attempt(unsigned long n, char **text, unsigned long *calls, bool *failed)
{
	unit_failing f = { .fail_at = n, .once = true };
	sw_allocator a = { unit_failing_realloc, &f };
	sw_engine_options o = SW_ENGINE_OPTIONS_INIT;
	o.allocator = &a;
	sw_engine *eng = NULL;
	int rc = sw_engine_new(&eng, &o);
	if (rc == SW_OK)
		rc = sw_engine_load_framework_builtin(eng, "example-school");
	if (rc == SW_OK)
		rc = sw_engine_load_rubric_buffer(eng, RUBRIC, strlen(RUBRIC), "always-fails.lua");
	char id[16];
	for (int p = 1; rc == SW_OK && p <= PUPILS; p++) {
		sw_pupil_data pd = SW_PUPIL_DATA_INIT;
		snprintf(id, sizeof id, "P%d", p);
		pd.id = id;
		rc = sw_engine_add_pupil(eng, &pd);
	}
	size_t len = 0;
	*text = NULL;
	FILE *out = rc == SW_OK ? open_memstream(text, &len) : NULL;
	if (!out) {
		unit_fail(__FILE__, __LINE__, "engine setup: status %d", rc);
		sw_engine_free(eng);
		return -1;
	}
	sw_eval_options eo = SW_EVAL_OPTIONS_INIT;
	eo.jobs = 1;
	f.armed = true;
	rc = sw_engine_evaluate(eng, &eo, on_result, out, NULL);
	f.armed = false;
	fclose(out);
	sw_engine_free(eng);
	CHECK_EQ(f.outstanding, 0);
	*calls = f.calls;
	*failed = f.failed;
	return rc;
}

void test_lost_error(void)
{
	char *want;
	unsigned long total;
	bool failed;
	int rc = attempt(0, &want, &total, &failed);
	CHECK_EQ(rc, SW_OK);
	REQUIRE(want != NULL);
	/* the clean run: every pupil with an error per skill */
	if (!strstr(want, "P3 | always-fails.lua:2: no step for"))
		unit_fail(__FILE__, __LINE__, "clean run: %s", want);
	unsigned long enomem = 0, bad = 0;
	for (unsigned long n = 1; n <= total; n++) {
		char *got;
		unsigned long calls;
		rc = attempt(n, &got, &calls, &failed);
		if (rc == SW_ENOMEM) {
			enomem++;
		} else if (rc != SW_OK || !got || strcmp(got, want) != 0) {
			if (bad++ < 3)
				unit_fail(__FILE__, __LINE__, "allocation %lu failing: status %d, results "
				          "'%s' instead of '%s'", n, rc, got ? got : "(none)", want);
		}
		free(got);
	}
	CHECK(enomem > 0);
	CHECK_EQ(bad, 0);
	free(want);
}
