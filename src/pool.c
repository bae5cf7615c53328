/*
 * pool.c - string storage for the data model: an arena that hands out
 * NUL-terminated copies in large blocks, and an interning table on top of
 * it so that each distinct text (pupil id, source, assessor) is kept once
 * and named by a small number.
 */
#include "internal.h"
#include "pool.h"

#include <string.h>

#define BLOCK_SIZE (64u * 1024u)

/* One block of the arena; text follows the header. */
typedef struct block {
	struct block *next;
	size_t used, size;
	char data[];
} block;

void sw_arena_init(sw_arena *a, const sw_mem *m)
{
	*a = (sw_arena){ m, NULL, 0 };
}

const char *sw_arena_strndup(sw_arena *a, const char *s, size_t n)
{
	block *b = a->head;
	if (!b || b->size - b->used < n + 1) {
		size_t size = n + 1 > BLOCK_SIZE / 4 ? n + 1 : BLOCK_SIZE;
		block *nb = sw_mem_alloc(a->m, sizeof *nb + size);
		if (!nb)
			return NULL;
		nb->used = 0;
		nb->size = size;
		a->bytes += sizeof *nb + size;
		if (b && size != BLOCK_SIZE) {
			/* a big string gets its own block behind the current one */
			nb->next = b->next;
			b->next = nb;
		} else {
			nb->next = b;
			a->head = nb;
		}
		b = nb;
	}
	char *p = b->data + b->used;
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	b->used += n + 1;
	return p;
}

void sw_arena_free(sw_arena *a)
{
	block *b = a->head;
	while (b) {
		block *next = b->next;
		sw_mem_free(a->m, b);
		b = next;
	}
	sw_arena_init(a, a->m);
}

/* FNV-1a: short keys, good enough spread for an open-addressing table. */
uint32_t sw_intern_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

void sw_intern_init(sw_intern *t, const sw_mem *m)
{
	*t = (sw_intern){ .m = m };
	sw_arena_init(&t->arena, m);
}

/* Doubles the slot table and re-inserts every string by its kept hash. */
static int rehash(sw_intern *t)
{
	size_t cap = t->slot_cap ? t->slot_cap * 2 : 256;
	uint32_t *slots = sw_mem_calloc(t->m, cap, sizeof *slots);
	if (!slots)
		return SW_ENOMEM;
	for (uint32_t id = 1; id <= t->count; id++) {
		size_t i = t->hashes[id] & (cap - 1);
		while (slots[i])
			i = (i + 1) & (cap - 1);
		slots[i] = id;
	}
	sw_mem_free(t->m, t->slots);
	t->slots = slots;
	t->slot_cap = cap;
	return SW_OK;
}

/* The id of s[0..n) with hash h, or 0; *slot is where it would go. */
static uint32_t find(const sw_intern *t, const char *s, size_t n, uint32_t h, size_t *slot)
{
	size_t i = h & (t->slot_cap - 1);
	while (t->slots[i]) {
		uint32_t id = t->slots[i];
		if (t->hashes[id] == h) {
			const char *c = t->strings[id];
			if (strncmp(c, s, n) == 0 && c[n] == '\0')
				return id;
		}
		i = (i + 1) & (t->slot_cap - 1);
	}
	*slot = i;
	return 0;
}

uint32_t sw_intern_find(const sw_intern *t, const char *s, size_t n)
{
	size_t slot;
	if (!t->slot_cap || memchr(s, '\0', n))
		return 0;
	return find(t, s, n, sw_intern_hash(s, n), &slot);
}

int sw_intern_add_hashed(uint32_t *id, sw_intern *t, const char *s, size_t n, uint32_t h)
{
	size_t slot = 0;
	*id = t->slot_cap ? find(t, s, n, h, &slot) : 0;
	if (*id)
		return SW_OK;
	if ((t->count + 1) * 2 >= t->slot_cap) {
		if (rehash(t))
			return SW_ENOMEM;
		find(t, s, n, h, &slot);
	}
	if (sw_mem_grow(t->m, (void **)&t->strings, &t->str_cap, t->count + 2, sizeof(char *)) ||
	    sw_mem_grow(t->m, (void **)&t->hashes, &t->hash_cap, t->count + 2, sizeof(uint32_t)))
		return SW_ENOMEM;
	const char *copy = sw_arena_strndup(&t->arena, s, n);
	if (!copy)
		return SW_ENOMEM;
	t->strings[0] = NULL;
	t->strings[++t->count] = copy;
	t->hashes[t->count] = h;
	t->slots[slot] = (uint32_t)t->count;
	*id = (uint32_t)t->count;
	return SW_OK;
}

int sw_intern_add(uint32_t *id, sw_intern *t, const char *s, size_t n)
{
	return sw_intern_add_hashed(id, t, s, n, sw_intern_hash(s, n));
}

const char *sw_intern_str(const sw_intern *t, uint32_t id)
{
	return id && id <= t->count ? t->strings[id] : NULL;
}

void sw_intern_free(sw_intern *t)
{
	sw_arena_free(&t->arena);
	sw_mem_free(t->m, t->slots);
	sw_mem_free(t->m, t->strings);
	sw_mem_free(t->m, t->hashes);
	sw_intern_init(t, t->m);
}
