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

/* What is done with each row read, with its status st (SW_OK, SW_EREJECTED
   with the reason in R->why, or a failure): row_done (load.c), or keep_row
   in a thread of a parallel read (parload.c). A status other than SW_OK
   stops the reading and is returned. */
typedef int (*sw_rd_row_fn)(reader *R, void *ctx, int st, uint64_t line, const char *raw,
                            size_t raw_len);
/* rows.c: reads the rest of in as CSV rows (into row, after the header
   head; map[i] is the field of column i, or -1) or as JSON lines (into
   line, with the fast reader's scratch flat), turns each into a pupil or
   an evidence record and hands it to fn; running out of memory is handed
   on as SW_ENOMEM (without a raw row). */
int sw_rd_csv_rows(reader *R, sw_input *in, sw_csv_row *row, const sw_csv_row *head,
                   const int *map, size_t ncols, bool is_pupils, sw_rd_row_fn fn, void *ctx);
int sw_rd_json_rows(reader *R, sw_input *in, sw_buf *line, sw_flat *flat, bool is_pupils,
                    sw_rd_row_fn fn, void *ctx);

/* load.c */
/* Counts and hands on a rejected row; SW_ENOMEM when its reason could not be written. */
int sw_rd_reject(reader *R, uint64_t line, const char *raw, size_t raw_len);
/* parload.c */
/* True when the rest of an evidence file is to be read with several threads:
   more than one asked for, not a sorted stream, and not a small file. */
bool sw_rd_threaded(const reader *R, const sw_input *in);
/* Reads the rest of an evidence file with `jobs` threads. */
int sw_rd_parallel(reader *R, sw_input *in, const sw_csv_row *head, const int *map,
                   size_t ncols, unsigned jobs);
#endif
