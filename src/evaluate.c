/*
 * evaluate.c - the evaluation driver: pupils in id order, each pupil's
 * records handed to the rubric runner, results handed to the caller.
 */
#include "internal.h"
#include "rubric.h"

#include <pthread.h>
#include <string.h>

/* Makes sure a rubric (default: the built-in "highest") and its runner exist. */
static int ready(sw_engine *eng)
{
	if (!eng->fw)
		return sw_diag_add(&eng->diag, SW_ESTATE, NULL, 0, 0, NULL,
		                   "load a framework before evaluating");
	if (!eng->rubric) {
		int rc = sw_engine_load_rubric_builtin(eng, "highest");
		if (rc)
			return rc;
	}
	if (!eng->rubric->runner) {
		int rc = sw_runner_open(&eng->rubric->runner, eng, &eng->diag);
		if (rc)
			return rc;
	}
	if (!sw_roster_get(eng))
		return sw_diag_add(&eng->diag, SW_ENOMEM, NULL, 0, 0, NULL, "out of memory");
	int rc = sw_evidence_sort(eng);
	if (!rc)
		rc = sw_roster_sort(eng->roster, &eng->mem);
	if (rc)
		return sw_diag_add(&eng->diag, rc, NULL, 0, 0, NULL, "out of memory");
	return SW_OK;
}

/* Reads the as-of date of the options into *days (INT32_MAX when none). */
static int as_of(sw_engine *eng, const sw_eval_options *opts, int32_t *days)
{
	*days = INT32_MAX;
	if (opts && opts->version != SW_EVAL_OPTIONS_VERSION)
		return sw_diag_add(&eng->diag, SW_EINVALID, NULL, 0, 0, NULL,
		                   "sw_eval_options has an unknown version");
	if (opts && opts->as_of && !sw_date_parse(days, opts->as_of, strlen(opts->as_of)))
		return sw_diag_add(&eng->diag, SW_EINVALID, NULL, 0, 0, NULL,
		                   "as-of date '%.20s' is not a real date as YYYY-MM-DD", opts->as_of);
	return SW_OK;
}

/* The records of pupil p (after sorting). */
static const sw_record *records_of(const sw_engine *eng, size_t p, size_t *n)
{
	const struct sw_evidence *ev = eng->evidence;
	if (!ev || !ev->first || p >= eng->roster->count) {
		*n = 0;
		return NULL;
	}
	*n = ev->first[p + 1] - ev->first[p];
	return ev->recs + ev->first[p];
}

#define MAX_JOBS 64
#define BATCH 512

/* One thread's share of a batch: every jobs-th pupil from `first`. */
typedef struct worker {
	sw_engine *eng;
	sw_runner *runner;
	sw_result *results; /* the batch's results (shared array, own slots) */
	size_t first, count, step;
	size_t start;       /* position of the batch in the pupil order */
	int32_t days;
	const char *as_of;
	int rc;
} worker;

/* Evaluates the worker's pupils of the current batch. */
static void *work(void *arg)
{
	worker *w = arg;
	w->rc = SW_OK;
	for (size_t i = w->first; i < w->count && w->rc == SW_OK; i += w->step) {
		size_t p = w->eng->roster->order[w->start + i], n;
		const sw_record *recs = records_of(w->eng, p, &n);
		w->rc = sw_runner_pupil(w->runner, &w->results[i], p, recs, n, w->days, w->as_of);
	}
	return NULL;
}

int sw_engine_evaluate(sw_engine *eng, const sw_eval_options *opts, sw_result_fn fn,
                       void *payload, sw_eval_stats *stats)
{
	if (!eng)
		return SW_EINVALID;
	sw_engine_begin(eng);
	sw_eval_stats dummy;
	if (!stats)
		stats = &dummy;
	memset(stats, 0, sizeof *stats);
	int32_t days;
	int rc = as_of(eng, opts, &days);
	if (rc || (rc = ready(eng)))
		return rc;
	size_t total = eng->roster->count;
	size_t jobs = opts && opts->jobs > 1 ? opts->jobs : 1;
	if (jobs > MAX_JOBS)
		jobs = MAX_JOBS;
	if (jobs > total / 16 + 1)
		jobs = total / 16 + 1; /* a small class is not worth the threads */
	size_t batch = jobs > 1 ? BATCH : 1;
	worker w[MAX_JOBS];
	memset(w, 0, sizeof w);
	sw_result *res = sw_mem_calloc(&eng->mem, batch, sizeof *res);
	if (!res)
		return sw_diag_add(&eng->diag, SW_ENOMEM, NULL, 0, 0, NULL, "out of memory");
	size_t made = 0;
	for (; made < batch && rc == SW_OK; made++)
		rc = sw_result_init(&res[made], eng);
	for (size_t j = 0; j < jobs && rc == SW_OK; j++) {
		w[j].eng = eng;
		w[j].results = res;
		w[j].first = j;
		w[j].step = jobs;
		w[j].days = days;
		w[j].as_of = opts ? opts->as_of : NULL;
		if (j == 0)
			w[j].runner = eng->rubric->runner;
		else
			rc = sw_runner_open(&w[j].runner, eng, &eng->diag);
	}
	for (size_t start = 0; start < total && rc == SW_OK; start += batch) {
		size_t count = total - start < batch ? total - start : batch;
		pthread_t th[MAX_JOBS];
		size_t started = 1;
		for (size_t j = 0; j < jobs; j++) {
			w[j].start = start;
			w[j].count = count;
		}
		for (size_t j = 1; j < jobs; j++) {
			if (pthread_create(&th[j], NULL, work, &w[j]) != 0)
				break;
			started++;
		}
		/* the calling thread takes its share, and any share a thread could not */
		work(&w[0]);
		for (size_t j = started; j < jobs; j++)
			work(&w[j]);
		for (size_t j = 1; j < started; j++)
			pthread_join(th[j], NULL);
		for (size_t j = 0; j < jobs && rc == SW_OK; j++)
			rc = w[j].rc;
		if (rc) {
			sw_diag_add(&eng->diag, rc, NULL, 0, 0, NULL, "out of memory");
			break;
		}
		for (size_t i = 0; i < count && rc == SW_OK; i++) {
			stats->pupils++;
			stats->errors += res[i].error_count;
			stats->pupils_with_errors += res[i].error_count > 0;
			if (fn)
				rc = fn(&res[i], payload);
		}
	}
	for (size_t j = 1; j < jobs; j++)
		sw_runner_free(w[j].runner);
	for (size_t i = 0; i < made; i++)
		sw_result_release(&res[i]);
	sw_mem_free(&eng->mem, res);
	return rc;
}

int sw_engine_evaluate_pupil(sw_result **out, sw_engine *eng, const char *pupil,
                             const sw_eval_options *opts)
{
	if (out)
		*out = NULL;
	if (!eng || !out)
		return SW_EINVALID;
	sw_engine_begin(eng);
	int32_t days;
	int rc = as_of(eng, opts, &days);
	if (rc || (rc = ready(eng)))
		return rc;
	size_t p;
	if (!pupil || !sw_roster_find(eng->roster, pupil, strlen(pupil), &p))
		return sw_diag_add(&eng->diag, SW_ENOTFOUND, NULL, 0, 0, NULL, "no pupil '%.64s'",
		                   pupil ? pupil : "");
	sw_result *res = sw_mem_calloc(&eng->mem, 1, sizeof *res);
	if (!res || sw_result_init(res, eng)) {
		sw_mem_free(&eng->mem, res);
		return sw_diag_add(&eng->diag, SW_ENOMEM, NULL, 0, 0, NULL, "out of memory");
	}
	size_t n;
	const sw_record *recs = records_of(eng, p, &n);
	rc = sw_runner_pupil(eng->rubric->runner, res, p, recs, n, days, opts ? opts->as_of : NULL);
	if (rc) {
		sw_result_free(res);
		return sw_diag_add(&eng->diag, rc, NULL, 0, 0, NULL, "out of memory");
	}
	*out = res;
	return SW_OK;
}
