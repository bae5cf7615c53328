/* cohort.h - cohort analytics (cohort.c), shared with its writers
   (write_report.c, write_html.c) and the passport (passport.c). */
#ifndef SW_COHORT_H
#define SW_COHORT_H
#include "internal.h"
#include "data.h"

/* The evaluation passes: main (as of), from, to. */
enum { SW_PASS_MAIN, SW_PASS_FROM, SW_PASS_TO };

typedef struct sw_cgroup {
	char *name;
	char *label;        /* for people: "School 5B" for the pairs, else the name */
	const char *school; /* by school and class or year: the roster's text or "(none)" */
	int year;           /* by year or school and year: the year, -1 for none */
	uint32_t first, count; /* into members (row numbers) */
} sw_cgroup;

/* Years 0 to 14 and "no year" (the last) for the year-adjusted gap. */
#define SW_GAP_YEARS 16

/* One side of the gap (in the gap group or not) in one group, skill and year. */
typedef struct sw_cgapcell {
	uint32_t assessed, with_exp, at_exp;
	int64_t sum;
} sw_cgapcell;

/* One group and skill. */
typedef struct sw_cstat {
	uint32_t assessed, with_exp, at_exp;
	int64_t sum;
	size_t hist; /* offset of max - min + 1 counts in cohort->hist */
	uint32_t both; /* progress: assessed at both dates */
	int64_t sum_from, sum_to;
} sw_cstat;

typedef struct sw_csupport {
	uint32_t row, skill;
	int32_t step; /* SW_NO_STEP when none */
	int32_t expected;
} sw_csupport;

/* One pupil of the support list (by pupil): below expectation, or not yet assessed. */
typedef struct sw_cpsupport {
	uint32_t row;
	int64_t total;   /* the sum of the shortfalls (support) */
	uint32_t skills; /* skills below (support) or without a step (not assessed) */
	bool not_assessed;
} sw_cpsupport;

typedef struct sw_csource {
	char *file;
	sw_load_stats stats;
} sw_csource;

struct sw_cohort {
	const sw_engine *eng;
	const sw_mem *m;
	const sw_framework *fw;
	size_t rows;      /* pupils, in id order */
	size_t skills;
	uint32_t *pupil;  /* [rows]: roster index */
	int32_t *steps[3]; /* [rows * skills] per pass, SW_NO_STEP when none; NULL when not run */
	sw_cgroup *groups;
	size_t group_count;
	uint32_t *members;
	size_t member_count;
	sw_cstat *stats;  /* [group * skills + skill] */
	uint32_t *hist;
	size_t hist_len;
	bool has_gap, has_progress;
	uint32_t *gap_n;      /* [skills * 2]: group, others */
	int64_t *gap_s;       /* [skills * 2] */
	sw_cpsupport *psupport; /* support pupils (ranked), then not-assessed pupils (by id) */
	size_t psupport_count, psupport_na;
	struct sw_ctrend *trend; /* [(date * groups + group) * skills + skill] */
	int32_t *trend_dates;   /* days */
	size_t trend_count;
	sw_cgapcell *gapx;    /* [((group * skills + skill) * 2 + side) * SW_GAP_YEARS + year] */
	sw_csupport *support;
	size_t support_count;
	unsigned char *keep;  /* [roster count]: 1 for the pupils covered */
	size_t left_pupils, left_records;
	int32_t newest;       /* the newest evidence date counted (days), INT32_MIN for none */
	int32_t roster_day;   /* the date the roster's years hold at (days), INT32_MIN for none */
	int year_shift[3];    /* per pass: academic years between the pass's date and the roster's */
	uint64_t by_source[8]; /* records counted (covered pupils, up to the as-of date) per source */
	uint64_t steps_given;   /* pupil-skill steps of the main pass */
	uint64_t steps_teacher; /* of those, resting on teacher evidence (sw_cohort_teacher_steps) */
	uint32_t gap_gid;     /* the gap group's interned id */
	bool with_support;
	char **schools;       /* the schools asked for (copies), school_count of them */
	size_t school_count;
	int by, below, min_group;
	char *gap_name, *as_of, *from, *to, *rubric, *params;
	sw_csource *sources;
	size_t source_count;
	uint64_t eval_errors;
};

/* cohort_groups.c: natural order of names (Reception first; numbers by value). */
int sw_nat_cmp(const char *a, const char *b);
/* Marks the pupils of the given schools (all when count is 0), counts the rows
   and what is left out; an unknown school is SW_ENOTFOUND. */
int sw_cohort_select(sw_cohort *c, sw_engine *eng, const char *const *schools, size_t count);
/* Refuses grouping by class alone when the pupils are in several schools. */
int sw_cohort_check_by(sw_cohort *c, sw_engine *eng);
/* Finds the newest evidence date and counts records per source for the
   covered pupils, up to `as_of` (days; INT32_MAX for all). */
void sw_cohort_scan_evidence(sw_cohort *c, int32_t as_of);
/* Counts the main pass's steps, and those resting on teacher evidence: a
   teacher's secured record for that pupil and skill, on or before as_of,
   at that step or higher (README.md, "Reports"). SW_ENOMEM or SW_OK. */
int sw_cohort_teacher_steps(sw_cohort *c, int32_t as_of);
/* Builds the groups and their member lists. */
int sw_cohort_build_groups(sw_cohort *c);
/* cohort_gap.c: the gap per group, skill, side and year. */
int sw_cohort_compute_gapx(sw_cohort *c, uint32_t gid);
/* Sums a side of the gap over the years into *out. */
void sw_cohort_gap_side(sw_cgapcell *out, const sw_cohort *c, size_t g, size_t k, int side);
/* The year-adjusted gap in percentage points, false when no year has both sides. */
bool sw_cohort_gap_adjusted(double *pp, const sw_cohort *c, size_t g, size_t k);
/* One group and skill at one date of the trend. */
typedef struct sw_ctrend {
	uint32_t assessed, with_exp, at_exp;
} sw_ctrend;
/* Evaluates as of `date` into steps[rows * skills] (pass: PASS_MAIN also fills pupil[]). */
int sw_cohort_eval_into(sw_cohort *c, sw_engine *eng, int32_t *steps, int pass,
                        const char *date, const sw_cohort_options *o);
/* cohort_trend.c: % at expected at each term end or given date. */
int sw_cohort_compute_trend(sw_cohort *c, sw_engine *eng, const sw_cohort_options *o);
/* Appends the term holding a date: "autumn 2025", "spring 2026", "summer 2026". */
void sw_term_name(sw_buf *b, int32_t days);
/* cohort_support.c: the support list by pupil, with the options' filters. */
int sw_cohort_compute_psupport(sw_cohort *c, sw_engine *eng, const sw_cohort_options *o);
/* True when a support entry lists skill k: an expected step, and a shortfall
   of at least `below` (or, not assessed, no step); *expected and *step get
   the two (step SW_NO_STEP when none). */
bool sw_cohort_support_lists(const sw_cohort *c, const sw_cpsupport *e, size_t k,
                             int32_t *expected, int32_t *step);
/* The expected step of row r in skill k as of a pass's date (SW_PASS_MAIN: the main
   date), or SW_NO_STEP. */
int32_t sw_cohort_expected(const sw_cohort *c, size_t r, size_t k, int pass);

/* A roster group's interned id by name (trimmed, NFC) into *gid; SW_ENOTFOUND
   with an error recorded when no pupil is in it, SW_ENOMEM. */
int sw_cohort_find_group(uint32_t *gid, sw_engine *eng, const char *name);
/* The roster record of row r. */
const sw_pupil *sw_cohort_pupil(const sw_cohort *c, size_t row);
/* True when the pupil is in roster group `gid`. */
bool sw_cohort_in_group(const sw_cohort *c, const sw_pupil *p, uint32_t gid);
/* The name of a `by` value ("all", "school", ...). */
const char *sw_cohort_by_name(int by);

/* Appends num/den (den > 0) rounded half away from zero to `dec` decimals. */
void sw_fmt_ratio(sw_buf *b, int64_t num, int64_t den, int dec);
/* Appends (a/n - b/m) rounded to 2 decimals (n, m > 0). */
void sw_fmt_diff(sw_buf *b, int64_t a, int64_t n, int64_t bsum, int64_t m);
/* The median doubled (an integer), from the histogram of a group and skill
   (assessed > 0): sw_fmt_ratio(b, it, 2, 1) writes the median. */
int64_t sw_cohort_median2(const sw_cohort *c, size_t group, size_t skill);

/* HTML: the entity for &, <, >, " or ', else NULL. */
const char *sw_html_entity(char c);
/* HTML: appends s with &, <, >, " and ' escaped (NULL as nothing). */
void sw_html_put(sw_buf *b, const char *s);
/* Appends text, then s escaped, when s is not NULL. */
void sw_html_put_after(sw_buf *b, const char *text, const char *s);
/* The CSS shared by the report and the passport. */
extern const char sw_html_css[];

#endif
