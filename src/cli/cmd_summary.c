/*
 * cmd_summary.c - `stepwise summary`: a school's privacy-safe summary
 * (or one per school with --per-school), and `summary --check FILE`.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int run_check(const char *path)
{
	size_t len;
	char *data = cli_read_file(path, &len);
	if (!data)
		return EXIT_FATAL;
	char *problems = NULL;
	int st = sw_summary_check(&problems, data, len);
	free(data);
	if (st == SW_OK) {
		printf("%s: holds no pupil's data and its small counts stay hidden\n", path);
		return EXIT_OK;
	}
	if (st != SW_EINVALID)
		return cli_error("out of memory");
	fprintf(stderr, "%s: not safe to share as it is:\n%s", path, problems ? problems : "");
	free(problems);
	return EXIT_REJECTED;
}

/* A file name from a school's name: lower-case ASCII letters and digits,
   anything else as '-'. */
static void file_name(char *buf, size_t n, const char *dir, const char *school, size_t i)
{
	char slug[96];
	size_t k = 0;
	for (const char *p = school; p && *p && k + 1 < sizeof slug; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			slug[k++] = c;
		else if (k && slug[k - 1] != '-')
			slug[k++] = '-';
	}
	while (k && slug[k - 1] == '-')
		k--;
	slug[k] = '\0';
	size_t dl = strlen(dir);
	snprintf(buf, n, "%s%s%s-%zu.json", dir, dl && dir[dl - 1] == '/' ? "" : "/",
	         k ? slug : "school", i + 1);
}

static int run_summary(cli_opt *opts, int npos, char **pos)
{
	(void)npos, (void)pos;
	const char *check = cli_get(opts, "--check");
	if (check)
		return run_check(check);
	if (!cli_get(opts, "--pupils") || !cli_get(opts, "--evidence"))
		return cli_error("summary: --pupils FILE and --evidence FILE are required (or "
		                 "--check FILE)");
	bool each = cli_get(opts, "--per-school") != NULL;
	const char *outp = cli_get(opts, "-o");
	sw_summary_options so = SW_SUMMARY_OPTIONS_INIT;
	so.school = cli_get(opts, "--school");
	so.as_of = cli_get(opts, "--as-of");
	so.from = cli_get(opts, "--from");
	so.roster_date = cli_get(opts, "--roster-date");
	unsigned long long mc = (unsigned long long)so.min_count;
	if (cli_whole(opts, "--min-count", 1, 1000, "a whole number from 1 to 1000", &mc))
		return EXIT_FATAL;
	so.min_count = (int)mc;
	if (each && so.school)
		return cli_error("summary: give --school NAME or --per-school, not both");
	if (each && (!outp || !*outp || strcmp(outp, "-") == 0))
		return cli_error("summary: --per-school writes a file per school: give -o FOLDER/");
	if (each && mkdir(outp, 0777) != 0 && errno != EEXIST)
		return cli_error("cannot make folder %s: %s", outp, strerror(errno));
	if (!each && cli_out_check(outp))
		return EXIT_FATAL;
	sw_engine *eng;
	cli_data data;
	int rc = cli_setup(&eng, opts, true, &data);
	if (rc)
		return rc;
	sw_summary *one = NULL, **list = &one; /* one summary, or one per school */
	size_t n = 0;
	int st = each ? sw_summary_make_each(&list, &n, eng, &so) : sw_summary_make(&one, eng, &so);
	if (st != SW_OK)
		rc = cli_print_errors(eng);
	n = each ? n : one != NULL;
	/* one evaluation for every school: the same count in each */
	uint64_t errors = n ? sw_summary_eval_errors(list[0]) : 0;
	for (size_t i = 0; !rc && i < n; i++) {
		char path[4096], *json = NULL;
		size_t len = 0;
		if (each)
			file_name(path, sizeof path, outp, sw_summary_school(list[i]), i);
		rc = sw_summary_json(&json, &len, list[i]) != SW_OK
		             ? cli_error("out of memory")
		             : cli_write_file(each ? path : outp, json, len);
		free(json);
		if (each && !rc && !cli_get(opts, "--quiet"))
			fprintf(stderr, "%s: %s\n", path, sw_summary_school(list[i]));
	}
	if (each)
		sw_summary_list_free(list, n);
	sw_summary_free(one);
	if (errors)
		fprintf(stderr, "stepwise: the rubric failed %llu times: those steps are missing from "
		        "the summary ('stepwise evaluate' with the same options shows where)\n",
		        (unsigned long long)errors);
	return cli_finish(eng, &data, rc, errors);
}

static const cli_opt summary_opts[] = {
	CLI_OPT("--from", "YYYY-MM-DD"), CLI_OPT("--school", "NAME"),
	CLI_OPT("--per-school", NULL), CLI_OPT("--min-count", "N"),
	CLI_OPT("--roster-date", "YYYY-MM-DD"), CLI_OPT("--check", "FILE"),
	CLI_OPT("-o", "FILE|FOLDER/"), CLI_OPT("--quiet", NULL), { 0 }
};

const cli_cmd cli_summary = {
	"summary", "A school's summary to share: no pupil's data, small counts hidden.",
	"stepwise summary --pupils P --evidence E [--framework F] [--rubric R] [--param K=V]...\n"
	"                [--as-of D] [--from D1] [--school NAME | --per-school] [--min-count N]\n"
	"                [--roster-date D] -o OUT.json | -o FOLDER/\n"
	"       stepwise summary --check FILE\n\n"
	"  --school NAME     only that school's pupils (default: every pupil of the roster)\n"
	"  --per-school      one summary per school, written into the folder -o names\n"
	"  --as-of D         count only evidence dated on or before D (default: all)\n"
	"  --from D1         the same figures as of the earlier date D1 too\n"
	"  --roster-date D   the date at which the roster's years hold (default: the newest\n"
	"                    evidence date); earlier dates use each pupil's year then\n"
	"  --min-count N     counts from 1 to N-1 are hidden (default 5), with enough others\n"
	"                    that none can be worked out from the rest\n"
	"  --check FILE      check a summary: only the format's fields, small counts hidden;\n"
	"                    exit 2 naming each problem\n"
	"  --framework, --rubric, --param, --pupils, --evidence, --rejects: as for evaluate\n"
	"  --isolate, --no-isolate: as for evaluate (default: isolated when the rubric runs\n"
	"                    as Lua)\n",
	run_summary, summary_opts, 0, 0, CLI_RUBRIC | CLI_DATA | CLI_LIMITS | CLI_AS_OF
};
