/*
 * write_report.c - the cohort's tables (groups, gap, progress, support) as
 * CSV, one JSON document or an aligned table, from one sheet of cells; and
 * the exact rounding of the figures (integers until they are written).
 */
#include "cohort.h"
#include "cohort_html.h"
#include "table.h"

#include <string.h>

#ifdef __SIZEOF_INT128__
typedef __int128 wide;
#else
typedef long long wide;
#endif

/* Appends num/den (den > 0) rounded half away from zero to `dec` decimals. */
static void put_scaled(sw_buf *b, wide num, wide den, int dec)
{
	wide scale = 1;
	for (int i = 0; i < dec; i++)
		scale *= 10;
	bool neg = num < 0;
	wide a = neg ? -num : num;
	wide q = (2 * a * scale + den) / (2 * den);
	if (q == 0)
		neg = false; /* never "-0.00" */
	sw_buf_printf(b, "%s%lld", neg ? "-" : "", (long long)(q / scale));
	if (dec)
		sw_buf_printf(b, ".%0*lld", dec, (long long)(q % scale));
}

void sw_fmt_ratio(sw_buf *b, int64_t num, int64_t den, int dec)
{
	put_scaled(b, num, den, dec);
}

void sw_fmt_diff(sw_buf *b, int64_t a, int64_t n, int64_t bsum, int64_t m)
{
	put_scaled(b, (wide)a * m - (wide)bsum * n, (wide)n * m, 2);
}

/* A table under construction: named columns, cells row by row (NULL = empty). */
typedef struct sheet {
	const sw_mem *m;
	const char *cols[16];
	size_t ncols;
	unsigned numeric; /* bit c: column c holds numbers */
	int year_col;     /* a column of years (a number in JSON, "(none)" as null), or -1 */
	char **cells;
	size_t count, cap;
	int failed;
	sw_buf tmp;
} sheet;

/* Adds a cell (NULL: empty). */
static void cell(sheet *s, const char *text)
{
	if (s->failed || sw_mem_grow(s->m, (void **)&s->cells, &s->cap, s->count + 1,
	                             sizeof *s->cells)) {
		s->failed = 1;
		return;
	}
	char *c = NULL;
	if (text && !(c = sw_mem_strdup(s->m, text)))
		s->failed = 1;
	else
		s->cells[s->count++] = c;
}

/* Adds the text accumulated in s->tmp as a cell when ok, else an empty
   cell; clears it. */
static void cell_if(sheet *s, bool ok)
{
	const char *t = ok ? sw_buf_cstr(&s->tmp) : NULL;
	if (ok && !t)
		s->failed = 1;
	else
		cell(s, t);
	s->tmp.len = 0;
}

/* Adds a whole number. */
static void cell_num(sheet *s, long long v)
{
	sw_buf_printf(&s->tmp, "%lld", v);
	cell_if(s, true);
}

/* Adds sum/n to 2 decimals, or an empty cell when n is 0. */
static void cell_mean(sheet *s, int64_t sum, int64_t n)
{
	if (n)
		sw_fmt_ratio(&s->tmp, sum, n, 2);
	cell_if(s, n != 0);
}

/* Sets the sheet's columns (up to a NULL) and which hold numbers (bit c:
   column c), with "school" after the first when `school`. */
static void set_cols(sheet *s, const char *const *names, unsigned numeric, bool school)
{
	for (size_t i = 0; names[i]; i++) {
		s->cols[s->ncols++] = names[i];
		if (i == 0 && school)
			s->cols[s->ncols++] = "school";
	}
	s->numeric = school ? numeric << 1 : numeric;
}

/* True when the cohort's groups are pairs (school and class or year). */
static bool pairs(const sw_cohort *c)
{
	return c->by == SW_BY_SCHOOL_CLASS || c->by == SW_BY_SCHOOL_YEAR;
}

/* Adds the by, (school,) group cells of group g. */
static void cell_group(sheet *s, const sw_cohort *c, size_t g)
{
	cell(s, sw_cohort_by_name(c->by));
	if (pairs(c))
		cell(s, c->groups[g].school);
	cell(s, c->groups[g].name);
}

/* Adds at/with as a percentage to 1 decimal, empty when with is 0 or below min. */
static void cell_pct(sheet *s, uint32_t at, uint32_t with, int min)
{
	bool ok = with && with >= (uint32_t)min;
	if (ok)
		sw_fmt_ratio(&s->tmp, (int64_t)at * 100, with, 1);
	cell_if(s, ok);
}

/* True when a figure on `assessed` pupils (with_exp of them with an
   expected step) is withheld because too few pupils lie behind it. */
static bool withheld(uint32_t assessed, uint32_t with_exp, int min)
{
	return assessed && ((int64_t)assessed < min || (with_exp && (int64_t)with_exp < min));
}

/* Fills the sheet with the groups table. */
static void fill_groups(sheet *s, const sw_cohort *c)
{
	int min = c->min_group;
	for (size_t g = 0; g < c->group_count; g++) {
		for (size_t k = 0; k < c->skills; k++) {
			const sw_cstat *st = &c->stats[g * c->skills + k];
			bool shown = st->assessed >= (uint32_t)min;
			cell_group(s, c, g);
			cell(s, c->fw->skills[k].id);
			cell_num(s, c->groups[g].count);
			cell_num(s, st->assessed);
			cell_mean(s, st->sum, shown ? st->assessed : 0);
			if (st->assessed && shown)
				sw_fmt_ratio(&s->tmp, sw_cohort_median2(c, g, k), 2, 1);
			cell_if(s, st->assessed && shown);
			cell_pct(s, st->at_exp, shown ? st->with_exp : 0, min);
			cell(s, withheld(st->assessed, st->with_exp, min) ? "true" : "false");
		}
	}
}

/* Fills the sheet with the trend: per group, date and skill, % at expected. */
static void fill_trend(sheet *s, const sw_cohort *c)
{
	uint32_t min = (uint32_t)c->min_group;
	for (size_t g = 0; g < c->group_count; g++) {
		for (size_t t = 0; t < c->trend_count; t++) {
			for (size_t k = 0; k < c->skills; k++) {
				const sw_ctrend *e = &c->trend[(t * c->group_count + g) * c->skills + k];
				char iso[16];
				sw_date_format(iso, c->trend_dates[t]);
				cell_group(s, c, g);
				cell(s, iso);
				sw_term_name(&s->tmp, c->trend_dates[t]);
				cell_if(s, true);
				cell(s, c->fw->skills[k].id);
				cell_num(s, e->assessed);
				cell_num(s, e->with_exp);
				cell_pct(s, e->at_exp, e->assessed >= min ? e->with_exp : 0, c->min_group);
				cell(s, withheld(e->assessed, e->with_exp, c->min_group) ? "true" : "false");
			}
		}
	}
}

/* Appends v rounded half away from zero to 1 decimal. */
static void put_pp(sw_buf *b, double v)
{
	bool neg = v < 0;
	long long q = (long long)((neg ? -v : v) * 10.0 + 0.5 + 1e-9);
	sw_buf_printf(b, "%s%lld.%lld", neg && q ? "-" : "", q / 10, q % 10);
}

/* Fills the sheet with the gap table: a row per group and skill. */
static void fill_gap(sheet *s, const sw_cohort *c)
{
	int min = c->min_group;
	for (size_t g = 0; g < c->group_count; g++) {
		for (size_t k = 0; k < c->skills; k++) {
			sw_cgapcell in, out;
			sw_cohort_gap_side(&in, c, g, k, 0);
			sw_cohort_gap_side(&out, c, g, k, 1);
			bool in_ok = in.assessed >= (uint32_t)min, out_ok = out.assessed >= (uint32_t)min;
			cell_group(s, c, g);
			cell(s, c->fw->skills[k].id);
			cell_num(s, in.assessed);
			cell_mean(s, in.sum, in_ok ? in.assessed : 0);
			cell_pct(s, in.at_exp, in_ok ? in.with_exp : 0, min);
			cell_num(s, out.assessed);
			cell_mean(s, out.sum, out_ok ? out.assessed : 0);
			cell_pct(s, out.at_exp, out_ok ? out.with_exp : 0, min);
			if (in_ok && out_ok)
				sw_fmt_diff(&s->tmp, in.sum, in.assessed, out.sum, out.assessed);
			cell_if(s, in_ok && out_ok);
			bool pp_ok = in_ok && out_ok && in.with_exp >= (uint32_t)min &&
			             out.with_exp >= (uint32_t)min && in.with_exp && out.with_exp;
			int64_t num = ((int64_t)in.at_exp * out.with_exp -
			               (int64_t)out.at_exp * in.with_exp) * 100;
			if (pp_ok)
				sw_fmt_ratio(&s->tmp, num, (int64_t)in.with_exp * out.with_exp, 1);
			cell_if(s, pp_ok);
			double adj;
			bool adj_ok = pp_ok && sw_cohort_gap_adjusted(&adj, c, g, k);
			if (adj_ok)
				put_pp(&s->tmp, adj);
			cell_if(s, adj_ok);
			cell(s, withheld(in.assessed, in.with_exp, min) ||
			                withheld(out.assessed, out.with_exp, min) ? "true" : "false");
		}
	}
}

/* Fills the sheet with the progress table. */
static void fill_progress(sheet *s, const sw_cohort *c)
{
	for (size_t g = 0; g < c->group_count; g++) {
		for (size_t k = 0; k < c->skills; k++) {
			const sw_cstat *st = &c->stats[g * c->skills + k];
			uint32_t n = st->both >= (uint32_t)c->min_group ? st->both : 0;
			cell_group(s, c, g);
			cell(s, c->fw->skills[k].id);
			cell_num(s, st->both);
			cell_mean(s, st->sum_from, n);
			cell_mean(s, st->sum_to, n);
			cell_mean(s, st->sum_to - st->sum_from, n);
			cell(s, withheld(st->both, 0, c->min_group) ? "true" : "false");
		}
	}
}

/* Appends the roster groups of a pupil, separated by ';'. */
static void put_groups(sw_buf *b, const sw_cohort *c, const sw_pupil *p)
{
	const struct sw_roster *ro = c->eng->roster;
	for (uint32_t j = 0; j < p->group_count; j++) {
		sw_buf_puts(b, j ? ";" : "");
		sw_buf_puts(b, sw_intern_str(&ro->groups, ro->group_refs[p->group_first + j]));
	}
}

/* Fills the sheet with the support list: a row per pupil, then those not yet assessed. */
static void fill_support(sheet *s, const sw_cohort *c)
{
	for (size_t i = 0; i < c->psupport_count; i++) {
		const sw_cpsupport *e = &c->psupport[i];
		const sw_pupil *p = sw_cohort_pupil(c, e->row);
		cell(s, e->not_assessed ? "not_assessed" : "support");
		cell(s, p->id);
		cell(s, p->name ? p->name : "");
		cell(s, p->school ? p->school : "");
		if (p->year != SW_NO_YEAR)
			sw_buf_printf(&s->tmp, "%d", p->year);
		cell_if(s, p->year != SW_NO_YEAR);
		cell(s, p->class_name ? p->class_name : "");
		put_groups(&s->tmp, c, p);
		cell_if(s, true);
		for (size_t k = 0; k < c->skills; k++) {
			int32_t x, step;
			if (!sw_cohort_support_lists(c, e, k, &x, &step))
				continue;
			sw_buf_puts(&s->tmp, s->tmp.len ? ";" : "");
			sw_buf_puts(&s->tmp, c->fw->skills[k].id);
			if (!e->not_assessed)
				sw_buf_printf(&s->tmp, ":%lld", (long long)x - step);
		}
		cell_if(s, true);
		if (!e->not_assessed)
			sw_buf_printf(&s->tmp, "%lld", (long long)e->total);
		cell_if(s, !e->not_assessed);
	}
}

/* The columns of each SW_REPORT_* table (pairs of groups, school and class
   or year, get a "school" column after "by"), which hold numbers, what
   fills it and its name. */
static const struct report_table {
	const char *cols[14];
	unsigned numeric;
	void (*fill)(sheet *s, const sw_cohort *c);
	const char *name;
} TABLES[] = {
	[SW_REPORT_GROUPS] = { { "by", "group", "skill", "pupils", "assessed", "mean", "median",
		                 "at_expected", "suppressed" }, 0x1F8u, fill_groups, "groups" },
	[SW_REPORT_GAP] = { { "by", "group", "skill", "in_assessed", "in_mean", "in_at_expected",
		              "out_assessed", "out_mean", "out_at_expected", "gap_mean", "gap_pp",
		              "gap_pp_year_adjusted", "suppressed" }, 0x1FF8u, fill_gap, "gap" },
	[SW_REPORT_PROGRESS] = { { "by", "group", "skill", "pupils_both", "mean_from", "mean_to",
		                   "mean_progress", "suppressed" }, 0xF8u, fill_progress, "progress" },
	[SW_REPORT_SUPPORT] = { { "list", "pupil", "name", "school", "year", "class", "groups",
		                  "skills", "total_shortfall" }, 0x110u, fill_support, "support" },
	[SW_REPORT_TREND] = { { "by", "group", "date", "term", "skill", "assessed", "with_expected",
		                "at_expected", "suppressed" }, 0x1E0u, fill_trend, "trend" },
};

/* Appends what the figures rest on, in one line of words (no newline):
   the CSV's first line (after "# ") and the table's last. */
static void put_basis_line(sw_buf *b, const sw_cohort *c, sw_report what)
{
	if (what == SW_REPORT_SUPPORT)
		sw_buf_puts(b, "stepwise support");
	else
		sw_buf_printf(b, "stepwise report %s", TABLES[what].name);
	sw_buf_printf(b, "; framework %s", c->fw->id);
	if (c->fw->version)
		sw_buf_printf(b, " version %s", c->fw->version);
	sw_buf_printf(b, "; rubric %s", c->rubric ? c->rubric : "?");
	if (c->params && *c->params)
		sw_buf_printf(b, " (%s)", c->params);
	if (what == SW_REPORT_PROGRESS)
		sw_buf_printf(b, "; from %s to %s", c->from, c->to);
	else if (what == SW_REPORT_TREND)
		sw_buf_printf(b, "; at %zu dates", c->trend_count);
	else
		sw_buf_printf(b, "; as of %s", c->as_of ? c->as_of : "all evidence");
	if (what != SW_REPORT_SUPPORT)
		sw_buf_printf(b, "; by %s", sw_cohort_by_name(c->by));
	if (what == SW_REPORT_GAP)
		sw_buf_printf(b, "; gap: in = group %s, out = the others", c->gap_name);
	if (what != SW_REPORT_SUPPORT && c->min_group > 1)
		sw_buf_printf(b, "; figures on fewer than %d pupils withheld", c->min_group);
	if (c->fw->expectations_indicative && what != SW_REPORT_PROGRESS)
		sw_buf_puts(b, "; the framework's expected steps are indicative");
	if (what == SW_REPORT_SUPPORT)
		sw_buf_printf(b, "; %zu pupils below the expected step by %d or more (skill:shortfall), "
		                 "%zu not yet assessed in a skill where a step is expected",
		              c->psupport_count - c->psupport_na, c->below, c->psupport_na);
	for (size_t i = 0; i < c->school_count; i++)
		sw_buf_printf(b, "%s%s", i ? ", " : "; schools ", c->schools[i]);
	if (c->school_count)
		sw_buf_printf(b, " (left out: %zu pupils, %zu evidence records)", c->left_pupils,
		              c->left_records);
	for (size_t i = 0; i < c->source_count; i++) {
		const sw_load_stats *st = &c->sources[i].stats;
		sw_buf_printf(b, "%s%s %llu rows, %llu accepted, %llu rejected", i ? ", " : "; inputs ",
		              c->sources[i].file, (unsigned long long)st->rows,
		              (unsigned long long)st->accepted, (unsigned long long)st->rejected);
	}
}

/* Writes the sheet as CSV, after a first line "# " saying what it rests on. */
static void put_csv(sw_buf *b, const sheet *s, const sw_cohort *c, sw_report what)
{
	sw_buf_puts(b, "# ");
	size_t from = b->len;
	put_basis_line(b, c, what);
	for (size_t i = from; b->p && i < b->len; i++)
		if (b->p[i] == '\n' || b->p[i] == '\r')
			b->p[i] = ' '; /* a file name with a line break stays on the line */
	sw_buf_putc(b, '\n');
	for (size_t i = 0; i < s->ncols; i++)
		sw_buf_printf(b, "%s%s", i ? "," : "", s->cols[i]);
	sw_buf_putc(b, '\n');
	for (size_t i = 0; i < s->count; i++) {
		if (s->cells[i])
			sw_csv_put(b, s->cells[i]);
		sw_buf_putc(b, (i + 1) % s->ncols ? ',' : '\n');
	}
}

/* Appends `"key": value` (a JSON string, or null). */
static void json_meta(sw_buf *b, const char *key, const char *value)
{
	sw_buf_printf(b, ", \"%s\": ", key);
	sw_json_put(b, value);
}

/* Writes the sheet as one JSON document with the cohort's facts. */
static void put_json(sw_buf *b, const sheet *s, const sw_cohort *c, sw_report what)
{
	sw_buf_printf(b, "{\"report\": \"%s\"", TABLES[what].name);
	json_meta(b, "framework", c->fw->id);
	json_meta(b, "framework_version", c->fw->version);
	sw_buf_printf(b, ", \"expectations_indicative\": %s",
	              c->fw->expectations_indicative ? "true" : "false");
	json_meta(b, "rubric", c->rubric);
	json_meta(b, "rubric_params", c->params && *c->params ? c->params : NULL);
	if (what != SW_REPORT_SUPPORT)
		json_meta(b, "by", sw_cohort_by_name(c->by));
	if (what == SW_REPORT_GAP)
		json_meta(b, "gap_group", c->gap_name);
	if (what == SW_REPORT_PROGRESS) {
		json_meta(b, "from", c->from);
		json_meta(b, "to", c->to);
	} else {
		json_meta(b, "as_of", c->as_of);
	}
	if (what == SW_REPORT_SUPPORT)
		sw_buf_printf(b, ", \"below\": %d", c->below);
	else
		sw_buf_printf(b, ", \"min_group\": %d", c->min_group);
	sw_buf_puts(b, ", \"schools\": ");
	if (!c->school_count)
		sw_buf_puts(b, "null");
	for (size_t i = 0; i < c->school_count; i++)
		sw_json_put_after(b, i ? ", " : "[", c->schools[i]);
	sw_buf_printf(b, "%s, \"left_out\": {\"pupils\": %zu, \"evidence\": %zu}",
	              c->school_count ? "]" : "", c->left_pupils, c->left_records);
	sw_buf_puts(b, ", \"inputs\": [");
	for (size_t i = 0; i < c->source_count; i++) {
		const sw_load_stats *st = &c->sources[i].stats;
		sw_json_put_after(b, i ? ", {\"file\": " : "{\"file\": ", c->sources[i].file);
		sw_buf_printf(b, ", \"rows\": %llu, \"accepted\": %llu, \"rejected\": %llu}",
		              (unsigned long long)st->rows, (unsigned long long)st->accepted,
		              (unsigned long long)st->rejected);
	}
	sw_buf_puts(b, "], \"rows\": [");
	for (size_t i = 0; i < s->count; i++) {
		size_t col = i % s->ncols;
		sw_buf_puts(b, col ? ", " : i ? "},\n  {" : "\n  {");
		sw_buf_printf(b, "\"%s\": ", s->cols[col]);
		if (!s->cells[i])
			sw_buf_puts(b, "null");
		else if ((s->numeric & (1u << col)) ||
		         ((int)col == s->year_col && strcmp(s->cells[i], "(none)") != 0))
			sw_buf_puts(b, s->cells[i]);
		else if ((int)col == s->year_col)
			sw_buf_puts(b, "null");
		else
			sw_json_put(b, s->cells[i]);
	}
	sw_buf_puts(b, s->count ? "}\n]}\n" : "]}\n");
}

/* The widest text cell of a terminal table, in display columns. */
#define TABLE_TEXT_MAX 24

/* Writes the sheet as an aligned table with a line on what it rests on. */
static int put_table(FILE *out, const sheet *s, const sw_cohort *c, sw_report what)
{
	sw_table t;
	sw_table_init(&t, s->m, s->ncols);
	t.right = s->numeric;
	for (size_t i = 0; i < s->ncols; i++)
		sw_table_cell(&t, s->cols[i]);
	sw_buf cut;
	sw_buf_init(&cut, c->m);
	for (size_t i = 0; i < s->count; i++) {
		const char *v = s->cells[i] ? s->cells[i] : "-";
		size_t n = sw_text_fit(v, TABLE_TEXT_MAX);
		if (v[n] && !(s->numeric & (1u << (i % s->ncols)))) {
			/* a long name: cut by display width, with an ellipsis (full in CSV/JSON) */
			cut.len = 0;
			sw_buf_add(&cut, v, sw_text_fit(v, TABLE_TEXT_MAX - 1));
			sw_buf_puts(&cut, "\xE2\x80\xA6");
			v = sw_buf_cstr(&cut) ? sw_buf_cstr(&cut) : "-";
		}
		sw_table_cell(&t, v);
	}
	sw_buf_free(&cut);
	int rc = sw_table_write(&t, out, NULL);
	sw_table_free(&t);
	if (rc)
		return rc;
	sw_buf line;
	sw_buf_init(&line, c->m);
	put_basis_line(&line, c, what);
	if (what != SW_REPORT_SUPPORT)
		sw_buf_puts(&line, "; '-' none");
	bool ok = sw_buf_cstr(&line) != NULL;
	if (ok)
		fprintf(out, "\n%s\n", line.p);
	sw_buf_free(&line);
	return !ok ? SW_ENOMEM : ferror(out) ? SW_EIO : SW_OK;
}

int sw_cohort_write(FILE *out, const sw_cohort *c, sw_report what, sw_report_format format)
{
	if (!out || !c || what < SW_REPORT_GROUPS || what > SW_REPORT_TREND ||
	    format < SW_REPORT_TABLE || format > SW_REPORT_JSON)
		return SW_EINVALID;
	if ((what == SW_REPORT_GAP && !c->has_gap) || (what == SW_REPORT_PROGRESS && !c->has_progress) ||
	    (what == SW_REPORT_TREND && !c->trend))
		return SW_ESTATE;
	sheet s = { .m = c->m };
	sw_buf_init(&s.tmp, c->m);
	bool p = pairs(c);
	s.year_col = what != SW_REPORT_SUPPORT && (c->by == SW_BY_YEAR || c->by == SW_BY_SCHOOL_YEAR)
	                     ? (p ? 2 : 1) : -1;
	set_cols(&s, TABLES[what].cols, TABLES[what].numeric, p && what != SW_REPORT_SUPPORT);
	TABLES[what].fill(&s, c);
	int rc = s.failed || s.tmp.failed ? SW_ENOMEM : SW_OK;
	if (!rc && format == SW_REPORT_TABLE) {
		rc = put_table(out, &s, c, what);
	} else if (!rc) {
		sw_buf b;
		sw_buf_init(&b, c->m);
		if (format == SW_REPORT_CSV)
			put_csv(&b, &s, c, what);
		else
			put_json(&b, &s, c, what);
		rc = sw_html_page_write(&b, out); /* a page of any kind */
	}
	for (size_t i = 0; i < s.count; i++)
		sw_mem_free(s.m, s.cells[i]);
	sw_mem_free(s.m, s.cells);
	sw_buf_free(&s.tmp);
	if (!rc && (fflush(out) != 0 || ferror(out)))
		rc = SW_EIO;
	return rc;
}
