/*
 * native.c - the built-in rubrics (the scripts in scripts/rubrics) computed in C.
 *
 * A built-in rubric loaded by name is still compiled and checked as Lua,
 * and its merged parameters are read from the Lua table; when they are
 * well formed, each skill's step is then computed here, over the stored
 * records, with no Lua call at all. The results are the ones the Lua
 * source gives (tests/unit/test_native.c compares both on random
 * evidence): the same filters, the same order of records and the same
 * double arithmetic. Parameters the Lua source would refuse (times = 0,
 * rate = 2, ...) leave the rubric on the Lua path, so its error messages
 * stay the Lua ones. Prefix sw_native_.
 */
#include "internal.h"
#include "rubric.h"

#include <lauxlib.h>
#include <math.h>
#include <string.h>

static const char *const kind_names[] = { NULL, "highest", "latest", "secured-n", "average",
	                                  "decaying-average" };

int sw_native_kind(const char *name)
{
	for (int k = SW_NATIVE_HIGHEST; k <= SW_NATIVE_DECAYING; k++)
		if (strcmp(name, kind_names[k]) == 0)
			return k;
	return SW_NATIVE_NONE;
}

/* The sources mask for `sources` as stepwise.source_set reads it: "" is
   every source; else the comma- or space-separated words, lower-cased,
   that name a source (other words match nothing). *bad, when not NULL,
   is set to the first word that names no source (length *bad_len). */
static unsigned source_mask(const char *s, size_t n, const char **bad, size_t *bad_len)
{
	if (n == 0)
		return SW_NATIVE_ALL_SOURCES;
	unsigned mask = 0;
	size_t i = 0;
	while (i < n) {
		while (i < n && (s[i] == ',' || s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')))
			i++;
		size_t start = i;
		while (i < n && !(s[i] == ',' || s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')))
			i++;
		size_t len = i - start;
		const char *w = s + start;
		unsigned word = 0;
		for (int k = 0; len && k < SW_SOURCE_COUNT; k++) {
			const char *name = sw_source_names[k];
			size_t j = 0;
			while (j < len && name[j] &&
			       name[j] == (w[j] >= 'A' && w[j] <= 'Z' ? w[j] - 'A' + 'a' : w[j]))
				j++;
			if (j == len && name[j] == '\0')
				word |= 1u << k;
		}
		if (len && !word && bad && !*bad) {
			*bad = w;
			*bad_len = len;
		}
		mask |= word;
	}
	return mask;
}

bool sw_native_bad_source(const char *s, size_t n, char *word, size_t size)
{
	const char *bad = NULL;
	size_t len = 0;
	source_mask(s, n, &bad, &len);
	if (!bad)
		return false;
	len = len < size - 1 ? len : size - 1;
	memcpy(word, bad, len);
	word[len] = '\0';
	return true;
}

bool sw_native_setup(sw_native *nv, int kind, lua_State *L, int params)
{
	memset(nv, 0, sizeof *nv);
	if (kind == SW_NATIVE_NONE)
		return false;
	lua_pushliteral(L, "sources");
	int t = lua_rawget(L, params);
	size_t n = 0;
	const char *s = t == LUA_TSTRING ? lua_tolstring(L, -1, &n) : NULL;
	lua_pop(L, 1);
	if (!s)
		return false; /* tostring() of a number or boolean: leave it to Lua */
	nv->sources = source_mask(s, n, NULL, NULL);
	if (kind == SW_NATIVE_SECURED_N) {
		lua_pushliteral(L, "times");
		lua_rawget(L, params);
		int ok = lua_isinteger(L, -1) && lua_tointeger(L, -1) >= 1;
		lua_Integer v = ok ? lua_tointeger(L, -1) : 0;
		lua_pop(L, 1);
		if (!ok)
			return false;
		nv->times = v > (lua_Integer)UINT32_MAX ? UINT32_MAX : (uint32_t)v;
	} else if (kind == SW_NATIVE_DECAYING) {
		lua_pushliteral(L, "rate");
		lua_rawget(L, params);
		int ok = lua_type(L, -1) == LUA_TNUMBER;
		double rate = ok ? (double)lua_tonumber(L, -1) : 0;
		lua_pop(L, 1);
		if (!ok || !(rate >= 0 && rate <= 1))
			return false;
		nv->rate = rate;
	}
	nv->kind = kind;
	return true;
}

/* True when record r counts: secured, from one of the sources. */
static bool counts(const sw_native *nv, const sw_record *r)
{
	return r->outcome == SW_OUTCOME_SECURED && (nv->sources >> r->source & 1u);
}

/* The largest v with at least `times` counted records at or above v
   (stepwise.secured_n): a search over [lo, hi], where every step lies. */
static bool nth_highest(const sw_native *nv, const sw_record *recs, size_t n, int lo, int hi,
                        int *step)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += counts(nv, &recs[i]);
	if (total < nv->times)
		return false;
	/* count(>= lo) = total >= times; find the last v with count(>= v) >= times */
	int64_t a = lo, b = hi;
	while (a < b) {
		int64_t mid = a + (b - a + 1) / 2;
		size_t c = 0;
		for (size_t i = 0; i < n; i++)
			c += counts(nv, &recs[i]) && recs[i].step >= mid;
		if (c >= nv->times)
			a = mid;
		else
			b = mid - 1;
	}
	*step = (int)a;
	return true;
}

/* The step for one skill over its records (sorted by date, input order),
   for the rubrics that need order or a search; false when there is none. */
static bool native_skill(const sw_native *nv, const sw_skill *sk, const sw_record *recs,
                         size_t n, int *step)
{
	bool any = false;
	int best = 0;
	int64_t sum = 0;
	size_t count = 0;
	double d = 0;
	switch (nv->kind) {
	case SW_NATIVE_SECURED_N:
		return nth_highest(nv, recs, n, sk->min, sk->max, step);
	case SW_NATIVE_LATEST:
		for (size_t i = n; i-- > 0;)
			if (counts(nv, &recs[i])) {
				best = recs[i].step;
				any = true;
				break;
			}
		break;
	case SW_NATIVE_AVERAGE:
		for (size_t i = 0; i < n; i++)
			if (counts(nv, &recs[i])) {
				sum += recs[i].step;
				count++;
			}
		if (count) {
			best = (int)floor((double)sum / (double)count + 1e-9);
			any = true;
		}
		break;
	case SW_NATIVE_DECAYING:
		for (size_t i = 0; i < n; i++) {
			if (!counts(nv, &recs[i]))
				continue;
			d = any ? d * (1 - nv->rate) + recs[i].step * nv->rate : recs[i].step;
			any = true;
		}
		if (any)
			best = (int)floor(d + 1e-9);
		break;
	default:
		break;
	}
	*step = best;
	return any;
}

bool sw_native_order_free(const sw_native *nv)
{
	return nv->kind == SW_NATIVE_HIGHEST;
}

void sw_native_pupil(const sw_native *nv, const sw_framework *fw, const sw_record *recs,
                     size_t n, int32_t as_of, sw_skill_result *out)
{
	for (size_t k = 0; k < fw->skill_count; k++) {
		out[k].evidence = 0;
		out[k].has_step = 0;
		out[k].step = 0;
	}
	if (!sw_native_order_free(nv)) {
		/* sorted by skill, then date: each skill's records dated up to as_of */
		size_t at = 0;
		for (size_t k = 0; k < fw->skill_count; k++) {
			size_t start = at, count = sw_skill_records(recs, n, &at, k, as_of);
			out[k].evidence = (uint32_t)count;
			out[k].has_step = native_skill(nv, &fw->skills[k], count ? recs + start : NULL,
			                               count, &out[k].step);
		}
		return;
	}
	/* highest: one pass over the records in any order */
	for (size_t i = 0; i < n; i++) {
		const sw_record *r = &recs[i];
		if (r->date > as_of)
			continue;
		sw_skill_result *o = &out[r->skill];
		o->evidence++;
		if (counts(nv, r) && (!o->has_step || r->step > o->step)) {
			o->step = r->step;
			o->has_step = 1;
		}
	}
}
