/*
 * cmd_report.c - `stepwise report` (cohort figures by group, the gap,
 * progress; as a table, CSV, JSON or an HTML report), `stepwise support`
 * (pupils below the expected step); `stepwise passport` is in cmd_passport.c.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int report_on_result(const sw_result *r, void *payload)
{
	err_state *st = payload;
	for (size_t i = 0; i < sw_result_error_count(r); i++) {
		if (st->shown < SHOW_ERRORS) {
			fprintf(stderr, "%s\n", sw_result_error(r, i));
			st->shown++;
		}
		st->total++;
	}
	return 0;
}

/* The format from --format, the output's extension, or the terminal; 0 when
   unknown (support has no HTML of its own: html and -o *.html are refused). */
static sw_report_format pick_format(const char *fmt, const char *out, bool html)
{
	const cli_format formats[] = { { "table", { ".txt" }, SW_REPORT_TABLE },
		                       { "csv", { 0 }, SW_REPORT_CSV },
		                       { "json", { ".json" }, SW_REPORT_JSON },
		                       { html ? "html" : "", { ".html", ".htm" }, html ? SW_REPORT_HTML : 0 },
		                       { 0 } };
	return cli_format_pick(formats, fmt, out, SW_REPORT_CSV,
	                       isatty(STDOUT_FILENO) ? SW_REPORT_TABLE : SW_REPORT_CSV);
}

/* Reads --by. */
static int parse_by(const char *v, int *by)
{
	static const char *const names[] = { "all", "school", "class", "year", "group",
		                             "school,class", "school,year" };
	for (int i = 0; i < 7; i++)
		if (strcmp(v ? v : "all", names[i]) == 0) {
			*by = i; /* SW_BY_ALL ... SW_BY_SCHOOL_YEAR */
			return EXIT_OK;
		}
	return cli_error("--by must be all, school, class, year, group, school,class or "
	                 "school,year, not '%s'", v);
}

/* Reads what report and support share: --as-of, --roster-date, the
   repeatable --school, and the support list's --top N, --class C, --group G
   and --below N (default 1). */
static int parse_common(cli_opt *opts, sw_cohort_options *co)
{
	cli_opt *school = cli_find(opts, "--school");
	unsigned long long top = (unsigned long long)co->top, below = 1;
	co->as_of = cli_get(opts, "--as-of");
	co->roster_date = cli_get(opts, "--roster-date");
	co->schools = school->count ? school->many : NULL;
	co->school_count = (size_t)school->count;
	co->support_class = cli_get(opts, "--class");
	co->support_group = cli_get(opts, "--group");
	if (cli_whole(opts, "--top", 1, 1000000000, "a whole number of pupils from 1", &top) ||
	    cli_whole(opts, "--below", 1, 1000000, "a whole number of steps from 1", &below))
		return EXIT_FATAL;
	co->top = (int)top;
	co->below = (int)below;
	return EXIT_OK;
}

/* Turns --sources LIST into the rubric parameter sources=LIST (after any --param). */
static int add_sources_param(cli_opt *opts)
{
	static char param[512];
	const char *v = cli_get(opts, "--sources");
	if (!v)
		return EXIT_OK;
	cli_opt *o = cli_find(opts, "--param");
	if (o->count >= CLI_MAX_MANY || strlen(v) + 9 > sizeof param)
		return cli_error("--sources: too many parameters or too long a list");
	snprintf(param, sizeof param, "sources=%s", v);
	o->many[o->count++] = param;
	o->value = param;
	return EXIT_OK;
}

int report_setup(sw_engine **eng, cli_opt *opts, cli_data *data, bool folder)
{
	if (!cli_get(opts, "--pupils"))
		return cli_error("--pupils FILE is required: groups and expected steps come from "
		                 "the roster");
	if (!folder && cli_out_check(cli_get(opts, "-o")))
		return EXIT_FATAL; /* a folder, refused before any work */
	return cli_setup(eng, opts, true, data);
}

/* Builds the cohort, writes the chosen table or the HTML report, reconciles. */
static int run_cohort(cli_opt *opts, sw_cohort_options *co, sw_report what,
                      sw_report_format format)
{
	sw_engine *eng;
	cli_data data;
	int rc = report_setup(&eng, opts, &data, false);
	if (rc)
		return rc;
	err_state errs = { 0, 0 };
	co->on_result = report_on_result;
	co->payload = &errs;
	sw_cohort *c = NULL;
	if (sw_cohort_new(&c, eng, co) != SW_OK) /* the errors, then the reconciliation */
		return cli_finish(eng, &data, cli_print_errors(eng), 0);
	for (int i = 0; i < data.nlines; i++)
		if (sw_cohort_add_source(c, data.lines[i].path, &data.lines[i].stats) != SW_OK)
			rc = EXIT_FATAL;
	if (rc)
		cli_error("out of memory");
	cli_out out;
	if (rc || cli_out_open(&out, cli_get(opts, "-o"))) {
		sw_cohort_free(c);
		sw_engine_free(eng);
		return EXIT_FATAL;
	}
	int st = format == SW_REPORT_HTML ? sw_cohort_write_html(out.f, c)
	                               : sw_cohort_write(out.f, c, what, format);
	if (st == SW_EIO)
		rc = cli_error("cannot write %s: %s", out.path ? out.path : "the output", strerror(errno));
	else if (st != SW_OK)
		rc = cli_error("out of memory");
	if (cli_out_close(&out, rc == EXIT_OK) != EXIT_OK)
		rc = EXIT_FATAL;
	size_t pupils, records;
	sw_cohort_left_out(c, &pupils, &records); /* what --school left out */
	if (pupils)
		fprintf(stderr, "left out (other schools than --school): %zu pupils and their %zu "
		                "evidence records\n", pupils, records);
	if (errs.total > errs.shown)
		fprintf(stderr, "... and %llu more rubric errors\n",
		        (unsigned long long)(errs.total - errs.shown));
	sw_cohort_free(c);
	return cli_finish(eng, &data, rc, errs.total);
}

static int run_report(cli_opt *opts, int npos, char **pos)
{
	(void)npos, (void)pos;
	sw_report_format format = pick_format(cli_get(opts, "--format"), cli_get(opts, "-o"), true);
	if (!format)
		return cli_error("report: --format must be table, csv, json or html");
	sw_cohort_options co = SW_COHORT_OPTIONS_INIT;
	co.gap = cli_get(opts, "--gap");
	co.from = cli_get(opts, "--from");
	co.to = cli_get(opts, "--to");
	co.with_support = cli_get(opts, "--with-support") != NULL;
	co.terms = cli_get(opts, "--terms") != NULL;
	co.at = cli_get(opts, "--at");
	if (co.terms && co.at)
		return cli_error("report: give --terms or --at D1,D2,..., not both");
	if ((co.terms || co.at) && (co.gap || co.from) && format != SW_REPORT_HTML)
		return cli_error("report: --terms/--at make a table of their own; give them "
		                 "without --gap and --from (the HTML report can show all of them)");
	unsigned long long min_group = 5;
	if (parse_common(opts, &co) || add_sources_param(opts) ||
	    parse_by(cli_get(opts, "--by"), &co.by) ||
	    cli_whole(opts, "--min-group", 1, 1000000,
	              "a whole number of pupils from 1 (1 shows every figure)", &min_group))
		return EXIT_FATAL;
	co.min_group = (int)min_group;
	if (!co.from != !co.to)
		return cli_error("report: --from and --to go together");
	if (co.gap && co.from && format != SW_REPORT_HTML)
		return cli_error("report: --gap and --from/--to make different tables; give one of "
		                 "them (the HTML report can show both)");
	if (co.gap && !*co.gap)
		return cli_error("report: --gap needs a roster group name, such as pupil-premium");
	sw_report what = co.terms || co.at ? SW_REPORT_TREND : co.gap ? SW_REPORT_GAP
	                 : co.from ? SW_REPORT_PROGRESS : SW_REPORT_GROUPS;
	return run_cohort(opts, &co, what, format);
}

static int run_support(cli_opt *opts, int npos, char **pos)
{
	(void)npos, (void)pos;
	sw_report_format format = pick_format(cli_get(opts, "--format"), cli_get(opts, "-o"), false);
	if (!format)
		return cli_error("support: --format must be table, csv or json");
	sw_cohort_options co = SW_COHORT_OPTIONS_INIT;
	return parse_common(opts, &co) ? EXIT_FATAL : run_cohort(opts, &co, SW_REPORT_SUPPORT, format);
}

static const cli_opt report_opts[] = {
	CLI_OPT("--by", "all|school|class|year|group|school,class|school,year"),
	CLI_MANY("--school", "NAME"),
	CLI_OPT("--min-group", "N"),
	CLI_OPT("--with-support", NULL),
	CLI_OPT("--sources", "LIST"),
	CLI_OPT("--roster-date", "YYYY-MM-DD"),
	CLI_OPT("--terms", NULL),
	CLI_OPT("--at", "D1,D2,..."),
	CLI_OPT("--top", "N"),
	CLI_OPT("--class", "CLASS"),
	CLI_OPT("--group", "GROUP"),
	CLI_OPT("--gap", "GROUP"),
	CLI_OPT("--from", "YYYY-MM-DD"),
	CLI_OPT("--to", "YYYY-MM-DD"),
	CLI_OPT("--below", "N"),
	CLI_OPT("--format", "table|csv|json|html"),
	{ 0 }
};

static const cli_opt support_opts[] = {
	CLI_MANY("--school", "NAME"),
	CLI_OPT("--roster-date", "YYYY-MM-DD"),
	CLI_OPT("--top", "N"),
	CLI_OPT("--class", "CLASS"),
	CLI_OPT("--group", "GROUP"),
	CLI_OPT("--below", "N"),
	CLI_OPT("--format", "table|csv|json"),
	{ 0 }
};

const cli_cmd cli_report = {
	"report", "Cohort figures by group, the gap for a group, progress; or an HTML report.",
	"stepwise report [--framework F] [--rubric R] [--param K=V]... --pupils P --evidence E\n"
	"                [--as-of DATE] [--by all|school|class|year|group|school,class|school,year]\n"
	"                [--school NAME]... [--min-group N] [--gap GROUP] [--from D1 --to D2]\n"
	"                [--with-support] [--below N] [--format table|csv|json|html] [-o OUT]\n\n"
	COMMON_HELP
	"  --as-of DATE      count only evidence dated on or before DATE (default: --to, else all)\n"
	"  --by B            one group (all, the default), or a group per school, class, year or\n"
	"                    roster group (a pupil in several groups counts in each), or per\n"
	"                    school and class (school,class) or school and year (school,year);\n"
	"                    class alone is refused when the pupils are in several schools\n"
	"  --school NAME     only this school's pupils (repeatable); the others are left out\n"
	"  --min-group N     withhold figures resting on fewer than N pupils (default 5)\n"
	"  --gap GROUP       per group and skill: the roster group's figures, the others', the\n"
	"                    gap in mean step and in points at expected, and year-adjusted\n"
	"  --from D1 --to D2 per group and skill: mean step at D1 and D2 of pupils assessed at both\n"
	"  --with-support    the HTML report adds the support list, which names pupils\n"
	"  --top N, --class CLASS, --group GROUP: narrow that support list\n"
	"  --terms           % at expected at the end of each term (autumn: 31 December,\n"
	"                    spring: 31 March, summer: 31 August) over the evidence's span\n"
	"  --at D1,D2,...    the same at these dates\n"
	"  --roster-date D   the date at which the roster's years hold (default: the newest\n"
	"                    evidence); earlier dates take each pupil's year as it was then\n"
	"  --sources LIST    the rubric's sources parameter: the evidence sources counted,\n"
	"                    such as teacher or teacher,self (the same as --param sources=LIST)\n"
	"  --below N         the support list: N steps or more below (default 1)\n"
	"  --format F        table (default on a terminal), csv (default otherwise), json, or\n"
	"                    html (default for -o *.html): one self-contained page with charts\n"
	"See README.md, \"Reports\", for the definitions of every figure.",
	run_report, report_opts, 0, 0, CLI_ALL
};

const cli_cmd cli_support = {
	"support", "Pupils below the expected step, for targeted support.",
	"stepwise support [--framework F] [--rubric R] [--param K=V]... --pupils P --evidence E\n"
	"                 [--as-of DATE] [--school NAME]... [--class CLASS] [--group GROUP]\n"
	"                 [--top N] [--below N] [--format table|csv|json] [-o OUT]\n\n"
	COMMON_HELP
	"  --as-of DATE      count only evidence dated on or before DATE\n"
	"  --school NAME     only this school's pupils (repeatable); the others are left out\n"
	"  --class CLASS     only pupils of this class\n"
	"  --group GROUP     only pupils of this roster group\n"
	"  --top N           at most N pupils in each list (the largest total shortfalls)\n"
	"  --below N         a skill counts when N or more steps below the expected step\n"
	"                    (default 1); pupils with no step where one is expected are\n"
	"                    listed apart, as not yet assessed\n"
	"  --format F        table (default on a terminal), csv (default otherwise), or json\n"
	"The list names pupils: share it only with staff who need it.",
	run_support, support_opts, 0, 0, CLI_ALL
};

