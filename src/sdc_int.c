/*
 * sdc_int.c - the attacker's reasoning in whole numbers (sdc.h): for a
 * relation with weights (the sum of steps behind a mean: 1 x pupils at step 1
 * + 2 x pupils at step 2 + ...), every assignment of whole numbers to its
 * unknowns within their bounds that meets it exactly, and that keeps the
 * relation sharing most of those unknowns (assessed = the sum of the steps)
 * within reach, is enumerated by dynamic programming over partial sums. Each
 * unknown's bounds shrink to the smallest and largest value that some such
 * assignment gives it, so a count that only one assignment allows is found.
 */
#include "sdc.h"

#include <math.h>
#include <stdlib.h>

/* One relation's unknowns, shifted to start at 0: x = lo + y, y in [0, range]. */
typedef struct unk {
	size_t var;
	int64_t c1, c2, range;
} unk;

typedef struct dp {
	size_t m;                 /* unknowns */
	int64_t min1, w1, min2, w2; /* partial sums: s1 in [min1, min1 + w1), s2 likewise */
	uint8_t *f, *g;           /* [(m + 1) * w1 * w2]: reached forwards, can still finish */
} dp;

static size_t at(const dp *d, size_t j, int64_t s1, int64_t s2)
{
	return (j * (size_t)d->w1 + (size_t)(s1 - d->min1)) * (size_t)d->w2 + (size_t)(s2 - d->min2);
}

static bool inside(const dp *d, int64_t s1, int64_t s2)
{
	return s1 >= d->min1 && s1 < d->min1 + d->w1 && s2 >= d->min2 && s2 < d->min2 + d->w2;
}

/* The relation (other than r) holding most of the unknowns marked in mark; SIZE_MAX
   when none holds two. */
static size_t companion(const sw_sdc *s, size_t r, const uint8_t *mark)
{
	size_t best = SIZE_MAX, most = 1;
	for (size_t q = 0; q < s->rel_count; q++) {
		if (q == r)
			continue;
		size_t k = 0;
		for (size_t t = s->rel_start[q]; t < s->rel_start[q + 1]; t++)
			k += mark[s->terms[t].var];
		if (k > most) {
			most = k;
			best = q;
		}
	}
	return best;
}

/* Fills the forward and backward tables; the target is s1 == t1 with s2 in [a2, b2]. */
static void dp_run(dp *d, const unk *u, int64_t t1, int64_t a2, int64_t b2)
{
	size_t plane = (size_t)d->w1 * (size_t)d->w2;
	d->f[at(d, 0, 0, 0)] = 1;
	for (size_t j = 0; j < d->m; j++)
		for (size_t i = 0; i < plane; i++) {
			if (!d->f[j * plane + i])
				continue;
			int64_t s1 = d->min1 + (int64_t)(i / (size_t)d->w2), s2 = d->min2 + (int64_t)(i % (size_t)d->w2);
			for (int64_t y = 0; y <= u[j].range; y++)
				if (inside(d, s1 + u[j].c1 * y, s2 + u[j].c2 * y))
					d->f[at(d, j + 1, s1 + u[j].c1 * y, s2 + u[j].c2 * y)] = 1;
		}
	for (int64_t s2 = a2; s2 <= b2; s2++)
		if (inside(d, t1, s2))
			d->g[at(d, d->m, t1, s2)] = 1;
	for (size_t j = d->m; j-- > 0;)
		for (size_t i = 0; i < plane; i++) {
			int64_t s1 = d->min1 + (int64_t)(i / (size_t)d->w2), s2 = d->min2 + (int64_t)(i % (size_t)d->w2);
			for (int64_t y = 0; y <= u[j].range && !d->g[j * plane + i]; y++)
				if (inside(d, s1 + u[j].c1 * y, s2 + u[j].c2 * y) &&
				    d->g[at(d, j + 1, s1 + u[j].c1 * y, s2 + u[j].c2 * y)])
					d->g[j * plane + i] = 1;
		}
}

/* The smallest and largest y of unknown j that some assignment meeting the target
   gives; false when none does. */
static bool dp_span(const dp *d, const unk *u, size_t j, int64_t *ymin, int64_t *ymax)
{
	size_t plane = (size_t)d->w1 * (size_t)d->w2;
	*ymin = INT64_MAX;
	*ymax = -1;
	for (size_t i = 0; i < plane; i++) {
		if (!d->f[j * plane + i])
			continue;
		int64_t s1 = d->min1 + (int64_t)(i / (size_t)d->w2), s2 = d->min2 + (int64_t)(i % (size_t)d->w2);
		for (int64_t y = 0; y <= u[j].range; y++)
			if (inside(d, s1 + u[j].c1 * y, s2 + u[j].c2 * y) &&
			    d->g[at(d, j + 1, s1 + u[j].c1 * y, s2 + u[j].c2 * y)]) {
				if (y < *ymin)
					*ymin = y;
				if (y > *ymax)
					*ymax = y;
			}
	}
	return *ymax >= 0;
}

/* Integer reasoning on weighted relation r; returns the bounds it narrowed, -1 on
   lack of memory. */
static long one_relation(const sw_sdc *s, size_t r, double *lo, double *hi, uint8_t *mark, unk *u,
                         sw_sdc_work *w)
{
	size_t b = s->rel_start[r], e = s->rel_start[r + 1], m = 0;
	int64_t t1 = 0; /* sum of c1 * y over the unknowns must be t1 */
	for (size_t i = b; i < e; i++) {
		size_t v = s->terms[i].var;
		if (!isfinite(lo[v]) || !isfinite(hi[v]))
			return 0;
		t1 -= s->terms[i].coef * (int64_t)lo[v];
		if (lo[v] < hi[v] && !mark[v]) {
			mark[v] = 1;
			u[m++] = (unk){ v, s->terms[i].coef, 0, (int64_t)(hi[v] - lo[v]) };
		} else if (lo[v] < hi[v]) { /* the same variable twice */
			for (size_t j = 0; j < m; j++)
				if (u[j].var == v)
					u[j].c1 += s->terms[i].coef;
		}
	}
	long narrowed = 0;
	dp d = { .m = m };
	int64_t a2 = 0, b2 = 0;
	if (m < 2)
		goto done;
	size_t q = companion(s, r, mark);
	if (q != SIZE_MAX) {
		double rest_lo = 0, rest_hi = 0; /* the companion's terms outside, from their lower ends */
		for (size_t i = s->rel_start[q]; i < s->rel_start[q + 1]; i++) {
			const sw_sdc_term *t = &s->terms[i];
			size_t j = 0;
			while (j < m && u[j].var != t->var)
				j++;
			if (j < m) {
				u[j].c2 += t->coef;
				rest_lo += t->coef * lo[t->var];
				rest_hi += t->coef * lo[t->var];
			} else {
				rest_lo += t->coef > 0 ? t->coef * lo[t->var] : t->coef * hi[t->var];
				rest_hi += t->coef > 0 ? t->coef * hi[t->var] : t->coef * lo[t->var];
			}
		}
		if (isfinite(rest_lo) && isfinite(rest_hi)) {
			a2 = (int64_t)-rest_hi, b2 = (int64_t)-rest_lo; /* sum of c2 * y + rest = 0 */
		} else {
			for (size_t j = 0; j < m; j++)
				u[j].c2 = 0;
		}
	}
	int64_t lo1 = 0, hi1 = 0, lo2 = 0, hi2 = 0, work = 0;
	for (size_t j = 0; j < m; j++) {
		lo1 += u[j].c1 < 0 ? u[j].c1 * u[j].range : 0;
		hi1 += u[j].c1 > 0 ? u[j].c1 * u[j].range : 0;
		lo2 += u[j].c2 < 0 ? u[j].c2 * u[j].range : 0;
		hi2 += u[j].c2 > 0 ? u[j].c2 * u[j].range : 0;
		work += u[j].range + 1;
		if (hi1 - lo1 > SW_SDC_INT_STATES || hi2 - lo2 > SW_SDC_INT_STATES)
			goto done;
	}
	d.min1 = lo1, d.w1 = hi1 - lo1 + 1, d.min2 = lo2, d.w2 = hi2 - lo2 + 1;
	if (d.w1 * d.w2 > SW_SDC_INT_STATES || d.w1 * d.w2 * work > SW_SDC_INT_WORK)
		goto done; /* too many to go through: left to the bounds */
	size_t cells = (m + 1) * (size_t)d.w1 * (size_t)d.w2;
	if (sw_mem_grow(s->m, (void **)&w->buf, &w->cap, 2 * cells, 1)) {
		narrowed = -1;
		goto done;
	}
	memset(w->buf, 0, 2 * cells);
	d.f = w->buf;
	d.g = w->buf + cells;
	dp_run(&d, u, t1, a2, b2);
	for (size_t j = 0; j < m; j++) {
		int64_t ymin, ymax;
		if (!dp_span(&d, u, j, &ymin, &ymax))
			break; /* no assignment at all: the figures contradict each other */
		size_t v = u[j].var;
		if (ymin > 0 || ymax < u[j].range) {
			hi[v] = lo[v] + (double)ymax;
			lo[v] += (double)ymin;
			narrowed++;
		}
	}
done:
	for (size_t j = 0; j < m; j++)
		mark[u[j].var] = 0;
	return narrowed;
}

/* A fingerprint of the bounds of relation r's terms. */
static uint64_t bounds_print(const sw_sdc *s, size_t r, const double *lo, const double *hi)
{
	uint64_t h = 14695981039346656037ull;
	for (size_t t = s->rel_start[r]; t < s->rel_start[r + 1]; t++) {
		double b[2] = { lo[s->terms[t].var], hi[s->terms[t].var] };
		const unsigned char *p = (const unsigned char *)b;
		for (size_t i = 0; i < sizeof b; i++)
			h = (h ^ p[i]) * 1099511628211ull;
	}
	return h | 1; /* never 0: 0 is "not yet" */
}

long sw_sdc_solve_integer(const sw_sdc *s, double *lo, double *hi, sw_sdc_work *w)
{
	size_t most = 0;
	for (size_t r = 0; r < s->rel_count; r++)
		if (s->rel_start[r + 1] - s->rel_start[r] > most)
			most = s->rel_start[r + 1] - s->rel_start[r];
	if (!w->seen) { /* the first call: room kept for the next ones */
		w->seen = sw_mem_calloc(s->m, s->rel_count + 1, sizeof *w->seen);
		w->mark = sw_mem_calloc(s->m, s->n + 1, 1);
		w->unk = sw_mem_calloc(s->m, most + 1, sizeof(unk));
		if (!w->seen || !w->mark || !w->unk)
			return -1;
	}
	long narrowed = 0;
	for (size_t r = 0; r < s->rel_count && narrowed >= 0; r++) {
		bool weighted = false;
		for (size_t t = s->rel_start[r]; t < s->rel_start[r + 1]; t++)
			weighted |= s->terms[t].coef > 1 || s->terms[t].coef < -1;
		uint64_t print = weighted ? bounds_print(s, r, lo, hi) : 0;
		if (!weighted || w->seen[r] == print)
			continue;
		long k = one_relation(s, r, lo, hi, w->mark, w->unk, w);
		w->seen[r] = bounds_print(s, r, lo, hi);
		narrowed = k < 0 ? -1 : narrowed + k;
	}
	return narrowed;
}

void sw_sdc_work_free(const sw_sdc *s, sw_sdc_work *w)
{
	void *blocks[] = { w->seen, w->mark, w->unk, w->buf };
	for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
		sw_mem_free(s->m, blocks[i]);
	memset(w, 0, sizeof *w);
}
