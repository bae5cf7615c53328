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
 * pool, up to POOL_MAX, kept by shape: see SHAPES), with every field set
 * again: no rubric can reach the tables of an earlier pupil (its globals
 * and file-level locals are gone or put back, runner_instance.c), and a
 * pupil that added a key to a record (the one change that setting every
 * field again would not undo; the records' __newindex notes it) empties the
 * pool. Field names, outcome and source words, dates and texts are Lua
 * strings made once and kept.
 */
#include "internal.h"
#include "rubric.h"

#include <lauxlib.h>
#include <limits.h>
#include <string.h>

/* The most dates and texts kept as Lua strings, and the most bytes of
   texts (the most records kept for the next pupil, SW_RUNNER_POOL_MAX, is
   in rubric.h). Texts are kept by their number in the evidence store, so
   only while it is the same store (its serial). */
#define POOL_MAX SW_RUNNER_POOL_MAX
#define DATES_MAX 4096
#define TEXTS_MAX 4096
#define TEXT_BYTES_MAX (256 * 1024)

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

/* Pushes text number id of the evidence store as a Lua string, made once
   while the store and the cache (at index texts) are the same. */
static void push_text(sw_runner *r, lua_State *L, int texts, uint32_t id)
{
	if (lua_rawgeti(L, texts, id) != LUA_TNIL)
		return;
	lua_pop(L, 1);
	const char *t = sw_intern_str(&r->eng->evidence->text, id);
	size_t n = strlen(t);
	lua_pushlstring(L, t, n);
	if (r->texts_count < TEXTS_MAX && r->texts_bytes + n <= TEXT_BYTES_MAX) {
		lua_pushvalue(L, -1);
		lua_rawseti(L, texts, id);
		r->texts_count++;
		r->texts_bytes += n;
	}
}

/* Pushes the table of kept texts, a new one when the evidence store is not
   the one the kept texts came from. */
static void push_texts(sw_runner *r, lua_State *L)
{
	if (r->texts_serial != r->eng->evidence->serial) {
		lua_newtable(L);
		lua_pushvalue(L, -1);
		lua_rawseti(L, LUA_REGISTRYINDEX, r->texts_ref);
		r->texts_serial = r->eng->evidence->serial;
		r->texts_count = r->texts_bytes = 0;
		return;
	}
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->texts_ref);
}

/* Which optional texts a record has (bit f: text f of assessor, context,
   note): its shape. The pool keeps the tables of each shape apart, so that
   a table is filled again by overwriting its fields alone: setting a field
   to nil and later back would cost Lua a new key (and at times a rehash). */
#define SHAPES 8

/* Sets entries 1..n of the table at arr to the records of view g (n of
   them); runs in a metamethod below, whose upvalues 2.. are the names. */
static void fill(sw_runner *r, lua_State *L, int arr, const struct sw_runner_range *g)
{
	size_t n = g->count;
	luaL_checkstack(L, SHAPES + 12, NULL);
	if (r->pool_reset)
		sw_runner_pool_empty(r, L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->record_mt_ref); /* strict records */
	int mt = lua_gettop(L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->pool_ref);
	int pool = lua_gettop(L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->dates_ref);
	int dates = pool + 1, texts = pool + 2, made = pool + 3;
	push_texts(r, L);
	if (r->made_active && !r->made_table) {
		lua_newtable(L);
		lua_pushvalue(L, -1);
		lua_rawseti(L, LUA_REGISTRYINDEX, r->made_ref);
		r->made_table = true;
	} else if (r->made_active) {
		lua_rawgeti(L, LUA_REGISTRYINDEX, r->made_ref);
	}
	int shape_at[SHAPES] = { 0 }; /* where the pool of each shape is on the stack */
#define NAME(k) lua_upvalueindex(1 + (k)) /* the names, upvalues of the metamethods */
	static const int optional[3] = { SW_NAME_ASSESSOR, SW_NAME_CONTEXT, SW_NAME_NOTE };
	for (size_t i = 0; i < n; i++) {
		size_t at = sw_runner_view_at(r, g, i);
		const sw_record *rec = &r->pupil_recs[at];
		if (r->made_active) {
			if (lua_rawgeti(L, made, (lua_Integer)at + 1) == LUA_TTABLE) {
				lua_rawseti(L, arr, (lua_Integer)i + 1);
				continue;
			}
			lua_pop(L, 1);
			r->made_bits[at] = 1;
		}
		const uint32_t text[3] = { rec->assessor, rec->context, rec->note };
		unsigned shape = (text[0] ? 1u : 0u) | (text[1] ? 2u : 0u) | (text[2] ? 4u : 0u);
		if (!shape_at[shape]) {
			lua_rawgeti(L, pool, (lua_Integer)shape + 1);
			shape_at[shape] = lua_gettop(L);
		}
		bool used = r->pool_next[shape] < r->pool_count[shape];
		if (used)
			lua_rawgeti(L, shape_at[shape], (lua_Integer)++r->pool_next[shape]);
		else
			lua_createtable(L, 0, 16);
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
		for (int f = 0; f < 3; f++) {
			if (!text[f])
				continue;
			lua_pushvalue(L, NAME(optional[f]));
			push_text(r, L, texts, text[f]);
			lua_rawset(L, -3);
		}
		if (!used) {
			lua_pushvalue(L, mt);
			lua_setmetatable(L, -2);
			if (r->pool_total < POOL_MAX) {
				lua_pushvalue(L, -1);
				lua_rawseti(L, shape_at[shape], (lua_Integer)++r->pool_count[shape]);
				r->pool_next[shape] = r->pool_count[shape];
				r->pool_total++;
			}
		}
		if (r->made_active) {
			lua_pushvalue(L, -1);
			lua_rawseti(L, made, (lua_Integer)at + 1);
		}
		lua_rawseti(L, arr, (lua_Integer)i + 1);
	}
#undef NAME
	lua_settop(L, mt - 1);
}

void sw_runner_pool_empty(sw_runner *r, lua_State *L)
{
	lua_createtable(L, SHAPES, 0);
	for (int s = 1; s <= SHAPES; s++) {
		lua_newtable(L);
		lua_rawseti(L, -2, s);
	}
	lua_rawseti(L, LUA_REGISTRYINDEX, r->pool_ref);
	memset(r->pool_count, 0, sizeof r->pool_count);
	memset(r->pool_next, 0, sizeof r->pool_next);
	r->pool_total = 0;
	r->pool_reset = false;
}

const char sw_runner_lazy_key = 0;
#define LAZY_KEY sw_runner_lazy_key

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
	size_t k = (size_t)(v & ((1 << SW_RUNNER_VIEW_BITS) - 1));
	if ((uint64_t)v >> SW_RUNNER_VIEW_BITS != r->pupil_number || k >= r->view_count)
		luaL_error(L, "the evidence of another pupil"); /* cannot happen: see above */
	lua_pushlightuserdata(L, (void *)&LAZY_KEY);
	lua_pushnil(L);
	lua_rawset(L, idx);
	lua_pushnil(L);
	lua_setmetatable(L, idx);
	if (r->ranges[k].count)
		fill(r, L, idx, &r->ranges[k]);
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

/* __unveil, called by the sandbox's raw functions and __pairs (sw_sb_unveil). */
static int lazy_unveil(lua_State *L)
{
	unveil(lua_touserdata(L, lua_upvalueindex(1)), L, 1);
	return 0;
}

void sw_runner_evidence_setup(sw_runner *r)
{
	lua_State *L = r->sb.L;
	luaL_checkstack(L, SW_NAME_COUNT + 8, NULL);
	lua_createtable(L, 0, 5);
	int mt = lua_gettop(L), names = mt + 1;
	static const struct {
		const char *name;
		lua_CFunction f;
	} mms[] = { { "__index", lazy_index }, { "__newindex", lazy_newindex },
		    { "__len", lazy_len }, { NULL, lazy_unveil } };
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->names_ref);
	for (size_t i = 0; i < sizeof mms / sizeof *mms; i++) {
		lua_pushlightuserdata(L, r); /* upvalues: the runner, then the names */
		for (int k = 1; k <= SW_NAME_COUNT; k++)
			lua_rawgeti(L, names, k);
		if (!mms[i].name) {
			sw_sb_set_unveil(L, mt, mms[i].f, 1 + SW_NAME_COUNT);
			continue;
		}
		lua_pushcclosure(L, mms[i].f, 1 + SW_NAME_COUNT);
		lua_setfield(L, mt, mms[i].name);
	}
	lua_pop(L, 1); /* the names */
	r->lazy_mt_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_newtable(L);
	r->pool_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	sw_runner_pool_empty(r, L);
	lua_newtable(L);
	r->dates_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_newtable(L);
	r->texts_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_newtable(L);
	r->made_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_newtable(L);
	r->arrays_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	r->arrays_count = r->arrays_next = 0;
	r->dates_count = 0;
	r->texts_serial = 0; /* no store's: the first fill makes the table anew */
}

/* Pushes a new array not yet made for view k (sized for its records when
   it is a skill's, so that making them later moves nothing; a helper's
   view is often never made, runner_view.c). */
static void new_array(sw_runner *r, lua_State *L, size_t k, lua_Integer id)
{
	size_t n = r->ranges[k].indexed ? 0 : r->ranges[k].count;
	lua_createtable(L, n > INT_MAX ? INT_MAX : (int)n, 1);
	lua_pushinteger(L, id);
	lua_rawsetp(L, -2, &LAZY_KEY);
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->lazy_mt_ref);
	lua_setmetatable(L, -2);
}

/*
 * An array an earlier pupil was given but never looked into is still as
 * it was made (nothing changes a table without making it first, and no
 * rubric can reach an earlier pupil's tables: runner_instance.c), so it
 * is given again with only its view changed; the pool (arrays_ref) keeps
 * the arrays made, arrays_next of them used by this pupil.
 */
void sw_runner_evidence_push(sw_runner *r, lua_State *L, size_t k)
{
	lua_Integer id = (lua_Integer)(r->pupil_number << SW_RUNNER_VIEW_BITS | k);
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->arrays_ref);
	if (r->arrays_next < r->arrays_count) {
		lua_rawgeti(L, -1, (lua_Integer)++r->arrays_next);
		if (lua_rawgetp(L, -1, &LAZY_KEY) == LUA_TNUMBER) {
			lua_pop(L, 1);
			lua_pushinteger(L, id);
			lua_rawsetp(L, -2, &LAZY_KEY);
			lua_remove(L, -2);
			return;
		}
		lua_pop(L, 2);
		new_array(r, L, k, id);
		lua_pushvalue(L, -1);
		lua_rawseti(L, -3, (lua_Integer)r->arrays_next);
	} else {
		new_array(r, L, k, id);
		if (r->arrays_count < POOL_MAX) {
			lua_pushvalue(L, -1);
			lua_rawseti(L, -3, (lua_Integer)++r->arrays_count);
			r->arrays_next = r->arrays_count;
		}
	}
	lua_remove(L, -2);
}

