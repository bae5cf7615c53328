/*
 * sdc.h - statistical disclosure control for summaries (sdc.c): a set of
 * counts tied by linear relations (totals, parts, differences), an
 * attacker that works out what it can from the published counts, and
 * complementary suppression that publishes no count from 1 to N-1 and
 * leaves none such that can be worked out.
 */
#ifndef SW_SDC_H
#define SW_SDC_H
#include "internal.h"

#define SW_SDC_COUNT 0  /* a published count; a suppressed one is >= 0 */
#define SW_SDC_HIDDEN 1 /* a count never published (a difference), >= 0 */
#define SW_SDC_TOTAL 2  /* a sum of steps (behind a mean): no bound, never small */

#define SW_SDC_ROUNDS 200          /* passes of the bounds over the relations */
#define SW_SDC_INT_STATES (1 << 16) /* partial sums the integer reasoning goes through */
#define SW_SDC_INT_WORK (1 << 22)   /* and the steps it takes, at most */

typedef struct sw_sdc_term {
	uint32_t var;
	int32_t coef;
} sw_sdc_term;

typedef struct sw_sdc {
	const sw_mem *m;
	size_t n, cap;        /* variables */
	int64_t *val;         /* true values (making) or published ones (checking) */
	uint8_t *kind;        /* SW_SDC_* */
	uint8_t *known;       /* published */
	uint8_t *locked;      /* decided elsewhere: never chosen as a partner */
	sw_sdc_term *terms;   /* relations: sum of coef * var = 0 */
	size_t term_count, term_cap;
	size_t *rel_start;    /* rel i: terms[rel_start[i] .. rel_start[i + 1]) */
	size_t rel_count, rel_cap;
	bool failed;          /* an allocation failed */
} sw_sdc;

void sw_sdc_init(sw_sdc *s, const sw_mem *m);
void sw_sdc_free(sw_sdc *s);
/* Adds a variable; returns its index (check s->failed). */
uint32_t sw_sdc_var(sw_sdc *s, int kind, int64_t value, bool known);
/* Starts a relation; terms follow with sw_sdc_term_add. */
void sw_sdc_rel(sw_sdc *s);
void sw_sdc_term_add(sw_sdc *s, uint32_t var, int32_t coef);

/*
 * Works out every unknown variable it can from the known ones: by linear
 * algebra on the relations, by bounds (counts >= 0, in whole numbers) and
 * by whole-number solutions of the weighted relations (sdc_int.c), in turn
 * until none finds more. det[v] is set to 1 and got[v] to the value for each
 * unknown it determines. SW_OK or SW_ENOMEM.
 */
int sw_sdc_attack(const sw_sdc *s, uint8_t *det, int64_t *got);

/*
 * sdc_int.c: narrows lo/hi (whole numbers; -/+INFINITY where unbounded) of the
 * unknowns of each weighted relation to the values some whole-number solution
 * of it gives them. w (zeroed before the first call, freed with
 * sw_sdc_work_free) keeps its room between calls and remembers the bounds
 * each relation was last gone through with, to skip it when they are the
 * same. Returns how many it narrowed, -1 on lack of memory.
 */
typedef struct sw_sdc_work {
	uint64_t *seen; /* [rel_count] */
	uint8_t *mark;  /* [n] */
	void *unk;      /* one relation's unknowns */
	uint8_t *buf;   /* the tables of partial sums */
	size_t cap;
} sw_sdc_work;
long sw_sdc_solve_integer(const sw_sdc *s, double *lo, double *hi, sw_sdc_work *w);
/* Frees what sw_sdc_solve_integer kept in w (zeroed before the first call). */
void sw_sdc_work_free(const sw_sdc *s, sw_sdc_work *w);

/*
 * Suppresses (known = 0) every count from 1 to n-1, then further counts
 * (the smallest shown one next to a count worked out; zeros and sums of
 * steps after the others; every unlocked one when none is left near it)
 * until the attacker determines no count from 1 to n-1. Uses the true
 * values in s->val. SW_OK, SW_ENOMEM, or SW_ERROR when the locked counts
 * alone give a small count away.
 */
int sw_sdc_suppress(sw_sdc *s, int64_t n);

#endif
