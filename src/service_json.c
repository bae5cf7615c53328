/*
 * service_json.c - the JSON side of the service protocol (service.c):
 * strings written as JSON (invalid UTF-8 replaced), the request's id echoed
 * as it was written, and the request's pupil and evidence objects turned
 * into sw_pupil_data / sw_evidence_data as the JSON Lines readers of load.c
 * turn rows, with the same reasons for refusing them.
 */
#include "service.h"

#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 256

/* ---- text ---- */

/* Appends s[0..n) as a JSON string; invalid UTF-8 becomes U+FFFD. */
void sw_svc_put_text(sw_buf *b, const char *s, size_t n)
{
	sw_buf_putc(b, '"');
	size_t i = 0;
	while (i < n) {
		size_t good = i + sw_text_invalid_at(s + i, n - i);
		for (; i < good; i++) {
			unsigned char c = (unsigned char)s[i];
			if (c == '"' || c == '\\') {
				sw_buf_putc(b, '\\');
				sw_buf_putc(b, (char)c);
			} else if (c < 0x20) {
				static const char esc[] = "btn.fr";
				if (c >= 8 && c <= 13 && c != 11)
					sw_buf_printf(b, "\\%c", esc[c - 8]);
				else
					sw_buf_printf(b, "\\u%04x", c);
			} else {
				sw_buf_putc(b, (char)c);
			}
		}
		if (i < n) {
			sw_buf_puts(b, "\\ufffd");
			i++;
		}
	}
	sw_buf_putc(b, '"');
}

/* ---- the id, echoed as written ---- */

static size_t skip_ws(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
		i++;
	return i;
}

/* Index just after the string starting at s[i] (text already validated):
   the next quote not escaped by an odd run of backslashes. */
static size_t skip_string(const char *s, size_t n, size_t i)
{
	for (i++; i < n;) {
		const char *q = memchr(s + i, '"', n - i);
		if (!q)
			return n;
		size_t at = (size_t)(q - s), bs = 0;
		while (at - bs > i && s[at - bs - 1] == '\\')
			bs++;
		if (bs % 2 == 0)
			return at + 1;
		i = at + 1;
	}
	return n;
}

/* Index just after the value starting at s[i] (text already validated). */
static size_t skip_value(const char *s, size_t n, size_t i)
{
	if (s[i] == '"')
		return skip_string(s, n, i);
	if (s[i] == '{' || s[i] == '[') {
		int depth = 0;
		while (i < n) {
			unsigned char c = (unsigned char)s[i];
			if (c == '"') {
				i = skip_string(s, n, i);
				continue;
			}
			if (c == '{' || c == '[')
				depth++;
			else if ((c == '}' || c == ']') && --depth == 0)
				return i + 1;
			i++;
		}
		return n;
	}
	while (i < n && !strchr(",}] \t\r\n", s[i]))
		i++;
	return i;
}

/* Appends the value of member k of the top-level object, without the white
   space between its tokens. */
static void put_member_raw(sw_buf *b, const char *s, size_t n, size_t k)
{
	size_t i = n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3) ? 3 : 0;
	i = skip_ws(s, n, i) + 1; /* past '{' */
	for (size_t m = 0; i < n; m++) {
		i = skip_string(s, n, skip_ws(s, n, i));
		i = skip_ws(s, n, skip_ws(s, n, i) + 1); /* past ':' */
		size_t end = skip_value(s, n, i);
		if (m == k) {
			while (i < end) {
				if (s[i] == '"') {
					size_t e = skip_string(s, n, i);
					sw_buf_add(b, s + i, e - i);
					i = e;
				} else {
					if (!strchr(" \t\r\n", s[i]))
						sw_buf_putc(b, s[i]);
					i++;
				}
			}
			return;
		}
		i = skip_ws(s, n, end) + 1; /* past ',' */
	}
	sw_buf_puts(b, "null");
}

/* Appends the request's id as written, or null. */
void sw_svc_put_id(sw_buf *b, const cJSON *root, const char *line, size_t len)
{
	size_t k = 0;
	for (const cJSON *c = root && cJSON_IsObject(root) ? root->child : NULL; c; c = c->next, k++)
		if (strcmp(c->string, "id") == 0) {
			put_member_raw(b, line, len, k);
			return;
		}
	sw_buf_puts(b, "null");
}

/* ---- reading members ---- */

/* A string or null member; false (reason in why) for another type. */
bool sw_svc_text(sw_buf *why, const cJSON *obj, const char *key, const char **out)
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

/* An integer member (absent or null: *present false). */
bool sw_svc_int(sw_buf *why, const cJSON *obj, const char *key, int *out, bool *present)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	*present = v && !cJSON_IsNull(v);
	if (!*present)
		return true;
	if (!cJSON_IsNumber(v)) {
		sw_buf_printf(why, "field '%s' must be a number", key);
		return false;
	}
	if (!sw_json_int(v, out)) {
		sw_buf_printf(why, "%s %g is not an integer", key, v->valuedouble);
		return false;
	}
	return true;
}

/* Text for a scalar: a string as it is, a number, true or false; NULL for
   another type. `num` holds at least 32 bytes. */
const char *sw_svc_scalar(const cJSON *v, char *num)
{
	if (cJSON_IsString(v))
		return v->valuestring;
	if (cJSON_IsBool(v))
		return cJSON_IsTrue(v) ? "true" : "false";
	if (cJSON_IsNumber(v) && isfinite(v->valuedouble)) {
		double d = v->valuedouble;
		if (d == floor(d) && fabs(d) < 1e15)
			snprintf(num, 32, "%.0f", d);
		else
			snprintf(num, 32, "%.17g", d);
		return num;
	}
	return NULL;
}

/* ---- pupils and evidence ---- */

/* Frees the room sw_svc_pupil took. */
void sw_svc_space_free(const sw_mem *m, pupil_space *s)
{
	sw_mem_free(m, s->groups);
	sw_mem_free(m, s->names);
	sw_mem_free(m, s->values);
	sw_mem_free(m, s->numbers);
}

/* Fills p from a JSON pupil object as the JSON Lines roster reader does;
   SW_EREJECTED (reason in why) or SW_ENOMEM. */
int sw_svc_pupil(sw_pupil_data *p, pupil_space *sp, const sw_mem *m, const cJSON *obj,
                 sw_buf *why)
{
	bool has_year;
	if (!sw_svc_text(why, obj, "id", &p->id) || !sw_svc_text(why, obj, "name", &p->name) ||
	    !sw_svc_text(why, obj, "class", &p->class_name) ||
	    !sw_svc_text(why, obj, "school", &p->school) ||
	    !sw_svc_int(why, obj, "year", &p->year, &has_year))
		return SW_EREJECTED;
	if (!has_year)
		p->year = SW_NO_YEAR;
	size_t n = (size_t)cJSON_GetArraySize(obj);
	const cJSON *g = cJSON_GetObjectItemCaseSensitive(obj, "groups");
	size_t ng = cJSON_IsArray(g) ? (size_t)cJSON_GetArraySize(g) : 0;
	if (n > MAX_FIELDS || ng > MAX_FIELDS) {
		sw_buf_printf(why, "more than %d %s", MAX_FIELDS, n > MAX_FIELDS ? "fields" : "groups");
		return SW_EREJECTED;
	}
	sp->groups = sw_mem_calloc(m, ng + 1, sizeof *sp->groups);
	sp->names = sw_mem_calloc(m, n + 1, sizeof *sp->names);
	sp->values = sw_mem_calloc(m, n + 1, sizeof *sp->values);
	sp->numbers = sw_mem_calloc(m, n + 1, sizeof *sp->numbers);
	if (!sp->groups || !sp->names || !sp->values || !sp->numbers)
		return SW_ENOMEM;
	if (g && !cJSON_IsNull(g)) {
		if (!cJSON_IsArray(g)) {
			sw_buf_puts(why, "field 'groups' must be an array of strings");
			return SW_EREJECTED;
		}
		for (const cJSON *c = g->child; c; c = c->next) {
			if (!cJSON_IsString(c)) {
				sw_buf_puts(why, "field 'groups' must be an array of strings");
				return SW_EREJECTED;
			}
			sp->groups[p->group_count++] = c->valuestring;
		}
	}
	p->groups = sp->groups;
	static const char *const known[] = { "id", "name", "year", "class", "school", "groups", NULL };
	for (const cJSON *c = obj->child; c; c = c->next) {
		bool is_known = false;
		for (const char *const *k = known; *k; k++)
			is_known |= strcmp(*k, c->string) == 0;
		if (is_known || cJSON_IsNull(c))
			continue;
		const char *val = sw_svc_scalar(c, sp->numbers[p->attribute_count]);
		if (!val) {
			sw_buf_printf(why, "field '%s' must be a string, a number or true/false",
			              c->string);
			return SW_EREJECTED;
		}
		sp->names[p->attribute_count] = c->string;
		sp->values[p->attribute_count++] = val;
	}
	p->attribute_names = sp->names;
	p->attribute_values = sp->values;
	return SW_OK;
}

/* Fills e from a JSON evidence object as the JSON Lines evidence reader does;
   a missing or null "pupil" is the request's pupil. */
bool sw_svc_evidence(sw_evidence_data *e, const cJSON *obj, const char *pupil, sw_buf *why)
{
	bool has_step;
	if (!cJSON_IsObject(obj)) {
		sw_buf_puts(why, "not a JSON object");
		return false;
	}
	if (!sw_svc_text(why, obj, "pupil", &e->pupil) || !sw_svc_text(why, obj, "skill", &e->skill) ||
	    !sw_svc_text(why, obj, "date", &e->date) || !sw_svc_text(why, obj, "outcome", &e->outcome) ||
	    !sw_svc_text(why, obj, "source", &e->source) ||
	    !sw_svc_text(why, obj, "assessor", &e->assessor) ||
	    !sw_svc_text(why, obj, "context", &e->context) || !sw_svc_text(why, obj, "note", &e->note) ||
	    !sw_svc_int(why, obj, "step", &e->step, &has_step))
		return false;
	if (!e->pupil)
		e->pupil = pupil;
	if (!e->pupil) {
		sw_buf_puts(why, "missing field 'pupil'");
		return false;
	}
	if (!*e->pupil) {
		sw_buf_puts(why, "empty pupil");
		return false;
	}
	if (!has_step) {
		sw_buf_puts(why, "missing field 'step'");
		return false;
	}
	return true;
}

/* ---- the evidence array, read without a tree ---- */

/*
 * Finds the value of the top-level member `key` (written without escapes)
 * of the object in s[0..n), text already checked; false when it is absent,
 * given more than once, or not an array. Fills ev with the array's span and
 * the start and end of each element.
 */
bool sw_svc_split(sw_svc_evlist *ev, const sw_mem *m, const char *s, size_t n, const char *key)
{
	size_t klen = strlen(key), i = n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3) ? 3 : 0;
	size_t found = 0, vstart = 0, vend = 0;
	i = skip_ws(s, n, i);
	if (i >= n || s[i] != '{')
		return false;
	i = skip_ws(s, n, i + 1);
	ev->count = 0;
	while (i < n && s[i] == '"') {
		size_t kend = skip_string(s, n, i);
		bool match = kend - i == klen + 2 && memcmp(s + i + 1, key, klen) == 0;
		i = skip_ws(s, n, skip_ws(s, n, kend) + 1); /* past ':' */
		size_t end;
		if (match && s[i] == '[' && !found++) {
			/* the records' spans, in one pass over the array */
			vstart = i;
			for (end = skip_ws(s, n, i + 1); end < n && s[end] != ']';) {
				size_t e = skip_value(s, n, end);
				if (sw_mem_grow(m, (void **)&ev->spans, &ev->cap, 2 * ev->count + 2,
				                sizeof *ev->spans))
					return false;
				ev->spans[2 * ev->count] = end;
				ev->spans[2 * ev->count + 1] = e;
				ev->count++;
				end = skip_ws(s, n, e);
				if (end < n && s[end] == ',')
					end = skip_ws(s, n, end + 1);
			}
			vend = end + 1;
			end = vend;
		} else {
			found += match;
			end = skip_value(s, n, i);
		}
		i = skip_ws(s, n, end);
		if (i < n && s[i] == ',')
			i = skip_ws(s, n, i + 1);
	}
	if (found != 1 || !vend)
		return false;
	ev->text = s;
	ev->start = vstart;
	ev->end = vend;
	return true;
}

/* The text of a flat item that is a string, or NULL for null or absent;
   false for another type. */
static bool flat_text(const sw_flat *f, const sw_flat_item *it, const char **out)
{
	*out = NULL;
	if (!it || it->type == SW_FLAT_NULL)
		return true;
	if (it->type != SW_FLAT_STRING)
		return false;
	*out = sw_flat_text(f, it);
	return true;
}

/*
 * Fills e from an evidence record read by sw_flat_parse, for the usual
 * shape only (strings or null, an integer step, no key twice, no \u0000);
 * false when the record needs sw_svc_evidence for its reason.
 */
bool sw_svc_flat_evidence(sw_evidence_data *e, const sw_flat *f, const char *pupil)
{
#define KEY(s) { s, sizeof s - 1 }
	static const struct {
		const char *name;
		size_t len;
	} keys[] = { KEY("pupil"), KEY("skill"), KEY("date"), KEY("outcome"), KEY("source"),
		     KEY("assessor"), KEY("context"), KEY("note"), KEY("step") };
#undef KEY
	const sw_flat_item *at[9] = { NULL };
	if (f->nul_item >= 0)
		return false;
	for (size_t i = 0; i < f->count; i++) {
		const sw_flat_item *it = &f->items[i];
		const char *k = f->text.p + it->key;
		for (size_t j = 0; j < i; j++)
			if (f->items[j].klen == it->klen && !memcmp(f->text.p + f->items[j].key, k, it->klen))
				return false; /* a key twice: the strict parser says so */
		for (int j = 0; j < 9; j++)
			if (it->klen == keys[j].len && memcmp(k, keys[j].name, keys[j].len) == 0) {
				at[j] = it;
				break;
			}
	}
	const char **v[8] = { &e->pupil, &e->skill, &e->date, &e->outcome, &e->source,
		              &e->assessor, &e->context, &e->note };
	for (int j = 0; j < 8; j++)
		if (!flat_text(f, at[j], v[j]))
			return false;
	if (!e->pupil)
		e->pupil = pupil;
	if (!e->pupil || !*e->pupil || !at[8] || at[8]->type != SW_FLAT_NUMBER)
		return false;
	const char *t = sw_flat_text(f, at[8]);
	if (strpbrk(t, ".eE") || strlen(t) > 11)
		return false;
	long long step = strtoll(t, NULL, 10);
	if (step < -2147483647LL || step > 2147483647LL)
		return false;
	e->step = (int)step;
	return true;
}
