/* rubric.h - rubrics, runners and results (rubric.c, runner.c, result.c). */
#ifndef SW_RUBRIC_H
#define SW_RUBRIC_H
#include "internal.h"
#include "data.h"
#include "sandbox.h"

#define SW_NOTE_MAX 4096       /* bytes of a note */
#define SW_LABELS_MAX 64       /* flags or awards from one pupil() call */
#define SW_COUNT(a) (sizeof(a) / sizeof *(a)) /* elements of an array */

/* The built-in rubrics computed in C (native.c). */
#define SW_NATIVE_NONE 0
#define SW_NATIVE_HIGHEST 1
#define SW_NATIVE_LATEST 2
#define SW_NATIVE_SECURED_N 3
#define SW_NATIVE_AVERAGE 4
#define SW_NATIVE_DECAYING 5
#define SW_NATIVE_ALL_SOURCES ((1u << SW_SOURCE_COUNT) - 1)

/* A built-in rubric with its parameters, ready to compute in C. */
typedef struct sw_native {
	int kind;          /* SW_NATIVE_NONE: evaluate with Lua */
	unsigned sources;  /* bit k: sw_source_names[k] counts */
	uint32_t times;    /* secured-n */
	double rate;       /* decaying-average */
} sw_native;

/* The loaded rubric: its source, kept so each thread can compile its own. */
struct sw_rubric {
	char *display;   /* "highest.lua" or the path as given: used in messages */
	char *source;
	size_t len;
	char *name;      /* the rubric's own `name` field, once checked */
	char **param_keys, **param_values; /* set with sw_engine_set_param */
	size_t param_count, param_cap;
	struct sw_runner *runner; /* the engine's own runner, made on demand */
	char *params_text; /* the last runner's "k=v, ..." kept while it is gone
	                      (after a framework switch), engine allocator */
	int native_kind;  /* a built-in loaded by name: SW_NATIVE_*, else NONE */
};

/* The strings a runner keeps as Lua values (names_ref, 1-based): an
   evidence record's field names, then the outcome words, then the sources. */
enum {
	SW_NAME_STEP = 1, SW_NAME_OUTCOME, SW_NAME_DATE, SW_NAME_SOURCE, SW_NAME_ASSESSOR,
	SW_NAME_CONTEXT, SW_NAME_NOTE,
	SW_NAME_OUTCOMES, /* + sw_outcome index */
	SW_NAME_SOURCES = SW_NAME_OUTCOMES + 2, /* + sw_source index */
	SW_NAME_COUNT = SW_NAME_SOURCES + SW_SOURCE_COUNT - 1
};

/* The most evidence record tables a runner keeps for the next pupil. */
#define SW_RUNNER_POOL_MAX 4096

/* One Lua state ready to evaluate pupils with the engine's rubric. */
typedef struct sw_runner {
	sw_sandbox sb;
	sw_engine *eng;
	int chunk_ref, skills_ref, framework_ref, params_ref;
	int record_mt_ref, ctx_mt_ref, pupil_mt_ref; /* strict metatables (strict.c) */
	int names_ref; /* the Lua strings of SW_NAME_* (runner.c), pushed without hashing */
	/* the rubric's instance kept for every pupil (runner_instance.c), LUA_NOREF
	   when the file runs again for each pupil; its environment, the globals
	   the file set, and its upvalues as (function, index, value) triples */
	int inst_ref, inst_env_ref, inst_globals_ref, inst_upvalues_ref;
	/* evidence record tables made for earlier pupils and filled again for
	   the next (runner_evidence.c): pool_count of them in the Lua array
	   pool_ref, the first pool_next in use by the current pupil, and for
	   each the record it shows, of which pupil, and whether its texts are
	   made (SLOT_*); pool_reset: the pool is made anew before the next
	   record */
	int pool_ref;
	size_t pool_count, pool_next;
	struct sw_runner_slot {
		uint32_t at, pupil;
		uint8_t state;
	} slots[SW_RUNNER_POOL_MAX];
	bool pool_reset;
	/* evidence arrays made when first looked at (runner_evidence.c): their
	   metatable, the dates and texts kept as Lua strings (texts by their
	   number in the evidence store whose serial is texts_serial), the
	   number of the pupil under evaluation, its records and each skill's
	   part of them */
	int lazy_mt_ref, filled_mt_ref, dates_ref, texts_ref, arrays_ref;
	int skill_step_ref; /* sw_runner_skill_step with its upvalues */
	size_t arrays_count, arrays_next; /* arrays kept for the next pupil, and used by this one */
	size_t arrays_len[SW_RUNNER_POOL_MAX]; /* the records of each one's view */
	/* a helper took its fast path on an array not yet made, for this pupil
	   and for the last: then a skill's array is not made at once */
	bool helper_fast, helper_fast_last;
	size_t dates_count, texts_count, texts_bytes;
	uint64_t texts_serial;
	uint64_t pupil_number;
	size_t ctx_pupil; /* the roster's number of the pupil of ctx (runner_ctx.c) */
	const sw_record *pupil_recs;
	size_t pupil_rec_count;
	/* the views an evidence array shows: the first view_count of ranges, a
	   skill's records (ranges[k] for skill k) and then the subsets the
	   helpers made (runner_view.c), whose records' indices are at
	   view_idx[start..start + count) */
	struct sw_runner_range {
		size_t start, count;
		bool indexed;
	} *ranges;
	size_t ranges_cap, view_count;
	uint32_t *view_idx;
	size_t view_idx_len, view_idx_cap;
	/* once a helper made a view for this pupil (made_active): every record
	   table made is kept (in the Lua table made_ref by record index + 1,
	   marked in made_bits), so that a record is one table in every array */
	bool made_active, made_table; /* made_table: made_ref is this pupil's */
	int made_ref;
	uint8_t *made_bits;
	size_t made_cap;
	bool has_pupil_fn;
	int skill_line, pupil_line; /* where skill() and pupil() are defined */
	int skill_last;             /* the last line of skill() */
	/* the instruction-limit probe (evaluate.c): calls stopped by the
	   instruction or time limit, the rubric's line of the last one, and
	   whether a pupil's evaluation stops at its first limit */
	unsigned limit_hits;
	int limit_line;
	bool stop_at_limit;
	char *params_text;  /* "times=2, sources=" for reports, engine allocator */
	char *params_json;  /* {"sources": "", "times": 2}, for the service; engine allocator */
	char *description;  /* the rubric's description, or NULL; engine allocator */
	sw_native native;   /* kind NONE unless the rubric runs natively */
	bool lost;          /* an error or label could not be recorded: out of memory */
} sw_runner;

typedef struct sw_skill_result {
	int has_step, step;
	char *note;
	uint32_t evidence;
	bool error; /* the rubric failed for this skill (an error names it) */
} sw_skill_result;

/* The skill of a pupil-level error (sw_result.error_skill). */
#define SW_RESULT_NO_SKILL UINT32_MAX

struct sw_result {
	const sw_engine *eng;
	const sw_mem *m;
	size_t pupil;
	sw_skill_result *skills;
	size_t skill_count;
	char **flags, **awards, **errors;
	uint32_t *error_skill; /* per error: its skill's index, or SW_RESULT_NO_SKILL */
	size_t flag_count, award_count, error_count;
	size_t flag_cap, award_cap, error_cap, error_skill_cap;
};

/* In a pupil's records sorted by skill, date and input order, those of
   skill k start at *at: moves *at past them and returns how many are dated
   on or before as_of (they come first). */
static inline size_t sw_skill_records(const sw_record *recs, size_t n, size_t *at, size_t k,
                                      int32_t as_of)
{
	size_t start = *at, i = start;
	while (i < n && recs[i].skill == k)
		i++;
	*at = i;
	while (i > start && recs[i - 1].date > as_of)
		i--;
	return i - start;
}

int sw_runner_open(sw_runner **out, sw_engine *eng, sw_diag *d);
/* A runner for another thread, like `first`: for a rubric computed in C
   it copies the parameters and makes no Lua state. */
int sw_runner_open_like(sw_runner **out, const sw_runner *first, sw_diag *d);
void sw_runner_free(sw_runner *r);
/* Discards the Lua state and builds a new one (after the memory limit). */
int sw_runner_reset(sw_runner *r);
/* Evaluates one pupil over records recs[0..n) (sorted by skill, date, seq),
   counting only those dated on or before as_of (INT32_MAX: all). */
int sw_runner_pupil(sw_runner *r, sw_result *res, size_t pupil, const sw_record *recs,
                    size_t n, int32_t as_of, const char *as_of_text);
/* A pupil the rubric is not run for: the evidence counts and one error, msg. */
void sw_runner_stopped(sw_runner *r, sw_result *res, size_t pupil, const sw_record *recs,
                       size_t n, int32_t as_of, const char *msg);

/* runner_framework.c */
/* The fields of an evidence record a rubric reads, as its messages list
   them: the evidence fields of fields.c but pupil and skill. */
extern const char *const sw_runner_record_fields[];
/* Builds the read-only framework tables, the strict metatables and what the
   evidence arrays need in the runner's state (setting framework_ref and the
   other refs); sw_sb_framework_key is the framework from then on. */
void sw_runner_build_framework(sw_runner *r);

/* runner_error.c */
/* Adds "RUBRIC:LINE: MESSAGE (pupil P, skill S)" to res's errors (skill NULL:
   the pupil's); msg is cut and made safe for terminals. */
void sw_runner_add_error(sw_runner *r, sw_result *res, const char *msg, const char *skill);
/* sw_runner_add_error with a message made by printf. */
void sw_runner_add_errorf(sw_runner *r, sw_result *res, const char *skill, const char *fmt, ...)
	SW_PRINTF(4, 5);
/* Turns the error on top of the stack (or a limit) into a message; pops it. */
void sw_runner_call_error(sw_runner *r, sw_result *res, const char *skill);
/* The line of the rubric, from line `from` on, that calls the helper a
   message "stepwise.NAME: ..." names; 0 when msg is not one or none does. */
int sw_runner_helper_line(const sw_runner *r, const char *msg, int from);
/* The line of skill()'s `return` a non-number step is told at; def when unsure. */
int sw_runner_return_line(const sw_runner *r, int def);

/* runner_pupil.c: one skill() call, run protected (a closure: runner_evidence.c). */
int sw_runner_skill_step(lua_State *L);

/* runner_evidence.c */
/* Makes what the evidence arrays need in a new state (after the names). */
void sw_runner_evidence_setup(sw_runner *r);
/* Pushes the evidence array of skill k of the pupil under evaluation
   (r->ranges[k] of r->pupil_recs), made when the rubric first looks. */
void sw_runner_evidence_push(sw_runner *r, lua_State *L, size_t k);
/* The index in pupil_recs of record i of view g. */
static inline size_t sw_runner_view_at(const sw_runner *r, const struct sw_runner_range *g,
                                       size_t i)
{
	return g->indexed ? r->view_idx[g->start + i] : g->start + i;
}
/* Empties the pool of record tables (a new pool_ref); may raise an error. */
void sw_runner_pool_empty(sw_runner *r, lua_State *L);
/* The key (light userdata) under which an evidence array not yet made
   keeps its pupil's number (bits 17 and up) and view (low 17 bits). */
extern const char sw_runner_lazy_key;
#define SW_RUNNER_VIEW_BITS 17

/* runner_ctx.c */
/* Makes ctx's metatable (r->ctx_mt_ref), strict over fields[0..count). */
void sw_runner_ctx_setup(sw_runner *r, const char *const *fields, size_t count);
/* Pushes a new ctx for pupil number `pupil` of the roster, whose ctx.pupil
   is made when the rubric first reads it (as_of_text may be NULL). */
void sw_runner_ctx_push(sw_runner *r, lua_State *L, size_t pupil, const char *as_of_text);

/* runner_view.c */
/* Adds the helpers' fast paths to the table the helpers see. */
void sw_runner_view_setup(sw_runner *r);
/* For the next pupil, of n records: no views but the skills', none kept. */
void sw_runner_view_begin(sw_runner *r, size_t n);

/* runner_instance.c */
/* Keeps an instance of the rubric for every pupil when no pupil could tell
   it from a fresh one (sets r->inst_ref; LUA_NOREF when not). */
void sw_runner_instance_keep(sw_runner *r);
/* After a pupil: the kept instance's globals and upvalues as the file left
   them, and the pool of records emptied when the pupil added keys to one. */
void sw_runner_instance_restore(sw_runner *r);

/* native.c */
/* SW_NATIVE_* for a built-in rubric's name, SW_NATIVE_NONE for any other. */
int sw_native_kind(const char *name);
/* Reads the merged parameters (the table at `params`) for a rubric of
   `kind`; false (nv->kind NONE) when they are not ones the C code takes
   as the Lua source would, so the Lua source runs instead. */
bool sw_native_setup(sw_native *nv, int kind, lua_State *L, int params);
/* True when a word of the source list s[0..n) names no source; the word
   (cut to size - 1 bytes) goes to `word`. */
bool sw_native_bad_source(const char *s, size_t n, char *word, size_t size);
/* True when the rubric gives the same steps whatever the order of a
   pupil's records (so they need grouping by pupil only). */
bool sw_native_order_free(const sw_native *nv);
/* All skills of one pupil: steps and evidence counts (records dated up to
   as_of) into out[k]. The records are sorted by skill, date and input
   order, or only grouped by pupil when the rubric is order-free. */
void sw_native_pupil(const sw_native *nv, const sw_framework *fw, const sw_record *recs,
                     size_t n, int32_t as_of, struct sw_skill_result *out);

int sw_result_init(sw_result *res, const sw_engine *eng);
void sw_result_clear(sw_result *res);
void sw_result_release(sw_result *res);
/* Adds a copy of text to a list of the result (flags, awards, errors). */
int sw_result_push(sw_result *res, char ***list, size_t *count, size_t *cap, const char *text);
/* Adds a copy of an error's text, of skill `skill` (an index; SW_RESULT_NO_SKILL
   for the pupil as a whole), marking that skill as failed. */
int sw_result_add_error(sw_result *res, const char *text, uint32_t skill);
/* The index of the framework's skill whose id is the string `id` (the
   framework's own pointer, or equal text); SW_RESULT_NO_SKILL for NULL. */
uint32_t sw_result_skill_index(const sw_result *res, const char *id);
#endif
