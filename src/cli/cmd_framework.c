/*
 * cmd_framework.c - `stepwise validate` and `stepwise show`.
 */
#include "cli.h"

#include <stdio.h>

static int run_validate(cli_opt *opts, int npos, char **pos)
{
	sw_engine *eng;
	int rc = cli_engine(&eng, opts);
	if (rc)
		return rc;
	for (int i = 0; i < npos; i++) {
		if (cli_framework_load(eng, pos[i]) != SW_OK) {
			rc = cli_print_errors(eng);
			continue;
		}
		const sw_framework *fw = sw_engine_framework(eng);
		size_t steps = 0; /* every step of every skill */
		for (size_t k = 0; k < sw_framework_skill_count(fw); k++) {
			const sw_skill *sk = sw_framework_skill(fw, k);
			steps += (size_t)(sw_skill_max(sk) - sw_skill_min(sk) + 1);
		}
		printf("ok: %s (%zu skills, %zu steps)\n", sw_framework_id(fw),
		       sw_framework_skill_count(fw), steps);
	}
	sw_engine_free(eng);
	return rc;
}

static const cli_opt validate_opts[] = { { 0 } };

const cli_cmd cli_validate = {
	"validate", "Check framework files against every rule of the format; print ok or the errors.",
	"stepwise validate FILE...", run_validate, validate_opts, 1, -1, 0
};

static int run_show(cli_opt *opts, int npos, char **pos)
{
	(void)npos;
	sw_engine *eng;
	int rc = cli_engine(&eng, opts);
	if (rc)
		return rc;
	if (cli_framework_load(eng, pos[0]) != SW_OK) {
		rc = cli_print_errors(eng);
	} else {
		const char *skill = cli_get(opts, "--skill");
		int st = sw_framework_print(stdout, sw_engine_framework(eng), skill);
		if (st == SW_ENOTFOUND)
			rc = cli_error("show: no skill '%s' in %s", skill, pos[0]);
		else if (st != SW_OK || fflush(stdout) != 0)
			rc = cli_error("show: cannot write the output");
	}
	sw_engine_free(eng);
	return rc;
}

static const cli_opt show_opts[] = { CLI_OPT("--skill", "ID"), { 0 } };

const cli_cmd cli_show = {
	"show", "Show a framework as an aligned table: skills, stages, expectations; or one skill's steps.",
	"stepwise show FILE [--skill ID]", run_show, show_opts, 1, 1, 0
};
