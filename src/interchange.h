/*
 * interchange.h - what the CASE and OneRoster modules share (interchange.c):
 * reporting notices, making ids and labels from foreign text, ordering
 * codes such as "RP.A.10" naturally, and a small pretty JSON writer.
 */
#ifndef SW_INTERCHANGE_H
#define SW_INTERCHANGE_H

#include "internal.h"

struct cJSON;

/* Where notices go during one import or export. */
typedef struct sw_notify {
	sw_notice_fn fn;
	void *payload;
	const sw_mem *m;
	uint64_t count;
	int oom; /* a message could not be formatted */
} sw_notify;

/* The start of an import or export call: *out, *len (each may be NULL) and
   the caller's stats (size bytes) cleared, the engine's errors too; then the
   path (a `noun`) must be given and the options (named `opts`) of a known
   version. SW_EINVALID (with a message when there is an engine) otherwise. */
int sw_ic_begin(char **out, size_t *len, sw_engine *eng, void *stats, size_t size,
                const char *path, const char *noun, bool known, const char *opts);
/* The end of one: with rc SW_OK hands b's text to *out and its length to
   *len; frees b; "out of memory" for `what` when nothing else was said.
   Returns rc. */
int sw_ic_end(char **out, size_t *len, sw_engine *eng, sw_buf *b, int rc, const char *what);

/* Formats a message and hands it to the callback (if any); counts it. */
void sw_notify_send(sw_notify *n, const char *file, uint64_t line, const char *path,
                    const char *fmt, ...) SW_PRINTF(5, 6);

/* Appends an id made from s: ASCII letters (accents and case removed),
   digits, '.', '_' and '-', other runs turned into '-', at most 64 bytes,
   starting with a letter or digit. Appends nothing when nothing is left. */
void sw_slug(sw_buf *b, const char *s);

/* Appends a one-line label made from s: white space runs become one space;
   text longer than `max` characters is cut at a word boundary (never inside
   a UTF-8 character) and "..." added, `max` characters in all. */
void sw_label(sw_buf *b, const char *s, size_t max);

/* Compares two strings with runs of digits compared as numbers ("A.9" < "A.10"). */
int sw_natcmp(const char *a, const char *b);

/* A key of an index: a string (an id, or of another kind) and the position
   of what has it. */
typedef struct sw_ic_key {
	const char *s;
	int kind;
	size_t at;
} sw_ic_key;
/* Orders keys by string, kind, then position (a qsort comparison). */
int sw_ic_key_cmp(const void *a, const void *b);
/* The position of the first of keys[0..n) (in that order) with string s of
   this kind, or SIZE_MAX. */
size_t sw_ic_key_find(const sw_ic_key *keys, size_t n, const char *s, int kind);


/* A pretty JSON writer: two-space indentation, or containers on one line. */
#define SW_JW_MAX 16
typedef struct sw_jw {
	sw_buf *b;
	int depth;
	bool empty[SW_JW_MAX], one_line[SW_JW_MAX];
	char close[SW_JW_MAX];
} sw_jw;

void sw_jw_init(sw_jw *w, sw_buf *b);
/* Opens an object ('{') or array ('[') as member `key` (NULL in an array or at the top). */
void sw_jw_open(sw_jw *w, const char *key, char bracket, bool one_line);
void sw_jw_close(sw_jw *w);
/* A string member (nothing is written for NULL). */
void sw_jw_str(sw_jw *w, const char *key, const char *s);
void sw_jw_int(sw_jw *w, const char *key, long long v);
/* A member of obj that is a non-empty string, or NULL. */
const char *sw_ic_str(const struct cJSON *obj, const char *key);
/* A member whose value is the JSON of a cJSON tree, on one line (nothing for NULL). */
void sw_jw_tree(sw_jw *w, const char *key, const struct cJSON *v);

#endif
