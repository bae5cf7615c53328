/*
 * internal.h - declarations shared by the library's modules; not installed.
 * Prefixes: sw_mem_/sw_buf_ (alloc.c), sw_diag_ (error.c), sw_text_
 * (text.c), sw_json_ (json.c), sw_fw_ (framework.c).
 */
#ifndef SW_INTERNAL_H
#define SW_INTERNAL_H

#include "stepwise.h"
#include <locale.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#define SW_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* ---- alloc.c: the one place memory comes from ---- */

typedef struct sw_mem {
	void *(*fn)(void *ud, void *ptr, size_t size);
	void *ud;
} sw_mem;

void sw_mem_init(sw_mem *m, const sw_allocator *a);
void *sw_mem_alloc(const sw_mem *m, size_t n);
void *sw_mem_calloc(const sw_mem *m, size_t count, size_t size);
void *sw_mem_realloc(const sw_mem *m, void *p, size_t n);
void sw_mem_free(const sw_mem *m, void *p);
char *sw_mem_strndup(const sw_mem *m, const char *s, size_t n);
char *sw_mem_strdup(const sw_mem *m, const char *s);
/* Grows *arr (elements of `size` bytes) to hold at least `need`; 0 or SW_ENOMEM. */
int sw_mem_grow(const sw_mem *m, void **arr, size_t *cap, size_t need, size_t size);

/* A growable byte buffer; `failed` is set once an allocation fails and
   all later additions are ignored, so callers check once at the end. */
typedef struct sw_buf {
	char *p;
	size_t len, cap;
	const sw_mem *m;
	int failed;
} sw_buf;

void sw_buf_init(sw_buf *b, const sw_mem *m);
void sw_buf_add_slow(sw_buf *b, const char *s, size_t n);
/* Appends n bytes of s (inline when they fit: readers call it for every field). */
static inline void sw_buf_add(sw_buf *b, const char *s, size_t n)
{
	if (n < b->cap - b->len && !b->failed) {
		if (n)
			memcpy(b->p + b->len, s, n);
		b->len += n;
		b->p[b->len] = '\0';
	} else {
		sw_buf_add_slow(b, s, n);
	}
}
/* Makes room for n more bytes and a NUL; false (b->failed set) when it cannot. */
bool sw_buf_reserve(sw_buf *b, size_t n);
void sw_buf_puts(sw_buf *b, const char *s);
void sw_buf_putc_slow(sw_buf *b, char c);
/* Appends one byte (inline: the CSV reader calls it for every byte). */
static inline void sw_buf_putc(sw_buf *b, char c)
{
	if (b->len + 1 < b->cap && !b->failed) {
		b->p[b->len++] = c;
		b->p[b->len] = '\0';
	} else {
		sw_buf_putc_slow(b, c);
	}
}
void sw_buf_printf(sw_buf *b, const char *fmt, ...) SW_PRINTF(2, 3);
void sw_buf_vprintf(sw_buf *b, const char *fmt, va_list ap);
/* Appends `before`, at most max bytes of s, never splitting a UTF-8
   character, and "..." when s was longer, then `after` (for quoting input
   in messages). */
void sw_buf_clip(sw_buf *b, const char *before, const char *s, size_t max, const char *after);
/* The same for the text s[0..n), which ends early at a NUL. */
void sw_buf_clip_n(sw_buf *b, const char *before, const char *s, size_t n, size_t max,
                   const char *after);
/* NUL-terminated contents, or NULL after a failure; stays owned by b. */
const char *sw_buf_cstr(sw_buf *b);
/* Hands the NUL-terminated contents to the caller (free with sw_mem_free). */
char *sw_buf_take(sw_buf *b);
void sw_buf_free(sw_buf *b);

/* ---- error.c: lists of errors with locations ---- */

typedef struct sw_diag {
	sw_error *items;
	size_t count, cap, total;
	const sw_mem *m;
	int oom; /* an error could not be recorded for lack of memory */
} sw_diag;

void sw_diag_init(sw_diag *d, const sw_mem *m);
void sw_diag_clear(sw_diag *d);
/* Records an error (the first SW_MAX_ERRORS are kept); returns `code`. */
int sw_diag_add(sw_diag *d, int code, const char *file, uint64_t line, uint32_t col,
                const char *path, const char *fmt, ...) SW_PRINTF(7, 8);
int sw_diag_vadd(sw_diag *d, int code, const char *file, uint64_t line, uint32_t col,
                 const char *path, const char *fmt, va_list ap);

/* ---- text.c: UTF-8 via utf8proc ---- */

/* True when s[0..n) is valid UTF-8 with no NUL byte. */
bool sw_text_valid(const char *s, size_t n);
/* Byte offset of the first invalid sequence, or n when all is valid. */
size_t sw_text_invalid_at(const char *s, size_t n);
/* NFC copy of valid UTF-8 s[0..n) into a new string (sw_mem_free);
   SW_OK, SW_EINVALID (not valid UTF-8) or SW_ENOMEM. */
int sw_text_nfc(const sw_mem *m, const char *s, size_t n, char **out, size_t *outlen);
/* 1 when s[0..n) is valid UTF-8 without NUL and already in NFC by a quick
   check (most text), 0 when valid but NFC must be computed, -1 when invalid. */
int sw_text_check_nfc(const char *s, size_t n);
/* Checks text is valid UTF-8 without NUL and puts its NFC form in b
   (cleared first); false when invalid. Text already in NFC is copied. */
bool sw_text_norm(sw_buf *b, const char *s, size_t n);
/* A matching key: NFC, case-folded, with ' ' and '_' turned into '-'
   and surrounding white space removed. Appends to b. Returns false for invalid UTF-8. */
bool sw_text_key(sw_buf *b, const char *s, size_t n);
/* Byte length of the longest prefix of s whose display width is <= width,
   never splitting a character. */
size_t sw_text_fit(const char *s, size_t width);
/* True when s is an id of the framework format: ^[a-z0-9][a-z0-9_.-]{0,63}$ */
bool sw_text_id(const char *s);
/* Turns control characters in s[0..n) into '?', so that a message quoting a
   file stays on one line and sends no escape sequences to a terminal. */
void sw_text_mask_controls(char *s, size_t n);
/* Trims ASCII and Unicode white space at both ends; returns the new span. */
void sw_text_trim_slow(const char **s, size_t *n);
static inline void sw_text_trim(const char **s, size_t *n)
{
	const unsigned char *p = (const unsigned char *)*s;
	size_t len = *n;
	/* the usual case, inline: nothing to trim */
	if (len && p[0] > ' ' && p[0] != 0xC2 && p[len - 1] > ' ' && p[len - 1] != 0xA0)
		return;
	sw_text_trim_slow(s, n);
}

/* ---- json.c: cJSON with positions, paths and strictness ---- */

struct cJSON;

/* A JSON path under construction, such as $.skills[2].steps[0].step; it
   starts as SW_JPATH_ROOT. */
typedef struct sw_jpath {
	char buf[512];
	size_t len;
} sw_jpath;
#define SW_JPATH_ROOT { "$", 1 }

size_t sw_jpath_key(sw_jpath *p, const char *key);   /* returns the old length */
size_t sw_jpath_index(sw_jpath *p, size_t i);        /* returns the old length */
void sw_jpath_restore(sw_jpath *p, size_t len);

/*
 * Parses a whole JSON document strictly: size and depth limits, syntax
 * errors with line and column, keys given twice in one object. Returns
 * SW_OK with *out (free with cJSON_Delete) or records errors in d. Keys
 * given twice are recorded in d but do not stop the parse: the caller
 * compares d->total before and after.
 */
int sw_json_parse(struct cJSON **out, sw_diag *d, const char *name, const char *data,
                  size_t len, size_t max_bytes, int max_depth);
/* cJSON_ParseWithLengthOpts without a trailing-NUL check, safe from any thread
   (cJSON keeps its last error in a global: parses are serialized). */
struct cJSON *sw_cjson_parse(const char *s, size_t n, const char **end);
/* True when item is a finite number with an integer value in int range. */
bool sw_json_int(const struct cJSON *item, int *out);
/* Reads a whole file into memory (NUL-terminated); SW_EIO with a message in d. */
int sw_file_read(char **out, size_t *len, sw_diag *d, const sw_mem *m, const char *path,
                 size_t max_bytes);

/* ---- framework.c ---- */

typedef struct sw_step_def {
	char *label, *text;
	int stage; /* index or -1 */
} sw_step_def;

/* A "how to help at home" line for a band of a skill's steps. */
typedef struct sw_home {
	int first, last;
	char *text;
} sw_home;

struct sw_skill {
	char *id, *name, *description;
	sw_home *home;      /* optional, ascending bands */
	size_t home_count;
	int group; /* index or -1 */
	char **aliases;
	size_t alias_count;
	int min, max;
	sw_step_def *steps; /* max - min + 1 once valid */
	size_t step_count;  /* elements allocated in steps */
	size_t index;
	const struct sw_framework *fw;
};

typedef struct sw_named {
	char *id, *name;
	int first, last; /* stages only */
} sw_named;

#define SW_YEARS 15 /* school years 0 (Reception) to 14 */
#define SW_NO_STEP (-2147483647 - 1)

typedef struct sw_fw_key {
	char *key; /* sw_text_key of an id, alias or name */
	size_t skill;
} sw_fw_key;

struct sw_framework {
	const sw_mem *m;
	char *id, *name, *version, *attribution, *license;
	bool expectations_indicative; /* the framework says its expected steps are a guide */
	sw_named *groups, *stages;
	size_t group_count, stage_count;
	struct sw_skill *skills;
	size_t skill_count;
	int *expected; /* skill_count * SW_YEARS, SW_NO_STEP when none */
	sw_fw_key *keys; /* sorted by key */
	size_t key_count;
};

int sw_fw_load(sw_framework **out, sw_diag *d, const sw_mem *m, const char *name,
               const char *data, size_t len);
void sw_fw_free(sw_framework *fw);
/* Finds a skill by an already computed sw_text_key; NULL when none. */
const sw_skill *sw_fw_find_key(const sw_framework *fw, const char *key, size_t len);
/* sw_framework_find_skill telling SW_ENOMEM from SW_ENOTFOUND (*out NULL then). */
int sw_fw_find_skill(const sw_skill **out, const sw_framework *fw, const char *text);

/* ---- write.c: quoting shared by the writers ---- */

/* Appends s as one CSV field, quoted when it needs to be. */
void sw_csv_put(sw_buf *b, const char *s);
/* Appends s as a JSON string (null for NULL). */
void sw_json_put(sw_buf *b, const char *s);
/* Appends text, then s as a JSON string: a key and its value, or a separator and an item. */
void sw_json_put_after(sw_buf *b, const char *text, const char *s);

/* ---- engine.c ---- */

struct sw_roster;
struct sw_evidence;
struct sw_rubric;

struct sw_engine {
	sw_mem mem;
	sw_diag diag;
	char *rubric_path;
	uint64_t instruction_limit;
	size_t memory_limit, pattern_limit;
	FILE *print_stream;
	sw_write_fn print_fn;         /* instead of print_stream when set */
	void *print_payload;
	sw_framework *fw;
	struct sw_roster *roster;     /* pupils: roster.c */
	struct sw_evidence *evidence; /* evidence store: evidence.c */
	struct sw_adder *adder;       /* checking records added one at a time: evidence.c */
	struct sw_rubric *rubric;     /* rubric.c */
	int user_status;              /* what a host's callback returned to stop a call */
	int service_isolate;          /* sw_service_set_isolate */
	int isolate;                  /* sw_engine_set_isolate: SW_ISOLATE_* */
};

/*
 * Numbers are read and written the same whatever the host's locale: code
 * that formats or parses them with the C library (Lua above all) runs
 * between these two on the calling thread, in the "C" locale. glibc's C
 * locale object is static, so this allocates nothing.
 */
static inline locale_t sw_locale_enter(void)
{
	locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	return c ? uselocale(c) : (locale_t)0;
}
static inline void sw_locale_leave(locale_t old)
{
	if (old)
		freelocale(uselocale(old));
}

/* A stdio stream that writes through a host's sw_write_fn (wstream.c). */
typedef struct sw_wstream {
	sw_write_fn fn;
	void *payload;
	int user; /* what fn returned to stop, or 0 */
	FILE *f;
} sw_wstream;
/* Opens ws->f (also returned; NULL when fn is NULL or out of memory). */
FILE *sw_wstream_open(sw_wstream *ws, sw_write_fn fn, void *payload);
/* rc, or SW_EUSER (kept in eng when given) when the callback stopped it. */
int sw_wstream_status(const sw_wstream *ws, sw_engine *eng, int rc);
/* Closes the stream (flushing it); the status as sw_wstream_status. */
int sw_wstream_close(sw_wstream *ws, sw_engine *eng, int rc);

/* Clears the error list at the start of a public call that can fail. */
void sw_engine_begin(sw_engine *eng);
/* A host's callback returned `value` (non-zero): keeps it for
   sw_engine_user_status, records why, and returns SW_EUSER. */
int sw_engine_stopped(sw_engine *eng, int value);
/* Counts one evaluated pupil's result in stats and hands it to fn (when
   there is one); SW_EUSER (sw_engine_stopped) when fn stops (evaluate.c). */
int sw_result_hand(sw_engine *eng, sw_eval_stats *stats, sw_result_fn fn, void *payload,
                   const sw_result *res);
/* Frees the pupils and evidence (engine_data.c). */
void sw_engine_clear_data(sw_engine *eng);
/* Frees the engine's rubric and its runner (rubric.c). */
void sw_rubric_free_engine(sw_engine *eng);
/* Drops the rubric's runner, which holds tables of the old framework. */
void sw_rubric_forget_runner(sw_engine *eng);

#endif
