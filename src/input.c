/*
 * input.c - buffered reading of data files in large chunks, with line
 * numbers and 64-bit byte offsets, for the CSV and JSON Lines readers; and
 * whole files read at once (sw_file_read: frameworks, rubrics, packages).
 */
#include "internal.h"
#include "input.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define CHUNK (256u * 1024u)
/* The first read is smaller: a threaded read takes what is buffered as its
   first block, and the other threads start once that is cut into parts. */
#define FIRST_FILL (64u * 1024u)

/* Reads up to n bytes into the emptied buffer; false at the end or on an error. */
static bool fill(sw_input *in, size_t n)
{
	if (in->eof || in->err || !in->f || !in->buf)
		return false;
	in->pos = 0;
	in->len = fread(in->buf, 1, n, in->f);
	if (in->len == 0) {
		if (ferror(in->f))
			in->err = 1;
		in->eof = 1;
		return false;
	}
	return true;
}

/* Opens path for reading, refusing a folder (SW_EIO with a message in d);
   *size gets a regular file's size, else 0. */
static int open_file(FILE **f, uint64_t *size, sw_diag *d, const char *path)
{
	*f = fopen(path, "rb");
	if (!*f)
		return sw_diag_add(d, SW_EIO, path, 0, 0, NULL, "cannot open: %s", strerror(errno));
	struct stat st;
	bool ok = fstat(fileno(*f), &st) != 0 || !S_ISDIR(st.st_mode);
	*size = ok && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	if (ok)
		return SW_OK;
	fclose(*f);
	*f = NULL;
	return sw_diag_add(d, SW_EIO, path, 0, 0, NULL, "is a directory, not a file");
}

int sw_input_open(sw_input *in, const sw_mem *m, const char *path, sw_diag *d)
{
	*in = (sw_input){ .m = m, .name = path, .line = 1 };
	if (strcmp(path, "-") == 0)
		in->f = stdin;
	else if (open_file(&in->f, &in->size, d, path))
		return SW_EIO;
	in->buf = sw_mem_alloc(m, CHUNK);
	if (!in->buf) {
		sw_input_close(in);
		return sw_diag_add(d, SW_ENOMEM, path, 0, 0, NULL, "out of memory");
	}
	/* skip a UTF-8 byte-order mark */
	if (fill(in, FIRST_FILL) && in->len >= 3 && memcmp(in->buf, "\xEF\xBB\xBF", 3) == 0) {
		in->pos = 3;
		in->offset = 3;
	}
	return SW_OK;
}

bool sw_input_fill(sw_input *in)
{
	return fill(in, CHUNK);
}

void sw_input_mem(sw_input *in, const sw_mem *m, const char *data, size_t len)
{
	*in = (sw_input){ .m = m, .buf = (unsigned char *)data, .len = len, .eof = 1, .line = 1,
	                  .size = len, .borrowed = true };
}

unsigned char *sw_input_take(sw_input *in, size_t *have, size_t *cap)
{
	if (in->borrowed || !in->buf)
		return NULL;
	unsigned char *b = in->buf;
	*have = in->len - in->pos;
	*cap = CHUNK;
	memmove(b, b + in->pos, *have);
	in->offset += *have; /* out of the input now */
	in->buf = NULL;
	in->pos = in->len = 0;
	return b;
}

void sw_input_close(sw_input *in)
{
	if (in->f && in->f != stdin)
		fclose(in->f);
	in->f = NULL;
	if (!in->borrowed)
		sw_mem_free(in->m, in->buf);
	in->buf = NULL;
}

int sw_input_line(sw_input *in, sw_buf *b)
{
	b->len = 0;
	bool any = false;
	for (;;) {
		if (in->pos == in->len && !sw_input_fill(in))
			break;
		any = true;
		unsigned char *start = in->buf + in->pos;
		unsigned char *nl = memchr(start, '\n', in->len - in->pos);
		size_t n = nl ? (size_t)(nl - start) : in->len - in->pos;
		sw_buf_add(b, (const char *)start, n);
		in->pos += n + (nl != NULL); /* and the line end */
		in->offset += n + (nl != NULL);
		if (nl)
			break;
	}
	if (!any)
		return 0;
	in->line++;
	if (b->len && b->p[b->len - 1] == '\r')
		b->len--;
	if (b->p)
		b->p[b->len] = '\0';
	return 1;
}

/* ---- whole files ---- */

int sw_file_read(char **out, size_t *len, sw_diag *d, const sw_mem *m, const char *path,
                 size_t max_bytes)
{
	*out = NULL;
	*len = 0;
	FILE *f;
	uint64_t size;
	if (open_file(&f, &size, d, path))
		return SW_EIO;
	sw_buf b;
	sw_buf_init(&b, m);
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b.len + n > max_bytes) {
			fclose(f);
			sw_buf_free(&b);
			return sw_diag_add(d, SW_ELIMIT, path, 0, 0, NULL,
			                   "file is over the limit of %zu bytes", max_bytes);
		}
		sw_buf_add(&b, chunk, n);
	}
	int err = ferror(f);
	fclose(f);
	if (err) {
		sw_buf_free(&b);
		return sw_diag_add(d, SW_EIO, path, 0, 0, NULL, "read error");
	}
	size_t l = b.len;
	*out = sw_buf_take(&b);
	if (!*out)
		return sw_diag_add(d, SW_ENOMEM, path, 0, 0, NULL, "out of memory");
	*len = l;
	return SW_OK;
}
