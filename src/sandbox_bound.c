/*
 * sandbox_bound.c - library functions that loop over sizes a script
 * controls, made to charge that work to the instruction limit.
 *
 * A library function is one VM instruction to the count hook, however
 * long it runs: table.insert on a table whose __len says 2^62, table.move
 * over a huge range, table.sort of long strings, string.rep of an empty
 * string 2^50 times ran for minutes or hours under a 0.1 s budget. These
 * versions charge their work before or while doing it (sw_sb_charge), at the
 * rates documented in scripts/README.md ("The sandbox"):
 *  - one instruction per element moved (insert, remove, move) or joined
 *    (concat), and per comparison of sort, plus one per 64 bytes of the
 *    strings a comparison reads;
 *  - one per 64 bytes of text that string.rep builds or tonumber reads.
 * Patterns (string.find, match, gmatch, gsub) are refused when their text
 * is over the pattern limit or their worst-case cost is too high.
 * Results are those of Lua's own functions; insert and remove are written
 * out here, so that a table's __len is called once, as Lua does.
 */
#include "internal.h"
#include "sandbox.h"

#include <lauxlib.h>

#define BYTES_PER_INSTRUCTION 64

/* Bytes of a string value, 0 for any other. */
static size_t str_bytes(lua_State *L, int idx)
{
	size_t n = 0;
	if (lua_type(L, idx) == LUA_TSTRING)
		lua_tolstring(L, idx, &n);
	return n;
}

/* table.insert(t, [pos,] v) */
static int bound_insert(lua_State *L)
{
	sw_sb_check_limits(L);
	if (lua_type(L, 1) != LUA_TTABLE)
		return sw_sb_call_original(L); /* Lua's error */
	int args = lua_gettop(L);
	lua_Integer end = luaL_intop(+, luaL_len(L, 1), 1); /* the first free slot */
	lua_Integer pos = end;
	if (args == 3) {
		pos = luaL_checkinteger(L, 2);
		luaL_argcheck(L, (lua_Unsigned)pos - 1u < (lua_Unsigned)end, 2,
		              "position out of bounds");
		sw_sb_charge(L, (lua_Unsigned)end - (lua_Unsigned)pos);
		for (lua_Integer i = end; i > pos; i--) { /* shift up */
			lua_geti(L, 1, i - 1);
			lua_seti(L, 1, i);
		}
	} else if (args != 2) {
		return luaL_error(L, "wrong number of arguments to 'insert'");
	}
	lua_seti(L, 1, pos);
	return 0;
}

/* table.remove(t [, pos]) */
static int bound_remove(lua_State *L)
{
	sw_sb_check_limits(L);
	if (lua_type(L, 1) != LUA_TTABLE)
		return sw_sb_call_original(L);
	lua_Integer size = luaL_len(L, 1);
	lua_Integer pos = luaL_optinteger(L, 2, size);
	if (pos != size) /* in [1, size + 1] */
		luaL_argcheck(L, (lua_Unsigned)pos - 1u <= (lua_Unsigned)size, 2,
		              "position out of bounds");
	lua_geti(L, 1, pos);
	if (pos < size)
		sw_sb_charge(L, (lua_Unsigned)size - (lua_Unsigned)pos);
	for (; pos < size; pos++) { /* shift down */
		lua_geti(L, 1, pos + 1);
		lua_seti(L, 1, pos);
	}
	lua_pushnil(L);
	lua_seti(L, 1, pos);
	return 1;
}

/* table.move(a1, f, e, t [, a2]): charged for e - f + 1 elements. */
static int bound_move(lua_State *L)
{
	sw_sb_check_limits(L);
	lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3);
	if (e >= f)
		sw_sb_charge(L, (lua_Unsigned)e - (lua_Unsigned)f + 1u);
	return sw_sb_call_original(L);
}

/* table.concat(t [, sep [, i [, j]]]): charged for j - i + 1 elements. */
static int bound_concat(lua_State *L)
{
	sw_sb_check_limits(L);
	if (lua_type(L, 1) != LUA_TTABLE)
		return sw_sb_call_original(L);
	lua_settop(L, 4);
	lua_Integer i = luaL_optinteger(L, 3, 1);
	if (lua_isnil(L, 4)) { /* the length, asked once: Lua gets it as j */
		lua_pushinteger(L, luaL_len(L, 1));
		lua_replace(L, 4);
	}
	lua_Integer j = luaL_checkinteger(L, 4);
	if (j >= i)
		sw_sb_charge(L, (lua_Unsigned)j - (lua_Unsigned)i + 1u);
	return sw_sb_call_original(L);
}

/* The comparison table.sort is given: charges, then compares with the
   script's function (upvalue 1) or with '<'. */
static int sort_compare(lua_State *L)
{
	sw_sb_charge(L, 1 + (str_bytes(L, 1) + str_bytes(L, 2)) / BYTES_PER_INSTRUCTION);
	if (lua_isnil(L, lua_upvalueindex(1))) {
		lua_pushboolean(L, lua_compare(L, 1, 2, LUA_OPLT));
		return 1;
	}
	lua_settop(L, 2);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, 2, 1);
	return 1;
}

/* table.sort(t [, comp]) */
static int bound_sort(lua_State *L)
{
	sw_sb_check_limits(L);
	if (lua_type(L, 1) != LUA_TTABLE)
		return sw_sb_call_original(L);
	lua_settop(L, 2);
	if (!lua_isnil(L, 2))
		luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_pushvalue(L, 2);
	lua_pushcclosure(L, sort_compare, 1);
	lua_replace(L, 2);
	return sw_sb_call_original(L);
}

/* string.rep(s, n [, sep]): nothing to repeat is "" at once; else charged
   for the bytes it builds (a result over the memory limit fails in Lua's
   own function, as before). */
static int bound_rep(lua_State *L)
{
	sw_sb_check_limits(L);
	size_t l, lsep = 0;
	luaL_checklstring(L, 1, &l);
	lua_Integer n = luaL_checkinteger(L, 2);
	luaL_optlstring(L, 3, "", &lsep);
	if (n <= 0 || l + lsep == 0) {
		lua_pushliteral(L, "");
		return 1;
	}
	size_t limit = sw_sb_of(L)->limit;
	if ((lua_Unsigned)n <= limit / (l + lsep))
		sw_sb_charge(L, (uint64_t)n * (l + lsep) / BYTES_PER_INSTRUCTION);
	return sw_sb_call_original(L);
}

/* tonumber(v [, base]): charged for the text it reads. */
static int bound_tonumber(lua_State *L)
{
	sw_sb_check_limits(L);
	sw_sb_charge(L, str_bytes(L, 1) / BYTES_PER_INSTRUCTION);
	return sw_sb_call_original(L);
}

/* string.find/match/gmatch/gsub with a bounded subject and pattern. */
static int bound_pattern(lua_State *L)
{
	sw_sb_check_limits(L);
	sw_sandbox *sb = sw_sb_of(L);
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
	if (reps >= 1 && work > 1e9)
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
	return sw_sb_call_original(L);
}

/* ---- text leaving the state ---- */

size_t sw_sb_safe_length(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--; /* s[max] continues a character: cut before it */
	return max;
}

/* Bytes of a control character at s (a C0 byte or DEL: 1; C1, U+0080 to
   U+009F, as UTF-8: 2), else 0. */
static size_t control_at(const unsigned char *s)
{
	if (*s < 0x20 || *s == 0x7f)
		return 1;
	if (s[0] == 0xC2 && s[1] >= 0x80 && s[1] <= 0x9F)
		return 2;
	return 0;
}

char *sw_sb_safe_text(char *s)
{
	for (unsigned char *p = (unsigned char *)s; *p; p++) {
		size_t c = control_at(p);
		if (c == 2)
			*p++ = '?';
		if (c)
			*p = '?';
	}
	return s;
}

/* What byte i of text p (n bytes) shows as: control characters but tab
   as '?'; i moves past the second byte of a C1 character. */
static char safe_char(const unsigned char *p, size_t n, size_t *i)
{
	size_t c = 0;
	if (p[*i] != '\t' && (p[*i] != 0xC2 || *i + 1 < n))
		c = control_at(p + *i);
	*i += c == 2;
	return c ? '?' : (char)p[*i];
}

void sw_sb_write_safe(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		putc(safe_char((const unsigned char *)s, n, &i), f);
}

void sw_sb_push_safe(lua_State *L, const char *s, size_t n)
{
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	for (size_t i = 0; i < n; i++)
		luaL_addchar(&b, safe_char((const unsigned char *)s, n, &i));
	luaL_pushresult(&b);
}

/* Replaces field `name` of the table on top with f over Lua's own function:
   the field holds it, or a closure whose upvalue 1 is it (sw_sb_heavy). */
void sw_sb_wrap_field(lua_State *L, const char *name, lua_CFunction f)
{
	lua_getfield(L, -1, name);
	if (lua_iscfunction(L, -1) && lua_getupvalue(L, -1, 1)) {
		if (!lua_iscfunction(L, -1)) {
			lua_pop(L, 2);
			return;
		}
		lua_remove(L, -2);
	}
	if (!lua_iscfunction(L, -1)) {
		lua_pop(L, 1);
		return;
	}
	lua_pushcclosure(L, f, 1);
	lua_setfield(L, -2, name);
}

/* The functions replaced here, by the library that holds them. */
static const struct {
	const char *lib, *name;
	lua_CFunction f;
} bounded[] = { { "table", "insert", bound_insert }, { "table", "remove", bound_remove },
	        { "table", "move", bound_move },     { "table", "concat", bound_concat },
	        { "table", "sort", bound_sort },     { "string", "rep", bound_rep },
	        { "string", "find", bound_pattern }, { "string", "match", bound_pattern },
	        { "string", "gmatch", bound_pattern }, { "string", "gsub", bound_pattern },
	        { "_G", "tonumber", bound_tonumber } };

void sw_sb_bound(lua_State *L, const char *lib)
{
	for (size_t i = 0; i < sizeof bounded / sizeof *bounded; i++)
		if (strcmp(bounded[i].lib, lib) == 0)
			sw_sb_wrap_field(L, bounded[i].name, bounded[i].f);
}
