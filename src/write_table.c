/*
 * write_table.c - results as an aligned table for a terminal: a row per
 * pupil, a column per skill ('-' no step yet, '!' the rubric failed), then
 * awards and flags, and a closing line. Rows are kept until the end, to
 * align the columns by display width.
 */
#include "write.h"

/* The header row; the skills' columns are aligned right. */
static int table_begin(sw_writer *w)
{
	const sw_framework *fw = w->fw;
	sw_table_init(&w->table, &w->eng->mem, fw->skill_count + 3);
	for (size_t k = 0; k < fw->skill_count && k + 2 < 64; k++)
		w->table.right |= (uint64_t)1 << (k + 2);
	sw_table_cell(&w->table, "pupil");
	sw_table_cell(&w->table, "name");
	for (size_t k = 0; k < fw->skill_count; k++)
		sw_table_cell(&w->table, fw->skills[k].id);
	sw_table_cell(&w->table, "");
	return w->table.failed ? SW_ENOMEM : SW_OK;
}

/* Keeps the result's row. */
static int table_add(sw_writer *w, const sw_result *r, sw_buf *b)
{
	sw_table *t = &w->table;
	const char *name = sw_result_name(r);
	sw_table_cell(t, sw_result_pupil(r));
	sw_table_cell(t, name ? name : "");
	for (size_t k = 0; k < r->skill_count; k++) {
		bool err = r->skills[k].error;
		if (err)
			sw_table_cell(t, "!");
		else if (r->skills[k].has_step)
			sw_table_cellf(t, "%d", r->skills[k].step);
		else
			sw_table_cell(t, "-");
		w->errors |= err;
	}
	sw_buf a;
	sw_buf_init(&a, r->m);
	for (size_t i = 0; i < r->award_count; i++)
		sw_buf_printf(&a, "%s%s", a.len ? ", " : "", r->awards[i]);
	for (size_t i = 0; i < r->flag_count; i++)
		sw_buf_printf(&a, "%sflag: %s", a.len ? ", " : "", r->flags[i]);
	w->awards |= a.len > 0;
	sw_table_cell(t, a.len ? sw_buf_cstr(&a) : "");
	sw_buf_free(&a);
	(void)b; /* nothing to write until the end */
	return t->failed ? SW_ENOMEM : SW_OK;
}

/* The aligned rows and the closing line. */
static int table_finish(sw_writer *w)
{
	int rc = sw_table_write(&w->table, w->out, NULL);
	if (rc)
		return rc;
	fprintf(w->out, "\n%zu pupils; framework %s; '-' no step yet", w->rows, w->fw->id);
	if (w->errors)
		fputs("; '!' rubric error (see the messages)", w->out);
	fputc('\n', w->out);
	return SW_OK;
}

const sw_write_format sw_write_table = { SW_OUTPUT_TABLE, "table", table_begin, table_add, table_finish };
