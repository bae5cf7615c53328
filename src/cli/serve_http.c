/*
 * serve_http.c - `stepwise serve --http [ADDR:]PORT`: the service protocol
 * over HTTP with GNU libmicrohttpd. POST /v2/OP with a JSON object as the
 * body runs op OP (sw_service_handle_opts) and answers with its JSON
 * response. Each of the --jobs worker threads takes an engine of its own
 * from a pool; an op that changes the engine (load_framework, load_rubric,
 * set_params) waits for every engine and is applied to all of them, so
 * that every request sees the same framework and rubric. Connections are
 * event-driven with a timeout, so a slow client holds no worker.
 */
#define _XOPEN_SOURCE 700
#include "cli.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TIMEOUT_SECONDS 10u   /* a connection idle this long is closed */
#define MAX_CONNECTIONS 256u
#define MAX_TOKEN 4096
#define MAX_JOBS 64
#define TOO_BIG "the body is over the limit of 1048576 bytes (1 MiB): send a class in parts"

/* The engines, one per worker, checked out for each request. */
typedef struct pool {
	pthread_mutex_t lock;
	pthread_cond_t freed;
	sw_engine *engines[MAX_JOBS];
	bool busy[MAX_JOBS];
	unsigned count;
	const sw_service_options *so;
	char *token; /* NULL: no token asked for */
	size_t token_len;
} pool;

/* One request's body as it arrives. */
typedef struct upload {
	char *body;
	size_t len, cap;
	size_t dropped; /* bytes over the limit, not kept */
	bool too_big;
} upload;

/* Takes a free engine (all of them when `all`), waiting if need be. */
static unsigned pool_take(pool *p, bool all)
{
	pthread_mutex_lock(&p->lock);
	unsigned got = 0;
	if (all) {
		for (unsigned i = 0; i < p->count; i++) {
			while (p->busy[i])
				pthread_cond_wait(&p->freed, &p->lock);
			p->busy[i] = true;
		}
	} else {
		for (;;) {
			for (got = 0; got < p->count && p->busy[got]; got++)
				;
			if (got < p->count)
				break;
			pthread_cond_wait(&p->freed, &p->lock);
		}
		p->busy[got] = true;
	}
	pthread_mutex_unlock(&p->lock);
	return got;
}

static void pool_give(pool *p, unsigned i, bool all)
{
	pthread_mutex_lock(&p->lock);
	for (unsigned k = all ? 0 : i; k < (all ? p->count : i + 1); k++)
		p->busy[k] = false;
	pthread_cond_broadcast(&p->freed);
	pthread_mutex_unlock(&p->lock);
}

/* True when the bearer token of the request matches, compared in time
   that does not depend on where the texts differ. */
static bool authorized(const pool *p, struct MHD_Connection *c)
{
	if (!p->token)
		return true;
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	if (!h || strncmp(h, "Bearer ", 7) != 0)
		return false;
	h += 7;
	size_t n = strlen(h);
	unsigned char diff = n != p->token_len;
	for (size_t i = 0; i < p->token_len; i++)
		diff |= (unsigned char)(p->token[i] ^ (i < n ? h[i] : 0));
	return diff == 0;
}

/* Sends a JSON text with the status. */
static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, const char *json)
{
	struct MHD_Response *r =
	        MHD_create_response_from_buffer(strlen(json), (void *)json, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	if (status == MHD_HTTP_UNAUTHORIZED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "POST");
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* An error of the HTTP layer, in the protocol's shape. */
static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *msg)
{
	char buf[512];
	snprintf(buf, sizeof buf, "{\"id\": null, \"ok\": false, \"error\": \"%s\"}", msg);
	return send_json(c, status, buf);
}

/* Index just after the JSON value at s[i] (a response: valid JSON). */
static size_t skip_json(const char *s, size_t i)
{
	int depth = 0;
	do {
		if (s[i] == '"') {
			for (i++; s[i] && s[i] != '"'; i++)
				if (s[i] == '\\' && s[i + 1])
					i++;
		} else if (s[i] == '{' || s[i] == '[') {
			depth++;
		} else if (s[i] == '}' || s[i] == ']') {
			depth--;
		} else if (depth == 0) {
			while (s[i] && !strchr(",}] ", s[i]))
				i++;
			return i;
		}
		if (s[i])
			i++;
	} while (s[i] && depth > 0);
	return i;
}

/* The HTTP status of a service response: 200 when "ok" is true, 404 for
   an unknown op, else 400. */
static unsigned status_of(const char *resp)
{
	size_t i = skip_json(resp, strlen("{\"id\": "));
	if (strncmp(resp + i, ", \"ok\": true", 12) == 0)
		return MHD_HTTP_OK;
	static const char unknown[] = ", \"ok\": false, \"error\": \"unknown op '";
	return strncmp(resp + i, unknown, sizeof unknown - 1) == 0 ? MHD_HTTP_NOT_FOUND
	                                                           : MHD_HTTP_BAD_REQUEST;
}

/* Runs op on the body: {"op": "OP", ...the body's members}. */
static enum MHD_Result run_op(pool *p, struct MHD_Connection *c, const char *op, upload *u)
{
	size_t i = u->len >= 3 && !memcmp(u->body, "\xEF\xBB\xBF", 3) ? 3 : 0; /* past a BOM */
	while (i < u->len && strchr(" \t\r\n", u->body[i]))
		i++;
	bool none = i >= u->len; /* no body: an empty object */
	if (!none && u->body[i] != '{')
		return send_error(c, MHD_HTTP_BAD_REQUEST,
		                  "the body must be a JSON object such as {\\\"id\\\": 1}");
	size_t j = i + 1;
	while (j < u->len && strchr(" \t\r\n", u->body[j]))
		j++;
	bool empty = none || (j < u->len && u->body[j] == '}');
	const char *rest = none ? "}" : u->body + i + 1; /* after the '{' */
	size_t rlen = none ? 1 : u->len - i - 1, cap = rlen + strlen(op) + 16;
	char *line = malloc(cap);
	if (!line)
		return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	int n = snprintf(line, cap, "{\"op\": \"%s\"%s", op, empty ? "" : ", ");
	memcpy(line + n, rest, rlen);
	size_t len = (size_t)n + rlen;
	/* an op that changes the engine is applied to every engine */
	bool all = p->count > 1 && (!strcmp(op, "load_framework") || !strcmp(op, "load_rubric") ||
	                            !strcmp(op, "set_params"));
	unsigned e = pool_take(p, all);
	char *resp = NULL;
	int rc = sw_service_handle_opts(&resp, p->engines[e], p->so, line, len);
	unsigned status = rc == SW_OK ? status_of(resp) : MHD_HTTP_INTERNAL_SERVER_ERROR;
	for (unsigned k = 1; all && status == MHD_HTTP_OK && k < p->count; k++) {
		char *other = NULL;
		if (sw_service_handle_opts(&other, p->engines[k], p->so, line, len) != SW_OK ||
		    status_of(other) != MHD_HTTP_OK) {
			cli_error("serve: worker %u could not follow a %s request (out of memory?)", k, op);
			status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		}
		sw_string_free(p->engines[k], other);
	}
	enum MHD_Result ret = status == MHD_HTTP_INTERNAL_SERVER_ERROR
	                              ? send_error(c, status, "the service ran out of memory; try again")
	                              : send_json(c, status, resp);
	sw_string_free(p->engines[e], resp);
	pool_give(p, e, all);
	free(line);
	return ret;
}

/* The op named by "/v2/OP": lower-case letters and '_' only; NULL otherwise. */
static const char *op_of(const char *url)
{
	if (strncmp(url, "/v2/", 4) != 0)
		return NULL;
	const char *op = url + 4;
	size_t n = strspn(op, "abcdefghijklmnopqrstuvwxyz_");
	return n && n <= 32 && !op[n] ? op : NULL;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *data_size, void **state)
{
	(void)version;
	pool *p = cls;
	upload *u = *state;
	if (!u) { /* the headers: decide before the body arrives */
		if (!authorized(p, c))
			return send_error(c, MHD_HTTP_UNAUTHORIZED,
			                  "this service needs the header Authorization: Bearer TOKEN");
		if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
			return send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED,
			                  "use POST with a JSON object as the body");
		if (!op_of(url))
			return send_error(c, MHD_HTTP_NOT_FOUND,
			                  "requests go to /v2/OP, such as POST /v2/ping");
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		                                             MHD_HTTP_HEADER_CONTENT_LENGTH);
		const char *expect = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		                                                 MHD_HTTP_HEADER_EXPECT);
		/* refused before the body is sent only when the client waits for a
		   go-ahead (Expect: 100-continue): a client already sending it would
		   see the connection close under it; the others are read to the end */
		if (cl && strtoull(cl, NULL, 10) > SW_SERVICE_MAX_REQUEST && expect &&
		    !strcasecmp(expect, "100-continue"))
			return send_error(c, MHD_HTTP_CONTENT_TOO_LARGE, TOO_BIG);
		if (!(u = calloc(1, sizeof *u)))
			return MHD_NO;
		*state = u;
		return MHD_YES;
	}
	if (*data_size) {
		size_t n = *data_size;
		*data_size = 0;
		if (u->too_big || u->len + n > SW_SERVICE_MAX_REQUEST) {
			/* a body without a length: read and dropped up to a point,
			   then the connection is closed */
			u->too_big = true;
			u->dropped += n;
			return u->dropped > 4 * (size_t)SW_SERVICE_MAX_REQUEST ? MHD_NO : MHD_YES;
		}
		if (u->len + n > u->cap) {
			size_t cap = u->cap ? u->cap : 4096;
			while (cap < u->len + n)
				cap *= 2;
			char *b = realloc(u->body, cap);
			if (!b)
				return MHD_NO;
			u->body = b;
			u->cap = cap;
		}
		memcpy(u->body + u->len, data, n);
		u->len += n;
		return MHD_YES;
	}
	if (u->too_big)
		return send_error(c, MHD_HTTP_CONTENT_TOO_LARGE, TOO_BIG);
	return run_op(p, c, op_of(url), u);
}

/* Frees a request's body when its connection is done with it. */
static void completed(void *cls, struct MHD_Connection *c, void **state,
                      enum MHD_RequestTerminationCode why)
{
	(void)cls;
	(void)c;
	(void)why;
	upload *u = *state;
	if (u) {
		free(u->body);
		free(u);
	}
	*state = NULL;
}

/* Reads the token: the file's first line, without its line end. */
static int read_token(pool *p, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return cli_error("serve: cannot read the token file %s: %s", path, strerror(errno));
	char buf[MAX_TOKEN + 2];
	size_t n = fgets(buf, sizeof buf, f) ? strcspn(buf, "\r\n") : 0;
	fclose(f);
	buf[n] = 0;
	if (n < 16 || n > MAX_TOKEN)
		return cli_error("serve: the token in %s must be one line of 16 to %d characters",
		                 path, MAX_TOKEN);
	p->token = strdup(buf);
	p->token_len = n;
	return p->token ? EXIT_OK : EXIT_FATAL;
}

/* Parses [ADDR:]PORT into an IPv4 or IPv6 ([ADDR]) socket address. */
static bool parse_listen(const char *s, struct sockaddr_storage *ss, bool *loopback)
{
	memset(ss, 0, sizeof *ss);
	const char *colon = strrchr(s, ':');
	const char *port_s = colon ? colon + 1 : s;
	char *end;
	long port = strtol(port_s, &end, 10);
	if (!*port_s || *end || port < 0 || port > 65535)
		return false;
	char addr[64] = "127.0.0.1"; /* ADDR when given: neither empty nor too long */
	int an = colon ? snprintf(addr, sizeof addr, "%.*s", (int)(colon - s), s) : (int)strlen(addr);
	if (an < 1 || an >= (int)sizeof addr)
		return false;
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	if (!strcmp(addr, "localhost"))
		strcpy(addr, "127.0.0.1");
	if (addr[0] == '[' && addr[an - 1] == ']') {
		addr[an - 1] = 0;
		if (inet_pton(AF_INET6, addr + 1, &v6->sin6_addr) != 1)
			return false;
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		*loopback = IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
		return true;
	}
	if (inet_pton(AF_INET, addr, &v4->sin_addr) != 1)
		return false;
	v4->sin_family = AF_INET;
	v4->sin_port = htons((uint16_t)port);
	*loopback = (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
	return true;
}

int cli_serve_http(cli_opt *opts, const char *listen, const sw_service_options *so)
{
	struct sockaddr_storage ss;
	bool loopback = false;
	if (!parse_listen(listen, &ss, &loopback))
		return cli_error("serve: --http takes [ADDR:]PORT, such as 8080 or 0.0.0.0:8080 "
		                 "(not '%s')", listen);
	const char *token_file = cli_get(opts, "--token-file");
	if (!loopback && !token_file)
		return cli_error("serve: listening beyond this computer needs --token-file FILE (a "
		                 "secret that clients send as Authorization: Bearer TOKEN)");
	const char *jobs_s = cli_get(opts, "--jobs");
	char *end = NULL;
	long jobs = jobs_s ? strtol(jobs_s, &end, 10) : 2;
	if (jobs_s && (*end || jobs < 1 || jobs > MAX_JOBS))
		return cli_error("serve: --jobs takes a number from 1 to 64");
	pool p = { .count = (unsigned)jobs, .so = so };
	int rc = token_file ? read_token(&p, token_file) : EXIT_OK;
	for (unsigned i = 0; !rc && i < p.count; i++)
		if ((rc = cli_setup(&p.engines[i], opts, true, NULL)))
			break;
		else /* each request evaluated in a worker process, as over --stdio */
			sw_service_set_isolate(p.engines[i], !cli_get(opts, "--no-isolate"));
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.freed, NULL);
	/* SIGINT and SIGTERM end the service; blocked here so that the
	   server's threads leave them to sigwait below */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	struct MHD_Daemon *d = NULL;
	if (!rc) {
		unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
		                 (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0);
		d = MHD_start_daemon(flags, 0, NULL, NULL, handle, &p, MHD_OPTION_SOCK_ADDR, &ss,
		                     MHD_OPTION_THREAD_POOL_SIZE, (unsigned)p.count,
		                     MHD_OPTION_CONNECTION_TIMEOUT, TIMEOUT_SECONDS,
		                     MHD_OPTION_CONNECTION_LIMIT, MAX_CONNECTIONS,
		                     MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_END);
		if (!d) {
			rc = cli_error("serve: cannot listen on %s: %s", listen,
			               errno ? strerror(errno) : "the address is not available");
		}
	}
	if (d) {
		const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
		char host[INET6_ADDRSTRLEN] = "?";
		getnameinfo((struct sockaddr *)&ss, sizeof ss, host, sizeof host, NULL, 0, NI_NUMERICHOST);
		fprintf(stderr, "stepwise: serving on http://%s%s%s:%u/v2/ with %u workers%s\n",
		        ss.ss_family == AF_INET6 ? "[" : "", host, ss.ss_family == AF_INET6 ? "]" : "",
		        info ? (unsigned)info->port : 0u, p.count,
		        p.token ? " (a bearer token is needed)" : "");
		fflush(stderr);
		int sig;
		sigwait(&stop, &sig);
		MHD_stop_daemon(d);
	}
	for (unsigned i = 0; i < p.count; i++)
		sw_engine_free(p.engines[i]);
	pthread_mutex_destroy(&p.lock);
	pthread_cond_destroy(&p.freed);
	free(p.token);
	return rc;
}
