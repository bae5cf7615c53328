/*
 * cmd_rubric.c - `stepwise rubric new NAME` writes a commented starter
 * rubric; `stepwise rubric check FILE.lua` loads a rubric, runs it on data
 * (the example class by default) and shows every error and the results.
 */
#define _GNU_SOURCE /* asprintf */
#include "cli.h"
#include "sharedir.h" /* SW_SHAREDIR, from PREFIX (build/gen) */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Writes NAME.lua from the starter (or, with --method or --default, a
   method per skill), never over an existing file. */
static int rubric_new(cli_opt *opts, const char *name)
{
	char path[PATH_MAX];
	size_t n = strlen(name);
	snprintf(path, sizeof path, "%s%s", name, n > 4 && !strcmp(name + n - 4, ".lua") ? "" : ".lua");
	struct stat st;
	if (stat(path, &st) == 0)
		return cli_error("rubric new: %s already exists; choose another name", path);
	bool methods = cli_get(opts, "--method") || cli_get(opts, "--default");
	size_t len = 0;
	char *made = methods ? cli_rubric_methods(opts, name, path, &len) : NULL;
	const char *text = methods ? made : sw_rubric_starter();
	if (!text)
		return EXIT_FATAL;
	len = methods ? len : strlen(text);
	FILE *f = fopen(path, "wx");
	if (!f) {
		cli_error("rubric new: cannot write %s: %s", path, strerror(errno));
		free(made);
		return EXIT_FATAL;
	}
	bool ok = fwrite(text, 1, len, f) == len;
	free(made);
	if (fclose(f) != 0 || !ok) {
		cli_error("rubric new: cannot write %s", path);
		unlink(path);
		return EXIT_FATAL;
	}
	printf("wrote %s: %s 'stepwise rubric check %s'\n", path,
	       methods ? "check it with" : "edit it, then run", path);
	return EXIT_OK;
}

/* Finds the example class beside the program (source tree) or installed. */
static bool example_class(char *pupils, char *evidence, size_t size)
{
	static const char *const ends[] = { "/../examples/class-5b", "/../../examples/class-5b", "" };
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	exe[n > 0 ? n : 0] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	for (int i = n > 0 ? 0 : 2; i < 3; i++) { /* beside the program, then installed */
		const char *dir = i < 2 ? exe : SW_SHAREDIR "/examples/class-5b";
		snprintf(pupils, size, "%s%s/pupils.csv", dir, ends[i]);
		snprintf(evidence, size, "%s%s/evidence.csv", dir, ends[i]);
		if (access(pupils, R_OK) == 0 && access(evidence, R_OK) == 0)
			return true;
	}
	return false;
}

/* Sets up the engine for `rubric check` and `rubric explain` (`cmd`): the
   rubric `file`, and the data, by default the example class. An exit code. */
static int rubric_setup(sw_engine **eng, cli_opt *opts, const char *file, cli_data *data,
                        const char *cmd)
{
	static char pupils[PATH_MAX + 128], evidence[PATH_MAX + 128]; /* one command a run */
	cli_opt *po = cli_find(opts, "--pupils"), *eo = cli_find(opts, "--evidence");
	bool check = strcmp(cmd, "check") == 0;
	if (!eo->value) {
		if (po->value)
			return cli_error(check ? "rubric check: --pupils needs --evidence too"
			                       : "rubric explain: give --pupils and --evidence");
		if (!example_class(pupils, evidence, sizeof pupils))
			return cli_error("rubric %s: %sgive --pupils and --evidence", cmd,
			                 check ? "the example class was not found; " : "");
		po->value = pupils;
		eo->value = evidence;
	}
	cli_find(opts, "--rubric")->value = file;
	return cli_setup(eng, opts, true, data);
}

#define NOTES_SHOWN 20 /* notes listed under the table */

/* What `rubric check` gathers while the pupils are evaluated. */
typedef struct check_state {
	sw_writer *w;
	cli_errs groups;
	uint64_t with_evidence; /* pupil-skills with at least one record */
	uint64_t steps;         /* pupil-skills given a step */
	uint64_t pupils_with_evidence;
	const sw_framework *fw;
	char *notes[NOTES_SHOWN]; /* "PUPIL SKILL: note", the first ones */
	size_t notes_kept;
	uint64_t notes_total;
} check_state;

/* Keeps a result for the table, its errors and what had a step. */
static int check_result(const sw_result *r, void *payload)
{
	check_state *cs = payload;
	cli_errs_add(&cs->groups, r);
	bool any = false;
	for (size_t k = 0; k < cs->groups.skills; k++) {
		int step;
		if (sw_result_evidence(r, k)) {
			cs->with_evidence++;
			any = true;
		}
		cs->steps += sw_result_has_step(&step, r, k) == 1;
		const char *note = sw_result_note(r, k);
		if (note && *note && cs->notes_total++ < NOTES_SHOWN &&
		    asprintf(&cs->notes[cs->notes_kept], "%s %s: %s", sw_result_pupil(r),
		             sw_skill_id(sw_framework_skill(cs->fw, k)), note) >= 0)
			cs->notes_kept++;
	}
	cs->pupils_with_evidence += any;
	return sw_writer_add(cs->w, r);
}

/* The warning for a rubric that gave no step although there was evidence;
   true when it was given. */
static bool warn_no_step(const check_state *cs, const sw_eval_stats *st)
{
	if (cs->steps || !cs->with_evidence || st->errors)
		return false;
	printf("\nwarning: the rubric gave no step at all, although %llu pupils had evidence in "
	       "%llu pupil-skills. Usual causes: skill() does not end with `return` and a step; "
	       "a comparison never matches (outcomes are \"secured\" and \"developing\", sources "
	       "are lower case, such as \"teacher\"); every record is filtered out (dates, "
	       "--as-of, sources).\n",
	       (unsigned long long)cs->pupils_with_evidence, (unsigned long long)cs->with_evidence);
	return true;
}

/* Counts and prints the examples of one rubric. */
typedef struct example_tally {
	const char *file;
	unsigned passed, failed;
} example_tally;

static void on_example(const char *line, int passed, void *payload)
{
	example_tally *t = payload;
	printf("%s: %s\n", t->file, line);
	t->passed += passed != 0;
	t->failed += !passed;
}

/* Runs the examples of the rubric loaded in eng (one that cannot run counts
   as failed). */
static void run_examples(sw_engine *eng, const char *file, example_tally *t)
{
	t->file = file;
	size_t n;
	if (sw_engine_rubric_examples(eng, on_example, t, &n) != SW_OK) {
		cli_print_errors(eng);
		t->failed++;
	} else if (n == 0) {
		printf("%s: no examples (add `examples = {...}`: see scripts/README.md)\n", file);
	}
}

static int rubric_check(cli_opt *opts, const char *file)
{
	sw_engine *eng;
	cli_data data;
	int rc = rubric_setup(&eng, opts, file, &data, "check");
	if (rc)
		return rc;
	printf("rubric '%s' loaded from %s", sw_engine_rubric_name(eng), file);
	const char *params = sw_engine_rubric_params(eng);
	if (params && *params)
		printf(" (%s)", params);
	printf("\n\n");
	check_state cs = { .fw = sw_engine_framework(eng) };
	if (sw_writer_new(&cs.w, eng, SW_OUTPUT_TABLE, stdout) != SW_OK) {
		sw_engine_free(eng);
		return EXIT_FATAL;
	}
	sw_eval_stats st;
	sw_eval_options evo = SW_EVAL_OPTIONS_INIT;
	evo.as_of = cli_get(opts, "--as-of");
	int er = sw_engine_evaluate(eng, &evo, check_result, &cs, &st);
	if (er == SW_EUSER)
		er = sw_engine_user_status(eng); /* sw_writer_add's status */
	if (er == SW_OK)
		er = sw_writer_finish(cs.w);
	sw_writer_free(cs.w);
	if (er == SW_OK && cs.notes_total) {
		printf("\nnotes (%llu in all%s):\n", (unsigned long long)cs.notes_total,
		       cs.notes_total > cs.notes_kept ? "; the first ones; evaluate --format jsonl has "
		                                        "every one" : "");
		for (size_t i = 0; i < cs.notes_kept; i++)
			printf("  %s\n", cs.notes[i]);
	}
	for (size_t i = 0; i < cs.notes_kept; i++)
		free(cs.notes[i]);
	fflush(stdout);
	cli_errs_print(&cs.groups, stderr, st.pupils);
	cli_errs_free(&cs.groups);
	if (er != SW_OK) {
		cli_print_errors(eng);
		sw_engine_free(eng);
		return EXIT_FATAL;
	}
	if (st.errors)
		printf("\n%llu errors in %llu of %llu pupils (see above)\n",
		       (unsigned long long)st.errors, (unsigned long long)st.pupils_with_errors,
		       (unsigned long long)st.pupils);
	else
		printf("\nno errors in %llu pupils\n", (unsigned long long)st.pupils);
	bool warned = warn_no_step(&cs, &st);
	cli_reconcile(&data);
	example_tally t = { NULL, 0, 0 };
	size_t n = 0;
	if (sw_engine_rubric_examples(eng, NULL, NULL, &n) == SW_OK && n) {
		printf("\nexamples:\n");
		run_examples(eng, file, &t);
		printf("%u passed, %u failed\n", t.passed, t.failed);
	}
	rc = st.errors || data.rejected || warned || t.failed ? EXIT_REJECTED : EXIT_OK;
	sw_engine_free(eng);
	return rc;
}

/* `rubric test FILE...`: each rubric's examples, then "N passed, N failed". */
static int rubric_test(cli_opt *opts, int nfiles, char **files)
{
	example_tally t = { NULL, 0, 0 };
	int rc = EXIT_OK;
	for (int i = 0; i < nfiles; i++) {
		sw_engine *eng;
		if (cli_engine(&eng, opts))
			return EXIT_FATAL;
		cli_find(opts, "--rubric")->value = files[i];
		if (cli_framework(eng, opts) || cli_rubric(eng, opts))
			rc = EXIT_FATAL;
		else
			run_examples(eng, files[i], &t);
		sw_engine_free(eng);
	}
	printf("%u passed, %u failed\n", t.passed, t.failed);
	return rc == EXIT_OK && t.failed ? EXIT_REJECTED : rc;
}

/* `rubric explain FILE --pupil ID [--skill S]`: why a pupil has the steps it has. */
static int rubric_explain(cli_opt *opts, const char *file)
{
	const char *pupil = cli_get(opts, "--pupil");
	if (!pupil)
		return cli_error("rubric explain: give the pupil: --pupil ID");
	sw_engine *eng;
	cli_data data;
	int rc = rubric_setup(&eng, opts, file, &data, "explain");
	if (rc)
		return rc;
	sw_eval_options evo = SW_EVAL_OPTIONS_INIT;
	evo.as_of = cli_get(opts, "--as-of");
	fflush(stdout);
	if (sw_engine_explain_pupil(eng, stdout, pupil, cli_get(opts, "--skill"), &evo) != SW_OK)
		rc = cli_print_errors(eng);
	sw_engine_free(eng);
	return rc;
}

static int run_rubric(cli_opt *opts, int npos, char **pos)
{
	if (strcmp(pos[0], "explain") == 0 && npos == 2)
		return rubric_explain(opts, pos[1]);
	if (strcmp(pos[0], "test") == 0 && npos >= 2)
		return rubric_test(opts, npos - 1, pos + 1);
	if (strcmp(pos[0], "new") == 0 && npos == 2)
		return rubric_new(opts, pos[1]);
	if (strcmp(pos[0], "check") == 0 && npos == 2)
		return rubric_check(opts, pos[1]);
	return cli_error("rubric: use 'stepwise rubric new NAME', 'stepwise rubric check FILE.lua', "
	                 "'stepwise rubric test FILE.lua...' or 'stepwise rubric explain FILE.lua "
	                 "--pupil ID'");
}

static const cli_opt rubric_opts[] = {
	CLI_MANY("--method", "SKILL=METHOD[:K=V,...]"),
	CLI_OPT("--default", "METHOD[:K=V,...]"),
	CLI_OPT("--as-of", "DATE"),
	CLI_OPT("--pupil", "ID"),
	CLI_OPT("--skill", "SKILL"),
	CLI_OPT("--rubric", NULL), /* set by check itself */
	CLI_OPT("--rejects", NULL),
	{ 0 }
};

const cli_cmd cli_rubric_cmd = {
	"rubric", "Write a starter rubric, or check a rubric on data and show its results.",
	"stepwise rubric new NAME [--method SKILL=METHOD[:K=V,...]]... [--default METHOD]\n"
	"       stepwise rubric check FILE.lua [--framework F] [--pupils P --evidence E]\n"
	"                             [--param K=V]... [--as-of DATE]\n"
	"       stepwise rubric test FILE.lua... [--framework F]\n"
	"       stepwise rubric explain FILE.lua --pupil ID [--skill S] [--pupils P --evidence E]\n"
	"                             [--as-of DATE] [--param K=V]...\n\n"
	"  new NAME     write NAME.lua, a commented copy of the 'highest' rubric; with\n"
	"               --method/--default, a built-in method per skill, for example\n"
	"               --method listening=secured-n:times=2 --default highest\n"
	"               (sources=teacher+self for several sources)\n"
	"  check FILE   load the rubric, run it on the data (default: the example class\n"
	"               examples/class-5b) and show load errors with their line, every\n"
	"               evaluation error, and a table of the results; then its examples\n"
	"  test FILE... run each rubric's worked examples (`examples = {...}`): one line\n"
	"               per example, then 'N passed, N failed'; exit 0 only when all pass\n"
	"  explain FILE for one pupil, each skill's records as the rubric saw them, the\n"
	"               step and note it returned, then flags, awards and errors\n"
	"  --isolate, --no-isolate  check and explain: evaluate in worker processes, or\n"
	"               not (default: isolated when the rubric runs as Lua; see\n"
	"               'stepwise evaluate --help'); test runs the examples in this process",
	run_rubric, rubric_opts, 1, -1, CLI_RUBRIC | CLI_DATA | CLI_LIMITS
};
