/*
 * write_html_grid.c - the top of the HTML report: the title (framework,
 * schools, as-of date), the key messages in words and figures, and the
 * compact grids of groups by skills (% at expected, and the mean step as
 * small bars), one grid per school when grouped by school and class or
 * year. Figures resting on fewer than min_group pupils are greyed and
 * have no figure.
 */
#include "cohort.h"
#include "cohort_html.h"

#include <string.h>

static const char *const MONTHS[] = { "January", "February", "March", "April", "May",
	                              "June", "July", "August", "September", "October",
	                              "November", "December" };

/* Appends a date (days since 1970-01-01) in words: "31 July 2026". */
static void date_words(sw_buf *b, int32_t days)
{
	char iso[16];
	sw_date_format(iso, days);
	int y = (iso[0] - '0') * 1000 + (iso[1] - '0') * 100 + (iso[2] - '0') * 10 + iso[3] - '0';
	int m = (iso[5] - '0') * 10 + iso[6] - '0', d = (iso[8] - '0') * 10 + iso[9] - '0';
	sw_buf_printf(b, "%d %s %d", d, MONTHS[(m - 1) % 12], y);
}

void sw_html_date(sw_buf *b, const char *date)
{
	int32_t days;
	if (date && sw_date_parse(&days, date, strlen(date)))
		date_words(b, days);
	else
		sw_html_put(b, date);
}

int sw_html_page_write(sw_buf *b, FILE *out)
{
	int rc = SW_OK;
	if (b->failed)
		rc = SW_ENOMEM;
	else if (fwrite(b->p, 1, b->len, out) != b->len || fflush(out) != 0)
		rc = SW_EIO;
	sw_buf_free(b);
	return rc;
}

/* The distinct schools of the covered pupils, in natural order (at most `max`). */
static size_t schools_of(const sw_cohort *c, const char **out, size_t max)
{
	size_t n = 0;
	for (size_t r = 0; r < c->rows; r++) {
		const char *s = sw_cohort_pupil(c, r)->school;
		if (!s)
			continue;
		size_t i = 0;
		while (i < n && strcmp(out[i], s) != 0)
			i++;
		if (i < n)
			continue;
		if (n == max)
			return max + 1; /* more than max */
		out[n++] = s;
	}
	for (size_t i = 1; i < n; i++) /* insertion sort: a handful */
		for (size_t j = i; j > 0 && sw_nat_cmp(out[j - 1], out[j]) > 0; j--) {
			const char *t = out[j];
			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	return n;
}

void sw_html_title(sw_buf *b, const sw_cohort *c)
{
	sw_html_put_after(b, "<header><h1>Skills report: ", c->fw->name);
	sw_buf_puts(b, "</h1><p class=\"sub\">");
	const char *names[8];
	size_t n = schools_of(c, names, 6);
	if (n == 0) {
		sw_buf_puts(b, "All pupils");
	} else if (n <= 6) {
		for (size_t i = 0; i < n; i++) {
			sw_buf_puts(b, i == 0 ? "" : i + 1 == n ? " and " : ", ");
			sw_html_put(b, names[i]);
		}
	} else {
		sw_buf_puts(b, "More than six schools");
	}
	sw_buf_puts(b, " \xC2\xB7 as of ");
	if (c->as_of)
		sw_html_date(b, c->as_of);
	else if (c->newest != INT32_MIN) {
		date_words(b, c->newest);
		sw_buf_puts(b, " (the newest evidence)");
	} else
		sw_buf_puts(b, "no evidence yet");
	sw_html_put_after(b, " \xC2\xB7 grouped by ", sw_cohort_by_name(c->by));
	sw_buf_puts(b, "</p></header>\n");
}

/* Counts over the covered pupils for skill k in a pass: with an expected step, at it. */
static void cohort_at(const sw_cohort *c, int pass, size_t k, int side, uint32_t *with,
                      uint32_t *at)
{
	*with = *at = 0;
	for (size_t r = 0; r < c->rows; r++) {
		/* side 0: the gap group's pupils, 1: the others */
		if (side >= 0 && sw_cohort_in_group(c, sw_cohort_pupil(c, r), c->gap_gid) == (side != 0))
			continue;
		int32_t step = c->steps[pass][r * c->skills + k];
		int32_t e = step == SW_NO_STEP ? SW_NO_STEP : sw_cohort_expected(c, r, k, pass);
		if (e == SW_NO_STEP)
			continue;
		(*with)++;
		*at += step >= e;
	}
}

/* The mean % at expected of group g over its skills with a figure shown; false when none. */
static bool group_level(const sw_cohort *c, size_t g, int64_t *tenths)
{
	int64_t sum = 0, n = 0;
	for (size_t k = 0; k < c->skills; k++) {
		const sw_cstat *st = &c->stats[g * c->skills + k];
		if (st->with_exp < (uint32_t)c->min_group || st->assessed < (uint32_t)c->min_group ||
		    !st->with_exp)
			continue;
		sum += (int64_t)st->at_exp * 1000 / st->with_exp;
		n++;
	}
	if (!n)
		return false;
	*tenths = sum / n;
	return true;
}

void sw_html_key(sw_buf *b, const sw_cohort *c)
{
	uint32_t covered = 0;
	for (size_t r = 0; r < c->rows; r++)
		for (size_t k = 0; k < c->skills; k++)
			if (c->steps[SW_PASS_MAIN][r * c->skills + k] != SW_NO_STEP) {
				covered++;
				break;
			}
	sw_buf_puts(b, "<section id=\"key\" aria-labelledby=\"key-h\"><h2 id=\"key-h\">Key messages"
	               "</h2><ul class=\"key-messages\">");
	sw_buf_printf(b, "<li><strong>Coverage:</strong> %u of %zu pupils (", covered, c->rows);
	if (c->rows)
		sw_fmt_ratio(b, (int64_t)covered * 100, (int64_t)c->rows, 0);
	else
		sw_buf_putc(b, '0');
	sw_buf_puts(b, "%) have a step in at least one skill.</li><li><strong>At or above the "
	               "expected step</strong>, of assessed pupils with an expected step:<ul>");
	for (size_t k = 0; k < c->skills; k++) {
		uint32_t with, at;
		cohort_at(c, SW_PASS_MAIN, k, -1, &with, &at);
		sw_html_put_after(b, "<li>", c->fw->skills[k].name);
		if (!with) {
			sw_buf_puts(b, ": no assessed pupil with an expected step");
		} else if (with < (uint32_t)c->min_group) {
			sw_buf_printf(b, ": withheld (%u pupils, fewer than %d)", with, c->min_group);
		} else {
			sw_buf_puts(b, ": <strong>");
			sw_fmt_ratio(b, (int64_t)at * 100, with, 0);
			sw_buf_printf(b, "%%</strong> (%u of %u)", at, with);
			if (c->has_progress) {
				uint32_t w0, a0;
				cohort_at(c, SW_PASS_FROM, k, -1, &w0, &a0);
				if (w0 >= (uint32_t)c->min_group && w0) {
					int64_t num = ((int64_t)at * w0 - (int64_t)a0 * with) * 100;
					sw_buf_puts(b, num >= 0 ? ", up " : ", down ");
					sw_fmt_ratio(b, num < 0 ? -num : num, (int64_t)with * w0, 0);
					sw_buf_puts(b, " points since ");
					sw_html_date(b, c->from);
				}
			}
			if (c->has_gap) {
				uint32_t wi, ai, wo, ao;
				cohort_at(c, SW_PASS_MAIN, k, 0, &wi, &ai);
				cohort_at(c, SW_PASS_MAIN, k, 1, &wo, &ao);
				if (wi >= (uint32_t)c->min_group && wo >= (uint32_t)c->min_group && wi && wo) {
					int64_t num = ((int64_t)ai * wo - (int64_t)ao * wi) * 100;
					sw_html_put_after(b, "; gap for ", c->gap_name);
					sw_buf_puts(b, num < 0 ? " \xE2\x88\x92" : " +");
					sw_fmt_ratio(b, num < 0 ? -num : num, (int64_t)wi * wo, 0);
					sw_buf_puts(b, " points");
				}
			}
		}
		sw_buf_puts(b, "</li>");
	}
	sw_buf_puts(b, "</ul></li>");
	if (c->group_count > 1) {
		/* the three groups with the lowest mean % at expected over skills */
		size_t low[3];
		int64_t lv[3];
		size_t nl = 0;
		for (size_t g = 0; g < c->group_count; g++) {
			int64_t v;
			if (!group_level(c, g, &v))
				continue;
			size_t i = nl < 3 ? nl++ : 3;
			while (i > 0 && lv[i - 1] > v) {
				if (i < 3)
					low[i] = low[i - 1], lv[i] = lv[i - 1];
				i--;
			}
			if (i < 3)
				low[i] = g, lv[i] = v;
		}
		if (nl) {
			sw_buf_puts(b, "<li><strong>Furthest below expectation</strong> (mean % at "
			               "expected over the skills with a figure): ");
			for (size_t i = 0; i < nl; i++) {
				sw_buf_puts(b, i ? "; " : "");
				sw_html_put(b, c->groups[low[i]].label);
				sw_buf_puts(b, " ");
				sw_fmt_ratio(b, lv[i], 10, 0);
				sw_buf_putc(b, '%');
			}
			sw_buf_puts(b, ".</li>");
		}
	}
	sw_buf_puts(b, "</ul>");
	if (c->fw->expectations_indicative)
		sw_buf_puts(b, "<p class=\"note\">The framework marks its expected steps as "
		               "indicative: read \"at the expected step\" as a guide, not a "
		               "standard.</p>");
	sw_buf_puts(b, "</section>\n");
}

/* The class of a grid cell for p tenths of a per cent (5 bands). */
static int band(int64_t tenths)
{
	int bnd = (int)(tenths / 200);
	return bnd > 4 ? 4 : bnd < 0 ? 0 : bnd;
}

/* The legend of the % at expected colours. */
static void put_legend(sw_buf *b, int min)
{
	static const char *const labels[] = { "0-19%", "20-39%", "40-59%", "60-79%", "80-100%" };
	sw_buf_puts(b, "<p class=\"legend\"><span class=\"sr\">Colour key: </span>");
	for (int i = 0; i < 5; i++)
		sw_buf_printf(b, "<span class=\"sw b%d\">%s</span> ", i, labels[i]);
	if (min > 1)
		sw_buf_printf(b, "<span class=\"sw na\">n=2</span> fewer than %d pupils: no figure",
		              min);
	sw_buf_puts(b, "</p>");
}

/* One grid (rows g0..g1 of the groups): a row per group, a cell per skill. */
static void put_grid(sw_buf *b, const sw_cohort *c, size_t g0, size_t g1, const char *school,
                     bool means)
{
	sw_buf_puts(b, "<div class=\"scroll\"><table class=\"grid\"><caption>");
	if (school) {
		sw_html_put(b, school);
		sw_buf_puts(b, ": ");
	}
	sw_buf_puts(b, means ? "mean step of assessed pupils" :
	                       "% of assessed pupils at or above the expected step");
	sw_buf_printf(b, "</caption><thead><tr><th scope=\"col\">%s</th>",
	              c->by == SW_BY_ALL ? "group" : sw_cohort_by_name(c->by));
	for (size_t k = 0; k < c->skills; k++) {
		sw_html_put_after(b, "<th scope=\"col\">", c->fw->skills[k].name);
		sw_buf_puts(b, "</th>");
	}
	sw_buf_puts(b, "</tr></thead><tbody>");
	for (size_t g = g0; g < g1; g++) {
		sw_buf_puts(b, "<tr><th scope=\"row\">");
		sw_html_put(b, school ? c->groups[g].name : c->groups[g].label);
		sw_buf_printf(b, " <span class=\"cnt\">(%u)</span></th>", c->groups[g].count);
		for (size_t k = 0; k < c->skills; k++) {
			const sw_cstat *st = &c->stats[g * c->skills + k];
			const sw_skill *sk = &c->fw->skills[k];
			uint32_t n = means ? st->assessed : st->with_exp;
			if (!n) {
				sw_buf_puts(b, "<td class=\"none\">\xE2\x80\x93<span class=\"sr\"> no "
				               "pupil</span></td>");
				continue;
			}
			if (n < (uint32_t)c->min_group || st->assessed < (uint32_t)c->min_group) {
				sw_buf_printf(b, "<td class=\"na\">n=%u<span class=\"sr\">, fewer than %d: "
				                 "withheld</span></td>", n, c->min_group);
				continue;
			}
			if (!means) {
				int64_t tenths = (int64_t)st->at_exp * 1000 / st->with_exp;
				sw_buf_printf(b, "<td class=\"b%d\">", band(tenths));
				sw_fmt_ratio(b, (int64_t)st->at_exp * 100, st->with_exp, 0);
				sw_buf_printf(b, "%%<span class=\"sr\"> of %u</span></td>", n);
				continue;
			}
			long w = 0, span = (long)sk->max - sk->min;
			if (span > 0)
				w = (long)((st->sum - (int64_t)sk->min * st->assessed) * 60 /
				           ((int64_t)span * st->assessed));
			sw_buf_printf(b, "<td class=\"mean\"><svg class=\"bar\" role=\"img\" "
			                 "viewBox=\"0 0 62 10\" width=\"62\" height=\"10\" aria-label=\"mean ");
			sw_fmt_ratio(b, st->sum, st->assessed, 2);
			sw_buf_printf(b, " on steps %d to %d\"><rect x=\"0\" y=\"0\" width=\"62\" "
			                 "height=\"10\" fill=\"#eef1f4\"/><rect x=\"1\" y=\"1\" width=\"%ld\" "
			                 "height=\"8\" fill=\"#2171b5\"/></svg> ", sk->min, sk->max,
			              w < 1 ? 1 : w);
			sw_fmt_ratio(b, st->sum, st->assessed, 2);
			sw_buf_puts(b, "</td>");
		}
		sw_buf_puts(b, "</tr>");
	}
	sw_buf_puts(b, "</tbody></table></div>");
}

void sw_html_grids(sw_buf *b, const sw_cohort *c, bool means)
{
	sw_buf_printf(b, "<section id=\"%s\" aria-labelledby=\"%s-h\"><h2 id=\"%s-h\">%s</h2>",
	              means ? "means" : "grid", means ? "means" : "grid", means ? "means" : "grid",
	              means ? "Mean step by group" : "At the expected step, by group and skill");
	if (means)
		sw_buf_puts(b, "<p class=\"note\">Over assessed pupils; each bar runs from the "
		               "skill's first step to its last.</p>");
	else
		put_legend(b, c->min_group);
	bool pairs = c->by == SW_BY_SCHOOL_CLASS || c->by == SW_BY_SCHOOL_YEAR;
	for (size_t g = 0, end; g < c->group_count; g = end) {
		end = pairs ? g + 1 : c->group_count; /* a grid per school, or one */
		while (end < c->group_count && strcmp(c->groups[end].school, c->groups[g].school) == 0)
			end++;
		put_grid(b, c, g, end, pairs ? c->groups[g].school : NULL, means);
	}
	sw_buf_puts(b, "</section>\n");
}

/* Line colours and dash patterns of the trend charts (told apart without colour too). */
static const char *const LINE_COLOUR[] = { "#0b5cad", "#c2185b", "#2e7d32", "#6a3d9a", "#8a4b08",
	                                   "#1b1f24" };
static const char *const LINE_DASH[] = { "none", "6 3", "2 2", "8 2 2 2", "1 3", "4 4" };
static const char *const LINE_NAME[] = { "solid", "dashed", "dotted", "dash-dot", "fine dotted",
	                                 "even dashed" };
#define TREND_GROUPS 6

/* The % at expected (tenths) of group g, skill k at date t; false when withheld or none. */
static bool trend_at(const sw_cohort *c, size_t t, size_t g, size_t k, int64_t *tenths,
                     const sw_ctrend **cell)
{
	const sw_ctrend *e = &c->trend[(t * c->group_count + g) * c->skills + k];
	*cell = e;
	uint32_t min = (uint32_t)c->min_group;
	if (!e->with_exp || e->with_exp < min || e->assessed < min)
		return false;
	*tenths = (int64_t)e->at_exp * 1000 / e->with_exp;
	return true;
}

/* One skill's trend: a line per group, then the same figures as a table. */
static void put_trend_skill(sw_buf *b, const sw_cohort *c, size_t k, size_t groups)
{
	const sw_skill *sk = &c->fw->skills[k];
	sw_buf_printf(b, "<figure><figcaption id=\"trend-%zu\">", k);
	sw_html_put(b, sk->name);
	sw_buf_printf(b, ": %% at the expected step</figcaption><div class=\"scroll\">"
	                 "<svg class=\"chart trend\" role=\"img\" aria-labelledby=\"trend-%zu\" "
	                 "aria-describedby=\"trend-t-%zu\" viewBox=\"0 0 340 150\" width=\"340\" "
	                 "height=\"150\"><line x1=\"44\" y1=\"10\" x2=\"44\" y2=\"110\" "
	                 "stroke=\"#8c959f\"/><line x1=\"44\" y1=\"110\" x2=\"320\" y2=\"110\" "
	                 "stroke=\"#8c959f\"/><text x=\"38\" y=\"14\" text-anchor=\"end\" "
	                 "class=\"muted\">100%%</text><text x=\"38\" y=\"114\" text-anchor=\"end\" "
	                 "class=\"muted\">0%%</text>", k, k);
	size_t n = c->trend_count;
	for (size_t t = 0; t < n; t += n > 1 ? n - 1 : 1) {
		long x = 44 + (n > 1 ? (long)(t * 276 / (n - 1)) : 138);
		sw_buf_printf(b, "<text x=\"%ld\" y=\"130\" text-anchor=\"%s\" class=\"muted\">", x,
		              t == 0 ? "start" : "end");
		sw_term_name(b, c->trend_dates[t]);
		sw_buf_puts(b, "</text>");
	}
	for (size_t g = 0; g < groups; g++) {
		sw_buf_printf(b, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\" "
		                 "stroke-dasharray=\"%s\" d=\"", LINE_COLOUR[g], LINE_DASH[g]);
		bool pen = false;
		for (size_t t = 0; t < n; t++) {
			int64_t v;
			const sw_ctrend *e;
			if (!trend_at(c, t, g, k, &v, &e)) {
				pen = false;
				continue;
			}
			long x = 44 + (n > 1 ? (long)(t * 276 / (n - 1)) : 138), y = 110 - (long)(v / 10);
			sw_buf_printf(b, "%s%ld %ld ", pen ? "L" : "M", x, y);
			pen = true;
		}
		sw_buf_puts(b, "M0 0\"/>");
	}
	sw_buf_printf(b, "</svg></div></figure><div class=\"scroll\"><table class=\"grid\" "
	                 "id=\"trend-t-%zu\"><caption>", k);
	sw_html_put(b, sk->name);
	sw_buf_puts(b, ": % at the expected step at each date</caption><thead><tr>"
	               "<th scope=\"col\">term end</th>");
	for (size_t g = 0; g < c->group_count; g++) {
		sw_html_put_after(b, "<th scope=\"col\">", c->groups[g].label);
		if (g < groups)
			sw_buf_printf(b, " <span class=\"cnt\">(%s line)</span>", LINE_NAME[g]);
		sw_buf_puts(b, "</th>");
	}
	sw_buf_puts(b, "</tr></thead><tbody>");
	for (size_t t = 0; t < n; t++) {
		sw_buf_puts(b, "<tr><th scope=\"row\">");
		sw_term_name(b, c->trend_dates[t]);
		sw_buf_puts(b, " (");
		date_words(b, c->trend_dates[t]);
		sw_buf_puts(b, ")</th>");
		for (size_t g = 0; g < c->group_count; g++) {
			int64_t v;
			const sw_ctrend *e;
			if (trend_at(c, t, g, k, &v, &e)) {
				sw_buf_printf(b, "<td class=\"b%d\">", band(v));
				sw_fmt_ratio(b, (int64_t)e->at_exp * 100, e->with_exp, 0);
				sw_buf_puts(b, "%</td>");
			} else if (e->with_exp) {
				sw_buf_printf(b, "<td class=\"na\">n=%u</td>", e->with_exp);
			} else {
				sw_buf_puts(b, "<td class=\"none\">\xE2\x80\x93</td>");
			}
		}
		sw_buf_puts(b, "</tr>");
	}
	sw_buf_puts(b, "</tbody></table></div>");
}

void sw_html_trend(sw_buf *b, const sw_cohort *c)
{
	size_t groups = c->group_count < TREND_GROUPS ? c->group_count : TREND_GROUPS;
	sw_buf_puts(b, "<section id=\"trend\" aria-labelledby=\"trend-h\"><h2 id=\"trend-h\">Over "
	               "the terms</h2><p class=\"note\">% of assessed pupils at or above the expected "
	               "step at each date, with each pupil's year as it was then");
	if (c->group_count > TREND_GROUPS)
		sw_buf_printf(b, "; lines for the first %d groups, every group in the tables",
		              TREND_GROUPS);
	sw_buf_puts(b, ".</p>");
	if (!c->trend_count)
		sw_buf_puts(b, "<p>No evidence, so no dates.</p>");
	for (size_t k = 0; k < c->skills && c->trend_count; k++)
		put_trend_skill(b, c, k, groups);
	sw_buf_puts(b, "</section>\n");
}
