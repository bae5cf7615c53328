/*
 * rubric.c - loading a rubric (file, buffer, built-in name) and its
 * parameters into the engine; the check that it compiles and returns a
 * proper table happens by opening a runner (runner.c).
 */
#include "internal.h"
#include "rubric.h"
#include "embedded.h"

#include <stdlib.h>
#include <string.h>

/* Frees a rubric and its runner. */
static void rubric_free(sw_engine *eng, struct sw_rubric *rb)
{
	if (!rb)
		return;
	sw_runner_free(rb->runner);
	sw_mem_free(&eng->mem, rb->params_text);
	sw_mem_free(&eng->mem, rb->display);
	sw_mem_free(&eng->mem, rb->source);
	sw_mem_free(&eng->mem, rb->name);
	for (size_t i = 0; i < rb->param_count; i++) {
		sw_mem_free(&eng->mem, rb->param_keys[i]);
		sw_mem_free(&eng->mem, rb->param_values[i]);
	}
	sw_mem_free(&eng->mem, rb->param_keys);
	sw_mem_free(&eng->mem, rb->param_values);
	sw_mem_free(&eng->mem, rb);
}

void sw_rubric_free_engine(sw_engine *eng)
{
	rubric_free(eng, eng->rubric);
	eng->rubric = NULL;
}

void sw_rubric_forget_runner(sw_engine *eng)
{
	if (eng->rubric) {
		/* the parameters still apply: keep their text for sw_engine_rubric_params */
		sw_runner *r = eng->rubric->runner;
		if (r && r->params_text) {
			sw_mem_free(&eng->mem, eng->rubric->params_text);
			eng->rubric->params_text = r->params_text;
			r->params_text = NULL;
		}
		sw_runner_free(eng->rubric->runner);
		eng->rubric->runner = NULL;
	}
}

/* Moves the parameters set so far from one rubric to another. */
static void move_params(struct sw_rubric *to, struct sw_rubric *from)
{
	to->param_keys = from->param_keys;
	to->param_values = from->param_values;
	to->param_count = from->param_count;
	to->param_cap = from->param_cap;
	from->param_keys = from->param_values = NULL;
	from->param_count = from->param_cap = 0;
}

/* Installs a rubric from source (copied) and checks it by opening a runner. */
static int install(sw_engine *eng, const char *src, size_t len, const char *display,
                   int native_kind)
{
	struct sw_rubric *rb = sw_mem_calloc(&eng->mem, 1, sizeof *rb);
	if (!rb)
		return sw_diag_add(&eng->diag, SW_ENOMEM, display, 0, 0, NULL, "out of memory");
	rb->native_kind = native_kind;
	/* a UTF-8 byte-order mark, as old Notepad saves files: not Lua, and not the teacher's */
	if (len >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0) {
		src += 3;
		len -= 3;
	}
	rb->display = sw_mem_strdup(&eng->mem, display);
	rb->source = sw_mem_strndup(&eng->mem, src, len);
	rb->len = len;
	if (!rb->display || !rb->source) {
		rubric_free(eng, rb);
		return sw_diag_add(&eng->diag, SW_ENOMEM, display, 0, 0, NULL, "out of memory");
	}
	/* keep the parameters already set */
	struct sw_rubric *old = eng->rubric;
	if (old)
		move_params(rb, old);
	eng->rubric = rb;
	sw_runner *r;
	int rc = sw_runner_open(&r, eng, &eng->diag);
	if (rc) {
		/* put the old rubric back, with the parameters */
		if (old)
			move_params(old, rb);
		eng->rubric = old;
		rubric_free(eng, rb);
		return rc;
	}
	rb->runner = r;
	rubric_free(eng, old);
	return SW_OK;
}

int sw_engine_load_rubric_buffer(sw_engine *eng, const char *src, size_t len, const char *name)
{
	if (!eng)
		return SW_EINVALID;
	sw_engine_begin(eng);
	if (!src)
		return sw_diag_add(&eng->diag, SW_EINVALID, NULL, 0, 0, NULL, "no rubric source");
	if (!eng->fw)
		return sw_diag_add(&eng->diag, SW_ESTATE, NULL, 0, 0, NULL,
		                   "load a framework before the rubric");
	return install(eng, src, len, name ? name : "rubric", SW_NATIVE_NONE);
}

int sw_engine_load_rubric_file(sw_engine *eng, const char *path)
{
	if (!eng)
		return SW_EINVALID;
	sw_engine_begin(eng);
	if (!path)
		return sw_diag_add(&eng->diag, SW_EINVALID, NULL, 0, 0, NULL, "no path given");
	if (!eng->fw)
		return sw_diag_add(&eng->diag, SW_ESTATE, path, 0, 0, NULL,
		                   "load a framework before the rubric");
	char *data;
	size_t len;
	int rc = sw_file_read(&data, &len, &eng->diag, &eng->mem, path, 4u * 1024u * 1024u);
	if (rc)
		return rc;
	rc = install(eng, data, len, path, SW_NATIVE_NONE);
	sw_mem_free(&eng->mem, data);
	return rc;
}

/* Looks for NAME.lua in the ':'-separated folders of the rubric path. */
static int from_path(sw_engine *eng, const char *dirs, const char *name)
{
	const char *p = dirs;
	while (p && *p) {
		const char *colon = strchr(p, ':');
		size_t n = colon ? (size_t)(colon - p) : strlen(p);
		if (n) {
			sw_buf b;
			sw_buf_init(&b, &eng->mem);
			sw_buf_printf(&b, "%.*s/%s.lua", (int)n, p, name);
			const char *path = sw_buf_cstr(&b);
			FILE *f = path ? fopen(path, "rb") : NULL;
			if (f) {
				fclose(f);
				int rc = sw_engine_load_rubric_file(eng, path);
				sw_buf_free(&b);
				return rc;
			}
			sw_buf_free(&b);
		}
		p = colon ? colon + 1 : NULL;
	}
	return SW_ENOTFOUND;
}

int sw_engine_load_rubric_builtin(sw_engine *eng, const char *name)
{
	if (!eng)
		return SW_EINVALID;
	sw_engine_begin(eng);
	if (!name || !*name || strlen(name) > 64 || strchr(name, '/'))
		return sw_diag_add(&eng->diag, SW_ENOTFOUND, NULL, 0, 0, NULL, "no rubric name");
	if (eng->rubric_path) {
		int rc = from_path(eng, eng->rubric_path, name);
		if (rc != SW_ENOTFOUND)
			return rc;
	}
	char path[128];
	snprintf(path, sizeof path, "scripts/rubrics/%s.lua", name);
	const sw_embedded_file *f = sw_embedded_find(path);
	if (!f) {
		sw_buf b;
		sw_buf_init(&b, &eng->mem);
		for (const sw_embedded_file *e = sw_embedded_files; e->path; e++)
			if (strncmp(e->path, "scripts/rubrics/", 16) == 0)
				sw_buf_printf(&b, "%s%.*s", b.len ? ", " : "",
				              (int)(strlen(e->path) - 20), e->path + 16);
		sw_diag_add(&eng->diag, SW_ENOTFOUND, NULL, 0, 0, NULL,
		            "no built-in rubric '%s' (built-in: %s; a file needs a path ending in .lua)",
		            name, sw_buf_cstr(&b) ? b.p : "");
		sw_buf_free(&b);
		return SW_ENOTFOUND;
	}
	if (!eng->fw)
		return sw_diag_add(&eng->diag, SW_ESTATE, NULL, 0, 0, NULL,
		                   "load a framework before the rubric");
	/* our own source, unchanged: computed in C (native.c) */
	return install(eng, f->data, f->size, path + 16, sw_native_kind(name));
}

int sw_engine_load_rubric(sw_engine *eng, const char *name_or_path)
{
	size_t n = name_or_path ? strlen(name_or_path) : 0;
	if (n && (strchr(name_or_path, '/') || (n > 4 && strcmp(name_or_path + n - 4, ".lua") == 0)))
		return sw_engine_load_rubric_file(eng, name_or_path);
	return sw_engine_load_rubric_builtin(eng, name_or_path);
}

int sw_engine_set_param(sw_engine *eng, const char *key, const char *value)
{
	if (!eng)
		return SW_EINVALID;
	sw_engine_begin(eng);
	if (!key || !*key || !value)
		return sw_diag_add(&eng->diag, SW_EINVALID, NULL, 0, 0, NULL,
		                   "a parameter needs a name and a value");
	if (!eng->rubric)
		return sw_diag_add(&eng->diag, SW_ESTATE, NULL, 0, 0, NULL,
		                   "load a rubric before setting its parameters");
	struct sw_rubric *rb = eng->rubric;
	size_t i = 0;
	while (i < rb->param_count && strcmp(rb->param_keys[i], key) != 0)
		i++;
	char *v = sw_mem_strdup(&eng->mem, value);
	if (!v)
		return sw_diag_add(&eng->diag, SW_ENOMEM, NULL, 0, 0, NULL, "out of memory");
	bool added = i == rb->param_count;
	if (added) {
		size_t cap = rb->param_cap;
		char *k = sw_mem_strdup(&eng->mem, key);
		if (!k || sw_mem_grow(&eng->mem, (void **)&rb->param_keys, &cap, i + 1, sizeof(char *)) ||
		    sw_mem_grow(&eng->mem, (void **)&rb->param_values, &rb->param_cap, i + 1,
		                sizeof(char *))) {
			sw_mem_free(&eng->mem, k);
			sw_mem_free(&eng->mem, v);
			return sw_diag_add(&eng->diag, SW_ENOMEM, NULL, 0, 0, NULL, "out of memory");
		}
		rb->param_cap = cap < rb->param_cap ? cap : rb->param_cap;
		rb->param_keys[i] = k;
		rb->param_values[i] = NULL;
		rb->param_count++;
	}
	char *old = rb->param_values[i];
	rb->param_values[i] = v;
	/* check the parameter against the rubric now, with a fresh runner */
	sw_runner *r;
	int rc = sw_runner_open(&r, eng, &eng->diag);
	if (rc) {
		sw_mem_free(&eng->mem, v);
		rb->param_values[i] = old;
		if (added) {
			sw_mem_free(&eng->mem, rb->param_keys[i]);
			rb->param_count--;
		}
		return rc;
	}
	sw_mem_free(&eng->mem, old);
	sw_runner_free(rb->runner);
	rb->runner = r;
	return SW_OK;
}

const char *sw_rubric_starter(void)
{
	const sw_embedded_file *f = sw_embedded_find("scripts/rubric-new.lua");
	return f ? f->data : "";
}

const char *sw_engine_rubric_name(const sw_engine *eng)
{
	return eng && eng->rubric ? eng->rubric->name : NULL;
}

int sw_engine_rubric_is_native(const sw_engine *eng)
{
	if (!eng || !eng->rubric)
		return 1; /* evaluation loads "highest", computed in C */
	if (eng->rubric->runner) /* a built-in whose parameters need Lua runs as Lua */
		return eng->rubric->runner->native.kind != SW_NATIVE_NONE;
	return eng->rubric->native_kind != SW_NATIVE_NONE;
}

const char *sw_engine_rubric_params(const sw_engine *eng)
{
	if (!eng || !eng->rubric)
		return NULL;
	if (eng->rubric->runner && eng->rubric->runner->params_text)
		return eng->rubric->runner->params_text;
	return eng->rubric->params_text;
}
