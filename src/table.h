/* table.h - aligned text tables (table.c). */
#ifndef SW_TABLE_H
#define SW_TABLE_H
#include "internal.h"

typedef struct sw_table {
	const sw_mem *m;
	char **cells; /* row-major */
	size_t count, cap, cols;
	uint64_t right; /* bit c set: column c (< 64) is right-aligned */
	int failed;
} sw_table;

void sw_table_init(sw_table *t, const sw_mem *m, size_t cols);
void sw_table_cell(sw_table *t, const char *text); /* NULL is an empty cell */
void sw_table_cellf(sw_table *t, const char *fmt, ...) SW_PRINTF(2, 3);
/* Writes the rows, each line prefixed with indent (may be NULL). */
int sw_table_write(sw_table *t, FILE *out, const char *indent);
void sw_table_free(sw_table *t);
#endif
