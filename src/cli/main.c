/*
 * main.c - the `stepwise` command: finds the command, parses its options
 * (its own and the common ones of its groups) and runs it; the messages
 * every command prints. The commands are in the cmd_*.c files.
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cli_cmd *const COMMANDS[] = { &cli_validate, &cli_show, &cli_check, &cli_evaluate,
	                                       &cli_rubric_cmd, &cli_report, &cli_support,
	                                       &cli_passport, &cli_serve, &cli_import, &cli_export,
	                                       &cli_summary, &cli_compare, NULL };

int cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("stepwise: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return EXIT_FATAL;
}

int cli_print_errors(const sw_engine *eng)
{
	char buf[2048];
	size_t n = sw_engine_error_count(eng);
	for (size_t i = 0; i < n; i++) {
		sw_error_format(buf, sizeof buf, sw_engine_error(eng, i));
		fprintf(stderr, "%s\n", buf);
	}
	size_t total = sw_engine_error_total(eng);
	if (total > n)
		fprintf(stderr, "... and %zu more errors\n", total - n);
	return EXIT_FATAL;
}

cli_opt *cli_find(cli_opt *opts, const char *name)
{
	for (cli_opt *o = opts; o && o->name; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

const char *cli_get(cli_opt *opts, const char *name)
{
	cli_opt *o = cli_find(opts, name);
	return o ? o->value : NULL;
}

int cli_whole(cli_opt *opts, const char *name, unsigned long long min, unsigned long long max,
              const char *what, unsigned long long *n)
{
	const char *v = cli_get(opts, name);
	if (!v)
		return EXIT_OK;
	char *end;
	errno = 0;
	unsigned long long x = strtoull(v, &end, 10);
	if (!*v || *end || errno || strchr(v, '-') || x < min || x > max)
		return cli_error("%s needs %s, not '%s'", name, what, v);
	*n = x;
	return EXIT_OK;
}

/* The options several commands take, each group described once. */
static const cli_opt COMMON[] = {
	{ "--framework", "FILE", false, CLI_RUBRIC, 0, 0, 0 },
	{ "--rubric", "NAME|FILE.lua", false, CLI_RUBRIC, 0, 0, 0 },
	{ "--param", "NAME=VALUE", true, CLI_RUBRIC, 0, 0, 0 },
	{ "--pupils", "FILE", false, CLI_DATA, 0, 0, 0 },
	{ "--evidence", "FILE", false, CLI_DATA, 0, 0, 0 },
	{ "--rejects", "FILE", false, CLI_DATA, 0, 0, 0 },
	{ "--max-instructions", "N", false, CLI_LIMITS, 0, 0, 0 },
	{ "--max-memory", "MiB", false, CLI_LIMITS, 0, 0, 0 },
	{ "--pattern-limit", "BYTES", false, CLI_LIMITS, 0, 0, 0 },
	{ "--isolate", NULL, false, CLI_LIMITS, 0, 0, 0 },
	{ "--no-isolate", NULL, false, CLI_LIMITS, 0, 0, 0 },
	{ "-o", "FILE", false, CLI_OUT, 0, 0, 0 },
	{ "--as-of", "YYYY-MM-DD", false, CLI_AS_OF, 0, 0, 0 },
	{ "--date-format", "iso|dmy", false, CLI_DATES, 0, 0, 0 },
	{ 0 }
};

/* The options of command c, to be filled in by the parser: its own, then
   the common ones of its groups, then room for the values of the repeatable
   ones, in one block (free it); NULL when out of memory. */
static cli_opt *opts_of(const cli_cmd *c)
{
	size_t n = 0, max = sizeof COMMON / sizeof COMMON[0];
	while (c->opts[n].name)
		n++;
	cli_opt *all = calloc(n + max, sizeof *all + CLI_MAX_MANY * sizeof *all->many);
	if (!all)
		return NULL;
	const char **values = (const char **)(all + n + max);
	memcpy(all, c->opts, n * sizeof *all);
	for (const cli_opt *o = COMMON; o->name; o++)
		if ((o->group & c->common) && !cli_find(all, o->name))
			all[n++] = *o;
	for (size_t i = 0; i < n; i++)
		if (all[i].repeat)
			all[i].many = values + i * CLI_MAX_MANY;
	return all;
}

/* Parses argv for command c and runs it. */
static int run_command(const cli_cmd *c, int argc, char **argv)
{
	char **pos = calloc((size_t)argc + 1, sizeof *pos);
	cli_opt *opts = pos ? opts_of(c) : NULL;
	if (!opts) {
		free(pos);
		return cli_error("out of memory");
	}
	int npos = 0, rc = EXIT_FATAL;
	bool only_pos = false;
	for (int i = 0; i < argc; i++) {
		char *a = argv[i];
		if (only_pos || a[0] != '-' || strcmp(a, "-") == 0) {
			pos[npos++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_pos = true;
			continue;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			printf("usage: %s\n\n%s\n", c->usage, c->summary);
			rc = EXIT_OK;
			goto done;
		}
		char *eq = strchr(a, '=');
		size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
		cli_opt *o = NULL;
		for (cli_opt *p = opts; p->name; p++)
			if (strlen(p->name) == nlen && strncmp(p->name, a, nlen) == 0)
				o = p;
		if (!o) {
			cli_error("%s: unknown option '%.*s' (see 'stepwise %s --help')", c->name,
			          (int)nlen, a, c->name);
			goto done;
		}
		if (o->arg && !eq && i + 1 >= argc) {
			cli_error("%s: option '%s' needs a value (%s)", c->name, o->name, o->arg);
			goto done;
		}
		if (!o->arg && eq) {
			cli_error("%s: option '%s' takes no value", c->name, o->name);
			goto done;
		}
		const char *val = !o->arg ? "" : eq ? eq + 1 : argv[++i];
		if (o->repeat) {
			if (o->count >= CLI_MAX_MANY) {
				cli_error("%s: option '%s' given more than %d times", c->name, o->name,
				          CLI_MAX_MANY);
				goto done;
			}
			o->many[o->count] = val;
		} else if (o->value && o->arg) {
			cli_error("%s: option '%s' given twice", c->name, o->name);
			goto done;
		}
		o->count++;
		o->value = val;
	}
	if (npos < c->min_pos || (c->max_pos >= 0 && npos > c->max_pos)) {
		cli_error("%s: wrong number of arguments; usage: %s", c->name, c->usage);
		goto done;
	}
	if (getenv("STEPWISE_CSV_RAW") && strcmp(getenv("STEPWISE_CSV_RAW"), "1") == 0)
		sw_csv_set_raw(1); /* CSV values as they are, formulas included */
	if (cli_out_distinct(opts, npos, pos))
		goto done; /* an output would replace an input */
	rc = c->run(opts, npos, pos);
done:
	free(opts);
	free(pos);
	return rc;
}

int main(int argc, char **argv)
{
	const char *name = argc < 2 ? NULL : argv[1];
	if (!name || strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
	    strcmp(name, "help") == 0) {
		printf("usage: stepwise COMMAND [OPTIONS] [ARGS]\n\n"
		       "Stepwise turns skills evidence into steps on a skills framework.\n\n"
		       "commands:\n");
		for (const cli_cmd *const *c = COMMANDS; *c; c++)
			printf("  %-10s %s\n", (*c)->name, (*c)->summary);
		printf("\n'stepwise COMMAND --help' shows a command's options.\nexit codes: 0 ok, 1 "
		       "usage or fatal error, 2 completed but some input was rejected\n");
		return name ? EXIT_OK : EXIT_FATAL; /* no command is a usage error */
	}
	if (strcmp(name, "--version") == 0) {
		printf("stepwise %s\n", sw_version());
		return EXIT_OK;
	}
	for (const cli_cmd *const *c = COMMANDS; *c; c++)
		if (strcmp((*c)->name, name) == 0)
			return run_command(*c, argc - 2, argv + 2);
	return cli_error(name[0] == '-' ? "unknown option '%s' (see 'stepwise --help')"
	                                : "unknown command '%s' (see 'stepwise --help')", name);
}
