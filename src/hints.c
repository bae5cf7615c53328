/*
 * hints.c - plain words after Lua's own message when a rubric does not
 * compile: curly quotes and non-breaking spaces pasted from a word
 * processor (named with line and column), `=` where `==` was meant, a
 * missing comma between the fields of a table, a block whose `end` is
 * missing (which one, from the indentation), a file that does not start
 * with `return {`. Prefix sw_hint_.
 */
#include "internal.h"
#include "hints.h"
#include "sandbox.h"

#include <stdlib.h>
#include <string.h>

/* The end of the line that p is on: its line break, or `end`. */
static const char *line_end(const char *p, const char *end)
{
	while (p < end && !sw_sb_line_break(p, end))
		p++;
	return p;
}

/* The end of the comment that starts at p ("--"): of its long bracket,
   else of its line. */
static const char *skip_comment(const char *p, const char *end, unsigned long *line)
{
	const char *q = p + 2 < end && p[2] == '[' ? sw_sb_skip_long(p + 2, end, line) : NULL;
	return q ? q : line_end(p, end);
}

/* The start of line `line` (1-based, counted as Lua counts) in src, or
   NULL when src has fewer lines. */
static const char *line_start(const char *src, size_t len, unsigned long line)
{
	const char *p = src, *end = src + len;
	for (unsigned long l = 1; l < line; l++) {
		p = line_end(p, end);
		if (p == end)
			return NULL;
		p += sw_sb_line_break(p, end);
	}
	return p;
}

bool sw_hint_odd_character(sw_buf *b, const char *src, size_t len, const char *msg,
                           unsigned long *line)
{
	if (!strstr(msg, "<\\226>") && !strstr(msg, "<\\194>") && !strstr(msg, "<\\128>"))
		return false;
	for (int pass = 0; pass < 2; pass++) {
		const char *p = pass == 0 ? line_start(src, len, *line) : src;
		if (!p)
			continue;
		const char *end = src + len;
		unsigned long l = pass == 0 ? *line : 1, col = 1;
		for (; p < end; p++) {
			const unsigned char *u = (const unsigned char *)p;
			size_t br = sw_sb_line_break(p, end);
			if (br) {
				if (pass == 0)
					break;
				l++;
				col = 1;
				p += br - 1;
				continue;
			}
			const char *what = NULL, *fix = NULL;
			int n = 0;
			if (end - p >= 3 && u[0] == 0xE2 && u[1] == 0x80 && u[2] >= 0x98 && u[2] <= 0x9D) {
				n = 3;
				bool dbl = u[2] >= 0x9C;
				what = dbl ? "a curly quote" : "a curly apostrophe";
				fix = dbl ? "rubrics need straight quotes \"" : "rubrics need straight quotes ' or \"";
			} else if (end - p >= 2 && u[0] == 0xC2 && u[1] == 0xA0) {
				n = 2;
				what = "a non-breaking space";
				fix = "use an ordinary space";
			}
			if (what) {
				sw_buf_printf(b, "column %lu: %s%s%.*s - %s (a word processor may have put "
				              "it there: type it again in a plain text editor)", col, what,
				              n == 3 ? " " : "", n == 3 ? 3 : 0, p, fix);
				*line = l;
				return true;
			}
			if ((*u & 0xC0) != 0x80)
				col++;
		}
	}
	return false;
}

/* One block opened in the source: its keyword, line and indentation. */
typedef struct block {
	const char *kw;
	unsigned long line;
	size_t indent;
} block;

/* The indentation of the line that starts at p. */
static size_t indent_of(const char *p, const char *end)
{
	size_t n = 0;
	while (p + n < end && (p[n] == ' ' || p[n] == '\t'))
		n++;
	return n;
}

/*
 * Follows the blocks (function, if, for, while, do, repeat) up to line
 * `stop`: the first block whose `end` does not line up with it (a sign
 * that its own `end` is missing), else the innermost one still open.
 */
static bool open_block(const char *src, size_t len, unsigned long stop, block *out)
{
	block stack[256];
	size_t depth = 0;
	bool found = false, pending_do = false;
	const char *p = src, *end = src + len, *ls = src;
	unsigned long line = 1;
	while (p < end && line <= stop) {
		char c = *p;
		size_t br = sw_sb_line_break(p, end);
		if (br) {
			line++;
			ls = p += br;
			continue;
		}
		if (c == '-' && p + 1 < end && p[1] == '-') {
			p = skip_comment(p, end, &line);
			continue;
		}
		if (c == '"' || c == '\'') {
			for (p++; p < end && *p != c && !sw_sb_line_break(p, end); p++)
				if (*p == '\\' && p + 1 < end)
					p++;
			p++;
			continue;
		}
		if (c == '[') {
			const char *q = sw_sb_skip_long(p, end, &line);
			p = q ? q : p + 1;
			continue;
		}
		if (c == '_' || ((c | 32) >= 'a' && (c | 32) <= 'z')) {
			const char *w = p;
			while (p < end && (*p == '_' || ((*p | 32) >= 'a' && (*p | 32) <= 'z') ||
			                   (*p >= '0' && *p <= '9')))
				p++;
			size_t n = (size_t)(p - w);
			static const char *const openers[] = { "function", "if", "for", "while", "repeat",
				                               "do" };
			const char *kw = NULL;
			for (size_t i = 0; i < 6; i++)
				if (strlen(openers[i]) == n && memcmp(w, openers[i], n) == 0)
					kw = openers[i];
			if (kw && strcmp(kw, "do") == 0 && pending_do) {
				pending_do = false;
				continue;
			}
			if (kw) {
				pending_do = strcmp(kw, "for") == 0 || strcmp(kw, "while") == 0;
				if (depth < 256)
					stack[depth] = (block){ kw, line, indent_of(ls, end) };
				depth++;
			} else if ((n == 3 && memcmp(w, "end", 3) == 0) ||
			           (n == 5 && memcmp(w, "until", 5) == 0)) {
				if (depth == 0)
					continue;
				depth--;
				/* an `end` first on its line, indented unlike its block */
				bool first = indent_of(ls, end) == (size_t)(w - ls);
				if (!found && depth < 256 && first && stack[depth].line != line &&
				    indent_of(ls, end) != stack[depth].indent) {
					*out = stack[depth];
					found = true;
				}
			}
			continue;
		}
		p++;
	}
	if (!found && depth > 0 && depth <= 256) {
		*out = stack[depth - 1];
		found = true;
	}
	return found;
}

/* True when the first word of the source (after comments) is `return`. */
static bool starts_with_return(const char *src, size_t len)
{
	const char *p = src, *end = src + len;
	unsigned long line = 1;
	while (p < end) {
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
			p++;
		} else if (*p == '-' && p + 1 < end && p[1] == '-') {
			p = skip_comment(p, end, &line);
		} else {
			break;
		}
	}
	return end - p >= 6 && memcmp(p, "return", 6) == 0;
}

void sw_hint_syntax(sw_buf *b, const char *src, size_t len, const char *msg, unsigned long line)
{
	if (strstr(msg, "binary chunk"))
		return; /* precompiled Lua: its own message says it all */
	if (strstr(msg, "expected near '='") &&
	    (strstr(msg, "'then'") || strstr(msg, "'do'") || strstr(msg, "')'"))) {
		sw_buf_puts(b, " (to compare two values use ==, two equals signs; a single = gives "
		               "a value a name)");
		return;
	}
	const char *close = strstr(msg, "'}' expected");
	if (close && strstr(msg, " near '") && !strstr(msg, "near '<")) {
		/* the last line before the error that has anything on it */
		unsigned long prev = line > 1 ? line - 1 : 1;
		while (prev > 1) {
			const char *s = line_start(src, len, prev);
			if (s && line_end(s, src + len) > s + indent_of(s, src + len))
				break;
			prev--;
		}
		sw_buf_printf(b, " (a comma may be missing at the end of line %lu: the fields of a "
		                 "table are separated by commas)", prev);
		return;
	}
	if (sw_hint_not_a_table(b, src, len))
		return;
	block bl;
	if ((strstr(msg, "'end' expected") || strstr(msg, "unexpected symbol") ||
	     strstr(msg, "<eof>")) && open_block(src, len, line, &bl))
		sw_buf_printf(b, " (the '%s' at line %lu may be missing its 'end': every function, "
		                 "if, for and while needs one)", bl.kw, bl.line);
}

bool sw_hint_not_a_table(sw_buf *b, const char *src, size_t len)
{
	if (starts_with_return(src, len))
		return false;
	sw_buf_puts(b, " (a rubric file starts with `return {` and ends with `}`: everything "
	               "between is the rubric table)");
	return true;
}
