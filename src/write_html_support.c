/*
 * write_html_support.c - the support list in the HTML report (only with
 * --with-support, since it names pupils): a row per pupil below the
 * expected step, ranked by total shortfall, then the pupils not yet
 * assessed; and the grid of the gap in points per group and skill.
 */
#include "cohort.h"
#include "cohort_html.h"

/* The skills of a support entry: names with the shortfall, or the names only. */
static void put_support_skills(sw_buf *b, const sw_cohort *c, const sw_cpsupport *e)
{
	size_t from = b->len;
	for (size_t k = 0; k < c->skills; k++) {
		int32_t x, step;
		if (!sw_cohort_support_lists(c, e, k, &x, &step))
			continue;
		sw_buf_puts(b, b->len > from ? ", " : "");
		sw_html_put(b, c->fw->skills[k].name);
		if (!e->not_assessed)
			sw_buf_printf(b, " (step %d, expected %d: %lld below)", step, x,
			              (long long)x - step);
	}
}

/* One of the two support tables. */
static void put_support_table(sw_buf *b, const sw_cohort *c, bool na)
{
	sw_buf_printf(b, "<div class=\"scroll\"><table><caption>%s</caption><thead><tr>"
	                 "<th scope=\"col\">pupil</th><th scope=\"col\">school</th>"
	                 "<th scope=\"col\">year</th><th scope=\"col\">class</th>"
	                 "<th scope=\"col\">%s</th>%s</tr></thead><tbody>",
	              na ? "Not yet assessed: no step where one is expected" :
	                   "Below the expected step, largest total shortfall first",
	              na ? "skills to assess" : "skills below expectation",
	              na ? "" : "<th scope=\"col\">total</th>");
	for (size_t i = 0; i < c->psupport_count; i++) {
		const sw_cpsupport *e = &c->psupport[i];
		if (e->not_assessed != na)
			continue;
		const sw_pupil *p = sw_cohort_pupil(c, e->row);
		sw_html_put_after(b, "<tr><th scope=\"row\">", p->name ? p->name : p->id);
		sw_buf_puts(b, "</th><td>");
		sw_html_put(b, p->school);
		sw_buf_puts(b, "</td><td class=\"n\">");
		if (p->year != SW_NO_YEAR)
			sw_buf_printf(b, "%d", p->year);
		sw_buf_puts(b, "</td><td>");
		sw_html_put(b, p->class_name);
		sw_buf_puts(b, "</td><td>");
		put_support_skills(b, c, e);
		if (na)
			sw_buf_puts(b, "</td></tr>");
		else
			sw_buf_printf(b, "</td><td class=\"n\">%lld</td></tr>", (long long)e->total);
	}
	sw_buf_puts(b, "</tbody></table></div>");
}

void sw_html_support(sw_buf *b, const sw_cohort *c)
{
	sw_buf_printf(b, "<section id=\"support\"><h2>Targeted support</h2><p class=\"note\">"
	                 "A row per pupil at least %d step%s below the expected step for their year "
	                 "in some skill, largest total shortfall first; pupils with no step where "
	                 "one is expected are listed apart, since they need assessing first. This "
	                 "list names pupils: share it only with staff who need it.</p>",
	              c->below, c->below == 1 ? "" : "s");
	size_t sup = c->psupport_count - c->psupport_na;
	if (sup)
		put_support_table(b, c, false);
	else
		sw_buf_puts(b, "<p>No pupil is below the expected step.</p>");
	if (c->psupport_na)
		put_support_table(b, c, true);
	sw_buf_puts(b, "</section>");
}

void sw_html_gap_points(sw_buf *b, const sw_cohort *c)
{
	sw_buf_puts(b, "<div class=\"scroll\"><table class=\"grid\"><caption>Gap in percentage "
	               "points at expected: the group's % minus the others' (year-adjusted in "
	               "brackets)</caption><thead><tr><th scope=\"col\">group</th>");
	for (size_t k = 0; k < c->skills; k++) {
		sw_html_put_after(b, "<th scope=\"col\">", c->fw->skills[k].name);
		sw_buf_puts(b, "</th>");
	}
	sw_buf_puts(b, "</tr></thead><tbody>");
	uint32_t min = (uint32_t)c->min_group;
	for (size_t g = 0; g < c->group_count; g++) {
		sw_html_put_after(b, "<tr><th scope=\"row\">", c->groups[g].label);
		sw_buf_puts(b, "</th>");
		for (size_t k = 0; k < c->skills; k++) {
			sw_cgapcell in, out;
			sw_cohort_gap_side(&in, c, g, k, 0);
			sw_cohort_gap_side(&out, c, g, k, 1);
			if (!in.with_exp || !out.with_exp) {
				sw_buf_puts(b, "<td class=\"none\">\xE2\x80\x93<span class=\"sr\"> no "
				               "figure</span></td>");
				continue;
			}
			if (in.assessed < min || out.assessed < min || in.with_exp < min ||
			    out.with_exp < min) {
				sw_buf_printf(b, "<td class=\"na\">n&lt;%u</td>", min);
				continue;
			}
			int64_t num = ((int64_t)in.at_exp * out.with_exp -
			               (int64_t)out.at_exp * in.with_exp) * 100;
			sw_buf_puts(b, "<td>");
			sw_fmt_ratio(b, num, (int64_t)in.with_exp * out.with_exp, 1);
			double adj;
			if (sw_cohort_gap_adjusted(&adj, c, g, k)) {
				long long q = (long long)((adj < 0 ? -adj : adj) * 10.0 + 0.5 + 1e-9);
				sw_buf_printf(b, " (%s%lld.%lld)", adj < 0 && q ? "-" : "", q / 10, q % 10);
			}
			sw_buf_puts(b, "</td>");
		}
		sw_buf_puts(b, "</tr>");
	}
	sw_buf_puts(b, "</tbody></table></div>");
}

