/*
 * service.c - the JSON-lines service protocol (README.md, "Service mode"):
 * one request in, one response out, on an engine. Requests are parsed
 * strictly (json.c); every response carries the request's id as it was
 * written; a bad request gets {"ok": false, "error": ...}, never a failure.
 * The JSON helpers (id, text, pupils and evidence) are in service_json.c.
 */
#include "service.h"
#include "rubric.h"

#include <cJSON.h>
#include <string.h>

#define MAX_DEPTH 64

/* One request being answered. */
typedef struct request {
	sw_engine *eng;
	sw_buf body; /* what follows "ok": true, starting with ", " */
	sw_buf err;  /* the error message when the request fails */
} request;

/* Appends a C string (or null) as JSON. */
static void put_str(sw_buf *b, const char *s)
{
	if (s)
		sw_svc_put_text(b, s, strlen(s));
	else
		sw_buf_puts(b, "null");
}

/* Sets the request's error message (the first one wins). */
static bool fail(request *R, const char *fmt, ...) SW_PRINTF(2, 3);
static bool fail(request *R, const char *fmt, ...)
{
	if (R->err.len)
		return false;
	va_list ap;
	va_start(ap, fmt);
	sw_buf_vprintf(&R->err, fmt, ap);
	va_end(ap);
	return false;
}

/* Sets the error from the engine's error list (or the status), after `prefix`. */
static bool fail_engine(request *R, int rc, const char *prefix)
{
	if (R->err.len)
		return false;
	sw_buf *b = &R->err;
	sw_buf_puts(b, prefix);
	size_t n = sw_engine_error_count(R->eng);
	for (size_t i = 0; i < n; i++) {
		const sw_error *e = sw_engine_error(R->eng, i);
		if (i)
			sw_buf_puts(b, "; ");
		if (e->file && e->line)
			sw_buf_printf(b, "%s:%llu: ", e->file, (unsigned long long)e->line);
		else if (e->file)
			sw_buf_printf(b, "%s: ", e->file);
		if (e->path)
			sw_buf_printf(b, "%s: ", e->path);
		sw_buf_puts(b, e->message);
	}
	if (!n)
		sw_buf_puts(b, sw_status_string(rc));
	size_t total = sw_engine_error_total(R->eng);
	if (total > n)
		sw_buf_printf(b, "; and %zu more errors", total - n);
	return false;
}

/* A short quotation of user text: at most 40 bytes, cut between characters. */
static int quote_len(const char *s)
{
	size_t n = strlen(s);
	if (n <= 40)
		return (int)n;
	n = 40;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return (int)n;
}

/* ---- evaluate ---- */

/* Keeps the one result's JSON (an sw_result_fn). */
static int keep_json(const sw_result *r, void *payload)
{
	char **json = payload;
	return *json ? SW_OK : sw_result_json(json, r);
}

/* Adds the request's evidence, writing the rejected records to rej. */
static int add_evidence(request *R, const cJSON *list, const char *pupil, sw_buf *rej)
{
	sw_buf why;
	sw_buf_init(&why, &R->eng->mem);
	int rc = SW_OK;
	size_t i = 0;
	for (const cJSON *c = list ? list->child : NULL; c && rc == SW_OK; c = c->next, i++) {
		sw_evidence_data e = SW_EVIDENCE_DATA_INIT;
		why.len = 0;
		if (sw_svc_evidence(&e, c, pupil, &why)) {
			int st = sw_engine_add_evidence(R->eng, &e);
			if (st == SW_EREJECTED) {
				sw_buf_puts(&why, sw_engine_error(R->eng, 0) ? sw_engine_error(R->eng, 0)->message
				                                           : "rejected");
			} else if (st != SW_OK) {
				fail_engine(R, st, "evidence: ");
				rc = st;
				break;
			} else {
				continue;
			}
		}
		sw_buf_printf(rej, "%s{\"index\": %zu, \"reason\": ", rej->len > 1 ? ", " : "", i);
		sw_svc_put_text(rej, why.p ? why.p : "", why.len);
		sw_buf_putc(rej, '}');
		if (why.failed)
			rc = SW_ENOMEM;
	}
	sw_buf_free(&why);
	return rc;
}

/* {"op": "evaluate", "pupil": {...} or "ID", "evidence": [...], "as_of": DATE} */
static bool op_evaluate(request *R, const cJSON *req)
{
	sw_engine *eng = R->eng;
	const cJSON *pj = cJSON_GetObjectItemCaseSensitive(req, "pupil");
	const cJSON *ej = cJSON_GetObjectItemCaseSensitive(req, "evidence");
	const cJSON *aj = cJSON_GetObjectItemCaseSensitive(req, "as_of");
	if (!sw_engine_framework(eng))
		return fail(R, "no framework is loaded");
	if (!pj)
		return fail(R, "missing field 'pupil'");
	if (!cJSON_IsObject(pj) && !cJSON_IsString(pj))
		return fail(R, "field 'pupil' must be an object or a string (the pupil's id)");
	if (ej && !cJSON_IsNull(ej) && !cJSON_IsArray(ej))
		return fail(R, "field 'evidence' must be an array");
	if (aj && !cJSON_IsNull(aj) && !cJSON_IsString(aj))
		return fail(R, "field 'as_of' must be a string (YYYY-MM-DD)");
	sw_pupil_data p = SW_PUPIL_DATA_INIT;
	pupil_space sp = { 0 };
	sw_buf why, rej;
	sw_buf_init(&why, &eng->mem);
	sw_buf_init(&rej, &eng->mem);
	int rc = SW_OK;
	if (cJSON_IsString(pj))
		p.id = pj->valuestring;
	else
		rc = sw_svc_pupil(&p, &sp, &eng->mem, pj, &why);
	sw_engine_reset_data(eng);
	if (rc == SW_EREJECTED) {
		fail(R, "pupil: %s", why.p ? why.p : "");
	} else if (rc == SW_OK && (rc = sw_engine_add_pupil(eng, &p)) != SW_OK) {
		fail_engine(R, rc, "pupil: ");
	} else if (rc == SW_OK) {
		sw_buf_putc(&rej, '[');
		rc = add_evidence(R, cJSON_IsArray(ej) ? ej : NULL, p.id, &rej);
		sw_buf_putc(&rej, ']');
	}
	char *json = NULL;
	if (rc == SW_OK) {
		sw_eval_options eo = SW_EVAL_OPTIONS_INIT;
		eo.as_of = cJSON_IsString(aj) ? aj->valuestring : NULL;
		eo.isolate = eng->service_isolate;
		rc = sw_engine_evaluate(eng, &eo, keep_json, &json, NULL);
		if (rc)
			fail_engine(R, rc, "");
	}
	if (rc == SW_OK && json) {
		sw_buf_puts(&R->body, ", \"result\": ");
		sw_buf_puts(&R->body, json);
		sw_buf_puts(&R->body, ", \"rejected\": ");
		sw_buf_add(&R->body, rej.p ? rej.p : "[]", rej.p ? rej.len : 2);
		if (rej.failed)
			R->body.failed = 1;
	} else if (rc == SW_OK) {
		rc = SW_ENOMEM; /* the result could not be written */
	}
	if (rc == SW_ENOMEM || why.failed)
		R->body.failed = 1;
	sw_string_free(eng, json);
	sw_engine_reset_data(eng);
	sw_svc_space_free(&eng->mem, &sp);
	sw_buf_free(&why);
	sw_buf_free(&rej);
	return rc == SW_OK;
}

/* ---- the other ops ---- */

/* Appends the rubric's name and parameters. */
static void put_rubric(request *R)
{
	sw_buf_puts(&R->body, ", \"rubric\": ");
	put_str(&R->body, sw_engine_rubric_name(R->eng));
	sw_buf_puts(&R->body, ", \"params\": ");
	put_str(&R->body, sw_engine_rubric_params(R->eng));
}

/* Copies the parameters the host set (key and value, each NUL-terminated)
   into `saved`, to put back when a change fails. */
static void save_params(sw_engine *eng, sw_buf *saved)
{
	size_t n = eng->rubric ? eng->rubric->param_count : 0;
	for (size_t i = 0; i < n; i++) {
		sw_buf_add(saved, eng->rubric->param_keys[i], strlen(eng->rubric->param_keys[i]) + 1);
		sw_buf_add(saved, eng->rubric->param_values[i],
		           strlen(eng->rubric->param_values[i]) + 1);
	}
}

/* Puts the saved parameters back on the engine's rubric, after the error
   of the failed change was kept; marks the request out of memory if that
   fails. */
static void restore_params(request *R, const sw_buf *saved)
{
	if (sw_engine_clear_params(R->eng) == SW_ENOMEM)
		R->err.failed = 1;
	for (size_t at = 0; at < saved->len;) {
		const char *k = saved->p + at, *v = k + strlen(k) + 1;
		at = (size_t)(v - saved->p) + strlen(v) + 1;
		if (sw_engine_set_param(R->eng, k, v) == SW_ENOMEM)
			R->err.failed = 1;
	}
}

/* {"op": "load_rubric", "path": NAME-OR-PATH} or {"op": "load_rubric", "source": LUA, "name": N} */
static bool op_load_rubric(request *R, const cJSON *req)
{
	const cJSON *path = cJSON_GetObjectItemCaseSensitive(req, "path");
	const cJSON *src = cJSON_GetObjectItemCaseSensitive(req, "source");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(req, "name");
	if (!path == !src)
		return fail(R, "give either 'path' (a built-in rubric name or a .lua file) or "
		            "'source' (the rubric's Lua text)");
	if ((path && !cJSON_IsString(path)) || (src && !cJSON_IsString(src)))
		return fail(R, "field '%s' must be a string", path ? "path" : "source");
	if (name && !cJSON_IsString(name))
		return fail(R, "field 'name' must be a string");
	/* the new rubric starts from its own defaults; the old parameters come
	   back if it fails to load */
	sw_engine *eng = R->eng;
	sw_buf saved;
	sw_buf_init(&saved, &eng->mem);
	save_params(eng, &saved);
	int rc = saved.failed ? SW_ENOMEM : sw_engine_clear_params(eng);
	if (rc == SW_OK)
		rc = path ? sw_engine_load_rubric(eng, path->valuestring)
		          : sw_engine_load_rubric_buffer(eng, src->valuestring, strlen(src->valuestring),
		                                         name ? name->valuestring : "request.lua");
	if (rc) {
		fail_engine(R, rc, "");
		if (!saved.failed)
			restore_params(R, &saved); /* also after SW_ENOMEM: best effort */
		if (saved.failed || rc == SW_ENOMEM)
			R->err.failed = 1;
	}
	sw_buf_free(&saved);
	if (rc)
		return false;
	put_rubric(R);
	return true;
}

/* {"op": "set_params", "params": {"times": 3, "sources": "teacher"}}: all or none */
static bool op_set_params(request *R, const cJSON *req)
{
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(req, "params");
	if (!cJSON_IsObject(params))
		return fail(R, "field 'params' must be an object such as {\"times\": 3}");
	char num[32];
	for (const cJSON *c = params->child; c; c = c->next)
		if (!sw_svc_scalar(c, num))
			return fail(R, "parameter '%.*s' must be a string, a number or true/false",
			            quote_len(c->string), c->string);
	sw_buf saved;
	sw_buf_init(&saved, &R->eng->mem);
	save_params(R->eng, &saved);
	int rc = saved.failed ? SW_ENOMEM : SW_OK;
	for (const cJSON *c = params->child; c && rc == SW_OK; c = c->next)
		rc = sw_engine_set_param(R->eng, c->string, sw_svc_scalar(c, num));
	if (rc) {
		fail_engine(R, rc, "");
		if (!saved.failed)
			restore_params(R, &saved); /* also after SW_ENOMEM: best effort */
		if (saved.failed || rc == SW_ENOMEM)
			R->err.failed = 1;
	}
	sw_buf_free(&saved);
	if (rc)
		return false;
	put_rubric(R);
	return true;
}

/* {"op": "framework"} */
static bool op_framework(request *R)
{
	const sw_framework *fw = sw_engine_framework(R->eng);
	if (!fw)
		return fail(R, "no framework is loaded");
	char *json;
	if (sw_framework_json(&json, fw)) {
		R->body.failed = 1;
		return false;
	}
	sw_buf_puts(&R->body, ", \"framework\": ");
	sw_buf_puts(&R->body, json);
	sw_string_free(R->eng, json);
	return true;
}

/* {"op": "ping"} */
static bool op_ping(request *R)
{
	sw_buf_puts(&R->body, ", \"version\": ");
	put_str(&R->body, sw_version());
	sw_buf_puts(&R->body, ", \"framework\": ");
	put_str(&R->body, sw_framework_id(sw_engine_framework(R->eng)));
	put_rubric(R);
	return true;
}

/* ---- the request ---- */

/* Parses the request and runs its op. */
static void dispatch(request *R, cJSON **root, const char *line, size_t len)
{
	sw_diag d;
	sw_diag_init(&d, &R->eng->mem);
	int rc = sw_json_parse(root, &d, "request", line, len, SW_SERVICE_MAX_REQUEST, MAX_DEPTH);
	if (rc == SW_ENOMEM || d.oom) {
		R->err.failed = 1;
	} else if (rc || d.count) {
		const sw_error *e = d.count ? &d.items[0] : NULL;
		if (!e)
			fail(R, "invalid JSON");
		else if (e->path)
			fail(R, "invalid request: %s: %s", e->path, e->message);
		else
			fail(R, "invalid JSON at column %u: %s", e->column, e->message);
	}
	sw_diag_clear(&d);
	if (R->err.len || R->err.failed)
		return;
	const cJSON *req = *root;
	if (!cJSON_IsObject(req)) {
		fail(R, "a request must be a JSON object such as {\"id\": 1, \"op\": \"ping\"}");
		return;
	}
	const cJSON *op = cJSON_GetObjectItemCaseSensitive(req, "op");
	if (!op) {
		fail(R, "missing field 'op'");
		return;
	}
	if (!cJSON_IsString(op)) {
		fail(R, "field 'op' must be a string");
		return;
	}
	const char *o = op->valuestring;
	if (strcmp(o, "evaluate") == 0)
		op_evaluate(R, req);
	else if (strcmp(o, "load_rubric") == 0)
		op_load_rubric(R, req);
	else if (strcmp(o, "set_params") == 0)
		op_set_params(R, req);
	else if (strcmp(o, "framework") == 0)
		op_framework(R);
	else if (strcmp(o, "ping") == 0)
		op_ping(R);
	else
		fail(R, "unknown op '%.*s' (ops: evaluate, load_rubric, set_params, framework, ping)",
		     quote_len(o), o);
}

int sw_service_handle(char **response, sw_engine *eng, const char *line, size_t len)
{
	if (response)
		*response = NULL;
	if (!response || !eng || (!line && len <= SW_SERVICE_MAX_REQUEST))
		return SW_EINVALID;
	sw_engine_begin(eng);
	request R = { eng, { 0 }, { 0 } };
	sw_buf_init(&R.body, &eng->mem);
	sw_buf_init(&R.err, &eng->mem);
	cJSON *root = NULL;
	if (len > SW_SERVICE_MAX_REQUEST)
		fail(&R, "request of %zu bytes is over the limit of %u bytes", len,
		     SW_SERVICE_MAX_REQUEST);
	else
		dispatch(&R, &root, line, len);
	sw_buf out;
	sw_buf_init(&out, &eng->mem);
	sw_buf_puts(&out, "{\"id\": ");
	sw_svc_put_id(&out, root, line, len);
	if (R.err.len) {
		sw_buf_puts(&out, ", \"ok\": false, \"error\": ");
		sw_svc_put_text(&out, R.err.p, R.err.len);
	} else {
		sw_buf_puts(&out, ", \"ok\": true");
		sw_buf_add(&out, R.body.p ? R.body.p : "", R.body.len);
	}
	sw_buf_putc(&out, '}');
	int rc = R.body.failed || R.err.failed ? SW_ENOMEM : SW_OK;
	cJSON_Delete(root);
	sw_buf_free(&R.body);
	sw_buf_free(&R.err);
	if (rc == SW_OK)
		*response = sw_buf_take(&out);
	sw_buf_free(&out);
	return *response ? SW_OK : SW_ENOMEM;
}

int sw_service_set_isolate(sw_engine *eng, int on)
{
	if (!eng)
		return SW_EINVALID;
	eng->service_isolate = on != 0;
	return SW_OK;
}
