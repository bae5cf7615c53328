/*
 * write.c - writers of evaluation results: CSV (a row per pupil and skill),
 * JSON Lines (an object per pupil) and an aligned table for a terminal.
 */
#include "internal.h"
#include "rubric.h"
#include "table.h"

#include <stdatomic.h>
#include <string.h>

struct sw_writer {
	const sw_engine *eng;
	int format;
	FILE *out;
	size_t rows;
	sw_table table;
	bool errors, awards; /* the table has rows with errors / flags or awards */
	int failed;
	sw_wstream *ws; /* owned: `out` writes through a host's callback (sw_writer_new_to) */
};

/* CSV values that spreadsheets would run as formulas are neutralised unless
   a host asks for raw values (sw_csv_set_raw). */
static atomic_bool csv_raw;

void sw_csv_set_raw(int raw)
{
	atomic_store(&csv_raw, raw != 0);
}

/* True for a plain number ("-2", "+1.5"): safe, and kept as it is. */
static bool plain_number(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	bool digits = false, dot = false;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digits = true;
		else if (*s == '.' && !dot)
			dot = true;
		else
			return false;
	}
	return digits;
}

void sw_csv_put(sw_buf *b, const char *s)
{
	if (strchr("=+-@\t", s[0]) && s[0] && !plain_number(s) && !atomic_load(&csv_raw)) {
		/* "=HYPERLINK(...)" would run in a spreadsheet: shown as text, '=HYPERLINK(...) */
		sw_buf_puts(b, "\"'");
		for (; *s; s++) {
			if (*s == '"')
				sw_buf_putc(b, '"');
			sw_buf_putc(b, *s);
		}
		sw_buf_putc(b, '"');
		return;
	}
	if (!strpbrk(s, ",\"\r\n") && s[0] != ' ' && (!*s || s[strlen(s) - 1] != ' ')) {
		sw_buf_puts(b, s);
		return;
	}
	sw_buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			sw_buf_putc(b, '"');
		sw_buf_putc(b, *s);
	}
	sw_buf_putc(b, '"');
}

void sw_json_put(sw_buf *b, const char *s)
{
	if (!s) {
		sw_buf_puts(b, "null");
		return;
	}
	sw_buf_putc(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			sw_buf_putc(b, '\\');
			sw_buf_putc(b, (char)c);
		} else if (c == '\n') {
			sw_buf_puts(b, "\\n");
		} else if (c == '\t') {
			sw_buf_puts(b, "\\t");
		} else if (c == '\r') {
			sw_buf_puts(b, "\\r");
		} else if (c < 0x20) {
			sw_buf_printf(b, "\\u%04x", c);
		} else {
			sw_buf_putc(b, (char)c);
		}
	}
	sw_buf_putc(b, '"');
}

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

/* Appends a JSON array of strings. */
static void json_list(sw_buf *b, char *const *items, size_t n)
{
	sw_buf_putc(b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			sw_buf_puts(b, ", ");
		sw_json_put(b, items[i]);
	}
	sw_buf_putc(b, ']');
}

/* Appends one result as a JSON object. */
static void json_result(sw_buf *b, const sw_result *r)
{
	const sw_framework *fw = r->eng->fw;
	const sw_pupil *p = &r->eng->roster->pupils[r->pupil];
	sw_buf_puts(b, "{\"pupil\": ");
	sw_json_put(b, p->id);
	sw_buf_puts(b, ", \"name\": ");
	sw_json_put(b, p->name);
	if (p->year == SW_NO_YEAR)
		sw_buf_puts(b, ", \"year\": null");
	else
		sw_buf_printf(b, ", \"year\": %d", p->year);
	sw_buf_puts(b, ", \"class\": ");
	sw_json_put(b, p->class_name);
	sw_buf_puts(b, ", \"school\": ");
	sw_json_put(b, p->school);
	sw_buf_puts(b, ", \"skills\": {");
	for (size_t k = 0; k < r->skill_count; k++) {
		const sw_skill_result *s = &r->skills[k];
		if (k)
			sw_buf_puts(b, ", ");
		sw_json_put(b, fw->skills[k].id);
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
	json_result(&b, r);
	*json = sw_buf_take(&b);
	return *json ? SW_OK : SW_ENOMEM;
}

void sw_string_free(const sw_engine *eng, char *s)
{
	if (eng)
		sw_mem_free(&eng->mem, s);
}

int sw_writer_new(sw_writer **out, const sw_engine *eng, int format, FILE *f)
{
	if (!out)
		return SW_EINVALID;
	*out = NULL;
	if (!eng || !eng->fw || !f || format < SW_OUTPUT_CSV || format > SW_OUTPUT_TABLE)
		return SW_EINVALID;
	sw_writer *w = sw_mem_calloc(&eng->mem, 1, sizeof *w);
	if (!w)
		return SW_ENOMEM;
	w->eng = eng;
	w->format = format;
	w->out = f;
	const sw_framework *fw = eng->fw;
	if (format == SW_OUTPUT_CSV) {
		fputs("pupil,skill,step,note,evidence\n", f);
	} else if (format == SW_OUTPUT_TABLE) {
		sw_table_init(&w->table, &eng->mem, fw->skill_count + 3);
		for (size_t k = 0; k < fw->skill_count && k + 2 < 64; k++)
			w->table.right |= (uint64_t)1 << (k + 2);
		sw_table_cell(&w->table, "pupil");
		sw_table_cell(&w->table, "name");
		for (size_t k = 0; k < fw->skill_count; k++)
			sw_table_cell(&w->table, fw->skills[k].id);
		sw_table_cell(&w->table, "");
	}
	*out = w;
	return SW_OK;
}

int sw_writer_add(sw_writer *w, const sw_result *r)
{
	if (!w || !r)
		return SW_EINVALID;
	const sw_framework *fw = w->eng->fw;
	const sw_pupil *p = &r->eng->roster->pupils[r->pupil];
	w->rows++;
	if (w->format == SW_OUTPUT_TABLE) {
		sw_table *t = &w->table;
		sw_table_cell(t, p->id);
		sw_table_cell(t, p->name ? p->name : "");
		for (size_t k = 0; k < r->skill_count; k++) {
			bool err = false;
			for (size_t e = 0; e < r->error_count; e++) {
				const char *tail = strrchr(r->errors[e], ',');
				size_t n = strlen(fw->skills[k].id);
				if (tail && strncmp(tail, ", skill ", 8) == 0 &&
				    strncmp(tail + 8, fw->skills[k].id, n) == 0 && tail[8 + n] == ')')
					err = true;
			}
			if (err)
				sw_table_cell(t, "!");
			else if (r->skills[k].has_step)
				sw_table_cellf(t, "%d", r->skills[k].step);
			else
				sw_table_cell(t, "-");
			w->errors |= err;
		}
		sw_buf b;
		sw_buf_init(&b, r->m);
		for (size_t i = 0; i < r->award_count; i++)
			sw_buf_printf(&b, "%s%s", b.len ? ", " : "", r->awards[i]);
		for (size_t i = 0; i < r->flag_count; i++)
			sw_buf_printf(&b, "%sflag: %s", b.len ? ", " : "", r->flags[i]);
		w->awards |= b.len > 0;
		sw_table_cell(t, b.len ? sw_buf_cstr(&b) : "");
		sw_buf_free(&b);
		return t->failed ? SW_ENOMEM : SW_OK;
	}
	sw_buf b;
	sw_buf_init(&b, r->m);
	if (w->format == SW_OUTPUT_JSONL) {
		json_result(&b, r);
		sw_buf_putc(&b, '\n');
	} else {
		for (size_t k = 0; k < r->skill_count; k++) {
			const sw_skill_result *s = &r->skills[k];
			sw_csv_put(&b, p->id);
			sw_buf_putc(&b, ',');
			sw_buf_puts(&b, fw->skills[k].id);
			sw_buf_putc(&b, ',');
			if (s->has_step)
				put_int(&b, s->step);
			sw_buf_putc(&b, ',');
			sw_csv_put(&b, s->note ? s->note : "");
			sw_buf_putc(&b, ',');
			put_int(&b, (long long)s->evidence);
			sw_buf_putc(&b, '\n');
		}
	}
	int rc = SW_OK;
	if (b.failed)
		rc = SW_ENOMEM;
	else if (b.len && fwrite(b.p, 1, b.len, w->out) != b.len)
		rc = SW_EIO;
	sw_buf_free(&b);
	return sw_wstream_status(w->ws, (sw_engine *)w->eng, rc);
}

int sw_writer_finish(sw_writer *w)
{
	if (!w)
		return SW_EINVALID;
	if (w->format == SW_OUTPUT_TABLE) {
		int rc = sw_table_write(&w->table, w->out, NULL);
		if (rc)
			return rc;
		const sw_framework *fw = w->eng->fw;
		fprintf(w->out, "\n%zu pupils; framework %s; '-' no step yet", w->rows, fw->id);
		if (w->errors)
			fputs("; '!' rubric error (see the messages)", w->out);
		fputc('\n', w->out);
	}
	if (fflush(w->out) != 0 || ferror(w->out))
		return sw_wstream_status(w->ws, (sw_engine *)w->eng, SW_EIO);
	return SW_OK;
}

int sw_writer_new_to(sw_writer **out, const sw_engine *eng, int format, sw_write_fn fn,
                     void *payload)
{
	if (!out)
		return SW_EINVALID;
	*out = NULL;
	if (!eng || !fn)
		return SW_EINVALID;
	sw_wstream *ws = sw_mem_calloc(&eng->mem, 1, sizeof *ws);
	if (!ws)
		return SW_ENOMEM;
	if (!sw_wstream_open(ws, fn, payload)) {
		sw_mem_free(&eng->mem, ws);
		return SW_ENOMEM;
	}
	int rc = sw_writer_new(out, eng, format, ws->f);
	if (rc) {
		sw_wstream_close(ws, NULL, rc);
		sw_mem_free(&eng->mem, ws);
		return rc;
	}
	(*out)->ws = ws;
	return SW_OK;
}

void sw_writer_free(sw_writer *w)
{
	if (!w)
		return;
	sw_table_free(&w->table);
	if (w->ws) {
		sw_wstream_close(w->ws, NULL, SW_OK);
		sw_mem_free(&w->eng->mem, w->ws);
	}
	sw_mem_free(&w->eng->mem, w);
}
