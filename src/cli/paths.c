/*
 * paths.c - outputs that would replace inputs, refused before anything is
 * read: an output (-o, --rejects, the rejects file of the pupils beside
 * it) that is the same file as an input or as another output, compared by
 * device and inode after following symbolic links, or, for outputs not
 * yet made, by the absolute name they will get.
 */
#define _GNU_SOURCE /* realpath, asprintf */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_PATHS (2 * CLI_MAX_MANY + 16)

typedef struct named {
	const char *path;   /* as given */
	const char *role;   /* "an input", "the output (-o)", ... */
	bool exists;        /* a file there: dev and ino are set */
	dev_t dev;
	ino_t ino;
	char *where;        /* outputs not yet made: their absolute name (malloc) */
} named;

/* The absolute name a new output at path will have (NULL when unknown). */
static char *future_name(const char *path)
{
	char *target = NULL, *tmp = NULL;
	int rc = sw_output_plan(&target, &tmp, path);
	free(tmp);
	if (rc != SW_OK || !target)
		return NULL;
	char *real = realpath(target, NULL);
	if (real) {
		free(target);
		return real;
	}
	/* not made yet: its folder resolved, then its name */
	const char *slash = strrchr(target, '/');
	char *dir = slash ? strndup(target, slash == target ? 1 : (size_t)(slash - target))
	                  : strdup(".");
	char *rdir = dir ? realpath(dir, NULL) : NULL;
	char *out = NULL;
	if (rdir && (out = malloc(strlen(rdir) + strlen(target) + 2)))
		sprintf(out, "%s/%s", rdir, slash ? slash + 1 : target);
	free(dir);
	free(rdir);
	free(target);
	return out;
}

static void add(named *list, int *n, const char *path, const char *role, bool output)
{
	if (!path || strcmp(path, "-") == 0 || *n >= MAX_PATHS)
		return;
	struct stat st;
	bool there = stat(path, &st) == 0;
	/* a FIFO or device (/dev/null) may take several outputs; an input that is
	   not there is for its command to report */
	if (there && (!output || S_ISREG(st.st_mode)))
		list[(*n)++] = (named){ path, role, true, st.st_dev, st.st_ino, NULL };
	else if (!there && output)
		list[(*n)++] = (named){ .path = path, .role = role, .where = future_name(path) };
}

static bool same(const named *a, const named *b)
{
	if (a->exists && b->exists)
		return a->dev == b->dev && a->ino == b->ino;
	return a->where && b->where && strcmp(a->where, b->where) == 0;
}

char *cli_pupils_rejects_path(const char *path)
{
	const char *dot = strrchr(path, '.');
	const char *slash = strrchr(path, '/');
	if (!dot || (slash && dot < slash))
		dot = path + strlen(path);
	char *out;
	return asprintf(&out, "%.*s.pupils%s", (int)(dot - path), path, dot) < 0 ? NULL : out;
}

int cli_out_distinct(cli_opt *opts, int npos, char **pos)
{
	static const char *const inputs[] = { "--framework", "--pupils", "--evidence", "--rubric",
		NULL };
	named list[MAX_PATHS];
	int n = 0;
	for (const char *const *name = inputs; *name; name++) /* none is repeatable */
		add(list, &n, cli_get(opts, *name), "an input", false);
	for (int i = 0; i < npos; i++)
		add(list, &n, pos[i], "an input", false);
	int first_output = n;
	const char *rejects = cli_get(opts, "--rejects");
	char *pupils = rejects && cli_get(opts, "--pupils") ? cli_pupils_rejects_path(rejects) : NULL;
	add(list, &n, cli_get(opts, "-o"), "the output (-o)", true);
	add(list, &n, rejects, "the rejects file (--rejects)", true);
	add(list, &n, pupils, "the rejects file of the pupils", true);
	int rc = EXIT_OK;
	for (int i = first_output; i < n && rc == EXIT_OK; i++)
		for (int j = 0; j < i; j++)
			if (same(&list[i], &list[j])) {
				rc = cli_error("%s %s is the same file as %s %s: it would be replaced; "
				               "choose another name", list[i].role, list[i].path,
				               list[j].role, list[j].path);
				break;
			}
	for (int i = first_output; i < n; i++)
		free(list[i].where);
	free(pupils);
	return rc;
}
