/*
 * isolate_codec.c - a pupil's result in the frames of --isolate: written
 * by a worker (isolate_worker.c), read back by the main process
 * (isolate.c). Both sides are the same program on the same machine, so
 * numbers go in host order.
 *
 * A result: per skill, a byte (has a step), the step and the evidence count
 * (32 bits each) and the note (a string); then the flags, the awards and
 * the errors, each a 32-bit count and that many strings. A string is its
 * 32-bit length (UINT32_MAX for NULL), then its bytes.
 */
#include "isolate.h"
#include "rubric.h"

#include <string.h>

static void put_u32(sw_buf *b, uint32_t v)
{
	sw_buf_add(b, (const char *)&v, sizeof v);
}

/* A string: its length (UINT32_MAX for NULL), then its bytes. */
static void put_str(sw_buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n >= UINT32_MAX)
		n = UINT32_MAX - 1;
	put_u32(b, s ? (uint32_t)n : UINT32_MAX);
	sw_buf_add(b, s ? s : "", n);
}

void sw_iso_encode(sw_buf *b, const sw_result *res)
{
	for (size_t k = 0; k < res->skill_count; k++) {
		const sw_skill_result *s = &res->skills[k];
		sw_buf_putc(b, (char)(s->has_step != 0));
		put_u32(b, (uint32_t)s->step);
		put_u32(b, s->evidence);
		put_str(b, s->note);
	}
	char **lists[3] = { res->flags, res->awards, res->errors };
	size_t counts[3] = { res->flag_count, res->award_count, res->error_count };
	for (int l = 0; l < 3; l++) {
		put_u32(b, (uint32_t)counts[l]);
		for (size_t i = 0; i < counts[l]; i++)
			put_str(b, lists[l][i]);
	}
	for (size_t i = 0; i < res->error_count; i++) /* each error's skill (errors as data) */
		put_u32(b, res->error_skill[i]);
}

/* Reads a 32-bit number at *p, moving it on; false past end. */
static bool get_u32(const char **p, const char *end, uint32_t *v)
{
	if ((size_t)(end - *p) < sizeof *v)
		return false;
	memcpy(v, *p, sizeof *v);
	*p += sizeof *v;
	return true;
}

/* Reads a string (put_str) into a copy of the engine's (NULL stays NULL). */
static int get_str(sw_engine *eng, const char **p, const char *end, char **out)
{
	uint32_t n;
	*out = NULL;
	if (!get_u32(p, end, &n) || (n != UINT32_MAX && (size_t)(end - *p) < n))
		return SW_EINVALID;
	if (n == UINT32_MAX)
		return SW_OK;
	*out = sw_mem_strndup(&eng->mem, *p, n);
	*p += n;
	return *out ? SW_OK : SW_ENOMEM;
}

int sw_iso_decode(sw_engine *eng, sw_result *res, const char *p, const char *end)
{
	for (size_t k = 0; k < res->skill_count; k++) {
		sw_skill_result *s = &res->skills[k];
		uint32_t step, ev;
		if (p == end)
			return SW_EINVALID;
		s->has_step = *p++ != 0;
		if (!get_u32(&p, end, &step) || !get_u32(&p, end, &ev))
			return SW_EINVALID;
		s->step = (int)step;
		s->evidence = ev;
		int rc = get_str(eng, &p, end, &s->note);
		if (rc)
			return rc;
	}
	char ***lists[3] = { &res->flags, &res->awards, &res->errors };
	size_t *counts[3] = { &res->flag_count, &res->award_count, &res->error_count };
	size_t *caps[3] = { &res->flag_cap, &res->award_cap, &res->error_cap };
	for (int l = 0; l < 3; l++) {
		uint32_t n;
		if (!get_u32(&p, end, &n))
			return SW_EINVALID;
		for (uint32_t i = 0; i < n; i++) {
			char *s;
			int rc = get_str(eng, &p, end, &s);
			if (!rc && !s)
				rc = SW_EINVALID;
			if (!rc && sw_mem_grow(&eng->mem, (void **)lists[l], caps[l], *counts[l] + 1,
			                       sizeof(char *)))
				rc = SW_ENOMEM;
			if (rc) {
				sw_mem_free(&eng->mem, s);
				return rc;
			}
			(*lists[l])[(*counts[l])++] = s;
		}
	}
	/* each error's skill (sw_iso_encode), marking the skills that failed */
	if (res->error_count && sw_mem_grow(&eng->mem, (void **)&res->error_skill,
	                                    &res->error_skill_cap, res->error_count,
	                                    sizeof *res->error_skill))
		return SW_ENOMEM;
	for (size_t i = 0; i < res->error_count; i++) {
		uint32_t k;
		if (!get_u32(&p, end, &k) || (k != SW_RESULT_NO_SKILL && k >= res->skill_count))
			return SW_EINVALID;
		res->error_skill[i] = k;
		if (k != SW_RESULT_NO_SKILL)
			res->skills[k].error = true;
	}
	return p == end ? SW_OK : SW_EINVALID;
}

