/*
 * fuzz_evidence_jsonl.c - sw_engine_load_evidence with SW_FORMAT_JSONL: the input is
 * the file. Every row must be accepted or rejected (rows == accepted +
 * rejected); the rejects are formatted as a host would, then the pupils are
 * evaluated with the default rubric and written as CSV and JSON Lines.
 */
#include "fuzz.h"

#include <string.h>

static void on_reject(const sw_reject *r, void *payload)
{
	size_t *n = payload;
	/* every byte a host reads (the sanitizers check each is inside its buffer) */
	*n += strlen(r->file) + strlen(r->reason);
	for (size_t i = 0; i < r->raw_len; i++)
		*n += (unsigned char)r->raw[i];
	for (size_t i = 0; i < r->header_len; i++)
		*n += (unsigned char)r->header[i];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static sw_engine *eng;
	if (!eng)
		eng = fuzz_engine();
	const char *path = fuzz_path(data, size);
	if (!path)
		return 0;
	sw_engine_reset_data(eng);
	size_t seen = 0;
	sw_load_options o = SW_LOAD_OPTIONS_INIT;
	o.format = SW_FORMAT_JSONL;
	o.on_reject = on_reject;
	o.payload = &seen;
	sw_load_stats st;
	int rc = sw_engine_load_evidence(eng, path, &o, &st);
	if (rc == SW_OK) {
		if (st.rows != st.accepted + st.rejected)
			abort();
		fuzz_evaluate(eng);
	} else {
		fuzz_errors(eng);
	}
	return 0;
}
