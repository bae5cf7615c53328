/*
 * output.c - output files written safely: to a temporary file beside the
 * target, renamed into place only when everything was written.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>

int cli_out_open(cli_out *o, const char *path)
{
	memset(o, 0, sizeof *o);
	if (!path || strcmp(path, "-") == 0) {
		o->f = stdout;
		return EXIT_OK;
	}
	size_t n = strlen(path) + 16;
	o->path = path;
	o->tmp = malloc(n);
	if (!o->tmp) {
		cli_error("out of memory");
		return EXIT_FATAL;
	}
	snprintf(o->tmp, n, "%s.tmp", path);
	o->f = fopen(o->tmp, "wb");
	if (!o->f) {
		cli_error("cannot write %s: %s", path, strerror(errno));
		free(o->tmp);
		o->tmp = NULL;
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
	bool ok = fflush(o->f) == 0 && !ferror(o->f);
	ok = fclose(o->f) == 0 && ok;
	o->f = NULL;
	if (keep && !ok) {
		cli_error("cannot write %s: %s", o->path, strerror(errno));
		rc = EXIT_FATAL;
	}
	if (keep && ok && rename(o->tmp, o->path) != 0) {
		cli_error("cannot rename %s to %s: %s", o->tmp, o->path, strerror(errno));
		rc = EXIT_FATAL;
	}
	if (!keep || rc)
		unlink(o->tmp);
	free(o->tmp);
	o->tmp = NULL;
	return rc;
}
