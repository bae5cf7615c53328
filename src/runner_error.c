/*
 * runner_error.c - a Lua rubric's errors as messages for teachers: every
 * error names the rubric, its line, the pupil and the skill; an error Lua
 * raised inside the helper library is told at the rubric's line with the
 * helper's name; a limit keeps Lua's location with the limit's own text.
 */
#include "internal.h"
#include "rubric.h"
#include "embedded.h"

#include <lauxlib.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Adds "RUBRIC:LINE: MESSAGE (pupil P, skill S)" to the result's errors. */
void sw_runner_add_error(sw_runner *r, sw_result *res, const char *msg, const char *skill)
{
	sw_buf b;
	sw_buf_init(&b, &r->eng->mem);
	const char *disp = r->eng->rubric->display;
	size_t dn = strlen(disp);
	if (strncmp(msg, disp, dn) != 0 || msg[dn] != ':')
		sw_buf_printf(&b, "%s: ", disp);
	const char *pid = r->eng->roster->pupils[res->pupil].id;
	/* what a rubric raised is cut at SB_ERROR_MAX bytes, control characters
	   shown as '?' (it reaches terminals) */
	size_t mn = strlen(msg), at = 0; /* the text after "RUBRIC:LINE: " */
	if (strncmp(msg, disp, dn) == 0 && msg[dn] == ':') {
		at = dn + 1 + strspn(msg + dn + 1, "0123456789");
		at += strncmp(msg + at, ": ", 2) == 0 ? 2 : 0;
	}
	size_t cut = at + sw_sb_safe_length(msg + at, mn - at, SB_ERROR_MAX);
	sw_buf_add(&b, msg, cut);
	if (cut < mn)
		sw_buf_printf(&b, " [message cut at %u bytes]", SB_ERROR_MAX);
	sw_buf_printf(&b, " (pupil %s%s%s)", pid, skill ? ", skill " : "", skill ? skill : "");
	if (!sw_buf_cstr(&b) ||
	    sw_result_add_error(res, sw_sb_safe_text(b.p), sw_result_skill_index(res, skill)) != SW_OK)
		r->lost = true; /* the run fails with out of memory: never a silent loss */
	sw_buf_free(&b);
}

/* add_error with a message made by printf: "RUBRIC:LINE: ..." can be as long
   as the rubric's path, so no fixed buffer. */
void sw_runner_add_errorf(sw_runner *r, sw_result *res, const char *skill, const char *fmt, ...)
{
	sw_buf b;
	sw_buf_init(&b, &r->eng->mem);
	va_list ap;
	va_start(ap, fmt);
	sw_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	sw_runner_add_error(r, res, sw_buf_cstr(&b) ? b.p : "out of memory", skill);
	sw_buf_free(&b);
}

/*
 * The line of the rubric that called helper NAME, for a helper's error
 * ("stepwise.NAME: ...") that Lua could not place: a tail call (`return
 * stepwise.NAME(...)`) leaves no frame of the rubric. The first line from
 * `from` on that mentions stepwise.NAME; 0 when none does.
 */
int sw_runner_helper_line(const sw_runner *r, const char *msg, int from)
{
	const char *colon = strchr(msg, ':');
	if (strncmp(msg, "stepwise.", 9) != 0 || !colon || colon - msg > 64)
		return 0;
	size_t n = (size_t)(colon - msg);
	const char *src = r->eng->rubric->source;
	size_t len = r->eng->rubric->len;
	int line = 1;
	for (size_t i = 0; i + n <= len; i++) {
		if (line >= from && memcmp(src + i, msg, n) == 0 &&
		    (i + n == len || !(src[i + n] == '_' ||
		                       ((src[i + n] | 32) >= 'a' && (src[i + n] | 32) <= 'z'))))
			return line;
		line += src[i] == '\n';
	}
	return 0;
}

/*
 * An error Lua raised inside the helper library ("stepwise.lua:80: attempt
 * to compare nil with number", after the rubric's "FILE:LINE: " when Lua
 * knew it) told in the rubric's terms: "stepwise.highest: attempt to ...
 * (a record without a step?)". The helper is the function of
 * scripts/stepwise.lua that holds the line. False when msg is not one.
 */
static bool helper_error(sw_buf *out, const char *msg)
{
	const char *at = strstr(msg, "stepwise.lua:");
	if (!at)
		return false;
	char *end;
	unsigned long line = strtoul(at + 13, &end, 10);
	const sw_embedded_file *f = sw_embedded_find("scripts/stepwise.lua");
	if (!f || end == at + 13 || strncmp(end, ": ", 2) != 0)
		return false;
	/* the last "function S.NAME(" at or before the line */
	const char *name = NULL;
	size_t name_len = 0;
	unsigned long n = 1;
	for (size_t i = 0; i < f->size && n <= line; i++) {
		if ((i == 0 || f->data[i - 1] == '\n') && strncmp(f->data + i, "function S.", 11) == 0) {
			name = f->data + i + 11;
			name_len = strcspn(name, "(");
		}
		n += f->data[i] == '\n';
	}
	if (!name)
		return false;
	const char *rest = end + 2;
	sw_buf_add(out, msg, (size_t)(at - msg));
	sw_buf_printf(out, "stepwise.%.*s: %s", (int)name_len, name, rest);
	if (strstr(rest, "nil") && (strstr(rest, "compare") || strstr(rest, "arithmetic")))
		sw_buf_puts(out, " (a record without a step, or a value that is nil?)");
	return true;
}

/* Turns the error on top of the stack (or a limit) into a message. */
void sw_runner_call_error(sw_runner *r, sw_result *res, const char *skill)
{
	lua_State *L = r->sb.L;
	char buf[256];
	if (r->sb.abort) {
		/* keep the location Lua gave ("NAME:LINE:"), replace the text */
		const char *m = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
		const char *disp = r->eng->rubric->display;
		size_t dn = strlen(disp);
		sw_buf b;
		sw_buf_init(&b, &r->eng->mem);
		if (r->sb.abort_line > 0) {
			sw_buf_printf(&b, "%s:%d: ", disp, r->sb.abort_line);
		} else if (strncmp(m, disp, dn) == 0 && m[dn] == ':') {
			const char *end = strchr(m + dn + 1, ':');
			if (end)
				sw_buf_add(&b, m, (size_t)(end - m) + 2);
		}
		sw_buf_puts(&b, sw_sb_abort_message(&r->sb, buf, sizeof buf));
		sw_runner_add_error(r, res, sw_buf_cstr(&b) ? b.p : "limit reached", skill);
		sw_buf_free(&b);
	} else {
		const char *m = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
		if (!m) {
			snprintf(buf, sizeof buf, "error object is a %s, not a message",
			         luaL_typename(L, -1));
			m = buf;
		}
		sw_buf hb;
		sw_buf_init(&hb, &r->eng->mem);
		if (helper_error(&hb, m) && sw_buf_cstr(&hb))
			m = hb.p;
		int hl = sw_runner_helper_line(r, m, skill ? r->skill_line : r->pupil_line ? r->pupil_line : 1);
		if (hl > 0)
			sw_runner_add_errorf(r, res, skill, "%s:%d: %s", r->eng->rubric->display, hl, m);
		else
			sw_runner_add_error(r, res, m, skill);
		sw_buf_free(&hb);
	}
	lua_pop(L, 1);
}

/* The line of skill()'s `return` (a step that is not a number is told at
   it): the only line of the function with a `return`, or of those the one
   that divides; `def` when there is none. */
int sw_runner_return_line(const sw_runner *r, int def)
{
	const char *src = r->eng->rubric->source, *end = src + r->eng->rubric->len;
	int line = 1, found = 0, dividing = 0, count = 0;
	for (const char *p = src; p < end; line++) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		if (!e)
			e = end;
		if (line >= r->skill_line && line <= r->skill_last) {
			for (const char *q = p; q + 6 <= e; q++)
				if (memcmp(q, "return", 6) == 0 && (q == p || q[-1] == ' ' || q[-1] == '\t')) {
					count++;
					if (!found)
						found = line;
					if (!dividing && memchr(q, '/', (size_t)(e - q)))
						dividing = line;
					break;
				}
		}
		p = e + 1;
	}
	if (count == 1)
		return found;
	return dividing ? dividing : def;
}
