/*
 * fuzz_evidence_jsonl.c - sw_engine_load_evidence with SW_FORMAT_JSONL: the input is the file
 * (fuzz_load in fuzz.h says what is checked).
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_load(data, size, false, SW_FORMAT_JSONL);
}
