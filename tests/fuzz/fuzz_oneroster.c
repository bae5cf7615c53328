/*
 * fuzz_oneroster.c - the OneRoster 1.1 importer: the input is four CSV
 * files, users.csv, enrollments.csv, classes.csv and orgs.csv, one after
 * another with a 0x1E byte between them, written into a folder that
 * sw_oneroster_import reads. Each file's rows are counted as accepted,
 * rejected or skipped; the roster it writes loads with every row
 * accounted for.
 */
#include "fuzz.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

static const char *const FILES[4] = { "users.csv", "enrollments.csv", "classes.csv",
	                              "orgs.csv" };

/* The folder the files are written to, made once. */
static const char *folder(void)
{
	static char dir[64];
	if (!dir[0]) {
		snprintf(dir, sizeof dir, "/tmp/sw-fuzz-oneroster-%ld", (long)getpid());
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			return NULL;
	}
	return dir;
}

static bool counted(const sw_oneroster_file_stats *f)
{
	return f->rows == f->accepted + f->rejected + f->skipped;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dir = folder();
	if (!dir)
		return 0;
	const uint8_t *p = data, *end = data + size;
	for (int i = 0; i < 4; i++) {
		const uint8_t *sep = p < end ? memchr(p, 0x1E, (size_t)(end - p)) : NULL;
		const uint8_t *stop = i < 3 && sep ? sep : end;
		char path[128];
		snprintf(path, sizeof path, "%s/%s", dir, FILES[i]);
		FILE *f = fopen(path, "wb");
		if (!f)
			return 0;
		if (stop > p)
			fwrite(p, 1, (size_t)(stop - p), f);
		fclose(f);
		p = stop < end ? stop + 1 : end;
	}
	sw_engine *eng = NULL;
	if (sw_engine_new(&eng, NULL) != SW_OK)
		return 0;
	char *csv = NULL;
	size_t len = 0;
	sw_oneroster_stats st;
	int rc = sw_oneroster_import(&csv, &len, eng, dir, NULL, &st);
	fuzz_errors(eng);
	if (rc == SW_OK) {
		if (!csv || strlen(csv) != len || !counted(&st.users) || !counted(&st.enrollments) ||
		    !counted(&st.classes) || !counted(&st.orgs) || st.pupils > st.users.accepted)
			abort();
		/* the roster written loads, each row accepted or rejected */
		const char *roster = fuzz_path((const uint8_t *)csv, len);
		sw_load_options lo = SW_LOAD_OPTIONS_INIT;
		lo.format = SW_FORMAT_CSV;
		sw_load_stats ls;
		if (roster && sw_engine_load_framework_buffer(eng, FUZZ_FRAMEWORK,
		                                              sizeof FUZZ_FRAMEWORK - 1, NULL) == SW_OK &&
		    sw_engine_load_pupils(eng, roster, &lo, &ls) == SW_OK &&
		    (ls.rows != ls.accepted + ls.rejected || ls.rows != st.pupils))
			abort();
	} else if (csv) {
		abort();
	}
	sw_string_free(eng, csv);
	sw_engine_free(eng);
	return 0;
}
