/*
 * parload.c - reading an evidence file with several threads. The calling
 * thread reads the file in blocks and cuts each block at row boundaries
 * into parts; all threads take parts and turn their rows into checked
 * records (which changes nothing in the engine); the calling thread then
 * stores each part in file order, with its rejected rows and counts, so
 * the result is the same as a read by one thread, row for row. The
 * sharing is sw_ordered_run's (ordered.c).
 */
#include "internal.h"
#include "ordered.h"
#include "reader.h"

#include <string.h>

#define PART_BYTES (1u << 16)  /* bytes per part: small, so little memory is in flight */
#define PARTS_PER_JOB 2        /* parts per thread in a block */
#define SLOTS 3                /* blocks in memory: checked, being checked, being read */
#define FIRST_BYTES (1u << 16) /* the first block: small, so the helpers start soon */
/* Less than this is read faster by one thread than by setting up others
   (measured: 420 KB of CSV took 3.5 ms with one thread, 4.2 with two). */
#define MIN_BYTES (8u * PART_BYTES)
/* Room given at the start to each part's small buffers that are written
   on every row, so that two parts' buffers, written by two threads at
   once, do not share cache lines (100k JSON Lines rows, two threads: 41.8
   ms without, 41.1 with, medians of 21). */
#define SCRATCH_BYTES 256

/* One row as a thread left it: a checked record, or (c.mark set) a
   rejected row, whose raw bytes and reason are two texts (sw_checked_put)
   from c.text in the part's text. */
typedef struct prow {
	sw_checked c;
	uint64_t line;       /* within the part, 1-based */
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
	sw_csv_row row;      /* CSV: the row being checked */
	sw_buf line;         /* JSON Lines: the line being checked */
	/* Parts lie side by side and two threads write to neighbours at once:
	   this keeps the end of one (flat, row, line: written every row) off
	   the cache lines of the start of the next (R.why), wherever the array
	   lies.
	   Where they shared a line, 100k JSON Lines rows took 45.9 ms with two
	   threads instead of 41.8 (medians of 21). */
	char apart[128];
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
		i = e; /* the next search starts at the field's end (the input's end: none) */
		while (i < len && d[i] != ',' && d[i] != '\n')
			i++;
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

/* The last row boundary in d[0..len), or 0 when there is none. */
static size_t last_cut(const char *d, size_t len, const spans *sp)
{
	size_t end = len;
	if (sp && sp->open && sp->count)
		end = sp->at[(sp->count - 1) * 2];
	while (end > 0) {
		size_t x = end, hint = 0; /* just after the last '\n' before end (memrchr is not C) */
		while (x > 0 && d[x - 1] != '\n')
			x--;
		if (x == 0)
			return 0;
		if (!sp || !quoted(sp, x - 1, &hint))
			return x;
		end = sp->at[hint * 2]; /* inside the quoted field `hint`: look before it */
	}
	return 0;
}

/* Keeps one row's outcome (and, when rejected, its bytes and reason) in
   the part ctx (an sw_rd_row_fn); any other status than SW_OK or
   SW_EREJECTED is a failure, returned. */
static int keep_row(reader *R, void *ctx, int st, uint64_t line, const char *raw, size_t raw_len)
{
	part *P = ctx;
	if (st != SW_OK && st != SW_EREJECTED)
		return st;
	if (sw_mem_grow(&R->eng->mem, (void **)&P->rows, &P->cap, P->count + 1, sizeof *P->rows))
		return SW_ENOMEM;
	prow *r = &P->rows[P->count++];
	r->line = line;
	if (st == SW_OK) {
		r->c = P->checked;
	} else {
		r->c.mark = 1;
		r->c.text = P->text.len;
		sw_checked_put(&P->text, raw, raw_len);
		sw_checked_put(&P->text, R->why.p ? R->why.p : "", R->why.len);
	}
	return P->text.failed ? SW_ENOMEM : SW_OK;
}

/* Stores a part's rows in order, reports its rejects; line_base is the
   file line of the part's first line. */
static int commit_part(reader *R, part *P, uint64_t line_base)
{
	for (size_t i = 0; i < P->count; i++) {
		prow *r = &P->rows[i];
		uint64_t line = line_base + r->line - 1;
		int rc;
		R->stats->rows++;
		if (!r->c.mark) {
			if ((rc = sw_evidence_commit(R->eng, &r->c, P->text.p)))
				rc = sw_diag_add(&R->eng->diag, rc, R->path, line, 0, NULL, "out of memory");
			R->stats->accepted += rc == SW_OK;
		} else {
			const char *t = P->text.p + r->c.text;
			sw_text_head raw, why;
			const char *raw_p = sw_checked_get(&t, &raw), *why_p = sw_checked_get(&t, &why);
			R->why.len = 0;
			sw_buf_add(&R->why, why_p, why.len);
			rc = sw_rd_reject(R, line, raw_p, raw.len);
		}
		if (rc) {
			R->stats->rows--;
			return rc;
		}
	}
	return SW_OK;
}

/* Sets up parts as check-only copies of R; false when out of memory
   (parts_free frees what was made). Every buffer a checking thread writes
   gets its room here, from the calling thread, so that in the usual case
   the checking threads allocate nothing: a thread's first allocation
   makes the C library give it an arena of its own, and growing that arena
   changes the address space, which holds up the other threads' page
   faults. (100k CSV rows, two threads: 23.0 ms, with 22 of 40 runs over 7%
   slower than the best, before; 21.4 ms and 5 of 40 after; medians.) */
static bool parts_init(part *parts, unsigned count, reader *R, const sw_csv_row *head,
                       const int *map, size_t ncols)
{
	const sw_mem *m = &R->eng->mem;
	/* without a roster file, storing rows adds pupils while other rows are
	   checked: the checking threads must then not look pupils up */
	const struct sw_roster *ro = R->eng->roster;
	bool defer = !(ro && ro->from_roster);
	for (unsigned j = 0; j < count; j++) {
		part *P = &parts[j];
		P->R = *R;
		sw_buf_init(&P->R.why, m);
		sw_check_cache_init(&P->cache, m);
		P->cache.defer_pupils = defer;
		sw_buf_init(&P->text, m);
		sw_buf_init(&P->flat.text, m);
		P->R.cache = &P->cache;
		P->R.checked = &P->checked;
		P->R.checked_text = &P->text;
		P->head = head;
		P->map = map;
		P->ncols = ncols;
		sw_csv_row_init(&P->row, m);
		sw_buf_init(&P->line, m);
		/* small buffers written on every row (see SCRATCH_BYTES) */
		bool ok = sw_buf_reserve(&P->cache.tmp, SCRATCH_BYTES) &&
		          sw_buf_reserve(&P->cache.last_pupil.raw, SCRATCH_BYTES) &&
		          sw_buf_reserve(&P->cache.last_skill.raw, SCRATCH_BYTES) &&
		          sw_buf_reserve(&P->R.why, SCRATCH_BYTES) &&
		          sw_buf_reserve(&P->row.raw, SCRATCH_BYTES) &&
		          sw_buf_reserve(&P->row.data, SCRATCH_BYTES) &&
		          sw_buf_reserve(&P->line, 4 * SCRATCH_BYTES) &&     /* a whole line */
		          sw_buf_reserve(&P->flat.text, 4 * SCRATCH_BYTES) && /* its texts */
		          !sw_mem_grow(m, (void **)&P->row.start, &P->row.cap, 32, sizeof(size_t));
		/* the rows of a part and their texts (about as many bytes as the part) */
		ok = ok && sw_buf_reserve(&P->text, PART_BYTES) &&
		     !sw_mem_grow(m, (void **)&P->rows, &P->cap, PART_BYTES / 32, sizeof *P->rows);
		if (!ok)
			return false;
	}
	return true;
}

static void parts_free(part *parts, unsigned count, const sw_mem *m)
{
	for (unsigned j = 0; j < count; j++) {
		part *P = &parts[j];
		sw_buf_free(&P->R.why);
		sw_check_cache_free(&P->cache);
		sw_buf_free(&P->text);
		sw_buf_free(&P->flat.text);
		sw_csv_row_free(&P->row, m);
		sw_buf_free(&P->line);
		sw_mem_free(m, P->rows);
	}
}

/* A block of the file: bytes [0, have), of which [0, end) are whole rows. */
typedef struct block {
	char *p;
	size_t cap, have, end;
	uint64_t offset; /* bytes of the file read up to `end` */
} block;

/*
 * Fills b from the file until it holds want bytes (or the file ends) and
 * sets b->end after the last whole row; the block grows for a row longer
 * than itself. Also finds the quoted spans (CSV), which the cutting
 * needs. SW_OK or a fatal error (reported).
 */
static int prepare(reader *R, sw_input *in, block *b, size_t want, bool *eof, spans *sp,
                   bool csv)
{
	const sw_mem *m = &R->eng->mem;
	if (want > b->cap)
		want = b->cap;
	for (;;) {
		if (!*eof && b->have < want) {
			size_t got = fread(b->p + b->have, 1, want - b->have, in->f);
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
		b->offset = in->offset - (b->have - b->end);
		if (b->end > 0 || b->have == 0)
			return SW_OK;
		if (b->have >= want) { /* no whole row yet: read on, growing a full block */
			if (b->have == b->cap && sw_mem_grow(m, (void **)&b->p, &b->cap, b->cap * 2, 1))
				return sw_diag_add(&R->eng->diag, SW_ENOMEM, R->path, 0, 0, NULL,
				                   "out of memory");
			want = b->cap;
		}
		*eof = *eof || feof(in->f);
	}
}

/* Cuts block b at row boundaries into the n parts from `first`. */
static void cut(part *first, unsigned n, block *b, const spans *sp)
{
	size_t start = 0, hint = 0, end = b->end;
	for (unsigned j = 0; j < n; j++) {
		size_t at = j + 1 == n ? end : next_cut(b->p, end, sp, start + (end - start) / (n - j), &hint);
		part *P = &first[j];
		P->data = b->p + start;
		P->len = at - start;
		P->count = 0;
		P->text.len = 0;
		start = at;
	}
}

/* The file being read: blocks in SLOTS slots, each cut into per_block
   parts; part i lies in block i / per_block. */
typedef struct file {
	reader *R;
	sw_input *in;
	const sw_csv_row *head;
	block blk[SLOTS];
	part *parts;      /* SLOTS * per_block */
	bool *done;       /* for sw_ordered_run */
	unsigned per_block;
	spans sp;
	bool eof;
	uint64_t line;    /* file line of the next part to store */
	uint64_t progress_at; /* rows / 65536 at the last progress call */
	uint64_t start;       /* the file offset of the first row */
} file;

static part *part_at(file *f, uint64_t i)
{
	return &f->parts[i % ((uint64_t)SLOTS * f->per_block)];
}

/* work: checks every row of part i (any thread). */
static void check_part(void *ctx, uint64_t i, unsigned thread)
{
	(void)thread;
	part *P = part_at(ctx, i);
	const sw_mem *m = &P->R.eng->mem;
	sw_input in;
	sw_input_mem(&in, m, P->data, P->len);
	P->rc = P->head ? sw_rd_csv_rows(&P->R, &in, &P->row, P->head, P->map, P->ncols, false,
	                                 keep_row, P)
	                : sw_rd_json_rows(&P->R, &in, &P->line, &P->flat, false, keep_row, P);
	P->lines = in.line - 1;
}

/* produce: reads the next block (after the rest of the one before) and cuts it. */
static int read_block(void *ctx, uint64_t first)
{
	file *f = ctx;
	const sw_mem *m = &f->R->eng->mem;
	uint64_t n = first / f->per_block;
	block *b = &f->blk[n % SLOTS];
	if (n > 0) {
		block *prev = &f->blk[(n - 1) % SLOTS];
		b->have = prev->have - prev->end;
		if (sw_mem_grow(m, (void **)&b->p, &b->cap, b->have, 1))
			return sw_diag_add(&f->R->eng->diag, SW_ENOMEM, f->R->path, 0, 0, NULL,
			                   "out of memory");
		memcpy(b->p, prev->p + prev->end, b->have);
	}
	/* a small first block gets the other threads going sooner */
	int rc = prepare(f->R, f->in, b, n == 0 ? FIRST_BYTES : b->cap, &f->eof, &f->sp,
	                 f->head != NULL);
	if (rc)
		return rc;
	if (b->have == 0)
		return 0;
	cut(part_at(f, first), f->per_block, b, f->head ? &f->sp : NULL);
	return 1;
}

/* After the first block, makes the store big enough for the rest of a
   file of known size at that block's bytes per row, and a sixteenth more:
   it then grows once instead of doubling while the other threads work
   (moving a large array changes the address space, which holds up their
   page faults). Rows are taken to be at least 16 bytes, the shortest
   evidence row, so a misleading first block cannot ask for much. */
static void reserve_store(file *f, uint64_t done)
{
	const sw_input *in = f->in;
	uint64_t rows = f->R->stats->rows, start = f->start;
	if (in->size <= done || done <= start || rows == 0)
		return;
	uint64_t rest = in->size - done, more = rest / ((done - start) / rows + 1);
	if (more > rest / 16)
		more = rest / 16;
	more += more / 16;
	if (more <= SIZE_MAX)
		sw_evidence_reserve(f->R->eng, (size_t)more);
}

/* finish: stores one part, in file order. */
static int store_part(void *ctx, uint64_t i)
{
	file *f = ctx;
	reader *R = f->R;
	part *P = part_at(f, i);
	int rc = P->rc ? sw_diag_add(&R->eng->diag, P->rc, R->path, f->line, 0, NULL, "out of memory")
	               : commit_part(R, P, f->line);
	f->line += P->lines;
	if (rc == SW_OK && i + 1 == f->per_block)
		reserve_store(f, f->blk[0].offset);
	/* progress at the end of a block, once 65536 more rows are read */
	if (rc == SW_OK && (i + 1) % f->per_block == 0 && R->opts && R->opts->on_progress &&
	    R->stats->rows >> 16 != f->progress_at) {
		f->progress_at = R->stats->rows >> 16;
		R->opts->on_progress(R->stats->rows, f->blk[(i / f->per_block) % SLOTS].offset,
		                     f->in->size, R->opts->payload);
	}
	return rc;
}

bool sw_rd_threaded(const reader *R, const sw_input *in)
{
	if (R->on_row || !R->opts || R->opts->jobs < 2 || in->borrowed || !in->buf)
		return false;
	/* a size is known for a regular file only: the rest of it (offset: bytes used) */
	return in->size == 0 || in->size <= in->offset || in->size - in->offset >= MIN_BYTES;
}

int sw_rd_parallel(reader *R, sw_input *in, const sw_csv_row *head, const int *map,
                   size_t ncols, unsigned jobs)
{
	sw_engine *eng = R->eng;
	const sw_mem *m = &eng->mem;
	if (jobs > SW_ORDERED_MAX_JOBS)
		jobs = SW_ORDERED_MAX_JOBS;
	file f = { .R = R, .in = in, .head = head, .per_block = jobs * PARTS_PER_JOB,
	           .eof = in->eof || !in->f, .line = in->line };
	size_t nparts = (size_t)SLOTS * f.per_block, cap = (size_t)PART_BYTES * f.per_block;
	f.parts = sw_mem_calloc(m, nparts, sizeof *f.parts);
	f.done = sw_mem_calloc(m, nparts, sizeof *f.done);
	bool ok = f.parts && f.done;
	/* what the input has buffered comes first, in the input's own buffer:
	   no copy, and its pages are in memory already (sw_rd_threaded: the
	   input is a file's, not borrowed) */
	block *b0 = &f.blk[0];
	f.start = in->offset;
	if (ok)
		b0->p = (char *)sw_input_take(in, &b0->have, &b0->cap);
	ok = ok && b0->p && !sw_mem_grow(m, (void **)&b0->p, &b0->cap, cap, 1);
	for (unsigned s = 1; s < SLOTS && ok; s++) {
		f.blk[s].p = sw_mem_alloc(m, cap);
		f.blk[s].cap = cap;
		ok = f.blk[s].p != NULL;
	}
	/* parts not reached are all zero, which parts_free takes */
	ok = ok && parts_init(f.parts, nparts, R, head, map, ncols);
	int rc = ok ? SW_OK : sw_diag_add(&eng->diag, SW_ENOMEM, R->path, 0, 0, NULL, "out of memory");
	if (ok) {
		sw_ordered_job job = { jobs, (unsigned)nparts, f.per_block, f.done, &f,
		                       read_block, check_part, store_part };
		rc = sw_ordered_run(&job);
		in->line = f.line;
	}
	if (f.parts)
		parts_free(f.parts, nparts, m);
	sw_mem_free(m, f.sp.at);
	sw_mem_free(m, f.parts);
	sw_mem_free(m, f.done);
	for (unsigned s = 0; s < SLOTS; s++)
		sw_mem_free(m, f.blk[s].p);
	return rc;
}
