/* embedded.h - files compiled into the library by scripts/embed.sh. */
#ifndef SW_EMBEDDED_H
#define SW_EMBEDDED_H
#include <stddef.h>

typedef struct sw_embedded_file {
	const char *path; /* as in the source tree, e.g. "scripts/rubrics/highest.lua" */
	const char *data; /* NUL-terminated */
	size_t size;
} sw_embedded_file;

/* Ends with an entry whose path is NULL. */
extern const sw_embedded_file sw_embedded_files[] __attribute__((visibility("hidden")));

/* The embedded file with this path, or NULL. */
const sw_embedded_file *sw_embedded_find(const char *path) __attribute__((visibility("hidden")));
#endif
