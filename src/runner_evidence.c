/*
 * runner_evidence.c - the evidence array a Lua rubric's skill() gets, made
 * only when the rubric looks at it, from record tables used again.
 *
 * The array starts empty, with a metatable whose __index, __newindex,
 * __len and __pairs fill it (and then remove the metatable), and the
 * functions that read a table raw (next, rawget, rawlen, getmetatable,
 * setmetatable) fill it first (sw_sb_unveil): a rubric cannot tell it from
 * an array made before the call, and one that never looks (it returns nil
 * for a skill, or reads only ctx) costs nothing per record.
 *
 * A record is a table made for an earlier pupil when there is one (the
 * pool, up to POOL_MAX), with every field set again: no rubric can reach
 * the tables of an earlier pupil (its globals and file-level locals are
 * gone or put back, runner_instance.c), and a pupil that added a key to a
 * record (the one change that setting every field again would not undo;
 * the records' __newindex notes it) empties the pool. Field names, outcome
 * and source words and dates are Lua strings made once and kept.
 */
#include "internal.h"
#include "rubric.h"

#include <lauxlib.h>
#include <limits.h>
#include <string.h>

/* The most dates kept as Lua strings (the most records kept for the next
   pupil, SW_RUNNER_POOL_MAX, is in rubric.h). Texts are not kept: their
   interned numbers mean other texts once the engine's evidence is replaced. */
#define POOL_MAX SW_RUNNER_POOL_MAX
#define DATES_MAX 4096

/* Pushes date `days` as a Lua string, made once (r->dates_ref). */
static void push_date(sw_runner *r, lua_State *L, int dates, int32_t days)
{
	if (lua_rawgeti(L, dates, days) != LUA_TNIL)
		return;
	lua_pop(L, 1);
	char buf[16];
	sw_date_format(buf, days);
	lua_pushlstring(L, buf, 10);
	if (r->dates_count < DATES_MAX) {
		lua_pushvalue(L, -1);
		lua_rawseti(L, dates, days);
		r->dates_count++;
	}
}

/* Sets entries 1..n of the table at arr to the records recs[0..n). */
static void fill(sw_runner *r, lua_State *L, int arr, const sw_record *recs, size_t n)
{
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->record_mt_ref); /* strict records */
	int mt = lua_gettop(L), names = mt + 1;
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->names_ref);
	for (int k = 1; k <= SW_NAME_COUNT; k++)
		lua_rawgeti(L, names, k);
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->pool_ref);
	int pool = lua_gettop(L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->dates_ref);
	int dates = pool + 1;
	const struct sw_evidence *ev = r->eng->evidence;
#define NAME(k) (names + (k))
	for (size_t i = 0; i < n; i++) {
		const sw_record *rec = &recs[i];
		bool used = r->pool_next < r->pool_count;
		size_t slot = used ? r->pool_next : r->pool_count; /* when pooled */
		unsigned had = used ? r->pool_texts[slot] : 0, has = 0;
		if (used)
			lua_rawgeti(L, pool, (lua_Integer)++r->pool_next);
		else
			lua_createtable(L, 0, 7);
		lua_pushvalue(L, NAME(SW_NAME_STEP));
		lua_pushinteger(L, rec->step);
		lua_rawset(L, -3);
		lua_pushvalue(L, NAME(SW_NAME_OUTCOME));
		lua_pushvalue(L, NAME(SW_NAME_OUTCOMES + rec->outcome));
		lua_rawset(L, -3);
		lua_pushvalue(L, NAME(SW_NAME_DATE));
		push_date(r, L, dates, rec->date);
		lua_rawset(L, -3);
		lua_pushvalue(L, NAME(SW_NAME_SOURCE));
		lua_pushvalue(L, NAME(SW_NAME_SOURCES + rec->source));
		lua_rawset(L, -3);
		static const int optional[3] = { SW_NAME_ASSESSOR, SW_NAME_CONTEXT, SW_NAME_NOTE };
		const uint32_t text[3] = { rec->assessor, rec->context, rec->note };
		for (int f = 0; f < 3; f++) {
			if (!text[f] && !(had & 1u << f))
				continue; /* absent, or nil already in a used table */
			lua_pushvalue(L, NAME(optional[f]));
			if (text[f])
				lua_pushstring(L, sw_intern_str(&ev->text, text[f]));
			else
				lua_pushnil(L);
			lua_rawset(L, -3);
			has |= text[f] ? 1u << f : 0;
		}
		if (!used) {
			lua_pushvalue(L, mt);
			lua_setmetatable(L, -2);
			if (r->pool_count < POOL_MAX) {
				lua_pushvalue(L, -1);
				lua_rawseti(L, pool, (lua_Integer)r->pool_count + 1);
				r->pool_next = ++r->pool_count;
			}
		}
		if (slot < POOL_MAX)
			r->pool_texts[slot] = (uint8_t)has;
		lua_rawseti(L, arr, (lua_Integer)i + 1);
	}
#undef NAME
	lua_settop(L, mt - 1);
}

/* The key under which an array not yet filled keeps which one it is. */
static const char LAZY_KEY = 0;

/*
 * Fills the array at idx if it is one not yet filled; its key says the
 * skill (low 17 bits) and the runner's pupil number, so that an array can
 * only be filled while its pupil is evaluated.
 */
static void unveil(sw_runner *r, lua_State *L, int idx)
{
	idx = lua_absindex(L, idx);
	lua_pushlightuserdata(L, (void *)&LAZY_KEY);
	if (lua_rawget(L, idx) != LUA_TNUMBER) {
		lua_pop(L, 1);
		return;
	}
	lua_Integer v = lua_tointeger(L, -1);
	lua_pop(L, 1);
	size_t k = (size_t)(v & 0x1ffff);
	if ((uint64_t)v >> 17 != r->pupil_number || k >= r->ranges_cap)
		luaL_error(L, "the evidence of another pupil"); /* cannot happen: see above */
	lua_pushlightuserdata(L, (void *)&LAZY_KEY);
	lua_pushnil(L);
	lua_rawset(L, idx);
	lua_pushnil(L);
	lua_setmetatable(L, idx);
	if (r->ranges[k].count)
		fill(r, L, idx, r->pupil_recs + r->ranges[k].start, r->ranges[k].count);
}

/* The metamethods of an array not yet filled (upvalue 1: the runner). */
static int lazy_index(lua_State *L)
{
	unveil(lua_touserdata(L, lua_upvalueindex(1)), L, 1);
	lua_settop(L, 2);
	lua_rawget(L, 1);
	return 1;
}

static int lazy_newindex(lua_State *L)
{
	unveil(lua_touserdata(L, lua_upvalueindex(1)), L, 1);
	lua_settop(L, 3);
	lua_rawset(L, 1);
	return 0;
}

static int lazy_len(lua_State *L)
{
	unveil(lua_touserdata(L, lua_upvalueindex(1)), L, 1);
	lua_pushinteger(L, (lua_Integer)lua_rawlen(L, 1));
	return 1;
}

/* __pairs: what pairs gives a plain table (upvalue 2: Lua's own next). */
static int lazy_pairs(lua_State *L)
{
	unveil(lua_touserdata(L, lua_upvalueindex(1)), L, 1);
	lua_pushvalue(L, lua_upvalueindex(2));
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

/* __unveil, called by the sandbox's raw functions (sw_sb_unveil). */
static int lazy_unveil(lua_State *L)
{
	unveil(lua_touserdata(L, lua_upvalueindex(1)), L, 1);
	return 0;
}

void sw_runner_evidence_setup(sw_runner *r)
{
	lua_State *L = r->sb.L;
	lua_createtable(L, 0, 5);
	static const struct {
		const char *name;
		lua_CFunction f;
	} mms[] = { { "__index", lazy_index }, { "__newindex", lazy_newindex },
		    { "__len", lazy_len } };
	for (size_t i = 0; i < sizeof mms / sizeof *mms; i++) {
		lua_pushlightuserdata(L, r);
		lua_pushcclosure(L, mms[i].f, 1);
		lua_setfield(L, -2, mms[i].name);
	}
	lua_pushlightuserdata(L, r);
	lua_pushcclosure(L, lazy_unveil, 1);
	lua_rawsetp(L, -2, &sw_sb_unveil_key);
	lua_pushlightuserdata(L, r);
	lua_pushglobaltable(L); /* Lua's own next, as pairs gives it */
	lua_getfield(L, -1, "next");
	lua_remove(L, -2);
	lua_pushcclosure(L, lazy_pairs, 2);
	lua_setfield(L, -2, "__pairs");
	r->lazy_mt_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_newtable(L);
	r->pool_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_newtable(L);
	r->dates_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	r->pool_count = r->pool_next = r->dates_count = 0;
}

void sw_runner_evidence_push(sw_runner *r, lua_State *L, size_t k)
{
	/* room for the records, so that making them later moves nothing */
	size_t n = r->ranges[k].count;
	lua_createtable(L, n > INT_MAX ? INT_MAX : (int)n, 1);
	lua_pushlightuserdata(L, (void *)&LAZY_KEY);
	lua_pushinteger(L, (lua_Integer)(r->pupil_number << 17 | k));
	lua_rawset(L, -3);
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->lazy_mt_ref);
	lua_setmetatable(L, -2);
}

void sw_runner_evidence_unveil(sw_runner *r, lua_State *L, int idx)
{
	if (lua_type(L, idx) == LUA_TTABLE)
		unveil(r, L, idx);
}
