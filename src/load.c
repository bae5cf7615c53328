/*
 * load.c - the roster and evidence file readers (CSV and JSON Lines) and
 * the public calls that add pupils and evidence. Every row read is either
 * accepted or handed to the caller's on_reject with file, line and reason.
 */
#include "internal.h"
#include "data.h"
#include "input.h"
#include "flatjson.h"

#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_COLUMNS 256

/* What one file read needs to carry along. */
typedef struct reader {
	sw_engine *eng;
	const sw_load_options *opts;
	sw_load_stats *stats;
	const char *path;
	int format;
	sw_buf why;         /* the reason for the current row */
	sw_buf header_raw;  /* CSV header as read */
	sw_input *in;
	struct sw_stream *stream; /* evaluating as rows come (sw_engine_evaluate_file) */
} reader;

/* After each row: progress, and in streaming mode the pupil bookkeeping.
   Returns an error status to stop reading. */
static int after_row(reader *R, int status, uint64_t line)
{
	if (R->opts && R->opts->on_progress && (R->stats->rows & 0xFFFF) == 0)
		R->opts->on_progress(R->stats->rows, R->in->offset, R->in->size, R->opts->payload);
	if (R->stream && status == SW_OK)
		return sw_stream_row(R->stream, R->path, line);
	return SW_OK;
}

/* Chooses a format from the options or the file name. */
static int pick_format(const sw_load_options *opts, const char *path)
{
	if (opts && opts->format != SW_FORMAT_AUTO)
		return opts->format;
	const char *dot = strrchr(path, '.');
	if (dot && (strcasecmp(dot, ".jsonl") == 0 || strcasecmp(dot, ".ndjson") == 0 ||
	            strcasecmp(dot, ".json") == 0))
		return SW_FORMAT_JSONL;
	return SW_FORMAT_CSV;
}

/* Counts a rejected row and hands it to the caller. */
static void reject(reader *R, uint64_t line, const char *raw, size_t raw_len)
{
	R->stats->rejected++;
	if (!R->opts || !R->opts->on_reject)
		return;
	sw_reject rj = { R->path, line, sw_buf_cstr(&R->why) ? R->why.p : "out of memory",
		         raw ? raw : "", raw_len, NULL, 0, R->format };
	if (R->format == SW_FORMAT_CSV) {
		rj.header = R->header_raw.p ? R->header_raw.p : "";
		rj.header_len = R->header_raw.len;
	}
	R->opts->on_reject(&rj, R->opts->payload);
}

/* Parses a whole decimal integer (optional sign) from trimmed text. */
static bool parse_int(const char *s, int *out)
{
	size_t n = strlen(s);
	size_t i = 0;
	bool neg = false;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	if (i == n || n - i > 9)
		return false;
	int v = 0;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = neg ? -v : v;
	return true;
}

/* ---- CSV ---- */

enum { COL_NONE = -1 };

/* Maps each header column to one of `names` (index) or COL_NONE; reports a
   missing required column or a repeated one as a fatal error. */
static int read_header(reader *R, sw_input *in, sw_csv_row *row, const char *const *names,
                       int nnames, int nrequired, int *map, size_t *ncols)
{
	sw_diag *d = &R->eng->diag;
	int rc = sw_csv_next(in, row, &R->eng->mem);
	if (rc < 0)
		return sw_diag_add(d, SW_ENOMEM, R->path, 0, 0, NULL, "out of memory");
	if (rc == 0)
		return sw_diag_add(d, SW_EINVALID, R->path, 0, 0, NULL,
		                   "the file is empty: a header row is needed (%s, ...)", names[0]);
	if (row->error)
		return sw_diag_add(d, SW_EINVALID, R->path, row->line, 0, NULL,
		                   "cannot read the header row: %s", row->error);
	if (row->count > MAX_COLUMNS)
		return sw_diag_add(d, SW_ELIMIT, R->path, row->line, 0, NULL,
		                   "the header has %zu columns, more than %d", row->count, MAX_COLUMNS);
	sw_buf_add(&R->header_raw, row->raw.p ? row->raw.p : "", row->raw.len);
	bool seen[16] = { false };
	for (size_t i = 0; i < row->count; i++) {
		size_t n;
		const char *f = sw_csv_field(row, i, &n);
		if (!sw_text_valid(f, n))
			return sw_diag_add(d, SW_EINVALID, R->path, row->line, 0, NULL,
			                   "column %zu of the header is not valid UTF-8", i + 1);
		map[i] = COL_NONE;
		for (int k = 0; k < nnames; k++)
			if (strcasecmp(f, names[k]) == 0)
				map[i] = k;
		for (size_t j = 0; j < i; j++) {
			size_t m;
			const char *g = sw_csv_field(row, j, &m);
			if (m == n && strcasecmp(f, g) == 0)
				return sw_diag_add(d, SW_EINVALID, R->path, row->line, 0, NULL,
				                   "column '%s' appears twice in the header", f);
		}
		if (map[i] != COL_NONE)
			seen[map[i]] = true;
	}
	for (int k = 0; k < nrequired; k++)
		if (!seen[k])
			return sw_diag_add(d, SW_EINVALID, R->path, row->line, 0, NULL,
			                   "missing required column '%s'", names[k]);
	*ncols = row->count;
	return SW_OK;
}

/* Common checks of a CSV data row; false (with the reason set) when rejected. */
static bool row_ok(reader *R, const sw_csv_row *row, size_t ncols, const sw_csv_row *head)
{
	if (row->error) {
		sw_buf_puts(&R->why, row->error);
		return false;
	}
	if (row->count != ncols) {
		sw_buf_printf(&R->why, "%zu fields, but the header has %zu", row->count, ncols);
		return false;
	}
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

static const char *const PUPIL_COLS[] = { "id", "name", "year", "class", "school", "groups" };
static const char *const EVIDENCE_COLS[] = { "pupil", "skill", "step", "date", "outcome",
	                                     "source", "assessor", "context", "note" };

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

/* Turns one CSV roster row into a pupil (fields point into the row). */
static int csv_pupil(reader *R, sw_csv_row *row, sw_csv_row *head, const int *map,
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
			if (*f && (!parse_int(f, &p.year) || p.year < 0 || p.year >= SW_YEARS)) {
				sw_buf_printf(&R->why, "year '%.20s' is not an integer from 0 (Reception) "
				              "to %d", f, SW_YEARS - 1);
				return SW_EREJECTED;
			}
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
static int csv_evidence(reader *R, sw_csv_row *row, const int *map)
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
	if (!parse_int(step, &e.step)) {
		sw_buf_printf(&R->why, "step '%.20s' is not an integer", step);
		return SW_EREJECTED;
	}
	return sw_evidence_add(R->eng, &e, &R->why);
}

/* Reads a CSV file of pupils (is_pupils) or evidence. */
static int read_csv(reader *R, sw_input *in, bool is_pupils)
{
	const sw_mem *m = &R->eng->mem;
	sw_csv_row head, row;
	sw_csv_row_init(&head, m);
	sw_csv_row_init(&row, m);
	int map[MAX_COLUMNS];
	size_t ncols = 0;
	int rc = is_pupils ? read_header(R, in, &head, PUPIL_COLS, 6, 1, map, &ncols)
	                   : read_header(R, in, &head, EVIDENCE_COLS, 9, 4, map, &ncols);
	while (rc == SW_OK) {
		int got = sw_csv_next(in, &row, m);
		if (got <= 0) {
			if (got < 0)
				rc = sw_diag_add(&R->eng->diag, SW_ENOMEM, R->path, 0, 0, NULL, "out of memory");
			break;
		}
		R->stats->rows++;
		R->why.len = 0;
		int st = SW_EREJECTED;
		if (row_ok(R, &row, ncols, &head))
			st = is_pupils ? csv_pupil(R, &row, &head, map, row.line)
			               : csv_evidence(R, &row, map);
		if (st == SW_OK) {
			R->stats->accepted++;
		} else if (st == SW_EREJECTED) {
			reject(R, row.line, row.raw.p, row.raw.len);
		} else {
			R->stats->rows--;
			rc = sw_diag_add(&R->eng->diag, st, R->path, row.line, 0, NULL, "%s",
			                 st == SW_ESTATE ? "pupils cannot be added after evidence "
			                                   "loaded without a roster"
			                                 : sw_status_string(st));
		}
		if (rc == SW_OK)
			rc = after_row(R, st, row.line);
	}
	if (rc == SW_OK && in->err)
		rc = sw_diag_add(&R->eng->diag, SW_EIO, R->path, 0, 0, NULL, "read error");
	sw_csv_row_free(&head, m);
	sw_csv_row_free(&row, m);
	return rc;
}

/* ---- JSON Lines ---- */

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
		sw_buf_printf(&R->why, "%s %g is not an integer", key, v->valuedouble);
		return false;
	}
	return true;
}

/* Turns one JSON object into a pupil. */
static int json_pupil(reader *R, const cJSON *obj, uint64_t line)
{
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
		sw_buf_printf(&R->why, "year %d is not from 0 (Reception) to %d", p.year, SW_YEARS - 1);
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
			snprintf(num, 32, "%.17g", c->valuedouble);
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
static int json_evidence(reader *R, const cJSON *obj)
{
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
	return sw_evidence_add(R->eng, &e, &R->why);
}

/*
 * The fast path for an evidence line already read by sw_flat_parse: the
 * usual types only (strings or null, an integer step). Returns 1 with the
 * status in *st, or 0 when the line needs the full reader for its reason.
 */
static int flat_evidence(reader *R, const sw_flat *f, int *st)
{
	static const char *const keys[] = { "pupil", "skill", "date", "outcome", "source",
		                            "assessor", "context", "note" };
	const char *v[8] = { NULL };
	for (int k = 0; k < 8; k++) {
		const sw_flat_item *it = sw_flat_get(f, keys[k]);
		if (!it || it->type == SW_FLAT_NULL)
			continue;
		if (it->type != SW_FLAT_STRING)
			return 0;
		v[k] = sw_flat_text(f, it);
	}
	const sw_flat_item *step = sw_flat_get(f, "step");
	if (!v[0] || !*v[0] || !step || step->type != SW_FLAT_NUMBER)
		return 0;
	const char *t = sw_flat_text(f, step);
	int value;
	if (strpbrk(t, ".eE") || !parse_int(t, &value))
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
	*st = sw_evidence_add(R->eng, &e, &R->why);
	return 1;
}

/* Reads a JSON Lines file of pupils or evidence. */
static int read_jsonl(reader *R, sw_input *in, bool is_pupils)
{
	sw_buf line;
	sw_buf_init(&line, &R->eng->mem);
	sw_flat *flat = sw_mem_calloc(&R->eng->mem, 1, sizeof *flat);
	if (!flat)
		return sw_diag_add(&R->eng->diag, SW_ENOMEM, R->path, 0, 0, NULL, "out of memory");
	sw_buf_init(&flat->text, &R->eng->mem);
	int rc = SW_OK;
	for (;;) {
		uint64_t at = in->line;
		if (!sw_input_line(in, &line))
			break;
		if (line.failed) {
			rc = sw_diag_add(&R->eng->diag, SW_ENOMEM, R->path, at, 0, NULL, "out of memory");
			break;
		}
		const char *s = line.p ? line.p : "";
		size_t n = line.len;
		sw_text_trim(&s, &n);
		if (n == 0)
			continue; /* blank lines are skipped and not counted */
		R->stats->rows++;
		R->why.len = 0;
		int st = SW_EREJECTED;
		const char *end = NULL;
		bool has_nul = memchr(line.p, 0, line.len) != NULL;
		if (!is_pupils && !has_nul && sw_flat_parse(flat, s, n) && flat_evidence(R, flat, &st)) {
			if (st == SW_OK || st == SW_EREJECTED) {
				if (st == SW_OK)
					R->stats->accepted++;
				else
					reject(R, at, line.p, line.len);
				if ((rc = after_row(R, st, at)))
					break;
				continue;
			}
			R->stats->rows--;
			rc = sw_diag_add(&R->eng->diag, st, R->path, at, 0, NULL, "%s",
			                 sw_status_string(st));
			break;
		}
		if (flat->text.failed) {
			rc = sw_diag_add(&R->eng->diag, SW_ENOMEM, R->path, at, 0, NULL, "out of memory");
			break;
		}
		R->why.len = 0;
		cJSON *obj = has_nul ? NULL : cJSON_ParseWithLengthOpts(s, n, &end, 0);
		if (has_nul) {
			sw_buf_puts(&R->why, "NUL byte in the line");
		} else if (!obj) {
			size_t col = end && end >= s ? (size_t)(end - s) + 1 : 1;
			sw_buf_printf(&R->why, "invalid JSON at column %zu", col);
		} else if ((size_t)(end - s) != n) {
			sw_buf_puts(&R->why, "text after the JSON value");
		} else if (!cJSON_IsObject(obj)) {
			sw_buf_puts(&R->why, "not a JSON object");
		} else {
			st = is_pupils ? json_pupil(R, obj, at) : json_evidence(R, obj);
		}
		cJSON_Delete(obj);
		if (st == SW_OK || st == SW_EREJECTED) {
			if (st == SW_OK)
				R->stats->accepted++;
			else
				reject(R, at, line.p, line.len);
			if ((rc = after_row(R, st, at)))
				break;
		} else {
			R->stats->rows--;
			rc = sw_diag_add(&R->eng->diag, st, R->path, at, 0, NULL, "%s",
			                 st == SW_ESTATE ? "pupils cannot be added after evidence "
			                                   "loaded without a roster"
			                                 : sw_status_string(st));
			break;
		}
	}
	if (rc == SW_OK && in->err)
		rc = sw_diag_add(&R->eng->diag, SW_EIO, R->path, 0, 0, NULL, "read error");
	sw_buf_free(&line);
	sw_buf_free(&flat->text);
	sw_mem_free(&R->eng->mem, flat);
	return rc;
}

/* Opens path and reads it with the right reader. */
static int load_file(sw_engine *eng, const char *path, const sw_load_options *opts,
                     sw_load_stats *stats, bool is_pupils, struct sw_stream *stream)
{
	sw_load_stats dummy;
	if (!stats)
		stats = &dummy;
	memset(stats, 0, sizeof *stats);
	if (!eng)
		return SW_EINVALID;
	if (!stream) /* a stream's caller has begun the call already */
		sw_engine_begin(eng);
	if (!path)
		return sw_diag_add(&eng->diag, SW_EINVALID, NULL, 0, 0, NULL, "no path given");
	if (opts && opts->version != SW_LOAD_OPTIONS_VERSION)
		return sw_diag_add(&eng->diag, SW_EINVALID, path, 0, 0, NULL,
		                   "sw_load_options has an unknown version");
	if (!is_pupils && !eng->fw)
		return sw_diag_add(&eng->diag, SW_ESTATE, path, 0, 0, NULL,
		                   "load a framework before evidence");
	if (is_pupils && eng->roster && eng->roster->count && !eng->roster->from_roster)
		return sw_diag_add(&eng->diag, SW_ESTATE, path, 0, 0, NULL,
		                   "load the roster before the evidence");
	sw_input in;
	int rc = sw_input_open(&in, &eng->mem, path, &eng->diag);
	if (rc)
		return rc;
	reader R = { eng, opts, stats, path, pick_format(opts, path), { 0 }, { 0 }, &in, stream };
	sw_buf_init(&R.why, &eng->mem);
	sw_buf_init(&R.header_raw, &eng->mem);
	if (is_pupils && !sw_roster_get(eng))
		rc = SW_ENOMEM;
	else if (R.format == SW_FORMAT_JSONL)
		rc = read_jsonl(&R, &in, is_pupils);
	else
		rc = read_csv(&R, &in, is_pupils);
	if (is_pupils && eng->roster && stats->accepted == 0 && eng->roster->count == 0)
		eng->roster->from_roster = true; /* an empty roster still means "roster given" */
	if (eng->evidence)
		eng->evidence->sorted = false;
	sw_buf_free(&R.why);
	sw_buf_free(&R.header_raw);
	sw_input_close(&in);
	return rc;
}

int sw_engine_load_pupils(sw_engine *eng, const char *path, const sw_load_options *opts,
                          sw_load_stats *stats)
{
	return load_file(eng, path, opts, stats, true, NULL);
}

int sw_engine_load_evidence(sw_engine *eng, const char *path, const sw_load_options *opts,
                            sw_load_stats *stats)
{
	return load_file(eng, path, opts, stats, false, NULL);
}

int sw_load_stream(sw_engine *eng, const char *path, const sw_load_options *opts,
                   sw_load_stats *stats, struct sw_stream *stream)
{
	return load_file(eng, path, opts, stats, false, stream);
}
