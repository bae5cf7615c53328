/* pool.h - string arena and interning table (pool.c). */
#ifndef SW_POOL_H
#define SW_POOL_H
#include "internal.h"

typedef struct sw_arena {
	const sw_mem *m;
	void *head;
	size_t bytes; /* allocated, for memory figures */
} sw_arena;

void sw_arena_init(sw_arena *a, const sw_mem *m);
/* A NUL-terminated copy that lives until sw_arena_free; NULL when out of memory. */
const char *sw_arena_strndup(sw_arena *a, const char *s, size_t n);
void sw_arena_free(sw_arena *a);

/* Interned strings are numbered from 1; 0 means "none". */
typedef struct sw_intern {
	const sw_mem *m;
	sw_arena arena;
	const char **strings; /* [id] */
	uint32_t *hashes;     /* [id]: sw_intern_hash of the string */
	size_t count, str_cap, hash_cap;
	uint32_t *slots; /* open addressing, 0 = empty */
	size_t slot_cap;
} sw_intern;

void sw_intern_init(sw_intern *t, const sw_mem *m);
int sw_intern_add(uint32_t *id, sw_intern *t, const char *s, size_t n);
uint32_t sw_intern_find(const sw_intern *t, const char *s, size_t n);
/* The hash the table uses, so that a thread can compute it beforehand. */
uint32_t sw_intern_hash(const char *s, size_t n);
/* sw_intern_add with h = sw_intern_hash(s, n) already known. */
int sw_intern_add_hashed(uint32_t *id, sw_intern *t, const char *s, size_t n, uint32_t h);
const char *sw_intern_str(const sw_intern *t, uint32_t id);
void sw_intern_free(sw_intern *t);
#endif
