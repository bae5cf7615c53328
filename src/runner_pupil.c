/*
 * runner_pupil.c - evaluating one pupil with a runner (sw_runner_pupil): the
 * rubric's instance (kept or run again, runner_instance.c), the pupil's ctx,
 * skill() per skill with its evidence (runner_evidence.c), pupil() once, the
 * results read back with raw access only, every error through
 * runner_error.c; a built-in rubric computed in C is handed to native.c.
 */
#include "internal.h"
#include "rubric.h"
#include "strict.h"

#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The keys a returned table may have. */
static const char *const step_keys[] = { "step", "note" };
static const char *const label_keys[] = { "flags", "awards" };

/* What the protected steps of one pupil's evaluation need (all Lua work
   runs inside lua_pcall, so that even a failed allocation in the host's
   own calls to Lua becomes an error for that pupil, never a panic). */
typedef struct pstep {
	sw_runner *r;
	sw_result *res;
	const char *as_of_text;
	const sw_record *recs;
	size_t count;
	const sw_skill *sk;
} pstep;

/* Protected: a fresh instance of the rubric and the pupil's ctx (t, ctx). */
static int begin_protected(lua_State *L)
{
	pstep *a = lua_touserdata(L, 1);
	sw_runner *r = a->r;
	lua_settop(L, 0);
	/* the same memory and random numbers for this pupil on every run, in any order */
	sw_sb_begin_pupil(&r->sb);
	sw_sb_seed_random(&r->sb, r->eng->roster->pupils[a->res->pupil].id);
	if (r->inst_ref != LUA_NOREF) { /* kept: as a fresh run would leave it */
		lua_rawgeti(L, LUA_REGISTRYINDEX, r->inst_ref);
	} else {
		lua_rawgeti(L, LUA_REGISTRYINDEX, r->chunk_ref);
		sw_sb_new_env(&r->sb);
		if (!lua_setupvalue(L, -2, 1))
			lua_pop(L, 1);
		lua_call(L, 0, 1);
	}
	if (!lua_istable(L, 1))
		return luaL_error(L, "the rubric did not return a table");
	sw_runner_ctx_push(r, L, a->res->pupil, a->as_of_text); /* ctx at 2 */
	return 2;
}

/* Leaves the rubric table at 1 and ctx at 2; false (error recorded) when
   the rubric fails to run. */
static bool begin_pupil(sw_runner *r, sw_result *res, const char *as_of_text)
{
	lua_State *L = r->sb.L;
	lua_settop(L, 0);
	pstep a = { r, res, as_of_text, NULL, 0, NULL };
	lua_pushcfunction(L, begin_protected);
	lua_pushlightuserdata(L, &a);
	if (sw_sb_call(&r->sb, 1, 2) != LUA_OK) {
		sw_runner_call_error(r, res, NULL);
		lua_settop(L, 0);
		return false;
	}
	return true;
}

/* Reads a step from the value at idx: nil, an integer, or a float with an
   integer value. Returns NULL when fine, else what is wrong. */
static const char *read_step(lua_State *L, int idx, const sw_skill *sk, int *has, int *step,
                             char *buf, size_t size)
{
	int t = lua_type(L, idx);
	*has = 0;
	if (t == LUA_TNIL)
		return NULL;
	if (t != LUA_TNUMBER) {
		snprintf(buf, size, "a step that is a %s, not an integer", lua_typename(L, t));
		return buf;
	}
	lua_Integer v;
	if (lua_isinteger(L, idx)) {
		v = lua_tointeger(L, idx);
	} else {
		lua_Number n = lua_tonumber(L, idx);
		if (isnan(n)) {
			snprintf(buf, size, "a step that is not a number (NaN): a division by zero, such "
			         "as 0/0?");
			return buf;
		}
		if (isinf(n)) {
			snprintf(buf, size, "an infinite step: a division by zero?");
			return buf;
		}
		if (!isfinite(n) || n != floor(n) || fabs(n) > 1e9) {
			snprintf(buf, size, "step %g, which is not an integer", (double)n);
			return buf;
		}
		v = (lua_Integer)n;
	}
	if (sk && (v < sk->min || v > sk->max)) {
		snprintf(buf, size, "step %lld, outside %s (%d to %d)", (long long)v, sk->id,
		         sk->min, sk->max);
		return buf;
	}
	*has = 1;
	*step = (int)v;
	return NULL;
}

/* Copies a note (string, valid UTF-8, bounded) to NFC; NULL or the problem. */
static const char *read_note(sw_runner *r, lua_State *L, int idx, char **note)
{
	*note = NULL;
	int t = lua_type(L, idx);
	if (t == LUA_TNIL)
		return NULL;
	if (t != LUA_TSTRING)
		return "a note that is not a string";
	size_t n;
	const char *s = lua_tolstring(L, idx, &n);
	if (n > SW_NOTE_MAX)
		return "a note longer than 4096 bytes";
	int rc = sw_text_nfc(&r->eng->mem, s, n, note, NULL);
	if (rc == SW_EINVALID)
		return "a note that is not valid UTF-8";
	if (rc)
		return "out of memory";
	return NULL;
}

/* Converts what skill() returned (on top) into the result for skill k. */
static void take_result(sw_runner *r, sw_result *res, const sw_skill *sk)
{
	lua_State *L = r->sb.L;
	sw_skill_result *out = &res->skills[sk->index];
	char buf[160];
	const char *bad = NULL;
	int t = lua_type(L, -1);
	sw_sb_unveil(L, -1, false); /* a record returned: its texts too */
	const char *unknown = t == LUA_TTABLE ? sw_strict_unknown_key(L, -1, step_keys, 2) : NULL;
	sw_buf kb;
	sw_buf_init(&kb, &r->eng->mem);
	if (unknown) {
		sw_buf_printf(&kb, "a table with an unknown key '%s'", unknown);
		sw_strict_describe(&kb, "key", unknown, step_keys, 2);
		bad = sw_buf_cstr(&kb) ? kb.p : "a table with an unknown key";
	} else if (t == LUA_TTABLE) {
		lua_pushliteral(L, "step");
		lua_rawget(L, -2);
		bad = read_step(L, -1, sk, &out->has_step, &out->step, buf, sizeof buf);
		lua_pop(L, 1);
		if (!bad) {
			lua_pushliteral(L, "note");
			lua_rawget(L, -2);
			bad = read_note(r, L, -1, &out->note);
			lua_pop(L, 1);
		}
	} else if (t == LUA_TNIL || t == LUA_TNUMBER) {
		bad = read_step(L, -1, sk, &out->has_step, &out->step, buf, sizeof buf);
	} else {
		snprintf(buf, sizeof buf, "a %s; expected nil, an integer step or "
		         "{step = ..., note = ...}", lua_typename(L, t));
		bad = buf;
	}
	lua_pop(L, 1);
	if (bad) {
		out->has_step = 0;
		sw_mem_free(&r->eng->mem, out->note);
		out->note = NULL;
		int line = r->skill_line;
		if (bad == buf && (strstr(buf, "(NaN)") || strstr(buf, "infinite")))
			line = sw_runner_return_line(r, line);
		sw_runner_add_errorf(r, res, sk->id, "%s:%d: skill() returned %s", r->eng->rubric->display,
		           line, bad);
	}
	sw_buf_free(&kb);
}

/* Reads a list of strings (flags or awards) from field key of the table on top. */
static void take_labels(sw_runner *r, sw_result *res, const char *key, char ***list,
                        size_t *count, size_t *cap)
{
	lua_State *L = r->sb.L;
	lua_pushstring(L, key);
	int t = lua_rawget(L, -2);
	if (t == LUA_TTABLE) {
		sw_sb_unveil(L, -1, false); /* an evidence array returned as the list */
		for (lua_Integer i = 1;; i++) {
			int vt = lua_rawgeti(L, -1, i);
			if (vt == LUA_TNIL) {
				lua_pop(L, 1);
				break;
			}
			size_t n;
			const char *s = vt == LUA_TSTRING ? lua_tolstring(L, -1, &n) : NULL;
			if (!s || n > 200 || !sw_text_valid(s, n) || i > SW_LABELS_MAX) {
				sw_runner_add_errorf(r, res, NULL, "%s:%d: pupil() returned a bad %s list: each must "
				           "be a string of at most 200 bytes, at most %d of them",
				           r->eng->rubric->display, r->pupil_line, key, SW_LABELS_MAX);
				lua_pop(L, 1);
				break;
			}
			char *nfc;
			if (sw_text_nfc(&r->eng->mem, s, n, &nfc, NULL) == SW_OK) {
				if (sw_result_push(res, list, count, cap, nfc) != SW_OK)
					r->lost = true;
				sw_mem_free(&r->eng->mem, nfc);
			} else { /* valid UTF-8 was checked: out of memory */
				r->lost = true;
			}
			lua_pop(L, 1);
		}
	} else if (t != LUA_TNIL) {
		sw_runner_add_errorf(r, res, NULL, "%s:%d: pupil() returned %s as a %s; expected an array of "
		           "strings", r->eng->rubric->display, r->pupil_line, key, lua_typename(L, t));
	}
	lua_pop(L, 1);
}

/* Protected (t, ctx, step): one skill() call and the reading of its result
   (a closure with the names as upvalues: runner_evidence.c). */
int sw_runner_skill_step(lua_State *L)
{
	pstep *a = lua_touserdata(L, 3);
	sw_runner *r = a->r;
	const sw_framework *fw = r->eng->fw;
	const sw_pupil *p = &r->eng->roster->pupils[a->res->pupil];
	lua_settop(L, 2);
	lua_pushliteral(L, "skill");
	lua_rawget(L, 1);
	sw_runner_evidence_push(r, L, a->sk->index);
	lua_pushliteral(L, "skill");
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->skills_ref);
	lua_rawgeti(L, -1, (lua_Integer)a->sk->index + 1);
	lua_replace(L, -2);
	lua_rawset(L, 2);
	lua_pushliteral(L, "expected");
	int expected;
	if (p->year != SW_NO_YEAR && sw_framework_has_expected(&expected, fw, p->year, a->sk))
		lua_pushinteger(L, expected);
	else
		lua_pushnil(L);
	lua_rawset(L, 2);
	lua_pushvalue(L, 2);
	lua_call(L, 2, 1);
	take_result(r, a->res, a->sk);
	return 0;
}

/* Protected (t, ctx, step): the pupil() call and its flags and awards. */
static int pupil_protected(lua_State *L)
{
	pstep *a = lua_touserdata(L, 3);
	sw_runner *r = a->r;
	sw_result *res = a->res;
	const sw_framework *fw = r->eng->fw;
	lua_settop(L, 2);
	lua_pushliteral(L, "pupil");
	lua_rawget(L, 1);
	lua_createtable(L, 0, (int)fw->skill_count);
	for (size_t k = 0; k < fw->skill_count; k++) {
		if (!res->skills[k].has_step)
			continue;
		lua_pushinteger(L, res->skills[k].step);
		lua_setfield(L, -2, fw->skills[k].id);
	}
	lua_pushliteral(L, "skill");
	lua_pushnil(L);
	lua_rawset(L, 2);
	lua_pushliteral(L, "expected");
	lua_pushnil(L);
	lua_rawset(L, 2);
	lua_pushvalue(L, 2);
	lua_call(L, 2, 1);
	sw_sb_unveil(L, -1, false);
	const char *unknown = lua_istable(L, -1) ? sw_strict_unknown_key(L, -1, label_keys, 2)
	                                         : NULL;
	if (unknown) {
		sw_buf b;
		sw_buf_init(&b, &r->eng->mem);
		sw_buf_printf(&b, "%s:%d: pupil() returned a table with an unknown key '%s'",
		              r->eng->rubric->display, r->pupil_line, unknown);
		sw_strict_describe(&b, "key", unknown, label_keys, 2);
		sw_runner_add_error(r, res, sw_buf_cstr(&b) ? b.p : "pupil() returned an unknown key", NULL);
		sw_buf_free(&b);
	} else if (lua_istable(L, -1)) {
		take_labels(r, res, "flags", &res->flags, &res->flag_count, &res->flag_cap);
		take_labels(r, res, "awards", &res->awards, &res->award_count, &res->award_cap);
	} else if (!lua_isnil(L, -1)) {
		sw_runner_add_errorf(r, res, NULL, "%s:%d: pupil() returned a %s; expected nil or "
		           "{flags = {...}, awards = {...}}", r->eng->rubric->display,
		           r->pupil_line, luaL_typename(L, -1));
	}
	return 0;
}

/* Rebuilds the Lua state after the memory limit was hit. */
static bool rebuild(sw_runner *r)
{
	return sw_runner_reset(r) == SW_OK;
}

/* Runs one protected step f (NULL: sw_runner_skill_step) with t and ctx (at
   1 and 2) as arguments; on an error records it and, after the memory
   limit, rebuilds the state.
   Returns LUA_OK, another Lua status, or -1 when the state could not be rebuilt. */
static int protected_step(sw_runner *r, lua_CFunction f, pstep *a, const char *skill)
{
	lua_State *L = r->sb.L;
	if (f)
		lua_pushcfunction(L, f);
	else
		lua_rawgeti(L, LUA_REGISTRYINDEX, r->skill_step_ref);
	lua_pushvalue(L, 1);
	lua_pushvalue(L, 2);
	lua_pushlightuserdata(L, a);
	int st = sw_sb_call(&r->sb, 3, 0);
	if (st == LUA_OK)
		return st;
	bool memory = r->sb.abort == SB_ABORT_MEMORY || st == LUA_ERRMEM;
	if (r->sb.abort == SB_ABORT_INSTRUCTIONS || r->sb.abort == SB_ABORT_TIME) {
		r->limit_hits++;
		r->limit_line = r->sb.abort_line;
	}
	sw_runner_call_error(r, a->res, skill);
	if (memory && !rebuild(r))
		return -1;
	return st;
}


/* One evaluation of a pupil on the state as it is (sw_runner_pupil). */
static int pupil_once(sw_runner *r, sw_result *res, size_t pupil, const sw_record *recs,
                      size_t n, int32_t as_of, const char *as_of_text)
{
	const sw_framework *fw = r->eng->fw;
	sw_result_clear(res);
	res->pupil = pupil;
	r->lost = false;
	if (r->native.kind) { /* a built-in rubric computed in C: no Lua call */
		sw_native_pupil(&r->native, fw, recs, n, as_of, res->skills);
		return SW_OK;
	}
	if (!r->sb.L && !rebuild(r)) /* an earlier rebuild ran out of memory */
		return SW_ENOMEM;
	if (sw_mem_grow(&r->eng->mem, (void **)&r->ranges, &r->ranges_cap, fw->skill_count,
	                sizeof *r->ranges))
		return SW_ENOMEM;
	r->pool_next = 0; /* the whole pool is free for this pupil */
	r->sb.records_written = false;
	r->pupil_number++; /* evidence arrays of earlier pupils can no longer be made */
	r->pupil_recs = recs;
	sw_runner_view_begin(r, n);
	bool ready = false, broken = false;
	size_t at = 0;
	for (size_t k = 0; k < fw->skill_count; k++) {
		const sw_skill *sk = &fw->skills[k];
		size_t start = at, count = sw_skill_records(recs, n, &at, k, as_of);
		res->skills[k].evidence = (uint32_t)count;
		r->ranges[k].start = count ? start : 0;
		r->ranges[k].count = count;
		r->ranges[k].indexed = false;
		if (broken)
			continue;
		if (!ready && !(ready = begin_pupil(r, res, as_of_text))) {
			broken = true;
			if (r->sb.abort == SB_ABORT_MEMORY && !rebuild(r))
				return SW_ENOMEM;
			continue;
		}
		pstep a = { r, res, as_of_text, recs ? recs + start : NULL, count, sk };
		unsigned hits = r->limit_hits;
		int st = protected_step(r, NULL, &a, sk->id); /* sw_runner_skill_step */
		if (st < 0)
			return SW_ENOMEM;
		if (r->stop_at_limit && r->limit_hits != hits)
			broken = true; /* the probe needs no more of this pupil */
		if (st != LUA_OK && r->sb.L && lua_gettop(r->sb.L) < 2)
			ready = false; /* the state was rebuilt: a fresh instance for the next skill */
	}
	if (ready && r->has_pupil_fn && !broken) {
		pstep a = { r, res, as_of_text, NULL, 0, NULL };
		if (protected_step(r, pupil_protected, &a, NULL) < 0)
			return SW_ENOMEM;
	}
	if (r->sb.L)
		lua_settop(r->sb.L, 0);
	if (ready)
		sw_runner_instance_restore(r);
	return r->lost ? SW_ENOMEM : SW_OK;
}

/*
 * A pupil's result must not depend on the pupils evaluated before it on
 * the same state (their order and --jobs differ between runs): what they
 * leave that no collection frees (a grown stack, the string table) could
 * decide whether this pupil fits in memory. So a pupil whose evaluation
 * came near the memory limit (more than half used or asked for) is
 * evaluated again on a fresh state unless it had one, and the state is
 * rebuilt after it. A pupil that stays under half never depends on what
 * came before: nothing it can see does, and memory could not run out.
 */
static int runner_pupil(sw_runner *r, sw_result *res, size_t pupil, const sw_record *recs,
                        size_t n, int32_t as_of, const char *as_of_text)
{
	for (int attempt = 0;; attempt++) {
		bool fresh = r->sb.L && r->sb.fresh;
		r->sb.fresh = false;
		r->sb.peak = r->sb.used;
		int rc = pupil_once(r, res, pupil, recs, n, as_of, as_of_text);
		if (rc != SW_OK || r->native.kind || !r->sb.L || r->sb.peak <= r->sb.limit / 2)
			return rc;
		if (!rebuild(r)) /* near the limit: a fresh state for what follows */
			return SW_ENOMEM;
		if (fresh || attempt > 0)
			return SW_OK;
	}
}

int sw_runner_pupil(sw_runner *r, sw_result *res, size_t pupil, const sw_record *recs,
                    size_t n, int32_t as_of, const char *as_of_text)
{
	if (r->native.kind) /* computed in C: no number is formatted or parsed */
		return runner_pupil(r, res, pupil, recs, n, as_of, as_of_text);
	locale_t old = sw_locale_enter();
	int rc = runner_pupil(r, res, pupil, recs, n, as_of, as_of_text);
	sw_locale_leave(old);
	return rc;
}

void sw_runner_stopped(sw_runner *r, sw_result *res, size_t pupil, const sw_record *recs,
                       size_t n, int32_t as_of, const char *msg)
{
	const sw_framework *fw = r->eng->fw;
	sw_result_clear(res);
	res->pupil = pupil;
	size_t at = 0;
	for (size_t k = 0; k < fw->skill_count; k++)
		res->skills[k].evidence = (uint32_t)sw_skill_records(recs, n, &at, k, as_of);
	sw_runner_add_error(r, res, msg, NULL);
}
