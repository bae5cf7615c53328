/*
 * test_api.c - the C API's error paths, function by function: NULL
 * arguments, calls out of order (evaluate before a framework, set_param
 * before a rubric, ...), option structs of a wrong version; then the host
 * calls sw_engine_reset_data, sw_engine_clear_params and sw_framework_json,
 * and the service protocol (sw_service_handle), also with an allocator that
 * fails the Nth allocation. Pupils' and evidence's reasons for rejection are
 * tested in test_data.c, frameworks in test_framework.c.
 */
#include "unit.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The tests of this file (listed in main.c). */
void test_api_null_arguments(void);
void test_api_call_order(void);
void test_api_versions(void);
void test_api_evaluate_errors(void);
void test_api_reset_and_params(void);
void test_api_framework_json(void);
void test_api_service(void);
void test_api_service_oom(void);
void test_api_service_oom_lua(void);

static sw_engine *new_engine(void)
{
	sw_engine *eng = NULL;
	if (sw_engine_new(&eng, NULL) != SW_OK)
		unit_fail(__FILE__, __LINE__, "sw_engine_new failed");
	return eng;
}

/* The message of the first error of the last call, or "". */
static const char *msg(const sw_engine *eng)
{
	const sw_error *e = sw_engine_error(eng, 0);
	return e ? e->message : "";
}

/* An engine with the example-school framework, a pupil P1 and one record. */
static sw_engine *school_engine(void)
{
	sw_engine *eng = new_engine();
	if (!eng || sw_engine_load_framework_builtin(eng, "example-school") != SW_OK) {
		unit_fail(__FILE__, __LINE__, "cannot load example-school");
		sw_engine_free(eng);
		return NULL;
	}
	sw_pupil_data p = SW_PUPIL_DATA_INIT;
	p.id = "P1";
	p.year = 2;
	sw_evidence_data e = SW_EVIDENCE_DATA_INIT;
	e.pupil = "P1";
	e.skill = "curiosity";
	e.step = 3;
	e.date = "2026-01-10";
	if (sw_engine_add_pupil(eng, &p) != SW_OK || sw_engine_add_evidence(eng, &e) != SW_OK)
		unit_fail(__FILE__, __LINE__, "cannot add the data: %s", msg(eng));
	return eng;
}

static int count_result(const sw_result *r, void *payload)
{
	(void)r;
	(*(int *)payload)++;
	return 0;
}

static int stop_result(const sw_result *r, void *payload)
{
	(void)r;
	(void)payload;
	return 7;
}

/* Every function with NULL where a pointer is expected: a status or an
   empty answer, never a crash. */
void test_api_null_arguments(void)
{
	sw_load_stats st = { 9, 9, 9 };
	CHECK_EQ(sw_engine_add_pupil(NULL, NULL), SW_EINVALID);
	CHECK_EQ(sw_engine_add_evidence(NULL, NULL), SW_EINVALID);
	CHECK_EQ(sw_engine_load_pupils(NULL, "x.csv", NULL, &st), SW_EINVALID);
	CHECK_EQ(st.rows + st.accepted + st.rejected, 0); /* stats cleared even then */
	CHECK_EQ(sw_engine_load_evidence(NULL, "x.csv", NULL, NULL), SW_EINVALID);
	CHECK_EQ(sw_engine_pupil_count(NULL) + sw_engine_evidence_count(NULL) +
	         sw_engine_skill_evidence_count(NULL, 0, NULL), 0);
	CHECK_EQ(sw_engine_load_rubric_file(NULL, "x.lua"), SW_EINVALID);
	CHECK_EQ(sw_engine_load_rubric_buffer(NULL, "x", 1, NULL), SW_EINVALID);
	CHECK_EQ(sw_engine_load_rubric_builtin(NULL, "highest"), SW_EINVALID);
	CHECK_EQ(sw_engine_load_rubric(NULL, "highest"), SW_EINVALID);
	CHECK_EQ(sw_engine_set_param(NULL, "k", "v"), SW_EINVALID);
	CHECK(!sw_engine_rubric_name(NULL) && !sw_engine_rubric_params(NULL));
	CHECK(sw_rubric_starter() != NULL && strstr(sw_rubric_starter(), "skill") != NULL);
	CHECK_EQ(sw_engine_evaluate(NULL, NULL, NULL, NULL, NULL), SW_EINVALID);
	sw_result *r = (sw_result *)1;
	CHECK_EQ(sw_engine_evaluate_pupil(&r, NULL, "P1", NULL), SW_EINVALID);
	CHECK(r == NULL);
	sw_result_free(NULL);
	int step = 42;
	CHECK(!sw_result_pupil(NULL) && !sw_result_name(NULL) && !sw_result_class(NULL) &&
	      !sw_result_school(NULL));
	CHECK_EQ(sw_result_year(NULL), SW_NO_YEAR);
	CHECK_EQ(sw_result_skill_count(NULL), 0);
	CHECK_EQ(sw_result_has_step(&step, NULL, 0), 0);
	CHECK_EQ(step, 42);
	CHECK(!sw_result_note(NULL, 0) && !sw_result_flag(NULL, 0) && !sw_result_award(NULL, 0) &&
	      !sw_result_error(NULL, 0));
	CHECK_EQ(sw_result_evidence(NULL, 0) + sw_result_flag_count(NULL) +
	         sw_result_award_count(NULL) + sw_result_error_count(NULL), 0);
	char *json = (char *)1;
	CHECK_EQ(sw_result_json(&json, NULL), SW_EINVALID);
	CHECK(json == NULL);
	CHECK_EQ(sw_result_json(NULL, NULL), SW_EINVALID);
	sw_string_free(NULL, NULL);
	sw_writer *w = (sw_writer *)1;
	CHECK_EQ(sw_writer_new(&w, NULL, SW_OUTPUT_CSV, stdout), SW_EINVALID);
	CHECK(w == NULL);
	CHECK_EQ(sw_writer_new(NULL, NULL, SW_OUTPUT_CSV, stdout), SW_EINVALID);
	CHECK_EQ(sw_writer_add(NULL, NULL), SW_EINVALID);
	CHECK_EQ(sw_writer_finish(NULL), SW_EINVALID);
	sw_writer_free(NULL);
	sw_rejects *rj;
	CHECK_EQ(sw_rejects_open(&rj, NULL), SW_EINVALID);
	CHECK_EQ(sw_rejects_count(NULL), 0);
	CHECK_EQ(sw_rejects_close(NULL, 1), SW_EINVALID);
	sw_rejects_add(NULL, NULL);
	CHECK_EQ(sw_error_format(NULL, 0, NULL), 0);
	CHECK_STR(sw_status_string(12345), "error");
	/* the calls added for hosts */
	CHECK_EQ(sw_engine_reset_data(NULL), SW_EINVALID);
	CHECK_EQ(sw_engine_clear_params(NULL), SW_EINVALID);
	json = (char *)1;
	CHECK_EQ(sw_framework_json(&json, NULL), SW_EINVALID);
	CHECK(json == NULL);
	CHECK_EQ(sw_framework_json(NULL, NULL), SW_EINVALID);
	char *resp = (char *)1;
	CHECK_EQ(sw_service_handle(&resp, NULL, "{}", 2), SW_EINVALID);
	CHECK(resp == NULL);
	sw_engine *eng = new_engine();
	REQUIRE(eng);
	CHECK_EQ(sw_service_handle(NULL, eng, "{}", 2), SW_EINVALID);
	CHECK_EQ(sw_service_handle(&resp, eng, NULL, 2), SW_EINVALID); /* NULL within the limit */
	CHECK(resp == NULL);
	/* NULL pointers inside an engine's calls */
	CHECK_EQ(sw_engine_add_pupil(eng, NULL), SW_EINVALID);
	CHECK_EQ(sw_engine_add_evidence(eng, NULL), SW_EINVALID);
	CHECK_EQ(sw_engine_load_pupils(eng, NULL, NULL, NULL), SW_EINVALID);
	CHECK_EQ(sw_engine_load_evidence(eng, NULL, NULL, NULL), SW_EINVALID);
	CHECK_EQ(sw_engine_load_rubric_file(eng, NULL), SW_EINVALID);
	CHECK_EQ(sw_engine_load_rubric_buffer(eng, NULL, 0, NULL), SW_EINVALID);
	CHECK_EQ(sw_engine_load_rubric_builtin(eng, NULL), SW_ENOTFOUND);
	CHECK_EQ(sw_engine_load_rubric(eng, NULL), SW_ENOTFOUND);
	CHECK_EQ(sw_engine_evaluate_pupil(NULL, eng, "P1", NULL), SW_EINVALID);
	sw_engine_free(eng);
}

/* Calls made before what they need: SW_ESTATE with a message saying what. */
void test_api_call_order(void)
{
	sw_engine *eng = new_engine();
	REQUIRE(eng);
	int n = 0;
	CHECK_EQ(sw_engine_evaluate(eng, NULL, count_result, &n, NULL), SW_ESTATE);
	CHECK_STR(msg(eng), "load a framework before evaluating");
	CHECK_EQ(n, 0);
	sw_result *r;
	CHECK_EQ(sw_engine_evaluate_pupil(&r, eng, "P1", NULL), SW_ESTATE);
	CHECK_EQ(sw_engine_load_rubric_builtin(eng, "highest"), SW_ESTATE);
	CHECK_STR(msg(eng), "load a framework before the rubric");
	CHECK_EQ(sw_engine_load_rubric_buffer(eng, "return {}", 9, NULL), SW_ESTATE);
	CHECK_EQ(sw_engine_load_rubric_file(eng, unit_path("scripts/rubrics/highest.lua")),
	         SW_ESTATE);
	CHECK_EQ(sw_engine_set_param(eng, "sources", "teacher"), SW_ESTATE);
	CHECK_STR(msg(eng), "load a rubric before setting its parameters");
	sw_evidence_data e = SW_EVIDENCE_DATA_INIT;
	e.pupil = "P1";
	e.skill = "curiosity";
	e.step = 1;
	e.date = "2026-01-01";
	CHECK_EQ(sw_engine_add_evidence(eng, &e), SW_ESTATE);
	CHECK_STR(msg(eng), "load a framework before evidence");
	CHECK_EQ(sw_engine_load_evidence(eng, unit_path("examples/class-5b/evidence.csv"), NULL,
	                                 NULL), SW_ESTATE);
	sw_writer *w;
	CHECK_EQ(sw_writer_new(&w, eng, SW_OUTPUT_CSV, stdout), SW_EINVALID);
	CHECK(!sw_engine_rubric_name(eng) && !sw_engine_rubric_params(eng));
	CHECK_EQ(sw_engine_clear_params(eng), SW_OK); /* nothing to clear */
	char *resp;
	REQUIRE(sw_service_handle(&resp, eng, "{\"id\": 1, \"op\": \"framework\"}", 28) == SW_OK);
	CHECK_STR(resp, "{\"id\": 1, \"ok\": false, \"error\": \"no framework is loaded\"}");
	sw_string_free(eng, resp);

	/* with a framework: set_param still needs a rubric; evaluate loads "highest" */
	REQUIRE(sw_engine_load_framework_builtin(eng, "example-school") == SW_OK);
	CHECK_EQ(sw_engine_set_param(eng, "sources", "teacher"), SW_ESTATE);
	CHECK_EQ(sw_engine_add_evidence(eng, &e), SW_OK); /* no roster: P1 from the evidence */
	sw_pupil_data p = SW_PUPIL_DATA_INIT;
	p.id = "P2";
	CHECK_EQ(sw_engine_add_pupil(eng, &p), SW_ESTATE);
	CHECK_EQ(sw_engine_load_pupils(eng, unit_path("examples/class-5b/pupils.csv"), NULL, NULL),
	         SW_ESTATE);
	CHECK_EQ(sw_engine_evaluate(eng, NULL, count_result, &n, NULL), SW_OK);
	CHECK_EQ(n, 1);
	CHECK_STR(sw_engine_rubric_name(eng), "highest");
	CHECK_EQ(sw_engine_error_count(eng), 0);
	/* a failing parameter leaves the rubric as it was */
	CHECK_EQ(sw_engine_set_param(eng, "times", "2"), SW_EINVALID);
	CHECK_STR(sw_engine_rubric_params(eng), "sources=");
	/* a new framework empties the data */
	REQUIRE(sw_engine_load_framework_builtin(eng, "skills-builder-v2") == SW_OK);
	CHECK_EQ(sw_engine_pupil_count(eng), 0);
	CHECK_EQ(sw_engine_evidence_count(eng), 0);
	sw_engine_free(eng);
}

/* Option and data structs of an unknown version are refused. */
void test_api_versions(void)
{
	sw_engine *eng;
	sw_engine_options eo = SW_ENGINE_OPTIONS_INIT;
	eo.version = 0;
	CHECK_EQ(sw_engine_new(&eng, &eo), SW_EINVALID);
	eo.version = SW_ENGINE_OPTIONS_VERSION + 1;
	CHECK_EQ(sw_engine_new(&eng, &eo), SW_EINVALID);
	eng = school_engine();
	REQUIRE(eng);
	sw_load_options lo = SW_LOAD_OPTIONS_INIT;
	lo.version = SW_LOAD_OPTIONS_VERSION + 1;
	CHECK_EQ(sw_engine_load_evidence(eng, unit_path("examples/class-5b/evidence.csv"), &lo,
	                                 NULL), SW_EINVALID);
	CHECK(strstr(msg(eng), "unknown version") != NULL);
	CHECK_EQ(sw_engine_load_pupils(eng, unit_path("examples/class-5b/pupils.csv"), &lo, NULL),
	         SW_EINVALID);
	sw_pupil_data p = SW_PUPIL_DATA_INIT;
	p.id = "P9";
	p.version = 0;
	CHECK_EQ(sw_engine_add_pupil(eng, &p), SW_EINVALID);
	CHECK(strstr(msg(eng), "unknown version") != NULL);
	sw_evidence_data e = SW_EVIDENCE_DATA_INIT;
	e.version = SW_EVIDENCE_DATA_VERSION + 1;
	CHECK_EQ(sw_engine_add_evidence(eng, &e), SW_EINVALID);
	sw_eval_options ev = SW_EVAL_OPTIONS_INIT;
	ev.version = 0;
	CHECK_EQ(sw_engine_evaluate(eng, &ev, NULL, NULL, NULL), SW_EINVALID);
	CHECK_STR(msg(eng), "sw_eval_options has an unknown version");
	sw_result *r = (sw_result *)1;
	CHECK_EQ(sw_engine_evaluate_pupil(&r, eng, "P1", &ev), SW_EINVALID);
	CHECK(r == NULL);
	CHECK_EQ(sw_engine_pupil_count(eng), 1); /* nothing was added */
	CHECK_EQ(sw_engine_evidence_count(eng), 1);
	sw_engine_free(eng);
}

/* Evaluation: unknown pupil, bad date, a callback that stops, accessors
   out of range, writer arguments. */
void test_api_evaluate_errors(void)
{
	sw_engine *eng = school_engine();
	REQUIRE(eng);
	sw_result *r = (sw_result *)1;
	CHECK_EQ(sw_engine_evaluate_pupil(&r, eng, "P404", NULL), SW_ENOTFOUND);
	CHECK(r == NULL);
	CHECK_STR(msg(eng), "no pupil 'P404'");
	CHECK_EQ(sw_engine_evaluate_pupil(&r, eng, NULL, NULL), SW_ENOTFOUND);
	sw_eval_options ev = SW_EVAL_OPTIONS_INIT;
	ev.as_of = "2026-13-01";
	CHECK_EQ(sw_engine_evaluate(eng, &ev, NULL, NULL, NULL), SW_EINVALID);
	CHECK_STR(msg(eng), "as-of date '2026-13-01' is not a real date as YYYY-MM-DD");
	CHECK_EQ(sw_engine_evaluate(eng, NULL, stop_result, NULL, NULL), SW_EUSER);
	CHECK_EQ(sw_engine_user_status(eng), 7); /* the callback's own value */
	CHECK_STR(msg(eng), "stopped by a callback, which returned 7");
	ev.as_of = "2026-01-09"; /* the day before the only record */
	REQUIRE(sw_engine_evaluate_pupil(&r, eng, "P1", &ev) == SW_OK);
	size_t n = sw_result_skill_count(r);
	CHECK_EQ(n, 4);
	int step = -5;
	CHECK_EQ(sw_result_has_step(&step, r, 0), 0); /* not counted as of that day */
	CHECK_EQ(sw_result_evidence(r, 0), 0);
	CHECK_EQ(sw_result_has_step(&step, r, n), 0);
	CHECK(sw_result_note(r, n) == NULL);
	CHECK_EQ(sw_result_evidence(r, n), 0);
	CHECK(!sw_result_flag(r, 0) && !sw_result_award(r, 0) && !sw_result_error(r, 0));
	CHECK_EQ(sw_result_year(r), 2);
	sw_result_free(r);
	REQUIRE(sw_engine_evaluate_pupil(&r, eng, "P1", NULL) == SW_OK);
	CHECK_EQ(sw_result_has_step(&step, r, 0), 1);
	CHECK_EQ(step, 3);
	sw_writer *w = (sw_writer *)1;
	CHECK_EQ(sw_writer_new(&w, eng, 0, stdout), SW_EINVALID);
	CHECK(w == NULL);
	CHECK_EQ(sw_writer_new(&w, eng, SW_OUTPUT_TABLE + 1, stdout), SW_EINVALID);
	CHECK_EQ(sw_writer_new(&w, eng, SW_OUTPUT_CSV, NULL), SW_EINVALID);
	REQUIRE(sw_writer_new(&w, eng, SW_OUTPUT_JSONL, stderr) == SW_OK);
	CHECK_EQ(sw_writer_add(w, NULL), SW_EINVALID);
	sw_writer_free(w);
	sw_result_free(r);
	sw_engine_free(eng);
}

/* sw_engine_reset_data keeps framework, rubric and parameters;
   sw_engine_clear_params brings back the rubric's defaults. */
void test_api_reset_and_params(void)
{
	sw_engine *eng = school_engine();
	REQUIRE(eng);
	REQUIRE(sw_engine_load_rubric(eng, "secured-n") == SW_OK);
	REQUIRE(sw_engine_set_param(eng, "times", "1") == SW_OK);
	CHECK_EQ(sw_engine_reset_data(eng), SW_OK);
	CHECK_EQ(sw_engine_pupil_count(eng), 0);
	CHECK_EQ(sw_engine_evidence_count(eng), 0);
	CHECK(sw_engine_framework(eng) != NULL);
	CHECK_STR(sw_engine_rubric_params(eng), "sources=, times=1");
	int n = 0;
	CHECK_EQ(sw_engine_evaluate(eng, NULL, count_result, &n, NULL), SW_OK);
	CHECK_EQ(n, 0);
	/* after evidence without a roster, a reset allows a roster again */
	sw_evidence_data e = SW_EVIDENCE_DATA_INIT;
	e.pupil = "Q1";
	e.skill = "Curiosity";
	e.step = 2;
	e.date = "2026-02-01";
	CHECK_EQ(sw_engine_add_evidence(eng, &e), SW_OK);
	CHECK_EQ(sw_engine_reset_data(eng), SW_OK);
	sw_pupil_data p = SW_PUPIL_DATA_INIT;
	p.id = "Q1";
	CHECK_EQ(sw_engine_add_pupil(eng, &p), SW_OK);
	CHECK_EQ(sw_engine_add_evidence(eng, &e), SW_OK);
	sw_result *r;
	REQUIRE(sw_engine_evaluate_pupil(&r, eng, "Q1", NULL) == SW_OK);
	int step;
	CHECK_EQ(sw_result_has_step(&step, r, 0), 1); /* times=1: one record is enough */
	sw_result_free(r);
	CHECK_EQ(sw_engine_clear_params(eng), SW_OK);
	CHECK_STR(sw_engine_rubric_params(eng), "sources=, times=2");
	REQUIRE(sw_engine_evaluate_pupil(&r, eng, "Q1", NULL) == SW_OK);
	CHECK_EQ(sw_result_has_step(&step, r, 0), 0); /* times=2 again */
	sw_result_free(r);
	/* without parameters set, a rubric with others loads */
	CHECK_EQ(sw_engine_set_param(eng, "times", "3"), SW_OK);
	CHECK_EQ(sw_engine_load_rubric(eng, "decaying-average"), SW_EINVALID);
	CHECK_STR(sw_engine_rubric_name(eng), "secured-n");
	CHECK_EQ(sw_engine_clear_params(eng), SW_OK);
	CHECK_EQ(sw_engine_load_rubric(eng, "decaying-average"), SW_OK);
	sw_engine_free(eng);
}

/* sw_framework_json: valid JSON with resolved expectations. */
void test_api_framework_json(void)
{
	sw_engine *eng = new_engine();
	REQUIRE(eng);
	REQUIRE(sw_engine_load_framework_builtin(eng, "example-school") == SW_OK);
	char *json;
	REQUIRE(sw_framework_json(&json, sw_engine_framework(eng)) == SW_OK);
	cJSON *root = cJSON_Parse(json);
	REQUIRE(root);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(root, "id")), "ashby-learning-powers");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(root, "version")), "2026.1");
	cJSON *skills = cJSON_GetObjectItem(root, "skills");
	CHECK_EQ(cJSON_GetArraySize(skills), 4);
	cJSON *step1 = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(skills, 0), "steps"), 0);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(step1, "stage")), "emerging");
	cJSON *ex = cJSON_GetObjectItem(root, "expectations");
	CHECK_EQ(cJSON_GetArraySize(ex), 6); /* years 1 to 6 */
	cJSON *y2 = cJSON_GetArrayItem(ex, 1);
	CHECK_EQ(cJSON_GetObjectItem(y2, "year")->valueint, 2);
	cJSON *y2s = cJSON_GetObjectItem(y2, "skills");
	CHECK_EQ(cJSON_GetObjectItem(y2s, "curiosity")->valueint, 2);
	CHECK_EQ(cJSON_GetObjectItem(y2s, "kindness")->valueint, 3); /* the override */
	cJSON_Delete(root);
	sw_string_free(eng, json);
	sw_engine_free(eng);
}

/* Sends one request and checks the response exactly. */
static void expect(sw_engine *eng, const char *request, const char *response, int line)
{
	char *got = NULL;
	int rc = sw_service_handle(&got, eng, request, strlen(request));
	if (rc != SW_OK || !unit_str_eq(got, response))
		unit_fail(__FILE__, line, "request %s\n  status %d, response %s\n  expected %s",
		          request, rc, got ? got : "(none)", response);
	sw_string_free(eng, got);
}
#define EXPECT(eng, req, resp) expect(eng, req, resp, __LINE__)

/* The protocol through the library: ids echoed as written, errors, the
   engine's state after each op (the CLI's cases test the rest). */
void test_api_service(void)
{
	sw_engine *eng = new_engine();
	REQUIRE(eng);
	REQUIRE(sw_engine_load_framework_builtin(eng, "example-school") == SW_OK);
	EXPECT(eng, "{\"id\": 1.50e2, \"op\": \"ping\"}",
	       "{\"id\": 1.50e2, \"ok\": true, \"protocol\": 2, \"version\": \"" SW_VERSION_STRING "\", \"framework\": "
	       "\"ashby-learning-powers\", \"rubric\": null, \"params\": null}");
	EXPECT(eng, "{\"op\": \"nope\", \"id\": { \"a\" : [1, \"x y\\\"\"] } }",
	       "{\"id\": {\"a\":[1,\"x y\\\"\"]}, \"ok\": false, \"error\": \"unknown op 'nope' "
	       "(ops: ping, framework, load_framework, evaluate, load_rubric, set_params, "
	       "check_rubric, rubrics, summary)\"}");
	EXPECT(eng, "{\"op\": 5}", "{\"id\": null, \"ok\": false, \"error\": \"field 'op' must be a "
	       "string\"}");
	EXPECT(eng, "{\"id\": 2, \"op\": \"set_params\", \"params\": {\"sources\": \"self\"}}",
	       "{\"id\": 2, \"ok\": false, \"error\": \"load a rubric before setting its "
	       "parameters\"}");
	EXPECT(eng, "{\"id\": 3, \"op\": \"load_rubric\", \"path\": \"nope\"}",
	       "{\"id\": 3, \"ok\": false, \"error\": \"no built-in rubric 'nope' (built-in: average, "
	       "decaying-average, highest, latest, secured-n; a file needs a path ending in .lua)\"}");
	EXPECT(eng, "{\"id\": 4, \"op\": \"load_rubric\", \"path\": \"secured-n\"}",
	       "{\"id\": 4, \"ok\": true, \"rubric\": \"secured-n\", \"params\": {\"sources\": \"\", \"times\": 2}}");
	EXPECT(eng, "{\"id\": 5, \"op\": \"set_params\", \"params\": {\"times\": 1}}",
	       "{\"id\": 5, \"ok\": true, \"rubric\": \"secured-n\", \"params\": {\"sources\": \"\", \"times\": 1}}");
	/* a failing load keeps the rubric and its parameters */
	EXPECT(eng, "{\"id\": 6, \"op\": \"load_rubric\", \"source\": \"return 1\", \"name\": \"b.lua\"}",
	       "{\"id\": 6, \"ok\": false, \"error\": \"b.lua: the rubric must return a table (name, "
	       "skill, ...)\"}");
	CHECK_STR(sw_engine_rubric_params(eng), "sources=, times=1");
	EXPECT(eng, "{\"id\": 7, \"op\": \"evaluate\", \"pupil\": {\"id\": \"P1\", \"sen\": true}, "
	       "\"evidence\": [{\"skill\": \"curiosity\", \"step\": 2, \"date\": \"2026-01-05\"}, 1]}",
	       "{\"id\": 7, \"ok\": true, \"result\": {\"pupil\": \"P1\", \"name\": null, \"year\": null, "
	       "\"class\": null, \"school\": null, \"skills\": {\"curiosity\": {\"step\": 2, \"note\": null, "
	       "\"evidence\": 1}, \"perseverance\": {\"step\": null, \"note\": null, \"evidence\": 0}, "
	       "\"cooperation\": {\"step\": null, \"note\": null, \"evidence\": 0}, \"kindness\": {\"step\": "
	       "null, \"note\": null, \"evidence\": 0}}, \"flags\": [], \"awards\": [], \"errors\": []}, "
	       "\"rejected\": [{\"index\": 1, \"reason\": \"not a JSON object\"}]}");
	CHECK_EQ(sw_engine_pupil_count(eng), 0); /* emptied after the request */
	/* the other malformed requests are in tests/cases/serve-malformed.test */
	EXPECT(eng, "{\"id\": 14, \"id\": 15}", "{\"id\": 14, \"ok\": false, \"error\": \"invalid "
	       "request: $.id: key given more than once in one object\"}");
	EXPECT(eng, "", "{\"id\": null, \"ok\": false, \"error\": \"invalid JSON at column 1: the "
	       "document is empty (expected a JSON object)\"}");
	/* a line over the limit is answered without being read */
	char *got;
	CHECK_EQ(sw_service_handle(&got, eng, NULL, SW_SERVICE_MAX_REQUEST + 1), SW_OK);
	CHECK_STR(got, "{\"id\": null, \"ok\": false, \"error\": \"request of 1048577 bytes is over "
	          "the limit of 1048576 bytes\"}");
	sw_string_free(eng, got);
	/* a NUL byte and invalid UTF-8 in a request */
	CHECK_EQ(sw_service_handle(&got, eng, "{\"id\": 1}\0", 10), SW_OK);
	CHECK_STR(got, "{\"id\": null, \"ok\": false, \"error\": \"invalid JSON at column 10: NUL "
	          "byte in JSON text\"}");
	sw_string_free(eng, got);
	EXPECT(eng, "{\"id\": 17, \"op\": \"\xff\"}", "{\"id\": null, \"ok\": false, \"error\": "
	       "\"invalid JSON at column 19: invalid UTF-8 in a string\"}");
	sw_engine_free(eng);
}

static const char EVAL_REQUEST[] =
	"{\"id\": \"r\", \"op\": \"evaluate\", \"pupil\": {\"id\": \"P1\", \"name\": \"Ann\", \"year\": 3,"
	" \"groups\": [\"a\", \"b\"], \"house\": \"red\"}, \"evidence\": [{\"skill\": \"curiosity\","
	" \"step\": 2, \"date\": \"2026-01-05\", \"note\": \"asked why\"}, {\"skill\": \"kindness\","
	" \"step\": 3, \"date\": \"2026-01-06\", \"context\": \"PE\"}, {\"skill\": \"x\", \"step\": 1,"
	" \"date\": \"2026-01-06\"}]}";

/* An engine on the failing allocator f, with example-school and secured-n. */
static sw_engine *oom_engine(unit_failing *f, sw_allocator *a)
{
	a->realloc = unit_failing_realloc;
	a->ud = f;
	sw_engine_options opts = SW_ENGINE_OPTIONS_INIT;
	opts.allocator = a;
	sw_engine *eng;
	if (sw_engine_new(&eng, &opts) != SW_OK)
		return NULL;
	if (sw_engine_load_framework_builtin(eng, "example-school") != SW_OK ||
	    sw_engine_load_rubric(eng, "secured-n") != SW_OK) {
		sw_engine_free(eng);
		return NULL;
	}
	return eng;
}

/* Sends `req` to a fresh engine whose allocation n (counted from the
   request) and all later ones fail; checks the status, that the engine
   still answers `want` afterwards, and that nothing is left allocated.
   Returns OOM_FAILED when an allocation did fail (so a later n is worth
   trying), plus OOM_BAD when a check failed (already reported). */
#define OOM_FAILED 1
#define OOM_BAD 2
#define BAD(...) (unit_fail(__FILE__, line, __VA_ARGS__), out |= OOM_BAD)
static int oom_attempt(const char *req, const char *want, unsigned long n, int line)
{
	int out = 0;
	unit_failing f = { .fail_at = 0 };
	sw_allocator a;
	sw_engine *eng = oom_engine(&f, &a);
	if (!eng) {
		BAD("cannot set up the engine");
		return out;
	}
	f.fail_at = n;
	f.armed = true; /* counted from the request */
	char *got = NULL;
	int rc = sw_service_handle(&got, eng, req, strlen(req));
	if (f.failed)
		out |= OOM_FAILED;
	f.armed = false;
	if (rc != SW_OK && rc != SW_ENOMEM)
		BAD("allocation %lu: status %d", n, rc);
	if ((rc == SW_OK) != (got != NULL))
		BAD("allocation %lu: a response with status %d", n, rc);
	if (!(out & OOM_FAILED) && !unit_str_eq(got, want))
		BAD("allocation %lu: %s", n, got ? got : "(none)");
	sw_string_free(eng, got);
	/* the engine still works: the same request again gives the full answer */
	got = NULL;
	if (sw_service_handle(&got, eng, req, strlen(req)) != SW_OK || !unit_str_eq(got, want))
		BAD("after allocation %lu failed: %s", n, got ? got : "(none)");
	sw_string_free(eng, got);
	sw_engine_free(eng);
	if (f.outstanding != 0)
		BAD("allocation %lu failing: %ld blocks not freed", n, f.outstanding);
	return out;
}

/* Runs oom_attempt for n = 1, 2, ... until a request runs without a failure.
   With `isolate`, each attempt runs in a child process, so that an abort
   (a Lua panic) is reported as a failure instead of ending the tests. */
static void oom_loop(const char *req, bool isolate, int line)
{
	unit_failing f = { .fail_at = 0 };
	sw_allocator a;
	sw_engine *eng = oom_engine(&f, &a);
	char *want = NULL;
	if (!eng || sw_service_handle(&want, eng, req, strlen(req)) != SW_OK) {
		unit_fail(__FILE__, line, "the request fails without a memory failure");
		sw_engine_free(eng);
		return;
	}
	unsigned long n, aborts = 0;
	int r = OOM_FAILED;
	for (n = 1; (r & OOM_FAILED) && n < 20000; n++) {
		if (!isolate) {
			r = oom_attempt(req, want, n, line);
			continue;
		}
		fflush(NULL);
		pid_t pid = fork();
		if (pid == 0)
			_exit(20 + oom_attempt(req, want, n, line));
		int status = 0;
		if (pid < 0 || waitpid(pid, &status, 0) != pid) {
			unit_fail(__FILE__, line, "cannot run a child process");
			break;
		}
		if (WIFEXITED(status) && WEXITSTATUS(status) >= 20 && WEXITSTATUS(status) < 24) {
			r = WEXITSTATUS(status) - 20;
			if (r & OOM_BAD)
				unit_fail(__FILE__, line, "allocation %lu: the checks above failed", n);
		} else if (aborts++ < 5) {
			unit_fail(__FILE__, line, "allocation %lu failing ended the process (%s %d)", n,
			          WIFSIGNALED(status) ? "signal" : "exit status",
			          WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		}
	}
	if (aborts > 5)
		unit_fail(__FILE__, line, "... %lu failing allocations ended the process in all",
		          aborts);
	CHECK(n > 3 && n < 20000);
	sw_string_free(eng, want);
	sw_engine_free(eng);
}

/* Requests that do not run the rubric, with every allocation failing in turn. */
void test_api_service_oom(void)
{
	oom_loop("{\"id\": 1, \"op\": \"framework\"}", false, __LINE__);
	oom_loop("{\"id\": [1, {\"a\": 2}], \"op\": \"ping\"}", false, __LINE__);
	oom_loop("{\"op\": 1, \"id\": 2, \"id\": 3, \"x\": {\"y\": 1, \"y\": 2}}", false, __LINE__);
	oom_loop("{\"id\": 4, \"op\": \"evaluate\", \"pupil\": {\"id\": \"\", \"groups\": [1]}}",
	         false, __LINE__);
}

/* Requests that run the rubric's Lua state (evaluate, set_params,
   load_rubric), each attempt in a child process. */
void test_api_service_oom_lua(void)
{
	oom_loop(EVAL_REQUEST, true, __LINE__);
	oom_loop("{\"id\": 2, \"op\": \"set_params\", \"params\": {\"times\": 1}}", true, __LINE__);
	oom_loop("{\"id\": 3, \"op\": \"load_rubric\", \"path\": \"highest\"}", true, __LINE__);
	/* protocol 2: a class (the evidence read apart, one record needing the
	   tree), a rubric checked on sample data, a framework ("rubrics" loads
	   every built-in: its loop would take minutes, for the same scratch
	   engine paths as check_rubric's) */
	oom_loop("{\"id\": 4, \"op\": \"evaluate\", \"pupils\": [\"P2\", {\"id\": \"P1\", "
	         "\"year\": 3}], \"evidence\": [{\"pupil\": \"P1\", \"skill\": \"curiosity\", "
	         "\"step\": 2, \"date\": \"2026-01-05\"}, {\"pupil\": \"P2\", \"skill\": \"kindness\", "
	         "\"step\": 2.0, \"date\": \"2026-01-05\"}, {\"pupil\": \"P3\"}]}", true, __LINE__);
	oom_loop("{\"id\": 5, \"op\": \"check_rubric\", \"source\": \"return {name = 'x', "
	         "params = {n = 1}, skill = function(e) error('no') end}\", \"params\": {\"n\": 2}, "
	         "\"pupils\": [\"P1\"], \"evidence\": [{\"pupil\": \"P1\", \"skill\": "
	         "\"curiosity\", \"step\": 2, \"date\": \"2026-01-05\"}]}", true, __LINE__);
	oom_loop("{\"id\": 6, \"op\": \"check_rubric\", \"source\": \"return {\"}", true, __LINE__);
	oom_loop("{\"id\": 8, \"op\": \"load_framework\", \"framework\": {\"format\": "
	         "\"stepwise-framework\", \"format_version\": 1, \"id\": \"t\", \"name\": \"T\", "
	         "\"skills\": [{\"id\": \"s\", \"name\": \"S\", \"steps\": [{\"step\": 1, "
	         "\"label\": \"One\"}]}]}}", true, __LINE__);
}
