/*
 * csv.c - an RFC 4180 reader: quoted fields with commas, doubled quotes and
 * line breaks inside, CRLF or LF line ends, surrounding white space
 * trimmed, blank lines skipped. A row that cannot be read (text after a
 * closing quote, a quote never closed, a NUL byte) is still returned, with
 * `error` set, so the caller can reject it and nothing is lost. A row
 * longer than SW_CSV_ROW_MAX bytes is returned cut there, with `error`
 * set, and the rest of it up to the next line end is skipped unread (so
 * memory stays bounded, whatever the file: /dev/zero included).
 *
 * One reader: each line is copied into the row's raw bytes, then split into
 * fields. A line without quotes or NULs (the commonest row) is split eight
 * bytes at a time; any other row goes through the quote-aware split, which
 * takes in the next line while a quoted field is open.
 */
#include "internal.h"
#include "input.h"

#include <string.h>

static const char TOO_LONG[] = "the row is longer than 16 MiB (the rest of it is skipped)";

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

/* Starts a new field at offset at of the data buffer. */
static inline int begin_field(sw_csv_row *r, const sw_mem *m, size_t at)
{
	if (r->count == r->cap &&
	    sw_mem_grow(m, (void **)&r->start, &r->cap, r->count + 1, sizeof(size_t)))
		return SW_ENOMEM;
	r->start[r->count++] = at;
	return SW_OK;
}

/* True when s[0..n) holds only spaces, tabs and CRs. */
static bool blank_line(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

/*
 * Appends the rest of the current line, without its "\n", to r->raw.
 * Returns 1 when a "\n" ended it, 0 at the end of the input. A row that
 * grows past SW_CSV_ROW_MAX bytes keeps one byte more, gets the TOO_LONG
 * error and its line's rest is skipped; white space alone is dropped
 * instead (a blank line of any length is still blank).
 */
static int read_line(sw_input *in, sw_csv_row *r)
{
	for (;;) {
		if (in->pos == in->len && !sw_input_fill(in))
			return 0;
		const unsigned char *s = in->buf + in->pos;
		size_t avail = in->len - in->pos;
		const unsigned char *nl = memchr(s, '\n', avail);
		size_t n = nl ? (size_t)(nl - s) : avail;
		size_t room = SW_CSV_ROW_MAX + 1 - r->raw.len;
		size_t take = n < room ? n : room;
		if (r->error != TOO_LONG)
			sw_buf_add(&r->raw, (const char *)s, take);
		else
			take = n; /* skipping the rest */
		in->pos += take;
		in->offset += take;
		if (r->raw.len > SW_CSV_ROW_MAX && r->error != TOO_LONG) {
			if (blank_line(r->raw.p, r->raw.len))
				r->raw.len = 0;
			else
				r->error = TOO_LONG;
			continue;
		}
		if (take == n && nl) {
			in->pos++;
			in->offset++;
			in->line++;
			return 1;
		}
	}
}

/* Bytes of w equal to c (a byte repeated eight times) get their top bit set. */
static inline uint64_t bytes_equal(uint64_t w, uint64_t c)
{
	uint64_t x = w ^ c;
	return (x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull;
}

/* Ends a field begun at data offset at with out bytes written: trims it in
   place and adds its NUL; returns the offset after it. */
static size_t close_field(char *d, size_t at, size_t out)
{
	const char *t = d + at;
	size_t tl = out - at;
	sw_text_trim(&t, &tl);
	if (t != d + at)
		memmove(d + at, t, tl);
	d[at + tl] = '\0';
	return at + tl + 1;
}

/*
 * The split of a one-line row without quotes or NULs, len bytes of r->raw:
 * copied into r->data in one go, then each comma, found eight bytes at a
 * time, becomes the NUL ending a field. Fields with white space to trim
 * are moved into place after.
 */
static int split_plain(sw_csv_row *r, const sw_mem *m, size_t len)
{
	char *d = r->data.p;
	memcpy(d, r->raw.p, len);
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
		if (begin_field(r, m, field))
			return SW_ENOMEM;
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
	r->data.len = len + 1;
	if (trim) {
		/* move each field to its trimmed place */
		size_t out = 0;
		for (size_t k = 0; k < r->count; k++) {
			size_t fl = strlen(d + r->start[k]);
			memmove(d + out, d + r->start[k], fl);
			r->start[k] = out;
			out = close_field(d, out, out + fl);
		}
		r->data.len = out;
	}
	return 1;
}

/* Where the row's bytes to split end: SW_CSV_ROW_MAX in a row cut there. */
static size_t row_end(const sw_csv_row *r)
{
	return r->error == TOO_LONG ? SW_CSV_ROW_MAX : r->raw.len;
}

/* Where the unquoted part of the line raw[from..end) ends: before a CR
   that ends the line. */
static size_t unquoted_end(const sw_csv_row *r, size_t from, size_t end)
{
	return end > from && r->raw.p[end - 1] == '\r' ? end - 1 : end;
}

/*
 * The quote-aware split of the row in r->raw (its first line read, `more`
 * when a line end followed it). A field whose first byte after white space
 * is a quote is quoted: up to the closing quote, a doubled quote standing
 * for one, the next line taken in while it is open. Text after a closing
 * quote is dropped, with an error. The first error in the row is kept.
 * The fields never take more room than the raw bytes and one NUL.
 */
static int split_quoted(sw_input *in, sw_csv_row *r, const sw_mem *m, int more)
{
	size_t line = 0, end = row_end(r), uend = unquoted_end(r, 0, end), out = 0;
	size_t i = 0, bad_at = SIZE_MAX; /* where text after a closing quote came */
	bool open = false;
	const char *p = r->raw.p;
	char *d = r->data.p;
	for (;;) {
		if (begin_field(r, m, out))
			return SW_ENOMEM;
		size_t at = out;
		while (i < uend && (p[i] == ' ' || p[i] == '\t'))
			i++;
		if (i < uend && p[i] == '"') {
			open = true;
			for (i++; open;) {
				const char *q = memchr(p + i, '"', end - i);
				size_t to = q ? (size_t)(q - p) : end;
				memcpy(d + out, p + i, to - i);
				out += to - i;
				i = to + 1;
				if (q && i < end && p[i] == '"') {
					d[out++] = '"';
					i++;
				} else if (q) {
					open = false;
				} else if (more && r->error != TOO_LONG) {
					/* the quoted field goes on on the next line */
					sw_buf_putc(&r->raw, '\n');
					line = i = r->raw.len;
					more = read_line(in, r);
					end = row_end(r);
					uend = unquoted_end(r, line, end);
					if (!sw_buf_reserve(&r->data, end + 1) || r->raw.failed)
						return SW_ENOMEM;
					p = r->raw.p;
					d = r->data.p;
					d[out++] = '\n';
				} else {
					i = end;
					break;
				}
			}
			while (i < uend && (p[i] == ' ' || p[i] == '\t'))
				i++;
			if (i < uend && p[i] != ',') {
				if (bad_at == SIZE_MAX)
					bad_at = i;
				const char *c = memchr(p + i, ',', uend - i);
				i = c ? (size_t)(c - p) : uend;
			}
		} else {
			const char *c = i < uend ? memchr(p + i, ',', uend - i) : NULL;
			size_t to = c ? (size_t)(c - p) : uend;
			memcpy(d + out, p + i, to - i);
			out += to - i;
			i = to;
		}
		out = close_field(d, at, out);
		if (open || i >= uend)
			break;
		i++; /* the comma */
	}
	r->data.len = out;
	if (r->error == TOO_LONG)
		return 1; /* that error says it all */
	const char *nul = memchr(p, '\0', end);
	if (nul && (size_t)(nul - p) <= bad_at)
		r->error = "NUL byte in the row";
	else if (bad_at != SIZE_MAX)
		r->error = "text after a closing quote";
	else if (open)
		r->error = "a quoted field is not closed before the end of the file";
	return 1;
}

int sw_csv_next(sw_input *in, sw_csv_row *r, const sw_mem *m)
{
	r->data.len = 0;
	r->count = 0;
	r->error = NULL;
	r->ascii = false;
	int more;
	/* skip blank lines (empty or only white space) */
	do {
		r->raw.len = 0;
		r->line = in->line;
		more = read_line(in, r);
		if (r->raw.failed)
			return SW_ENOMEM;
	} while (blank_line(r->raw.p, r->raw.len) && (more || r->raw.len));
	if (!more && !r->raw.len)
		return 0;
	size_t len = r->raw.len && r->raw.p[r->raw.len - 1] == '\r' ? r->raw.len - 1 : r->raw.len;
	if (!sw_buf_reserve(&r->data, row_end(r) + 1))
		return SW_ENOMEM;
	int got = r->error == TOO_LONG || memchr(r->raw.p, '"', len) || memchr(r->raw.p, 0, len)
	                  ? split_quoted(in, r, m, more)
	                  : split_plain(r, m, len);
	/* drop a CR kept at the end of the raw row */
	if (r->raw.len && r->raw.p[r->raw.len - 1] == '\r')
		r->raw.len--;
	if (r->raw.p)
		r->raw.p[r->raw.len] = '\0';
	if (got < 0 || r->raw.failed || r->data.failed)
		return SW_ENOMEM;
	return 1;
}
