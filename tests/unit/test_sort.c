/*
 * test_sort.c - sw_records_sort (evindex.c) against qsort on the same key
 * (skill, date, input order), on pseudo-random records: short and long
 * lists, few and many skills (past the counting sort's 256, where it merge
 * sorts), many records on one date, one skill with many records.
 */
#include "unit.h"
#include "data.h"
#include "internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The tests of this file (listed in main.c). */
void test_records_sort(void);

static int by_key(const void *a, const void *b)
{
	const sw_record *x = a, *y = b;
	if (x->skill != y->skill)
		return x->skill < y->skill ? -1 : 1;
	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void test_records_sort(void)
{
	static sw_record recs[3000], want[3000];
	static const struct {
		size_t n;
		unsigned skills, dates;
	} shapes[] = { { 5, 3, 40 },     { 17, 8, 400 },  { 63, 8, 700 },  { 64, 1, 3 },
		       { 200, 2, 900 },  { 500, 300, 50 }, { 1000, 255, 2 }, { 3000, 256, 10000 },
		       { 40, 40, 1 },    { 33, 1, 1000 } };
	uint64_t seed = 42;
	sw_mem m;
	sw_mem_init(&m, NULL);
	sw_buf scratch;
	sw_buf_init(&scratch, &m);
	for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
		for (int round = 0; round < 4; round++) {
			size_t n = shapes[s].n;
			for (size_t i = 0; i < n; i++) {
				seed = seed * 6364136223846793005ull + 1442695040888963407ull;
				uint32_t v = (uint32_t)(seed >> 33);
				recs[i] = (sw_record){ .pupil = 1, .seq = (uint32_t)(n - i) * 7 % 10007,
					               .date = 20000 + (int32_t)(v % shapes[s].dates),
					               .step = (int32_t)i,
					               .skill = (uint16_t)(v / 7 % shapes[s].skills) };
				if (round == 1) /* the skills in order already, the dates not */
					recs[i].skill = (uint16_t)(i * shapes[s].skills / n);
			}
			memcpy(want, recs, n * sizeof *recs);
			qsort(want, n, sizeof *want, by_key);
			if (round == 3) /* in order already */
				memcpy(recs, want, n * sizeof *recs);
			CHECK_EQ(sw_records_sort(recs, n, &scratch), SW_OK);
			unit_checks++;
			if (memcmp(recs, want, n * sizeof *recs) != 0)
				unit_fail(__FILE__, __LINE__, "shape %zu round %d: not in order", s, round);
		}
	}
	sw_buf_free(&scratch);
}
