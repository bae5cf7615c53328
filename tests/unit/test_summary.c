/*
 * test_summary.c - the summary API (sw_summary_*) on the three-school
 * cluster of tests/fixtures/cluster: figures worked out by hand, the
 * checker on a good and a tampered file, combining refused across rubric
 * parameters, and every allocation of making a summary failing in turn.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Loads the framework, a rubric with `sources` and the cluster; SW_OK or the failure. */
static int load_cluster(sw_engine *eng, const char *sources)
{
	int rc;
	if ((rc = sw_engine_load_framework_builtin(eng, "skills-builder-v2")) ||
	    (rc = sw_engine_load_rubric(eng, "highest")) ||
	    (sources && (rc = sw_engine_set_param(eng, "sources", sources))))
		return rc;
	char pupils[4096];
	snprintf(pupils, sizeof pupils, "%s", unit_path("tests/fixtures/cluster/pupils.csv"));
	if ((rc = sw_engine_load_pupils(eng, pupils, NULL, NULL)))
		return rc;
	return sw_engine_load_evidence(eng, unit_path("tests/fixtures/cluster/evidence.csv"), NULL,
	                               NULL);
}

/* The same for other tests (test_oom_out.c). */
int unit_cluster(sw_engine *eng)
{
	return load_cluster(eng, NULL);
}

void test_summary_figures(void)
{
	sw_engine *eng = NULL;
	REQUIRE(sw_engine_new(&eng, NULL) == SW_OK);
	REQUIRE(load_cluster(eng, NULL) == SW_OK);
	sw_summary *s = NULL;
	sw_summary_options o = SW_SUMMARY_OPTIONS_INIT;
	o.school = "Castle Academy";
	REQUIRE(sw_summary_make(&s, eng, &o) == SW_OK);
	CHECK(strcmp(sw_summary_school(s), "Castle Academy") == 0);
	char *json = NULL;
	size_t len = 0;
	REQUIRE(sw_summary_json(&json, &len, s) == SW_OK);
	/* Castle Academy: 15 pupils of year 7 (expected step 7), 5 pupil premium.
	   listening: the 5 at step 6, the 10 others at step 7: 10 of 15 at
	   expected = 66.7%, mean (5*6 + 10*7)/15 = 6.67; nothing below 5, so
	   nothing is suppressed. */
	CHECK(strstr(json, "{\"skill\": \"listening\", \"part\": 0, \"pupils\": 15, \"assessed\": 15, "
	                   "\"with_expected\": 15, \"at_expected\": 10, \"pct_at_expected\": 66.7, "
	                   "\"mean\": 6.67, \"coverage\": 15, \"pct_coverage\": 100.0, \"steps\": "
	                   "[0, 0, 0, 0, 0, 0, 5, 10, 0, 0, 0, 0, 0, 0, 0, 0]}") != NULL);
	CHECK(strstr(json, "{\"cut\": \"group\", \"group\": \"pupil-premium\", \"pupils\": 5, "
	                   "\"share\": 33.3}") != NULL);
	CHECK(strstr(json, "\"phase\": \"secondary\", \"years\": [7]") != NULL);
	CHECK(strstr(json, "Q0") == NULL && strstr(json, "Child") == NULL);
	char *problems = NULL;
	CHECK(sw_summary_check(&problems, json, len) == SW_OK);
	CHECK(problems == NULL);
	/* the same file with a pupil's id added: refused, naming the field */
	char *bad = malloc(len + 64);
	REQUIRE(bad != NULL);
	int n = snprintf(bad, len + 64, "{\"pupil\": \"Q036\", %s", json + 1);
	CHECK(sw_summary_check(&problems, bad, (size_t)n) == SW_EINVALID);
	CHECK(problems && strstr(problems, "$.pupil: a field the summary format does not have"));
	free(problems);
	/* a suppressed-worthy count shown: 5 pupils is fine at N = 5, not at N = 6 */
	char *six = strstr(json, "\"min_count\": 5");
	REQUIRE(six != NULL);
	six[13] = '6';
	problems = NULL;
	CHECK(sw_summary_check(&problems, json, len) == SW_EINVALID);
	CHECK(problems && strstr(problems, "pupils at step 6, below the smallest count shown"));
	free(problems);
	/* read back, and combined with itself: the cluster's counts add up */
	sw_summary *r = NULL, *c = NULL;
	char *why = NULL;
	six[13] = '5';
	REQUIRE(sw_summary_read(&r, json, len, &why) == SW_OK);
	const sw_summary *two[] = { s, r };
	CHECK(sw_summary_combine(&c, two, 2, &why) == SW_OK);
	char *cj = NULL;
	if (c && sw_summary_json(&cj, NULL, c) == SW_OK)
		CHECK(strstr(cj, "\"assessed\": 30, \"with_expected\": 30, \"at_expected\": 20") != NULL);
	free(cj);
	sw_summary_free(c);
	sw_summary_free(r);
	free(bad);
	free(json);
	sw_summary_free(s);
	sw_engine_free(eng);
}

void test_summary_refuse(void)
{
	sw_engine *a = NULL, *b = NULL;
	REQUIRE(sw_engine_new(&a, NULL) == SW_OK && sw_engine_new(&b, NULL) == SW_OK);
	REQUIRE(load_cluster(a, NULL) == SW_OK);
	REQUIRE(load_cluster(b, "teacher") == SW_OK);
	sw_summary *x = NULL, *y = NULL, *c = NULL;
	sw_summary_options o = SW_SUMMARY_OPTIONS_INIT;
	o.school = "Ashby Primary";
	REQUIRE(sw_summary_make(&x, a, &o) == SW_OK);
	o.school = "Brook Primary";
	REQUIRE(sw_summary_make(&y, b, &o) == SW_OK);
	const sw_summary *two[] = { x, y };
	char *why = NULL;
	CHECK(sw_summary_combine(&c, two, 2, &why) == SW_EINVALID);
	CHECK(c == NULL);
	CHECK(why && strstr(why, "rubric parameters"));
	free(why);
	o.school = "Nowhere";
	sw_summary *z = NULL;
	CHECK(sw_summary_make(&z, a, &o) == SW_ENOTFOUND);
	o.school = NULL;
	o.from = "2026-05-01";
	o.as_of = "2026-04-01";
	CHECK(sw_summary_make(&z, a, &o) == SW_EINVALID);
	sw_summary_free(x);
	sw_summary_free(y);
	sw_engine_free(a);
	sw_engine_free(b);
}

void test_summary_oom(void)
{
	unsigned long n;
	for (n = 1; n < 400000; n++) {
		unit_failing f = { .fail_at = n, .once = true };
		sw_allocator al = { unit_failing_realloc, &f };
		sw_engine_options eo = SW_ENGINE_OPTIONS_INIT;
		eo.allocator = &al;
		sw_engine *eng = NULL;
		REQUIRE(sw_engine_new(&eng, &eo) == SW_OK);
		REQUIRE(load_cluster(eng, NULL) == SW_OK);
		REQUIRE(sw_engine_evaluate(eng, NULL, NULL, NULL, NULL) == SW_OK);
		f.armed = true;
		sw_summary **list = NULL;
		size_t count = 0;
		sw_summary_options o = SW_SUMMARY_OPTIONS_INIT;
		o.from = "2026-03-10";
		o.school = "Castle Academy";
		sw_summary *one = NULL;
		int rc = sw_summary_make(&one, eng, &o);
		sw_summary_free(one);
		o.school = NULL;
		o.from = NULL;
		if (!rc)
			rc = sw_summary_make_each(&list, &count, eng, &o);
		if (rc != SW_OK && rc != SW_ENOMEM)
			unit_fail(__FILE__, __LINE__, "allocation %lu failing: status %d", n, rc);
		CHECK(rc != SW_OK || count == 3);
		sw_summary_list_free(list, count);
		sw_engine_free(eng);
		if (f.outstanding != 0)
			unit_fail(__FILE__, __LINE__, "allocation %lu failing: %ld blocks not freed", n,
			          f.outstanding);
		if (!f.failed) {
			CHECK_EQ(rc, SW_OK);
			break;
		}
	}
	CHECK(n > 20 && n < 400000);
}

#include "sdc.h"

/* The disclosure system alone: 8 pupils, 2 at step 1 and 6 at step 2, and
   the sum of steps 14 (what a mean gives). */
void test_summary_sdc(void)
{
	sw_mem m;
	sw_mem_init(&m, NULL);
	sw_sdc s;
	sw_sdc_init(&s, &m);
	uint32_t a = sw_sdc_var(&s, SW_SDC_COUNT, 8, true);
	uint32_t h1 = sw_sdc_var(&s, SW_SDC_COUNT, 2, true);
	uint32_t h2 = sw_sdc_var(&s, SW_SDC_COUNT, 6, true);
	uint32_t t = sw_sdc_var(&s, SW_SDC_TOTAL, 14, true);
	sw_sdc_rel(&s);
	sw_sdc_term_add(&s, a, 1);
	sw_sdc_term_add(&s, h1, -1);
	sw_sdc_term_add(&s, h2, -1);
	sw_sdc_rel(&s);
	sw_sdc_term_add(&s, t, 1);
	sw_sdc_term_add(&s, h1, -1);
	sw_sdc_term_add(&s, h2, -2);
	REQUIRE(!s.failed);
	uint8_t det[4];
	int64_t got[4];
	/* the attacker: with h1 alone hidden, totals give it */
	s.known[h1] = 0;
	REQUIRE(sw_sdc_attack(&s, det, got) == SW_OK);
	CHECK(det[h1] && got[h1] == 2);
	/* with h1 and h2 hidden, the sum of steps still gives both */
	s.known[h2] = 0;
	REQUIRE(sw_sdc_attack(&s, det, got) == SW_OK);
	CHECK(det[h1] && got[h1] == 2 && det[h2] && got[h2] == 6);
	/* bounds: two hidden counts summing to 2 stay open (0 to 2 each: a hidden
	   count may be a zero hidden as a partner), but summing to 0 both are 0 */
	s.known[t] = 0;
	s.val[a] = 2, s.val[h1] = 1, s.val[h2] = 1;
	REQUIRE(sw_sdc_attack(&s, det, got) == SW_OK);
	CHECK(!det[h1] && !det[h2]);
	s.val[a] = 0;
	REQUIRE(sw_sdc_attack(&s, det, got) == SW_OK);
	CHECK(det[h1] && got[h1] == 0 && det[h2] && got[h2] == 0);
	/* suppression of the first case leaves nothing small to work out */
	s.val[a] = 8, s.val[h1] = 2, s.val[h2] = 6, s.val[t] = 14;
	for (int i = 0; i < 4; i++)
		s.known[i] = 1;
	REQUIRE(sw_sdc_suppress(&s, 5) == SW_OK);
	CHECK(!s.known[h1] && !s.known[h2]);
	CHECK(!s.known[t] || !s.known[a]);
	REQUIRE(sw_sdc_attack(&s, det, got) == SW_OK);
	CHECK(!det[h1]);
	sw_sdc_free(&s);
}

/* Whole numbers: 4 pupils at steps 1 to 3 with the sum of steps 5 (a mean of
   1.25). Linear algebra leaves a line of solutions and the bounds leave step 1
   anywhere from 1 to 4, but the only whole-number solution is 3, 1 and 0. A
   row whose hidden cells keep two solutions stays hidden. */
void test_summary_sdc_integer(void)
{
	sw_mem m;
	sw_mem_init(&m, NULL);
	sw_sdc s;
	sw_sdc_init(&s, &m);
	uint32_t a = sw_sdc_var(&s, SW_SDC_COUNT, 4, true);
	uint32_t h[3];
	int64_t val[3] = { 3, 1, 0 };
	for (int i = 0; i < 3; i++)
		h[i] = sw_sdc_var(&s, SW_SDC_COUNT, val[i], false);
	uint32_t t = sw_sdc_var(&s, SW_SDC_TOTAL, 5, true);
	sw_sdc_rel(&s);
	sw_sdc_term_add(&s, a, 1);
	for (int i = 0; i < 3; i++)
		sw_sdc_term_add(&s, h[i], -1);
	sw_sdc_rel(&s);
	sw_sdc_term_add(&s, t, 1);
	for (int i = 0; i < 3; i++)
		sw_sdc_term_add(&s, h[i], -(i + 1));
	REQUIRE(!s.failed);
	uint8_t det[5];
	int64_t got[5];
	REQUIRE(sw_sdc_attack(&s, det, got) == SW_OK);
	CHECK(det[h[0]] && got[h[0]] == 3);
	CHECK(det[h[1]] && got[h[1]] == 1);
	CHECK(det[h[2]] && got[h[2]] == 0);
	/* 4 pupils with the sum 8: (1,2,1), (2,0,2) or (0,4,0): none known */
	s.val[t] = 8;
	REQUIRE(sw_sdc_attack(&s, det, got) == SW_OK);
	CHECK(!det[h[0]] && !det[h[1]] && !det[h[2]]);
	/* suppression hides the mean or a partner, never gives up */
	s.val[t] = 5;
	for (int i = 0; i < 3; i++)
		s.known[h[i]] = 1;
	REQUIRE(sw_sdc_suppress(&s, 5) == SW_OK);
	CHECK(!s.known[h[0]] && !s.known[h[1]]);
	REQUIRE(sw_sdc_attack(&s, det, got) == SW_OK);
	CHECK(!det[h[0]] && !det[h[1]]);
	sw_sdc_free(&s);
}
