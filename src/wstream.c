/*
 * wstream.c - output through a host's callback (sw_write_fn) instead of a
 * FILE *: a stdio stream made with fopencookie hands each buffered chunk to
 * the callback, so every writer of the library serves both. The _to
 * variants of the public writers are here, but for sw_writer_new_to (write.c).
 */
#define _GNU_SOURCE /* fopencookie */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <sys/types.h>

/* The cookie's write: a callback's non-zero return fails the stream and is kept. */
static ssize_t ws_write(void *cookie, const char *buf, size_t n)
{
	sw_wstream *ws = cookie;
	if (ws->user) {
		errno = EIO;
		return -1;
	}
	if (!n)
		return 0;
	int rc = ws->fn(buf, n, ws->payload);
	if (rc) {
		ws->user = rc;
		errno = EIO;
		return -1;
	}
	return (ssize_t)n;
}

FILE *sw_wstream_open(sw_wstream *ws, sw_write_fn fn, void *payload)
{
	ws->fn = fn;
	ws->payload = payload;
	ws->user = 0;
	ws->f = NULL;
	if (!fn)
		return NULL;
	cookie_io_functions_t io = { NULL, ws_write, NULL, NULL };
	ws->f = fopencookie(ws, "w", io);
	return ws->f;
}

int sw_wstream_status(const sw_wstream *ws, sw_engine *eng, int rc)
{
	if (ws && ws->user)
		return eng ? sw_engine_stopped(eng, ws->user) : SW_EUSER;
	return rc;
}

int sw_wstream_close(sw_wstream *ws, sw_engine *eng, int rc)
{
	if (ws->f && fclose(ws->f) != 0 && rc == SW_OK)
		rc = SW_EIO;
	ws->f = NULL;
	return sw_wstream_status(ws, eng, rc);
}

/* The body of an _to variant: SW_EINVALID unless `ok`; else `call`, writing
   to the FILE * `f`, through fn; the stream's status then (the callback's
   stop kept in eng, when given). */
#define WRITE_TO(ok, fn, payload, eng, call)                     \
	do {                                                     \
		if (!(ok))                                       \
			return SW_EINVALID;                      \
		sw_wstream ws;                                   \
		if (!sw_wstream_open(&ws, fn, payload))          \
			return SW_ENOMEM;                        \
		FILE *f = ws.f;                                  \
		return sw_wstream_close(&ws, eng, (call));       \
	} while (0)

int sw_framework_print_to(sw_write_fn fn, void *payload, const sw_framework *fw,
                          const char *skill)
{
	WRITE_TO(fn && fw, fn, payload, NULL, sw_framework_print(f, fw, skill));
}

int sw_cohort_write_to(sw_write_fn fn, void *payload, const sw_cohort *c, sw_report what,
                       sw_report_format format)
{
	WRITE_TO(fn && c, fn, payload, NULL, sw_cohort_write(f, c, what, format));
}

int sw_cohort_write_html_to(sw_write_fn fn, void *payload, const sw_cohort *c)
{
	WRITE_TO(fn && c, fn, payload, NULL, sw_cohort_write_html(f, c));
}

int sw_passport_write_to(sw_write_fn fn, void *payload, sw_engine *eng, const char *pupil,
                         const sw_passport_options *opts, uint64_t *errors)
{
	WRITE_TO(fn && eng, fn, payload, eng, sw_passport_write(f, eng, pupil, opts, errors));
}

int sw_passport_write_result_to(sw_write_fn fn, void *payload, const sw_engine *eng,
                                const sw_result *now, const sw_result *prev,
                                const sw_passport_options *opts)
{
	WRITE_TO(fn && eng && now, fn, payload, NULL, sw_passport_write_result(f, eng, now, prev, opts));
}

int sw_summary_compare_to(sw_write_fn fn, void *payload, const sw_summary *const *list,
                          size_t count, const sw_compare_options *opts)
{
	WRITE_TO(fn, fn, payload, NULL, sw_summary_compare(f, list, count, opts));
}
