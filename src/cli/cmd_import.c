/*
 * cmd_import.c - `stepwise import case` (a CASE CFPackage to a framework),
 * `stepwise import oneroster` (a OneRoster 1.1 CSV export to a roster) and
 * `stepwise export case` (a framework file as a 1EdTech CASE CFPackage, JSON,
 * CASE 1.0 by default).
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

/* Prints an importer's or exporter's notice on stderr (an sw_notice_fn):
   "FILE:LINE: MESSAGE", "FILE: PATH: MESSAGE" or "FILE: MESSAGE". */
static void print_notice(const sw_notice *n, void *payload)
{
	(void)payload;
	if (n->line)
		fprintf(stderr, "%s:%llu: %s\n", n->file, (unsigned long long)n->line, n->message);
	else if (n->path)
		fprintf(stderr, "%s: %s: %s\n", n->file, n->path, n->message);
	else
		fprintf(stderr, "%s: %s\n", n->file, n->message);
}

/* With st SW_OK, writes the text an importer or exporter made (cli_write_file)
   and frees it; else prints the engine's errors. An exit code. */
static int write_made(sw_engine *eng, int st, char **text, const size_t *len, const char *path)
{
	if (st != SW_OK)
		return cli_print_errors(eng);
	int rc = cli_write_file(path, *text, *len);
	sw_string_free(eng, *text);
	return rc;
}

/* `import case PACKAGE.json`. */
static int import_case(sw_engine *eng, const char *package, cli_opt *opts)
{
	static const char *const names[] = { "skill,step", "step", "group,skill,step" };
	sw_case_import_options io = SW_CASE_IMPORT_OPTIONS_INIT; /* levels: AUTO */
	const char *levels = cli_get(opts, "--levels");
	for (int i = 0; levels && i < 3; i++) /* SW_CASE_LEVELS_SKILL_STEP ... _GROUP_SKILL_STEP */
		if (strcmp(levels, names[i]) == 0)
			io.levels = i;
	if (levels && io.levels == SW_CASE_LEVELS_AUTO)
		return cli_error("import: --levels must be step, skill,step or group,skill,step, "
		                 "not '%s'", levels);
	io.id = cli_get(opts, "--id");
	io.on_notice = print_notice;
	char *json;
	size_t len;
	sw_case_import_stats st;
	int rc = sw_case_import(&json, &len, eng, package, &io, &st);
	if ((rc = write_made(eng, rc, &json, &len, cli_get(opts, "-o"))))
		return rc;
	fprintf(stderr, "%s: %zu items, %zu imported (%zu groups, %zu skills, %zu steps), "
	        "%zu not imported\n", package, st.items, st.imported, st.groups, st.skills,
	        st.steps, st.not_imported);
	return st.not_imported ? EXIT_REJECTED : EXIT_OK;
}

/* `import oneroster DIR`. */
static int import_oneroster(sw_engine *eng, const char *dir, cli_opt *opts)
{
	if (cli_get(opts, "--levels") || cli_get(opts, "--id"))
		return cli_error("import: --levels and --id are for 'import case'");
	sw_oneroster_options oo = SW_ONEROSTER_OPTIONS_INIT;
	oo.on_notice = print_notice;
	char *csv;
	size_t len;
	sw_oneroster_stats st;
	const char *out = cli_get(opts, "-o");
	int rc = sw_oneroster_import(&csv, &len, eng, dir, &oo, &st);
	if ((rc = write_made(eng, rc, &csv, &len, out)))
		return rc;
	static const char *const names[] = { "users.csv", "enrollments.csv", "classes.csv", "orgs.csv" };
	const sw_oneroster_file_stats *files[] = { &st.users, &st.enrollments, &st.classes, &st.orgs };
	size_t n = strlen(dir);
	uint64_t rejected = 0;
	for (int i = 0; i < 4; i++) { /* the reconciliation of each file */
		const sw_oneroster_file_stats *s = files[i];
		fprintf(stderr, "%s%s%s: %llu rows, %llu accepted, %llu rejected, %llu skipped\n", dir,
		        n && dir[n - 1] == '/' ? "" : "/", names[i], (unsigned long long)s->rows,
		        (unsigned long long)s->accepted, (unsigned long long)s->rejected,
		        (unsigned long long)s->skipped);
		rejected += s->rejected;
	}
	fprintf(stderr, "%s: %llu pupils\n", out && strcmp(out, "-") ? out : "(standard output)",
	        (unsigned long long)st.pupils);
	return rejected ? EXIT_REJECTED : EXIT_OK;
}

/* `export case FRAMEWORK.json`. */
static int export_case(sw_engine *eng, const char *framework, cli_opt *opts)
{
	sw_case_export_options eo = SW_CASE_EXPORT_OPTIONS_INIT;
	const char *v = cli_get(opts, "--case-version");
	if (v && strcmp(v, "1.0") != 0 && strcmp(v, "1.1") != 0)
		return cli_error("export: --case-version must be 1.0 or 1.1, not '%s'", v);
	eo.case_version = v && strcmp(v, "1.1") == 0 ? SW_CASE_1_1 : SW_CASE_1_0;
	eo.timestamp = cli_get(opts, "--timestamp");
	eo.on_notice = print_notice;
	char *json;
	size_t len;
	sw_case_export_stats st;
	int rc = sw_case_export(&json, &len, eng, framework, &eo, &st);
	if (!(rc = write_made(eng, rc, &json, &len, cli_get(opts, "-o"))))
		fprintf(stderr, "%s: CASE %s package: 1 document, %zu items, %zu associations\n",
		        framework, eo.case_version == SW_CASE_1_1 ? "1.1" : "1.0", st.items,
		        st.associations);
	return rc;
}

/* Runs an import or export of file, -o checked, on an engine of its own. */
static int with_engine(int (*fn)(sw_engine *, const char *, cli_opt *), const char *file,
                       cli_opt *opts)
{
	if (cli_out_check(cli_get(opts, "-o")))
		return EXIT_FATAL; /* a folder, refused before any work */
	sw_engine *eng;
	int rc = cli_engine(&eng, opts);
	if (rc)
		return rc;
	rc = fn(eng, file, opts);
	sw_engine_free(eng);
	return rc;
}

static int run_import(cli_opt *opts, int npos, char **pos)
{
	(void)npos;
	if (strcmp(pos[0], "case") == 0)
		return with_engine(import_case, pos[1], opts);
	if (strcmp(pos[0], "oneroster") == 0)
		return with_engine(import_oneroster, pos[1], opts);
	return cli_error("import: unknown format '%s' (case or oneroster)", pos[0]);
}

static int run_export(cli_opt *opts, int npos, char **pos)
{
	(void)npos;
	if (strcmp(pos[0], "case") != 0)
		return cli_error("export: unknown format '%s' (case)", pos[0]);
	return with_engine(export_case, pos[1], opts);
}

static const cli_opt import_opts[] = {
	CLI_OPT("--levels", "LEVELS"),
	CLI_OPT("--id", "ID"),
	{ 0 }
};

const cli_cmd cli_import = {
	"import", "Make a framework of a CASE package, or a roster of a OneRoster CSV export.",
	"stepwise import case PACKAGE.json [-o FRAMEWORK.json] [--levels LEVELS] [--id ID]\n"
	"       stepwise import oneroster DIR [-o pupils.csv]\n\n"
	"  case       a 1EdTech CASE CFPackage (JSON, CASE 1.0 or 1.1): the tree of its\n"
	"             isChildOf associations becomes skills and steps; items that do not\n"
	"             fit the levels are reported and left out (exit 2)\n"
	"  --levels   what the tree's levels become, from the document down:\n"
	"             skill,step, step (the document is one skill) or\n"
	"             group,skill,step; by default chosen from the item types of a\n"
	"             package Stepwise exported, else from the depth of the tree\n"
	"             (3 levels: group,skill,step; 1: step; else skill,step)\n"
	"  --id ID    the framework's id (default: made from the document's title)\n"
	"  oneroster  a OneRoster 1.1 CSV folder (users.csv, enrollments.csv, classes.csv,\n"
	"             orgs.csv): a roster id,name,year,class,school of the students;\n"
	"             rows skipped (status tobedeleted) or rejected are reported with\n"
	"             file and line (exit 2 when any was rejected)\n"
	"  -o FILE    where to write (default: standard output); written to FILE.tmp\n"
	"             and renamed into place when complete",
	run_import, import_opts, 2, 2, CLI_OUT
};

static const cli_opt export_opts[] = { CLI_OPT("--case-version", "VERSION"),
	                               CLI_OPT("--timestamp", "DATETIME"), { 0 } };

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
