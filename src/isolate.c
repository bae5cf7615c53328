/*
 * isolate.c - the parent side of --isolate: hands batches of pupils (in
 * roster order) to forked workers (isolate_worker.c), turns their frames
 * back into sw_result, watches their time, and reports a worker that dies
 * as an error of the pupils it held; results go to the caller in order.
 */
#include "isolate.h"
#include "rubric.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ISO_BATCH 64    /* pupils per batch: fixed, so errors do not depend on --jobs */
#define ISO_MAX_JOBS 64
#define NS 1000000000LL
/* Records an error of run r in its engine's diagnostics; returns code. */
#define ISO_ERR(r, code, ...) sw_diag_add(&(r)->eng->diag, code, NULL, 0, 0, NULL, __VA_ARGS__)

/* A worker's task: pupils [at, end) of a batch; a retry holds one pupil,
   alone, in a worker started for it and ended after it. */
typedef struct iso_worker {
	pid_t pid;          /* 0: none */
	int fd;
	bool busy, killed, retry, probing;
	uint64_t batch;     /* the batch it holds, when busy */
	size_t at, end;     /* next pupil of the batch it owes a result, end of its task */
	clockid_t clock;    /* its CPU-time clock */
	bool has_clock;
	int64_t cpu_mark;   /* its CPU time at its last result (or task), ns */
	int64_t cpu_budget; /* CPU time it may spend past cpu_mark while busy */
	int64_t deadline;   /* monotonic ns: killed past this while busy (a worker
	                       that spends no CPU time, such as one blocked) */
	sw_buf in;          /* bytes read, not yet a whole frame */
} iso_worker;

/* A batch in flight. Its pupils get their results in order: those before
   `filled` have one. After a worker dies on a pupil, the pupils after it
   are retried one at a time (`retry`), so one bad pupil costs only its own
   result, and the order of retries does not depend on --jobs. */
typedef struct iso_slot {
	size_t filled;
	int rc;             /* the worker's runner status */
	bool held;          /* a worker holds it */
	bool retry;
	unsigned fails;     /* workers that died in a row on its pupils */
} iso_slot;

typedef struct iso_run {
	sw_engine *eng;
	sw_iso_plan plan;
	iso_worker w[ISO_MAX_JOBS];
	unsigned jobs, window;
	sw_result *res;     /* window * ISO_BATCH */
	iso_slot slot[2 * ISO_MAX_JOBS]; /* window */
	size_t total;
	uint64_t batches, next_hand, next_give;
	int64_t budget_ns;  /* CPU time per pupil */
	char *stopped;      /* the probe's verdict (engine allocator), or NULL */
	unsigned spawn_failures;
	sw_result_fn fn;
	void *payload;
	sw_eval_stats *stats;
} iso_run;

static int64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * NS + t.tv_nsec;
}

/* w's CPU time in ns; its last mark when it cannot be read (it ended). */
static int64_t cpu_ns(const iso_worker *w)
{
	struct timespec t;
	if (!w->has_clock || clock_gettime(w->clock, &t))
		return w->cpu_mark;
	return (int64_t)t.tv_sec * NS + t.tv_nsec;
}

/* Starts w's watch for the next pupil (or pupils): `pupils` budgets of
   CPU time from now, and ten times that in wall time (plus 10 s) for a
   worker that does not run at all. */
static void watch(const iso_run *r, iso_worker *w, int64_t pupils)
{
	w->cpu_mark = cpu_ns(w);
	w->cpu_budget = pupils * r->budget_ns;
	w->deadline = now_ns() + 10 * w->cpu_budget + 10 * NS;
}

/* Pupils in batch b. */
static size_t batch_size(const iso_run *r, uint64_t b)
{
	size_t from = (size_t)b * ISO_BATCH;
	return r->total - from < ISO_BATCH ? r->total - from : ISO_BATCH;
}

/* The address space a worker may have: what the parent maps now, the
   rubric's memory limit twice over, and room for the C side. */
static uint64_t address_space(const sw_engine *eng)
{
#ifdef SW_ISO_SANITIZER
	(void)eng;
	return 0; /* the sanitizers reserve terabytes of shadow memory */
#else
	unsigned long long pages = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f && fscanf(f, "%llu", &pages) != 1)
		pages = 0;
	if (f)
		fclose(f);
	if (!pages)
		return 0;
	long page = sysconf(_SC_PAGESIZE);
	return (uint64_t)pages * (uint64_t)(page > 0 ? page : 4096) +
	       2 * (uint64_t)eng->memory_limit + (256u << 20);
#endif
}

/* Starts a worker in w: a socket pair, then fork. */
static int spawn(iso_run *r, iso_worker *w)
{
	int sv[2], e;
	pid_t pid = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0 && (pid = fork()) < 0) {
		e = errno;
		close(sv[0]);
		close(sv[1]);
		errno = e;
	}
	if (pid < 0)
		return ISO_ERR(r, SW_EIO, "cannot start an isolated evaluator: %s", strerror(errno));
	if (pid == 0) {
		close(sv[0]);
		sw_iso_worker(&r->plan, sv[1]);
	}
	close(sv[1]);
	w->pid = pid;
	w->fd = sv[0];
	w->busy = w->killed = w->probing = false;
	w->has_clock = clock_getcpuclockid(pid, &w->clock) == 0;
	w->in.len = 0;
	return SW_OK;
}

/* Reaps w's process (after its socket reached its end); its status. */
static int reap(iso_worker *w)
{
	int st = 0;
	close(w->fd);
	w->fd = -1;
	while (waitpid(w->pid, &st, 0) < 0 && errno == EINTR)
		;
	w->pid = 0;
	return st;
}

/* Sends w its task, pupils [from, from + n) or the probe, and starts its
   watch (`pupils` budgets); false when w has gone (reaped: it retired or
   died idle, and another is started when needed). */
static bool send_task(const iso_run *r, iso_worker *w, uint64_t from, uint64_t n,
                      int64_t pupils)
{
	uint64_t cmd[2] = { from, n };
	if (send(w->fd, cmd, sizeof cmd, MSG_NOSIGNAL) != (ssize_t)sizeof cmd) {
		reap(w);
		return false;
	}
	w->busy = true;
	w->killed = false;
	watch(r, w, pupils);
	return true;
}

/* The pupil at position pos of the run (the roster order, or the one). */
static size_t pupil_at(const iso_run *r, size_t pos)
{
	return r->plan.one ? r->plan.one_pupil : r->eng->roster->order[pos];
}

/* Gives the pupil at k of batch b the error msg, "MSG (pupil P)": the form
   of every pupil-level error. */
static int fail_pupil(iso_run *r, uint64_t b, size_t k, const char *msg)
{
	sw_result *res = r->res + (b % r->window) * ISO_BATCH + k;
	sw_result_clear(res);
	res->pupil = pupil_at(r, (size_t)b * ISO_BATCH + k);
	char one[720];
	snprintf(one, sizeof one, "%s (pupil %.200s)", msg, r->eng->roster->pupils[res->pupil].id);
	if (sw_result_add_error(res, one, SW_RESULT_NO_SKILL))
		return ISO_ERR(r, SW_ENOMEM, "out of memory");
	return SW_OK;
}

/* Workers that die in a row on the pupils of one batch before the rest of
   it is given up (a rubric that crashes on every pupil). */
#define ISO_FAILS_MAX 3

/* w died (wait status st) while it held a task: the pupil it owed a result
   gets an error saying why; the pupils after it in its batch are retried
   one by one in new workers, or, after ISO_FAILS_MAX deaths in a row, get
   an error too. */
static int lost(iso_run *r, iso_worker *w, int st)
{
	if (w->probing) { /* the batches meet what killed it */
		w->busy = w->probing = false;
		return SW_OK;
	}
	iso_slot *s = &r->slot[w->batch % r->window];
	size_t n = batch_size(r, w->batch), k = w->at;
	w->busy = w->retry = false;
	s->held = false;
	if (k >= w->end)
		return SW_OK; /* it died after its last result: nothing is lost */
	char msg[500];
	int sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	if (w->killed || sig == SIGXCPU)
		snprintf(msg, sizeof msg,
		         "the rubric was stopped after %lld s without finishing this pupil: look for "
		         "a loop that never ends", (long long)((w->cpu_budget + NS - 1) / NS));
	else if (sig)
		snprintf(msg, sizeof msg, "the rubric crashed the evaluator (signal %d%s) on this "
		         "pupil: report it with the rubric", sig,
		         sig == SIGSYS ? ", a forbidden system call" : "");
	else
		snprintf(msg, sizeof msg,
		         "the evaluator ended early (exit status %d) on this pupil: report it with "
		         "the rubric", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	int rc = fail_pupil(r, w->batch, k, msg);
	if (rc)
		return rc;
	s->filled = k + 1;
	s->fails++;
	s->retry = s->filled < n;
	if (s->retry && s->fails >= ISO_FAILS_MAX) {
		size_t at = (size_t)w->batch * ISO_BATCH + k;
		const char *first = r->eng->roster->pupils[pupil_at(r, at + 1 - s->fails)].id;
		const char *last = r->eng->roster->pupils[pupil_at(r, at)].id;
		snprintf(msg, sizeof msg,
		         "not evaluated: the rubric crashed or stopped the evaluator on %u pupils in a "
		         "row (%.100s..%.100s), so the rest of their batch of %d was given up: report "
		         "it with the rubric", s->fails, first, last, ISO_BATCH);
		for (size_t j = k + 1; j < n; j++)
			if ((rc = fail_pupil(r, w->batch, j, msg)))
				return rc;
		s->filled = n;
		s->retry = false;
	}
	return SW_OK;
}

/* Handles one frame of w. */
static int frame(iso_run *r, iso_worker *w, char type, const char *p, size_t n)
{
	iso_slot *s = &r->slot[w->batch % r->window];
	if (type == 'P') { /* a print() line: where the rubric's prints go */
		if (r->eng->print_fn)
			(void)r->eng->print_fn(p, n, r->eng->print_payload);
		else
			fwrite(p, 1, n, r->eng->print_stream ? r->eng->print_stream : stderr);
		return SW_OK;
	}
	if (type == 'F')
		return ISO_ERR(r, SW_ERROR, "cannot isolate the rubric: %.*s failed in the evaluator "
		               "process (run without --isolate, or on a system with seccomp)",
		               (int)(n > 40 ? 40 : n), p);
	if (!w->busy)
		return ISO_ERR(r, SW_ERROR, "the isolated evaluator sent a result it was not asked for");
	if (type == 'S' && w->probing) {
		if (n && !(r->stopped = sw_mem_strndup(&r->eng->mem, p, n)))
			return ISO_ERR(r, SW_ENOMEM, "out of memory");
		r->plan.stopped = r->stopped; /* for the workers started from now on */
		w->busy = w->probing = false;
		return SW_OK;
	}
	if (type == 'R' && w->at < w->end) {
		sw_result *res = r->res + (w->batch % r->window) * ISO_BATCH + w->at;
		sw_result_clear(res);
		res->pupil = pupil_at(r, (size_t)w->batch * ISO_BATCH + w->at);
		int rc = sw_iso_decode(r->eng, res, p, p + n);
		if (rc)
			return ISO_ERR(r, rc, rc == SW_ENOMEM ? "out of memory"
			                                      : "the isolated evaluator sent a broken result");
		s->filled = ++w->at;
		s->fails = 0;
		watch(r, w, 1);
		return SW_OK;
	}
	if (w->probing && (type == 'D' || type == 'E')) { /* the probe failed: go on without */
		w->busy = w->probing = false;
		return SW_OK;
	}
	if (type == 'D' || (type == 'E' && n == 4)) {
		if (type == 'E') {
			uint32_t rc;
			memcpy(&rc, p, sizeof rc);
			s->rc = (int)rc;
		}
		s->held = false;
		s->retry = s->retry && !s->rc && s->filled < batch_size(r, w->batch);
		w->busy = false;
		return SW_OK;
	}
	return ISO_ERR(r, SW_ERROR, "the isolated evaluator sent a broken result");
}

/* Reads what w has sent and handles its whole frames; at the end of its
   socket, reaps it (and reports its task when it held one). A worker that
   did a retry is ended once it is done. */
static int drain(iso_run *r, iso_worker *w)
{
	if (!sw_buf_reserve(&w->in, 65536))
		return ISO_ERR(r, SW_ENOMEM, "out of memory");
	ssize_t got = read(w->fd, w->in.p + w->in.len, 65536);
	if (got < 0 && (errno == EINTR || errno == EAGAIN))
		return SW_OK;
	if (got <= 0) {
		int st = reap(w);
		return w->busy ? lost(r, w, st) : SW_OK;
	}
	w->in.len += (size_t)got;
	size_t at = 0;
	int rc = SW_OK;
	while (rc == SW_OK && w->in.len - at >= 5) {
		uint32_t n;
		memcpy(&n, w->in.p + at + 1, sizeof n);
		if (w->in.len - at - 5 < n)
			break;
		rc = frame(r, w, w->in.p[at], w->in.p + at + 5, n);
		at += 5 + (size_t)n;
	}
	memmove(w->in.p, w->in.p + at, w->in.len - at);
	w->in.len -= at;
	if (rc == SW_OK && w->retry && !w->busy) {
		reap(w); /* its socket closed, it leaves */
		w->retry = false;
	}
	return rc;
}

/* The batch waiting for a retry, first in order, or UINT64_MAX. */
static uint64_t retry_wanted(const iso_run *r)
{
	for (uint64_t b = r->next_hand; b < r->next_give; b++) {
		const iso_slot *s = &r->slot[b % r->window];
		if (s->retry && !s->held)
			return b;
	}
	return UINT64_MAX;
}

/* Gives w its next task: a retry of one pupil (in a new worker), or batch
   next_give; starts a worker when none is. */
static int give(iso_run *r, iso_worker *w)
{
	uint64_t b = retry_wanted(r);
	bool retry = b != UINT64_MAX;
	if (retry && w->pid)
		reap(w); /* an idle worker holds earlier pupils' state: a new one */
	if (!retry) {
		if (r->next_give >= r->batches || r->next_give >= r->next_hand + r->window)
			return SW_OK;
		b = r->next_give;
	}
	if (!w->pid) {
		if (++r->spawn_failures > 8) /* workers that die before they start */
			return ISO_ERR(r, SW_ERROR, "the isolated evaluator keeps failing to start");
		int rc = spawn(r, w);
		if (rc)
			return rc;
	}
	iso_slot *s = &r->slot[b % r->window];
	size_t at = retry ? s->filled : 0, end = retry ? at + 1 : batch_size(r, b);
	if (!send_task(r, w, b * ISO_BATCH + at, end - at, 1))
		return SW_OK;
	r->spawn_failures = 0;
	if (!retry) {
		*s = (iso_slot){ 0 };
		r->next_give++;
	}
	s->held = true;
	w->retry = retry;
	w->batch = b;
	w->at = at;
	w->end = end;
	return SW_OK;
}

/* Waits for frames or for a deadline, and handles what came. */
static int wait_some(iso_run *r)
{
	struct pollfd pf[ISO_MAX_JOBS];
	unsigned who[ISO_MAX_JOBS], n = 0;
	int64_t now = now_ns(), next = INT64_MAX;
	for (unsigned i = 0; i < r->jobs; i++) {
		iso_worker *w = &r->w[i];
		if (!w->pid)
			continue;
		if (w->busy && !w->killed) {
			/* the watchdog: the worker's CPU time, as the rubric's own time
			   limit counts, so that a loaded machine does not set it off */
			int64_t left = w->cpu_budget - (cpu_ns(w) - w->cpu_mark);
			if (left <= 0 || now >= w->deadline) {
				kill(w->pid, SIGKILL);
				w->killed = true;
			} else {
				int64_t at = now + left < w->deadline ? now + left : w->deadline;
				if (at < next)
					next = at;
			}
		}
		pf[n] = (struct pollfd){ w->fd, POLLIN, 0 };
		who[n++] = i;
	}
	if (!n)
		return SW_OK; /* every worker left idle: the next give starts one */
	int64_t ms = next == INT64_MAX ? 1000 : (next - now + 999999) / 1000000;
	int k = poll(pf, n, (int)(ms > 60000 ? 60000 : ms));
	if (k < 0 && errno != EINTR)
		return ISO_ERR(r, SW_EIO, "isolated evaluation: %s", strerror(errno));
	for (unsigned i = 0; k > 0 && i < n; i++)
		if (pf[i].revents) {
			int rc = drain(r, &r->w[who[i]]);
			if (rc)
				return rc;
		}
	return SW_OK;
}

/* Whether batch b has every result (or its runner failed). */
static bool batch_done(const iso_run *r, uint64_t b)
{
	const iso_slot *s = &r->slot[b % r->window];
	return b < r->next_give && !s->held && (s->rc || s->filled >= batch_size(r, b));
}

/* Hands batch next_hand to the caller. */
static int hand_over(iso_run *r)
{
	iso_slot *s = &r->slot[r->next_hand % r->window];
	size_t n = batch_size(r, r->next_hand);
	if (s->rc)
		return ISO_ERR(r, s->rc, "out of memory");
	sw_result *res = r->res + (r->next_hand % r->window) * ISO_BATCH;
	for (size_t k = 0; k < n; k++) {
		int rc = sw_result_hand(r->eng, r->stats, r->fn, r->payload, &res[k]);
		if (rc)
			return rc;
	}
	r->next_hand++;
	return SW_OK;
}

/* The probe (sw_eval_probe) in the first worker, before any batch: every
   worker started after it learns its verdict, the first one keeps it. */
static int probe(iso_run *r)
{
	if (r->plan.one || !r->total || r->eng->rubric->runner->native.kind)
		return SW_OK;
	iso_worker *w = &r->w[0];
	int rc = spawn(r, w);
	if (rc)
		return rc;
	if (!send_task(r, w, SW_ISO_PROBE, 0, 3))
		return SW_OK; /* it died at once: the batches will meet why */
	w->probing = true;
	while (rc == SW_OK && w->pid && w->probing)
		rc = wait_some(r);
	return rc;
}

/* The run's loop: give, wait, hand over, until every batch is handed. */
static int run_all(iso_run *r)
{
	int rc = probe(r);
	while (rc == SW_OK && r->next_hand < r->batches) {
		if (batch_done(r, r->next_hand)) {
			rc = hand_over(r);
			continue;
		}
		for (unsigned i = 0; rc == SW_OK && i < r->jobs; i++)
			if (!r->w[i].busy)
				rc = give(r, &r->w[i]);
		if (rc == SW_OK)
			rc = wait_some(r);
	}
	return rc;
}

/* Sets up r (engine, plan, fn and the rest given), runs it, cleans up. */
static int iso_go(iso_run *r, unsigned jobs)
{
	sw_engine *eng = r->eng;
	r->plan.parent = getpid();
	r->jobs = jobs < 1 ? 1 : jobs > ISO_MAX_JOBS ? ISO_MAX_JOBS : jobs;
	r->batches = (r->total + ISO_BATCH - 1) / ISO_BATCH;
	if (r->jobs > r->batches)
		r->jobs = r->batches ? (unsigned)r->batches : 1;
	r->window = 2 * r->jobs;
	/* a pupil: a call per skill and one to pupil(), each within the time
	   backstop, and a second for the rest */
	const sw_runner *run = eng->rubric->runner;
	int64_t call = run->sb.time_limit_ns > 0 ? run->sb.time_limit_ns : NS;
	int64_t calls = (int64_t)eng->fw->skill_count + 2;
	r->budget_ns = call > (INT64_MAX / 4 - NS) / calls ? INT64_MAX / 4 : calls * call + NS;
	uint64_t budget_s = (uint64_t)((r->budget_ns + NS - 1) / NS);
	r->plan.cpu_seconds = budget_s > 86400 ? 2 * 86400 * ISO_BATCH : 2 * budget_s * ISO_BATCH;
	r->plan.address_space = address_space(eng);
	/* a run of fewer pupils than a batch needs only that many results */
	size_t nres = r->total < ISO_BATCH ? (r->total ? r->total : 1)
	                                   : (size_t)r->window * ISO_BATCH, made = 0;
	r->res = sw_mem_calloc(&eng->mem, nres, sizeof *r->res);
	int rc = SW_OK;
	if (!r->res)
		rc = ISO_ERR(r, SW_ENOMEM, "out of memory");
	for (; rc == SW_OK && made < nres; made++)
		if ((rc = sw_result_init(&r->res[made], eng)))
			ISO_ERR(r, rc, "out of memory");
	for (unsigned i = 0; i < r->jobs; i++)
		sw_buf_init(&r->w[i].in, &eng->mem);
	if (rc == SW_OK)
		rc = run_all(r);
	for (unsigned i = 0; i < r->jobs; i++) {
		if (r->w[i].pid) {
			if (rc != SW_OK || r->w[i].busy)
				kill(r->w[i].pid, SIGKILL);
			reap(&r->w[i]); /* an idle one sees its socket end and leaves */
		}
		sw_buf_free(&r->w[i].in);
	}
	for (size_t i = 0; i < made; i++)
		sw_result_release(&r->res[i]);
	sw_mem_free(&eng->mem, r->res);
	sw_mem_free(&eng->mem, r->stopped);
	return rc;
}

int sw_iso_evaluate(sw_engine *eng, unsigned jobs, int32_t days, const char *as_of,
                    sw_iso_records_fn records, sw_result_fn fn, void *payload,
                    sw_eval_stats *stats)
{
	iso_run r = { .eng = eng, .total = eng->roster->count, .fn = fn, .payload = payload,
	              .stats = stats };
	r.plan = (sw_iso_plan){ .eng = eng, .records = records, .days = days, .as_of = as_of };
	return iso_go(&r, jobs);
}

/* Moves the one result into the caller's (an sw_result_fn for
   sw_iso_evaluate_one): both were made for the same engine, so their
   contents can trade places, and each is released where it lives. */
static int take_one(const sw_result *res, void *payload)
{
	sw_result *mine = (sw_result *)res, *out = payload, t = *out;
	*out = *mine;
	*mine = t;
	return SW_OK;
}

int sw_iso_evaluate_one(sw_engine *eng, sw_result *res, size_t pupil, const sw_record *recs,
                        size_t n, int32_t days, const char *as_of)
{
	sw_eval_stats stats;
	iso_run r = { .eng = eng, .total = 1, .fn = take_one, .payload = res, .stats = &stats };
	r.plan = (sw_iso_plan){ .eng = eng, .days = days, .as_of = as_of, .one = true,
	                        .one_pupil = pupil, .one_recs = recs, .one_n = n };
	return iso_go(&r, 1);
}

bool sw_iso_wanted(const sw_engine *eng, const sw_eval_options *opts)
{
	if (opts && opts->version >= 2 && opts->isolate)
		return true;
	return eng->isolate == SW_ISOLATE_ON ||
	       (eng->isolate == SW_ISOLATE_AUTO && !sw_engine_rubric_is_native(eng));
}

int sw_engine_set_isolate(sw_engine *eng, int mode)
{
	if (!eng || (mode != SW_ISOLATE_OFF && mode != SW_ISOLATE_ON && mode != SW_ISOLATE_AUTO))
		return SW_EINVALID;
	eng->isolate = mode;
	return SW_OK;
}
