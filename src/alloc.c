/*
 * alloc.c - the one place the library's memory comes from, and the
 * growable buffer built on it.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <stdio.h>

/* The default allocator: the C library's realloc and free. */
static void *default_realloc(void *ud, void *ptr, size_t size)
{
	(void)ud;
	if (size == 0) {
		free(ptr);
		return NULL;
	}
	return realloc(ptr, size);
}

#ifdef SW_TEST_HOOKS
/* Test builds only: when set, it stands for the default allocator (sweeps
   of the calls that take no engine). */
const sw_allocator *sw_test_default_allocator;
#endif

void sw_mem_init(sw_mem *m, const sw_allocator *a)
{
#ifdef SW_TEST_HOOKS
	if (!(a && a->realloc))
		a = sw_test_default_allocator;
#endif
	*m = a && a->realloc ? (sw_mem){ a->realloc, a->ud } : (sw_mem){ default_realloc, NULL };
}

void *sw_mem_alloc(const sw_mem *m, size_t n)
{
	return m->fn(m->ud, NULL, n ? n : 1);
}

void *sw_mem_calloc(const sw_mem *m, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		return NULL;
	size_t total = count * size;
	void *p = sw_mem_alloc(m, total);
	if (p)
		memset(p, 0, total ? total : 1);
	return p;
}

void *sw_mem_realloc(const sw_mem *m, void *p, size_t n)
{
	return m->fn(m->ud, p, n ? n : 1);
}

void sw_mem_free(const sw_mem *m, void *p)
{
	if (p)
		m->fn(m->ud, p, 0);
}

char *sw_mem_strndup(const sw_mem *m, const char *s, size_t n)
{
	char *c = sw_mem_alloc(m, n + 1);
	if (c) {
		if (n)
			memcpy(c, s, n);
		c[n] = '\0';
	}
	return c;
}

char *sw_mem_strdup(const sw_mem *m, const char *s)
{
	return s ? sw_mem_strndup(m, s, strlen(s)) : NULL;
}

int sw_mem_grow(const sw_mem *m, void **arr, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return SW_OK;
	size_t n = *cap ? *cap : 8;
	while (n < need) {
		if (n > SIZE_MAX / 2 / size)
			return SW_ENOMEM;
		n *= 2;
	}
	void *p = sw_mem_realloc(m, *arr, n * size);
	if (!p)
		return SW_ENOMEM;
	*arr = p;
	*cap = n;
	return SW_OK;
}

/* ---- sw_buf ---- */

void sw_buf_init(sw_buf *b, const sw_mem *m)
{
	*b = (sw_buf){ NULL, 0, 0, m, 0 };
}

bool sw_buf_reserve(sw_buf *b, size_t n)
{
	if (b->failed)
		return false;
	if (n < b->cap - b->len) /* room for n bytes and the NUL already */
		return true;
	if (n > SIZE_MAX - b->len - 1 ||
	    sw_mem_grow(b->m, (void **)&b->p, &b->cap, b->len + n + 1, 1) != SW_OK) {
		b->failed = 1;
		return false;
	}
	return true;
}

void sw_buf_add_slow(sw_buf *b, const char *s, size_t n)
{
	if (!sw_buf_reserve(b, n))
		return;
	if (n)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void sw_buf_puts(sw_buf *b, const char *s)
{
	sw_buf_add(b, s, strlen(s));
}

void sw_buf_putc_slow(sw_buf *b, char c)
{
	sw_buf_add(b, &c, 1);
}

void sw_buf_vprintf(sw_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if (!sw_buf_reserve(b, (size_t)n))
		return;
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void sw_buf_printf(sw_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sw_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void sw_buf_clip_n(sw_buf *b, const char *before, const char *s, size_t n, size_t max,
                   const char *after)
{
	sw_buf_puts(b, before);
	if (!s) {
		s = "";
		n = 0;
	}
	const char *nul = memchr(s, '\0', n);
	if (nul)
		n = (size_t)(nul - s);
	if (n <= max) {
		sw_buf_add(b, s, n);
	} else {
		while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
			max--; /* back to the start of the character at the cut */
		sw_buf_add(b, s, max);
		sw_buf_puts(b, "...");
	}
	sw_buf_puts(b, after);
}

void sw_buf_clip(sw_buf *b, const char *before, const char *s, size_t max, const char *after)
{
	sw_buf_clip_n(b, before, s, strlen(s), max, after);
}

const char *sw_buf_cstr(sw_buf *b)
{
	if (b->failed)
		return NULL;
	if (!b->p && !sw_buf_reserve(b, 0))
		return NULL;
	b->p[b->len] = '\0';
	return b->p;
}

char *sw_buf_take(sw_buf *b)
{
	char *p = sw_buf_cstr(b) ? b->p : NULL;
	if (!p)
		sw_mem_free(b->m, b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

void sw_buf_free(sw_buf *b)
{
	sw_mem_free(b->m, b->p);
	sw_buf_init(b, b->m);
}
