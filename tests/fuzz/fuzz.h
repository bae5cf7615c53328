/*
 * fuzz.h - what the libFuzzer harnesses in tests/fuzz share (header only,
 * so that each harness is one file: `make fuzz` links it with libFuzzer,
 * `make test` with replay.c, which runs every file of the regression corpus
 * through the same LLVMFuzzerTestOneInput without clang).
 *
 * The readers take a path, so an input is written to a memfd and read back
 * through /proc/self/fd/N: no file system, no clean-up.
 */
#ifndef SW_FUZZ_H
#define SW_FUZZ_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memfd_create */
#endif
#include "stepwise.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A two-skill framework for the harnesses that need one. */
static const char FUZZ_FRAMEWORK[] =
	"{\"format\": \"stepwise-framework\", \"format_version\": 1, \"id\": \"fuzz\", \"name\": \"Fuzz\","
	" \"stages\": [{\"id\": \"low\", \"name\": \"Low\", \"first\": 1, \"last\": 2}],"
	" \"skills\": ["
	"  {\"id\": \"alpha\", \"name\": \"Alpha\", \"aliases\": [\"first-skill\"], \"steps\": ["
	"   {\"step\": 1, \"label\": \"A1\"}, {\"step\": 2, \"label\": \"A2\"}, {\"step\": 3, \"label\": \"A3\"}]},"
	"  {\"id\": \"beta\", \"name\": \"Beta\", \"steps\": ["
	"   {\"step\": 0, \"label\": \"B0\"}, {\"step\": 1, \"label\": \"B1\"}]}],"
	" \"expectations\": [{\"year\": 5, \"step\": 1}]}";

/* Writes the input to a memfd and returns a path that reads it, or NULL. */
static inline const char *fuzz_path(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	if (fd < 0) {
		fd = memfd_create("fuzz-input", 0);
		if (fd < 0)
			return NULL;
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0)
		return NULL;
	size_t done = 0;
	while (done < size) {
		ssize_t n = pwrite(fd, data + done, size - done, (off_t)done);
		if (n <= 0)
			return NULL;
		done += (size_t)n;
	}
	return path;
}

/* Where output goes: /dev/null, kept open. */
static inline FILE *fuzz_null(void)
{
	static FILE *f;
	if (!f)
		f = fopen("/dev/null", "w");
	return f;
}

/* Formats every error of the last call, as a host would show them. */
static inline void fuzz_errors(const sw_engine *eng)
{
	char buf[512];
	for (size_t i = 0; i < sw_engine_error_count(eng); i++)
		sw_error_format(buf, sizeof buf, sw_engine_error(eng, i));
}

/* Reads every accessor of a result and writes it in both writers' forms. */
static inline void fuzz_result(const sw_result *r)
{
	int step;
	size_t n = 0;
	n += sw_result_pupil(r) ? 1 : 0;
	for (size_t k = 0; k < sw_result_skill_count(r); k++) {
		n += (size_t)sw_result_has_step(&step, r, k);
		n += sw_result_note(r, k) ? 1 : 0;
		n += sw_result_evidence(r, k);
	}
	for (size_t i = 0; i < sw_result_flag_count(r); i++)
		n += sw_result_flag(r, i) != NULL;
	for (size_t i = 0; i < sw_result_award_count(r); i++)
		n += sw_result_award(r, i) != NULL;
	for (size_t i = 0; i < sw_result_error_count(r); i++)
		n += sw_result_error(r, i) != NULL;
	(void)n;
}

/* An sw_result_fn: checks the result and writes it to /dev/null as CSV and JSON Lines. */
typedef struct fuzz_writers {
	sw_writer *csv, *jsonl;
} fuzz_writers;

static inline int fuzz_on_result(const sw_result *r, void *payload)
{
	fuzz_writers *w = payload;
	fuzz_result(r);
	if (w && w->csv)
		sw_writer_add(w->csv, r);
	if (w && w->jsonl)
		sw_writer_add(w->jsonl, r);
	return 0;
}

/* Evaluates the engine's pupils, writing the results to /dev/null. */
static inline void fuzz_evaluate(sw_engine *eng)
{
	fuzz_writers w = { NULL, NULL };
	sw_writer_new(&w.csv, eng, SW_OUTPUT_CSV, fuzz_null());
	sw_writer_new(&w.jsonl, eng, SW_OUTPUT_JSONL, fuzz_null());
	if (sw_engine_evaluate(eng, NULL, fuzz_on_result, &w, NULL) != SW_OK)
		fuzz_errors(eng);
	if (w.csv) {
		sw_writer_finish(w.csv);
		sw_writer_free(w.csv);
	}
	if (w.jsonl) {
		sw_writer_finish(w.jsonl);
		sw_writer_free(w.jsonl);
	}
}

/* Small limits, so that a rubric built from the input runs quickly. */
static inline sw_engine *fuzz_engine(void)
{
	sw_engine_options o = SW_ENGINE_OPTIONS_INIT;
	o.instruction_limit = 100000;
	o.memory_limit = 8u * 1024 * 1024;
	o.print_stream = fuzz_null();
	sw_engine *eng = NULL;
	if (sw_engine_new(&eng, &o) != SW_OK)
		abort();
	if (sw_engine_load_framework_buffer(eng, FUZZ_FRAMEWORK, sizeof FUZZ_FRAMEWORK - 1,
	                                    "fuzz.json") != SW_OK)
		abort();
	return eng;
}
/* Counts every byte a host reads from a rejected row (the sanitizers check
   each is inside its buffer). */
static inline void fuzz_on_reject(const sw_reject *r, void *payload)
{
	size_t *n = payload;
	*n += strlen(r->file) + strlen(r->reason);
	for (size_t i = 0; i < r->raw_len; i++)
		*n += (unsigned char)r->raw[i];
	for (size_t i = 0; i < r->header_len; i++)
		*n += (unsigned char)r->header[i];
}

/*
 * The input as a roster (pupils) or evidence file in `format`: every row
 * must be accepted or rejected (rows == accepted + rejected), then the
 * pupils are evaluated with the default rubric and written as CSV and JSON
 * Lines. Evidence of odd length is read with two threads, so that the
 * parallel reader is fuzzed as well as the single one.
 */
static inline int fuzz_load(const uint8_t *data, size_t size, bool pupils, int format)
{
	static sw_engine *eng;
	if (!eng)
		eng = fuzz_engine();
	const char *path = fuzz_path(data, size);
	if (!path)
		return 0;
	sw_engine_reset_data(eng);
	size_t seen = 0;
	sw_load_options o = SW_LOAD_OPTIONS_INIT;
	o.format = format;
	o.on_reject = fuzz_on_reject;
	o.payload = &seen;
	o.jobs = !pupils && (size & 1) ? 2 : 1;
	sw_load_stats st;
	int rc = pupils ? sw_engine_load_pupils(eng, path, &o, &st)
	                : sw_engine_load_evidence(eng, path, &o, &st);
	if (rc == SW_OK) {
		if (st.rows != st.accepted + st.rejected)
			abort();
		fuzz_evaluate(eng);
	} else {
		fuzz_errors(eng);
	}
	return 0;
}

#endif
