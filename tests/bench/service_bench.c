/*
 * service_bench.c - the cost per pupil of "evaluate" for a class through
 * the service protocol (sw_service_handle_opts, what `serve --stdio` and
 * `serve --http` call for each request), against the same class in-process
 * through the C API. A class is PUPILS pupils with 48 records each (8
 * skills, 6 records), single-threaded, the built-in rubric "highest".
 *
 * usage: service_bench [PUPILS [ROUNDS [REQUESTS-FILE]]]  (default 30, 300)
 * With REQUESTS-FILE, also writes ROUNDS copies of the class request there,
 * one per line, for timing `stepwise serve --stdio < FILE` (tests/bench/run.py).
 * Prints medians per pupil in microseconds; nothing is asserted.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include "stepwise.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const SKILLS[8] = { "listening", "speaking", "problem-solving", "creativity",
	                               "adapting", "planning", "leadership", "teamwork" };
static const char *const SOURCES[3] = { "teacher", "self", "peer" };

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Record i of pupil p: the same values in both ways of evaluating. */
static void record(sw_evidence_data *e, char *date, const char *pupil, int i, unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	snprintf(date, 16, "2026-%02u-%02u", 1 + (*seed >> 8) % 6, 1 + (*seed >> 16) % 28);
	e->pupil = pupil;
	e->skill = SKILLS[i / 6];
	e->step = 3 + (int)((*seed >> 12) % 5);
	e->date = date;
	e->outcome = i % 4 == 3 ? "developing" : "secured";
	e->source = SOURCES[i % 6 < 4 ? 0 : i % 6 < 5 ? 1 : 2];
	e->context = "circle time";
	e->note = i % 3 == 0 ? "explained to a partner, then wrote it down" : NULL;
}

/* The class as one request line (malloc). */
static char *class_request(int pupils)
{
	size_t cap = (size_t)pupils * 48 * 220 + 4096, len = 0;
	char *s = malloc(cap);
	if (!s)
		return NULL;
	len += (size_t)snprintf(s + len, cap - len, "{\"id\": 1, \"op\": \"evaluate\", \"pupils\": [");
	for (int p = 0; p < pupils; p++)
		len += (size_t)snprintf(s + len, cap - len,
		                        "%s{\"id\": \"P%04d\", \"year\": 5, \"class\": \"5B\"}",
		                        p ? ", " : "", p);
	len += (size_t)snprintf(s + len, cap - len, "], \"evidence\": [");
	unsigned seed = 12345;
	for (int p = 0; p < pupils; p++) {
		char id[16], date[16];
		snprintf(id, sizeof id, "P%04d", p);
		for (int i = 0; i < 48; i++) {
			sw_evidence_data e = SW_EVIDENCE_DATA_INIT;
			record(&e, date, id, i, &seed);
			len += (size_t)snprintf(
			        s + len, cap - len,
			        "%s{\"pupil\": \"%s\", \"skill\": \"%s\", \"step\": %d, \"date\": \"%s\", "
			        "\"outcome\": \"%s\", \"source\": \"%s\", \"context\": \"%s\"%s%s%s}",
			        p || i ? ", " : "", id, e.skill, e.step, e.date, e.outcome, e.source,
			        e.context, e.note ? ", \"note\": \"" : "", e.note ? e.note : "",
			        e.note ? "\"" : "");
		}
	}
	snprintf(s + len, cap - len, "]}");
	return s;
}

static int no_result(const sw_result *r, void *payload)
{
	(void)r;
	++*(long *)payload;
	return SW_OK;
}

/* The class in-process: reset, add the pupils and records, evaluate. */
static int in_process(sw_engine *eng, int pupils, long *seen)
{
	sw_engine_reset_data(eng);
	unsigned seed = 12345;
	char id[16], date[16];
	for (int p = 0; p < pupils; p++) {
		sw_pupil_data d = SW_PUPIL_DATA_INIT;
		snprintf(id, sizeof id, "P%04d", p);
		d.id = id;
		d.year = 5;
		d.class_name = "5B";
		if (sw_engine_add_pupil(eng, &d) != SW_OK)
			return 1;
	}
	for (int p = 0; p < pupils; p++) {
		snprintf(id, sizeof id, "P%04d", p);
		for (int i = 0; i < 48; i++) {
			sw_evidence_data e = SW_EVIDENCE_DATA_INIT;
			record(&e, date, id, i, &seed);
			if (sw_engine_add_evidence(eng, &e) != SW_OK)
				return 1;
		}
	}
	return sw_engine_evaluate(eng, NULL, no_result, seen, NULL) != SW_OK;
}

int main(int argc, char **argv)
{
	int pupils = argc > 1 ? atoi(argv[1]) : 30;
	int rounds = argc > 2 ? atoi(argv[2]) : 300;
	if (pupils < 1 || rounds < 1)
		return 2;
	sw_engine *eng;
	if (sw_engine_new(&eng, NULL) || sw_engine_load_framework_builtin(eng, "skills-builder-v2") ||
	    sw_engine_load_rubric(eng, "highest")) {
		fprintf(stderr, "service_bench: cannot set up the engine\n");
		return 1;
	}
	char *req = class_request(pupils);
	double *svc = malloc((size_t)rounds * sizeof *svc), *inp = malloc((size_t)rounds * sizeof *inp);
	if (!req || !svc || !inp)
		return 1;
	if (argc > 3) {
		FILE *f = fopen(argv[3], "w");
		for (int i = 0; f && i < rounds; i++)
			fprintf(f, "%s\n", req);
		if (!f || fclose(f)) {
			fprintf(stderr, "service_bench: cannot write %s\n", argv[3]);
			return 1;
		}
	}
	size_t len = strlen(req);
	long seen = 0, bytes = 0;
	for (int i = -rounds / 10; i < rounds; i++) {
		double t0 = now_us();
		if (in_process(eng, pupils, &seen)) {
			fprintf(stderr, "service_bench: in-process evaluation failed\n");
			return 1;
		}
		double t1 = now_us();
		char *resp;
		if (sw_service_handle_opts(&resp, eng, NULL, req, len) != SW_OK ||
		    strncmp(resp, "{\"id\": 1, \"ok\": true", 20) != 0) {
			fprintf(stderr, "service_bench: the request failed: %.300s\n", resp ? resp : "");
			return 1;
		}
		double t2 = now_us();
		bytes = (long)strlen(resp);
		sw_string_free(eng, resp);
		if (i >= 0) {
			inp[i] = (t1 - t0) / pupils;
			svc[i] = (t2 - t1) / pupils;
		}
	}
	qsort(inp, (size_t)rounds, sizeof *inp, cmp_double);
	qsort(svc, (size_t)rounds, sizeof *svc, cmp_double);
	printf("class of %d pupils x 48 records (request %zu bytes, response %ld bytes), %d rounds:\n"
	       "  in-process (add + evaluate): median %.2f us per pupil\n"
	       "  service evaluate (parse + add + evaluate + JSON): median %.2f us per pupil\n"
	       "  ratio %.2fx\n",
	       pupils, len, bytes, rounds, inp[rounds / 2], svc[rounds / 2],
	       svc[rounds / 2] / inp[rounds / 2]);
	free(req);
	free(svc);
	free(inp);
	sw_engine_free(eng);
	return seen > 0 ? 0 : 1;
}
