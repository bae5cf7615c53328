/*
 * compare.h - what the comparison's writers share (compare_write.c writes
 * the table, CSV and JSON; compare_html.c the HTML page).
 */
#ifndef SW_COMPARE_H
#define SW_COMPARE_H
#include "summary.h"

#include <stdio.h>

/* One row of the comparison: a school (or the cluster) and a skill. */
typedef struct crow {
	const sw_summary *s;
	size_t school; /* index, or n for the cluster */
	size_t skill;
	double at, family, gap, group_at, change;
} crow;

/* What the writers need. */
typedef struct cmp {
	const sw_summary *const *list;
	size_t n, sk, K;
	const char *g;
	sw_summary *cl;
	crow *rows; /* (n + 1) * sk */
	size_t *fam, *fam_n;
	size_t *learn; /* [sk]: the school to learn from, or SIZE_MAX */
	bool by_skill; /* rows skill by skill (else school by school) */
	double *lead;  /* [n * sk]: the group's % at expected minus its family's median */
} cmp;

/* % at expected of a school's part p (SIZE_MAX: none) in skill k at date d, or NAN. */
double sw_cmp_at_exp(const sw_summary *s, size_t p, size_t k, int d);
/* Writes a figure to 1 decimal, or `none` when it is NAN. */
void sw_cmp_num(FILE *out, double v, const char *none);
/* The name of school i (the cluster for i == n). */
const char *sw_cmp_name(const cmp *c, size_t i);
/* The HTML page (compare_html.c). */
void sw_cmp_write_html(FILE *out, const cmp *c);

#endif
