/*
 * test_report.c - the cohort API (sw_cohort_*) and the passport on a tiny
 * framework and class given through the API, with figures worked out by
 * hand (the same data as tests/cases/report-*.test); and every allocation
 * of a report failing in turn: SW_ENOMEM or success, never a leak.
 */
#include "unit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char TINY[] =
	"{\"format\": \"stepwise-framework\", \"format_version\": 1, \"id\": \"tiny\", \"name\": \"Tiny\","
	" \"skills\": ["
	"  {\"id\": \"a\", \"name\": \"A\", \"steps\": [{\"step\": 1, \"label\": \"a1\"}, {\"step\": 2,"
	"   \"label\": \"a2\"}, {\"step\": 3, \"label\": \"a3\"}, {\"step\": 4, \"label\": \"a4\"}]},"
	"  {\"id\": \"b\", \"name\": \"B\", \"steps\": [{\"step\": 0, \"label\": \"b0\"}, {\"step\": 1,"
	"   \"label\": \"b1\"}, {\"step\": 2, \"label\": \"b2\"}, {\"step\": 3, \"label\": \"b3\"}]}],"
	" \"expectations\": [{\"year\": 1, \"step\": 2, \"skills\": {\"b\": 1}}, {\"year\": 2, \"step\": 3}]}";

/* Loads the tiny framework, seven pupils and their evidence; SW_OK or the first failure. */
static int load_class(sw_engine *eng)
{
	static const struct {
		const char *id, *name;
		int year;
		const char *cls, *school, *groups[2];
		size_t ngroups;
	} P[] = {
		{ "P1", "Zoë", 1, "1A", "North", { "pp" }, 1 },
		{ "P2", "Ben", 1, "1A", "North", { NULL }, 0 },
		{ "P3", "Cat", 2, "2B", "North", { "pp", "sen" }, 2 },
		{ "P4", "Dan", 2, "2B", "South", { "sen" }, 1 },
		{ "P5", "Eve", 3, "2B", "South", { NULL }, 0 },
		{ "P6", "Fay", SW_NO_YEAR, NULL, "South", { "pp" }, 1 },
		{ "P7", "Gus", 2, "3C", "North", { NULL }, 0 },
	};
	static const struct {
		const char *pupil, *skill;
		int step;
		const char *date;
	} E[] = {
		{ "P1", "a", 2, "2026-01-10" }, { "P1", "a", 3, "2026-03-10" }, { "P1", "b", 0, "2026-01-10" },
		{ "P2", "a", 1, "2026-01-10" }, { "P2", "b", 1, "2026-03-10" }, { "P3", "a", 4, "2026-01-10" },
		{ "P3", "b", 3, "2026-01-10" }, { "P4", "a", 3, "2026-03-10" }, { "P4", "b", 1, "2026-01-10" },
		{ "P5", "a", 2, "2026-01-10" }, { "P5", "b", 1, "2026-01-10" }, { "P6", "a", 3, "2026-01-10" },
	};
	int rc = sw_engine_load_framework_buffer(eng, TINY, strlen(TINY), "tiny.json");
	for (size_t i = 0; !rc && i < sizeof P / sizeof P[0]; i++) {
		sw_pupil_data p = SW_PUPIL_DATA_INIT;
		p.id = P[i].id, p.name = P[i].name, p.year = P[i].year;
		p.class_name = P[i].cls, p.school = P[i].school;
		p.groups = P[i].groups, p.group_count = P[i].ngroups;
		rc = sw_engine_add_pupil(eng, &p);
	}
	for (size_t i = 0; !rc && i < sizeof E / sizeof E[0]; i++) {
		sw_evidence_data e = SW_EVIDENCE_DATA_INIT;
		e.pupil = E[i].pupil, e.skill = E[i].skill, e.step = E[i].step, e.date = E[i].date;
		rc = sw_engine_add_evidence(eng, &e);
	}
	return rc;
}

/* The same for other tests (test_oom_out.c). */
int unit_tiny_class(sw_engine *eng)
{
	return load_class(eng);
}

#define CHECK_NEAR(a, b) CHECK(fabs((double)(a) - (double)(b)) < 1e-9)

/* Figures by class, the gap, progress and support through the accessors. */
void test_report_cohort(void)
{
	sw_engine *eng = NULL;
	REQUIRE(sw_engine_new(&eng, NULL) == SW_OK);
	REQUIRE(load_class(eng) == SW_OK);
	sw_cohort *c = NULL;
	sw_cohort_options o = SW_COHORT_OPTIONS_INIT;
	o.by = SW_BY_CLASS;
	o.gap = "pp";
	o.from = "2026-02-01";
	o.to = "2026-03-31";
	o.min_group = 1;
	/* class alone over two schools is refused: 2B is in both */
	CHECK_EQ(sw_cohort_new(&c, eng, &o), SW_EINVALID);
	o.by = SW_BY_SCHOOL_CLASS;
	REQUIRE(sw_cohort_new(&c, eng, &o) == SW_OK);
	REQUIRE(sw_cohort_group_count(c) == 5);
	CHECK_STR(sw_cohort_group_school(c, 0), "North");
	CHECK_STR(sw_cohort_group_name(c, 0), "1A");
	CHECK_STR(sw_cohort_group_name(c, 1), "2B");
	CHECK_STR(sw_cohort_group_name(c, 2), "3C");
	CHECK_STR(sw_cohort_group_school(c, 3), "South");
	CHECK_STR(sw_cohort_group_name(c, 3), "(none)");
	CHECK_STR(sw_cohort_group_name(c, 4), "2B");
	CHECK_EQ(sw_cohort_group_pupils(c, 4), 2);
	sw_cohort_stat s;
	REQUIRE(sw_cohort_stat_get(&s, c, 4, 1) == SW_OK); /* South 2B, b: 1, 1 */
	CHECK_EQ(s.pupils, 2);
	CHECK_EQ(s.assessed, 2);
	CHECK_NEAR(s.mean, 1.0);
	CHECK_NEAR(s.median, 1.0);
	CHECK_EQ(s.with_expected, 1);
	CHECK_EQ(s.at_expected, 0);
	REQUIRE(sw_cohort_stat_get(&s, c, 0, 1) == SW_OK); /* 1A, b: 0, 1: even count */
	CHECK_NEAR(s.median, 0.5);
	REQUIRE(sw_cohort_stat_get(&s, c, 2, 0) == SW_OK); /* 3C: nobody assessed */
	CHECK_EQ(s.assessed, 0);
	CHECK_EQ(s.with_expected, 0);
	CHECK_EQ(sw_cohort_step_pupils(c, 4, 1, 1), 2);
	CHECK_EQ(sw_cohort_step_pupils(c, 4, 1, 9), 0);
	size_t left_p = 9, left_r = 9;
	sw_cohort_left_out(c, &left_p, &left_r);
	CHECK_EQ(left_p, 0);
	CHECK_EQ(left_r, 0);
	sw_cohort_gap gap;
	REQUIRE(sw_cohort_gap_get(&gap, c, 0) == SW_OK);
	CHECK_EQ(gap.group_assessed, 3);
	CHECK_EQ(gap.others_assessed, 3);
	CHECK_NEAR(gap.gap, 10.0 / 3.0 - 2.0);
	sw_cohort_progress pr;
	REQUIRE(sw_cohort_progress_get(&pr, c, 0, 0) == SW_OK); /* 1A, a: 2->3, 1->1 */
	CHECK_EQ(pr.pupils_both, 2);
	CHECK_NEAR(pr.mean_progress, 0.5);
	REQUIRE(sw_cohort_support_count(c) == 5);
	sw_cohort_support row;
	REQUIRE(sw_cohort_support_get(&row, c, 0) == SW_OK);
	CHECK_STR(row.pupil, "P4");
	CHECK_EQ(row.shortfall, 2);
	REQUIRE(sw_cohort_support_get(&row, c, 4) == SW_OK);
	CHECK_STR(row.pupil, "P7");
	CHECK_EQ(row.has_step, 0);
	CHECK_EQ(sw_cohort_support_get(&row, c, 5), SW_EINVALID);
	sw_cohort_free(c);

	/* one school: class alone is fine; the other school's pupils and records are left out */
	const char *south[] = { "South" };
	sw_cohort_options one = SW_COHORT_OPTIONS_INIT;
	one.by = SW_BY_CLASS;
	one.schools = south;
	one.school_count = 1;
	REQUIRE(sw_cohort_new(&c, eng, &one) == SW_OK);
	CHECK_EQ(sw_cohort_group_count(c), 2); /* (none), 2B */
	sw_cohort_left_out(c, &left_p, &left_r);
	CHECK_EQ(left_p, 4);
	CHECK_EQ(left_r, 7);
	sw_cohort_free(c);
	const char *nowhere[] = { "West" };
	one.schools = nowhere;
	CHECK_EQ(sw_cohort_new(&c, eng, &one), SW_ENOTFOUND);

	/* without gap, progress or trend those are SW_ESTATE; bad options are refused */
	REQUIRE(sw_cohort_new(&c, eng, NULL) == SW_OK);
	CHECK_EQ(sw_cohort_write(stdout, c, SW_REPORT_TREND, SW_REPORT_CSV), SW_ESTATE);
	CHECK_EQ(sw_cohort_gap_get(&gap, c, 0), SW_ESTATE);
	CHECK_EQ(sw_cohort_progress_get(&pr, c, 0, 0), SW_ESTATE);
	CHECK_EQ(sw_cohort_write(stdout, c, SW_REPORT_GAP, SW_REPORT_CSV), SW_ESTATE);
	sw_cohort_free(c);
	sw_cohort_options bad = SW_COHORT_OPTIONS_INIT;
	bad.from = "2026-01-01";
	CHECK_EQ(sw_cohort_new(&c, eng, &bad), SW_EINVALID);
	sw_cohort_options bad2 = SW_COHORT_OPTIONS_INIT;
	bad2.roster_date = "2026-02-30";
	CHECK_EQ(sw_cohort_new(&c, eng, &bad2), SW_EINVALID);
	bad2.roster_date = NULL;
	bad2.at = "2026-03-01,2026-01-01";
	CHECK_EQ(sw_cohort_new(&c, eng, &bad2), SW_EINVALID);
	CHECK(c == NULL);
	bad.from = NULL;
	bad.gap = "nobody";
	CHECK_EQ(sw_cohort_new(&c, eng, &bad), SW_ENOTFOUND);
	CHECK(sw_engine_error_count(eng) == 1);
	CHECK_EQ(sw_passport_write(stdout, eng, "P9", NULL, NULL), SW_ENOTFOUND);
	sw_engine_free(eng);
}

/* Every allocation of a cohort, its writers and a passport failing in turn. */
void test_report_oom(void)
{
	FILE *null = fopen("/dev/null", "w");
	REQUIRE(null != NULL);
	unsigned long n;
	for (n = 1; n < 200000; n++) {
		unit_failing f = { .fail_at = n, .once = true }; /* armed below */
		sw_allocator a = { unit_failing_realloc, &f };
		sw_engine_options eo = SW_ENGINE_OPTIONS_INIT;
		eo.allocator = &a;
		sw_engine *eng = NULL;
		REQUIRE(sw_engine_new(&eng, &eo) == SW_OK);
		REQUIRE(load_class(eng) == SW_OK);
		REQUIRE(sw_engine_evaluate(eng, NULL, NULL, NULL, NULL) == SW_OK); /* the runner */
		f.armed = true;
		sw_cohort *c = NULL;
		sw_cohort_options o = SW_COHORT_OPTIONS_INIT;
		static const char *const both[] = { "North", "South" };
		o.by = SW_BY_SCHOOL_CLASS;
		o.gap = "pp";
		o.from = "2026-02-01";
		o.to = "2026-03-31";
		o.schools = both;
		o.school_count = 2;
		o.with_support = 1;
		o.support_group = "pp";
		o.top = 2;
		o.terms = 1;
		int rc = sw_cohort_new(&c, eng, &o);
		sw_load_stats st = { 7, 7, 0 };
		if (!rc)
			rc = sw_cohort_add_source(c, "pupils.csv", &st);
		for (int what = SW_REPORT_GROUPS; !rc && what <= SW_REPORT_TREND; what++)
			rc = sw_cohort_write(null, c, what, what == SW_REPORT_SUPPORT ? SW_REPORT_TABLE
			                                    : what == SW_REPORT_TREND ? SW_REPORT_CSV
			                                                              : SW_REPORT_JSON);
		if (!rc)
			rc = sw_cohort_write_html(null, c);
		sw_cohort_free(c);
		sw_passport_options po = SW_PASSPORT_OPTIONS_INIT;
		po.from = "2026-02-01";
		if (!rc)
			rc = sw_passport_write(null, eng, "P1", &po, NULL);
		if (rc != SW_OK && rc != SW_ENOMEM)
			unit_fail(__FILE__, __LINE__, "allocation %lu failing: status %d", n, rc);
		sw_engine_free(eng);
		if (f.outstanding != 0)
			unit_fail(__FILE__, __LINE__, "allocation %lu failing: %ld blocks not freed", n,
			          f.outstanding);
		if (!f.failed) {
			CHECK_EQ(rc, SW_OK);
			break;
		}
	}
	CHECK(n > 50 && n < 200000);
	fclose(null);
}
