/* cli_interchange.h - what `import` and `export` share (cmd_import.c). */
#ifndef SW_CLI_INTERCHANGE_H
#define SW_CLI_INTERCHANGE_H

#include "cli.h"

/* Prints an importer's or exporter's notice on stderr (an sw_notice_fn):
   "FILE:LINE: MESSAGE", "FILE: PATH: MESSAGE" or "FILE: MESSAGE". */
void cli_print_notice(const sw_notice *n, void *payload);
/* Writes data to path (standard output for NULL or "-") through path.tmp,
   renamed into place once complete. */
int cli_write_file(const char *path, const char *data, size_t len);

#endif
