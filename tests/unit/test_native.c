/*
 * test_native.c - the built-in rubrics computed in C (a rubric loaded by
 * name: src/native.c) against the same Lua source run by the sandbox (the
 * file loaded as a buffer), on the same pseudo-random evidence: every
 * pupil, skill, rubric, parameter value and as_of date must give the same
 * step, the same count of records seen and the same errors. Parameters the
 * Lua source refuses must give the Lua messages either way.
 */
#include "unit.h"
#include "data.h" /* sw_date_parse, sw_date_format */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The tests of this file (listed in main.c). */
void test_native_matches_lua(void);
void test_native_bad_params(void);

#define NPUPILS 60
#define NSKILLS 8

static const char *const RUBRICS[] = { "highest", "latest", "secured-n", "average",
	                               "decaying-average" };
static const char *const SOURCES[] = { "", "teacher", "teacher,self", " Peer , PARENT ",
	                               "employer other", "self,,other", " " };
static const char *const TIMES[] = { "1", "2", "3", "7" };
static const char *const RATES[] = { "0", "0.3", "0.65", "1" };
static const char *const AS_OF[] = { NULL, "2025-06-30" };
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A fixed-seed linear congruential generator (Knuth's MMIX constants). */
static uint64_t lcg_state;
static uint32_t lcg(uint32_t n)
{
	lcg_state = lcg_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(lcg_state >> 33) % n;
}

/* Days since 1970-01-01 of "YYYY-MM-DD" (a date the test knows is real). */
static long days_of(const char *ymd)
{
	int32_t days = 0;
	sw_date_parse(&days, ymd, strlen(ymd));
	return days;
}

/* A random date from 2024-09-01 to 2026-07-20: mostly one of 40 dates
   (so records of one skill often share a date), sometimes 2025-06-30
   itself, else any day. */
static void random_date(char out[48])
{
	long first = days_of("2024-09-01"), last = days_of("2026-07-20");
	uint32_t kind = lcg(10);
	long day;
	if (kind < 7)
		day = first + (long)lcg(40) * 17;
	else if (kind == 7)
		day = days_of("2025-06-30");
	else
		day = first + (long)lcg((uint32_t)(last - first + 1));
	sw_date_format(out, (int32_t)day);
}

static sw_engine *new_engine(void)
{
	sw_engine_options o = SW_ENGINE_OPTIONS_INIT;
	o.rubric_path = ""; /* the compiled-in built-ins, whatever STEPWISE_RUBRIC_PATH says */
	sw_engine *eng = NULL;
	if (sw_engine_new(&eng, &o) != SW_OK) {
		unit_fail(__FILE__, __LINE__, "sw_engine_new failed");
		return NULL;
	}
	if (sw_engine_load_framework_builtin(eng, "skills-builder-v2") != SW_OK) {
		unit_fail(__FILE__, __LINE__, "cannot load skills-builder-v2");
		sw_engine_free(eng);
		return NULL;
	}
	return eng;
}

/* Adds the same pupils and evidence to both engines (seeded by `seed`);
   returns the number of records added, or 0 on a failure (recorded). */
static size_t add_data(sw_engine *a, sw_engine *b, int npupils, uint64_t seed)
{
	static const char *const outcomes[] = { "secured", "secured", "developing", "Secured",
		                                "DEVELOPING", NULL };
	static const char *const sources[] = { "teacher", "self",    "peer",  "parent",
		                               "employer", "other",  "Teacher", "SELF",
		                               "Peer",    "Parent", "EMPLOYER", "Other",
		                               NULL };
	const sw_framework *fw = sw_engine_framework(a);
	if (!fw || sw_framework_skill_count(fw) != NSKILLS) {
		unit_fail(__FILE__, __LINE__, "skills-builder-v2 should have %d skills", NSKILLS);
		return 0;
	}
	lcg_state = seed;
	size_t records = 0;
	for (int p = 1; p <= npupils; p++) {
		char id[16];
		snprintf(id, sizeof id, "P%04d", p);
		sw_pupil_data pd = SW_PUPIL_DATA_INIT;
		pd.id = id;
		pd.year = (int)lcg(15);
		if (sw_engine_add_pupil(a, &pd) != SW_OK || sw_engine_add_pupil(b, &pd) != SW_OK) {
			unit_fail(__FILE__, __LINE__, "cannot add pupil %s", id);
			return 0;
		}
	}
	for (int p = 1; p <= npupils; p++) {
		char id[16];
		snprintf(id, sizeof id, "P%04d", p);
		unsigned subset = lcg(256); /* the skills this pupil has evidence for */
		if (p % 10 == 0)
			subset = 0; /* and a few pupils with none at all */
		for (size_t k = 0; k < NSKILLS; k++) {
			if (!(subset >> k & 1u))
				continue;
			const sw_skill *sk = sw_framework_skill(fw, k);
			uint32_t span = (uint32_t)(sw_skill_max(sk) - sw_skill_min(sk) + 1);
			uint32_t n = lcg(26);
			for (uint32_t i = 0; i < n; i++) {
				char date[48];
				random_date(date);
				sw_evidence_data ev = SW_EVIDENCE_DATA_INIT;
				ev.pupil = id;
				ev.skill = sw_skill_id(sk);
				ev.step = sw_skill_min(sk) + (int)lcg(span);
				ev.date = date;
				ev.outcome = outcomes[lcg(COUNT(outcomes))];
				ev.source = sources[lcg(COUNT(sources))];
				if (sw_engine_add_evidence(a, &ev) != SW_OK ||
				    sw_engine_add_evidence(b, &ev) != SW_OK) {
					unit_fail(__FILE__, __LINE__, "cannot add evidence for %s", id);
					return 0;
				}
				records++;
			}
		}
	}
	return records;
}

/* Loads `name` by name into `native` and its Lua file as a buffer into `lua`. */
static int load_pair(sw_engine *native, sw_engine *lua, const char *name)
{
	char rel[64], disp[64];
	snprintf(rel, sizeof rel, "scripts/rubrics/%s.lua", name);
	snprintf(disp, sizeof disp, "%s.lua", name);
	size_t len = 0;
	char *src = unit_read_file(unit_path(rel), &len);
	if (!src) {
		unit_fail(__FILE__, __LINE__, "cannot read %s", rel);
		return SW_EIO;
	}
	int rc = sw_engine_load_rubric(native, name);
	if (rc == SW_OK)
		rc = sw_engine_load_rubric_buffer(lua, src, len, disp);
	free(src);
	if (rc != SW_OK)
		unit_fail(__FILE__, __LINE__, "cannot load rubric %s: %d", name, rc);
	return rc;
}

typedef struct tally {
	unsigned long compared, with_step, without_step, pupils;
} tally;

/* Evaluates every pupil on both engines and compares them, skill by skill. */
static void compare_all(sw_engine *native, sw_engine *lua, int npupils, const char *as_of,
                        const char *what, tally *t)
{
	sw_eval_options o = SW_EVAL_OPTIONS_INIT;
	o.as_of = as_of;
	for (int p = 1; p <= npupils; p++) {
		char id[16];
		snprintf(id, sizeof id, "P%04d", p);
		sw_result *rn = NULL, *rl = NULL;
		int cn = sw_engine_evaluate_pupil(&rn, native, id, &o);
		int cl = sw_engine_evaluate_pupil(&rl, lua, id, &o);
		CHECK_EQ(cn, SW_OK);
		CHECK_EQ(cl, SW_OK);
		if (!rn || !rl) {
			sw_result_free(rn);
			sw_result_free(rl);
			return;
		}
		t->pupils++;
		CHECK_EQ(sw_result_skill_count(rn), NSKILLS);
		CHECK_EQ(sw_result_skill_count(rl), NSKILLS);
		for (size_t k = 0; k < NSKILLS; k++) {
			int sn = -1000, sl = -1000;
			int hn = sw_result_has_step(&sn, rn, k), hl = sw_result_has_step(&sl, rl, k);
			size_t en = sw_result_evidence(rn, k), el = sw_result_evidence(rl, k);
			const char *nn = sw_result_note(rn, k), *nl = sw_result_note(rl, k);
			t->compared++;
			if (hn)
				t->with_step++;
			else
				t->without_step++;
			if (hn != hl || (hn && sn != sl) || en != el || !unit_str_eq(nn, nl))
				unit_fail(__FILE__, __LINE__,
				          "%s as_of %s: pupil %s skill %zu: native %s%d (%zu records%s%s)"
				          " != Lua %s%d (%zu records%s%s)",
				          what, as_of ? as_of : "-", id, k, hn ? "step " : "no step ",
				          sn, en, nn ? ", note " : "", nn ? nn : "",
				          hl ? "step " : "no step ", sl, el, nl ? ", note " : "",
				          nl ? nl : "");
		}
		CHECK_EQ(sw_result_error_count(rn), sw_result_error_count(rl));
		CHECK_EQ(sw_result_error_count(rn), 0);
		CHECK_EQ(sw_result_flag_count(rn), sw_result_flag_count(rl));
		CHECK_EQ(sw_result_award_count(rn), sw_result_award_count(rl));
		sw_result_free(rn);
		sw_result_free(rl);
	}
}

/* Sets key=value on both engines; both must accept it. */
static bool set_both(sw_engine *a, sw_engine *b, const char *key, const char *value)
{
	int ra = sw_engine_set_param(a, key, value), rb = sw_engine_set_param(b, key, value);
	if (ra != SW_OK || rb != SW_OK) {
		unit_fail(__FILE__, __LINE__, "set_param %s=\"%s\": native %d, Lua %d", key, value,
		          ra, rb);
		return false;
	}
	return true;
}

void test_native_matches_lua(void)
{
	sw_engine *native = new_engine(), *lua = new_engine();
	REQUIRE(native && lua);
	size_t records = add_data(native, lua, NPUPILS, 20240901u);
	CHECK(records > 1000);
	CHECK_EQ(sw_engine_pupil_count(native), NPUPILS);
	CHECK_EQ(sw_engine_evidence_count(native), records);
	CHECK_EQ(sw_engine_evidence_count(lua), records);
	tally t = { 0, 0, 0, 0 };
	unsigned long configs = 0;
	for (size_t r = 0; r < COUNT(RUBRICS); r++) {
		const char *name = RUBRICS[r];
		/* the next rubric has other parameters: start from its defaults */
		CHECK_EQ(sw_engine_clear_params(native), SW_OK);
		CHECK_EQ(sw_engine_clear_params(lua), SW_OK);
		if (load_pair(native, lua, name) != SW_OK)
			continue;
		CHECK_STR(sw_engine_rubric_name(native), sw_engine_rubric_name(lua));
		const char *key2 = NULL;
		const char *const *values2 = NULL;
		size_t nvalues2 = 1;
		if (strcmp(name, "secured-n") == 0)
			key2 = "times", values2 = TIMES, nvalues2 = COUNT(TIMES);
		else if (strcmp(name, "decaying-average") == 0)
			key2 = "rate", values2 = RATES, nvalues2 = COUNT(RATES);
		for (size_t s = 0; s < COUNT(SOURCES); s++) {
			if (!set_both(native, lua, "sources", SOURCES[s]))
				continue;
			for (size_t v = 0; v < nvalues2; v++) {
				if (key2 && !set_both(native, lua, key2, values2[v]))
					continue;
				CHECK_STR(sw_engine_rubric_params(native), sw_engine_rubric_params(lua));
				char what[128];
				snprintf(what, sizeof what, "%s sources=\"%s\"%s%s%s", name, SOURCES[s],
				         key2 ? " " : "", key2 ? key2 : "", key2 ? "=" : "");
				if (key2)
					snprintf(what + strlen(what), sizeof what - strlen(what), "%s",
					         values2[v]);
				for (size_t d = 0; d < COUNT(AS_OF); d++) {
					compare_all(native, lua, NPUPILS, AS_OF[d], what, &t);
					configs++;
				}
			}
		}
	}
	/* highest, latest, average: 7 sources; secured-n and decaying-average:
	   7 sources x 4 values; each with 2 dates */
	unsigned long want_configs = (3 * 7 + 2 * 7 * 4) * 2;
	/* a word that names no source is refused when the parameter is set (issue 17) */
	CHECK(sw_engine_set_param(native, "sources", "teachers") != SW_OK);
	CHECK(sw_engine_set_param(native, "sources", "teacher;self") != SW_OK);
	CHECK_EQ(configs, want_configs);
	CHECK_EQ(t.pupils, want_configs * NPUPILS);
	CHECK_EQ(t.compared, want_configs * NPUPILS * NSKILLS);
	CHECK_EQ(t.with_step + t.without_step, t.compared);
	CHECK(t.with_step > t.compared / 10);
	CHECK(t.without_step > t.compared / 10);
	if (getenv("UNIT_VERBOSE"))
		printf("native vs Lua: %zu records, %lu settings, %lu pupil results, %lu skill"
		       " results compared (%lu with a step, %lu without)\n",
		       records, configs, t.pupils, t.compared, t.with_step, t.without_step);
	sw_engine_free(native);
	sw_engine_free(lua);
}

/*
 * A parameter the Lua source refuses: set_param takes any value of a
 * declared parameter, so both engines accept it, and evaluation gives
 * every pupil the same errors from the Lua source, and no step.
 */
static void bad_param(const char *rubric, const char *key, const char *value)
{
	sw_engine *native = new_engine(), *lua = new_engine();
	if (!native || !lua || add_data(native, lua, 20, 7u) == 0 ||
	    load_pair(native, lua, rubric) != SW_OK) {
		unit_fail(__FILE__, __LINE__, "setting up %s failed", rubric);
		sw_engine_free(native);
		sw_engine_free(lua);
		return;
	}
	int rn = sw_engine_set_param(native, key, value);
	int rl = sw_engine_set_param(lua, key, value);
	CHECK_EQ(rn, rl);
	if (rn != SW_OK) {
		/* refused at once: then both must say the same */
		const sw_error *en = sw_engine_error(native, 0), *el = sw_engine_error(lua, 0);
		CHECK(en && el);
		if (en && el)
			CHECK_STR(en->message, el->message);
	} else {
		unsigned long errors = 0;
		for (int p = 1; p <= 20; p++) {
			char id[16];
			snprintf(id, sizeof id, "P%04d", p);
			sw_result *a = NULL, *b = NULL;
			CHECK_EQ(sw_engine_evaluate_pupil(&a, native, id, NULL), SW_OK);
			CHECK_EQ(sw_engine_evaluate_pupil(&b, lua, id, NULL), SW_OK);
			if (a && b) {
				size_t n = sw_result_error_count(a);
				CHECK_EQ(n, sw_result_error_count(b));
				CHECK(n > 0);
				for (size_t i = 0; i < n && i < sw_result_error_count(b); i++) {
					const char *ma = sw_result_error(a, i);
					CHECK_STR(ma, sw_result_error(b, i));
					CHECK(ma && strstr(ma, "parameter") != NULL);
				}
				errors += n;
				for (size_t k = 0; k < NSKILLS; k++) {
					int step;
					CHECK_EQ(sw_result_has_step(&step, a, k), 0);
					CHECK_EQ(sw_result_has_step(&step, b, k), 0);
					CHECK_EQ(sw_result_evidence(a, k), sw_result_evidence(b, k));
				}
			}
			sw_result_free(a);
			sw_result_free(b);
		}
		/* the check comes before any evidence is read: every skill of every pupil */
		CHECK_EQ(errors, 20 * NSKILLS);
	}
	sw_engine_free(native);
	sw_engine_free(lua);
}

void test_native_bad_params(void)
{
	bad_param("secured-n", "times", "0");
	bad_param("secured-n", "times", "2.5");
	bad_param("secured-n", "times", "-3");
	bad_param("secured-n", "times", "two");
	bad_param("decaying-average", "rate", "2");
	bad_param("decaying-average", "rate", "-0.5");
	bad_param("decaying-average", "rate", "fast");
}
