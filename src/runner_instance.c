/*
 * runner_instance.c - one instance of a Lua rubric kept for every pupil a
 * runner evaluates, when that cannot be told from a fresh one.
 *
 * Every pupil must see the rubric as if its file had just been run in a
 * fresh environment (scripts/README.md, "The sandbox"): no global and no
 * file-level local survives from one pupil to the next. Running the file
 * again for each pupil does that, at a cost per pupil. A rubric's skill()
 * and pupil() can keep something only in their environment (globals) and
 * in the upvalues of the functions they reach (file-level locals); the
 * shared library is read-only. So when, after the file has run, the
 * environment holds only values that cannot be changed in place (nil,
 * booleans, numbers, strings, functions) and the functions reachable
 * from skill() and pupil() through upvalues hold only such values too,
 * the runner keeps that instance and, after each pupil, puts back every
 * global and every upvalue as they were (sw_runner_instance_restore):
 * the next pupil starts from exactly the state of a fresh run. Anything
 * else (a file-level table, a coroutine, an iterator, more than
 * INST_MAX_UPVALUES upvalues, a file that prints or draws a random
 * number while it runs) keeps the run per pupil.
 */
#include "internal.h"
#include "rubric.h"

#include <lauxlib.h>

#define INST_MAX_UPVALUES 256
#define INST_MAX_DEPTH 16

/* A value that cannot change in place. */
static bool immutable(int t)
{
	return t == LUA_TNIL || t == LUA_TBOOLEAN || t == LUA_TNUMBER || t == LUA_TSTRING;
}

/* The set of the functions and tables of the shared library (at `shared`):
   what every pupil shares today already; upvalues holding them are kept
   and restored, their insides not looked at. */
static void shared_set(lua_State *L, int globals, int shared)
{
	lua_pushnil(L);
	while (lua_next(L, globals)) {
		int t = lua_type(L, -1);
		if (t == LUA_TFUNCTION || t == LUA_TTABLE) {
			lua_pushvalue(L, -1);
			lua_pushboolean(L, 1);
			lua_rawset(L, shared);
		}
		/* a read-only view: the functions of the table behind it */
		if (t == LUA_TTABLE && lua_getmetatable(L, -1)) {
			if (lua_getfield(L, -1, "__index") == LUA_TTABLE) {
				int real = lua_gettop(L);
				lua_pushnil(L);
				while (lua_next(L, real)) {
					if (lua_type(L, -1) == LUA_TFUNCTION) {
						lua_pushvalue(L, -1);
						lua_pushboolean(L, 1);
						lua_rawset(L, shared);
					}
					lua_pop(L, 1);
				}
			}
			lua_pop(L, 2);
		}
		lua_pop(L, 1);
	}
}

/* What walking a function's upvalues needs. */
typedef struct walk {
	int env, shared, seen, triples;
	lua_Integer n; /* entries in triples: function, index, value */
} walk;

/* Records the upvalues of the Lua function at f, and of the functions they
   hold, in w->triples; false when one may change in place. */
static bool walk_upvalues(lua_State *L, walk *w, int f, int depth)
{
	if (depth > INST_MAX_DEPTH || lua_iscfunction(L, f))
		return false;
	lua_pushvalue(L, f);
	if (lua_rawget(L, w->seen) != LUA_TNIL) {
		lua_pop(L, 1);
		return true;
	}
	lua_pop(L, 1);
	lua_pushvalue(L, f);
	lua_pushboolean(L, 1);
	lua_rawset(L, w->seen);
	for (int i = 1; lua_getupvalue(L, f, i); i++) {
		int v = lua_gettop(L), t = lua_type(L, v);
		bool ok = immutable(t) || lua_rawequal(L, v, w->env);
		if (!ok && (t == LUA_TFUNCTION || t == LUA_TTABLE)) {
			lua_pushvalue(L, v);
			ok = lua_rawget(L, w->shared) != LUA_TNIL;
			lua_pop(L, 1);
			if (!ok && t == LUA_TFUNCTION)
				ok = walk_upvalues(L, w, v, depth + 1);
		}
		if (!ok || w->n >= 3 * INST_MAX_UPVALUES) {
			lua_pop(L, 1);
			return false;
		}
		lua_pushvalue(L, f);
		lua_rawseti(L, w->triples, ++w->n);
		lua_pushinteger(L, i);
		lua_rawseti(L, w->triples, ++w->n);
		lua_rawseti(L, w->triples, ++w->n); /* pops the value */
	}
	return true;
}

/* Protected (runner): runs the rubric file once more with a known seed and
   keeps that instance when it qualifies. */
static int keep_protected(lua_State *L)
{
	sw_runner *r = lua_touserdata(L, 1);
	lua_settop(L, 0);
	sw_sb_seed_random(&r->sb, "");
	unsigned prints = r->sb.print_calls;
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->chunk_ref);
	sw_sb_new_env(&r->sb);
	int env = lua_gettop(L);
	lua_pushvalue(L, env);
	if (!lua_setupvalue(L, 1, 1))
		lua_pop(L, 1);
	lua_pushvalue(L, 1);
	lua_call(L, 0, 1);
	int t = lua_gettop(L);
	if (!lua_istable(L, t) || r->sb.print_calls != prints)
		return 0;
	/* no random number drawn while the file ran: the next draw is the seed's first */
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->sb.globals_ref);
	int globals = lua_gettop(L);
	lua_getfield(L, globals, "math");
	lua_getfield(L, -1, "random");
	lua_pushinteger(L, 0);
	lua_call(L, 1, 1);
	sw_sb_seed_random(&r->sb, "");
	lua_getfield(L, -2, "random");
	lua_pushinteger(L, 0);
	lua_call(L, 1, 1);
	if (!lua_rawequal(L, -1, -2))
		return 0;
	lua_settop(L, globals);
	/* the globals the file set: values that cannot change in place */
	lua_newtable(L);
	int shared = lua_gettop(L);
	shared_set(L, globals, shared);
	lua_newtable(L);
	int snap = lua_gettop(L);
	walk w = { env, shared, 0, 0, 0 };
	lua_newtable(L);
	w.seen = lua_gettop(L);
	lua_newtable(L);
	w.triples = lua_gettop(L);
	lua_pushnil(L);
	while (lua_next(L, env)) {
		int vt = lua_type(L, -1);
		bool ok = immutable(vt) || lua_rawequal(L, -1, env);
		if (!ok && (vt == LUA_TFUNCTION || vt == LUA_TTABLE)) {
			lua_pushvalue(L, -1);
			ok = lua_rawget(L, shared) != LUA_TNIL;
			lua_pop(L, 1);
			if (!ok && vt == LUA_TFUNCTION)
				ok = walk_upvalues(L, &w, lua_gettop(L), 0);
		}
		if (!ok)
			return 0;
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, snap);
	}
	static const char *const fns[] = { "skill", "pupil" };
	for (int i = 0; i < 2; i++) {
		lua_pushstring(L, fns[i]);
		if (lua_rawget(L, t) == LUA_TFUNCTION && !walk_upvalues(L, &w, lua_gettop(L), 0))
			return 0;
		lua_pop(L, 1);
	}
	lua_pushvalue(L, w.triples);
	r->inst_upvalues_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_pushvalue(L, snap);
	r->inst_globals_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_pushvalue(L, env);
	r->inst_env_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_pushvalue(L, t);
	r->inst_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	return 0;
}

void sw_runner_instance_keep(sw_runner *r)
{
	lua_State *L = r->sb.L;
	r->inst_ref = r->inst_env_ref = r->inst_globals_ref = r->inst_upvalues_ref = LUA_NOREF;
	int top = lua_gettop(L);
	lua_pushcfunction(L, keep_protected);
	lua_pushlightuserdata(L, r);
	if (sw_sb_call(&r->sb, 1, 0) != LUA_OK)
		r->inst_ref = LUA_NOREF; /* an error, a limit: a fresh run per pupil says so */
	lua_settop(L, top);
}

/* Protected (runner): every global and upvalue back as the file left them;
   an empty pool of records after a pupil that added keys to them. */
static int restore_protected(lua_State *L)
{
	sw_runner *r = lua_touserdata(L, 1);
	lua_settop(L, 0);
	if (r->sb.records_written) {
		r->pool_reset = true;
		r->sb.records_written = false;
	}
	if (r->inst_ref == LUA_NOREF)
		return 0;
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->inst_env_ref); /* 1 */
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->inst_globals_ref); /* 2 */
	lua_pushnil(L);
	while (lua_next(L, 1)) { /* globals the file did not set: gone */
		lua_pop(L, 1);
		lua_pushvalue(L, -1);
		if (lua_rawget(L, 2) == LUA_TNIL) {
			lua_pushvalue(L, -2);
			lua_insert(L, -2); /* key, key, nil */
			lua_rawset(L, 1);
		} else {
			lua_pop(L, 1);
		}
	}
	lua_pushnil(L);
	while (lua_next(L, 2)) {
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, 1);
	}
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->inst_upvalues_ref); /* 3 */
	lua_Integer n = (lua_Integer)lua_rawlen(L, 3);
	for (lua_Integer i = 1; i + 2 <= n; i += 3) {
		lua_rawgeti(L, 3, i);
		lua_rawgeti(L, 3, i + 1);
		int up = (int)lua_tointeger(L, -1);
		lua_pop(L, 1);
		lua_rawgeti(L, 3, i + 2);
		lua_setupvalue(L, -2, up);
		lua_pop(L, 1);
	}
	return 0;
}

void sw_runner_instance_restore(sw_runner *r)
{
	if (!r->sb.L || (r->inst_ref == LUA_NOREF && !r->sb.records_written))
		return;
	lua_State *L = r->sb.L;
	int top = lua_gettop(L);
	lua_pushcfunction(L, restore_protected);
	lua_pushlightuserdata(L, r);
	if (lua_pcall(L, 1, 0, 0) != LUA_OK) { /* out of memory: a fresh run per pupil from now */
		r->inst_ref = LUA_NOREF;
		r->pool_reset = true; /* what is left in the pool is never used */
	}
	lua_settop(L, top);
}
