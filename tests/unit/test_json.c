/*
 * test_json.c - the places the strict JSON check notes (sw_json_check_at,
 * src/json.c), which the service reads its evidence records and id by:
 * each element of a top-level array member, the first of a member given
 * twice, nothing for nested objects or a member that is not an array.
 */
#include "unit.h"
#include "internal.h"
#include "flatjson.h"

#include <string.h>

/* The tests of this file (listed in main.c). */
void test_json_noted_members(void);

/* True when span k of m is the text want in s. */
static bool span_is(const char *s, const sw_json_member *m, size_t k, const char *want)
{
	size_t a = m->spans[2 * k], b = m->spans[2 * k + 1];
	return b - a == strlen(want) && memcmp(s + a, want, b - a) == 0;
}

void test_json_noted_members(void)
{
	sw_mem m;
	sw_mem_init(&m, NULL);
	sw_diag d;
	sw_diag_init(&d, &m);
	const char *s = "{\"id\": [1, 2], \"x\": {\"evidence\": [9]}, \"evidence\": [ {\"a\": [3]} ,"
	                " \"b\", 4.5e1 ], \"id\": 7}";
	sw_json_member noted[2] = { { .key = "evidence" }, { .key = "id" } };
	REQUIRE(sw_json_check_at(&d, "t", s, strlen(s), 64, noted, 2, &m) == SW_OK);
	CHECK(noted[0].found == 1 && noted[0].array && noted[0].count == 3);
	CHECK(span_is(s, &noted[0], 0, "{\"a\": [3]}"));
	CHECK(span_is(s, &noted[0], 1, "\"b\""));
	CHECK(span_is(s, &noted[0], 2, "4.5e1"));
	CHECK(noted[0].end - noted[0].start == strlen("[ {\"a\": [3]} , \"b\", 4.5e1 ]"));
	/* given twice: counted, the first value noted */
	CHECK(noted[1].found == 2 && noted[1].count == 2);
	CHECK(memcmp(s + noted[1].start, "[1, 2]", noted[1].end - noted[1].start) == 0);
	sw_mem_free(&m, noted[0].spans);
	sw_mem_free(&m, noted[1].spans);

	/* a member that is not an array, and invalid text */
	sw_json_member ev = { .key = "evidence" };
	const char *t = "{\"evidence\": {\"a\": []}}";
	CHECK(sw_json_check_at(&d, "t", t, strlen(t), 64, &ev, 1, &m) == SW_OK);
	CHECK(ev.found == 1 && !ev.array && ev.count == 0);
	CHECK(sw_json_check_at(&d, "t", "{\"evidence\": [1,]}", 18, 64, &ev, 1, &m) == SW_EINVALID);
	sw_mem_free(&m, ev.spans);
	sw_diag_clear(&d);
}
