/*
 * test_views.c - the helpers' fast paths (src/runner_view.c) give what the
 * helpers in Lua give. One rubric is run twice on the benchmark's data
 * (tests/bench/gen.py, 3,000 rows): as it is, so that secured, from_sources,
 * highest, latest, mean and secured_n work on arrays not yet made, and
 * with `local _ = evidence[1]` first (`#evidence` would not do: it
 * counts without making the array), so that every helper runs in Lua. Its
 * note holds each helper's answer, views of views, and a change made to the
 * records through one array and counted through another (a record is one
 * table in every array that shows it). Every pupil's and skill's note must
 * be the same both times.
 */
#include "unit.h"
#include "fields.h"
#include "rubric.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NOTES 4096

static const char RUBRIC[] =
	"return {\n"
	"  name = 'views',\n"
	"  skill = function(evidence, ctx)\n"
	"    %s\n"
	"    local S = stepwise\n"
	"    local sec = S.secured(evidence)\n"
	"    local ts = S.from_sources(evidence, 'teacher,self')\n"
	"    local tsec = S.secured(ts)\n"
	"    local p = { tostring(S.highest(sec)), tostring(S.latest(sec)), tostring(S.mean(ts)),\n"
	"      tostring(S.secured_n(tsec, 2)), tostring(S.highest(S.from_sources(sec, 'peer'))),\n"
	"      tostring(S.highest(S.from_sources(evidence, ''))), tostring(S.latest(tsec)),\n"
	"      tostring(S.mean(S.secured(S.from_sources(evidence, 'parent')))),\n"
	"      tostring(S.secured_n(evidence, 3)), tostring(S.secured_n(sec, 1.0)), #tsec }\n"
	"    for _, r in ipairs(tsec) do r.step = r.step + 100 end\n"
	"    local n = 0\n"
	"    for _, r in ipairs(evidence) do if r.step >= 100 then n = n + 1 end end\n"
	"    p[#p + 1] = n\n"
	"    p[#p + 1] = tostring(S.highest(sec))\n"
	"    p[#p + 1] = tostring(S.highest(S.secured(ts)))\n"
	"    return { note = table.concat(p, ' ') }\n"
	"  end,\n"
	"}\n";

typedef struct notes {
	size_t count, errors;
	char *text[MAX_NOTES];
} notes;

static int collect(const sw_result *r, void *payload)
{
	notes *n = payload;
	n->errors += sw_result_error_count(r);
	for (size_t k = 0; k < sw_result_skill_count(r) && n->count < MAX_NOTES; k++) {
		const char *note = sw_result_note(r, k);
		char buf[400];
		snprintf(buf, sizeof buf, "%s/%zu: %s", sw_result_pupil(r), k, note ? note : "-");
		n->text[n->count++] = strdup(buf);
	}
	return 0;
}

/* Evaluates dir's data with RUBRIC, `first` as its first line. */
static bool run(notes *out, const char *dir, const char *first)
{
	memset(out, 0, sizeof *out);
	char src[sizeof RUBRIC + 64], pupils[300], evidence[300];
	snprintf(src, sizeof src, RUBRIC, first);
	snprintf(pupils, sizeof pupils, "%s/pupils.csv", dir);
	snprintf(evidence, sizeof evidence, "%s/evidence.csv", dir);
	sw_engine *eng;
	if (sw_engine_new(&eng, NULL) != SW_OK)
		return false;
	int rc = sw_engine_load_framework_builtin(eng, "skills-builder-v2");
	if (rc == SW_OK)
		rc = sw_engine_load_pupils(eng, pupils, NULL, NULL);
	if (rc == SW_OK)
		rc = sw_engine_load_evidence(eng, evidence, NULL, NULL);
	if (rc == SW_OK)
		rc = sw_engine_load_rubric_buffer(eng, src, strlen(src), "views.lua");
	sw_eval_options o = SW_EVAL_OPTIONS_INIT;
	o.jobs = 1;
	if (rc == SW_OK)
		rc = sw_engine_evaluate(eng, &o, collect, out, NULL);
	if (rc != SW_OK) {
		const sw_error *e = sw_engine_error(eng, 0);
		unit_fail(__FILE__, __LINE__, "status %d: %s", rc, e ? e->message : "");
	}
	sw_engine_free(eng);
	return rc == SW_OK;
}

static void release(notes *n)
{
	for (size_t i = 0; i < n->count; i++)
		free(n->text[i]);
}

void test_views_match_helpers(void)
{
	char dir[64], data[80];
	REQUIRE(unit_bench_data(dir, data));
	static notes fast, lua; /* large: not on the stack */
	if (run(&fast, data, "") && run(&lua, data, "local _ = evidence[1]")) {
		CHECK(fast.count > 300);
		CHECK_EQ(fast.count, lua.count);
		CHECK_EQ(fast.errors, 0);
		CHECK_EQ(lua.errors, 0);
		size_t differ = 0, changed = 0;
		for (size_t i = 0; i < fast.count && i < lua.count; i++) {
			if (strcmp(fast.text[i], lua.text[i]) != 0 && differ++ < 5)
				unit_fail(__FILE__, __LINE__, "fast: %s\n    lua: %s", fast.text[i],
				          lua.text[i]);
			changed += strstr(fast.text[i], " 10") != NULL; /* a step changed by 100 */
		}
		CHECK_EQ(differ, 0);
		CHECK(changed > 0);
	}
	release(&fast);
	release(&lua);
	CHECK(unit_bench_data_free(dir));
}

/* What a rubric reads of a record is the evidence field list but pupil and
   skill (fields.c), and ctx.pupil shows every pupil field: a field added to
   the list and not to the Lua view fails here. */
void test_fields_lua_view(void)
{
	for (size_t i = 0; i < SW_EVIDENCE_FIELDS; i++) {
		const char *name = sw_evidence_fields[i].name;
		bool in_lua = false;
		for (size_t k = 0; k < SW_EVIDENCE_FIELDS - 2; k++)
			in_lua |= strcmp(sw_runner_record_fields[k], name) == 0;
		bool keyed = strcmp(name, "pupil") == 0 || strcmp(name, "skill") == 0;
		if (in_lua == keyed)
			unit_fail(__FILE__, __LINE__, "evidence field %s: %s the Lua record", name,
			          in_lua ? "in" : "not in");
	}
	sw_engine *eng;
	REQUIRE(sw_engine_new(&eng, NULL) == SW_OK);
	static const char src[] =
		"return { name = 'p', skill = function(ev, ctx)\n"
		"  local names = {}\n"
		"  for k in pairs(ctx.pupil) do names[#names + 1] = k end\n"
		"  table.sort(names)\n"
		"  return { note = table.concat(names, ',') }\n"
		"end }\n";
	REQUIRE(sw_engine_load_framework_builtin(eng, "skills-builder-v2") == SW_OK);
	REQUIRE(sw_engine_load_rubric_buffer(eng, src, strlen(src), "p.lua") == SW_OK);
	sw_pupil_data p = SW_PUPIL_DATA_INIT;
	const char *groups[] = { "g" };
	p.id = "A1", p.name = "Ann", p.year = 7, p.class_name = "7A", p.school = "S";
	p.groups = groups, p.group_count = 1;
	REQUIRE(sw_engine_add_pupil(eng, &p) == SW_OK);
	sw_result *res = NULL;
	REQUIRE(sw_engine_evaluate_pupil(&res, eng, "A1", NULL) == SW_OK);
	const char *note = sw_result_note(res, 0);
	REQUIRE(note);
	for (size_t i = 0; i < SW_PUPIL_FIELDS; i++)
		if (!strstr(note, sw_pupil_fields[i].name))
			unit_fail(__FILE__, __LINE__, "ctx.pupil has no %s: %s", sw_pupil_fields[i].name,
			          note);
	CHECK_STR(note, "attributes,class,groups,id,name,school,year");
	sw_result_free(res);
	sw_engine_free(eng);
}

/* print()'s cut at 64 KiB never splits a character: a line of 'a' and
   40,000 'é' (2 bytes each) is cut after 32,767 of them (65,535 bytes),
   not inside the next one. */
void test_print_cut_whole_characters(void)
{
	FILE *out = tmpfile();
	REQUIRE(out != NULL);
	sw_engine_options eo = SW_ENGINE_OPTIONS_INIT;
	eo.print_stream = out;
	sw_engine *eng;
	REQUIRE(sw_engine_new(&eng, &eo) == SW_OK);
	static const char src[] =
		"return { name = 'p', skill = function(ev, ctx)\n"
		"  if ctx.skill.id == 'listening' then print('a' .. string.rep('\xc3\xa9', 40000)) end\n"
		"end }\n";
	CHECK_EQ(sw_engine_load_framework_builtin(eng, "skills-builder-v2"), SW_OK);
	CHECK_EQ(sw_engine_load_rubric_buffer(eng, src, strlen(src), "p.lua"), SW_OK);
	sw_pupil_data p = SW_PUPIL_DATA_INIT;
	p.id = "A1";
	CHECK_EQ(sw_engine_add_pupil(eng, &p), SW_OK);
	sw_result *res = NULL;
	CHECK_EQ(sw_engine_evaluate_pupil(&res, eng, "A1", NULL), SW_OK);
	sw_result_free(res);
	sw_engine_free(eng);
	long size = ftell(out);
	REQUIRE(size > 0);
	char *all = malloc((size_t)size + 1);
	REQUIRE(all != NULL);
	rewind(out);
	size_t got = fread(all, 1, (size_t)size, out);
	all[got] = '\0';
	fclose(out);
	const char *text = strstr(all, ": a");
	const char *end = strstr(all, " [print output of this call cut at 64 KiB]");
	if (text && end) {
		text += 2;
		CHECK_EQ((size_t)(end - text), 65535);
		CHECK(memcmp(end - 2, "\xc3\xa9", 2) == 0);
	} else {
		unit_fail(__FILE__, __LINE__, "no cut print line in the output (%zu bytes)", got);
	}
	free(all);
}
