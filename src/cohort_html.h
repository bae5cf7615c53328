/* cohort_html.h - the parts of the HTML report in write_html_grid.c and
   write_html_support.c, used by write_html.c; the date in words and the
   page's final write are the passport's too (passport.c). */
#ifndef SW_COHORT_HTML_H
#define SW_COHORT_HTML_H
#include "cohort.h"

/* Appends a "YYYY-MM-DD" date in words (as given, escaped, when it cannot be read). */
void sw_html_date(sw_buf *b, const char *date);
/* Writes a finished page to out and frees b: SW_ENOMEM when b failed, SW_EIO
   when writing or flushing failed. */
int sw_html_page_write(sw_buf *b, FILE *out);
/* The title: framework, schools covered, as-of date, grouping. */
void sw_html_title(sw_buf *b, const sw_cohort *c);
/* The key messages in words and figures. */
void sw_html_key(sw_buf *b, const sw_cohort *c);
/* The grids of groups by skills: % at expected, or (means) the mean step as bars. */
void sw_html_grids(sw_buf *b, const sw_cohort *c, bool means);

/* The trend over terms or dates: a line chart and a table per skill. */
void sw_html_trend(sw_buf *b, const sw_cohort *c);

/* The support list with names (write_html_support.c). */
void sw_html_support(sw_buf *b, const sw_cohort *c);
/* The gap in points at expected, year-adjusted in brackets, per group and skill. */
void sw_html_gap_points(sw_buf *b, const sw_cohort *c);

#endif
