/*
 * ordered.c - work shared by threads and finished in order (see ordered.h).
 * One lock guards the counters and the done flags; items are large (a part
 * of a file, a batch of pupils), so taking the lock a few times per item
 * costs nothing that shows.
 *
 * Waiting: a thread with nothing to do spins for a while before it sleeps
 * on a condition variable. Waking a sleeping thread is slow where it
 * matters: on a small (virtual) machine Linux often queues the woken
 * thread behind the busy thread that woke it, and it then waits for the
 * next load balancing, a few milliseconds. Spinning keeps the threads of
 * a run on their own processors; it is bounded (SPIN_NS), it yields the
 * processor as it goes, so other work on a busy machine still runs, and
 * there is none when there are more threads than processors.
 * The kernel may still move a helper onto the calling thread's processor
 * (measured: in about one 100k run in three, for 3 to 5 ms); a helper
 * that finds itself there while it waits moves itself away, when there
 * are processors enough for every thread.
 */
#ifdef __linux__
#define _GNU_SOURCE /* sched_getcpu, pthread_attr_setaffinity_np */
#endif
#include "ordered.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#if defined(__linux__) && defined(__GLIBC__)
#define PLACE 1 /* helpers can be started on another processor */
#else
#define PLACE 0
#endif

#define SPIN_NS 1000000 /* at most 1 ms of spinning before sleeping */

typedef struct run {
	const sw_ordered_job *job;
	pthread_mutex_t mu;
	pthread_cond_t more; /* for helpers: items made, or the end */
	pthread_cond_t done; /* for the calling thread: an item was done */
	bool *is_done;       /* slot item % window */
	uint64_t made, taken, finished;
	bool closed;         /* nothing more will be made */
	_Atomic uint64_t changes; /* counts the changes above, made with mu held */
	bool spin;           /* no more threads than processors: waits spin first */
#if PLACE
	cpu_set_t cpus;      /* where the process may run, for helpers to restore */
	bool placed;         /* helpers were started away from the calling thread; with
	                        spin too (a processor for every thread), they keep away */
	_Atomic int driver;  /* the calling thread's processor, as it last saw it */
#endif
} run;

/* Notes a change (with mu held), for threads that spin. */
static void changed(run *r)
{
	atomic_fetch_add_explicit(&r->changes, 1, memory_order_release);
}

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* A helper on the calling thread's processor moves to another one: it
   leaves that processor out of its set, which moves it at once, and then
   takes the whole set back, which does not. */
static void keep_away(run *r)
{
#if PLACE
	int here = sched_getcpu();
	if (!r->placed || !r->spin || here < 0 ||
	    here != atomic_load_explicit(&r->driver, memory_order_relaxed))
		return;
	cpu_set_t away = r->cpus;
	CPU_CLR(here, &away);
	if (CPU_COUNT(&away) > 0 &&
	    pthread_setaffinity_np(pthread_self(), sizeof away, &away) == 0)
		pthread_setaffinity_np(pthread_self(), sizeof r->cpus, &r->cpus);
#else
	(void)r;
#endif
}

/* Notes where the calling thread runs, for keep_away. */
static void note_driver(run *r)
{
#if PLACE
	if (r->placed && r->spin)
		atomic_store_explicit(&r->driver, sched_getcpu(), memory_order_relaxed);
#else
	(void)r;
#endif
}

/* Waits, with mu held, until the run changes: spins with mu released,
   then sleeps on cv. May return early; callers check again. `helper`:
   the waiting thread is not the calling thread. */
static void wait_change(run *r, pthread_cond_t *cv, bool helper)
{
	uint64_t seen = atomic_load_explicit(&r->changes, memory_order_relaxed);
	pthread_mutex_unlock(&r->mu);
	if (helper)
		keep_away(r);
	uint64_t start = now_ns();
	for (unsigned i = 1; r->spin && atomic_load_explicit(&r->changes, memory_order_acquire) == seen;
	     i++) {
		if (i % 64 == 0) {
			if (now_ns() - start > SPIN_NS)
				break;
			sched_yield();
		}
	}
	pthread_mutex_lock(&r->mu);
	if (atomic_load_explicit(&r->changes, memory_order_relaxed) == seen)
		pthread_cond_wait(cv, &r->mu);
}

typedef struct helper_arg {
	run *r;
	unsigned thread;
} helper_arg;

/* Does the next item made, if any; called and returns with r->mu held. */
static bool do_one(run *r, unsigned thread)
{
	if (r->taken == r->made)
		return false;
	uint64_t i = r->taken++;
	pthread_mutex_unlock(&r->mu);
	r->job->work(r->job->ctx, i, thread);
	pthread_mutex_lock(&r->mu);
	r->is_done[i % r->job->window] = true;
	changed(r);
	pthread_cond_signal(&r->done);
	return true;
}

static void *helper(void *arg)
{
	helper_arg *h = arg;
	run *r = h->r;
#if PLACE
	if (r->placed) /* started away from the calling thread; free to move now */
		pthread_setaffinity_np(pthread_self(), sizeof r->cpus, &r->cpus);
#endif
	pthread_mutex_lock(&r->mu);
	while (do_one(r, h->thread) || !r->closed)
		if (r->taken == r->made && !r->closed)
			wait_change(r, &r->more, true);
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

/* The calling thread's loop: make items while the window has room (so the
   helpers never go hungry), else finish the next item when it is done,
   else do an item, else wait. Called and returns with r->mu held. */
static int drive(run *r)
{
	const sw_ordered_job *job = r->job;
	bool ended = false;
	for (;;) {
		note_driver(r);
		if (!ended && r->made + job->chunk <= r->finished + job->window) {
			uint64_t first = r->made;
			pthread_mutex_unlock(&r->mu);
			int rc = job->produce(job->ctx, first);
			pthread_mutex_lock(&r->mu);
			if (rc < 0 || rc > 1)
				return rc;
			ended = rc == 0;
			if (!ended) {
				for (unsigned k = 0; k < job->chunk; k++)
					r->is_done[(first + k) % job->window] = false;
				r->made += job->chunk;
				changed(r);
				pthread_cond_broadcast(&r->more);
			}
		} else if (r->finished < r->made && r->is_done[r->finished % job->window]) {
			uint64_t i = r->finished;
			pthread_mutex_unlock(&r->mu);
			int rc = job->finish(job->ctx, i);
			pthread_mutex_lock(&r->mu);
			if (rc)
				return rc;
			r->finished++;
		} else if (!do_one(r, 0)) {
			if (ended && r->finished == r->made)
				return SW_OK;
			wait_change(r, &r->done, false);
		}
	}
}

int sw_ordered_run(const sw_ordered_job *job)
{
	run r = { .job = job, .is_done = job->done };
	pthread_mutex_init(&r.mu, NULL);
	pthread_cond_init(&r.more, NULL);
	pthread_cond_init(&r.done, NULL);
	unsigned jobs = job->jobs > SW_ORDERED_MAX_JOBS ? SW_ORDERED_MAX_JOBS : job->jobs;
	pthread_t th[SW_ORDERED_MAX_JOBS];
	helper_arg args[SW_ORDERED_MAX_JOBS];
	unsigned started = 0;
	pthread_attr_t attr, *at = NULL;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	r.spin = cpus < 1 || jobs <= (unsigned long)cpus;
	if (jobs > 1 && pthread_attr_init(&attr) == 0) {
		at = &attr;
#if PLACE
		/* A new thread starts on its creator's processor and, while the
		   creator is busy, may wait there for milliseconds: start the
		   helpers on the others (the helper then lifts the limit). */
		int here = sched_getcpu();
		if (here >= 0 && sched_getaffinity(0, sizeof r.cpus, &r.cpus) == 0 &&
		    CPU_ISSET(here, &r.cpus) && CPU_COUNT(&r.cpus) > 1) {
			cpu_set_t away = r.cpus;
			CPU_CLR(here, &away);
			r.placed = pthread_attr_setaffinity_np(at, sizeof away, &away) == 0;
			r.spin = jobs <= (unsigned)CPU_COUNT(&r.cpus); /* the processors it may use */
			atomic_init(&r.driver, here);
		}
#endif
	}
	for (unsigned j = 1; j < jobs; j++) {
		args[started] = (helper_arg){ &r, j };
		if (pthread_create(&th[started], at, helper, &args[started]) != 0 &&
		    (!at || pthread_create(&th[started], NULL, helper, &args[started]) != 0))
			break; /* fewer threads: the calling thread does what is left */
		started++;
	}
	if (at)
		pthread_attr_destroy(at);
	pthread_mutex_lock(&r.mu);
	int rc = drive(&r);
	r.closed = true;
	r.made = r.taken; /* an error: drop what nobody has started */
	changed(&r);
	pthread_cond_broadcast(&r.more);
	pthread_mutex_unlock(&r.mu);
	for (unsigned j = 0; j < started; j++)
		pthread_join(th[j], NULL);
	pthread_mutex_destroy(&r.mu);
	pthread_cond_destroy(&r.more);
	pthread_cond_destroy(&r.done);
	return rc;
}
