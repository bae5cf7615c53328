/*
 * dates.c - dates (YYYY-MM-DD as days since 1970) and school years as
 * teachers' spreadsheets write them: day-first dates (13/02/2026,
 * 3/2/2026) and roster years (Year 5, Y5, R).
 * Prefix sw_date_ and sw_year_. Nothing here allocates: the readers' helper
 * threads call it.
 */
#include "data.h"
#include "internal.h"

#include <stdio.h>
#include <string.h>

/* Reads 1 to max decimal digits at s[*i]; false when there are none or more. */
static bool digits(const char *s, size_t n, size_t *i, size_t max, int *out)
{
	size_t start = *i;
	int v = 0;
	while (*i < n && s[*i] >= '0' && s[*i] <= '9' && *i - start < max + 1)
		v = v * 10 + (s[(*i)++] - '0');
	if (*i == start || *i - start > max)
		return false;
	*out = v;
	return true;
}

/* The days of month m (1-12) in year y. */
static int month_days(int y, int m)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : mdays[m - 1];
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int32_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

bool sw_date_parse(int32_t *days, const char *s, size_t n)
{
	if (n != 10 || s[4] != '-' || s[7] != '-')
		return false;
	const unsigned char *u = (const unsigned char *)s;
	unsigned d[8] = { u[0] - 48u, u[1] - 48u, u[2] - 48u, u[3] - 48u,
	                  u[5] - 48u, u[6] - 48u, u[8] - 48u, u[9] - 48u };
	for (int i = 0; i < 8; i++)
		if (d[i] > 9)
			return false;
	int y = (int)(d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3]);
	int m = (int)(d[4] * 10 + d[5]), dd = (int)(d[6] * 10 + d[7]);
	if (y < 1 || m < 1 || m > 12 || dd < 1 || dd > month_days(y, m))
		return false;
	*days = days_from_civil(y, m, dd);
	return true;
}

void sw_date_format(char out[16], int32_t days)
{
	int z = days + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int y = yoe + era * 400;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	int d = doy - (153 * mp + 2) / 5 + 1;
	int m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	/* by hand: this runs for every record handed to a rubric */
	unsigned yy = (unsigned)(y < 0 ? 0 : y % 10000);
	out[0] = (char)('0' + yy / 1000);
	out[1] = (char)('0' + yy / 100 % 10);
	out[2] = (char)('0' + yy / 10 % 10);
	out[3] = (char)('0' + yy % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

int sw_date_dmy(char iso[11], const char *s, size_t n, sw_buf *why)
{
	if (n == 10 && s[4] == '-' && s[7] == '-')
		return 0; /* already YYYY-MM-DD: checked as such by the caller */
	size_t i = 0;
	int d, m, y;
	bool shape = digits(s, n, &i, 2, &d) && i < n && s[i++] == '/' &&
	             digits(s, n, &i, 2, &m) && i < n && s[i++] == '/';
	size_t ystart = i;
	shape = shape && digits(s, n, &i, 4, &y) && i == n;
	const char *bad = NULL;
	if (!shape)
		bad = "' is not a date as DD/MM/YYYY (or YYYY-MM-DD)";
	else if (i - ystart != 4)
		bad = "' has a two-digit year, which could be either century: write the year in "
		      "full, as DD/MM/YYYY";
	else if (y < 1 || m < 1 || m > 12 || d < 1 || d > month_days(y, m))
		bad = m > 12 && d >= 1 && d <= 12
		          ? "' is not a real date as DD/MM/YYYY (is the month written first?)"
		          : "' is not a real date as DD/MM/YYYY";
	if (bad) {
		sw_buf_clip_n(why, "date '", s, n, 40, bad);
		return -1;
	}
	snprintf(iso, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
	         (unsigned)d % 100u); /* y, m and d are in range: no change */
	return 1;
}

/* ASCII case-insensitive: does s[*i..] start with word? Advances past it. */
static bool word(const char *s, size_t n, size_t *i, const char *w)
{
	size_t k = strlen(w);
	if (n - *i < k)
		return false;
	for (size_t j = 0; j < k; j++) {
		char c = s[*i + j];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != w[j])
			return false;
	}
	*i += k;
	return true;
}

bool sw_year_parse(int *year, const char *s)
{
	size_t n = strlen(s), i = 0;
	if ((word(s, n, &i, "reception") || word(s, n, &i, "yr")) && i == n) {
		*year = 0; /* YR: Year R, Reception */
		return true;
	}
	i = 0;
	if (!word(s, n, &i, "year") && !word(s, n, &i, "yr") && !word(s, n, &i, "y"))
		i = 0; /* a bare number or R */
	size_t prefix = i;
	while (i < n && s[i] == ' ')
		i++;
	if (prefix == 0 && i > 0)
		return false; /* no leading spaces without a prefix */
	int v = 0;
	if (i + 1 == n && (s[i] == 'r' || s[i] == 'R'))
		i++; /* R: Reception, year 0 */
	else if (!digits(s, n, &i, 2, &v) || i != n || v >= SW_YEARS)
		return false;
	*year = v;
	return true;
}
