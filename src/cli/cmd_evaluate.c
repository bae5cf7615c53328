/*
 * cmd_evaluate.c - `stepwise evaluate`: framework, rubric, roster and
 * evidence in; a step per pupil and skill out, as CSV, JSON Lines or a table.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct eval_state {
	sw_writer *w;
	uint64_t done, total;
	cli_errs groups;
	int write_errno; /* why writing the output first failed */
	bool progress, drawn;
	time_t start;
} eval_state;

/* Writes one pupil's result and reports its rubric errors. */
static int on_result(const sw_result *r, void *payload)
{
	eval_state *st = payload;
	/* grouped, and printed once the run is over (errgroup.c) */
	cli_errs_add(&st->groups, r);
	st->done++;
	if (st->progress && st->total && (st->done & 1023) == 0 && time(NULL) - st->start >= 1) {
		fprintf(stderr, "\r\033[Kevaluated %llu of %llu pupils (%.0f%%)",
		        (unsigned long long)st->done, (unsigned long long)st->total,
		        100.0 * (double)st->done / (double)st->total);
		st->drawn = true;
	}
	int rc = sw_writer_add(st->w, r);
	if (rc == SW_EIO && !st->write_errno)
		st->write_errno = errno;
	return rc;
}

/* The output format from --format (any the library writes), the output's
   name, or the terminal; 0 when unknown. */
static sw_output_format pick_format(const char *fmt, const char *out)
{
	static const cli_format ends[] = { { "jsonl", { ".jsonl", ".ndjson" }, SW_OUTPUT_JSONL },
		                           { "table", { ".txt" }, SW_OUTPUT_TABLE }, { 0 } };
	sw_output_format named;
	if (fmt)
		return sw_output_format_find(&named, fmt) == SW_OK ? named : 0;
	return cli_format_pick(ends, NULL, out, SW_OUTPUT_CSV,
	                       isatty(STDOUT_FILENO) ? SW_OUTPUT_TABLE : SW_OUTPUT_CSV);
}

static int run_evaluate(cli_opt *opts, int npos, char **pos)
{
	(void)npos;
	(void)pos;
	const char *outpath = cli_get(opts, "-o");
	sw_output_format format = pick_format(cli_get(opts, "--format"), outpath);
	if (!format)
		return cli_error("evaluate: --format must be csv, jsonl or table");
	if (cli_out_check(outpath))
		return EXIT_FATAL; /* a folder, refused before any work */
	bool sorted = cli_get(opts, "--sorted") != NULL;
	sw_eval_options eo = SW_EVAL_OPTIONS_INIT;
	eo.as_of = cli_get(opts, "--as-of");
	/* --isolate and --no-isolate: the engine's mode (cli_engine) */
	sw_engine *eng;
	cli_data data;
	/* framework and rubric first: a mistake there is found before any data is read */
	int rc = cli_jobs(&eo.jobs, opts);
	if (rc || (rc = cli_setup(&eng, opts, true, sorted ? NULL : &data)))
		return rc;
	cli_out out = { 0 };
	eval_state st = { .progress = !cli_get(opts, "--quiet") && isatty(STDERR_FILENO),
		          .start = time(NULL) };
	sw_eval_stats es;
	cli_stream stream = { &eo, on_result, &st, &es };
	if ((rc = cli_out_open(&out, outpath)))
		goto done;
	if (sw_writer_new(&st.w, eng, format, out.f) != SW_OK) {
		rc = cli_error("out of memory");
		goto done;
	}
	int er;
	if (sorted) {
		er = cli_load(eng, opts, &data, &stream);
		if (er == EXIT_FATAL) /* the output failed, or an error already reported */
			er = st.write_errno ? SW_EIO : SW_ERROR;
	} else {
		st.total = sw_engine_pupil_count(eng);
		er = sw_engine_evaluate(eng, &eo, on_result, &st, &es);
		if (er == SW_EUSER)
			er = sw_engine_user_status(eng); /* what on_result returned */
		if (er != SW_OK && er != SW_EIO)
			cli_print_errors(eng);
	}
	if (st.drawn)
		fputs("\r\033[K", stderr);
	if (er == SW_OK) {
		er = sw_writer_finish(st.w);
		if (er == SW_EIO)
			st.write_errno = errno;
	}
	if (er == SW_EIO)
		cli_error("cannot write %s: %s", out.path ? out.path : "the output",
		          strerror(st.write_errno ? st.write_errno : EIO));
	rc = er == SW_OK ? EXIT_OK : EXIT_FATAL;
	cli_errs_print(&st.groups, stderr, st.done);
	cli_reconcile(&data);
	if (rc == EXIT_OK && (data.rejected || st.groups.total))
		rc = EXIT_REJECTED;
done:
	cli_errs_free(&st.groups);
	sw_writer_free(st.w);
	if (out.f && cli_out_close(&out, rc != EXIT_FATAL) != EXIT_OK)
		rc = EXIT_FATAL;
	sw_engine_free(eng);
	return rc;
}

static const cli_opt evaluate_opts[] = {
	CLI_OPT("--format", "csv|jsonl|table"),
	CLI_OPT("--jobs", "N"),
	CLI_OPT("--sorted", NULL),
	CLI_OPT("--quiet", NULL),
	{ 0 }
};

const cli_cmd cli_evaluate = {
	"evaluate", "Turn evidence into a step per pupil and skill with a rubric.",
	"stepwise evaluate [--framework F] [--rubric R] [--param K=V]... [--pupils P]\n"
	"                  --evidence E [--as-of DATE] [--format csv|jsonl|table] [-o OUT]\n"
	"                  [--rejects FILE] [--date-format iso|dmy] [--jobs N] [--sorted]\n"
	"                  [--quiet] [--isolate|--no-isolate]\n"
	"                  [--max-instructions N] [--max-memory MiB]\n"
	"                  [--pattern-limit BYTES]\n\n"
	"  --framework F     framework file or bundled name (default: skills-builder-v2)\n"
	"  --rubric R        built-in rubric name (highest, latest, secured-n, average,\n"
	"                    decaying-average) or a .lua file (default: highest)\n"
	"  --param K=V       set a rubric parameter (repeatable)\n"
	"  --pupils P        roster (CSV or JSON Lines); without it, pupils come from the evidence\n"
	"  --evidence E      evidence (CSV or JSON Lines)\n"
	"  --as-of DATE      count only evidence dated on or before DATE\n"
	"  --format F        csv (default off a terminal), jsonl, or table (default on a terminal)\n"
	"  -o OUT            write to OUT (via OUT.tmp, renamed when complete)\n"
	"  --rejects FILE    keep rejected rows with their reasons (see 'stepwise check --help')\n"
	"  --date-format dmy evidence dates may be day first, 13/02/2026 or 3/2/2026\n"
	"  --jobs N          threads evaluating pupils (default: the number of cores); the\n"
	"                    output is the same whatever N is\n"
	"  --sorted          the evidence is sorted by pupil id: evaluate each pupil as\n"
	"                    soon as its rows are read, so memory stays flat\n"
	"  --quiet           no progress line on a terminal\n"
	"  --isolate         run the rubric in worker processes with no files, memory and\n"
	"                    CPU limits and a system-call filter: a rubric that crashes or\n"
	"                    never ends costs only its pupils' results (the default when the\n"
	"                    rubric runs as Lua; not with --sorted)\n"
	"  --no-isolate      evaluate in this process (the default for a built-in rubric\n"
	"                    computed in C, such as highest)\n"
	"  --max-instructions N  Lua instructions per rubric call (default 10000000)\n"
	"  --max-memory MiB  memory of the rubric's Lua state (default 64)\n"
	"  --pattern-limit BYTES  longest text string patterns may search (default 10000)",
	run_evaluate, evaluate_opts, 0, 0, CLI_ALL
};
