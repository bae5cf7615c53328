/*
 * fuzz_service.c - the service protocol (sw_service_handle): each line of
 * the input is one request to the same engine, so that a load_rubric or
 * set_params can change what a later evaluate does. Every answer must be
 * there and be one line.
 */
#include "fuzz.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sw_engine *eng = fuzz_engine();
	const char *p = (const char *)data, *end = p + size;
	for (int requests = 0; p <= end && requests < 16; requests++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *response = NULL;
		int rc = sw_service_handle(&response, eng, p, len);
		if (rc == SW_OK) {
			if (!response || strchr(response, '\n'))
				abort();
			sw_string_free(eng, response);
		} else if (response) {
			abort();
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	sw_engine_free(eng);
	return 0;
}
