/*
 * evindex.c - the evidence store grouped by pupil, each pupil's records
 * sorted by skill, date, then input order (sw_evidence_sort, with threads
 * for a large store), and the per-pupil index kept up to date while records
 * are added or removed after the store was grouped by pupil, so that a host
 * can add a record and evaluate that pupil again at the cost of that
 * pupil's records: each record added after grouping is chained to
 * the pupil's previous one, and sw_engine_evaluate_pupil gathers the
 * pupil's grouped run and its chain. Evaluating every pupil groups the whole
 * store again (sw_evidence_sort). Also the removal of records, which must
 * keep that index whole (the public sw_engine_remove_evidence calls).
 */
#include "internal.h"
#include "data.h"

#include <pthread.h>
#include <string.h>

/* Pending records past which sw_engine_evaluate_pupil groups the store
   again: at least this many, and a quarter of those already grouped, so
   the regrouping costs at most a few record copies per record added. */
#define PENDING_MIN 4096

void sw_evindex_note(struct sw_evidence *ev, const sw_mem *m, size_t i)
{
	uint32_t p = ev->recs[i].pupil;
	size_t k = i - ev->settled, old = ev->pend_cap;
	if (i > UINT32_MAX - 1 ||
	    sw_mem_grow(m, (void **)&ev->pend_last, &ev->pend_cap, (size_t)p + 1,
	                sizeof *ev->pend_last) ||
	    sw_mem_grow(m, (void **)&ev->pend_prev, &ev->prev_cap, k + 1, sizeof *ev->pend_prev)) {
		/* the index is dropped: the next evaluation groups the store from
		   scratch (and settles pend_last anew) */
		ev->grouped = ev->sorted = false;
		return;
	}
	memset(ev->pend_last + old, 0, (ev->pend_cap - old) * sizeof *ev->pend_last);
	ev->pend_prev[k] = ev->pend_last[p];
	ev->pend_last[p] = (uint32_t)i + 1;
}

bool sw_evindex_usable(const struct sw_evidence *ev)
{
	size_t pending = ev->count - ev->settled;
	return ev->first && ev->grouped &&
	       (pending <= PENDING_MIN || pending <= ev->settled / 4);
}

int sw_evindex_gather(const sw_record **recs, size_t *n, struct sw_evidence *ev,
                      const sw_mem *m, size_t p)
{
	size_t run = p < ev->indexed ? ev->len[p] : 0, more = 0;
	uint32_t at = p < ev->pend_cap ? ev->pend_last[p] : 0;
	for (uint32_t j = at; j; j = ev->pend_prev[j - 1 - ev->settled])
		more++;
	*recs = NULL;
	*n = run + more;
	if (!*n)
		return SW_OK;
	if (!more && ev->sorted) { /* nothing pending: the run as it lies */
		*recs = ev->recs + ev->first[p];
		return SW_OK;
	}
	if (sw_mem_grow(m, (void **)&ev->gather, &ev->gather_cap, *n, sizeof *ev->gather))
		return SW_ENOMEM;
	if (run)
		memcpy(ev->gather, ev->recs + ev->first[p], run * sizeof *ev->gather);
	size_t k = *n;
	for (uint32_t j = at; j; j = ev->pend_prev[j - 1 - ev->settled])
		ev->gather[--k] = ev->recs[j - 1]; /* the chain runs newest first */
	sw_buf scratch;
	sw_buf_init(&scratch, m);
	int rc = sw_records_sort(ev->gather, *n, &scratch);
	sw_buf_free(&scratch);
	*recs = ev->gather;
	return rc;
}

/* True when two records say the same (all but their input order). */
static bool same(const sw_record *a, const sw_record *b)
{
	return a->skill == b->skill && a->step == b->step && a->date == b->date &&
	       a->outcome == b->outcome && a->source == b->source &&
	       a->assessor == b->assessor && a->context == b->context && a->note == b->note;
}

/*
 * Removes pupil p's records of `skill` (-1: all) that are like `like` (NULL:
 * any), in one pass that keeps the order of the others, so a grouped store
 * stays grouped: runs after p's move down, and the chains of the records
 * added since grouping are made again.
 */
static size_t remove_records(struct sw_evidence *ev, const sw_mem *m, size_t p, int skill,
                             const sw_record *like)
{
	bool index = ev->first && ev->grouped;
	size_t start = index && p < ev->indexed ? ev->first[p] : SIZE_MAX;
	size_t end = start == SIZE_MAX ? 0 : start + ev->len[p];
	size_t w = 0, in_run = 0;
	for (size_t i = 0; i < ev->count; i++) {
		const sw_record *r = &ev->recs[i];
		if (r->pupil == p && (skill < 0 || r->skill == skill) && (!like || same(r, like))) {
			in_run += i >= start && i < end;
			continue;
		}
		if (w != i)
			ev->recs[w] = *r;
		if (w == 0 || r->date > ev->newest)
			ev->newest = r->date;
		w++;
	}
	size_t removed = ev->count - w;
	ev->count = w;
	if (!removed || !index)
		return removed;
	if (in_run) {
		for (size_t q = 0; q < ev->indexed; q++)
			if (ev->first[q] > start)
				ev->first[q] -= in_run;
		ev->len[p] -= (uint32_t)in_run;
		ev->settled -= in_run;
	}
	if (ev->pend_last)
		memset(ev->pend_last, 0, ev->pend_cap * sizeof *ev->pend_last);
	for (size_t i = ev->settled; i < ev->count && ev->grouped; i++)
		sw_evindex_note(ev, m, i);
	return removed;
}

int sw_engine_remove_evidence(size_t *removed, sw_engine *eng, const char *pupil,
                              const char *skill)
{
	if (removed)
		*removed = 0;
	if (!eng)
		return SW_EINVALID;
	sw_engine_begin(eng);
	if (!pupil)
		return sw_diag_add(&eng->diag, SW_EINVALID, NULL, 0, 0, NULL, "no pupil given");
	size_t p;
	int rc = sw_roster_lookup(&p, eng, pupil);
	if (rc)
		return rc;
	int k = -1;
	if (skill) {
		const sw_skill *sk = NULL;
		rc = eng->fw ? sw_fw_find_skill(&sk, eng->fw, skill) : SW_ENOTFOUND;
		if (rc)
			return sw_diag_add(&eng->diag, rc, NULL, 0, 0, NULL,
			                   rc == SW_ENOMEM ? "out of memory"
			                                   : "no skill '%.64s' in the framework", skill);
		k = (int)sk->index;
	}
	size_t n = eng->evidence ? remove_records(eng->evidence, &eng->mem, p, k, NULL) : 0;
	if (removed)
		*removed = n;
	return SW_OK;
}

int sw_engine_remove_evidence_record(size_t *removed, sw_engine *eng, const sw_evidence_data *e)
{
	if (removed)
		*removed = 0;
	int rc = sw_data_begin(eng, e && e->version == SW_EVIDENCE_DATA_VERSION, "evidence");
	if (rc)
		return rc;
	struct sw_evidence *ev = eng->evidence;
	if (!eng->fw || !ev || !eng->roster)
		return SW_OK; /* nothing held: nothing to remove */
	size_t p;
	if ((rc = sw_roster_lookup(&p, eng, e->pupil)))
		return rc;
	struct sw_adder *a = sw_evidence_adder(eng);
	if (!a)
		return sw_diag_add(&eng->diag, SW_ENOMEM, NULL, 0, 0, NULL, "out of memory");
	sw_buf why;
	sw_buf_init(&why, &eng->mem);
	sw_checked c;
	a->text.len = 0;
	rc = sw_data_status(eng, sw_evidence_check(eng, &a->check, e, &c, &a->text, &why), &why);
	sw_buf_free(&why);
	if (rc)
		return rc;
	/* the record's texts as the store interned them; one never stored matches nothing */
	sw_record like = c.rec;
	const char *t = a->text.p ? a->text.p + c.text : "";
	sw_text_head h;
	if (!(c.flags & SW_CHECKED_KNOWN))
		sw_checked_get(&t, &h);
	if (sw_checked_texts(&like, ev, &c, &t, false))
		return SW_OK;
	size_t n = remove_records(ev, &eng->mem, p, like.skill, &like);
	if (removed)
		*removed = n;
	return SW_OK;
}

/* ---- grouping and sorting the store ---- */

/* True when record x comes before y: by skill, date, then input order. */
static inline bool rec_before(const sw_record *x, const sw_record *y)
{
	if (x->skill != y->skill)
		return x->skill < y->skill;
	if (x->date != y->date)
		return x->date < y->date;
	return x->seq < y->seq;
}

/* Sorts recs[0..n) by insertion (for short runs). */
static void insertion_sort(sw_record *recs, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		if (!rec_before(&recs[i], &recs[i - 1]))
			continue;
		sw_record v = recs[i];
		size_t j = i;
		do {
			recs[j] = recs[j - 1];
			j--;
		} while (j > 0 && rec_before(&v, &recs[j - 1]));
		recs[j] = v;
	}
}

/* A bottom-up merge sort: runs of 8 sorted by insertion, then merged
   pass by pass between recs and tmp (n records). Input order is part of
   the key, so the order is fully determined. */
static void merge_sort(sw_record *recs, size_t n, sw_record *tmp)
{
	const size_t run = 8;
	for (size_t i = 0; i < n; i += run)
		insertion_sort(recs + i, n - i < run ? n - i : run);
	sw_record *from = recs, *to = tmp;
	for (size_t w = run; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t a = lo, b = mid, o = lo;
			while (a < mid && b < hi)
				to[o++] = rec_before(&from[b], &from[a]) ? from[b++] : from[a++];
			while (a < mid)
				to[o++] = from[a++];
			while (b < hi)
				to[o++] = from[b++];
		}
		sw_record *t = from;
		from = to;
		to = t;
	}
	if (from != recs)
		memcpy(recs, from, n * sizeof *recs);
}

/* The most skills sorted by counting (sw_records_sort); a framework with
   more skills than that has its records merge sorted. */
#define BY_SKILL_MAX 256

int sw_records_sort(sw_record *recs, size_t n, sw_buf *scratch)
{
	size_t i = 1;
	while (i < n && rec_before(&recs[i - 1], &recs[i]))
		i++;
	if (i >= n)
		return SW_OK; /* already in order, as sorted exports are */
	if (n <= 16) {
		insertion_sort(recs, n);
		return SW_OK;
	}
	scratch->len = 0;
	if (!sw_buf_reserve(scratch, n * sizeof *recs))
		return SW_ENOMEM;
	sw_record *tmp = (sw_record *)(void *)scratch->p;
	size_t top = 0; /* the highest skill */
	for (i = 0; i < n; i++)
		top = recs[i].skill > top ? recs[i].skill : top;
	if (top >= BY_SKILL_MAX) {
		merge_sort(recs, n, tmp);
		return SW_OK;
	}
	/* a pupil has few skills: the records put in skill order, then each
	   skill's by date and input order */
	size_t end[BY_SKILL_MAX] = { 0 }; /* where skill k's records end */
	for (i = 0; i < n; i++)
		end[recs[i].skill]++;
	for (size_t k = 1; k <= top; k++)
		end[k] += end[k - 1];
	for (i = n; i-- > 0;)
		tmp[--end[recs[i].skill]] = recs[i]; /* end[k] becomes where k starts */
	memcpy(recs, tmp, n * sizeof *recs);
	for (size_t k = 0; k <= top; k++) {
		size_t from = end[k], to = k < top ? end[k + 1] : n;
		if (to - from <= 32)
			insertion_sort(recs + from, to - from);
		else
			merge_sort(recs + from, to - from, tmp);
	}
	return SW_OK;
}

/* One thread's share of the sorting: pupils [from, to). */
typedef struct sort_share {
	struct sw_evidence *ev;
	const sw_mem *m;
	size_t from, to;
	int rc;
} sort_share;

static void *sort_pupils(void *arg)
{
	sort_share *sh = arg;
	struct sw_evidence *ev = sh->ev;
	sw_buf scratch;
	sw_buf_init(&scratch, sh->m);
	sh->rc = SW_OK;
	for (size_t p = sh->from; p < sh->to && !sh->rc; p++)
		if (ev->len[p] > 1)
			sh->rc = sw_records_sort(ev->recs + ev->first[p], ev->len[p], &scratch);
	sw_buf_free(&scratch);
	return NULL;
}

#define SORT_MAX_JOBS 64

/* Sorts every pupil's records, with up to `jobs` threads, each taking a
   run of pupils holding about the same number of records. */
static int sort_all(struct sw_evidence *ev, const sw_mem *m, size_t np, unsigned jobs)
{
	if (jobs > SORT_MAX_JOBS)
		jobs = SORT_MAX_JOBS;
	if (jobs < 1 || ev->count < 65536)
		jobs = 1;
	sort_share sh[SORT_MAX_JOBS];
	pthread_t th[SORT_MAX_JOBS];
	size_t p = 0, done = 0;
	for (unsigned j = 0; j < jobs; j++) {
		size_t goal = j + 1 == jobs ? ev->count : ev->count / jobs * (j + 1);
		sh[j] = (sort_share){ ev, m, p, p, SW_OK };
		while (p < np && (done < goal || j + 1 == jobs))
			done += ev->len[p++];
		sh[j].to = p;
	}
	unsigned started = 0;
	for (unsigned j = 1; j < jobs; j++) {
		if (pthread_create(&th[j], NULL, sort_pupils, &sh[j]) != 0)
			break;
		started = j;
	}
	sort_pupils(&sh[0]);
	for (unsigned j = started + 1; j < jobs; j++)
		sort_pupils(&sh[j]); /* a thread that could not start */
	int rc = sh[0].rc;
	for (unsigned j = 1; j < jobs; j++) {
		if (j <= started)
			pthread_join(th[j], NULL);
		if (sh[j].rc)
			rc = sh[j].rc;
	}
	return rc;
}

/*
 * Groups each pupil's records together, ordered by skill, date and input
 * order. Exports usually come grouped by pupil already: then each group is
 * sorted where it lies and no second copy of the store is needed.
 * ev->first[p] .. ev->first[p] + ev->len[p] are pupil p's records.
 */
int sw_evidence_sort(sw_engine *eng, unsigned jobs, bool order)
{
	struct sw_evidence *ev = sw_evidence_store(eng);
	struct sw_roster *r = sw_roster_get(eng);
	if (!ev || !r)
		return SW_ENOMEM;
	bool settled = ev->settled == ev->count && ev->indexed == r->count;
	if (ev->first && settled && (ev->sorted || (ev->grouped && !order)))
		return SW_OK;
	size_t np = r->count;
	if (ev->first && ev->grouped && settled) {
		/* grouped already, for a rubric that needed no order */
		if (sort_all(ev, &eng->mem, np, jobs))
			return SW_ENOMEM;
		ev->sorted = true;
		return SW_OK;
	}
	size_t *first = sw_mem_calloc(&eng->mem, np + 1, sizeof *first);
	uint32_t *len = sw_mem_calloc(&eng->mem, np + 1, sizeof *len);
	if (!first || !len)
		goto nomem;
	/* already grouped? each pupil's records in one run */
	bool grouped = true;
	for (size_t i = 0; i < ev->count && grouped; i++) {
		uint32_t p = ev->recs[i].pupil;
		if (i == 0 || p != ev->recs[i - 1].pupil) {
			if (len[p])
				grouped = false;
			first[p] = i;
		}
		len[p]++;
	}
	if (!grouped) {
		/* counting sort by pupil into a new array */
		sw_record *out = sw_mem_calloc(&eng->mem, ev->count ? ev->count : 1, sizeof *out);
		if (!out)
			goto nomem;
		memset(len, 0, (np + 1) * sizeof *len);
		for (size_t i = 0; i < ev->count; i++)
			len[ev->recs[i].pupil]++;
		size_t at = 0;
		for (size_t p = 0; p < np; p++) {
			first[p] = at;
			at += len[p];
		}
		memset(len, 0, (np + 1) * sizeof *len);
		for (size_t i = 0; i < ev->count; i++) {
			const sw_record *rec = &ev->recs[i];
			out[first[rec->pupil] + len[rec->pupil]++] = *rec;
		}
		sw_mem_free(&eng->mem, ev->recs);
		ev->recs = out;
		ev->cap = ev->count ? ev->count : 1;
	}
	sw_mem_free(&eng->mem, ev->first);
	sw_mem_free(&eng->mem, ev->len);
	ev->first = first;
	ev->len = len;
	ev->grouped = true;
	ev->sorted = false;
	ev->settled = ev->count; /* every record is covered, nothing is pending */
	ev->indexed = np;
	if (ev->pend_last)
		memset(ev->pend_last, 0, ev->pend_cap * sizeof *ev->pend_last);
	if (!order)
		return SW_OK;
	if (sort_all(ev, &eng->mem, np, jobs))
		return SW_ENOMEM; /* grouped but not sorted: the next call sorts */
	ev->sorted = true;
	return SW_OK;
nomem:
	sw_mem_free(&eng->mem, first);
	sw_mem_free(&eng->mem, len);
	return SW_ENOMEM;
}

const sw_record *sw_evidence_records(const sw_engine *eng, size_t p, size_t *n)
{
	const struct sw_evidence *ev = eng->evidence;
	if (!ev || !ev->first || p >= eng->roster->count) {
		*n = 0;
		return NULL;
	}
	*n = ev->len[p];
	return ev->recs && *n ? ev->recs + ev->first[p] : NULL;
}
