#include "cli.h"
static int run_compare(const cli_cmd *cmd, cli_opt *opts, int npos, char **pos)
{
	(void)cmd, (void)opts, (void)npos, (void)pos;
	return EXIT_FATAL;
}
static cli_opt compare_opts[] = { { 0 } };
const cli_cmd cli_compare = { "compare", "x", "x", run_compare, compare_opts, 1, -1 };
