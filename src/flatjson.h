/* flatjson.h - fast reader of flat JSON objects (flatjson.c). */
#ifndef SW_FLATJSON_H
#define SW_FLATJSON_H
#include "internal.h"

#define SW_FLAT_MAX 64
enum { SW_FLAT_STRING, SW_FLAT_NUMBER, SW_FLAT_NULL, SW_FLAT_BOOL };

typedef struct sw_flat_item {
	size_t key, value; /* offsets of NUL-terminated texts in sw_flat.text */
	size_t klen, vlen; /* their lengths (a value's: 0 for null and booleans) */
	bool kascii, vascii; /* strings known to be all ASCII (valid UTF-8) */
	int type;
} sw_flat_item;

typedef struct sw_flat {
	sw_buf text;
	sw_flat_item items[SW_FLAT_MAX];
	size_t count;
	int nul_item; /* index of the first item whose key or value holds \u0000, or -1 */
} sw_flat;

/* Parses a flat object; false when the line needs the full parser. */
bool sw_flat_parse(sw_flat *f, const char *s, size_t n);
/* The text of an item's value (strings: decoded; numbers: as written). */
static inline const char *sw_flat_text(const sw_flat *f, const sw_flat_item *it)
{
	return f->text.p + it->value;
}
#endif
