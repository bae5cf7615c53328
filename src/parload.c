/*
 * parload.c - reading an evidence file with several threads. The file is
 * read in blocks; each block is cut at row boundaries into one part per
 * thread; the threads turn their rows into checked records (which changes
 * nothing in the engine); then the calling thread, in file order, stores
 * the records, reports the rejected rows and counts, so the result is the
 * same as a read by one thread, row for row.
 */
#include "internal.h"
#include "reader.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define PART_BYTES (1u << 18) /* bytes per part: small parts keep a block in the cache */
#define PARTS_PER_JOB 8       /* parts per thread in a block, for balance */
#define MAX_JOBS 64

/* One row as a thread left it. */
typedef struct prow {
	uint64_t line;       /* within the part, 1-based */
	int status;          /* SW_OK or SW_EREJECTED */
	size_t raw_off, raw_len, why_off; /* rejected rows: in the part's text */
	sw_checked c;        /* accepted rows */
} prow;

/* One thread's part of a block. */
typedef struct part {
	reader R;            /* check-only copy of the file's reader */
	sw_check_cache cache;
	sw_checked checked;
	sw_buf text;         /* checked texts, reasons and raw rejected rows */
	const char *data;
	size_t len;
	prow *rows;
	size_t count, cap;
	uint64_t lines;      /* line ends in the part */
	int rc;
	const sw_csv_row *head; /* CSV: the header (read-only) */
	const int *map;
	size_t ncols;
	sw_flat flat;        /* JSON Lines scratch */
} part;

/* Quoted spans of CSV text that starts at a row boundary: [start, end). */
typedef struct spans {
	size_t *at; /* pairs */
	size_t count, cap;
	bool open;  /* the last quoted field runs past the end of the text */
} spans;

/* Finds where quoted fields lie, jumping from quote to quote. A quote opens
   a field only where the CSV reader would: after only white space since
   the row's or the field's start. */
static int find_spans(spans *sp, const sw_mem *m, const char *d, size_t len)
{
	sp->count = 0;
	sp->open = false;
	size_t i = 0;
	for (;;) {
		const char *q = memchr(d + i, '"', len - i);
		if (!q)
			return SW_OK;
		size_t at = (size_t)(q - d), k = at;
		while (k > 0 && (d[k - 1] == ' ' || d[k - 1] == '\t'))
			k--;
		if (!(k == 0 || d[k - 1] == ',' || d[k - 1] == '\n' || d[k - 1] == '\r')) {
			/* a literal quote inside an unquoted field: the reader keeps it */
			i = at + 1;
			continue;
		}
		size_t e = at + 1;
		for (;;) {
			const char *c = memchr(d + e, '"', len - e);
			if (!c || (size_t)(c - d) + 1 >= len) {
				sp->open = true; /* runs past the end, or cannot tell yet */
				e = len;
				break;
			}
			e = (size_t)(c - d) + 1;
			if (d[e] != '"')
				break;
			e++; /* a doubled quote */
		}
		if (sw_mem_grow(m, (void **)&sp->at, &sp->cap, sp->count * 2 + 2, sizeof(size_t)))
			return SW_ENOMEM;
		sp->at[sp->count * 2] = at;
		sp->at[sp->count * 2 + 1] = e;
		sp->count++;
		if (sp->open)
			return SW_OK;
		/* after a closing quote, quotes in the rest of the field are ignored */
		const char *next = d + e;
		while ((size_t)(next - d) < len && *next != ',' && *next != '\n')
			next++;
		i = (size_t)(next - d);
		if (i >= len)
			return SW_OK;
	}
}

/* True when position x lies inside a quoted span; *hint moves forward. */
static bool quoted(const spans *sp, size_t x, size_t *hint)
{
	while (*hint < sp->count && sp->at[*hint * 2 + 1] <= x)
		(*hint)++;
	return *hint < sp->count && sp->at[*hint * 2] <= x;
}

/* The first row boundary (just after a line end outside quotes) at or after from. */
static size_t next_cut(const char *d, size_t len, const spans *sp, size_t from, size_t *hint)
{
	while (from < len) {
		const char *nl = memchr(d + from, '\n', len - from);
		if (!nl)
			return len;
		size_t x = (size_t)(nl - d);
		if (!sp || !quoted(sp, x, hint))
			return x + 1;
		from = x + 1;
	}
	return len;
}

/* The last '\n' in d[0..n), or NULL (memrchr is not standard C). */
static const char *last_newline(const char *d, size_t n)
{
	while (n > 0)
		if (d[--n] == '\n')
			return d + n;
	return NULL;
}

/* The last row boundary in d[0..len), or 0 when there is none. */
static size_t last_cut(const char *d, size_t len, const spans *sp)
{
	size_t end = len;
	if (sp && sp->open && sp->count)
		end = sp->at[(sp->count - 1) * 2];
	while (end > 0) {
		const char *nl = last_newline(d, end);
		if (!nl)
			return 0;
		size_t x = (size_t)(nl - d), hint = 0;
		if (!sp || !quoted(sp, x, &hint))
			return x + 1;
		/* inside a quoted field: look before it */
		while (hint < sp->count && !(sp->at[hint * 2] <= x && x < sp->at[hint * 2 + 1]))
			hint++;
		end = hint < sp->count ? sp->at[hint * 2] : x;
	}
	return 0;
}

/* Keeps one row's outcome (and, when rejected, its bytes and reason). */
static int keep_row(part *P, uint64_t line, int st, const char *raw, size_t raw_len)
{
	if (sw_mem_grow(&P->R.eng->mem, (void **)&P->rows, &P->cap, P->count + 1, sizeof *P->rows))
		return SW_ENOMEM;
	prow *r = &P->rows[P->count++];
	r->line = line;
	r->status = st;
	if (st == SW_OK) {
		r->c = P->checked;
	} else {
		r->raw_off = P->text.len;
		r->raw_len = raw_len;
		sw_buf_add(&P->text, raw, raw_len);
		sw_buf_putc(&P->text, '\0');
		r->why_off = P->text.len;
		sw_buf_add(&P->text, P->R.why.p ? P->R.why.p : "", P->R.why.len);
		sw_buf_putc(&P->text, '\0');
	}
	return P->text.failed ? SW_ENOMEM : SW_OK;
}

/* A thread: checks every row of its part. */
static void *work(void *arg)
{
	part *P = arg;
	const sw_mem *m = &P->R.eng->mem;
	sw_input in;
	sw_input_mem(&in, m, P->data, P->len);
	P->rc = SW_OK;
	if (P->head) {
		sw_csv_row row;
		sw_csv_row_init(&row, m);
		int got = 0;
		while (P->rc == SW_OK && (got = sw_csv_next(&in, &row, m)) > 0) {
			P->R.why.len = 0;
			int st = SW_EREJECTED;
			if (sw_rd_row_ok(&P->R, &row, P->ncols, P->head))
				st = sw_rd_csv_evidence(&P->R, &row, P->map);
			if (st != SW_OK && st != SW_EREJECTED)
				P->rc = st;
			else
				P->rc = keep_row(P, row.line, st, row.raw.p ? row.raw.p : "", row.raw.len);
		}
		if (got < 0)
			P->rc = SW_ENOMEM;
		sw_csv_row_free(&row, m);
	} else {
		sw_buf line;
		sw_buf_init(&line, m);
		for (;;) {
			uint64_t at = in.line;
			if (P->rc != SW_OK || !sw_input_line(&in, &line))
				break;
			const char *s = line.p ? line.p : "";
			size_t n = line.len;
			sw_text_trim(&s, &n);
			if (n == 0)
				continue;
			P->R.why.len = 0;
			bool has_nul = memchr(s, 0, n) != NULL;
			int st = sw_rd_json_line(&P->R, &P->flat, s, n, has_nul, false, at,
			                         (size_t)(s - line.p));
			if (st != SW_OK && st != SW_EREJECTED)
				P->rc = st;
			else
				P->rc = keep_row(P, at, st, line.p ? line.p : "", line.len);
		}
		if (line.failed)
			P->rc = SW_ENOMEM;
		sw_buf_free(&line);
	}
	P->lines = in.line - 1;
	return NULL;
}

/* Stores a part's rows in order, reports its rejects; line_base is the
   file line of the part's first line. */
static int commit_part(reader *R, part *P, uint64_t line_base)
{
	for (size_t i = 0; i < P->count; i++) {
		prow *r = &P->rows[i];
		uint64_t line = line_base + r->line - 1;
		R->stats->rows++;
		if (r->status == SW_OK) {
			int rc = sw_evidence_commit(R->eng, &r->c, P->text.p);
			if (rc) {
				R->stats->rows--;
				return sw_diag_add(&R->eng->diag, rc, R->path, line, 0, NULL, "out of memory");
			}
			R->stats->accepted++;
		} else {
			R->why.len = 0;
			sw_buf_puts(&R->why, P->text.p + r->why_off);
			int rc = sw_rd_reject(R, line, P->text.p + r->raw_off, r->raw_len);
			if (rc) {
				R->stats->rows--;
				return rc;
			}
		}
	}
	return SW_OK;
}

/* Sets up parts as check-only copies of R. */
static void parts_init(part *parts, unsigned count, reader *R, const sw_csv_row *head,
                       const int *map, size_t ncols)
{
	const sw_mem *m = &R->eng->mem;
	for (unsigned j = 0; j < count; j++) {
		part *P = &parts[j];
		P->R = *R;
		sw_buf_init(&P->R.why, m);
		sw_check_cache_init(&P->cache, m);
		sw_buf_init(&P->text, m);
		sw_buf_init(&P->flat.text, m);
		P->R.cache = &P->cache;
		P->R.checked = &P->checked;
		P->R.checked_text = &P->text;
		P->head = head;
		P->map = map;
		P->ncols = ncols;
	}
}

static void parts_free(part *parts, unsigned count, const sw_mem *m)
{
	for (unsigned j = 0; j < count; j++) {
		part *P = &parts[j];
		sw_buf_free(&P->R.why);
		sw_check_cache_free(&P->cache);
		sw_buf_free(&P->text);
		sw_buf_free(&P->flat.text);
		sw_mem_free(m, P->rows);
	}
}

/* A batch: one block cut into parts, which the threads take one by one.
   Checked rows keep nothing of the block, so the block can be refilled as
   soon as a batch is checked, and the batch stored while the next one is
   checked. */
typedef struct batch {
	part *parts;
	unsigned used;
	atomic_uint next; /* the next part to take */
	uint64_t line;    /* file line of its first line */
	uint64_t offset;  /* bytes of the file read up to its end */
} batch;

/* Checks parts of the batch until none is left. */
static void take_parts(batch *b)
{
	for (;;) {
		unsigned j = atomic_fetch_add(&b->next, 1);
		if (j >= b->used)
			return;
		work(&b->parts[j]);
	}
}

static void *helper(void *arg)
{
	take_parts(arg);
	return NULL;
}

/* Stores a checked batch in file order. */
static int batch_commit(reader *R, batch *b, sw_input *in)
{
	uint64_t line = b->line;
	for (unsigned j = 0; j < b->used; j++) {
		if (b->parts[j].rc)
			return sw_diag_add(&R->eng->diag, b->parts[j].rc, R->path, line, 0, NULL,
			                   "out of memory");
		int rc = commit_part(R, &b->parts[j], line);
		if (rc)
			return rc;
		line += b->parts[j].lines;
	}
	b->used = 0;
	if (R->opts && R->opts->on_progress)
		R->opts->on_progress(R->stats->rows, b->offset, in->size, R->opts->payload);
	return SW_OK;
}

/* A block of the file being read: bytes [0, have), of which [0, end)
   are whole rows ready to be cut into parts. */
typedef struct block {
	char *p;
	size_t cap, have, end;
} block;

/*
 * Fills b from the file until it holds at least one whole row (or the
 * file ends) and sets b->end after the last whole row; the block grows
 * for a row longer than itself. Also finds the quoted spans (CSV), which
 * the cutting needs. SW_OK or a fatal error (reported).
 */
static int prepare(reader *R, sw_input *in, block *b, bool *eof, spans *sp, bool csv)
{
	const sw_mem *m = &R->eng->mem;
	for (;;) {
		if (!*eof && b->have < b->cap) {
			size_t got = fread(b->p + b->have, 1, b->cap - b->have, in->f);
			in->offset += got;
			b->have += got;
			if (got == 0) {
				*eof = true;
				if (ferror(in->f))
					return sw_diag_add(&R->eng->diag, SW_EIO, R->path, 0, 0, NULL,
					                   "read error");
			}
			continue;
		}
		if (csv && find_spans(sp, m, b->p, b->have))
			return sw_diag_add(&R->eng->diag, SW_ENOMEM, R->path, 0, 0, NULL, "out of memory");
		b->end = *eof ? b->have : last_cut(b->p, b->have, csv ? sp : NULL);
		if (b->end > 0 || b->have == 0)
			return SW_OK;
		if (b->have == b->cap) { /* one row longer than the block: grow */
			char *bigger = sw_mem_realloc(m, b->p, b->cap * 2);
			if (!bigger)
				return sw_diag_add(&R->eng->diag, SW_ENOMEM, R->path, 0, 0, NULL,
				                   "out of memory");
			b->p = bigger;
			b->cap *= 2;
		}
		*eof = *eof || feof(in->f);
	}
}

int sw_rd_parallel(reader *R, sw_input *in, const sw_csv_row *head, const int *map,
                   size_t ncols, unsigned jobs)
{
	sw_engine *eng = R->eng;
	const sw_mem *m = &eng->mem;
	if (jobs > MAX_JOBS)
		jobs = MAX_JOBS;
	unsigned nparts = jobs * PARTS_PER_JOB;
	part *parts = sw_mem_calloc(m, 2 * (size_t)nparts, sizeof *parts);
	batch *bs = sw_mem_calloc(m, 2, sizeof *bs);
	size_t cap = (size_t)PART_BYTES * nparts;
	block blk[2] = { { sw_mem_alloc(m, cap), cap, 0, 0 }, { sw_mem_alloc(m, cap), cap, 0, 0 } };
	spans sp = { 0 };
	if (!parts || !blk[0].p || !blk[1].p || !bs) {
		sw_mem_free(m, parts);
		sw_mem_free(m, blk[0].p);
		sw_mem_free(m, blk[1].p);
		sw_mem_free(m, bs);
		return sw_diag_add(&eng->diag, SW_ENOMEM, R->path, 0, 0, NULL, "out of memory");
	}
	parts_init(parts, 2 * nparts, R, head, map, ncols);
	bs[0].parts = parts;
	bs[1].parts = parts + nparts;
	batch *cur = &bs[0], *prev = &bs[1];
	block *b = &blk[0], *next = &blk[1];
	/* what the input had buffered already comes first */
	b->have = in->len - in->pos;
	memcpy(b->p, in->buf + in->pos, b->have);
	in->pos = in->len;
	uint64_t line = in->line;
	bool eof = in->eof || !in->f;
	int rc = prepare(R, in, b, &eof, &sp, head != NULL);
	while (rc == SW_OK && b->have > 0) {
		/* cut the block into parts at row boundaries */
		const spans *s = head ? &sp : NULL;
		size_t start = 0, hint = 0, end = b->end;
		cur->used = 0;
		cur->line = line;
		cur->offset = in->offset - (b->have - end);
		for (unsigned j = 0; j < nparts && start < end; j++) {
			size_t cut = j + 1 == nparts ? end
			                             : next_cut(b->p, end, s, start + (end - start) / (nparts - j), &hint);
			if (cut > end)
				cut = end;
			part *P = &cur->parts[j];
			P->data = b->p + start;
			P->len = cut - start;
			P->count = 0;
			P->text.len = 0;
			cur->used++;
			start = cut;
		}
		/* jobs - 1 helpers check parts while this thread stores the previous
		   batch and reads the next block, then takes parts too */
		atomic_store(&cur->next, 0);
		pthread_t th[MAX_JOBS];
		unsigned started = 0;
		for (unsigned j = 1; j < jobs; j++) {
			if (pthread_create(&th[started], NULL, helper, cur) != 0)
				break;
			started++;
		}
		if (prev->used)
			rc = batch_commit(R, prev, in);
		next->have = b->have - end;
		memcpy(next->p, b->p + end, next->have);
		if (rc == SW_OK)
			rc = prepare(R, in, next, &eof, &sp, head != NULL);
		take_parts(cur);
		for (unsigned j = 0; j < started; j++)
			pthread_join(th[j], NULL);
		for (unsigned j = 0; j < cur->used; j++)
			line += cur->parts[j].lines;
		batch *t = cur;
		cur = prev;
		prev = t;
		block *tb = b;
		b = next;
		next = tb;
	}
	if (rc == SW_OK && prev->used)
		rc = batch_commit(R, prev, in);
	in->line = line;
	parts_free(parts, 2 * nparts, m);
	sw_mem_free(m, sp.at);
	sw_mem_free(m, parts);
	sw_mem_free(m, bs);
	sw_mem_free(m, blk[0].p);
	sw_mem_free(m, blk[1].p);
	return rc;
}
