/*
 * cmd_serve.c - `stepwise serve --stdio`: the service mode for hosts in
 * any language. This file only moves lines: it reads one request per line
 * from standard input (never holding more than the request limit of a
 * line), hands it to sw_service_handle, and writes the response line.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* One line read from the input. */
typedef struct line_buf {
	char p[SW_SERVICE_MAX_REQUEST]; /* the bytes kept */
	size_t len;
	size_t total;  /* bytes of the line, including any not kept */
	bool blank;    /* only white space */
} line_buf;

/*
 * Reads the next line without its "\n" (or "\r\n"), keeping at most
 * SW_SERVICE_MAX_REQUEST bytes. Returns false at the end of the input.
 */
static bool read_line(FILE *in, line_buf *b)
{
	b->len = b->total = 0;
	b->blank = true;
	int c;
	while ((c = getc_unlocked(in)) != EOF && c != '\n') { /* one thread reads */
		b->total++;
		if (c != ' ' && c != '\t' && c != '\r')
			b->blank = false;
		if (b->total <= SW_SERVICE_MAX_REQUEST) /* else counted, not kept */
			b->p[b->len++] = (char)c;
	}
	if (c == EOF && b->total == 0)
		return false;
	if (b->total <= SW_SERVICE_MAX_REQUEST && b->len && b->p[b->len - 1] == '\r') {
		b->len--;
		b->total--;
	}
	return true;
}

static int run_serve(cli_opt *opts, int npos, char **pos)
{
	(void)npos;
	(void)pos;
	const char *http = cli_get(opts, "--http");
	if (!cli_get(opts, "--stdio") == !http)
		return cli_error("serve: give --stdio (requests on standard input, responses on "
		                 "standard output) or --http [ADDR:]PORT");
	if (!http && (cli_get(opts, "--token-file") || cli_get(opts, "--jobs")))
		return cli_error("serve: --token-file and --jobs go with --http");
	sw_service_options so = SW_SERVICE_OPTIONS_INIT;
	so.rubric_dir = cli_get(opts, "--rubric-dir");
	struct stat dst;
	if (so.rubric_dir && (stat(so.rubric_dir, &dst) != 0 || !S_ISDIR(dst.st_mode)))
		return cli_error("serve: --rubric-dir %s is not a folder that can be read",
		                 so.rubric_dir);
	if (http)
		return cli_serve_http(opts, http, &so);
	sw_engine *eng;
	int rc = cli_setup(&eng, opts, true, NULL);
	if (rc)
		return rc;
	sw_service_set_isolate(eng, !cli_get(opts, "--no-isolate"));
	static line_buf line; /* one a run */
	while (read_line(stdin, &line)) {
		if (line.blank)
			continue; /* blank lines are not requests */
		char *response = NULL;
		const char *text = line.total > SW_SERVICE_MAX_REQUEST ? NULL : line.p;
		int st = sw_service_handle_opts(&response, eng, &so, text, line.total);
		fputs(st == SW_OK ? response
		                  : "{\"id\": null, \"ok\": false, \"error\": \"out of memory\"}",
		      stdout);
		putc('\n', stdout);
		sw_string_free(eng, response);
		if (fflush(stdout) != 0 || ferror(stdout)) { /* the output is gone */
			rc = cli_error("serve: cannot write the response");
			break;
		}
	}
	if (rc == EXIT_OK && ferror(stdin))
		rc = cli_error("serve: cannot read the requests");
	sw_engine_free(eng);
	return rc;
}

static const cli_opt serve_opts[] = {
	CLI_OPT("--stdio", NULL),
	CLI_OPT("--rubric-dir", "DIR"),
	CLI_OPT("--http", "[ADDR:]PORT"),
	CLI_OPT("--token-file", "FILE"),
	CLI_OPT("--jobs", "N"),
	{ 0 }
};

const cli_cmd cli_serve = {
	"serve", "Answer JSON requests, one per line, for programs in any language.",
	"stepwise serve --stdio [--framework F] [--rubric R] [--param K=V]... [--rubric-dir DIR]\n"
	"                [--max-instructions N] [--max-memory MiB] [--pattern-limit BYTES]\n"
	"                [--isolate|--no-isolate]\n"
	"       stepwise serve --http [ADDR:]PORT [--token-file FILE] [--jobs N] (and the above)\n\n"
	"  --stdio           read one JSON request per line on standard input and write one\n"
	"                    JSON response per line on standard output (README.md, \"Service\n"
	"                    mode\"); the end of the input ends the service\n"
	"  --http [ADDR:]PORT  answer POST /v2/OP requests with JSON bodies over HTTP on\n"
	"                    ADDR (default 127.0.0.1) until stopped with Ctrl-C or SIGTERM\n"
	"  --token-file FILE  clients must send Authorization: Bearer TOKEN, the file's first\n"
	"                    line (required to listen on an address beyond this computer)\n"
	"  --jobs N          worker threads for --http, each with its own engine (default 2)\n"
	"  --rubric-dir DIR  let load_rubric read .lua files inside DIR (by default a\n"
	"                    request cannot load a rubric by path)\n"
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
	"  {\"op\": \"set_params\", \"params\": {...}}, {\"op\": \"framework\"}, {\"op\": \"ping\"},\n"
	"  {\"op\": \"evaluate\", \"pupils\": [...], \"evidence\": [...]} for a class,\n"
	"  {\"op\": \"load_framework\", \"name\": ID} or {... \"framework\": {...}},\n"
	"  {\"op\": \"check_rubric\", \"source\": LUA, \"pupils\": [...], \"evidence\": [...]},\n"
	"  {\"op\": \"rubrics\"}",
	run_serve, serve_opts, 0, 0, CLI_RUBRIC | CLI_LIMITS
};
