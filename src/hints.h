/* hints.h - plain-words hints for a rubric that does not compile (hints.c). */
#ifndef SW_HINTS_H
#define SW_HINTS_H
#include "internal.h"

/* When Lua's message msg is about a byte of a curly quote or non-breaking
   space: finds it (on line *line, else anywhere), appends "column C: a curly
   quote ..." to b, sets *line to where it is, and returns true. */
bool sw_hint_odd_character(sw_buf *b, const char *src, size_t len, const char *msg,
                           unsigned long *line);
/* Appends " (hint)" for Lua's syntax error msg at `line`, when one fits. */
void sw_hint_syntax(sw_buf *b, const char *src, size_t len, const char *msg, unsigned long line);
/* Appends the `return {` hint when the file does not start with return. */
bool sw_hint_not_a_table(sw_buf *b, const char *src, size_t len);
#endif
