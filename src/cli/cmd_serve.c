/*
 * cmd_serve.c - `stepwise serve --stdio`: the service mode for hosts in
 * any language. This file only moves lines: it reads one request per line
 * from standard input (never holding more than the request limit of a
 * line), hands it to sw_service_handle, and writes the response line.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One line read from the input. */
typedef struct line_buf {
	char *p;
	size_t len, cap;
	size_t total;  /* bytes of the line, including any not kept */
	bool blank;    /* only white space */
} line_buf;

/*
 * Reads the next line without its "\n" (or "\r\n"), keeping at most
 * SW_SERVICE_MAX_REQUEST bytes. Returns 1 for a line, 0 at the end of the
 * input, -1 when memory runs out.
 */
static int read_line(FILE *in, line_buf *b)
{
	b->len = b->total = 0;
	b->blank = true;
	int c;
	while ((c = getc(in)) != EOF && c != '\n') {
		b->total++;
		if (c != ' ' && c != '\t' && c != '\r')
			b->blank = false;
		if (b->total > SW_SERVICE_MAX_REQUEST)
			continue; /* counted, not kept */
		if (b->len + 1 >= b->cap) {
			size_t cap = b->cap ? b->cap * 2 : 4096;
			char *p = realloc(b->p, cap);
			if (!p)
				return -1;
			b->p = p;
			b->cap = cap;
		}
		b->p[b->len++] = (char)c;
	}
	if (c == EOF && b->total == 0)
		return 0;
	if (b->total <= SW_SERVICE_MAX_REQUEST && b->len && b->p[b->len - 1] == '\r') {
		b->len--;
		b->total--;
	}
	return 1;
}

/* Writes one response line and flushes it; false when the output is gone. */
static bool respond(const char *text)
{
	fputs(text, stdout);
	putc('\n', stdout);
	return fflush(stdout) == 0 && !ferror(stdout);
}

static int run_serve(const cli_cmd *c, cli_opt *opts, int npos, char **pos)
{
	(void)c;
	(void)npos;
	(void)pos;
	if (!cli_get(opts, "--stdio")) {
		cli_error("serve: --stdio is required (requests on standard input, responses on "
		          "standard output)");
		return EXIT_FATAL;
	}
	sw_engine *eng;
	int rc = cli_engine(&eng, opts);
	if (rc)
		return rc;
	if ((rc = cli_framework(eng, opts)) || (rc = cli_rubric(eng, opts))) {
		sw_engine_free(eng);
		return rc;
	}
	sw_service_set_isolate(eng, !cli_get(opts, "--no-isolate"));
	line_buf line = { 0 };
	int got;
	rc = EXIT_OK;
	while ((got = read_line(stdin, &line)) > 0) {
		if (line.blank)
			continue; /* blank lines are not requests */
		char *response = NULL;
		const char *text = line.total > SW_SERVICE_MAX_REQUEST ? NULL : line.p;
		int st = sw_service_handle(&response, eng, text, line.total);
		bool ok = respond(st == SW_OK ? response
		                              : "{\"id\": null, \"ok\": false, \"error\": \"out of memory\"}");
		sw_string_free(eng, response);
		if (!ok) {
			cli_error("serve: cannot write the response");
			rc = EXIT_FATAL;
			break;
		}
	}
	if (got < 0) {
		cli_error("serve: out of memory");
		rc = EXIT_FATAL;
	} else if (rc == EXIT_OK && ferror(stdin)) {
		cli_error("serve: cannot read the requests");
		rc = EXIT_FATAL;
	}
	free(line.p);
	sw_engine_free(eng);
	return rc;
}

static const char *params[CLI_MAX_MANY];

static cli_opt serve_opts[] = {
	{ "--stdio", NULL, 0, 0, 0 },
	{ "--framework", "FILE", 0, 0, 0 },
	{ "--rubric", "NAME|FILE.lua", 0, 0, 0 },
	{ "--param", "NAME=VALUE", 0, params, 0 },
	{ "--max-instructions", "N", 0, 0, 0 },
	{ "--max-memory", "MiB", 0, 0, 0 },
	{ "--pattern-limit", "BYTES", 0, 0, 0 },
	{ "--isolate", NULL, 0, 0, 0 },
	{ "--no-isolate", NULL, 0, 0, 0 },
	{ 0 }
};

const cli_cmd cli_serve = {
	"serve", "Answer JSON requests, one per line, for programs in any language.",
	"stepwise serve --stdio [--framework F] [--rubric R] [--param K=V]...\n"
	"                [--max-instructions N] [--max-memory MiB] [--pattern-limit BYTES]\n"
	"                [--isolate|--no-isolate]\n\n"
	"  --stdio           read one JSON request per line on standard input and write one\n"
	"                    JSON response per line on standard output (README.md, \"Service\n"
	"                    mode\"); the end of the input ends the service\n"
	"  --framework F     framework file (default: the bundled Skills Builder 2.0)\n"
	"  --rubric R        built-in rubric name or a .lua file (default: highest)\n"
	"  --param K=V       set a rubric parameter (repeatable)\n"
	"  --max-instructions N  Lua instructions per rubric call (default 10000000)\n"
	"  --max-memory MiB  memory of the rubric's Lua state (default 64)\n"
	"  --pattern-limit BYTES  longest text string patterns may search (default 10000)\n"
	"  --isolate         evaluate each request in a worker process with limits and a\n"
	"                    system-call filter (the default; README.md, \"Isolated evaluation\")\n"
	"  --no-isolate      evaluate in this process\n\n"
	"requests: {\"id\": 1, \"op\": \"evaluate\", \"pupil\": {...}, \"evidence\": [...]},\n"
	"  {\"op\": \"load_rubric\", \"path\": P} or {\"op\": \"load_rubric\", \"source\": LUA},\n"
	"  {\"op\": \"set_params\", \"params\": {...}}, {\"op\": \"framework\"}, {\"op\": \"ping\"}",
	run_serve, serve_opts, 0, 0
};
