/*
 * compare_html.c - the comparison as one self-contained, accessible HTML
 * page: key messages, a school x skill grid with family medians, a section
 * per school.
 */
#include "compare.h"
#include "cohort.h" /* sw_html_put */

#include <math.h>

/* Writes text, then s with HTML's special characters escaped, straight to
   the stream (a buffer that ran out of memory dropped the text unseen). */
static void fput_html(FILE *out, const char *text, const char *s)
{
	fputs(text, out);
	for (; s && *s; s++) {
		const char *e = sw_html_entity(*s);
		if (e)
			fputs(e, out);
		else
			fputc(*s, out);
	}
}

/* A cell of the grid: light backgrounds for dark text (contrast over 7:1). */
static const char *shade(double v)
{
	return isnan(v) ? "#eeeeee" : v >= 80 ? "#c6dbef" : v >= 60 ? "#deebf7" : v >= 40 ? "#f7fbff" : "#fff5eb";
}

void sw_cmp_write_html(FILE *out, const cmp *c)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>Cluster comparison</title>\n<style>\n"
	      "body{font-family:system-ui,sans-serif;color:#1a1a1a;background:#fff;margin:1rem;"
	      "font-size:16px;line-height:1.4}\n"
	      ".scroll{overflow-x:auto;max-width:100%}\n"
	      "table{border-collapse:collapse;margin:0.5rem 0 1.5rem}\n"
	      "caption{text-align:left;font-weight:bold;padding:0.3rem 0}\n"
	      "th,td{border:1px solid #767676;padding:0.25rem 0.5rem;text-align:right}\n"
	      "th[scope=row]{text-align:left}\n"
	      ".fam{display:block;font-size:12px;color:#333}\n"
	      "section{page-break-inside:avoid;break-inside:avoid}\n"
	      "@media print{.scroll{overflow:visible}}\n"
	      "</style></head><body>\n<h1>Cluster comparison: ", out);
	fput_html(out, "", c->list[0]->fw_id);
	fprintf(out, ", %zu schools", c->n);
	if (c->list[0]->as_of)
		fput_html(out, ", as of ", c->list[0]->as_of);
	fputs("</h1>\n<section aria-labelledby=\"key\"><h2 id=\"key\">Key messages</h2><ul>\n", out);
	for (size_t k = 0; k < c->sk; k++) {
		const crow *r = &c->rows[c->n * c->sk + k];
		fput_html(out, "<li><strong>", c->list[0]->skills[k].id);
		fputs("</strong>: ", out);
		if (isnan(r->at))
			fputs("the cluster's share at the expected step cannot be shown (small numbers)", out);
		else
			fprintf(out, "%.1f%% of assessed pupils across the cluster are at or above the "
			        "expected step", r->at);
		if (!isnan(r->gap)) {
			fput_html(out, "; the ", c->g);
			fprintf(out, " gap is %.1f percentage points", r->gap);
		}
		if (c->learn[k] != SIZE_MAX)
			fput_html(out, "; learn from ", sw_cmp_name(c, c->learn[k]));
		fputs(".</li>\n", out);
	}
	fputs("</ul></section>\n<section><h2>Schools and skills</h2><div class=\"scroll\"><table>\n"
	      "<caption>% of assessed pupils at or above the expected step (below: the median of "
	      "the school's family of similar schools); - where small numbers are hidden</caption>\n"
	      "<thead><tr><th scope=\"col\">School</th>", out);
	for (size_t k = 0; k < c->sk; k++) {
		fput_html(out, "<th scope=\"col\">", c->list[0]->skills[k].id);
		fputs("</th>", out);
	}
	fputs("</tr></thead><tbody>\n", out);
	for (size_t i = 0; i <= c->n; i++) {
		fput_html(out, "<tr><th scope=\"row\">", sw_cmp_name(c, i));
		fputs("</th>", out);
		for (size_t k = 0; k < c->sk; k++) {
			const crow *r = &c->rows[i * c->sk + k];
			fprintf(out, "<td style=\"background:%s\">", shade(r->at));
			sw_cmp_num(out, r->at, "-");
			if (i < c->n) {
				fputs("<span class=\"fam\">family ", out);
				sw_cmp_num(out, r->family, "-");
				fputs("</span>", out);
			}
			fputs("</td>", out);
		}
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table></div></section>\n", out);
	for (size_t i = 0; i < c->n; i++) {
		fput_html(out, "<section><h2>", sw_cmp_name(c, i));
		fputs("</h2><p>Family of similar schools: ", out);
		for (size_t j = 0; j < c->fam_n[i]; j++)
			fput_html(out, j ? ", " : "", sw_cmp_name(c, c->fam[i * c->K + j]));
		fputs(c->fam_n[i] ? ".</p>\n" : "none.</p>\n", out);
		fput_html(out, "<div class=\"scroll\"><table><caption>", sw_cmp_name(c, i));
		fputs(": % at or above expected, its family's median, the gap (percentage points), "
		      "the change since the earlier date, and % at expected per year</caption>\n"
		      "<thead><tr><th scope=\"col\">Skill</th>"
		      "<th scope=\"col\">At expected %</th><th scope=\"col\">Family median %</th>"
		      "<th scope=\"col\">Gap (pp)</th><th scope=\"col\">Change (pp)</th>", out);
		const sw_summary *si = c->list[i];
		for (size_t p = 0; p < si->part_count; p++)
			if (si->parts[p].cut == SW_CUT_YEAR && si->parts[p].year != SW_NO_YEAR)
				fprintf(out, "<th scope=\"col\">Year %d %%</th>", si->parts[p].year);
		fputs("</tr></thead><tbody>\n", out);
		for (size_t k = 0; k < c->sk; k++) {
			const crow *r = &c->rows[i * c->sk + k];
			fput_html(out, "<tr><th scope=\"row\">", c->list[0]->skills[k].id);
			fputs("</th>", out);
			double f[] = { r->at, r->family, r->gap, r->change };
			for (size_t j = 0; j < 4 + si->part_count; j++) { /* then the years' */
				const sw_spart *p = j < 4 ? NULL : &si->parts[j - 4];
				if (p && (p->cut != SW_CUT_YEAR || p->year == SW_NO_YEAR))
					continue;
				fputs("<td>", out);
				sw_cmp_num(out, p ? sw_cmp_at_exp(si, j - 4, k, 0) : f[j], "-");
				fputs("</td>", out);
			}
			fputs("</tr>\n", out);
		}
		fputs("</tbody></table></div></section>\n", out);
	}
	fputs("<p>Made by Stepwise from school summaries, which hold no pupil's data.</p>\n"
	      "</body></html>\n", out);
}


