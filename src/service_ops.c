/*
 * service_ops.c - the operations of service protocol 2 (README.md,
 * "Service mode") on a class or a framework: a class read and evaluated
 * (evaluate, check_rubric), summary, load_framework, and the evidence
 * records every op reads. The
 * request machinery and the protocol 1 ops are in service.c, the ops that
 * try rubrics in a scratch engine (rubrics, check_rubric) in service_check.c.
 */
#include "service.h"
#include "rubric.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- evidence records ---- */

/*
 * Record i of the split evidence into e: by the flat reader when it can,
 * else parsed on its own into *tree (the caller frees it). SW_OK with e
 * filled, SW_EREJECTED with the reason in why, or a failure of the
 * request (error set).
 */
static int split_record(sw_svc_req *R, sw_engine *eng, size_t i, const char *pupil,
                        sw_evidence_data *e, cJSON **tree, sw_buf *why)
{
	const char *s = R->line + R->noted[0].spans[2 * i];
	size_t n = R->noted[0].spans[2 * i + 1] - R->noted[0].spans[2 * i];
	if (sw_flat_parse(&R->flat, s, n) && sw_field_flat_evidence(e, &R->flat, pupil, true, why) > 0)
		return SW_OK;
	why->len = 0;
	if (R->flat.text.failed) {
		R->err.failed = 1;
		return SW_ENOMEM;
	}
	*e = (sw_evidence_data)SW_EVIDENCE_DATA_INIT;
	sw_diag d;
	sw_diag_init(&d, &eng->mem);
	int rc = sw_json_parse(tree, &d, "request", s, n, SW_SERVICE_MAX_REQUEST, 64);
	if (rc == SW_ENOMEM || d.oom) {
		R->err.failed = 1;
		rc = SW_ENOMEM;
	} else if (rc || d.count) { /* a key twice: as if the whole request were parsed */
		const sw_error *er = d.count ? &d.items[0] : NULL;
		sw_svc_fail(R, "invalid request: $.evidence[%zu]%s: %s", i,
		            er && er->path ? er->path + 1 : "", er ? er->message : "invalid JSON");
		rc = SW_EINVALID;
	} else {
		rc = sw_field_json_evidence(e, *tree, pupil, "missing field 'pupil'", eng->fw, why);
	}
	sw_diag_clear(&d);
	return rc;
}

int sw_svc_add_evidence(sw_svc_req *R, sw_engine *eng, const cJSON *ej, const char *pupil,
                        sw_buf *rej)
{
	sw_buf why;
	sw_buf_init(&why, &eng->mem);
	int rc = SW_OK;
	const cJSON *c = ej ? ej->child : NULL;
	size_t count = R->split ? R->noted[0].count : (size_t)-1;
	for (size_t i = 0; i < count && (R->split || c); i++) {
		sw_evidence_data e = SW_EVIDENCE_DATA_INIT;
		cJSON *tree = NULL;
		why.len = 0;
		int st = R->split ? split_record(R, eng, i, pupil, &e, &tree, &why)
		                  : sw_field_json_evidence(&e, c, pupil, "missing field 'pupil'", eng->fw,
		                                           &why);
		if (!R->split)
			c = c->next;
		if (st == SW_OK) {
			st = sw_engine_add_evidence(eng, &e);
			if (st == SW_EREJECTED) {
				const sw_error *err = sw_engine_error(eng, 0);
				sw_buf_puts(&why, err ? err->message : "rejected");
			} else if (st != SW_OK) {
				sw_svc_fail_engine(R, eng, st, "evidence: ");
				if (st == SW_ENOMEM)
					R->err.failed = 1;
			}
		}
		cJSON_Delete(tree);
		if (st == SW_EREJECTED) {
			sw_buf_printf(rej, "%s{\"index\": %zu, \"reason\": ", rej->len > 1 ? ", " : "", i);
			sw_svc_put_text(rej, why.p ? why.p : "", why.len);
			sw_buf_putc(rej, '}');
		} else if (st != SW_OK) {
			rc = st;
			break;
		}
	}
	if (why.failed || rej->failed) {
		R->err.failed = 1;
		rc = SW_ENOMEM;
	}
	sw_buf_free(&why);
	return rc;
}

/* ---- a class: pupils and their evidence ---- */

/* The results of a class, kept by request index until all are in. */
typedef struct class_results {
	sw_engine *eng;
	char **json;  /* one per pupil of the request */
	size_t count;
} class_results;

/* Keeps one pupil's result JSON at its request index (an sw_result_fn):
   the roster keeps the pupils in the order they were added. */
static int keep_result(const sw_result *r, void *payload)
{
	class_results *cr = payload;
	if (r->pupil >= cr->count || cr->json[r->pupil])
		return SW_EINVALID;
	return sw_result_json(&cr->json[r->pupil], r);
}

bool sw_svc_add_class(sw_svc_req *R, sw_engine *eng, const cJSON *pupils, const cJSON *evidence,
                      sw_buf *rej)
{
	if (!cJSON_IsArray(pupils))
		return sw_svc_fail(R, "field 'pupils' must be an array of pupil objects or ids");
	if (evidence && !cJSON_IsNull(evidence) && !cJSON_IsArray(evidence))
		return sw_svc_fail(R, "field 'evidence' must be an array");
	sw_buf why;
	sw_buf_init(&why, &eng->mem);
	bool ok = true;
	sw_pupil_room *room = NULL; /* large: taken once, for the first pupil object */
	size_t i = 0;
	for (const cJSON *c = pupils->child; c && ok; c = c->next, i++) {
		sw_pupil_data p = SW_PUPIL_DATA_INIT;
		int rc = SW_OK;
		why.len = 0;
		if (cJSON_IsString(c))
			p.id = c->valuestring;
		else if (cJSON_IsObject(c))
			rc = room || (room = sw_mem_alloc(&eng->mem, sizeof *room))
			             ? sw_field_json_pupil(&p, room, c, &why) : SW_ENOMEM;
		else
			ok = sw_svc_fail(R, "pupils[%zu] must be an object or a string (the pupil's id)", i);
		if (ok && rc == SW_EREJECTED) {
			ok = sw_svc_fail(R, "pupils[%zu]: %s", i, why.p ? why.p : "");
		} else if (ok && rc == SW_OK && (rc = sw_engine_add_pupil(eng, &p)) != SW_OK) {
			char prefix[40];
			snprintf(prefix, sizeof prefix, "pupils[%zu]: ", i);
			ok = sw_svc_fail_engine(R, eng, rc, prefix);
		}
		if (rc == SW_ENOMEM)
			R->err.failed = 1, ok = false;
	}
	sw_mem_free(&eng->mem, room);
	if (ok && sw_svc_add_evidence(R, eng, cJSON_IsArray(evidence) ? evidence : NULL, NULL, rej))
		ok = false;
	if (why.failed || rej->failed)
		R->err.failed = 1;
	sw_buf_free(&why);
	return ok && !R->err.failed;
}

bool sw_svc_evaluate_class(sw_svc_req *R, sw_engine *eng, const cJSON *as_of, sw_buf *out,
                           size_t *errors)
{
	if (as_of && !cJSON_IsNull(as_of) && !cJSON_IsString(as_of))
		return sw_svc_fail(R, "field 'as_of' must be a string (YYYY-MM-DD)");
	class_results cr = { eng, NULL, eng->roster ? eng->roster->count : 0 };
	cr.json = sw_mem_calloc(&eng->mem, cr.count ? cr.count : 1, sizeof *cr.json);
	if (!cr.json) {
		R->err.failed = 1;
		return false;
	}
	sw_eval_options eo = SW_EVAL_OPTIONS_INIT;
	eo.as_of = cJSON_IsString(as_of) ? as_of->valuestring : NULL;
	eo.isolate = eng->service_isolate; /* sw_service_set_isolate */
	sw_eval_stats st;
	int rc = sw_engine_evaluate(eng, &eo, keep_result, &cr, &st);
	if (rc == SW_EUSER) /* keep_result's own status: out of memory */
		rc = sw_engine_user_status(eng);
	if (rc) {
		sw_svc_fail_engine(R, eng, rc, "");
		if (rc == SW_ENOMEM)
			R->err.failed = 1;
	}
	sw_buf_putc(out, '[');
	for (size_t i = 0; i < cr.count; i++) {
		if (rc == SW_OK && !cr.json[i])
			rc = sw_svc_fail(R, "pupil %zu has no result", i) ? SW_OK : SW_EINVALID;
		if (rc == SW_OK) {
			if (i)
				sw_buf_puts(out, ", ");
			sw_buf_puts(out, cr.json[i]);
		}
		sw_string_free(eng, cr.json[i]);
	}
	sw_buf_putc(out, ']');
	sw_mem_free(&eng->mem, cr.json);
	if (out->failed)
		R->err.failed = 1;
	*errors = rc == SW_OK ? (size_t)st.errors : 0;
	return rc == SW_OK && !R->err.failed;
}

/* Appends the summary document json[0..n) on one line: each line break and
   the indentation after it become one space, or nothing next to a bracket
   or at the end (JSON strings hold no raw line break). */
static void put_one_line(sw_buf *b, const char *json, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (json[i] != '\n') {
			sw_buf_putc(b, json[i]);
			continue;
		}
		while (i + 1 < n && json[i + 1] == ' ')
			i++;
		char before = b->len ? b->p[b->len - 1] : '{';
		char after = i + 1 < n ? json[i + 1] : '}';
		if (before != '[' && before != '{' && after != ']' && after != '}' && after != '\n')
			sw_buf_putc(b, ' ');
	}
}

/* {"op": "summary", "pupils": [...], "evidence": [...], "as_of", "from",
 *  "school", "min_count", "roster_date"}: the class's summary document, as
 * `stepwise summary` writes it (sw_summary_make, sw_summary_json). */
bool sw_svc_op_summary(sw_svc_req *R, const cJSON *req)
{
	sw_engine *eng = R->eng;
	if (!sw_engine_framework(eng))
		return sw_svc_fail(R, "no framework is loaded");
	sw_summary_options so = SW_SUMMARY_OPTIONS_INIT;
	bool has_min;
	sw_buf why, rej;
	sw_buf_init(&why, &eng->mem);
	sw_buf_init(&rej, &eng->mem);
	bool ok = sw_field_json_text(&why, req, "as_of", &so.as_of) &&
	          sw_field_json_text(&why, req, "from", &so.from) &&
	          sw_field_json_text(&why, req, "school", &so.school) &&
	          sw_field_json_text(&why, req, "roster_date", &so.roster_date) &&
	          sw_field_json_int(&why, req, "min_count", &so.min_count, &has_min, NULL);
	if (!ok)
		sw_svc_fail(R, "%s", why.p ? why.p : "invalid request");
	else if (has_min && (so.min_count < 1 || so.min_count > 1000))
		ok = sw_svc_fail(R, "field 'min_count' must be from 1 to 1000");
	sw_buf_putc(&rej, '[');
	sw_engine_reset_data(eng);
	if (ok)
		ok = sw_svc_add_class(R, eng, cJSON_GetObjectItemCaseSensitive(req, "pupils"),
		               cJSON_GetObjectItemCaseSensitive(req, "evidence"), &rej);
	sw_buf_putc(&rej, ']');
	sw_summary *s = NULL;
	char *json = NULL;
	size_t len = 0;
	int rc = ok ? sw_summary_make(&s, eng, &so) : SW_OK;
	if (ok && rc == SW_OK)
		rc = sw_summary_json(&json, &len, s);
	if (ok && rc) {
		if (rc == SW_ENOMEM)
			R->err.failed = 1;
		ok = sw_svc_fail_engine(R, eng, rc, "summary: ");
	}
	if (ok) {
		sw_buf_puts(&R->body, ", \"summary\": ");
		put_one_line(&R->body, json, len);
		sw_buf_printf(&R->body, ", \"rubric_errors\": %llu, \"rejected\": ",
		              (unsigned long long)sw_summary_eval_errors(s));
		sw_buf_add(&R->body, rej.p, rej.len);
		if (rej.failed)
			R->body.failed = 1;
	}
	free(json);
	sw_summary_free(s);
	sw_engine_reset_data(eng);
	sw_buf_free(&why);
	sw_buf_free(&rej);
	return ok;
}

/* ---- frameworks ---- */

/* {"op": "load_framework", "framework": {...}} or {"op": "load_framework", "name": ID} */
bool sw_svc_op_load_framework(sw_svc_req *R, const cJSON *req)
{
	const cJSON *doc = cJSON_GetObjectItemCaseSensitive(req, "framework");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(req, "name");
	if (!doc == !name)
		return sw_svc_fail(R, "give either 'framework' (the framework document, an object) or "
		                   "'name' (a bundled framework: skills-builder-v2, skills-builder-v1, "
		                   "example-school)");
	if (doc && !cJSON_IsObject(doc))
		return sw_svc_fail(R, "field 'framework' must be an object (the framework document)");
	if (name && !cJSON_IsString(name))
		return sw_svc_fail(R, "field 'name' must be a string");
	sw_engine *eng = R->eng;
	int rc;
	if (name) {
		rc = sw_engine_load_framework_builtin(eng, name->valuestring);
	} else {
		char *text = cJSON_PrintUnformatted(doc);
		if (!text) {
			R->err.failed = 1;
			return false;
		}
		rc = sw_engine_load_framework_buffer(eng, text, strlen(text), "request");
		cJSON_free(text);
	}
	if (rc) {
		if (rc == SW_ENOMEM)
			R->err.failed = 1;
		return sw_svc_fail_engine(R, eng, rc, "framework: ");
	}
	sw_svc_put_str(&R->body, ", \"framework\": ", sw_framework_id(eng->fw));
	sw_buf_printf(&R->body, ", \"skills\": %zu", sw_framework_skill_count(eng->fw));
	return sw_svc_put_rubric(R);
}
