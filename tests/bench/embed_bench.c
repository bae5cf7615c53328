/*
 * embed_bench.c - the cost of one evaluation for a host that embeds
 * Stepwise (a web request asking for one pupil's steps): through the C
 * API, one pupil with 8 skills of 10 records each (sw_engine_add_pupil,
 * sw_engine_add_evidence), then sw_engine_evaluate_pupil called many
 * times, each call timed on its own.
 *
 * usage: embed_bench [RUBRIC [CALLS]]    (default: highest, 20000 calls)
 * prints "embed RUBRIC: median M us, p10 A us, p90 B us, mean C us (N calls)"
 *
 * Nothing is asserted: the numbers are for a person to read.
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

static int fail(sw_engine *eng, const char *what)
{
	fprintf(stderr, "embed_bench: %s failed", what);
	const sw_error *e = eng ? sw_engine_error(eng, 0) : NULL;
	if (e)
		fprintf(stderr, ": %s", e->message);
	fprintf(stderr, "\n");
	sw_engine_free(eng);
	return 1;
}

int main(int argc, char **argv)
{
	const char *rubric = argc > 1 ? argv[1] : "highest";
	long calls = argc > 2 ? strtol(argv[2], NULL, 10) : 20000;
	if (calls < 1)
		calls = 1;
	sw_engine *eng;
	if (sw_engine_new(&eng, NULL) != SW_OK)
		return fail(NULL, "sw_engine_new");
	if (sw_engine_load_framework_builtin(eng, "skills-builder-v2") != SW_OK)
		return fail(eng, "loading the framework");
	if (sw_engine_load_rubric(eng, rubric) != SW_OK)
		return fail(eng, "loading the rubric");

	sw_pupil_data p = SW_PUPIL_DATA_INIT;
	const char *groups[] = { "pupil-premium" };
	p.id = "A123456789012";
	p.name = "Siân Llywelyn";
	p.year = 5;
	p.class_name = "5B";
	p.school = "Ysgol Gymraeg Aberystwyth";
	p.groups = groups;
	p.group_count = 1;
	if (sw_engine_add_pupil(eng, &p) != SW_OK)
		return fail(eng, "sw_engine_add_pupil");

	static const char *const skills[8] = { "listening", "speaking", "problem-solving",
		                               "creativity", "adapting", "planning",
		                               "leadership", "teamwork" };
	static const char *const sources[3] = { "teacher", "self", "peer" };
	unsigned seed = 12345;
	for (int k = 0; k < 8; k++)
		for (int i = 0; i < 10; i++) {
			char date[16];
			seed = seed * 1103515245u + 12345u;
			/* dates out of order, as they arrive */
			snprintf(date, sizeof date, "2026-%02u-%02u", 1 + (seed >> 8) % 6,
			         1 + (seed >> 16) % 28);
			sw_evidence_data e = SW_EVIDENCE_DATA_INIT;
			e.pupil = p.id;
			e.skill = skills[k];
			e.step = 3 + (int)((seed >> 12) % 5);
			e.date = date;
			e.outcome = i % 4 == 3 ? "developing" : "secured";
			e.source = sources[i % 10 < 6 ? 0 : i % 10 < 9 ? 1 : 2];
			e.assessor = e.source == sources[0] ? "Ms Evans" : NULL;
			e.context = "circle time";
			e.note = i % 3 == 0 ? "explained to a partner, then wrote it down" : NULL;
			if (sw_engine_add_evidence(eng, &e) != SW_OK)
				return fail(eng, "sw_engine_add_evidence");
		}

	double *t = malloc((size_t)calls * sizeof *t);
	if (!t)
		return fail(eng, "malloc");
	long warm = calls / 10 + 10, checksum = 0;
	for (long i = -warm; i < calls; i++) {
		sw_result *r;
		double t0 = now_us();
		int rc = sw_engine_evaluate_pupil(&r, eng, p.id, NULL);
		double t1 = now_us();
		if (rc != SW_OK) {
			free(t);
			return fail(eng, "sw_engine_evaluate_pupil");
		}
		int step;
		if (i == 0 && sw_result_error_count(r)) {
			fprintf(stderr, "embed_bench: rubric error: %s\n", sw_result_error(r, 0));
			sw_result_free(r);
			free(t);
			sw_engine_free(eng);
			return 1;
		}
		for (size_t k = 0; k < sw_result_skill_count(r); k++)
			if (sw_result_has_step(&step, r, k))
				checksum += step;
		sw_result_free(r);
		if (i >= 0)
			t[i] = t1 - t0;
	}
	double sum = 0;
	for (long i = 0; i < calls; i++)
		sum += t[i];
	qsort(t, (size_t)calls, sizeof *t, cmp_double);
	printf("embed %s: median %.2f us, p10 %.2f us, p90 %.2f us, mean %.2f us (%ld calls, "
	       "checksum %ld)\n",
	       rubric, t[calls / 2], t[calls / 10], t[calls * 9 / 10], sum / (double)calls, calls,
	       checksum / (calls + warm));
	free(t);
	sw_engine_free(eng);
	return 0;
}
