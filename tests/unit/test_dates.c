/*
 * test_dates.c - unit tests of day-first evidence dates
 * (sw_load_options.date_format = SW_DATE_DMY): a threaded read of a
 * day-first file gives the same rows, rejects and results as a one-thread
 * read of the same file written YYYY-MM-DD; version 1 options (without
 * date_format) still load; an unknown date_format is refused.
 */
#include "unit.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#define ROWS 40000
#define PUPILS 2000

static const char *const SKILLS[8] = { "listening", "speaking", "problem-solving",
	                               "creativity", "adapting", "planning",
	                               "leadership", "teamwork" };

/* Writes the same evidence twice: dates day first (D/M/YYYY, no leading
   zeros) into dmy, as YYYY-MM-DD into iso; every 1000th row has an
   impossible date (31 April). */
static bool make_files(const char *dmy, const char *iso)
{
	FILE *a = fopen(dmy, "w"), *b = fopen(iso, "w");
	bool ok = a && b;
	if (ok) {
		fputs("pupil,skill,step,date\n", a);
		fputs("pupil,skill,step,date\n", b);
	}
	for (int i = 0; ok && i < ROWS; i++) {
		int d = 1 + (i * 7) % 28, m = 1 + (i * 5) % 12, y = 2024 + i % 3;
		if (i % 1000 == 999)
			d = 31, m = 4;
		const char *sk = SKILLS[i % 8];
		int step = (i * 3) % 16, pupil = (i * 13) % PUPILS;
		fprintf(a, "P%05d,%s,%d,%d/%d/%d\n", pupil, sk, step, d, m, y);
		fprintf(b, "P%05d,%s,%d,%04d-%02d-%02d\n", pupil, sk, step, y, m, d);
	}
	if (a && fclose(a) != 0)
		ok = false;
	if (b && fclose(b) != 0)
		ok = false;
	return ok;
}

/* The sum and count of rejected lines. */
typedef struct lines {
	uint64_t sum, count;
} lines;

static void on_reject(const sw_reject *r, void *payload)
{
	lines *l = payload;
	l->sum += r->line;
	l->count++;
}

/* A hash of every pupil's id and steps, in evaluation order. */
static int hash_result(const sw_result *r, void *payload)
{
	uint64_t *h = payload;
	for (const char *p = sw_result_pupil(r); *p; p++)
		*h = (*h ^ (unsigned char)*p) * 1099511628211ull;
	for (size_t k = 0; k < sw_result_skill_count(r); k++) {
		int step = -1;
		if (!sw_result_has_step(&step, r, k))
			step = -1;
		*h = (*h ^ (uint64_t)(step + 1)) * 1099511628211ull;
	}
	return 0;
}

/* Loads path with the options and evaluates with "latest" (dates matter);
   the stats, rejects and result hash. */
static int load_eval(const char *path, unsigned jobs, int date_format, sw_load_stats *st,
                     lines *rej, uint64_t *hash)
{
	sw_engine *eng = NULL;
	int rc = sw_engine_new(&eng, NULL);
	if (rc == SW_OK)
		rc = sw_engine_load_framework_builtin(eng, "skills-builder-v2");
	if (rc == SW_OK)
		rc = sw_engine_load_rubric(eng, "latest");
	sw_load_options lo = SW_LOAD_OPTIONS_INIT;
	lo.on_reject = on_reject;
	lo.payload = rej;
	lo.jobs = jobs;
	lo.date_format = date_format;
	if (rc == SW_OK)
		rc = sw_engine_load_evidence(eng, path, &lo, st);
	*hash = 1469598103934665603ull;
	if (rc == SW_OK)
		rc = sw_engine_evaluate(eng, NULL, hash_result, hash, NULL);
	sw_engine_free(eng);
	return rc;
}

void test_dates_dmy_threaded(void)
{
	char dmy[] = "/tmp/sw-dates-dmy-XXXXXX", iso[] = "/tmp/sw-dates-iso-XXXXXX";
	int fa = mkstemp(dmy), fb = mkstemp(iso);
	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
	REQUIRE(fa >= 0 && fb >= 0 && make_files(dmy, iso));
	sw_load_stats sa, sb;
	lines ra = { 0, 0 }, rb = { 0, 0 };
	uint64_t ha, hb;
	CHECK_EQ(load_eval(dmy, 2, SW_DATE_DMY, &sa, &ra, &ha), SW_OK);
	CHECK_EQ(load_eval(iso, 1, SW_DATE_ISO, &sb, &rb, &hb), SW_OK);
	CHECK_EQ(sa.rows, ROWS);
	CHECK_EQ(sa.rejected, ROWS / 1000);
	CHECK_EQ(sa.rows, sb.rows);
	CHECK_EQ(sa.accepted, sb.accepted);
	CHECK_EQ(sa.rejected, sb.rejected);
	CHECK_EQ(ra.count, rb.count);
	CHECK_EQ(ra.sum, rb.sum);
	CHECK(ha == hb);
	/* the day-first file read as YYYY-MM-DD rejects every row */
	lines rc = { 0, 0 };
	sw_load_stats sc;
	uint64_t hc;
	CHECK_EQ(load_eval(dmy, 2, SW_DATE_ISO, &sc, &rc, &hc), SW_OK);
	CHECK_EQ(sc.rejected, ROWS);
	remove(dmy);
	remove(iso);
}

void test_dates_options_versions(void)
{
	char path[] = "/tmp/sw-dates-v1-XXXXXX";
	int fd = mkstemp(path);
	REQUIRE(fd >= 0);
	const char text[] = "pupil,skill,step,date\nP1,listening,3,2026-02-13\nP1,speaking,3,13/02/2026\n";
	CHECK_EQ(write(fd, text, sizeof text - 1), (long long)(sizeof text - 1));
	close(fd);
	sw_engine *eng = NULL;
	REQUIRE(sw_engine_new(&eng, NULL) == SW_OK);
	REQUIRE(sw_engine_load_framework_builtin(eng, "skills-builder-v2") == SW_OK);
	/* version 1 had no date_format: its dates are YYYY-MM-DD */
	sw_load_options v1 = SW_LOAD_OPTIONS_INIT;
	v1.version = 1;
	v1.date_format = 77; /* not read for version 1 */
	sw_load_stats st;
	CHECK_EQ(sw_engine_load_evidence(eng, path, &v1, &st), SW_OK);
	CHECK_EQ(st.accepted, 1);
	CHECK_EQ(st.rejected, 1);
	sw_load_options bad = SW_LOAD_OPTIONS_INIT;
	bad.date_format = 77;
	CHECK_EQ(sw_engine_load_evidence(eng, path, &bad, &st), SW_EINVALID);
	bad.version = 3;
	bad.date_format = SW_DATE_DMY;
	CHECK_EQ(sw_engine_load_evidence(eng, path, &bad, &st), SW_EINVALID);
	sw_load_options dmy = SW_LOAD_OPTIONS_INIT;
	dmy.date_format = SW_DATE_DMY;
	CHECK_EQ(sw_engine_load_evidence(eng, path, &dmy, &st), SW_OK);
	CHECK_EQ(st.accepted, 2);
	CHECK_EQ(st.rejected, 0);
	sw_engine_free(eng);
	remove(path);
}
