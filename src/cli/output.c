/*
 * output.c - output files written safely: to a temporary file beside the
 * target, renamed into place only when everything was written, and removed
 * if SIGINT or SIGTERM ends the run. A FIFO, device or socket is written
 * directly; a symbolic link keeps pointing at the file it names. Also the
 * output format chosen by --format or the name, a whole text written at
 * once, and a whole file read (a summary).
 */
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
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESETHAND };
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

int cli_out_plan(const char *path, char **target, char **tmp)
{
	int rc = sw_output_plan(target, tmp, path);
	if (rc == SW_EIO && errno == EISDIR)
		return cli_error("cannot write %s: it is a directory", path);
	if (rc)
		return cli_error("cannot write %s: %s", path,
		                 rc == SW_ENOMEM ? "out of memory" : strerror(errno));
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
	char *planned = o->tmp;
	int orc = o->tmp ? sw_output_open(&o->f, &o->tmp) : (o->f = fopen(path, "wb")) ? SW_OK : SW_EIO;
	if (o->tmp != planned) { /* the name was taken: another beside it */
		cli_tmp_forget(planned);
		cli_tmp_remember(o->tmp);
	}
	if (orc != SW_OK) {
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
		if (fflush(stdout) != 0)
			rc = cli_error("cannot write the output: %s", strerror(errno));
		o->f = NULL;
		return rc;
	}
	int err = fflush(o->f) != 0 ? errno : ferror(o->f) ? EIO : 0;
	if (fclose(o->f) != 0 && !err)
		err = errno;
	o->f = NULL;
	if (keep && err)
		rc = cli_error("cannot write %s: %s", o->path, strerror(err));
	if (o->tmp && keep && !err && rename(o->tmp, o->target) != 0)
		rc = cli_error("cannot rename %s to %s: %s", o->tmp, o->target, strerror(errno));
	if (o->tmp && (!keep || rc))
		unlink(o->tmp);
	out_free(o);
	return rc;
}

int cli_format_pick(const cli_format *list, const char *fmt, const char *out, int other,
                    int none)
{
	bool named = out && strcmp(out, "-") != 0;
	const char *dot = named ? strrchr(out, '.') : NULL;
	for (const cli_format *f = list; f->name; f++) {
		if (fmt && strcmp(fmt, f->name) == 0)
			return f->format;
		for (int i = 0; !fmt && dot && i < 2 && f->ends[i]; i++)
			if (strcmp(dot, f->ends[i]) == 0)
				return f->format;
	}
	return fmt ? 0 : named ? other : none;
}

int cli_write_file(const char *path, const char *data, size_t len)
{
	cli_out o;
	if (cli_out_open(&o, path) != EXIT_OK)
		return EXIT_FATAL;
	bool ok = fwrite(data, 1, len, o.f) == len;
	if (!ok)
		cli_error("cannot write %s: %s", o.path ? o.path : "the output", strerror(errno));
	return cli_out_close(&o, ok) == EXIT_OK && ok ? EXIT_OK : EXIT_FATAL;
}

char *cli_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		cli_error("cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	char chunk[1 << 16], *buf = NULL;
	size_t n;
	FILE *m = open_memstream(&buf, len);
	bool big = !m; /* out of memory, or 2 GiB or more */
	while (!big && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		big = fwrite(chunk, 1, n, m) != n || ftell(m) >= 1L << 31;
	bool err = ferror(f);
	fclose(f);
	if ((m && fclose(m) != 0) || big || err) {
		cli_error("cannot read %s: %s", path, err && !big ? "read error" : "too large");
		free(buf);
		return NULL;
	}
	return buf;
}
