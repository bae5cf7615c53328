/*
 * edit_bench.c - the cost of editing a large engine in place: 20,000
 * pupils with 48 records each (960,000 records) are loaded through the C
 * API and evaluated once; then, many times, one record is added for a
 * pupil and that pupil is evaluated again (sw_engine_add_evidence then
 * sw_engine_evaluate_pupil), each pair timed on its own; then the same
 * for removing one of the pupil's skills (sw_engine_remove_evidence).
 *
 * usage: edit_bench [PUPILS [CALLS]]    (default: 20000 pupils, 2000 calls)
 * prints "edit add+evaluate: median M us, p90 B us (N calls, R records)"
 * Built against an older library (without removal: -DEDIT_BENCH_ADD_ONLY)
 * it measures what was there before. Nothing is asserted.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include "stepwise.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static const char *const SKILLS[] = { "listening", "speaking", "problem-solving", "creativity",
	                              "adapting", "planning", "leadership",
	                              "teamwork" };

/* Adds one record; 0 on success. */
static int add(sw_engine *eng, unsigned pupil, unsigned k, unsigned step, unsigned day)
{
	char id[16], date[16];
	snprintf(id, sizeof id, "P%06u", pupil);
	snprintf(date, sizeof date, "2025-%02u-%02u", 1 + day % 12, 1 + day % 28);
	sw_evidence_data e = SW_EVIDENCE_DATA_INIT;
	e.pupil = id;
	e.skill = SKILLS[k % 8];
	e.step = (int)(step % 16);
	e.date = date;
	return sw_engine_add_evidence(eng, &e);
}

static void report(const char *what, double *t, size_t n, size_t records)
{
	qsort(t, n, sizeof *t, cmp_double);
	printf("edit %s: median %.1f us, p90 %.1f us (%zu calls, %zu records)\n", what, t[n / 2],
	       t[n * 9 / 10], n, records);
}

int main(int argc, char **argv)
{
	unsigned pupils = argc > 1 ? (unsigned)atoi(argv[1]) : 20000;
	size_t calls = argc > 2 ? (size_t)atoi(argv[2]) : 2000;
	sw_engine *eng = NULL;
	if (sw_engine_new(&eng, NULL) || sw_engine_load_framework_builtin(eng, "skills-builder-v2") ||
	    sw_engine_load_rubric(eng, "latest")) {
		fprintf(stderr, "edit_bench: setup failed\n");
		return 1;
	}
	for (unsigned p = 0; p < pupils; p++)
		for (unsigned r = 0; r < 48; r++)
			if (add(eng, p, r, r / 6 + p, r * 7 + p)) {
				fprintf(stderr, "edit_bench: adding evidence failed\n");
				return 1;
			}
	if (sw_engine_evaluate(eng, NULL, NULL, NULL, NULL)) {
		fprintf(stderr, "edit_bench: evaluate failed\n");
		return 1;
	}
	double *t = calloc(calls, sizeof *t);
	if (!t)
		return 1;
	char id[16];
	for (size_t i = 0; i < calls; i++) {
		unsigned p = (unsigned)(i * 7919u % pupils);
		snprintf(id, sizeof id, "P%06u", p);
		double t0 = now_us();
		sw_result *r = NULL;
		if (add(eng, p, (unsigned)i, (unsigned)i, (unsigned)i) ||
		    sw_engine_evaluate_pupil(&r, eng, id, NULL)) {
			fprintf(stderr, "edit_bench: add+evaluate failed\n");
			return 1;
		}
		t[i] = now_us() - t0;
		sw_result_free(r);
	}
	report("add+evaluate", t, calls, sw_engine_evidence_count(eng));
#ifndef EDIT_BENCH_ADD_ONLY
	for (size_t i = 0; i < calls; i++) {
		unsigned p = (unsigned)((i * 104729u + 1) % pupils);
		snprintf(id, sizeof id, "P%06u", p);
		double t0 = now_us();
		sw_result *r = NULL;
		size_t removed;
		if (sw_engine_remove_evidence(&removed, eng, id, SKILLS[i % 8]) ||
		    sw_engine_evaluate_pupil(&r, eng, id, NULL)) {
			fprintf(stderr, "edit_bench: remove+evaluate failed\n");
			return 1;
		}
		t[i] = now_us() - t0;
		sw_result_free(r);
	}
	report("remove-skill+evaluate", t, calls, sw_engine_evidence_count(eng));
#endif
	free(t);
	sw_engine_free(eng);
	return 0;
}
