/*
 * output.c - output files written safely: to a temporary file beside the
 * target, renamed into place only when everything was written, and removed
 * if SIGINT or SIGTERM ends the run. A FIFO, device or socket is written
 * directly; a symbolic link keeps pointing at the file it names.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- temporary files removed on SIGINT and SIGTERM ---- */

#define MAX_TMP 8
static _Atomic(const char *) tmps[MAX_TMP]; /* set and cleared by the main thread */

/* Removes every remembered temporary file, then lets the signal end the
   process as it would have (async-signal-safe: unlink and raise only). */
static void on_signal(int sig)
{
	for (int i = 0; i < MAX_TMP; i++) {
		const char *p = atomic_load(&tmps[i]);
		if (p)
			unlink(p);
	}
	raise(sig); /* SA_RESETHAND restored the default action; it acts on return */
}

/* Catches SIGINT and SIGTERM, once; a signal that is ignored (as SIGINT is
   for a background job of a script) stays ignored. */
static void catch_signals(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	const int sigs[] = { SIGINT, SIGTERM };
	for (int i = 0; i < 2; i++) {
		struct sigaction old;
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
	}
}

void cli_tmp_remember(const char *tmp)
{
	catch_signals();
	for (int i = 0; i < MAX_TMP; i++)
		if (!atomic_load(&tmps[i])) {
			atomic_store(&tmps[i], tmp);
			return;
		}
}

void cli_tmp_forget(const char *tmp)
{
	for (int i = 0; i < MAX_TMP; i++)
		if (atomic_load(&tmps[i]) == tmp)
			atomic_store(&tmps[i], NULL);
}

/* ---- where the output goes ---- */

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

int cli_out_plan(const char *path, char **target, char **tmp)
{
	*target = *tmp = NULL;
	struct stat st;
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			cli_error("cannot write %s: it is a directory", path);
			return EXIT_FATAL;
		}
		if (!S_ISREG(st.st_mode))
			return EXIT_OK; /* a FIFO, device or socket: written directly */
	}
	bool is_link = lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
	*target = is_link ? link_target(path, 0) : strdup(path);
	*tmp = *target ? join(*target, strlen(*target), ".tmp", "") : NULL;
	if (!*tmp) {
		cli_error("cannot write %s: %s", path, strerror(errno));
		free(*target);
		*target = NULL;
		return EXIT_FATAL;
	}
	return EXIT_OK;
}

int cli_out_check(const char *path)
{
	if (!path || strcmp(path, "-") == 0)
		return EXIT_OK;
	char *target, *tmp;
	int rc = cli_out_plan(path, &target, &tmp);
	free(target);
	free(tmp);
	return rc;
}

/* Forgets and frees the temporary and target names. */
static void out_free(cli_out *o)
{
	cli_tmp_forget(o->tmp);
	free(o->tmp);
	free(o->target);
	o->tmp = o->target = NULL;
}

int cli_out_open(cli_out *o, const char *path)
{
	memset(o, 0, sizeof *o);
	if (!path || strcmp(path, "-") == 0) {
		o->f = stdout;
		return EXIT_OK;
	}
	o->path = path;
	if (cli_out_plan(path, &o->target, &o->tmp))
		return EXIT_FATAL;
	if (o->tmp)
		cli_tmp_remember(o->tmp); /* before it exists: no moment it could be left */
	o->f = fopen(o->tmp ? o->tmp : path, "wb");
	if (!o->f) {
		cli_error("cannot write %s: %s", path, strerror(errno));
		out_free(o);
		return EXIT_FATAL;
	}
	return EXIT_OK;
}

int cli_out_close(cli_out *o, bool keep)
{
	int rc = EXIT_OK;
	if (!o->f)
		return rc;
	if (o->f == stdout) {
		if (fflush(stdout) != 0) {
			cli_error("cannot write the output: %s", strerror(errno));
			rc = EXIT_FATAL;
		}
		o->f = NULL;
		return rc;
	}
	int err = fflush(o->f) != 0 ? errno : ferror(o->f) ? EIO : 0;
	if (fclose(o->f) != 0 && !err)
		err = errno;
	o->f = NULL;
	if (keep && err) {
		cli_error("cannot write %s: %s", o->path, strerror(err));
		rc = EXIT_FATAL;
	}
	if (o->tmp && keep && !err && rename(o->tmp, o->target) != 0) {
		cli_error("cannot rename %s to %s: %s", o->tmp, o->target, strerror(errno));
		rc = EXIT_FATAL;
	}
	if (o->tmp && (!keep || rc))
		unlink(o->tmp);
	out_free(o);
	return rc;
}
