/*
 * flatjson.c - a fast, strict reader for the common shape of a JSON Lines
 * evidence row: one object whose values are strings, numbers, true, false
 * or null. Anything else (a nested value, a syntax error, an escape it does
 * not know) makes it give up, and the caller reads the line with cJSON,
 * which gives the precise reason. It allocates nothing but its scratch.
 */
#include "internal.h"
#include "flatjson.h"

#include <string.h>
#include <utf8proc.h>

/* Skips JSON white space. */
static const char *ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

/* Reads a string starting after its opening quote into b (NUL-terminated);
   returns the position after the closing quote, or NULL to give up. A
   \u0000 escape is left out of the text and sets *nul; *ascii says
   whether the text is all ASCII (so valid UTF-8 with no need to check). */
static const char *string(const char *p, const char *end, sw_buf *b, bool *nul, bool *ascii)
{
	unsigned char high = 0;
	for (;;) {
		const char *run = p;
		while (p < end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
			high |= (unsigned char)*p++;
		sw_buf_add(b, run, (size_t)(p - run));
		if (p >= end || (unsigned char)*p < 0x20)
			return NULL;
		if (*p == '"')
			break;
		p++; /* backslash */
		if (p >= end)
			return NULL;
		char c = *p++;
		static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
		const char *esc = c ? strchr(from, c) : NULL;
		if (esc) {
			sw_buf_putc(b, to[esc - from]);
			continue;
		}
		if (c != 'u')
			return NULL;
		long cp = end - p >= 4 ? sw_json_hex4(p) : -1;
		if (cp < 0)
			return NULL;
		p += 4;
		if (cp == 0) {
			*nul = true;
			continue;
		}
		if (cp >= 0xD800 && cp <= 0xDBFF) {
			if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
				return NULL;
			long lo = sw_json_hex4(p + 2);
			if (lo < 0xDC00 || lo > 0xDFFF)
				return NULL;
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			p += 6;
		} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
			return NULL;
		}
		utf8proc_uint8_t u[4];
		utf8proc_ssize_t un = utf8proc_encode_char((utf8proc_int32_t)cp, u);
		sw_buf_add(b, (const char *)u, (size_t)un);
		high |= cp >= 0x80 ? 0x80 : 0;
	}
	sw_buf_putc(b, '\0');
	*ascii = high < 0x80;
	return p + 1;
}

/* True when [p, p+n) is the literal word. */
static bool word(const char *p, const char *end, const char *w, size_t n)
{
	return (size_t)(end - p) >= n && memcmp(p, w, n) == 0;
}

bool sw_flat_parse(sw_flat *f, const char *s, size_t n)
{
	const char *p = s, *end = s + n;
	f->count = 0;
	f->text.len = 0;
	f->nul_item = -1;
	bool nul = false;
	p = ws(p, end);
	if (p >= end || *p != '{')
		return false;
	p = ws(p + 1, end);
	if (p < end && *p == '}')
		return ws(p + 1, end) == end;
	for (;;) {
		if (p >= end || *p != '"' || f->count >= SW_FLAT_MAX)
			return false;
		sw_flat_item *it = &f->items[f->count];
		it->key = f->text.len;
		if (!(p = string(p + 1, end, &f->text, &nul, &it->kascii)))
			return false;
		it->klen = f->text.len - it->key - 1;
		p = ws(p, end);
		if (p >= end || *p != ':')
			return false;
		p = ws(p + 1, end);
		if (p >= end)
			return false;
		it->value = it->vlen = 0;
		if (*p == '"') {
			it->type = SW_FLAT_STRING;
			it->value = f->text.len;
			if (!(p = string(p + 1, end, &f->text, &nul, &it->vascii)))
				return false;
			it->vlen = f->text.len - it->value - 1;
		} else if (*p == '-' || (*p >= '0' && *p <= '9')) {
			it->vlen = sw_json_number_len(p, (size_t)(end - p));
			if (!it->vlen)
				return false;
			it->type = SW_FLAT_NUMBER;
			it->value = f->text.len;
			sw_buf_add(&f->text, p, it->vlen);
			sw_buf_putc(&f->text, '\0');
			p += it->vlen;
		} else if (word(p, end, "null", 4) || word(p, end, "true", 4) || word(p, end, "false", 5)) {
			it->type = *p == 'n' ? SW_FLAT_NULL : SW_FLAT_BOOL;
			p += *p == 'f' ? 5 : 4;
		} else {
			return false; /* nested or invalid: cJSON decides */
		}
		if (nul && f->nul_item < 0)
			f->nul_item = (int)f->count;
		f->count++;
		p = ws(p, end);
		if (p < end && *p == ',') {
			p = ws(p + 1, end);
			continue;
		}
		if (p < end && *p == '}')
			break;
		return false;
	}
	return !f->text.failed && ws(p + 1, end) == end;
}
