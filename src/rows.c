/*
 * rows.c - one row of a data file turned into a pupil or an evidence record:
 * CSV fields by column, JSON objects by key (the fast flat reader first,
 * cJSON for everything else), with the reason when a row is rejected.
 */
#include "internal.h"
#include "reader.h"

#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>

/* Parses a whole decimal integer (optional sign) from trimmed text. */
bool sw_rd_parse_int(const char *s, int *out)
{
	size_t n = strlen(s);
	size_t i = 0;
	bool neg = false;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	if (i == n || n - i > 10)
		return false;
	long long v = 0;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	if (neg)
		v = -v;
	if (v < -2147483647LL || v > 2147483647LL)
		return false;
	*out = (int)v;
	return true;
}

/* Splits a ';'-separated groups field in place into items. */
static size_t split_groups(char *s, const char **items, size_t max)
{
	size_t n = 0;
	while (s && *s && n < max) {
		char *semi = strchr(s, ';');
		if (semi)
			*semi = '\0';
		items[n++] = s;
		s = semi ? semi + 1 : NULL;
	}
	return n;
}

/* A roster year as text: a number from 0 to 14 or a form such as Year 5, Y5,
   R or Reception (sw_year_parse); false with the reason set otherwise. */
static bool year_text(reader *R, const char *f, int *year)
{
	if ((sw_rd_parse_int(f, year) && *year >= 0 && *year < SW_YEARS) ||
	    sw_year_parse(year, f))
		return true;
	if (!sw_text_valid(f, strlen(f))) {
		sw_buf_puts(&R->why, "field 'year' is not valid UTF-8");
		return false;
	}
	sw_buf_puts(&R->why, "year '");
	sw_buf_clip(&R->why, f, 20);
	sw_buf_printf(&R->why, "' is not a school year: write 0 to %d, Year 5, Y5, R or Reception",
	              SW_YEARS - 1);
	return false;
}

/* Turns one CSV roster row into a pupil (fields point into the row). */
int sw_rd_csv_pupil(reader *R, sw_csv_row *row, sw_csv_row *head, const int *map,
                     uint64_t line)
{
	sw_pupil_data p = SW_PUPIL_DATA_INIT;
	const char *names[MAX_COLUMNS], *values[MAX_COLUMNS], *groups[MAX_COLUMNS];
	for (size_t i = 0; i < row->count; i++) {
		char *f = row->data.p + row->start[i];
		switch (map[i]) {
		case 0: p.id = f; break;
		case 1: p.name = f; break;
		case 2:
			if (*f && !year_text(R, f, &p.year))
				return SW_EREJECTED;
			break;
		case 3: p.class_name = f; break;
		case 4: p.school = f; break;
		case 5: p.group_count = split_groups(f, groups, MAX_COLUMNS); p.groups = groups; break;
		default:
			names[p.attribute_count] = sw_csv_field(head, i, NULL);
			values[p.attribute_count++] = f;
		}
	}
	p.attribute_names = names;
	p.attribute_values = values;
	return sw_roster_add(R->eng, &p, line, &R->why);
}

/* Turns one CSV evidence row into a record. */
int sw_rd_csv_evidence(reader *R, sw_csv_row *row, const int *map)
{
	sw_evidence_data e = SW_EVIDENCE_DATA_INIT;
	const char *step = "";
	for (size_t i = 0; i < row->count; i++) {
		const char *f = row->data.p + row->start[i];
		switch (map[i]) {
		case 0: e.pupil = f; break;
		case 1: e.skill = f; break;
		case 2: step = f; break;
		case 3: e.date = f; break;
		case 4: e.outcome = f; break;
		case 5: e.source = f; break;
		case 6: e.assessor = f; break;
		case 7: e.context = f; break;
		case 8: e.note = f; break;
		default: break;
		}
	}
	if (!*step) {
		sw_buf_puts(&R->why, e.pupil && *e.pupil ? "empty step" : "empty pupil");
		return SW_EREJECTED;
	}
	if (!sw_rd_parse_int(step, &e.step)) {
		sw_buf_puts(&R->why, "step '");
		sw_buf_clip(&R->why, step, 20);
		sw_buf_puts(&R->why, "' is not an integer");
		return SW_EREJECTED;
	}
	return sw_rd_evidence(R, &e);
}

/* Text of a JSON string or null member; false (reason set) for another type. */
static bool json_text(reader *R, const cJSON *obj, const char *key, const char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	*out = NULL;
	if (!v || cJSON_IsNull(v))
		return true;
	if (!cJSON_IsString(v)) {
		sw_buf_printf(&R->why, "field '%s' must be a string", key);
		return false;
	}
	*out = v->valuestring;
	return true;
}

/* Integer value of a JSON number member (absent: *present false). */
static bool json_int(reader *R, const cJSON *obj, const char *key, int *out, bool *present)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	*present = v && !cJSON_IsNull(v);
	if (!*present)
		return true;
	if (!cJSON_IsNumber(v)) {
		sw_buf_printf(&R->why, "field '%s' must be a number", key);
		return false;
	}
	if (!sw_json_int(v, out)) {
		double d = v->valuedouble;
		if (isfinite(d) && d == floor(d)) {
			/* a whole number, only too large for any step or year */
			*out = d < 0 ? INT_MIN : INT_MAX;
			R->big = d;
			R->is_big = true;
			return true;
		}
		locale_t old = sw_locale_enter();
		sw_buf_printf(&R->why, "%s %g is not an integer", key, d);
		sw_locale_leave(old);
		return false;
	}
	return true;
}

/* Turns one JSON object into a pupil. */
int sw_rd_json_pupil(reader *R, const cJSON *obj, uint64_t line)
{
	R->is_big = false;
	sw_pupil_data p = SW_PUPIL_DATA_INIT;
	const char *names[MAX_COLUMNS], *values[MAX_COLUMNS], *groups[MAX_COLUMNS];
	char numbers[MAX_COLUMNS][32];
	bool has_year;
	if (!json_text(R, obj, "id", &p.id) || !json_text(R, obj, "name", &p.name) ||
	    !json_text(R, obj, "class", &p.class_name) || !json_text(R, obj, "school", &p.school) ||
	    !json_int(R, obj, "year", &p.year, &has_year))
		return SW_EREJECTED;
	if (!has_year)
		p.year = SW_NO_YEAR;
	else if (p.year < 0 || p.year >= SW_YEARS) {
		if (R->is_big) {
			locale_t old = sw_locale_enter();
			sw_buf_printf(&R->why, "year %.15g is not from 0 (Reception) to %d", R->big,
			              SW_YEARS - 1);
			sw_locale_leave(old);
		} else {
			sw_buf_printf(&R->why, "year %d is not from 0 (Reception) to %d", p.year,
			              SW_YEARS - 1);
		}
		return SW_EREJECTED;
	}
	const cJSON *g = cJSON_GetObjectItemCaseSensitive(obj, "groups");
	if (g && !cJSON_IsNull(g)) {
		if (!cJSON_IsArray(g)) {
			sw_buf_puts(&R->why, "field 'groups' must be an array of strings");
			return SW_EREJECTED;
		}
		for (const cJSON *c = g->child; c; c = c->next) {
			if (!cJSON_IsString(c)) {
				sw_buf_puts(&R->why, "field 'groups' must be an array of strings");
				return SW_EREJECTED;
			}
			if (p.group_count == MAX_COLUMNS) {
				sw_buf_printf(&R->why, "more than %d groups", MAX_COLUMNS);
				return SW_EREJECTED;
			}
			groups[p.group_count++] = c->valuestring;
		}
	}
	p.groups = groups;
	for (const cJSON *c = obj->child; c; c = c->next) {
		static const char *const known[] = { "id", "name", "year", "class", "school",
			                             "groups", NULL };
		bool is_known = false;
		for (const char *const *k = known; *k; k++)
			is_known |= strcmp(*k, c->string) == 0;
		if (is_known || cJSON_IsNull(c))
			continue;
		if (p.attribute_count == MAX_COLUMNS) {
			sw_buf_printf(&R->why, "more than %d fields", MAX_COLUMNS);
			return SW_EREJECTED;
		}
		char *num = numbers[p.attribute_count];
		const char *val;
		if (cJSON_IsString(c))
			val = c->valuestring;
		else if (cJSON_IsBool(c))
			val = cJSON_IsTrue(c) ? "true" : "false";
		else if (cJSON_IsNumber(c) && isfinite(c->valuedouble)) {
			locale_t old = sw_locale_enter(); /* "1.5" in any locale */
			snprintf(num, 32, "%.17g", c->valuedouble);
			sw_locale_leave(old);
			val = num;
		} else {
			sw_buf_puts(&R->why, "field '");
			sw_buf_puts(&R->why, c->string);
			sw_buf_puts(&R->why, "' must be a string, a number or true/false");
			return SW_EREJECTED;
		}
		names[p.attribute_count] = c->string;
		values[p.attribute_count++] = val;
	}
	p.attribute_names = names;
	p.attribute_values = values;
	return sw_roster_add(R->eng, &p, line, &R->why);
}

/* Turns one JSON object into an evidence record. */
int sw_rd_json_evidence(reader *R, const cJSON *obj)
{
	R->is_big = false;
	sw_evidence_data e = SW_EVIDENCE_DATA_INIT;
	bool has_step;
	if (!json_text(R, obj, "pupil", &e.pupil) || !json_text(R, obj, "skill", &e.skill) ||
	    !json_text(R, obj, "date", &e.date) || !json_text(R, obj, "outcome", &e.outcome) ||
	    !json_text(R, obj, "source", &e.source) || !json_text(R, obj, "assessor", &e.assessor) ||
	    !json_text(R, obj, "context", &e.context) || !json_text(R, obj, "note", &e.note) ||
	    !json_int(R, obj, "step", &e.step, &has_step))
		return SW_EREJECTED;
	if (!e.pupil || !*e.pupil) {
		sw_buf_puts(&R->why, "empty pupil");
		return SW_EREJECTED;
	}
	if (!has_step) {
		sw_buf_puts(&R->why, "missing field 'step'");
		return SW_EREJECTED;
	}
	for (const cJSON *c = obj->child; c; c = c->next) {
		if (!sw_text_valid(c->string, strlen(c->string))) {
			sw_buf_puts(&R->why, "a field name is not valid UTF-8");
			return SW_EREJECTED;
		}
		if (cJSON_IsString(c) && !sw_text_valid(c->valuestring, strlen(c->valuestring))) {
			sw_buf_puts(&R->why, "field '");
			sw_buf_clip(&R->why, c->string, 40);
			sw_buf_puts(&R->why, "' is not valid UTF-8");
			return SW_EREJECTED;
		}
	}
	if (R->is_big) {
		/* too large for an int: say so in the skill's terms when the skill is known */
		const sw_skill *sk = e.skill ? sw_framework_find_skill(R->eng->fw, e.skill) : NULL;
		if (sk) {
			locale_t old = sw_locale_enter();
			sw_buf_printf(&R->why, "step %.15g is outside %s (%d to %d)", R->big, sk->id,
			              sk->min, sk->max);
			sw_locale_leave(old);
			return SW_EREJECTED;
		}
	}
	return sw_rd_evidence(R, &e);
}

/*
 * The fast path for an evidence line already read by sw_flat_parse: the
 * usual types only (strings or null, an integer step). Returns 1 with the
 * status in *st, or 0 when the line needs the full reader for its reason.
 */
int sw_rd_flat_evidence(reader *R, const sw_flat *f, int *st)
{
	/* the fields read, "step" last; matched by length first, then bytes */
#define KEY(s) { s, sizeof s - 1 }
	static const struct {
		const char *name;
		size_t len;
	} keys[] = { KEY("pupil"), KEY("skill"), KEY("date"), KEY("outcome"), KEY("source"),
		     KEY("assessor"), KEY("context"), KEY("note"), KEY("step") };
#undef KEY
	const sw_flat_item *at[9] = { NULL };
	/* every text of the line, used or not, must be valid */
	for (size_t i = 0; i < f->count; i++) {
		const sw_flat_item *it = &f->items[i];
		const char *key = f->text.p + it->key;
		bool key_ok = it->kascii || sw_text_valid(key, it->klen);
		if ((int)i == f->nul_item) {
			sw_buf_puts(&R->why, "field '");
			sw_buf_clip(&R->why, key_ok ? key : "?", 40);
			sw_buf_puts(&R->why, "' contains \\u0000 (a NUL character)");
			*st = SW_EREJECTED;
			return 1;
		}
		if (!key_ok ||
		    (it->type == SW_FLAT_STRING && !it->vascii &&
		     !sw_text_valid(sw_flat_text(f, it), it->vlen))) {
			if (key_ok) {
				sw_buf_puts(&R->why, "field '");
				sw_buf_clip(&R->why, key, 40);
				sw_buf_puts(&R->why, "' is not valid UTF-8");
			} else {
				sw_buf_puts(&R->why, "a field name is not valid UTF-8");
			}
			*st = SW_EREJECTED;
			return 1;
		}
		for (int k = 0; k < 9; k++)
			if (it->klen == keys[k].len && memcmp(key, keys[k].name, keys[k].len) == 0) {
				if (!at[k]) /* the first of repeated keys counts */
					at[k] = it;
				break;
			}
	}
	const char *v[8] = { NULL };
	for (int k = 0; k < 8; k++) {
		if (!at[k] || at[k]->type == SW_FLAT_NULL)
			continue;
		if (at[k]->type != SW_FLAT_STRING)
			return 0;
		v[k] = sw_flat_text(f, at[k]);
	}
	const sw_flat_item *step = at[8];
	if (!v[0] || !*v[0] || !step || step->type != SW_FLAT_NUMBER)
		return 0;
	const char *t = sw_flat_text(f, step);
	int value;
	if (strpbrk(t, ".eE") || !sw_rd_parse_int(t, &value))
		return 0;
	sw_evidence_data e = SW_EVIDENCE_DATA_INIT;
	e.pupil = v[0];
	e.skill = v[1];
	e.date = v[2];
	e.outcome = v[3];
	e.source = v[4];
	e.assessor = v[5];
	e.context = v[6];
	e.note = v[7];
	e.step = value;
	*st = sw_rd_evidence(R, &e);
	return 1;
}

/* True when the JSON text has a \u0000 escape (cJSON would cut the text there). */
static bool has_nul_escape(const char *s, size_t n)
{
	for (size_t i = 0; i + 6 <= n; i++) {
		if (s[i] != '\\')
			continue;
		if (memcmp(s + i + 1, "u0000", 5) == 0)
			return true;
		i++; /* skip the escaped character, so "\\u0000" is not one */
	}
	return false;
}

/* Why a line is not valid JSON, with the column, from the strict checker. */
static void syntax_reason(reader *R, const char *line, size_t n)
{
	sw_diag d;
	sw_diag_init(&d, &R->eng->mem);
	cJSON *tree = NULL;
	if (sw_json_parse(&tree, &d, "line", line, n, (size_t)-1, 64) == SW_OK && !d.count)
		sw_buf_puts(&R->why, "invalid JSON");
	else if (d.count && d.items[0].column)
		sw_buf_printf(&R->why, "invalid JSON at column %u: %s", d.items[0].column,
		              d.items[0].message);
	else if (d.count)
		sw_buf_printf(&R->why, "invalid JSON: %s", d.items[0].message);
	else
		sw_buf_puts(&R->why, "invalid JSON");
	cJSON_Delete(tree);
	sw_diag_clear(&d);
}

/* Reads one non-blank JSON line: the fast reader first, cJSON for anything
   unusual and for the reason a line is rejected. Returns the row's status. */
int sw_rd_json_line(reader *R, sw_flat *flat, const char *s, size_t n, bool has_nul,
                    bool is_pupils, uint64_t at, size_t lead)
{
	int st = SW_EREJECTED;
	if (!is_pupils && !has_nul && sw_flat_parse(flat, s, n) && sw_rd_flat_evidence(R, flat, &st))
		return st;
	if (flat->text.failed)
		return SW_ENOMEM;
	R->why.len = 0;
	const char *end = NULL;
	cJSON *obj = has_nul || has_nul_escape(s, n) ? NULL : sw_cjson_parse(s, n, &end);
	if (has_nul) {
		sw_buf_puts(&R->why, "NUL byte in the line");
	} else if (has_nul_escape(s, n)) {
		sw_buf_puts(&R->why, "a text contains \\u0000 (a NUL character)");
	} else if (!obj || (size_t)(end - s) != n) {
		syntax_reason(R, s - lead, n + lead);
	} else if (!cJSON_IsObject(obj)) {
		sw_buf_puts(&R->why, "not a JSON object");
	} else {
		st = is_pupils ? sw_rd_json_pupil(R, obj, at) : sw_rd_json_evidence(R, obj);
	}
	cJSON_Delete(obj);
	return st;
}

int sw_rd_evidence(reader *R, const sw_evidence_data *e)
{
	sw_evidence_data dmy;
	char iso[11];
	if (R->dmy && e->date) {
		int st = sw_date_dmy(iso, e->date, strlen(e->date), &R->why);
		if (st < 0)
			return SW_EREJECTED;
		if (st > 0) {
			dmy = *e;
			dmy.date = iso;
			e = &dmy;
		}
	}
	if (R->cache)
		return sw_evidence_check(R->eng, R->cache, e, R->checked, R->checked_text, &R->why);
	return sw_evidence_add(R->eng, e, &R->why);
}
