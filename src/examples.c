/*
 * examples.c - a rubric's worked examples run as tests: the driver
 * scripts/examples.lua, run in a fresh runner of the rubric (always in Lua,
 * even for a built-in computed in C), under the rubric's limits, with the
 * strict tables evaluation uses. Prefix sw_engine_rubric_examples.
 */
#include "internal.h"
#include "rubric.h"
#include "strict.h"
#include "embedded.h"

#include <lauxlib.h>
#include <string.h>

/* strict(t): t made strict over its own keys (example parameters). */
static int ex_strict(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	sw_strict_table(L, 1, "this rubric's params", "parameter");
	return 1;
}

/* mark(t, mt): sets one of Stepwise's own metatables. */
static int ex_mark(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_checktype(L, 2, LUA_TTABLE);
	lua_settop(L, 2);
	lua_setmetatable(L, 1);
	return 1;
}

/* expected(year, skill_index): the framework's expected step, or nil. */
static int ex_expected(lua_State *L)
{
	const sw_runner *r = lua_touserdata(L, lua_upvalueindex(1));
	lua_Integer year = luaL_checkinteger(L, 1), k = luaL_checkinteger(L, 2);
	const sw_framework *fw = r->eng->fw;
	int step;
	if (k >= 1 && (size_t)k <= fw->skill_count && year >= 0 && year <= 14 &&
	    sw_framework_has_expected(&step, fw, (int)year, &fw->skills[k - 1]))
		lua_pushinteger(L, step);
	else
		lua_pushnil(L);
	return 1;
}

/* Protected: the rubric instantiated, the driver called; leaves its lines. */
static int ex_protected(lua_State *L)
{
	sw_runner *r = lua_touserdata(L, 1);
	lua_settop(L, 0);
	const sw_embedded_file *f = sw_embedded_find("scripts/examples.lua");
	if (!f)
		return luaL_error(L, "the examples driver is missing");
	if (luaL_loadbufferx(L, f->data, f->size, "=examples", "t") != LUA_OK)
		return lua_error(L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->sb.globals_ref);
	lua_setupvalue(L, -2, 1);
	/* the rubric, in a fresh environment */
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->chunk_ref);
	sw_sb_new_env(&r->sb);
	if (!lua_setupvalue(L, -2, 1))
		lua_pop(L, 1);
	lua_call(L, 0, 1);
	if (!lua_istable(L, -1))
		return luaL_error(L, "the rubric did not return a table");
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->skills_ref);
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->framework_ref);
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->params_ref);
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->record_mt_ref);
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->ctx_mt_ref);
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->pupil_mt_ref);
	lua_pushcfunction(L, ex_strict);
	lua_pushlightuserdata(L, r);
	lua_pushcclosure(L, ex_expected, 1);
	lua_pushcfunction(L, ex_mark);
	lua_call(L, 10, 1);
	return 1;
}

int sw_engine_rubric_examples(sw_engine *eng, sw_example_fn fn, void *payload, size_t *count)
{
	if (count)
		*count = 0;
	if (!eng)
		return SW_EINVALID;
	sw_engine_begin(eng);
	if (!eng->rubric)
		return sw_diag_add(&eng->diag, SW_ESTATE, NULL, 0, 0, NULL, "load a rubric first");
	/* a runner of its own, in Lua even for a built-in computed in C */
	int kind = eng->rubric->native_kind;
	eng->rubric->native_kind = SW_NATIVE_NONE;
	sw_runner *r;
	int rc = sw_runner_open(&r, eng, &eng->diag);
	eng->rubric->native_kind = kind;
	if (rc)
		return rc;
	lua_State *L = r->sb.L;
	lua_settop(L, 0);
	lua_pushcfunction(L, ex_protected);
	lua_pushlightuserdata(L, r);
	int st = sw_sb_call(&r->sb, 1, 1);
	sw_buf b;
	sw_buf_init(&b, &eng->mem);
	if (st != LUA_OK) {
		char buf[200];
		const char *m = r->sb.abort ? sw_sb_abort_message(&r->sb, buf, sizeof buf)
		                            : lua_isstring(L, -1) ? lua_tostring(L, -1) : "an error";
		sw_buf_printf(&b, "examples: FAILED: error: %s", m);
		if (fn && sw_buf_cstr(&b))
			fn(b.p, 0, payload);
		if (count)
			*count = 1;
	} else if (lua_istable(L, -1)) {
		size_t n = lua_rawlen(L, -1);
		for (size_t i = 1; i <= n; i++) {
			lua_rawgeti(L, -1, (lua_Integer)i);
			const char *line = lua_tostring(L, -1);
			size_t len = line ? strlen(line) : 0;
			if (line && fn)
				fn(line, len >= 4 && strcmp(line + len - 4, ": ok") == 0, payload);
			lua_pop(L, 1);
		}
		if (count)
			*count = n;
	}
	sw_buf_free(&b);
	lua_settop(L, 0);
	sw_runner_free(r);
	return SW_OK;
}
