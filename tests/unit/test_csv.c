/*
 * test_csv.c - the one CSV row reader (src/csv.c): the same fields, raw
 * bytes, line numbers and errors whether a row takes the quote-free split
 * or the quote-aware one, a quoted field across lines, CR LF line ends,
 * and a row's first error kept.
 */
#include "unit.h"
#include "internal.h"
#include "input.h"

#include <string.h>

/* The tests of this file (listed in main.c). */
void test_csv_rows(void);

typedef struct csv_case {
	const char *text;   /* the input (NUL bytes written as \x01 here) */
	const char *fields; /* the first row's fields, joined by '|' */
	const char *raw;    /* its raw bytes */
	uint64_t line;      /* its first line */
	const char *error;  /* the start of its error, or NULL */
} csv_case;

static const csv_case CASES[] = {
	{ "a,b ,  c\n", "a|b|c", "a,b ,  c", 1, NULL },
	{ "\n  \r\n\ta, b\r\n", "a|b", "\ta, b", 3, NULL },
	{ "x,\"a,b\",\"say \"\"hi\"\"\"\n", "x|a,b|say \"hi\"", "x,\"a,b\",\"say \"\"hi\"\"\"", 1,
	  NULL },
	{ "p,\"two\r\nlines\"\r\nnext\n", "p|two\r\nlines", "p,\"two\r\nlines\"", 1, NULL },
	{ "ab\"c,d\n", "ab\"c|d", "ab\"c,d", 1, NULL },
	{ "  \"q\"  ,z", "q|z", "  \"q\"  ,z", 1, NULL },
	{ "\"a\" x,b\n", "a|b", "\"a\" x,b", 1, "text after a closing quote" },
	{ "\"open\nstill", "open\nstill", "\"open\nstill", 1, "a quoted field is not closed" },
	{ "a,\x01,b\n", "a||b", "a,\x01,b", 1, "NUL byte" },
	{ "\"a\"\x01,b\n", "a|b", "\"a\"\x01,b", 1, "NUL byte" },
	{ "\xC2\xA0n\xC2\xA0,m\n", "n|m", "\xC2\xA0n\xC2\xA0,m", 1, NULL },
	/* a CR first on the last line, with no line end: the same as with one */
	{ "\r\"", "\"", "\r\"", 1, NULL },
	{ "\r\"\n", "\"", "\r\"", 1, NULL },
};

/* Reads the first row of one case and checks it against the case. */
static void check_case(const sw_mem *m, const csv_case *c)
{
	char text[64];
	size_t n = strlen(c->text);
	for (size_t i = 0; i < n; i++)
		text[i] = c->text[i] == '\x01' ? '\0' : c->text[i];
	sw_input in;
	sw_input_mem(&in, m, text, n);
	sw_csv_row r;
	sw_csv_row_init(&r, m);
	CHECK(sw_csv_next(&in, &r, m) == 1);
	char got[128] = "";
	for (size_t k = 0; k < r.count; k++) {
		if (k)
			strcat(got, "|");
		strcat(got, sw_csv_field(&r, k, NULL));
	}
	char raw[64];
	size_t rn = strlen(c->raw);
	for (size_t i = 0; i < rn; i++)
		raw[i] = c->raw[i] == '\x01' ? '\0' : c->raw[i];
	if (strcmp(got, c->fields) != 0)
		unit_fail(__FILE__, __LINE__, "fields of %s: %s", c->fields, got);
	CHECK(r.raw.len == rn && memcmp(r.raw.p, raw, rn) == 0);
	CHECK(r.line == c->line);
	if (c->error)
		CHECK(r.error && strncmp(r.error, c->error, strlen(c->error)) == 0);
	else
		CHECK(r.error == NULL);
	sw_csv_row_free(&r, m);
}

void test_csv_rows(void)
{
	sw_mem m;
	sw_mem_init(&m, NULL);
	for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++)
		check_case(&m, &CASES[i]);

	/* rows after a quoted field across lines keep their line numbers */
	const char *text = "\"a\nb\",c\nd,e\n\n\"f\"\n";
	sw_input in;
	sw_input_mem(&in, &m, text, strlen(text));
	sw_csv_row r;
	sw_csv_row_init(&r, &m);
	uint64_t lines[3] = { 0 };
	int got, rows = 0;
	while ((got = sw_csv_next(&in, &r, &m)) == 1 && rows < 3)
		lines[rows++] = r.line;
	CHECK(got == 0 && rows == 3);
	CHECK(lines[0] == 1 && lines[1] == 3 && lines[2] == 5);
	CHECK(strcmp(sw_csv_field(&r, 0, NULL), "f") == 0);
	sw_csv_row_free(&r, &m);
}
