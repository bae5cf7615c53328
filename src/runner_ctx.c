/*
 * runner_ctx.c - the ctx that skill() and pupil() get for one pupil.
 *
 * ctx.pupil (three tables: the pupil's fields, its groups, its other
 * attributes) is made only when the rubric first reads it. Until then ctx
 * holds a hidden key (light userdata) naming the pupil, and its metatable
 * makes ctx.pupil on the first ctx.pupil, pairs(ctx), or raw read (next,
 * rawget: sw_sb_unveil), and drops the hidden key when the rubric assigns
 * ctx.pupil itself: no rubric can tell ctx from one made with ctx.pupil
 * in it, and one that never reads it pays nothing for it.
 */
#include "internal.h"
#include "rubric.h"
#include "fields.h"
#include "strict.h"

#include <lauxlib.h>
#include <string.h>

static const char CTX_KEY = 0; /* the hidden key: the runner's pupil number */

/* Pushes ctx.pupil for pupil p: its fields (fields.c) that it has, its
   groups as a set and its other fields as `attributes`. */
static void push_pupil(sw_runner *r, lua_State *L, const sw_pupil *p)
{
	const struct sw_roster *ro = r->eng->roster;
	lua_createtable(L, 0, SW_PUPIL_FIELDS + 1);
	for (size_t f = 0; f < SW_PUPIL_FIELDS; f++) {
		const sw_field *fd = &sw_pupil_fields[f];
		if (fd->kept == SW_FIELD_ELSEWHERE) /* the groups */
			continue;
		const char *at = (const char *)p + fd->kept;
		if (fd->type == SW_FIELD_INT && *(const int *)(const void *)at != SW_NO_YEAR)
			lua_pushinteger(L, *(const int *)(const void *)at);
		else if (fd->type == SW_FIELD_TEXT && *(const char *const *)(const void *)at)
			lua_pushstring(L, *(const char *const *)(const void *)at);
		else
			continue;
		lua_setfield(L, -2, fd->name);
	}
	lua_createtable(L, 0, (int)p->group_count);
	for (uint32_t g = 0; g < p->group_count; g++) {
		lua_pushboolean(L, 1);
		lua_setfield(L, -2, sw_intern_str(&ro->groups, ro->group_refs[p->group_first + g]));
	}
	lua_setfield(L, -2, "groups");
	lua_createtable(L, 0, (int)p->attr_count);
	for (uint32_t a = 0; a < p->attr_count; a++) {
		lua_pushstring(L, ro->attrs[p->attr_first + a].value);
		lua_setfield(L, -2, ro->attrs[p->attr_first + a].key);
	}
	lua_setfield(L, -2, "attributes");
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->pupil_mt_ref);
	lua_setmetatable(L, -2);
}

/* Makes ctx.pupil in the ctx at idx when it still holds the hidden key,
   which goes (a ctx of another pupil cannot be reached: its key is left). */
static void make_pupil(sw_runner *r, lua_State *L, int idx)
{
	idx = lua_absindex(L, idx);
	if (lua_rawgetp(L, idx, &CTX_KEY) != LUA_TNUMBER ||
	    (uint64_t)lua_tointeger(L, -1) != r->pupil_number) {
		lua_pop(L, 1);
		return;
	}
	lua_pop(L, 1);
	lua_pushnil(L);
	lua_rawsetp(L, idx, &CTX_KEY);
	lua_pushliteral(L, "pupil");
	push_pupil(r, L, &r->eng->roster->pupils[r->ctx_pupil]);
	lua_rawset(L, idx);
}

/* What ctx gives for a known field it lacks (upvalue: the runner, see
   strict.c): ctx.pupil, made now while the hidden key is there, else nil. */
static int ctx_make(lua_State *L)
{
	lua_settop(L, 2);
	if (lua_type(L, 2) != LUA_TSTRING || strcmp(lua_tostring(L, 2), "pupil") != 0)
		return 0;
	make_pupil(lua_touserdata(L, lua_upvalueindex(1)), L, 1);
	lua_rawget(L, 1);
	return 1;
}

/* __newindex: ctx.pupil set by the rubric is never made after. */
static int ctx_newindex(lua_State *L)
{
	if (lua_type(L, 2) == LUA_TSTRING && strcmp(lua_tostring(L, 2), "pupil") == 0) {
		lua_pushnil(L);
		lua_rawsetp(L, 1, &CTX_KEY);
	}
	lua_settop(L, 3);
	lua_rawset(L, 1);
	return 0;
}

/* Makes ctx.pupil first (sw_sb_set_unveil: for pairs and the raw functions). */
static int ctx_unveil(lua_State *L)
{
	make_pupil(lua_touserdata(L, lua_upvalueindex(1)), L, 1);
	return 0;
}

void sw_runner_ctx_setup(sw_runner *r, const char *const *fields, size_t count)
{
	lua_State *L = r->sb.L;
	lua_pushlightuserdata(L, r);
	lua_pushcclosure(L, ctx_make, 1);
	sw_strict_push_mt(L, "ctx", "field", fields, count, -1);
	lua_remove(L, -2);
	lua_pushcfunction(L, ctx_newindex);
	lua_setfield(L, -2, "__newindex");
	lua_pushlightuserdata(L, r);
	sw_sb_set_unveil(L, lua_gettop(L) - 1, ctx_unveil, 1);
	r->ctx_mt_ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

void sw_runner_ctx_push(sw_runner *r, lua_State *L, size_t pupil, const char *as_of_text)
{
	lua_createtable(L, 0, 8);
	r->ctx_pupil = pupil;
	lua_pushinteger(L, (lua_Integer)r->pupil_number);
	lua_rawsetp(L, -2, &CTX_KEY);
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->ctx_mt_ref);
	lua_setmetatable(L, -2);
	lua_pushliteral(L, "framework");
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->framework_ref);
	lua_rawset(L, -3);
	lua_pushliteral(L, "params");
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->params_ref);
	lua_rawset(L, -3);
	if (as_of_text) {
		lua_pushliteral(L, "as_of");
		lua_pushstring(L, as_of_text);
		lua_rawset(L, -3);
	}
}
