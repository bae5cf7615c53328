/*
 * rejects.c - the rejects file: rejected rows with their reasons, written
 * so that a user can correct them and load the file again.
 */
#include "internal.h"
#include "data.h"

#include <cJSON.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the rejects file ---- */

/*
 * Written as sw_output_plan says (outpath.c): to a temporary file beside the
 * target, renamed into place when complete; a FIFO, device or socket
 * directly; through a symbolic link to the file it names. On SW_EIO, errno
 * tells why.
 */
struct sw_rejects {
	FILE *f;
	char *path, *tmp; /* the target and its temporary; NULL when written directly */
	uint64_t count;
	int err; /* errno of the first failure */
};

/* Frees r, keeping errno. */
static void rejects_free(sw_rejects *r)
{
	int err = errno;
	free(r->path);
	free(r->tmp);
	free(r);
	errno = err;
}

int sw_rejects_open(sw_rejects **out, const char *path)
{
	if (!out)
		return SW_EINVALID;
	*out = NULL;
	if (!path)
		return SW_EINVALID;
	sw_rejects *r = calloc(1, sizeof *r);
	if (!r)
		return SW_ENOMEM;
	int rc = sw_output_plan(&r->path, &r->tmp, path);
	if (rc == SW_OK && r->tmp)
		rc = sw_output_open(&r->f, &r->tmp); /* exclusively: never through a planted link */
	else if (rc == SW_OK && !(r->f = fopen(path, "wb")))
		rc = SW_EIO;
	if (rc) {
		rejects_free(r);
		return rc;
	}
	*out = r;
	return SW_OK;
}

/* Writes text through one of the shared quoting functions. */
static void put_quoted(FILE *f, void (*put)(sw_buf *, const char *), const char *s)
{
	sw_mem m;
	sw_mem_init(&m, NULL);
	sw_buf b;
	sw_buf_init(&b, &m);
	put(&b, s);
	if (b.len)
		fwrite(b.p, 1, b.len, f);
	sw_buf_free(&b);
}

void sw_rejects_add(const sw_reject *rj, void *payload)
{
	sw_rejects *r = payload;
	if (!r || !rj || r->err)
		return;
	if (rj->format == SW_FORMAT_CSV) {
		if (r->count == 0) {
			fwrite(rj->header, 1, rj->header_len, r->f);
			fputs(",reason\n", r->f);
		}
		fwrite(rj->raw, 1, rj->raw_len, r->f);
		fputc(',', r->f);
		put_quoted(r->f, sw_csv_put, rj->reason);
		fputc('\n', r->f);
	} else {
		/* the object as read, with "reason" added before its closing brace */
		const char *s = rj->raw;
		size_t n = rj->raw_len;
		sw_text_trim(&s, &n);
		const char *end = NULL;
		cJSON *obj = n >= 2 && s[0] == '{' && s[n - 1] == '}'
		                     ? sw_cjson_parse(s, n, &end) : NULL;
		bool object = cJSON_IsObject(obj) && end == s + n;
		cJSON_Delete(obj);
		if (object) {
			size_t body = n - 1;
			while (body > 1 && (s[body - 1] == ' ' || s[body - 1] == '\t'))
				body--;
			fwrite(s, 1, body, r->f);
			fputs(body > 1 ? ", \"reason\": " : "\"reason\": ", r->f);
		} else {
			/* not an object: keep the line as a string */
			fputs("{\"line\": ", r->f);
			char *copy = strndup(rj->raw, rj->raw_len);
			put_quoted(r->f, sw_json_put, copy ? copy : "");
			free(copy);
			fputs(", \"reason\": ", r->f);
		}
		put_quoted(r->f, sw_json_put, rj->reason);
		fputs("}\n", r->f);
	}
	if (ferror(r->f))
		r->err = errno ? errno : EIO;
	r->count++;
}

uint64_t sw_rejects_count(const sw_rejects *r)
{
	return r ? r->count : 0;
}

int sw_rejects_close(sw_rejects *r, int keep)
{
	if (!r)
		return SW_EINVALID;
	if (fflush(r->f) != 0 && !r->err)
		r->err = errno;
	if (ferror(r->f) && !r->err)
		r->err = EIO;
	if (fclose(r->f) != 0 && !r->err)
		r->err = errno;
	if (r->tmp && keep && !r->err && rename(r->tmp, r->path) != 0)
		r->err = errno;
	if (r->tmp && (!keep || r->err))
		unlink(r->tmp);
	int err = r->err;
	rejects_free(r);
	errno = err;
	return err ? SW_EIO : SW_OK;
}
