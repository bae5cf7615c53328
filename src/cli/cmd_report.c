/*
 * cmd_report.c - `stepwise report` (cohort figures by group, the gap,
 * progress; as a table, CSV, JSON or an HTML report), `stepwise support`
 * (pupils below the expected step) and `stepwise passport` (one pupil's
 * report for the family, as HTML).
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SHOW_ERRORS 50
#define FORMAT_HTML 99

/* Counts rubric errors and prints the first ones (an sw_result_fn). */
typedef struct err_state {
	uint64_t shown, total;
} err_state;

static int on_result(const sw_result *r, void *payload)
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

/* The format from --format, the output's extension, or the terminal; -1 when unknown. */
static int pick_format(const char *fmt, const char *out, bool html)
{
	static const struct {
		const char *name;
		int format;
	} names[] = { { "table", SW_REPORT_TABLE }, { "csv", SW_REPORT_CSV },
		      { "json", SW_REPORT_JSON }, { "html", FORMAT_HTML } };
	if (fmt) {
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
			if (strcmp(fmt, names[i].name) == 0 && (html || names[i].format != FORMAT_HTML))
				return names[i].format;
		return -1;
	}
	if (out && strcmp(out, "-") != 0) {
		const char *dot = strrchr(out, '.');
		if (dot && (strcmp(dot, ".html") == 0 || strcmp(dot, ".htm") == 0))
			return html ? FORMAT_HTML : -1; /* support: no HTML of its own */
		if (dot && strcmp(dot, ".json") == 0)
			return SW_REPORT_JSON;
		if (dot && strcmp(dot, ".txt") == 0)
			return SW_REPORT_TABLE;
		return SW_REPORT_CSV;
	}
	return isatty(STDOUT_FILENO) ? SW_REPORT_TABLE : SW_REPORT_CSV;
}

/* Reads --below: a whole number from 1 to 1000000 (default 1). */
static int parse_below(cli_opt *opts, int *below)
{
	const char *v = cli_get(opts, "--below");
	*below = 1;
	if (!v)
		return EXIT_OK;
	char *end;
	long n = strtol(v, &end, 10);
	if (!*v || *end || n < 1 || n > 1000000) {
		cli_error("--below needs a whole number of steps from 1, not '%s'", v);
		return EXIT_FATAL;
	}
	*below = (int)n;
	return EXIT_OK;
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
	cli_error("--by must be all, school, class, year, group, school,class or school,year, "
	          "not '%s'", v);
	return EXIT_FATAL;
}

/* Reads --min-group: a whole number from 1 to 1000000 (default 5). */
static int parse_min_group(cli_opt *opts, int *min)
{
	const char *v = cli_get(opts, "--min-group");
	*min = 5;
	if (!v)
		return EXIT_OK;
	char *end;
	long n = strtol(v, &end, 10);
	if (!*v || *end || n < 1 || n > 1000000) {
		cli_error("--min-group needs a whole number of pupils from 1 (1 shows every figure), "
		          "not '%s'", v);
		return EXIT_FATAL;
	}
	*min = (int)n;
	return EXIT_OK;
}

/* Reads the support list's filters: --top N, --class C, --group G. */
static int parse_support_filters(cli_opt *opts, sw_cohort_options *co)
{
	const char *v = cli_get(opts, "--top");
	co->support_class = cli_get(opts, "--class");
	co->support_group = cli_get(opts, "--group");
	if (!v)
		return EXIT_OK;
	char *end;
	long n = strtol(v, &end, 10);
	if (!*v || *end || n < 1 || n > 1000000000) {
		cli_error("--top needs a whole number of pupils from 1, not '%s'", v);
		return EXIT_FATAL;
	}
	co->top = (int)n;
	return EXIT_OK;
}

/* Turns --sources LIST into the rubric parameter sources=LIST (after any --param). */
static int add_sources_param(cli_opt *opts)
{
	static char param[512];
	const char *v = cli_get(opts, "--sources");
	if (!v)
		return EXIT_OK;
	for (cli_opt *o = opts; o->name; o++) {
		if (strcmp(o->name, "--param") != 0)
			continue;
		if (o->count >= CLI_MAX_MANY || strlen(v) + 9 > sizeof param) {
			cli_error("--sources: too many parameters or too long a list");
			return EXIT_FATAL;
		}
		snprintf(param, sizeof param, "sources=%s", v);
		o->many[o->count++] = param;
		o->value = param;
	}
	return EXIT_OK;
}

/* Reads the repeatable --school into the options. */
static void parse_schools(cli_opt *opts, sw_cohort_options *co)
{
	for (cli_opt *o = opts; o->name; o++)
		if (strcmp(o->name, "--school") == 0 && o->count) {
			co->schools = o->many;
			co->school_count = (size_t)o->count;
		}
}

/* Says on standard error what --school left out. */
static void report_left_out(const sw_cohort *c)
{
	size_t pupils, records;
	sw_cohort_left_out(c, &pupils, &records);
	if (pupils)
		fprintf(stderr, "left out (other schools than --school): %zu pupils and their %zu "
		                "evidence records\n", pupils, records);
}

/* Creates the engine and loads the framework, rubric, roster and evidence. */
static int setup_out(sw_engine **eng, cli_opt *opts, cli_data *data, bool folder);
static int setup(sw_engine **eng, cli_opt *opts, cli_data *data)
{
	return setup_out(eng, opts, data, false);
}

/* The same; `folder`: -o names a folder of passports, not a file. */
static int setup_out(sw_engine **eng, cli_opt *opts, cli_data *data, bool folder)
{
	if (!cli_get(opts, "--pupils")) {
		cli_error("--pupils FILE is required: groups and expected steps come from the roster");
		return EXIT_FATAL;
	}
	if (!folder && cli_out_check(cli_get(opts, "-o")))
		return EXIT_FATAL; /* a folder, refused before any work */
	int rc = cli_engine(eng, opts);
	if (rc)
		return rc;
	if ((rc = cli_framework(*eng, opts)) || (rc = cli_rubric(*eng, opts)) ||
	    (rc = cli_load(*eng, opts, data, true, NULL))) {
		sw_engine_free(*eng);
		*eng = NULL;
	}
	return rc;
}

/* Builds the cohort, writes the chosen table or the HTML report, reconciles. */
static int run_cohort(cli_opt *opts, sw_cohort_options *co, int what, int format)
{
	sw_engine *eng;
	cli_data data;
	int rc = setup(&eng, opts, &data);
	if (rc)
		return rc;
	err_state errs = { 0, 0 };
	co->on_result = on_result;
	co->payload = &errs;
	sw_cohort *c = NULL;
	if (sw_cohort_new(&c, eng, co) != SW_OK) {
		cli_print_errors(eng);
		cli_reconcile(&data);
		sw_engine_free(eng);
		return EXIT_FATAL;
	}
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
	int st = format == FORMAT_HTML ? sw_cohort_write_html(out.f, c)
	                               : sw_cohort_write(out.f, c, what, format);
	if (st == SW_EIO)
		cli_error("cannot write %s: %s", out.path ? out.path : "the output", strerror(errno));
	else if (st != SW_OK)
		cli_error("out of memory");
	if (st != SW_OK)
		rc = EXIT_FATAL;
	if (cli_out_close(&out, rc == EXIT_OK) != EXIT_OK)
		rc = EXIT_FATAL;
	report_left_out(c);
	if (errs.total > errs.shown)
		fprintf(stderr, "... and %llu more rubric errors\n",
		        (unsigned long long)(errs.total - errs.shown));
	cli_reconcile(&data);
	if (rc == EXIT_OK && (data.rejected || errs.total))
		rc = EXIT_REJECTED;
	sw_cohort_free(c);
	sw_engine_free(eng);
	return rc;
}

static int run_report(const cli_cmd *cmd, cli_opt *opts, int npos, char **pos)
{
	(void)cmd, (void)npos, (void)pos;
	int format = pick_format(cli_get(opts, "--format"), cli_get(opts, "-o"), true);
	if (format < 0) {
		cli_error("report: --format must be table, csv, json or html");
		return EXIT_FATAL;
	}
	sw_cohort_options co = SW_COHORT_OPTIONS_INIT;
	co.as_of = cli_get(opts, "--as-of");
	co.gap = cli_get(opts, "--gap");
	co.from = cli_get(opts, "--from");
	co.to = cli_get(opts, "--to");
	parse_schools(opts, &co);
	co.with_support = cli_get(opts, "--with-support") != NULL;
	co.roster_date = cli_get(opts, "--roster-date");
	if (parse_support_filters(opts, &co) || add_sources_param(opts))
		return EXIT_FATAL;
	if (parse_by(cli_get(opts, "--by"), &co.by) || parse_below(opts, &co.below) ||
	    parse_min_group(opts, &co.min_group))
		return EXIT_FATAL;
	if (!co.from != !co.to) {
		cli_error("report: --from and --to go together");
		return EXIT_FATAL;
	}
	if (co.gap && co.from && format != FORMAT_HTML) {
		cli_error("report: --gap and --from/--to make different tables; give one of them "
		          "(the HTML report can show both)");
		return EXIT_FATAL;
	}
	if (co.gap && !*co.gap) {
		cli_error("report: --gap needs a roster group name, such as pupil-premium");
		return EXIT_FATAL;
	}
	int what = co.gap ? SW_REPORT_GAP : co.from ? SW_REPORT_PROGRESS : SW_REPORT_GROUPS;
	return run_cohort(opts, &co, what, format);
}

static int run_support(const cli_cmd *cmd, cli_opt *opts, int npos, char **pos)
{
	(void)cmd, (void)npos, (void)pos;
	int format = pick_format(cli_get(opts, "--format"), cli_get(opts, "-o"), false);
	if (format < 0) {
		cli_error("support: --format must be table, csv or json");
		return EXIT_FATAL;
	}
	sw_cohort_options co = SW_COHORT_OPTIONS_INIT;
	co.as_of = cli_get(opts, "--as-of");
	co.roster_date = cli_get(opts, "--roster-date");
	parse_schools(opts, &co);
	if (parse_below(opts, &co.below) || parse_support_filters(opts, &co))
		return EXIT_FATAL;
	return run_cohort(opts, &co, SW_REPORT_SUPPORT, format);
}

/* What a passport run needs in its callbacks. */
typedef struct passport_run {
	err_state errs;
	cli_opt *opts;
	const char *dir;          /* the output folder, with a trailing '/' */
	const char *class_name;   /* selection: --class */
	const char **schools;     /* --school names */
	int nschools;
	bool all;
	sw_passport_options po;
	sw_engine *eng;
	char **ids;               /* with --from: the pupils selected, written afterwards */
	size_t nids, cap;
	size_t written, empty;
	int rc;
} passport_run;

/* True when a pupil's result matches --class/--school/--all. */
static bool passport_selected(const passport_run *run, const sw_result *r)
{
	const char *cls = sw_result_class(r), *school = sw_result_school(r);
	if (run->class_name && (!cls || strcmp(cls, run->class_name) != 0))
		return false;
	if (run->nschools) {
		bool found = false;
		for (int i = 0; i < run->nschools && !found; i++)
			found = school && strcmp(school, run->schools[i]) == 0;
		if (!found)
			return false;
	}
	return run->all || run->class_name || run->nschools;
}

/* DIR/ID.html, with bytes other than letters, digits, '-', '_' and '.' (and a
   leading '.') written as _XX, so that any id gives one safe file name. */
static char *passport_path(const char *dir, const char *id)
{
	size_t n = strlen(dir), m = strlen(id);
	char *p = malloc(n + m * 3 + 8);
	if (!p)
		return NULL;
	memcpy(p, dir, n);
	for (size_t i = 0; i < m; i++) {
		unsigned char ch = (unsigned char)id[i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		          (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || (ch == '.' && i);
		if (ok && ch != '_')
			p[n++] = (char)ch;
		else
			n += (size_t)sprintf(p + n, "_%02X", ch);
	}
	memcpy(p + n, ".html", 6);
	return p;
}

/* Counts a result's evidence records (a pupil with none gets a plain page). */
static size_t result_records(const sw_result *r)
{
	size_t n = 0;
	for (size_t k = 0; k < sw_result_skill_count(r); k++)
		n += sw_result_evidence(r, k);
	return n;
}

/* Writes one pupil's page into the folder (from a result, or by evaluating). */
static void passport_one(passport_run *run, const char *id, const sw_result *now)
{
	char *path = passport_path(run->dir, id);
	cli_out out;
	if (!path) {
		cli_error("out of memory");
		run->rc = EXIT_FATAL;
		return;
	}
	if (cli_out_open(&out, path)) {
		free(path);
		run->rc = EXIT_FATAL;
		return;
	}
	int st;
	if (now) {
		st = sw_passport_write_result(out.f, run->eng, now, NULL, &run->po);
		if (st == SW_OK && !result_records(now)) {
			fprintf(stderr, "passport: %s has no evidence yet; the passport says so\n", id);
			run->empty++;
		}
	} else {
		st = sw_passport_write(out.f, run->eng, id, &run->po, NULL);
	}
	if (st != SW_OK) {
		if (now)
			cli_error("cannot write %s", path);
		else
			cli_print_errors(run->eng);
		run->rc = EXIT_FATAL;
	} else {
		run->written++;
	}
	if (cli_out_close(&out, st == SW_OK) != EXIT_OK)
		run->rc = EXIT_FATAL;
	free(path);
}

/* The sw_result_fn of a folder run: writes (or, with --from, remembers) each selected pupil. */
static int passport_each(const sw_result *r, void *payload)
{
	passport_run *run = payload;
	on_result(r, &run->errs);
	if (!passport_selected(run, r))
		return 0;
	if (!run->po.from) {
		passport_one(run, sw_result_pupil(r), r);
		return 0;
	}
	if (run->nids == run->cap) {
		size_t cap = run->cap ? run->cap * 2 : 64;
		char **ids = realloc(run->ids, cap * sizeof *ids);
		if (!ids)
			return 1;
		run->ids = ids, run->cap = cap;
	}
	if (!(run->ids[run->nids] = strdup(sw_result_pupil(r))))
		return 1;
	run->nids++;
	return 0;
}

/* The passport callback of a single page: counts errors and the pupil's records. */
static int passport_single(const sw_result *r, void *payload)
{
	passport_run *run = payload;
	if (!run->written++) /* the first result is the pupil now */
		run->empty = result_records(r) == 0;
	return on_result(r, &run->errs);
}

/* True when -o names a folder: ends in '/' or is one. */
static bool is_folder(const char *path)
{
	size_t n = path ? strlen(path) : 0;
	struct stat st;
	return n && (path[n - 1] == '/' || (stat(path, &st) == 0 && S_ISDIR(st.st_mode)));
}

/* Writes a page per selected pupil into the folder `out`. */
static int passport_folder(passport_run *run, const char *out, cli_opt *pupil_opt)
{
	size_t n = strlen(out);
	char *dir = malloc(n + 2);
	if (!dir) {
		cli_error("out of memory");
		return EXIT_FATAL;
	}
	memcpy(dir, out, n + 1);
	if (dir[n - 1] != '/')
		memcpy(dir + n, "/", 2);
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		cli_error("cannot make the folder %s: %s", dir, strerror(errno));
		free(dir);
		return EXIT_FATAL;
	}
	run->dir = dir;
	if (pupil_opt && pupil_opt->count) {
		for (int i = 0; i < pupil_opt->count; i++)
			passport_one(run, pupil_opt->many[i], NULL);
	} else {
		sw_eval_options eo = SW_EVAL_OPTIONS_INIT;
		eo.as_of = run->po.as_of;
		if (sw_engine_evaluate(run->eng, &eo, passport_each, run, NULL) != SW_OK) {
			cli_print_errors(run->eng);
			run->rc = EXIT_FATAL;
		}
		for (size_t i = 0; i < run->nids; i++) {
			if (run->rc == EXIT_OK)
				passport_one(run, run->ids[i], NULL);
			free(run->ids[i]);
		}
		free(run->ids);
	}
	fprintf(stderr, "passport: %zu pages written to %s\n", run->written, dir);
	free(dir);
	return run->rc;
}

static int run_passport(const cli_cmd *cmd, cli_opt *opts, int npos, char **pos)
{
	(void)cmd, (void)npos, (void)pos;
	passport_run run;
	memset(&run, 0, sizeof run);
	cli_opt *pupil_opt = NULL, *school_opt = NULL;
	for (cli_opt *o = opts; o->name; o++) {
		if (strcmp(o->name, "--pupil") == 0)
			pupil_opt = o;
		if (strcmp(o->name, "--school") == 0)
			school_opt = o;
	}
	int npupils = pupil_opt ? pupil_opt->count : 0;
	run.class_name = cli_get(opts, "--class");
	run.all = cli_get(opts, "--all") != NULL;
	run.schools = school_opt ? school_opt->many : NULL;
	run.nschools = school_opt ? school_opt->count : 0;
	const char *out = cli_get(opts, "-o");
	int kinds = (npupils > 0) + (run.class_name || run.nschools) + run.all;
	if (kinds != 1) {
		cli_error("passport: choose the pupils with one of --pupil ID..., --class C "
		          "(and/or --school S) or --all");
		return EXIT_FATAL;
	}
	bool folder = is_folder(out);
	if (!folder && (npupils != 1 || !pupil_opt->many[0][0])) {
		cli_error("passport: pages for several pupils go in a folder: -o DIR/");
		return EXIT_FATAL;
	}
	sw_engine *eng;
	cli_data data;
	int rc = setup_out(&eng, opts, &data, folder);
	if (rc)
		return rc;
	run.eng = eng;
	run.opts = opts;
	sw_passport_options po = SW_PASSPORT_OPTIONS_INIT;
	po.as_of = cli_get(opts, "--as-of");
	po.from = cli_get(opts, "--from");
	po.on_result = folder ? on_result : passport_single;
	po.payload = folder ? (void *)&run.errs : (void *)&run;
	run.po = po;
	if (folder) {
		rc = passport_folder(&run, out, pupil_opt);
	} else {
		cli_out o;
		if ((rc = cli_out_open(&o, out))) {
			sw_engine_free(eng);
			return rc;
		}
		if (sw_passport_write(o.f, eng, pupil_opt->many[0], &po, NULL) != SW_OK) {
			cli_print_errors(eng);
			rc = EXIT_FATAL;
		} else if (run.empty) {
			fprintf(stderr, "passport: %s has no evidence yet; the passport says so\n",
			        pupil_opt->many[0]);
		}
		if (cli_out_close(&o, rc == EXIT_OK) != EXIT_OK)
			rc = EXIT_FATAL;
	}
	cli_reconcile(&data);
	if (rc == EXIT_OK && (data.rejected || run.errs.total))
		rc = EXIT_REJECTED;
	sw_engine_free(eng);
	return rc;
}

#define COMMON_OPTS(params)                                                                  \
	{ "--framework", "FILE", 0, 0, 0 }, { "--rubric", "NAME|FILE.lua", 0, 0, 0 },        \
	{ "--param", "NAME=VALUE", 0, params, 0 }, { "--pupils", "FILE", 0, 0, 0 },          \
	{ "--evidence", "FILE", 0, 0, 0 }, { "--as-of", "YYYY-MM-DD", 0, 0, 0 },             \
	{ "-o", "FILE", 0, 0, 0 }, { "--rejects", "FILE", 0, 0, 0 },                         \
	{ "--max-instructions", "N", 0, 0, 0 }, { "--max-memory", "MiB", 0, 0, 0 },          \
	{ "--pattern-limit", "BYTES", 0, 0, 0 }

#define COMMON_HELP                                                                         \
	"  --framework F     framework file (default: the bundled Skills Builder 2.0)\n"   \
	"  --rubric R        built-in rubric name or a .lua file (default: highest)\n"       \
	"  --param K=V       set a rubric parameter (repeatable)\n"                            \
	"  --pupils P        roster (CSV or JSON Lines): years, classes, schools, groups\n"    \
	"  --evidence E      evidence (CSV or JSON Lines)\n"                                   \
	"  -o OUT            write to OUT (via OUT.tmp, renamed when complete)\n"             \
	"  --rejects FILE    keep rejected rows with their reasons\n"                          \
	"  --max-instructions N, --max-memory MiB, --pattern-limit BYTES: rubric limits\n"

static const char *report_params[CLI_MAX_MANY], *support_params[CLI_MAX_MANY],
	*passport_params[CLI_MAX_MANY], *report_schools[CLI_MAX_MANY],
	*support_schools[CLI_MAX_MANY], *passport_pupils[CLI_MAX_MANY],
	*passport_schools[CLI_MAX_MANY];

static cli_opt report_opts[] = {
	COMMON_OPTS(report_params),
	{ "--by", "all|school|class|year|group|school,class|school,year", 0, 0, 0 },
	{ "--school", "NAME", 0, report_schools, 0 },
	{ "--min-group", "N", 0, 0, 0 },
	{ "--with-support", NULL, 0, 0, 0 },
	{ "--sources", "LIST", 0, 0, 0 },
	{ "--roster-date", "YYYY-MM-DD", 0, 0, 0 },
	{ "--top", "N", 0, 0, 0 },
	{ "--class", "CLASS", 0, 0, 0 },
	{ "--group", "GROUP", 0, 0, 0 },
	{ "--gap", "GROUP", 0, 0, 0 },
	{ "--from", "YYYY-MM-DD", 0, 0, 0 },
	{ "--to", "YYYY-MM-DD", 0, 0, 0 },
	{ "--below", "N", 0, 0, 0 },
	{ "--format", "table|csv|json|html", 0, 0, 0 },
	{ 0 }
};

static cli_opt support_opts[] = {
	COMMON_OPTS(support_params),
	{ "--school", "NAME", 0, support_schools, 0 },
	{ "--roster-date", "YYYY-MM-DD", 0, 0, 0 },
	{ "--top", "N", 0, 0, 0 },
	{ "--class", "CLASS", 0, 0, 0 },
	{ "--group", "GROUP", 0, 0, 0 },
	{ "--below", "N", 0, 0, 0 },
	{ "--format", "table|csv|json", 0, 0, 0 },
	{ 0 }
};

static cli_opt passport_opts[] = {
	COMMON_OPTS(passport_params),
	{ "--pupil", "ID", 0, passport_pupils, 0 },
	{ "--class", "CLASS", 0, 0, 0 },
	{ "--school", "NAME", 0, passport_schools, 0 },
	{ "--all", NULL, 0, 0, 0 },
	{ "--from", "YYYY-MM-DD", 0, 0, 0 },
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
	"  --roster-date D   the date at which the roster's years hold (default: the newest\n"
	"                    evidence); earlier dates take each pupil's year as it was then\n"
	"  --sources LIST    the rubric's sources parameter: the evidence sources counted,\n"
	"                    such as teacher or teacher,self (the same as --param sources=LIST)\n"
	"  --below N         the support list: N steps or more below (default 1)\n"
	"  --format F        table (default on a terminal), csv (default otherwise), json, or\n"
	"                    html (default for -o *.html): one self-contained page with charts\n"
	"See README.md, \"Reports\", for the definitions of every figure.",
	run_report, report_opts, 0, 0
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
	run_support, support_opts, 0, 0
};

const cli_cmd cli_passport = {
	"passport", "One pupil's skills report for the family, as an HTML page.",
	"stepwise passport --pupil ID [--framework F] [--rubric R] [--param K=V]... --pupils P\n"
	"                  --evidence E [--as-of DATE] [--from DATE] [-o FILE.html]\n"
	"stepwise passport --pupil ID... | --class C | --school S... | --all ... -o DIR/\n\n"
	COMMON_HELP
	"  --pupil ID        the pupil (repeatable with -o DIR/)\n"
	"  --class C, --school S, --all: every pupil of a class, of schools, or all, with\n"
	"                    -o DIR/: a page per pupil, DIR/ID.html\n"
	"  --as-of DATE      the current assessment point (default: all evidence)\n"
	"  --from DATE       the previous assessment point, to show progress since then",
	run_passport, passport_opts, 0, 0
};
