/* report.h - what cmd_report.c and cmd_passport.c share. */
#ifndef STEPWISE_CLI_REPORT_H
#define STEPWISE_CLI_REPORT_H
#include "cli.h"

#include <stdint.h>

#define SHOW_ERRORS 50

/* Rubric errors: counted, the first SHOW_ERRORS printed. */
typedef struct err_state {
	uint64_t shown, total;
} err_state;

/* Counts a result's rubric errors and prints the first ones (an sw_result_fn on err_state). */
int report_on_result(const sw_result *r, void *payload);
/* Creates the engine and loads the framework, rubric, roster and evidence;
   `folder`: -o names a folder of passports, not a file. */
int report_setup(sw_engine **eng, cli_opt *opts, cli_data *data, bool folder);

#define COMMON_HELP                                                                         \
	"  --framework F     framework file or bundled name (default: skills-builder-v2)\n" \
	"  --rubric R        built-in rubric name or a .lua file (default: highest)\n"       \
	"  --param K=V       set a rubric parameter (repeatable)\n"                            \
	"  --pupils P        roster (CSV or JSON Lines): years, classes, schools, groups\n"    \
	"  --evidence E      evidence (CSV or JSON Lines)\n"                                   \
	"  -o OUT            write to OUT (via OUT.tmp, renamed when complete)\n"             \
	"  --rejects FILE    keep rejected rows with their reasons\n"                          \
	"  --date-format dmy evidence dates may be day first, 13/02/2026 or 3/2/2026\n"      \
	"  --max-instructions N, --max-memory MiB, --pattern-limit BYTES: rubric limits\n"   \
	"  --isolate, --no-isolate: run the rubric in worker processes, or not (default:\n" \
	"                    isolated when the rubric runs as Lua; see evaluate --help)\n"

#endif
