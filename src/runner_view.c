/*
 * runner_view.c - the helpers' fast paths on evidence arrays not yet made
 * (runner_evidence.c). On such an array, stepwise.secured and from_sources
 * give another one, of the records they keep (a view: their indices), and
 * stepwise.highest, latest, secured_n and mean read the records in C: a
 * rubric written with the helpers makes no record table at all.
 *
 * What a rubric sees is what the helpers in Lua would give it:
 * - a helper takes its fast path only on an array the rubric has not
 *   touched (any look but # makes it) and of which no record has a table
 *   yet;
 * - once a view exists, every record table made for the pupil is kept
 *   by its record (made_ref), so that a record is the same table in
 *   every array that shows it, as when the helpers copy tables in Lua.
 * The unit test test_views_match_helpers compares the two on many pupils.
 */
#include "internal.h"
#include "rubric.h"

#include <lauxlib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define VIEWS_MAX ((size_t)1 << SW_RUNNER_VIEW_BITS)
_Static_assert(SW_FRAMEWORK_MAX_SKILLS < VIEWS_MAX, "a view number for every skill, and more");

void sw_runner_view_begin(sw_runner *r, size_t n)
{
	r->pupil_rec_count = n;
	r->view_count = r->eng->fw->skill_count;
	r->view_idx_len = 0;
	r->made_active = false;
	r->arrays_next = 0;
	r->helper_fast_last = r->helper_fast;
	r->helper_fast = false;
}

/* The view of the array at idx when it is one not yet made, of this
   pupil, and none of its records has a table yet; else NULL. */
static const struct sw_runner_range *untouched(sw_runner *r, lua_State *L, int idx)
{
	if (lua_type(L, idx) != LUA_TTABLE)
		return NULL;
	if (lua_rawgetp(L, idx, &sw_runner_lazy_key) != LUA_TNUMBER) {
		lua_pop(L, 1);
		return NULL;
	}
	uint64_t v = (uint64_t)lua_tointeger(L, -1);
	lua_pop(L, 1);
	size_t k = (size_t)(v & (VIEWS_MAX - 1));
	if (v >> SW_RUNNER_VIEW_BITS != r->pupil_number || k >= r->view_count)
		return NULL;
	const struct sw_runner_range *g = &r->ranges[k];
	if (r->made_active)
		for (size_t i = 0; i < g->count; i++)
			if (r->made_bits[sw_runner_view_at(r, g, i)])
				return NULL;
	r->helper_fast = true;
	return g;
}

/* The record i of view g. */
static const sw_record *record(const sw_runner *r, const struct sw_runner_range *g, size_t i)
{
	return &r->pupil_recs[sw_runner_view_at(r, g, i)];
}

/* Starts keeping the pupil's record tables; false when memory ran out. */
static bool keep_tables(sw_runner *r)
{
	if (r->made_active)
		return true;
	if (r->pupil_rec_count > UINT32_MAX ||
	    sw_mem_grow(&r->eng->mem, (void **)&r->made_bits, &r->made_cap, r->pupil_rec_count, 1))
		return false;
	if (r->pupil_rec_count)
		memset(r->made_bits, 0, r->pupil_rec_count);
	r->made_active = true;
	r->made_table = false; /* made with the first record table (runner_evidence.c) */
	return true;
}

/* Pushes a new array not yet made, of the records of view *g whose
   outcome is `outcome` (-1: any) and whose source is in the mask
   `sources`; returns 0 (the helper runs in Lua) when no view can be made. */
static int push_subset(sw_runner *r, lua_State *L, const struct sw_runner_range *g, int outcome,
                       unsigned sources)
{
	struct sw_runner_range src = *g; /* the arrays below may move */
	const sw_mem *m = &r->eng->mem;
	if (r->view_count >= VIEWS_MAX || !keep_tables(r) ||
	    sw_mem_grow(m, (void **)&r->ranges, &r->ranges_cap, r->view_count + 1, sizeof *r->ranges) ||
	    sw_mem_grow(m, (void **)&r->view_idx, &r->view_idx_cap, r->view_idx_len + src.count,
	                sizeof *r->view_idx))
		return 0;
	size_t first = r->view_idx_len, n = 0;
	for (size_t i = 0; i < src.count; i++) {
		size_t at = sw_runner_view_at(r, &src, i);
		const sw_record *rec = &r->pupil_recs[at];
		if ((outcome < 0 || rec->outcome == outcome) && (sources >> rec->source & 1))
			r->view_idx[first + n++] = (uint32_t)at;
	}
	r->view_idx_len += n;
	r->ranges[r->view_count] = (struct sw_runner_range){ first, n, true };
	sw_runner_evidence_push(r, L, r->view_count++);
	return 1;
}

/* host.secured(ev): a view of the secured records, or nothing. */
static int view_secured(lua_State *L)
{
	sw_runner *r = lua_touserdata(L, lua_upvalueindex(1));
	const struct sw_runner_range *g = untouched(r, L, 1);
	return g ? push_subset(r, L, g, SW_OUTCOME_SECURED, ~0u) : 0;
}

/* host.from_sources(ev, set): a view of the records whose source is a key
   of the table `set` with a true value, or nothing. */
static int view_from_sources(lua_State *L)
{
	sw_runner *r = lua_touserdata(L, lua_upvalueindex(1));
	const struct sw_runner_range *g = untouched(r, L, 1);
	if (!g || !lua_istable(L, 2))
		return 0;
	unsigned mask = 0;
	for (int s = 0; s < SW_SOURCE_COUNT; s++) {
		lua_getfield(L, 2, sw_source_names[s]);
		mask |= lua_toboolean(L, -1) ? 1u << s : 0;
		lua_pop(L, 1);
	}
	return push_subset(r, L, g, -1, mask);
}

static int by_step_down(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x < y) - (x > y);
}

/* What a helper reads of the records (upvalue 2 of view_read). */
enum { READ_HIGHEST, READ_LATEST, READ_MEAN, READ_SECURED_N };

/* host.highest(ev), latest(ev), mean(ev) and secured_n(ev, times) (times
   a whole number of 1 or more): true and the helper's answer (nil when
   there are no records, or fewer than times), or false when the helper
   must run in Lua. The mean is Lua's sum / #ev. */
static int view_read(lua_State *L)
{
	sw_runner *r = lua_touserdata(L, lua_upvalueindex(1));
	int what = (int)lua_tointeger(L, lua_upvalueindex(2));
	const struct sw_runner_range *g = untouched(r, L, 1);
	lua_Number times = what == READ_SECURED_N ? lua_tonumber(L, 2) : 1;
	int steps[256];
	if (!g || (what == READ_SECURED_N && g->count > sizeof steps / sizeof *steps)) {
		lua_pushboolean(L, 0);
		return 1;
	}
	lua_pushboolean(L, 1);
	if (!g->count || !(times >= 1) || (lua_Number)g->count < times) {
		lua_pushnil(L);
		return 2;
	}
	lua_Integer best = record(r, g, 0)->step, sum = 0;
	for (size_t i = 0; i < g->count; i++) {
		int step = record(r, g, i)->step;
		best = what == READ_LATEST ? step : step > best ? step : best;
		sum += step;
		steps[i % (sizeof steps / sizeof *steps)] = step;
	}
	if (what == READ_MEAN) {
		lua_pushnumber(L, (lua_Number)sum / (lua_Number)g->count);
		return 2;
	}
	if (what == READ_SECURED_N) {
		qsort(steps, g->count, sizeof *steps, by_step_down);
		best = steps[(size_t)times - 1];
	}
	lua_pushinteger(L, best);
	return 2;
}

void sw_runner_view_setup(sw_runner *r)
{
	lua_State *L = r->sb.L;
	static const char *const reads[] = { "highest", "latest", "mean", "secured_n" };
	if (lua_rawgetp(L, LUA_REGISTRYINDEX, &sw_sb_host_key) != LUA_TTABLE) {
		lua_pop(L, 1);
		return;
	}
	lua_pushlightuserdata(L, r);
	lua_pushcclosure(L, view_secured, 1);
	lua_setfield(L, -2, "secured");
	lua_pushlightuserdata(L, r);
	lua_pushcclosure(L, view_from_sources, 1);
	lua_setfield(L, -2, "from_sources");
	for (int i = 0; i < 4; i++) {
		lua_pushlightuserdata(L, r);
		lua_pushinteger(L, i);
		lua_pushcclosure(L, view_read, 2);
		lua_setfield(L, -2, reads[i]);
	}
	lua_pop(L, 1);
}
