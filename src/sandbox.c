/*
 * sandbox.c - everything Lua: creating a state for rubric scripts with
 * only safe functions, limits on instructions, memory and pattern
 * matching, read-only shared tables, and the stepwise helpers.
 *
 * What a script can reach: the shared globals table, read-only, through
 * the __index of its own per-pupil environment. Library tables are
 * read-only views; rawset, load, debug, io, os, package and the collector
 * controls are absent; the string metatable is hidden.
 */
#include "internal.h"
#include "sandbox.h"
#include "embedded.h"

#include <lauxlib.h>
#include <lualib.h>
#include <string.h>

#define HOOK_EVERY 1000

/* The allocator: counts the state's bytes and refuses past the limit. */
static void *sb_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	sw_sandbox *sb = ud;
	if (!ptr)
		osize = 0;
	if (nsize == 0) {
		if (ptr)
			sb->m->fn(sb->m->ud, ptr, 0);
		sb->used -= osize;
		return NULL;
	}
	if (nsize > osize && sb->used + (nsize - osize) > sb->limit) {
		sb->abort = SB_ABORT_MEMORY;
		return NULL;
	}
	void *p = sb->m->fn(sb->m->ud, ptr, nsize);
	if (p)
		sb->used = sb->used - osize + nsize;
	return p;
}

/* The sandbox a state belongs to. */
static sw_sandbox *sb_of(lua_State *L)
{
	void *ud;
	lua_getallocf(L, &ud);
	return ud;
}

/* Counts instructions; once the budget is spent, every later hook raises. */
static void sb_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	sw_sandbox *sb = sb_of(L);
	sb->budget -= HOOK_EVERY;
	if (sb->budget <= 0 || sb->abort) {
		if (!sb->abort)
			sb->abort = SB_ABORT_INSTRUCTIONS;
		luaL_where(L, 0); /* the line of the running Lua function */
		lua_pushliteral(L, "instruction limit reached");
		lua_concat(L, 2);
		lua_error(L);
	}
}

void sb_reset_call(sw_sandbox *sb)
{
	sb->budget = (int64_t)sb->instruction_limit;
	sb->abort = SB_ABORT_NONE;
}

const char *sb_abort_message(const sw_sandbox *sb, char *buf, size_t size)
{
	if (sb->abort == SB_ABORT_MEMORY)
		snprintf(buf, size, "memory limit of %zu MiB reached (raise it with --max-memory MiB)",
		         sb->limit / (1024 * 1024));
	else
		snprintf(buf, size, "instruction limit of %llu reached (raise it with "
		         "--max-instructions N)", (unsigned long long)sb->instruction_limit);
	return buf;
}

/* After a protected call inside the script: a limit is never swallowed. */
static void rethrow_abort(lua_State *L)
{
	if (sb_of(L)->abort)
		lua_error(L);
}

/* pcall(f, ...) that cannot catch a limit. */
static int sb_pcall(lua_State *L)
{
	luaL_checkany(L, 1);
	int st = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
	if (st != LUA_OK) {
		rethrow_abort(L);
		lua_pushboolean(L, 0);
		lua_insert(L, -2);
		return 2;
	}
	lua_pushboolean(L, 1);
	lua_insert(L, 1);
	return lua_gettop(L);
}

/* xpcall(f, handler, ...) that cannot catch a limit. */
static int sb_xpcall(lua_State *L)
{
	int n = lua_gettop(L);
	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_pushvalue(L, 1);
	lua_copy(L, 2, 1);
	lua_replace(L, 2); /* handler at 1, f at 2 */
	int st = lua_pcall(L, n - 2, LUA_MULTRET, 1);
	if (st != LUA_OK) {
		rethrow_abort(L);
		lua_pushboolean(L, 0);
		lua_insert(L, -2);
		return 2;
	}
	lua_pushboolean(L, 1);
	lua_replace(L, 1);
	return lua_gettop(L);
}

/* Calls the original function (upvalue 1) and re-raises a limit it swallowed
   (coroutine.resume, coroutine.close). */
static int sb_guarded(lua_State *L)
{
	int n = lua_gettop(L);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, n, LUA_MULTRET);
	if (sb_of(L)->abort)
		return luaL_error(L, "limit reached inside a coroutine");
	return lua_gettop(L);
}

/* True when the table at idx has field key, without metamethods. */
static bool has_raw(lua_State *L, int idx, const char *key)
{
	lua_pushstring(L, key);
	bool has = lua_rawget(L, idx) != LUA_TNIL;
	lua_pop(L, 1);
	return has;
}

/* setmetatable that refuses __gc and __mode (finalizers and weak tables). */
static int sb_setmetatable(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	if (lua_istable(L, 2)) {
		if (has_raw(L, 2, "__gc") || has_raw(L, 2, "__mode"))
			return luaL_error(L, "metatables with __gc or __mode are not allowed in a rubric");
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, 2, 1);
	return 1;
}

/* collectgarbage("count") only. */
static int sb_collectgarbage(lua_State *L)
{
	const char *opt = luaL_optstring(L, 1, "collect");
	if (strcmp(opt, "count") != 0)
		return luaL_error(L, "collectgarbage(\"%s\") is not available in a rubric; only "
		                  "\"count\" is", opt);
	lua_pushnumber(L, (lua_Number)lua_gc(L, LUA_GCCOUNT, 0) +
	                      (lua_Number)lua_gc(L, LUA_GCCOUNTB, 0) / 1024.0);
	return 1;
}

/* tostring that shows no memory addresses. */
static int sb_tostring(lua_State *L)
{
	luaL_checkany(L, 1);
	int t = lua_type(L, 1);
	if ((t == LUA_TTABLE || t == LUA_TFUNCTION || t == LUA_TTHREAD || t == LUA_TUSERDATA) &&
	    luaL_getmetafield(L, 1, "__tostring") == LUA_TNIL) {
		lua_pushstring(L, lua_typename(L, t));
		return 1;
	}
	if (t == LUA_TTABLE || t == LUA_TUSERDATA)
		lua_pop(L, 1);
	luaL_tolstring(L, 1, NULL);
	return 1;
}

/* print(...): to the engine's print stream, prefixed with rubric and line. */
static int sb_print(lua_State *L)
{
	sw_sandbox *sb = sb_of(L);
	int n = lua_gettop(L);
	lua_Debug ar;
	int line = 0;
	if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "l", &ar))
		line = ar.currentline;
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	for (int i = 1; i <= n; i++) {
		lua_pushcfunction(L, sb_tostring);
		lua_pushvalue(L, i);
		lua_call(L, 1, 1);
		if (i > 1)
			luaL_addchar(&b, '\t');
		luaL_addvalue(&b);
	}
	luaL_pushresult(&b);
	FILE *out = sb->print ? sb->print : stderr;
	fprintf(out, "%s:%d: %s\n", sb->name ? sb->name : "rubric", line, lua_tostring(L, -1));
	return 0;
}

/* string.find/match/gmatch/gsub with a bounded subject and pattern. */
static int sb_pattern(lua_State *L)
{
	sw_sandbox *sb = sb_of(L);
	size_t sl, pl;
	luaL_checklstring(L, 1, &sl);
	const char *p = luaL_checklstring(L, 2, &pl);
	if (sl > sb->pattern_limit)
		return luaL_error(L, "pattern matching on a text of %d bytes is over the limit of "
		                  "%d (raise it with --pattern-limit N)", (int)sl, (int)sb->pattern_limit);
	/* each unbounded repetition can multiply the work by the text's length */
	int reps = 0;
	for (size_t i = 0; i < pl; i++) {
		if (p[i] == '%') {
			i++;
			continue;
		}
		if (p[i] == '[') {
			/* a set: '-' inside is a range, not a repetition */
			i++;
			if (i < pl && p[i] == '^')
				i++;
			if (i < pl && p[i] == ']')
				i++;
			while (i < pl && p[i] != ']')
				i += p[i] == '%' ? 2 : 1;
			continue;
		}
		if (p[i] == '*' || p[i] == '-' || p[i] == '+')
			reps++;
	}
	double cost = (double)sl + 1;
	double work = cost;
	for (int r = 0; r < reps; r++)
		work *= cost;
	if (reps >= 2 && work > 1e9)
		return luaL_error(L, "pattern with %d repetitions is too costly on a text of %d bytes "
		                  "(simplify the pattern or shorten the text)", reps, (int)sl);
	int n = lua_gettop(L);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, n, LUA_MULTRET);
	return lua_gettop(L);
}

/* string.format without %p (it prints memory addresses). */
static int sb_format(lua_State *L)
{
	const char *f = luaL_checkstring(L, 1);
	for (const char *c = f; *c; c++) {
		if (*c != '%')
			continue;
		c++;
		while (*c && strchr("-+ #0123456789.", *c))
			c++;
		if (*c == 'p')
			return luaL_error(L, "string.format: %%p is not available in a rubric");
		if (!*c)
			break;
	}
	int n = lua_gettop(L);
	/* %s of a table or function would print its address: use tostring's text */
	for (int i = 2; i <= n; i++) {
		int t = lua_type(L, i);
		if (t == LUA_TTABLE || t == LUA_TFUNCTION || t == LUA_TTHREAD || t == LUA_TUSERDATA) {
			lua_pushcfunction(L, sb_tostring);
			lua_pushvalue(L, i);
			lua_call(L, 1, 1);
			lua_replace(L, i);
		}
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, n, LUA_MULTRET);
	return lua_gettop(L);
}

/* ---- read-only views ---- */

static int ro_newindex(lua_State *L)
{
	return luaL_error(L, "attempt to change a read-only table (field '%s')",
	                  lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "?");
}

static int ro_len(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)lua_rawlen(L, lua_upvalueindex(1)));
	return 1;
}

static int ro_next(lua_State *L)
{
	lua_settop(L, 2);
	if (lua_next(L, lua_upvalueindex(1)))
		return 2;
	lua_pushnil(L);
	return 1;
}

static int ro_pairs(lua_State *L)
{
	lua_pushvalue(L, lua_upvalueindex(1)); /* the iterator, bound to the real table */
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

void sb_readonly(lua_State *L)
{
	/* stack: real */
	lua_newtable(L);                 /* real proxy */
	lua_createtable(L, 0, 5);        /* real proxy mt */
	lua_pushvalue(L, -3);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, ro_newindex);
	lua_setfield(L, -2, "__newindex");
	lua_pushvalue(L, -3);
	lua_pushcclosure(L, ro_len, 1);
	lua_setfield(L, -2, "__len");
	lua_pushvalue(L, -3);
	lua_pushcclosure(L, ro_next, 1);
	lua_pushcclosure(L, ro_pairs, 1);
	lua_setfield(L, -2, "__pairs");
	lua_pushliteral(L, "read-only");
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, -2);         /* real proxy */
	lua_remove(L, -2);
}

/* Replaces field `name` of the table on top with a C closure over the old value. */
static void wrap_field(lua_State *L, const char *name, lua_CFunction f)
{
	lua_getfield(L, -1, name);
	lua_pushcclosure(L, f, 1);
	lua_setfield(L, -2, name);
}

/* Builds the shared globals and stores them in the registry. */
static void build_globals(lua_State *L, sw_sandbox *sb)
{
	static const char *const base[] = { "assert", "error", "ipairs", "next", "pairs",
		"rawequal", "rawget", "rawlen", "select", "tonumber", "type", "getmetatable",
		"_VERSION", NULL };
	lua_newtable(L); /* G */
	int G = lua_gettop(L);
	lua_pushglobaltable(L);
	for (const char *const *k = base; *k; k++) {
		lua_getfield(L, -1, *k);
		lua_setfield(L, G, *k);
	}
	lua_getfield(L, -1, "setmetatable");
	lua_pushcclosure(L, sb_setmetatable, 1);
	lua_setfield(L, G, "setmetatable");
	lua_pop(L, 1);
	lua_pushcfunction(L, sb_pcall);
	lua_setfield(L, G, "pcall");
	lua_pushcfunction(L, sb_xpcall);
	lua_setfield(L, G, "xpcall");
	lua_pushcfunction(L, sb_collectgarbage);
	lua_setfield(L, G, "collectgarbage");
	lua_pushcfunction(L, sb_tostring);
	lua_setfield(L, G, "tostring");
	lua_pushcfunction(L, sb_print);
	lua_setfield(L, G, "print");

	/* string: no dump, bounded patterns, no %p; the metatable hidden */
	lua_getglobal(L, "string");
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	wrap_field(L, "find", sb_pattern);
	wrap_field(L, "match", sb_pattern);
	wrap_field(L, "gmatch", sb_pattern);
	wrap_field(L, "gsub", sb_pattern);
	wrap_field(L, "format", sb_format);
	lua_pushliteral(L, "");
	if (lua_getmetatable(L, -1)) {
		lua_pushliteral(L, "read-only");
		lua_setfield(L, -2, "__metatable");
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	sb_readonly(L);
	lua_setfield(L, G, "string");

	static const char *const libs[] = { "table", "math", "utf8", NULL };
	for (const char *const *k = libs; *k; k++) {
		lua_getglobal(L, *k);
		sb_readonly(L);
		lua_setfield(L, G, *k);
	}
	lua_getglobal(L, "coroutine");
	wrap_field(L, "resume", sb_guarded);
	wrap_field(L, "close", sb_guarded);
	sb_readonly(L);
	lua_setfield(L, G, "coroutine");
	(void)sb;
}

/* Loads scripts/stepwise.lua (compiled into the library) as `stepwise`. */
static int load_helpers(lua_State *L, sw_diag *d)
{
	const sw_embedded_file *f = sw_embedded_find("scripts/stepwise.lua");
	if (!f)
		return sw_diag_add(d, SW_ERROR, NULL, 0, 0, NULL, "the stepwise helpers are missing");
	if (luaL_loadbufferx(L, f->data, f->size, "@stepwise.lua", "t") != LUA_OK) {
		sw_diag_add(d, SW_ERROR, NULL, 0, 0, NULL, "%s", lua_tostring(L, -1));
		lua_pop(L, 1);
		return SW_ERROR;
	}
	lua_pushvalue(L, -2); /* the globals as the helpers' _ENV */
	lua_setupvalue(L, -2, 1);
	if (lua_pcall(L, 0, 1, 0) != LUA_OK || !lua_istable(L, -1)) {
		sw_diag_add(d, SW_ERROR, NULL, 0, 0, NULL, "stepwise helpers: %s",
		            lua_isstring(L, -1) ? lua_tostring(L, -1) : "did not return a table");
		lua_pop(L, 1);
		return SW_ERROR;
	}
	sb_readonly(L);
	lua_setfield(L, -2, "stepwise");
	return SW_OK;
}

/* Runs inside lua_pcall: opens the libraries and builds the globals. */
static int open_all(lua_State *L)
{
	luaL_requiref(L, "_G", luaopen_base, 1);
	luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
	luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
	luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
	luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
	luaL_requiref(L, LUA_COLIBNAME, luaopen_coroutine, 1);
	lua_settop(L, 0);
	build_globals(L, sb_of(L));
	return 1;
}

int sb_open(sw_sandbox *sb, const sw_engine *eng, sw_diag *d)
{
	memset(sb, 0, sizeof *sb);
	sb->m = &eng->mem;
	sb->limit = eng->memory_limit;
	sb->instruction_limit = eng->instruction_limit;
	sb->pattern_limit = eng->pattern_limit;
	sb->print = eng->print_stream;
	sb->L = lua_newstate(sb_alloc, sb);
	if (!sb->L)
		return sw_diag_add(d, SW_ENOMEM, NULL, 0, 0, NULL, "cannot create a Lua state");
	lua_State *L = sb->L;
	sb_reset_call(sb);
	lua_pushcfunction(L, open_all);
	if (lua_pcall(L, 0, 1, 0) != LUA_OK) {
		sw_diag_add(d, SW_ENOMEM, NULL, 0, 0, NULL, "cannot set up the Lua state: %s",
		            lua_isstring(L, -1) ? lua_tostring(L, -1) : "?");
		sb_close(sb);
		return SW_ENOMEM;
	}
	if (load_helpers(L, d) != SW_OK) {
		sb_close(sb);
		return SW_ERROR;
	}
	sb->globals_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	/* the standard global table is no longer needed by anything */
	lua_sethook(L, sb_hook, LUA_MASKCOUNT, HOOK_EVERY);
	lua_gc(L, LUA_GCGEN, 0, 0); /* most tables live for one call: generational suits */
	return SW_OK;
}

void sb_close(sw_sandbox *sb)
{
	if (sb->L)
		lua_close(sb->L);
	sb->L = NULL;
}

void sb_new_env(sw_sandbox *sb)
{
	lua_State *L = sb->L;
	lua_createtable(L, 0, 4);
	lua_pushvalue(L, -1);
	lua_setfield(L, -2, "_G");
	lua_createtable(L, 0, 2);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sb->globals_ref);
	lua_setfield(L, -2, "__index");
	lua_pushliteral(L, "read-only");
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, -2);
}

int sb_call(sw_sandbox *sb, int nargs, int nresults)
{
	sb_reset_call(sb);
	return lua_pcall(sb->L, nargs, nresults, 0);
}
