/*
 * service_json.c - the JSON side of the service protocol (service.c):
 * strings written as JSON (invalid UTF-8 replaced), the request's id echoed
 * as it was written, and the request's evidence array split into records
 * without a tree. Its pupil and evidence objects are read by the readers
 * the data files use (fields.c).
 */
#include "service.h"

#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- text ---- */

/* Appends s[0..n) as a JSON string; invalid UTF-8 becomes U+FFFD. */
void sw_svc_put_text(sw_buf *b, const char *s, size_t n)
{
	sw_buf_putc(b, '"');
	size_t i = 0;
	while (i < n) {
		size_t good = i + sw_text_invalid_at(s + i, n - i);
		for (; i < good; i++) {
			unsigned char c = (unsigned char)s[i];
			if (c == '"' || c == '\\') {
				sw_buf_putc(b, '\\');
				sw_buf_putc(b, (char)c);
			} else if (c < 0x20) {
				static const char esc[] = "btn.fr";
				if (c >= 8 && c <= 13 && c != 11)
					sw_buf_printf(b, "\\%c", esc[c - 8]);
				else
					sw_buf_printf(b, "\\u%04x", c);
			} else {
				sw_buf_putc(b, (char)c);
			}
		}
		if (i < n) {
			sw_buf_puts(b, "\\ufffd");
			i++;
		}
	}
	sw_buf_putc(b, '"');
}

/* ---- the id, echoed as written ---- */

static size_t skip_ws(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
		i++;
	return i;
}

/* Index just after the string starting at s[i] (text already validated):
   the next quote not escaped by an odd run of backslashes. */
static size_t skip_string(const char *s, size_t n, size_t i)
{
	for (i++; i < n;) {
		const char *q = memchr(s + i, '"', n - i);
		if (!q)
			return n;
		size_t at = (size_t)(q - s), bs = 0;
		while (at - bs > i && s[at - bs - 1] == '\\')
			bs++;
		if (bs % 2 == 0)
			return at + 1;
		i = at + 1;
	}
	return n;
}

/* Index just after the value starting at s[i] (text already validated). */
static size_t skip_value(const char *s, size_t n, size_t i)
{
	if (s[i] == '"')
		return skip_string(s, n, i);
	if (s[i] == '{' || s[i] == '[') {
		int depth = 0;
		while (i < n) {
			unsigned char c = (unsigned char)s[i];
			if (c == '"') {
				i = skip_string(s, n, i);
				continue;
			}
			if (c == '{' || c == '[')
				depth++;
			else if ((c == '}' || c == ']') && --depth == 0)
				return i + 1;
			i++;
		}
		return n;
	}
	while (i < n && !strchr(",}] \t\r\n", s[i]))
		i++;
	return i;
}

/* Appends the value of member k of the top-level object, without the white
   space between its tokens. */
static void put_member_raw(sw_buf *b, const char *s, size_t n, size_t k)
{
	size_t i = n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3) ? 3 : 0;
	i = skip_ws(s, n, i) + 1; /* past '{' */
	for (size_t m = 0; i < n; m++) {
		i = skip_string(s, n, skip_ws(s, n, i));
		i = skip_ws(s, n, skip_ws(s, n, i) + 1); /* past ':' */
		size_t end = skip_value(s, n, i);
		if (m == k) {
			while (i < end) {
				if (s[i] == '"') {
					size_t e = skip_string(s, n, i);
					sw_buf_add(b, s + i, e - i);
					i = e;
				} else {
					if (!strchr(" \t\r\n", s[i]))
						sw_buf_putc(b, s[i]);
					i++;
				}
			}
			return;
		}
		i = skip_ws(s, n, end) + 1; /* past ',' */
	}
	sw_buf_puts(b, "null");
}

/* Appends the request's id as written, or null. */
void sw_svc_put_id(sw_buf *b, const cJSON *root, const char *line, size_t len)
{
	size_t k = 0;
	for (const cJSON *c = root && cJSON_IsObject(root) ? root->child : NULL; c; c = c->next, k++)
		if (strcmp(c->string, "id") == 0) {
			put_member_raw(b, line, len, k);
			return;
		}
	sw_buf_puts(b, "null");
}

/* ---- the evidence array, read without a tree ---- */

/*
 * Finds the value of the top-level member `key` (written without escapes)
 * of the object in s[0..n), text already checked; false when it is absent,
 * given more than once, or not an array. Fills ev with the array's span and
 * the start and end of each element.
 */
bool sw_svc_split(sw_svc_evlist *ev, const sw_mem *m, const char *s, size_t n, const char *key)
{
	size_t klen = strlen(key), i = n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3) ? 3 : 0;
	size_t found = 0, vstart = 0, vend = 0;
	i = skip_ws(s, n, i);
	if (i >= n || s[i] != '{')
		return false;
	i = skip_ws(s, n, i + 1);
	ev->count = 0;
	while (i < n && s[i] == '"') {
		size_t kend = skip_string(s, n, i);
		bool match = kend - i == klen + 2 && memcmp(s + i + 1, key, klen) == 0;
		i = skip_ws(s, n, skip_ws(s, n, kend) + 1); /* past ':' */
		size_t end;
		if (match && s[i] == '[' && !found++) {
			/* the records' spans, in one pass over the array */
			vstart = i;
			for (end = skip_ws(s, n, i + 1); end < n && s[end] != ']';) {
				size_t e = skip_value(s, n, end);
				if (sw_mem_grow(m, (void **)&ev->spans, &ev->cap, 2 * ev->count + 2,
				                sizeof *ev->spans))
					return false;
				ev->spans[2 * ev->count] = end;
				ev->spans[2 * ev->count + 1] = e;
				ev->count++;
				end = skip_ws(s, n, e);
				if (end < n && s[end] == ',')
					end = skip_ws(s, n, end + 1);
			}
			vend = end + 1;
			end = vend;
		} else {
			found += match;
			end = skip_value(s, n, i);
		}
		i = skip_ws(s, n, end);
		if (i < n && s[i] == ',')
			i = skip_ws(s, n, i + 1);
	}
	if (found != 1 || !vend)
		return false;
	ev->text = s;
	ev->start = vstart;
	ev->end = vend;
	return true;
}
