/*
 * summary_check.c - sw_summary_check: a summary file holds only the
 * format's fields, shows no count from 1 to N-1, no mean or percentage on
 * a suppressed count, and no suppressed count can be worked out from the
 * rest (the attacker of sdc.c).
 */
#include "summary.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_SHOWN 50

typedef struct checker {
	sw_buf out;
	size_t problems;
} checker;

static void problem(checker *c, const char *fmt, ...) SW_PRINTF(2, 3);
static void problem(checker *c, const char *fmt, ...)
{
	if (c->problems++ >= MAX_SHOWN)
		return;
	va_list ap;
	va_start(ap, fmt);
	sw_buf_vprintf(&c->out, fmt, ap);
	va_end(ap);
	sw_buf_putc(&c->out, '\n');
}

/* The fields each object of the format may have. */
static const char *const TOP[] = { "format", "format_version", "stepwise_version", "school",
	                           "framework", "rubric", "as_of", "from", "min_count", "context",
	                           "skills", "figures", "figures_from", NULL };
static const char *const FRAMEWORK[] = { "id", "version", "hash", NULL };
static const char *const RUBRIC[] = { "name", "params", "hash", NULL };
static const char *const CONTEXT[] = { "pupils", "phase", "years", "parts", NULL };
static const char *const PART[] = { "cut", "year", "group", "pupils", "share", NULL };
static const char *const SKILL[] = { "id", "min", "max", NULL };
static const char *const FIG[] = { "skill", "part", "pupils", "assessed", "with_expected",
	                           "at_expected", "pct_at_expected", "mean", "coverage",
	                           "pct_coverage", "steps", NULL };

/* Reports every key of obj not in `allowed`, with its path. */
static void keys(checker *c, const cJSON *obj, const char *const *allowed, const char *path)
{
	if (!cJSON_IsObject(obj))
		return;
	const cJSON *it;
	cJSON_ArrayForEach(it, obj) {
		size_t i;
		for (i = 0; allowed[i] && strcmp(allowed[i], it->string) != 0; i++)
			;
		if (!allowed[i])
			problem(c, "%s.%s: a field the summary format does not have (it could hold a "
			        "pupil's data): remove it or make the summary again", path, it->string);
	}
}

static void keys_each(checker *c, const cJSON *arr, const char *const *allowed, const char *path)
{
	char buf[64];
	size_t i = 0;
	const cJSON *it;
	if (!cJSON_IsArray(arr))
		return;
	cJSON_ArrayForEach(it, arr) {
		snprintf(buf, sizeof buf, "%s[%zu]", path, i++);
		if (!cJSON_IsObject(it))
			problem(c, "%s: must be an object", buf);
		keys(c, it, allowed, buf);
	}
}

/* Describes a part (or its complement) in words. */
static void part_name(char *buf, size_t n, const sw_summary *s, size_t i, bool rest)
{
	const sw_spart *p = &s->parts[i];
	if (p->cut == SW_CUT_ALL)
		snprintf(buf, n, "all pupils");
	else if (p->cut == SW_CUT_YEAR && p->year == SW_NO_YEAR)
		snprintf(buf, n, "pupils without a year");
	else if (p->cut == SW_CUT_YEAR)
		snprintf(buf, n, "year %d", p->year);
	else
		snprintf(buf, n, "%s'%s'", rest ? "pupils not in " : "group ", p->group);
}

static const char *const WHAT[SW_SV_H] = { "pupils", "assessed", "with an expected step",
	                                   "at or above expected", "with evidence (coverage)",
	                                   "sum of steps", "not assessed",
	                                   "assessed without an expected step",
	                                   "below expected", "without evidence" };

/* Runs the attacker on one system and reports each count from 1 to N-1 it
   works out. */
static int attack(checker *c, const sw_summary *s, int date, size_t skill)
{
	size_t nv = sw_summary_nvars(s, skill);
	uint32_t *vars;
	sw_sdc sdc;
	int rc = sw_summary_system(&sdc, &vars, s, date, skill);
	uint8_t *det = rc ? NULL : sw_mem_calloc(&s->mem, sdc.n + 1, 1);
	int64_t *got = rc ? NULL : sw_mem_calloc(&s->mem, sdc.n + 1, sizeof *got);
	if (!rc && (!det || !got))
		rc = SW_ENOMEM;
	if (!rc)
		rc = sw_sdc_attack(&sdc, det, got);
	for (size_t i = 0; !rc && i < s->part_count * 2; i++) {
		if (i % 2 && s->parts[i / 2].cut != SW_CUT_GROUP)
			continue;
		for (size_t t = 0; t < nv; t++) {
			uint32_t v = vars[i * nv + t];
			if (!det[v] || sdc.kind[v] == SW_SDC_TOTAL || got[v] < 1 || got[v] >= s->min_count)
				continue;
			char pn[160], wn[64];
			part_name(pn, sizeof pn, s, i / 2, i % 2);
			if (t >= SW_SV_H)
				snprintf(wn, sizeof wn, "at step %d", s->skills[skill].min + (int)(t - SW_SV_H));
			else
				snprintf(wn, sizeof wn, "%s", WHAT[t]);
			problem(c, "%s%s: the number of %s %s can be worked out from the rest: %lld",
			        skill == SIZE_MAX ? "context" : date ? "figures_from " : "figures ",
			        skill == SIZE_MAX ? "" : s->skills[skill].id, pn, wn, (long long)got[v]);
		}
	}
	sw_mem_free(&s->mem, det);
	sw_mem_free(&s->mem, got);
	sw_sdc_free(&sdc);
	sw_mem_free(&s->mem, vars);
	return rc;
}

/* Shown counts from 1 to N-1, and figures resting on suppressed counts. */
static void shown(checker *c, const sw_summary *s, const cJSON *doc)
{
	int64_t n = s->min_count;
	char pn[160];
	const cJSON *parts = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(doc, "context"), "parts");
	for (size_t i = 0; i < s->part_count; i++) {
		const cJSON *pa = cJSON_GetArrayItem(parts, (int)i);
		part_name(pn, sizeof pn, s, i, false);
		if (s->parts[i].pupils >= 1 && s->parts[i].pupils < n)
			problem(c, "context: %s: %lld pupils shown, below the smallest count shown (%lld)",
			        pn, (long long)s->parts[i].pupils, (long long)n);
		const cJSON *sh = cJSON_GetObjectItemCaseSensitive(pa, "share");
		if (cJSON_IsNumber(sh) && (s->parts[i].pupils == SW_SUP || s->parts[0].pupils == SW_SUP))
			problem(c, "context: %s: a share is shown on a suppressed count", pn);
	}
	for (int d = 0; d < 2 && s->figs[d]; d++) {
		const cJSON *arr = cJSON_GetObjectItemCaseSensitive(doc, d ? "figures_from" : "figures");
		for (size_t k = 0; k < s->skill_count; k++)
			for (size_t i = 0; i < s->part_count; i++) {
				const sw_sfig *f = &s->figs[d][i * s->skill_count + k];
				const cJSON *row = cJSON_GetArrayItem(arr, (int)(k * s->part_count + i));
				part_name(pn, sizeof pn, s, i, false);
				const char *fig = d ? "figures_from" : "figures";
				const char *sk = s->skills[k].id;
				int64_t vals[] = { f->assessed, f->with_exp, f->at_exp, f->coverage };
				static const char *const names[] = { "assessed", "with_expected",
					                             "at_expected", "coverage" };
				for (int j = 0; j < 4; j++)
					if (vals[j] >= 1 && vals[j] < n)
						problem(c, "%s %s, %s: %s is %lld, below the smallest count shown",
						        fig, sk, pn, names[j], (long long)vals[j]);
				for (int st = 0; st <= s->skills[k].max - s->skills[k].min; st++)
					if (f->steps[st] >= 1 && f->steps[st] < n)
						problem(c, "%s %s, %s: %lld pupils at step %d, below the smallest count "
						        "shown", fig, sk, pn, (long long)f->steps[st],
						        s->skills[k].min + st);
				const cJSON *pp = cJSON_GetObjectItemCaseSensitive(row, "pupils");
				if (cJSON_IsNull(pp) ? s->parts[i].pupils != SW_SUP
				                     : !cJSON_IsNumber(pp) || s->parts[i].pupils == SW_SUP ||
				                           (int64_t)pp->valuedouble != s->parts[i].pupils)
					problem(c, "%s %s, %s: pupils differs from the context's", fig, sk, pn);
				struct {
					const char *key;
					bool sup;
				} rest[] = { { "pct_at_expected", f->at_exp == SW_SUP || f->with_exp == SW_SUP },
					     { "mean", f->assessed == SW_SUP },
					     { "pct_coverage", f->coverage == SW_SUP || s->parts[i].pupils == SW_SUP } };
				for (int j = 0; j < 3; j++)
					if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(row, rest[j].key)) &&
					    rest[j].sup)
						problem(c, "%s %s, %s: %s is shown on a suppressed count", fig, sk, pn,
						        rest[j].key);
			}
	}
}

int sw_summary_check(char **problems, const char *json, size_t len)
{
	if (problems)
		*problems = NULL;
	if (!json)
		return SW_EINVALID;
	sw_mem m;
	sw_mem_init(&m, NULL);
	checker c = { .problems = 0 };
	sw_buf_init(&c.out, &m);
	cJSON *doc = sw_cjson_parse(json, len, NULL);
	sw_summary *s = NULL;
	int rc = SW_OK;
	if (!doc) {
		problem(&c, "not valid JSON");
	} else {
		keys(&c, doc, TOP, "$");
		keys(&c, cJSON_GetObjectItemCaseSensitive(doc, "framework"), FRAMEWORK, "$.framework");
		keys(&c, cJSON_GetObjectItemCaseSensitive(doc, "rubric"), RUBRIC, "$.rubric");
		const cJSON *cx = cJSON_GetObjectItemCaseSensitive(doc, "context");
		keys(&c, cx, CONTEXT, "$.context");
		keys_each(&c, cJSON_GetObjectItemCaseSensitive(cx, "parts"), PART, "$.context.parts");
		keys_each(&c, cJSON_GetObjectItemCaseSensitive(doc, "skills"), SKILL, "$.skills");
		keys_each(&c, cJSON_GetObjectItemCaseSensitive(doc, "figures"), FIG, "$.figures");
		keys_each(&c, cJSON_GetObjectItemCaseSensitive(doc, "figures_from"), FIG, "$.figures_from");
		char *why = NULL;
		rc = sw_summary_parse(&s, &m, json, len, &why);
		if (rc == SW_EINVALID)
			problem(&c, "%s", why ? why : "not a summary");
		free(why);
		if (rc == SW_EINVALID)
			rc = SW_OK;
	}
	if (!rc && s) {
		if (s->min_count < 1)
			problem(&c, "min_count must be at least 1");
		shown(&c, s, doc);
		rc = attack(&c, s, 0, SIZE_MAX);
		for (int d = 0; !rc && d < 2 && s->figs[d]; d++)
			for (size_t k = 0; !rc && k < s->skill_count; k++)
				rc = attack(&c, s, d, k);
	}
	cJSON_Delete(doc);
	sw_summary_free(s);
	if (c.problems > MAX_SHOWN)
		sw_buf_printf(&c.out, "... and %zu more problems\n", c.problems - MAX_SHOWN);
	if (!rc && c.out.failed)
		rc = SW_ENOMEM;
	if (!rc && c.problems) {
		rc = SW_EINVALID;
		if (problems)
			*problems = sw_buf_take(&c.out);
	}
	sw_buf_free(&c.out);
	return rc;
}
