/*
 * test_fields.c - one reader of pupil and evidence objects: a record sent to
 * the service is refused for the same reason as the same record on a line
 * of a JSON Lines file, and a pupil object likewise; and a stored record
 * read back through the field list.
 */
#define _XOPEN_SOURCE 700 /* mkstemp */
#include "unit.h"
#include "data.h"
#include "fields.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The reasons of a file's rejected rows, one a line. */
static void keep_reason(const sw_reject *rj, void *payload)
{
	char *reasons = payload;
	strncat(reasons, rj->reason, 4000 - strlen(reasons) - 2);
	strcat(reasons, "\n");
}

/* Loads text as a JSON Lines file (evidence, or pupils) and returns the
   first rejected row's reason in out. */
static int file_reason(sw_engine *eng, const char *line, bool pupils, char *out)
{
	char path[] = "/tmp/sw-fields-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	FILE *f = fdopen(fd, "w");
	fprintf(f, "%s\n", line);
	fclose(f);
	sw_load_options lo = SW_LOAD_OPTIONS_INIT;
	lo.format = SW_FORMAT_JSONL;
	lo.on_reject = keep_reason;
	lo.payload = out;
	out[0] = '\0';
	int rc = pupils ? sw_engine_load_pupils(eng, path, &lo, NULL)
	                : sw_engine_load_evidence(eng, path, &lo, NULL);
	unlink(path);
	char *nl = strchr(out, '\n');
	if (nl)
		*nl = '\0';
	return rc;
}

/* Each of items[0..n) (pupils or evidence records, as JSON) is refused
   from a file and by the service's evaluate with the same reason. */
static void same_reasons(sw_engine *eng, const char *const *items, size_t n, bool pupils)
{
	static char reason[4096];
	for (size_t i = 0; i < n; i++) {
		sw_engine_reset_data(eng);
		REQUIRE(file_reason(eng, items[i], pupils, reason) == SW_OK);
		CHECK(reason[0] != '\0');
		char req[1024], want[4200];
		if (pupils)
			snprintf(req, sizeof req, "{\"op\": \"evaluate\", \"pupil\": %s}", items[i]);
		else
			snprintf(req, sizeof req,
			         "{\"op\": \"evaluate\", \"pupil\": \"P1\", \"evidence\": [%s]}", items[i]);
		char *got = NULL;
		REQUIRE(sw_service_handle(&got, eng, req, strlen(req)) == SW_OK && got);
		if (pupils)
			snprintf(want, sizeof want, "\"error\": \"pupil: %s\"", reason);
		else
			snprintf(want, sizeof want, "\"rejected\": [{\"index\": 0, \"reason\": \"%s\"}]",
			         reason);
		if (!strstr(got, want))
			unit_fail(__FILE__, __LINE__, "%s %zu: the file says '%s', the service %s",
			          pupils ? "pupil" : "record", i, reason, got);
		unit_checks++;
		sw_string_free(eng, got);
	}
}

void test_fields_one_reader(void)
{
	static const char *const records[] = {
		"{\"pupil\": \"P1\", \"skill\": \"curiosity\", \"step\": 99999999999, \"date\": \"2026-01-06\"}",
		"{\"pupil\": \"P1\", \"skill\": \"curiosity\", \"step\": -1e12, \"date\": \"2026-01-06\"}",
		"{\"pupil\": \"P1\", \"skill\": \"curiosity\", \"step\": 2.5, \"date\": \"2026-01-06\"}",
		"{\"pupil\": \"P1\", \"skill\": \"curiosity\", \"date\": \"2026-01-06\"}",
		"{\"pupil\": \"P1\", \"skill\": \"curiosity\", \"step\": true, \"date\": \"2026-01-06\"}",
		"{\"pupil\": \"P1\", \"skill\": 7, \"step\": 2, \"date\": \"2026-01-06\"}",
		"{\"pupil\": \"\", \"skill\": \"curiosity\", \"step\": 2, \"date\": \"2026-01-06\"}",
		"{\"pupil\": \"P1\", \"skill\": \"curiosity\", \"step\": 2, \"date\": \"2026-01-06\", \"note\": {}}",
	};
	sw_engine *eng;
	REQUIRE(sw_engine_new(&eng, NULL) == SW_OK);
	REQUIRE(sw_engine_load_framework_builtin(eng, "example-school") == SW_OK);
	same_reasons(eng, records, sizeof records / sizeof *records, false);
	static const char *const pupils[] = {
		"{\"id\": \"P2\", \"year\": 10000000000}",
		"{\"id\": \"P2\", \"year\": 2.5}",
		"{\"id\": \"P2\", \"year\": 40}",
		"{\"id\": \"P2\", \"groups\": \"art\"}",
		"{\"id\": \"P2\", \"house\": [1]}",
	};
	same_reasons(eng, pupils, sizeof pupils / sizeof *pupils, true);
	sw_engine_free(eng);
}

/* A stored record's fields as text, read through the field list: words by
   their index, numbers, interned texts, and NULL for a text not given. */
void test_fields_record_text(void)
{
	sw_mem m;
	sw_mem_init(&m, NULL);
	sw_intern text;
	sw_intern_init(&text, &m);
	uint32_t ctx = 0;
	REQUIRE(sw_intern_add(&ctx, &text, "PE", 2) == SW_OK);
	sw_record r = { .step = -3, .outcome = 1, .source = 2, .context = ctx };
	char num[16];
	const char *want[SW_EVIDENCE_FIELDS] = { 0 };
	want[2] = "-3";
	want[4] = "developing";
	want[5] = "peer";
	want[7] = "PE";
	for (size_t f = 0; f < SW_EVIDENCE_FIELDS; f++) {
		const sw_field *fd = &sw_evidence_fields[f];
		if (fd->show) {
			const char *v = sw_field_record_text(fd, &r, &text, num);
			CHECK(want[f] ? v && strcmp(v, want[f]) == 0 : v == NULL);
		} else {
			CHECK(want[f] == NULL);
		}
	}
	sw_intern_free(&text);
}
