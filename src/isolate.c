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

typedef struct iso_worker {
	pid_t pid;          /* 0: none */
	int fd;
	bool busy, killed;
	uint64_t batch;     /* the batch it holds, when busy */
	int64_t deadline;   /* monotonic ns: killed past this while busy */
	sw_buf in;          /* bytes read, not yet a whole frame */
} iso_worker;

typedef struct iso_run {
	sw_engine *eng;
	sw_iso_plan plan;
	iso_worker w[ISO_MAX_JOBS];
	unsigned jobs, window;
	sw_result *res;     /* window * ISO_BATCH */
	size_t *got;        /* per slot: results received */
	int *rc;            /* per slot: the worker's runner status */
	bool *done;         /* per slot */
	size_t total;
	uint64_t batches, next_hand, next_give;
	int64_t budget_ns;  /* per pupil */
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
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	(void)eng;
	return 0; /* the sanitizers reserve terabytes of shadow memory */
#else
	unsigned long long pages = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		if (fscanf(f, "%llu", &pages) != 1)
			pages = 0;
		fclose(f);
	}
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
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return sw_diag_add(&r->eng->diag, SW_EIO, NULL, 0, 0, NULL,
		                   "cannot start an isolated evaluator: %s", strerror(errno));
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(sv[0]);
		close(sv[1]);
		return sw_diag_add(&r->eng->diag, SW_EIO, NULL, 0, 0, NULL,
		                   "cannot start an isolated evaluator: %s", strerror(e));
	}
	if (pid == 0) {
		close(sv[0]);
		sw_iso_worker(&r->plan, sv[1]);
	}
	close(sv[1]);
	w->pid = pid;
	w->fd = sv[0];
	w->busy = w->killed = false;
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

/* Gives the pupils of w's batch without a result an error saying why the
   worker ended (wait status st); the batch is then done. */
static int lost(iso_run *r, iso_worker *w, int st)
{
	size_t slot = w->batch % r->window, n = batch_size(r, w->batch);
	size_t from = (size_t)w->batch * ISO_BATCH, got = r->got[slot];
	sw_result *res = r->res + slot * ISO_BATCH;
	const struct sw_roster *ro = r->eng->roster;
	const char *first = ro->pupils[ro->order[from + got]].id;
	const char *last = ro->pupils[ro->order[from + n - 1]].id;
	char who[300], msg[500];
	if (got + 1 == n)
		snprintf(who, sizeof who, "pupil %.100s", first);
	else
		snprintf(who, sizeof who, "pupils %.100s..%.100s", first, last);
	int sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	if (w->killed || sig == SIGXCPU)
		snprintf(msg, sizeof msg,
		         "the rubric was stopped after %lld s without finishing one pupil, for %s: "
		         "look for a loop that never ends",
		         (long long)((r->budget_ns + NS - 1) / NS), who);
	else if (sig == SIGSYS)
		snprintf(msg, sizeof msg,
		         "the rubric crashed the evaluator (signal %d, a forbidden system call) "
		         "for %s: report it with the rubric", sig, who);
	else if (sig)
		snprintf(msg, sizeof msg,
		         "the rubric crashed the evaluator (signal %d) for %s: report it with the "
		         "rubric", sig, who);
	else
		snprintf(msg, sizeof msg,
		         "the evaluator ended early (exit status %d) for %s: report it with the rubric",
		         WIFEXITED(st) ? WEXITSTATUS(st) : -1, who);
	for (size_t k = got; k < n; k++) {
		sw_result_clear(&res[k]);
		res[k].pupil = ro->order[from + k];
		/* the form of every pupil-level error: "MESSAGE (pupil P)" */
		char one[720];
		snprintf(one, sizeof one, "%s (pupil %.200s)", msg, ro->pupils[res[k].pupil].id);
		if (sw_result_push(&res[k], &res[k].errors, &res[k].error_count, &res[k].error_cap,
		                   one))
			return sw_diag_add(&r->eng->diag, SW_ENOMEM, NULL, 0, 0, NULL, "out of memory");
	}
	r->got[slot] = n;
	r->done[slot] = true;
	w->busy = false;
	return SW_OK;
}

/* Reads a 32-bit number at *p, moving it on; false past end. */
static bool get_u32(const char **p, const char *end, uint32_t *v)
{
	if ((size_t)(end - *p) < sizeof *v)
		return false;
	memcpy(v, *p, sizeof *v);
	*p += sizeof *v;
	return true;
}

/* Reads a string (put_str) into a copy of the engine's (NULL stays NULL). */
static int get_str(const iso_run *r, const char **p, const char *end, char **out)
{
	uint32_t n;
	*out = NULL;
	if (!get_u32(p, end, &n))
		return SW_EINVALID;
	if (n == UINT32_MAX)
		return SW_OK;
	if ((size_t)(end - *p) < n)
		return SW_EINVALID;
	*out = sw_mem_strndup(&r->eng->mem, *p, n);
	*p += n;
	return *out ? SW_OK : SW_ENOMEM;
}

/* Turns a result frame back into res. */
static int decode(const iso_run *r, sw_result *res, const char *p, const char *end)
{
	for (size_t k = 0; k < res->skill_count; k++) {
		sw_skill_result *s = &res->skills[k];
		uint32_t step, ev;
		if (p == end)
			return SW_EINVALID;
		s->has_step = *p++ != 0;
		if (!get_u32(&p, end, &step) || !get_u32(&p, end, &ev))
			return SW_EINVALID;
		s->step = (int)step;
		s->evidence = ev;
		int rc = get_str(r, &p, end, &s->note);
		if (rc)
			return rc;
	}
	char ***lists[3] = { &res->flags, &res->awards, &res->errors };
	size_t *counts[3] = { &res->flag_count, &res->award_count, &res->error_count };
	size_t *caps[3] = { &res->flag_cap, &res->award_cap, &res->error_cap };
	for (int l = 0; l < 3; l++) {
		uint32_t n;
		if (!get_u32(&p, end, &n))
			return SW_EINVALID;
		for (uint32_t i = 0; i < n; i++) {
			char *s;
			int rc = get_str(r, &p, end, &s);
			if (!rc && !s)
				rc = SW_EINVALID;
			if (!rc && sw_mem_grow(&r->eng->mem, (void **)lists[l], caps[l], *counts[l] + 1,
			                       sizeof(char *)))
				rc = SW_ENOMEM;
			if (rc) {
				sw_mem_free(&r->eng->mem, s);
				return rc;
			}
			(*lists[l])[(*counts[l])++] = s;
		}
	}
	return p == end ? SW_OK : SW_EINVALID;
}

/* A print() line of a worker, where the rubric's prints go. */
static void print_line(const sw_engine *eng, const char *p, size_t n)
{
	if (eng->print_fn)
		(void)eng->print_fn(p, n, eng->print_payload);
	else
		fwrite(p, 1, n, eng->print_stream ? eng->print_stream : stderr);
}

/* Handles one frame of w. */
static int frame(iso_run *r, iso_worker *w, char type, const char *p, size_t n)
{
	size_t slot = w->batch % r->window;
	if (type == 'P') {
		print_line(r->eng, p, n);
		return SW_OK;
	}
	if (type == 'F')
		return sw_diag_add(&r->eng->diag, SW_ERROR, NULL, 0, 0, NULL,
		                   "cannot isolate the rubric: %.*s failed in the evaluator process "
		                   "(run without --isolate, or on a system with seccomp)",
		                   (int)(n > 40 ? 40 : n), p);
	if (!w->busy)
		return sw_diag_add(&r->eng->diag, SW_ERROR, NULL, 0, 0, NULL,
		                   "the isolated evaluator sent a result it was not asked for");
	if (type == 'R' && r->got[slot] < batch_size(r, w->batch)) {
		size_t k = r->got[slot];
		sw_result *res = r->res + slot * ISO_BATCH + k;
		sw_result_clear(res);
		res->pupil = r->eng->roster->order[(size_t)w->batch * ISO_BATCH + k];
		int rc = decode(r, res, p, p + n);
		if (rc)
			return sw_diag_add(&r->eng->diag, rc, NULL, 0, 0, NULL,
			                   rc == SW_ENOMEM ? "out of memory"
			                                   : "the isolated evaluator sent a broken result");
		r->got[slot]++;
		w->deadline = now_ns() + r->budget_ns;
		return SW_OK;
	}
	if (type == 'D' || (type == 'E' && n == 4)) {
		if (type == 'E') {
			uint32_t rc;
			memcpy(&rc, p, sizeof rc);
			r->rc[slot] = (int)rc;
		}
		r->done[slot] = true;
		w->busy = false;
		return SW_OK;
	}
	return sw_diag_add(&r->eng->diag, SW_ERROR, NULL, 0, 0, NULL,
	                   "the isolated evaluator sent a broken result");
}

/* Reads what w has sent and handles its whole frames; at the end of its
   socket, reaps it (and reports its batch when it held one). */
static int drain(iso_run *r, iso_worker *w)
{
	if (!sw_buf_reserve(&w->in, 65536))
		return sw_diag_add(&r->eng->diag, SW_ENOMEM, NULL, 0, 0, NULL, "out of memory");
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
	return rc;
}

/* Gives batch next_give to w, starting a worker there when none is. */
static int give(iso_run *r, iso_worker *w)
{
	if (!w->pid) {
		if (++r->spawn_failures > 8) /* workers that die before they start */
			return sw_diag_add(&r->eng->diag, SW_ERROR, NULL, 0, 0, NULL,
			                   "the isolated evaluator keeps failing to start");
		int rc = spawn(r, w);
		if (rc)
			return rc;
	}
	uint64_t b = r->next_give;
	uint64_t cmd[2] = { b * ISO_BATCH, batch_size(r, b) };
	if (send(w->fd, cmd, sizeof cmd, MSG_NOSIGNAL) != (ssize_t)sizeof cmd) {
		reap(w); /* it retired or died idle: another is started next time */
		return SW_OK;
	}
	r->spawn_failures = 0;
	size_t slot = b % r->window;
	r->got[slot] = 0;
	r->rc[slot] = SW_OK;
	r->done[slot] = false;
	w->busy = true;
	w->killed = false;
	w->batch = b;
	w->deadline = now_ns() + r->budget_ns;
	r->next_give++;
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
			if (now >= w->deadline) { /* the watchdog */
				kill(w->pid, SIGKILL);
				w->killed = true;
			} else if (w->deadline < next) {
				next = w->deadline;
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
		return sw_diag_add(&r->eng->diag, SW_EIO, NULL, 0, 0, NULL,
		                   "isolated evaluation: %s", strerror(errno));
	for (unsigned i = 0; k > 0 && i < n; i++)
		if (pf[i].revents) {
			int rc = drain(r, &r->w[who[i]]);
			if (rc)
				return rc;
		}
	return SW_OK;
}

/* Hands batch next_hand to the caller. */
static int hand_over(iso_run *r)
{
	size_t slot = r->next_hand % r->window, n = batch_size(r, r->next_hand);
	if (r->rc[slot])
		return sw_diag_add(&r->eng->diag, r->rc[slot], NULL, 0, 0, NULL, "out of memory");
	sw_result *res = r->res + slot * ISO_BATCH;
	for (size_t k = 0; k < n; k++) {
		int rc = sw_result_hand(r->eng, r->stats, r->fn, r->payload, &res[k]);
		if (rc)
			return rc;
	}
	r->done[slot] = false;
	r->next_hand++;
	return SW_OK;
}

/* The run's loop: give, wait, hand over, until every batch is handed. */
static int run_all(iso_run *r)
{
	int rc = SW_OK;
	while (rc == SW_OK && r->next_hand < r->batches) {
		if (r->done[r->next_hand % r->window]) {
			rc = hand_over(r);
			continue;
		}
		for (unsigned i = 0; rc == SW_OK && i < r->jobs; i++)
			if (!r->w[i].busy && r->next_give < r->batches &&
			    r->next_give < r->next_hand + r->window)
				rc = give(r, &r->w[i]);
		if (rc == SW_OK)
			rc = wait_some(r);
	}
	return rc;
}

/* Reads the test hook (test builds only: never a normal program's). */
static void read_hook(sw_iso_plan *pl)
{
#ifdef SW_TEST_HOOKS
	const char *h = getenv("STEPWISE_TEST_ISOLATE"); /* crash:ID or hang:ID */
	if (h && (strncmp(h, "crash:", 6) == 0 || strncmp(h, "hang:", 5) == 0)) {
		pl->hook = h[0] == 'c' ? 'c' : 'h';
		pl->hook_pupil = strchr(h, ':') + 1;
	}
#else
	(void)pl;
#endif
}

int sw_iso_evaluate(sw_engine *eng, unsigned jobs, int32_t days, const char *as_of,
                    sw_iso_records_fn records, sw_result_fn fn, void *payload,
                    sw_eval_stats *stats)
{
	iso_run r = { .eng = eng, .total = eng->roster->count, .fn = fn, .payload = payload,
	              .stats = stats };
	r.plan = (sw_iso_plan){ .eng = eng, .records = records, .days = days, .as_of = as_of };
	read_hook(&r.plan);
	r.jobs = jobs < 1 ? 1 : jobs > ISO_MAX_JOBS ? ISO_MAX_JOBS : jobs;
	r.batches = (r.total + ISO_BATCH - 1) / ISO_BATCH;
	if (r.jobs > r.batches)
		r.jobs = r.batches ? (unsigned)r.batches : 1;
	r.window = 2 * r.jobs;
	/* a pupil: a call per skill and one to pupil(), each within the time
	   backstop, and a second for the rest */
	const sw_runner *run = eng->rubric->runner;
	int64_t call = run->sb.time_limit_ns > 0 ? run->sb.time_limit_ns : NS;
	int64_t calls = (int64_t)eng->fw->skill_count + 2;
	r.budget_ns = call > (INT64_MAX / 4 - NS) / calls ? INT64_MAX / 4 : calls * call + NS;
	uint64_t budget_s = (uint64_t)((r.budget_ns + NS - 1) / NS);
	r.plan.cpu_seconds = budget_s > 86400 ? 2 * 86400 * ISO_BATCH : 2 * budget_s * ISO_BATCH;
	r.plan.address_space = address_space(eng);
	size_t nres = (size_t)r.window * ISO_BATCH, made = 0;
	r.res = sw_mem_calloc(&eng->mem, nres, sizeof *r.res);
	r.got = sw_mem_calloc(&eng->mem, r.window, sizeof *r.got);
	r.rc = sw_mem_calloc(&eng->mem, r.window, sizeof *r.rc);
	r.done = sw_mem_calloc(&eng->mem, r.window, sizeof *r.done);
	int rc = SW_OK;
	if (!r.res || !r.got || !r.rc || !r.done)
		rc = sw_diag_add(&eng->diag, SW_ENOMEM, NULL, 0, 0, NULL, "out of memory");
	for (; rc == SW_OK && made < nres; made++)
		if ((rc = sw_result_init(&r.res[made], eng)))
			sw_diag_add(&eng->diag, rc, NULL, 0, 0, NULL, "out of memory");
	for (unsigned i = 0; i < r.jobs; i++)
		sw_buf_init(&r.w[i].in, &eng->mem);
	if (rc == SW_OK)
		rc = run_all(&r);
	for (unsigned i = 0; i < r.jobs; i++) {
		if (r.w[i].pid) {
			if (rc != SW_OK || r.w[i].busy)
				kill(r.w[i].pid, SIGKILL);
			reap(&r.w[i]); /* an idle one sees its socket end and leaves */
		}
		sw_buf_free(&r.w[i].in);
	}
	for (size_t i = 0; i < made; i++)
		sw_result_release(&r.res[i]);
	sw_mem_free(&eng->mem, r.res);
	sw_mem_free(&eng->mem, r.got);
	sw_mem_free(&eng->mem, r.rc);
	sw_mem_free(&eng->mem, r.done);
	return rc;
}
