/*
 * write_csv.c - results as CSV: a row per pupil and skill
 * (pupil,skill,step,note,evidence).
 */
#include "write.h"

/* Appends a decimal integer without printf (the CSV writer's hot path). */
static void put_int(sw_buf *b, long long v)
{
	char tmp[24];
	size_t i = sizeof tmp;
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
	do {
		tmp[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		tmp[--i] = '-';
	sw_buf_add(b, tmp + i, sizeof tmp - i);
}

/* The header row. */
static int csv_begin(sw_writer *w)
{
	fputs("pupil,skill,step,note,evidence\n", w->out);
	return SW_OK;
}

/* A row per skill of the result. */
static int csv_add(sw_writer *w, const sw_result *r, sw_buf *b)
{
	const char *pupil = sw_result_pupil(r);
	for (size_t k = 0; k < r->skill_count; k++) {
		const sw_skill_result *s = &r->skills[k];
		sw_csv_put(b, pupil);
		sw_buf_putc(b, ',');
		sw_buf_puts(b, w->fw->skills[k].id);
		sw_buf_putc(b, ',');
		if (s->has_step)
			put_int(b, s->step);
		sw_buf_putc(b, ',');
		sw_csv_put(b, s->note ? s->note : "");
		sw_buf_putc(b, ',');
		put_int(b, (long long)s->evidence);
		sw_buf_putc(b, '\n');
	}
	return SW_OK;
}

const sw_write_format sw_write_csv = { SW_OUTPUT_CSV, "csv", csv_begin, csv_add, NULL };
