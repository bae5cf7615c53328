/*
 * text.c - UTF-8 validation, NFC normalization, matching keys and display
 * width, all through utf8proc.
 */
#include "internal.h"

#include <string.h>
#include <utf8proc.h>

bool sw_text_valid(const char *s, size_t n)
{
	return sw_text_invalid_at(s, n) == n;
}

/* True when every byte is ASCII (such text is already in NFC). */
static bool is_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

/*
 * Whether NFC leaves code point cp as it is, whatever comes before or
 * after it, so that text made only of such code points is already in NFC
 * (tests/unit/test_text.c checks this for every code point against
 * utf8proc). Yes for a starter that is not a mark, not a Hangul jamo
 * (which compose by rule) and has no canonical decomposition, or has one
 * in the Latin blocks, where every precomposed letter is its own NFC.
 */
static bool nfc_stable(utf8proc_int32_t cp)
{
	if ((cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0xA960 && cp <= 0xA97F) ||
	    (cp >= 0xD7B0 && cp <= 0xD7FF))
		return false;
	/* Kirat Rai: Unicode 16 composes letters there; kept on the slow path */
	if (cp >= 0x16D40 && cp <= 0x16D7F)
		return false;
	const utf8proc_property_t *pr = utf8proc_get_property(cp);
	if (pr->combining_class != 0 || pr->category == UTF8PROC_CATEGORY_MN ||
	    pr->category == UTF8PROC_CATEGORY_MC || pr->category == UTF8PROC_CATEGORY_ME)
		return false;
	if (pr->decomp_seqindex != UINT16_MAX && pr->decomp_type == 0)
		return (cp >= 0xC0 && cp <= 0x24F) || (cp >= 0x1E00 && cp <= 0x1EFF);
	return true;
}

/* Walks s[0..n) and returns where it stops being valid UTF-8 without NUL
   (n when it never does); *stable, when not NULL and true on entry, stays
   true only if every code point is nfc_stable. */
static size_t walk(const char *s, size_t n, bool *stable)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t i = 0;
	while (i < n) {
		/* ASCII without NUL, eight bytes at a time */
		while (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, p + i, 8);
			if ((w & 0x8080808080808080ull) ||
			    ((w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull))
				break;
			i += 8;
		}
		if (i >= n)
			break;
		if (p[i] < 0x80) {
			if (p[i] == 0)
				return i;
			i++;
			continue;
		}
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
		if (k <= 0 || cp < 0)
			return i;
		if (stable && *stable && !nfc_stable(cp))
			*stable = false;
		i += (size_t)k;
	}
	return n;
}

size_t sw_text_invalid_at(const char *s, size_t n)
{
	return walk(s, n, NULL);
}

int sw_text_check_nfc(const char *s, size_t n)
{
	bool stable = true;
	if (walk(s, n, &stable) < n)
		return -1;
	return stable ? 1 : 0;
}

/* Runs utf8proc's decompose-then-reencode with `opts` and appends the
   result to b (s must not lie in b). Returns false for invalid UTF-8 (b's
   text untouched). The code points go in b's spare room, at a 4-byte
   boundary, and are turned back into UTF-8 there: no allocation per text,
   which matters to the threads of a parallel read. */
static bool map_into(sw_buf *b, const char *s, size_t n, utf8proc_option_t opts)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t cps = utf8proc_decompose(p, (utf8proc_ssize_t)n, NULL, 0, opts);
	if (cps < 0)
		return false;
	size_t at = (b->len + 3) & ~(size_t)3;
	if (!sw_buf_reserve(b, at - b->len + ((size_t)cps + 1) * sizeof(utf8proc_int32_t)))
		return true; /* b->failed is set */
	utf8proc_int32_t *cp = (utf8proc_int32_t *)(void *)(b->p + at);
	cps = utf8proc_decompose(p, (utf8proc_ssize_t)n, cp, cps, opts);
	utf8proc_ssize_t bytes = cps < 0 ? cps : utf8proc_reencode(cp, cps, opts);
	if (bytes < 0) {
		b->p[b->len] = '\0';
		return false;
	}
	memmove(b->p + b->len, cp, (size_t)bytes);
	b->len += (size_t)bytes;
	b->p[b->len] = '\0';
	return true;
}

bool sw_text_norm(sw_buf *b, const char *s, size_t n)
{
	b->len = 0;
	int st = sw_text_check_nfc(s, n);
	if (st < 0)
		return false;
	if (st > 0)
		sw_buf_add(b, s, n);
	else if (!map_into(b, s, n, UTF8PROC_STABLE | UTF8PROC_COMPOSE))
		return false;
	sw_buf_cstr(b);
	return true;
}

int sw_text_nfc(const sw_mem *m, const char *s, size_t n, char **out, size_t *outlen)
{
	sw_buf b;
	sw_buf_init(&b, m);
	bool valid = sw_text_norm(&b, s, n);
	if (valid && outlen)
		*outlen = b.len;
	*out = valid ? sw_buf_take(&b) : NULL;
	sw_buf_free(&b);
	return !valid ? SW_EINVALID : *out ? SW_OK : SW_ENOMEM;
}

/* The bytes of white space (ASCII space, tab, CR, LF; or U+00A0 no-break
   space, C2 A0) at the start of p[0..len), or at its end. */
static size_t space_len(const char *p, size_t len, bool end)
{
	char c = !len ? 'x' : end ? p[len - 1] : p[0];
	if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
		return 1;
	if (len < 2)
		return 0;
	const unsigned char *u = (const unsigned char *)(end ? p + len - 2 : p);
	return u[0] == 0xC2 && u[1] == 0xA0 ? 2 : 0;
}

void sw_text_trim_slow(const char **s, size_t *n)
{
	size_t k;
	while ((k = space_len(*s, *n, false)) > 0) {
		*s += k;
		*n -= k;
	}
	while ((k = space_len(*s, *n, true)) > 0)
		*n -= k;
}

bool sw_text_key(sw_buf *b, const char *s, size_t n)
{
	sw_text_trim(&s, &n);
	size_t start = b->len;
	if (is_ascii(s, n)) {
		if (memchr(s, 0, n))
			return false;
		sw_buf_add(b, s, n);
		if (b->failed)
			return true;
		for (size_t i = start; i < b->len; i++) {
			char c = b->p[i];
			if (c >= 'A' && c <= 'Z')
				b->p[i] = (char)(c - 'A' + 'a');
		}
	} else {
		if (!sw_text_valid(s, n))
			return false;
		if (!map_into(b, s, n, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD))
			return false;
		if (b->failed)
			return true;
	}
	for (size_t i = start; i < b->len; i++)
		if (b->p[i] == ' ' || b->p[i] == '_')
			b->p[i] = '-';
	return true;
}

/* The byte length of the longest prefix of s at most `width` wide, never
   splitting a character, and its width in *w (a byte that is not UTF-8
   counts as one column). */
static size_t measure(const char *s, size_t width, size_t *w)
{
	size_t n = strlen(s), i = 0;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	*w = 0;
	while (i < n) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
		if (k <= 0) /* not expected: texts are validated at the door */
			k = 1, cp = '?';
		size_t cw = (size_t)utf8proc_charwidth(cp);
		if (*w + cw > width)
			break;
		*w += cw;
		i += (size_t)k;
	}
	/* keep combining marks (width 0) that follow the last character taken */
	return i;
}

size_t sw_text_width(const char *s)
{
	size_t w = 0;
	if (s)
		measure(s, SIZE_MAX, &w);
	return w;
}

size_t sw_text_fit(const char *s, size_t width)
{
	size_t w;
	return measure(s, width, &w);
}

bool sw_text_id(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		          (i > 0 && (c == '_' || c == '.' || c == '-'));
		if (!ok)
			return false;
	}
	return true;
}

void sw_text_mask_controls(char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
			s[i] = '?';
}
