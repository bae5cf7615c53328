/*
 * json.c - cJSON made strict: size and depth limits checked before
 * parsing, syntax errors with line and column, strict number syntax, keys
 * given twice, JSON paths for rule errors; and the places of a document's
 * top-level members noted while it is checked (for the service).
 */
#include "internal.h"
#include "flatjson.h"

#include <cJSON.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Appends text, cutting it short (with "...") if the path grows too long. */
static void jpath_add(sw_jpath *p, const char *s, size_t n)
{
	size_t room = sizeof p->buf - 1 - p->len;
	bool cut = n > room && room >= 3;
	n = n > room ? room : n;
	memcpy(p->buf + p->len, s, n);
	if (cut)
		memcpy(p->buf + p->len + n - 3, "...", 3);
	p->len += n;
	p->buf[p->len] = '\0';
}

/* True when key can be written as .key in a path. */
static bool plain_key(const char *key)
{
	if (!*key)
		return false;
	for (const char *c = key; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '_' || *c == '-'))
			return false;
	return true;
}

size_t sw_jpath_key(sw_jpath *p, const char *key)
{
	size_t old = p->len;
	if (plain_key(key)) {
		jpath_add(p, ".", 1);
		jpath_add(p, key, strlen(key));
	} else {
		jpath_add(p, "[\"", 2);
		for (const char *c = key; *c; c++) {
			if (*c == '"' || *c == '\\')
				jpath_add(p, "\\", 1);
			if ((unsigned char)*c < 0x20)
				jpath_add(p, "?", 1);
			else
				jpath_add(p, c, 1);
		}
		jpath_add(p, "\"]", 2);
	}
	return old;
}

size_t sw_jpath_index(sw_jpath *p, size_t i)
{
	size_t old = p->len;
	char tmp[24]; /* "[" digits "]", written from the end (no printf: it is called per element) */
	size_t at = sizeof tmp;
	tmp[--at] = ']';
	do
		tmp[--at] = (char)('0' + i % 10);
	while ((i /= 10) > 0);
	tmp[--at] = '[';
	jpath_add(p, tmp + at, sizeof tmp - at);
	return old;
}

void sw_jpath_restore(sw_jpath *p, size_t len)
{
	p->len = len;
	p->buf[len] = '\0';
}

/* Line and column (1-based, column in characters) of byte `off` in data. */
static void position(uint64_t *line, uint32_t *col, const char *data, size_t off)
{
	uint64_t l = 1;
	uint32_t c = 1;
	for (size_t i = 0; i < off; i++) {
		unsigned char ch = (unsigned char)data[i];
		if (ch == '\n') {
			l++;
			c = 1;
		} else if ((ch & 0xC0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

size_t sw_json_number_len(const char *s, size_t n)
{
	size_t i = 0;
	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i < n && s[i] >= '1' && s[i] <= '9')
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return 0;
	if (i < n && s[i] == '.') {
		size_t j = ++i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == j)
			return 0;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		size_t j = i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == j)
			return 0;
	}
	return i;
}

/*
 * The strict JSON grammar (RFC 8259), checked before cJSON sees the text,
 * so that every syntax error gets a clear message and an exact position:
 * cJSON accepts "01", "1.", raw control characters in strings and invalid
 * UTF-8, cuts strings at "\u0000", and reports positions loosely.
 */
typedef struct scan {
	sw_diag *d;
	const char *name, *data;
	size_t len, i;
	int depth, max_depth;
	sw_json_member *mem;     /* top-level members whose place is noted */
	size_t nmem;
	const sw_mem *m;
	sw_json_member *collect; /* the member whose value is about to be scanned */
} scan;

/* The noted member named data[from..to), or NULL. */
static sw_json_member *member(const scan *s, size_t from, size_t to)
{
	for (size_t k = 0; k < s->nmem; k++)
		if (strlen(s->mem[k].key) == to - from && !memcmp(s->mem[k].key, s->data + from, to - from))
			return &s->mem[k];
	return NULL;
}

/* Records a syntax error at byte offset `off`. */
static int scan_error(scan *s, size_t off, const char *fmt, ...) SW_PRINTF(3, 4);
static int scan_error(scan *s, size_t off, const char *fmt, ...)
{
	uint64_t line;
	uint32_t col;
	position(&line, &col, s->data, off);
	va_list ap;
	va_start(ap, fmt);
	sw_diag_vadd(s->d, SW_EINVALID, s->name, line, col, NULL, fmt, ap);
	va_end(ap);
	return SW_EINVALID;
}

/* Reports that `what` was expected at the current position. */
static int expected(scan *s, const char *what)
{
	if (s->i >= s->len)
		return scan_error(s, s->i, "unexpected end of input: expected %s", what);
	if (s->data[s->i] == '\0')
		return scan_error(s, s->i, "NUL byte in JSON text");
	return scan_error(s, s->i, "expected %s", what);
}

static void skip_ws(scan *s)
{
	/* compared directly: this runs for every token of a large request */
	while (s->i < s->len && (s->data[s->i] == ' ' || s->data[s->i] == '\n' ||
	                         s->data[s->i] == '\t' || s->data[s->i] == '\r'))
		s->i++;
}

int sw_json_hex4(const char *p)
{
	int v = 0;
	for (int k = 0; k < 4; k++) {
		char c = p[k];
		int h = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
		      : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* Checks one \u escape at s->i (the backslash); advances past it (and its pair). */
static int scan_unicode(scan *s)
{
	size_t at = s->i;
	int u = s->len - at >= 6 ? sw_json_hex4(s->data + at + 2) : -1;
	if (u < 0)
		return scan_error(s, at, "\\u must be followed by four hex digits");
	if (u == 0)
		return scan_error(s, at, "\\u0000 (a NUL character) is not allowed in a string");
	s->i += 6;
	if (u >= 0xDC00 && u <= 0xDFFF)
		return scan_error(s, at, "unpaired UTF-16 surrogate \\u%04X", (unsigned)u);
	if (u >= 0xD800 && u <= 0xDBFF) {
		int lo = s->len - s->i >= 6 && s->data[s->i] == '\\' && s->data[s->i + 1] == 'u'
		       ? sw_json_hex4(s->data + s->i + 2) : -1;
		if (lo < 0xDC00 || lo > 0xDFFF)
			return scan_error(s, at, "unpaired UTF-16 surrogate \\u%04X", (unsigned)u);
		s->i += 6;
	}
	return SW_OK;
}

static int scan_string(scan *s)
{
	size_t start = s->i++;
	for (;;) {
		if (s->i >= s->len)
			return scan_error(s, start, "unterminated string");
		unsigned char c = (unsigned char)s->data[s->i];
		if (c == '"') {
			s->i++;
			return SW_OK;
		} else if (c == '\\') {
			char e = s->i + 1 < s->len ? s->data[s->i + 1] : '\0';
			if (e == 'u') {
				if (scan_unicode(s))
					return SW_EINVALID;
			} else if (e && strchr("\"\\/bfnrt", e)) {
				s->i += 2;
			} else if (s->i + 1 >= s->len) {
				return scan_error(s, start, "unterminated string");
			} else if ((unsigned char)e >= 0x21 && (unsigned char)e < 0x7F) {
				return scan_error(s, s->i, "invalid escape '\\%c' in a string", e);
			} else {
				return scan_error(s, s->i, "invalid escape in a string");
			}
		} else if (c == '\0') {
			return scan_error(s, s->i, "NUL byte in JSON text");
		} else if (c == '\n' || c == '\r') {
			return scan_error(s, start, "unterminated string (a string cannot contain a "
			                  "line break; write it as \\n)");
		} else if (c < 0x20) {
			return scan_error(s, s->i, "control character U+%04X in a string (write it "
			                  "as an escape such as \\t or \\u%04X)", c, c);
		} else if (c >= 0x80) {
			size_t run = 0;
			while (s->i + run < s->len && (unsigned char)s->data[s->i + run] >= 0x80)
				run++;
			size_t bad = sw_text_invalid_at(s->data + s->i, run);
			if (bad < run)
				return scan_error(s, s->i + bad, "invalid UTF-8 in a string");
			s->i += run;
		} else {
			s->i++;
		}
	}
}

static int scan_value(scan *s);

/* Checks an object or array; s->i is at its '{' or '['. */
static int scan_container(scan *s)
{
	bool obj = s->data[s->i] == '{';
	sw_json_member *col = obj ? NULL : s->collect; /* its elements' places are noted */
	s->collect = NULL;
	if (col)
		col->array = true;
	if (++s->depth > s->max_depth)
		return scan_error(s, s->i, "nesting deeper than %d levels", s->max_depth);
	s->i++;
	skip_ws(s);
	char close = obj ? '}' : ']';
	if (s->i < s->len && s->data[s->i] == close) {
		s->i++;
		s->depth--;
		return SW_OK;
	}
	for (bool first = true;; first = false) {
		skip_ws(s);
		sw_json_member *hit = NULL;
		if (obj) {
			if (s->i >= s->len || s->data[s->i] != '"')
				return expected(s, first ? "a string key or '}'" : "a string key after ','");
			size_t key = s->i;
			if (scan_string(s))
				return SW_EINVALID;
			if (s->depth == 1 && (hit = member(s, key + 1, s->i - 1)) && hit->found++)
				hit = NULL; /* given twice: only the first is noted */
			skip_ws(s);
			if (s->i >= s->len || s->data[s->i] != ':')
				return expected(s, "':' after object key");
			s->i++;
		} else if (!first) {
			skip_ws(s);
			if (s->i < s->len && s->data[s->i] == ']')
				return expected(s, "a value after ','");
		}
		skip_ws(s);
		size_t start = s->i;
		s->collect = hit;
		if (scan_value(s))
			return SW_EINVALID;
		s->collect = NULL;
		if (hit) {
			hit->start = start;
			hit->end = s->i;
		}
		if (col && col->array) { /* an element's place, or none when out of memory */
			if (sw_mem_grow(s->m, (void **)&col->spans, &col->cap, 2 * col->count + 2,
			                sizeof *col->spans))
				col->array = false;
			else {
				col->spans[2 * col->count] = start;
				col->spans[2 * col->count++ + 1] = s->i;
			}
		}
		skip_ws(s);
		if (s->i < s->len && s->data[s->i] == ',') {
			s->i++;
		} else if (s->i < s->len && s->data[s->i] == close) {
			s->i++;
			s->depth--;
			return SW_OK;
		} else {
			return expected(s, obj ? "',' or '}' after object member"
			                       : "',' or ']' after array element");
		}
	}
}

static int scan_value(scan *s)
{
	skip_ws(s);
	if (s->i >= s->len)
		return expected(s, "a value");
	const char *p = s->data + s->i;
	size_t rest = s->len - s->i;
	char c = *p;
	if (c == '{' || c == '[')
		return scan_container(s);
	if (c == '"')
		return scan_string(s);
	if (c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9')) {
		size_t end = 0;
		while (end < rest && p[end] && strchr("+-.eE0123456789", p[end]))
			end++;
		size_t n = sw_json_number_len(p, rest);
		if (n == 0 || n != end)
			return scan_error(s, s->i, "invalid number '%.*s'", (int)(end > 40 ? 40 : end), p);
		s->i += n;
		return SW_OK;
	}
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
		size_t n = 0;
		while (n < rest && ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
		                    (p[n] >= '0' && p[n] <= '9') || p[n] == '_'))
			n++;
		if ((n == 4 && !memcmp(p, "true", 4)) || (n == 5 && !memcmp(p, "false", 5)) ||
		    (n == 4 && !memcmp(p, "null", 4))) {
			s->i += n;
			return SW_OK;
		}
		return scan_error(s, s->i, "unknown word '%.*s' (a value is a string, number, "
		                  "object, array, true, false or null)", (int)(n > 40 ? 40 : n), p);
	}
	return expected(s, "a value");
}

int sw_json_check_at(sw_diag *d, const char *name, const char *data, size_t len, int max_depth,
                     sw_json_member *mem, size_t n, const sw_mem *m)
{
	scan s = { d, name, data, len, 0, 0, max_depth, mem, n, m, NULL };
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		s.i = 3; /* a UTF-8 byte order mark, which cJSON skips too */
	skip_ws(&s);
	if (s.i >= len)
		return scan_error(&s, s.i, "the document is empty (expected a JSON object)");
	if (scan_value(&s))
		return SW_EINVALID;
	skip_ws(&s);
	if (s.i < len) {
		if (data[s.i] == '\0')
			return scan_error(&s, s.i, "NUL byte in JSON text");
		return scan_error(&s, s.i, "text after the end of the JSON document");
	}
	return SW_OK;
}

/* Orders key pointers by name. */
static int cmp_keys(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	return strcmp(x->string, y->string);
}

/* Reports every key given twice in an object, anywhere in the tree. */
static void find_duplicates(sw_diag *d, const sw_mem *m, const char *name,
                            const cJSON *node, sw_jpath *path)
{
	bool obj = cJSON_IsObject(node);
	size_t n = 0;
	for (const cJSON *c = obj ? node->child : NULL; c; c = c->next)
		n++;
	if (n > 1) {
		const cJSON *small[16];
		const cJSON **keys = n <= 16 ? small : sw_mem_calloc(m, n, sizeof *keys);
		if (!keys) {
			d->oom = 1;
			return;
		}
		size_t k = 0;
		for (const cJSON *c = node->child; c; c = c->next)
			keys[k++] = c;
		qsort(keys, n, sizeof *keys, cmp_keys);
		for (size_t i = 1; i < n; i++) {
			if (strcmp(keys[i]->string, keys[i - 1]->string) == 0 &&
			    (i + 1 == n || strcmp(keys[i + 1]->string, keys[i]->string))) {
				size_t old = sw_jpath_key(path, keys[i]->string);
				sw_diag_add(d, SW_EINVALID, name, 0, 0, path->buf,
				            "key given more than once in one object");
				sw_jpath_restore(path, old);
			}
		}
		if (keys != small)
			sw_mem_free(m, keys);
	}
	/* an object's members or an array's elements (a scalar has none) */
	size_t i = 0;
	for (const cJSON *c = node->child; c; c = c->next, i++) {
		if (!c->child)
			continue; /* nothing in it can hold a key given twice */
		size_t old = obj ? sw_jpath_key(path, c->string) : sw_jpath_index(path, i);
		find_duplicates(d, m, name, c, path);
		sw_jpath_restore(path, old);
	}
}

/* cJSON records its last error in a global, so parses by different threads
   would race on it: they take turns. */
static pthread_mutex_t cjson_lock = PTHREAD_MUTEX_INITIALIZER;

cJSON *sw_cjson_parse(const char *s, size_t n, const char **end)
{
	pthread_mutex_lock(&cjson_lock);
	cJSON *root = cJSON_ParseWithLengthOpts(s, n, end, 0);
	pthread_mutex_unlock(&cjson_lock);
	return root;
}

int sw_json_parse(cJSON **out, sw_diag *d, const char *name, const char *data, size_t len,
                  size_t max_bytes, int max_depth)
{
	*out = NULL;
	if (len > max_bytes)
		return sw_diag_add(d, SW_ELIMIT, name, 0, 0, NULL,
		                   "file is %zu bytes, over the limit of %zu bytes", len, max_bytes);
	if (sw_json_check_at(d, name, data, len, max_depth, NULL, 0, NULL))
		return SW_EINVALID;
	scan s = { d, name, data, len, 0, 0, max_depth, NULL, 0, NULL, NULL };
	const char *end = NULL;
	cJSON *root = sw_cjson_parse(data, len, &end);
	if (!root) {
		size_t off = end && end >= data ? (size_t)(end - data) : 0;
		if (off > len)
			off = len;
		unsigned char c = off < len ? (unsigned char)data[off] : 0;
		if (c >= 0x21 && c < 0x7F)
			return scan_error(&s, off, "invalid JSON: unexpected '%c'", c);
		if (c)
			return scan_error(&s, off, "invalid JSON: unexpected byte 0x%02X", c);
		return scan_error(&s, off, "invalid JSON: %s",
		                  off < len ? "NUL byte in JSON text" : "unexpected end of input");
	}
	size_t off = (size_t)(end - data);
	while (off < len && strchr(" \t\r\n", data[off]))
		off++;
	if (off < len) {
		cJSON_Delete(root);
		return scan_error(&s, off, "invalid JSON: text after the document");
	}
	/* Keys given twice are recorded but the tree is still returned, so the
	   caller can go on to report the document's other errors too. */
	sw_jpath path = SW_JPATH_ROOT;
	find_duplicates(d, d->m, name, root, &path);
	if (d->oom) {
		cJSON_Delete(root);
		return SW_ENOMEM;
	}
	*out = root;
	return SW_OK;
}

bool sw_json_int(const cJSON *item, int *out)
{
	if (!cJSON_IsNumber(item))
		return false;
	double v = item->valuedouble;
	if (!isfinite(v) || v != floor(v) || v < -2147483647.0 || v > 2147483647.0)
		return false;
	*out = (int)v;
	return true;
}
