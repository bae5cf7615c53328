/*
 * test_sandbox.c - the sandbox attack suite (the scripts in tests/sandbox) through
 * the C API.
 *
 * Every script has a command-line case, tests/cases/sandbox-NAME.test, that
 * says what must happen: its files give the framework, the roster and the
 * evidence, its arguments the limits, its expected output the step and note
 * of every pupil and skill, and its expected standard error each rubric
 * error. Here the same script is loaded with sw_engine_load_rubric_file and
 * evaluated on the same data added through sw_engine_add_pupil and
 * sw_engine_add_evidence, and everything must match: the attacked pupil and
 * skill get the same error text (naming the rubric by the path given,
 * tests/sandbox/NAME.lua, where the case has NAME.lua) and every other
 * result is intact. Leaks are left to LeakSanitizer (make test) and valgrind.
 * A few scripts need more than one evaluation; they have tests of their own
 * below.
 */
#include "unit.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void test_sandbox(void);

#define MAX_LINES 64

/* The parts of a case file this test reads. */
typedef struct tcase {
	char *text;                     /* the file, cut in place into lines */
	const char *args;
	int exit;
	const char *fw, *pupils, *evidence; /* "--- file" sections, NUL-separated lines joined by \n */
	const char *out[MAX_LINES];     /* "--- stdout" lines */
	size_t nout;
	const char *err[MAX_LINES];     /* "--- stderr" lines */
	size_t nerr;
} tcase;

/* Joins lines [from, to) of a cut file back into one text (in place). */
static const char *join(char **lines, size_t from, size_t to)
{
	if (from >= to)
		return "";
	for (size_t i = from; i + 1 < to; i++)
		lines[i][strlen(lines[i])] = '\n';
	return lines[from];
}

/* Reads tests/cases/sandbox-NAME.test; false when there is none. */
static bool read_case(tcase *c, const char *name)
{
	memset(c, 0, sizeof *c);
	char rel[256];
	snprintf(rel, sizeof rel, "tests/cases/sandbox-%s.test", name);
	c->text = unit_read_file(unit_path(rel), NULL);
	if (!c->text)
		return false;
	static char *lines[4096];
	size_t n = 0;
	for (char *p = c->text; *p && n < 4096;) {
		lines[n++] = p;
		char *nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	const char **target = NULL;
	size_t start = 0;
	int section = 0; /* 1 file, 2 stdout, 3 stderr */
	for (size_t i = 0; i <= n; i++) {
		bool head = i == n || strncmp(lines[i], "--- ", 4) == 0;
		if (head && section == 1 && target)
			*target = join(lines, start, i);
		if (i == n)
			break;
		if (head) {
			const char *s = lines[i] + 4;
			section = 0;
			target = NULL;
			if (strcmp(s, "stdout") == 0)
				section = 2;
			else if (strcmp(s, "stderr") == 0)
				section = 3;
			else if (strncmp(s, "file ", 5) == 0) {
				section = 1;
				if (strcmp(s + 5, "fw.json") == 0)
					target = &c->fw;
				else if (strcmp(s + 5, "pupils.csv") == 0)
					target = &c->pupils;
				else if (strcmp(s + 5, "evidence.csv") == 0)
					target = &c->evidence;
			}
			start = i + 1;
			continue;
		}
		if (section == 0 && strncmp(lines[i], "args: ", 6) == 0)
			c->args = lines[i] + 6;
		else if (section == 0 && strncmp(lines[i], "exit: ", 6) == 0)
			c->exit = atoi(lines[i] + 6);
		else if (section == 2 && c->nout < MAX_LINES)
			c->out[c->nout++] = lines[i];
		else if (section == 3 && c->nerr < MAX_LINES)
			c->err[c->nerr++] = lines[i];
	}
	return true;
}

/* The number after `option` in the case's arguments, or 0. */
static unsigned long long arg_number(const tcase *c, const char *option)
{
	const char *p = c->args ? strstr(c->args, option) : NULL;
	return p ? strtoull(p + strlen(option), NULL, 10) : 0;
}

/* Splits a CSV line of the case (fields with quotes and "" as in RFC 4180)
   into at most max fields, written into buf. */
static size_t csv_split(const char *line, char *buf, size_t size, const char **fields, size_t max)
{
	size_t n = 0, o = 0;
	const char *p = line;
	while (n < max && o < size) {
		fields[n++] = buf + o;
		if (*p == '"') {
			for (p++; *p && o + 1 < size; p++) {
				if (*p == '"' && p[1] == '"')
					buf[o++] = *p++;
				else if (*p == '"')
					break;
				else
					buf[o++] = *p;
			}
			if (*p == '"')
				p++;
		} else {
			while (*p && *p != ',' && o + 1 < size)
				buf[o++] = *p++;
		}
		buf[o++] = '\0';
		if (*p != ',')
			break;
		p++;
	}
	return n;
}

/* Adds the pupils and evidence of a case's CSV files through the API. */
static bool add_data(sw_engine *eng, const tcase *c)
{
	char copy[8192], buf[1024];
	const char *f[8];
	snprintf(copy, sizeof copy, "%s", c->pupils ? c->pupils : "");
	char *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (csv_split(line, buf, sizeof buf, f, 8) < 3 || strcmp(f[0], "id") == 0)
			continue;
		sw_pupil_data p = SW_PUPIL_DATA_INIT;
		p.id = f[0];
		p.name = f[1];
		p.year = atoi(f[2]);
		if (sw_engine_add_pupil(eng, &p) != SW_OK)
			return false;
	}
	snprintf(copy, sizeof copy, "%s", c->evidence ? c->evidence : "");
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (csv_split(line, buf, sizeof buf, f, 8) < 4 || strcmp(f[0], "pupil") == 0)
			continue;
		sw_evidence_data e = SW_EVIDENCE_DATA_INIT;
		e.pupil = f[0];
		e.skill = f[1];
		e.step = atoi(f[2]);
		e.date = f[3];
		if (sw_engine_add_evidence(eng, &e) != SW_OK)
			return false;
	}
	return true;
}

/* An engine with the case's limits, framework and data; NULL on failure. */
static sw_engine *case_engine(const tcase *c, FILE *print)
{
	sw_engine_options o = SW_ENGINE_OPTIONS_INIT;
	o.instruction_limit = arg_number(c, "--max-instructions ");
	o.memory_limit = (size_t)arg_number(c, "--max-memory ") * 1024 * 1024;
	o.print_stream = print;
	sw_engine *eng;
	if (sw_engine_new(&eng, &o) != SW_OK)
		return NULL;
	if (!c->fw || sw_engine_load_framework_buffer(eng, c->fw, strlen(c->fw), "fw.json") != SW_OK ||
	    !add_data(eng, c)) {
		sw_engine_free(eng);
		return NULL;
	}
	return eng;
}

/* What the evaluation is checked against. */
typedef struct expect {
	const sw_engine *eng;
	const char *name, *path;        /* NAME, and tests/sandbox/NAME.lua as loaded */
	const tcase *c;
	size_t row, error;              /* next stdout row (after the header), next error */
	unsigned long results;
} expect;

/* True when the case's error line (starting "NAME.lua") is `got` with the
   rubric named by path instead. */
static bool same_error(const expect *x, const char *want, const char *got)
{
	size_t nl = strlen(x->name), pl = strlen(x->path);
	return strncmp(got, x->path, pl) == 0 && strncmp(want, x->name, nl) == 0 &&
	       strcmp(want + nl + 4, got + pl) == 0; /* after "NAME.lua" and the path */
}

/* The next expected rubric error of the case (lines naming the rubric). */
static const char *next_error(expect *x)
{
	size_t nl = strlen(x->name);
	while (x->error < x->c->nerr) {
		const char *e = x->c->err[x->error++];
		if (strncmp(e, x->name, nl) == 0 && strncmp(e + nl, ".lua", 4) == 0)
			return e;
	}
	return NULL;
}

static int on_result(const sw_result *r, void *payload)
{
	expect *x = payload;
	x->results++;
	const sw_framework *fw = sw_engine_framework(x->eng);
	for (size_t k = 0; k < sw_result_skill_count(r); k++) {
		const char *row = ++x->row < x->c->nout ? x->c->out[x->row] : NULL;
		char buf[1024], want[1200], got[1200], step_text[16] = "";
		const char *f[5];
		if (!row || csv_split(row, buf, sizeof buf, f, 5) != 5) {
			unit_fail(__FILE__, __LINE__, "%s: more results than the case's rows", x->name);
			return 0;
		}
		int step;
		if (sw_result_has_step(&step, r, k))
			snprintf(step_text, sizeof step_text, "%d", step);
		const char *note = sw_result_note(r, k);
		snprintf(want, sizeof want, "%s,%s,%s,%s", f[0], f[1], f[2], f[3]);
		snprintf(got, sizeof got, "%s,%s,%s,%s", sw_result_pupil(r),
		         sw_skill_id(sw_framework_skill(fw, k)), step_text, note ? note : "");
		unit_checks++;
		if (strcmp(want, got) != 0)
			unit_fail(__FILE__, __LINE__, "%s: result '%s', the case has '%s'", x->name, got,
			          want);
	}
	for (size_t i = 0; i < sw_result_error_count(r); i++) {
		const char *want = next_error(x), *got = sw_result_error(r, i);
		unit_checks++;
		if (!want || !same_error(x, want, got))
			unit_fail(__FILE__, __LINE__, "%s: error '%s', the case has '%s'", x->name, got,
			          want ? want : "(none)");
	}
	return 0;
}

/* One script against its case. */
static void run_attack(const char *name)
{
	tcase c;
	if (!read_case(&c, name)) {
		unit_fail(__FILE__, __LINE__, "tests/sandbox/%s.lua has no case "
		          "tests/cases/sandbox-%s.test", name, name);
		return;
	}
	char rel[256], path[4096];
	snprintf(rel, sizeof rel, "tests/sandbox/%s.lua", name);
	snprintf(path, sizeof path, "%s", unit_path(rel));
	/* the cases that run something else than one evaluate have tests below */
	if (!c.args || strncmp(c.args, "evaluate ", 9) != 0 || strstr(c.args, "2>")) {
		free(c.text);
		return;
	}
	sw_engine *eng = case_engine(&c, NULL);
	CHECK(eng != NULL);
	if (!eng) {
		free(c.text);
		return;
	}
	expect x = { eng, name, path, &c, 0, 0, 0 };
	int rc = sw_engine_load_rubric_file(eng, path);
	if (c.exit == 1) {
		/* a rubric that must not load: the case's only line is the error */
		char got[2048];
		CHECK(rc != SW_OK);
		if (rc != SW_OK && c.nerr >= 1) {
			sw_error_format(got, sizeof got, sw_engine_error(eng, 0));
			unit_checks++;
			if (!same_error(&x, c.err[0], got))
				unit_fail(__FILE__, __LINE__, "%s: load error '%s', the case has '%s'", name,
				          got, c.err[0]);
		}
	} else {
		CHECK_EQ(rc, SW_OK);
		sw_eval_stats st;
		rc = sw_engine_evaluate(eng, NULL, on_result, &x, &st);
		CHECK_EQ(rc, SW_OK);
		CHECK_EQ(x.results, sw_engine_pupil_count(eng));
		unit_checks++;
		if (x.row + 1 != c.nout)
			unit_fail(__FILE__, __LINE__, "%s: %zu result rows, the case has %zu", name, x.row,
			          c.nout ? c.nout - 1 : 0);
		const char *extra = next_error(&x);
		unit_checks++;
		if (extra)
			unit_fail(__FILE__, __LINE__, "%s: the case has the error '%s' too", name, extra);
		CHECK_EQ(st.errors > 0, c.exit == 2);
	}
	sw_engine_free(eng);
	free(c.text);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every script of tests/sandbox against its case. */
static void all_attacks(void)
{
	DIR *d = opendir(unit_path("tests/sandbox"));
	CHECK(d != NULL);
	if (!d)
		return;
	char *names[512];
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 512) {
		size_t len = strlen(e->d_name);
		if (len > 4 && strcmp(e->d_name + len - 4, ".lua") == 0 &&
		    strncmp(e->d_name, "tamper-state-between-rubrics", 28) != 0) {
			names[n] = malloc(len);
			snprintf(names[n], len - 3, "%s", e->d_name);
			n++;
		}
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_names);
	CHECK(n >= 60);
	for (size_t i = 0; i < n; i++) {
		run_attack(names[i]);
		free(names[i]);
	}
}

/* Evaluates every pupil; the number of errors, and each P1 note in notes. */
typedef struct collect {
	uint64_t errors;
	char notes[4][64];
} collect;

static int collect_result(const sw_result *r, void *payload)
{
	collect *c = payload;
	c->errors += sw_result_error_count(r);
	const char *id = sw_result_pupil(r);
	if (strcmp(id, "P1") == 0)
		for (size_t k = 0; k < sw_result_skill_count(r) && k < 2; k++)
			snprintf(c->notes[k], sizeof c->notes[k], "%s",
			         sw_result_note(r, k) ? sw_result_note(r, k) : "");
	return 0;
}

/* Two rubrics loaded one after the other into one engine: the second finds
   nothing the first left behind, and its random numbers are P1's own. */
static void between_rubrics(void)
{
	tcase c;
	REQUIRE(read_case(&c, "info-random"));
	sw_engine *eng = case_engine(&c, NULL);
	REQUIRE(eng != NULL);
	collect a = { 0 }, b = { 0 }, r = { 0 };
	CHECK_EQ(sw_engine_load_rubric_file(eng, unit_path("tests/sandbox/info-random.lua")), SW_OK);
	CHECK_EQ(sw_engine_evaluate(eng, NULL, collect_result, &r, NULL), SW_OK);
	CHECK_EQ(sw_engine_load_rubric_file(eng,
	             unit_path("tests/sandbox/tamper-state-between-rubrics-a.lua")), SW_OK);
	CHECK_EQ(sw_engine_evaluate(eng, NULL, collect_result, &a, NULL), SW_OK);
	CHECK_EQ(sw_engine_load_rubric_file(eng,
	             unit_path("tests/sandbox/tamper-state-between-rubrics-b.lua")), SW_OK);
	CHECK_EQ(sw_engine_evaluate(eng, NULL, collect_result, &b, NULL), SW_OK);
	CHECK_EQ(a.errors, 0);
	CHECK_EQ(b.errors, 0);
	/* b's note is math.random(1000000), the first number info-random draws */
	char first[64];
	snprintf(first, sizeof first, "%s", r.notes[0]);
	char *space = strchr(first, ' ');
	if (space)
		*space = '\0';
	CHECK_STR(b.notes[0], first);
	sw_engine_free(eng);
	free(c.text);
}

/* math.random gives each pupil the same numbers whatever the order or the
   other pupils: one pupil at a time, backwards, as in one evaluation. */
static void random_order(void)
{
	tcase c;
	REQUIRE(read_case(&c, "info-random"));
	sw_engine *eng = case_engine(&c, NULL);
	REQUIRE(eng != NULL);
	CHECK_EQ(sw_engine_load_rubric_file(eng, unit_path("tests/sandbox/info-random.lua")), SW_OK);
	const char *ids[] = { "P3", "P1", "P2" };
	for (int i = 0; i < 3; i++) {
		sw_result *r = NULL;
		CHECK_EQ(sw_engine_evaluate_pupil(&r, eng, ids[i], NULL), SW_OK);
		if (!r)
			continue;
		for (size_t k = 0; k < 2; k++) {
			/* the case's row for this pupil and skill (rows 1..6: P1 alpha, P1 beta, ...) */
			size_t row = 1 + (size_t)(ids[i][1] - '1') * 2 + k;
			char buf[512];
			const char *f[5];
			REQUIRE(row < c.nout && csv_split(c.out[row], buf, sizeof buf, f, 5) == 5);
			CHECK_STR(sw_result_note(r, k), f[3]);
		}
		sw_result_free(r);
	}
	sw_engine_free(eng);
	free(c.text);
}

/* print() in an endless loop writes at most 64 KiB in one call. */
static void print_flood(void)
{
	tcase c;
	REQUIRE(read_case(&c, "cpu-print-flood"));
	FILE *out = tmpfile();
	REQUIRE(out != NULL);
	sw_engine *eng = case_engine(&c, out);
	REQUIRE(eng != NULL);
	CHECK_EQ(sw_engine_load_rubric_file(eng, unit_path("tests/sandbox/cpu-print-flood.lua")),
	         SW_OK);
	sw_eval_stats st;
	CHECK_EQ(sw_engine_evaluate(eng, NULL, NULL, NULL, &st), SW_OK);
	CHECK_EQ(st.errors, 1);
	fflush(out);
	long size = ftell(out);
	/* 65,536 bytes of text in 66 lines, each with "PATH:7: " and a newline,
	   and the marker on the last */
	const char *path = unit_path("tests/sandbox/cpu-print-flood.lua");
	CHECK_EQ(size, 65536 + 66 * (strlen(path) + strlen(":7: ") + 1) +
	                   strlen(" [print output of this call cut at 64 KiB]"));
	fclose(out);
	sw_engine_free(eng);
	free(c.text);
}

void test_sandbox(void)
{
	all_attacks();
	between_rubrics();
	random_order();
	print_flood();
}
