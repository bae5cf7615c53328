/*
 * ordered.c - work shared by threads and finished in order (see ordered.h).
 * One lock guards the counters and the done flags; items are large (a part
 * of a file, a batch of pupils), so taking the lock a few times per item
 * costs nothing that shows.
 */
#include "ordered.h"

#include <pthread.h>

typedef struct run {
	const sw_ordered_job *job;
	pthread_mutex_t mu;
	pthread_cond_t more; /* for helpers: items made, or the end */
	pthread_cond_t done; /* for the calling thread: an item was done */
	bool *is_done;       /* slot item % window */
	uint64_t made, taken, finished;
	bool closed;         /* nothing more will be made */
} run;

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
	pthread_cond_signal(&r->done);
	return true;
}

static void *helper(void *arg)
{
	helper_arg *h = arg;
	run *r = h->r;
	pthread_mutex_lock(&r->mu);
	while (do_one(r, h->thread) || !r->closed)
		if (r->taken == r->made && !r->closed)
			pthread_cond_wait(&r->more, &r->mu);
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
			pthread_cond_wait(&r->done, &r->mu);
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
	for (unsigned j = 1; j < jobs; j++) {
		args[started] = (helper_arg){ &r, j };
		if (pthread_create(&th[started], NULL, helper, &args[started]) != 0)
			break; /* fewer threads: the calling thread does what is left */
		started++;
	}
	pthread_mutex_lock(&r.mu);
	int rc = drive(&r);
	r.closed = true;
	r.made = r.taken; /* an error: drop what nobody has started */
	pthread_cond_broadcast(&r.more);
	pthread_mutex_unlock(&r.mu);
	for (unsigned j = 0; j < started; j++)
		pthread_join(th[j], NULL);
	pthread_mutex_destroy(&r.mu);
	pthread_cond_destroy(&r.more);
	pthread_cond_destroy(&r.done);
	return rc;
}
