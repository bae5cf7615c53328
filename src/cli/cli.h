/* cli.h - shared parts of the command-line front end (src/cli/). */
#ifndef SW_CLI_H
#define SW_CLI_H

#include "stepwise.h"
#include <stdbool.h>
#include <stdio.h>

enum { EXIT_OK, EXIT_FATAL, EXIT_REJECTED }; /* exit codes: ok, usage or fatal, input rejected */

/* One option a command accepts. */
typedef struct cli_opt {
	const char *name;   /* "--framework" */
	const char *arg;    /* NULL for a flag; else the argument's name for help */
	bool repeat;        /* may be given up to CLI_MAX_MANY times */
	unsigned group;     /* in the table of common options: its CLI_* group */
	const char *value;  /* set by the parser (a flag is set to "") */
	const char **many;  /* set by the parser for a repeatable option: its values */
	int count;
} cli_opt;

#define CLI_MAX_MANY 64
/* An entry of a command's table of options: one given once, a repeatable one. */
#define CLI_OPT(name, arg) { name, arg, false, 0, NULL, NULL, 0 }
#define CLI_MANY(name, arg) { name, arg, true, 0, NULL, NULL, 0 }

/* Groups of options that several commands take, described once (main.c). */
enum {
	CLI_RUBRIC = 1,  /* --framework FILE, --rubric NAME|FILE.lua, --param NAME=VALUE... */
	CLI_DATA = 2,    /* --pupils FILE, --evidence FILE, --rejects FILE */
	CLI_LIMITS = 4,  /* --max-instructions, --max-memory, --pattern-limit, --[no-]isolate */
	CLI_OUT = 8,     /* -o FILE */
	CLI_AS_OF = 16,  /* --as-of YYYY-MM-DD */
	CLI_DATES = 32,  /* --date-format iso|dmy */
	CLI_ALL = 63
};

/* A command: name, one-line summary, usage text, options, and the runner.
   It takes its own options and those of its common groups; an option of its
   own replaces a common one of the same name. */
typedef struct cli_cmd {
	const char *name, *summary, *usage;
	int (*run)(cli_opt *opts, int npos, char **pos);
	const cli_opt *opts;
	int min_pos, max_pos; /* positional arguments; max -1 for any */
	unsigned common;      /* CLI_* groups */
} cli_cmd;

/* Finds the option named `name` in the command's list. */
cli_opt *cli_find(cli_opt *opts, const char *name);
/* Its value, or NULL when not given. */
const char *cli_get(cli_opt *opts, const char *name);
/* Reads option `name`, when given, as a whole number from min to max into *n;
   else refuses it with "NAME needs WHAT, not 'VALUE'" (EXIT_FATAL). */
int cli_whole(cli_opt *opts, const char *name, unsigned long long min, unsigned long long max,
              const char *what, unsigned long long *n);

/* Prints each of the engine's errors on stderr in the standard form;
   returns EXIT_FATAL. */
int cli_print_errors(const sw_engine *eng);
/* Prints "stepwise: MESSAGE" on stderr; returns EXIT_FATAL, so that
   `return cli_error(...)` ends a command. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Refuses (EXIT_FATAL, with a message) an output path (-o, --rejects, the
   pupils' rejects file) that is the same file as an input or another
   output, before anything is read (paths.c). */
int cli_out_distinct(cli_opt *opts, int npos, char **pos);
/* "rejects.csv" -> "rejects.pupils.csv": where a roster's rejected rows go
   beside --rejects FILE (malloc'd; NULL when out of memory). */
char *cli_pupils_rejects_path(const char *path);

/* What loading the data files gave: one reconciliation line per file. */
typedef struct cli_data {
	struct {
		const char *path;
		sw_load_stats stats;
	} lines[2];
	int nlines;
	uint64_t rejected;
	bool quiet; /* --quiet: no progress line */
	sw_load_options load; /* --jobs (threads reading the evidence), --date-format */
} cli_data;

/* Evaluating while the evidence is read (evaluate --sorted). */
typedef struct cli_stream {
	const sw_eval_options *opts;
	sw_result_fn fn;
	void *payload;
	sw_eval_stats *stats;
} cli_stream;

/* ---- setting up the engine (setup.c) ---- */
/* Creates an engine with the limits given on the command line (if any). */
int cli_engine(sw_engine **eng, cli_opt *opts);
/* --jobs N, default the number of cores. */
int cli_jobs(unsigned *jobs, cli_opt *opts);
/* Loads --rubric (default: highest) and sets each --param. */
int cli_rubric(sw_engine *eng, cli_opt *opts);
/* Loads a framework named on the command line: an existing file, else a
   bundled framework by name (skills-builder-v2, ...); an sw status. */
int cli_framework_load(sw_engine *eng, const char *arg);
/* Loads --framework (default: the bundled Skills Builder 2.0). */
int cli_framework(sw_engine *eng, cli_opt *opts);
/* Loads --pupils and --evidence (required), writing --rejects; EXIT_OK or
   EXIT_FATAL (errors printed). */
int cli_load(sw_engine *eng, cli_opt *opts, cli_data *data, const cli_stream *stream);
/* Prints "FILE: N rows, N accepted, N rejected" for each file read. */
void cli_reconcile(const cli_data *data);
/* Creates the engine (cli_engine) and loads --framework; with `rubric`,
   --rubric and --param; with `data`, the roster and evidence (cli_load).
   An exit code; on failure *eng is freed and NULL (errors printed). */
int cli_setup(sw_engine **eng, cli_opt *opts, bool rubric, cli_data *data);
/* Ends a data command: prints the reconciliation, frees the engine and
   returns rc, made EXIT_REJECTED when rows were rejected or errors counted. */
int cli_finish(sw_engine *eng, const cli_data *data, int rc, uint64_t errors);

/* ---- output files (output.c) ---- */
/* An output file written to FILE.tmp and renamed into place (stdout for NULL or "-");
   a FIFO, device or socket is written directly; a symbolic link's target is replaced. */
typedef struct cli_out {
	FILE *f;
	const char *path;
	char *target, *tmp; /* NULL when written directly */
} cli_out;
int cli_out_open(cli_out *o, const char *path);
/* Closes; renames into place when keep and all was written, else removes. */
int cli_out_close(cli_out *o, bool keep);
/* How path is written: to *tmp, renamed to *target (path, or the file a
   symbolic link names) when complete; both NULL when path exists and is not
   a regular file. Refuses a folder. Errors printed; the names are malloc'd. */
int cli_out_plan(const char *path, char **target, char **tmp);
/* cli_out_plan's checks alone, made before any work (NULL and "-" pass). */
int cli_out_check(const char *path);
/* Writes data to path (standard output for NULL or "-") through path.tmp,
   renamed into place once complete; an exit code, errors printed. */
int cli_write_file(const char *path, const char *data, size_t len);
/* Reads a whole file (malloc'd); NULL, the reason printed, when it cannot. */
char *cli_read_file(const char *path, size_t *len);
/* An output format: its name for --format and the endings of -o that choose it. */
typedef struct cli_format {
	const char *name, *ends[2];
	int format;
} cli_format;
/* The format of list named fmt (0 when none is); without fmt, the one the
   ending of out chooses, else `other`, or `none` when out is NULL or "-". */
int cli_format_pick(const cli_format *list, const char *fmt, const char *out, int other,
                    int none);
/* Temporary files removed if SIGINT or SIGTERM ends the run: remembered until
   forgotten (the name must stay valid until then). */
void cli_tmp_remember(const char *tmp);
void cli_tmp_forget(const char *tmp);

/* rubric new NAME --method ...: the text (malloc'd, *len bytes) of a rubric
   with a built-in method per skill, checked by loading it as path
   (rubric_methods.c); NULL, errors printed, when refused. */
char *cli_rubric_methods(cli_opt *opts, const char *name, const char *path, size_t *len);
/* `serve --http [ADDR:]PORT` (serve_http.c): runs until SIGINT or SIGTERM. */
int cli_serve_http(cli_opt *opts, const char *listen, const sw_service_options *so);

extern const cli_cmd cli_validate, cli_show, cli_check, cli_evaluate, cli_rubric_cmd,
	cli_report, cli_support, cli_passport, cli_serve, cli_import, cli_export;
extern const cli_cmd cli_summary, cli_compare; /* cmd_summary.c, cmd_compare.c */

/* Rubric errors grouped by message, printed once each with a count (errgroup.c). */
typedef struct cli_err_group {
	char *text;        /* the first message of the group (owned) */
	size_t len;        /* the part compared: without "(pupil P, skill S)" */
	const char *who;   /* inside text: "P, skill S)" or "P)", NULL when none */
	size_t who_len;
	bool skill;        /* about a pupil and skill, not a whole pupil */
	uint64_t hits;
} cli_err_group;
#define CLI_ERR_GROUPS 200 /* distinct messages kept; later new ones are counted only */
typedef struct cli_errs {
	cli_err_group items[CLI_ERR_GROUPS];
	size_t count, skills; /* skills: of the results added */
	uint64_t total, dropped;
} cli_errs;
/* Adds each error of a result (its message, and whether it is of one skill). */
void cli_errs_add(cli_errs *g, const sw_result *r);
/* Prints each group once: alone when it hit once, else with "(the same
   error for N of M pupil-skills; first: P S)"; M is pupils x skills. */
void cli_errs_print(cli_errs *g, FILE *f, uint64_t pupils);
void cli_errs_free(cli_errs *g);

/* ---- what cmd_report.c and cmd_passport.c share ---- */
#define SHOW_ERRORS 50

/* Rubric errors: counted, the first SHOW_ERRORS printed. */
typedef struct err_state {
	uint64_t shown, total;
} err_state;

/* Counts a result's rubric errors and prints the first ones (an sw_result_fn on err_state). */
int report_on_result(const sw_result *r, void *payload);
/* Creates the engine and loads the framework, rubric, roster and evidence;
   `folder`: -o names a folder of passports, not a file. */
int report_setup(sw_engine **eng, cli_opt *opts, cli_data *data, bool folder);

#define COMMON_HELP                                                                         \
	"  --framework F     framework file or bundled name (default: skills-builder-v2)\n" \
	"  --rubric R        built-in rubric name or a .lua file (default: highest)\n"       \
	"  --param K=V       set a rubric parameter (repeatable)\n"                            \
	"  --pupils P        roster (CSV or JSON Lines): years, classes, schools, groups\n"    \
	"  --evidence E      evidence (CSV or JSON Lines)\n"                                   \
	"  -o OUT            write to OUT (via OUT.tmp, renamed when complete)\n"             \
	"  --rejects FILE    keep rejected rows with their reasons\n"                          \
	"  --date-format dmy evidence dates may be day first, 13/02/2026 or 3/2/2026\n"      \
	"  --max-instructions N, --max-memory MiB, --pattern-limit BYTES: rubric limits\n"   \
	"  --isolate, --no-isolate: run the rubric in worker processes, or not (default:\n" \
	"                    isolated when the rubric runs as Lua; see evaluate --help)\n"

#endif
