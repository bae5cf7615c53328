/*
 * sdc.c - disclosure control for summaries: counts tied by linear
 * relations, an attacker that recovers what it can, and complementary
 * suppression driven by that attacker (sdc.h).
 */
#include "sdc.h"

#include <math.h>
#include <stdlib.h>

#define EPS 1e-7
#define SW_SDC_ATTACK_ROUNDS 32 /* rounds of linear algebra, bounds and whole numbers */

void sw_sdc_init(sw_sdc *s, const sw_mem *m)
{
	memset(s, 0, sizeof *s);
	s->m = m;
}

void sw_sdc_free(sw_sdc *s)
{
	void *blocks[] = { s->val, s->kind, s->known, s->locked, s->terms, s->rel_start };
	for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
		sw_mem_free(s->m, blocks[i]);
	memset(s, 0, sizeof *s);
}

uint32_t sw_sdc_var(sw_sdc *s, int kind, int64_t value, bool known)
{
	if (s->failed)
		return 0;
	if (s->n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		void **arrays[] = { (void **)&s->val, (void **)&s->kind, (void **)&s->known,
			            (void **)&s->locked };
		for (int i = 0; i < 4; i++) {
			void *p = sw_mem_realloc(s->m, *arrays[i], cap * (i ? 1 : sizeof *s->val));
			if (!p) {
				s->failed = true;
				return 0;
			}
			*arrays[i] = p;
		}
		s->cap = cap;
	}
	s->val[s->n] = value;
	s->kind[s->n] = (uint8_t)kind;
	s->known[s->n] = known && kind != SW_SDC_HIDDEN;
	s->locked[s->n] = 0;
	return (uint32_t)s->n++;
}

void sw_sdc_rel(sw_sdc *s)
{
	if (s->failed)
		return;
	if (sw_mem_grow(s->m, (void **)&s->rel_start, &s->rel_cap, s->rel_count + 2,
	                sizeof *s->rel_start)) {
		s->failed = true;
		return;
	}
	s->rel_start[s->rel_count++] = s->term_count;
	s->rel_start[s->rel_count] = s->term_count;
}

void sw_sdc_term_add(sw_sdc *s, uint32_t var, int32_t coef)
{
	if (s->failed || !s->rel_count || !coef)
		return;
	if (sw_mem_grow(s->m, (void **)&s->terms, &s->term_cap, s->term_count + 1,
	                sizeof *s->terms)) {
		s->failed = true;
		return;
	}
	s->terms[s->term_count++] = (sw_sdc_term){ var, coef };
	s->rel_start[s->rel_count] = s->term_count;
}

/* Is v known to the attacker (published, or worked out)? */
static bool is_known(const sw_sdc *s, const uint8_t *det, size_t v)
{
	return s->known[v] || det[v];
}

static int64_t value_of(const sw_sdc *s, const uint8_t *det, const int64_t *got, size_t v)
{
	return s->known[v] ? s->val[v] : det ? got[v] : 0;
}

/* Linear algebra: row-reduces the relations over the unknowns and takes each
   row that is left with one unknown. Returns how many it determined, -1 on
   lack of memory. */
static long solve_linear(const sw_sdc *s, uint8_t *det, int64_t *got)
{
	size_t cols = 0, rows = s->rel_count, prow = 0;
	size_t *col = sw_mem_calloc(s->m, s->n + 1, sizeof *col); /* var -> column + 1 */
	for (size_t v = 0; col && v < s->n; v++)
		if (!is_known(s, det, v))
			col[v] = ++cols;
	size_t w = cols + 1;
	double *a = sw_mem_calloc(s->m, rows * w + 1, sizeof *a);
	size_t *var = sw_mem_calloc(s->m, cols + 1, sizeof *var);
	size_t *pivot_col = sw_mem_calloc(s->m, rows + 1, sizeof *pivot_col);
	long found = col && a && var && pivot_col ? 0 : -1;
	for (size_t v = 0; found == 0 && v < s->n; v++)
		if (col[v])
			var[col[v] - 1] = v;
	for (size_t r = 0; found == 0 && cols && r < rows; r++) {
		double *row = a + r * w;
		for (size_t t = s->rel_start[r]; t < s->rel_start[r + 1]; t++) {
			const sw_sdc_term *tm = &s->terms[t];
			if (col[tm->var])
				row[col[tm->var] - 1] += tm->coef;
			else
				row[cols] -= (double)tm->coef * (double)value_of(s, det, got, tm->var);
		}
	}
	for (size_t c = 0; found == 0 && c < cols && prow < rows; c++) {
		size_t best = prow;
		for (size_t r = prow + 1; r < rows; r++)
			if (fabs(a[r * w + c]) > fabs(a[best * w + c]))
				best = r;
		if (fabs(a[best * w + c]) < EPS)
			continue;
		if (best != prow)
			for (size_t k = 0; k < w; k++) {
				double t = a[best * w + k];
				a[best * w + k] = a[prow * w + k];
				a[prow * w + k] = t;
			}
		double *pr = a + prow * w;
		double inv = 1.0 / pr[c];
		for (size_t k = c; k < w; k++)
			pr[k] *= inv;
		for (size_t r = 0; r < rows; r++) {
			double f = a[r * w + c];
			if (r == prow || fabs(f) < EPS)
				continue;
			double *rr = a + r * w;
			for (size_t k = c; k < w; k++)
				rr[k] -= f * pr[k];
			rr[c] = 0;
		}
		pivot_col[prow++] = c;
	}
	for (size_t r = 0; r < prow; r++) {
		const double *row = a + r * w;
		size_t c = pivot_col[r], k;
		for (k = c + 1; k < cols; k++)
			if (fabs(row[k]) > EPS)
				break;
		if (k == cols) {
			size_t v = var[c];
			det[v] = 1;
			got[v] = (int64_t)llround(row[cols]);
			found++;
		}
	}
	void *blocks[] = { pivot_col, col, a, var };
	for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
		sw_mem_free(s->m, blocks[i]);
	return found;
}

/* Starts the bounds: a shown or worked-out variable is its value, a hidden
   count is from 0 up (a hidden count may be a zero hidden as a partner), a
   sum of steps is unbounded. */
static void bounds_init(const sw_sdc *s, const uint8_t *det, const int64_t *got, double *lo,
                        double *hi)
{
	for (size_t v = 0; v < s->n; v++) {
		if (is_known(s, det, v)) {
			lo[v] = hi[v] = (double)value_of(s, det, got, v);
		} else if (s->kind[v] == SW_SDC_TOTAL) {
			lo[v] = -INFINITY;
			hi[v] = INFINITY;
		}
	}
}

/* Marks each unknown whose bounds meet as worked out; returns how many. */
static long bounds_take(const sw_sdc *s, uint8_t *det, int64_t *got, const double *lo,
                        const double *hi)
{
	long found = 0;
	for (size_t v = 0; v < s->n; v++)
		if (!is_known(s, det, v) && isfinite(lo[v]) && lo[v] == hi[v]) {
			det[v] = 1;
			got[v] = (int64_t)lo[v];
			found++;
		}
	return found;
}

/* Bounds: each relation narrows each of its unknowns from the others' bounds,
   in whole numbers, for up to SW_SDC_ROUNDS passes. Returns how many unknowns
   end with one possible value. */
static long solve_bounds(const sw_sdc *s, uint8_t *det, int64_t *got, double *lo, double *hi)
{
	bounds_init(s, det, got, lo, hi);
	bool changed = true;
	for (int round = 0; changed && round < SW_SDC_ROUNDS; round++) {
		changed = false;
		for (size_t r = 0; r < s->rel_count; r++) {
			size_t b = s->rel_start[r], e = s->rel_start[r + 1];
			for (size_t i = b; i < e; i++) {
				size_t v = s->terms[i].var;
				if (lo[v] == hi[v])
					continue;
				double mn = 0, mx = 0; /* of the sum of the other terms */
				for (size_t j = b; j < e; j++) {
					if (j == i)
						continue;
					double c = s->terms[j].coef;
					size_t u = s->terms[j].var;
					mn += c > 0 ? c * lo[u] : c * hi[u];
					mx += c > 0 ? c * hi[u] : c * lo[u];
				}
				double c = s->terms[i].coef; /* c * x = -(others) */
				double nlo = c > 0 ? -mx / c : -mn / c;
				double nhi = c > 0 ? -mn / c : -mx / c;
				if (isfinite(nlo))
					nlo = ceil(nlo - EPS);
				if (isfinite(nhi))
					nhi = floor(nhi + EPS);
				if (nlo > lo[v]) {
					lo[v] = nlo;
					changed = true;
				}
				if (nhi < hi[v]) {
					hi[v] = nhi;
					changed = true;
				}
			}
		}
	}
	return bounds_take(s, det, got, lo, hi);
}

int sw_sdc_attack(const sw_sdc *s, uint8_t *det, int64_t *got)
{
	memset(det, 0, s->n);
	double *lo = sw_mem_calloc(s->m, s->n + 1, sizeof *lo);
	double *hi = sw_mem_calloc(s->m, s->n + 1, sizeof *hi);
	sw_sdc_work w = { 0 };
	int rc = lo && hi ? SW_OK : SW_ENOMEM;
	for (size_t v = 0; !rc && v < s->n; v++)
		hi[v] = INFINITY; /* counts: from 0 up */
	for (int round = 0; !rc && round < SW_SDC_ATTACK_ROUNDS; round++) {
		long a = solve_linear(s, det, got);
		long b = a < 0 ? 0 : solve_bounds(s, det, got, lo, hi);
		long c = a < 0 ? 0 : sw_sdc_solve_integer(s, lo, hi, &w);
		long d = c <= 0 ? 0 : bounds_take(s, det, got, lo, hi);
		if (a < 0 || c < 0)
			rc = SW_ENOMEM;
		else if (!a && !b && !c && !d)
			break;
	}
	sw_mem_free(s->m, lo);
	sw_mem_free(s->m, hi);
	sw_sdc_work_free(s, &w);
	return rc;
}

/* How much hiding u costs: a count by its value, a zero after every other
   count (next to a mean a hidden zero often gives itself away), a sum of
   steps (the mean) last. */
static double cost(const sw_sdc *s, size_t u)
{
	return (double)s->val[u] + (s->kind[u] == SW_SDC_TOTAL ? 1e15 : s->val[u] == 0 ? 1e12 : 0);
}

/* The best partner to suppress in the relations of v: the shown, unlocked
   count or sum of steps that costs least; SIZE_MAX when none. */
static size_t partner_of(const sw_sdc *s, size_t v)
{
	size_t best = SIZE_MAX;
	double score = INFINITY;
	for (size_t r = 0; r < s->rel_count; r++) {
		size_t b = s->rel_start[r], e = s->rel_start[r + 1], i;
		for (i = b; i < e && s->terms[i].var != v; i++)
			;
		if (i == e)
			continue;
		for (size_t j = b; j < e; j++) {
			size_t u = s->terms[j].var;
			if (!s->known[u] || s->locked[u] || s->val[u] < 0)
				continue;
			double sc = cost(s, u);
			if (sc < score) {
				score = sc;
				best = u;
			}
		}
	}
	return best;
}

/* The partner for leaked variable v: in its own relations, else (breadth
   first) in those of the unknown variables they share with it. */
static size_t partner(const sw_sdc *s, size_t v, size_t *queue, uint8_t *seen)
{
	memset(seen, 0, s->n);
	size_t head = 0, tail = 0, best = SIZE_MAX;
	queue[tail++] = v;
	seen[v] = 1;
	while (head < tail && best == SIZE_MAX) {
		size_t level_end = tail;
		double score = INFINITY;
		for (; head < level_end; head++) {
			size_t u = queue[head], p = partner_of(s, u);
			if (p != SIZE_MAX) {
				double sc = cost(s, p);
				if (sc < score) {
					score = sc;
					best = p;
				}
			}
			for (size_t r = 0; r < s->rel_count; r++) {
				size_t b = s->rel_start[r], e = s->rel_start[r + 1], i;
				for (i = b; i < e && s->terms[i].var != u; i++)
					;
				if (i == e)
					continue;
				for (size_t j = b; j < e; j++) {
					size_t w = s->terms[j].var;
					if (!seen[w] && !s->known[w]) {
						seen[w] = 1;
						queue[tail++] = w;
					}
				}
			}
		}
	}
	return best;
}

/* The last resort when a small count has no partner left near it: hides
   every shown count and sum of steps that is not locked. Then only the locked
   pupil counts are shown, and moving one pupil to another step, or between
   assessed and not, changes every small count without changing them, so no
   small count can be worked out. Returns how many it hid. */
static size_t hide_all(sw_sdc *s)
{
	size_t hid = 0;
	for (size_t v = 0; v < s->n; v++)
		if (s->known[v] && !s->locked[v]) {
			s->known[v] = 0;
			hid++;
		}
	return hid;
}

int sw_sdc_suppress(sw_sdc *s, int64_t n)
{
	if (s->failed)
		return SW_ENOMEM;
	for (size_t v = 0; v < s->n; v++)
		if (s->kind[v] == SW_SDC_COUNT && s->known[v] && !s->locked[v] && s->val[v] >= 1 &&
		    s->val[v] < n)
			s->known[v] = 0;
	uint8_t *det = sw_mem_calloc(s->m, s->n + 1, 1);
	int64_t *got = sw_mem_calloc(s->m, s->n + 1, sizeof *got);
	size_t *queue = sw_mem_calloc(s->m, s->n + 1, sizeof *queue);
	uint8_t *seen = sw_mem_calloc(s->m, s->n + 1, 1);
	int rc = det && got && queue && seen ? SW_OK : SW_ENOMEM;
	while (!rc) {
		if ((rc = sw_sdc_attack(s, det, got)))
			break;
		size_t more = 0, stuck = 0;
		for (size_t v = 0; v < s->n; v++) {
			if (!det[v] || s->kind[v] == SW_SDC_TOTAL || s->val[v] < 1 || s->val[v] >= n)
				continue;
			size_t p = partner(s, v, queue, seen);
			if (p != SIZE_MAX) {
				s->known[p] = 0;
				more++;
			} else {
				stuck++;
			}
		}
		if (!more && stuck)
			more = hide_all(s);
		if (!more) {
			/* what the attacker works out anyway is shown: it tells nothing more */
			for (size_t v = 0; v < s->n; v++)
				if (det[v] && !s->known[v] && !s->locked[v] && s->kind[v] != SW_SDC_HIDDEN &&
				    (s->val[v] == 0 || s->val[v] >= n) && got[v] == s->val[v])
					s->known[v] = 1;
			for (size_t v = 0; v < s->n && !rc; v++)
				if (det[v] && s->kind[v] != SW_SDC_TOTAL && s->val[v] >= 1 && s->val[v] < n)
					rc = SW_ERROR; /* only the locked counts give it away */
			break;
		}
	}
	void *blocks[] = { det, got, queue, seen };
	for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
		sw_mem_free(s->m, blocks[i]);
	return rc;
}
