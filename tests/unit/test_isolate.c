/*
 * test_isolate.c - the engine-wide isolation mode (sw_engine_set_isolate),
 * sw_engine_rubric_is_native that its automatic mode rests on, one pupil
 * evaluated in a worker (sw_engine_evaluate_pupil), and a worker that dies
 * costing only the pupil it held. The crashes come from the test hook of
 * the sanitizer build (STEPWISE_TEST_ISOLATE, src/isolate_worker.c); the
 * release build (`make valgrind`) has no hook, and checks that every
 * result is the same isolated or not.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef SW_TEST_HOOKS
#define HOOKS 1
#else
#define HOOKS 0
#endif

static const char LUA[] =
	"return { name = 'count', skill = function(ev) if #ev > 0 then return #ev end end }\n";

/* An engine with the example school's framework and pupils P01..P99, each
   with records for curiosity (P07: 7 of them, and so on, modulo 4). */
static sw_engine *class_engine(size_t pupils)
{
	sw_engine *eng = NULL;
	if (sw_engine_new(&eng, NULL) != SW_OK)
		return NULL;
	if (sw_engine_load_framework_builtin(eng, "example-school") != SW_OK) {
		sw_engine_free(eng);
		return NULL;
	}
	for (size_t i = 1; i <= pupils; i++) {
		char id[16];
		snprintf(id, sizeof id, "P%02zu", i);
		sw_pupil_data p = SW_PUPIL_DATA_INIT;
		p.id = id;
		sw_engine_add_pupil(eng, &p);
		for (size_t k = 0; k < i % 4 + 1; k++) {
			sw_evidence_data e = SW_EVIDENCE_DATA_INIT;
			e.pupil = id;
			e.skill = "curiosity";
			e.step = (int)k + 1;
			e.date = "2026-01-05";
			sw_engine_add_evidence(eng, &e);
		}
	}
	return eng;
}

/* What one evaluation gave: each pupil's result as JSON, in order. */
typedef struct got {
	char *json[100];
	size_t count;
} got;

static int keep(const sw_result *r, void *payload)
{
	got *g = payload;
	char *json = NULL;
	if (g->count < 100 && sw_result_json(&json, r) == SW_OK)
		g->json[g->count++] = json;
	return 0;
}

static void got_free(sw_engine *eng, got *g)
{
	for (size_t i = 0; i < g->count; i++)
		sw_string_free(eng, g->json[i]);
	g->count = 0;
}

/* sw_engine_rubric_is_native and sw_engine_set_isolate's arguments. */
void test_isolate_modes(void)
{
	sw_engine *eng = class_engine(3);
	REQUIRE(eng);
	CHECK_EQ(sw_engine_rubric_is_native(eng), 1); /* none loaded: "highest" */
	CHECK_EQ(sw_engine_rubric_is_native(NULL), 1);
	CHECK_EQ(sw_engine_load_rubric_builtin(eng, "secured-n"), SW_OK);
	CHECK_EQ(sw_engine_rubric_is_native(eng), 1);
	CHECK_EQ(sw_engine_load_rubric_buffer(eng, LUA, sizeof LUA - 1, "count.lua"), SW_OK);
	CHECK_EQ(sw_engine_rubric_is_native(eng), 0);
	CHECK_EQ(sw_engine_set_isolate(eng, 3), SW_EINVALID);
	CHECK_EQ(sw_engine_set_isolate(eng, -1), SW_EINVALID);
	CHECK_EQ(sw_engine_set_isolate(NULL, SW_ISOLATE_ON), SW_EINVALID);
	CHECK_EQ(sw_engine_set_isolate(eng, SW_ISOLATE_AUTO), SW_OK);
	sw_engine_free(eng);
}

/* One pupil in a worker gives the same result as in the process; the
   engine's isolation mode reaches sw_engine_evaluate_pupil. */
void test_isolate_pupil(void)
{
	sw_engine *eng = class_engine(5);
	REQUIRE(eng);
	REQUIRE(sw_engine_load_rubric_buffer(eng, LUA, sizeof LUA - 1, "count.lua") == SW_OK);
	sw_result *plain = NULL, *iso = NULL;
	char *a = NULL, *b = NULL;
	CHECK_EQ(sw_engine_evaluate_pupil(&plain, eng, "P03", NULL), SW_OK);
	CHECK_EQ(sw_engine_set_isolate(eng, SW_ISOLATE_ON), SW_OK);
	CHECK_EQ(sw_engine_evaluate_pupil(&iso, eng, "P03", NULL), SW_OK);
	REQUIRE(plain && iso);
	CHECK_EQ(sw_result_json(&a, plain), SW_OK);
	CHECK_EQ(sw_result_json(&b, iso), SW_OK);
	CHECK_STR(a, b);
	int step = 0;
	CHECK(sw_result_has_step(&step, iso, 0) && step == 4); /* P03: 4 records */
	sw_string_free(eng, a);
	sw_string_free(eng, b);
	sw_result_free(plain);
	sw_result_free(iso);
	/* with the hook, the worker of P03 crashes: an error, not a crash here */
	setenv("STEPWISE_TEST_ISOLATE", "crash:P03", 1);
	if (HOOKS) {
		CHECK_EQ(sw_engine_evaluate_pupil(&iso, eng, "P03", NULL), SW_OK);
		REQUIRE(iso);
		CHECK_EQ(sw_result_error_count(iso), 1);
		CHECK(strstr(sw_result_error(iso, 0), "crashed the evaluator (signal 11)") != NULL);
		CHECK(!sw_result_has_step(&step, iso, 0));
		sw_result_free(iso);
	}
	/* SW_ISOLATE_OFF: the hook is never reached */
	CHECK_EQ(sw_engine_set_isolate(eng, SW_ISOLATE_OFF), SW_OK);
	CHECK_EQ(sw_engine_evaluate_pupil(&iso, eng, "P03", NULL), SW_OK);
	CHECK(iso && sw_result_error_count(iso) == 0);
	sw_result_free(iso);
	unsetenv("STEPWISE_TEST_ISOLATE");
	sw_engine_free(eng);
}

/* A worker that crashes on P10 of a batch of 40 costs P10's result only:
   P11..P40, after it in the same batch, are retried one by one and give the
   results of a run in the process; with SW_ISOLATE_AUTO, a Lua rubric is
   isolated and "highest" (computed in C) is not. */
void test_isolate_batch_after_crash(void)
{
	sw_engine *eng = class_engine(40);
	REQUIRE(eng);
	REQUIRE(sw_engine_load_rubric_buffer(eng, LUA, sizeof LUA - 1, "count.lua") == SW_OK);
	got plain = { { 0 }, 0 }, iso = { { 0 }, 0 };
	CHECK_EQ(sw_engine_evaluate(eng, NULL, keep, &plain, NULL), SW_OK);
	setenv("STEPWISE_TEST_ISOLATE", "crash:P10", 1);
	CHECK_EQ(sw_engine_set_isolate(eng, SW_ISOLATE_AUTO), SW_OK);
	sw_eval_stats st;
	for (unsigned jobs = 1; jobs <= 2; jobs++) {
		sw_eval_options eo = SW_EVAL_OPTIONS_INIT;
		eo.jobs = jobs;
		CHECK_EQ(sw_engine_evaluate(eng, &eo, keep, &iso, &st), SW_OK);
		CHECK_EQ(plain.count, 40);
		CHECK_EQ(iso.count, 40);
		CHECK_EQ(st.pupils_with_errors, HOOKS);
		for (size_t i = 0; i < 40 && i < iso.count && i < plain.count; i++) {
			if (i == 9 && HOOKS)
				CHECK(strstr(iso.json[i], "crashed the evaluator") != NULL);
			else
				CHECK_STR(iso.json[i], plain.json[i]);
		}
		got_free(eng, &iso);
	}
	/* "highest" in AUTO mode runs in the process: the hook is not reached */
	CHECK_EQ(sw_engine_load_rubric_builtin(eng, "highest"), SW_OK);
	CHECK_EQ(sw_engine_evaluate(eng, NULL, keep, &iso, &st), SW_OK);
	CHECK_EQ(st.pupils_with_errors, 0);
	got_free(eng, &iso);
	unsetenv("STEPWISE_TEST_ISOLATE");
	got_free(eng, &plain);
	sw_engine_free(eng);
}
