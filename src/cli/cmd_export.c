/*
 * cmd_export.c - `stepwise export case`: a framework file as a 1EdTech CASE
 * CFPackage (JSON), CASE 1.0 by default.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static int run_export(cli_opt *opts, int npos, char **pos)
{
	(void)npos;
	if (strcmp(pos[0], "case") != 0)
		return cli_error("export: unknown format '%s' (case)", pos[0]);
	sw_case_export_options eo = SW_CASE_EXPORT_OPTIONS_INIT;
	const char *v = cli_get(opts, "--case-version");
	if (v && strcmp(v, "1.0") != 0 && strcmp(v, "1.1") != 0)
		return cli_error("export: --case-version must be 1.0 or 1.1, not '%s'", v);
	eo.case_version = v && strcmp(v, "1.1") == 0 ? SW_CASE_1_1 : SW_CASE_1_0;
	if (cli_out_check(cli_get(opts, "-o")))
		return EXIT_FATAL; /* a folder, refused before any work */
	eo.timestamp = cli_get(opts, "--timestamp");
	eo.on_notice = cli_print_notice;
	sw_engine *eng;
	int rc = cli_engine(&eng, opts);
	if (rc)
		return rc;
	char *json;
	size_t len;
	sw_case_export_stats st;
	rc = sw_case_export(&json, &len, eng, pos[1], &eo, &st);
	if (!(rc = cli_write_made(eng, rc, &json, &len, cli_get(opts, "-o"))))
		fprintf(stderr, "%s: CASE %s package: 1 document, %zu items, %zu associations\n",
		        pos[1], eo.case_version == SW_CASE_1_1 ? "1.1" : "1.0", st.items,
		        st.associations);
	sw_engine_free(eng);
	return rc;
}

static const cli_opt export_opts[] = {
	CLI_OPT("--case-version", "VERSION"),
	CLI_OPT("--timestamp", "DATETIME"),
	{ 0 }
};

const cli_cmd cli_export = {
	"export", "Write a framework as a 1EdTech CASE package (JSON CFPackage).",
	"stepwise export case FRAMEWORK.json [-o PACKAGE.json] [--case-version 1.0|1.1]\n"
	"                     [--timestamp DATETIME]\n\n"
	"  -o FILE          where to write (default: standard output); written to\n"
	"                   FILE.tmp and renamed into place when complete\n"
	"  --case-version   1.0 (default: what every CASE consumer reads) or 1.1, which\n"
	"                   adds caseVersion and extensions keeping stages, expectations,\n"
	"                   aliases and the framework id\n"
	"  --timestamp T    lastChangeDateTime of everything, as 2026-01-31T12:00:00Z\n"
	"                   (default: the framework's x-case one, else\n"
	"                   " SW_CASE_DEFAULT_TIMESTAMP "; never the current time, so\n"
	"                   exporting twice gives the same file)\n\n"
	"Identifiers are the framework's x-case ones where it has them (a framework\n"
	"imported from CASE), else name-based UUIDs from the framework id and the\n"
	"item's place, the same on every export.",
	run_export, export_opts, 2, 2, CLI_OUT
};
