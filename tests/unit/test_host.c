/*
 * test_host.c - what hosts and binding authors rely on: the rubric's
 * parameters after a framework switch, sw_framework_json loading back on
 * every bundled framework, removing and replacing data in place, the
 * options_init functions, the sw_write_fn alternatives and SW_EUSER.
 */
#include "unit.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const BUNDLED[] = { "skills-builder-v2", "skills-builder-v1", "example-school" };

/* The parameters still apply after another framework is loaded, so the
   text that reports them stays (it was NULL). */
void test_host_params_after_framework_switch(void)
{
	sw_engine *eng = NULL;
	REQUIRE(sw_engine_new(&eng, NULL) == SW_OK);
	REQUIRE(sw_engine_load_framework_builtin(eng, "example-school") == SW_OK);
	REQUIRE(sw_engine_load_rubric(eng, "secured-n") == SW_OK);
	REQUIRE(sw_engine_set_param(eng, "times", "3") == SW_OK);
	CHECK_STR(sw_engine_rubric_params(eng), "sources=, times=3");
	REQUIRE(sw_engine_load_framework_builtin(eng, "skills-builder-v2") == SW_OK);
	CHECK_STR(sw_engine_rubric_params(eng), "sources=, times=3");
	CHECK_STR(sw_engine_rubric_name(eng), "secured-n");
	/* and after evaluating (a new runner) it is the runner's own text */
	sw_pupil_data p = SW_PUPIL_DATA_INIT;
	p.id = "P1";
	REQUIRE(sw_engine_add_pupil(eng, &p) == SW_OK);
	sw_result *r = NULL;
	REQUIRE(sw_engine_evaluate_pupil(&r, eng, "P1", NULL) == SW_OK);
	sw_result_free(r);
	CHECK_STR(sw_engine_rubric_params(eng), "sources=, times=3");
	/* clearing them after a switch gives the defaults, not the old text */
	REQUIRE(sw_engine_load_framework_builtin(eng, "example-school") == SW_OK);
	CHECK_EQ(sw_engine_clear_params(eng), SW_OK);
	CHECK_STR(sw_engine_rubric_params(eng), "sources=, times=2");
	sw_engine_free(eng);
}

/* sw_framework_json of every bundled framework loads back through
   sw_engine_load_framework_buffer and gives the same JSON again. */
void test_host_framework_json_roundtrip(void)
{
	for (size_t i = 0; i < sizeof BUNDLED / sizeof BUNDLED[0]; i++) {
		sw_engine *a = NULL, *b = NULL;
		REQUIRE(sw_engine_new(&a, NULL) == SW_OK);
		REQUIRE(sw_engine_new(&b, NULL) == SW_OK);
		REQUIRE(sw_engine_load_framework_builtin(a, BUNDLED[i]) == SW_OK);
		char *j1 = NULL, *j2 = NULL;
		REQUIRE(sw_framework_json(&j1, sw_engine_framework(a)) == SW_OK);
		int rc = sw_engine_load_framework_buffer(b, j1, strlen(j1), BUNDLED[i]);
		if (rc != SW_OK)
			unit_fail(__FILE__, __LINE__, "%s does not load back: %s", BUNDLED[i],
			          sw_engine_error(b, 0) ? sw_engine_error(b, 0)->message : "?");
		if (rc == SW_OK) {
			CHECK_EQ(sw_framework_json(&j2, sw_engine_framework(b)), SW_OK);
			CHECK_STR(j2, j1);
			CHECK_EQ(sw_framework_skill_count(sw_engine_framework(b)),
			         sw_framework_skill_count(sw_engine_framework(a)));
		}
		sw_string_free(b, j2);
		sw_string_free(a, j1);
		sw_engine_free(a);
		sw_engine_free(b);
	}
}

/* The derived keys are checked, not trusted. */
void test_host_framework_json_checks(void)
{
	sw_engine *eng = NULL;
	REQUIRE(sw_engine_new(&eng, NULL) == SW_OK);
	const char *bad_max =
		"{\"format\": \"stepwise-framework\", \"format_version\": 1, \"id\": \"t\","
		" \"name\": \"T\", \"version\": null, \"skills\": [{\"id\": \"a\", \"name\": \"A\","
		" \"min\": 0, \"max\": 2, \"steps\": [{\"step\": 0, \"label\": \"Z\"}]}]}";
	CHECK_EQ(sw_engine_load_framework_buffer(eng, bad_max, strlen(bad_max), "t.json"),
	         SW_EINVALID);
	REQUIRE(sw_engine_error(eng, 0));
	CHECK_STR(sw_engine_error(eng, 0)->path, "$.skills[0].max");
	const char *bad_stage =
		"{\"format\": \"stepwise-framework\", \"format_version\": 1, \"id\": \"t\","
		" \"name\": \"T\", \"stages\": [{\"id\": \"s\", \"name\": \"S\", \"first\": 0,"
		" \"last\": 0}], \"skills\": [{\"id\": \"a\", \"name\": \"A\", \"steps\":"
		" [{\"step\": 0, \"label\": \"Z\", \"stage\": \"s\"},"
		" {\"step\": 1, \"label\": \"O\", \"stage\": \"s\"}]}]}";
	CHECK_EQ(sw_engine_load_framework_buffer(eng, bad_stage, strlen(bad_stage), "t.json"),
	         SW_EINVALID);
	REQUIRE(sw_engine_error(eng, 0));
	CHECK_STR(sw_engine_error(eng, 0)->path, "$.skills[0].steps[1].stage");
	CHECK_STR(sw_engine_error(eng, 0)->message,
	          "must be null, the stage step 1 falls in");
	CHECK_EQ(sw_engine_error_count(eng), 1);
	sw_engine_free(eng);
}

/* The library does not read STEPWISE_RUBRIC_PATH: a host opts in by
   passing it as sw_engine_options.rubric_path. */
void test_host_rubric_path_not_from_environment(void)
{
	char dir[] = "/tmp/sw-unit-rpXXXXXX";
	REQUIRE(mkdtemp(dir));
	char file[64];
	snprintf(file, sizeof file, "%s/highest.lua", dir);
	FILE *f = fopen(file, "w");
	REQUIRE(f);
	fputs("return { name = \"mine\", skill = function() return nil end }\n", f);
	fclose(f);
	char *old = getenv("STEPWISE_RUBRIC_PATH");
	old = old ? strdup(old) : NULL;
	setenv("STEPWISE_RUBRIC_PATH", dir, 1);
	sw_engine *eng = NULL;
	if (sw_engine_new(&eng, NULL) == SW_OK &&
	    sw_engine_load_framework_builtin(eng, "example-school") == SW_OK) {
		CHECK_EQ(sw_engine_load_rubric(eng, "highest"), SW_OK);
		CHECK_STR(sw_engine_rubric_name(eng), "highest");
	} else {
		unit_fail(__FILE__, __LINE__, "no engine");
	}
	sw_engine_free(eng);
	/* the explicit option */
	sw_engine_options o = SW_ENGINE_OPTIONS_INIT;
	o.rubric_path = dir;
	eng = NULL;
	if (sw_engine_new(&eng, &o) == SW_OK &&
	    sw_engine_load_framework_builtin(eng, "example-school") == SW_OK) {
		CHECK_EQ(sw_engine_load_rubric(eng, "highest"), SW_OK);
		CHECK_STR(sw_engine_rubric_name(eng), "mine");
	} else {
		unit_fail(__FILE__, __LINE__, "no engine");
	}
	sw_engine_free(eng);
	if (old)
		setenv("STEPWISE_RUBRIC_PATH", old, 1);
	else
		unsetenv("STEPWISE_RUBRIC_PATH");
	free(old);
	remove(file);
	rmdir(dir);
}

/* Switches the process to de_DE.UTF-8 (decimal comma), generating the
   locale into a temporary folder (LOCPATH) when the system lacks it. */
static bool german_locale(char *dir, size_t size)
{
	dir[0] = '\0';
	if (setlocale(LC_ALL, "de_DE.UTF-8"))
		return true;
	snprintf(dir, size, "/tmp/sw-unit-locXXXXXX");
	if (!mkdtemp(dir))
		return false;
	char cmd[256];
	snprintf(cmd, sizeof cmd, "localedef -i de_DE -f UTF-8 %s/de_DE.UTF-8 >/dev/null 2>&1", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "unit: localedef could not make de_DE.UTF-8 (Debian package "
		        "'locales', installed by scripts/install-deps.sh)\n");
	setenv("LOCPATH", dir, 1);
	return setlocale(LC_ALL, "de_DE.UTF-8") != NULL;
}

/* Numbers read and written by Lua (tostring, string.format, tonumber, the
   parameters) and by the library do not follow the host's LC_NUMERIC. */
void test_host_numbers_any_locale(void)
{
	char dir[64], buf[32];
	bool ok = german_locale(dir, sizeof dir);
	if (!ok)
		unit_fail(__FILE__, __LINE__, "cannot switch to de_DE.UTF-8");
	snprintf(buf, sizeof buf, "%.1f", 2.5);
	CHECK_STR(buf, "2,5"); /* the host's own printf does follow the locale */
	sw_engine *eng = NULL;
	const char *src =
		"return { name = \"num\", params = { rate = 0.25 },\n"
		"  skill = function(ev, ctx) return { step = 1, note = tostring(1.5) .. ' ' ..\n"
		"    string.format('%.2f', ctx.params.rate) .. ' ' .. tostring(tonumber('2.5')) ..\n"
		"    ' ' .. tostring(0.5 + 1) } end }\n";
	if (ok && sw_engine_new(&eng, NULL) == SW_OK &&
	    sw_engine_load_framework_builtin(eng, "example-school") == SW_OK &&
	    sw_engine_load_rubric_buffer(eng, src, strlen(src), "num.lua") == SW_OK) {
		CHECK_EQ(sw_engine_set_param(eng, "rate", "0.75"), SW_OK);
		CHECK_STR(sw_engine_rubric_params(eng), "rate=0.75");
		sw_pupil_data p = SW_PUPIL_DATA_INIT;
		p.id = "P1";
		CHECK_EQ(sw_engine_add_pupil(eng, &p), SW_OK);
		sw_result *r = NULL;
		if (sw_engine_evaluate_pupil(&r, eng, "P1", NULL) == SW_OK) {
			CHECK_STR(sw_result_note(r, 0), "1.5 0.75 2.5 1.5");
			CHECK_EQ(sw_result_error_count(r), 0);
			sw_result_free(r);
		} else {
			unit_fail(__FILE__, __LINE__, "evaluate failed");
		}
		/* the host's locale is as it was after the calls */
		snprintf(buf, sizeof buf, "%.1f", 2.5);
		CHECK_STR(buf, "2,5");
	} else if (ok) {
		unit_fail(__FILE__, __LINE__, "engine setup failed: %s",
		          sw_engine_error(eng, 0) ? sw_engine_error(eng, 0)->message : "?");
	}
	sw_engine_free(eng);
	setlocale(LC_ALL, "C");
	if (dir[0]) {
		char cmd[128];
		snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
		CHECK_EQ(system(cmd), 0);
		unsetenv("LOCPATH");
	}
}
