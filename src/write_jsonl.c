/*
 * write_jsonl.c - results as JSON Lines: an object per pupil with its
 * details, each skill's step, note and evidence count, flags, awards and
 * errors; and sw_result_json, the same object for one result.
 */
#include "write.h"

/* Appends a JSON array of strings. */
static void json_list(sw_buf *b, char *const *items, size_t n)
{
	sw_buf_putc(b, '[');
	for (size_t i = 0; i < n; i++)
		sw_json_put_after(b, i ? ", " : "", items[i]);
	sw_buf_putc(b, ']');
}

/* Appends one result as the JSON object of the jsonl format. */
static void json_result(sw_buf *b, const sw_result *r, const sw_framework *fw)
{
	sw_json_put_after(b, "{\"pupil\": ", sw_result_pupil(r));
	sw_json_put_after(b, ", \"name\": ", sw_result_name(r));
	int year = sw_result_year(r);
	if (year == SW_NO_YEAR)
		sw_buf_puts(b, ", \"year\": null");
	else
		sw_buf_printf(b, ", \"year\": %d", year);
	sw_json_put_after(b, ", \"class\": ", sw_result_class(r));
	sw_json_put_after(b, ", \"school\": ", sw_result_school(r));
	sw_buf_puts(b, ", \"skills\": {");
	for (size_t k = 0; k < r->skill_count; k++) {
		const sw_skill_result *s = &r->skills[k];
		sw_json_put_after(b, k ? ", " : "", fw->skills[k].id);
		if (s->has_step)
			sw_buf_printf(b, ": {\"step\": %d, \"note\": ", s->step);
		else
			sw_buf_puts(b, ": {\"step\": null, \"note\": ");
		sw_json_put(b, s->note);
		sw_buf_printf(b, ", \"evidence\": %u}", s->evidence);
	}
	sw_buf_puts(b, "}, \"flags\": ");
	json_list(b, r->flags, r->flag_count);
	sw_buf_puts(b, ", \"awards\": ");
	json_list(b, r->awards, r->award_count);
	sw_buf_puts(b, ", \"errors\": ");
	json_list(b, r->errors, r->error_count);
	sw_buf_putc(b, '}');
}

int sw_result_json(char **json, const sw_result *r)
{
	if (!json)
		return SW_EINVALID;
	*json = NULL;
	if (!r)
		return SW_EINVALID;
	sw_buf b;
	sw_buf_init(&b, r->m);
	json_result(&b, r, r->eng->fw);
	*json = sw_buf_take(&b);
	return *json ? SW_OK : SW_ENOMEM;
}

/* A line per result. */
static int jsonl_add(sw_writer *w, const sw_result *r, sw_buf *b)
{
	json_result(b, r, w->fw);
	sw_buf_putc(b, '\n');
	return SW_OK;
}

const sw_write_format sw_write_jsonl = { SW_OUTPUT_JSONL, "jsonl", NULL, jsonl_add, NULL };
