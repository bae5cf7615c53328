/*
 * runner_evidence.c - the evidence array a Lua rubric's skill() gets, made
 * only when the rubric looks at it, from tables used again.
 *
 * The array starts empty, with a metatable whose __index, __newindex
 * and __pairs fill it (__len counts its records without filling it), and
 * the functions that read a table raw (next, rawget, rawlen, getmetatable,
 * setmetatable) fill it first (sw_sb_unveil): a rubric cannot tell it from
 * an array made before the call, and one that never looks (it returns nil
 * for a skill, or reads only ctx) costs nothing per record. A made array
 * is emptied and given to the next pupil unless the rubric added a key to
 * it or looked at its metatable (filled_newindex).
 *
 * A record is a table made for an earlier pupil when there is one (the
 * pool, up to POOL_MAX), with its four fields set again: no rubric can
 * reach the tables of an earlier pupil (its globals and file-level locals
 * are gone or put back, runner_instance.c), and a pupil that added a key
 * to a record (the one change that setting every field again would not
 * undo; the records' __newindex notes it) empties the pool. A record's
 * optional texts (assessor, context, note) are made when the rubric first
 * reads one of them, as ctx.pupil is (runner_ctx.c): a record of the pool
 * holds its slot as a hidden key, and the slot (r->slots) says which
 * evidence record it shows and whether its texts are made. Field names,
 * outcome and source words, dates and texts are Lua strings made once.
 */
#include "internal.h"
#include "rubric.h"
#include "strict.h"
#include "fields.h"

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

/* The hidden key of a record table of the pool: its slot (r->slots). */
static const char TEXTS_KEY = 0;
enum {
	SLOT_LAZY = 1,  /* the record has texts, not made yet */
	SLOT_TEXTS = 2, /* its texts are in the table */
	SLOT_BARE = 4   /* the hidden key is gone (a raw look at the table) */
};

/* Pushes a new record table with metatable mt (a stack index). */
static void new_record(lua_State *L, int mt)
{
	lua_createtable(L, 0, 8);
	lua_pushvalue(L, mt);
	lua_setmetatable(L, -2);
}

/* Sets the optional texts of record rec in the table at idx. */
static void set_texts(sw_runner *r, lua_State *L, int idx, const sw_record *rec)
{
	const uint32_t text[3] = { rec->assessor, rec->context, rec->note };
	luaL_checkstack(L, 4, NULL);
	push_texts(r, L);
	for (int f = 0; f < 3; f++) {
		if (!text[f])
			continue;
		lua_pushstring(L, sw_runner_record_fields[SW_NAME_ASSESSOR - 1 + f]);
		push_text(r, L, lua_gettop(L) - 1, text[f]);
		lua_rawset(L, idx);
	}
	lua_pop(L, 1);
}

/* Makes the texts of the record at idx when they are not made yet; bare:
   the hidden key goes too (a raw look at the table must not see it). */
static void make_texts(sw_runner *r, lua_State *L, int idx, bool bare)
{
	idx = lua_absindex(L, idx);
	if (lua_rawgetp(L, idx, &TEXTS_KEY) != LUA_TNUMBER) {
		lua_pop(L, 1);
		return;
	}
	lua_Integer s = lua_tointeger(L, -1);
	lua_pop(L, 1);
	struct sw_runner_slot *sl = s >= 0 && (size_t)s < r->pool_count ? &r->slots[s] : NULL;
	if (!sl || ((sl->state & SLOT_LAZY) && (sl->pupil != (uint32_t)r->pupil_number ||
	                                         sl->at >= r->pupil_rec_count)))
		luaL_error(L, "a record of another pupil"); /* cannot happen: see above */
	if (sl->state & SLOT_LAZY) {
		set_texts(r, L, idx, &r->pupil_recs[sl->at]);
		sl->state = SLOT_TEXTS;
	}
	if (bare) {
		lua_pushnil(L);
		lua_rawsetp(L, idx, &TEXTS_KEY);
		sl->state |= SLOT_BARE;
	}
}

/* What a record gives for a known field it lacks (strict.c; upvalue: the
   runner): its texts are made first. */
static int record_make(lua_State *L)
{
	lua_settop(L, 2);
	make_texts(lua_touserdata(L, lua_upvalueindex(1)), L, 1, false);
	lua_rawget(L, 1);
	return 1;
}

/* __newindex of records: a key a record did not have is set (its texts
   made first), and the sandbox notes that this pupil's records were
   written to (they are then not used again for another pupil). */
static int record_written(lua_State *L)
{
	make_texts(lua_touserdata(L, lua_upvalueindex(1)), L, 1, true);
	sw_sb_of(L)->records_written = true;
	lua_settop(L, 3);
	lua_rawset(L, 1);
	return 0;
}

/* Makes the texts first (sw_sb_set_unveil: for pairs and the raw functions). */
static int record_unveil(lua_State *L)
{
	make_texts(lua_touserdata(L, lua_upvalueindex(1)), L, 1, true);
	return 0;
}

#define NAME(k) lua_upvalueindex(1 + (k)) /* the names, upvalues of the metamethods */

/* Pushes a record table for the next record: the pool's next, as it was
   made (its texts gone, its hidden key back), or a new one (kept in the
   pool while it has room); *sl: its slot, NULL when it is not kept. The
   names are at names + SW_NAME_* on the stack (fill). */
static void push_record(sw_runner *r, lua_State *L, int mt, int pool, int names,
                        struct sw_runner_slot **sl)
{
	size_t s = r->pool_next;
	if (s < r->pool_count) {
		lua_rawgeti(L, pool, (lua_Integer)++r->pool_next);
		*sl = &r->slots[s];
		if ((*sl)->state & SLOT_TEXTS)
			for (int f = SW_NAME_ASSESSOR; f <= SW_NAME_NOTE; f++) {
				lua_pushvalue(L, names + f);
				lua_pushnil(L);
				lua_rawset(L, -3);
			}
		if ((*sl)->state & SLOT_BARE) {
			lua_pushinteger(L, (lua_Integer)s);
			lua_rawsetp(L, -2, &TEXTS_KEY);
		}
		return;
	}
	new_record(L, mt);
	*sl = NULL;
	if (s >= POOL_MAX)
		return;
	lua_pushinteger(L, (lua_Integer)s);
	lua_rawsetp(L, -2, &TEXTS_KEY);
	lua_pushvalue(L, -1);
	lua_rawseti(L, pool, (lua_Integer)++r->pool_count);
	r->pool_next = r->pool_count;
	*sl = &r->slots[s];
}

/* Sets entries 1..n of the table at arr to the records of view g (n of
   them); runs in a metamethod below, whose upvalues 2.. are the names. */
static void fill(sw_runner *r, lua_State *L, int arr, const struct sw_runner_range *g)
{
	size_t n = g->count;
	luaL_checkstack(L, SW_NAME_COUNT + 12, NULL);
	if (r->pool_reset)
		sw_runner_pool_empty(r, L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->record_mt_ref); /* strict records */
	int mt = lua_gettop(L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->pool_ref);
	int pool = mt + 1, dates = mt + 2, made = mt + 3;
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->dates_ref);
	if (r->made_active && !r->made_table) {
		lua_newtable(L);
		lua_pushvalue(L, -1);
		lua_rawseti(L, LUA_REGISTRYINDEX, r->made_ref);
		r->made_table = true;
	} else if (r->made_active) {
		lua_rawgeti(L, LUA_REGISTRYINDEX, r->made_ref);
	}
	int names = lua_gettop(L);
	for (int k = 1; k <= SW_NAME_COUNT; k++)
		lua_pushvalue(L, NAME(k));
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
		struct sw_runner_slot *sl;
		push_record(r, L, mt, pool, names, &sl);
		lua_pushvalue(L, names + SW_NAME_STEP);
		lua_pushinteger(L, rec->step);
		lua_rawset(L, -3);
		lua_pushvalue(L, names + SW_NAME_OUTCOME);
		lua_pushvalue(L, names + SW_NAME_OUTCOMES + rec->outcome);
		lua_rawset(L, -3);
		lua_pushvalue(L, names + SW_NAME_DATE);
		push_date(r, L, dates, rec->date);
		lua_rawset(L, -3);
		lua_pushvalue(L, names + SW_NAME_SOURCE);
		lua_pushvalue(L, names + SW_NAME_SOURCES + rec->source);
		lua_rawset(L, -3);
		bool texts = rec->assessor || rec->context || rec->note;
		if (sl)
			*sl = (struct sw_runner_slot){ (uint32_t)at, (uint32_t)r->pupil_number,
				                       texts ? SLOT_LAZY : 0 };
		else if (texts)
			set_texts(r, L, lua_gettop(L), rec);
		if (r->made_active) {
			lua_pushvalue(L, -1);
			lua_rawseti(L, made, (lua_Integer)at + 1);
		}
		lua_rawseti(L, arr, (lua_Integer)i + 1);
	}
	lua_settop(L, mt - 1);
}
#undef NAME

void sw_runner_pool_empty(sw_runner *r, lua_State *L)
{
	lua_newtable(L);
	lua_rawseti(L, LUA_REGISTRYINDEX, r->pool_ref);
	r->pool_count = r->pool_next = 0;
	r->pool_reset = false;
}

const char sw_runner_lazy_key = 0;
#define LAZY_KEY sw_runner_lazy_key

/*
 * The view of the array at idx when it is one not yet filled, else
 * SIZE_MAX: its key says the view (low bits, SW_RUNNER_VIEW_BITS) and the
 * runner's pupil number, so that an array can only be filled while its
 * pupil is evaluated.
 */
static size_t lazy_view(sw_runner *r, lua_State *L, int idx)
{
	lua_pushlightuserdata(L, (void *)&LAZY_KEY);
	if (lua_rawget(L, idx) != LUA_TNUMBER) {
		lua_pop(L, 1);
		return SIZE_MAX;
	}
	lua_Integer v = lua_tointeger(L, -1);
	lua_pop(L, 1);
	size_t k = (size_t)(v & ((1 << SW_RUNNER_VIEW_BITS) - 1));
	if ((uint64_t)v >> SW_RUNNER_VIEW_BITS != r->pupil_number || k >= r->view_count)
		luaL_error(L, "the evidence of another pupil"); /* cannot happen: see above */
	return k;
}

/* Fills the array at idx if it is one not yet filled. again: it gets the
   metatable that lets it be used again (see filled_newindex), else none. */
static void unveil(sw_runner *r, lua_State *L, int idx, bool again)
{
	idx = lua_absindex(L, idx);
	size_t k = lazy_view(r, L, idx);
	if (k == SIZE_MAX)
		return;
	lua_pushlightuserdata(L, (void *)&LAZY_KEY);
	lua_pushnil(L);
	lua_rawset(L, idx);
	if (again)
		lua_rawgeti(L, LUA_REGISTRYINDEX, r->filled_mt_ref);
	else
		lua_pushnil(L);
	lua_setmetatable(L, idx);
	if (r->ranges[k].count)
		fill(r, L, idx, &r->ranges[k]);
}

/* The metatable of a made array, which only says that it can be emptied
   and used again (sw_runner_evidence_push): a key added (__newindex) or a
   raw look (next, rawget, getmetatable, setmetatable...: the unveil
   function) takes it away first, and then the array is a plain table. */
static int filled_newindex(lua_State *L)
{
	lua_settop(L, 3);
	lua_pushnil(L);
	lua_setmetatable(L, 1);
	lua_rawset(L, 1);
	return 0;
}

static int filled_unveil(lua_State *L)
{
	if (lua_toboolean(L, 2)) {
		lua_settop(L, 1);
		lua_pushnil(L);
		lua_setmetatable(L, 1);
	}
	return 0;
}

/* The metamethods of an array not yet filled (upvalue 1: the runner). */
static int lazy_index(lua_State *L)
{
	unveil(lua_touserdata(L, lua_upvalueindex(1)), L, 1, true);
	lua_settop(L, 2);
	lua_rawget(L, 1);
	return 1;
}

static int lazy_newindex(lua_State *L)
{
	unveil(lua_touserdata(L, lua_upvalueindex(1)), L, 1, false);
	lua_settop(L, 3);
	lua_rawset(L, 1);
	return 0;
}

/* #evidence counts the records without making the array: a rubric that
   asks whether there is any evidence before it calls the helpers keeps
   their fast paths (runner_view.c). A made array of n records is the
   sequence 1..n, whose length is n. */
static int lazy_len(lua_State *L)
{
	sw_runner *r = lua_touserdata(L, lua_upvalueindex(1));
	size_t k = lazy_view(r, L, 1);
	if (k == SIZE_MAX) /* cannot happen: a filled array loses this metatable */
		lua_pushinteger(L, (lua_Integer)lua_rawlen(L, 1));
	else
		lua_pushinteger(L, (lua_Integer)r->ranges[k].count);
	return 1;
}

/* __unveil, called by the sandbox's raw functions and __pairs (sw_sb_unveil). */
static int lazy_unveil(lua_State *L)
{
	unveil(lua_touserdata(L, lua_upvalueindex(1)), L, 1, !lua_toboolean(L, 2));
	return 0;
}

void sw_runner_evidence_setup(sw_runner *r)
{
	lua_State *L = r->sb.L;
	luaL_checkstack(L, SW_NAME_COUNT + 8, NULL);
	lua_pushlightuserdata(L, r);
	lua_pushcclosure(L, record_make, 1);
	sw_strict_push_mt(L, "an evidence record", "field", sw_runner_record_fields,
	                  SW_EVIDENCE_FIELDS - 2, -1);
	lua_remove(L, -2);
	lua_pushlightuserdata(L, r);
	lua_pushcclosure(L, record_written, 1);
	lua_setfield(L, -2, "__newindex");
	lua_pushlightuserdata(L, r);
	sw_sb_set_unveil(L, lua_gettop(L) - 1, record_unveil, 1);
	r->record_mt_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_createtable(L, 0, 5);
	int mt = lua_gettop(L), names = mt + 1;
	static const struct {
		const char *name;
		lua_CFunction f;
	} mms[] = { { "__index", lazy_index }, { "__newindex", lazy_newindex },
		    { "__len", lazy_len }, { NULL, lazy_unveil }, { "", sw_runner_skill_step } };
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
		if (*mms[i].name)
			lua_setfield(L, mt, mms[i].name);
		else
			r->skill_step_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	}
	lua_pop(L, 1); /* the names */
	r->lazy_mt_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_createtable(L, 0, 2);
	lua_pushcfunction(L, filled_newindex);
	lua_setfield(L, -2, "__newindex");
	lua_pushcfunction(L, filled_unveil);
	lua_rawsetp(L, -2, &sw_sb_unveil_key); /* no __pairs: pairs is Lua's */
	r->filled_mt_ref = luaL_ref(L, LUA_REGISTRYINDEX);
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
 * Makes the array on top, made for an earlier pupil from slot s of the
 * pool, the array of view k again, when nothing but its entries changed
 * since (it still has the metatable unveil gave it); false, and nothing
 * done, otherwise. A skill's array is made at once, its records written
 * over the old ones: a rubric that looked at it for the last pupil most
 * likely looks again (sw_runner_skill_step, whose upvalues are the names
 * fill needs, pushes skills' arrays). Not when a helper took its fast
 * path for the last pupil (runner_view.c): the rubric most likely calls
 * it first again, and it needs an array not yet made. Another is emptied
 * and not made yet; its hidden key goes in first, so that Lua keeps the
 * table's sizes.
 */
static bool made_again(sw_runner *r, lua_State *L, size_t s, size_t k, lua_Integer id)
{
	if (!lua_getmetatable(L, -1))
		return false;
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->filled_mt_ref);
	bool filled = lua_rawequal(L, -1, -2);
	lua_pop(L, 2);
	if (!filled)
		return false;
	bool at_once = !r->ranges[k].indexed && !r->helper_fast_last;
	size_t kept = at_once ? r->ranges[k].count : 0; /* entries written over */
	if (kept) {
		fill(r, L, lua_gettop(L), &r->ranges[k]);
	} else if (!at_once) {
		lua_pushinteger(L, id);
		lua_rawsetp(L, -2, &LAZY_KEY);
	}
	for (lua_Integer i = (lua_Integer)r->arrays_len[s]; i > (lua_Integer)kept; i--) {
		lua_pushnil(L);
		lua_rawseti(L, -2, i);
	}
	if (!at_once) {
		lua_rawgeti(L, LUA_REGISTRYINDEX, r->lazy_mt_ref);
		lua_setmetatable(L, -2);
	}
	return true;
}

/*
 * The arrays an earlier pupil was given are given again (no rubric can
 * reach an earlier pupil's tables: runner_instance.c): one never looked
 * into is still as it was made (nothing changes a table without making it
 * first), and only its view changes; one made is emptied (made_again).
 * The pool (arrays_ref) keeps the arrays made, arrays_next of them used by
 * this pupil, and how many entries each can have (arrays_len).
 */
void sw_runner_evidence_push(sw_runner *r, lua_State *L, size_t k)
{
	lua_Integer id = (lua_Integer)(r->pupil_number << SW_RUNNER_VIEW_BITS | k);
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->arrays_ref);
	size_t s = r->arrays_next;
	if (s < r->arrays_count) {
		lua_rawgeti(L, -1, (lua_Integer)++r->arrays_next);
		bool lazy = lua_rawgetp(L, -1, &LAZY_KEY) == LUA_TNUMBER;
		lua_pop(L, 1);
		if (lazy) {
			lua_pushinteger(L, id);
			lua_rawsetp(L, -2, &LAZY_KEY);
		} else if (!made_again(r, L, s, k, id)) {
			lua_pop(L, 1);
			new_array(r, L, k, id);
			lua_pushvalue(L, -1);
			lua_rawseti(L, -3, (lua_Integer)r->arrays_next);
		}
	} else {
		new_array(r, L, k, id);
		if (s < POOL_MAX) {
			lua_pushvalue(L, -1);
			lua_rawseti(L, -3, (lua_Integer)++r->arrays_count);
			r->arrays_next = r->arrays_count;
		}
	}
	if (s < POOL_MAX)
		r->arrays_len[s] = r->ranges[k].count;
	lua_remove(L, -2);
}
