/*
 * service_check.c - the service ops that try rubrics in a scratch engine
 * with the service's framework, leaving the service's own rubric as it is:
 * rubrics (the built-in ones, each with its description and parameters)
 * and check_rubric (a rubric's load errors, worked examples and sample run).
 */
#include "service.h"
#include "embedded.h"
#include "rubric.h"

#include <cJSON.h>
#include <stdio.h>
#include <string.h>

/* A scratch engine with eng's limits and allocator that borrows eng's
   framework; free it with scratch_free. NULL when memory runs out. */
static sw_engine *scratch_new(const sw_engine *eng)
{
	sw_engine *s = sw_mem_calloc(&eng->mem, 1, sizeof *s);
	if (!s)
		return NULL;
	/* a rubric under test is isolated too; the framework is borrowed: given
	   back before the engine is freed */
	*s = (sw_engine){ .mem = eng->mem, .instruction_limit = eng->instruction_limit,
	                  .memory_limit = eng->memory_limit, .pattern_limit = eng->pattern_limit,
	                  .print_stream = eng->print_stream, .service_isolate = eng->service_isolate,
	                  .fw = eng->fw };
	sw_diag_init(&s->diag, &s->mem);
	return s;
}

static void scratch_free(sw_engine *s)
{
	if (!s)
		return;
	s->fw = NULL;
	sw_engine_free(s);
}

/* Appends the loaded rubric's name, description and parameters. */
static bool put_rubric_info(sw_svc_req *R, sw_buf *b, sw_engine *eng)
{
	const sw_runner *r = eng->rubric ? eng->rubric->runner : NULL;
	sw_svc_put_str(b, "{\"name\": ", sw_engine_rubric_name(eng));
	sw_svc_put_str(b, ", \"description\": ", r ? r->description : NULL);
	sw_buf_puts(b, ", \"params\": ");
	sw_buf_puts(b, r && r->params_json ? r->params_json : "null");
	sw_buf_putc(b, '}');
	if (b->failed)
		R->err.failed = 1;
	return !b->failed;
}

/* {"op": "rubrics"}: the built-in rubrics with their descriptions and
   parameter defaults, each loaded in a scratch engine. */
bool sw_svc_op_rubrics(sw_svc_req *R, const cJSON *req)
{
	(void)req;
	if (!R->eng->fw)
		return sw_svc_fail(R, "no framework is loaded");
	sw_buf_puts(&R->body, ", \"rubrics\": [");
	bool ok = true, first = true;
	for (const sw_embedded_file *f = sw_embedded_files; f->path && ok; f++) {
		size_t n = strlen(f->path);
		if (strncmp(f->path, "scripts/rubrics/", 16) != 0 || n < 21 || n > 16 + 64 + 4)
			continue;
		char name[80];
		snprintf(name, sizeof name, "%.*s", (int)(n - 20), f->path + 16);
		sw_engine *s = scratch_new(R->eng);
		int rc = s ? sw_engine_load_rubric_builtin(s, name) : SW_ENOMEM;
		if (rc == SW_OK && !s->rubric->runner)
			rc = sw_runner_open(&s->rubric->runner, s, &s->diag);
		if (rc) {
			ok = rc == SW_ENOMEM ? (R->err.failed = 1, false)
			                     : sw_svc_fail_engine(R, s, rc, "built-in rubric: ");
		} else {
			sw_buf_puts(&R->body, first ? "" : ", ");
			first = false;
			ok = put_rubric_info(R, &R->body, s);
		}
		scratch_free(s);
	}
	sw_buf_putc(&R->body, ']');
	return ok;
}

/* Appends one entry to the "errors" array b (NULL texts and line 0 are null). */
static void put_error(sw_buf *b, const char *pupil, const char *file, uint64_t line,
                      const char *message)
{
	sw_svc_put_str(b, b->len > 1 ? ", {\"pupil\": " : "{\"pupil\": ", pupil);
	sw_svc_put_str(b, ", \"file\": ", file);
	if (line)
		sw_buf_printf(b, ", \"line\": %llu", (unsigned long long)line);
	else
		sw_buf_puts(b, ", \"line\": null");
	sw_svc_put_str(b, ", \"message\": ", message);
	sw_buf_putc(b, '}');
}

/* Appends the engine's errors (load errors) to the "errors" array b. */
static void put_load_errors(sw_buf *b, const sw_engine *eng, int rc)
{
	size_t n = sw_engine_error_count(eng);
	for (size_t i = 0; i < n; i++) {
		const sw_error *e = sw_engine_error(eng, i);
		put_error(b, NULL, e->file, e->line, e->message);
	}
	if (!n)
		put_error(b, NULL, NULL, 0, sw_status_string(rc));
}

/* Appends each rubric error of the sample results (a JSON array of result
   objects) to the "errors" array b, with its pupil. */
static void put_result_errors(sw_buf *b, const char *results)
{
	cJSON *arr = sw_cjson_parse(results, strlen(results), NULL); /* cJSON_Parse is not thread-safe */
	if (!arr) {
		b->failed = 1;
		return;
	}
	for (const cJSON *r = arr->child; r; r = r->next) {
		const cJSON *pupil = cJSON_GetObjectItemCaseSensitive(r, "pupil");
		const cJSON *errs = cJSON_GetObjectItemCaseSensitive(r, "errors");
		for (const cJSON *e = errs ? errs->child : NULL; e; e = e->next)
			put_error(b, cJSON_GetStringValue(pupil), NULL, 0, cJSON_GetStringValue(e));
	}
	cJSON_Delete(arr);
}

/* The "errors" array and the count of failed examples (example_failed). */
typedef struct example_log {
	sw_buf *errors;
	size_t failed;
} example_log;

/* Appends one failed worked example to the "errors" array (an sw_example_fn). */
static void example_failed(const char *line, int passed, void *payload)
{
	example_log *log = payload;
	sw_buf *b = log->errors;
	if (passed)
		return;
	log->failed++;
	sw_buf c;
	sw_buf_init(&c, b->m);
	sw_buf_puts(&c, "example ");
	sw_buf_puts(&c, line);
	put_error(b, NULL, NULL, 0, sw_buf_cstr(&c) ? c.p : "example: out of memory");
	if (c.failed)
		b->failed = 1;
	sw_buf_free(&c);
}

/* Sets the request's "params" on the scratch engine's rubric; a refused
   one is appended to the "errors" array b. */
static bool set_check_params(sw_svc_req *R, sw_engine *s, const cJSON *params, sw_buf *b)
{
	if (params && !cJSON_IsNull(params) && !cJSON_IsObject(params))
		return sw_svc_fail(R, "field 'params' must be an object such as {\"times\": 3}");
	char num[32];
	for (const cJSON *c = params ? params->child : NULL; c; c = c->next) {
		const char *v = sw_field_scalar(c, num);
		int rc = v ? sw_engine_set_param(s, c->string, v) : SW_EINVALID;
		if (rc == SW_ENOMEM) {
			R->err.failed = 1;
			return false;
		}
		if (rc && !v)
			return sw_svc_fail(R, "parameter '%s' must be a string, a number or true/false",
			                   c->string);
		if (rc)
			put_load_errors(b, s, rc);
	}
	return true;
}

/*
 * {"op": "check_rubric", "source": LUA, "name": N, "params": {...},
 *  "pupils": [...], "evidence": [...], "as_of": DATE}: loads the rubric into
 * a scratch engine (the service's own rubric stays), runs its examples and
 * the optional sample data, and reports what went wrong.
 */
bool sw_svc_op_check_rubric(sw_svc_req *R, const cJSON *req)
{
	const cJSON *src = cJSON_GetObjectItemCaseSensitive(req, "source");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(req, "name");
	const cJSON *pupils = cJSON_GetObjectItemCaseSensitive(req, "pupils");
	if (!cJSON_IsString(src))
		return sw_svc_fail(R, "field 'source' (the rubric's Lua text) must be a string");
	if (name && !cJSON_IsString(name))
		return sw_svc_fail(R, "field 'name' must be a string");
	if (!R->eng->fw)
		return sw_svc_fail(R, "no framework is loaded");
	if (!pupils && cJSON_GetObjectItemCaseSensitive(req, "evidence"))
		return sw_svc_fail(R, "sample 'evidence' needs the sample 'pupils' too");
	sw_engine *s = scratch_new(R->eng);
	if (!s) {
		R->err.failed = 1;
		return false;
	}
	sw_buf errs, warns, res;
	sw_buf_init(&errs, &s->mem);
	sw_buf_init(&warns, &s->mem);
	sw_buf_init(&res, &s->mem);
	sw_buf_putc(&errs, '[');
	sw_buf_putc(&warns, '[');
	int rc = sw_engine_load_rubric_buffer(s, src->valuestring, strlen(src->valuestring),
	                                      name ? name->valuestring : "request.lua");
	if (rc == SW_OK && !s->rubric->runner)
		rc = sw_runner_open(&s->rubric->runner, s, &s->diag);
	bool loaded = rc == SW_OK, ok = true;
	if (rc == SW_ENOMEM)
		R->err.failed = 1, ok = false;
	else if (!loaded)
		put_load_errors(&errs, s, rc);
	if (ok && loaded)
		ok = set_check_params(R, s, cJSON_GetObjectItemCaseSensitive(req, "params"), &errs);
	/* the rubric's own worked examples (`examples = {...}`, scripts/README.md):
	   each that fails is an error ("example NAME: FAILED: expected 4, got 3") */
	example_log log = { &errs, 0 };
	size_t examples = 0;
	if (ok && loaded && sw_engine_rubric_examples(s, example_failed, &log, &examples) == SW_ENOMEM)
		errs.failed = 1;
	size_t rubric_errors = 0;
	if (ok && loaded && pupils) {
		ok = sw_svc_add_class(R, s, pupils, cJSON_GetObjectItemCaseSensitive(req, "evidence"), &warns) &&
		     sw_svc_evaluate_class(R, s, cJSON_GetObjectItemCaseSensitive(req, "as_of"), &res,
		                    &rubric_errors);
		if (ok && rubric_errors && sw_buf_cstr(&res))
			put_result_errors(&errs, res.p);
	}
	sw_buf_putc(&errs, ']');
	sw_buf_putc(&warns, ']');
	if (ok) {
		sw_buf_printf(&R->body, ", \"loaded\": %s, \"rubric\": ", loaded ? "true" : "false");
		if (loaded)
			put_rubric_info(R, &R->body, s);
		else
			sw_buf_puts(&R->body, "null");
		sw_buf_puts(&R->body, ", \"errors\": ");
		sw_buf_add(&R->body, errs.p, errs.len);
		sw_buf_puts(&R->body, ", \"warnings\": ");
		sw_buf_add(&R->body, warns.p, warns.len);
		if (loaded)
			sw_buf_printf(&R->body, ", \"examples\": {\"count\": %zu, \"failed\": %zu}",
			              examples, log.failed);
		if (res.len) {
			sw_buf_puts(&R->body, ", \"results\": ");
			sw_buf_add(&R->body, res.p, res.len);
		}
		if (errs.failed || warns.failed || res.failed)
			R->body.failed = 1;
	}
	sw_buf_free(&errs);
	sw_buf_free(&warns);
	sw_buf_free(&res);
	scratch_free(s);
	return ok;
}
