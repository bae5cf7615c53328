/*
 * rows.c - one row of a data file turned into a pupil or an evidence record:
 * CSV fields by column, JSON lines by key (the fast flat reader first, cJSON
 * for everything else), both through the field list and the object readers
 * of fields.c, with the reason when a row is rejected.
 */
#include "internal.h"
#include "reader.h"

#include <cJSON.h>
#include <string.h>

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
	if ((sw_field_parse_int(f, year) && *year >= 0 && *year < SW_YEARS) ||
	    sw_year_parse(year, f))
		return true;
	if (!sw_text_valid(f, strlen(f))) {
		sw_buf_puts(&R->why, "field 'year' is not valid UTF-8");
		return false;
	}
	sw_buf_clip(&R->why, "year '", f, 20, "");
	sw_buf_printf(&R->why, "' is not a school year: write 0 to %d, Year 5, Y5, R or Reception",
	              SW_YEARS - 1);
	return false;
}

/* Turns one CSV roster row into a pupil (fields point into the row; map[i]
   is the field of column i, or -1 for an extra field). */
static int csv_pupil(reader *R, sw_csv_row *row, const sw_csv_row *head, const int *map)
{
	sw_pupil_data p = SW_PUPIL_DATA_INIT;
	const char *names[MAX_COLUMNS], *values[MAX_COLUMNS], *groups[MAX_COLUMNS];
	for (size_t i = 0; i < row->count; i++) {
		char *f = row->data.p + row->start[i];
		const sw_field *fd = map[i] < 0 ? NULL : &sw_pupil_fields[map[i]];
		if (!fd) {
			names[p.attribute_count] = sw_csv_field(head, i, NULL);
			values[p.attribute_count++] = f;
		} else if (fd->type == SW_FIELD_TEXT) {
			*sw_field_text_at(&p, fd) = f;
		} else if (fd->type == SW_FIELD_INT) {
			if (*f && !year_text(R, f, sw_field_int_at(&p, fd)))
				return SW_EREJECTED;
		} else {
			p.group_count = split_groups(f, groups, MAX_COLUMNS);
			p.groups = groups;
		}
	}
	p.attribute_names = names;
	p.attribute_values = values;
	return sw_roster_put(R->eng, &p, row->line, &R->why, false);
}

/* Adds (or in check-only mode checks) one record. */
static int add_evidence(reader *R, const sw_evidence_data *e)
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

/* Turns one CSV evidence row into a record (map as for csv_pupil). */
static int csv_evidence(reader *R, sw_csv_row *row, const int *map)
{
	sw_evidence_data e = SW_EVIDENCE_DATA_INIT;
	const char *step = "";
	for (size_t i = 0; i < row->count; i++) {
		const char *f = row->data.p + row->start[i];
		const sw_field *fd = map[i] < 0 ? NULL : &sw_evidence_fields[map[i]];
		if (fd && fd->type == SW_FIELD_TEXT)
			*sw_field_text_at(&e, fd) = f;
		else if (fd)
			step = f;
	}
	if (!*step) {
		sw_buf_puts(&R->why, e.pupil && *e.pupil ? "empty step" : "empty pupil");
		return SW_EREJECTED;
	}
	if (!sw_field_parse_int(step, &e.step)) {
		sw_buf_clip(&R->why, "step '", step, 20, "' is not an integer");
		return SW_EREJECTED;
	}
	return add_evidence(R, &e);
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

/* Reads one non-blank JSON line: the fast reader first, cJSON for anything
   unusual and for the reason a line is rejected. s[0..n) is the line
   without surrounding white space; `lead` bytes of white space came before
   it (for column numbers). Returns the row's status. */
static int json_line(reader *R, sw_flat *flat, const char *s, size_t n, bool is_pupils,
                     uint64_t at, size_t lead)
{
	bool has_nul = memchr(s, 0, n) != NULL;
	int st = SW_EREJECTED;
	if (!is_pupils && !has_nul && sw_flat_parse(flat, s, n)) {
		sw_evidence_data e = SW_EVIDENCE_DATA_INIT;
		int got = sw_field_flat_evidence(&e, flat, NULL, false, &R->why);
		if (got)
			return got < 0 ? SW_EREJECTED : add_evidence(R, &e);
	}
	if (flat->text.failed)
		return SW_ENOMEM;
	R->why.len = 0;
	const char *end = NULL;
	cJSON *obj = has_nul || has_nul_escape(s, n) ? NULL : sw_cjson_parse(s, n, &end);
	if (has_nul) {
		sw_buf_puts(&R->why, "NUL byte in the line");
	} else if (has_nul_escape(s, n)) {
		sw_buf_puts(&R->why, "a text contains \\u0000 (a NUL character)");
	} else if (!obj || (size_t)(end - s) != n) { /* why, with the column, from the strict parser */
		sw_diag d;
		sw_diag_init(&d, &R->eng->mem);
		cJSON *tree = NULL;
		sw_json_parse(&tree, &d, "line", s - lead, n + lead, (size_t)-1, 64);
		if (d.count && d.items[0].column)
			sw_buf_printf(&R->why, "invalid JSON at column %u: %s", d.items[0].column,
			              d.items[0].message);
		else if (d.count)
			sw_buf_printf(&R->why, "invalid JSON: %s", d.items[0].message);
		else
			sw_buf_puts(&R->why, "invalid JSON");
		cJSON_Delete(tree);
		sw_diag_clear(&d);
	} else if (!cJSON_IsObject(obj)) {
		sw_buf_puts(&R->why, "not a JSON object");
	} else if (is_pupils) {
		sw_pupil_data p = SW_PUPIL_DATA_INIT;
		sw_pupil_room room;
		st = sw_field_json_pupil(&p, &room, obj, &R->why);
		st = st ? st : sw_roster_put(R->eng, &p, at, &R->why, false);
	} else {
		sw_evidence_data e = SW_EVIDENCE_DATA_INIT;
		st = sw_field_json_evidence(&e, obj, NULL, "empty pupil", R->eng->fw, &R->why);
		st = st ? st : add_evidence(R, &e);
	}
	cJSON_Delete(obj);
	return st;
}

/* Common checks of a CSV data row; false (with the reason set) when rejected. */
static bool row_ok(reader *R, const sw_csv_row *row, size_t ncols, const sw_csv_row *head)
{
	if (row->error) {
		sw_buf_puts(&R->why, row->error);
		return false;
	}
	if (row->count != ncols) {
		sw_buf_printf(&R->why, "%zu field%s, but the header has %zu", row->count,
		              row->count == 1 ? "" : "s", ncols);
		return false;
	}
	/* the fields are the raw row less ASCII quotes and commas: valid when it is */
	if (row->ascii || sw_text_valid(row->raw.p ? row->raw.p : "", row->raw.len))
		return true;
	for (size_t i = 0; i < row->count; i++) {
		size_t n;
		const char *f = sw_csv_field(row, i, &n);
		if (!sw_text_valid(f, n)) {
			sw_buf_printf(&R->why, "field '%s' is not valid UTF-8", sw_csv_field(head, i, NULL));
			return false;
		}
	}
	return true;
}

int sw_rd_csv_rows(reader *R, sw_input *in, sw_csv_row *row, const sw_csv_row *head,
                   const int *map, size_t ncols, bool is_pupils, sw_rd_row_fn fn, void *ctx)
{
	int rc = SW_OK, got = 0;
	while (rc == SW_OK && (got = sw_csv_next(in, row, &R->eng->mem)) > 0) {
		R->why.len = 0;
		int st = SW_EREJECTED;
		if (row_ok(R, row, ncols, head))
			st = is_pupils ? csv_pupil(R, row, head, map) : csv_evidence(R, row, map);
		rc = fn(R, ctx, st, row->line, row->raw.p, row->raw.len);
	}
	return got < 0 ? fn(R, ctx, SW_ENOMEM, 0, NULL, 0) : rc;
}

int sw_rd_json_rows(reader *R, sw_input *in, sw_buf *line, sw_flat *flat, bool is_pupils,
                    sw_rd_row_fn fn, void *ctx)
{
	for (;;) {
		uint64_t at = in->line;
		if (!sw_input_line(in, line))
			return SW_OK;
		if (line->failed)
			return fn(R, ctx, SW_ENOMEM, at, NULL, 0);
		const char *s = line->p ? line->p : "";
		size_t n = line->len;
		sw_text_trim(&s, &n);
		if (n == 0)
			continue; /* blank lines are skipped and not counted */
		R->why.len = 0;
		int st = json_line(R, flat, s, n, is_pupils, at, (size_t)(s - line->p));
		int rc = fn(R, ctx, st, at, line->p, line->len);
		if (rc)
			return rc;
	}
}
