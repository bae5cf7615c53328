/*
 * csv.c - an RFC 4180 reader: quoted fields with commas, doubled quotes and
 * line breaks inside, CRLF or LF line ends, surrounding white space
 * trimmed, blank lines skipped. A row that cannot be read (text after a
 * closing quote, a quote never closed, a NUL byte) is still returned, with
 * `error` set, so the caller can reject it and nothing is lost. A row
 * longer than SW_CSV_ROW_MAX bytes is returned cut there, with `error`
 * set, and the rest of it up to the next line end is skipped unread (so
 * memory stays bounded, whatever the file: /dev/zero included).
 */
#include "internal.h"
#include "input.h"

#include <string.h>

void sw_csv_row_init(sw_csv_row *r, const sw_mem *m)
{
	memset(r, 0, sizeof *r);
	sw_buf_init(&r->raw, m);
	sw_buf_init(&r->data, m);
}

void sw_csv_row_free(sw_csv_row *r, const sw_mem *m)
{
	sw_buf_free(&r->raw);
	sw_buf_free(&r->data);
	sw_mem_free(m, r->start);
	r->start = NULL;
}

/* Starts a new field at the end of the data buffer. */
static int begin_field(sw_csv_row *r, const sw_mem *m)
{
	if (sw_mem_grow(m, (void **)&r->start, &r->cap, r->count + 1, sizeof(size_t)))
		return SW_ENOMEM;
	r->start[r->count++] = r->data.len;
	return SW_OK;
}

/* Ends the current field: trims surrounding white space and adds the NUL. */
static void end_field(sw_csv_row *r)
{
	size_t s = r->start[r->count - 1];
	const char *p = r->data.p ? r->data.p + s : "";
	size_t n = r->data.len - s;
	const char *t = p;
	size_t tn = n;
	sw_text_trim(&t, &tn);
	if (t != p || tn != n) {
		memmove(r->data.p + s, t, tn);
		r->data.len = s + tn;
	}
	sw_buf_putc(&r->data, '\0');
}

/* True when s[0..n) holds only spaces, tabs and CRs. */
static bool blank_line(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

/* Gives up on the fast path: the slow one reads the row afresh. */
static int not_fast(sw_csv_row *r)
{
	r->raw.len = 0;
	r->data.len = 0;
	r->count = 0;
	return 0;
}

/* Whether c is white space a field may have around a quoted value. */
static bool space_or_tab(char c)
{
	return c == ' ' || c == '\t';
}

/* Ends a row read from one line of n bytes (and its "\n") with `used`
   bytes of fields and their NULs in r->data; returns 1. */
static int take_line(sw_input *in, sw_csv_row *r, size_t used, size_t n)
{
	r->data.len = used; /* each field and its NUL, as the slow path leaves them */
	r->data.p[used] = '\0';
	r->line = in->line++;
	in->pos += n + 1;
	in->offset += n + 1;
	return 1;
}

/* Bytes of w equal to c (a byte repeated eight times) get their top bit set. */
static inline uint64_t bytes_equal(uint64_t w, uint64_t c)
{
	uint64_t x = w ^ c;
	return (x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull;
}

/*
 * A line without quotes (the commonest row): copied into r->data in one
 * go, then each comma, found eight bytes at a time, becomes the NUL ending
 * a field. Fields with white space to trim are moved into place after.
 */
static int plain_row(sw_input *in, sw_csv_row *r, const sw_mem *m, const unsigned char *start,
                     size_t n, size_t len)
{
	char *d = r->data.p;
	memcpy(d, start, len);
	d[len] = '\0';
	const uint64_t comma = 0x2C2C2C2C2C2C2C2Cull;
	size_t i = 0, field = 0;
	bool trim = false;
	uint64_t high = 0; /* the top bits of every byte looked at */
	for (;;) {
		/* find the next comma at or after i, or len */
		size_t at = len;
		while (i + 8 <= len) {
			uint64_t w;
			memcpy(&w, d + i, 8);
			high |= w;
			uint64_t hit = bytes_equal(w, comma);
			if (hit) {
				at = i + (size_t)(__builtin_ctzll(hit) >> 3);
				break;
			}
			i += 8;
		}
		if (at == len) {
			const char *c = i < len ? memchr(d + i, ',', len - i) : NULL;
			at = c ? (size_t)(c - d) : len;
			for (size_t k = i; k < at; k++)
				high |= (unsigned char)d[k];
		}
		if (r->count == r->cap &&
		    sw_mem_grow(m, (void **)&r->start, &r->cap, r->count + 1, sizeof(size_t)))
			return SW_ENOMEM;
		r->start[r->count++] = field;
		size_t fl = at - field;
		if (fl && ((unsigned char)d[field] <= ' ' || (unsigned char)d[field] == 0xC2 ||
		           (unsigned char)d[at - 1] <= ' ' || (unsigned char)d[at - 1] == 0xA0))
			trim = true;
		d[at] = '\0';
		if (at == len)
			break;
		field = i = at + 1;
	}
	/* every byte went into `high` (NULs were ruled out before) */
	r->ascii = (high & 0x8080808080808080ull) == 0;
	size_t out = len + 1;
	if (trim) {
		/* move each field to its trimmed place */
		out = 0;
		for (size_t k = 0; k < r->count; k++) {
			const char *f = d + r->start[k];
			size_t fl = strlen(f);
			sw_text_trim(&f, &fl);
			memmove(d + out, f, fl);
			r->start[k] = out;
			out += fl;
			d[out++] = '\0';
		}
	}
	return take_line(in, r, out, n);
}

/*
 * The common case, read straight from the input buffer: a whole line is
 * there, it has no NUL, and every quoted field closes on that line with
 * only white space after its closing quote. Fields are copied once into
 * r->data, each ending in a NUL; quoted ones lose their quotes and their
 * doubled quotes become one. Returns 1 with the row, 0 when the slow path
 * must read it (a field spanning lines, bad quoting: it reports those).
 */
static int fast_row(sw_input *in, sw_csv_row *r, const sw_mem *m)
{
	for (;;) {
		if (in->pos == in->len && !sw_input_fill(in))
			return 0;
		const unsigned char *start = in->buf + in->pos;
		size_t avail = in->len - in->pos;
		const unsigned char *nl = memchr(start, '\n', avail);
		if (!nl)
			return 0;
		size_t n = (size_t)(nl - start);
		if (n > SW_CSV_ROW_MAX)
			return 0; /* the slow path cuts it */
		if (blank_line(start, n)) {
			in->pos += n + 1;
			in->offset += n + 1;
			in->line++;
			continue;
		}
		if (memchr(start, '\0', n))
			return 0;
		size_t len = n && start[n - 1] == '\r' ? n - 1 : n;
		sw_buf_add(&r->raw, (const char *)start, len);
		if (!sw_buf_reserve(&r->data, len + 1) || r->raw.failed)
			return SW_ENOMEM;
		if (!memchr(start, '"', len))
			return plain_row(in, r, m, start, n, len);
		const char *p = (const char *)start, *end = p + len;
		char *d = r->data.p;
		size_t out = 0;
		for (;;) {
			if (r->count == r->cap &&
			    sw_mem_grow(m, (void **)&r->start, &r->cap, r->count + 1, sizeof(size_t)))
				return SW_ENOMEM;
			const char *q = p, *next;
			while (q < end && space_or_tab(*q))
				q++;
			size_t at = out;
			if (q < end && *q == '"') {
				for (q++;;) {
					const char *c = memchr(q, '"', (size_t)(end - q));
					if (!c)
						return not_fast(r); /* runs onto the next line, or never closes */
					memcpy(d + out, q, (size_t)(c - q));
					out += (size_t)(c - q);
					q = c + 1;
					if (q < end && *q == '"') {
						d[out++] = '"';
						q++;
						continue;
					}
					break;
				}
				while (q < end && space_or_tab(*q))
					q++;
				if (q < end && *q != ',')
					return not_fast(r); /* text after the closing quote */
				next = q < end ? q : NULL;
			} else {
				next = memchr(p, ',', (size_t)(end - p));
				const char *fe = next ? next : end;
				memcpy(d + out, p, (size_t)(fe - p));
				out += (size_t)(fe - p);
			}
			const char *t = d + at;
			size_t tl = out - at;
			sw_text_trim(&t, &tl);
			if (t != d + at)
				memmove(d + at, t, tl);
			out = at + tl;
			d[out++] = '\0';
			r->start[r->count++] = at;
			if (!next)
				break;
			p = next + 1;
		}
		return take_line(in, r, out, n);
	}
}

/* A row over SW_CSV_ROW_MAX bytes: an error, and its rest skipped. */
static void too_long(sw_input *in, sw_csv_row *r)
{
	r->error = "the row is longer than 16 MiB (the rest of it is skipped)";
	int c;
	while ((c = sw_input_getc(in)) != -1 && c != '\n')
		;
	if (c == '\n')
		in->line++;
}

int sw_csv_next(sw_input *in, sw_csv_row *r, const sw_mem *m)
{
	r->raw.len = 0;
	r->data.len = 0;
	r->count = 0;
	r->error = NULL;
	r->ascii = false;
	int fast = fast_row(in, r, m);
	if (fast)
		return fast;
	int c;
	/* skip blank lines (empty or only white space) */
	for (;;) {
		uint64_t line = in->line;
		bool blank = true;
		r->raw.len = 0;
		while ((c = sw_input_getc(in)) != -1 && c != '\n') {
			bool space = c == ' ' || c == '\t' || c == '\r';
			if (!space || r->raw.len < SW_CSV_ROW_MAX) /* white space past it is not kept */
				sw_buf_putc(&r->raw, (char)c);
			if (!space) {
				blank = false;
				break;
			}
		}
		if (c == -1 && r->raw.len == 0)
			return r->raw.failed ? SW_ENOMEM : 0;
		if (c == '\n') {
			in->line++;
			if (blank)
				continue;
		}
		r->line = line;
		if (!blank)
			break;
		if (c == -1)
			return 0;
	}
	/* the bytes read so far are white space then one significant byte (c) */
	if (begin_field(r, m))
		return SW_ENOMEM;
	bool quoted = false, after_quote = false;
	size_t i = 0;
	for (;;) {
		if (i < r->raw.len) {
			c = (unsigned char)r->raw.p[i++];
		} else {
			c = sw_input_getc(in);
			if (c == -1)
				break;
			if (c == '\n' && !quoted) {
				in->line++;
				break;
			}
			sw_buf_putc(&r->raw, (char)c);
			i = r->raw.len;
			if (r->raw.len > SW_CSV_ROW_MAX) {
				too_long(in, r);
				quoted = false;
				break;
			}
		}
		if (c == '\n')
			in->line++;
		if (c == 0 && !r->error)
			r->error = "NUL byte in the row";
		if (quoted) {
			if (c == '"') {
				int next = in->pos < in->len || sw_input_fill(in) ? in->buf[in->pos] : -1;
				if (next == '"') {
					sw_input_getc(in);
					sw_buf_putc(&r->raw, '"');
					i = r->raw.len;
					sw_buf_putc(&r->data, '"');
				} else {
					quoted = false;
					after_quote = true;
				}
			} else {
				sw_buf_putc(&r->data, (char)c);
			}
			continue;
		}
		if (c == ',') {
			end_field(r);
			if (begin_field(r, m))
				return SW_ENOMEM;
			after_quote = false;
			continue;
		}
		if (c == '\r') {
			/* a CR right before the line end is part of the line end */
			int next = in->pos < in->len || sw_input_fill(in) ? in->buf[in->pos] : -1;
			if (next == '\n' || next == -1)
				continue;
		}
		if (after_quote) {
			if (c != ' ' && c != '\t' && !r->error)
				r->error = "text after a closing quote";
			continue;
		}
		if (c == '"') {
			/* a quote opens a quoted field when only white space came before */
			size_t s = r->start[r->count - 1];
			bool only_space = true;
			for (size_t k = s; k < r->data.len; k++)
				if (r->data.p[k] != ' ' && r->data.p[k] != '\t')
					only_space = false;
			if (only_space) {
				r->data.len = s;
				quoted = true;
				continue;
			}
		}
		sw_buf_putc(&r->data, (char)c);
	}
	if (quoted && !r->error)
		r->error = "a quoted field is not closed before the end of the file";
	end_field(r);
	/* drop a CR kept at the end of the raw row */
	if (r->raw.len && r->raw.p[r->raw.len - 1] == '\r')
		r->raw.len--;
	if (r->raw.p)
		r->raw.p[r->raw.len] = '\0';
	if (r->raw.failed || r->data.failed)
		return SW_ENOMEM;
	return 1;
}
