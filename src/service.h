/* service.h - the service protocol's JSON helpers (service_json.c), shared
   with the protocol itself (service.c); not installed. Prefix sw_svc_. */
#ifndef SW_SERVICE_H
#define SW_SERVICE_H
#include "internal.h"
#include "fields.h"
#include "flatjson.h"

struct cJSON;

/* Appends s[0..n) as a JSON string; invalid UTF-8 becomes U+FFFD. */
void sw_svc_put_text(sw_buf *b, const char *s, size_t n);
/* Appends the id of the request `root` (parsed from line[0..len)) as it was
   written there, without white space between tokens; null when it has none. */
void sw_svc_put_id(sw_buf *b, const struct cJSON *root, const char *line, size_t len);

/* The request's evidence array, split off its text so that its records
   are read one by one with the flat reader (a class can be large). */
typedef struct sw_svc_evlist {
	const char *text;  /* the request line */
	size_t start, end; /* the array's span in it */
	size_t *spans;     /* start and end of each record; engine allocator */
	size_t count, cap;
} sw_svc_evlist;
/* Finds the top-level member `key` of the request; false when it is not
   there exactly once as an array. The text must have passed sw_json_check. */
bool sw_svc_split(sw_svc_evlist *ev, const sw_mem *m, const char *s, size_t n, const char *key);

/* ---- requests (service.c) and the protocol 2 ops (service_ops.c) ---- */

/* One request being answered. */
typedef struct sw_svc_req {
	sw_engine *eng;
	const sw_service_options *opts;
	sw_buf body; /* what follows "ok": true, starting with ", " */
	sw_buf err;  /* the error message when the request fails */
	bool split;  /* "evidence" was read apart: its records are in ev */
	sw_svc_evlist ev;
	sw_flat flat; /* scratch of the flat reader */
} sw_svc_req;

/* Sets the request's error message (the first one wins); returns false. */
bool sw_svc_fail(sw_svc_req *R, const char *fmt, ...) SW_PRINTF(2, 3);
/* Sets the error from eng's error list (or the status rc), after `prefix`. */
bool sw_svc_fail_engine(sw_svc_req *R, sw_engine *eng, int rc, const char *prefix);
/* Appends a C string (or null) as JSON. */
void sw_svc_put_str(sw_buf *b, const char *s);
/* Appends the engine's rubric parameters as a JSON object (null without a
   rubric); false when its runner cannot be built (error set). */
bool sw_svc_put_params(sw_svc_req *R, sw_engine *eng);

/* Adds the request's evidence records (ej: the tree's "evidence", an array
   or NULL; the records are in R->ev when split) to eng, each missing pupil
   being `pupil`; a record that cannot be used goes to rej as {"index": N,
   "reason": "..."}. SW_OK or the failing status (error set). */
int sw_svc_add_evidence(sw_svc_req *R, sw_engine *eng, const struct cJSON *ej, const char *pupil,
                        sw_buf *rej);

bool sw_svc_op_evaluate_class(sw_svc_req *R, const struct cJSON *req);
bool sw_svc_op_load_framework(sw_svc_req *R, const struct cJSON *req);
bool sw_svc_op_check_rubric(sw_svc_req *R, const struct cJSON *req);
bool sw_svc_op_rubrics(sw_svc_req *R);
bool sw_svc_op_summary(sw_svc_req *R, const struct cJSON *req);
#endif
