/* reader.h - what the data file readers share (load.c, rows.c, parload.c).
   Prefix sw_rd_. */
#ifndef SW_READER_H
#define SW_READER_H
#include "internal.h"
#include "data.h"
#include "input.h"
#include "fields.h"
#include "flatjson.h"

struct cJSON;

#define MAX_COLUMNS 256

/* What one file read needs to carry along. */
typedef struct reader {
	sw_engine *eng;
	const sw_load_options *opts;
	sw_load_stats *stats;
	const char *path;
	int format;
	sw_buf why;         /* the reason for the current row */
	sw_buf header_raw;  /* CSV header as read */
	sw_input *in;
	sw_row_fn on_row;   /* called after each accepted row, or NULL (sw_load_rows) */
	void *row_payload;
	/* check-only mode (a thread of a parallel read): rows are checked into
	   `checked` and `checked_text` and not stored */
	sw_check_cache *cache;
	sw_checked *checked;
	sw_buf *checked_text;
	bool dmy;    /* evidence dates may be day first (SW_DATE_DMY) */
} reader;

/* rows.c: turning one row into a pupil or an evidence record */
int sw_rd_csv_pupil(reader *R, sw_csv_row *row, sw_csv_row *head, const int *map, uint64_t line);
int sw_rd_csv_evidence(reader *R, sw_csv_row *row, const int *map);
/* s[0..n) is the line without surrounding white space; `lead` bytes of
   white space came before it (for column numbers). */
int sw_rd_json_line(reader *R, sw_flat *flat, const char *s, size_t n, bool has_nul,
                    bool is_pupils, uint64_t at, size_t lead);
/* Adds (or in check-only mode checks) one record. */
int sw_rd_evidence(reader *R, const sw_evidence_data *e);

/* load.c */
/* Counts and hands on a rejected row; SW_ENOMEM when its reason could not be written. */
int sw_rd_reject(reader *R, uint64_t line, const char *raw, size_t raw_len);
bool sw_rd_row_ok(reader *R, const sw_csv_row *row, size_t ncols, const sw_csv_row *head);
/* parload.c */
/* True when the rest of an evidence file is to be read with several threads:
   more than one asked for, not a sorted stream, and not a small file. */
bool sw_rd_threaded(const reader *R, const sw_input *in);
/* Reads the rest of an evidence file with `jobs` threads. */
int sw_rd_parallel(reader *R, sw_input *in, const sw_csv_row *head, const int *map,
                   size_t ncols, unsigned jobs);
#endif
