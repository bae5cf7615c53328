/*
 * test_text.c - the NFC quick check (sw_text_check_nfc, src/text.c)
 * against utf8proc for every code point: a code point the quick rule
 * accepts must be its own NFC, and must be safe next to any neighbour
 * that the rule also accepts: neither it nor the start of its canonical
 * decomposition may be a non-first element of a canonical composition.
 * Then a few names and edge cases.
 */
#include "unit.h"
#include "internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* The tests of this file (listed in main.c). */
void test_text_nfc_quick_check(void);

#define NCODES 0x110000
#define MAX_DECOMP 32 /* longest canonical decomposition of one code point is 4 */

static bool is_surrogate(utf8proc_int32_t cp)
{
	return cp >= 0xD800 && cp <= 0xDFFF;
}

/* The code points of the NFD (compose = false) or NFC of one code point,
   through utf8proc_map; returns how many (<= MAX_DECOMP), or -1. */
static int normalize(utf8proc_int32_t out[MAX_DECOMP], utf8proc_int32_t cp, bool compose)
{
	utf8proc_uint8_t in[4];
	utf8proc_ssize_t n = utf8proc_encode_char(cp, in);
	utf8proc_uint8_t *mapped = NULL;
	utf8proc_option_t opts = UTF8PROC_STABLE | (compose ? UTF8PROC_COMPOSE : UTF8PROC_DECOMPOSE);
	utf8proc_ssize_t len = utf8proc_map(in, n, &mapped, opts);
	if (len < 0)
		return -1;
	int count = 0;
	utf8proc_ssize_t i = 0;
	while (i < len && count < MAX_DECOMP) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(mapped + i, len - i, &c);
		if (k <= 0) {
			count = -1;
			break;
		}
		out[count++] = c;
		i += k;
	}
	free(mapped);
	return count;
}

static void set_bit(uint8_t *bits, utf8proc_int32_t cp)
{
	bits[cp >> 3] |= (uint8_t)(1u << (cp & 7));
}

static bool has_bit(const uint8_t *bits, utf8proc_int32_t cp)
{
	return bits[cp >> 3] >> (cp & 7) & 1u;
}

/* sw_text_check_nfc of a NUL-terminated literal. */
static int quick(const char *s)
{
	return sw_text_check_nfc(s, strlen(s));
}

void test_text_nfc_quick_check(void)
{
	/* per code point: q (bit 0 of `accepted`), its NFD's first code point */
	uint8_t *accepted = calloc(NCODES / 8, 1);
	uint8_t *second = calloc(NCODES / 8, 1); /* S: non-first elements of compositions */
	utf8proc_int32_t *first = calloc(NCODES, sizeof *first);
	if (!accepted || !second || !first) {
		free(accepted);
		free(second);
		free(first);
		REQUIRE(!"out of memory");
	}
	unsigned long bad_q = 0, not_own_nfc = 0, passed = 0, composites = 0;
	for (utf8proc_int32_t cp = 1; cp < NCODES; cp++) {
		if (is_surrogate(cp))
			continue;
		utf8proc_uint8_t buf[4];
		utf8proc_ssize_t len = utf8proc_encode_char(cp, buf);
		int q = sw_text_check_nfc((const char *)buf, (size_t)len);
		if (q != 0 && q != 1) { /* (a) */
			if (bad_q++ < 10)
				unit_fail(__FILE__, __LINE__, "U+%04X: quick check %d", (unsigned)cp, q);
			continue;
		}
		utf8proc_int32_t nfd[MAX_DECOMP], nfc[MAX_DECOMP];
		int nd = normalize(nfd, cp, false), nc = normalize(nfc, cp, true);
		if (nd < 1 || nc < 1) {
			unit_fail(__FILE__, __LINE__, "U+%04X: utf8proc_map failed", (unsigned)cp);
			continue;
		}
		bool own_nfc = nc == 1 && nfc[0] == cp;
		first[cp] = nfd[0];
		if (own_nfc && nd >= 2) { /* (c) a primary composite: the set S */
			composites++;
			for (int i = 1; i < nd; i++)
				set_bit(second, nfd[i]);
		}
		if (q == 1) {
			passed++;
			set_bit(accepted, cp);
			if (!own_nfc && not_own_nfc++ < 20) /* (b) */
				unit_fail(__FILE__, __LINE__, "U+%04X passes the quick check but its"
				          " NFC is not itself", (unsigned)cp);
		}
	}
	/* (c) an accepted code point never composes with what comes before it */
	unsigned long in_s = 0, first_in_s = 0;
	for (utf8proc_int32_t cp = 1; cp < NCODES; cp++) {
		if (is_surrogate(cp) || !has_bit(accepted, cp))
			continue;
		if (has_bit(second, cp) && in_s++ < 20)
			unit_fail(__FILE__, __LINE__, "U+%04X passes the quick check but is a"
			          " non-first element of a composition", (unsigned)cp);
		if (has_bit(second, first[cp]) && first_in_s++ < 20)
			unit_fail(__FILE__, __LINE__, "U+%04X passes the quick check but its NFD"
			          " starts with U+%04X, a non-first element of a composition",
			          (unsigned)cp, (unsigned)first[cp]);
	}
	CHECK_EQ(bad_q, 0);
	CHECK_EQ(not_own_nfc, 0);
	CHECK_EQ(in_s, 0);
	CHECK_EQ(first_in_s, 0);
	CHECK(composites > 1000);  /* S was built from many compositions */
	CHECK(passed > 100000);    /* the check is not vacuous */
	if (getenv("UNIT_VERBOSE"))
		printf("nfc quick check: %lu code points pass, %lu primary composites\n",
		       passed, composites);
	free(accepted);
	free(second);
	free(first);

	/* names already in NFC */
	CHECK_EQ(quick("Si\xC3\xA2n"), 1);                    /* Siân */
	CHECK_EQ(quick("Wi\xC5\x9Bniewska"), 1);              /* Wiśniewska */
	CHECK_EQ(quick("Nguy\xE1\xBB\x85n"), 1);              /* Nguyễn */
	CHECK_EQ(quick("\xC5\x81\xC3\xB3\x64\xC5\xBA"), 1);   /* Łódź */
	CHECK_EQ(quick("\xD9\x85\xD8\xAD\xD9\x85\xD8\xAF"), 1); /* محمد */
	CHECK_EQ(quick("\xE7\x8E\x8B\xE5\xB0\x8F\xE6\x98\x8E"), 1); /* 王小明 */
	CHECK_EQ(quick("plain ASCII, longer than eight bytes"), 1);
	CHECK_EQ(quick(""), 1);
	/* valid, but NFC must be computed */
	CHECK_EQ(quick("e\xCC\x81"), 0);                      /* e + combining acute */
	CHECK_EQ(quick("\xE2\x84\xAB"), 0);                   /* U+212B ANGSTROM SIGN */
	CHECK_EQ(quick("\xE1\x84\x80\xE1\x85\xA1"), 0);       /* Hangul L + V jamo */
	CHECK_EQ(quick("abcdefghijklmnop e\xCC\x81"), 0);     /* after the 8-byte ASCII path */
	/* invalid */
	CHECK_EQ(sw_text_check_nfc("a\0b", 3), -1);
	CHECK_EQ(quick("\xC3"), -1);
	CHECK_EQ(quick("e\xCC\x81\xC3"), -1);                 /* invalid after a 0 */
	CHECK_EQ(quick("\xED\xA0\x80"), -1);                  /* a surrogate */
	CHECK_EQ(quick("\xC0\x80"), -1);                      /* overlong NUL */
	CHECK_EQ(quick("\xF4\x90\x80\x80"), -1);              /* above U+10FFFF */
}
