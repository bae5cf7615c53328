/*
 * fuzz_case.c - the CASE importer: the input is a CFPackage (JSON), read by
 * sw_case_import with the levels chosen by the importer. Whatever it makes
 * must be a framework that loads, evaluates and exports again as a package;
 * every item is counted as imported or not.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_path(data, size);
	sw_engine *eng = NULL;
	if (!path || sw_engine_new(&eng, NULL) != SW_OK)
		return 0;
	char *json = NULL;
	size_t len = 0;
	sw_case_import_stats st;
	int rc = sw_case_import(&json, &len, eng, path, NULL, &st);
	fuzz_errors(eng);
	if (rc == SW_OK) {
		if (!json || strlen(json) != len || st.items != st.imported + st.not_imported ||
		    !sw_engine_framework(eng))
			abort();
		/* what the importer made is a framework: it evaluates, and exports */
		fuzz_evaluate(eng);
		const char *again = fuzz_path((const uint8_t *)json, len);
		char *package = NULL;
		sw_case_export_options eo = SW_CASE_EXPORT_OPTIONS_INIT;
		eo.case_version = SW_CASE_1_1;
		if (again && sw_case_export(&package, NULL, eng, again, &eo, NULL) != SW_OK)
			abort();
		sw_string_free(eng, package);
	} else if (json) {
		abort();
	}
	sw_string_free(eng, json);
	sw_engine_free(eng);
	return 0;
}
