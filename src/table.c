/*
 * table.c - aligned text tables for terminals: column widths by display
 * width (utf8proc), so accented, combining and wide characters line up.
 */
#include "internal.h"
#include "table.h"

#include <string.h>

void sw_table_init(sw_table *t, const sw_mem *m, size_t cols)
{
	memset(t, 0, sizeof *t);
	t->m = m;
	t->cols = cols;
}

void sw_table_cell(sw_table *t, const char *text)
{
	if (t->failed)
		return;
	char *c = NULL;
	if (sw_mem_grow(t->m, (void **)&t->cells, &t->cap, t->count + 1, sizeof(char *)) ||
	    !(c = sw_mem_strdup(t->m, text ? text : ""))) {
		t->failed = 1;
		return;
	}
	/* a line break or tab inside a cell would break the alignment; other
	   control characters (C0, DEL, C1: escape sequences a name or note could
	   hold) would act on the terminal: shown as '?' */
	for (unsigned char *p = (unsigned char *)c; *p; p++) {
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
		else if (*p < 0x20 || *p == 0x7f)
			*p = '?';
		else if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
			p[0] = p[1] = '?';
	}
	t->cells[t->count++] = c;
}

void sw_table_cellf(sw_table *t, const char *fmt, ...)
{
	sw_buf b;
	sw_buf_init(&b, t->m);
	va_list ap;
	va_start(ap, fmt);
	sw_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	const char *s = sw_buf_cstr(&b);
	if (!s)
		t->failed = 1;
	else
		sw_table_cell(t, s);
	sw_buf_free(&b);
}

int sw_table_write(sw_table *t, FILE *out, const char *indent)
{
	if (t->failed)
		return SW_ENOMEM;
	size_t *w = sw_mem_calloc(t->m, t->cols ? t->cols : 1, sizeof *w);
	if (!w)
		return SW_ENOMEM;
	for (size_t i = 0; i < t->count; i++) {
		size_t cw = sw_text_width(t->cells[i]);
		if (cw > w[i % t->cols])
			w[i % t->cols] = cw;
	}
	for (size_t i = 0; i < t->count; i++) {
		size_t c = i % t->cols;
		if (c == 0 && indent)
			fputs(indent, out);
		/* no trailing blanks: a row whose remaining cells are empty ends here */
		bool last = true;
		for (size_t j = i + 1; j < t->count && j % t->cols != 0; j++)
			last &= t->cells[j][0] == '\0';
		bool right = c < 64 && ((t->right >> c) & 1u);
		size_t pad = w[c] - sw_text_width(t->cells[i]);
		if (right)
			fprintf(out, "%*s", (int)pad, "");
		fputs(t->cells[i], out);
		if (!last) {
			fprintf(out, "%*s", (int)(right ? 2 : pad + 2), "");
		} else {
			fputc('\n', out);
			i += t->cols - 1 - c;
		}
	}
	sw_mem_free(t->m, w);
	return ferror(out) ? SW_EIO : SW_OK;
}

void sw_table_free(sw_table *t)
{
	for (size_t i = 0; i < t->count; i++)
		sw_mem_free(t->m, t->cells[i]);
	sw_mem_free(t->m, t->cells);
	memset(t, 0, sizeof *t);
}
