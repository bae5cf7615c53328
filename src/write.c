/*
 * write.c - the writers of evaluation results (sw_writer): the table of
 * formats, each in a file of its own (write_csv.c, write_jsonl.c,
 * write_table.c), and the escaping of CSV and JSON text that every writer
 * of the library shares.
 */
#include "write.h"

#include <stdatomic.h>
#include <string.h>

/* The formats of results, by SW_OUTPUT_* (a new format: its file and a line here). */
static const sw_write_format *const FORMATS[] = { &sw_write_csv, &sw_write_jsonl,
	                                          &sw_write_table };

int sw_output_format_find(sw_output_format *format, const char *name)
{
	if (format)
		*format = 0;
	for (size_t i = 0; name && i < sizeof FORMATS / sizeof FORMATS[0]; i++)
		if (strcmp(FORMATS[i]->name, name) == 0) {
			if (format)
				*format = FORMATS[i]->id;
			return SW_OK;
		}
	return SW_ENOTFOUND;
}

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
	/* "=HYPERLINK(...)" would run in a spreadsheet: shown as text, '=HYPERLINK(...) */
	bool formula = strchr("=+-@\t", s[0]) && s[0] && !plain_number(s) && !atomic_load(&csv_raw);
	if (!formula && !strpbrk(s, ",\"\r\n") && s[0] != ' ' && (!*s || s[strlen(s) - 1] != ' ')) {
		sw_buf_puts(b, s);
		return;
	}
	sw_buf_puts(b, formula ? "\"'" : "\"");
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
		const char *from = "\"\\\n\t\r", *esc = strchr(from, c); /* c is never 0 here */
		if (esc) {
			sw_buf_putc(b, '\\');
			sw_buf_putc(b, "\"\\ntr"[esc - from]);
		} else if (c < 0x20) {
			sw_buf_printf(b, "\\u%04x", c);
		} else {
			sw_buf_putc(b, (char)c);
		}
	}
	sw_buf_putc(b, '"');
}

void sw_json_put_after(sw_buf *b, const char *text, const char *s)
{
	sw_buf_puts(b, text);
	sw_json_put(b, s);
}

void sw_string_free(const sw_engine *eng, char *s)
{
	if (eng)
		sw_mem_free(&eng->mem, s);
}

int sw_writer_new(sw_writer **out, const sw_engine *eng, sw_output_format format, FILE *f)
{
	if (!out)
		return SW_EINVALID;
	*out = NULL;
	size_t i = (size_t)format - SW_OUTPUT_CSV; /* FORMATS is in SW_OUTPUT_* order */
	if (!eng || !eng->fw || !f || i >= sizeof FORMATS / sizeof FORMATS[0])
		return SW_EINVALID;
	sw_writer *w = sw_mem_calloc(&eng->mem, 1, sizeof *w);
	if (!w)
		return SW_ENOMEM;
	w->eng = eng;
	w->fw = eng->fw;
	w->format = FORMATS[i];
	w->out = f;
	int rc = w->format->begin ? w->format->begin(w) : SW_OK;
	if (rc) {
		sw_writer_free(w);
		return rc;
	}
	*out = w;
	return SW_OK;
}

int sw_writer_add(sw_writer *w, const sw_result *r)
{
	if (!w || !r)
		return SW_EINVALID;
	w->rows++;
	sw_buf b;
	sw_buf_init(&b, r->m);
	int rc = w->format->add(w, r, &b);
	if (!rc && b.failed)
		rc = SW_ENOMEM;
	else if (!rc && b.len && fwrite(b.p, 1, b.len, w->out) != b.len)
		rc = SW_EIO;
	sw_buf_free(&b);
	return sw_wstream_status(w->ws, (sw_engine *)w->eng, rc);
}

int sw_writer_finish(sw_writer *w)
{
	if (!w)
		return SW_EINVALID;
	if (w->format->finish) {
		int rc = w->format->finish(w);
		if (rc)
			return rc;
	}
	if (fflush(w->out) != 0 || ferror(w->out))
		return sw_wstream_status(w->ws, (sw_engine *)w->eng, SW_EIO);
	return SW_OK;
}

int sw_writer_new_to(sw_writer **out, const sw_engine *eng, sw_output_format format,
                     sw_write_fn fn, void *payload)
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
