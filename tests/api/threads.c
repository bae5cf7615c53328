/*
 * threads.c - the thread model in practice: several engines evaluate the
 * example class at the same time, one engine per thread and no locks, and
 * every thread's results (and service responses) must equal those of a
 * single-threaded run. Built with -fsanitize=thread by `make tsan`, where
 * ThreadSanitizer reports any data race between the engines.
 * Each run of the highest rubric is also made with sw_eval_options.jobs = 4
 * and the evidence read with sw_load_options.jobs = 4 (threads inside one
 * engine), which must not change the results either. A larger file read
 * with four threads and no roster (pupils made as their rows are stored,
 * while other rows are being checked) must give what one thread gives.
 * Usage: threads [CLASS-DIR] (default examples/class-5b)
 */
#include "stepwise.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define THREADS 8
#define ROUNDS 3
#define CONFIGS 3

/* Rubric and parameter of each configuration; thread t runs config t % CONFIGS. */
static const char *const RUBRIC[CONFIGS] = { "highest", "secured-n", "decaying-average" };
static const char *const PARAM[CONFIGS][2] = { { NULL, NULL }, { "times", "2" }, { "rate", "0.5" } };

/* Service requests sent after the evaluation. */
static const char *const REQUESTS[] = {
	"{\"id\": 1, \"op\": \"ping\"}",
	"{\"id\": 2, \"op\": \"evaluate\", \"pupil\": {\"id\": \"X1\", \"year\": 5}, \"evidence\": ["
	"{\"skill\": \"listening\", \"step\": 4, \"date\": \"2026-01-05\"},"
	"{\"skill\": \"teamwork\", \"step\": 3, \"date\": \"2026-01-06\"},"
	"{\"skill\": \"teamwork\", \"step\": 5, \"date\": \"2026-01-07\", \"source\": \"self\"},"
	"{\"skill\": \"juggling\", \"step\": 1, \"date\": \"2026-01-07\"}]}",
	"{\"id\": 3, \"op\": \"framework\"}",
	"{\"id\": 4, \"op\": \"nonsense\"}",
};

static char pupils_path[4096], evidence_path[4096];

/* A growable text; `failed` once memory ran out. */
typedef struct text {
	char *p;
	size_t len, cap;
	int failed;
} text;

static void text_add(text *t, const char *s)
{
	size_t n = strlen(s);
	if (t->failed)
		return;
	if (t->len + n + 2 > t->cap) {
		size_t cap = (t->len + n + 2) * 2;
		char *p = realloc(t->p, cap);
		if (!p) {
			t->failed = 1;
			return;
		}
		t->p = p;
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len++] = '\n';
	t->p[t->len] = '\0';
}

/* A counting allocator, one count per engine (so per thread). */
static void *counting(void *ud, void *ptr, size_t size)
{
	long *blocks = ud;
	if (size == 0) {
		if (ptr)
			(*blocks)--;
		free(ptr);
		return NULL;
	}
	void *p = realloc(ptr, size);
	if (p && !ptr)
		(*blocks)++;
	return p;
}

/* Where the results go: the engine (to free its strings) and the text. */
typedef struct sink {
	sw_engine *eng;
	text *out;
} sink;

/* Appends one result as JSON (an sw_result_fn). */
static int keep(const sw_result *r, void *payload)
{
	sink *s = payload;
	char *json;
	if (sw_result_json(&json, r) != SW_OK)
		return SW_ENOMEM;
	text_add(s->out, json);
	sw_string_free(s->eng, json);
	return 0;
}

/* One full run of configuration c into out; 0 on success. */
static int run(int c, text *out)
{
	long blocks = 0;
	sw_allocator a = { counting, &blocks };
	sw_engine_options opts = SW_ENGINE_OPTIONS_INIT;
	opts.allocator = &a;
	sw_engine *eng;
	if (sw_engine_new(&eng, &opts) != SW_OK)
		return 1;
	int rc = sw_engine_load_framework_builtin(eng, "skills-builder-v2");
	if (!rc)
		rc = sw_engine_load_rubric(eng, RUBRIC[c]);
	if (!rc && PARAM[c][0])
		rc = sw_engine_set_param(eng, PARAM[c][0], PARAM[c][1]);
	if (!rc)
		rc = sw_engine_load_pupils(eng, pupils_path, NULL, NULL);
	if (!rc)
		rc = sw_engine_load_evidence(eng, evidence_path, NULL, NULL);
	sink s = { eng, out };
	if (!rc)
		rc = sw_engine_evaluate(eng, NULL, keep, &s, NULL);
	if (!rc && c == 0) {
		/* the same again with threads inside the engine: the default
		   allocator, as the counting one is not thread-safe */
		sw_engine *e2;
		text again = { 0 };
		sink s2 = { NULL, &again };
		sw_eval_options eo = SW_EVAL_OPTIONS_INIT;
		eo.jobs = 4;
		sw_load_options lo = SW_LOAD_OPTIONS_INIT;
		lo.jobs = 4; /* the parallel reader too */
		rc = sw_engine_new(&e2, NULL);
		s2.eng = e2;
		if (!rc && !(rc = sw_engine_load_framework_builtin(e2, "skills-builder-v2")) &&
		    !(rc = sw_engine_load_pupils(e2, pupils_path, NULL, NULL)) &&
		    !(rc = sw_engine_load_evidence(e2, evidence_path, &lo, NULL)))
			rc = sw_engine_evaluate(e2, &eo, keep, &s2, NULL);
		if (!rc && (again.len != out->len || memcmp(again.p, out->p, out->len) != 0)) {
			fprintf(stderr, "threads: jobs = 4 gives other results\n");
			rc = SW_ERROR;
		}
		free(again.p);
		sw_engine_free(e2);
	}
	for (size_t i = 0; !rc && i < sizeof REQUESTS / sizeof REQUESTS[0]; i++) {
		char *response;
		rc = sw_service_handle(&response, eng, REQUESTS[i], strlen(REQUESTS[i]));
		if (!rc)
			text_add(out, response);
		sw_string_free(eng, response);
	}
	if (rc && sw_engine_error_count(eng)) {
		char buf[512];
		sw_error_format(buf, sizeof buf, sw_engine_error(eng, 0));
		fprintf(stderr, "threads: %s\n", buf);
	}
	sw_engine_free(eng);
	if (blocks) {
		fprintf(stderr, "threads: %ld blocks not freed\n", blocks);
		return 1;
	}
	return rc || out->failed;
}

/* Loads `path` without a roster (jobs threads reading), evaluates it, and
   keeps the results in out; 0 on success. */
static int run_implicit(const char *path, unsigned jobs, text *out)
{
	sw_engine *eng;
	if (sw_engine_new(&eng, NULL) != SW_OK)
		return 1;
	sw_load_options lo = SW_LOAD_OPTIONS_INIT;
	lo.jobs = jobs;
	sw_eval_options eo = SW_EVAL_OPTIONS_INIT;
	eo.jobs = jobs;
	sink s = { eng, out };
	sw_load_stats st;
	int rc = sw_engine_load_framework_builtin(eng, "skills-builder-v2");
	if (!rc)
		rc = sw_engine_load_evidence(eng, path, &lo, &st);
	if (!rc && st.accepted != st.rows)
		rc = SW_ERROR;
	if (!rc)
		rc = sw_engine_evaluate(eng, &eo, keep, &s, NULL);
	sw_engine_free(eng);
	return rc || out->failed;
}

/* 40,000 rows of 4,000 pupils in no order, no roster: read with 1 and 4 threads. */
static int implicit_pupils(void)
{
	static const char *const skills[] = { "listening", "speaking", "teamwork", "planning" };
	char path[] = "/tmp/stepwise-threads-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		fprintf(stderr, "threads: cannot make a temporary file\n");
		return 1;
	}
	fputs("pupil,skill,step,date,outcome\n", f);
	unsigned x = 12345;
	for (int i = 0; i < 40000; i++) {
		x = x * 1103515245u + 12345u;
		fprintf(f, "Q%05u,%s,%u,2026-0%u-1%u,%s\n", (x >> 8) % 4000, skills[(x >> 4) % 4],
		        (x >> 12) % 16, 1 + (x >> 16) % 9, (x >> 20) % 10,
		        (x >> 24) % 3 ? "secured" : "developing");
	}
	int rc = fclose(f) != 0;
	text one = { 0 }, four = { 0 };
	rc = rc || run_implicit(path, 1, &one) || run_implicit(path, 4, &four);
	if (!rc && (one.len != four.len || memcmp(one.p, four.p, one.len) != 0)) {
		fprintf(stderr, "threads: reading without a roster with 4 threads gives other "
		        "results\n");
		rc = 1;
	}
	remove(path);
	free(one.p);
	free(four.p);
	return rc;
}

typedef struct job {
	int config;
	const text *expected;
	int failures;
} job;

/* A thread: ROUNDS runs, each compared with the single-threaded one. */
static void *worker(void *arg)
{
	job *j = arg;
	for (int r = 0; r < ROUNDS; r++) {
		text got = { 0 };
		if (run(j->config, &got) || got.len != j->expected->len ||
		    memcmp(got.p, j->expected->p, got.len) != 0)
			j->failures++;
		free(got.p);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "examples/class-5b";
	snprintf(pupils_path, sizeof pupils_path, "%s/pupils.csv", dir);
	snprintf(evidence_path, sizeof evidence_path, "%s/evidence.csv", dir);
	text expected[CONFIGS] = { { 0 } };
	int status = implicit_pupils();
	for (int c = 0; c < CONFIGS; c++)
		if (run(c, &expected[c])) {
			fprintf(stderr, "threads: the single-threaded run of %s failed\n", RUBRIC[c]);
			status = 1;
		}
	job jobs[THREADS];
	pthread_t tid[THREADS];
	int started = 0;
	for (int t = 0; t < THREADS && !status; t++) {
		jobs[t] = (job){ t % CONFIGS, &expected[t % CONFIGS], 0 };
		if (pthread_create(&tid[t], NULL, worker, &jobs[t]) != 0) {
			fprintf(stderr, "threads: cannot start a thread\n");
			status = 1;
			break;
		}
		started++;
	}
	for (int t = 0; t < started; t++) {
		pthread_join(tid[t], NULL);
		if (jobs[t].failures) {
			fprintf(stderr, "threads: thread %d (%s): %d of %d runs differ from the "
			        "single-threaded run\n", t, RUBRIC[jobs[t].config], jobs[t].failures,
			        ROUNDS);
			status = 1;
		}
	}
	if (!status)
		printf("threads: ok (%d threads x %d runs, %zu+%zu+%zu bytes of results each)\n",
		       THREADS, ROUNDS, expected[0].len, expected[1].len, expected[2].len);
	for (int c = 0; c < CONFIGS; c++)
		free(expected[c].p);
	return status;
}
