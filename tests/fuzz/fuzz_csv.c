/*
 * fuzz_csv.c - the CSV reader itself (src/csv.c, src/input.c): every row of
 * the input, read from a file, with the invariants callers rely on checked.
 */
#include "fuzz.h"
#include "internal.h"
#include "input.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_path(data, size);
	if (!path)
		return 0;
	sw_mem m;
	sw_mem_init(&m, NULL);
	sw_diag d;
	sw_diag_init(&d, &m);
	sw_input in;
	if (sw_input_open(&in, &m, path, &d) != SW_OK) {
		sw_diag_clear(&d);
		return 0;
	}
	sw_csv_row row;
	sw_csv_row_init(&row, &m);
	uint64_t last = 0;
	int rc;
	while ((rc = sw_csv_next(&in, &row, &m)) == 1) {
		/* at least one field; lines only go forward; fields lie in the data */
		if (row.count < 1 || row.line < last || row.line == 0)
			abort();
		last = row.line;
		for (size_t i = 0; i < row.count; i++) {
			size_t len;
			const char *f = sw_csv_field(&row, i, &len);
			if (f < row.data.p || f + len >= row.data.p + row.data.len + 1 || f[len] != '\0')
				abort();
			/* a field holds no NUL unless the row says so */
			if (!row.error && memchr(f, '\0', len))
				abort();
		}
		if (row.raw.len > size)
			abort();
	}
	if (rc < 0 && rc != SW_ENOMEM)
		abort();
	sw_csv_row_free(&row, &m);
	sw_input_close(&in);
	sw_diag_clear(&d);
	return 0;
}
