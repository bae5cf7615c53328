/*
 * test_oom_out.c - entry points that write output, each run with an
 * allocator that fails allocation N alone, for N = 1, 2, ... until a run
 * has no failure: every run ends in SW_ENOMEM or in output byte-identical
 * to the run without failure, and nothing is left allocated.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Output collected by a sweep's run (plain malloc: not counted). */
typedef struct oom_buf {
	char *p;
	size_t n;
} oom_buf;

/* An sw_write_fn appending to an oom_buf. */
static int oom_put(const char *data, size_t len, void *payload)
{
	oom_buf *b = payload;
	char *p = realloc(b->p, b->n + len + 1);
	if (!p)
		return -1;
	memcpy(p + b->n, data, len);
	b->n += len;
	p[b->n] = '\0';
	b->p = p;
	return 0;
}

/* Appends an engine-allocated string to b and frees it. */
static void oom_take(oom_buf *b, sw_engine *eng, char *s, size_t len)
{
	if (s)
		oom_put(s, len, b);
	sw_string_free(eng, s);
}

/* Prepares an engine before the allocator is armed (may be NULL). */
typedef int (*oom_setup_fn)(sw_engine *eng);
/* The entry point under test: its status, its output appended to out. */
typedef int (*oom_run_fn)(oom_buf *out, sw_engine *eng);

/* Runs `run` on a fresh engine whose allocation n alone (counted after
   setup) fails; n = 0: none. Returns the status; *failed: whether one did. */
static int oom_once(oom_buf *out, bool *failed, oom_setup_fn setup, oom_run_fn run,
                    unsigned long n, int line)
{
	unit_failing f = { .fail_at = n, .once = true };
	sw_allocator a = { unit_failing_realloc, &f };
	sw_engine_options opts = SW_ENGINE_OPTIONS_INIT;
	opts.allocator = &a;
	sw_engine *eng = NULL;
	int rc = sw_engine_new(&eng, &opts);
	if (rc == SW_OK && setup)
		rc = setup(eng);
	if (rc != SW_OK) {
		unit_fail(__FILE__, line, "cannot set up the engine: status %d", rc);
		sw_engine_free(eng);
		*failed = false;
		return -1000;
	}
	f.armed = true;
	rc = run(out, eng);
	f.armed = false;
	if (rc != SW_OK && rc != SW_ENOMEM && sw_engine_error_count(eng) > 0) {
		char why[300];
		sw_error_format(why, sizeof why, sw_engine_error(eng, 0));
		unit_fail(__FILE__, line, "allocation %lu failing: %s", n, why);
	}
	sw_engine_free(eng);
	if (f.outstanding != 0)
		unit_fail(__FILE__, line, "allocation %lu failing: %ld blocks not freed", n,
		          f.outstanding);
	*failed = f.failed;
	return rc;
}

/* Checks one run with allocation n failing (`failed`: whether it did):
   SW_ENOMEM, or SW_OK and the output wanted; frees got. Reports the first
   five failures (counted in *bad). */
static void oom_check(unsigned long *bad, oom_buf *got, const oom_buf *want, int rc,
                      bool failed, unsigned long n, int line)
{
	bool same = got->p && got->n == want->n && memcmp(got->p, want->p, want->n) == 0;
	if ((rc == SW_OK ? !same : rc != SW_ENOMEM || !failed) && (*bad)++ < 5) {
		size_t at = 0; /* where the output first differs */
		while (got->p && at < got->n && at < want->n && got->p[at] == want->p[at])
			at++;
		unit_fail(__FILE__, line, "allocation %lu failing: status %d, at byte %zu: "
		          "\"%.60s\" instead of \"%.60s\"", n, rc, at,
		          got->p ? got->p + at : "(no output)", want->p + at);
	}
	free(got->p);
}

/* The sweep: allocation 1, 2, ... failing alone; at least `min` of them. */
static void oom_sweep(oom_setup_fn setup, oom_run_fn run, unsigned long min, int line)
{
	oom_buf want = { NULL, 0 };
	bool failed;
	int rc = oom_once(&want, &failed, setup, run, 0, line);
	if (rc != SW_OK || !want.p) {
		unit_fail(__FILE__, line, "fails without a memory failure: status %d", rc);
		free(want.p);
		return;
	}
	unsigned long n, bad = 0;
	for (n = 1; n < 200000; n++) {
		oom_buf got = { NULL, 0 };
		rc = oom_once(&got, &failed, setup, run, n, line);
		oom_check(&bad, &got, &want, rc, failed, n, line);
		if (!failed)
			break;
	}
	if (getenv("UNIT_OOM_COUNT"))
		fprintf(stderr, "line %d: %lu allocations swept\n", line, n - 1);
	if (n <= min)
		unit_fail(__FILE__, line, "only %lu allocations", n - 1);
	CHECK(n < 200000);
	free(want.p);
}

/* ---- CASE ---- */

static int run_case_import(oom_buf *out, sw_engine *eng)
{
	static const char *const files[] = { "SequenceNumberFramework.json",
		                             "SmartLevelFramework.json", "Utf8TestFramework.json" };
	int rc = SW_OK;
	for (size_t i = 0; rc == SW_OK && i < sizeof files / sizeof files[0]; i++) {
		char path[200];
		snprintf(path, sizeof path, "tests/fixtures/case/%s", files[i]);
		char *json = NULL;
		size_t len = 0;
		sw_case_import_stats st;
		rc = sw_case_import(&json, &len, eng, unit_path(path), NULL, &st);
		oom_take(out, eng, json, len);
		if (rc == SW_OK)
			CHECK(sw_engine_framework(eng) != NULL &&
			      st.items == st.imported + st.not_imported);
	}
	return rc;
}

/* sw_case_import of three small CFPackages. */
void test_oom_case_import(void)
{
	oom_sweep(NULL, run_case_import, 100, __LINE__);
}

static int run_case_export(oom_buf *out, sw_engine *eng)
{
	const char *path = unit_path("frameworks/example-school.json");
	sw_case_export_options o = SW_CASE_EXPORT_OPTIONS_INIT;
	int rc = SW_OK;
	for (int v = SW_CASE_1_0; rc == SW_OK && v <= SW_CASE_1_1; v++) {
		char *json = NULL;
		size_t len = 0;
		o.case_version = v;
		rc = sw_case_export(&json, &len, eng, path, &o, NULL);
		oom_take(out, eng, json, len);
	}
	return rc;
}

/* sw_case_export of example-school, as CASE 1.0 and 1.1. */
void test_oom_case_export(void)
{
	oom_sweep(NULL, run_case_export, 100, __LINE__);
}

/* ---- cohort reports and the passport ---- */

/* The tiny class, evaluated once so that the runner is made. */
static int setup_class(sw_engine *eng)
{
	int rc = unit_tiny_class(eng);
	return rc ? rc : sw_engine_evaluate(eng, NULL, NULL, NULL, NULL);
}

/* Writes every cohort report in formats first..last, and with `html` the
   HTML report. */
static int cohort_out(oom_buf *out, sw_engine *eng, int first, int last, bool html)
{
	sw_cohort *c = NULL;
	sw_cohort_options o = SW_COHORT_OPTIONS_INIT;
	o.by = SW_BY_SCHOOL_CLASS;
	o.gap = "pp";
	o.from = "2026-02-01";
	o.to = "2026-03-31";
	o.with_support = 1;
	o.terms = 1;
	int rc = sw_cohort_new(&c, eng, &o);
	sw_load_stats st = { 7, 7, 0 };
	if (!rc)
		rc = sw_cohort_add_source(c, "pupils.csv", &st);
	for (int what = SW_REPORT_GROUPS; !rc && what <= SW_REPORT_TREND; what++)
		for (int fmt = first; !rc && fmt <= last; fmt++)
			rc = sw_cohort_write_to(oom_put, out, c, (sw_report)what, (sw_report_format)fmt);
	if (!rc && html)
		rc = sw_cohort_write_html_to(oom_put, out, c);
	sw_cohort_free(c);
	return rc;
}

static int run_cohort_text(oom_buf *out, sw_engine *eng)
{
	return cohort_out(out, eng, SW_REPORT_TABLE, SW_REPORT_CSV, false);
}

static int run_cohort_json_html(oom_buf *out, sw_engine *eng)
{
	return cohort_out(out, eng, SW_REPORT_JSON, SW_REPORT_JSON, true);
}

/* Every cohort report as a table and as CSV. */
void test_oom_cohort_text(void)
{
	oom_sweep(setup_class, run_cohort_text, 100, __LINE__);
}

/* Every cohort report as JSON, and the HTML report. */
void test_oom_cohort_json_html(void)
{
	oom_sweep(setup_class, run_cohort_json_html, 100, __LINE__);
}

static int run_passport(oom_buf *out, sw_engine *eng)
{
	sw_passport_options po = SW_PASSPORT_OPTIONS_INIT;
	po.from = "2026-02-01";
	int rc = sw_passport_write_to(oom_put, out, eng, "P1", &po, NULL);
	po.from = NULL;
	po.as_of = "2026-02-01";
	if (!rc)
		rc = sw_passport_write_to(oom_put, out, eng, "P3", &po, NULL);
	return rc;
}

/* The passport of two pupils, with and without progress. */
void test_oom_passport_out(void)
{
	oom_sweep(setup_class, run_passport, 10, __LINE__);
}

/* ---- evaluation output: writers, explain, worked examples ---- */

/* sw_result_fn adding each result to a writer. */
static int oom_add(const sw_result *r, void *payload)
{
	return sw_writer_add(payload, r);
}

/* sw_engine_evaluate into writer w: a writer's SW_ENOMEM stops it with SW_EUSER. */
static int oom_evaluate(sw_engine *eng, sw_writer *w)
{
	int rc = sw_engine_evaluate(eng, NULL, oom_add, w, NULL);
	return rc == SW_EUSER ? sw_engine_user_status(eng) : rc;
}

static int run_writers(oom_buf *out, sw_engine *eng)
{
	int rc = SW_OK;
	for (int fmt = SW_OUTPUT_CSV; rc == SW_OK && fmt <= SW_OUTPUT_TABLE; fmt++) {
		sw_writer *w = NULL;
		rc = sw_writer_new_to(&w, eng, (sw_output_format)fmt, oom_put, out);
		if (!rc)
			rc = oom_evaluate(eng, w);
		if (!rc)
			rc = sw_writer_finish(w);
		sw_writer_free(w);
	}
	sw_result *r = NULL;
	if (!rc)
		rc = sw_engine_evaluate_pupil(&r, eng, "P3", NULL);
	char *json = NULL;
	if (!rc)
		rc = sw_result_json(&json, r);
	oom_take(out, eng, json, json ? strlen(json) : 0);
	sw_result_free(r);
	return rc;
}

/* The class evaluated into each output format, and one result as JSON. */
void test_oom_writers(void)
{
	oom_sweep(setup_class, run_writers, 50, __LINE__);
}

static int run_explain(oom_buf *out, sw_engine *eng)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return -1000;
	sw_eval_options o = SW_EVAL_OPTIONS_INIT;
	int rc = sw_engine_explain_pupil(eng, f, "P1", NULL, &o);
	o.as_of = "2026-02-01";
	if (!rc)
		rc = sw_engine_explain_pupil(eng, f, "P3", "b", &o);
	fclose(f);
	oom_put(text, len, out);
	free(text);
	return rc;
}

/* sw_engine_explain_pupil for a pupil, and for one skill at a date. */
void test_oom_explain(void)
{
	oom_sweep(setup_class, run_explain, 5, __LINE__);
}

/* An sw_example_fn writing each line. */
static void oom_example(const char *line, int passed, void *payload)
{
	oom_put(line, strlen(line), payload);
	oom_put(passed ? " +\n" : " -\n", 3, payload);
}

/* A rubric with two worked examples, the second one failing. */
static const char EXAMPLES[] =
	"return { name = 'ex', skill = function(ev, ctx) return stepwise.highest(ev) end,\n"
	"  examples = {\n"
	"    { name = 'top', skill = 'a', evidence = { { step = 3, date = '2026-01-05' } }, expect = 3 },\n"
	"    { name = 'off', skill = 'a', evidence = { { step = 2, date = '2026-01-05' } }, expect = 4 },\n"
	"  } }\n";

static int setup_rubric(sw_engine *eng)
{
	int rc = unit_tiny_class(eng);
	return rc ? rc : sw_engine_load_rubric_buffer(eng, EXAMPLES, strlen(EXAMPLES), "ex.lua");
}

static int run_examples(oom_buf *out, sw_engine *eng)
{
	size_t count = 0;
	int rc = sw_engine_rubric_examples(eng, oom_example, out, &count);
	char line[40];
	snprintf(line, sizeof line, "%zu examples\n", count);
	oom_put(line, strlen(line), out);
	return rc;
}

/* The worked examples of a rubric, one passing and one failing (each run
   opens a Lua state of its own: about 2,000 allocations). */
void test_oom_examples(void)
{
	oom_sweep(setup_rubric, run_examples, 20, __LINE__);
}

static int run_framework_out(oom_buf *out, sw_engine *eng)
{
	const sw_framework *fw = sw_engine_framework(eng);
	char *json = NULL;
	int rc = sw_framework_json(&json, fw);
	oom_take(out, eng, json, json ? strlen(json) : 0);
	if (!rc)
		rc = sw_framework_print_to(oom_put, out, fw, NULL);
	if (!rc)
		rc = sw_framework_print_to(oom_put, out, fw, "b");
	return rc;
}

/* A framework as JSON and printed, whole and one skill. */
void test_oom_framework_out(void)
{
	oom_sweep(unit_tiny_class, run_framework_out, 5, __LINE__);
}

/* ---- summaries: read, combined, compared, checked (no engine) ---- */

/* The three schools' summaries of the cluster as JSON, into json[0..2]
   (malloc'd); false when that failed. */
static bool cluster_json(char *json[3])
{
	static const char *const schools[] = { "Ashby Primary", "Brook Primary", "Castle Academy" };
	sw_engine *eng = NULL;
	bool ok = sw_engine_new(&eng, NULL) == SW_OK && unit_cluster(eng) == SW_OK;
	for (int i = 0; i < 3; i++) {
		sw_summary *s = NULL;
		sw_summary_options o = SW_SUMMARY_OPTIONS_INIT;
		o.school = schools[i];
		o.from = "2026-03-10";
		json[i] = NULL;
		ok = ok && sw_summary_make(&s, eng, &o) == SW_OK &&
		     sw_summary_json(&json[i], NULL, s) == SW_OK;
		sw_summary_free(s);
	}
	sw_engine_free(eng);
	return ok;
}

/* Frees a string the summary calls made with the default allocator. */
static void oom_free_default(char *s)
{
#ifdef SW_TEST_HOOKS
	const sw_allocator *a = sw_test_default_allocator;
	if (a && s) {
		a->realloc(a->ud, s, 0);
		return;
	}
#endif
	free(s);
}

/* Reads the three summaries, combines them, writes the comparison in each
   format and the cluster's JSON (not sw_summary_check: its disclosure
   checks take a fifth of a second a run under ASan). */
static int summaries_out(oom_buf *out, char *const json[3])
{
	sw_summary *list[3] = { NULL, NULL, NULL }, *all = NULL;
	int rc = SW_OK;
	for (int i = 0; rc == SW_OK && i < 3; i++) {
		char *why = NULL;
		rc = sw_summary_read(&list[i], json[i], strlen(json[i]), &why);
		oom_free_default(why);
	}
	const sw_summary *const *l = (const sw_summary *const *)list;
	sw_compare_options o = SW_COMPARE_OPTIONS_INIT;
	o.family = 2;
	for (int f = SW_REPORT_TABLE; rc == SW_OK && f <= SW_REPORT_HTML; f++) {
		o.format = (sw_report_format)f;
		rc = sw_summary_compare_to(oom_put, out, l, 3, &o);
	}
	char *why = NULL, *text = NULL;
	size_t len = 0;
	if (rc == SW_OK)
		rc = sw_summary_combine(&all, l, 3, &why);
	if (rc == SW_OK)
		rc = sw_summary_json(&text, &len, all);
	if (rc == SW_OK)
		oom_put(text, len, out);
	oom_free_default(text);
	oom_free_default(why);
	sw_summary_free(all);
	for (int i = 0; i < 3; i++)
		sw_summary_free(list[i]);
	return rc;
}

/* The summary calls above with allocation N alone of the default
   allocator failing (test builds only: elsewhere one run without failure). */
void test_oom_summaries(void)
{
	char *json[3];
	bool ok = cluster_json(json);
	oom_buf want = { NULL, 0 };
	REQUIRE(ok && summaries_out(&want, json) == SW_OK && want.p);
	if (getenv("UNIT_OOM_COUNT"))
		fprintf(stderr, "summaries: reference done\n");
	unsigned long bad = 0;
#ifdef SW_TEST_HOOKS
	unsigned long n;
	for (n = 1; n < 200000; n++) {
		unit_failing f = { .fail_at = n, .once = true, .armed = true };
		sw_allocator a = { unit_failing_realloc, &f };
		oom_buf got = { NULL, 0 };
		sw_test_default_allocator = &a;
		int rc = summaries_out(&got, json);
		sw_test_default_allocator = NULL;
		oom_check(&bad, &got, &want, rc, f.failed, n, __LINE__);
		if (f.outstanding != 0 && bad++ < 5)
			unit_fail(__FILE__, __LINE__, "allocation %lu failing: %ld blocks not freed", n,
			          f.outstanding);
		if (!f.failed)
			break;
	}
	if (getenv("UNIT_OOM_COUNT"))
		fprintf(stderr, "summaries: %lu allocations swept\n", n - 1);
	CHECK(n > 100 && n < 200000);
#endif
	CHECK_EQ(bad, 0);
	free(want.p);
	for (int i = 0; i < 3; i++)
		free(json[i]);
}

/* sw_engine_remove_evidence naming a skill: SW_ENOMEM or one record removed,
   never "no skill 'b'" (a memory failure while the name was looked up was
   reported so). */
static int run_remove_skill(oom_buf *out, sw_engine *eng)
{
	size_t removed = 0;
	int rc = sw_engine_remove_evidence(&removed, eng, "P1", "b");
	char s[32];
	oom_put(s, (size_t)snprintf(s, sizeof s, "%zu removed", removed), out);
	return rc;
}

void test_oom_remove_skill(void)
{
	oom_sweep(unit_tiny_class, run_remove_skill, 1, __LINE__);
}
