/*
 * summary.h - a school's privacy-safe summary (summary.c makes one,
 * summary_json.c writes and reads the JSON format, summary_check.c checks
 * one): aggregate counts per part of the school (all pupils, each year,
 * each roster group) and skill, with small counts suppressed (sdc.h).
 */
#ifndef SW_SUMMARY_H
#define SW_SUMMARY_H
#include "internal.h"
#include "sdc.h"

#define SW_SUMMARY_FORMAT "stepwise-summary"
#define SW_SUMMARY_VERSION 1
#define SW_SUP (-1) /* a suppressed count */

enum { SW_CUT_ALL, SW_CUT_YEAR, SW_CUT_GROUP }; /* the parts: all pupils, a year, a group */

typedef struct sw_spart {
	int cut;        /* SW_CUT_* */
	int year;       /* SW_CUT_YEAR: 0..14, or SW_NO_YEAR for pupils without one */
	char *group;    /* SW_CUT_GROUP: the roster group's name */
	int64_t pupils; /* SW_SUP when suppressed */
} sw_spart;

/* Counts of one part, skill and date; SW_SUP when suppressed. */
typedef struct sw_sfig {
	int64_t assessed, with_exp, at_exp, coverage;
	int64_t total;  /* sum of steps (published as the mean); SW_SUP with the mean */
	int64_t *steps; /* [max - min + 1]: pupils at each step (into the summary's pool) */
} sw_sfig;

typedef struct sw_sskill {
	char *id;
	int min, max;
} sw_sskill;

struct sw_summary {
	sw_mem mem;
	char *school, *fw_id, *fw_version, *fw_hash;
	char *rubric, *params, *rubric_hash, *as_of, *from, *version;
	int64_t min_count;
	sw_spart *parts;      /* all first, then years (by number, none first), then groups */
	size_t part_count;
	sw_sskill *skills;
	size_t skill_count;
	sw_sfig *figs[2];     /* [part * skill_count + skill]; [1]: at `from`, or NULL */
	int64_t *pool;        /* the step counts */
	uint64_t eval_errors; /* rubric errors met while making it (not written) */
	size_t pool_len;
};

/* An empty summary with its own copy of the allocator m (NULL: malloc). */
sw_summary *sw_summary_alloc(const sw_mem *m);
/* Allocates parts, figures and step counts once parts and skills are set. */
int sw_summary_alloc_figs(sw_summary *s, bool with_from);
/* The phase from the years present: "primary", "secondary", "all-through", NULL. */
const char *sw_summary_phase(const sw_summary *s);

/* Builds the disclosure system of one date and skill (skill SIZE_MAX: the
   pupil counts only) in sdc, made here. *vars (allocated; NULL when out of
   memory) receives [part_count * 2 * sw_summary_nvars(skill)] indexes
   (part i, then its complement for groups); the caller frees both. */
enum {
	SW_SV_P, SW_SV_A, SW_SV_W, SW_SV_X, SW_SV_C, SW_SV_T, /* as in sw_spart and sw_sfig */
	SW_SV_NA, /* pupils - assessed */
	SW_SV_NE, /* assessed - with expected */
	SW_SV_BE, /* with expected - at expected */
	SW_SV_NC, /* pupils - coverage */
	SW_SV_H   /* step counts from here */
};
size_t sw_summary_nvars(const sw_summary *s, size_t skill);
int sw_summary_system(sw_sdc *sdc, uint32_t **vars, const sw_summary *s, int date, size_t skill);

/* summary_json.c: parses a summary; on failure *why (allocated with m) says what is wrong. */
int sw_summary_parse(sw_summary **out, const sw_mem *m, const char *data, size_t len,
                     char **why);

#endif
