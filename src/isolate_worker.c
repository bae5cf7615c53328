/*
 * isolate_worker.c - the worker side of --isolate: a forked process that
 * confines itself (every descriptor but its socket closed, setrlimit
 * limits, a seccomp allow-list), then evaluates the batches of pupils the
 * parent sends and writes each pupil's result back as a frame.
 *
 * A frame: one type byte, a 32-bit length, then that many bytes.
 *   'R' a pupil's result (sw_iso_encode), 'P' a print() line,
 *   'D' the batch is done, 'E' the runner failed (32-bit status),
 *   'S' the probe's verdict (SW_ISO_PROBE; empty: the rubric ends),
 *   'F' the worker could not confine itself (a text).
 * The parent (isolate.c) is on the same machine: numbers go in host order.
 */
#define _GNU_SOURCE /* close_range */
#include "isolate.h"
#include "rubric.h"

#include <errno.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Under valgrind (make valgrind), the worker has its limits but no filter. */
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif

/* Writes all of p[0..n) to fd, or reads exactly n bytes from fd into p
   (`out` false); false at the end or on an error. */
static bool move_all(int fd, void *p, size_t n, bool out)
{
	char *c = p;
	while (n) {
		ssize_t k = out ? write(fd, c, n) : read(fd, c, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		c += k;
		n -= (size_t)k;
	}
	return true;
}

/* Starts a frame of `type` in b (emptied) holding data[0..n) so far;
   frame_send fills in its length. */
static void frame_start(sw_buf *b, char type, const char *data, size_t n)
{
	b->len = 0;
	sw_buf_putc(b, type);
	sw_buf_add(b, "\0\0\0\0", 4); /* the length, filled in by frame_send */
	sw_buf_add(b, data, n);
}

/* Sends the frame in b; false when it cannot (the parent is gone). */
static bool frame_send(sw_buf *b, int fd)
{
	if (b->failed || b->len - 5 > UINT32_MAX)
		return false;
	uint32_t n = (uint32_t)(b->len - 5);
	memcpy(b->p + 1, &n, sizeof n);
	return move_all(fd, b->p, b->len, true);
}

/* The worker's output: its socket and a frame buffer. */
typedef struct iso_out {
	int fd;
	sw_buf b;
} iso_out;

/* print() inside the worker: the line goes to the parent as a 'P' frame. */
static int forward_print(const char *data, size_t len, void *payload)
{
	iso_out *o = payload;
	frame_start(&o->b, 'P', data, len); /* prints come between frames: the buffer is free */
	return frame_send(&o->b, o->fd) ? 0 : -1;
}

/* The seccomp allow-list: what evaluating needs, and nothing that opens,
   sends elsewhere, runs a program or changes the process. */
static int add_rules(scmp_filter_ctx c, int fd)
{
	/* memory, the CPU clock of the time backstop, locks, randomness, the end;
	   what a sanitizer's runtime calls (the README's security section) */
	static const int any[] = { SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap),
		                   SCMP_SYS(madvise), SCMP_SYS(clock_gettime), SCMP_SYS(futex),
		                   SCMP_SYS(getrandom), SCMP_SYS(rt_sigreturn), SCMP_SYS(exit_group),
		                   SCMP_SYS(exit),
#ifdef SW_ISO_SANITIZER
		                   SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(sched_yield),
		                   SCMP_SYS(sigaltstack), SCMP_SYS(rt_sigprocmask),
#endif
	};
	int rc = 0;
	for (size_t i = 0; i < sizeof any / sizeof any[0]; i++)
		rc |= seccomp_rule_add(c, SCMP_ACT_ALLOW, any[i], 0);
	/* the socket only (and a sanitizer's reports on standard error) */
	rc |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(read), 1, SCMP_A0(SCMP_CMP_EQ, fd, 0));
	rc |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(write), 1, SCMP_A0(SCMP_CMP_EQ, fd, 0));
#ifdef SW_ISO_SANITIZER
	rc |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(write), 1, SCMP_A0(SCMP_CMP_EQ, 2, 0));
#endif
	for (int i = 0; i < 2; i++) /* memory never made executable */
		rc |= seccomp_rule_add(c, SCMP_ACT_ALLOW, i ? SCMP_SYS(mprotect) : SCMP_SYS(mmap), 1,
		                       SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	return rc;
}

/* Confines the process: NULL, or what failed. */
static const char *confine(const sw_iso_plan *pl, int fd)
{
#ifdef SW_ISO_SANITIZER
	int keep = 2; /* the sanitizer's reports */
#else
	int keep = -1;
#endif
	for (int i = 0; i < fd; i++)
		if (i != keep)
			close(i);
	if (close_range((unsigned)fd + 1, ~0U, 0) != 0)
		return "close_range";
	struct rlimit none = { 0, 0 };
	struct rlimit cpu = { pl->cpu_seconds, pl->cpu_seconds + 1 };
	struct rlimit as = { pl->address_space, pl->address_space };
	if (setrlimit(RLIMIT_CORE, &none) || setrlimit(RLIMIT_FSIZE, &none) ||
	    setrlimit(RLIMIT_CPU, &cpu) || (pl->address_space && setrlimit(RLIMIT_AS, &as)))
		return "setrlimit";
#ifdef RUNNING_ON_VALGRIND
	if (RUNNING_ON_VALGRIND)
		return NULL; /* valgrind translates code as it runs: no filter holds it */
#endif
	scmp_filter_ctx c = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!c)
		return "seccomp_init";
	bool failed = add_rules(c, fd) || setrlimit(RLIMIT_NOFILE, &none) || seccomp_load(c);
	seccomp_release(c);
	return failed ? "seccomp" : NULL;
}

#ifdef SW_TEST_HOOKS
/* Test builds only: the hook STEPWISE_TEST_ISOLATE, crash:ID or hang:ID (ID
   may end in *): 'c', 'h' or 0, with the ID in *id. */
static char test_hook_kind(const char **id)
{
	const char *h = getenv("STEPWISE_TEST_ISOLATE");
	if (!h || (strncmp(h, "crash:", 6) != 0 && strncmp(h, "hang:", 5) != 0))
		return 0;
	*id = strchr(h, ':') + 1;
	return h[0] == 'c' ? 'c' : 'h';
}

/* Test builds only: crashes or spins on the pupil the hook names. */
static void test_hook(const sw_engine *eng, char hook, const char *h, size_t p)
{
	const char *id = eng->roster->pupils[p].id;
	size_t n = hook ? strlen(h) : 0; /* "P02*": every id that starts with P02 */
	if (!hook || (n && h[n - 1] == '*' ? strncmp(id, h, n - 1) : strcmp(id, h)) != 0)
		return;
	if (hook == 'c') {
		/* a real segmentation fault: an address no process has (not NULL,
		   which the undefined-behaviour checks would catch first) */
		volatile int *volatile nowhere = (volatile int *)(uintptr_t)0xffff800000000000u;
		*nowhere = 1;
	}
	for (volatile unsigned long spin = 0;; spin++) /* one step that never ends */
		;
}
#endif

_Noreturn void sw_iso_worker(const sw_iso_plan *pl, int fd)
{
	sw_engine *eng = pl->eng;
	iso_out o = { fd, { 0 } };
	sw_buf_init(&o.b, &eng->mem);
	/* a worker never outlives the process that started it (Ctrl-C, a kill
	   of the main process while a rubric runs on); and a host's handlers
	   of SIGINT and SIGTERM (such as the command line's, which removes its
	   temporary files) are not the worker's */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != pl->parent)
		_exit(0);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
#ifdef SW_TEST_HOOKS
	const char *hook_pupil = NULL;
	char hook = test_hook_kind(&hook_pupil);
	if (hook == 'c') {
		/* the default action, past the sanitizer's own handler (which
		   intercepts signal() and sigaction()): the kernel's sigaction */
		struct { void (*handler)(int); unsigned long flags; void *restorer; uint64_t mask; }
			dfl = { SIG_DFL, 0, NULL, 0 };
		syscall(SYS_rt_sigaction, SIGSEGV, &dfl, NULL, sizeof dfl.mask);
	}
#endif
	const char *failed = confine(pl, fd);
	if (failed) {
		frame_start(&o.b, 'F', failed, strlen(failed));
		frame_send(&o.b, fd);
		_exit(0);
	}
	sw_runner *run = eng->rubric->runner;
	eng->print_fn = run->sb.print_fn = forward_print; /* also after a runner reset */
	eng->print_payload = run->sb.print_payload = &o;
	sw_result res;
	int rc = sw_result_init(&res, eng);
	uint64_t cmd[2];
	const char *stopped = pl->stopped;
	while (rc == SW_OK && move_all(fd, cmd, sizeof cmd, false)) {
		if (cmd[0] == SW_ISO_PROBE) { /* the probe: an 'S' frame with its verdict */
			char *verdict = NULL;
			rc = sw_eval_probe(eng, run, &res, eng->roster->count, pl->days, pl->as_of,
			                   pl->records, &verdict);
			frame_start(&o.b, 'S', verdict ? verdict : "", verdict ? strlen(verdict) : 0);
			if (rc == SW_OK && !frame_send(&o.b, fd))
				_exit(0);
			stopped = verdict; /* kept for the worker's life */
			continue;
		}
		for (uint64_t pos = cmd[0]; rc == SW_OK && pos < cmd[0] + cmd[1]; pos++) {
			size_t p = pl->one_pupil, n = pl->one_n;
			const sw_record *recs = pl->one ? pl->one_recs
			                                : pl->records(eng, (size_t)pos, &p, &n);
#ifdef SW_TEST_HOOKS
			test_hook(eng, hook, hook_pupil, p);
#endif
			if (stopped)
				sw_runner_stopped(run, &res, p, recs, n, pl->days, stopped);
			else
				rc = sw_runner_pupil(run, &res, p, recs, n, pl->days, pl->as_of);
			if (rc == SW_OK) {
				frame_start(&o.b, 'R', "", 0);
				sw_iso_encode(&o.b, &res);
				if (!frame_send(&o.b, fd))
					_exit(0);
			}
		}
		if (rc == SW_OK) {
			frame_start(&o.b, 'D', "", 0);
			if (!frame_send(&o.b, fd))
				_exit(0);
			struct timespec t; /* retire before RLIMIT_CPU: the parent starts another */
			if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t) == 0 &&
			    (uint64_t)t.tv_sec > pl->cpu_seconds / 2)
				break;
		}
	}
	if (rc != SW_OK) {
		uint32_t st = (uint32_t)rc;
		frame_start(&o.b, 'E', (const char *)&st, sizeof st);
		frame_send(&o.b, fd);
	}
	_exit(0); /* nothing of the parent's is flushed or freed here */
}
