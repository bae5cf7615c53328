/* strict.h - unknown fields are errors, with the nearest known name (strict.c). */
#ifndef SW_STRICT_H
#define SW_STRICT_H
#include "internal.h"
#include <lua.h>

/* The name of names[0..count) nearest to word (ignoring case), or NULL when
   none is close enough to be a slip of the keyboard. */
const char *sw_strict_nearest(const char *word, const char *const *names, size_t count);
/* Appends "; did you mean 'X'? (KINDs: a, b, c)" (the suggestion only when one is near). */
void sw_strict_describe(sw_buf *b, const char *kind, const char *word, const char *const *names,
                        size_t count);
/* Pushes a metatable whose __index raises "no WORD 'k' in WHAT; did you mean
   ...? (FIELDS)" for a key not in fields, and gives nil for one in fields;
   or, when maker is the stack index of a function (not 0), what that
   function gives for (table, key). */
void sw_strict_push_mt(lua_State *L, const char *what, const char *word,
                       const char *const *fields, size_t count, int maker);
/* Makes the table at idx strict over its own string keys (at most 64). */
void sw_strict_table(lua_State *L, int idx, const char *what, const char *word);
/* The first (byte order) string key of the table at idx that is not in
   known[0..count), or NULL; the pointer lives as long as the table. */
const char *sw_strict_unknown_key(lua_State *L, int idx, const char *const *known, size_t count);
#endif
