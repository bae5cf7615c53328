/*
 * cmd_import.c - `stepwise import case` (a CASE CFPackage to a framework)
 * and `stepwise import oneroster` (a OneRoster 1.1 CSV export to a roster).
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

/* `import case PACKAGE.json`. */
static int import_case(sw_engine *eng, const char *package, cli_opt *opts)
{
	sw_case_import_options io = SW_CASE_IMPORT_OPTIONS_INIT;
	const char *levels = cli_get(opts, "--levels");
	if (!levels) {
		io.levels = SW_CASE_LEVELS_AUTO;
	} else if (strcmp(levels, "skill,step") == 0) {
		io.levels = SW_CASE_LEVELS_SKILL_STEP;
	} else if (strcmp(levels, "step") == 0) {
		io.levels = SW_CASE_LEVELS_STEP;
	} else if (strcmp(levels, "group,skill,step") == 0) {
		io.levels = SW_CASE_LEVELS_GROUP_SKILL_STEP;
	} else {
		return cli_error("import: --levels must be step, skill,step or group,skill,step, "
		                 "not '%s'", levels);
	}
	io.id = cli_get(opts, "--id");
	io.on_notice = cli_print_notice;
	char *json;
	size_t len;
	sw_case_import_stats st;
	int rc = sw_case_import(&json, &len, eng, package, &io, &st);
	if ((rc = cli_write_made(eng, rc, &json, &len, cli_get(opts, "-o"))))
		return rc;
	fprintf(stderr, "%s: %zu items, %zu imported (%zu groups, %zu skills, %zu steps), "
	        "%zu not imported\n", package, st.items, st.imported, st.groups, st.skills,
	        st.steps, st.not_imported);
	return st.not_imported ? EXIT_REJECTED : EXIT_OK;
}

/* Prints the reconciliation of one OneRoster file. */
static void reconcile(const char *dir, const char *name, const sw_oneroster_file_stats *s)
{
	size_t n = strlen(dir);
	fprintf(stderr, "%s%s%s: %llu rows, %llu accepted, %llu rejected, %llu skipped\n", dir,
	        n && dir[n - 1] == '/' ? "" : "/", name, (unsigned long long)s->rows,
	        (unsigned long long)s->accepted, (unsigned long long)s->rejected,
	        (unsigned long long)s->skipped);
}

/* `import oneroster DIR`. */
static int import_oneroster(sw_engine *eng, const char *dir, cli_opt *opts)
{
	if (cli_get(opts, "--levels") || cli_get(opts, "--id"))
		return cli_error("import: --levels and --id are for 'import case'");
	sw_oneroster_options oo = SW_ONEROSTER_OPTIONS_INIT;
	oo.on_notice = cli_print_notice;
	char *csv;
	size_t len;
	sw_oneroster_stats st;
	const char *out = cli_get(opts, "-o");
	int rc = sw_oneroster_import(&csv, &len, eng, dir, &oo, &st);
	if ((rc = cli_write_made(eng, rc, &csv, &len, out)))
		return rc;
	reconcile(dir, "users.csv", &st.users);
	reconcile(dir, "enrollments.csv", &st.enrollments);
	reconcile(dir, "classes.csv", &st.classes);
	reconcile(dir, "orgs.csv", &st.orgs);
	fprintf(stderr, "%s: %llu pupils\n", out && strcmp(out, "-") ? out : "(standard output)",
	        (unsigned long long)st.pupils);
	uint64_t rejected = st.users.rejected + st.enrollments.rejected + st.classes.rejected +
	                    st.orgs.rejected;
	return rejected ? EXIT_REJECTED : EXIT_OK;
}

static int run_import(cli_opt *opts, int npos, char **pos)
{
	(void)npos;
	if (cli_out_check(cli_get(opts, "-o")))
		return EXIT_FATAL; /* a folder, refused before any work */
	sw_engine *eng;
	int rc = cli_engine(&eng, opts);
	if (rc)
		return rc;
	if (strcmp(pos[0], "case") == 0) {
		rc = import_case(eng, pos[1], opts);
	} else if (strcmp(pos[0], "oneroster") == 0) {
		rc = import_oneroster(eng, pos[1], opts);
	} else {
		rc = cli_error("import: unknown format '%s' (case or oneroster)", pos[0]);
	}
	sw_engine_free(eng);
	return rc;
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
