/*
 * stepwise.h - the public C API of Stepwise, an embeddable engine for
 * skills progression (frameworks of skills and steps, pupil rosters,
 * evidence, and sandboxed Lua rubrics that turn evidence into steps).
 *
 * Conventions (after libgit2, SQLite and Lua):
 *  - every function is `sw_<noun>_<verb>`; macros and constants are `SW_`;
 *  - types are opaque and created and freed in pairs (`sw_engine_new` /
 *    `sw_engine_free`, `sw_result_free` for results);
 *  - functions return an `int` status: SW_OK (0) or a negative SW_E* code;
 *    output parameters come first (optional statistics structs, which may
 *    be NULL, come last); a function that answers yes or no is named as a
 *    predicate (sw_result_has_step) and returns 1 or 0; a callback that
 *    returns non-zero stops the call with SW_EUSER (sw_engine_user_status);
 *  - the details of an error (message, file, line, column, JSON path) are
 *    kept by the engine and read with sw_engine_error_count() and
 *    sw_engine_error(); the library never prints anything itself;
 *  - ownership: a `const char *` returned by the library is owned by the
 *    object it was read from and lives as long as that object, unless its
 *    documentation says otherwise; strings passed in are copied.
 *  - the host's environment does not change results: the library reads no
 *    environment variable, and numbers are read and written the same under
 *    any locale (Lua and the library's own number formatting switch the
 *    calling thread to the "C" locale while they run, with uselocale);
 *  - threads: there is no global mutable state. One engine may be used by
 *    one thread at a time; different engines in different threads need no
 *    locks.
 *  - memory: every allocation of the library's own goes through the
 *    engine's allocator (sw_allocator), including the Lua states. cJSON and
 *    utf8proc are not given it: cJSON's short-lived parse trees use the C
 *    library's malloc and are freed before the call returns.
 */
#ifndef STEPWISE_H
#define STEPWISE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define SW_API __attribute__((visibility("default")))
#else
#define SW_API
#endif

/* ---- Version ----------------------------------------------------------- */

#define SW_VERSION_MAJOR 0
#define SW_VERSION_MINOR 1
#define SW_VERSION_PATCH 0
#define SW_VERSION_STRING "0.1.0"
/* The soname number: it changes only on an incompatible change. */
#define SW_SOVERSION 0

/* The library's version as "MAJOR.MINOR.PATCH"; a static string. */
SW_API const char *sw_version(void);

/* ---- Status codes ------------------------------------------------------ */

#define SW_OK 0
#define SW_ERROR (-1)     /* any other failure */
#define SW_EINVALID (-2)  /* invalid input: data, file contents or arguments */
#define SW_ENOMEM (-3)    /* the allocator returned NULL */
#define SW_EIO (-4)       /* a file could not be read or written */
#define SW_ENOTFOUND (-5) /* a named thing (pupil, rubric, file) is missing */
#define SW_ELIMIT (-6)    /* a size or sandbox limit was reached */
#define SW_ESTATE (-7)    /* a call out of order (e.g. evaluate before a rubric) */
#define SW_EREJECTED (-8) /* a record was rejected; the reason is the error */
#define SW_EUSER (-9)     /* a host's callback returned non-zero and so stopped the
                             call; sw_engine_user_status() gives the value it returned */

/* A short English name for a status code ("invalid input", ...); static. */
SW_API const char *sw_status_string(int status);

/* ---- Allocator --------------------------------------------------------- */

/*
 * One function does all allocation, like lua_Alloc: with size > 0 it
 * returns a block of `size` bytes holding the old contents of `ptr` (or a
 * new block when ptr is NULL), or NULL on failure (leaving ptr intact);
 * with size == 0 it frees ptr and returns NULL.
 */
typedef struct sw_allocator {
	void *(*realloc)(void *ud, void *ptr, size_t size);
	void *ud; /* passed back to realloc unchanged */
} sw_allocator;

/* ---- Output callbacks -------------------------------------------------- */

/*
 * Where output goes when a host has no FILE * (another language's runtime,
 * a socket, a buffer): each function that writes to a FILE * has a _to
 * variant taking one of these. It receives `len` bytes at `data` (not
 * NUL-terminated, valid only during the call), in order, in chunks of any
 * size. Return 0 to go on; any other value stops the call, which returns
 * SW_EUSER (the value is kept for sw_engine_user_status() when the call has
 * an engine). The stream between the library and the callback is made with
 * the C library's fopencookie and buffered by it.
 */
typedef int (*sw_write_fn)(const char *data, size_t len, void *payload);

/* ---- Errors ------------------------------------------------------------ */

/*
 * One error. Strings belong to the engine and stay valid until the next
 * call on that engine that can fail (each such call clears the list first).
 */
typedef struct sw_error {
	int code;            /* an SW_E* status */
	const char *message; /* never NULL */
	const char *file;    /* file or buffer name, or NULL */
	uint64_t line;       /* 1-based, 0 when not known */
	uint32_t column;     /* 1-based, 0 when not known */
	const char *path;    /* JSON path such as "$.skills[2].id", or NULL */
} sw_error;

/* At most this many errors are kept for one call; more are counted. */
#define SW_MAX_ERRORS 50

/*
 * Writes `e` in the command-line form into buf (always NUL-terminated when
 * size > 0): "FILE:LINE:COL: error: MESSAGE", "FILE:LINE: error: MESSAGE"
 * or "FILE: error: PATH: MESSAGE", whichever the error's fields allow.
 * Returns the length the full text needs, like snprintf.
 */
SW_API size_t sw_error_format(char *buf, size_t size, const sw_error *e);

/* ---- Engine ------------------------------------------------------------ */

typedef struct sw_engine sw_engine;

/* Default limits (each can be changed in sw_engine_options). */
#define SW_DEFAULT_INSTRUCTION_LIMIT 10000000u /* VM instructions per call */
#define SW_DEFAULT_MEMORY_LIMIT (64u * 1024u * 1024u) /* bytes per Lua state */
#define SW_DEFAULT_PATTERN_LIMIT 10000u /* bytes of subject for string patterns */

typedef struct sw_engine_options {
	unsigned int version;           /* SW_ENGINE_OPTIONS_VERSION */
	const sw_allocator *allocator;  /* NULL: the C library's; copied */
	const char *rubric_path;        /* folders searched first for a rubric given by
	                                   name (NAME.lua), ':'-separated; NULL: none
	                                   (the environment is never read: a host that
	                                   wants STEPWISE_RUBRIC_PATH passes
	                                   getenv("STEPWISE_RUBRIC_PATH"), as the
	                                   command line does); the built-ins compiled
	                                   in are found last; copied */
	uint64_t instruction_limit;     /* 0: the default */
	size_t memory_limit;            /* 0: the default */
	size_t pattern_limit;           /* 0: the default */
	FILE *print_stream;             /* where a rubric's print() goes; NULL: stderr */
	sw_write_fn print_fn;           /* version 2: instead of print_stream when not
	                                   NULL: called once per print() line (with its
	                                   newline); its return value is ignored */
	void *print_payload;            /* passed to print_fn */
} sw_engine_options;

#define SW_ENGINE_OPTIONS_VERSION 2 /* 1 is still accepted: without print_fn */
#define SW_ENGINE_OPTIONS_INIT { SW_ENGINE_OPTIONS_VERSION, NULL, NULL, 0, 0, 0, NULL, NULL, \
                                 NULL }

/*
 * Creates an engine. `opts` may be NULL for all defaults. On success *out
 * holds an engine the caller frees with sw_engine_free(). On failure *out
 * is NULL and the status says why (there is no engine to hold details).
 */
SW_API int sw_engine_new(sw_engine **out, const sw_engine_options *opts);

/* Frees the engine and everything it owns. NULL is allowed. */
SW_API void sw_engine_free(sw_engine *eng);

/* The number of errors the last failing call recorded (0 after success). */
SW_API size_t sw_engine_error_count(const sw_engine *eng);

/* Error i (0-based) of the last failing call, or NULL when out of range. */
SW_API const sw_error *sw_engine_error(const sw_engine *eng, size_t i);

/* How many errors the last call found in all, kept or not. */
SW_API size_t sw_engine_error_total(const sw_engine *eng);

/* When the last call returned SW_EUSER: the non-zero value the host's
   callback returned to stop it (so a callback's own code, even one equal to
   an SW_E* code, is never taken for a library error); else 0. */
SW_API int sw_engine_user_status(const sw_engine *eng);

/* ---- Frameworks -------------------------------------------------------- */

typedef struct sw_framework sw_framework;
typedef struct sw_skill sw_skill;

/* Refused above this size and nesting depth. */
#define SW_FRAMEWORK_MAX_BYTES (16u * 1024u * 1024u)
#define SW_FRAMEWORK_MAX_DEPTH 64
/* The most skills a framework may have (more is a rule error at "skills"). */
#define SW_FRAMEWORK_MAX_SKILLS 10000

/*
 * Loads and validates a framework (format: frameworks/README.md) into the
 * engine, replacing any earlier one. Every problem found is recorded (up to
 * SW_MAX_ERRORS) and the status is SW_EINVALID; nothing is replaced then.
 * Loading a framework clears the engine's pupils and evidence.
 */
SW_API int sw_engine_load_framework_file(sw_engine *eng, const char *path);

/* The same from memory; `name` is used in error locations (may be NULL). */
SW_API int sw_engine_load_framework_buffer(sw_engine *eng, const char *data,
                                           size_t len, const char *name);

/*
 * Loads one of the frameworks bundled with the library by id:
 * "skills-builder-v2" (the default of the command line), "skills-builder-v1",
 * "example-school". SW_ENOTFOUND for another name.
 */
SW_API int sw_engine_load_framework_builtin(sw_engine *eng, const char *name);

/* A file when name_or_path contains '/' or ends in ".json", else a bundled
   framework by name (as sw_engine_load_rubric does for rubrics). */
SW_API int sw_engine_load_framework(sw_engine *eng, const char *name_or_path);

/* The engine's framework, or NULL when none is loaded. Owned by the engine. */
SW_API const sw_framework *sw_engine_framework(const sw_engine *eng);

/* Framework fields; strings are NFC, owned by the framework; optional
   ones are NULL when absent. */
SW_API const char *sw_framework_id(const sw_framework *fw);
SW_API const char *sw_framework_name(const sw_framework *fw);
SW_API const char *sw_framework_version(const sw_framework *fw);
SW_API const char *sw_framework_attribution(const sw_framework *fw);
SW_API const char *sw_framework_license(const sw_framework *fw);

SW_API size_t sw_framework_group_count(const sw_framework *fw);
SW_API const char *sw_framework_group_id(const sw_framework *fw, size_t i);
SW_API const char *sw_framework_group_name(const sw_framework *fw, size_t i);

SW_API size_t sw_framework_stage_count(const sw_framework *fw);
SW_API const char *sw_framework_stage_id(const sw_framework *fw, size_t i);
SW_API const char *sw_framework_stage_name(const sw_framework *fw, size_t i);
/* Writes the stage's first and last step; SW_ENOTFOUND when i is out of range. */
SW_API int sw_framework_stage_range(int *first, int *last, const sw_framework *fw, size_t i);

SW_API size_t sw_framework_skill_count(const sw_framework *fw);
/* Skill i in framework order, or NULL when out of range. */
SW_API const sw_skill *sw_framework_skill(const sw_framework *fw, size_t i);
/*
 * Finds a skill by id, alias or name, ignoring case (Unicode case folding),
 * normalization form, and the difference between ' ', '_' and '-'.
 * Returns NULL when nothing matches.
 */
SW_API const sw_skill *sw_framework_find_skill(const sw_framework *fw, const char *text);

/*
 * The expected step for a pupil of school year `year` (0 = Reception) in
 * `skill`: a per-skill override wins over the year's step. Returns 1 and
 * writes *step when there is one, 0 when the framework has none.
 */
SW_API int sw_framework_has_expected(int *step, const sw_framework *fw, int year,
                                     const sw_skill *skill);

SW_API size_t sw_skill_index(const sw_skill *sk); /* position in framework order */
SW_API const char *sw_skill_id(const sw_skill *sk);
SW_API const char *sw_skill_name(const sw_skill *sk);
SW_API const char *sw_skill_group(const sw_skill *sk); /* group id or NULL */
SW_API int sw_skill_min(const sw_skill *sk);           /* first step */
SW_API int sw_skill_max(const sw_skill *sk);           /* last step */
SW_API size_t sw_skill_alias_count(const sw_skill *sk);
SW_API const char *sw_skill_alias(const sw_skill *sk, size_t i);
/* A step's label / text, or NULL when `step` is outside the skill (text: or absent). */
SW_API const char *sw_skill_step_label(const sw_skill *sk, int step);
SW_API const char *sw_skill_step_text(const sw_skill *sk, int step);
/* The id of the stage `step` falls in, or NULL. */
SW_API const char *sw_skill_step_stage(const sw_skill *sk, int step);

/*
 * Writes the framework to `out` as aligned text for a terminal (columns
 * by display width): with skill NULL, the skills, stages and expectations;
 * else that skill's steps (skill found as by sw_framework_find_skill).
 * SW_ENOTFOUND when the skill is unknown, SW_EIO when writing fails.
 */
SW_API int sw_framework_print(FILE *out, const sw_framework *fw, const char *skill);
/* The same through a callback (sw_write_fn; SW_EUSER when it stops). */
SW_API int sw_framework_print_to(sw_write_fn fn, void *payload, const sw_framework *fw,
                                 const char *skill);

/* ---- Pupils and evidence --------------------------------------------- */

/*
 * A pupil, as a host hands it over. Strings are UTF-8; they are validated,
 * normalized to NFC and copied. `year` is 0 (Reception) to 14, or SW_NO_YEAR.
 */
#define SW_NO_YEAR (-1)
typedef struct sw_pupil_data {
	unsigned int version;           /* SW_PUPIL_DATA_VERSION */
	const char *id;                 /* required, non-empty, unique */
	const char *name;               /* may be NULL */
	int year;                       /* SW_NO_YEAR when unknown */
	const char *class_name;         /* may be NULL */
	const char *school;             /* may be NULL */
	const char *const *groups;      /* group names, e.g. "pupil-premium" */
	size_t group_count;
	const char *const *attribute_names;  /* extra attributes (roster columns) */
	const char *const *attribute_values;
	size_t attribute_count;
} sw_pupil_data;
#define SW_PUPIL_DATA_VERSION 1
#define SW_PUPIL_DATA_INIT { SW_PUPIL_DATA_VERSION, NULL, NULL, SW_NO_YEAR, NULL, NULL, \
                             NULL, 0, NULL, NULL, 0 }

/*
 * One record of evidence. `outcome` is "secured" or "developing" (NULL or
 * "": secured); `source` one of teacher, self, peer, parent, employer,
 * other (NULL or "": teacher), both matched ignoring case. `skill` is
 * matched as by sw_framework_find_skill; `date` is "YYYY-MM-DD".
 */
typedef struct sw_evidence_data {
	unsigned int version;   /* SW_EVIDENCE_DATA_VERSION */
	const char *pupil;      /* required */
	const char *skill;      /* required */
	int step;               /* inside the skill's range */
	const char *date;       /* required */
	const char *outcome, *source, *assessor, *context, *note; /* may be NULL */
} sw_evidence_data;
#define SW_EVIDENCE_DATA_VERSION 1
#define SW_EVIDENCE_DATA_INIT { SW_EVIDENCE_DATA_VERSION, NULL, NULL, 0, NULL, \
                                NULL, NULL, NULL, NULL, NULL }

/*
 * Adds a pupil to the engine's roster. Once a roster has pupils, evidence
 * for a pupil not on it is rejected; without a roster, pupils are taken
 * from the evidence. SW_EREJECTED (reason in sw_engine_error) for invalid
 * data, SW_ESTATE when evidence was already added without a roster.
 */
SW_API int sw_engine_add_pupil(sw_engine *eng, const sw_pupil_data *pupil);

/* Adds one record of evidence; needs a framework. SW_EREJECTED with the
   reason in sw_engine_error() when the record is not valid. */
SW_API int sw_engine_add_evidence(sw_engine *eng, const sw_evidence_data *ev);

/* Input formats of data files. */
#define SW_FORMAT_AUTO 0  /* by file extension: .jsonl/.ndjson/.json is JSONL, else CSV */
#define SW_FORMAT_CSV 1
#define SW_FORMAT_JSONL 2

/*
 * A rejected row, handed to sw_load_options.on_reject. All pointers are
 * valid only during the call.
 */
typedef struct sw_reject {
	const char *file;     /* the path as given */
	uint64_t line;        /* the row's first line */
	const char *reason;   /* why it was rejected */
	const char *raw;      /* the row's bytes as read, without the line end */
	size_t raw_len;
	const char *header;   /* CSV: the header row as read; JSONL: NULL */
	size_t header_len;
	int format;           /* SW_FORMAT_CSV or SW_FORMAT_JSONL */
} sw_reject;

typedef void (*sw_reject_fn)(const sw_reject *reject, void *payload);

/* Progress of a long read: rows so far, bytes so far, the file's size (0
   when not known, e.g. a pipe). */
typedef void (*sw_progress_fn)(uint64_t rows, uint64_t bytes, uint64_t size, void *payload);

typedef struct sw_load_options {
	unsigned int version;   /* SW_LOAD_OPTIONS_VERSION */
	int format;             /* SW_FORMAT_* */
	sw_reject_fn on_reject; /* may be NULL */
	void *payload;          /* passed to on_reject and on_progress */
	sw_progress_fn on_progress; /* may be NULL; called every 65536 rows */
	unsigned int jobs;      /* threads reading evidence (0 or 1: the calling thread;
	                           a file under 512 KiB is read by the calling thread
	                           alone, which is faster); rows, rejects and results are
	                           the same whatever the number; with more than one, a
	                           custom allocator must be thread-safe */
	int date_format;        /* SW_DATE_ISO (the default) or SW_DATE_DMY; version 2 */
} sw_load_options;
#define SW_LOAD_OPTIONS_VERSION 2 /* version 1 (without date_format) is still accepted */
#define SW_LOAD_OPTIONS_INIT { SW_LOAD_OPTIONS_VERSION, SW_FORMAT_AUTO, NULL, NULL, NULL, 0, \
                               SW_DATE_ISO }

/* How evidence dates are written (sw_load_options.date_format). Both accept
   YYYY-MM-DD. SW_DATE_DMY also reads day-first dates as UK spreadsheets save
   them, DD/MM/YYYY or D/M/YYYY; a two-digit year or an impossible date
   (31/04/2026, 02/13/2026) rejects its row with the reason. */
#define SW_DATE_ISO 0
#define SW_DATE_DMY 1

/* The reconciliation of one file: rows == accepted + rejected, always. */
typedef struct sw_load_stats {
	uint64_t rows, accepted, rejected;
} sw_load_stats;

/*
 * Reads a pupil roster (CSV with a header row: id,name,year,class,school,
 * groups and any extra columns; or JSON Lines) and adds every valid row.
 * Rejected rows go to opts->on_reject and are counted in *stats (may be
 * NULL). Returns SW_OK when the file was read, even with rejected rows; an
 * error (SW_EIO, SW_EINVALID for a missing required column) when it could
 * not be read at all. "-" reads standard input.
 */
SW_API int sw_engine_load_pupils(sw_engine *eng, const char *path,
                                 const sw_load_options *opts, sw_load_stats *stats);

/* The same for evidence (pupil,skill,step,outcome,date,source,assessor,
   context,note); needs a framework. */
SW_API int sw_engine_load_evidence(sw_engine *eng, const char *path,
                                   const sw_load_options *opts, sw_load_stats *stats);

/* How many pupils the engine holds (from the roster or the evidence). */
SW_API size_t sw_engine_pupil_count(const sw_engine *eng);
/* How many evidence records the engine holds. */
SW_API size_t sw_engine_evidence_count(const sw_engine *eng);
/* Records for skill i (framework order); and how many pupils have any. */
SW_API size_t sw_engine_skill_evidence_count(const sw_engine *eng, size_t skill,
                                             size_t *pupils);

/*
 * A file of rejected rows that a user can correct and load again: for CSV
 * the original header plus a `reason` column, each row as read plus its
 * reason; for JSONL each object as read plus a "reason" key. It is written
 * to a temporary file and renamed into place by sw_rejects_close.
 */
typedef struct sw_rejects sw_rejects;

/*
 * Where to write an output file so that an interrupted run never leaves it
 * half-written: for a regular file, existing or not, *target is the file to
 * replace (a symbolic link's final target) and *tmp a name beside it
 * ("TARGET.tmp") to write first and rename onto *target when complete; for
 * an existing FIFO, device or socket both are NULL: write `path` directly.
 * SW_EIO with errno EISDIR for a directory, or the errno of resolving the
 * path. The strings are allocated with the C library's malloc: free() them.
 */
SW_API int sw_output_plan(char **target, char **tmp, const char *path);
/*
 * Creates the temporary file *tmp that sw_output_plan named and opens it for
 * writing (*f, to fclose), exclusively: a file or a symbolic link already at
 * that name is never opened or written through. When the name is taken,
 * a unique one beside it ("TARGET.tmp.NNNNNN") is used and replaces *tmp
 * (freed and allocated with malloc). SW_EIO with errno on failure.
 */
SW_API int sw_output_open(FILE **f, char **tmp);
/*
 * CSV outputs (results, reports, exports) neutralise values a spreadsheet
 * would run as a formula: a value starting with '=', '+', '-', '@' or a tab
 * that is not a plain number is written quoted with a leading apostrophe
 * ("'=HYPERLINK(...)"). sw_csv_set_raw(1) writes such values as they are,
 * for the whole process (the CLI: environment variable STEPWISE_CSV_RAW=1).
 */
SW_API void sw_csv_set_raw(int raw);

/* Opens a rejects file at path. A regular file is written to path + ".tmp"
   beside it (beside a symlink's target) and renamed into place when closed;
   a FIFO or device is written directly. It is not tied to an engine and uses
   the C library allocator. On SW_EIO, errno says why. */
SW_API int sw_rejects_open(sw_rejects **out, const char *path);
/* Adds a row; use as on_reject with the sw_rejects as payload. */
SW_API void sw_rejects_add(const sw_reject *reject, void *rejects);
/* How many rows were added. */
SW_API uint64_t sw_rejects_count(const sw_rejects *r);
/* Finishes the file: renames it into place when `keep`, else removes it.
   SW_EIO when writing failed. Frees r. */
SW_API int sw_rejects_close(sw_rejects *r, int keep);

/* ---- Rubrics ---------------------------------------------------------- */

/*
 * Loads a rubric (a Lua script returning a table; scripts/README.md) and
 * checks it: it must compile as text, run within the limits, and return a
 * table with a name and a skill function. Needs a framework. On failure the
 * previous rubric stays. Parameters already set are kept and re-checked.
 */
SW_API int sw_engine_load_rubric_file(sw_engine *eng, const char *path);
/* From memory; `name` is used in messages (e.g. "my-rubric.lua"). */
SW_API int sw_engine_load_rubric_buffer(sw_engine *eng, const char *source, size_t len,
                                        const char *name);
/* A built-in rubric by name ("highest", "latest", "secured-n", "average",
   "decaying-average"), looked for first as NAME.lua in the engine's
   rubric_path folders (run as Lua), then among those compiled into the
   library, which are computed in C with the results of their Lua source. */
SW_API int sw_engine_load_rubric_builtin(sw_engine *eng, const char *name);
/* A path when it contains '/' or ends in ".lua", else a built-in name. */
SW_API int sw_engine_load_rubric(sw_engine *eng, const char *name_or_path);
/*
 * Sets parameter `key` of the loaded rubric (a value that reads as a
 * number becomes a number in Lua, else a string). SW_EINVALID when the
 * rubric declares no such parameter in its `params` table.
 */
SW_API int sw_engine_set_param(sw_engine *eng, const char *key, const char *value);
/* A commented starter rubric for teachers (a copy of "highest"); static. */
SW_API const char *sw_rubric_starter(void);
/* The loaded rubric's `name`, or NULL; owned by the engine. */
SW_API const char *sw_engine_rubric_name(const sw_engine *eng);
/* 1 when the loaded rubric is a built-in computed in C (such as "highest",
   or "secured-n" with its sources given as text), 0 when it runs as Lua
   source; with no rubric loaded, 1 (evaluation uses "highest"). */
SW_API int sw_engine_rubric_is_native(const sw_engine *eng);
/* Its merged parameters as "k=v, k=v" (sorted by name), or NULL. */
SW_API const char *sw_engine_rubric_params(const sw_engine *eng);
/* Called once per worked example of a rubric with "NAME: ok" or "NAME:
   FAILED: what differed" (the text is valid during the call only). */
typedef void (*sw_example_fn)(const char *line, int passed, void *payload);
/* Runs the loaded rubric's worked examples (`examples = {...}`, see
   scripts/README.md) in its sandbox; *count gets how many there were. */
SW_API int sw_engine_rubric_examples(sw_engine *eng, sw_example_fn fn, void *payload,
                                     size_t *count);

/* ---- Evaluation -------------------------------------------------------- */

typedef struct sw_eval_options {
	unsigned int version; /* SW_EVAL_OPTIONS_VERSION */
	const char *as_of;    /* "YYYY-MM-DD": only evidence dated on or before; NULL: all */
	unsigned int jobs;    /* threads for sw_engine_evaluate (0 or 1: the calling thread
	                         only); each extra thread has its own Lua state (a built-in
	                         rubric computed in C needs none). With more than one, a
	                         custom allocator must be thread-safe. Results reach the
	                         callback in the same order whatever the number, always on
	                         the calling thread, while the others evaluate. */
	int isolate;          /* version 2: non-zero: sw_engine_evaluate runs the rubric in
	                         up to `jobs` forked worker processes (POSIX; Linux for the
	                         seccomp filter) that keep only a socket to the caller,
	                         under setrlimit limits (address space, CPU, no files, no
	                         core) and a seccomp allow-list, with a watchdog in the
	                         calling thread. A worker that crashes or runs past its
	                         time (CPU time) gives the pupil it held an error in
	                         sw_result_error; the rest of its batch (64 in roster
	                         order) is evaluated again one pupil per new worker,
	                         and the run goes on; other results are byte for byte
	                         those of a run without it. print() lines reach
	                         print_fn or the print stream from the calling thread.
	                         A host that handles SIGCHLD must leave the workers to
	                         waitpid. sw_engine_evaluate_pupil honours it too (one
	                         worker for the pupil); sw_engine_evaluate_file's sorted
	                         reading ignores it. See also sw_engine_set_isolate. */
} sw_eval_options;
#define SW_EVAL_OPTIONS_VERSION 2 /* 1 is still accepted: without isolate */
#define SW_EVAL_OPTIONS_INIT { SW_EVAL_OPTIONS_VERSION, NULL, 0, 0 }

/* Engine-wide isolation, for every evaluation of the engine: sw_engine_evaluate,
   sw_engine_evaluate_pupil, and the reports, support lists, passports,
   summaries and explanations built on them. */
#define SW_ISOLATE_OFF 0  /* only where sw_eval_options.isolate asks (the default) */
#define SW_ISOLATE_ON 1   /* always, as sw_eval_options.isolate does */
#define SW_ISOLATE_AUTO 2 /* when the rubric runs as Lua (sw_engine_rubric_is_native 0):
                             where isolation costs nothing measurable; the
                             command line's default */
/* Sets the mode (SW_ISOLATE_*); SW_EINVALID for eng NULL or another mode. */
SW_API int sw_engine_set_isolate(sw_engine *eng, int mode);

typedef struct sw_eval_stats {
	uint64_t pupils;             /* pupils evaluated */
	uint64_t errors;             /* rubric errors in all */
	uint64_t pupils_with_errors;
} sw_eval_stats;

/* One pupil's result: opaque, read with the sw_result_* accessors. */
typedef struct sw_result sw_result;

/* Called once per pupil, in pupil id order; `r` is valid only during the
   call. Return 0 to go on; anything else stops the evaluation, which
   returns SW_EUSER, the value kept for sw_engine_user_status(). */
typedef int (*sw_result_fn)(const sw_result *r, void *payload);

/*
 * Evaluates every pupil (the roster's, else those seen in the evidence) in
 * id order (byte order), every skill in framework order, with the loaded
 * rubric (the built-in "highest" when none is loaded). An error of the
 * rubric for one pupil and skill is part of that pupil's result
 * (sw_result_error) and the others are still evaluated. `stats` may be NULL.
 */
SW_API int sw_engine_evaluate(sw_engine *eng, const sw_eval_options *opts, sw_result_fn fn,
                              void *payload, sw_eval_stats *stats);

/*
 * Reads evidence sorted by pupil id (byte order, as exports usually come)
 * and evaluates each pupil as soon as its rows are complete, then frees
 * them, so memory stays flat whatever the file's size. Roster pupils with
 * no evidence are evaluated in their place in id order. The results are
 * the same as sw_engine_load_evidence then sw_engine_evaluate. A pupil
 * that comes out of order is a fatal error naming the line (SW_EINVALID).
 * The engine's stored evidence is not used and is left empty.
 */
SW_API int sw_engine_evaluate_file(sw_engine *eng, const char *evidence,
                                   const sw_load_options *load, sw_load_stats *load_stats,
                                   const sw_eval_options *opts, sw_result_fn fn,
                                   void *payload, sw_eval_stats *stats);

/* Evaluates one pupil by id and writes to `out`, for each skill (or only
   `skill`, an id or name, when not NULL), the records the rubric saw, the
   step and note it returned, then the flags, awards and errors ("why is
   she on step 4?"). What the rubric prints goes to the print stream. */
SW_API int sw_engine_explain_pupil(sw_engine *eng, FILE *out, const char *pupil,
                                   const char *skill, const sw_eval_options *opts);
/* Evaluates one pupil by id; *out is the caller's, freed with sw_result_free.
   Costs about that pupil's records, whatever the engine holds; once more
   than a quarter as many records were added as were grouped before, the
   first call groups the whole store again. */
SW_API int sw_engine_evaluate_pupil(sw_result **out, sw_engine *eng, const char *pupil,
                                    const sw_eval_options *opts);
SW_API void sw_result_free(sw_result *r);

/* The result's pupil; strings owned by the engine (valid while its data is). */
SW_API const char *sw_result_pupil(const sw_result *r);
SW_API const char *sw_result_name(const sw_result *r);   /* NULL when not known */
SW_API int sw_result_year(const sw_result *r);           /* SW_NO_YEAR when not known */
SW_API const char *sw_result_class(const sw_result *r);
SW_API const char *sw_result_school(const sw_result *r);
/* Per skill (index in framework order): 1 and *step when a step was given, else 0. */
SW_API size_t sw_result_skill_count(const sw_result *r);
SW_API int sw_result_has_step(int *step, const sw_result *r, size_t skill);
SW_API const char *sw_result_note(const sw_result *r, size_t skill);
SW_API size_t sw_result_evidence(const sw_result *r, size_t skill); /* records seen */
SW_API size_t sw_result_flag_count(const sw_result *r);
SW_API const char *sw_result_flag(const sw_result *r, size_t i);
SW_API size_t sw_result_award_count(const sw_result *r);
SW_API const char *sw_result_award(const sw_result *r, size_t i);
/* Errors as "RUBRIC:LINE: MESSAGE (pupil P, skill S)". */
SW_API size_t sw_result_error_count(const sw_result *r);
SW_API const char *sw_result_error(const sw_result *r, size_t i);
/* Errors as data: 1 when the rubric failed for this skill (index in framework
   order; its step is then empty), else 0; and 1 with *skill (may be NULL) when
   error i is of one skill, 0 when it is of the pupil as a whole. */
SW_API int sw_result_has_error(const sw_result *r, size_t skill);
SW_API int sw_result_error_skill(size_t *skill, const sw_result *r, size_t i);

/* ---- Writers ----------------------------------------------------------- */

/* The formats of results (sw_writer_new). */
typedef enum sw_output_format {
	SW_OUTPUT_CSV = 1,  /* pupil,skill,step,note,evidence: a row per pupil and skill */
	SW_OUTPUT_JSONL = 2, /* an object per pupil */
	SW_OUTPUT_TABLE = 3  /* aligned text, a row per pupil and a column per skill */
} sw_output_format;

/* The format a name gives ("csv", "jsonl", "table", as `stepwise evaluate
   --format` takes them): SW_OK, or SW_ENOTFOUND (*format 0) for another. */
SW_API int sw_output_format_find(sw_output_format *format, const char *name);

typedef struct sw_writer sw_writer;

/* A writer of results to `out` (not closed by the writer). */
SW_API int sw_writer_new(sw_writer **w, const sw_engine *eng, sw_output_format format,
                         FILE *out);
/* A writer through a callback (sw_write_fn): sw_writer_add and
   sw_writer_finish return SW_EUSER when the callback stopped them (the
   value in sw_engine_user_status of eng). Output reaches the callback in
   chunks as it is buffered, all of it by sw_writer_finish. */
SW_API int sw_writer_new_to(sw_writer **w, const sw_engine *eng, sw_output_format format,
                            sw_write_fn fn, void *payload);
/* Writes (or, for a table, keeps) one result. SW_EIO when writing failed. */
SW_API int sw_writer_add(sw_writer *w, const sw_result *r);
/* Writes what is kept and flushes; SW_EIO when writing failed. */
SW_API int sw_writer_finish(sw_writer *w);
SW_API void sw_writer_free(sw_writer *w);

/* One result as a JSON object (the jsonl format's line, without newline).
   *json is allocated with the engine's allocator: free with sw_string_free. */
SW_API int sw_result_json(char **json, const sw_result *r);
SW_API void sw_string_free(const sw_engine *eng, char *s);

/* ---- Reports ----------------------------------------------------------- */

/*
 * Cohort analytics: a pure function of the results of evaluation, the
 * roster and the framework (README.md, "Reports", gives the definitions).
 * A cohort refers to the engine's framework and pupils: free it before
 * the engine, and before loading another framework or more data.
 */
typedef struct sw_cohort sw_cohort;

/* How pupils are grouped (sw_cohort_options.by). */
#define SW_BY_ALL 0    /* one group, "all" */
#define SW_BY_SCHOOL 1 /* by roster field; an empty field is the group "(none)" */
#define SW_BY_CLASS 2
#define SW_BY_YEAR 3   /* groups named "0" (Reception) to "14", sorted by number */
#define SW_BY_GROUP 4  /* a group per roster group name; a pupil in several counts in each */
#define SW_BY_SCHOOL_CLASS 5 /* a group per school and class (sw_cohort_group_school) */
#define SW_BY_SCHOOL_YEAR 6  /* a group per school and year */

typedef struct sw_cohort_options {
	unsigned int version;   /* SW_COHORT_OPTIONS_VERSION */
	int by;                 /* SW_BY_* */
	const char *gap;        /* a roster group (e.g. "pupil-premium") for the gap, or NULL */
	const char *as_of;      /* "YYYY-MM-DD" for the main figures; NULL: `to` when
	                           given, else all evidence */
	const char *from, *to;  /* both or neither: progress from one date to the other */
	int below;              /* support list: shortfall of at least this; 0 means 1 */
	sw_result_fn on_result; /* given every result of every evaluation; may be NULL */
	void *payload;          /* passed to on_result */
	/* version 2 */
	const char *const *schools; /* only pupils of these schools (school_count names,
	                               the caller's); others are left out and counted */
	size_t school_count;        /* 0: every school */
	int min_group;          /* figures resting on fewer assessed pupils are suppressed;
	                           0 means 5, 1 shows every figure */
	int with_support;       /* non-zero: the HTML report includes the named support list */
	const char *support_class; /* the support list: only this class (NULL: all) */
	const char *support_group; /* the support list: only this roster group (NULL: all) */
	int top;                /* the support list: at most this many pupils per list (0: all) */
	const char *roster_date; /* "YYYY-MM-DD" at which the roster's years hold; NULL: the
	                            newest evidence date. Years are shifted by whole academic
	                            years (from 1 September) for earlier dates. */
	int terms;              /* non-zero: the trend at the end of each term (autumn to 31
	                           December, spring to 31 March, summer to 31 August) over the
	                           span of the evidence */
	const char *at;         /* or the trend at these dates: "YYYY-MM-DD,YYYY-MM-DD,..." */
} sw_cohort_options;
#define SW_COHORT_OPTIONS_VERSION 2
#define SW_COHORT_OPTIONS_INIT { SW_COHORT_OPTIONS_VERSION, SW_BY_ALL, NULL, NULL, NULL, \
                                 NULL, 0, NULL, NULL, NULL, 0, 0, 0, NULL, NULL, 0, NULL, \
                                 0, NULL }

/*
 * Evaluates the engine's pupils (as of each date the options name) and
 * computes the cohort's figures. SW_EINVALID for bad options (an unknown
 * `by`, a bad date, `from` without `to` or after it), SW_ENOTFOUND when no
 * pupil is in the gap group. A rubric error for one pupil and skill leaves
 * that step empty (sw_cohort_eval_errors counts them). *out is freed with
 * sw_cohort_free.
 */
SW_API int sw_cohort_new(sw_cohort **out, sw_engine *eng, const sw_cohort_options *opts);
SW_API void sw_cohort_free(sw_cohort *c);
/* Rubric errors met by all the evaluations. */
SW_API uint64_t sw_cohort_eval_errors(const sw_cohort *c);
/* Records an input file's reconciliation, shown by the HTML report (copied). */
SW_API int sw_cohort_add_source(sw_cohort *c, const char *file, const sw_load_stats *stats);

/* Groups, sorted by name; each group's name and number of pupils. */
SW_API size_t sw_cohort_group_count(const sw_cohort *c);
SW_API const char *sw_cohort_group_name(const sw_cohort *c, size_t group);
SW_API size_t sw_cohort_group_pupils(const sw_cohort *c, size_t group);
/* The school of a group by school and class or year (NULL otherwise or for none). */
SW_API const char *sw_cohort_group_school(const sw_cohort *c, size_t group);
/* Pupils of other schools left out by sw_cohort_options.schools, and their
   evidence records (any date). */
SW_API void sw_cohort_left_out(const sw_cohort *c, size_t *pupils, size_t *records);

/* The figures of one group and skill (framework order). */
typedef struct sw_cohort_stat {
	size_t pupils;        /* in the group */
	size_t assessed;      /* with a step */
	double mean, median;  /* over the assessed; 0 when none */
	size_t with_expected; /* assessed pupils with an expected step */
	size_t at_expected;   /* of those, at or above it */
} sw_cohort_stat;
SW_API int sw_cohort_stat_get(sw_cohort_stat *out, const sw_cohort *c, size_t group,
                              size_t skill);
/* How many pupils of the group stand at `step` of the skill (the heat map). */
SW_API size_t sw_cohort_step_pupils(const sw_cohort *c, size_t group, size_t skill, int step);

/* The gap for one skill (SW_ESTATE without sw_cohort_options.gap). */
typedef struct sw_cohort_gap {
	size_t group_assessed, others_assessed;
	double group_mean, others_mean, gap; /* 0 when a side has no assessed pupil */
} sw_cohort_gap;
SW_API int sw_cohort_gap_get(sw_cohort_gap *out, const sw_cohort *c, size_t skill);

/* Progress of one group and skill (SW_ESTATE without from/to). */
typedef struct sw_cohort_progress {
	size_t pupils_both; /* assessed at both dates */
	double mean_from, mean_to, mean_progress; /* 0 when pupils_both is 0 */
} sw_cohort_progress;
SW_API int sw_cohort_progress_get(sw_cohort_progress *out, const sw_cohort *c, size_t group,
                                  size_t skill);

/* The support list one row per pupil and skill, sorted by shortfall (largest
   first; no step last), then pupil, then skill; the writers group it by pupil
   (SW_REPORT_SUPPORT). Strings are the engine's. */
typedef struct sw_cohort_support {
	const char *pupil, *name, *class_name; /* name and class may be NULL */
	size_t skill;
	int has_step, step, expected, shortfall; /* shortfall = expected - step */
} sw_cohort_support;
SW_API size_t sw_cohort_support_count(const sw_cohort *c);
SW_API int sw_cohort_support_get(sw_cohort_support *out, const sw_cohort *c, size_t i);

/* What a report holds (sw_cohort_write). The content and the format of a
   report are two types, so that one given for the other is a compiler
   warning (-Wenum-conversion); names and values are those of 0.1.0. */
typedef enum sw_report {
	SW_REPORT_GROUPS = 1,   /* by,group,skill,pupils,assessed,mean,median,at_expected */
	SW_REPORT_GAP = 2,      /* skill,group_assessed,group_mean,others_assessed,others_mean,gap */
	SW_REPORT_PROGRESS = 3, /* by,group,skill,pupils_both,mean_from,mean_to,mean_progress */
	SW_REPORT_SUPPORT = 4,  /* list,pupil,name,school,year,class,groups,skills,total_shortfall */
	SW_REPORT_TREND = 5     /* by,group,date,term,skill,assessed,with_expected,at_expected,
	                           suppressed: needs sw_cohort_options.terms or .at */
} sw_report;
/* How a report is written (sw_cohort_write, sw_compare_options.format). */
typedef enum sw_report_format {
	SW_REPORT_TABLE = 1, /* aligned by display width for a terminal */
	SW_REPORT_CSV = 2,
	SW_REPORT_JSON = 3,  /* one document: {"report": ..., "rows": [...]} */
	SW_REPORT_HTML = 4,  /* sw_summary_compare only (sw_cohort_write_html for a cohort) */
	SW_COMPARE_HTML = 4  /* SW_REPORT_HTML's older name */
} sw_report_format;

/* Writes one table. SW_ESTATE when the cohort lacks it, SW_EIO on a write error. */
SW_API int sw_cohort_write(FILE *out, const sw_cohort *c, sw_report what,
                           sw_report_format format);
/*
 * Writes the self-contained HTML report (inline CSS and SVG, no scripts):
 * the title and key messages, grids of % at expected and of the mean step,
 * heat maps, the gap, progress and the trend when computed, the support
 * list (with names) only with sw_cohort_options.with_support, and what the
 * figures rest on.
 */
SW_API int sw_cohort_write_html(FILE *out, const sw_cohort *c);
/* The two through a callback (sw_write_fn; SW_EUSER when it stops them). */
SW_API int sw_cohort_write_to(sw_write_fn fn, void *payload, const sw_cohort *c,
                              sw_report what, sw_report_format format);
SW_API int sw_cohort_write_html_to(sw_write_fn fn, void *payload, const sw_cohort *c);

typedef struct sw_passport_options {
	unsigned int version; /* SW_PASSPORT_OPTIONS_VERSION */
	const char *as_of;    /* the current assessment point; NULL: all evidence */
	const char *from;     /* the previous assessment point, or NULL */
	sw_result_fn on_result; /* given the pupil's result at each date; may be NULL */
	void *payload;          /* passed to on_result */
} sw_passport_options;
#define SW_PASSPORT_OPTIONS_VERSION 1
#define SW_PASSPORT_OPTIONS_INIT { SW_PASSPORT_OPTIONS_VERSION, NULL, NULL, NULL, NULL }

/*
 * Writes one pupil's report for the family as self-contained HTML: each
 * skill's current step and its label, the next step to work towards, and
 * progress since `from` (which must not be after as_of). SW_ENOTFOUND for
 * an unknown pupil. `errors` (may be NULL) receives the number of rubric
 * errors met.
 */
SW_API int sw_passport_write(FILE *out, sw_engine *eng, const char *pupil,
                             const sw_passport_options *opts, uint64_t *errors);
/* The same through a callback (sw_write_fn; SW_EUSER when it stops it). */
SW_API int sw_passport_write_to(sw_write_fn fn, void *payload, sw_engine *eng,
                                const char *pupil, const sw_passport_options *opts,
                                uint64_t *errors);

/*
 * Writes the passport page from results already evaluated (for example in
 * an sw_engine_evaluate callback, to write a page per pupil in one pass):
 * `now` as of opts->as_of, `prev` (may be NULL) as of opts->from. A pupil
 * with no evidence gets a page that says so. SW_ENOMEM or SW_EIO.
 */
SW_API int sw_passport_write_result(FILE *out, const sw_engine *eng, const sw_result *now,
                                    const sw_result *prev, const sw_passport_options *opts);
/* The same through a callback (sw_write_fn): SW_EUSER when it stops it (the
   engine being const, its status is not kept for sw_engine_user_status). */
SW_API int sw_passport_write_result_to(sw_write_fn fn, void *payload, const sw_engine *eng,
                                       const sw_result *now, const sw_result *prev,
                                       const sw_passport_options *opts);

/* ---- Summaries: privacy-safe figures a school can share ---------------- */

/*
 * A school's summary: counts per part (all pupils, each year, each roster
 * group) and skill, with no pupil's data and small counts suppressed so
 * that none can be worked out from the rest (README.md, "Summaries").
 * A summary owns all its memory (made with the engine's allocator, read
 * with the C library's) and does not refer to the engine: free it with
 * sw_summary_free, in any order.
 */
typedef struct sw_summary sw_summary;

typedef struct sw_summary_options {
	unsigned int version; /* SW_SUMMARY_OPTIONS_VERSION */
	const char *school;   /* only this roster school's pupils; NULL: every pupil */
	const char *as_of;    /* "YYYY-MM-DD": evidence on or before; NULL: all */
	const char *from;     /* an earlier date for the same figures then, or NULL */
	int min_count;        /* the smallest count shown (N); 0: 5 */
	/* version 2 */
	const char *roster_date; /* "YYYY-MM-DD" at which the roster's years hold; NULL: the
	                            newest evidence date. For as_of and from before it, the
	                            expected steps are those of each pupil's year then, as in
	                            sw_cohort_options; the year parts keep the roster's years. */
} sw_summary_options;
#define SW_SUMMARY_OPTIONS_VERSION 2
#define SW_SUMMARY_OPTIONS_INIT { SW_SUMMARY_OPTIONS_VERSION, NULL, NULL, NULL, 0, NULL }

/* Evaluates the engine's pupils (it needs a framework, rubric and roster)
   and makes the summary; *out is the caller's (sw_summary_free).
   SW_ENOTFOUND when no pupil is in opts->school. */
SW_API int sw_summary_make(sw_summary **out, sw_engine *eng, const sw_summary_options *opts);
/* One summary per school of the roster (sorted by name), evaluating once;
   *out is an array of *count summaries freed with sw_summary_list_free. */
SW_API int sw_summary_make_each(sw_summary ***out, size_t *count, sw_engine *eng,
                                const sw_summary_options *opts);
SW_API void sw_summary_list_free(sw_summary **list, size_t count);
SW_API void sw_summary_free(sw_summary *s);
/* The school's name (NULL when the summary covers every pupil); owned by s. */
SW_API const char *sw_summary_school(const sw_summary *s);
/* The summary as JSON (format in README.md); *json is malloc'd: free(). */
SW_API int sw_summary_json(char **json, size_t *len, const sw_summary *s);
/* Reads a summary from JSON. SW_EINVALID with *why (malloc'd, free(); may
   be NULL) saying what is wrong. */
SW_API int sw_summary_read(sw_summary **out, const char *json, size_t len, char **why);
/* Checks a summary file's text: no field beyond the format's (so no pupil's
   data), no count from 1 to N-1 shown or recoverable from the rest, no mean
   or percentage on a suppressed count. SW_OK, or SW_EINVALID with
   *problems (malloc'd, free(); one per line). */
SW_API int sw_summary_check(char **problems, const char *json, size_t len);
/* Adds summaries made with the same framework and rubric into one for the
   cluster (a count is suppressed there when it is in any school's);
   SW_EINVALID with *why (malloc'd, free()) naming what differs. */
SW_API int sw_summary_combine(sw_summary **out, const sw_summary *const *list, size_t count,
                              char **why);

typedef struct sw_compare_options {
	unsigned int version; /* SW_COMPARE_OPTIONS_VERSION */
	sw_report_format format; /* SW_REPORT_TABLE, SW_REPORT_CSV, SW_REPORT_JSON or
	                            SW_REPORT_HTML */
	size_t family;        /* similar schools per family (K); 0: 5 */
	const char *gap;      /* the roster group of the gap; NULL: "pupil-premium" */
	int by;               /* rows school by school (0) or SW_COMPARE_BY_SKILL */
} sw_compare_options;
#define SW_COMPARE_OPTIONS_VERSION 1
#define SW_COMPARE_OPTIONS_INIT { SW_COMPARE_OPTIONS_VERSION, SW_REPORT_TABLE, 0, NULL, 0 }
#define SW_COMPARE_BY_SKILL 1
/* Writes the comparison of the summaries (which must combine, see
   sw_summary_combine): per school and skill the % at expected, its family's
   median, the gap and the change; the cluster's row; who to learn from. */
SW_API int sw_summary_compare(FILE *out, const sw_summary *const *list, size_t count,
                              const sw_compare_options *opts);
/* The same through a callback (sw_write_fn; SW_EUSER when it stops it). */
SW_API int sw_summary_compare_to(sw_write_fn fn, void *payload, const sw_summary *const *list,
                                 size_t count, const sw_compare_options *opts);
/* Rubric errors met while making the summary (those steps are missing;
   sw_summary_make_each: in the one evaluation of every pupil); 0 for a
   summary read from JSON. */
SW_API uint64_t sw_summary_eval_errors(const sw_summary *s);
/* The summary's as-of date (NULL: all evidence); owned by s. */
SW_API const char *sw_summary_as_of(const sw_summary *s);

/* ---- Hosts: reusing an engine, frameworks as JSON ---------------------- */

/*
 * Removes every pupil and evidence record from the engine and keeps its
 * framework, rubric and parameters, so that one engine can evaluate class
 * after class, or one pupil after another from a host's own database.
 * Results (sw_result), writers and cohorts read the engine's pupils: free
 * them first. SW_EINVALID when eng is NULL.
 *
 * To evaluate one pupil from data the host holds, without files:
 *     sw_engine_reset_data(eng);
 *     sw_engine_add_pupil(eng, &pupil);           // the roster: just this pupil
 *     for each record: sw_engine_add_evidence(eng, &ev);  // SW_EREJECTED: skipped,
 *                                                          // reason in sw_engine_error
 *     sw_engine_evaluate(eng, &opts, on_result, payload, NULL); // the one pupil
 * Evidence for another pupil is then rejected ("not on the roster"). The
 * rubric's Lua state is kept between pupils, so this is cheap. This is what
 * the service's "evaluate" does (sw_service_handle).
 */
SW_API int sw_engine_reset_data(sw_engine *eng);

/* ---- Editing data in place -------------------------------------------- */

/*
 * A host that keeps a class in an engine can change it record by record and
 * evaluate the pupils concerned again. What each costs, with N records in
 * the engine and K those of the pupil concerned:
 *  - sw_engine_add_evidence: O(1) (amortized). Once the store has been
 *    grouped by pupil (by any evaluation), the record is chained to the
 *    pupil's others instead of undoing the grouping;
 *  - sw_engine_evaluate_pupil: O(K log K) to gather and order the pupil's
 *    records, plus the rubric's own work; the store is grouped again (O(N))
 *    only when more than max(4096, N/4) records were added since, so that
 *    costs at most a few record copies per record added;
 *  - sw_engine_evaluate and the other whole-class calls: O(N) to group the
 *    records added since, as before;
 *  - sw_engine_remove_evidence, sw_engine_remove_evidence_record: one pass
 *    over the N records (copying those after the first removed), plus O(P)
 *    for P pupils; the grouping and the index are kept;
 *  - sw_engine_replace_pupil: O(length of the pupil's data).
 * Results (sw_result) and cohorts read the engine's data: free them before
 * changing it.
 */

/*
 * Removes the evidence of `pupil` (matched as the roster's ids: trimmed,
 * NFC): all of it when skill is NULL, else that skill's (found as by
 * sw_framework_find_skill). *removed (may be NULL) gets how many records
 * went. SW_ENOTFOUND for an unknown pupil or skill (0 removed).
 */
SW_API int sw_engine_remove_evidence(size_t *removed, sw_engine *eng, const char *pupil,
                                     const char *skill);

/*
 * Removes the records equal to `ev` in every field (pupil, skill, step,
 * date, outcome, source, assessor, context and note, each read as
 * sw_engine_add_evidence reads it: a record added twice goes twice).
 * SW_EREJECTED (reason in sw_engine_error) when `ev` is not a valid record,
 * SW_ENOTFOUND for an unknown pupil; SW_OK with *removed 0 when none matched.
 */
SW_API int sw_engine_remove_evidence_record(size_t *removed, sw_engine *eng,
                                            const sw_evidence_data *ev);

/*
 * Gives the pupil pupil->id new details (name, year, class, school, groups
 * and attributes, all replaced), keeping its evidence and its place.
 * SW_ENOTFOUND when the engine has no such pupil, SW_EREJECTED (reason in
 * sw_engine_error) for invalid data, as sw_engine_add_pupil.
 */
SW_API int sw_engine_replace_pupil(sw_engine *eng, const sw_pupil_data *pupil);

/*
 * Forgets every parameter set with sw_engine_set_param, so the loaded
 * rubric's own defaults apply again (a rubric loaded next starts from its
 * defaults too, instead of keeping them). SW_OK when there were none or no
 * rubric; SW_ENOMEM or SW_ELIMIT when the rubric's Lua state cannot be
 * built again (it is then built at the next evaluation).
 */
SW_API int sw_engine_clear_params(sw_engine *eng);

/*
 * The framework as one JSON object, for hosts in other languages; it is a
 * framework document that sw_engine_load_framework_buffer loads back (the
 * loader checks the derived keys min, max and stage against the steps):
 *   {"format": "stepwise-framework", "format_version": 1,
 *    "id", "name", "version", "attribution", "license" (strings or null),
 *    "groups": [{"id", "name"}], "stages": [{"id", "name", "first", "last"}],
 *    "skills": [{"id", "name", "group", "description", "aliases": [...],
 *                "min", "max", "steps": [{"step", "label", "text", "stage"}]}],
 *    "expectations": [{"year": Y, "skills": {"SKILL": STEP, ...}}]}
 * Expectations are resolved (a skill's override wins over its year's step)
 * and listed for each year that has any. *json is allocated with the
 * allocator of the framework's engine: free it with sw_string_free.
 */
SW_API int sw_framework_json(char **json, const sw_framework *fw);

/* ---- Service mode ------------------------------------------------------ */

/* The longest request sw_service_handle reads, in bytes (without the newline). */
#define SW_SERVICE_MAX_REQUEST (1024u * 1024u)

/*
 * Handles one request of the JSON-lines service protocol that
 * `stepwise serve --stdio` speaks (README.md, "Service mode"), so that a
 * host can embed the same protocol. `line` is one JSON object (without its
 * line end) such as {"id": 1, "op": "ping"}; ops: evaluate, load_rubric,
 * set_params, framework, ping. *response receives the answer, one JSON
 * object without a newline, always carrying the request's "id" and "ok";
 * it is allocated with the engine's allocator: free it with sw_string_free.
 *
 * A bad request (invalid JSON, not an object, an unknown op, wrong types, a
 * request over SW_SERVICE_MAX_REQUEST bytes) gets an answer with "ok": false
 * and an "error", and the status is still SW_OK: the status is SW_OK
 * whenever *response holds an answer. A reader that skipped an oversized
 * line without keeping it may pass line NULL with the line's length. Else
 * SW_EINVALID (response or eng NULL, or line NULL with a length within the
 * limit) or SW_ENOMEM, with *response NULL.
 *
 * "evaluate" replaces the engine's pupils and evidence with the request's
 * (as sw_engine_reset_data) and empties them again afterwards, so free any
 * sw_result of the engine first; "load_rubric" and "set_params" change the
 * engine's rubric for the requests that follow. The details of a failure
 * are in the response's "error", not in the engine's error list.
 */
SW_API int sw_service_handle(char **response, sw_engine *eng, const char *line, size_t len);

/*
 * What a service may do beyond answering requests from their own content.
 * rubric_dir: "load_rubric" with a "path" may read .lua files inside this
 * folder only (checked after resolving links; a relative path is taken
 * from it); NULL (the default): loading by path is refused, because a
 * request could otherwise make the service read any file it can. The
 * string is the caller's and must outlive the calls that use it.
 */
typedef struct sw_service_options {
	unsigned int version;   /* SW_SERVICE_OPTIONS_VERSION */
	const char *rubric_dir; /* NULL: no loading by path */
} sw_service_options;
#define SW_SERVICE_OPTIONS_VERSION 1
#define SW_SERVICE_OPTIONS_INIT { SW_SERVICE_OPTIONS_VERSION, NULL }
/* Fills *opts with the defaults of `version` (for hosts without the macros);
   SW_EINVALID for an unknown version. */
SW_API int sw_service_options_init(sw_service_options *opts, unsigned int version);

/*
 * sw_service_handle with options (NULL: the defaults, which is what
 * sw_service_handle uses). The service protocol is version 2 (README.md,
 * "Service mode"): ping, framework, load_framework, evaluate (one pupil or
 * a class), load_rubric, set_params, check_rubric, rubrics. Same statuses
 * and ownership as sw_service_handle; SW_EINVALID for options of an
 * unknown version.
 */
SW_API int sw_service_handle_opts(char **response, sw_engine *eng, const sw_service_options *opts,
                                  const char *line, size_t len);

/*
 * Whether the service's "evaluate" runs the rubric in a worker process, as
 * sw_eval_options.isolate does (on: non-zero). Off until set for a library
 * host; `stepwise serve` turns it on unless given --no-isolate. SW_EINVALID
 * when eng is NULL.
 */
SW_API int sw_service_set_isolate(sw_engine *eng, int on);

/* ---- Interchange: 1EdTech CASE frameworks, OneRoster rosters ------------ */

/*
 * Something an importer or exporter reports without failing: an item it
 * left out, a row it skipped or could not read, a value it could not use.
 * The message names the CASE identifier or OneRoster sourcedId concerned.
 * All pointers are valid only during the call.
 */
typedef struct sw_notice {
	const char *file;    /* the file it is about */
	uint64_t line;       /* 1-based line of a CSV row; 0 when none */
	const char *path;    /* JSON path such as "$.CFItems[3]", or NULL */
	const char *message; /* never NULL */
} sw_notice;

typedef void (*sw_notice_fn)(const sw_notice *notice, void *payload);

/* The levels a CASE tree is read as (sw_case_import_options.levels). */
#define SW_CASE_LEVELS_SKILL_STEP 0       /* the document's children are skills, theirs steps */
#define SW_CASE_LEVELS_STEP 1             /* the document is one skill, its children are steps */
#define SW_CASE_LEVELS_GROUP_SKILL_STEP 2 /* one level more on top: groups */
/* Chosen by the importer (the default): group,skill,step for a package
   Stepwise exported (its items typed "Skill Group", "Skill", "Step"), else
   from the depth of the tree under the document when all its branches end
   at one depth: 1 level is step, 2 are skill,step, 3 or more
   group,skill,step; branches of different depths: skill,step.
   sw_case_import_stats.levels says which was used. */
#define SW_CASE_LEVELS_AUTO 3

typedef struct sw_case_import_options {
	unsigned int version;   /* SW_CASE_IMPORT_OPTIONS_VERSION */
	int levels;             /* SW_CASE_LEVELS_* */
	const char *id;         /* the framework's id; NULL: the one a Stepwise CASE 1.1
	                           export kept, else made from the document's title */
	sw_notice_fn on_notice; /* items left out and other reports; may be NULL */
	void *payload;          /* passed to on_notice */
} sw_case_import_options;
#define SW_CASE_IMPORT_OPTIONS_VERSION 1
#define SW_CASE_IMPORT_OPTIONS_INIT { SW_CASE_IMPORT_OPTIONS_VERSION, \
                                      SW_CASE_LEVELS_AUTO, NULL, NULL, NULL }

/* What an import made: items == imported + not_imported, always. */
typedef struct sw_case_import_stats {
	size_t items;        /* CFItems in the package */
	size_t imported;     /* items that became a group, skill or step */
	size_t not_imported; /* items reported through on_notice and left out */
	size_t groups, skills, steps; /* in the framework made */
	int levels;          /* the SW_CASE_LEVELS_* the tree was read with */
} sw_case_import_stats;

/*
 * Reads a CASE CFPackage (JSON, CASE 1.0 or 1.1) and makes a Stepwise
 * framework of it (frameworks/README.md, "CASE"): the tree of isChildOf
 * associations, read with opts->levels (opts may be NULL for defaults).
 * The framework is checked by loading it into the engine, which then holds
 * it (as after sw_engine_load_framework_buffer). On success *json holds the
 * framework document (NUL-terminated, *len bytes; `len` may be NULL),
 * allocated with the engine's allocator: free it with sw_string_free.
 * `json` may be NULL to only load the framework. SW_EIO, SW_EINVALID
 * (not a package, or no skill could be made) or SW_ENOMEM with the details
 * in sw_engine_error(). `stats` may be NULL.
 */
SW_API int sw_case_import(char **json, size_t *len, sw_engine *eng, const char *package_path,
                          const sw_case_import_options *opts, sw_case_import_stats *stats);

/* CASE versions an export can write. */
#define SW_CASE_1_0 0 /* the default: what every CASE consumer reads */
#define SW_CASE_1_1 1 /* adds caseVersion and the extensions that keep stages,
                         expectations, aliases and the framework id */

/* The lastChangeDateTime of an export when neither the options nor the
   framework's "x-case" give one (never the current time: exports repeat). */
#define SW_CASE_DEFAULT_TIMESTAMP "2000-01-01T00:00:00+00:00"

typedef struct sw_case_export_options {
	unsigned int version;   /* SW_CASE_EXPORT_OPTIONS_VERSION */
	int case_version;       /* SW_CASE_1_0 or SW_CASE_1_1 */
	const char *timestamp;  /* lastChangeDateTime (YYYY-MM-DDTHH:MM:SS and Z or
	                           +HH:MM); NULL: the framework's x-case one, else
	                           SW_CASE_DEFAULT_TIMESTAMP */
	sw_notice_fn on_notice; /* what CASE cannot carry, unusable x-case keys */
	void *payload;
} sw_case_export_options;
#define SW_CASE_EXPORT_OPTIONS_VERSION 1
#define SW_CASE_EXPORT_OPTIONS_INIT { SW_CASE_EXPORT_OPTIONS_VERSION, SW_CASE_1_0, NULL, \
                                      NULL, NULL }

typedef struct sw_case_export_stats {
	size_t items;        /* CFItems written: groups + skills + steps */
	size_t associations; /* isChildOf and precedes */
} sw_case_export_stats;

/*
 * Writes the framework file at framework_path as a CASE CFPackage (JSON)
 * into *json (engine allocator, free with sw_string_free; *len bytes, may
 * be NULL). The framework is validated as by sw_engine_load_framework_file
 * but the engine's own framework is left as it was. Identifiers are the
 * framework's "x-case" ones where it has them, else name-based UUIDs
 * (version 5) from the framework id and the item's path, so the same file
 * always gives the same package, byte for byte. `opts` and `stats` may be NULL.
 */
SW_API int sw_case_export(char **json, size_t *len, sw_engine *eng, const char *framework_path,
                          const sw_case_export_options *opts, sw_case_export_stats *stats);

typedef struct sw_oneroster_options {
	unsigned int version;   /* SW_ONEROSTER_OPTIONS_VERSION */
	sw_notice_fn on_notice; /* skipped and rejected rows, unusable values */
	void *payload;
} sw_oneroster_options;
#define SW_ONEROSTER_OPTIONS_VERSION 1
#define SW_ONEROSTER_OPTIONS_INIT { SW_ONEROSTER_OPTIONS_VERSION, NULL, NULL }

/* The reconciliation of one OneRoster file: rows == accepted + rejected + skipped. */
typedef struct sw_oneroster_file_stats {
	uint64_t rows, accepted, rejected, skipped; /* skipped: status tobedeleted */
} sw_oneroster_file_stats;

typedef struct sw_oneroster_stats {
	sw_oneroster_file_stats users, enrollments, classes, orgs;
	uint64_t pupils;   /* rows written: users with role student */
	uint64_t warnings; /* reports about accepted rows (a grade that is no year, ...) */
} sw_oneroster_stats;

/*
 * Reads a OneRoster 1.1 CSV export from folder `dir` (users.csv,
 * enrollments.csv, classes.csv, orgs.csv; columns found by header name)
 * and writes a Stepwise roster into *csv: id,name,year,class,school, a
 * row per student in users.csv order (engine allocator, free with
 * sw_string_free; *len bytes, may be NULL). Rows skipped or rejected are
 * reported through opts->on_notice with file and line and counted in
 * *stats (may be NULL). SW_EIO for a missing or unreadable file and
 * SW_EINVALID for a missing required column (nothing is written then).
 */
SW_API int sw_oneroster_import(char **csv, size_t *len, sw_engine *eng, const char *dir,
                               const sw_oneroster_options *opts, sw_oneroster_stats *stats);

/* ---- Options without macros (for FFI) ---------------------------------- */

/*
 * Each fills *opts with what its _INIT macro gives, for hosts that cannot
 * use C macros (Python's cffi or ctypes, C#, ...). `version` is the
 * struct's _VERSION the host was written for; SW_EINVALID for another (or
 * opts NULL), else SW_OK.
 */
SW_API int sw_engine_options_init(sw_engine_options *opts, unsigned int version);
SW_API int sw_pupil_data_init(sw_pupil_data *opts, unsigned int version);
SW_API int sw_evidence_data_init(sw_evidence_data *opts, unsigned int version);
SW_API int sw_load_options_init(sw_load_options *opts, unsigned int version);
SW_API int sw_eval_options_init(sw_eval_options *opts, unsigned int version);
SW_API int sw_cohort_options_init(sw_cohort_options *opts, unsigned int version);
SW_API int sw_passport_options_init(sw_passport_options *opts, unsigned int version);
SW_API int sw_case_import_options_init(sw_case_import_options *opts, unsigned int version);
SW_API int sw_case_export_options_init(sw_case_export_options *opts, unsigned int version);
SW_API int sw_oneroster_options_init(sw_oneroster_options *opts, unsigned int version);

/* ---- Text -------------------------------------------------------------- */

/* Display width of valid UTF-8 text on a terminal (wide characters count 2,
   combining marks 0). */
SW_API size_t sw_text_width(const char *utf8);

#ifdef __cplusplus
}
#endif
#endif /* STEPWISE_H */
