/*
 * test_service.c - the service's options through the library
 * (sw_service_options_init, sw_service_handle_opts): versions, loading a
 * rubric by path only inside the rubric folder, and the flat reading of a
 * class's evidence agreeing with the tree for records of every shape.
 */
#define _XOPEN_SOURCE 700 /* mkdtemp */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The response to one request (freed by the caller with sw_string_free). */
static char *ask(sw_engine *eng, const sw_service_options *o, const char *req)
{
	char *got = NULL;
	if (sw_service_handle_opts(&got, eng, o, req, strlen(req)) != SW_OK)
		return NULL;
	return got;
}

void test_service_options(void)
{
	sw_service_options o;
	CHECK_EQ(sw_service_options_init(&o, SW_SERVICE_OPTIONS_VERSION), SW_OK);
	CHECK(o.version == SW_SERVICE_OPTIONS_VERSION && o.rubric_dir == NULL);
	CHECK_EQ(sw_service_options_init(&o, 99), SW_EINVALID);
	CHECK_EQ(sw_service_options_init(NULL, SW_SERVICE_OPTIONS_VERSION), SW_EINVALID);
	sw_engine *eng;
	REQUIRE(sw_engine_new(&eng, NULL) == SW_OK);
	REQUIRE(sw_engine_load_framework_builtin(eng, "example-school") == SW_OK);
	char *got = (char *)"x";
	o.version = 99;
	CHECK_EQ(sw_service_handle_opts(&got, eng, &o, "{}", 2), SW_EINVALID);
	CHECK(got == NULL);

	/* a rubric folder with a rubric inside and one beside it */
	char dir[] = "/tmp/sw-service-XXXXXX", path[256];
	REQUIRE(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/in", dir);
	REQUIRE(mkdir(path, 0700) == 0);
	snprintf(path, sizeof path, "%s/in/r.lua", dir);
	FILE *f = fopen(path, "w");
	REQUIRE(f);
	fputs("return {name = 'inside', skill = function(e) return nil end}\n", f);
	fclose(f);
	snprintf(path, sizeof path, "%s/out.lua", dir);
	f = fopen(path, "w");
	REQUIRE(f);
	fputs("return {name = 'outside', skill = function(e) return nil end}\n", f);
	fclose(f);

	sw_service_options_init(&o, SW_SERVICE_OPTIONS_VERSION);
	got = ask(eng, &o, "{\"id\": 1, \"op\": \"load_rubric\", \"path\": \"r.lua\"}");
	CHECK_STR(got, "{\"id\": 1, \"ok\": false, \"error\": \"loading a rubric by path is off in "
	          "this service: send the rubric's text as 'source', or start the service with "
	          "--rubric-dir DIR\"}");
	sw_string_free(eng, got);
	snprintf(path, sizeof path, "%s/in", dir);
	o.rubric_dir = path;
	got = ask(eng, &o, "{\"id\": 2, \"op\": \"load_rubric\", \"path\": \"r.lua\"}");
	CHECK_STR(got, "{\"id\": 2, \"ok\": true, \"rubric\": \"inside\", \"params\": {}}");
	sw_string_free(eng, got);
	got = ask(eng, &o, "{\"id\": 3, \"op\": \"load_rubric\", \"path\": \"../out.lua\"}");
	CHECK_STR(got, "{\"id\": 3, \"ok\": false, \"error\": \"rubric '../out.lua' is not a file "
	          "inside the service's rubric folder\"}");
	sw_string_free(eng, got);
	/* a folder whose name is a prefix of the rubric's folder is not inside it */
	char prefix[256];
	snprintf(prefix, sizeof prefix, "%s/i", dir);
	REQUIRE(mkdir(prefix, 0700) == 0);
	o.rubric_dir = prefix;
	got = ask(eng, &o, "{\"id\": 4, \"op\": \"load_rubric\", \"path\": \"../in/r.lua\"}");
	CHECK_STR(got, "{\"id\": 4, \"ok\": false, \"error\": \"rubric '../in/r.lua' is not a file "
	          "inside the service's rubric folder\"}");
	sw_string_free(eng, got);
	CHECK_STR(sw_engine_rubric_name(eng), "inside"); /* the refused loads changed nothing */
	rmdir(prefix);
	snprintf(path, sizeof path, "%s/in/r.lua", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/in", dir);
	rmdir(path);
	snprintf(path, sizeof path, "%s/out.lua", dir);
	unlink(path);
	rmdir(dir);
	sw_engine_free(eng);
}

/* The evidence of a class is read apart from the tree, record by record;
   each record must come out as it does from the tree, which reads the
   evidence when its key is written with an escape ("evid\u0065nce"). */
void test_service_split_matches_tree(void)
{
	static const char *const records[] = {
		"{\"pupil\": \"P1\", \"skill\": \"curiosity\", \"step\": 2, \"date\": \"2026-01-05\"}",
		"{\"pupil\": \"P1\", \"skill\": \"Wondering\", \"step\": -0, \"date\": \"2026-01-05\"}",
		"{\"pupil\": \"P1\", \"skill\": \"curiosity\", \"step\": 3.0, \"date\": \"2026-01-05\"}",
		"{\"pupil\": \"P1\", \"skill\": \"curiosity\", \"step\": 1e0, \"date\": \"2026-01-05\"}",
		"{\"pupil\": \"P1\", \"skill\": \"curi\\u006fsity\", \"step\": 4, \"date\": \"2026-01-06\"}",
		"{\"pupil\": \"P1\", \"skill\": \"curiosity\", \"step\": 99999999999, \"date\": \"2026-01-06\"}",
		"{\"pupil\": \"P1\", \"skill\": \"curiosity\", \"step\": \"2\", \"date\": \"2026-01-06\"}",
		"{\"pupil\": \"P1\", \"skill\": \"curiosity\", \"date\": \"2026-01-06\"}",
		"{\"pupil\": \"P1\", \"skill\": \"curiosity\", \"step\": 2, \"date\": null}",
		"{\"pupil\": \"P1\", \"skill\": \"curiosity\", \"step\": 2, \"date\": \"2026-01-06\", \"note\": [1]}",
		"{\"pupil\": \"\", \"skill\": \"curiosity\", \"step\": 2, \"date\": \"2026-01-06\"}",
		"{\"pupil\": \"P1\", \"skill\": \"kindness\", \"step\": 5, \"date\": \"2026-01-07\", \"outcome\": \"developing\", \"source\": \"self\", \"context\": \"PE \\\"hall\\\"\"}",
		"[1]",
		"\"row\"",
	};
	sw_engine *eng;
	REQUIRE(sw_engine_new(&eng, NULL) == SW_OK);
	REQUIRE(sw_engine_load_framework_builtin(eng, "example-school") == SW_OK);
	for (size_t i = 0; i < sizeof records / sizeof *records; i++) {
		char a[1024], b[1024];
		snprintf(a, sizeof a, "{\"op\": \"evaluate\", \"pupils\": [\"P1\"], \"evidence\": [%s]}",
		         records[i]);
		snprintf(b, sizeof b, "{\"op\": \"evaluate\", \"evid\\u0065nce\": [%s], \"pupil\": "
		         "{\"id\": \"P1\"}}", records[i]);
		char *split = ask(eng, NULL, a), *tree = ask(eng, NULL, b);
		REQUIRE(split && tree);
		/* the same result and the same reason for a rejected record */
		const char *rs = strstr(split, "\"results\": [") ;
		const char *rt = strstr(tree, "\"result\": ");
		if (!rs || !rt) {
			unit_fail(__FILE__, __LINE__, "record %zu: %s / %s", i, split, tree);
		} else {
			rs += strlen("\"results\": [");
			rt += strlen("\"result\": ");
			const char *end_s = strstr(rs, "\"rejected\"");
			const char *end_t = strstr(rt, "\"rejected\"");
			if (!end_s || !end_t || strcmp(end_s, end_t) != 0 ||
			    strncmp(rs, rt, (size_t)(strstr(rt, "\"flags\"") - rt)) != 0)
				unit_fail(__FILE__, __LINE__, "record %zu differs:\n  %s\n  %s", i, split, tree);
		}
		unit_checks++;
		sw_string_free(eng, split);
		sw_string_free(eng, tree);
	}
	/* a key twice in a record is an error of the request, as with the tree */
	char *got = ask(eng, NULL, "{\"id\": 1, \"op\": \"evaluate\", \"pupils\": [\"P1\"], \"evidence\": "
	                           "[{\"pupil\": \"P1\"}, {\"pupil\": \"P1\", \"step\": 1, \"step\": 2}]}");
	CHECK_STR(got, "{\"id\": 1, \"ok\": false, \"error\": \"invalid request: $.evidence[1].step: "
	          "key given more than once in one object\"}");
	sw_string_free(eng, got);
	got = ask(eng, NULL, "{\"id\": 2, \"op\": \"evaluate\", \"pupil\": \"P1\", \"evid\\u0065nce\": "
	                     "[{\"pupil\": \"P1\"}, {\"pupil\": \"P1\", \"step\": 1, \"step\": 2}], "
	                     "\"x\": {}}");
	CHECK_STR(got, "{\"id\": 2, \"ok\": false, \"error\": \"invalid request: $.evidence[1].step: "
	          "key given more than once in one object\"}");
	sw_string_free(eng, got);
	sw_engine_free(eng);
}
