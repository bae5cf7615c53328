/*
 * write_html.c - the cohort report as one self-contained HTML file: inline
 * CSS and SVG only (no scripts, fonts or links), print styles for A4.
 * Charts: a heat map per group (pupils per step per skill, expected steps
 * outlined), bars of the mean by group per skill, gap bars, progress
 * arrows; then the figures, the support list and what they rest on.
 * Coordinates are whole numbers, so no locale can change the SVG.
 */
#include "cohort.h"
#include "cohort_html.h"

#include <string.h>

const char sw_html_css[] =
	":root{--ink:#1b1f24;--muted:#5b6570;--line:#d0d7de;--accent:#0b5cad;--mark:#c2185b}"
	"*{box-sizing:border-box}"
	"body{margin:0;color:var(--ink);background:#fff;"
	"font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',sans-serif}"
	"main{max-width:60rem;margin:0 auto;padding:1.5rem}"
	"h1{font-size:1.6rem;margin:0 0 .25rem}h2{font-size:1.2rem;margin:2rem 0 .5rem;"
	"border-bottom:2px solid var(--line);padding-bottom:.2rem}"
	"h3{font-size:1rem;margin:1rem 0 .3rem}"
	".sub,.note,figcaption{color:var(--muted)}.note{font-size:.9rem}"
	"figure{margin:.75rem 0 1.25rem}figcaption{font-weight:600;color:var(--ink);margin-bottom:.2rem}"
	"svg{display:block;max-width:100%;height:auto}.scroll svg.chart{max-width:none}svg text{font:12px system-ui,sans-serif;fill:#1b1f24}"
	"svg text.light{fill:#fff}svg text.muted{fill:#5b6570}"
	"table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}"
	"th,td{border:1px solid var(--line);padding:.2rem .5rem;text-align:left;vertical-align:top}"
	"th{background:#f3f5f7}td.n{text-align:right;font-variant-numeric:tabular-nums}"
	"dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.5rem 0}"
	"dt{font-weight:600}dd{margin:0}"
	".key{display:inline-block;width:1em;height:1em;vertical-align:-.15em;border:2px dashed var(--mark)}"
	".scroll{overflow-x:auto;max-width:100%}caption{text-align:left;font-weight:600;padding:.2rem 0}"
	".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}"
	"table.grid td{text-align:center;white-space:nowrap;font-variant-numeric:tabular-nums}"
	"table.grid th[scope=row]{white-space:nowrap}.cnt{color:var(--muted);font-weight:400}"
	".b0{background:#eff3ff;color:#1b1f24}.b1{background:#bdd7e7;color:#1b1f24}"
	".b2{background:#6baed6;color:#1b1f24}.b3{background:#2171b5;color:#fff}"
	".b4{background:#08306b;color:#fff}.na{background:#e4e7eb;color:#3d454d;font-size:.8rem}"
	"td.none{color:#5b6570}td.mean{text-align:left}td.mean svg{display:inline-block;vertical-align:middle}"
	".legend .sw{display:inline-block;padding:0 .4rem;border:1px solid var(--line);font-size:.85rem}"
	".key-messages li{margin:.2rem 0}"
	"@media (max-width:480px){main{padding:.75rem}body{font-size:14px}}"
	"@media print{@page{size:A4;margin:14mm}body{font-size:10pt}main{max-width:none;padding:0}"
	".scroll{overflow:visible}.scroll svg.chart{max-width:100%}"
	"table.grid th,table.grid td{white-space:normal;padding:.1rem .25rem}table{font-size:8.5pt}"
	"h2,h2+p{break-after:avoid}figure,tr,caption{break-inside:avoid}thead{display:table-header-group}"
	"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

const char *sw_html_entity(char c)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	default: return NULL;
	}
}

void sw_html_put(sw_buf *b, const char *s)
{
	for (; s && *s; s++) {
		const char *e = sw_html_entity(*s);
		if (e)
			sw_buf_puts(b, e);
		else
			sw_buf_putc(b, *s);
	}
}

void sw_html_put_after(sw_buf *b, const char *text, const char *s)
{
	if (s) {
		sw_buf_puts(b, text);
		sw_html_put(b, s);
	}
}

/* x position of value num/den on [lo, hi] mapped to [x0, x0 + w]. */
static long xpos(int64_t num, int64_t den, int lo, int hi, long x0, long w)
{
	if (hi <= lo || den <= 0)
		return x0;
	int64_t v = num - (int64_t)lo * den; /* (value - lo) * den */
	return x0 + (long)(v * w / ((int64_t)(hi - lo) * den));
}

#define LABEL_W 170
#define PLOT_W 380
#define ROW_H 24

/* The label of a chart's row at y: a skill's name cut to 24 display columns
   (with an ellipsis when cut). */
static void put_label(sw_buf *b, const char *s, long y)
{
	sw_buf_printf(b, "<text x=\"%d\" y=\"%ld\" text-anchor=\"end\">", LABEL_W - 6, y + 15);
	char *cut = s[sw_text_fit(s, 24)] ? sw_mem_strndup(b->m, s, sw_text_fit(s, 23)) : NULL;
	b->failed |= s[sw_text_fit(s, 24)] && !cut;
	sw_html_put(b, cut ? cut : s);
	sw_buf_puts(b, cut ? "\xE2\x80\xA6</text>" : "</text>");
	sw_mem_free(b->m, cut);
}

/* The band (0 to 4) of a heat map cell holding n of at most `top` pupils; -1 for none. */
static int heat_band(uint32_t n, uint32_t top)
{
	if (!n || !top)
		return -1;
	int bnd = (int)((uint64_t)n * 5 / ((uint64_t)top + 1));
	return bnd > 4 ? 4 : bnd;
}

/* Fills of the bands, the grid's: text on bands 3 and 4 is white (contrast over 4.5:1). */
static const char *const HEAT_FILL[] = { "#eff3ff", "#bdd7e7", "#6baed6", "#2171b5", "#08306b" };

/* One group's heat map: a row per skill, a column per step. */
static void put_heat(sw_buf *b, const sw_cohort *c, size_t g, int lo, int hi, bool *mark)
{
	const sw_cgroup *grp = &c->groups[g];
	uint32_t top = 0;
	for (size_t k = 0; k < c->skills; k++) {
		const sw_skill *sk = &c->fw->skills[k];
		for (size_t s_i = 0; s_i < sk->step_count; s_i++) {
			uint32_t n = c->hist[c->stats[g * c->skills + k].hist + s_i];
			top = n > top ? n : top;
		}
	}
	long cols = (long)hi - lo + 1, cw = cols > 20 ? 22 : 30;
	long w = LABEL_W + cols * cw + 10, h = (long)c->skills * ROW_H + 28;
	sw_html_put_after(b, "<figure><figcaption>", grp->label);
	sw_buf_printf(b, " <span class=\"sub\">(%u pupils)</span></figcaption>"
	                 "<div class=\"scroll\"><svg class=\"chart heat\" role=\"img\" "
	                 "viewBox=\"0 0 %ld %ld\" width=\"%ld\" height=\"%ld\"><title>",
	              grp->count, w, h, w, h);
	sw_html_put(b, grp->label);
	sw_buf_puts(b, ": pupils at each step of each skill; each cell says how many, the "
	               "expected step has a dashed outline</title>");
	for (long i = 0; i < cols; i++)
		sw_buf_printf(b, "<text x=\"%ld\" y=\"14\" class=\"muted\" text-anchor=\"middle\">%ld"
		                 "</text>", LABEL_W + i * cw + cw / 2, lo + i);
	for (size_t k = 0; k < c->skills; k++) {
		const sw_skill *sk = &c->fw->skills[k];
		long y = (long)k * ROW_H + 22;
		put_label(b, sk->name, y);
		size_t range = (size_t)((int64_t)sk->max - sk->min + 1);
		memset(mark, 0, range);
		for (uint32_t i = 0; i < grp->count; i++) {
			int e = sw_cohort_expected(c, c->members[grp->first + i], (size_t)sk->index,
			                           SW_PASS_MAIN);
			if (e != SW_NO_STEP && e >= sk->min && e <= sk->max)
				mark[e - sk->min] = true;
		}
		for (size_t s_i = 0; s_i < sk->step_count; s_i++) {
			int s = sk->min + (int)s_i; /* no overflow at the largest step */
			uint32_t n = c->hist[c->stats[g * c->skills + k].hist + (size_t)(s - sk->min)];
			long x = LABEL_W + ((long)s - lo) * cw;
			sw_buf_printf(b, "<rect class=\"cell\" x=\"%ld\" y=\"%ld\" width=\"%ld\" "
			                 "height=\"%d\" fill=\"", x + 1, y + 1, cw - 2, ROW_H - 2);
			int bnd = heat_band(n, top);
			sw_buf_puts(b, bnd < 0 ? "#f3f5f7" : HEAT_FILL[bnd]);
			sw_html_put_after(b, "\"><title>", sk->name);
			sw_buf_printf(b, ", step %d: %u pupil%s%s</title></rect>", s, n, n == 1 ? "" : "s",
			              mark[s - sk->min] ? " (expected step)" : "");
			if (mark[s - sk->min])
				sw_buf_printf(b, "<rect class=\"expected\" x=\"%ld\" y=\"%ld\" width=\"%ld\" "
				                 "height=\"%d\" fill=\"none\" stroke=\"#c2185b\" "
				                 "stroke-width=\"2.5\" stroke-dasharray=\"4 2\"/>"
				                 "<path class=\"expected-tick\" d=\"M%ld %ld l6 0 l-6 6 z\" "
				                 "fill=\"#1b1f24\"/>", x + 1, y + 1, cw - 2, ROW_H - 2,
				              x + 1, y + 1);
			if (n)
				sw_buf_printf(b, "<text x=\"%ld\" y=\"%ld\" text-anchor=\"middle\"%s>%u</text>",
				              x + cw / 2, y + 16, heat_band(n, top) >= 3 ? " class=\"light\"" : "",
				              n);
		}
	}
	sw_buf_puts(b, "</svg></div></figure>");
}

/* Heat maps of every group. */
static void put_heats(sw_buf *b, const sw_cohort *c)
{
	int lo = 0, hi = 0;
	size_t range = 1;
	for (size_t k = 0; k < c->skills; k++) {
		const sw_skill *sk = &c->fw->skills[k];
		lo = k == 0 || sk->min < lo ? sk->min : lo;
		hi = k == 0 || sk->max > hi ? sk->max : hi;
		size_t r = (size_t)((int64_t)sk->max - sk->min + 1);
		range = r > range ? r : range;
	}
	bool *mark = sw_mem_calloc(b->m, range, 1);
	if (!mark) {
		b->failed = 1;
		return;
	}
	sw_buf_puts(b, "<section id=\"heatmaps\"><h2>Where pupils stand</h2><p class=\"note\">"
	               "Pupils at each step of each skill; darker means more pupils. "
	               "<span class=\"key\"></span> (a dashed outline with a dark corner) marks the expected step for the pupils' "
	               "year (several when the group spans years).</p>");
	for (size_t g = 0; g < c->group_count; g++) {
		if (c->groups[g].count >= (uint32_t)c->min_group) {
			put_heat(b, c, g, lo, hi, mark);
			continue;
		}
		sw_html_put_after(b, "<p class=\"note\">", c->groups[g].label);
		sw_buf_printf(b, ": %u pupil%s, fewer than %d: not shown.</p>", c->groups[g].count,
		              c->groups[g].count == 1 ? "" : "s", c->min_group);
	}
	sw_buf_puts(b, "</section>");
	sw_mem_free(b->m, mark);
}

/* The gap: diverging bars per skill, then the table. */
static void put_gap(sw_buf *b, const sw_cohort *c)
{
	sw_html_put_after(b, "<section id=\"gap\"><h2>Gap: ", c->gap_name);
	sw_buf_puts(b, " and other pupils</h2><p class=\"note\">The group's mean step minus the "
	               "other pupils' mean step, per skill; bars to the left: the group is behind.</p>");
	/* scale: the largest |gap| in hundredths, at least one step */
	int64_t top = 100;
	for (size_t k = 0; k < c->skills; k++) {
		int64_t n0 = c->gap_n[k * 2], n1 = c->gap_n[k * 2 + 1];
		if (n0 < c->min_group || n1 < c->min_group || !n0 || !n1)
			continue;
		int64_t d = (c->gap_s[k * 2] * n1 - c->gap_s[k * 2 + 1] * n0) * 100 / (n0 * n1);
		d = d < 0 ? -d : d;
		top = d > top ? d : top;
	}
	long h = (long)c->skills * ROW_H + 10, mid = LABEL_W + PLOT_W / 2;
	sw_buf_puts(b, "<figure><figcaption id=\"gap-cap\">Mean step gap, whole cohort</figcaption>");
	sw_buf_printf(b, "<div class=\"scroll\"><svg class=\"chart gap\" role=\"img\" aria-labelledby=\"gap-cap\" "
	                 "aria-describedby=\"gap-table\" viewBox=\"0 0 640 %ld\" "
	                 "width=\"640\" height=\"%ld\"><line x1=\"%ld\" y1=\"2\" x2=\"%ld\" "
	                 "y2=\"%ld\" stroke=\"#8c959f\"/>", h, h, mid, mid, h - 4);
	for (size_t k = 0; k < c->skills; k++) {
		int64_t n0 = c->gap_n[k * 2], n1 = c->gap_n[k * 2 + 1];
		long y = (long)k * ROW_H + 4;
		put_label(b, c->fw->skills[k].name, y);
		if (!n0 || !n1) {
			sw_buf_printf(b, "<text x=\"%ld\" y=\"%ld\" class=\"muted\">no gap: %s has no "
			                 "assessed pupil</text>", mid + 6, y + 15,
			              n0 ? "the rest" : "the group");
			continue;
		}
		if (n0 < c->min_group || n1 < c->min_group) {
			sw_buf_printf(b, "<text x=\"%ld\" y=\"%ld\" class=\"muted\">withheld: fewer "
			                 "than %d pupils on a side</text>", mid + 6, y + 15, c->min_group);
			continue;
		}
		int64_t num = c->gap_s[k * 2] * n1 - c->gap_s[k * 2 + 1] * n0, den = n0 * n1;
		long len = (long)((num < 0 ? -num : num) * 100 / den * (PLOT_W / 2 - 60) / top);
		len = len < 2 ? 2 : len;
		long x = num < 0 ? mid - len : mid;
		sw_buf_printf(b, "<rect class=\"bar\" x=\"%ld\" y=\"%ld\" width=\"%ld\" height=\"18\" "
		                 "fill=\"%s\"><title>", x, y + 1, len, num < 0 ? "#c2185b" : "#2e7d32");
		sw_html_put(b, c->fw->skills[k].name);
		sw_buf_puts(b, ": gap ");
		sw_fmt_diff(b, c->gap_s[k * 2], n0, c->gap_s[k * 2 + 1], n1);
		sw_buf_printf(b, "</title></rect><text x=\"%ld\" y=\"%ld\"%s>", num < 0 ? x - 6 : x + len + 6,
		              y + 15, num < 0 ? " text-anchor=\"end\"" : "");
		sw_fmt_diff(b, c->gap_s[k * 2], n0, c->gap_s[k * 2 + 1], n1);
		sw_buf_puts(b, "</text>");
	}
	sw_buf_puts(b, "</svg></div></figure><table id=\"gap-table\"><caption>Mean step of the group "
	               "and of the others, whole cohort</caption><thead><tr><th scope=\"col\">"
	               "skill</th><th scope=\"col\">group assessed</th><th scope=\"col\">group "
	               "mean</th><th scope=\"col\">others assessed</th><th scope=\"col\">others "
	               "mean</th><th scope=\"col\">gap</th></tr></thead><tbody>");
	for (size_t k = 0; k < c->skills; k++) {
		int64_t n0 = c->gap_n[k * 2], n1 = c->gap_n[k * 2 + 1];
		bool ok0 = n0 >= c->min_group, ok1 = n1 >= c->min_group;
		sw_html_put_after(b, "<tr><th scope=\"row\">", c->fw->skills[k].name);
		sw_buf_printf(b, "</th><td class=\"n\">%lld</td><td class=\"n\">", (long long)n0);
		if (n0 && ok0)
			sw_fmt_ratio(b, c->gap_s[k * 2], n0, 2);
		sw_buf_printf(b, "</td><td class=\"n\">%lld</td><td class=\"n\">", (long long)n1);
		if (n1 && ok1)
			sw_fmt_ratio(b, c->gap_s[k * 2 + 1], n1, 2);
		sw_buf_puts(b, "</td><td class=\"n\">");
		if (n0 && n1 && ok0 && ok1)
			sw_fmt_diff(b, c->gap_s[k * 2], n0, c->gap_s[k * 2 + 1], n1);
		sw_buf_puts(b, "</td></tr>");
	}
	sw_buf_puts(b, "</tbody></table>");
	sw_html_gap_points(b, c);
	sw_buf_puts(b, "</section>");
}

/* Progress arrows per group: for each skill, from the mean at `from` to the mean at `to`. */
static void put_progress(sw_buf *b, const sw_cohort *c)
{
	sw_html_put_after(b, "<section id=\"progress\"><h2>Progress from ", c->from);
	sw_html_put_after(b, " to ", c->to);
	sw_buf_puts(b, "</h2><p class=\"note\">Over pupils assessed at both dates: an arrow from "
	               "their mean step at the first date to their mean step at the second.</p>");
	for (size_t g = 0; g < c->group_count; g++) {
		long h = (long)c->skills * ROW_H + 10;
		sw_html_put_after(b, "<figure><figcaption>", c->groups[g].label);
		sw_buf_printf(b, "</figcaption><div class=\"scroll\"><svg class=\"chart progress\" "
		                 "role=\"img\" viewBox=\"0 0 720 %ld\" width=\"720\" height=\"%ld\">"
		                 "<title>", h, h);
		sw_html_put(b, c->groups[g].label);
		sw_buf_puts(b, ": mean step at the first date and at the second, per skill, with the "
		               "figures written beside each arrow</title>");
		for (size_t k = 0; k < c->skills; k++) {
			const sw_skill *sk = &c->fw->skills[k];
			const sw_cstat *st = &c->stats[g * c->skills + k];
			long y = (long)k * ROW_H + 4, ym = y + 10;
			put_label(b, sk->name, y);
			sw_buf_printf(b, "<line x1=\"%d\" y1=\"%ld\" x2=\"%d\" y2=\"%ld\" "
			                 "stroke=\"#d0d7de\"/>", LABEL_W, ym, LABEL_W + 300, ym);
			if (!st->both) {
				sw_buf_printf(b, "<text x=\"%d\" y=\"%ld\" class=\"muted\">no pupil assessed "
				                 "at both dates</text>", LABEL_W + 310, y + 15);
				continue;
			}
			if (st->both < (uint32_t)c->min_group) {
				sw_buf_printf(b, "<text x=\"%d\" y=\"%ld\" class=\"muted\">withheld: %u "
				                 "pupils, fewer than %d</text>", LABEL_W + 310, y + 15, st->both,
				              c->min_group);
				continue;
			}
			long x1 = xpos(st->sum_from, st->both, sk->min, sk->max, LABEL_W, 300);
			long x2 = xpos(st->sum_to, st->both, sk->min, sk->max, LABEL_W, 300);
			sw_buf_printf(b, "<circle cx=\"%ld\" cy=\"%ld\" r=\"4\" fill=\"#5b6570\"/>", x1, ym);
			if (x2 != x1) {
				long dir = x2 > x1 ? 1 : -1;
				sw_buf_printf(b, "<line class=\"arrow\" x1=\"%ld\" y1=\"%ld\" x2=\"%ld\" "
				                 "y2=\"%ld\" stroke=\"#0b5cad\" stroke-width=\"3\"/>"
				                 "<polygon class=\"arrow\" points=\"%ld,%ld %ld,%ld %ld,%ld\" "
				                 "fill=\"#0b5cad\"/>", x1, ym, x2 - dir * 6, ym, x2, ym,
				              x2 - dir * 9, ym - 6, x2 - dir * 9, ym + 6);
			}
			sw_buf_printf(b, "<text x=\"%d\" y=\"%ld\">", LABEL_W + 310, y + 15);
			sw_fmt_ratio(b, st->sum_from, st->both, 2);
			sw_buf_puts(b, " \xE2\x86\x92 ");
			sw_fmt_ratio(b, st->sum_to, st->both, 2);
			sw_buf_puts(b, " (");
			if (st->sum_to >= st->sum_from)
				sw_buf_putc(b, '+');
			sw_fmt_ratio(b, st->sum_to - st->sum_from, st->both, 2);
			sw_buf_printf(b, "; %u pupil%s)</text>", st->both, st->both == 1 ? "" : "s");
		}
		sw_buf_puts(b, "</svg></div></figure>");
	}
	sw_buf_puts(b, "</section>");
}

/* The figures of every group and skill as a table. */
static void put_figures(sw_buf *b, const sw_cohort *c)
{
	sw_buf_puts(b, "<section id=\"figures\"><h2>Figures</h2><div class=\"scroll\"><table>"
	               "<caption>Every group and skill (empty: no figure or fewer than the smallest "
	               "group shown)</caption><thead><tr><th scope=\"col\">group</th>"
	               "<th scope=\"col\">skill</th><th scope=\"col\">pupils</th>"
	               "<th scope=\"col\">assessed</th><th scope=\"col\">mean</th>"
	               "<th scope=\"col\">median</th><th scope=\"col\">% at expected</th></tr>"
	               "</thead><tbody>");
	uint32_t min = (uint32_t)c->min_group;
	for (size_t g = 0; g < c->group_count; g++) {
		for (size_t k = 0; k < c->skills; k++) {
			const sw_cstat *st = &c->stats[g * c->skills + k];
			bool shown = st->assessed >= min;
			sw_html_put_after(b, "<tr><th scope=\"row\">", c->groups[g].label);
			sw_html_put_after(b, "</th><td>", c->fw->skills[k].name);
			sw_buf_printf(b, "</td><td class=\"n\">%u</td><td class=\"n\">%u</td>"
			                 "<td class=\"n\">", c->groups[g].count, st->assessed);
			if (st->assessed && shown)
				sw_fmt_ratio(b, st->sum, st->assessed, 2);
			sw_buf_puts(b, "</td><td class=\"n\">");
			if (st->assessed && shown)
				sw_fmt_ratio(b, sw_cohort_median2(c, g, k), 2, 1);
			sw_buf_puts(b, "</td><td class=\"n\">");
			if (st->with_exp && shown && st->with_exp >= min)
				sw_fmt_ratio(b, (int64_t)st->at_exp * 100, st->with_exp, 1);
			sw_buf_puts(b, "</td></tr>");
		}
	}
	sw_buf_puts(b, "</tbody></table></div></section>");
}

/* What the figures rest on: framework, rubric, dates, inputs. */
static void put_basis(sw_buf *b, const sw_cohort *c)
{
	const sw_framework *fw = c->fw;
	sw_buf_puts(b, "<section id=\"basis\"><h2>What the figures rest on</h2><dl><dt>Framework</dt><dd>");
	sw_html_put(b, fw->name);
	sw_html_put_after(b, ", version ", fw->version);
	sw_html_put_after(b, " (", fw->id);
	sw_buf_puts(b, ")</dd>");
	const char *const more[2][2] = { { "Attribution", fw->attribution }, { "Licence", fw->license } };
	for (int i = 0; i < 2; i++)
		if (more[i][1]) {
			sw_buf_printf(b, "<dt>%s</dt><dd>", more[i][0]);
			sw_html_put(b, more[i][1]);
			sw_buf_puts(b, "</dd>");
		}
	sw_html_put_after(b, "<dt>Rubric</dt><dd>", c->rubric ? c->rubric : "?");
	if (c->params && *c->params) {
		sw_html_put_after(b, " (", c->params);
		sw_buf_putc(b, ')');
	}
	sw_html_put_after(b, "</dd><dt>As of</dt><dd>", c->as_of ? c->as_of : "all evidence");
	sw_html_put_after(b, "</dd><dt>Grouped by</dt><dd>", sw_cohort_by_name(c->by));
	sw_buf_printf(b, "</dd><dt>Pupils</dt><dd>%zu", c->rows);
	if (c->left_pupils)
		sw_buf_printf(b, " (left out, other schools: %zu pupils and %zu evidence records)",
		              c->left_pupils, c->left_records);
	sw_buf_puts(b, "</dd><dt>Evidence counted</dt><dd>");
	uint64_t all = 0;
	for (int i = 0; i < SW_SOURCE_COUNT; i++)
		all += c->by_source[i];
	sw_buf_printf(b, "%llu records", (unsigned long long)all);
	if (all) {
		sw_buf_puts(b, ": ");
		sw_fmt_ratio(b, (int64_t)c->by_source[0] * 100, (int64_t)all, 0);
		sw_buf_puts(b, "% from teachers");
		for (int i = 1; i < SW_SOURCE_COUNT; i++)
			if (c->by_source[i]) {
				sw_buf_puts(b, ", ");
				sw_fmt_ratio(b, (int64_t)c->by_source[i] * 100, (int64_t)all, 0);
				sw_buf_printf(b, "%% %s", sw_source_names[i]);
			}
		sw_buf_puts(b, ". The rubric's <code>sources</code> parameter says which of them "
		               "count towards a step (empty: all)");
	}
	sw_buf_puts(b, "</dd><dt>Steps resting on teacher evidence</dt><dd>");
	if (c->steps_given) {
		sw_fmt_ratio(b, (int64_t)c->steps_teacher * 100, (int64_t)c->steps_given, 0);
		sw_buf_printf(b, "%% (%llu of %llu steps given)", (unsigned long long)c->steps_teacher,
		              (unsigned long long)c->steps_given);
	} else {
		sw_buf_puts(b, "no steps given");
	}
	sw_buf_puts(b, ". A pupil's step in a skill counts when a teacher's secured record for "
	               "that skill, dated by the as-of date, is at that step or higher. This is "
	               "read from the records, whatever the rubric did with them</dd>");
	if (c->eval_errors)
		sw_buf_printf(b, "<dt>Rubric errors</dt><dd>%llu (those steps are left empty)</dd>",
		              (unsigned long long)c->eval_errors);
	sw_buf_puts(b, "</dl>");
	if (c->source_count) {
		sw_buf_puts(b, "<table><caption>Input files</caption><thead><tr><th scope=\"col\">input"
		               "</th><th scope=\"col\">rows</th><th scope=\"col\">accepted</th>"
		               "<th scope=\"col\">rejected</th></tr></thead><tbody>");
		for (size_t i = 0; i < c->source_count; i++) {
			const sw_load_stats *st = &c->sources[i].stats;
			sw_html_put_after(b, "<tr><th scope=\"row\">", c->sources[i].file);
			sw_buf_printf(b, "</th><td class=\"n\">%llu</td><td class=\"n\">%llu</td>"
			                 "<td class=\"n\">%llu</td></tr>", (unsigned long long)st->rows,
			              (unsigned long long)st->accepted, (unsigned long long)st->rejected);
		}
		sw_buf_puts(b, "</tbody></table>");
	}
	sw_buf_puts(b, "<p class=\"note\">Definitions: a pupil is assessed for a skill when the "
	               "rubric gave a step. Means (2 decimals) and medians are over assessed pupils. "
	               "% at expected: of assessed pupils whose year has an expected step, the share "
	               "at or above it (empty when none has one).</p></section>");
}

/* How many groups get a chart each (heat maps, progress arrows, the figures
   table); beyond that the grids carry the report and the CSV the rest. */
#define MAX_CHART_GROUPS 12

/* Says why per-group charts are left out of a report with many groups. */
static void put_too_many(sw_buf *b, const char *id, const char *title, size_t groups)
{
	sw_buf_printf(b, "<section id=\"%s\"><h2>%s</h2><p class=\"note\">Shown for up to %d groups; "
	                 "this report has %zu. Give <code>--school NAME</code> and <code>--by "
	                 "class</code> for one school's classes, or use the CSV.</p></section>\n",
	              id, title, MAX_CHART_GROUPS, groups);
}

int sw_cohort_write_html(FILE *out, const sw_cohort *c)
{
	if (!out || !c)
		return SW_EINVALID;
	sw_buf b;
	sw_buf_init(&b, c->m);
	sw_buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	                "<title>Skills report: ");
	sw_html_put(&b, c->fw->name);
	sw_buf_printf(&b, "</title><style>%s</style></head>\n<body><main>", sw_html_css);
	sw_html_title(&b, c);
	sw_html_key(&b, c);
	sw_html_grids(&b, c, false);
	bool few = c->group_count <= MAX_CHART_GROUPS;
	if (few)
		put_heats(&b, c);
	else
		put_too_many(&b, "heatmaps", "Where pupils stand", c->group_count);
	sw_buf_putc(&b, '\n');
	if (c->has_gap)
		put_gap(&b, c);
	if (c->trend)
		sw_html_trend(&b, c);
	if (c->has_progress && few)
		put_progress(&b, c);
	else if (c->has_progress)
		put_too_many(&b, "progress", "Progress", c->group_count);
	sw_html_grids(&b, c, true);
	if (few)
		put_figures(&b, c);
	sw_buf_putc(&b, '\n');
	if (c->with_support)
		sw_html_support(&b, c);
	sw_buf_putc(&b, '\n');
	put_basis(&b, c);
	sw_buf_printf(&b, "\n<footer><p class=\"note\">Made with Stepwise %s.</p></footer>"
	                  "</main></body></html>\n", sw_version());
	return sw_html_page_write(&b, out);
}
