/*
 * test_framework.c - unit tests of the engine and framework API: creating
 * engines, loading the bundled frameworks, the accessors, skill lookup,
 * error details and their text form, and NULL arguments. Loading with an
 * allocator that runs out of memory is in test_oom.c.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const BUNDLED[] = { "skills-builder-v2", "skills-builder-v1", "example-school" };
static const char *const BUNDLED_IDS[] = { "skills-builder-v2", "skills-builder-v1",
	                                   "ashby-learning-powers" };
static const size_t BUNDLED_SKILLS[] = { 8, 8, 4 };

/* A small valid framework; the tests below break it in various ways. */
#define HEAD "{\"format\": \"stepwise-framework\", \"format_version\": 1, \"id\": \"a\", \"name\": \"A\",\n"
#define SKILLS " \"skills\": [{\"id\": \"s\", \"name\": \"S\", \"steps\": [{\"step\": 0, \"label\": \"x\"}]}]"
static const char GOOD[] = HEAD SKILLS "}";

/* A new engine with default options (the test fails if there is none). */
static sw_engine *new_engine(void)
{
	sw_engine *eng = NULL;
	if (sw_engine_new(&eng, NULL) != SW_OK)
		unit_fail(__FILE__, __LINE__, "sw_engine_new failed");
	return eng;
}

/* Loads a string as a framework buffer named "mine.json". */
static int load_str(sw_engine *eng, const char *json)
{
	return sw_engine_load_framework_buffer(eng, json, strlen(json), "mine.json");
}

/* Loads example-school.json from the repository (REQUIRE-style: NULL on failure). */
static sw_engine *example_engine(void)
{
	sw_engine *eng = new_engine();
	if (eng && sw_engine_load_framework_file(eng, unit_path("frameworks/example-school.json"))) {
		unit_fail(__FILE__, __LINE__, "cannot load example-school.json");
		sw_engine_free(eng);
		eng = NULL;
	}
	return eng;
}

/* sw_engine_new: NULL options, explicit options, wrong version, NULL out. */
void test_engine_new(void)
{
	sw_engine *eng = (sw_engine *)1;
	CHECK_EQ(sw_engine_new(&eng, NULL), SW_OK);
	CHECK(eng != NULL);
	CHECK(sw_engine_framework(eng) == NULL);
	CHECK_EQ(sw_engine_error_count(eng), 0);
	sw_engine_free(eng);

	sw_engine_options opts = SW_ENGINE_OPTIONS_INIT;
	opts.rubric_path = "/nowhere";
	CHECK_EQ(sw_engine_new(&eng, &opts), SW_OK);
	sw_engine_free(eng);

	opts.version = SW_ENGINE_OPTIONS_VERSION + 1;
	eng = (sw_engine *)1;
	CHECK_EQ(sw_engine_new(&eng, &opts), SW_EINVALID);
	CHECK(eng == NULL); /* *out is NULL on failure */
	opts.version = 0;
	CHECK_EQ(sw_engine_new(&eng, &opts), SW_EINVALID);
	CHECK_EQ(sw_engine_new(NULL, NULL), SW_EINVALID);
}

/* sw_version and sw_status_string. */
void test_version_and_status(void)
{
	CHECK_STR(sw_version(), SW_VERSION_STRING);
	CHECK_STR(sw_status_string(SW_OK), "ok");
	CHECK_STR(sw_status_string(SW_EINVALID), "invalid input");
	CHECK_STR(sw_status_string(SW_ENOMEM), "out of memory");
	CHECK(sw_status_string(12345) != NULL);
}

/* Every bundled framework loads from memory, with its id and skills. */
void test_bundled_from_buffer(void)
{
	sw_engine *eng = new_engine();
	REQUIRE(eng);
	for (size_t i = 0; i < 3; i++) {
		char rel[128];
		snprintf(rel, sizeof rel, "frameworks/%s.json", BUNDLED[i]);
		size_t len;
		char *data = unit_read_file(unit_path(rel), &len);
		CHECK(data != NULL);
		if (!data)
			continue;
		/* not NUL-terminated where len says: the loader must respect len */
		CHECK_EQ(sw_engine_load_framework_buffer(eng, data, len, rel), SW_OK);
		const sw_framework *fw = sw_engine_framework(eng);
		CHECK_STR(sw_framework_id(fw), BUNDLED_IDS[i]);
		CHECK_EQ(sw_framework_skill_count(fw), BUNDLED_SKILLS[i]);
		CHECK_EQ(sw_engine_error_count(eng), 0);
		free(data);
	}
	sw_engine_free(eng);
}

/* Every bundled framework loads from its file. */
void test_bundled_from_file(void)
{
	sw_engine *eng = new_engine();
	REQUIRE(eng);
	for (size_t i = 0; i < 3; i++) {
		char rel[128];
		snprintf(rel, sizeof rel, "frameworks/%s.json", BUNDLED[i]);
		CHECK_EQ(sw_engine_load_framework_file(eng, unit_path(rel)), SW_OK);
		CHECK_STR(sw_framework_id(sw_engine_framework(eng)), BUNDLED_IDS[i]);
	}
	sw_engine_free(eng);
}

/* The frameworks compiled into the library load by name; others are not found. */
void test_bundled_builtin(void)
{
	sw_engine *eng = new_engine();
	REQUIRE(eng);
	for (size_t i = 0; i < 3; i++) {
		CHECK_EQ(sw_engine_load_framework_builtin(eng, BUNDLED[i]), SW_OK);
		CHECK_STR(sw_framework_id(sw_engine_framework(eng)), BUNDLED_IDS[i]);
	}
	CHECK_EQ(sw_engine_load_framework_builtin(eng, "nope"), SW_ENOTFOUND);
	CHECK_EQ(sw_engine_load_framework_builtin(eng, "../frameworks/example-school"), SW_ENOTFOUND);
	/* a failed load keeps the framework loaded before */
	CHECK_STR(sw_framework_id(sw_engine_framework(eng)), "ashby-learning-powers");
	sw_engine_free(eng);
}

/* The accessors on example-school.json, which uses every feature. */
void test_accessors(void)
{
	sw_engine *eng = example_engine();
	REQUIRE(eng);
	const sw_framework *fw = sw_engine_framework(eng);
	CHECK_STR(sw_framework_id(fw), "ashby-learning-powers");
	CHECK_STR(sw_framework_name(fw), "Ashby Primary Learning Powers");
	CHECK_STR(sw_framework_version(fw), "2026.1");
	CHECK_STR(sw_framework_attribution(fw), "Written for the Stepwise project as an example.");
	CHECK(sw_framework_license(fw) != NULL);

	CHECK_EQ(sw_framework_group_count(fw), 2);
	CHECK_STR(sw_framework_group_id(fw, 0), "learning");
	CHECK_STR(sw_framework_group_name(fw, 1), "Working Together");
	CHECK(sw_framework_group_id(fw, 2) == NULL);

	CHECK_EQ(sw_framework_stage_count(fw), 2);
	CHECK_STR(sw_framework_stage_id(fw, 0), "emerging");
	CHECK_STR(sw_framework_stage_name(fw, 1), "Secure");
	int first = 0, last = 0;
	CHECK_EQ(sw_framework_stage_range(&first, &last, fw, 0), SW_OK);
	CHECK_EQ(first, 1);
	CHECK_EQ(last, 3);
	CHECK_EQ(sw_framework_stage_range(&first, &last, fw, 1), SW_OK);
	CHECK_EQ(first, 4);
	CHECK_EQ(last, 6);
	CHECK_EQ(sw_framework_stage_range(&first, &last, fw, 2), SW_ENOTFOUND);
	CHECK(sw_framework_stage_id(fw, 2) == NULL);

	CHECK_EQ(sw_framework_skill_count(fw), 4);
	const sw_skill *cur = sw_framework_skill(fw, 0);
	REQUIRE(cur);
	CHECK(sw_framework_skill(fw, 4) == NULL);
	CHECK_EQ(sw_skill_index(cur), 0);
	CHECK_STR(sw_skill_id(cur), "curiosity");
	CHECK_STR(sw_skill_name(cur), "Curiosity");
	CHECK_STR(sw_skill_group(cur), "learning");
	CHECK_EQ(sw_skill_min(cur), 1);
	CHECK_EQ(sw_skill_max(cur), 6);
	CHECK_EQ(sw_skill_alias_count(cur), 2);
	CHECK_STR(sw_skill_alias(cur, 0), "asking-questions");
	CHECK_STR(sw_skill_alias(cur, 1), "wondering");
	CHECK(sw_skill_alias(cur, 2) == NULL);
	CHECK_STR(sw_skill_step_label(cur, 1), "Notices new things");
	CHECK_STR(sw_skill_step_label(cur, 6), "Sparks curiosity in others");
	CHECK_STR(sw_skill_step_text(cur, 1), "I notice when something is new or different.");
	CHECK(sw_skill_step_label(cur, 0) == NULL); /* outside 1..6 */
	CHECK(sw_skill_step_label(cur, 7) == NULL);
	CHECK(sw_skill_step_text(cur, 7) == NULL);
	CHECK_STR(sw_skill_step_stage(cur, 3), "emerging");
	CHECK_STR(sw_skill_step_stage(cur, 4), "secure");
	CHECK(sw_skill_step_stage(cur, 0) == NULL);

	const sw_skill *coop = sw_framework_skill(fw, 2);
	CHECK_EQ(sw_skill_index(coop), 2);
	CHECK_STR(sw_skill_name(coop), "Co\xC3\xB6peration"); /* ö, NFC */
	CHECK_STR(sw_skill_group(coop), "together");
	CHECK_EQ(sw_skill_alias_count(coop), 0);
	sw_engine_free(eng);

	/* a skill without group, text or stages */
	eng = new_engine();
	REQUIRE(eng);
	CHECK_EQ(load_str(eng, GOOD), SW_OK);
	const sw_skill *s = sw_framework_skill(sw_engine_framework(eng), 0);
	CHECK(sw_skill_group(s) == NULL);
	CHECK(sw_skill_step_text(s, 0) == NULL);
	CHECK(sw_skill_step_stage(s, 0) == NULL);
	CHECK(sw_framework_version(sw_engine_framework(eng)) == NULL);
	CHECK_EQ(sw_framework_stage_count(sw_engine_framework(eng)), 0);
	sw_engine_free(eng);
}

/* sw_framework_has_expected: the year's step, per-skill overrides, years without any. */
void test_expected(void)
{
	sw_engine *eng = example_engine();
	REQUIRE(eng);
	const sw_framework *fw = sw_engine_framework(eng);
	const sw_skill *cur = sw_framework_find_skill(fw, "curiosity");
	const sw_skill *kind = sw_framework_find_skill(fw, "kindness");
	const sw_skill *per = sw_framework_find_skill(fw, "perseverance");
	REQUIRE(cur && kind && per);
	int step = -99;
	CHECK_EQ(sw_framework_has_expected(&step, fw, 2, cur), 1);
	CHECK_EQ(step, 2);
	CHECK_EQ(sw_framework_has_expected(&step, fw, 2, kind), 1); /* override: 3 */
	CHECK_EQ(step, 3);
	CHECK_EQ(sw_framework_has_expected(&step, fw, 6, per), 1);  /* override: 5 */
	CHECK_EQ(step, 5);
	CHECK_EQ(sw_framework_has_expected(&step, fw, 6, cur), 1);
	CHECK_EQ(step, 6);
	step = -99;
	CHECK_EQ(sw_framework_has_expected(&step, fw, 0, cur), 0);  /* Reception: none */
	CHECK_EQ(sw_framework_has_expected(&step, fw, 7, cur), 0);
	CHECK_EQ(sw_framework_has_expected(&step, fw, 14, cur), 0);
	CHECK_EQ(sw_framework_has_expected(&step, fw, 15, cur), 0); /* out of range */
	CHECK_EQ(sw_framework_has_expected(&step, fw, -1, cur), 0);
	CHECK_EQ(step, -99); /* untouched when there is none */
	CHECK_EQ(sw_framework_has_expected(NULL, fw, 1, cur), 1);

	/* a skill of another framework is not this framework's */
	sw_engine *other = new_engine();
	REQUIRE(other);
	CHECK_EQ(sw_engine_load_framework_builtin(other, "skills-builder-v2"), SW_OK);
	const sw_skill *listen = sw_framework_skill(sw_engine_framework(other), 0);
	CHECK_EQ(sw_framework_has_expected(&step, fw, 1, listen), 0);
	CHECK_EQ(sw_framework_has_expected(&step, sw_engine_framework(other), 0, listen), 1);
	CHECK_EQ(step, 0);
	sw_engine_free(other);
	sw_engine_free(eng);
}

/* sw_framework_find_skill by id, alias and name, loosely. */
void test_find_skill(void)
{
	sw_engine *eng = example_engine();
	REQUIRE(eng);
	const sw_framework *fw = sw_engine_framework(eng);
	const sw_skill *cur = sw_framework_skill(fw, 0), *coop = sw_framework_skill(fw, 2);
	CHECK(sw_framework_find_skill(fw, "curiosity") == cur);
	CHECK(sw_framework_find_skill(fw, "asking-questions") == cur);
	CHECK(sw_framework_find_skill(fw, "Asking Questions") == cur);
	CHECK(sw_framework_find_skill(fw, "ASKING_QUESTIONS") == cur);
	CHECK(sw_framework_find_skill(fw, "WONDERING") == cur);
	CHECK(sw_framework_find_skill(fw, "  Curiosity\t") == cur);
	CHECK(sw_framework_find_skill(fw, "cooperation") == coop);           /* id */
	CHECK(sw_framework_find_skill(fw, "Co\xC3\xB6peration") == coop);     /* name, NFC */
	CHECK(sw_framework_find_skill(fw, "Coo\xCC\x88peration") == coop);    /* name, NFD */
	CHECK(sw_framework_find_skill(fw, "CO\xC3\x96PERATION") == coop);     /* upper-case Ö */
	CHECK(sw_framework_find_skill(fw, "nope") == NULL);
	CHECK(sw_framework_find_skill(fw, "curiosit") == NULL);
	CHECK(sw_framework_find_skill(fw, "curiosityy") == NULL);
	CHECK(sw_framework_find_skill(fw, "") == NULL);
	CHECK(sw_framework_find_skill(fw, "\xC3\x28") == NULL); /* invalid UTF-8 */
	CHECK(sw_framework_find_skill(fw, NULL) == NULL);
	CHECK(sw_framework_find_skill(NULL, "curiosity") == NULL);
	sw_engine_free(eng);

	eng = new_engine();
	REQUIRE(eng);
	CHECK_EQ(sw_engine_load_framework_builtin(eng, "skills-builder-v2"), SW_OK);
	fw = sw_engine_framework(eng);
	CHECK_STR(sw_skill_id(sw_framework_find_skill(fw, "problem solving")), "problem-solving");
	CHECK_STR(sw_skill_id(sw_framework_find_skill(fw, "Problem_Solving")), "problem-solving");
	CHECK_STR(sw_skill_id(sw_framework_find_skill(fw, "staying-positive")), "adapting");
	CHECK_STR(sw_skill_id(sw_framework_find_skill(fw, "Aiming High")), "planning");
	sw_engine_free(eng);
}

/* A syntax error has file, line and column but no path. */
void test_syntax_error_details(void)
{
	sw_engine *eng = new_engine();
	REQUIRE(eng);
	CHECK_EQ(load_str(eng, "{\n  \"format\": \"stepwise-framework\"\n  \"id\": \"a\"\n}"), SW_EINVALID);
	CHECK_EQ(sw_engine_error_count(eng), 1);
	CHECK_EQ(sw_engine_error_total(eng), 1);
	const sw_error *e = sw_engine_error(eng, 0);
	REQUIRE(e);
	CHECK_EQ(e->code, SW_EINVALID);
	CHECK_STR(e->file, "mine.json");
	CHECK_EQ(e->line, 3);
	CHECK_EQ(e->column, 3);
	CHECK(e->path == NULL);
	CHECK_STR(e->message, "expected ',' or '}' after object member");
	char buf[256];
	size_t n = sw_error_format(buf, sizeof buf, e);
	CHECK_STR(buf, "mine.json:3:3: error: expected ',' or '}' after object member");
	CHECK_EQ(n, strlen(buf));
	CHECK(sw_engine_error(eng, 1) == NULL);

	/* columns count characters, not bytes; a buffer without a name is "(buffer)" */
	const char *text = "{\"name\": \"Co\xC3\xB6p\", x}";
	CHECK_EQ(sw_engine_load_framework_buffer(eng, text, strlen(text), NULL), SW_EINVALID);
	e = sw_engine_error(eng, 0);
	REQUIRE(e);
	CHECK_STR(e->file, "(buffer)");
	CHECK_EQ(e->line, 1);
	CHECK_EQ(e->column, 18);

	/* the length is respected: the text after len is not read */
	CHECK_EQ(sw_engine_load_framework_buffer(eng, GOOD, strlen(GOOD) - 1, "cut.json"), SW_EINVALID);
	e = sw_engine_error(eng, 0);
	REQUIRE(e);
	CHECK_STR(e->message, "unexpected end of input: expected ',' or '}' after object member");
	sw_engine_free(eng);
}

/* A rule error has file and JSON path, but no line or column. */
void test_rule_error_details(void)
{
	sw_engine *eng = new_engine();
	REQUIRE(eng);
	CHECK_EQ(load_str(eng, HEAD " \"skills\": [{\"id\": \"s\", \"name\": \"S\", \"steps\": ["
	                       "{\"step\": 0, \"label\": \"x\"}, {\"step\": 2, \"label\": \"y\"}]}]}"),
	         SW_EINVALID);
	CHECK(sw_engine_framework(eng) == NULL);
	CHECK_EQ(sw_engine_error_count(eng), 1);
	const sw_error *e = sw_engine_error(eng, 0);
	REQUIRE(e);
	CHECK_EQ(e->code, SW_EINVALID);
	CHECK_STR(e->file, "mine.json");
	CHECK_EQ(e->line, 0);
	CHECK_EQ(e->column, 0);
	CHECK_STR(e->path, "$.skills[0].steps[1].step");
	char buf[256];
	sw_error_format(buf, sizeof buf, e);
	CHECK_STR(buf, "mine.json: error: $.skills[0].steps[1].step: steps must be ascending "
	               "and consecutive: expected 1, found 2");
	sw_engine_free(eng);
}

/* sw_error_format: each form, truncation and the needed length. */
void test_error_format_forms(void)
{
	char buf[128];
	sw_error e = { SW_EINVALID, "bad", "f.json", 3, 7, NULL };
	CHECK_EQ(sw_error_format(buf, sizeof buf, &e), strlen("f.json:3:7: error: bad"));
	CHECK_STR(buf, "f.json:3:7: error: bad");
	e.column = 0;
	sw_error_format(buf, sizeof buf, &e);
	CHECK_STR(buf, "f.json:3: error: bad");
	e.line = 0;
	e.path = "$.id";
	sw_error_format(buf, sizeof buf, &e);
	CHECK_STR(buf, "f.json: error: $.id: bad");
	e.path = NULL;
	sw_error_format(buf, sizeof buf, &e);
	CHECK_STR(buf, "f.json: error: bad");
	e.file = NULL;
	e.path = "$.id";
	sw_error_format(buf, sizeof buf, &e);
	CHECK_STR(buf, "error: $.id: bad");
	e.path = NULL;
	sw_error_format(buf, sizeof buf, &e);
	CHECK_STR(buf, "error: bad");

	/* cut short but always terminated; the return value is the full length */
	e.file = "f.json";
	e.line = 3;
	e.column = 7;
	char small[8];
	memset(small, 'x', sizeof small);
	CHECK_EQ(sw_error_format(small, sizeof small, &e), strlen("f.json:3:7: error: bad"));
	CHECK_STR(small, "f.json:");
	CHECK_EQ(sw_error_format(NULL, 0, &e), strlen("f.json:3:7: error: bad"));
}

/* The next call that can fail clears the list; a failed load keeps the old framework. */
void test_errors_cleared(void)
{
	sw_engine *eng = new_engine();
	REQUIRE(eng);
	CHECK_EQ(load_str(eng, "{}"), SW_EINVALID);
	CHECK_EQ(sw_engine_error_count(eng), 5);
	CHECK_EQ(load_str(eng, GOOD), SW_OK);
	CHECK_EQ(sw_engine_error_count(eng), 0);
	CHECK_EQ(sw_engine_error_total(eng), 0);
	CHECK(sw_engine_error(eng, 0) == NULL);
	const sw_framework *fw = sw_engine_framework(eng);
	CHECK(fw != NULL);
	CHECK_EQ(load_str(eng, "[]"), SW_EINVALID);
	CHECK(sw_engine_framework(eng) == fw); /* nothing replaced */
	CHECK_STR(sw_framework_id(sw_engine_framework(eng)), "a");
	CHECK_EQ(sw_engine_error_count(eng), 1);
	sw_engine_free(eng);
}

/* At most SW_MAX_ERRORS are kept; the total counts them all. */
void test_error_limit(void)
{
	char json[8192];
	size_t n = (size_t)snprintf(json, sizeof json, HEAD " \"skills\": [{\"id\": \"s\", \"name\": \"S\", \"steps\": [");
	for (int i = 0; i < 60; i++)
		n += (size_t)snprintf(json + n, sizeof json - n, "%s{\"step\": %d, \"label\": \"\"}",
		                      i ? ", " : "", i);
	snprintf(json + n, sizeof json - n, "]}]}");
	sw_engine *eng = new_engine();
	REQUIRE(eng);
	CHECK_EQ(load_str(eng, json), SW_EINVALID);
	CHECK_EQ(sw_engine_error_count(eng), SW_MAX_ERRORS);
	CHECK_EQ(sw_engine_error_total(eng), 60);
	CHECK_STR(sw_engine_error(eng, 49)->path, "$.skills[0].steps[49].label");
	CHECK(sw_engine_error(eng, 50) == NULL);
	sw_engine_free(eng);
}

/* A missing file and a directory: SW_EIO with the path as the file. */
void test_file_errors(void)
{
	sw_engine *eng = new_engine();
	REQUIRE(eng);
	CHECK_EQ(sw_engine_load_framework_file(eng, "/nonexistent/x.json"), SW_EIO);
	const sw_error *e = sw_engine_error(eng, 0);
	REQUIRE(e);
	CHECK_EQ(e->code, SW_EIO);
	CHECK_STR(e->file, "/nonexistent/x.json");
	CHECK(strstr(e->message, "cannot open") != NULL);
	CHECK_EQ(sw_engine_load_framework_file(eng, unit_path("frameworks")), SW_EIO);
	e = sw_engine_error(eng, 0);
	REQUIRE(e);
	CHECK_STR(e->message, "is a directory, not a file");
	sw_engine_free(eng);
}

/* NULL in place of any pointer argument is refused or ignored, never a crash. */
void test_null_arguments(void)
{
	sw_engine *eng = new_engine();
	REQUIRE(eng);
	sw_engine_free(NULL);
	CHECK_EQ(sw_engine_error_count(NULL), 0);
	CHECK_EQ(sw_engine_error_total(NULL), 0);
	CHECK(sw_engine_error(NULL, 0) == NULL);
	CHECK(sw_engine_framework(NULL) == NULL);
	CHECK_EQ(sw_engine_load_framework_file(NULL, "x"), SW_EINVALID);
	CHECK_EQ(sw_engine_load_framework_file(eng, NULL), SW_EINVALID);
	CHECK_EQ(sw_engine_error_count(eng), 1);
	CHECK_EQ(sw_engine_load_framework_buffer(NULL, "{}", 2, NULL), SW_EINVALID);
	CHECK_EQ(sw_engine_load_framework_buffer(eng, NULL, 0, NULL), SW_EINVALID);
	CHECK_EQ(sw_engine_load_framework_builtin(NULL, "example-school"), SW_EINVALID);
	CHECK_EQ(sw_engine_load_framework_builtin(eng, NULL), SW_ENOTFOUND);

	const sw_framework *fw = NULL;
	CHECK(sw_framework_id(fw) == NULL);
	CHECK(sw_framework_name(fw) == NULL);
	CHECK(sw_framework_version(fw) == NULL);
	CHECK(sw_framework_attribution(fw) == NULL);
	CHECK(sw_framework_license(fw) == NULL);
	CHECK_EQ(sw_framework_group_count(fw), 0);
	CHECK(sw_framework_group_id(fw, 0) == NULL);
	CHECK(sw_framework_group_name(fw, 0) == NULL);
	CHECK_EQ(sw_framework_stage_count(fw), 0);
	CHECK(sw_framework_stage_id(fw, 0) == NULL);
	CHECK(sw_framework_stage_name(fw, 0) == NULL);
	CHECK_EQ(sw_framework_stage_range(NULL, NULL, fw, 0), SW_ENOTFOUND);
	CHECK_EQ(sw_framework_skill_count(fw), 0);
	CHECK(sw_framework_skill(fw, 0) == NULL);
	CHECK(sw_framework_find_skill(fw, NULL) == NULL);
	CHECK_EQ(sw_framework_has_expected(NULL, fw, 1, NULL), 0);
	CHECK_EQ(sw_framework_print(NULL, fw, NULL), SW_EINVALID);
	CHECK_EQ(sw_framework_print(stdout, fw, NULL), SW_EINVALID);

	const sw_skill *sk = NULL;
	CHECK_EQ(sw_skill_index(sk), 0);
	CHECK(sw_skill_id(sk) == NULL);
	CHECK(sw_skill_name(sk) == NULL);
	CHECK(sw_skill_group(sk) == NULL);
	CHECK(sw_skill_min(sk) > sw_skill_max(sk)); /* an empty range */
	CHECK_EQ(sw_skill_alias_count(sk), 0);
	CHECK(sw_skill_alias(sk, 0) == NULL);
	CHECK(sw_skill_step_label(sk, 0) == NULL);
	CHECK(sw_skill_step_text(sk, 0) == NULL);
	CHECK(sw_skill_step_stage(sk, 0) == NULL);
	CHECK_EQ(sw_text_width(NULL), 0);

	/* with a framework but NULL skill or outputs */
	CHECK_EQ(load_str(eng, GOOD), SW_OK);
	fw = sw_engine_framework(eng);
	CHECK_EQ(sw_framework_has_expected(NULL, fw, 1, NULL), 0);
	CHECK_EQ(sw_framework_print(NULL, fw, NULL), SW_EINVALID);
	sw_engine_free(eng);
}

/* sw_framework_print: the table, one skill, and an unknown skill. */
void test_print(void)
{
	sw_engine *eng = example_engine();
	REQUIRE(eng);
	const sw_framework *fw = sw_engine_framework(eng);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	REQUIRE(out);
	CHECK_EQ(sw_framework_print(out, fw, NULL), SW_OK);
	CHECK_EQ(sw_framework_print(out, fw, "wondering"), SW_OK);
	CHECK_EQ(sw_framework_print(out, fw, "nope"), SW_ENOTFOUND);
	fclose(out);
	REQUIRE(text);
	const char *first_line = "Ashby Primary Learning Powers (version 2026.1)\n";
	CHECK(strncmp(text, first_line, strlen(first_line)) == 0);
	CHECK(strstr(text, "\ncooperation   Co\xC3\xB6peration   Working Together    1-6\n") != NULL);
	CHECK(strstr(text, "\n  emerging  Emerging  1-3\n") != NULL);
	CHECK(strstr(text, "\nCuriosity (curiosity), Learning Habits\n") != NULL);
	CHECK(strstr(text, "\n   6  secure    Sparks curiosity in others\n") != NULL);
	free(text);
	sw_engine_free(eng);
}

/* Display width: wide characters count 2, combining marks 0. */
void test_text_width(void)
{
	CHECK_EQ(sw_text_width(""), 0);
	CHECK_EQ(sw_text_width("abc"), 3);
	CHECK_EQ(sw_text_width("Co\xC3\xB6p"), 4);              /* ö precomposed */
	CHECK_EQ(sw_text_width("Coo\xCC\x88p"), 4);             /* o + combining diaeresis */
	CHECK_EQ(sw_text_width("\xE6\xB1\x89\xE5\xAD\x97"), 4); /* 汉字 */
	CHECK_EQ(sw_text_width("L\xE1\xBA\xAFng"), 4);          /* Lắng */
}
