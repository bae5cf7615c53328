/*
 * test_bench_data.c - Lua rubrics against the built-ins computed in C on the
 * benchmark's own data (tests/bench/gen.py at 3,000 rows, made in a
 * temporary folder): the built-in highest, its Lua source, the plain-Lua
 * loop of `make bench` (tests/bench/loop.lua), and the built-in secured-n
 * against its Lua source must give every pupil and skill the same step and
 * the same count of records, with no error; a rubric that returns nil at
 * once gives no step at all. Evaluated with one thread and with two.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SKILLS 8
#define MAX_PUPILS 256

/* Every pupil's steps (-1: none) and record counts, in evaluation order. */
typedef struct steps {
	size_t pupils, with_step;
	char ids[MAX_PUPILS][16];
	int step[MAX_PUPILS][SKILLS];
	size_t seen[MAX_PUPILS][SKILLS];
	size_t errors;
} steps;

static int collect(const sw_result *r, void *payload)
{
	steps *s = payload;
	if (s->pupils >= MAX_PUPILS || sw_result_skill_count(r) != SKILLS)
		return 1;
	snprintf(s->ids[s->pupils], sizeof s->ids[0], "%s", sw_result_pupil(r));
	for (size_t k = 0; k < SKILLS; k++) {
		int step = -1;
		if (sw_result_has_step(&step, r, k))
			s->with_step++;
		else
			step = -1;
		s->step[s->pupils][k] = step;
		s->seen[s->pupils][k] = sw_result_evidence(r, k);
	}
	s->errors += sw_result_error_count(r);
	s->pupils++;
	return 0;
}

/* Evaluates dir's pupils and evidence with `rubric` (a name, or a file of
   the repository loaded as a buffer) and `param` (K=V or NULL). */
static bool run(steps *out, const char *dir, const char *rubric, const char *param, int jobs)
{
	memset(out, 0, sizeof *out);
	sw_engine *eng;
	if (sw_engine_new(&eng, NULL) != SW_OK)
		return false;
	char pupils[300], evidence[300];
	snprintf(pupils, sizeof pupils, "%s/pupils.csv", dir);
	snprintf(evidence, sizeof evidence, "%s/evidence.csv", dir);
	int rc = sw_engine_load_framework_builtin(eng, "skills-builder-v2");
	if (rc == SW_OK)
		rc = sw_engine_load_pupils(eng, pupils, NULL, NULL);
	if (rc == SW_OK)
		rc = sw_engine_load_evidence(eng, evidence, NULL, NULL);
	if (rc == SW_OK && strchr(rubric, '/')) {
		size_t len = 0;
		char *src = unit_read_file(unit_path(rubric), &len);
		rc = src ? sw_engine_load_rubric_buffer(eng, src, len, strrchr(rubric, '/') + 1)
		         : SW_EIO;
		free(src);
	} else if (rc == SW_OK) {
		rc = sw_engine_load_rubric(eng, rubric);
	}
	if (rc == SW_OK && param) {
		char key[32];
		const char *eq = strchr(param, '=');
		snprintf(key, sizeof key, "%.*s", (int)(eq - param), param);
		rc = sw_engine_set_param(eng, key, eq + 1);
	}
	sw_eval_options o = SW_EVAL_OPTIONS_INIT;
	o.jobs = jobs;
	if (rc == SW_OK)
		rc = sw_engine_evaluate(eng, &o, collect, out, NULL);
	if (rc != SW_OK)
		unit_fail(__FILE__, __LINE__, "%s with %d jobs: status %d", rubric, jobs, rc);
	sw_engine_free(eng);
	return rc == SW_OK;
}

/* Every pupil and skill of a and b agree. */
static void same(const steps *a, const steps *b, const char *what)
{
	CHECK_EQ(a->pupils, b->pupils);
	CHECK_EQ(a->errors, 0);
	CHECK_EQ(b->errors, 0);
	for (size_t p = 0; p < a->pupils && p < b->pupils; p++) {
		CHECK_STR(a->ids[p], b->ids[p]);
		for (size_t k = 0; k < SKILLS; k++)
			if (a->step[p][k] != b->step[p][k] || a->seen[p][k] != b->seen[p][k])
				unit_fail(__FILE__, __LINE__, "%s: pupil %s skill %zu: C step %d (%zu "
				          "records), Lua step %d (%zu records)", what, a->ids[p], k,
				          a->step[p][k], a->seen[p][k], b->step[p][k], b->seen[p][k]);
	}
}

void test_bench_lua_matches_builtin(void)
{
	char dir[64], data[80];
	REQUIRE(unit_bench_data(dir, data));
	static steps c, lua; /* large: not on the stack */
	for (int jobs = 1; jobs <= 2; jobs++) {
		if (!run(&c, data, "highest", NULL, jobs))
			break;
		CHECK(c.pupils > 40); /* gen.py: about 64 records a pupil */
		CHECK(c.with_step > c.pupils * SKILLS / 2);
		if (run(&lua, data, "scripts/rubrics/highest.lua", NULL, jobs))
			same(&c, &lua, "highest.lua");
		if (run(&lua, data, "tests/bench/loop.lua", NULL, jobs))
			same(&c, &lua, "loop.lua");
		if (run(&lua, data, "tests/bench/nil.lua", NULL, jobs)) {
			CHECK_EQ(lua.pupils, c.pupils);
			CHECK_EQ(lua.with_step, 0);
			CHECK_EQ(lua.errors, 0);
		}
		if (run(&c, data, "secured-n", "times=2", jobs) &&
		    run(&lua, data, "scripts/rubrics/secured-n.lua", "times=2", jobs))
			same(&c, &lua, "secured-n.lua");
	}
	CHECK(unit_bench_data_free(dir));
}
