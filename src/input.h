/* input.h - buffered file input, CSV rows and JSON lines (input.c, csv.c). */
#ifndef SW_INPUT_H
#define SW_INPUT_H
#include "internal.h"

typedef struct sw_input {
	FILE *f;
	const sw_mem *m;
	const char *name;
	unsigned char *buf;
	size_t pos, len;
	int eof, err;
	uint64_t line;   /* line number of the next byte (1-based) */
	uint64_t offset; /* bytes consumed so far (64-bit: files over 4 GiB) */
	uint64_t size;   /* file size when known, else 0 */
	bool borrowed;   /* buf is a caller's memory (sw_input_mem) */
} sw_input;

/* Reads from memory instead of a file (the buffer is not copied or freed). */
void sw_input_mem(sw_input *in, const sw_mem *m, const char *data, size_t len);

/* Opens path ("-" is standard input) and skips a UTF-8 byte-order mark.
   SW_EIO with a message in d when it cannot. */
int sw_input_open(sw_input *in, const sw_mem *m, const char *path, sw_diag *d);
void sw_input_close(sw_input *in);
/* Hands over the buffer, its unread bytes moved to its start: *have of them
   in *cap bytes, which count as consumed in in->offset. The caller frees it
   with in->m; the input reads nothing more into it. NULL (nothing handed
   over) for a borrowed buffer. */
unsigned char *sw_input_take(sw_input *in, size_t *have, size_t *cap);
/* Refills the buffer; returns false at the end of the input or on error. */
bool sw_input_fill(sw_input *in);

/* Reads one line without its "\n" or "\r\n" into b (cleared first).
   Returns 1 for a line, 0 at the end. in->line is advanced. */
int sw_input_line(sw_input *in, sw_buf *b);

/* One CSV row: trimmed, unquoted fields and the raw bytes it came from. */
/* The longest CSV row read, in bytes: a longer one is rejected, cut (csv.c). */
#define SW_CSV_ROW_MAX (16u * 1024u * 1024u)

typedef struct sw_csv_row {
	uint64_t line;       /* the row's first line */
	sw_buf raw;          /* the row as it was, without its line end */
	sw_buf data;         /* the fields, each NUL-terminated */
	size_t *start;       /* offsets of the fields in data */
	size_t count, cap;
	const char *error;   /* why the row cannot be read (bad quoting, NUL), or NULL */
	bool ascii;          /* known to be ASCII without NUL (so valid UTF-8) */
} sw_csv_row;

void sw_csv_row_init(sw_csv_row *r, const sw_mem *m);
void sw_csv_row_free(sw_csv_row *r, const sw_mem *m);
/* Reads the next row, skipping blank lines. 1: a row; 0: the end; SW_ENOMEM. */
int sw_csv_next(sw_input *in, sw_csv_row *r, const sw_mem *m);
/* Field i of the row (NUL-terminated), and its length. */
static inline const char *sw_csv_field(const sw_csv_row *r, size_t i, size_t *len)
{
	const char *s = r->data.p + r->start[i];
	if (len)
		*len = (i + 1 < r->count ? r->start[i + 1] - 1 : r->data.len - 1) - r->start[i];
	return s;
}
#endif
