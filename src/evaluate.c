/*
 * evaluate.c - the evaluation driver: pupils in id order, each pupil's
 * records handed to the rubric runner, results handed to the caller.
 */
#include "internal.h"
#include "isolate.h"
#include "ordered.h"
#include "rubric.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Makes sure a rubric (default: the built-in "highest") and its runner exist,
   and the records are grouped (for one pupil, the per-pupil index may do). */
static int ready(sw_engine *eng, unsigned jobs, bool one_pupil)
{
	if (!eng->fw)
		return sw_diag_add(&eng->diag, SW_ESTATE, NULL, 0, 0, NULL,
		                   "load a framework before evaluating");
	int rc = eng->rubric ? SW_OK : sw_engine_load_rubric_builtin(eng, "highest");
	if (rc == SW_OK && !eng->rubric->runner)
		rc = sw_runner_open(&eng->rubric->runner, eng, &eng->diag);
	if (rc)
		return rc;
	if (!sw_roster_get(eng))
		return sw_diag_add(&eng->diag, SW_ENOMEM, NULL, 0, 0, NULL, "out of memory");
	/* a rubric that needs no order (highest, in C) gets the records grouped only */
	bool order = !sw_native_order_free(&eng->rubric->runner->native);
	if (!one_pupil || !eng->evidence || !sw_evindex_usable(eng->evidence))
		rc = sw_evidence_sort(eng, jobs, order);
	if (!rc)
		rc = sw_roster_sort(eng->roster, &eng->mem);
	return rc ? sw_diag_add(&eng->diag, rc, NULL, 0, 0, NULL, "out of memory") : SW_OK;
}

/* Reads the as-of date of the options into *days (INT32_MAX when none). */
static int as_of(sw_engine *eng, const sw_eval_options *opts, int32_t *days)
{
	*days = INT32_MAX;
	if (opts && opts->version != SW_EVAL_OPTIONS_VERSION && opts->version != 1)
		return sw_diag_add(&eng->diag, SW_EINVALID, NULL, 0, 0, NULL,
		                   "sw_eval_options has an unknown version");
	if (opts && opts->as_of && !sw_date_parse(days, opts->as_of, strlen(opts->as_of)))
		return sw_diag_add(&eng->diag, SW_EINVALID, NULL, 0, 0, NULL,
		                   "as-of date '%.20s' is not a real date as YYYY-MM-DD", opts->as_of);
	return SW_OK;
}

/* The start of an evaluation with stats: errors cleared, *stats zeroed (or,
   when NULL, pointed at dummy), the as-of date read into *days. */
static int begin(sw_engine *eng, const sw_eval_options *opts, sw_eval_stats **stats,
                 sw_eval_stats *dummy, int32_t *days)
{
	if (!eng)
		return SW_EINVALID;
	sw_engine_begin(eng);
	*stats = *stats ? *stats : dummy;
	memset(*stats, 0, sizeof **stats);
	return as_of(eng, opts, days);
}

/* ctx.as_of when no as-of date is given: the newest evidence date, never
   the clock (results stay reproducible). NULL when there is no evidence. */
static const char *newest_date(const sw_engine *eng, char out[16])
{
	int32_t best = sw_roster_day(eng, NULL); /* the newest, without a roster date */
	if (best == INT32_MIN)
		return NULL;
	sw_date_format(out, best);
	return out;
}

/* The same by position in the roster order, for isolate.c. */
static const sw_record *records_at(const sw_engine *eng, size_t pos, size_t *p, size_t *n)
{
	*p = eng->roster->order[pos];
	return sw_evidence_records(eng, *p, n);
}

#define BATCH 64      /* pupils per item of work */
#define ITEMS_PER_JOB 4 /* items in flight per thread */

/* One evaluation run: items of BATCH pupils in id order, evaluated by any
   thread into their slot of results, handed to the caller in order. */
typedef struct run {
	sw_engine *eng;
	sw_runner *runners[SW_ORDERED_MAX_JOBS]; /* one per thread; 0 is the engine's */
	sw_result *res;     /* window * BATCH */
	int *rc;            /* per slot */
	unsigned window;
	size_t total;
	int32_t days;
	const char *as_of;
	sw_result_fn fn;
	void *payload;
	sw_eval_stats *stats;
	char *stopped;      /* the rubric was stopped by the probe: every pupil's error */
} run;

/* Pupils run first, one by one, to see whether the rubric ends at all. */
#define PROBE_PUPILS 3

/*
 * The probe: the first PROBE_PUPILS pupils in id order (the same whatever
 * --jobs is), each only up to its first limit. When every one of them
 * reaches the instruction or time limit, the loop is taken to never end:
 * *stopped is set and no pupil is evaluated (a never-ending loop would
 * otherwise cost the limit for every pupil and skill). Otherwise the run
 * goes on as usual, and the limit's own message advises raising it. Also
 * run by an isolated worker (isolate_worker.c), on positions of the roster
 * order through `records`.
 */
int sw_eval_probe(sw_engine *eng, sw_runner *rn, sw_result *scratch, size_t total,
                  int32_t days, const char *as_of, sw_iso_records_fn records, char **stopped)
{
	size_t n = total < PROBE_PUPILS ? total : PROBE_PUPILS;
	*stopped = NULL;
	if (rn->native.kind || n == 0)
		return SW_OK;
	rn->stop_at_limit = true;
	/* what the probe prints is dropped: the pupils are evaluated again */
	char *printed = NULL;
	size_t printed_len = 0;
	FILE *print = rn->sb.print, *sink = open_memstream(&printed, &printed_len);
	if (!sink)
		return SW_ENOMEM;
	sw_write_fn print_fn = rn->sb.print_fn;
	rn->sb.print = sink;
	rn->sb.print_fn = NULL;
	bool all = true;
	int rc = SW_OK;
	for (size_t k = 0; k < n && all && rc == SW_OK; k++) {
		size_t p, cnt;
		const sw_record *recs = records(eng, k, &p, &cnt);
		unsigned hits = rn->limit_hits;
		rc = sw_runner_pupil(rn, scratch, p, recs, cnt, days, as_of);
		all = rn->limit_hits != hits;
	}
	rn->stop_at_limit = false;
	rn->sb.print = print;
	rn->sb.print_fn = print_fn;
	fclose(sink);
	free(printed);
	if (rc || !all)
		return rc;
	sw_buf b;
	sw_buf_init(&b, &eng->mem);
	const char *disp = eng->rubric->display;
	if (rn->limit_line > 0)
		sw_buf_printf(&b, "%s:%d: ", disp, rn->limit_line);
	else
		sw_buf_printf(&b, "%s: ", disp);
	sw_buf_printf(&b, "stopped: the rubric reached the limit of %llu instructions for each of "
	              "the first %zu pupils, so it was not run for any pupil; a loop here may never "
	              "end (check that what its condition tests changes each time round)",
	              (unsigned long long)rn->sb.instruction_limit, n);
	*stopped = sw_buf_take(&b);
	return *stopped ? SW_OK : SW_ENOMEM;
}

/* produce: items are pupils already there; one more while any is left. */
static int next_batch(void *ctx, uint64_t first)
{
	run *r = ctx;
	return first * BATCH < r->total;
}

/* work: evaluates the pupils of item i. */
static void evaluate_batch(void *ctx, uint64_t i, unsigned thread)
{
	run *r = ctx;
	size_t slot = i % r->window, from = i * BATCH;
	sw_result *res = r->res + slot * BATCH;
	int rc = SW_OK;
	for (size_t k = 0; k < BATCH && from + k < r->total && rc == SW_OK; k++) {
		size_t p = r->eng->roster->order[from + k], n;
		const sw_record *recs = sw_evidence_records(r->eng, p, &n);
		if (r->stopped)
			sw_runner_stopped(r->runners[thread], &res[k], p, recs, n, r->days, r->stopped);
		else
			rc = sw_runner_pupil(r->runners[thread], &res[k], p, recs, n, r->days, r->as_of);
	}
	/* once: the slots share cache lines, and another thread writes the next */
	r->rc[slot] = rc;
}

int sw_result_hand(sw_engine *eng, sw_eval_stats *stats, sw_result_fn fn, void *payload,
                   const sw_result *res)
{
	stats->pupils++;
	stats->errors += res->error_count;
	stats->pupils_with_errors += res->error_count > 0;
	int rc = fn ? fn(res, payload) : SW_OK;
	return rc ? sw_engine_stopped(eng, rc) : SW_OK;
}

/* finish: hands item i's results to the caller. */
static int hand_over(void *ctx, uint64_t i)
{
	run *r = ctx;
	size_t slot = i % r->window, from = i * BATCH;
	if (r->rc[slot])
		return sw_diag_add(&r->eng->diag, r->rc[slot], NULL, 0, 0, NULL, "out of memory");
	sw_result *res = r->res + slot * BATCH;
	for (size_t k = 0; k < BATCH && from + k < r->total; k++) {
		int rc = sw_result_hand(r->eng, r->stats, r->fn, r->payload, &res[k]);
		if (rc)
			return rc;
	}
	return SW_OK;
}

int sw_engine_evaluate(sw_engine *eng, const sw_eval_options *opts, sw_result_fn fn,
                       void *payload, sw_eval_stats *stats)
{
	sw_eval_stats dummy;
	int32_t days;
	int rc = begin(eng, opts, &stats, &dummy, &days);
	if (rc || (rc = ready(eng, opts ? opts->jobs : 1, false)))
		return rc;
	char newest[16];
	run r = { .eng = eng, .total = eng->roster->count, .days = days,
	          .as_of = opts && opts->as_of ? opts->as_of : newest_date(eng, newest), .fn = fn,
	          .payload = payload, .stats = stats };
	unsigned jobs = opts && opts->jobs > 1 ? opts->jobs : 1;
	if (sw_iso_wanted(eng, opts))
		return sw_iso_evaluate(eng, jobs, days, r.as_of, records_at, fn, payload, stats);
	if (jobs > SW_ORDERED_MAX_JOBS)
		jobs = SW_ORDERED_MAX_JOBS;
	if (jobs > r.total / 16 + 1)
		jobs = (unsigned)(r.total / 16 + 1); /* a small class is not worth the threads */
	r.window = jobs > 1 ? jobs * ITEMS_PER_JOB : 1;
	/* results for the items in flight; a class smaller than that needs fewer */
	size_t nres = (size_t)r.window * BATCH, made = 0;
	if (nres > r.total)
		nres = r.total ? r.total : 1;
	r.res = sw_mem_calloc(&eng->mem, nres, sizeof *r.res);
	r.rc = sw_mem_calloc(&eng->mem, r.window, sizeof *r.rc);
	bool *done = sw_mem_calloc(&eng->mem, r.window, sizeof *done);
	if (!r.res || !r.rc || !done)
		rc = sw_diag_add(&eng->diag, SW_ENOMEM, NULL, 0, 0, NULL, "out of memory");
	for (; rc == SW_OK && made < nres; made++)
		if ((rc = sw_result_init(&r.res[made], eng)))
			sw_diag_add(&eng->diag, rc, NULL, 0, 0, NULL, "out of memory");
	r.runners[0] = eng->rubric->runner;
	if (rc == SW_OK && (rc = sw_eval_probe(eng, r.runners[0], &r.res[0], r.total, days, r.as_of,
	                                       records_at, &r.stopped)))
		sw_diag_add(&eng->diag, rc, NULL, 0, 0, NULL, "out of memory");
	unsigned opened = 1;
	for (; rc == SW_OK && opened < jobs; opened++)
		rc = sw_runner_open_like(&r.runners[opened], r.runners[0], &eng->diag);
	if (rc == SW_OK) {
		sw_ordered_job job = { jobs, r.window, 1, done, &r, next_batch, evaluate_batch,
		                       hand_over };
		rc = sw_ordered_run(&job);
	}
	for (unsigned j = 1; j < opened; j++)
		sw_runner_free(r.runners[j]);
	for (size_t i = 0; i < made; i++)
		sw_result_release(&r.res[i]);
	sw_mem_free(&eng->mem, r.stopped);
	sw_mem_free(&eng->mem, r.res);
	sw_mem_free(&eng->mem, r.rc);
	sw_mem_free(&eng->mem, done);
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
	if (rc || (rc = ready(eng, opts ? opts->jobs : 1, true)))
		return rc;
	size_t p;
	if ((rc = sw_roster_lookup(&p, eng, pupil)))
		return rc;
	sw_result *res = sw_mem_calloc(&eng->mem, 1, sizeof *res);
	if (!res || sw_result_init(res, eng)) {
		sw_mem_free(&eng->mem, res);
		return sw_diag_add(&eng->diag, SW_ENOMEM, NULL, 0, 0, NULL, "out of memory");
	}
	size_t n = 0;
	const sw_record *recs = NULL;
	if (eng->evidence && eng->evidence->first &&
	    sw_evindex_gather(&recs, &n, eng->evidence, &eng->mem, p)) {
		sw_result_free(res);
		return sw_diag_add(&eng->diag, SW_ENOMEM, NULL, 0, 0, NULL, "out of memory");
	}
	char newest[16];
	const char *date = opts && opts->as_of ? opts->as_of : newest_date(eng, newest);
	if (sw_iso_wanted(eng, opts)) /* it reports its own errors */
		rc = sw_iso_evaluate_one(eng, res, p, recs, n, days, date);
	else if ((rc = sw_runner_pupil(eng->rubric->runner, res, p, recs, n, days, date)))
		sw_diag_add(&eng->diag, rc, NULL, 0, 0, NULL, "out of memory");
	if (rc) {
		sw_result_free(res);
		return rc;
	}
	*out = res;
	return SW_OK;
}

/* State of an evaluation that follows the reading of a sorted file. */
struct sw_stream {
	sw_engine *eng;
	sw_runner *runner;
	sw_result res;
	int32_t days;
	const char *as_of;
	sw_result_fn fn;
	void *payload;
	sw_eval_stats *stats;
	size_t next;       /* next position in the roster order to consider */
	bool has_current;
	uint32_t current;  /* the pupil whose records are being gathered */
};

/* Evaluates pupil p on recs[0..n) and hands the result on. */
static int stream_emit(struct sw_stream *s, size_t p, sw_record *recs, size_t n)
{
	sw_buf scratch;
	sw_buf_init(&scratch, &s->eng->mem);
	int rc = sw_records_sort(recs, n, &scratch);
	sw_buf_free(&scratch);
	if (!rc)
		rc = sw_runner_pupil(s->runner, &s->res, p, recs, n, s->days, s->as_of);
	if (rc)
		return sw_diag_add(&s->eng->diag, rc, NULL, 0, 0, NULL, "out of memory");
	return sw_result_hand(s->eng, s->stats, s->fn, s->payload, &s->res);
}

/* Emits the roster's pupils without evidence whose id comes before `id`
   (all of them when id is NULL); skips the pupil `id` itself. */
static int stream_roster_until(struct sw_stream *s, const char *id)
{
	const struct sw_roster *r = s->eng->roster;
	if (!r->from_roster || !r->order)
		return SW_OK;
	while (s->next < r->count) {
		size_t p = r->order[s->next];
		int c = id ? strcmp(r->pupils[p].id, id) : -1;
		if (c > 0)
			break;
		s->next++;
		if (c == 0)
			break;
		int rc = stream_emit(s, p, NULL, 0);
		if (rc)
			return rc;
	}
	return SW_OK;
}

/* Evaluates the pupil gathered so far: records [0, n). */
static int stream_flush(struct sw_stream *s, size_t n)
{
	const char *id = s->eng->roster->pupils[s->current].id;
	int rc = stream_roster_until(s, id);
	return rc ? rc : stream_emit(s, s->current, s->eng->evidence->recs, n);
}

/* The row callback of sw_load_rows: after each accepted row, evaluates the
   pupil before when the row starts a new one. */
static int stream_row(void *payload, const char *path, uint64_t line)
{
	struct sw_stream *s = payload;
	struct sw_evidence *ev = s->eng->evidence;
	sw_record *last = &ev->recs[ev->count - 1];
	if (s->has_current && last->pupil == s->current)
		return SW_OK;
	const struct sw_roster *r = s->eng->roster;
	if (s->has_current) {
		const char *prev = r->pupils[s->current].id, *now = r->pupils[last->pupil].id;
		if (strcmp(now, prev) <= 0)
			return sw_diag_add(&s->eng->diag, SW_EINVALID, path, line, 0, NULL,
			                   "evidence is not sorted by pupil: '%s' comes after '%s' "
			                   "(sort the file by pupil id, or leave out --sorted)", now, prev);
		sw_record keep = *last;
		int rc = stream_flush(s, ev->count - 1);
		if (rc)
			return rc;
		ev->recs[0] = keep;
		ev->count = 1;
	}
	s->current = last->pupil;
	s->has_current = true;
	return SW_OK;
}

int sw_engine_evaluate_file(sw_engine *eng, const char *evidence, const sw_load_options *load,
                            sw_load_stats *load_stats, const sw_eval_options *opts,
                            sw_result_fn fn, void *payload, sw_eval_stats *stats)
{
	sw_eval_stats dummy;
	struct sw_stream s = { .eng = eng, .fn = fn, .payload = payload };
	int rc = begin(eng, opts, &stats, &dummy, &s.days);
	if (rc)
		return rc;
	s.stats = stats;
	s.as_of = opts ? opts->as_of : NULL;
	/* no stored evidence is used: start from an empty store */
	sw_evidence_drop(eng);
	if ((rc = ready(eng, 1, false)))
		return rc;
	s.runner = eng->rubric->runner;
	if (sw_result_init(&s.res, eng))
		return sw_diag_add(&eng->diag, SW_ENOMEM, NULL, 0, 0, NULL, "out of memory");
	rc = sw_load_rows(eng, evidence, load, load_stats, stream_row, &s);
	if (rc == SW_OK && s.has_current)
		rc = stream_flush(&s, eng->evidence->count);
	if (rc == SW_OK)
		rc = stream_roster_until(&s, NULL);
	sw_result_release(&s.res);
	if (eng->evidence) {
		eng->evidence->count = 0;
		eng->evidence->sorted = eng->evidence->grouped = false;
	}
	return rc;
}
