/*
 * sandbox.c - the Lua state a rubric runs in and the limits on it: the
 * counting allocator, the instruction hook and the CPU-time backstop, the
 * messages of the limits, and creating a state, a pupil's environment and
 * a protected call. pcall, xpcall and the coroutine functions that cannot
 * catch a limit are in sandbox_co.c; the library a rubric sees (read-only
 * views, sealed metatables, tostring, print, math.randomseed, the shared
 * globals) is built by sandbox_lib.c, and the functions whose work is
 * bounded (patterns, table.sort, string.rep, ...) are in sandbox_bound.c.
 * What they promise rubric writers is in scripts/README.md, "The sandbox".
 *
 * The rules this file keeps:
 *  - once a limit is hit (sb->abort), no rubric code runs to completion:
 *    the count hook raises again every HOOK_EVERY instructions, and every
 *    function that can catch an error (pcall, xpcall, coroutine.resume,
 *    coroutine.wrap, coroutine.close: sandbox_co.c) passes the limit on,
 *    with the helpers here (sw_sb_raise_limit and the rest). A coroutine
 *    stopped by the hook keeps its hooks off for good (Lua leaves
 *    allowhook at 0 in it), so its pending __close handlers and xpcall
 *    handlers never run after a limit;
 *  - work inside library functions that the instruction count cannot see
 *    (sorting, comparing long strings, ...) is bounded by a CPU-time
 *    backstop that grows with the instruction limit: sandbox_lib.c and
 *    sandbox_bound.c call sw_sb_check_limits before such functions.
 */
#include "internal.h"
#include "sandbox.h"
#include "embedded.h"

#include <lauxlib.h>
#include <lualib.h>
#include <string.h>
#include <time.h>

#define HOOK_EVERY 1000
/* In coroutines the hook counts every CO_HOOK_EVERY instructions, its count
   starts again at each resume, and each resume or close is charged that
   many instructions for the ones after the last hook: a coroutine never
   runs uncounted (a new one starts with a fresh count). */
#define CO_HOOK_EVERY 100

/* The time backstop: 1 s of CPU per million instructions of the limit, at least 0.1 s. */
#define NS_PER_INSTRUCTION 1000
#define MIN_TIME_NS 100000000

#ifdef CLOCK_MONOTONIC_COARSE
#define WALL_CLOCK CLOCK_MONOTONIC_COARSE
#else
#define WALL_CLOCK CLOCK_MONOTONIC
#endif

/* The allocator: counts the state's bytes and refuses past the limit. */
static void *sw_sb_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
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
	   again, and only then raises its memory error (see sw_sb_memory_error) */
	if (nsize > osize && sb->used + (nsize - osize) > sb->peak)
		sb->peak = sb->used + (nsize - osize); /* what was asked for, granted or not */
	if (nsize > osize && sb->used + (nsize - osize) > sb->limit)
		return NULL;
	void *p = sb->m->fn(sb->m->ud, ptr, nsize);
	if (p)
		sb->used = sb->used - osize + nsize;
	else
		sb->host_refused = true; /* out of memory, not over the limit */
	return p;
}

/* The sandbox a state belongs to. */
sw_sandbox *sw_sb_of(lua_State *L)
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
static bool sw_sb_time_up(sw_sandbox *sb)
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

/* True for a coroutine poisoned so. */
bool sw_sb_poisoned(lua_State *L)
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

static void sw_sb_hook(lua_State *L, lua_Debug *ar);

/* Raises the error of the limit in sb->abort. */
int sw_sb_raise_limit(lua_State *L, sw_sandbox *sb)
{
	char buf[200];
	if (L != sb->L)
		poison(L);
	/* __close handlers run while the error unwinds: they get one instruction
	   each, not another HOOK_EVERY (reset_call restores the count) */
	lua_sethook(L, sw_sb_hook, LUA_MASKCOUNT, 1);
	note_abort(L, sb);
	lua_pushstring(L, sw_sb_abort_message(sb, buf, sizeof buf));
	return lua_error(L);
}

/* Counts instructions; once a limit is hit, every later hook raises. */
static void sw_sb_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	sw_sandbox *sb = sw_sb_of(L);
	sb->budget -= L == sb->L ? HOOK_EVERY : CO_HOOK_EVERY;
	/* Lua's memory error carries no line: near the limit, keep the last one */
	if (sb->used > sb->limit / 2)
		sb->near_line = rubric_line(sb, L);
	if (!sb->abort) {
		if (sb->budget <= 0)
			sb->abort = SB_ABORT_INSTRUCTIONS;
		else if (sw_sb_time_up(sb))
			sb->abort = SB_ABORT_TIME;
		else
			return;
	}
	sw_sb_raise_limit(L, sb);
}

/* Raises when a limit was hit or the time is up: called before library
   functions whose work the instruction count does not see. */
void sw_sb_check_limits(lua_State *L)
{
	sw_sandbox *sb = sw_sb_of(L);
	if (!sb->abort && sw_sb_time_up(sb))
		sb->abort = SB_ABORT_TIME;
	if (sb->abort)
		sw_sb_raise_limit(L, sb);
	/* Library buffers are allocated without Lua's collect-and-retry: near the
	   limit, collect first, so that garbage does not decide what fits. */
	if (sb->used > sb->limit / 4 * 3)
		lua_gc(L, LUA_GCCOLLECT, 0);
	if (sb->used > sb->limit / 2)
		sb->near_line = rubric_line(sb, L);
}

/* Charges n instructions of work done inside a library function; raises
   once the budget is spent. */
void sw_sb_charge(lua_State *L, uint64_t n)
{
	sw_sandbox *sb = sw_sb_of(L);
	if (!sb->abort) {
		if (n >= (uint64_t)INT64_MAX || (sb->budget -= (int64_t)n) <= 0)
			sb->abort = SB_ABORT_INSTRUCTIONS;
		else
			return;
	}
	sw_sb_raise_limit(L, sb);
}

/* Before a coroutine runs: its hook counts from the start. */
void sw_sb_co_start(lua_State *co)
{
	if (co && co != sw_sb_of(co)->L) /* resume(main thread) fails: its count stays */
		lua_sethook(co, sw_sb_hook, LUA_MASKCOUNT, CO_HOOK_EVERY);
}

/* After a coroutine ran: the instructions since its last hook. */
void sw_sb_co_stop(lua_State *L)
{
	sw_sandbox *sb = sw_sb_of(L);
	if ((sb->budget -= CO_HOOK_EVERY) <= 0 && !sb->abort)
		sb->abort = SB_ABORT_INSTRUCTIONS;
}

/* Starts the budget of one call. */
static void reset_call(sw_sandbox *sb)
{
	/* the count starts again with every call: where a limit is hit (the line
	   told) never depends on the calls made before on this state */
	if (sb->L)
		lua_sethook(sb->L, sw_sb_hook, LUA_MASKCOUNT, HOOK_EVERY);
	sb->budget = (int64_t)sb->instruction_limit;
	sb->abort = SB_ABORT_NONE;
	sb->host_refused = false;
	sb->abort_line = 0;
	sb->near_line = 0;
	sb->clock_started = false;
	sb->printed = 0;
	sb->close_depth = 0;
}

const char *sw_sb_abort_message(const sw_sandbox *sb, char *buf, size_t size)
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
bool sw_sb_memory_error(lua_State *L, int st, int idx)
{
	size_t n;
	const char *m = st != LUA_OK && lua_type(L, idx) == LUA_TSTRING ? lua_tolstring(L, idx, &n)
	                                                                 : NULL;
	if (st != LUA_ERRMEM && !(m && n == 17 && memcmp(m, "not enough memory", 17) == 0))
		return false;
	sw_sandbox *sb = sw_sb_of(L);
	if (!sb->abort)
		sb->abort = SB_ABORT_MEMORY;
	return true;
}

/* After a protected call inside the script: a limit is never swallowed. */
void sw_sb_rethrow_abort(lua_State *L, int st)
{
	sw_sandbox *sb = sw_sb_of(L);
	sw_sb_memory_error(L, st, -1);
	if (sb->abort) {
		note_abort(L, sb);
		lua_error(L);
	}
}

/* Calls the original C function (upvalue 1) in this very call, so that its
   errors name the rubric's line and the function as the script called it. */
int sw_sb_call_original(lua_State *L)
{
	return lua_tocfunction(L, lua_upvalueindex(1))(L);
}

/* ---- the state, a pupil's environment, a call ---- */

void sw_sb_begin_pupil(sw_sandbox *sb)
{
	/* What earlier pupils left for the collector must not decide whether this
	   pupil's rubric fits in memory: collect it when it could. */
	if (sb->used > sb->limit / 4)
		lua_gc(sb->L, LUA_GCCOLLECT, 0);
}

const char sw_sb_framework_key = 0;
const char sw_sb_host_key = 0;

/* The framework (the read-only table ctx.framework) while the state has
   one (sw_sb_framework_key in the registry), else nil: how the helpers
   check skill names when the rubric file runs (stepwise.per_skill). */
static int host_framework(lua_State *L)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, &sw_sb_framework_key);
	return 1;
}

/* Loads scripts/stepwise.lua (compiled into the library) as `stepwise`. */
static int load_helpers(lua_State *L, sw_diag *d)
{
	const sw_embedded_file *f = sw_embedded_find("scripts/stepwise.lua");
	if (!f)
		return sw_diag_add(d, SW_ERROR, NULL, 0, 0, NULL, "the stepwise helpers are missing");
	int st = luaL_loadbufferx(L, f->data, f->size, "@stepwise.lua", "t");
	if (st != LUA_OK) {
		int code = st == LUA_ERRMEM ? SW_ENOMEM : SW_ERROR; /* out of memory is no bug */
		sw_diag_add(d, code, NULL, 0, 0, NULL, "%s", lua_tostring(L, -1));
		lua_pop(L, 1);
		return code;
	}
	lua_pushvalue(L, -2); /* the globals as the helpers' _ENV */
	lua_setupvalue(L, -2, 1);
	lua_createtable(L, 0, 1); /* what only the helpers see: `...` of stepwise.lua */
	lua_pushcfunction(L, host_framework);
	lua_setfield(L, -2, "framework");
	lua_pushvalue(L, -1);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &sw_sb_host_key);
	st = lua_pcall(L, 1, 1, 0);
	if (st != LUA_OK || !lua_istable(L, -1)) {
		int code = st == LUA_ERRMEM ? SW_ENOMEM : SW_ERROR;
		sw_diag_add(d, code, NULL, 0, 0, NULL, "stepwise helpers: %s",
		            lua_isstring(L, -1) ? lua_tostring(L, -1) : "did not return a table");
		lua_pop(L, 1);
		return code;
	}
	sw_sb_readonly(L);
	lua_setfield(L, -2, "stepwise");
	return SW_OK;
}

/* Runs inside lua_pcall: opens the libraries and builds the globals;
   pushes the status (SW_ENOMEM when memory ran out). */
static int open_all(lua_State *L)
{
	sw_diag *d = lua_touserdata(L, 1);
	lua_settop(L, 0);
	luaL_requiref(L, "_G", luaopen_base, 1);
	luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
	luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
	luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
	luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
	luaL_requiref(L, LUA_COLIBNAME, luaopen_coroutine, 1);
	lua_settop(L, 0);
	sw_sb_build_globals(L, sw_sb_of(L));
	/* in here too, so that running out of memory is an error, not a panic */
	int rc = load_helpers(L, d);
	if (rc == SW_OK)
		sw_sb_of(L)->globals_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_pushinteger(L, rc);
	return 1;
}

int sw_sb_open(sw_sandbox *sb, const sw_engine *eng, sw_diag *d)
{
	memset(sb, 0, sizeof *sb);
	sb->m = &eng->mem;
	sb->limit = eng->memory_limit;
	sb->instruction_limit = eng->instruction_limit;
	sb->pattern_limit = eng->pattern_limit;
	sb->print = eng->print_stream;
	sb->print_fn = eng->print_fn;
	sb->print_payload = eng->print_payload;
	sb->time_limit_ns = sb->instruction_limit > (uint64_t)INT64_MAX / NS_PER_INSTRUCTION
	                        ? INT64_MAX
	                        : (int64_t)sb->instruction_limit * NS_PER_INSTRUCTION;
	if (sb->time_limit_ns < MIN_TIME_NS)
		sb->time_limit_ns = MIN_TIME_NS;
	sb->L = lua_newstate(sw_sb_alloc, sb);
	if (!sb->L)
		return sw_diag_add(d, SW_ENOMEM, NULL, 0, 0, NULL, "cannot create a Lua state");
	lua_State *L = sb->L;
	memset(lua_getextraspace(L), 0, LUA_EXTRASPACE); /* copied into every coroutine */
	sb->fresh = true;
	reset_call(sb);
	lua_pushcfunction(L, open_all);
	lua_pushlightuserdata(L, d);
	if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
		sw_diag_add(d, SW_ENOMEM, NULL, 0, 0, NULL, "cannot set up the Lua state: %s",
		            lua_isstring(L, -1) ? lua_tostring(L, -1) : "?");
		sw_sb_close(sb);
		return SW_ENOMEM;
	}
	int rc = (int)lua_tointeger(L, -1);
	if (rc != SW_OK) {
		sw_sb_close(sb);
		return rc;
	}
	lua_pop(L, 1);
	lua_sethook(L, sw_sb_hook, LUA_MASKCOUNT, HOOK_EVERY);
	/* most tables live for one call: a collection once the heap has grown fourfold costs
	   less than generational mode here (embedded call 28 us against 34 us) */
	lua_gc(L, LUA_GCINC, 400, 400, 0);
	return SW_OK;
}

void sw_sb_close(sw_sandbox *sb)
{
	if (sb->L)
		lua_close(sb->L);
	sb->L = NULL;
}

void sw_sb_new_env(sw_sandbox *sb)
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
static int sw_sb_msgh(lua_State *L)
{
	sw_sandbox *sb = sw_sb_of(L);
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

int sw_sb_call(sw_sandbox *sb, int nargs, int nresults)
{
	reset_call(sb);
	lua_State *L = sb->L;
	int base = lua_gettop(L) - nargs; /* the function */
	lua_pushcfunction(L, sw_sb_msgh);
	lua_insert(L, base);
	int st = lua_pcall(L, nargs, nresults, base);
	lua_remove(L, base);
	if (st != LUA_OK && sw_sb_memory_error(L, st, -1) && !sb->abort_line)
		sb->abort_line = sb->near_line;
	return st;
}
