/*
 * test_strict.c - the nearest-name suggestion behind the strict fields of
 * issue 17 (sw_strict_nearest, src/strict.c): a slip of the keyboard is
 * matched, case is ignored, a word far from every name gets no suggestion.
 */
#include "unit.h"
#include "strict.h"

#include <stddef.h>

/* The tests of this file (listed in main.c). */
void test_strict_nearest(void);

void test_strict_nearest(void)
{
	static const char *const fields[] = { "step", "outcome", "date", "source", "assessor",
		                              "context", "note" };
	static const char *const ctx[] = { "pupil", "skill", "framework", "params", "as_of",
		                           "expected" };
	static const char *const sources[] = { "teacher", "self", "peer", "parent", "employer",
		                               "other" };
	CHECK_STR(sw_strict_nearest("steps", fields, 7), "step");
	CHECK_STR(sw_strict_nearest("Outcome", fields, 7), "outcome");
	CHECK_STR(sw_strict_nearest("notes", fields, 7), "note");
	CHECK_STR(sw_strict_nearest("expect", ctx, 6), "expected");
	CHECK_STR(sw_strict_nearest("pupl", ctx, 6), "pupil");
	CHECK_STR(sw_strict_nearest("teachers", sources, 6), "teacher");
	CHECK_STR(sw_strict_nearest("selff", sources, 6), "self");
	CHECK(sw_strict_nearest("level", fields, 7) == NULL);
	CHECK(sw_strict_nearest("maximum", fields, 7) == NULL);
	CHECK(sw_strict_nearest("x", sources, 6) == NULL);
	CHECK(sw_strict_nearest("step", fields, 0) == NULL);
}
