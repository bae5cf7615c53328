/*
 * rejects.c - the public calls that add pupils and evidence one at a time,
 * data counts, and the rejects file a user can correct and load again.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "internal.h"
#include "data.h"

#include <cJSON.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int sw_engine_add_pupil(sw_engine *eng, const sw_pupil_data *pupil)
{
	if (!eng)
		return SW_EINVALID;
	sw_engine_begin(eng);
	if (!pupil || pupil->version != SW_PUPIL_DATA_VERSION)
		return sw_diag_add(&eng->diag, SW_EINVALID, NULL, 0, 0, NULL,
		                   "no pupil, or sw_pupil_data of an unknown version");
	sw_buf why;
	sw_buf_init(&why, &eng->mem);
	int rc = sw_roster_add(eng, pupil, 0, &why);
	if (rc == SW_EREJECTED)
		sw_diag_add(&eng->diag, rc, NULL, 0, 0, NULL, "%s", sw_buf_cstr(&why) ? why.p : "?");
	else if (rc == SW_ESTATE)
		sw_diag_add(&eng->diag, rc, NULL, 0, 0, NULL,
		            "pupils cannot be added after evidence added without a roster");
	else if (rc)
		sw_diag_add(&eng->diag, rc, NULL, 0, 0, NULL, "%s", sw_status_string(rc));
	if (eng->evidence)
		eng->evidence->sorted = false;
	sw_buf_free(&why);
	return rc;
}

int sw_engine_add_evidence(sw_engine *eng, const sw_evidence_data *ev)
{
	if (!eng)
		return SW_EINVALID;
	sw_engine_begin(eng);
	if (!ev || ev->version != SW_EVIDENCE_DATA_VERSION)
		return sw_diag_add(&eng->diag, SW_EINVALID, NULL, 0, 0, NULL,
		                   "no evidence, or sw_evidence_data of an unknown version");
	if (!eng->fw)
		return sw_diag_add(&eng->diag, SW_ESTATE, NULL, 0, 0, NULL,
		                   "load a framework before evidence");
	sw_buf why;
	sw_buf_init(&why, &eng->mem);
	int rc = sw_evidence_add(eng, ev, &why);
	if (rc == SW_EREJECTED)
		sw_diag_add(&eng->diag, rc, NULL, 0, 0, NULL, "%s", sw_buf_cstr(&why) ? why.p : "?");
	else if (rc)
		sw_diag_add(&eng->diag, rc, NULL, 0, 0, NULL, "%s", sw_status_string(rc));
	sw_buf_free(&why);
	return rc;
}

size_t sw_engine_pupil_count(const sw_engine *eng)
{
	return eng && eng->roster ? eng->roster->count : 0;
}

size_t sw_engine_evidence_count(const sw_engine *eng)
{
	return eng && eng->evidence ? eng->evidence->count : 0;
}

size_t sw_engine_skill_evidence_count(const sw_engine *eng, size_t skill, size_t *pupils)
{
	size_t n = 0, np = 0;
	if (eng && eng->evidence && eng->roster) {
		const struct sw_evidence *ev = eng->evidence;
		/* pupils counted by marking the last pupil seen per skill is not enough
		   in input order, so use a bitmap of pupil indexes */
		size_t words = eng->roster->count / 64 + 1;
		uint64_t *seen = sw_mem_calloc(&eng->mem, words, sizeof *seen);
		for (size_t i = 0; i < ev->count; i++) {
			const sw_record *r = &ev->recs[i];
			if (r->skill != skill)
				continue;
			n++;
			if (seen && !(seen[r->pupil / 64] & (1ull << (r->pupil % 64)))) {
				seen[r->pupil / 64] |= 1ull << (r->pupil % 64);
				np++;
			}
		}
		sw_mem_free(&eng->mem, seen);
	}
	if (pupils)
		*pupils = np;
	return n;
}

void sw_engine_clear_data(sw_engine *eng)
{
	sw_roster_free(eng->roster, &eng->mem);
	sw_evidence_free(eng->evidence, &eng->mem);
	eng->roster = NULL;
	eng->evidence = NULL;
}

/* ---- the rejects file ---- */

/*
 * Written like the command line's -o files (src/cli/output.c, which keeps the
 * same rules): to a temporary file beside the target, renamed into place when
 * complete; a FIFO, device or socket directly; through a symbolic link to the
 * file it names. On SW_EIO, errno tells why.
 */
struct sw_rejects {
	FILE *f;
	char *path, *tmp; /* the target and its temporary; NULL when written directly */
	uint64_t count;
	int err; /* errno of the first failure */
};

/* The first n bytes of a, then b, then c, as a new string (NULL: out of memory). */
static char *join(const char *a, size_t n, const char *b, const char *c)
{
	size_t nb = strlen(b), nc = strlen(c);
	char *s = malloc(n + nb + nc + 1);
	if (s) {
		memcpy(s, a, n);
		memcpy(s + n, b, nb);
		memcpy(s + n + nb, c, nc + 1);
	}
	return s;
}

/* The absolute name of the file the symbolic link `path` finally names; the
   file need not exist yet, its folder must. NULL with errno on failure. */
static char *link_target(const char *path, int depth)
{
	char *real = realpath(path, NULL);
	if (real || errno != ENOENT)
		return real;
	const char *slash = strrchr(path, '/');
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		/* a link to a name that does not exist yet: follow it by hand */
		if (depth == 40) {
			errno = ELOOP;
			return NULL;
		}
		char buf[PATH_MAX];
		ssize_t n = readlink(path, buf, sizeof buf - 1);
		if (n < 0)
			return NULL;
		buf[n] = '\0';
		size_t dir = buf[0] == '/' || !slash ? 0 : (size_t)(slash - path) + 1;
		char *next = join(path, dir, buf, "");
		char *out = next ? link_target(next, depth + 1) : NULL;
		free(next);
		return out;
	}
	/* the final name, which does not exist: resolve its folder */
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	char *rdir = dir ? realpath(dir, NULL) : NULL;
	char *out = NULL;
	if (rdir) {
		size_t n = strlen(rdir);
		out = join(rdir, n, rdir[n - 1] == '/' ? "" : "/", slash ? slash + 1 : path);
	}
	free(dir);
	free(rdir);
	return out;
}

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
	struct stat st;
	bool direct = false;
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			errno = EISDIR;
			return SW_EIO;
		}
		direct = !S_ISREG(st.st_mode);
	}
	sw_rejects *r = calloc(1, sizeof *r);
	if (!r)
		return SW_ENOMEM;
	if (!direct) {
		bool is_link = lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
		r->path = is_link ? link_target(path, 0) : strdup(path);
		r->tmp = r->path ? join(r->path, strlen(r->path), ".tmp", "") : NULL;
		if (!r->tmp) {
			rejects_free(r);
			return errno == ENOMEM ? SW_ENOMEM : SW_EIO;
		}
	}
	r->f = fopen(direct ? path : r->tmp, "wb");
	if (!r->f) {
		rejects_free(r);
		return SW_EIO;
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
