/*
 * error.c - status names, the engine's error list and its text form.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

const char *sw_status_string(int status)
{
	switch (status) {
	case SW_OK: return "ok";
	case SW_EINVALID: return "invalid input";
	case SW_ENOMEM: return "out of memory";
	case SW_EIO: return "input/output error";
	case SW_ENOTFOUND: return "not found";
	case SW_ELIMIT: return "limit reached";
	case SW_ESTATE: return "call out of order";
	case SW_EREJECTED: return "rejected";
	case SW_EUSER: return "stopped by a callback";
	default: return "error";
	}
}

void sw_diag_init(sw_diag *d, const sw_mem *m)
{
	memset(d, 0, sizeof *d);
	d->m = m;
}

/* Frees the strings of one error. */
static void error_free(const sw_mem *m, sw_error *e)
{
	sw_mem_free(m, (char *)e->message);
	sw_mem_free(m, (char *)e->file);
	sw_mem_free(m, (char *)e->path);
}

void sw_diag_clear(sw_diag *d)
{
	for (size_t i = 0; i < d->count; i++)
		error_free(d->m, &d->items[i]);
	sw_mem_free(d->m, d->items);
	d->items = NULL;
	d->count = d->cap = d->total = 0;
	d->oom = 0;
}

int sw_diag_vadd(sw_diag *d, int code, const char *file, uint64_t line, uint32_t col,
                 const char *path, const char *fmt, va_list ap)
{
	d->total++;
	if (d->count >= SW_MAX_ERRORS)
		return code;
	if (sw_mem_grow(d->m, (void **)&d->items, &d->cap, d->count + 1, sizeof(sw_error))) {
		d->oom = 1;
		return code;
	}
	sw_buf b;
	sw_buf_init(&b, d->m);
	sw_buf_vprintf(&b, fmt, ap);
	sw_error e = { code, NULL, NULL, line, col, NULL };
	e.message = sw_buf_take(&b);
	e.file = file ? sw_mem_strdup(d->m, file) : NULL;
	e.path = path ? sw_mem_strdup(d->m, path) : NULL;
	if (!e.message || (file && !e.file) || (path && !e.path)) {
		error_free(d->m, &e);
		d->oom = 1;
		return code;
	}
	d->items[d->count++] = e;
	return code;
}

int sw_diag_add(sw_diag *d, int code, const char *file, uint64_t line, uint32_t col,
                const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sw_diag_vadd(d, code, file, line, col, path, fmt, ap);
	va_end(ap);
	return code;
}

size_t sw_error_format(char *buf, size_t size, const sw_error *e)
{
	if (!e)
		return 0;
	const char *msg = e->message ? e->message : sw_status_string(e->code);
	char at[40] = ""; /* ":LINE" or ":LINE:COLUMN" after the file */
	if (e->file && e->line && e->column)
		snprintf(at, sizeof at, ":%llu:%u", (unsigned long long)e->line, e->column);
	else if (e->file && e->line)
		snprintf(at, sizeof at, ":%llu", (unsigned long long)e->line);
	bool path = e->path && !at[0]; /* a line says where: no path then */
	int n = snprintf(buf, size, "%s%s%serror: %s%s%s", e->file ? e->file : "", at,
	                 e->file ? ": " : "", path ? e->path : "", path ? ": " : "", msg);
	return n < 0 ? 0 : (size_t)n;
}
