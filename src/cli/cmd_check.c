/*
 * cmd_check.c - `stepwise check`: loads a framework, roster and evidence,
 * and prints the records and pupils per skill and the reconciliation.
 */
#include "cli.h"

#include <stdio.h>

static int run_check(cli_opt *opts, int npos, char **pos)
{
	(void)npos;
	(void)pos;
	sw_engine *eng;
	cli_data data;
	int rc = cli_setup(&eng, opts, false, &data);
	if (rc)
		return rc;
	const sw_framework *fw = sw_engine_framework(eng);
	size_t n = sw_framework_skill_count(fw), w = 5;
	for (size_t i = 0; i < n; i++) {
		size_t sw = sw_text_width(sw_skill_id(sw_framework_skill(fw, i)));
		if (sw > w)
			w = sw;
	}
	printf("%s%*s  %8s  %7s\n", "skill", (int)(w - 5), "", "evidence", "pupils");
	for (size_t i = 0; i < n; i++) {
		size_t pupils;
		size_t recs = sw_engine_skill_evidence_count(eng, i, &pupils);
		const char *id = sw_skill_id(sw_framework_skill(fw, i));
		printf("%s%*s  %8zu  %7zu\n", id, (int)(w - sw_text_width(id)), "", recs, pupils);
	}
	printf("%zu pupils, %zu evidence records\n", sw_engine_pupil_count(eng),
	       sw_engine_evidence_count(eng));
	return cli_finish(eng, &data, EXIT_OK, 0);
}

static const cli_opt check_opts[] = { CLI_OPT("--framework", "FILE"), { 0 } };

const cli_cmd cli_check = {
	"check", "Load a roster and evidence, report every rejected row, and count evidence per skill.",
	"stepwise check [--framework F] [--pupils P] --evidence E [--rejects R]\n"
	"               [--date-format iso|dmy]\n\n"
	"  --framework F  framework file or bundled name (default: skills-builder-v2)\n"
	"  --pupils P     roster, CSV or JSON Lines (.jsonl/.ndjson)\n"
	"  --evidence E   evidence, CSV or JSON Lines\n"
	"  --rejects R    write rejected evidence rows to R, rejected roster rows to\n"
	"                 R with '.pupils' before the extension, each with its reason\n"
	"  --date-format dmy  evidence dates may be day first, 13/02/2026 or 3/2/2026\n"
	"                 (YYYY-MM-DD is always read)",
	run_check, check_opts, 0, 0, CLI_DATA | CLI_DATES
};
