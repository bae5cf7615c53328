/*
 * sandbox.c - everything Lua: creating a state for rubric scripts with
 * only safe functions, limits on instructions, memory, time and pattern
 * matching, read-only shared tables, and the stepwise helpers.
 *
 * What a script can reach: the shared globals table, read-only, through
 * the __index of its own per-pupil environment. Library tables are
 * read-only views; rawset, load, debug, io, os, package and the collector
 * are absent (reading one of their names raises "NAME is not available in
 * a rubric"); the string metatable is hidden.
 *
 * The rules the rest of this file keeps (tests/sandbox/GUARANTEES.md):
 *  - once a limit is hit (sb->abort), no rubric code runs to completion:
 *    the count hook raises again every HOOK_EVERY instructions, and every
 *    function that can catch an error (pcall, xpcall, coroutine.resume,
 *    coroutine.wrap, coroutine.close) passes the limit on. A coroutine
 *    stopped by the hook keeps its hooks off for good (Lua leaves
 *    allowhook at 0 in it), so its pending __close handlers and xpcall
 *    handlers never run after a limit;
 *  - work inside library functions that the instruction count cannot see
 *    (sorting, comparing long strings, ...) is bounded by a CPU-time
 *    backstop that grows with the instruction limit;
 *  - no weak tables and no finalizers: a metatable in use cannot gain
 *    __mode or __gc later (see "metatables" below);
 *  - nothing a script sees depends on memory addresses, the clock or the
 *    pupils evaluated before: tostring and string.format show no address,
 *    collectgarbage is absent, math.random is seeded from the pupil's id.
 */
#include "internal.h"
#include "sandbox.h"
#include "embedded.h"

#include <lauxlib.h>
#include <lualib.h>
#include <string.h>
#include <time.h>

#define HOOK_EVERY 1000

/* The time backstop: 1 s of CPU per million instructions of the limit, at least 0.1 s. */
#define NS_PER_INSTRUCTION 1000
#define MIN_TIME_NS 100000000

#ifdef CLOCK_MONOTONIC_COARSE
#define WALL_CLOCK CLOCK_MONOTONIC_COARSE
#else
#define WALL_CLOCK CLOCK_MONOTONIC
#endif

/* Registry and table keys only this file can make (light userdata). */
static const char KEYS[3] = { 0, 0, 0 };
#define KEY_ORIGINAL ((void *)&KEYS[0]) /* in a metatable copy: the rubric's metatable */
#define KEY_HOST ((void *)&KEYS[1])     /* in a read-only view's metatable */

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
	/* refused, but not yet the limit: Lua collects all garbage and asks
	   again, and only then raises its memory error (see is_memory_error) */
	if (nsize > osize && sb->used + (nsize - osize) > sb->limit)
		return NULL;
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

/* ---- limits ---- */

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;
	if (clock_gettime(id, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * True once the current call has used more CPU time than the backstop
 * allows. The thread's CPU clock costs a system call, so it is read only
 * when the cheap wall clock says the limit may have passed (CPU time
 * never runs ahead of wall time); the clock starts at the first check of
 * a call, so short calls never read a clock at all.
 */
static bool sb_time_up(sw_sandbox *sb)
{
	int64_t wall = clock_ns(WALL_CLOCK);
	if (!sb->clock_started) {
		sb->clock_started = true;
		sb->cpu_start_ns = clock_ns(CLOCK_THREAD_CPUTIME_ID);
		sb->wall_check_ns = wall + sb->time_limit_ns;
		return false;
	}
	if (wall < sb->wall_check_ns)
		return false;
	int64_t used = clock_ns(CLOCK_THREAD_CPUTIME_ID) - sb->cpu_start_ns;
	if (used >= sb->time_limit_ns)
		return true;
	sb->wall_check_ns = wall + (sb->time_limit_ns - used);
	return false;
}

/* A coroutine in which a limit was raised. Lua leaves its hooks off from
   then on, so none of its code may ever run again (its __close handlers). */
static void poison(lua_State *L)
{
	*(unsigned char *)lua_getextraspace(L) = 1;
}

static bool poisoned(lua_State *L)
{
	return *(unsigned char *)lua_getextraspace(L) != 0;
}

/* The line the rubric itself is at: the innermost frame of its chunk in
   thread L, else in the main thread (a coroutine's resume). 0: none. */
static int rubric_line(sw_sandbox *sb, lua_State *L)
{
	lua_State *threads[2] = { L, sb->L };
	for (int t = 0; t < 2; t++) {
		lua_State *T = threads[t];
		if (!T || (t == 1 && T == L) || !sb->name)
			continue;
		lua_Debug ar;
		for (int level = 0; level < 100 && lua_getstack(T, level, &ar); level++) {
			if (!lua_getinfo(T, "Sl", &ar))
				break;
			if (ar.currentline > 0 && ar.source[0] == '@' && strcmp(ar.source + 1, sb->name) == 0)
				return ar.currentline;
		}
	}
	return 0;
}

/* Remembers where the rubric was when a limit was hit. */
static void note_abort(lua_State *L, sw_sandbox *sb)
{
	if (sb->abort && !sb->abort_line)
		sb->abort_line = rubric_line(sb, L);
}

/* Raises the error of the limit in sb->abort. */
static int raise_limit(lua_State *L, sw_sandbox *sb)
{
	char buf[200];
	if (L != sb->L)
		poison(L);
	note_abort(L, sb);
	lua_pushstring(L, sb_abort_message(sb, buf, sizeof buf));
	return lua_error(L);
}

/* Counts instructions; once a limit is hit, every later hook raises. */
static void sb_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	sw_sandbox *sb = sb_of(L);
	sb->budget -= HOOK_EVERY;
	/* Lua's memory error carries no line: near the limit, keep the last one */
	if (sb->used > sb->limit / 2)
		sb->near_line = rubric_line(sb, L);
	if (!sb->abort) {
		if (sb->budget <= 0)
			sb->abort = SB_ABORT_INSTRUCTIONS;
		else if (sb_time_up(sb))
			sb->abort = SB_ABORT_TIME;
		else
			return;
	}
	raise_limit(L, sb);
}

/* Raises when a limit was hit or the time is up: called before library
   functions whose work the instruction count does not see. */
static void check_limits(lua_State *L)
{
	sw_sandbox *sb = sb_of(L);
	if (!sb->abort && sb_time_up(sb))
		sb->abort = SB_ABORT_TIME;
	if (sb->abort)
		raise_limit(L, sb);
	/* Library buffers are allocated without Lua's collect-and-retry: near the
	   limit, collect first, so that garbage does not decide what fits. */
	if (sb->used > sb->limit / 4 * 3)
		lua_gc(L, LUA_GCCOLLECT, 0);
	if (sb->used > sb->limit / 2)
		sb->near_line = rubric_line(sb, L);
}

void sb_reset_call(sw_sandbox *sb)
{
	sb->budget = (int64_t)sb->instruction_limit;
	sb->abort = SB_ABORT_NONE;
	sb->abort_line = 0;
	sb->near_line = 0;
	sb->clock_started = false;
	sb->printed = 0;
}

const char *sb_abort_message(const sw_sandbox *sb, char *buf, size_t size)
{
	if (sb->abort == SB_ABORT_MEMORY)
		snprintf(buf, size, "memory limit of %zu MiB reached (raise it with --max-memory MiB)",
		         sb->limit / (1024 * 1024));
	else if (sb->abort == SB_ABORT_TIME)
		snprintf(buf, size, "time limit of %g s reached (1 s per million instructions of "
		         "the instruction limit, at least 0.1 s; raise it with --max-instructions N)",
		         (double)sb->time_limit_ns / 1e9);
	else
		snprintf(buf, size, "instruction limit of %llu reached (raise it with "
		         "--max-instructions N)", (unsigned long long)sb->instruction_limit);
	return buf;
}

/*
 * True when the error of status st at idx is Lua's memory error: the memory
 * limit, reached even after a full collection. (A memory error raised with
 * lua_error, as the auxiliary library does, carries the same message.)
 * Sets sb->abort: from then on it is a limit like the others.
 */
static bool is_memory_error(lua_State *L, int st, int idx)
{
	size_t n;
	const char *m = st != LUA_OK && lua_type(L, idx) == LUA_TSTRING ? lua_tolstring(L, idx, &n)
	                                                                 : NULL;
	if (st != LUA_ERRMEM && !(m && n == 17 && memcmp(m, "not enough memory", 17) == 0))
		return false;
	sw_sandbox *sb = sb_of(L);
	if (!sb->abort)
		sb->abort = SB_ABORT_MEMORY;
	return true;
}

/* After a protected call inside the script: a limit is never swallowed. */
static void rethrow_abort(lua_State *L, int st)
{
	sw_sandbox *sb = sb_of(L);
	is_memory_error(L, st, -1);
	if (sb->abort) {
		note_abort(L, sb);
		lua_error(L);
	}
}

/* Calls the original C function (upvalue 1) in this very call, so that its
   errors name the rubric's line and the function as the script called it. */
static int call_original(lua_State *L)
{
	return lua_tocfunction(L, lua_upvalueindex(1))(L);
}

/* ---- protected calls and coroutines ---- */

/* pcall(f, ...) that cannot catch a limit. */
static int sb_pcall(lua_State *L)
{
	luaL_checkany(L, 1);
	int st = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
	if (st != LUA_OK) {
		rethrow_abort(L, st);
		lua_pushboolean(L, 0);
		lua_insert(L, -2);
		return 2;
	}
	lua_pushboolean(L, 1);
	lua_insert(L, 1);
	return lua_gettop(L);
}

/* The message handler given to xpcall: the rubric's own (upvalue 1), except
   after a limit. The hook raises with Lua's hooks switched off, so a
   handler run then would never be stopped: the limit's error goes as is. */
static int sb_xpcall_handler(lua_State *L)
{
	if (is_memory_error(L, LUA_ERRRUN, 1) || sb_of(L)->abort)
		return 1;
	int n = lua_gettop(L);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, n, 1);
	return 1;
}

/* xpcall(f, handler, ...) that cannot catch a limit. */
static int sb_xpcall(lua_State *L)
{
	int n = lua_gettop(L);
	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_pushvalue(L, 2);
	lua_pushcclosure(L, sb_xpcall_handler, 1);
	lua_replace(L, 2);
	lua_pushvalue(L, 1);
	lua_copy(L, 2, 1);
	lua_replace(L, 2); /* handler at 1, f at 2 */
	int st = lua_pcall(L, n - 2, LUA_MULTRET, 1);
	if (st != LUA_OK) {
		rethrow_abort(L, st);
		lua_pushboolean(L, 0);
		lua_insert(L, -2);
		return 2;
	}
	lua_pushboolean(L, 1);
	lua_replace(L, 1);
	return lua_gettop(L);
}

/* coroutine.resume: re-raises a limit the coroutine hit. */
static int sb_resume(lua_State *L)
{
	check_limits(L);
	int n = call_original(L);
	sw_sandbox *sb = sb_of(L);
	if (!lua_toboolean(L, -n))
		is_memory_error(L, LUA_ERRRUN, -1);
	if (sb->abort)
		return raise_limit(L, sb);
	return n;
}

/* coroutine.close: never runs the __close handlers of a coroutine that a
   limit stopped (its hooks are off), nor any code after a limit. */
static int sb_co_close(lua_State *L)
{
	check_limits(L);
	lua_State *co = lua_tothread(L, 1);
	if (co && poisoned(co)) {
		lua_pushboolean(L, 0);
		lua_pushliteral(L, "the coroutine was stopped by a limit");
		return 2;
	}
	int n = call_original(L);
	sw_sandbox *sb = sb_of(L);
	if (n == 2 && !lua_toboolean(L, -2))
		is_memory_error(L, LUA_ERRRUN, -1);
	if (sb->abort)
		return raise_limit(L, sb);
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
static int sb_auxwrap(lua_State *L)
{
	sw_sandbox *sb = sb_of(L);
	check_limits(L);
	lua_State *co = lua_tothread(L, lua_upvalueindex(1));
	int narg = lua_gettop(L), nres;
	if (!lua_checkstack(co, narg))
		return luaL_error(L, "too many arguments to resume");
	lua_xmove(L, co, narg);
	int st = lua_resume(co, L, narg, &nres);
	if (st == LUA_OK || st == LUA_YIELD) {
		if (!lua_checkstack(L, nres + 1)) {
			lua_pop(co, nres);
			return luaL_error(L, "too many results to resume");
		}
		lua_xmove(co, L, nres);
		if (sb->abort)
			return raise_limit(L, sb);
		return nres;
	}
	lua_xmove(co, L, 1); /* the error */
	int cst = lua_status(co);
	if (is_memory_error(L, st, -1) || sb->abort)
		return raise_limit(L, sb);
	if (cst != LUA_OK && cst != LUA_YIELD && !poisoned(co)) {
		cst = close_thread(co, L); /* its to-be-closed variables */
		lua_xmove(co, L, 1);
		if (is_memory_error(L, cst, -1) || sb->abort)
			return raise_limit(L, sb);
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

static int sb_wrap(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TFUNCTION);
	lua_State *co = lua_newthread(L);
	lua_pushvalue(L, 1);
	lua_xmove(L, co, 1);
	lua_pushcclosure(L, sb_auxwrap, 1);
	return 1;
}

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

static bool has_raw_key(lua_State *L, int idx, void *key)
{
	idx = lua_absindex(L, idx);
	lua_pushlightuserdata(L, key);
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
	lua_pushlightuserdata(L, KEY_ORIGINAL);
	lua_pushvalue(L, mt);
	lua_rawset(L, copy);
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
	if (has_raw_key(L, -1, KEY_HOST)) {
		lua_pop(L, 1);
		return;
	}
	push_copy(L, -1);
	lua_setmetatable(L, x);
	lua_pop(L, 1);
}

/* setmetatable(t, mt): refuses __gc and __mode, and seals mt. */
static int sb_setmetatable(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	int mt = lua_type(L, 2);
	luaL_argexpected(L, mt == LUA_TNIL || mt == LUA_TTABLE, 2, "nil or table");
	lua_settop(L, 2);
	if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
		return luaL_error(L, "cannot change a protected metatable");
	if (mt == LUA_TTABLE && (has_raw(L, 2, "__gc") || has_raw(L, 2, "__mode")))
		return luaL_error(L, "metatables with __gc or __mode are not allowed in a rubric");
	if (!is_sealed(L, 1))
		lua_pushvalue(L, 2);
	else if (mt == LUA_TNIL)
		lua_pushvalue(L, lua_upvalueindex(2));
	else
		push_copy(L, 2);
	lua_setmetatable(L, 1);
	if (mt == LUA_TTABLE)
		seal(L, 2);
	lua_settop(L, 1);
	return 1;
}

/* getmetatable(v): the metatable the script gave, as Lua's would answer. */
static int sb_getmetatable(lua_State *L)
{
	luaL_checkany(L, 1);
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
	lua_pushlightuserdata(L, KEY_ORIGINAL);
	if (lua_rawget(L, -2) != LUA_TNIL)
		return 1;
	lua_pop(L, 1);
	return 1;
}

/* ---- the rest of the library ---- */

/* collectgarbage: absent. Its "count" would show what other pupils left. */
static int sb_collectgarbage(lua_State *L)
{
	const char *opt = luaL_optstring(L, 1, "collect");
	return luaL_error(L, "collectgarbage(\"%s\") is not available in a rubric: Stepwise "
	                  "manages the memory (its limit is --max-memory MiB)", opt);
}

/* Reading a name of the standard library that rubrics do not get. */
static int sb_global_missing(lua_State *L)
{
	static const char *const names[] = { "require", "package", "load", "loadfile", "dofile",
		"loadstring", "io", "os", "debug", "rawset", "module", "setfenv", "getfenv",
		"newproxy", NULL };
	if (lua_type(L, 2) == LUA_TSTRING) {
		const char *k = lua_tostring(L, 2);
		for (const char *const *n = names; *n; n++)
			if (strcmp(k, *n) == 0)
				return luaL_error(L, "%s is not available in a rubric", k);
	}
	return 0;
}

static int sb_string_missing(lua_State *L)
{
	if (lua_type(L, 2) == LUA_TSTRING && strcmp(lua_tostring(L, 2), "dump") == 0)
		return luaL_error(L, "string.dump is not available in a rubric");
	return 0;
}

/* math.randomseed: only with a seed (without one Lua takes the clock). */
static int sb_randomseed(lua_State *L)
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

void sb_begin_pupil(sw_sandbox *sb)
{
	/* What earlier pupils left for the collector must not decide whether this
	   pupil's rubric fits in memory: collect it when it could. */
	if (sb->used > sb->limit / 4)
		lua_gc(sb->L, LUA_GCCOLLECT, 0);
}

void sb_seed_random(sw_sandbox *sb, const char *pupil_id)
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

/* print(...): to the engine's print stream, prefixed with rubric and line;
   at most SB_PRINT_MAX bytes per call, so a loop cannot fill a disk. */
static int sb_print(lua_State *L)
{
	check_limits(L);
	sw_sandbox *sb = sb_of(L);
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
		lua_pushcfunction(L, sb_tostring);
		lua_pushvalue(L, i);
		lua_call(L, 1, 1);
		if (i > 1)
			luaL_addchar(&b, '\t');
		luaL_addvalue(&b);
	}
	luaL_pushresult(&b);
	size_t len;
	const char *text = lua_tolstring(L, -1, &len);
	size_t room = SB_PRINT_MAX - sb->printed;
	bool cut = len > room;
	if (cut)
		len = room;
	sb->printed += len;
	FILE *out = sb->print ? sb->print : stderr;
	fprintf(out, "%s:%d: %.*s%s\n", sb->name ? sb->name : "rubric", line, (int)len, text,
	        cut ? " [print output of this call cut at 64 KiB]" : "");
	if (cut)
		sb->printed = SB_PRINT_MAX;
	return 0;
}

/* string.find/match/gmatch/gsub with a bounded subject and pattern. */
static int sb_pattern(lua_State *L)
{
	check_limits(L);
	sw_sandbox *sb = sb_of(L);
	size_t sl, pl;
	luaL_checklstring(L, 1, &sl);
	const char *p = luaL_checklstring(L, 2, &pl);
	if (sl > sb->pattern_limit)
		return luaL_error(L, "pattern matching on a text of %d bytes is over the limit of "
		                  "%d (raise it with --pattern-limit N)", (int)sl, (int)sb->pattern_limit);
	/* each unbounded repetition can multiply the work by the text's length,
	   each optional item ('?', which backtracks) by two */
	int reps = 0, opts = 0;
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
		else if (p[i] == '?')
			opts++;
	}
	double cost = (double)sl + 1;
	double work = cost;
	for (int r = 0; r < reps; r++)
		work *= cost;
	if (reps >= 2 && work > 1e9)
		return luaL_error(L, "pattern with %d repetitions is too costly on a text of %d bytes "
		                  "(simplify the pattern or shorten the text)", reps, (int)sl);
	for (int o = 0; o < opts && work <= 1e9; o++)
		work *= 2;
	if (opts && work > 1e9)
		return luaL_error(L, "pattern with %d optional items ('?') is too costly on a text of "
		                  "%d bytes (simplify the pattern or shorten the text)", opts, (int)sl);
	if (cost * ((double)pl + 1) > 1e9)
		return luaL_error(L, "pattern of %d bytes is too long for a text of %d bytes (shorten "
		                  "the pattern or the text)", (int)pl, (int)sl);
	return call_original(L);
}

/* string.format without %p (it prints memory addresses), and %s of a
   table or function as tostring shows it. */
static int sb_format(lua_State *L)
{
	check_limits(L);
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
			lua_pushcfunction(L, sb_tostring);
			lua_pushvalue(L, i);
			lua_call(L, 1, 1);
			lua_replace(L, i);
		}
	}
	return call_original(L);
}

/* A library function whose own work the instruction count does not see:
   checked against the limits first. */
static int sb_heavy(lua_State *L)
{
	check_limits(L);
	return call_original(L);
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
	lua_pushlightuserdata(L, KEY_HOST);
	lua_pushboolean(L, 1);
	lua_rawset(L, -3);
	lua_setmetatable(L, -2);         /* real proxy */
	lua_remove(L, -2);
}

/* Replaces field `name` of the table on top with a C closure over the old value. */
static void wrap_field(lua_State *L, const char *name, lua_CFunction f)
{
	lua_getfield(L, -1, name);
	if (!lua_iscfunction(L, -1)) {
		lua_pop(L, 1);
		return;
	}
	lua_pushcclosure(L, f, 1);
	lua_setfield(L, -2, name);
}

/* Wraps each named function of the table on top with sb_heavy. */
static void wrap_heavy(lua_State *L, const char *const *names)
{
	for (const char *const *n = names; *n; n++)
		wrap_field(L, *n, sb_heavy);
}

/* Builds the shared globals and stores them in the registry. */
static void build_globals(lua_State *L, sw_sandbox *sb)
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
	lua_pushcclosure(L, sb_setmetatable, 2);
	lua_setfield(L, G, "setmetatable");
	lua_pushcclosure(L, sb_getmetatable, 1);
	lua_setfield(L, G, "getmetatable");
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
	lua_createtable(L, 0, 1); /* names rubrics do not get raise a clear error */
	lua_pushcfunction(L, sb_global_missing);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, G);

	/* string: no dump, bounded patterns, no %p; the metatable hidden */
	static const char *const heavy_string[] = { "byte", "char", "lower", "upper", "rep",
		"reverse", "sub", "pack", "unpack", NULL };
	lua_getglobal(L, "string");
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	wrap_field(L, "find", sb_pattern);
	wrap_field(L, "match", sb_pattern);
	wrap_field(L, "gmatch", sb_pattern);
	wrap_field(L, "gsub", sb_pattern);
	wrap_field(L, "format", sb_format);
	wrap_heavy(L, heavy_string);
	lua_createtable(L, 0, 1);
	lua_pushcfunction(L, sb_string_missing);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, -2);
	lua_pushliteral(L, "");
	if (lua_getmetatable(L, -1)) {
		lua_pushliteral(L, "read-only");
		lua_setfield(L, -2, "__metatable");
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	sb_readonly(L);
	lua_setfield(L, G, "string");

	static const char *const heavy_table[] = { "concat", "insert", "move", "pack", "remove",
		"sort", "unpack", NULL };
	static const char *const heavy_utf8[] = { "char", "codepoint", "len", "offset", NULL };
	lua_getglobal(L, "table");
	wrap_heavy(L, heavy_table);
	sb_readonly(L);
	lua_setfield(L, G, "table");
	lua_getglobal(L, "utf8");
	wrap_heavy(L, heavy_utf8);
	sb_readonly(L);
	lua_setfield(L, G, "utf8");
	lua_getglobal(L, "math");
	lua_getfield(L, -1, "randomseed");
	lua_pushvalue(L, -1);
	sb->randomseed_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_pushcclosure(L, sb_randomseed, 1);
	lua_setfield(L, -2, "randomseed");
	sb_readonly(L);
	lua_setfield(L, G, "math");
	lua_getglobal(L, "coroutine");
	wrap_field(L, "resume", sb_resume);
	wrap_field(L, "close", sb_co_close);
	lua_pushcfunction(L, sb_wrap);
	lua_setfield(L, -2, "wrap");
	sb_readonly(L);
	lua_setfield(L, G, "coroutine");
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
	sb->time_limit_ns = sb->instruction_limit > (uint64_t)INT64_MAX / NS_PER_INSTRUCTION
	                        ? INT64_MAX
	                        : (int64_t)sb->instruction_limit * NS_PER_INSTRUCTION;
	if (sb->time_limit_ns < MIN_TIME_NS)
		sb->time_limit_ns = MIN_TIME_NS;
	sb->L = lua_newstate(sb_alloc, sb);
	if (!sb->L)
		return sw_diag_add(d, SW_ENOMEM, NULL, 0, 0, NULL, "cannot create a Lua state");
	lua_State *L = sb->L;
	memset(lua_getextraspace(L), 0, LUA_EXTRASPACE); /* copied into every coroutine */
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

/* The message handler of every call, run while the stack is still there:
   notes the rubric's line of a limit, and gives a message without one
   (raised inside a library function, "C stack overflow") the rubric's line. */
static int sb_msgh(lua_State *L)
{
	sw_sandbox *sb = sb_of(L);
	note_abort(L, sb);
	if (!sb->abort && sb->name && lua_type(L, 1) == LUA_TSTRING) {
		const char *m = lua_tostring(L, 1);
		size_t n = strlen(sb->name);
		int line;
		if (!(strncmp(m, sb->name, n) == 0 && m[n] == ':') && (line = rubric_line(sb, L)) > 0) {
			lua_pushfstring(L, "%s:%d: ", sb->name, line);
			lua_insert(L, 1);
			lua_concat(L, 2);
		}
	}
	return 1;
}

int sb_call(sw_sandbox *sb, int nargs, int nresults)
{
	sb_reset_call(sb);
	lua_State *L = sb->L;
	int base = lua_gettop(L) - nargs; /* the function */
	lua_pushcfunction(L, sb_msgh);
	lua_insert(L, base);
	int st = lua_pcall(L, nargs, nresults, base);
	lua_remove(L, base);
	if (st != LUA_OK && is_memory_error(L, st, -1) && !sb->abort_line)
		sb->abort_line = sb->near_line;
	return st;
}
