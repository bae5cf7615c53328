/*
 * sandbox_src.c - sizes of rubric source that Lua 5.4.4 cannot handle
 * safely, refused before compiling (scripts/README.md, "The sandbox").
 *
 * When an operation fails, Lua 5.4.4 names the value in its message
 * ("attempt to index a nil value (field 'x')") by walking back through the
 * bytecode, once per link of a field chain (t.x.x.x...), each step
 * rescanning the function: time quadratic in the chain, no limit check,
 * and a C recursion that overflowed the stack at 200,000 links (fixed in
 * Lua 5.4.7). So a rubric is refused when one expression chains more than
 * SB_CHAIN_MAX field accesses, or when its source is over SB_SOURCE_MAX
 * bytes (which bounds the length of a function the walk rescans).
 *
 * The count follows what the walk follows: the links `.name`, `:name` and
 * `[key]` after one primary expression, across parentheses and calls
 * (counted, though a call ends Lua's walk), plus what the keys in brackets
 * count themselves. An operator, keyword or separator starts a new count.
 * Comments, strings and numbers are skipped. Nesting deeper than the
 * parser allows is left to the parser to refuse.
 *
 * Also refused: `local _ENV <const>` (or <close>), which Lua 5.4.4
 * compiles into code reading outside its memory (CVE-2022-28805, fixed in
 * Lua 5.4.5).
 */
#include "internal.h"
#include "sandbox.h"

#include <ctype.h>
#include <string.h>

#define MAX_FRAMES 256

size_t sw_sb_line_break(const char *p, const char *end)
{
	if (p >= end || (*p != '\n' && *p != '\r'))
		return 0;
	return p + 1 < end && (p[1] == '\n' || p[1] == '\r') && p[1] != p[0] ? 2 : 1;
}

const char *sw_sb_skip_long(const char *p, const char *end, unsigned long *line)
{
	const char *q = p + 1;
	size_t level = 0;
	while (q < end && *q == '=')
		level++, q++;
	if (q >= end || *q != '[')
		return NULL;
	for (q++; q < end; q++) {
		size_t br = sw_sb_line_break(q, end);
		if (br) {
			(*line)++;
			q += br - 1;
			continue;
		}
		if (*q == ']') {
			const char *r = q + 1;
			size_t l = 0;
			while (r < end && *r == '=')
				l++, r++;
			if (l == level && r < end && *r == ']')
				return r + 1;
		}
	}
	return end;
}

/* True when the name just read (ending at i) is followed by <const> or
   <close>: an attribute of a local declaration. */
static bool env_attrib(const char *s, size_t i, size_t n)
{
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	if (i >= n || s[i] != '<')
		return false;
	for (i++; i < n && isspace((unsigned char)s[i]); i++)
		;
	return n - i >= 5 && (memcmp(s + i, "const", 5) == 0 || memcmp(s + i, "close", 5) == 0);
}

int sw_sb_check_source(const char *s, size_t n, unsigned long *bad_line, char *why, size_t size)
{
	*bad_line = 0;
	if (n > SB_SOURCE_MAX) {
		snprintf(why, size, "the rubric is %zu bytes long, over the limit of %u KiB (move "
		         "data into the framework or the evidence)", n, SB_SOURCE_MAX / 1024);
		return SW_EINVALID;
	}
	unsigned long count[MAX_FRAMES] = { 0 };
	int depth = 0;
	unsigned long line = 1;
	bool after_dot = false; /* the previous token was '.' or ':' (a name follows) */
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t br = sw_sb_line_break(s + i, s + n);
		if (br) {
			line++, i += br;
			continue;
		}
		if (isspace(c)) {
			i++;
			continue;
		}
		if (c == '-' && i + 1 < n && s[i + 1] == '-') { /* a comment */
			i += 2;
			const char *q =
			    i < n && s[i] == '[' ? sw_sb_skip_long(s + i, s + n, &line) : NULL;
			if (q)
				i = (size_t)(q - s);
			else
				while (i < n && s[i] != '\n' && s[i] != '\r')
					i++;
			continue;
		}
		const char *q = c == '[' ? sw_sb_skip_long(s + i, s + n, &line) : NULL;
		if (q) { /* a long string */
			i = (size_t)(q - s);
			after_dot = false;
			continue;
		}
		if (c == '"' || c == '\'') { /* a string: no link, no new count */
			for (i++; i < n && s[i] != (char)c && !sw_sb_line_break(s + i, s + n); i++) {
				if (s[i] == '\\' && i + 1 < n) {
					size_t esc = sw_sb_line_break(s + i + 1, s + n);
					line += esc > 0;
					i += esc > 1 ? 2 : 1;
				}
			}
			i++;
			after_dot = false;
			continue;
		}
		if (isdigit(c) || (c == '.' && i + 1 < n && isdigit((unsigned char)s[i + 1]))) {
			for (i++; i < n; i++) {
				unsigned char d = (unsigned char)s[i];
				if (!(isalnum(d) || d == '.' || d == '_' ||
				      ((d == '+' || d == '-') && strchr("eEpP", s[i - 1]))))
					break;
			}
			after_dot = false;
			continue;
		}
		if (isalpha(c) || c == '_') {
			size_t b = i;
			while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_'))
				i++;
			if (i - b == 4 && memcmp(s + b, "_ENV", 4) == 0 && env_attrib(s, i, n)) {
				*bad_line = line;
				snprintf(why, size, "_ENV cannot be declared <const> or <close> in a rubric "
				         "(Lua 5.4.4 compiles it into code that reads outside its memory)");
				return SW_EINVALID;
			}
			if (!after_dot && depth < MAX_FRAMES)
				count[depth] = 0; /* a new primary expression, or a keyword */
			after_dot = false;
			continue;
		}
		after_dot = false;
		i++;
		if (depth >= MAX_FRAMES)
			return SW_OK; /* deeper than Lua's parser allows: it refuses the rubric */
		if (c == '.' && !(i < n && s[i] == '.')) {
			count[depth]++;
			after_dot = true;
		} else if (c == ':' && !(i < n && s[i] == ':')) {
			count[depth]++;
			after_dot = true;
		} else if (c == '[' || c == '(' || c == '{') {
			if (++depth < MAX_FRAMES)
				count[depth] = 0;
			continue;
		} else if (c == ']' || c == ')' || c == '}') {
			if (depth == 0)
				continue;
			unsigned long inner = count[depth--];
			if (c == '}')
				count[depth] = 0;
			else
				count[depth] += inner + (c == ']');
		} else {
			while (i < n && (s[i] == '.' || s[i] == ':') && s[i] == (char)c)
				i++; /* "..", "...", "::" */
			count[depth] = 0;
		}
		if (count[depth] > SB_CHAIN_MAX) {
			*bad_line = line;
			snprintf(why, size, "an expression here chains more than %d field accesses "
			         "(a.b.c...); Lua would take minutes or crash naming it in an error "
			         "message: keep parts of the chain in local variables", SB_CHAIN_MAX);
			return SW_EINVALID;
		}
	}
	return SW_OK;
}
