/*
 * sandbox_lib.c - the library a rubric sees: the shared globals, built once
 * per state, and the replacements of standard functions that would let a
 * script escape, learn what it should not, or work past the limits of
 * sandbox.c.
 *
 * What a script can reach: the shared globals table, read-only, through
 * the __index of its own per-pupil environment (sw_sb_new_env). Library
 * tables are read-only views; rawset, load, debug, io, os, package and the
 * collector are absent (reading one of their names raises "NAME is not
 * available in a rubric"); the string metatable is hidden.
 *
 * The rules this file keeps (scripts/README.md, "The sandbox"):
 *  - library functions whose work the instruction count does not see
 *    (patterns, string.rep, table.sort, print, ...) check the limits
 *    first (sw_sb_check_limits); patterns, string.rep, table.sort and
 *    others are bounded by sandbox_bound.c;
 *  - no weak tables and no finalizers: a metatable in use cannot gain
 *    __mode or __gc later (see "metatables" below);
 *  - nothing a script sees depends on memory addresses, the clock or the
 *    pupils evaluated before: tostring and string.format show no address,
 *    collectgarbage is absent, math.random is seeded from the pupil's id.
 */
#include "internal.h"
#include "sandbox.h"

#include <lauxlib.h>
#include <string.h>

/* Registry and table keys only this file can make (light userdata). */
static const char KEYS[3] = { 0, 0, 0 };
#define KEY_ORIGINAL ((void *)&KEYS[0]) /* in a metatable copy: the rubric's metatable */
#define KEY_HOST ((void *)&KEYS[1])     /* in a read-only view's metatable */

/* ---- metatables ----
 *
 * A table is weak when its metatable has __mode at the time the collector
 * looks, not when setmetatable is called. Weak tables let a script watch
 * the collector (which depends on what other pupils left behind), and
 * weak-keyed tables built as chains make one collection take time
 * quadratic in their size (seconds at 4 MiB, hours at 64) inside a single
 * allocation, where no hook can stop it. So every table used as a
 * metatable is "sealed": listed in SEALED (upvalue 1 of setmetatable; a
 * weak-keyed set whose values are all `true`, which the collector clears
 * in linear time) and given a metatable of its own whose __newindex
 * refuses the keys __mode and __gc (GUARD, upvalue 2). With no rawset,
 * that is the only way a table gains a key. When a sealed table needs a
 * metatable of the script's (classes: setmetatable(Derived, {__index =
 * Base})), it gets a private copy of that metatable's __ fields plus the
 * guard, and getmetatable still answers the script's own table. (The one
 * difference: metamethods added later to such a metatable-of-a-metatable
 * are not seen.) Finalizers need __gc when setmetatable is called, which
 * is refused, and a copy never carries __gc.
 */

/* True when the table at idx has field key, without metamethods. */
static bool has_raw(lua_State *L, int idx, const char *key)
{
	idx = lua_absindex(L, idx);
	lua_pushstring(L, key);
	bool has = lua_rawget(L, idx) != LUA_TNIL;
	lua_pop(L, 1);
	return has;
}

/* __newindex of sealed tables: anything but __mode and __gc. */
static int guard_newindex(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 3);
	if (lua_type(L, 2) == LUA_TSTRING) {
		const char *k = lua_tostring(L, 2);
		if (strcmp(k, "__mode") == 0 || strcmp(k, "__gc") == 0)
			return luaL_error(L, "cannot add %s to a table used as a metatable: weak tables "
			                  "and finalizers are not available in a rubric", k);
		if (strcmp(k, "__call") == 0)
			return luaL_error(L, "cannot add __call to a table already used as a metatable: "
			                  "give __call (a function) before calling setmetatable");
	}
	lua_pushvalue(L, 1); /* only sealed tables: for anything else this would be rawset */
	if (lua_rawget(L, lua_upvalueindex(1)) == LUA_TNIL)
		return luaL_error(L, "attempt to change a read-only table");
	lua_pop(L, 1);
	lua_rawset(L, 1);
	return 0;
}

static bool is_sealed(lua_State *L, int idx)
{
	lua_pushvalue(L, idx);
	bool sealed = lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL;
	lua_pop(L, 1);
	return sealed;
}

/* Pushes a private copy of the __ fields of metatable mt (at idx), with the
   guard as __newindex when it has none, remembering mt for getmetatable. */
static void push_copy(lua_State *L, int mt)
{
	mt = lua_absindex(L, mt);
	lua_newtable(L);
	int copy = lua_gettop(L);
	lua_pushnil(L);
	while (lua_next(L, mt)) {
		if (lua_type(L, -2) == LUA_TSTRING) {
			const char *k = lua_tostring(L, -2);
			if (k[0] == '_' && k[1] == '_' && strcmp(k, "__gc") != 0 &&
			    strcmp(k, "__mode") != 0) {
				lua_pushvalue(L, -2);
				lua_insert(L, -2);
				lua_rawset(L, copy);
				continue;
			}
		}
		lua_pop(L, 1);
	}
	if (!has_raw(L, copy, "__newindex")) {
		lua_pushliteral(L, "__newindex");
		lua_getfield(L, lua_upvalueindex(2), "__newindex");
		lua_rawset(L, copy);
	}
	lua_pushvalue(L, mt);
	lua_rawsetp(L, copy, KEY_ORIGINAL);
}

/* Seals the table at idx (it is about to be, or now is, a metatable). */
static void seal(lua_State *L, int x)
{
	x = lua_absindex(L, x);
	if (is_sealed(L, x))
		return;
	lua_pushvalue(L, x);
	lua_pushboolean(L, 1);
	lua_rawset(L, lua_upvalueindex(1));
	if (!lua_getmetatable(L, x)) {
		lua_pushvalue(L, lua_upvalueindex(2));
		lua_setmetatable(L, x);
		return;
	}
	/* a read-only view: its metatable is unreachable and has a __newindex */
	bool view = lua_rawgetp(L, -1, KEY_HOST) != LUA_TNIL;
	lua_pop(L, 1);
	if (!view) {
		push_copy(L, -1);
		lua_setmetatable(L, x);
	}
	lua_pop(L, 1);
}

/* setmetatable(t, mt): refuses __gc and __mode, and seals mt. */
static int sw_sb_setmetatable(lua_State *L)
{
	sw_sb_unveil(L, 1, true);
	sw_sb_unveil(L, 2, true);
	luaL_checktype(L, 1, LUA_TTABLE);
	int mt = lua_type(L, 2);
	luaL_argexpected(L, mt == LUA_TNIL || mt == LUA_TTABLE, 2, "nil or table");
	lua_settop(L, 2);
	if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
		return luaL_error(L, "cannot change a protected metatable");
	if (mt == LUA_TTABLE && (has_raw(L, 2, "__gc") || has_raw(L, 2, "__mode")))
		return luaL_error(L, "metatables with __gc or __mode are not allowed in a rubric");
	/* __call: a function, and the table gets a copy of mt, so that changing
	   mt.__call later (to a table: a call that never ends) is not seen */
	bool call = mt == LUA_TTABLE && has_raw(L, 2, "__call");
	if (call) {
		lua_pushliteral(L, "__call");
		lua_rawget(L, 2);
		if (lua_type(L, -1) != LUA_TFUNCTION)
			return luaL_error(L, "the __call of a metatable must be a function, not a %s",
			                  luaL_typename(L, -1));
		lua_pop(L, 1);
	}
	if (!is_sealed(L, 1) && !call)
		lua_pushvalue(L, 2);
	else if (mt == LUA_TNIL)
		lua_pushvalue(L, lua_upvalueindex(2));
	else
		push_copy(L, 2);
	if (call && !is_sealed(L, 1) && !has_raw(L, 2, "__newindex")) {
		lua_pushliteral(L, "__newindex"); /* not sealed: no guard */
		lua_pushnil(L);
		lua_rawset(L, -3);
	}
	lua_setmetatable(L, 1);
	if (mt == LUA_TTABLE)
		seal(L, 2);
	lua_settop(L, 1);
	return 1;
}

/* getmetatable(v): the metatable the script gave, as Lua's would answer. */
static int sw_sb_getmetatable(lua_State *L)
{
	luaL_checkany(L, 1);
	sw_sb_unveil(L, 1, true);
	if (!lua_getmetatable(L, 1)) {
		lua_pushnil(L);
		return 1;
	}
	if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
		return 1;
	if (lua_rawequal(L, -1, lua_upvalueindex(1))) { /* only the guard */
		lua_pushnil(L);
		return 1;
	}
	if (lua_rawgetp(L, -1, KEY_ORIGINAL) == LUA_TNIL)
		lua_pop(L, 1);
	return 1;
}

/* ---- the rest of the library ---- */

/* collectgarbage: absent. Its "count" would show what other pupils left. */
static int sw_sb_collectgarbage(lua_State *L)
{
	const char *opt = luaL_optstring(L, 1, "collect");
	return luaL_error(L, "collectgarbage(\"%s\") is not available in a rubric: Stepwise "
	                  "manages the memory (its limit is --max-memory MiB)", opt);
}

/* Reading a name of the standard library that rubrics do not get. */
static int sw_sb_global_missing(lua_State *L)
{
	static const char *const names[] = { "require", "package", "load", "loadfile", "dofile",
		"loadstring", "io", "os", "debug", "rawset", "module", "setfenv", "getfenv",
		"newproxy", NULL };
	if (lua_type(L, 2) == LUA_TSTRING) {
		const char *k = lua_tostring(L, 2);
		if (strcmp(k, "os") == 0) /* os.date, os.time, os.clock: the clock */
			return luaL_error(L, "os is not available in a rubric: for dates, use ctx.as_of "
			                  "(the --as-of date, else the newest evidence date)");
		for (const char *const *n = names; *n; n++)
			if (strcmp(k, *n) == 0)
				return luaL_error(L, "%s is not available in a rubric", k);
	}
	return 0;
}

static int sw_sb_string_missing(lua_State *L)
{
	if (lua_type(L, 2) == LUA_TSTRING && strcmp(lua_tostring(L, 2), "dump") == 0)
		return luaL_error(L, "string.dump is not available in a rubric");
	return 0;
}

/* math.randomseed: only with a seed (without one Lua takes the clock). */
static int sw_sb_randomseed(lua_State *L)
{
	if (lua_isnone(L, 1))
		return luaL_error(L, "math.randomseed needs a seed in a rubric, such as "
		                  "math.randomseed(7): without one, results would change from run "
		                  "to run (math.random is already seeded from each pupil's id)");
	lua_Integer a = luaL_checkinteger(L, 1), b = luaL_optinteger(L, 2, 0);
	lua_settop(L, 0);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushinteger(L, a);
	lua_pushinteger(L, b);
	lua_call(L, 2, LUA_MULTRET);
	return lua_gettop(L);
}

void sw_sb_seed_random(sw_sandbox *sb, const char *pupil_id)
{
	uint64_t h = 14695981039346656037u; /* FNV-1a */
	for (const unsigned char *c = (const unsigned char *)pupil_id; *c; c++)
		h = (h ^ *c) * 1099511628211u;
	lua_State *L = sb->L;
	lua_rawgeti(L, LUA_REGISTRYINDEX, sb->randomseed_ref);
	lua_pushinteger(L, (lua_Integer)(h >> 1));
	lua_pushinteger(L, 0);
	if (lua_pcall(L, 2, 0, 0) != LUA_OK)
		lua_pop(L, 1);
}

/* tostring that shows no memory addresses. */
static int sw_sb_tostring(lua_State *L)
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

/* print(...): to the engine's print stream, prefixed with rubric and line;
   at most SB_PRINT_MAX bytes per call, so a loop cannot fill a disk. */
static int sw_sb_print(lua_State *L)
{
	sw_sb_check_limits(L);
	sw_sandbox *sb = sw_sb_of(L);
	sb->print_calls++;
	if (sb->printed >= SB_PRINT_MAX)
		return 0;
	int n = lua_gettop(L);
	lua_Debug ar;
	int line = 0;
	if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "l", &ar))
		line = ar.currentline;
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	for (int i = 1; i <= n; i++) {
		lua_pushcfunction(L, sw_sb_tostring);
		lua_pushvalue(L, i);
		lua_call(L, 1, 1);
		if (i > 1)
			luaL_addchar(&b, '\t');
		luaL_addvalue(&b);
	}
	luaL_pushresult(&b);
	size_t full;
	const char *text = lua_tolstring(L, -1, &full);
	size_t room = SB_PRINT_MAX - sb->printed;
	bool cut = full > room;
	size_t len = sw_sb_safe_length(text, full, room); /* a cut splits no character */
	sb->printed += len;
	if (sb->print_fn) { /* the host's callback: one call per line, its return ignored */
		lua_pushfstring(L, "%s:%d: ", sb->name ? sb->name : "rubric", line);
		sw_sb_push_safe(L, text, len); /* no escape sequences */
		lua_pushstring(L, cut ? " [print output of this call cut at 64 KiB]\n" : "\n");
		lua_concat(L, 3);
		size_t all_len;
		const char *all = lua_tolstring(L, -1, &all_len);
		(void)sb->print_fn(all, all_len, sb->print_payload);
	} else {
		FILE *out = sb->print ? sb->print : stderr;
		fprintf(out, "%s:%d: ", sb->name ? sb->name : "rubric", line);
		sw_sb_write_safe(out, text, len); /* no escape sequences */
		fprintf(out, "%s\n", cut ? " [print output of this call cut at 64 KiB]" : "");
	}
	if (cut)
		sb->printed = SB_PRINT_MAX;
	return 0;
}

/* string.format without %p (it prints memory addresses), and %s of a
   table or function as tostring shows it. */
static int sw_sb_format(lua_State *L)
{
	sw_sb_check_limits(L);
	size_t fl;
	const char *f = luaL_checklstring(L, 1, &fl);
	for (size_t i = 0; i < fl; i++) {
		if (f[i] != '%')
			continue;
		i++;
		while (i < fl && f[i] && strchr("-+ #0123456789.", f[i]))
			i++;
		if (i < fl && f[i] == 'p')
			return luaL_error(L, "string.format: %%p is not available in a rubric");
	}
	int n = lua_gettop(L);
	for (int i = 2; i <= n; i++) {
		int t = lua_type(L, i);
		if (t == LUA_TTABLE || t == LUA_TFUNCTION || t == LUA_TTHREAD || t == LUA_TUSERDATA) {
			lua_pushcfunction(L, sw_sb_tostring);
			lua_pushvalue(L, i);
			lua_call(L, 1, 1);
			lua_replace(L, i);
		}
	}
	return sw_sb_call_original(L);
}

/* A library function whose own work the instruction count does not see:
   checked against the limits first. */
static int sw_sb_heavy(lua_State *L)
{
	sw_sb_check_limits(L);
	return sw_sb_call_original(L);
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

void sw_sb_readonly(lua_State *L)
{
	/* stack: real */
	lua_newtable(L);                 /* real proxy */
	lua_createtable(L, 0, 6);        /* real proxy mt */
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
	lua_pushboolean(L, 1);
	lua_rawsetp(L, -2, KEY_HOST);
	lua_setmetatable(L, -2);         /* real proxy */
	lua_remove(L, -2);
}

/* The key of the metafield that fills a table made on demand (light userdata). */
const char sw_sb_unveil_key = 0;

void sw_sb_unveil(lua_State *L, int idx, bool metatable)
{
	idx = lua_absindex(L, idx);
	if (lua_type(L, idx) != LUA_TTABLE || !lua_getmetatable(L, idx))
		return;
	if (lua_rawgetp(L, -1, &sw_sb_unveil_key) == LUA_TFUNCTION) {
		lua_pushvalue(L, idx);
		lua_pushboolean(L, metatable);
		lua_call(L, 2, 0);
		lua_pop(L, 1);
	} else {
		lua_pop(L, 2);
	}
}

/* __pairs of a table made on demand: made first, then what pairs gives a
   plain table (upvalue 1: Lua's own next). */
static int unveil_pairs(lua_State *L)
{
	sw_sb_unveil(L, 1, false);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

void sw_sb_set_unveil(lua_State *L, int mt, lua_CFunction f, int nup)
{
	lua_pushcclosure(L, f, nup);
	lua_rawsetp(L, mt, &sw_sb_unveil_key);
	lua_pushglobaltable(L); /* Lua's own next, as pairs gives it */
	lua_getfield(L, -1, "next");
	lua_remove(L, -2);
	lua_pushcclosure(L, unveil_pairs, 1);
	lua_setfield(L, mt, "__pairs");
}

/* next, rawget, rawlen: Lua's own, on the table filled first (sw_sb_unveil). */
static int sw_sb_unveiled(lua_State *L)
{
	sw_sb_unveil(L, 1, false);
	return sw_sb_call_original(L);
}

/* Wraps each named function of the table on top with f. */
static void wrap_all(lua_State *L, const char *const *names, lua_CFunction f)
{
	for (const char *const *n = names; *n; n++)
		sw_sb_wrap_field(L, *n, f);
}

/* Builds the shared globals and stores them in the registry. */
void sw_sb_build_globals(lua_State *L, sw_sandbox *sb)
{
	static const char *const base[] = { "assert", "error", "ipairs", "next", "pairs",
		"rawequal", "rawget", "rawlen", "select", "tonumber", "type", "_VERSION", NULL };
	lua_newtable(L); /* G */
	int G = lua_gettop(L);
	lua_pushglobaltable(L);
	for (const char *const *k = base; *k; k++) {
		lua_getfield(L, -1, *k);
		lua_setfield(L, G, *k);
	}
	lua_pop(L, 1);
	static const char *const raw[] = { "next", "rawget", "rawlen", NULL };
	wrap_all(L, raw, sw_sb_unveiled);
	sw_sb_bound(L, "_G");
	/* setmetatable and getmetatable share SEALED and GUARD (above) */
	lua_newtable(L); /* SEALED */
	lua_createtable(L, 0, 1);
	lua_pushliteral(L, "k");
	lua_setfield(L, -2, "__mode");
	lua_setmetatable(L, -2);
	lua_createtable(L, 0, 1); /* GUARD */
	lua_pushvalue(L, -2);
	lua_pushcclosure(L, guard_newindex, 1);
	lua_setfield(L, -2, "__newindex");
	lua_pushvalue(L, -2);
	lua_pushvalue(L, -2);
	lua_pushcclosure(L, sw_sb_setmetatable, 2);
	lua_setfield(L, G, "setmetatable");
	lua_pushcclosure(L, sw_sb_getmetatable, 1);
	lua_setfield(L, G, "getmetatable");
	lua_pop(L, 1);
	static const luaL_Reg own[] = { { "pcall", sw_sb_pcall }, { "xpcall", sw_sb_xpcall },
		{ "collectgarbage", sw_sb_collectgarbage }, { "tostring", sw_sb_tostring },
		{ "print", sw_sb_print }, { NULL, NULL } };
	luaL_setfuncs(L, own, 0); /* into G, on top */
	lua_createtable(L, 0, 1); /* names rubrics do not get raise a clear error */
	lua_pushcfunction(L, sw_sb_global_missing);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, G);

	/* string: no dump, bounded patterns, no %p; the metatable hidden */
	static const char *const heavy_string[] = { "byte", "char", "lower", "upper", "rep",
		"reverse", "sub", "pack", "unpack", NULL };
	lua_getglobal(L, "string");
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	sw_sb_wrap_field(L, "format", sw_sb_format);
	wrap_all(L, heavy_string, sw_sb_heavy);
	sw_sb_bound(L, "string");
	lua_createtable(L, 0, 1);
	lua_pushcfunction(L, sw_sb_string_missing);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, -2);
	lua_pushliteral(L, "");
	if (lua_getmetatable(L, -1)) {
		lua_pushliteral(L, "read-only");
		lua_setfield(L, -2, "__metatable");
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	sw_sb_readonly(L);
	lua_setfield(L, G, "string");

	static const char *const heavy_table[] = { "concat", "insert", "move", "pack", "remove",
		"sort", "unpack", NULL };
	static const char *const heavy_utf8[] = { "char", "codepoint", "len", "offset", NULL };
	lua_getglobal(L, "table");
	wrap_all(L, heavy_table, sw_sb_heavy);
	sw_sb_bound(L, "table");
	sw_sb_readonly(L);
	lua_setfield(L, G, "table");
	lua_getglobal(L, "utf8");
	wrap_all(L, heavy_utf8, sw_sb_heavy);
	sw_sb_readonly(L);
	lua_setfield(L, G, "utf8");
	lua_getglobal(L, "math");
	lua_getfield(L, -1, "randomseed");
	lua_pushvalue(L, -1);
	sb->randomseed_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_pushcclosure(L, sw_sb_randomseed, 1);
	lua_setfield(L, -2, "randomseed");
	sw_sb_readonly(L);
	lua_setfield(L, G, "math");
	lua_getglobal(L, "coroutine");
	sw_sb_wrap_field(L, "resume", sw_sb_co_resume);
	sw_sb_wrap_field(L, "close", sw_sb_co_close);
	lua_pushcfunction(L, sw_sb_co_wrap);
	lua_setfield(L, -2, "wrap");
	sw_sb_readonly(L);
	lua_setfield(L, G, "coroutine");
}
