/*
 * service_json.c - the JSON side of the service protocol (service.c):
 * strings written as JSON (invalid UTF-8 replaced) and the request's id
 * echoed as it was written (its place, and the places of the evidence
 * records read without a tree, are noted by the strict check of json.c).
 * Its pupil and evidence objects are read by the readers the data files
 * use (fields.c).
 */
#include "service.h"

#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- text ---- */

/* Appends s[0..n) as a JSON string; invalid UTF-8 becomes U+FFFD. */
void sw_svc_put_text(sw_buf *b, const char *s, size_t n)
{
	sw_buf_putc(b, '"');
	size_t i = 0;
	while (i < n) {
		size_t good = i + sw_text_invalid_at(s + i, n - i);
		for (; i < good; i++) {
			unsigned char c = (unsigned char)s[i];
			if (c == '"' || c == '\\') {
				sw_buf_putc(b, '\\');
				sw_buf_putc(b, (char)c);
			} else if (c < 0x20) {
				static const char esc[] = "btn.fr";
				if (c >= 8 && c <= 13 && c != 11)
					sw_buf_printf(b, "\\%c", esc[c - 8]);
				else
					sw_buf_printf(b, "\\u%04x", c);
			} else {
				sw_buf_putc(b, (char)c);
			}
		}
		if (i < n) {
			sw_buf_puts(b, "\\ufffd");
			i++;
		}
	}
	sw_buf_putc(b, '"');
}

/* ---- the id, echoed as written ---- */

void sw_svc_put_id(sw_buf *b, const cJSON *root, const sw_json_member *id, const char *line)
{
	if (!cJSON_IsObject(root) || !id->found) {
		sw_buf_puts(b, "null");
		return;
	}
	bool in_string = false;
	for (size_t i = id->start; i < id->end; i++) {
		char c = line[i];
		if (in_string && c == '\\') {
			sw_buf_putc(b, c);
			c = line[++i]; /* the escaped character, a quote too */
		} else if (c == '"') {
			in_string = !in_string;
		} else if (!in_string && (c == ' ' || c == '\t' || c == '\r' || c == '\n')) {
			continue;
		}
		sw_buf_putc(b, c);
	}
}
