/*
 * embedded_find.c - looks up the files compiled into the library.
 */
#include "embedded.h"

#include <string.h>

const sw_embedded_file *sw_embedded_find(const char *path)
{
	for (const sw_embedded_file *f = sw_embedded_files; f->path; f++)
		if (strcmp(f->path, path) == 0)
			return f;
	return NULL;
}
