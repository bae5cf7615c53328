/*
 * runner.c - setting up one Lua state to evaluate pupils with the engine's
 * rubric (sw_runner_open, _reset, _free): compiling it, with the framework
 * tables built first (runner_framework.c) so that the file sees them while
 * it runs, checking the table it returns, merging parameters, and keeping
 * an instance for every pupil when it can (runner_instance.c). Evaluating
 * a pupil is runner_pupil.c.
 */
#include "internal.h"
#include "rubric.h"
#include "service.h"
#include "strict.h"
#include "hints.h"

#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Records a Lua message "NAME:LINE: text" as an error with file and line. */
static int lua_diag(sw_diag *d, int code, const char *display, const char *msg)
{
	size_t n = strlen(display);
	if (strncmp(msg, display, n) == 0 && msg[n] == ':') {
		char *end;
		unsigned long line = strtoul(msg + n + 1, &end, 10);
		if (end != msg + n + 1 && *end == ':')
			return sw_diag_add(d, code, display, line, 0, NULL, "%s", end + 2);
	}
	return sw_diag_add(d, code, display, 0, 0, NULL, "%s", msg);
}

/* The rubric table's field `key` (raw), pushed. */
static int raw_field(lua_State *L, int idx, const char *key)
{
	lua_pushstring(L, key);
	return lua_rawget(L, idx < 0 ? idx - 1 : idx);
}

/* The fields of the rubric table. */
static const char *const rubric_fields[] = { "name", "description", "params", "skill", "pupil",
	                                     "examples" };

/* What setting up a runner allocates outside Lua, kept together so that it
   is freed even when a Lua error cuts the setup short. */
typedef struct setup {
	sw_runner *r;
	sw_diag *d;
	int rc;
	sw_buf chunk, names, text, json;
	char **keys;
	size_t nkeys, cap;
} setup;

/* Collects the string keys of the table at idx into sc->keys, sorted. */
static void table_keys(lua_State *L, int idx, setup *sc)
{
	sc->nkeys = 0;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		if (lua_type(L, -1) == LUA_TSTRING &&
		    !sw_mem_grow(&sc->r->eng->mem, (void **)&sc->keys, &sc->cap, sc->nkeys + 1,
		                 sizeof *sc->keys))
			sc->keys[sc->nkeys++] = (char *)lua_tostring(L, -1);
	}
	char **keys = sc->keys; /* in byte order */
	for (size_t i = 1; i < sc->nkeys; i++)
		for (size_t j = i; j > 0 && strcmp(keys[j - 1], keys[j]) > 0; j--) {
			char *tmp = keys[j];
			keys[j] = keys[j - 1];
			keys[j - 1] = tmp;
		}
}

/* Appends `"key": value` (the value on top of the stack) to a JSON object:
   a number, a string or true/false; a number that is not finite is null. */
static void put_param_json(sw_buf *b, lua_State *L, const char *key, size_t i)
{
	if (i)
		sw_buf_puts(b, ", ");
	sw_svc_put_text(b, key, strlen(key));
	sw_buf_puts(b, ": ");
	if (lua_type(L, -1) == LUA_TBOOLEAN) {
		sw_buf_puts(b, lua_toboolean(L, -1) ? "true" : "false");
	} else if (lua_isinteger(L, -1)) {
		sw_buf_printf(b, "%lld", (long long)lua_tointeger(L, -1));
	} else if (lua_type(L, -1) == LUA_TNUMBER) {
		double v = lua_tonumber(L, -1);
		if (isfinite(v)) {
			char num[40];
			for (int prec = 15; prec <= 17; prec++) /* the shortest that reads back */
				if (snprintf(num, sizeof num, "%.*g", prec, v) > 0 && strtod(num, NULL) == v)
					break;
			sw_buf_puts(b, num);
			if (!strpbrk(num, ".eE"))
				sw_buf_puts(b, ".0"); /* a float stays a float */
		} else
			sw_buf_puts(b, "null");
	} else {
		size_t n;
		const char *v = lua_tolstring(L, -1, &n);
		sw_svc_put_text(b, v, n);
	}
}

/* The line where `key =` first appears in the source as a whole word (the
   field of the rubric table that is being refused); 0 when not found. */
static unsigned long key_line(const char *src, size_t len, const char *key)
{
	size_t k = strlen(key);
	unsigned long line = 1;
	for (size_t i = 0; i + k <= len; i++) {
		if (src[i] == '\n')
			line++;
		if (memcmp(src + i, key, k) != 0)
			continue;
		char before = i ? src[i - 1] : ' ';
		if (before == '_' || before == '.' || (before >= '0' && before <= '9') ||
		    ((before | 32) >= 'a' && (before | 32) <= 'z'))
			continue;
		size_t j = i + k;
		while (j < len && (src[j] == ' ' || src[j] == '\t'))
			j++;
		if (j < len && src[j] == '=' && (j + 1 >= len || src[j + 1] != '='))
			return line;
	}
	return 0;
}

/* A built-in rubric's `sources` (the merged parameters at idx): every word
   must name a source. The Lua helpers check the same for a rubric file. */
static int check_sources(lua_State *L, int idx, sw_diag *d, const char *disp, const sw_mem *m)
{
	lua_pushliteral(L, "sources");
	lua_rawget(L, idx);
	size_t n = 0;
	const char *s = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &n) : NULL;
	char word[64];
	int rc = SW_OK;
	if (s && sw_native_bad_source(s, n, word, sizeof word)) {
		sw_buf b;
		sw_buf_init(&b, m);
		sw_buf_printf(&b, "parameter sources: no source '%s'", word);
		sw_strict_describe(&b, "source", word, sw_source_names, SW_SOURCE_COUNT);
		rc = sw_diag_add(d, SW_EINVALID, disp, 0, 0, NULL, "%s",
		                 sw_buf_cstr(&b) ? b.p : "parameter sources: an unknown source");
		sw_buf_free(&b);
	}
	lua_pop(L, 1);
	return rc;
}

/* Checks the rubric table on top and merges its params with the host's. */
static int check_table(sw_runner *r, sw_diag *d, setup *sc)
{
	int rc;
	lua_State *L = r->sb.L;
	struct sw_rubric *rb = r->eng->rubric;
	const char *disp = rb->display;
	int t = lua_gettop(L);
	const char *unknown = sw_strict_unknown_key(L, t, rubric_fields, SW_COUNT(rubric_fields));
	if (unknown) {
		sw_buf b;
		sw_buf_init(&b, &r->eng->mem);
		sw_buf_printf(&b, "the rubric table has an unknown field '%s'", unknown);
		sw_strict_describe(&b, "field", unknown, rubric_fields, SW_COUNT(rubric_fields));
		rc = sw_diag_add(d, SW_EINVALID, disp, key_line(rb->source, rb->len, unknown), 0, NULL,
		                 "%s", sw_buf_cstr(&b) ? b.p : "unknown field in the rubric table");
		sw_buf_free(&b);
		return rc;
	}
	if (raw_field(L, t, "name") != LUA_TSTRING || !lua_rawlen(L, -1))
		return sw_diag_add(d, SW_EINVALID, disp, 0, 0, NULL,
		                   "the rubric table needs a name (a non-empty string)");
	if (!rb->name && !(rb->name = sw_mem_strdup(&r->eng->mem, lua_tostring(L, -1))))
		return sw_diag_add(d, SW_ENOMEM, disp, 0, 0, NULL, "out of memory");
	lua_pop(L, 1);
	lua_Debug ar;
	if (raw_field(L, t, "skill") != LUA_TFUNCTION)
		return sw_diag_add(d, SW_EINVALID, disp, 0, 0, NULL,
		                   "the rubric table needs a skill function: skill = function(evidence, ctx) ... end");
	lua_getinfo(L, ">S", &ar);
	r->skill_line = ar.linedefined;
	r->skill_last = ar.lastlinedefined;
	int pt = raw_field(L, t, "pupil");
	if (pt != LUA_TNIL && pt != LUA_TFUNCTION)
		return sw_diag_add(d, SW_EINVALID, disp, 0, 0, NULL, "'pupil' must be a function");
	r->has_pupil_fn = pt == LUA_TFUNCTION;
	if (r->has_pupil_fn) {
		lua_getinfo(L, ">S", &ar);
		r->pupil_line = ar.linedefined;
	} else {
		lua_pop(L, 1);
	}
	int dt = raw_field(L, t, "description");
	if (dt != LUA_TNIL && dt != LUA_TSTRING)
		return sw_diag_add(d, SW_EINVALID, disp, 0, 0, NULL, "'description' must be a string");
	if (dt == LUA_TSTRING &&
	    !(r->description = sw_mem_strdup(&r->eng->mem, lua_tostring(L, -1))))
		return sw_diag_add(d, SW_ENOMEM, disp, 0, 0, NULL, "out of memory");
	lua_pop(L, 1);
	int pr = raw_field(L, t, "params");
	if (pr != LUA_TNIL && pr != LUA_TTABLE)
		return sw_diag_add(d, SW_EINVALID, disp, 0, 0, NULL,
		                   "'params' must be a table of defaults, such as { times = 2 }");
	/* the merged parameters: a copy of the defaults, then the host's values */
	lua_newtable(L);
	int merged = lua_gettop(L);
	if (pr == LUA_TTABLE) {
		lua_pushnil(L);
		while (lua_next(L, merged - 1)) {
			int vt = lua_type(L, -1);
			if (lua_type(L, -2) != LUA_TSTRING ||
			    (vt != LUA_TSTRING && vt != LUA_TNUMBER && vt != LUA_TBOOLEAN))
				return sw_diag_add(d, SW_EINVALID, disp, 0, 0, NULL,
				                   "'params' must map names to numbers, strings or booleans");
			lua_pushvalue(L, -2);
			lua_insert(L, -2);
			lua_rawset(L, merged);
		}
		table_keys(L, merged, sc);
		for (size_t i = 0; i < sc->nkeys; i++)
			sw_buf_printf(&sc->names, "%s%s", i ? ", " : "", sc->keys[i]);
	}
	for (size_t i = 0; i < rb->param_count; i++) {
		lua_pushstring(L, rb->param_keys[i]);
		if (lua_rawget(L, merged) == LUA_TNIL) {
			const char *near = sw_strict_nearest(rb->param_keys[i],
			                                     (const char *const *)sc->keys, sc->nkeys);
			return sw_diag_add(d, SW_EINVALID, disp, 0, 0, NULL,
			                   "rubric '%s' has no parameter '%s'%s%s%s (its parameters: %s)",
			                   rb->name, rb->param_keys[i], near ? "; did you mean '" : "",
			                   near ? near : "", near ? "'?" : "",
			                   sc->names.len ? sc->names.p : "none");
		}
		lua_pop(L, 1);
		lua_pushstring(L, rb->param_keys[i]);
		if (!lua_stringtonumber(L, rb->param_values[i]))
			lua_pushstring(L, rb->param_values[i]);
		lua_rawset(L, merged);
	}
	/* "k=v, ..." in key order, for reports, and the same as a JSON object */
	table_keys(L, merged, sc);
	sw_buf_putc(&sc->json, '{');
	for (size_t i = 0; i < sc->nkeys; i++) {
		lua_getfield(L, merged, sc->keys[i]);
		put_param_json(&sc->json, L, sc->keys[i], i);
		sw_buf_printf(&sc->text, "%s%s=%s", i ? ", " : "", sc->keys[i],
		              luaL_tolstring(L, -1, NULL));
		lua_pop(L, 2);
	}
	sw_buf_putc(&sc->json, '}');
	r->params_text = sw_buf_take(&sc->text);
	if (!r->params_text)
		r->params_text = sw_mem_strdup(&r->eng->mem, "");
	r->params_json = sc->json.failed ? NULL : sw_buf_take(&sc->json);
	if (!r->params_json)
		return sw_diag_add(d, SW_ENOMEM, disp, 0, 0, NULL, "out of memory");
	if (rb->native_kind != SW_NATIVE_NONE && (rc = check_sources(L, merged, d, disp, &r->eng->mem)))
		return rc;
	sw_native_setup(&r->native, rb->native_kind, L, merged);
	sw_strict_table(L, merged, "this rubric's params", "parameter");
	sw_sb_readonly(L);
	r->params_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_settop(L, t);
	return r->params_text ? SW_OK : SW_ENOMEM;
}

/*
 * The line at which compiling overflows Lua's nesting limit: its message
 * ("C stack overflow") has no line. The parser reads in order, so the
 * shortest prefix of whole lines that still overflows ends at that line.
 * 0 when it cannot be found.
 */
static unsigned long overflow_line(lua_State *L, const char *src, size_t len, const char *chunk)
{
	unsigned long lo = 1, hi = 1;
	for (size_t i = 0; i < len; i++)
		hi += src[i] == '\n';
	while (lo < hi) {
		unsigned long mid = lo + (hi - lo) / 2, n = 0;
		size_t end = 0;
		while (end < len && n < mid)
			n += src[end++] == '\n';
		int st = luaL_loadbufferx(L, src, end, chunk, "t");
		bool over = st != LUA_OK && lua_type(L, -1) == LUA_TSTRING &&
		            strcmp(lua_tostring(L, -1), "C stack overflow") == 0;
		if (st == LUA_ERRMEM)
			return 0;
		lua_pop(L, 1);
		if (over)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Reports Lua's syntax error msg with a hint in plain words (hints.c). */
static int syntax_diag(sw_diag *d, const struct sw_rubric *rb, const char *msg)
{
	unsigned long line = 0;
	size_t n = strlen(rb->display);
	const char *text = msg;
	if (strncmp(msg, rb->display, n) == 0 && msg[n] == ':') {
		char *end;
		line = strtoul(msg + n + 1, &end, 10);
		if (*end == ':' && end[1] == ' ')
			text = end + 2;
	}
	sw_buf b;
	sw_buf_init(&b, d->m);
	if (!sw_hint_odd_character(&b, rb->source, rb->len, text, &line)) {
		sw_buf_puts(&b, text);
		sw_hint_syntax(&b, rb->source, rb->len, text, line);
	}
	int rc = sw_diag_add(d, SW_EINVALID, rb->display, line, 0, NULL, "%s",
	                     sw_buf_cstr(&b) ? b.p : text);
	sw_buf_free(&b);
	return rc;
}

/* Protected: compiles the rubric, checks its table, builds the framework
   tables. Errors go to sc->d and sc->rc; a Lua error (out of memory) ends
   it early and the caller reports it. */
static int setup_protected(lua_State *L)
{
	setup *sc = lua_touserdata(L, 1);
	sw_runner *r = sc->r;
	sw_diag *d = sc->d;
	struct sw_rubric *rb = r->eng->rubric;
	lua_settop(L, 0);
	char why[300];
	unsigned long bad_line;
	if (sw_sb_check_source(rb->source, rb->len, &bad_line, why, sizeof why) != SW_OK) {
		sc->rc = sw_diag_add(d, SW_EINVALID, rb->display, bad_line, 0, NULL, "%s", why);
		return 0;
	}
	int st = luaL_loadbufferx(L, rb->source, rb->len, sc->chunk.p, "t");
	if (st != LUA_OK && strcmp(lua_tostring(L, -1), "C stack overflow") == 0) {
		unsigned long line = overflow_line(L, rb->source, rb->len, sc->chunk.p);
		sc->rc = sw_diag_add(d, SW_EINVALID, rb->display, line, 0, NULL,
		                     "too many nested brackets, functions or blocks (Lua allows "
		                     "about 200 levels)");
		return 0;
	}
	if (st == LUA_ERRSYNTAX) {
		sc->rc = syntax_diag(d, rb, lua_tostring(L, -1));
		return 0;
	}
	if (st != LUA_OK) {
		sc->rc = lua_diag(d, st == LUA_ERRMEM ? SW_ENOMEM : SW_EINVALID, rb->display,
		                  lua_tostring(L, -1));
		return 0;
	}
	r->chunk_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	/* a rubric file sees the framework while it runs (stepwise.per_skill
	   checks its skill names then); a built-in by name never calls Lua */
	bool framework = rb->native_kind == SW_NATIVE_NONE;
	if (framework)
		sw_runner_build_framework(r);
	/* the rubric run in a fresh environment: its table on top */
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->chunk_ref);
	sw_sb_new_env(&r->sb);
	if (!lua_setupvalue(L, -2, 1))
		lua_pop(L, 1);
	st = sw_sb_call(&r->sb, 0, 1);
	if (st == LUA_OK && !lua_istable(L, -1)) {
		lua_pop(L, 1);
		lua_pushliteral(L, "the rubric must return a table (name, skill, ...)");
		st = LUA_ERRRUN;
	}
	if (st != LUA_OK) {
		const char *msg = lua_isstring(L, -1) ? lua_tostring(L, -1) : "error while loading";
		if (r->sb.host_refused) { /* the engine's allocator failed: no limit of the rubric */
			sc->rc = sw_diag_add(d, SW_ENOMEM, rb->display, 0, 0, NULL, "out of memory");
		} else if (r->sb.abort) {
			char buf[200];
			sc->rc = sw_diag_add(d, SW_ELIMIT, rb->display, 0, 0, NULL, "%s",
			                     sw_sb_abort_message(&r->sb, buf, sizeof buf));
		} else {
			sw_buf b;
			sw_buf_init(&b, &r->eng->mem);
			/* a helper's error ("stepwise.NAME: ...") at the line that calls it */
			int line = sw_runner_helper_line(r, msg, 1);
			const char *skill = strstr(msg, "stepwise.per_skill: no skill '");
			if (skill) { /* at the line of the skill's entry when it has one */
				char key[64];
				skill += strlen("stepwise.per_skill: no skill '");
				size_t n = strcspn(skill, "'");
				snprintf(key, sizeof key, "%.*s", (int)(n < 63 ? n : 63), skill);
				unsigned long at = key_line(rb->source, rb->len, key);
				line = at > 0 && at < INT_MAX ? (int)at : line;
			}
			if (line > 0)
				sw_buf_printf(&b, "%s:%d: ", rb->display, line);
			sw_buf_puts(&b, msg);
			if (strstr(msg, "must return a table"))
				sw_hint_not_a_table(&b, rb->source, rb->len);
			sc->rc = lua_diag(d, SW_EINVALID, rb->display, sw_buf_cstr(&b) ? b.p : msg);
			sw_buf_free(&b);
		}
		return 0;
	}
	if ((sc->rc = check_table(r, d, sc)))
		return 0;
	lua_settop(L, 0);
	if (!framework && !r->native.kind) /* a built-in whose parameters C does not take */
		sw_runner_build_framework(r);
	return 0;
}

/* Compiles the rubric and prepares everything a pupil's evaluation needs. */
static int runner_setup(sw_runner *r, sw_diag *d)
{
	sw_engine *eng = r->eng;
	struct sw_rubric *rb = eng->rubric;
	r->inst_ref = LUA_NOREF; /* until sw_runner_instance_keep */
	int rc = sw_sb_open(&r->sb, eng, d);
	if (rc)
		return rc;
	r->sb.name = rb->display;
	/* a NUL byte: not a text file (Lua would say only "<eof> expected");
	   precompiled Lua, which has them, gets Lua's own message */
	const char *nul = memchr(rb->source, '\0', rb->len);
	if (nul && rb->len && rb->source[0] != '\033') {
		unsigned long line = 1;
		for (const char *c = rb->source; c < nul; c++)
			line += *c == '\n';
		return sw_diag_add(d, SW_EINVALID, rb->display, line, 0, NULL,
		                   "NUL byte in the file: a rubric must be Lua source text");
	}
	setup sc = { r, d, SW_OK, { 0 }, { 0 }, { 0 }, { 0 }, NULL, 0, 0 };
	sw_buf_init(&sc.json, &eng->mem);
	sw_buf_init(&sc.chunk, &eng->mem);
	sw_buf_init(&sc.names, &eng->mem);
	sw_buf_init(&sc.text, &eng->mem);
	sw_buf_printf(&sc.chunk, "@%s", rb->display);
	lua_State *L = r->sb.L;
	if (!sw_buf_cstr(&sc.chunk)) {
		rc = sw_diag_add(d, SW_ENOMEM, rb->display, 0, 0, NULL, "out of memory");
	} else {
		lua_pushcfunction(L, setup_protected);
		lua_pushlightuserdata(L, &sc);
		if (lua_pcall(L, 1, 0, 0) != LUA_OK)
			rc = sw_diag_add(d, SW_ENOMEM, rb->display, 0, 0, NULL, "out of memory");
		else
			rc = sc.rc;
		lua_settop(L, 0);
		if (rc == SW_OK && !r->native.kind)
			sw_runner_instance_keep(r);
	}
	sw_buf_free(&sc.chunk);
	sw_buf_free(&sc.names);
	sw_buf_free(&sc.text);
	sw_buf_free(&sc.json);
	sw_mem_free(&eng->mem, sc.keys);
	return rc;
}

int sw_runner_open(sw_runner **out, sw_engine *eng, sw_diag *d)
{
	*out = NULL;
	sw_runner *r = sw_mem_calloc(&eng->mem, 1, sizeof *r);
	if (!r)
		return sw_diag_add(d, SW_ENOMEM, NULL, 0, 0, NULL, "out of memory");
	r->eng = eng;
	locale_t old = sw_locale_enter();
	int rc = runner_setup(r, d);
	sw_locale_leave(old);
	if (rc) {
		sw_runner_free(r);
		return rc;
	}
	*out = r;
	return SW_OK;
}

int sw_runner_open_like(sw_runner **out, const sw_runner *first, sw_diag *d)
{
	if (!first->native.kind)
		return sw_runner_open(out, first->eng, d);
	*out = sw_mem_calloc(&first->eng->mem, 1, sizeof **out);
	if (!*out)
		return sw_diag_add(d, SW_ENOMEM, NULL, 0, 0, NULL, "out of memory");
	(*out)->eng = first->eng;
	(*out)->native = first->native;
	return SW_OK;
}

int sw_runner_reset(sw_runner *r)
{
	sw_sb_close(&r->sb);
	sw_mem_free(&r->eng->mem, r->params_text);
	r->params_text = NULL;
	sw_mem_free(&r->eng->mem, r->params_json);
	r->params_json = NULL;
	sw_mem_free(&r->eng->mem, r->description);
	r->description = NULL;
	sw_diag d;
	sw_diag_init(&d, &r->eng->mem);
	locale_t old = sw_locale_enter();
	int rc = runner_setup(r, &d);
	sw_locale_leave(old);
	sw_diag_clear(&d);
	if (rc)
		sw_sb_close(&r->sb); /* half built: the next pupil tries again */
	return rc;
}

void sw_runner_free(sw_runner *r)
{
	if (!r)
		return;
	sw_sb_close(&r->sb);
	sw_mem_free(&r->eng->mem, r->params_text);
	sw_mem_free(&r->eng->mem, r->params_json);
	sw_mem_free(&r->eng->mem, r->description);
	sw_mem_free(&r->eng->mem, r->ranges);
	sw_mem_free(&r->eng->mem, r->view_idx);
	sw_mem_free(&r->eng->mem, r->made_bits);
	sw_mem_free(&r->eng->mem, r);
}
