/*
 * strict.c - catching a rubric's spelling mistakes: reading a field that
 * an evidence record, ctx, ctx.pupil, ctx.skill, ctx.framework or
 * ctx.params does not have is an error naming the field, the real fields
 * and the nearest one; known optional fields that are absent read as nil.
 * Also the nearest-name suggestion used by the other checks of names
 * (keys of the rubric table and of returned tables, parameters, sources).
 * Present fields are read without any cost: only a miss reaches the
 * metatable's __index. Prefix sw_strict_.
 */
#include "internal.h"
#include "strict.h"

#include <lauxlib.h>
#include <string.h>

/* Case-insensitive edit distance of a and b (each cut at 63 bytes). */
static size_t distance(const char *a, const char *b)
{
	size_t n = strnlen(a, 63), m = strnlen(b, 63);
	size_t row[64];
	for (size_t j = 0; j <= m; j++)
		row[j] = j;
	for (size_t i = 1; i <= n; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= m; j++) {
			char x = a[i - 1], y = b[j - 1];
			if (x >= 'A' && x <= 'Z')
				x = (char)(x - 'A' + 'a');
			if (y >= 'A' && y <= 'Z')
				y = (char)(y - 'A' + 'a');
			size_t best = diag + (x != y);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = row[j];
			row[j] = best;
		}
	}
	return row[m];
}

const char *sw_strict_nearest(const char *word, const char *const *names, size_t count)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1, len = strlen(word);
	/* close enough to be a slip: 2 edits, or a third of a long word */
	size_t limit = len <= 2 ? 1 : len >= 9 ? len / 3 : 2;
	for (size_t i = 0; i < count; i++) {
		size_t d = distance(word, names[i]);
		if (d < best_d) {
			best_d = d;
			best = names[i];
		}
	}
	return best && best_d <= limit ? best : NULL;
}

void sw_strict_describe(sw_buf *b, const char *kind, const char *word, const char *const *names,
                        size_t count)
{
	const char *near = sw_strict_nearest(word, names, count);
	if (near)
		sw_buf_printf(b, "; did you mean '%s'?", near);
	sw_buf_printf(b, count ? " (%ss: " : " (it has no %ss", kind);
	for (size_t i = 0; i < count; i++)
		sw_buf_printf(b, "%s%s", i ? ", " : "", names[i]);
	sw_buf_putc(b, ')');
}

/*
 * __index of a strict table. Upvalues: 1 what the table is ("an evidence
 * record"), 2 a set of the known field names, 3 an array of them in the
 * order shown, 4 the word for them ("fields", "parameters"), 5 (none, or
 * a function) what gives a known field the table lacks, else nil.
 */
static int strict_index(lua_State *L)
{
	if (lua_type(L, 2) != LUA_TSTRING)
		return 0;
	lua_pushvalue(L, 2);
	if (lua_rawget(L, lua_upvalueindex(2)) != LUA_TNIL) {
		/* a known field that this table does not have: nil, or what upvalue 5 makes */
		if (lua_type(L, lua_upvalueindex(5)) != LUA_TFUNCTION)
			return 0;
		lua_pushvalue(L, lua_upvalueindex(5));
		lua_pushvalue(L, 1);
		lua_pushvalue(L, 2);
		lua_call(L, 2, 1);
		return 1;
	}
	lua_pop(L, 1);
	const char *key = lua_tostring(L, 2);
	const char *names[64];
	size_t count = 0;
	for (; count < 64; count++) {
		if (lua_rawgeti(L, lua_upvalueindex(3), (lua_Integer)count + 1) != LUA_TSTRING) {
			lua_pop(L, 1);
			break;
		}
		names[count] = lua_tostring(L, -1); /* kept alive by upvalue 3 */
		lua_pop(L, 1);
	}
	luaL_Buffer lb;
	luaL_buffinit(L, &lb);
	const char *near = sw_strict_nearest(key, names, count);
	lua_pushfstring(L, "no %s '%s' in %s", lua_tostring(L, lua_upvalueindex(4)), key,
	                lua_tostring(L, lua_upvalueindex(1)));
	luaL_addvalue(&lb);
	if (near) {
		lua_pushfstring(L, "; did you mean '%s'?", near);
		luaL_addvalue(&lb);
	}
	lua_pushfstring(L, count ? " (%ss: " : " (it has no %ss", lua_tostring(L, lua_upvalueindex(4)));
	luaL_addvalue(&lb);
	for (size_t i = 0; i < count; i++) {
		if (i)
			luaL_addstring(&lb, ", ");
		luaL_addstring(&lb, names[i]);
	}
	luaL_addchar(&lb, ')');
	luaL_pushresult(&lb);
	luaL_where(L, 1);
	lua_insert(L, -2);
	lua_concat(L, 2);
	return lua_error(L);
}

void sw_strict_push_mt(lua_State *L, const char *what, const char *word,
                       const char *const *fields, size_t count, int maker)
{
	maker = maker ? lua_absindex(L, maker) : 0;
	lua_createtable(L, 0, 2);
	lua_pushstring(L, what);
	lua_createtable(L, 0, (int)count);
	for (size_t i = 0; i < count; i++) {
		lua_pushboolean(L, 1);
		lua_setfield(L, -2, fields[i]);
	}
	lua_createtable(L, (int)count, 0);
	for (size_t i = 0; i < count; i++) {
		lua_pushstring(L, fields[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_pushstring(L, word);
	if (maker)
		lua_pushvalue(L, maker);
	lua_pushcclosure(L, strict_index, maker ? 5 : 4);
	lua_setfield(L, -2, "__index");
	lua_pushliteral(L, "read-only");
	lua_setfield(L, -2, "__metatable");
}

void sw_strict_table(lua_State *L, int idx, const char *what, const char *word)
{
	idx = lua_absindex(L, idx);
	const char *names[64];
	size_t count = 0;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		if (lua_type(L, -1) == LUA_TSTRING && count < 64)
			names[count++] = lua_tostring(L, -1); /* keys stay in the table */
	}
	/* in byte order, so that messages are the same on every run */
	for (size_t i = 1; i < count; i++)
		for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			const char *t = names[j];
			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	sw_strict_push_mt(L, what, word, names, count, 0);
	lua_setmetatable(L, idx);
}

const char *sw_strict_unknown_key(lua_State *L, int idx, const char *const *known, size_t count)
{
	idx = lua_absindex(L, idx);
	const char *bad = NULL;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		if (lua_type(L, -1) != LUA_TSTRING)
			continue;
		const char *k = lua_tostring(L, -1);
		size_t i = 0;
		while (i < count && strcmp(k, known[i]) != 0)
			i++;
		if (i == count && (!bad || strcmp(k, bad) < 0))
			bad = k; /* the first in byte order, whatever the hash order */
	}
	return bad;
}
