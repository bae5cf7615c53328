/* flatjson.h - fast reader of flat JSON objects (flatjson.c), the pieces
   of the JSON grammar it shares with the strict checker (json.c), and the
   places of members that checker notes for the service. */
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

/* The JSON grammar's pieces both readers use (json.c): the length of a
   strict number at s[0..n) (0 when there is none), and the value of the
   four hex digits at p (four bytes readable), or -1. */
size_t sw_json_number_len(const char *s, size_t n);
int sw_json_hex4(const char *p);

/* A member of the top-level object whose place sw_json_check_at notes: the
   span of its (first) value and, when that is an array, of each element. */
typedef struct sw_json_member {
	const char *key;   /* its name, written without escapes */
	size_t found;      /* how many times the object has it */
	size_t start, end; /* its first value */
	bool array;        /* that value is an array and its elements are noted */
	size_t *spans;     /* start and end of each element (free with the allocator) */
	size_t count, cap;
} sw_json_member;
/* The strict syntax check of sw_json_parse alone (no tree): SW_EINVALID
   with the first error in d, with its column. Notes the members mem[0..n)
   (spans allocated with m; when they cannot be, `array` stays false). */
int sw_json_check_at(sw_diag *d, const char *name, const char *data, size_t len, int max_depth,
                     sw_json_member *mem, size_t n, const sw_mem *m);

/* Parses a flat object; false when the line needs the full parser. */
bool sw_flat_parse(sw_flat *f, const char *s, size_t n);
/* The text of an item's value (strings: decoded; numbers: as written). */
static inline const char *sw_flat_text(const sw_flat *f, const sw_flat_item *it)
{
	return f->text.p + it->value;
}
#endif
