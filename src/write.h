/*
 * write.h - the writers of results (sw_writer, include/stepwise.h): one
 * file per format (write_csv.c, write_jsonl.c, write_table.c) and the table
 * of formats in write.c. A new format is one new file and one line there.
 */
#ifndef SW_WRITE_H
#define SW_WRITE_H

#include "internal.h"
#include "rubric.h"
#include "table.h"

typedef struct sw_write_format sw_write_format;

struct sw_writer {
	const sw_engine *eng;
	const sw_framework *fw;
	const sw_write_format *format;
	FILE *out;
	size_t rows;
	sw_table table;
	bool errors, awards; /* the table has rows with errors / flags or awards */
	sw_wstream *ws; /* owned: `out` writes through a host's callback (sw_writer_new_to) */
};

/* One output format of results. */
struct sw_write_format {
	sw_output_format id;
	const char *name; /* as --format names it */
	/* Starts the output (a header row); SW_ENOMEM when it cannot. */
	int (*begin)(sw_writer *w);
	/* Writes one result into b (or keeps it in the writer). */
	int (*add)(sw_writer *w, const sw_result *r, sw_buf *b);
	/* Writes what was kept; NULL when nothing is. */
	int (*finish)(sw_writer *w);
};

extern const sw_write_format sw_write_csv, sw_write_jsonl, sw_write_table;

#endif
