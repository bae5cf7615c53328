/*
 * evaluate.c - the evaluation driver: pupils in id order, each pupil's
 * records handed to the rubric runner, results handed to the caller.
 */
#include "internal.h"
#include "rubric.h"

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
	sw_result res;
	if (sw_result_init(&res, eng))
		return sw_diag_add(&eng->diag, SW_ENOMEM, NULL, 0, 0, NULL, "out of memory");
	const char *text = opts ? opts->as_of : NULL;
	for (size_t i = 0; i < eng->roster->count && rc == SW_OK; i++) {
		size_t p = eng->roster->order[i], n;
		const sw_record *recs = records_of(eng, p, &n);
		rc = sw_runner_pupil(eng->rubric->runner, &res, p, recs, n, days, text);
		if (rc) {
			sw_diag_add(&eng->diag, rc, NULL, 0, 0, NULL, "out of memory");
			break;
		}
		stats->pupils++;
		stats->errors += res.error_count;
		stats->pupils_with_errors += res.error_count > 0;
		if (fn)
			rc = fn(&res, payload);
	}
	sw_result_release(&res);
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
