/*
 * outpath.c - where an output file is written so that an interrupted run
 * never leaves a half-written file: a temporary file beside the real
 * target, renamed onto it when complete (through symbolic links to the
 * file they name); FIFOs, devices and sockets are written directly. The
 * temporary file is created exclusively (O_EXCL, O_NOFOLLOW): a file or a
 * symbolic link planted at its name is never written through; another
 * name beside it is used instead.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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

int sw_output_plan(char **target, char **tmp, const char *path)
{
	if (!target || !tmp)
		return SW_EINVALID;
	*target = *tmp = NULL;
	if (!path)
		return SW_EINVALID;
	struct stat st;
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			errno = EISDIR;
			return SW_EIO;
		}
		if (!S_ISREG(st.st_mode))
			return SW_OK; /* a FIFO, device or socket: written directly */
	}
	bool is_link = lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
	*target = is_link ? link_target(path, 0) : strdup(path);
	*tmp = *target ? join(*target, strlen(*target), ".tmp", "") : NULL;
	if (!*tmp) {
		int err = errno;
		free(*target);
		*target = NULL;
		errno = err;
		return err == ENOMEM ? SW_ENOMEM : SW_EIO;
	}
	return SW_OK;
}

/* A number for temporary names that another run is unlikely to pick. */
static unsigned long tmp_salt(void)
{
	static unsigned long counter;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((unsigned long)getpid() * 2654435761u) ^ (unsigned long)ts.tv_nsec ^
	       (++counter * 40503u);
}

int sw_output_open(FILE **f, char **tmp)
{
	if (!f || !tmp || !*tmp)
		return SW_EINVALID;
	*f = NULL;
	const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	int fd = open(*tmp, flags, 0666);
	char *name = NULL;
	size_t n = strlen(*tmp);
	for (int tries = 0; fd < 0 && errno == EEXIST && tries < 100; tries++) {
		/* taken (a left-over, another run, or a planted link): a unique name */
		free(name);
		name = malloc(n + 16);
		if (!name)
			return SW_ENOMEM;
		snprintf(name, n + 16, "%s.%06lu", *tmp, tmp_salt() % 1000000u);
		fd = open(name, flags, 0666);
	}
	if (fd < 0) {
		int err = errno;
		free(name);
		errno = err;
		return SW_EIO;
	}
	*f = fdopen(fd, "wb");
	if (!*f) {
		int err = errno;
		close(fd);
		unlink(name ? name : *tmp);
		free(name);
		errno = err;
		return SW_EIO;
	}
	if (name) {
		free(*tmp);
		*tmp = name;
	}
	return SW_OK;
}
