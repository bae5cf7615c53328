/*
 * ordered.h - work shared by threads and finished in order: the one
 * mechanism under parallel reading (parload.c) and parallel evaluation
 * (evaluate.c). Not installed.
 *
 * Items are numbered 0, 1, 2, ... The calling thread makes them in chunks
 * (produce), any thread does them (work), and the calling thread finishes
 * them one by one in number order (finish), so what is finished comes out
 * as a single thread would give it, whatever the number of threads. At
 * most `window` items are made but not yet finished, so a caller can keep
 * each item's state in slot (item % window) and reuse it.
 */
#ifndef SW_ORDERED_H
#define SW_ORDERED_H

#include "internal.h"

#include <stdbool.h>
#include <stdint.h>

#define SW_ORDERED_MAX_JOBS 64

typedef struct sw_ordered_job {
	unsigned jobs;   /* threads in all, the calling thread included (1: no thread
	                    is made); at most SW_ORDERED_MAX_JOBS */
	unsigned window; /* a multiple of chunk */
	unsigned chunk;  /* items made by one produce call */
	bool *done;      /* window flags of scratch, the caller's */
	void *ctx;
	/* Calling thread: makes items [first, first + chunk) ready. Returns 1
	   when it made them, 0 when there are no more, or an error status. */
	int (*produce)(void *ctx, uint64_t first);
	/* Any thread (0 is the calling thread, 1..jobs-1 the others): does item i.
	   Failures are kept in the item, for finish to report. */
	void (*work)(void *ctx, uint64_t i, unsigned thread);
	/* Calling thread, in item order: finishes item i; an error status stops the run. */
	int (*finish)(void *ctx, uint64_t i);
} sw_ordered_job;

/* Runs the job to the end or to the first error, which it returns (SW_OK:
   every item made was finished). On an error, items not yet started are dropped, and the threads are waited
   for before it returns. */
int sw_ordered_run(const sw_ordered_job *job);

#endif
