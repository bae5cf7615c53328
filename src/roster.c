/*
 * roster.c - the pupil table: pupils added from a roster file or the API,
 * or taken from the evidence when there is no roster; lookup by id and the
 * evaluation order (ids in byte order).
 */
#include "internal.h"
#include "data.h"
#include "fields.h"

#include <stdlib.h>
#include <string.h>

struct sw_roster *sw_roster_get(sw_engine *eng)
{
	if (!eng->roster) {
		struct sw_roster *r = sw_mem_calloc(&eng->mem, 1, sizeof *r);
		if (!r)
			return NULL;
		sw_arena_init(&r->text, &eng->mem);
		sw_intern_init(&r->ids, &eng->mem);
		sw_intern_init(&r->groups, &eng->mem);
		eng->roster = r;
	}
	return eng->roster;
}

const sw_pupil *sw_roster_find(const struct sw_roster *r, const char *id, size_t n,
                               size_t *index)
{
	if (!r)
		return NULL;
	uint32_t k = sw_intern_find(&r->ids, id, n);
	if (!k)
		return NULL;
	if (index)
		*index = k - 1;
	return &r->pupils[k - 1];
}

/* Copies optional text into the arena as NFC; *out NULL for NULL or "". */
static int keep_text(sw_engine *eng, sw_buf *tmp, const char *s, const char *field,
                     const char **out, sw_buf *why)
{
	*out = NULL;
	if (!s)
		return SW_OK;
	size_t n = strlen(s);
	sw_text_trim(&s, &n);
	if (!n)
		return SW_OK;
	if (!sw_text_norm(tmp, s, n)) {
		sw_buf_printf(why, "field '%s' is not valid UTF-8", field);
		return SW_EREJECTED;
	}
	if (tmp->failed || !(*out = sw_arena_strndup(&eng->roster->text, tmp->p, tmp->len)))
		return SW_ENOMEM;
	return SW_OK;
}

/* Adds a pupil record with id (NFC, n bytes) to the table. */
static int add_record(size_t *index, struct sw_roster *r, const sw_mem *m, const char *id,
                      size_t n)
{
	if (sw_mem_grow(m, (void **)&r->pupils, &r->cap, r->count + 1, sizeof *r->pupils))
		return SW_ENOMEM;
	uint32_t k;
	if (sw_intern_add(&k, &r->ids, id, n))
		return SW_ENOMEM;
	r->pupils[r->count] = (sw_pupil){ .id = sw_intern_str(&r->ids, k), .year = SW_NO_YEAR };
	*index = r->count++;
	sw_mem_free(m, r->order);
	r->order = NULL;
	return SW_OK;
}

/* Normalizes and stores the pupil's groups; SW_EREJECTED or SW_ENOMEM. */
static int add_groups(sw_engine *eng, sw_buf *tmp, const sw_pupil_data *in, sw_buf *why)
{
	struct sw_roster *r = eng->roster;
	size_t first = r->group_ref_count;
	for (size_t g = 0; g < in->group_count; g++) {
		const char *gs = in->groups[g] ? in->groups[g] : "";
		size_t gn = strlen(gs);
		sw_text_trim(&gs, &gn);
		if (!gn)
			continue;
		if (!sw_text_norm(tmp, gs, gn)) {
			sw_buf_puts(why, "field 'groups' is not valid UTF-8");
			return SW_EREJECTED;
		}
		uint32_t gid;
		if (tmp->failed || sw_intern_add(&gid, &r->groups, tmp->p, tmp->len) ||
		    sw_mem_grow(&eng->mem, (void **)&r->group_refs, &r->group_ref_cap,
		                r->group_ref_count + 1, sizeof(uint32_t)))
			return SW_ENOMEM;
		bool seen = false;
		for (size_t k = first; k < r->group_ref_count; k++)
			seen |= r->group_refs[k] == gid;
		if (!seen)
			r->group_refs[r->group_ref_count++] = gid;
	}
	return SW_OK;
}

/* Normalizes and stores the pupil's extra attributes. */
static int add_attrs(sw_engine *eng, sw_buf *tmp, const sw_pupil_data *in, sw_buf *why)
{
	struct sw_roster *r = eng->roster;
	for (size_t a = 0; a < in->attribute_count; a++) {
		const char *key, *val;
		int rc = keep_text(eng, tmp, in->attribute_names[a], "", &key, why);
		if (rc == SW_EREJECTED) {
			why->len = 0;
			sw_buf_puts(why, "a field name is not valid UTF-8");
		}
		if (rc)
			return rc;
		if (!key)
			continue;
		if ((rc = keep_text(eng, tmp, in->attribute_values[a], key, &val, why)))
			return rc;
		if (sw_mem_grow(&eng->mem, (void **)&r->attrs, &r->attr_cap, r->attr_count + 1,
		                sizeof *r->attrs))
			return SW_ENOMEM;
		r->attrs[r->attr_count].key = key;
		r->attrs[r->attr_count].value = val ? val : "";
		r->attr_count++;
	}
	return SW_OK;
}

int sw_roster_put(sw_engine *eng, const sw_pupil_data *in, uint64_t line, sw_buf *why,
                  bool replace)
{
	struct sw_roster *r = sw_roster_get(eng);
	if (!r)
		return SW_ENOMEM;
	if (!replace && !r->from_roster && r->count)
		return SW_ESTATE;
	sw_buf id, tmp;
	sw_buf_init(&id, &eng->mem);
	sw_buf_init(&tmp, &eng->mem);
	size_t first_group = r->group_ref_count, first_attr = r->attr_count;
	const char *texts[SW_PUPIL_FIELDS] = { NULL }; /* the optional texts, kept */
	int rc = SW_EREJECTED;
	const char *s = in->id ? in->id : "";
	size_t n = strlen(s);
	sw_text_trim(&s, &n);
	if (!n) {
		sw_buf_puts(why, "empty id");
		goto fail;
	}
	if (!sw_text_norm(&id, s, n)) {
		sw_buf_puts(why, "field 'id' is not valid UTF-8");
		goto fail;
	}
	if (id.failed) {
		rc = SW_ENOMEM;
		goto fail;
	}
	size_t idx;
	const sw_pupil *dup = sw_roster_find(r, id.p, id.len, &idx);
	if (replace && !dup) {
		sw_buf_printf(why, "no pupil '%s'", id.p);
		rc = SW_ENOTFOUND;
		goto fail;
	}
	if (dup && !replace) {
		if (dup->line)
			sw_buf_printf(why, "id '%s' repeats the pupil on line %llu", dup->id,
			              (unsigned long long)dup->line);
		else
			sw_buf_printf(why, "id '%s' repeats an earlier pupil", dup->id);
		goto fail;
	}
	if (in->year != SW_NO_YEAR && (in->year < 0 || in->year >= SW_YEARS)) {
		sw_buf_printf(why, "year %d is not from 0 (Reception) to %d", in->year, SW_YEARS - 1);
		goto fail;
	}
	rc = SW_OK;
	for (size_t k = 1; k < SW_PUPIL_FIELDS && rc == SW_OK; k++) /* after the id */
		if (sw_pupil_fields[k].type == SW_FIELD_TEXT)
			rc = keep_text(eng, &tmp, *sw_field_text_at((void *)in, &sw_pupil_fields[k]),
			               sw_pupil_fields[k].name, &texts[k], why);
	if (rc || (rc = add_groups(eng, &tmp, in, why)) || (rc = add_attrs(eng, &tmp, in, why)))
		goto fail;
	if (!replace && (rc = add_record(&idx, r, &eng->mem, id.p, id.len)))
		goto fail;
	sw_pupil *p = &r->pupils[idx]; /* replaced: its old groups and attributes stay unused */
	for (size_t k = 1; k < SW_PUPIL_FIELDS; k++)
		if (sw_pupil_fields[k].type == SW_FIELD_TEXT)
			memcpy((char *)p + sw_pupil_fields[k].kept, &texts[k], sizeof texts[k]);
	p->year = in->year;
	p->line = replace ? p->line : line;
	p->group_first = (uint32_t)first_group;
	p->group_count = (uint32_t)(r->group_ref_count - first_group);
	p->attr_first = (uint32_t)first_attr;
	p->attr_count = (uint32_t)(r->attr_count - first_attr);
	r->from_roster = r->from_roster || !replace;
fail:
	if (rc) { /* undo partial group and attribute additions (arena text is simply unused) */
		r->group_ref_count = first_group;
		r->attr_count = first_attr;
	}
	sw_buf_free(&id);
	sw_buf_free(&tmp);
	return rc;
}

int sw_roster_lookup(size_t *index, sw_engine *eng, const char *id)
{
	sw_buf b;
	sw_buf_init(&b, &eng->mem);
	const char *t = id ? id : "";
	size_t n = strlen(t);
	sw_text_trim(&t, &n);
	bool found = sw_text_norm(&b, t, n) && !b.failed && eng->roster &&
	             sw_roster_find(eng->roster, b.p ? b.p : "", b.len, index);
	int rc = b.failed ? SW_ENOMEM : found ? SW_OK : SW_ENOTFOUND;
	if (rc == SW_ENOTFOUND) {
		b.len = 0;
		sw_buf_clip(&b, "no pupil '", t, 64, "'");
		sw_diag_add(&eng->diag, rc, NULL, 0, 0, NULL, "%s",
		            sw_buf_cstr(&b) ? b.p : "no such pupil");
	} else if (rc) {
		sw_diag_add(&eng->diag, rc, NULL, 0, 0, NULL, "out of memory");
	}
	sw_buf_free(&b);
	return rc;
}

int sw_roster_add_implicit(size_t *index, sw_engine *eng, const char *id, size_t n)
{
	struct sw_roster *r = sw_roster_get(eng);
	if (!r)
		return SW_ENOMEM;
	return add_record(index, r, &eng->mem, id, n);
}

typedef struct order_item {
	const char *id;
	uint32_t index;
} order_item;

/* Orders pupils by id, byte by byte. */
static int cmp_order(const void *a, const void *b)
{
	return strcmp(((const order_item *)a)->id, ((const order_item *)b)->id);
}

int sw_roster_sort(struct sw_roster *r, const sw_mem *m)
{
	if (r->order)
		return SW_OK;
	order_item *items = sw_mem_calloc(m, r->count ? r->count : 1, sizeof *items);
	r->order = sw_mem_calloc(m, r->count ? r->count : 1, sizeof *r->order);
	if (!items || !r->order) {
		sw_mem_free(m, items);
		sw_mem_free(m, r->order);
		r->order = NULL;
		return SW_ENOMEM;
	}
	for (size_t i = 0; i < r->count; i++) {
		items[i].id = r->pupils[i].id;
		items[i].index = (uint32_t)i;
	}
	qsort(items, r->count, sizeof *items, cmp_order);
	for (size_t i = 0; i < r->count; i++)
		r->order[i] = items[i].index;
	sw_mem_free(m, items);
	return SW_OK;
}

void sw_roster_free(struct sw_roster *r, const sw_mem *m)
{
	if (!r)
		return;
	sw_arena_free(&r->text);
	sw_intern_free(&r->ids);
	sw_intern_free(&r->groups);
	sw_mem_free(m, r->pupils);
	sw_mem_free(m, r->group_refs);
	sw_mem_free(m, r->attrs);
	sw_mem_free(m, r->order);
	sw_mem_free(m, r);
}

/* ---- years as they were: the report's and summaries' one rule ---- */

/* The academic year (the calendar year it starts in, on 1 September) of a date. */
static int academic_year(int32_t days)
{
	char iso[16];
	sw_date_format(iso, days);
	int y = (iso[0] - '0') * 1000 + (iso[1] - '0') * 100 + (iso[2] - '0') * 10 + iso[3] - '0';
	int m = (iso[5] - '0') * 10 + iso[6] - '0';
	return m >= 9 ? y : y - 1;
}

int32_t sw_roster_day(const sw_engine *eng, const char *roster_date)
{
	int32_t d;
	if (roster_date && sw_date_parse(&d, roster_date, strlen(roster_date)))
		return d;
	const struct sw_evidence *ev = eng->evidence;
	return ev && ev->count ? ev->newest : INT32_MIN;
}

int sw_year_shift(int32_t roster, int32_t day)
{
	return roster != INT32_MIN && day < roster ? academic_year(roster) - academic_year(day)
	                                           : 0;
}

int sw_year_then(int year, int shift)
{
	if (year == SW_NO_YEAR)
		return SW_NO_YEAR;
	return year - shift < 0 ? SW_NO_YEAR : year - shift; /* not yet at school then */
}
