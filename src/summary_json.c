/*
 * summary_json.c - a summary's JSON format (version 1; README.md,
 * "Summaries", and frameworks/summary.schema.json): writing and reading.
 */
#include "summary.h"
#include "cohort.h" /* sw_fmt_ratio */

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static void put_count(sw_buf *b, int64_t v)
{
	if (v == SW_SUP)
		sw_buf_puts(b, "null");
	else
		sw_buf_printf(b, "%lld", (long long)v);
}

/* Appends text, then the count v. */
static void put_num(sw_buf *b, const char *text, int64_t v)
{
	sw_buf_puts(b, text);
	put_count(b, v);
}

static void put_pct(sw_buf *b, int64_t num, int64_t den)
{
	if (num == SW_SUP || den == SW_SUP || den <= 0)
		sw_buf_puts(b, "null");
	else
		sw_fmt_ratio(b, num * 100, den, 1);
}

static void put_figs(sw_buf *b, const sw_summary *s, int d)
{
	sw_buf_puts(b, "[");
	for (size_t k = 0; k < s->skill_count; k++)
		for (size_t i = 0; i < s->part_count; i++) {
			const sw_sfig *f = &s->figs[d][i * s->skill_count + k];
			sw_buf_puts(b, k || i ? ",\n    {" : "\n    {");
			sw_json_put_after(b, "\"skill\": ", s->skills[k].id);
			sw_buf_printf(b, ", \"part\": %zu", i);
			put_num(b, ", \"pupils\": ", s->parts[i].pupils);
			put_num(b, ", \"assessed\": ", f->assessed);
			put_num(b, ", \"with_expected\": ", f->with_exp);
			put_num(b, ", \"at_expected\": ", f->at_exp);
			sw_buf_puts(b, ", \"pct_at_expected\": ");
			put_pct(b, f->at_exp, f->with_exp);
			sw_buf_puts(b, ", \"mean\": ");
			if (f->total == SW_SUP || f->assessed == SW_SUP || f->assessed <= 0)
				sw_buf_puts(b, "null");
			else
				sw_fmt_ratio(b, f->total, f->assessed, 2);
			put_num(b, ", \"coverage\": ", f->coverage);
			sw_buf_puts(b, ", \"pct_coverage\": ");
			put_pct(b, f->coverage, s->parts[i].pupils);
			sw_buf_puts(b, ", \"steps\": [");
			for (int st = 0; st <= s->skills[k].max - s->skills[k].min; st++) {
				if (st)
					sw_buf_puts(b, ", ");
				put_count(b, f->steps[st]);
			}
			sw_buf_puts(b, "]}");
		}
	sw_buf_puts(b, "\n  ]");
}

/* Writes the summary's JSON document into b. */
static void to_json(sw_buf *b, const sw_summary *s)
{
	sw_buf_printf(b, "{\n  \"format\": \"%s\",\n  \"format_version\": %d,\n",
	              SW_SUMMARY_FORMAT, SW_SUMMARY_VERSION);
	sw_json_put_after(b, "  \"stepwise_version\": ", s->version);
	sw_json_put_after(b, ",\n  \"school\": ", s->school);
	sw_json_put_after(b, ",\n  \"framework\": {\"id\": ", s->fw_id);
	sw_json_put_after(b, ", \"version\": ", s->fw_version);
	sw_json_put_after(b, ", \"hash\": ", s->fw_hash);
	sw_json_put_after(b, "},\n  \"rubric\": {\"name\": ", s->rubric);
	sw_json_put_after(b, ", \"params\": ", s->params);
	sw_json_put_after(b, ", \"hash\": ", s->rubric_hash);
	sw_json_put_after(b, "},\n  \"as_of\": ", s->as_of);
	sw_json_put_after(b, ",\n  \"from\": ", s->from);
	sw_buf_printf(b, ",\n  \"min_count\": %lld,\n  \"context\": {\"pupils\": ",
	              (long long)s->min_count);
	put_count(b, s->part_count ? s->parts[0].pupils : 0);
	sw_json_put_after(b, ", \"phase\": ", sw_summary_phase(s));
	sw_buf_puts(b, ", \"years\": [");
	size_t from = b->len;
	for (size_t i = 0; i < s->part_count; i++)
		if (s->parts[i].cut == SW_CUT_YEAR && s->parts[i].year != SW_NO_YEAR)
			sw_buf_printf(b, "%s%d", b->len > from ? ", " : "", s->parts[i].year);
	sw_buf_puts(b, "],\n    \"parts\": [");
	for (size_t i = 0; i < s->part_count; i++) {
		const sw_spart *p = &s->parts[i];
		static const char *const cuts[] = { "all", "year", "group" };
		sw_buf_printf(b, "%s{\"cut\": \"%s\"", i ? ",\n      " : "\n      ", cuts[p->cut]);
		if (p->cut == SW_CUT_YEAR)
			put_num(b, ", \"year\": ", p->year == SW_NO_YEAR ? SW_SUP : p->year);
		if (p->cut == SW_CUT_GROUP)
			sw_json_put_after(b, ", \"group\": ", p->group);
		put_num(b, ", \"pupils\": ", p->pupils);
		sw_buf_puts(b, ", \"share\": ");
		put_pct(b, p->pupils, s->parts[0].pupils);
		sw_buf_puts(b, "}");
	}
	sw_buf_puts(b, "\n    ]},\n  \"skills\": [");
	for (size_t k = 0; k < s->skill_count; k++) {
		sw_json_put_after(b, k ? ", {\"id\": " : "{\"id\": ", s->skills[k].id);
		sw_buf_printf(b, ", \"min\": %d, \"max\": %d}", s->skills[k].min, s->skills[k].max);
	}
	sw_buf_puts(b, "],\n  \"figures\": ");
	put_figs(b, s, 0);
	sw_buf_puts(b, ",\n  \"figures_from\": ");
	if (s->figs[1])
		put_figs(b, s, 1);
	else
		sw_buf_puts(b, "null");
	sw_buf_puts(b, "\n}\n");
}

int sw_summary_json(char **json, size_t *len, const sw_summary *s)
{
	if (!json || !s)
		return SW_EINVALID;
	sw_mem m;
	sw_mem_init(&m, NULL);
	sw_buf b;
	sw_buf_init(&b, &m);
	to_json(&b, s);
	if (len && !b.failed)
		*len = b.len;
	*json = sw_buf_take(&b);
	return *json ? SW_OK : SW_ENOMEM;
}

/* ---- reading ---- */

typedef struct reader {
	sw_summary *s;
	sw_buf why;
} reader;

static int bad(reader *r, const char *fmt, const char *what)
{
	if (!r->why.len)
		sw_buf_printf(&r->why, fmt, what);
	return SW_EINVALID;
}

/* A string field (NULL allowed when `null_ok`); copied into *dst. */
static int get_str(reader *r, char **dst, const cJSON *obj, const char *key, bool null_ok)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (cJSON_IsString(it)) {
		*dst = sw_mem_strdup(&r->s->mem, it->valuestring);
		return *dst ? SW_OK : SW_ENOMEM;
	}
	if (null_ok && (!it || cJSON_IsNull(it)))
		return SW_OK;
	return bad(r, "'%s' must be a text", key);
}

/* A count field: a whole number >= 0, or null (suppressed) when allowed. */
static int get_count(reader *r, int64_t *dst, const cJSON *it, const char *key, bool null_ok)
{
	if (null_ok && cJSON_IsNull(it)) {
		*dst = SW_SUP;
		return SW_OK;
	}
	if (!cJSON_IsNumber(it) || it->valuedouble < 0 || it->valuedouble > 1e12 ||
	    it->valuedouble != floor(it->valuedouble))
		return bad(r, "'%s' must be a whole number from 0 (or null when suppressed)", key);
	*dst = (int64_t)it->valuedouble;
	return SW_OK;
}

/* The count field `key` of obj, as get_count. */
static int get_field(reader *r, int64_t *dst, const cJSON *obj, const char *key, bool null_ok)
{
	return get_count(r, dst, cJSON_GetObjectItemCaseSensitive(obj, key), key, null_ok);
}

static int read_figs(reader *r, int d, const cJSON *arr)
{
	sw_summary *s = r->s;
	if (!cJSON_IsArray(arr) || (size_t)cJSON_GetArraySize(arr) != s->part_count * s->skill_count)
		return bad(r, "'%s' must have a row per skill and part", d ? "figures_from" : "figures");
	size_t idx = 0;
	const cJSON *f;
	cJSON_ArrayForEach(f, arr) {
		size_t k = idx / s->part_count, i = idx % s->part_count;
		idx++;
		const cJSON *sk = cJSON_GetObjectItemCaseSensitive(f, "skill");
		const cJSON *pt = cJSON_GetObjectItemCaseSensitive(f, "part");
		if (!cJSON_IsString(sk) || strcmp(sk->valuestring, s->skills[k].id) != 0 ||
		    !cJSON_IsNumber(pt) || pt->valuedouble != (double)i)
			return bad(r, "%s: rows must come skill by skill, part by part", "figures");
		sw_sfig *g = &s->figs[d][i * s->skill_count + k];
		int rc;
		if ((rc = get_field(r, &g->assessed, f, "assessed", true)) ||
		    (rc = get_field(r, &g->with_exp, f, "with_expected", true)) ||
		    (rc = get_field(r, &g->at_exp, f, "at_expected", true)) ||
		    (rc = get_field(r, &g->coverage, f, "coverage", true)))
			return rc;
		const cJSON *mean = cJSON_GetObjectItemCaseSensitive(f, "mean");
		if (cJSON_IsNumber(mean) && g->assessed != SW_SUP)
			g->total = (int64_t)llround(mean->valuedouble * (double)g->assessed);
		else if (cJSON_IsNull(mean) || (cJSON_IsNumber(mean) && g->assessed == SW_SUP))
			g->total = SW_SUP;
		else
			return bad(r, "'%s' must be a number or null", "mean");
		const cJSON *steps = cJSON_GetObjectItemCaseSensitive(f, "steps");
		int len = s->skills[k].max - s->skills[k].min + 1;
		if (!cJSON_IsArray(steps) || cJSON_GetArraySize(steps) != len)
			return bad(r, "'%s' must have a count per step of the skill", "steps");
		int st = 0;
		const cJSON *c;
		cJSON_ArrayForEach(c, steps) {
			if ((rc = get_count(r, &g->steps[st++], c, "steps", true)))
				return rc;
		}
	}
	return SW_OK;
}

static int read_doc(reader *r, const cJSON *doc)
{
	sw_summary *s = r->s;
	const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(doc, "format");
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(doc, "format_version");
	if (!cJSON_IsObject(doc) || !cJSON_IsString(fmt) || strcmp(fmt->valuestring, SW_SUMMARY_FORMAT))
		return bad(r, "not a Stepwise summary (no \"format\": \"%s\")", SW_SUMMARY_FORMAT);
	if (!cJSON_IsNumber(ver) || ver->valuedouble != SW_SUMMARY_VERSION)
		return bad(r, "a summary of format version %s is not known to this Stepwise", "other than 1");
	const cJSON *fw = cJSON_GetObjectItemCaseSensitive(doc, "framework");
	const cJSON *ru = cJSON_GetObjectItemCaseSensitive(doc, "rubric");
	const cJSON *cx = cJSON_GetObjectItemCaseSensitive(doc, "context");
	int rc;
	if ((rc = get_str(r, &s->version, doc, "stepwise_version", false)) ||
	    (rc = get_str(r, &s->school, doc, "school", true)) ||
	    (rc = get_str(r, &s->fw_id, fw, "id", false)) ||
	    (rc = get_str(r, &s->fw_version, fw, "version", true)) ||
	    (rc = get_str(r, &s->fw_hash, fw, "hash", false)) ||
	    (rc = get_str(r, &s->rubric, ru, "name", true)) ||
	    (rc = get_str(r, &s->params, ru, "params", true)) ||
	    (rc = get_str(r, &s->rubric_hash, ru, "hash", false)) ||
	    (rc = get_str(r, &s->as_of, doc, "as_of", true)) ||
	    (rc = get_str(r, &s->from, doc, "from", true)) ||
	    (rc = get_field(r, &s->min_count, doc, "min_count", false)))
		return rc;
	const cJSON *parts = cJSON_GetObjectItemCaseSensitive(cx, "parts");
	const cJSON *skills = cJSON_GetObjectItemCaseSensitive(doc, "skills");
	if (!cJSON_IsArray(parts) || cJSON_GetArraySize(parts) < 1 || !cJSON_IsArray(skills))
		return bad(r, "'%s' and 'skills' must be lists", "context.parts");
	size_t np = (size_t)cJSON_GetArraySize(parts), nk = (size_t)cJSON_GetArraySize(skills);
	s->parts = sw_mem_calloc(&s->mem, np + 1, sizeof *s->parts);
	s->skills = sw_mem_calloc(&s->mem, nk + 1, sizeof *s->skills);
	if (!s->parts || !s->skills)
		return SW_ENOMEM;
	const cJSON *it;
	cJSON_ArrayForEach(it, parts) {
		sw_spart *p = &s->parts[s->part_count++];
		const cJSON *cut = cJSON_GetObjectItemCaseSensitive(it, "cut");
		const char *c = cJSON_IsString(cut) ? cut->valuestring : "";
		p->cut = !strcmp(c, "all") ? SW_CUT_ALL : !strcmp(c, "year") ? SW_CUT_YEAR
		         : !strcmp(c, "group") ? SW_CUT_GROUP : -1;
		if (p->cut < 0 || (p->cut == SW_CUT_ALL) != (s->part_count == 1))
			return bad(r, "a part's '%s' must be all (the first only), year or group", "cut");
		if (p->cut == SW_CUT_YEAR) {
			int64_t y;
			if ((rc = get_field(r, &y, it, "year", true)))
				return rc;
			if (y != SW_SUP && y >= SW_YEARS)
				return bad(r, "'%s' must be from 0 to 14 or null", "year");
			p->year = y == SW_SUP ? SW_NO_YEAR : (int)y;
		}
		if (p->cut == SW_CUT_GROUP && (rc = get_str(r, &p->group, it, "group", false)))
			return rc;
		if ((rc = get_field(r, &p->pupils, it, "pupils", true)))
			return rc;
	}
	cJSON_ArrayForEach(it, skills) {
		sw_sskill *k = &s->skills[s->skill_count++];
		const cJSON *mn = cJSON_GetObjectItemCaseSensitive(it, "min");
		const cJSON *mx = cJSON_GetObjectItemCaseSensitive(it, "max");
		if ((rc = get_str(r, &k->id, it, "id", false)))
			return rc;
		if (!cJSON_IsNumber(mn) || !cJSON_IsNumber(mx) || mn->valuedouble < -1000 ||
		    mx->valuedouble > 1000 || mn->valuedouble > mx->valuedouble)
			return bad(r, "a skill's '%s' must be steps from -1000 to 1000", "min/max");
		k->min = (int)mn->valuedouble;
		k->max = (int)mx->valuedouble;
	}
	const cJSON *from = cJSON_GetObjectItemCaseSensitive(doc, "figures_from");
	if ((rc = sw_summary_alloc_figs(s, from && !cJSON_IsNull(from))))
		return rc;
	if ((rc = read_figs(r, 0, cJSON_GetObjectItemCaseSensitive(doc, "figures"))))
		return rc;
	return s->figs[1] ? read_figs(r, 1, from) : SW_OK;
}

int sw_summary_parse(sw_summary **out, const sw_mem *m, const char *data, size_t len, char **why)
{
	*out = NULL;
	if (why)
		*why = NULL;
	reader r;
	r.s = sw_summary_alloc(m);
	if (!r.s)
		return SW_ENOMEM;
	sw_buf_init(&r.why, &r.s->mem);
	cJSON *doc = sw_cjson_parse(data, len, NULL);
	int rc = doc ? read_doc(&r, doc) : bad(&r, "%s", "not valid JSON");
	cJSON_Delete(doc);
	if (rc == SW_ENOMEM && !r.why.len)
		sw_buf_puts(&r.why, "out of memory");
	if (rc && why && r.why.len) {
		sw_mem dm;
		sw_mem_init(&dm, NULL);
		*why = sw_mem_strdup(&dm, r.why.p);
	}
	sw_buf_free(&r.why);
	if (rc)
		sw_summary_free(r.s);
	else
		*out = r.s;
	return rc;
}

int sw_summary_read(sw_summary **out, const char *json, size_t len, char **why)
{
	if (why)
		*why = NULL;
	if (!out || !json)
		return SW_EINVALID;
	return sw_summary_parse(out, NULL, json, len, why);
}
