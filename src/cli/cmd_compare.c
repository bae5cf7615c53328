/*
 * cmd_compare.c - `stepwise compare SUMMARY...`: the cluster's figures,
 * each school beside its family of similar schools, who to learn from.
 */
#define _DEFAULT_SOURCE /* timegm */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Days since 1970 of "YYYY-MM-DD", or -1. */
static long days(const char *d)
{
	struct tm tm = { 0 };
	if (!d || sscanf(d, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon--;
	return (long)(timegm(&tm) / 86400);
}

static int run_compare(cli_opt *opts, int npos, char **pos)
{
	sw_compare_options co = SW_COMPARE_OPTIONS_INIT;
	const char *fmt = cli_get(opts, "--format"), *outp = cli_get(opts, "-o");
	static const cli_format formats[] = { { "table", { 0 }, SW_REPORT_TABLE },
		                              { "csv", { ".csv" }, SW_REPORT_CSV },
		                              { "json", { ".json" }, SW_REPORT_JSON },
		                              { "html", { ".html" }, SW_REPORT_HTML }, { 0 } };
	co.format = cli_format_pick(formats, fmt, outp, SW_REPORT_TABLE, SW_REPORT_TABLE);
	if (!co.format)
		return cli_error("compare: --format must be table, csv, json or html, not "
		                 "'%s'", fmt);
	unsigned long long family = co.family;
	if (cli_whole(opts, "--family", 1, 1000, "a number of similar schools from 1 to 1000", &family))
		return EXIT_FATAL;
	co.family = (size_t)family;
	co.gap = cli_get(opts, "--gap");
	const char *by = cli_get(opts, "--by");
	if (by && strcmp(by, "school") != 0 && strcmp(by, "skill") != 0)
		return cli_error("compare: --by must be school or skill, not '%s'", by);
	co.by = by && !strcmp(by, "skill") ? SW_COMPARE_BY_SKILL : 0;
	if (cli_out_check(outp))
		return EXIT_FATAL;
	sw_summary **list = calloc((size_t)npos + 1, sizeof *list);
	if (!list)
		return cli_error("out of memory");
	int rc = EXIT_OK, n = 0;
	long lo = -1, hi = -1;
	for (; n < npos && !rc; n++) {
		size_t len;
		char *data = cli_read_file(pos[n], &len), *why = NULL;
		if (!data) {
			rc = EXIT_FATAL;
			break;
		}
		if (sw_summary_read(&list[n], data, len, &why) != SW_OK)
			rc = cli_error("%s: not a summary Stepwise can read: %s", pos[n],
			               why ? why : "out of memory");
		long d = rc ? -1 : days(sw_summary_as_of(list[n])); /* the span of as-of dates */
		lo = d >= 0 && (lo < 0 || d < lo) ? d : lo;
		hi = d > hi ? d : hi;
		free(why);
		free(data);
	}
	sw_summary *cl = NULL;
	char *why = NULL;
	if (!rc && sw_summary_combine(&cl, (const sw_summary *const *)list, (size_t)n, &why) != SW_OK)
		rc = cli_error("compare: %s", why ? why : "out of memory");
	free(why);
	sw_summary_free(cl);
	if (!rc && hi - lo > 122)
		fprintf(stderr, "stepwise: warning: the summaries' as-of dates are %ld days apart (more "
		        "than a term): schools are compared at different points of the year\n", hi - lo);
	cli_out out;
	if (!rc && !(rc = cli_out_open(&out, outp))) {
		int st = sw_summary_compare(out.f, (const sw_summary *const *)list, (size_t)n, &co);
		if (st != SW_OK)
			rc = cli_error(st == SW_EIO ? "cannot write the comparison"
			                              : "out of memory");
		if (cli_out_close(&out, rc == EXIT_OK) != EXIT_OK)
			rc = EXIT_FATAL;
	}
	for (int j = 0; j < n; j++)
		sw_summary_free(list[j]);
	free(list);
	return rc;
}

static const cli_opt compare_opts[] = { CLI_OPT("--family", "K"),
	                                CLI_OPT("--by", "school|skill"),
	                                CLI_OPT("--gap", "GROUP"),
	                                CLI_OPT("--format", "table|csv|json|html"),
	                                { 0 } };

const cli_cmd cli_compare = {
	"compare", "Compares school summaries: the cluster, families of similar schools.",
	"stepwise compare SUMMARY... [--family K] [--gap GROUP] [--format table|csv|json|html] [-o OUT]\n\n"
	"  SUMMARY           files made by 'stepwise summary' with one framework and rubric\n"
	"  --family K        similar schools per family (default 5), by phase, share of the gap\n"
	"                    group and number of pupils, standardised\n"
	"  --gap GROUP       the roster group of the gap (default pupil-premium)\n"
	"  --format F        table (default), csv, json, or html (the default for -o *.html)\n"
	"  --by school|skill rows school by school (default) or skill by skill\n"
	"  -o OUT            write to OUT (via OUT.tmp, renamed when complete)\n",
	run_compare, compare_opts, 1, -1, CLI_OUT
};
