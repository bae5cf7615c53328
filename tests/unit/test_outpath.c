/*
 * test_outpath.c - sw_output_plan: where an output file is written.
 */
#define _XOPEN_SOURCE 700
#include "unit.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void test_output_plan(void)
{
	char dir[] = "/tmp/sw-outpath-XXXXXX";
	REQUIRE(mkdtemp(dir) != NULL);
	char real[PATH_MAX];
	REQUIRE(realpath(dir, real) != NULL);
	char path[PATH_MAX + 64], want[PATH_MAX + 64], link_path[PATH_MAX + 64];
	char *target, *tmp;

	/* a new regular file: itself, and a temporary beside it */
	snprintf(path, sizeof path, "%s/out.csv", dir);
	CHECK_EQ(sw_output_plan(&target, &tmp, path), SW_OK);
	CHECK_STR(target, path);
	snprintf(want, sizeof want, "%s/out.csv.tmp", dir);
	CHECK_STR(tmp, want);
	free(target);
	free(tmp);

	/* a directory is refused with EISDIR */
	errno = 0;
	CHECK_EQ(sw_output_plan(&target, &tmp, dir), SW_EIO);
	CHECK_EQ(errno, EISDIR);
	CHECK(target == NULL && tmp == NULL);

	/* a device is written directly */
	CHECK_EQ(sw_output_plan(&target, &tmp, "/dev/null"), SW_OK);
	CHECK(target == NULL && tmp == NULL);

	/* a symbolic link to a file not yet made: the file it names */
	snprintf(link_path, sizeof link_path, "%s/link.csv", dir);
	REQUIRE(symlink("real.csv", link_path) == 0);
	CHECK_EQ(sw_output_plan(&target, &tmp, link_path), SW_OK);
	snprintf(want, sizeof want, "%s/real.csv", real);
	CHECK_STR(target, want);
	snprintf(want, sizeof want, "%s/real.csv.tmp", real);
	CHECK_STR(tmp, want);
	free(target);
	free(tmp);

	/* missing arguments */
	CHECK_EQ(sw_output_plan(NULL, &tmp, path), SW_EINVALID);
	CHECK_EQ(sw_output_plan(&target, &tmp, NULL), SW_EINVALID);

	unlink(link_path);
	rmdir(dir);
}
