/*
 * interchange.c - helpers shared by the CASE and OneRoster modules: the
 * start and end of every call, notices, ids and labels made from foreign
 * text, natural ordering of codes, and a small pretty JSON writer with a
 * fixed layout (so output repeats exactly).
 */
#include "interchange.h"

#include <cJSON.h>
#include <string.h>
#include <utf8proc.h>

int sw_ic_begin(char **out, size_t *len, sw_engine *eng, void *stats, size_t size,
                const char *path, const char *noun, bool known, const char *opts)
{
	if (out)
		*out = NULL;
	if (len)
		*len = 0;
	memset(stats, 0, size);
	if (!eng)
		return SW_EINVALID;
	sw_engine_begin(eng);
	if (!path)
		return sw_diag_add(&eng->diag, SW_EINVALID, NULL, 0, 0, NULL, "no %s given", noun);
	if (!known)
		return sw_diag_add(&eng->diag, SW_EINVALID, path, 0, 0, NULL,
		                   "%s has an unknown version", opts);
	return SW_OK;
}

int sw_ic_end(char **out, size_t *len, sw_engine *eng, sw_buf *b, int rc, const char *what)
{
	if (rc == SW_ENOMEM && eng->diag.count == 0)
		sw_diag_add(&eng->diag, SW_ENOMEM, what, 0, 0, NULL, "out of memory");
	if (rc == SW_OK && len)
		*len = b->len;
	if (rc == SW_OK && out)
		*out = sw_buf_take(b);
	sw_buf_free(b);
	return rc;
}

void sw_notify_send(sw_notify *n, const char *file, uint64_t line, const char *path,
                    const char *fmt, ...)
{
	n->count++;
	if (!n->fn)
		return;
	sw_buf b;
	sw_buf_init(&b, n->m);
	va_list ap;
	va_start(ap, fmt);
	sw_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	const char *msg = sw_buf_cstr(&b);
	if (msg) {
		/* a message quotes text from the file: keep it on one line */
		sw_text_mask_controls(b.p, b.len);
		sw_notice nt = { file, line, path, msg };
		n->fn(&nt, n->payload);
	} else {
		n->oom = 1;
	}
	sw_buf_free(&b);
}

/* State of sw_slug while it adds characters. */
typedef struct slug {
	char out[65];
	size_t len, run;
	char pending; /* separator to write before the next letter or digit */
	bool full;
} slug;

/* Adds one code point (already case-folded, marks stripped) to the slug. */
static void slug_add(slug *s, int32_t c)
{
	if (s->full)
		return;
	bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
	if (!alnum) {
		s->run++;
		s->pending = s->run == 1 && (c == '.' || c == '_' || c == '-') ? (char)c : '-';
		return;
	}
	size_t need = (s->pending && s->len ? 1 : 0) + 1;
	if (s->len + need > 64) {
		s->full = true;
		return;
	}
	if (s->pending && s->len)
		s->out[s->len++] = s->pending;
	s->pending = 0;
	s->run = 0;
	s->out[s->len++] = (char)c;
}

void sw_slug(sw_buf *b, const char *s)
{
	slug st = { .len = 0 };
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_option_t opts = UTF8PROC_NULLTERM | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT |
	                         UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD;
	utf8proc_ssize_t n = utf8proc_decompose(p, 0, NULL, 0, opts);
	utf8proc_int32_t *cps = n > 0 ? sw_mem_calloc(b->m, (size_t)n, sizeof *cps) : NULL;
	if (n > 0 && !cps) {
		b->failed = 1; /* out of memory: not a slug of the ASCII letters only */
		return;
	}
	if (cps && utf8proc_decompose(p, 0, cps, n, opts) == n) {
		for (utf8proc_ssize_t i = 0; i < n; i++)
			slug_add(&st, cps[i]);
	} else {
		/* invalid UTF-8: ASCII letters and digits only */
		for (const char *c = s; *c; c++)
			slug_add(&st, *c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : (unsigned char)*c);
	}
	sw_mem_free(b->m, cps);
	if (st.full) {
		/* cut long text after a whole word when one ends past the middle */
		size_t cut = st.len;
		while (cut > 32 && st.out[cut - 1] != '-')
			cut--;
		if (cut > 32)
			st.len = cut - 1;
	}
	sw_buf_add(b, st.out, st.len);
}

void sw_label(sw_buf *b, const char *s, size_t max)
{
	/* white space collapsed and trimmed, into b after `start` */
	size_t start = b->len;
	bool space = false;
	for (const char *c = s; *c; c++) {
		if (strchr(" \t\n\r\f\v", *c)) { /* *c is never 0 here */
			space = b->len > start;
			continue;
		}
		if (space)
			sw_buf_putc(b, ' ');
		space = false;
		sw_buf_putc(b, *c);
	}
	if (b->failed)
		return;
	/* when longer than max, the label keeps max - 3 characters and "..." */
	size_t chars = 0, word_cut = 0, keep = max > 3 ? max - 3 : 0, cut = 0, i;
	for (i = start; i < b->len; i++) {
		if (((unsigned char)b->p[i] & 0xC0) == 0x80)
			continue;
		if (chars == keep)
			cut = i;
		if (chars == max)
			break;
		if (b->p[i] == ' ' && chars >= keep / 2 && chars <= keep)
			word_cut = i; /* the last space where the label may end */
		chars++;
	}
	if (i == b->len)
		return; /* short enough */
	b->len = word_cut ? word_cut : cut;
	while (b->len > start && strchr(" ,;:", b->p[b->len - 1]))
		b->len--;
	sw_buf_puts(b, "...");
}

/* True for an ASCII digit. */
static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

int sw_natcmp(const char *a, const char *b)
{
	const char *x = a, *y = b;
	while (*x && *y) {
		if (digit(*x) && digit(*y)) {
			while (*x == '0' && digit(x[1]))
				x++;
			while (*y == '0' && digit(y[1]))
				y++;
			size_t nx = 0, ny = 0;
			while (digit(x[nx]))
				nx++;
			while (digit(y[ny]))
				ny++;
			if (nx != ny)
				return nx < ny ? -1 : 1;
			int c = strncmp(x, y, nx);
			if (c)
				return c;
			x += nx;
			y += ny;
			continue;
		}
		if (*x != *y)
			return (unsigned char)*x < (unsigned char)*y ? -1 : 1;
		x++;
		y++;
	}
	if (*x || *y)
		return *x ? 1 : -1;
	return strcmp(a, b); /* "01" and "1": still a total order */
}

int sw_ic_key_cmp(const void *a, const void *b)
{
	const sw_ic_key *x = a, *y = b;
	int c = strcmp(x->s, y->s);
	if (c)
		return c;
	if (x->kind != y->kind)
		return x->kind - y->kind;
	return x->at < y->at ? -1 : x->at > y->at;
}

size_t sw_ic_key_find(const sw_ic_key *keys, size_t n, const char *s, int kind)
{
	size_t lo = 0, hi = n;
	sw_ic_key k = { s, kind, 0 };
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (sw_ic_key_cmp(&keys[mid], &k) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && strcmp(keys[lo].s, s) == 0 && keys[lo].kind == kind ? keys[lo].at : SIZE_MAX;
}

/* ---- the JSON writer ---- */

void sw_jw_init(sw_jw *w, sw_buf *b)
{
	memset(w, 0, sizeof *w);
	w->b = b;
	w->empty[0] = true;
}

/* Writes what comes before a value: comma, line break and indentation, key. */
static void jw_before(sw_jw *w, const char *key)
{
	int d = w->depth;
	if (d > 0) {
		if (!w->empty[d])
			sw_buf_putc(w->b, ',');
		if (w->one_line[d]) {
			if (!w->empty[d])
				sw_buf_putc(w->b, ' ');
		} else {
			sw_buf_putc(w->b, '\n');
			for (int i = 0; i < d; i++)
				sw_buf_puts(w->b, "  ");
		}
	}
	w->empty[d] = false;
	if (key) {
		sw_json_put(w->b, key);
		sw_buf_puts(w->b, ": ");
	}
}

void sw_jw_open(sw_jw *w, const char *key, char bracket, bool one_line)
{
	jw_before(w, key);
	sw_buf_putc(w->b, bracket);
	if (w->depth + 1 >= SW_JW_MAX) {
		w->b->failed = 1; /* deeper than any document written here */
		return;
	}
	w->depth++;
	w->empty[w->depth] = true;
	w->one_line[w->depth] = one_line || w->one_line[w->depth - 1];
	w->close[w->depth] = bracket == '{' ? '}' : ']';
}

void sw_jw_close(sw_jw *w)
{
	int d = w->depth;
	if (d == 0)
		return;
	if (!w->one_line[d] && !w->empty[d]) {
		sw_buf_putc(w->b, '\n');
		for (int i = 0; i < d - 1; i++)
			sw_buf_puts(w->b, "  ");
	}
	sw_buf_putc(w->b, w->close[d]);
	w->depth--;
	if (w->depth == 0)
		sw_buf_putc(w->b, '\n');
}

void sw_jw_str(sw_jw *w, const char *key, const char *s)
{
	if (!s)
		return;
	jw_before(w, key);
	sw_json_put(w->b, s);
}

void sw_jw_int(sw_jw *w, const char *key, long long v)
{
	jw_before(w, key);
	sw_buf_printf(w->b, "%lld", v);
}

const char *sw_ic_str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

void sw_jw_tree(sw_jw *w, const char *key, const cJSON *v)
{
	if (!v)
		return;
	char *s = cJSON_PrintUnformatted(v);
	if (!s) {
		w->b->failed = 1;
		return;
	}
	jw_before(w, key);
	sw_buf_puts(w->b, s);
	cJSON_free(s);
}
