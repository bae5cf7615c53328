/*
 * test_lua_oom.c - running out of memory while sw_engine_evaluate opens
 * the Lua states of a rubric written in Lua (scripts/rubrics/highest.lua,
 * loaded from its file) for its 2nd and 3rd threads. Every allocation the
 * call makes is failed in turn, first alone, then with all the allocations
 * after it (only that reaches the code under test, sb.host_refused in
 * runner.c: Lua collects garbage and asks again when one allocation fails,
 * once its state is complete). Whichever allocation fails, the call
 * returns SW_OK or SW_ENOMEM and nothing else (a refused allocation is not
 * the rubric's memory limit, so never SW_ELIMIT); SW_ENOMEM comes with an
 * error saying so ("out of memory", or "cannot create a Lua state"), unless
 * every later allocation fails too and there is no memory to record one;
 * SW_OK comes with the results of a run in which nothing failed; and every
 * block is freed with the engine.
 */
#include "unit.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The bundled framework with 4 skills of 6 steps: a Lua state for
   skills-builder-v2 (8 skills of 16 steps) takes ~2000 allocations instead
   of ~1200, and the sweeps, quadratic in the count, ~3 times as long. */
#define FRAMEWORK "example-school"
/* sw_engine_evaluate uses at most pupils / 16 + 1 threads: 16 pupils per
   extra thread, no more, keep each evaluation short (one batch of pupils) */
#define PUPILS_PER_JOB 16
#define ROWS_PER_PUPIL 3

/* One sweep: the threads, the clean results, and what the attempts gave. */
typedef struct sweep {
	unsigned jobs;
	int pupils;
	const char *want;        /* the results of a clean run */
	unsigned long enomem;    /* attempts that ended in SW_ENOMEM */
	unsigned long states;    /* of those, alone failing, "cannot create a Lua state" */
	unsigned long absorbed;  /* SW_OK although an allocation failed */
	unsigned long bad;       /* attempts that broke a rule */
} sweep;

/* Reports a broken rule (the first five of a sweep in full, then a count). */
static void __attribute__((format(printf, 4, 5)))
report(sweep *s, unsigned long n, bool once, const char *fmt, ...)
{
	char what[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (s->bad++ < 5)
		unit_fail(__FILE__, __LINE__, "jobs %u, allocation %lu failing%s: %s", s->jobs, n,
		          n == 0 ? " (none)" : once ? " (only it)" : " (and on)", what);
}

/* A 64-bit LCG; its high 32 bits. */
static uint32_t rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005u + 1442695040888963407u;
	return (uint32_t)(*s >> 32);
}

/* A new engine on allocator a with the framework, highest.lua loaded from
   its file, `pupils` pupils and evidence for three skills of all but five. */
static sw_engine *engine_with_data(sw_allocator *a, int pupils)
{
	static const char *const skills[] = { "curiosity", "cooperation", "kindness" };
	sw_engine_options o = SW_ENGINE_OPTIONS_INIT;
	o.allocator = a;
	sw_engine *eng = NULL;
	int rc = sw_engine_new(&eng, &o);
	if (rc == SW_OK)
		rc = sw_engine_load_framework_builtin(eng, FRAMEWORK);
	if (rc == SW_OK)
		rc = sw_engine_load_rubric(eng, unit_path("scripts/rubrics/highest.lua"));
	char id[16], name[32], date[16];
	for (int p = 1; rc == SW_OK && p <= pupils; p++) {
		sw_pupil_data pd = SW_PUPIL_DATA_INIT;
		snprintf(id, sizeof id, "P%03d", p);
		snprintf(name, sizeof name, "Pupil %d", p);
		pd.id = id;
		pd.name = name;
		pd.year = p % 7;
		rc = sw_engine_add_pupil(eng, &pd);
	}
	uint64_t s = 20250117;
	for (int i = 0; rc == SW_OK && i < pupils * ROWS_PER_PUPIL; i++) {
		sw_evidence_data ev = SW_EVIDENCE_DATA_INIT;
		/* the last five pupils have no evidence: they are evaluated too */
		snprintf(id, sizeof id, "P%03u", 1 + rnd(&s) % (unsigned)(pupils - 5));
		snprintf(date, sizeof date, "2025-%02u-%02u", 1 + rnd(&s) % 12, 1 + rnd(&s) % 28);
		ev.pupil = id;
		ev.skill = skills[rnd(&s) % 3];
		ev.step = 1 + (int)(rnd(&s) % 6);
		ev.date = date;
		ev.outcome = rnd(&s) % 3 ? "secured" : "developing";
		ev.source = rnd(&s) % 4 ? "teacher" : "self";
		ev.note = rnd(&s) % 2 ? "worked with a partner" : NULL;
		rc = sw_engine_add_evidence(eng, &ev);
	}
	if (rc != SW_OK) {
		unit_fail(__FILE__, __LINE__, "engine setup: status %d (%s)", rc,
		          sw_status_string(rc));
		sw_engine_free(eng);
		return NULL;
	}
	return eng;
}

/* The sw_result_fn: one line of text per pupil (into a FILE *). */
static int on_result(const sw_result *r, void *payload)
{
	FILE *out = payload;
	fprintf(out, "%s|%s|", sw_result_pupil(r), sw_result_name(r) ? sw_result_name(r) : "-");
	for (size_t k = 0; k < sw_result_skill_count(r); k++) {
		int step = -1, has = sw_result_has_step(&step, r, k);
		const char *note = sw_result_note(r, k);
		fprintf(out, "%zu:%d/%d/%zu/%s;", k, has, step, sw_result_evidence(r, k),
		        note ? note : "-");
	}
	for (size_t i = 0; i < sw_result_flag_count(r); i++)
		fprintf(out, " flag %s", sw_result_flag(r, i));
	for (size_t i = 0; i < sw_result_error_count(r); i++)
		fprintf(out, " error %s", sw_result_error(r, i));
	fputc('\n', out);
	return 0;
}

/* One evaluation with allocation n failing (0: none; once: only it, else
   it and every later one) on a fresh engine; checks the rules. Returns the
   allocations the evaluation made; *text (may be NULL) gets its results. */
static unsigned long attempt(sweep *s, unsigned long n, bool once, char **text)
{
	unit_failing f = { .fail_at = n, .once = once };
	sw_allocator a = { unit_failing_realloc, &f };
	sw_engine *eng = engine_with_data(&a, s->pupils);
	char *got = NULL;
	size_t len = 0;
	FILE *out = eng ? open_memstream(&got, &len) : NULL;
	if (!out) {
		report(s, n, once, "no engine or no memory stream");
		sw_engine_free(eng);
		return 0;
	}
	sw_eval_options eo = SW_EVAL_OPTIONS_INIT;
	eo.jobs = s->jobs;
	f.armed = true;
	int rc = sw_engine_evaluate(eng, &eo, on_result, out, NULL);
	f.armed = false;
	fclose(out);
	const sw_error *e = sw_engine_error(eng, 0);
	if (rc == SW_ENOMEM) {
		/* lua_newstate failing says "cannot create a Lua state" */
		bool state = e && strcmp(e->message, "cannot create a Lua state") == 0;
		s->enomem++;
		s->states += once && state;
		if (e ? e->code != SW_ENOMEM || (!strstr(e->message, "out of memory") && !state)
		      : once)
			report(s, n, once, "SW_ENOMEM with the error \"%s\"", e ? e->message : "(none)");
		if (!f.failed)
			report(s, n, once, "SW_ENOMEM but no allocation failed");
	} else if (rc != SW_OK) {
		report(s, n, once, "status %d (%s), error \"%s\"", rc, sw_status_string(rc),
		       e ? e->message : "(none)");
	} else if (s->want && strcmp(got ? got : "", s->want) != 0) {
		report(s, n, once, "SW_OK with results unlike a clean run's");
	}
	s->absorbed += rc == SW_OK && f.failed;
	sw_engine_free(eng);
	if (f.outstanding)
		report(s, n, once, "%ld blocks not freed", (long)f.outstanding);
	if (text)
		*text = got;
	else
		free(got);
	return f.calls;
}

/* Fails every allocation of one evaluation with 2 and 3 threads. */
void test_lua_setup_oom(void)
{
	unsigned long states = 0; /* what lua_newstate failing gave with a thread less */
	for (unsigned jobs = 2; jobs <= 3; jobs++) {
		sweep s = { .jobs = jobs, .pupils = PUPILS_PER_JOB * (int)(jobs - 1) };
		/* Clean runs: their allocations are counted, and the sweeps fail each
		   of the most any made. The count is not always the same: the pupils
		   are one batch, and the thread that takes it (whichever is free
		   first) decides it, as the first thread's state was already used by
		   the probe and keeps the tables it made for it. The results are. */
		char *want = NULL, *again = NULL;
		unsigned long total = attempt(&s, 0, true, &want);
		for (int k = 0; k < 3 && want && s.bad == 0; k++) {
			unsigned long more = attempt(&s, 0, true, &again);
			if (!again || strcmp(again, want) != 0)
				report(&s, 0, true, "a clean run's results unlike the first clean run's");
			if (more > total)
				total = more;
			free(again);
			again = NULL;
		}
		s.want = want;
		bool clean = want && s.bad == 0;
		if (!clean)
			free(want);
		REQUIRE(clean);
		/* the clean run: every pupil, without rubric errors */
		size_t lines = 0;
		for (const char *c = want; *c; c++)
			lines += *c == '\n';
		CHECK_EQ(lines, s.pupils);
		CHECK(strstr(want, ":1/") != NULL); /* some steps were given */
		CHECK(strstr(want, " error ") == NULL);
		for (unsigned long n = 1; n <= total; n++)
			attempt(&s, n, true, NULL);
		unsigned long dense_enomem = s.enomem;
		/* every one: a Lua state's set-up reaches sb.host_refused in runner.c
		   only when failing starts at one of a handful of its allocations */
		for (unsigned long n = 1; n <= total; n++)
			attempt(&s, n, false, NULL);
		if (getenv("SW_UNIT_VERBOSE"))
			fprintf(stderr, "jobs %u: %lu allocations; only one failing: %lu SW_ENOMEM (%lu "
			        "in lua_newstate); from N on: %lu SW_ENOMEM; %lu SW_OK "
			        "after a failure\n", jobs, total, dense_enomem, s.states,
			        s.enomem - dense_enomem, s.absorbed);
		CHECK(dense_enomem > 0);
		CHECK(s.enomem > dense_enomem);
		/* the call opened a Lua state for each thread but the first (whose
		   state the rubric's loading opened), each failing at as many places */
		CHECK(s.states > 0);
		CHECK(jobs == 2 || s.states == 2 * states);
		states = s.states;
		if (s.bad > 5)
			unit_fail(__FILE__, __LINE__, "jobs %u: ... and %lu more", jobs, s.bad - 5);
		free(want);
	}
}
