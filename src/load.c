/*
 * load.c - the roster and evidence file readers (CSV and JSON Lines) and
 * the public calls that add pupils and evidence. Every row read is either
 * accepted or handed to the caller's on_reject with file, line and reason.
 */
#include "internal.h"
#include "data.h"
#include "reader.h"

#include <string.h>
#include <strings.h>

/* "Out of memory" while reading the file, at line (0: none). */
static int nomem(reader *R, uint64_t line)
{
	return sw_diag_add(&R->eng->diag, SW_ENOMEM, R->path, line, 0, NULL, "out of memory");
}

/* Chooses a format from the options or the file name. */
static int pick_format(const sw_load_options *opts, const char *path)
{
	if (opts && opts->format != SW_FORMAT_AUTO)
		return opts->format;
	const char *dot = strrchr(path, '.');
	if (dot && (strcasecmp(dot, ".jsonl") == 0 || strcasecmp(dot, ".ndjson") == 0 ||
	            strcasecmp(dot, ".json") == 0))
		return SW_FORMAT_JSONL;
	return SW_FORMAT_CSV;
}

int sw_rd_reject(reader *R, uint64_t line, const char *raw, size_t raw_len)
{
	if (!sw_buf_cstr(&R->why)) /* the reason itself could not be written */
		return nomem(R, line);
	R->stats->rejected++;
	if (!R->opts || !R->opts->on_reject)
		return SW_OK;
	sw_reject rj = { R->path, line, R->why.p, raw ? raw : "", raw_len, NULL, 0, R->format };
	if (R->format == SW_FORMAT_CSV) {
		rj.header = R->header_raw.p ? R->header_raw.p : "";
		rj.header_len = R->header_raw.len;
	}
	R->opts->on_reject(&rj, R->opts->payload);
	return SW_OK;
}

/* Counts a row read on `line` from raw[0..n), with status st (an
   sw_rd_row_fn): accepted, handed on when rejected, or a fatal error that
   stops the reading (the row uncounted); then progress, and in streaming
   mode the pupil bookkeeping. */
static int row_done(reader *R, void *ctx, int st, uint64_t line, const char *raw, size_t n)
{
	(void)ctx;
	int rc = SW_OK;
	R->stats->rows++;
	if (st == SW_OK)
		R->stats->accepted++;
	else if (st == SW_EREJECTED)
		rc = sw_rd_reject(R, line, raw, n);
	else
		rc = sw_diag_add(&R->eng->diag, st, R->path, line, 0, NULL, "%s",
		                 st == SW_ESTATE ? "pupils cannot be added after evidence "
		                                   "loaded without a roster"
		                                 : sw_status_string(st));
	if (rc) {
		R->stats->rows--;
		return rc;
	}
	if (R->opts && R->opts->on_progress && (R->stats->rows & 0xFFFF) == 0)
		R->opts->on_progress(R->stats->rows, R->in->offset, R->in->size, R->opts->payload);
	if (R->on_row && st == SW_OK)
		return R->on_row(R->row_payload, R->path, line);
	return SW_OK;
}

/* ---- CSV ---- */

enum { COL_NONE = -1 };

/* Maps each header column to one of the fields (index) or COL_NONE; reports
   a missing required column or a repeated one as a fatal error. */
static int read_header(reader *R, sw_input *in, sw_csv_row *row, bool is_pupils, int *map,
                       size_t *ncols)
{
	const sw_field *fields = is_pupils ? sw_pupil_fields : sw_evidence_fields;
	size_t nfields = is_pupils ? SW_PUPIL_FIELDS : SW_EVIDENCE_FIELDS;
	sw_diag *d = &R->eng->diag;
	int rc = sw_csv_next(in, row, &R->eng->mem);
	if (rc < 0)
		return nomem(R, 0);
	if (rc == 0)
		return sw_diag_add(d, SW_EINVALID, R->path, 0, 0, NULL,
		                   "the file is empty: a header row is needed (%s, ...)", fields[0].name);
	if (row->error)
		return sw_diag_add(d, SW_EINVALID, R->path, row->line, 0, NULL,
		                   "cannot read the header row: %s", row->error);
	if (row->count > MAX_COLUMNS)
		return sw_diag_add(d, SW_ELIMIT, R->path, row->line, 0, NULL,
		                   "the header has %zu columns, more than %d", row->count, MAX_COLUMNS);
	sw_buf_add(&R->header_raw, row->raw.p ? row->raw.p : "", row->raw.len);
	bool seen[SW_EVIDENCE_FIELDS > SW_PUPIL_FIELDS ? SW_EVIDENCE_FIELDS : SW_PUPIL_FIELDS] = { false };
	for (size_t i = 0; i < row->count; i++) {
		size_t n;
		const char *f = sw_csv_field(row, i, &n);
		if (!sw_text_valid(f, n))
			return sw_diag_add(d, SW_EINVALID, R->path, row->line, 0, NULL,
			                   "column %zu of the header is not valid UTF-8", i + 1);
		map[i] = sw_field_find(fields, nfields, f);
		for (size_t j = 0; j < i; j++) {
			size_t m;
			const char *g = sw_csv_field(row, j, &m);
			if (m == n && strcasecmp(f, g) == 0)
				return sw_diag_add(d, SW_EINVALID, R->path, row->line, 0, NULL,
				                   "column '%s' appears twice in the header", f);
		}
		if (map[i] != COL_NONE)
			seen[map[i]] = true;
	}
	for (size_t k = 0; k < nfields; k++)
		if (fields[k].required && !seen[k])
			return sw_diag_add(d, SW_EINVALID, R->path, row->line, 0, NULL,
			                   "missing required column '%s'", fields[k].name);
	*ncols = row->count;
	return SW_OK;
}

/* Reads a CSV or JSON Lines file of pupils (is_pupils) or evidence. */
static int read_rows(reader *R, sw_input *in, bool is_pupils)
{
	const sw_mem *m = &R->eng->mem;
	bool csv = R->format != SW_FORMAT_JSONL;
	sw_csv_row head, row;
	sw_csv_row_init(&head, m);
	sw_csv_row_init(&row, m);
	sw_buf line;
	sw_buf_init(&line, m);
	sw_flat *flat = csv ? NULL : sw_mem_calloc(m, 1, sizeof *flat); /* the fast reader's */
	if (flat)
		sw_buf_init(&flat->text, m);
	int map[MAX_COLUMNS];
	size_t ncols = 0;
	int rc = csv ? read_header(R, in, &head, is_pupils, map, &ncols) : flat ? SW_OK : nomem(R, 0);
	if (rc == SW_OK && !is_pupils && sw_rd_threaded(R, in))
		rc = sw_rd_parallel(R, in, csv ? &head : NULL, map, ncols, R->opts->jobs);
	else if (rc == SW_OK && csv)
		rc = sw_rd_csv_rows(R, in, &row, &head, map, ncols, is_pupils, row_done, NULL);
	else if (rc == SW_OK)
		rc = sw_rd_json_rows(R, in, &line, flat, is_pupils, row_done, NULL);
	sw_csv_row_free(&head, m);
	sw_csv_row_free(&row, m);
	sw_buf_free(&line);
	if (flat)
		sw_buf_free(&flat->text);
	sw_mem_free(m, flat);
	return rc;
}

/* Opens path and reads it with the right reader. */
static int load_file(sw_engine *eng, const char *path, const sw_load_options *opts,
                     sw_load_stats *stats, bool is_pupils, sw_row_fn on_row, void *payload)
{
	sw_load_stats dummy;
	if (!stats)
		stats = &dummy;
	memset(stats, 0, sizeof *stats);
	if (!eng)
		return SW_EINVALID;
	if (!on_row) /* sw_load_rows' caller has begun the call already */
		sw_engine_begin(eng);
	if (!path)
		return sw_diag_add(&eng->diag, SW_EINVALID, NULL, 0, 0, NULL, "no path given");
	if (opts && (opts->version < 1 || opts->version > SW_LOAD_OPTIONS_VERSION))
		return sw_diag_add(&eng->diag, SW_EINVALID, path, 0, 0, NULL,
		                   "sw_load_options has an unknown version");
	/* date_format came with version 2 */
	int date_format = opts && opts->version >= 2 ? opts->date_format : SW_DATE_ISO;
	if (date_format != SW_DATE_ISO && date_format != SW_DATE_DMY)
		return sw_diag_add(&eng->diag, SW_EINVALID, path, 0, 0, NULL,
		                   "sw_load_options.date_format is not SW_DATE_ISO or SW_DATE_DMY");
	if (!is_pupils && !eng->fw)
		return sw_diag_add(&eng->diag, SW_ESTATE, path, 0, 0, NULL,
		                   "load a framework before evidence");
	if (is_pupils && eng->roster && eng->roster->count && !eng->roster->from_roster)
		return sw_diag_add(&eng->diag, SW_ESTATE, path, 0, 0, NULL,
		                   "load the roster before the evidence");
	sw_input in;
	int rc = sw_input_open(&in, &eng->mem, path, &eng->diag);
	if (rc)
		return rc;
	reader R = { eng, opts, stats, path, pick_format(opts, path), { 0 }, { 0 }, &in, on_row,
	             payload, NULL, NULL, NULL, false };
	R.dmy = date_format == SW_DATE_DMY;
	sw_buf_init(&R.why, &eng->mem);
	sw_buf_init(&R.header_raw, &eng->mem);
	if (is_pupils && !sw_roster_get(eng))
		rc = SW_ENOMEM;
	else
		rc = read_rows(&R, &in, is_pupils);
	if (rc == SW_OK && in.err)
		rc = sw_diag_add(&eng->diag, SW_EIO, path, 0, 0, NULL, "read error");
	if (is_pupils && eng->roster && stats->accepted == 0 && eng->roster->count == 0)
		eng->roster->from_roster = true; /* an empty roster still means "roster given" */
	if (eng->evidence)
		eng->evidence->sorted = eng->evidence->grouped = false;
	sw_buf_free(&R.why);
	sw_buf_free(&R.header_raw);
	sw_input_close(&in);
	return rc;
}

int sw_engine_load_pupils(sw_engine *eng, const char *path, const sw_load_options *opts,
                          sw_load_stats *stats)
{
	return load_file(eng, path, opts, stats, true, NULL, NULL);
}

int sw_engine_load_evidence(sw_engine *eng, const char *path, const sw_load_options *opts,
                            sw_load_stats *stats)
{
	return load_file(eng, path, opts, stats, false, NULL, NULL);
}

int sw_load_rows(sw_engine *eng, const char *path, const sw_load_options *opts,
                 sw_load_stats *stats, sw_row_fn on_row, void *payload)
{
	return load_file(eng, path, opts, stats, false, on_row, payload);
}
