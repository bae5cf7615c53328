/*
 * setup.c - the engine a command runs on: its limits and threads, the
 * framework (bundled by default), the rubric and its parameters, the roster
 * and the evidence, with rejected rows printed and kept in the rejects
 * files; then the reconciliation and the exit code at the end.
 */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SHOW_REJECTS 20

/* Per-file state of the reject and progress callbacks. */
typedef struct file_rejects {
	const char *path;
	uint64_t shown, total;
	sw_rejects *out;
	char *tmp;          /* out's temporary file, removed on SIGINT and SIGTERM */
	bool progress;      /* a progress line may be shown (stderr is a terminal) */
	bool drawn;         /* one was drawn and must be cleared */
	double start;
} file_rejects;

/* Seconds on a monotonic clock. */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Clears a progress line before other text goes to stderr. */
static void clear_progress(file_rejects *fr)
{
	if (fr->drawn) {
		fputs("\r\033[K", stderr);
		fr->drawn = false;
	}
}

/* Draws "FILE: 1200000 rows, 45%, 850000 rows/s, 2 s left" once the work
   has taken more than a second. */
static void on_progress(uint64_t rows, uint64_t bytes, uint64_t size, void *payload)
{
	file_rejects *fr = payload;
	if (!fr->progress)
		return;
	double t = now() - fr->start;
	if (t < 1.0)
		return;
	double rate = (double)rows / t;
	fprintf(stderr, "\r\033[K%s: %llu rows", fr->path, (unsigned long long)rows);
	if (size && bytes <= size) {
		double done = (double)bytes / (double)size;
		fprintf(stderr, ", %.0f%%, %.0f rows/s", done * 100.0, rate);
		if (done > 0.01)
			fprintf(stderr, ", %.0f s left", t / done - t);
	} else {
		fprintf(stderr, ", %.0f rows/s", rate);
	}
	fr->drawn = true;
}

/* Prints the first rejected rows of a file and keeps every one in the rejects file. */
static void on_reject(const sw_reject *r, void *payload)
{
	file_rejects *fr = payload;
	if (fr->shown < SHOW_REJECTS) {
		clear_progress(fr);
		fprintf(stderr, "%s:%llu: %s\n", r->file, (unsigned long long)r->line, r->reason);
		fr->shown++;
	}
	fr->total++;
	if (fr->out)
		sw_rejects_add(r, fr->out);
}

/* Closes the rejects file (if open): kept when keep, else removed; its
   temporary file is forgotten. */
static int close_rejects(file_rejects *fr, const char *path, bool keep)
{
	int rc = fr->out ? sw_rejects_close(fr->out, keep) : SW_OK;
	/* errno: why the write, close or rename failed (sw_rejects_close keeps it) */
	if (rc != SW_OK && keep)
		cli_error("cannot write rejects file %s: %s", path, strerror(errno));
	fr->out = NULL;
	cli_tmp_forget(fr->tmp);
	free(fr->tmp);
	fr->tmp = NULL;
	return rc == SW_OK ? EXIT_OK : EXIT_FATAL;
}

/* Opens the rejects file, its temporary file remembered for SIGINT and SIGTERM
   (cli_out_plan names the same temporary file as sw_rejects_open). */
static int open_rejects(file_rejects *fr, const char *path)
{
	char *target;
	if (cli_out_plan(path, &target, &fr->tmp))
		return EXIT_FATAL;
	free(target);
	if (fr->tmp)
		cli_tmp_remember(fr->tmp);
	if (sw_rejects_open(&fr->out, path) == SW_OK)
		return EXIT_OK;
	/* errno is set by the call that failed in sw_rejects_open: fopen, or the
	   lookup of a symbolic link's target */
	cli_error("cannot write rejects file %s: %s", path, strerror(errno));
	close_rejects(fr, path, false);
	return EXIT_FATAL;
}

/* Loads one data file (or, with a stream, evaluates it as it is read);
   prints its rejects and keeps its reconciliation. */
static int load_one(sw_engine *eng, const char *path, const char *rejects_path,
                    bool pupils, cli_data *data, const cli_stream *stream)
{
	file_rejects fr = { path, 0, 0, NULL, NULL, !data->quiet && isatty(STDERR_FILENO), false,
	                    now() };
	if (rejects_path && open_rejects(&fr, rejects_path))
		return EXIT_FATAL;
	sw_load_options lo = data->load;
	lo.on_reject = on_reject;
	lo.on_progress = on_progress;
	lo.payload = &fr;
	sw_load_stats st;
	int rc;
	if (pupils)
		rc = sw_engine_load_pupils(eng, path, &lo, &st);
	else if (stream)
		rc = sw_engine_evaluate_file(eng, path, &lo, &st, stream->opts, stream->fn,
		                             stream->payload, stream->stats);
	else
		rc = sw_engine_load_evidence(eng, path, &lo, &st);
	clear_progress(&fr);
	if (rc != SW_OK) {
		close_rejects(&fr, rejects_path, false);
		if (stream && rc == SW_EUSER) /* the result callback stopped it: its own status */
			return sw_engine_user_status(eng) > 0 ? sw_engine_user_status(eng) : EXIT_FATAL;
		return cli_print_errors(eng);
	}
	if (fr.total > fr.shown)
		fprintf(stderr, "%s: %llu more rejected rows not shown%s\n", path,
		        (unsigned long long)(fr.total - fr.shown),
		        fr.out ? "" : " (--rejects FILE keeps them all)");
	data->lines[data->nlines].path = path;
	data->lines[data->nlines++].stats = st;
	data->rejected += st.rejected;
	return close_rejects(&fr, rejects_path, true);
}

int cli_engine(sw_engine **eng, cli_opt *opts)
{
	sw_engine_options eo = SW_ENGINE_OPTIONS_INIT;
	unsigned long long ins = eo.instruction_limit, mem = 0, pat = eo.pattern_limit;
	/* the command line opts in to the environment's rubric folders */
	eo.rubric_path = getenv("STEPWISE_RUBRIC_PATH");
	if (cli_whole(opts, "--max-instructions", 1, ULLONG_MAX, "a positive whole number", &ins) ||
	    cli_whole(opts, "--max-memory", 1, 1024 * 1024, "a number of MiB from 1 to 1048576", &mem) ||
	    cli_whole(opts, "--pattern-limit", 1, ULLONG_MAX, "a positive number of bytes", &pat))
		return EXIT_FATAL;
	eo.instruction_limit = ins;
	eo.memory_limit = (size_t)mem * 1024 * 1024;
	eo.pattern_limit = (size_t)pat;
	if (sw_engine_new(eng, &eo) != SW_OK)
		return cli_error("out of memory");
	/* commands that run a rubric take --isolate and --no-isolate; without
	   either, a rubric that runs as Lua is isolated (README, "Isolated
	   evaluation") */
	if (cli_find(opts, "--isolate"))
		sw_engine_set_isolate(*eng, cli_get(opts, "--no-isolate") ? SW_ISOLATE_OFF
		                            : cli_get(opts, "--isolate") ? SW_ISOLATE_ON
		                                                          : SW_ISOLATE_AUTO);
	return EXIT_OK;
}

int cli_jobs(unsigned *jobs, cli_opt *opts)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned long long n = cores > 0 ? (unsigned long long)cores : 1;
	int rc = cli_whole(opts, "--jobs", 1, 64, "a number of threads from 1 to 64", &n);
	*jobs = (unsigned)n;
	return rc;
}

int cli_rubric(sw_engine *eng, cli_opt *opts)
{
	const char *r = cli_get(opts, "--rubric");
	if (sw_engine_load_rubric(eng, r ? r : "highest") != SW_OK)
		return cli_print_errors(eng);
	cli_opt *p = cli_find(opts, "--param");
	for (int i = 0; p && i < p->count; i++) {
		const char *kv = p->many[i];
		const char *eq = strchr(kv, '=');
		if (!eq || eq == kv)
			return cli_error("--param needs NAME=VALUE, not '%s'", kv);
		char key[128];
		snprintf(key, sizeof key, "%.*s", (int)(eq - kv < 127 ? eq - kv : 127), kv);
		if (sw_engine_set_param(eng, key, eq + 1) != SW_OK)
			return cli_print_errors(eng);
	}
	return EXIT_OK;
}

int cli_framework_load(sw_engine *eng, const char *arg)
{
	struct stat st;
	if (stat(arg, &st) == 0) /* an existing file wins, whatever its name */
		return sw_engine_load_framework_file(eng, arg);
	return sw_engine_load_framework(eng, arg);
}

int cli_framework(sw_engine *eng, cli_opt *opts)
{
	const char *fw = cli_get(opts, "--framework");
	int rc = fw ? cli_framework_load(eng, fw)
	            : sw_engine_load_framework_builtin(eng, "skills-builder-v2");
	return rc != SW_OK ? cli_print_errors(eng) : EXIT_OK;
}

int cli_load(sw_engine *eng, cli_opt *opts, cli_data *data, const cli_stream *stream)
{
	memset(data, 0, sizeof *data);
	data->load = (sw_load_options)SW_LOAD_OPTIONS_INIT;
	data->quiet = cli_get(opts, "--quiet") != NULL;
	if (cli_find(opts, "--jobs") && cli_jobs(&data->load.jobs, opts))
		return EXIT_FATAL;
	const char *df = cli_get(opts, "--date-format");
	if (df && strcmp(df, "dmy") == 0)
		data->load.date_format = SW_DATE_DMY;
	else if (df && strcmp(df, "iso") != 0)
		return cli_error("--date-format is iso (YYYY-MM-DD, the default) or dmy "
		                 "(13/02/2026), not '%s'", df);
	const char *pupils = cli_get(opts, "--pupils");
	const char *evidence = cli_get(opts, "--evidence");
	const char *rejects = cli_get(opts, "--rejects");
	if (!evidence)
		return cli_error("--evidence FILE is required");
	if (cli_out_check(rejects))
		return EXIT_FATAL; /* a folder, refused before any data is read */
	if (pupils) {
		char *rp = rejects ? cli_pupils_rejects_path(rejects) : NULL;
		int rc = load_one(eng, pupils, rp, true, data, NULL);
		free(rp);
		if (rc)
			return rc;
	}
	return load_one(eng, evidence, rejects, false, data, stream);
}

void cli_reconcile(const cli_data *data)
{
	for (int i = 0; i < data->nlines; i++) {
		const sw_load_stats *st = &data->lines[i].stats;
		fprintf(stderr, "%s: %llu rows, %llu accepted, %llu rejected\n", data->lines[i].path,
		        (unsigned long long)st->rows, (unsigned long long)st->accepted,
		        (unsigned long long)st->rejected);
	}
}

int cli_setup(sw_engine **eng, cli_opt *opts, bool rubric, cli_data *data)
{
	int rc = cli_engine(eng, opts);
	if (rc)
		return rc;
	if ((rc = cli_framework(*eng, opts)) || (rubric && (rc = cli_rubric(*eng, opts))) ||
	    (data && (rc = cli_load(*eng, opts, data, NULL)))) {
		sw_engine_free(*eng);
		*eng = NULL;
	}
	return rc;
}

int cli_finish(sw_engine *eng, const cli_data *data, int rc, uint64_t errors)
{
	cli_reconcile(data);
	sw_engine_free(eng);
	return rc == EXIT_OK && (data->rejected || errors) ? EXIT_REJECTED : rc;
}
