/*
 * engine.c - the engine's life cycle and its error list.
 */
#include "internal.h"
#include "embedded.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

const char *sw_version(void)
{
	return SW_VERSION_STRING;
}

int sw_engine_new(sw_engine **out, const sw_engine_options *opts)
{
	if (!out)
		return SW_EINVALID;
	*out = NULL;
	sw_engine_options def = SW_ENGINE_OPTIONS_INIT;
	if (!opts)
		opts = &def;
	if (opts->version != SW_ENGINE_OPTIONS_VERSION && opts->version != 1)
		return SW_EINVALID; /* version 1 lacks print_fn and print_payload */
	sw_mem mem;
	sw_mem_init(&mem, opts->allocator);
	sw_engine *eng = sw_mem_calloc(&mem, 1, sizeof *eng);
	if (!eng)
		return SW_ENOMEM;
	eng->mem = mem;
	sw_diag_init(&eng->diag, &eng->mem);
	eng->instruction_limit = opts->instruction_limit ? opts->instruction_limit
	                                                 : SW_DEFAULT_INSTRUCTION_LIMIT;
	eng->memory_limit = opts->memory_limit ? opts->memory_limit : SW_DEFAULT_MEMORY_LIMIT;
	eng->pattern_limit = opts->pattern_limit ? opts->pattern_limit : SW_DEFAULT_PATTERN_LIMIT;
	eng->print_stream = opts->print_stream;
	if (opts->version >= 2) {
		eng->print_fn = opts->print_fn;
		eng->print_payload = opts->print_payload;
	}
	/* the host's environment is not read: a host opts in by passing it */
	const char *rp = opts->rubric_path;
	if (rp && *rp) {
		eng->rubric_path = sw_mem_strdup(&eng->mem, rp);
		if (!eng->rubric_path) {
			sw_mem_free(&mem, eng);
			return SW_ENOMEM;
		}
	}
	*out = eng;
	return SW_OK;
}

void sw_engine_begin(sw_engine *eng)
{
	sw_diag_clear(&eng->diag);
	eng->user_status = 0;
}

int sw_engine_stopped(sw_engine *eng, int value)
{
	eng->user_status = value;
	bool ours = value < 0 && value >= SW_EUSER; /* a status code of ours, passed on */
	return sw_diag_add(&eng->diag, SW_EUSER, NULL, 0, 0, NULL,
	                   "stopped by a callback, which returned %d%s%s%s", value, ours ? " (" : "",
	                   ours ? sw_status_string(value) : "", ours ? ")" : "");
}

int sw_engine_user_status(const sw_engine *eng)
{
	return eng ? eng->user_status : 0;
}

size_t sw_engine_error_count(const sw_engine *eng)
{
	return eng ? eng->diag.count : 0;
}

size_t sw_engine_error_total(const sw_engine *eng)
{
	return eng ? eng->diag.total : 0;
}

const sw_error *sw_engine_error(const sw_engine *eng, size_t i)
{
	if (!eng || i >= eng->diag.count)
		return NULL;
	return &eng->diag.items[i];
}

int sw_engine_load_framework_buffer(sw_engine *eng, const char *data, size_t len,
                                    const char *name)
{
	if (!eng)
		return SW_EINVALID;
	sw_engine_begin(eng);
	if (!data)
		return sw_diag_add(&eng->diag, SW_EINVALID, NULL, 0, 0, NULL, "no framework data");
	sw_framework *fw;
	int rc = sw_fw_load(&fw, &eng->diag, &eng->mem, name ? name : "(buffer)", data, len);
	if (rc)
		return rc;
	sw_engine_clear_data(eng);
	sw_rubric_forget_runner(eng);
	sw_fw_free(eng->fw);
	eng->fw = fw;
	return SW_OK;
}

int sw_engine_load_framework_file(sw_engine *eng, const char *path)
{
	if (!eng)
		return SW_EINVALID;
	sw_engine_begin(eng);
	if (!path)
		return sw_diag_add(&eng->diag, SW_EINVALID, NULL, 0, 0, NULL, "no path given");
	char *data;
	size_t len;
	int rc = sw_file_read(&data, &len, &eng->diag, &eng->mem, path,
	                      SW_FRAMEWORK_MAX_BYTES + 1);
	if (rc == SW_ELIMIT) {
		sw_diag_clear(&eng->diag);
		return sw_diag_add(&eng->diag, SW_ELIMIT, path, 0, 0, NULL,
		                   "file is over the limit of %u bytes for a framework",
		                   SW_FRAMEWORK_MAX_BYTES);
	}
	if (rc)
		return rc;
	rc = sw_engine_load_framework_buffer(eng, data, len, path);
	sw_mem_free(&eng->mem, data);
	return rc;
}

int sw_engine_load_framework_builtin(sw_engine *eng, const char *name)
{
	if (!eng)
		return SW_EINVALID;
	sw_engine_begin(eng);
	char path[128];
	if (!name || strlen(name) > 64 || strchr(name, '/'))
		return sw_diag_add(&eng->diag, SW_ENOTFOUND, NULL, 0, 0, NULL,
		                   "no bundled framework of that name");
	snprintf(path, sizeof path, "frameworks/%s.json", name);
	const sw_embedded_file *f = sw_embedded_find(path);
	if (!f) {
		sw_buf b;
		sw_buf_init(&b, &eng->mem);
		for (const sw_embedded_file *e = sw_embedded_files; e->path; e++)
			if (strncmp(e->path, "frameworks/", 11) == 0)
				sw_buf_printf(&b, "%s%.*s", b.len ? ", " : "",
				              (int)(strlen(e->path) - 16), e->path + 11);
		sw_diag_add(&eng->diag, SW_ENOTFOUND, NULL, 0, 0, NULL,
		            "no bundled framework '%s' (bundled: %s)",
		            name, sw_buf_cstr(&b) ? b.p : "");
		sw_buf_free(&b);
		return SW_ENOTFOUND;
	}
	return sw_engine_load_framework_buffer(eng, f->data, f->size, strrchr(path, '/') + 1);
}

int sw_engine_load_framework(sw_engine *eng, const char *name_or_path)
{
	size_t n = name_or_path ? strlen(name_or_path) : 0;
	if (n && (strchr(name_or_path, '/') || (n > 5 && strcmp(name_or_path + n - 5, ".json") == 0)))
		return sw_engine_load_framework_file(eng, name_or_path);
	return sw_engine_load_framework_builtin(eng, name_or_path);
}

const sw_framework *sw_engine_framework(const sw_engine *eng)
{
	return eng ? eng->fw : NULL;
}

void sw_engine_free(sw_engine *eng)
{
	if (!eng)
		return;
	sw_rubric_free_engine(eng);
	sw_engine_clear_data(eng);
	sw_fw_free(eng->fw);
	sw_diag_clear(&eng->diag);
	sw_mem_free(&eng->mem, eng->rubric_path);
	sw_mem m = eng->mem;
	sw_mem_free(&m, eng);
}

