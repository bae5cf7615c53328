/*
 * sandbox_co.c - pcall, xpcall and the coroutine functions of a rubric:
 * Lua's own, except that none of them can catch a limit of sandbox.c. A
 * coroutine runs with its own instruction count (sw_sb_co_start), and one
 * that a limit stopped keeps its hooks off for good, so its pending __close
 * handlers and xpcall handlers never run (sandbox.c, "The rules").
 */
#include "internal.h"
#include "sandbox.h"

#include <lauxlib.h>
#include <string.h>

/* What pcall and xpcall return after their call ended with status st: true
   and the results (true in place of xpcall's handler, at 1), or false and
   the error. A limit is raised again, never returned. */
static int results(lua_State *L, int st, bool handler_first)
{
	if (st != LUA_OK) {
		sw_sb_rethrow_abort(L, st);
		lua_pushboolean(L, 0);
		lua_insert(L, -2);
		return 2;
	}
	lua_pushboolean(L, 1);
	if (handler_first)
		lua_replace(L, 1);
	else
		lua_insert(L, 1);
	return lua_gettop(L);
}

/* pcall(f, ...) that cannot catch a limit. */
int sw_sb_pcall(lua_State *L)
{
	luaL_checkany(L, 1);
	return results(L, lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0), false);
}

/* The message handler given to xpcall: the rubric's own (upvalue 1), except
   after a limit. The hook raises with Lua's hooks switched off, so a
   handler run then would never be stopped: the limit's error goes as is. */
static int sw_sb_xpcall_handler(lua_State *L)
{
	if (sw_sb_memory_error(L, LUA_ERRRUN, 1) || sw_sb_of(L)->abort)
		return 1;
	int n = lua_gettop(L);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, n, 1);
	return 1;
}

/* xpcall(f, handler, ...) that cannot catch a limit. */
int sw_sb_xpcall(lua_State *L)
{
	int n = lua_gettop(L);
	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_pushvalue(L, 2);
	lua_pushcclosure(L, sw_sb_xpcall_handler, 1);
	lua_replace(L, 2);
	lua_pushvalue(L, 1);
	lua_copy(L, 2, 1);
	lua_replace(L, 2); /* handler at 1, f at 2 */
	return results(L, lua_pcall(L, n - 2, LUA_MULTRET, 1), true);
}

/* coroutine.resume: re-raises a limit the coroutine hit. */
int sw_sb_co_resume(lua_State *L)
{
	sw_sb_check_limits(L);
	sw_sb_co_start(lua_tothread(L, 1));
	int n = sw_sb_call_original(L);
	sw_sb_co_stop(L);
	sw_sandbox *sb = sw_sb_of(L);
	if (!lua_toboolean(L, -n))
		sw_sb_memory_error(L, LUA_ERRRUN, -1);
	if (sb->abort)
		return sw_sb_raise_limit(L, sb);
	return n;
}

/* coroutine.close: never runs the __close handlers of a coroutine that a
   limit stopped (its hooks are off), nor any code after a limit. */
int sw_sb_co_close(lua_State *L)
{
	sw_sb_check_limits(L);
	lua_State *co = lua_tothread(L, 1);
	if (co && sw_sb_poisoned(co)) {
		lua_pushboolean(L, 0);
		lua_pushliteral(L, "the coroutine was stopped by a limit");
		return 2;
	}
	sw_sandbox *sb = sw_sb_of(L);
	if (sb->close_depth >= SB_CLOSE_DEPTH_MAX)
		return luaL_error(L, "more than %d coroutine.close calls inside one another",
		                  SB_CLOSE_DEPTH_MAX);
	sb->close_depth++;
	sw_sb_co_start(co);
	int n = sw_sb_call_original(L);
	sw_sb_co_stop(L);
	sb->close_depth--;
	if (n == 2 && !lua_toboolean(L, -2))
		sw_sb_memory_error(L, LUA_ERRRUN, -1);
	if (sb->abort)
		return sw_sb_raise_limit(L, sb);
	return n;
}

/* Closes a dead coroutine's to-be-closed variables (Lua 5.4.4 and later). */
static int close_thread(lua_State *co, lua_State *from)
{
#if defined(LUA_VERSION_RELEASE_NUM) && LUA_VERSION_RELEASE_NUM >= 50406
	return lua_closethread(co, from);
#else
	(void)from;
	return lua_resetthread(co);
#endif
}

/* The function coroutine.wrap returns: Lua's own, except that a coroutine
   stopped by a limit is not closed (its hooks are off) and the limit is
   passed on. */
static int sw_sb_auxwrap(lua_State *L)
{
	sw_sandbox *sb = sw_sb_of(L);
	sw_sb_check_limits(L);
	lua_State *co = lua_tothread(L, lua_upvalueindex(1));
	int narg = lua_gettop(L), nres;
	if (!lua_checkstack(co, narg))
		return luaL_error(L, "too many arguments to resume");
	lua_xmove(L, co, narg);
	sw_sb_co_start(co);
	int st = lua_resume(co, L, narg, &nres);
	sw_sb_co_stop(L);
	if (st == LUA_OK || st == LUA_YIELD) {
		if (!lua_checkstack(L, nres + 1)) {
			lua_pop(co, nres);
			return luaL_error(L, "too many results to resume");
		}
		lua_xmove(co, L, nres);
		if (sb->abort)
			return sw_sb_raise_limit(L, sb);
		return nres;
	}
	lua_xmove(co, L, 1); /* the error */
	int cst = lua_status(co);
	if (sw_sb_memory_error(L, st, -1) || sb->abort)
		return sw_sb_raise_limit(L, sb);
	if (cst != LUA_OK && cst != LUA_YIELD && !sw_sb_poisoned(co)) {
		if (sb->close_depth >= SB_CLOSE_DEPTH_MAX)
			return luaL_error(L, "more than %d coroutine closes inside one another",
			                  SB_CLOSE_DEPTH_MAX);
		sb->close_depth++;
		sw_sb_co_start(co);
		cst = close_thread(co, L); /* its to-be-closed variables */
		sw_sb_co_stop(L);
		sb->close_depth--;
		lua_xmove(co, L, 1);
		if (sw_sb_memory_error(L, cst, -1) || sb->abort)
			return sw_sb_raise_limit(L, sb);
	}
	if (cst != LUA_ERRMEM && lua_type(L, -1) == LUA_TSTRING) {
		/* the caller's line, as Lua's wrap adds it, but once: nested wraps
		   would repeat it 200 times before "C stack overflow" */
		luaL_where(L, 1);
		size_t wl;
		const char *w = lua_tolstring(L, -1, &wl);
		if (wl && strncmp(lua_tostring(L, -2), w, wl) != 0) {
			lua_insert(L, -2);
			lua_concat(L, 2);
		} else {
			lua_pop(L, 1);
		}
	}
	return lua_error(L);
}

int sw_sb_co_wrap(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TFUNCTION);
	lua_State *co = lua_newthread(L);
	lua_pushvalue(L, 1);
	lua_xmove(L, co, 1);
	lua_pushcclosure(L, sw_sb_auxwrap, 1);
	return 1;
}
