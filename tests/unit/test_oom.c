/*
 * test_oom.c - loading frameworks with an allocator that fails the Nth
 * allocation, for every N: the status is always SW_ENOMEM or the normal
 * one, and nothing is left allocated (the allocator counts its blocks; ASan
 * also checks for leaks under `make test`).
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Loads `path` (or the text `json`) with allocation N failing, for N = 1, 2,
 * ... until a load runs without failure; with `once`, only allocation N
 * fails. Each attempt must end in `ok_status` or SW_ENOMEM, and leave
 * nothing allocated once the engine is freed.
 */
static void oom_loop(const char *path, const char *json, int ok_status, unsigned long min,
                     bool once)
{
	unsigned long n;
	for (n = 1; n < 100000; n++) {
		unit_failing f = { .fail_at = n, .once = once, .armed = true };
		sw_allocator a = { unit_failing_realloc, &f };
		sw_engine_options opts = SW_ENGINE_OPTIONS_INIT;
		opts.allocator = &a;
		sw_engine *eng = NULL;
		int rc = sw_engine_new(&eng, &opts);
		if (rc != SW_OK) {
			CHECK_EQ(rc, SW_ENOMEM);
			CHECK(eng == NULL);
		} else {
			rc = path ? sw_engine_load_framework_file(eng, path)
			          : sw_engine_load_framework_buffer(eng, json, strlen(json), "mine.json");
			if (rc != ok_status && rc != SW_ENOMEM)
				unit_fail(__FILE__, __LINE__, "allocation %lu failing: status %d (%s)", n,
				          rc, sw_status_string(rc));
			if (rc == SW_ENOMEM && !f.failed)
				unit_fail(__FILE__, __LINE__, "allocation %lu: SW_ENOMEM without a failure", n);
			if (rc == SW_OK)
				CHECK(sw_engine_framework(eng) != NULL);
			sw_engine_free(eng);
		}
		if (f.outstanding != 0)
			unit_fail(__FILE__, __LINE__, "allocation %lu failing: %ld blocks not freed", n,
			          f.outstanding);
		if (!f.failed) {
			CHECK_EQ(rc, ok_status); /* the run that never failed */
			break;
		}
	}
	if (n <= min) /* the loop must have visited many failure points */
		unit_fail(__FILE__, __LINE__, "only %lu allocations", n - 1);
	CHECK(n < 100000);
}

/* Loading skills-builder-v2.json with every allocation failing in turn. */
void test_oom_load(void)
{
	const char *path = unit_path("frameworks/skills-builder-v2.json");
	/* about 230 allocations (objects of up to 16 keys are checked for
	   duplicates without one) */
	oom_loop(path, NULL, SW_OK, 200, false);
	oom_loop(path, NULL, SW_OK, 200, true);
}

/* A framework with many rule errors: the error list allocates too; and
   an object of more than 16 keys, whose duplicate check allocates. */
static const char INVALID[] =
	"{\"format\": \"x\", \"format_version\": 2, \"id\": \"A\", \"name\": \"\",\n"
	" \"x-big\": {\"a\": 1, \"b\": 2, \"c\": 3, \"d\": 4, \"e\": 5, \"f\": 6, \"g\": 7, \"h\": 8,\n"
	"   \"i\": 9, \"j\": 10, \"k\": 11, \"l\": 12, \"m\": 13, \"n\": 14, \"o\": 15, \"p\": 16, \"a\": 17},\n"
	" \"groups\": [{\"id\": \"g\", \"name\": \"G\"}, {\"id\": \"g\", \"name\": \"G\"}],\n"
	" \"skills\": [{\"id\": \"s\", \"name\": \"S\", \"group\": \"h\", \"aliases\": [\"t\"],\n"
	"   \"steps\": [{\"step\": 0, \"label\": \"x\"}, {\"step\": 2, \"label\": \"\"}]},\n"
	"  {\"id\": \"t\", \"name\": \"T\", \"steps\": [{\"step\": 0, \"label\": \"x\"}]}],\n"
	" \"expectations\": [{\"year\": 1, \"step\": 9, \"skills\": {\"u\": 1}}]}";

/* The same for a file with many rule errors: SW_EINVALID or SW_ENOMEM, never a leak. */
void test_oom_invalid(void)
{
	oom_loop(NULL, INVALID, SW_EINVALID, 30, false);
	oom_loop(NULL, INVALID, SW_EINVALID, 30, true);
}

/* sw_oneroster_import of the quirks fixture with allocation N alone
   failing, for every N: SW_ENOMEM, or the roster a run without failure
   writes, byte for byte (a failure may not drop a pupil's name silently),
   and nothing left allocated. */
void test_oom_oneroster(void)
{
	const char *dir = "tests/fixtures/oneroster/quirks";
	sw_engine *eng = NULL;
	char *want = NULL;
	REQUIRE(sw_engine_new(&eng, NULL) == SW_OK);
	CHECK_EQ(sw_oneroster_import(&want, NULL, eng, dir, NULL, NULL), SW_OK);
	REQUIRE(want != NULL);
	unsigned long n;
	for (n = 1; n < 100000; n++) {
		unit_failing f = { .fail_at = n, .once = true, .armed = true };
		sw_allocator a = { unit_failing_realloc, &f };
		sw_engine_options opts = SW_ENGINE_OPTIONS_INIT;
		opts.allocator = &a;
		sw_engine *e = NULL;
		char *csv = NULL;
		int rc = sw_engine_new(&e, &opts);
		if (rc == SW_OK) {
			rc = sw_oneroster_import(&csv, NULL, e, dir, NULL, NULL);
			if (rc == SW_OK ? !csv || strcmp(csv, want) != 0 : rc != SW_ENOMEM)
				unit_fail(__FILE__, __LINE__, "allocation %lu failing: status %d, %s", n,
				          rc, csv ? csv : "no roster");
			sw_string_free(e, csv);
			sw_engine_free(e);
		}
		if (f.outstanding != 0)
			unit_fail(__FILE__, __LINE__, "allocation %lu failing: %ld blocks not freed", n,
			          f.outstanding);
		if (!f.failed)
			break;
	}
	CHECK(n > 20 && n < 100000);
	sw_string_free(eng, want);
	sw_engine_free(eng);
}
