/*
 * isolate.h - rubric evaluation in forked worker processes (isolate.c):
 * the layer behind sw_eval_options.isolate. Not installed.
 */
#ifndef SW_ISOLATE_H
#define SW_ISOLATE_H

#include "internal.h"
#include "data.h"

#include <sys/types.h>

/* Built with AddressSanitizer or ThreadSanitizer (gcc says so with a macro,
   clang with __has_feature): they reserve terabytes of address space, so a
   worker gets no address-space limit, and the seccomp filter must allow
   what they call. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SW_ISO_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SW_ISO_SANITIZER 1
#endif
#endif

/* The records of the pupil at position `pos` of the roster order: sets
   *pupil (the pupil's index) and *n. */
typedef const sw_record *(*sw_iso_records_fn)(const sw_engine *eng, size_t pos, size_t *pupil,
                                               size_t *n);

/*
 * Evaluates every pupil of the roster order like sw_engine_evaluate, but in
 * up to `jobs` worker processes, each holding only its socket, under
 * setrlimit limits and a seccomp filter, watched by the calling process.
 * The rubric's runner must be open (it is inherited by the workers). A
 * worker that dies or runs past its time gives an error to each pupil of
 * its batch with no result yet; the run goes on. Results reach fn in id
 * order, on the calling thread, as the threads would give them.
 */
int sw_iso_evaluate(sw_engine *eng, unsigned jobs, int32_t days, const char *as_of,
                    sw_iso_records_fn records, sw_result_fn fn, void *payload,
                    sw_eval_stats *stats);

/* The same for one pupil, p, on recs[0..n) (sw_engine_evaluate_pupil):
   its result goes into res (made for eng). */
int sw_iso_evaluate_one(sw_engine *eng, sw_result *res, size_t p, const sw_record *recs,
                        size_t n, int32_t days, const char *as_of);

/* Whether an evaluation with opts runs isolated: opts->isolate, or the
   engine's sw_engine_set_isolate mode (SW_ISOLATE_AUTO: when the loaded
   rubric runs as Lua); the runner must be open. */
bool sw_iso_wanted(const sw_engine *eng, const sw_eval_options *opts);

/* evaluate.c: the probe of the first pupils for a rubric that never ends;
   *stopped gets every pupil's error (engine allocator) or NULL. */
struct sw_runner;
int sw_eval_probe(sw_engine *eng, struct sw_runner *rn, sw_result *scratch, size_t total,
                  int32_t days, const char *as_of, sw_iso_records_fn records, char **stopped);

/* The command that asks a worker for the probe instead of a batch. */
#define SW_ISO_PROBE UINT64_MAX

/* What a worker needs, set by the parent before it forks. */
typedef struct sw_iso_plan {
	sw_engine *eng;
	pid_t parent;           /* the process that starts the workers */
	sw_iso_records_fn records;
	int32_t days;
	const char *as_of;
	uint64_t cpu_seconds;   /* RLIMIT_CPU of a worker (it retires at half) */
	uint64_t address_space; /* RLIMIT_AS of a worker; 0: none (sanitizer builds) */
	const char *stopped;    /* the probe's verdict: every pupil's error, or NULL */
	bool one;               /* one pupil (sw_iso_evaluate_one): the three below */
	size_t one_pupil;
	const sw_record *one_recs;
	size_t one_n;
} sw_iso_plan;

/* isolate_worker.c: the worker's life on socket fd; never returns. */
_Noreturn void sw_iso_worker(const sw_iso_plan *pl, int fd);
/* isolate_codec.c: appends the body of a result frame for res; turns one
   back into res (made for eng), SW_EINVALID when it is broken. */
void sw_iso_encode(sw_buf *b, const sw_result *res);
int sw_iso_decode(sw_engine *eng, sw_result *res, const char *p, const char *end);

#endif
