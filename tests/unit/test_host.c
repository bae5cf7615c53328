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

/* The _init functions give what the _INIT macros give, for their version only. */
void test_host_options_init(void)
{
	sw_engine_options a = SW_ENGINE_OPTIONS_INIT, b;
	memset(&b, 0xff, sizeof b);
	CHECK_EQ(sw_engine_options_init(&b, SW_ENGINE_OPTIONS_VERSION), SW_OK);
	CHECK(b.version == a.version && !b.allocator && !b.rubric_path && !b.instruction_limit &&
	      !b.memory_limit && !b.pattern_limit && !b.print_stream && !b.print_fn &&
	      !b.print_payload);
	CHECK_EQ(sw_engine_options_init(&b, SW_ENGINE_OPTIONS_VERSION + 1), SW_EINVALID);
	CHECK_EQ(sw_engine_options_init(NULL, SW_ENGINE_OPTIONS_VERSION), SW_EINVALID);
	sw_pupil_data p;
	memset(&p, 0xff, sizeof p);
	CHECK_EQ(sw_pupil_data_init(&p, SW_PUPIL_DATA_VERSION), SW_OK);
	CHECK_EQ(p.year, SW_NO_YEAR);
	CHECK(p.id == NULL && p.group_count == 0);
	sw_evidence_data e;
	CHECK_EQ(sw_evidence_data_init(&e, SW_EVIDENCE_DATA_VERSION), SW_OK);
	CHECK_EQ(e.version, SW_EVIDENCE_DATA_VERSION);
	sw_load_options lo;
	CHECK_EQ(sw_load_options_init(&lo, SW_LOAD_OPTIONS_VERSION), SW_OK);
	CHECK_EQ(lo.format, SW_FORMAT_AUTO);
	sw_eval_options eo;
	CHECK_EQ(sw_eval_options_init(&eo, SW_EVAL_OPTIONS_VERSION), SW_OK);
	CHECK(eo.as_of == NULL && eo.jobs == 0);
	sw_cohort_options co;
	CHECK_EQ(sw_cohort_options_init(&co, SW_COHORT_OPTIONS_VERSION), SW_OK);
	CHECK_EQ(co.by, SW_BY_ALL);
	sw_passport_options po;
	CHECK_EQ(sw_passport_options_init(&po, SW_PASSPORT_OPTIONS_VERSION), SW_OK);
	CHECK_EQ(po.version, SW_PASSPORT_OPTIONS_VERSION);
	sw_case_import_options ci;
	CHECK_EQ(sw_case_import_options_init(&ci, SW_CASE_IMPORT_OPTIONS_VERSION), SW_OK);
	CHECK_EQ(ci.levels, SW_CASE_LEVELS_AUTO);
	sw_case_export_options ce;
	CHECK_EQ(sw_case_export_options_init(&ce, SW_CASE_EXPORT_OPTIONS_VERSION), SW_OK);
	CHECK_EQ(ce.case_version, SW_CASE_1_0);
	sw_oneroster_options oo;
	CHECK_EQ(sw_oneroster_options_init(&oo, SW_ONEROSTER_OPTIONS_VERSION), SW_OK);
	CHECK_EQ(sw_oneroster_options_init(&oo, 0), SW_EINVALID);
	/* version 1 engine options (without print_fn) are still accepted */
	sw_engine *eng = NULL;
	a.version = 1;
	CHECK_EQ(sw_engine_new(&eng, &a), SW_OK);
	sw_engine_free(eng);
}

/* A growing buffer for sw_write_fn, which stops after `limit` calls (0: never). */
typedef struct sink {
	char buf[65536];
	size_t len, calls, limit;
} sink;

static int sink_write(const char *data, size_t len, void *payload)
{
	sink *s = payload;
	if (s->limit && ++s->calls > s->limit)
		return 42;
	size_t room = sizeof s->buf - 1 - s->len;
	size_t n = len < room ? len : room;
	memcpy(s->buf + s->len, data, n);
	s->len += n;
	s->buf[s->len] = '\0';
	return 0;
}

/* What goes to a FILE * goes the same to a callback; a callback that stops
   gives SW_EUSER with its own value. */
void test_host_write_callbacks(void)
{
	static sink s1, s2;
	memset(&s1, 0, sizeof s1);
	memset(&s2, 0, sizeof s2);
	sw_engine_options o = SW_ENGINE_OPTIONS_INIT;
	o.print_fn = sink_write;
	o.print_payload = &s2;
	sw_engine *eng = NULL;
	REQUIRE(sw_engine_new(&eng, &o) == SW_OK);
	REQUIRE(sw_engine_load_framework_builtin(eng, "example-school") == SW_OK);
	const sw_framework *fw = sw_engine_framework(eng);
	/* the framework: the FILE * version into a memory stream, then the callback */
	char *mem = NULL;
	size_t memlen = 0;
	FILE *f = open_memstream(&mem, &memlen);
	REQUIRE(f);
	CHECK_EQ(sw_framework_print(f, fw, NULL), SW_OK);
	fclose(f);
	CHECK_EQ(sw_framework_print_to(sink_write, &s1, fw, NULL), SW_OK);
	CHECK(memlen > 0);
	CHECK_STR(s1.buf, mem);
	free(mem);
	/* a rubric's print() */
	const char *src = "return { name = \"p\", skill = function(ev, ctx)\n"
	                  "  print('hello', ctx.skill.id) return nil end }\n";
	REQUIRE(sw_engine_load_rubric_buffer(eng, src, strlen(src), "p.lua") == SW_OK);
	sw_pupil_data p = SW_PUPIL_DATA_INIT;
	p.id = "P1";
	REQUIRE(sw_engine_add_pupil(eng, &p) == SW_OK);
	sw_result *r = NULL;
	REQUIRE(sw_engine_evaluate_pupil(&r, eng, "P1", NULL) == SW_OK);
	CHECK(strncmp(s2.buf, "p.lua:2: hello\tcuriosity\n", 25) == 0);
	/* a writer through a callback; then one that stops at its first call */
	memset(&s1, 0, sizeof s1);
	sw_writer *w = NULL;
	REQUIRE(sw_writer_new_to(&w, eng, SW_OUTPUT_CSV, sink_write, &s1) == SW_OK);
	CHECK_EQ(sw_writer_add(w, r), SW_OK);
	CHECK_EQ(sw_writer_finish(w), SW_OK);
	sw_writer_free(w);
	CHECK(strncmp(s1.buf, "pupil,skill,step,note,evidence\nP1,curiosity,,,0\n", 48) == 0);
	memset(&s1, 0, sizeof s1);
	s1.limit = 1;
	s1.calls = 1; /* the next call is over the limit */
	REQUIRE(sw_writer_new_to(&w, eng, SW_OUTPUT_CSV, sink_write, &s1) == SW_OK);
	CHECK_EQ(sw_writer_add(w, r), SW_OK); /* buffered by the stream */
	CHECK_EQ(sw_writer_finish(w), SW_EUSER);
	CHECK_EQ(sw_engine_user_status(eng), 42);
	sw_writer_free(w);
	/* a passport page from a result, and a comparison: as the FILE * versions write */
	f = open_memstream(&mem, &memlen);
	REQUIRE(f);
	CHECK_EQ(sw_passport_write_result(f, eng, r, NULL, NULL), SW_OK);
	fclose(f);
	memset(&s1, 0, sizeof s1);
	CHECK_EQ(sw_passport_write_result_to(sink_write, &s1, eng, r, NULL, NULL), SW_OK);
	CHECK(memlen > 100 && memlen < sizeof s1.buf);
	CHECK_STR(s1.buf, mem);
	free(mem);
	memset(&s1, 0, sizeof s1);
	s1.limit = 1;
	s1.calls = 1;
	CHECK_EQ(sw_passport_write_result_to(sink_write, &s1, eng, r, NULL, NULL), SW_EUSER);
	CHECK_EQ(sw_passport_write_result_to(NULL, NULL, eng, r, NULL, NULL), SW_EINVALID);
	sw_summary *sum = NULL;
	sw_summary_options so = SW_SUMMARY_OPTIONS_INIT;
	REQUIRE(sw_summary_make(&sum, eng, &so) == SW_OK);
	const sw_summary *one[] = { sum };
	sw_compare_options co = SW_COMPARE_OPTIONS_INIT;
	co.format = SW_REPORT_CSV;
	f = open_memstream(&mem, &memlen);
	REQUIRE(f);
	CHECK_EQ(sw_summary_compare(f, one, 1, &co), SW_OK);
	fclose(f);
	memset(&s1, 0, sizeof s1);
	CHECK_EQ(sw_summary_compare_to(sink_write, &s1, one, 1, &co), SW_OK);
	CHECK(memlen > 0);
	CHECK_STR(s1.buf, mem);
	free(mem);
	memset(&s1, 0, sizeof s1);
	s1.limit = 1;
	s1.calls = 1;
	CHECK_EQ(sw_summary_compare_to(sink_write, &s1, one, 1, &co), SW_EUSER);
	sw_summary_free(sum);
	sw_result_free(r);
	/* the passport, stopped by its callback */
	memset(&s1, 0, sizeof s1);
	s1.limit = 1;
	s1.calls = 1;
	CHECK_EQ(sw_passport_write_to(sink_write, &s1, eng, "P1", NULL, NULL), SW_EUSER);
	CHECK_EQ(sw_engine_user_status(eng), 42);
	CHECK_EQ(sw_framework_print_to(NULL, NULL, fw, NULL), SW_EINVALID);
	sw_engine_free(eng);
}

/* ---- editing data in place, checked against an engine built afresh ---- */

#define ED_PUPILS 24
#define ED_MAX 12000
static const char *const ED_SKILLS[] = { "curiosity", "perseverance", "cooperation", "kindness" };
static const char *const ED_NOTES[] = { NULL, "good", "again" };

typedef struct ed_rec {
	int pupil, skill, step, day, outcome, note;
} ed_rec;

typedef struct ed_state {
	ed_rec recs[ED_MAX];
	size_t n;
	int year[ED_PUPILS];
	unsigned long seed;
} ed_state;

static unsigned ed_rand(ed_state *s, unsigned n)
{
	s->seed = s->seed * 6364136223846793005ul + 1442695040888963407ul;
	return (unsigned)(s->seed >> 33) % n;
}

static void ed_id(char *buf, int pupil)
{
	snprintf(buf, 16, "P%02d", pupil);
}

static void ed_evidence(sw_evidence_data *e, const ed_rec *r, char *id, char *date)
{
	ed_id(id, r->pupil);
	unsigned d = (unsigned)r->day % 560u;
	snprintf(date, 16, "2026-%02u-%02u", 1 + d / 28 % 12, 1 + d % 28);
	*e = (sw_evidence_data)SW_EVIDENCE_DATA_INIT;
	e->pupil = id;
	e->skill = ED_SKILLS[r->skill];
	e->step = r->step;
	e->date = date;
	e->outcome = r->outcome ? "developing" : "secured";
	e->note = ED_NOTES[r->note];
}

static int ed_add(sw_engine *eng, const ed_rec *r)
{
	sw_evidence_data e;
	char id[16], date[16];
	ed_evidence(&e, r, id, date);
	return sw_engine_add_evidence(eng, &e);
}

static int ed_add_pupil(sw_engine *eng, const ed_state *s, int i, bool replace)
{
	char id[16], name[32];
	ed_id(id, i);
	snprintf(name, sizeof name, "Pupil %d in year %d", i, s->year[i]);
	sw_pupil_data p = SW_PUPIL_DATA_INIT;
	p.id = id;
	p.name = name;
	p.year = s->year[i];
	return replace ? sw_engine_replace_pupil(eng, &p) : sw_engine_add_pupil(eng, &p);
}

/* A fresh engine holding the state's roster and records, in order. */
static sw_engine *ed_fresh(const ed_state *s)
{
	sw_engine *eng = NULL;
	if (sw_engine_new(&eng, NULL) || sw_engine_load_framework_builtin(eng, "example-school") ||
	    sw_engine_load_rubric(eng, "latest")) {
		sw_engine_free(eng);
		return NULL;
	}
	for (int i = 0; i < ED_PUPILS; i++)
		ed_add_pupil(eng, s, i, false);
	for (size_t k = 0; k < s->n; k++)
		ed_add(eng, &s->recs[k]);
	return eng;
}

/* Pupil i's result as JSON in eng (NULL on failure; free with sw_string_free). */
static char *ed_result(sw_engine *eng, int i)
{
	char id[16], *json = NULL;
	ed_id(id, i);
	sw_result *r = NULL;
	if (sw_engine_evaluate_pupil(&r, eng, id, NULL) == SW_OK)
		sw_result_json(&json, r);
	sw_result_free(r);
	return json;
}

/* Checks pupil i of `eng` against an engine built afresh from the state. */
static void ed_compare(sw_engine *eng, const ed_state *s, int i, int line)
{
	sw_engine *fresh = ed_fresh(s);
	char *a = ed_result(eng, i), *b = fresh ? ed_result(fresh, i) : NULL;
	unit_checks++;
	if (!a || !b || strcmp(a, b) != 0)
		unit_fail(__FILE__, line, "pupil %d after %zu records:\n  edited %s\n  fresh  %s", i,
		          s->n, a ? a : "(none)", b ? b : "(none)");
	sw_string_free(eng, a);
	sw_string_free(fresh, b);
	sw_engine_free(fresh);
}

/* Adding, removing (by pupil, by pupil and skill, by record) and replacing,
   with one pupil evaluated after each change, give what an engine given
   the final data from the start gives; also past the regrouping threshold. */
void test_host_edit_in_place(void)
{
	static ed_state s;
	memset(&s, 0, sizeof s);
	s.seed = 7;
	for (int i = 0; i < ED_PUPILS; i++)
		s.year[i] = 1 + i % 6;
	for (; s.n < 600; s.n++)
		s.recs[s.n] = (ed_rec){ (int)ed_rand(&s, ED_PUPILS), (int)ed_rand(&s, 4),
		                        1 + (int)ed_rand(&s, 6), (int)ed_rand(&s, 20),
		                        (int)ed_rand(&s, 2), (int)ed_rand(&s, 3) };
	sw_engine *eng = ed_fresh(&s);
	REQUIRE(eng);
	CHECK_EQ(sw_engine_evaluate(eng, NULL, NULL, NULL, NULL), SW_OK); /* groups the store */
	for (int op = 0; op < 120; op++) {
		int i = (int)ed_rand(&s, ED_PUPILS), what = (int)ed_rand(&s, 10);
		char id[16];
		ed_id(id, i);
		size_t removed = 99, want = 0;
		if (what < 6) { /* add a record */
			ed_rec r = { i, (int)ed_rand(&s, 4), 1 + (int)ed_rand(&s, 6),
			             (int)ed_rand(&s, 20), (int)ed_rand(&s, 2), (int)ed_rand(&s, 3) };
			CHECK_EQ(ed_add(eng, &r), SW_OK);
			s.recs[s.n++] = r;
		} else if (what < 8) { /* remove one skill's (or all) records of the pupil */
			int k = what == 6 ? (int)ed_rand(&s, 4) : -1;
			size_t w = 0;
			for (size_t j = 0; j < s.n; j++)
				if (s.recs[j].pupil == i && (k < 0 || s.recs[j].skill == k))
					want++;
				else
					s.recs[w++] = s.recs[j];
			s.n = w;
			CHECK_EQ(sw_engine_remove_evidence(&removed, eng, id, k < 0 ? NULL : ED_SKILLS[k]),
			         SW_OK);
			CHECK_EQ(removed, want);
		} else if (what == 8 && s.n) { /* remove a record as it was added (all its copies) */
			ed_rec r = s.recs[ed_rand(&s, (unsigned)s.n)];
			i = r.pupil;
			size_t w = 0;
			for (size_t j = 0; j < s.n; j++)
				if (memcmp(&s.recs[j], &r, sizeof r) == 0)
					want++;
				else
					s.recs[w++] = s.recs[j];
			s.n = w;
			sw_evidence_data e;
			char date[16];
			ed_evidence(&e, &r, id, date);
			CHECK_EQ(sw_engine_remove_evidence_record(&removed, eng, &e), SW_OK);
			CHECK_EQ(removed, want);
		} else { /* a new year and name */
			s.year[i] = (s.year[i] + 1) % 7;
			CHECK_EQ(ed_add_pupil(eng, &s, i, true), SW_OK);
		}
		ed_compare(eng, &s, i, __LINE__);
	}
	/* past the threshold: many records added, then one pupil evaluated */
	for (int k = 0; k < 5000 && s.n < ED_MAX; k++) {
		ed_rec r = { (int)ed_rand(&s, ED_PUPILS), (int)ed_rand(&s, 4), 1 + (int)ed_rand(&s, 6),
		             (int)ed_rand(&s, 20), (int)ed_rand(&s, 2), (int)ed_rand(&s, 3) };
		CHECK_EQ(ed_add(eng, &r), SW_OK);
		s.recs[s.n++] = r;
	}
	ed_compare(eng, &s, 3, __LINE__);
	ed_compare(eng, &s, 4, __LINE__);
	/* errors: unknown pupil and skill, a record that is not valid, no such pupil */
	size_t removed = 5;
	CHECK_EQ(sw_engine_remove_evidence(&removed, eng, "nobody", NULL), SW_ENOTFOUND);
	CHECK_EQ(removed, 0);
	CHECK_STR(sw_engine_error(eng, 0)->message, "no pupil 'nobody'");
	CHECK_EQ(sw_engine_remove_evidence(&removed, eng, "P01", "juggling"), SW_ENOTFOUND);
	sw_evidence_data e = SW_EVIDENCE_DATA_INIT;
	e.pupil = "P01";
	e.skill = "curiosity";
	e.step = 99;
	e.date = "2026-01-01";
	CHECK_EQ(sw_engine_remove_evidence_record(&removed, eng, &e), SW_EREJECTED);
	e.step = 2;
	e.assessor = "never seen";
	CHECK_EQ(sw_engine_remove_evidence_record(&removed, eng, &e), SW_OK);
	CHECK_EQ(removed, 0);
	sw_pupil_data p = SW_PUPIL_DATA_INIT;
	p.id = "P99";
	CHECK_EQ(sw_engine_replace_pupil(eng, &p), SW_ENOTFOUND);
	CHECK_STR(sw_engine_error(eng, 0)->message, "no pupil 'P99'");
	p.id = "P01";
	p.year = 40;
	CHECK_EQ(sw_engine_replace_pupil(eng, &p), SW_EREJECTED);
	CHECK_EQ(sw_engine_replace_pupil(NULL, &p), SW_EINVALID);
	CHECK_EQ(sw_engine_remove_evidence(NULL, NULL, "P01", NULL), SW_EINVALID);
	/* and the whole class agrees */
	sw_engine *fresh = ed_fresh(&s);
	REQUIRE(fresh);
	for (int i = 0; i < ED_PUPILS; i += 5)
		ed_compare(eng, &s, i, __LINE__);
	CHECK_EQ(sw_engine_evidence_count(eng), s.n);
	sw_engine_free(fresh);
	sw_engine_free(eng);
}

/* Pupil `id`'s note for the first skill (its ctx.as_of, from the rubric below). */
static void as_of_is(sw_engine *eng, const char *id, const char *want, int line)
{
	sw_result *r = NULL;
	int rc = sw_engine_evaluate_pupil(&r, eng, id, NULL);
	const char *got = rc == SW_OK ? sw_result_note(r, 0) : "(evaluation failed)";
	unit_checks++;
	if (want ? !got || strcmp(got, want) != 0 : got != NULL)
		unit_fail(__FILE__, line, "ctx.as_of: expected %s, got %s", want ? want : "nil",
		          got ? got : "nil");
	sw_result_free(r);
}

/* ctx.as_of, when no date is given, is the newest evidence date on file:
   it follows records added and removed (it is kept as records come and go,
   no longer looked for among all records at each evaluation). */
void test_host_as_of_after_edits(void)
{
	static const char rubric[] = "return { name = 'as-of', skill = function(evidence, ctx) "
	                             "return { note = ctx.as_of } end }";
	sw_engine *eng = NULL;
	REQUIRE(sw_engine_new(&eng, NULL) == SW_OK);
	CHECK_EQ(sw_engine_load_framework_builtin(eng, "example-school"), SW_OK);
	CHECK_EQ(sw_engine_load_rubric_buffer(eng, rubric, sizeof rubric - 1, "as-of.lua"), SW_OK);
	ed_rec a = { 1, 0, 2, 4, 0, 0 }, b = { 2, 1, 3, 60, 0, 0 }, c = { 2, 0, 1, 30, 0, 1 };
	CHECK_EQ(ed_add(eng, &a), SW_OK); /* 2026-01-05 */
	as_of_is(eng, "P01", "2026-01-05", __LINE__);
	CHECK_EQ(ed_add(eng, &b), SW_OK); /* 2026-03-05 */
	CHECK_EQ(ed_add(eng, &c), SW_OK); /* 2026-02-03 */
	as_of_is(eng, "P01", "2026-03-05", __LINE__);
	size_t removed = 0;
	CHECK_EQ(sw_engine_remove_evidence(&removed, eng, "P02", "perseverance"), SW_OK);
	CHECK_EQ(removed, 1);
	as_of_is(eng, "P01", "2026-02-03", __LINE__);
	CHECK_EQ(sw_engine_evaluate(eng, NULL, NULL, NULL, NULL), SW_OK); /* groups the store */
	CHECK_EQ(sw_engine_remove_evidence(&removed, eng, "P02", NULL), SW_OK);
	as_of_is(eng, "P01", "2026-01-05", __LINE__);
	CHECK_EQ(sw_engine_remove_evidence(&removed, eng, "P01", NULL), SW_OK);
	as_of_is(eng, "P01", NULL, __LINE__);
	CHECK_EQ(ed_add(eng, &c), SW_OK);
	as_of_is(eng, "P01", "2026-02-03", __LINE__);
	sw_engine_free(eng);
}
