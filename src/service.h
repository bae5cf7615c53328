/* service.h - what the service's files share: the request (service.c), its
   JSON helpers, and the ops of protocol 2 (service_ops.c, service_check.c);
   not installed. Prefix sw_svc_. */
#ifndef SW_SERVICE_H
#define SW_SERVICE_H
#include "internal.h"
#include "fields.h"
#include "flatjson.h"

struct cJSON;

/* Appends s[0..n) as a JSON string; invalid UTF-8 becomes U+FFFD. */
void sw_svc_put_text(sw_buf *b, const char *s, size_t n);

/* ---- requests (service.c) and the protocol 2 ops ---- */

/* One request being answered. */
typedef struct sw_svc_req {
	sw_engine *eng;
	const sw_service_options *opts;
	sw_buf body; /* what follows "ok": true, starting with ", " */
	sw_buf err;  /* the error message when the request fails */
	const char *line; /* the request's text */
	bool split;  /* "evidence" was read apart: its records' places are in noted[0] */
	sw_json_member noted[2]; /* "evidence" and "id" in line (sw_json_check_at) */
	sw_flat flat; /* scratch of the flat reader */
} sw_svc_req;

/* Sets the request's error message (the first one wins); returns false. */
bool sw_svc_fail(sw_svc_req *R, const char *fmt, ...) SW_PRINTF(2, 3);
/* Sets the error from eng's error list (or the status rc), after `prefix`. */
bool sw_svc_fail_engine(sw_svc_req *R, sw_engine *eng, int rc, const char *prefix);
/* Appends text (such as ", \"name\": "), then a C string (or null) as JSON. */
void sw_svc_put_str(sw_buf *b, const char *text, const char *s);
/* Appends the rubric's name and its parameters as a JSON object (null
   without a rubric) to the reply; false when its runner cannot be built
   (error set). */
bool sw_svc_put_rubric(sw_svc_req *R);

/* Adds the request's evidence records (ej: the tree's "evidence", an array
   or NULL; their places are in R->noted[0] when split) to eng, each missing pupil
   being `pupil`; a record that cannot be used goes to rej as {"index": N,
   "reason": "..."}. SW_OK or the failing status (error set). */
int sw_svc_add_evidence(sw_svc_req *R, sw_engine *eng, const struct cJSON *ej, const char *pupil,
                        sw_buf *rej);

/* Adds the request's pupils (ids or objects, in order) and evidence to eng,
   which must hold no data. A pupil that cannot be used fails the request
   ("pupils[3]: ..."); an evidence record that cannot be used is listed in
   rej as {"index": N, "reason": "..."}. False with the error set. */
bool sw_svc_add_class(sw_svc_req *R, sw_engine *eng, const struct cJSON *pupils,
                      const struct cJSON *evidence, sw_buf *rej);
/* Evaluates the pupils of eng and appends their results to out as a JSON
   array in the order they were added; *errors counts the rubric errors in
   them. False with the error set. */
bool sw_svc_evaluate_class(sw_svc_req *R, sw_engine *eng, const struct cJSON *as_of,
                           sw_buf *out, size_t *errors);

bool sw_svc_op_load_framework(sw_svc_req *R, const struct cJSON *req);
bool sw_svc_op_check_rubric(sw_svc_req *R, const struct cJSON *req);
bool sw_svc_op_rubrics(sw_svc_req *R, const struct cJSON *req);
bool sw_svc_op_summary(sw_svc_req *R, const struct cJSON *req);
#endif
