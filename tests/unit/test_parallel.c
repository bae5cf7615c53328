/*
 * test_parallel.c - the threaded paths (sw_load_options.jobs and
 * sw_eval_options.jobs > 1) on generated evidence (~1.5 MB, many 64 KiB
 * parts, ~1% bad rows): with a thread-safe allocator failing the Nth
 * allocation (from N on, then only the Nth) every call ends in SW_OK or
 * SW_ENOMEM, without a crash, a hang or a leak, and an evaluation that
 * fails has handed over the first results in order; a run without failure
 * gives the results of one thread, byte for byte; a callback's non-zero
 * status stops a threaded evaluation.
 */
#include "unit.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_IDS 2048

/* The generated files and what the generator knows of them. */
typedef struct files {
	char evidence[64], roster[64];
	int rows, pupils;
	unsigned long bad_roster, bad_always; /* rows rejected with / without a roster */
} files;

/* A 64-bit LCG; its high 32 bits. */
static uint32_t rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005u + 1442695040888963407u;
	return (uint32_t)(*s >> 32);
}

/* Removes the generated files. */
static void files_remove(const files *fx)
{
	remove(fx->evidence);
	remove(fx->roster);
}

/* Writes `rows` rows of evidence for `pupils` pupils (~1% bad) and the roster (id,name). */
static bool files_make(files *fx, int rows, int pupils)
{
	static const char *const skills[] = { "listening", "speaking", "teamwork", "planning",
		                              "Listening", "TeamWork" };
	static const char *const who[] = { "", "Ms Evans", "Siân Griffiths", "Łukasz Nowak",
		                           "Nguyễn Thị Lan", "Mr O'Brien" };
	static const char *const notes[] = { "", "explained to a partner", "\"asked \"\"why?\"\" twice\"",
		                             "\"led the group, then reflected\"", "Siân helped",
		                             "\"first line\nsecond line\"", "zusammen geübt" };
	*fx = (files){ "/tmp/sw-par-ev-XXXXXX", "/tmp/sw-par-ro-XXXXXX", rows, pupils, 0, 0 };
	int fe = mkstemp(fx->evidence), fr = mkstemp(fx->roster);
	FILE *e = fe >= 0 ? fdopen(fe, "w") : NULL, *r = fr >= 0 ? fdopen(fr, "w") : NULL;
	if (!e || !r) { /* (a descriptor may be left open: the test fails anyway) */
		files_remove(fx);
		return false;
	}
	fprintf(r, "id,name\n");
	for (int p = 1; p <= pupils; p++)
		fprintf(r, "P%04d,%s %d\n", p, p % 7 ? "Pupil" : "Siân", p);
	fprintf(e, "pupil,skill,step,date,outcome,source,assessor,note\n");
	uint64_t s = 20240901;
	for (int i = 0; i < rows; i++) {
		unsigned p = 1 + rnd(&s) % (unsigned)pupils, step = rnd(&s) % 16;
		unsigned y = 2024 + rnd(&s) % 2, mo = 1 + rnd(&s) % 12, d = 1 + rnd(&s) % 28;
		char pupil[16], date[16], skill[16];
		snprintf(pupil, sizeof pupil, "P%04u", p);
		snprintf(date, sizeof date, "%04u-%02u-%02u", y, mo, d);
		snprintf(skill, sizeof skill, "%s", skills[rnd(&s) % 6]);
		const char *outcome = rnd(&s) % 3 ? "secured" : "developing";
		const char *source = rnd(&s) % 4 ? "teacher" : "self";
		const char *a = who[rnd(&s) % 6], *n = notes[rnd(&s) % 7];
		if (rnd(&s) % 100 == 0) { /* a bad row (Qnnn: not on the roster) */
			switch (rnd(&s) % 5) {
			case 0: step = 99; fx->bad_always++; break;
			case 1: snprintf(date, sizeof date, "2026-02-30"); fx->bad_always++; break;
			case 2: snprintf(skill, sizeof skill, "juggling"); fx->bad_always++; break;
			case 3: snprintf(pupil, sizeof pupil, "Q%03u", p % 1000); fx->bad_roster++; break;
			default: fprintf(e, "%s,%s\n", pupil, skill); fx->bad_always++; continue;
			}
		}
		fprintf(e, "%s,%s,%u,%s,%s,%s,%s,%s\n", pupil, skill, step, date, outcome, source, a, n);
	}
	fx->bad_roster += fx->bad_always;
	bool ok = !ferror(e) && !ferror(r);
	ok = (fclose(e) == 0) && ok;
	ok = (fclose(r) == 0) && ok;
	if (!ok)
		files_remove(fx);
	return ok;
}

/* What an evaluation's callback saw: ids and a signature of each result
   (made without the engine's allocator), and with `out` the results as
   JSON lines; the callback returns stop_rc at call stop_at. */
typedef struct seen {
	const sw_engine *eng;
	size_t count, stop_at;
	int stop_rc, json_rc;
	char ids[MAX_IDS][16];
	uint64_t sig[MAX_IDS];
	bool err[MAX_IDS]; /* the result has rubric errors */
	FILE *out; /* open_memstream of text, len */
	char *text;
	size_t len;
} seen;

/* FNV-1a over a string and its end (NULL: a byte of its own). */
static uint64_t fnv(uint64_t h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return (h ^ (s ? 0 : 0xff)) * 1099511628211u;
}

/* The sw_result_fn: records what it is given. */
static int on_result(const sw_result *r, void *payload)
{
	seen *s = payload;
	if (s->count < MAX_IDS) {
		snprintf(s->ids[s->count], sizeof s->ids[0], "%s", sw_result_pupil(r));
		uint64_t h = fnv(fnv(14695981039346656037u, sw_result_pupil(r)), sw_result_name(r));
		for (size_t k = 0; k < sw_result_skill_count(r); k++) {
			int step = -1, has = sw_result_has_step(&step, r, k);
			char num[48];
			snprintf(num, sizeof num, "%d/%d/%zu", has, step, sw_result_evidence(r, k));
			h = fnv(fnv(h, num), sw_result_note(r, k));
		}
		for (size_t i = 0; i < sw_result_flag_count(r); i++)
			h = fnv(h, sw_result_flag(r, i));
		for (size_t i = 0; i < sw_result_error_count(r); i++)
			h = fnv(h, sw_result_error(r, i));
		s->sig[s->count] = h;
		s->err[s->count] = sw_result_error_count(r) > 0;
	}
	char *j = NULL;
	if (s->out && !s->json_rc && (s->json_rc = sw_result_json(&j, r)) == SW_OK)
		fprintf(s->out, "%s\n", j);
	sw_string_free(s->eng, j);
	return ++s->count == s->stop_at ? s->stop_rc : 0;
}

/* A new, empty seen; with `json`, the results are kept as JSON too. */
static seen *seen_new(const sw_engine *eng, bool json)
{
	seen *s = calloc(1, sizeof *s);
	if (s && (s->eng = eng, json) && !(s->out = open_memstream(&s->text, &s->len)))
		s->json_rc = SW_ERROR;
	return s;
}

/* Frees s and its text (NULL is allowed). */
static void seen_free(seen *s)
{
	if (s && s->out)
		fclose(s->out);
	free(s ? s->text : NULL);
	free(s);
}

/* True when a's results are b's first ones (with `all`, all of them); with
   `lenient`, a result of a may differ when it has rubric errors. */
static bool seen_prefix(seen *a, seen *b, bool all, bool lenient)
{
	if (a->count > b->count || (all && a->count != b->count))
		return false;
	for (size_t i = 0; i < a->count && i < MAX_IDS; i++)
		if (strcmp(a->ids[i], b->ids[i]) != 0 ||
		    (a->sig[i] != b->sig[i] && !(lenient && a->err[i])))
			return false;
	if (!a->out || !b->out || fflush(a->out) || fflush(b->out))
		return !a->out || !b->out;
	return a->len <= b->len && (!a->len || memcmp(a->text, b->text, a->len) == 0);
}

/* Counts rejected rows, and those rejected "out of memory". */
typedef struct rejects {
	unsigned long count, oom;
} rejects;

/* The sw_reject_fn: counts. */
static void on_reject(const sw_reject *rj, void *payload)
{
	rejects *r = payload;
	r->count++;
	r->oom += strstr(rj->reason, "out of memory") != NULL;
}

/* A new engine on allocator a (NULL: the C library's) with the framework,
   and the roster and the rubric (a name or a path) when given. */
static sw_engine *engine_with(sw_allocator *a, const char *roster, const char *rubric)
{
	sw_engine_options o = SW_ENGINE_OPTIONS_INIT;
	o.allocator = a;
	sw_engine *eng = NULL;
	int rc = sw_engine_new(&eng, &o);
	if (rc == SW_OK)
		rc = sw_engine_load_framework_builtin(eng, "skills-builder-v2");
	if (rc == SW_OK && roster)
		rc = sw_engine_load_pupils(eng, roster, NULL, NULL);
	if (rc == SW_OK && rubric)
		rc = sw_engine_load_rubric(eng, rubric);
	if (rc != SW_OK) {
		unit_fail(__FILE__, __LINE__, "engine setup: status %d", rc);
		sw_engine_free(eng);
		return NULL;
	}
	return eng;
}

/* Loads evidence with `jobs` threads. */
static int load(sw_engine *eng, const char *path, unsigned jobs, sw_load_stats *st, rejects *rj)
{
	sw_load_options lo = SW_LOAD_OPTIONS_INIT;
	lo.jobs = jobs;
	lo.on_reject = on_reject;
	lo.payload = rj;
	*st = (sw_load_stats){ 0, 0, 0 };
	return sw_engine_load_evidence(eng, path, &lo, st);
}

static bool isolated; /* evaluate() with sw_eval_options.isolate */

/* Evaluates with `jobs` threads (or worker processes) into s. */
static int evaluate(sw_engine *eng, unsigned jobs, seen *s, sw_eval_stats *es)
{
	sw_eval_options eo = SW_EVAL_OPTIONS_INIT;
	eo.jobs = jobs;
	eo.isolate = isolated;
	return s ? sw_engine_evaluate(eng, &eo, on_result, s, es) : SW_ENOMEM;
}

/* The one-thread load and results of fx, with its roster or not (JSON too). */
static seen *reference(const files *fx, bool roster, sw_load_stats *st)
{
	sw_engine *eng = engine_with(NULL, roster ? fx->roster : NULL, NULL);
	rejects rj = { 0, 0 };
	seen *s = eng ? seen_new(eng, true) : NULL;
	if (!s || load(eng, fx->evidence, 1, st, &rj) != SW_OK || evaluate(eng, 1, s, NULL) ||
	    s->json_rc) {
		unit_fail(__FILE__, __LINE__, "the one-thread reference run failed");
		seen_free(s);
		s = NULL;
	}
	sw_engine_free(eng);
	return s;
}

/* One sweep's set-up: fail allocations during the load (`eval` false) or
   during the evaluation, with `jobs` threads; the clean results `want`. */
typedef struct plan {
	const files *fx;
	bool roster, eval;
	const char *rubric; /* loaded first; NULL: sw_engine_evaluate loads "highest" */
	unsigned jobs, cap; /* cap: attempts per sweep, at most */
	seen *want;
	sw_load_stats want_st;
	unsigned long bad, absorbed; /* absorbed: SW_OK after a failure */
} plan;

/* Reports one failed attempt (the first five of a plan, then a count). */
static void __attribute__((format(printf, 4, 5)))
report(plan *p, unsigned long n, bool once, const char *fmt, ...)
{
	char what[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (p->bad++ < 5)
		unit_fail(__FILE__, __LINE__, "%s, jobs %u, %s roster, rubric %s, allocation %lu "
		          "failing%s: %s", p->eval ? "evaluate" : "load", p->jobs,
		          p->roster ? "with" : "without", p->rubric ? p->rubric : "default", n,
		          n == 0 ? " (none)" : once ? " (only it)" : " (and on)", what);
}

/* One attempt with allocation n failing (0: none); returns the allocations counted. */
static unsigned long attempt(plan *p, unsigned long n, bool once)
{
	unit_failing f = { .fail_at = n, .once = once };
	sw_allocator a = { unit_failing_realloc, &f };
	sw_engine *eng = engine_with(&a, p->roster ? p->fx->roster : NULL, p->rubric);
	seen *s = eng ? seen_new(eng, !p->eval) : NULL;
	sw_load_stats st;
	rejects rj = { 0, 0 };
	f.armed = !p->eval;
	int rc = s ? load(eng, p->fx->evidence, p->eval ? 1 : p->jobs, &st, &rj) : SW_ERROR;
	f.armed = p->eval && rc == SW_OK;
	if (f.armed)
		rc = evaluate(eng, p->jobs, s, NULL);
	f.armed = false;
	if ((rc != SW_OK && rc != SW_ENOMEM) || (rc && !f.failed))
		report(p, n, once, "status %d (%s), an allocation failed: %s", rc,
		       sw_status_string(rc), atomic_load(&f.failed) ? "yes" : "no");
	if (rj.oom)
		report(p, n, once, "%lu rows rejected \"out of memory\"", rj.oom);
	if (!p->eval && rc == SW_OK) { /* the rows and results of a clean run */
		if (st.rows != p->want_st.rows || st.accepted != p->want_st.accepted ||
		    st.rejected != p->want_st.rejected || rj.count != st.rejected ||
		    sw_engine_evidence_count(eng) != st.accepted)
			report(p, n, once, "SW_OK with %llu rows, %llu accepted, %llu rejected, %zu stored",
			       (unsigned long long)st.rows, (unsigned long long)st.accepted,
			       (unsigned long long)st.rejected, sw_engine_evidence_count(eng));
		if (evaluate(eng, 1, s, NULL) || s->json_rc || !seen_prefix(s, p->want, true, false))
			report(p, n, once, "results unlike one thread's");
	}
	p->absorbed += rc == SW_OK && f.failed;
	if (p->eval && s && !seen_prefix(s, p->want, rc == SW_OK, rc == SW_OK && f.failed))
		report(p, n, once, "status %d after %zu results, not the first of the %zu, in order",
		       rc, s->count, p->want->count);
	seen_free(s);
	sw_engine_free(eng);
	if (f.outstanding)
		report(p, n, once, "%ld blocks not freed", (long)f.outstanding);
	return f.calls;
}

/* Counts the allocations of a clean run, then fails each allocation N in
   turn: every N up to 50 and in the last 50, steps between within p->cap. */
static void sweep(plan *p)
{
	unsigned long total = attempt(p, 0, false);
	if (total <= 100 || p->bad) {
		unit_fail(__FILE__, __LINE__, "the clean run: %lu allocations", total);
		return;
	}
	unsigned long step = (total - 100) / (p->cap - 100) + 1, attempts = 0;
	for (int once = 0; once < 2; once++)
		for (unsigned long n = 1; n <= total; attempts++) {
			attempt(p, n, once);
			n = n < 50 || n + 50 >= total ? n + 1 : n + step + 50 > total ? total - 49 : n + step;
		}
	if (getenv("SW_UNIT_VERBOSE"))
		fprintf(stderr, "%s, jobs %u, %s roster, rubric %s: %lu allocations, %lu attempts, "
		        "%lu SW_OK after a failure\n", p->eval ? "evaluate" : "load", p->jobs,
		        p->roster ? "with" : "without", p->rubric ? p->rubric : "default", total,
		        attempts, p->absorbed);
	if (p->bad > 5)
		unit_fail(__FILE__, __LINE__, "... and %lu more", p->bad - 5);
}

/* Loading ~1.5 MB of evidence (500 pupils) with 2 and 3 threads, with and
   without a roster, with allocations failing in turn. */
void test_parallel_oom_load(void)
{
	files fx;
	REQUIRE(files_make(&fx, 20000, 500));
	for (int roster = 1; roster >= 0; roster--) {
		plan p = { .fx = &fx, .roster = roster, .cap = 110 };
		seen *want = reference(&fx, roster, &p.want_st);
		p.want = want;
		CHECK_EQ(p.want_st.rows, fx.rows);
		CHECK_EQ(p.want_st.rows, p.want_st.accepted + p.want_st.rejected);
		CHECK_EQ(p.want_st.rejected, roster ? fx.bad_roster : fx.bad_always);
		CHECK(want && (roster ? want->count == 500 : want->count > 500));
		for (p.jobs = 2; want && p.jobs <= 3; p.jobs++, p.bad = p.absorbed = 0)
			sweep(&p);
		seen_free(want);
	}
	files_remove(&fx);
}

/* Evaluating 800 pupils (more than the threads' window of batches of 64)
   with 2 and 3 threads, allocations failing during sw_engine_evaluate only:
   the default rubric (loaded by sw_engine_evaluate), the built-in "highest"
   in C (only the calling thread allocates), and highest.lua run as Lua (the
   other threads allocate too, in their own Lua states). */
void test_parallel_oom_evaluate(void)
{
	files fx;
	REQUIRE(files_make(&fx, 4000, 800));
	char lua[4096];
	snprintf(lua, sizeof lua, "%s", unit_path("scripts/rubrics/highest.lua"));
	const struct { bool roster; const char *rubric; unsigned jobs; } V[] = {
		{ true, NULL, 2 }, { false, "highest", 3 }, { true, lua, 3 } };
	for (size_t v = 0; v < sizeof V / sizeof V[0]; v++) {
		plan p = { .fx = &fx, .roster = V[v].roster, .eval = true, .rubric = V[v].rubric,
			   .jobs = V[v].jobs, .cap = 130 };
		seen *want = reference(&fx, p.roster, &p.want_st);
		p.want = want;
		CHECK(want && want->count >= 800);
		if (want)
			sweep(&p);
		seen_free(want);
	}
	files_remove(&fx);
}

/* A callback that returns SW_EIO at pupil `stop` with `jobs` threads: that
   status, `stop` calls in order; the next evaluation gives everything. */
static void stops_at(sw_engine *eng, unsigned jobs, size_t stop, seen *want)
{
	seen *s = seen_new(eng, true);
	REQUIRE(s);
	s->stop_at = stop;
	s->stop_rc = SW_EIO;
	sw_eval_stats es;
	CHECK_EQ(evaluate(eng, jobs, s, &es), SW_EUSER);
	CHECK_EQ(sw_engine_user_status(eng), SW_EIO);
	CHECK_EQ(s->count, stop);
	CHECK_EQ(es.pupils, stop);
	CHECK(seen_prefix(s, want, false, false));
	seen_free(s);
	s = seen_new(eng, true);
	CHECK_EQ(evaluate(eng, jobs, s, NULL), SW_OK);
	CHECK(s && !s->json_rc && seen_prefix(s, want, true, false));
	seen_free(s);
}

/* Stopping a threaded evaluation from the callback (at the 37th pupil, and
   at the first of the second batch of 64), then evaluating again. */
void test_parallel_callback_stops(void)
{
	files fx;
	REQUIRE(files_make(&fx, 20000, 500));
	sw_load_stats st;
	seen *want = reference(&fx, true, &st);
	sw_engine *eng = engine_with(NULL, fx.roster, NULL);
	rejects rj = { 0, 0 };
	if (want && eng && load(eng, fx.evidence, 2, &st, &rj) == SW_OK) {
		for (unsigned jobs = 2; jobs <= 4; jobs += 2) {
			stops_at(eng, jobs, 37, want);
			stops_at(eng, jobs, 65, want);
		}
	} else {
		unit_fail(__FILE__, __LINE__, "setup failed");
	}
	sw_engine_free(eng);
	seen_free(want);
	files_remove(&fx);
}

/* sw_eval_options.isolate: the results of 500 pupils (8 batches) from
   worker processes are those of the one-thread run, with 1 and 3 workers,
   for the rubric in C and its Lua source; a callback that stops the run
   stops it (the workers are ended), and the next run gives everything; the
   options' version 1 (without isolate) is still accepted. */
void test_parallel_isolate(void)
{
	files fx;
	REQUIRE(files_make(&fx, 20000, 500));
	sw_load_stats st;
	seen *want = reference(&fx, true, &st);
	const char *lua = "return { name = 'top', skill = function(ev) local best\n"
	                  "for _, e in ipairs(ev) do if e.outcome == 'secured' and\n"
	                  "(not best or e.step > best) then best = e.step end end\n"
	                  "return best end }\n";
	for (int r = 0; r < 2 && want; r++) {
		sw_engine *eng = engine_with(NULL, fx.roster, NULL);
		rejects rj = { 0, 0 };
		if (!eng || (r && sw_engine_load_rubric_buffer(eng, lua, strlen(lua), "top.lua")) ||
		    load(eng, fx.evidence, 2, &st, &rj) != SW_OK) {
			unit_fail(__FILE__, __LINE__, "setup failed");
			sw_engine_free(eng);
			break;
		}
		isolated = true;
		for (unsigned jobs = 1; jobs <= 3; jobs += 2) {
			seen *s = seen_new(eng, true);
			sw_eval_stats es;
			CHECK_EQ(evaluate(eng, jobs, s, &es), SW_OK);
			CHECK(s && !s->json_rc && seen_prefix(s, want, true, false));
			CHECK_EQ(es.pupils, 500);
			seen_free(s);
		}
		stops_at(eng, 3, 65, want);
		isolated = false;
		sw_eval_options v1 = { 1, NULL, 1, 1 }; /* isolate is past a version 1 struct */
		CHECK_EQ(sw_engine_evaluate(eng, &v1, NULL, NULL, NULL), SW_OK);
		sw_engine_free(eng);
	}
	seen_free(want);
	files_remove(&fx);
}

/* An allocator that counts the calls made by threads other than `owner`. */
typedef struct watched {
	pthread_t owner;
	atomic_ulong foreign;
} watched;

static void *watched_realloc(void *ud, void *ptr, size_t size)
{
	watched *w = ud;
	if (!pthread_equal(pthread_self(), w->owner))
		atomic_fetch_add(&w->foreign, 1);
	if (size == 0) {
		free(ptr);
		return NULL;
	}
	return realloc(ptr, size);
}

/* The threads that check rows, and those that evaluate with a rubric
   computed in C, allocate nothing: the calling thread gives them their
   room (parts_init in parload.c says why). */
void test_parallel_helpers_allocate_nothing(void)
{
	files fx;
	REQUIRE(files_make(&fx, 20000, 500));
	for (unsigned jobs = 2; jobs <= 4; jobs += 2) {
		watched w = { pthread_self(), 0 };
		sw_allocator a = { watched_realloc, &w };
		sw_engine *eng = engine_with(&a, fx.roster, NULL);
		seen *s = eng ? seen_new(eng, false) : NULL;
		sw_load_stats st;
		rejects rj = { 0, 0 };
		if (s) {
			CHECK_EQ(load(eng, fx.evidence, jobs, &st, &rj), SW_OK);
			CHECK_EQ(atomic_load(&w.foreign), 0);
			CHECK_EQ(evaluate(eng, jobs, s, NULL), SW_OK);
			CHECK_EQ(atomic_load(&w.foreign), 0);
			CHECK_EQ(s->count, (size_t)fx.pupils);
		} else {
			unit_fail(__FILE__, __LINE__, "setup failed");
		}
		seen_free(s);
		sw_engine_free(eng);
	}
	files_remove(&fx);
}

/* Progress calls of a threaded read, the first eight kept. */
typedef struct progress {
	int calls;
	uint64_t rows[8], bytes[8], size;
} progress;

static void on_progress(uint64_t rows, uint64_t bytes, uint64_t size, void *payload)
{
	progress *p = payload;
	if (p->calls < 8) {
		p->rows[p->calls] = rows;
		p->bytes[p->calls] = bytes;
	}
	p->calls++;
	p->size = size;
}

/* The rows a one-thread read finds in the first n bytes of path. */
static uint64_t rows_in_prefix(const char *path, uint64_t n, const char *roster)
{
	char tmp[] = "/tmp/sw-par-pre-XXXXXX";
	int fd = mkstemp(tmp);
	FILE *in = fopen(path, "rb"), *out = fd >= 0 ? fdopen(fd, "wb") : NULL;
	bool ok = in && out;
	char buf[4096];
	for (uint64_t left = n; ok && left > 0;) {
		size_t want = left < sizeof buf ? (size_t)left : sizeof buf;
		ok = fread(buf, 1, want, in) == want && fwrite(buf, 1, want, out) == want;
		left -= want;
	}
	if (in)
		fclose(in);
	ok = out && fclose(out) == 0 && ok;
	sw_load_stats st = { 0, 0, 0 };
	rejects rj = { 0, 0 };
	sw_engine *eng = ok ? engine_with(NULL, roster, NULL) : NULL;
	if (!eng || load(eng, tmp, 1, &st, &rj) != SW_OK)
		unit_fail(__FILE__, __LINE__, "reading the first %llu bytes failed",
		          (unsigned long long)n);
	sw_engine_free(eng);
	remove(tmp);
	return st.rows;
}

/* A threaded read's progress: each call's byte count is where the rows
   counted so far end (the same bytes read by one thread hold that many
   rows), and the size is the file's. */
void test_parallel_progress(void)
{
	files fx;
	REQUIRE(files_make(&fx, 140000, 500));
	sw_engine *eng = engine_with(NULL, fx.roster, NULL);
	progress pr = { 0, { 0 }, { 0 }, 0 };
	sw_load_options lo = SW_LOAD_OPTIONS_INIT;
	lo.jobs = 2;
	lo.on_progress = on_progress;
	lo.payload = &pr;
	sw_load_stats st;
	FILE *f = fopen(fx.evidence, "rb");
	long size = f && fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
	if (f)
		fclose(f);
	if (eng) {
		CHECK_EQ(sw_engine_load_evidence(eng, fx.evidence, &lo, &st), SW_OK);
		CHECK(pr.calls >= 2);
		CHECK_EQ(pr.size, (uint64_t)size);
		for (int i = 0; i < pr.calls && i < 8; i++) {
			CHECK(pr.bytes[i] <= pr.size);
			CHECK_EQ(rows_in_prefix(fx.evidence, pr.bytes[i], fx.roster), pr.rows[i]);
		}
	}
	sw_engine_free(eng);
	files_remove(&fx);
}

