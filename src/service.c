/*
 * service.c - the JSON-lines service protocol (README.md, "Service mode"):
 * one request in, one response out, on an engine. Requests are parsed
 * strictly (json.c); every response carries the request's id as it was
 * written (its place noted by the strict check); a bad request gets
 * {"ok": false, "error": ...}, never a failure. Pupil and evidence objects
 * are read by the readers the data files use (fields.c).
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "service.h"
#include "rubric.h"

#include <cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64

typedef sw_svc_req request;

void sw_svc_put_text(sw_buf *b, const char *s, size_t n)
{
	sw_buf_putc(b, '"');
	size_t i = 0;
	while (i < n) {
		size_t good = i + sw_text_invalid_at(s + i, n - i);
		for (; i < good; i++) {
			unsigned char c = (unsigned char)s[i];
			if (c == '"' || c == '\\') {
				sw_buf_putc(b, '\\');
				sw_buf_putc(b, (char)c);
			} else if (c < 0x20) {
				static const char esc[] = "btn.fr";
				if (c >= 8 && c <= 13 && c != 11)
					sw_buf_printf(b, "\\%c", esc[c - 8]);
				else
					sw_buf_printf(b, "\\u%04x", c);
			} else {
				sw_buf_putc(b, (char)c);
			}
		}
		if (i < n) {
			sw_buf_puts(b, "\\ufffd");
			i++;
		}
	}
	sw_buf_putc(b, '"');
}

/* Appends the id of the request `root` as it was written in `line` (its
   place noted by the check), without white space between tokens; null
   when it has none. */
static void put_id(sw_buf *b, const cJSON *root, const sw_json_member *id, const char *line)
{
	if (!cJSON_IsObject(root) || !id->found) {
		sw_buf_puts(b, "null");
		return;
	}
	bool in_string = false;
	for (size_t i = id->start; i < id->end; i++) {
		char c = line[i];
		if (in_string && c == '\\') {
			sw_buf_putc(b, c);
			c = line[++i]; /* the escaped character, a quote too */
		} else if (c == '"') {
			in_string = !in_string;
		} else if (!in_string && (c == ' ' || c == '\t' || c == '\r' || c == '\n')) {
			continue;
		}
		sw_buf_putc(b, c);
	}
}

void sw_svc_put_str(sw_buf *b, const char *text, const char *s)
{
	sw_buf_puts(b, text);
	if (s)
		sw_svc_put_text(b, s, strlen(s));
	else
		sw_buf_puts(b, "null");
}

bool sw_svc_fail(request *R, const char *fmt, ...)
{
	if (R->err.len)
		return false;
	va_list ap;
	va_start(ap, fmt);
	sw_buf_vprintf(&R->err, fmt, ap);
	va_end(ap);
	return false;
}

bool sw_svc_fail_engine(request *R, sw_engine *eng, int rc, const char *prefix)
{
	if (R->err.len)
		return false;
	sw_buf *b = &R->err;
	sw_buf_puts(b, prefix);
	size_t n = sw_engine_error_count(eng);
	for (size_t i = 0; i < n; i++) {
		const sw_error *e = sw_engine_error(eng, i);
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
	size_t total = sw_engine_error_total(eng);
	if (total > n)
		sw_buf_printf(b, "; and %zu more errors", total - n);
	return false;
}

#define fail sw_svc_fail

/* A short quotation of user text: at most 40 bytes, cut between characters. */
static int quote_len(const char *s)
{
	size_t n = strlen(s);
	if (n > 40)
		for (n = 40; n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80; n--)
			;
	return (int)n;
}

/* ---- evaluate ---- */

/* {"op": "evaluate", "pupil": {...} or "ID", "evidence": [...], "as_of": DATE}, or
   a class: "pupils": [...] instead of "pupil" */
static bool op_evaluate(request *R, const cJSON *req)
{
	sw_engine *eng = R->eng;
	const cJSON *pj = cJSON_GetObjectItemCaseSensitive(req, "pupil");
	const cJSON *pupils = cJSON_GetObjectItemCaseSensitive(req, "pupils");
	const cJSON *ej = cJSON_GetObjectItemCaseSensitive(req, "evidence");
	const cJSON *aj = cJSON_GetObjectItemCaseSensitive(req, "as_of");
	if (!sw_engine_framework(eng))
		return fail(R, "no framework is loaded");
	if (pupils && pj)
		return fail(R, "give either 'pupil' (one pupil) or 'pupils' (a class), not both");
	if (!pupils && !pj)
		return fail(R, "missing field 'pupil'");
	if (pj && !cJSON_IsObject(pj) && !cJSON_IsString(pj))
		return fail(R, "field 'pupil' must be an object or a string (the pupil's id)");
	if (pj && ej && !cJSON_IsNull(ej) && !cJSON_IsArray(ej))
		return fail(R, "field 'evidence' must be an array");
	if (pj && aj && !cJSON_IsNull(aj) && !cJSON_IsString(aj))
		return fail(R, "field 'as_of' must be a string (YYYY-MM-DD)");
	sw_pupil_data p = SW_PUPIL_DATA_INIT;
	sw_pupil_room *room = NULL;
	sw_buf why, rej, res;
	sw_buf_init(&why, &eng->mem);
	sw_buf_init(&rej, &eng->mem);
	sw_buf_init(&res, &eng->mem);
	int rc = SW_OK;
	if (cJSON_IsString(pj))
		p.id = pj->valuestring;
	else if (pj)
		rc = (room = sw_mem_alloc(&eng->mem, sizeof *room))
		             ? sw_field_json_pupil(&p, room, pj, &why) : SW_ENOMEM;
	sw_buf_putc(&rej, '[');
	sw_engine_reset_data(eng);
	bool ok = false;
	if (pupils) {
		ok = sw_svc_add_class(R, eng, pupils, ej, &rej);
	} else if (rc == SW_EREJECTED) {
		fail(R, "pupil: %s", why.p ? why.p : "");
	} else if (rc == SW_OK && (rc = sw_engine_add_pupil(eng, &p)) != SW_OK) {
		sw_svc_fail_engine(R, eng, rc, "pupil: ");
	} else if (rc == SW_OK) {
		rc = sw_svc_add_evidence(R, eng, cJSON_IsArray(ej) ? ej : NULL, p.id, &rej);
		ok = rc == SW_OK;
	}
	sw_buf_putc(&rej, ']');
	size_t errors;
	ok = ok && sw_svc_evaluate_class(R, eng, aj, &res, &errors);
	if (ok) {
		/* one pupil: the class's one result, without the array's brackets */
		sw_buf_puts(&R->body, pupils ? ", \"results\": " : ", \"result\": ");
		sw_buf_add(&R->body, res.p + !pupils, res.len - 2 * !pupils);
		sw_buf_puts(&R->body, ", \"rejected\": ");
		sw_buf_add(&R->body, rej.p, rej.len);
		if (rej.failed || res.failed)
			R->body.failed = 1;
	}
	if (rc == SW_ENOMEM || why.failed)
		R->body.failed = 1;
	sw_engine_reset_data(eng);
	sw_mem_free(&eng->mem, room);
	sw_buf_free(&why);
	sw_buf_free(&rej);
	sw_buf_free(&res);
	return ok;
}

/* ---- the other ops ---- */

bool sw_svc_put_rubric(request *R)
{
	sw_engine *eng = R->eng;
	struct sw_rubric *rb = eng->rubric;
	sw_svc_put_str(&R->body, ", \"rubric\": ", sw_engine_rubric_name(eng));
	sw_buf_puts(&R->body, ", \"params\": ");
	if (!rb) {
		sw_buf_puts(&R->body, "null");
		return true;
	}
	if (!rb->runner) { /* dropped by a framework change: built again */
		int rc = sw_runner_open(&rb->runner, eng, &eng->diag);
		if (rc)
			return sw_svc_fail_engine(R, eng, rc, "rubric: ");
	}
	sw_buf_puts(&R->body, rb->runner->params_json);
	return true;
}

/* Copies the parameters the host set (key and value, each NUL-terminated)
   into `saved` (initialized here), to put back when a change fails. */
static void save_params(sw_engine *eng, sw_buf *saved)
{
	sw_buf_init(saved, &eng->mem);
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

/* Ends a change of the rubric or its parameters: when it failed (rc), its
   error kept and the saved parameters put back; else the rubric and its
   parameters in the reply. Frees saved. */
static bool change_done(request *R, int rc, sw_buf *saved)
{
	if (rc) {
		sw_svc_fail_engine(R, R->eng, rc, "");
		if (!saved->failed)
			restore_params(R, saved); /* also after SW_ENOMEM: best effort */
		if (saved->failed || rc == SW_ENOMEM)
			R->err.failed = 1;
	}
	sw_buf_free(saved);
	return rc ? false : sw_svc_put_rubric(R);
}

/*
 * Decides whether "path" may be read. A built-in name (no '/', not ending
 * in .lua) always may, with *file NULL. A file only with a rubric folder:
 * *file is then its resolved path (malloc), inside the resolved folder.
 */
static bool allowed_path(request *R, const char *path, char **file)
{
	*file = NULL;
	size_t n = strlen(path);
	if (!strchr(path, '/') && !(n > 4 && strcmp(path + n - 4, ".lua") == 0))
		return true;
	const char *dir = R->opts->rubric_dir;
	if (!dir)
		return fail(R, "loading a rubric by path is off in this service: send the rubric's "
		            "text as 'source', or start the service with --rubric-dir DIR");
	char *root = realpath(dir, NULL);
	if (!root)
		return fail(R, "the service's rubric folder cannot be read");
	sw_buf joined;
	sw_buf_init(&joined, &R->eng->mem);
	if (path[0] != '/')
		sw_buf_printf(&joined, "%s/", root);
	sw_buf_puts(&joined, path);
	char *real = sw_buf_cstr(&joined) ? realpath(joined.p, NULL) : NULL;
	bool missing = !real && errno == ENOENT;
	if (joined.failed)
		R->err.failed = 1;
	sw_buf_free(&joined);
	size_t rn = strlen(root);
	bool inside = real && strncmp(real, root, rn) == 0 && (real[rn] == '/' || rn == 1);
	free(root);
	if (!inside) {
		free(real);
		return fail(R, "rubric '%.*s' %s the service's rubric folder", quote_len(path), path,
		            missing ? "was not found in" : "is not a file inside");
	}
	*file = real;
	return true;
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
	char *file = NULL;
	if (path && !allowed_path(R, path->valuestring, &file))
		return false;
	/* the new rubric starts from its own defaults; the old parameters come
	   back if it fails to load */
	sw_engine *eng = R->eng;
	sw_buf saved;
	save_params(eng, &saved);
	int rc = saved.failed ? SW_ENOMEM : sw_engine_clear_params(eng);
	if (rc == SW_OK)
		rc = file   ? sw_engine_load_rubric_file(eng, file)
		     : path ? sw_engine_load_rubric_builtin(eng, path->valuestring)
		          : sw_engine_load_rubric_buffer(eng, src->valuestring, strlen(src->valuestring),
		                                         name ? name->valuestring : "request.lua");
	free(file);
	return change_done(R, rc, &saved);
}

/* {"op": "set_params", "params": {"times": 3, "sources": "teacher"}}: all or none */
static bool op_set_params(request *R, const cJSON *req)
{
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(req, "params");
	if (!cJSON_IsObject(params))
		return fail(R, "field 'params' must be an object such as {\"times\": 3}");
	char num[32];
	for (const cJSON *c = params->child; c; c = c->next)
		if (!sw_field_scalar(c, num))
			return fail(R, "parameter '%.*s' must be a string, a number or true/false",
			            quote_len(c->string), c->string);
	sw_buf saved;
	save_params(R->eng, &saved);
	int rc = saved.failed ? SW_ENOMEM : SW_OK;
	for (const cJSON *c = params->child; c && rc == SW_OK; c = c->next)
		rc = sw_engine_set_param(R->eng, c->string, sw_field_scalar(c, num));
	return change_done(R, rc, &saved);
}

/* {"op": "framework"} */
static bool op_framework(request *R, const cJSON *req)
{
	(void)req;
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
static bool op_ping(request *R, const cJSON *req)
{
	(void)req;
	sw_svc_put_str(&R->body, ", \"protocol\": 2, \"version\": ", sw_version());
	sw_svc_put_str(&R->body, ", \"framework\": ", sw_framework_id(sw_engine_framework(R->eng)));
	return sw_svc_put_rubric(R);
}

/* ---- the request ---- */

/*
 * Parses the request strictly into *root. A valid request's "evidence"
 * array is split off first (its records' places noted by the check): the
 * tree holds "evidence": [] and the records are read one at a time by the
 * flat reader, which keeps a class of thousands of records from becoming a
 * tree of nodes.
 */
static int parse_request(request *R, cJSON **root, sw_diag *d, const char *line, size_t len)
{
	const sw_mem *m = &R->eng->mem;
	const sw_json_member *ev = &R->noted[0];
	int rc = sw_json_check_at(d, "request", line, len, MAX_DEPTH, R->noted, 2, m);
	if (rc || d->count || ev->found != 1 || !ev->array)
		return sw_json_parse(root, d, "request", line, len, SW_SERVICE_MAX_REQUEST, MAX_DEPTH);
	sw_diag_clear(d);
	sw_buf rest;
	sw_buf_init(&rest, m);
	sw_buf_add(&rest, line, ev->start);
	sw_buf_puts(&rest, "[]");
	sw_buf_add(&rest, line + ev->end, len - ev->end);
	R->split = !rest.failed;
	rc = rest.failed ? SW_ENOMEM
	                 : sw_json_parse(root, d, "request", rest.p, rest.len, SW_SERVICE_MAX_REQUEST,
	                                 MAX_DEPTH);
	sw_buf_free(&rest);
	return rc;
}

/* Parses the request and runs its op; false when it failed. */
static bool dispatch(request *R, cJSON **root, const char *line, size_t len)
{
	sw_diag d;
	sw_diag_init(&d, &R->eng->mem);
	int rc = parse_request(R, root, &d, line, len);
	if (rc == SW_ENOMEM || d.oom) {
		R->err.failed = 1;
	} else if (rc || d.count) {
		const sw_error *e = &d.items[0]; /* a failed parse records why unless out of memory */
		if (e->path)
			fail(R, "invalid request: %s: %s", e->path, e->message);
		else
			fail(R, "invalid JSON at column %u: %s", e->column, e->message);
	}
	sw_diag_clear(&d);
	if (R->err.len || R->err.failed)
		return false;
	const cJSON *req = *root;
	if (!cJSON_IsObject(req))
		return fail(R, "a request must be a JSON object such as {\"id\": 1, \"op\": \"ping\"}");
	const cJSON *op = cJSON_GetObjectItemCaseSensitive(req, "op");
	if (!op)
		return fail(R, "missing field 'op'");
	if (!cJSON_IsString(op))
		return fail(R, "field 'op' must be a string");
	static const struct {
		const char *name;
		bool (*run)(request *R, const cJSON *req);
	} ops[] = { { "evaluate", op_evaluate }, { "load_framework", sw_svc_op_load_framework },
		    { "check_rubric", sw_svc_op_check_rubric }, { "rubrics", sw_svc_op_rubrics },
		    { "summary", sw_svc_op_summary }, { "load_rubric", op_load_rubric },
		    { "set_params", op_set_params }, { "framework", op_framework },
		    { "ping", op_ping } };
	const char *o = op->valuestring;
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if (strcmp(o, ops[i].name) == 0)
			return ops[i].run(R, req);
	return fail(R, "unknown op '%.*s' (ops: ping, framework, load_framework, evaluate, "
	     "load_rubric, set_params, check_rubric, rubrics, summary)", quote_len(o), o);
}

int sw_service_handle(char **response, sw_engine *eng, const char *line, size_t len)
{
	return sw_service_handle_opts(response, eng, NULL, line, len);
}

int sw_service_handle_opts(char **response, sw_engine *eng, const sw_service_options *opts,
                           const char *line, size_t len)
{
	static const sw_service_options defaults = SW_SERVICE_OPTIONS_INIT;
	if (response)
		*response = NULL;
	if (!response || !eng || (!line && len <= SW_SERVICE_MAX_REQUEST) ||
	    (opts && opts->version != SW_SERVICE_OPTIONS_VERSION))
		return SW_EINVALID;
	sw_engine_begin(eng);
	request R = { .eng = eng, .opts = opts ? opts : &defaults, .line = line,
	              .noted = { { .key = "evidence" }, { .key = "id" } } };
	sw_buf_init(&R.flat.text, &eng->mem);
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
	put_id(&out, root, &R.noted[1], line);
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
	sw_mem_free(&eng->mem, R.noted[0].spans);
	sw_mem_free(&eng->mem, R.noted[1].spans);
	sw_buf_free(&R.flat.text);
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
