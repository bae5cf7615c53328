/*
 * floor_csv.c - the CSV floor of the benchmark: the least any program can
 * do with an evidence file in CSV. It reads the file in blocks and splits
 * every row into fields (RFC 4180: a field in double quotes may hold
 * commas, line breaks and doubled quotes, which are undone), and throws
 * them away. The header row is split like the others but not counted.
 *
 * usage: floor_csv FILE      prints "rows N checksum X"
 *
 * The checksum (number and lengths of the fields) only keeps the compiler
 * from dropping the work; it means nothing.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK (1 << 16)
#define MAX_FIELDS 64

typedef struct row {
	char *buf; /* the row's fields, unquoted, one after another */
	size_t len, cap;
	size_t start[MAX_FIELDS + 1]; /* field i is buf[start[i] .. start[i+1]) */
	size_t fields;
} row;

/* Appends len bytes to the row's text. */
static void put(row *r, const char *p, size_t len)
{
	if (r->len + len > r->cap) {
		while (r->len + len > r->cap)
			r->cap = r->cap ? 2 * r->cap : 256;
		r->buf = realloc(r->buf, r->cap);
		if (!r->buf) {
			fprintf(stderr, "floor_csv: out of memory\n");
			exit(1);
		}
	}
	memcpy(r->buf + r->len, p, len);
	r->len += len;
}

static void end_field(row *r)
{
	if (r->fields < MAX_FIELDS)
		r->fields++;
	r->start[r->fields] = r->len;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: floor_csv FILE\n");
		return 1;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	static char block[BLOCK];
	static unsigned char special[256]; /* bytes that end a run of plain text */
	special[','] = special['"'] = special['\n'] = special['\r'] = 1;
	row r = { 0 };
	uint64_t rows = 0, sum = 0;
	int quoted = 0, after_quote = 0, empty_row = 1;
	size_t n;
	while ((n = fread(block, 1, BLOCK, f)) > 0) {
		size_t i = 0;
		while (i < n) {
			if (quoted) { /* up to the next quote */
				const char *q = memchr(block + i, '"', n - i);
				size_t end = q ? (size_t)(q - block) : n;
				put(&r, block + i, end - i);
				i = end;
				if (q) {
					quoted = 0;
					after_quote = 1;
					i++;
				}
				continue;
			}
			size_t start = i;
			while (i < n && !special[(unsigned char)block[i]])
				i++;
			if (i > start) {
				put(&r, block + start, i - start);
				after_quote = 0;
				empty_row = 0;
				continue;
			}
			char c = block[i++];
			if (c == '"') {
				if (after_quote) /* "" inside quotes: one quote */
					put(&r, "\"", 1);
				quoted = 1;
				after_quote = 0;
				empty_row = 0;
				continue;
			}
			after_quote = 0;
			if (c == ',') {
				end_field(&r);
				empty_row = 0;
			} else if (c == '\n') {
				if (!empty_row) { /* blank lines are skipped */
					end_field(&r);
					if (rows++ > 0) { /* the header is not counted */
						sum += r.fields;
						for (size_t k = 0; k < r.fields; k++)
							sum += r.start[k + 1] - r.start[k];
					}
				}
				r.len = 0;
				r.fields = 0;
				empty_row = 1;
			} /* '\r' outside quotes is dropped */
		}
	}
	if (ferror(f)) {
		perror(argv[1]);
		return 1;
	}
	if (!empty_row) { /* a last row without a line end */
		end_field(&r);
		if (rows++ > 0) {
			sum += r.fields;
			for (size_t k = 0; k < r.fields; k++)
				sum += r.start[k + 1] - r.start[k];
		}
	}
	fclose(f);
	free(r.buf);
	printf("rows %llu checksum %llu\n", (unsigned long long)(rows ? rows - 1 : 0),
	       (unsigned long long)sum);
	return 0;
}
