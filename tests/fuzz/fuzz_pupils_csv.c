/*
 * fuzz_pupils_csv.c - sw_engine_load_pupils with SW_FORMAT_CSV: the input is the file
 * (fuzz_load in fuzz.h says what is checked).
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_load(data, size, true, SW_FORMAT_CSV);
}
