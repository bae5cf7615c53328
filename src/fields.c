/*
 * fields.c - the pupil and evidence fields, described once: their names,
 * types, which are required, the words they allow and where they are kept;
 * and the one reader of a JSON object (or a flat JSON record, the fast
 * path) into sw_pupil_data or sw_evidence_data, used by the data files
 * (rows.c) and the service alike, with the same reasons for refusing.
 */
#include "fields.h"
#include "data.h"

#include <cJSON.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *const sw_outcome_names[2] = { "secured", "developing" };
const char *const sw_source_names[SW_SOURCE_COUNT] = { "teacher", "self", "peer", "parent",
	                                               "employer", "other" };

#define PUPIL(name, type, req, field, kept) \
	{ name, sizeof name - 1, type, req, offsetof(sw_pupil_data, field), NULL, 0, kept, NULL }
const sw_field sw_pupil_fields[SW_PUPIL_FIELDS] = {
	PUPIL("id", SW_FIELD_TEXT, true, id, offsetof(sw_pupil, id)),
	PUPIL("name", SW_FIELD_TEXT, false, name, offsetof(sw_pupil, name)),
	PUPIL("year", SW_FIELD_INT, false, year, offsetof(sw_pupil, year)),
	PUPIL("class", SW_FIELD_TEXT, false, class_name, offsetof(sw_pupil, class_name)),
	PUPIL("school", SW_FIELD_TEXT, false, school, offsetof(sw_pupil, school)),
	PUPIL("groups", SW_FIELD_LIST, false, groups, SW_FIELD_ELSEWHERE),
};
#undef PUPIL

#define EVIDENCE(name, type, req, field, words, nwords, show) \
	{ name, sizeof name - 1, type, req, offsetof(sw_evidence_data, field), words, nwords, \
	  offsetof(sw_record, field), show }
const sw_field sw_evidence_fields[SW_EVIDENCE_FIELDS] = {
	EVIDENCE("pupil", SW_FIELD_TEXT, true, pupil, NULL, 0, NULL),
	EVIDENCE("skill", SW_FIELD_TEXT, true, skill, NULL, 0, NULL),
	EVIDENCE("step", SW_FIELD_INT, true, step, NULL, 0, "  step %-3s"),
	EVIDENCE("date", SW_FIELD_TEXT, true, date, NULL, 0, NULL),
	EVIDENCE("outcome", SW_FIELD_TEXT, false, outcome, sw_outcome_names, 2, " %-10s"),
	EVIDENCE("source", SW_FIELD_TEXT, false, source, sw_source_names, SW_SOURCE_COUNT, " %-8s"),
	EVIDENCE("assessor", SW_FIELD_TEXT, false, assessor, NULL, 0, "  %s"),
	EVIDENCE("context", SW_FIELD_TEXT, false, context, NULL, 0, "  (%s)"),
	EVIDENCE("note", SW_FIELD_TEXT, false, note, NULL, 0, NULL),
};
#undef EVIDENCE

bool sw_field_parse_int(const char *s, int *out)
{
	size_t n = strlen(s), i = 0;
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

const char *sw_field_record_text(const sw_field *f, const sw_record *r, const sw_intern *text,
                                 char *num)
{
	const char *at = (const char *)r + f->kept;
	if (f->type == SW_FIELD_INT) {
		int32_t v;
		memcpy(&v, at, sizeof v);
		snprintf(num, 16, "%d", (int)v);
		return num;
	}
	if (f->words)
		return f->words[*(const uint8_t *)at];
	uint32_t id;
	memcpy(&id, at, sizeof id);
	return id ? sw_intern_str(text, id) : NULL;
}

int sw_field_find(const sw_field *list, size_t n, const char *name)
{
	for (size_t k = 0; k < n; k++)
		if (strcasecmp(name, list[k].name) == 0)
			return (int)k;
	return -1;
}

bool sw_field_json_text(sw_buf *why, const cJSON *obj, const char *key, const char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	*out = NULL;
	if (!v || cJSON_IsNull(v))
		return true;
	if (!cJSON_IsString(v)) {
		sw_buf_printf(why, "field '%s' must be a string", key);
		return false;
	}
	*out = v->valuestring;
	return true;
}

bool sw_field_json_int(sw_buf *why, const cJSON *obj, const char *key, int *out, bool *present,
                       sw_field_big *big)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	*present = v && !cJSON_IsNull(v);
	if (!*present)
		return true;
	if (!cJSON_IsNumber(v)) {
		sw_buf_printf(why, "field '%s' must be a number", key);
		return false;
	}
	if (sw_json_int(v, out))
		return true;
	double d = v->valuedouble;
	if (big && isfinite(d) && d == floor(d)) {
		/* a whole number, only too large for any step or year */
		*out = d < 0 ? INT_MIN : INT_MAX;
		big->value = d;
		big->is = true;
		return true;
	}
	locale_t old = sw_locale_enter();
	sw_buf_printf(why, "%s %g is not an integer", key, d);
	sw_locale_leave(old);
	return false;
}

const char *sw_field_scalar(const cJSON *v, char *num)
{
	if (cJSON_IsString(v))
		return v->valuestring;
	if (cJSON_IsBool(v))
		return cJSON_IsTrue(v) ? "true" : "false";
	if (cJSON_IsNumber(v) && isfinite(v->valuedouble)) {
		double d = v->valuedouble;
		locale_t old = sw_locale_enter(); /* "1.5" in any locale */
		if (d == floor(d) && fabs(d) < 1e15)
			snprintf(num, 32, "%.0f", d);
		else
			snprintf(num, 32, "%.17g", d);
		sw_locale_leave(old);
		return num;
	}
	return NULL;
}

/* Reads the text fields of list, then the whole numbers (the order of the
   reasons); false at the first that has the wrong type. present[k] tells
   whether number field k was there. */
static bool json_fields(void *data, const sw_field *list, size_t n, const cJSON *obj,
                        bool *present, sw_field_big *big, sw_buf *why)
{
	for (size_t k = 0; k < n; k++)
		if (list[k].type == SW_FIELD_TEXT &&
		    !sw_field_json_text(why, obj, list[k].name, sw_field_text_at(data, &list[k])))
			return false;
	for (size_t k = 0; k < n; k++)
		if (list[k].type == SW_FIELD_INT &&
		    !sw_field_json_int(why, obj, list[k].name, sw_field_int_at(data, &list[k]),
		                       &present[k], big))
			return false;
	return true;
}

/* The groups of a pupil: an array of strings (or null). */
static bool json_groups(sw_pupil_data *p, sw_pupil_room *room, const cJSON *g, sw_buf *why)
{
	if (!g || cJSON_IsNull(g))
		return true;
	/* a value that is not an array is refused as an element that is not a string is */
	for (const cJSON *c = cJSON_IsArray(g) ? g->child : g; c; c = c->next) {
		if (c == g || !cJSON_IsString(c)) {
			sw_buf_puts(why, "field 'groups' must be an array of strings");
			return false;
		}
		if (p->group_count == SW_FIELD_MAX) {
			sw_buf_printf(why, "more than %d groups", SW_FIELD_MAX);
			return false;
		}
		room->groups[p->group_count++] = c->valuestring;
	}
	return true;
}

int sw_field_json_pupil(sw_pupil_data *p, sw_pupil_room *room, const cJSON *obj, sw_buf *why)
{
	bool present[SW_PUPIL_FIELDS] = { false };
	sw_field_big big = { 0, false };
	if (!json_fields(p, sw_pupil_fields, SW_PUPIL_FIELDS, obj, present, &big, why))
		return SW_EREJECTED;
	if (!present[2]) {
		p->year = SW_NO_YEAR;
	} else if (p->year < 0 || p->year >= SW_YEARS) {
		/* the roster says so too, but not of a number too large for an int */
		locale_t old = sw_locale_enter();
		sw_buf_printf(why, "year %.15g is not from 0 (Reception) to %d",
		              big.is ? big.value : p->year, SW_YEARS - 1);
		sw_locale_leave(old);
		return SW_EREJECTED;
	}
	if (!json_groups(p, room, cJSON_GetObjectItemCaseSensitive(obj, "groups"), why))
		return SW_EREJECTED;
	p->groups = room->groups;
	/* every other member that is not null is an extra field */
	for (const cJSON *c = obj->child; c; c = c->next) {
		size_t k = 0;
		while (k < SW_PUPIL_FIELDS && strcmp(sw_pupil_fields[k].name, c->string) != 0)
			k++;
		if (k < SW_PUPIL_FIELDS || cJSON_IsNull(c))
			continue;
		if (p->attribute_count == SW_FIELD_MAX) {
			sw_buf_printf(why, "more than %d fields", SW_FIELD_MAX);
			return SW_EREJECTED;
		}
		const char *val = sw_field_scalar(c, room->numbers[p->attribute_count]);
		if (!val) {
			sw_buf_printf(why, "field '%s' must be a string, a number or true/false", c->string);
			return SW_EREJECTED;
		}
		room->names[p->attribute_count] = c->string;
		room->values[p->attribute_count++] = val;
	}
	p->attribute_names = room->names;
	p->attribute_values = room->values;
	return SW_OK;
}

int sw_field_json_evidence(sw_evidence_data *e, const cJSON *obj, const char *pupil,
                           const char *no_pupil, const sw_framework *fw, sw_buf *why)
{
	bool present[SW_EVIDENCE_FIELDS] = { false };
	sw_field_big big = { 0, false };
	if (!cJSON_IsObject(obj)) {
		sw_buf_puts(why, "not a JSON object");
		return SW_EREJECTED;
	}
	if (!json_fields(e, sw_evidence_fields, SW_EVIDENCE_FIELDS, obj, present, &big, why))
		return SW_EREJECTED;
	if (!e->pupil)
		e->pupil = pupil;
	if (!e->pupil || !*e->pupil) {
		sw_buf_puts(why, e->pupil ? "empty pupil" : no_pupil);
		return SW_EREJECTED;
	}
	if (!present[2]) {
		sw_buf_puts(why, "missing field 'step'");
		return SW_EREJECTED;
	}
	for (const cJSON *c = obj->child; c; c = c->next) {
		if (!sw_text_valid(c->string, strlen(c->string))) {
			sw_buf_puts(why, "a field name is not valid UTF-8");
			return SW_EREJECTED;
		}
		if (cJSON_IsString(c) && !sw_text_valid(c->valuestring, strlen(c->valuestring))) {
			sw_buf_clip(why, "field '", c->string, 40, "' is not valid UTF-8");
			return SW_EREJECTED;
		}
	}
	/* too large for an int: say so in the skill's terms when the skill is known */
	const sw_skill *sk = big.is && e->skill && fw ? sw_framework_find_skill(fw, e->skill) : NULL;
	if (sk) {
		locale_t old = sw_locale_enter();
		sw_buf_printf(why, "step %.15g is outside %s (%d to %d)", big.value, sk->id, sk->min,
		              sk->max);
		sw_locale_leave(old);
		return SW_EREJECTED;
	}
	return SW_OK;
}

/* -1 with the reason when item i of f holds \u0000 or text that is not UTF-8. */
static int flat_refuse(const sw_flat *f, size_t i, sw_buf *why)
{
	const sw_flat_item *it = &f->items[i];
	const char *key = f->text.p + it->key;
	bool key_ok = it->kascii || sw_text_valid(key, it->klen);
	if ((int)i == f->nul_item) {
		sw_buf_clip(why, "field '", key_ok ? key : "?", 40,
		            "' contains \\u0000 (a NUL character)");
		return -1;
	}
	if (key_ok && (it->type != SW_FLAT_STRING || it->vascii ||
	               sw_text_valid(sw_flat_text(f, it), it->vlen)))
		return 0;
	if (key_ok)
		sw_buf_clip(why, "field '", key, 40, "' is not valid UTF-8");
	else
		sw_buf_puts(why, "a field name is not valid UTF-8");
	return -1;
}

int sw_field_flat_evidence(sw_evidence_data *e, const sw_flat *f, const char *pupil,
                           bool strict, sw_buf *why)
{
	const sw_flat_item *at[SW_EVIDENCE_FIELDS] = { NULL };
	if (strict && f->nul_item >= 0)
		return 0;
	/* every text of the record, used or not, must be valid */
	for (size_t i = 0; i < f->count; i++) {
		const sw_flat_item *it = &f->items[i];
		const char *key = f->text.p + it->key;
		if (strict)
			for (size_t j = 0; j < i; j++)
				if (f->items[j].klen == it->klen &&
				    !memcmp(f->text.p + f->items[j].key, key, it->klen))
					return 0; /* a key twice: the strict parser says so */
		if (flat_refuse(f, i, why))
			return -1;
		for (size_t k = 0; k < SW_EVIDENCE_FIELDS; k++)
			if (it->klen == sw_evidence_fields[k].len &&
			    memcmp(key, sw_evidence_fields[k].name, it->klen) == 0) {
				if (!at[k]) /* the first of repeated keys counts */
					at[k] = it;
				break;
			}
	}
	const sw_flat_item *step = NULL;
	for (size_t k = 0; k < SW_EVIDENCE_FIELDS; k++) {
		const sw_field *fd = &sw_evidence_fields[k];
		if (fd->type == SW_FIELD_INT)
			step = at[k];
		else if (!at[k] || at[k]->type == SW_FLAT_NULL) /* absent or null: none */
			*sw_field_text_at(e, fd) = NULL;
		else if (at[k]->type == SW_FLAT_STRING)
			*sw_field_text_at(e, fd) = sw_flat_text(f, at[k]);
		else
			return 0; /* a number or true/false: the full reader says why */
	}
	if (!e->pupil)
		e->pupil = pupil;
	if (!e->pupil || !*e->pupil || !step || step->type != SW_FLAT_NUMBER)
		return 0;
	const char *t = sw_flat_text(f, step);
	return !strpbrk(t, ".eE") && sw_field_parse_int(t, &e->step);
}
