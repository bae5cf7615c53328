/*
 * cmd_passport.c - `stepwise passport`: one pupil's skills report for the
 * family, as HTML, to a file; or, with -o DIR/, a page per pupil of a
 * class, of schools, of the whole roster or of the pupils named.
 */
#define _GNU_SOURCE /* asprintf */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* What a passport run needs in its callbacks. */
typedef struct passport_run {
	err_state errs;
	const char *dir;          /* the output folder, with a trailing '/' */
	const char *class_name;   /* selection: --class */
	const char **schools;     /* --school names */
	int nschools;
	bool all;
	sw_passport_options po;
	sw_engine *eng;
	char **ids;               /* with --from: the pupils selected, written afterwards */
	size_t nids, cap;
	size_t written, empty;
	int rc;
} passport_run;

/* True when a pupil's result matches --class/--school/--all. */
static bool passport_selected(const passport_run *run, const sw_result *r)
{
	const char *cls = sw_result_class(r), *school = sw_result_school(r);
	if (run->class_name && (!cls || strcmp(cls, run->class_name) != 0))
		return false;
	bool in = !run->nschools; /* in one of the --school schools, when given */
	for (int i = 0; i < run->nschools && !in; i++)
		in = school && strcmp(school, run->schools[i]) == 0;
	return in && (run->all || run->class_name || run->nschools);
}

/* DIR/ID.html, with bytes other than letters, digits, '-', '_' and '.' (and a
   leading '.') written as _XX, so that any id gives one safe file name. */
static char *passport_path(const char *dir, const char *id)
{
	size_t n = strlen(dir), m = strlen(id);
	char *p = malloc(n + m * 3 + 8);
	if (!p)
		return NULL;
	memcpy(p, dir, n);
	for (size_t i = 0; i < m; i++) {
		unsigned char ch = (unsigned char)id[i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		          (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || (ch == '.' && i);
		if (ok && ch != '_')
			p[n++] = (char)ch;
		else
			n += (size_t)sprintf(p + n, "_%02X", ch);
	}
	memcpy(p + n, ".html", 6);
	return p;
}

/* Counts a result's evidence records (a pupil with none gets a plain page). */
static size_t result_records(const sw_result *r)
{
	size_t n = 0;
	for (size_t k = 0; k < sw_result_skill_count(r); k++)
		n += sw_result_evidence(r, k);
	return n;
}

/* Writes one pupil's page into the folder (from a result, or by evaluating). */
static void passport_one(passport_run *run, const char *id, const sw_result *now)
{
	char *path = passport_path(run->dir, id);
	cli_out out;
	if (!path || cli_out_open(&out, path)) {
		run->rc = path ? EXIT_FATAL : cli_error("out of memory");
		free(path);
		return;
	}
	int st = now ? sw_passport_write_result(out.f, run->eng, now, NULL, &run->po)
	             : sw_passport_write(out.f, run->eng, id, &run->po, NULL);
	if (now && st == SW_OK && !result_records(now)) {
		fprintf(stderr, "passport: %s has no evidence yet; the passport says so\n", id);
		run->empty++;
	}
	if (st != SW_OK)
		run->rc = now ? cli_error("cannot write %s", path) : cli_print_errors(run->eng);
	else
		run->written++;
	if (cli_out_close(&out, st == SW_OK) != EXIT_OK)
		run->rc = EXIT_FATAL;
	free(path);
}

/* The sw_result_fn of a folder run: writes (or, with --from, remembers) each selected pupil. */
static int passport_each(const sw_result *r, void *payload)
{
	passport_run *run = payload;
	report_on_result(r, &run->errs);
	if (!passport_selected(run, r))
		return 0;
	if (!run->po.from) {
		passport_one(run, sw_result_pupil(r), r);
		return 0;
	}
	if (run->nids == run->cap) {
		size_t cap = run->cap ? run->cap * 2 : 64;
		char **ids = realloc(run->ids, cap * sizeof *ids);
		if (!ids)
			return 1;
		run->ids = ids, run->cap = cap;
	}
	if (!(run->ids[run->nids] = strdup(sw_result_pupil(r))))
		return 1;
	run->nids++;
	return 0;
}

/* The passport callback of a single page: counts errors and the pupil's records. */
static int passport_single(const sw_result *r, void *payload)
{
	passport_run *run = payload;
	if (!run->written++) /* the first result is the pupil now */
		run->empty = result_records(r) == 0;
	return report_on_result(r, &run->errs);
}

/* Writes a page per selected pupil into the folder `out`. */
static int passport_folder(passport_run *run, const char *out, cli_opt *pupil_opt)
{
	char *dir; /* out, with a trailing '/' */
	if (asprintf(&dir, "%s%s", out, out[strlen(out) - 1] == '/' ? "" : "/") < 0)
		return cli_error("out of memory");
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		cli_error("cannot make the folder %s: %s", dir, strerror(errno));
		free(dir);
		return EXIT_FATAL;
	}
	run->dir = dir;
	if (pupil_opt && pupil_opt->count) {
		for (int i = 0; i < pupil_opt->count; i++)
			passport_one(run, pupil_opt->many[i], NULL);
	} else {
		sw_eval_options eo = SW_EVAL_OPTIONS_INIT;
		eo.as_of = run->po.as_of;
		if (sw_engine_evaluate(run->eng, &eo, passport_each, run, NULL) != SW_OK)
			run->rc = cli_print_errors(run->eng);
		for (size_t i = 0; i < run->nids; i++) {
			if (run->rc == EXIT_OK)
				passport_one(run, run->ids[i], NULL);
			free(run->ids[i]);
		}
		free(run->ids);
	}
	fprintf(stderr, "passport: %zu pages written to %s\n", run->written, dir);
	free(dir);
	return run->rc;
}

static int run_passport(cli_opt *opts, int npos, char **pos)
{
	(void)npos, (void)pos;
	cli_opt *pupil_opt = cli_find(opts, "--pupil"), *school_opt = cli_find(opts, "--school");
	int npupils = pupil_opt->count;
	passport_run run = { .class_name = cli_get(opts, "--class"), .schools = school_opt->many,
		             .nschools = school_opt->count, .all = cli_get(opts, "--all") != NULL };
	const char *out = cli_get(opts, "-o");
	int kinds = (npupils > 0) + (run.class_name || run.nschools) + run.all;
	if (kinds != 1)
		return cli_error("passport: choose the pupils with one of --pupil ID..., --class C "
		                 "(and/or --school S) or --all");
	size_t outlen = out ? strlen(out) : 0; /* -o names a folder: ends in '/' or is one */
	struct stat ost;
	bool folder = outlen && (out[outlen - 1] == '/' ||
	                         (stat(out, &ost) == 0 && S_ISDIR(ost.st_mode)));
	if (!folder && (npupils != 1 || !pupil_opt->many[0][0]))
		return cli_error("passport: pages for several pupils go in a folder: -o DIR/");
	sw_engine *eng;
	cli_data data;
	int rc = report_setup(&eng, opts, &data, folder);
	if (rc)
		return rc;
	run.eng = eng;
	sw_passport_options po = SW_PASSPORT_OPTIONS_INIT;
	po.as_of = cli_get(opts, "--as-of");
	po.from = cli_get(opts, "--from");
	po.on_result = folder ? report_on_result : passport_single;
	po.payload = folder ? (void *)&run.errs : (void *)&run;
	run.po = po;
	if (folder) {
		rc = passport_folder(&run, out, pupil_opt);
	} else {
		cli_out o;
		if ((rc = cli_out_open(&o, out))) {
			sw_engine_free(eng);
			return rc;
		}
		if (sw_passport_write(o.f, eng, pupil_opt->many[0], &po, NULL) != SW_OK) {
			rc = cli_print_errors(eng);
		} else if (run.empty) {
			fprintf(stderr, "passport: %s has no evidence yet; the passport says so\n",
			        pupil_opt->many[0]);
		}
		if (cli_out_close(&o, rc == EXIT_OK) != EXIT_OK)
			rc = EXIT_FATAL;
	}
	return cli_finish(eng, &data, rc, run.errs.total);
}

static const cli_opt passport_opts[] = {
	CLI_MANY("--pupil", "ID"),
	CLI_OPT("--class", "CLASS"),
	CLI_MANY("--school", "NAME"),
	CLI_OPT("--all", NULL),
	CLI_OPT("--from", "YYYY-MM-DD"),
	{ 0 }
};

const cli_cmd cli_passport = {
	"passport", "One pupil's skills report for the family, as an HTML page.",
	"stepwise passport --pupil ID [--framework F] [--rubric R] [--param K=V]... --pupils P\n"
	"                  --evidence E [--as-of DATE] [--from DATE] [-o FILE.html]\n"
	"stepwise passport --pupil ID... | --class C | --school S... | --all ... -o DIR/\n\n"
	COMMON_HELP
	"  --pupil ID        the pupil (repeatable with -o DIR/)\n"
	"  --class C, --school S, --all: every pupil of a class, of schools, or all, with\n"
	"                    -o DIR/: a page per pupil, DIR/ID.html\n"
	"  --as-of DATE      the current assessment point (default: all evidence)\n"
	"  --from DATE       the previous assessment point, to show progress since then",
	run_passport, passport_opts, 0, 0, CLI_ALL
};
