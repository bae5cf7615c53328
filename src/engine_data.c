/*
 * engine_data.c - the public calls that add pupils and evidence one at a
 * time, give a pupil new details, count what is held and clear it (the
 * removal of records is in evindex.c, beside the index it keeps whole).
 */
#include "internal.h"
#include "data.h"

int sw_data_status(sw_engine *eng, int rc, sw_buf *why)
{
	if (rc == SW_OK)
		return SW_OK;
	const char *reason = rc != SW_ENOMEM && why->len ? sw_buf_cstr(why) : NULL;
	return sw_diag_add(&eng->diag, rc, NULL, 0, 0, NULL, "%s",
	                   reason ? reason : sw_status_string(rc));
}

int sw_data_begin(sw_engine *eng, bool ok, const char *what)
{
	if (!eng)
		return SW_EINVALID;
	sw_engine_begin(eng);
	if (!ok)
		return sw_diag_add(&eng->diag, SW_EINVALID, NULL, 0, 0, NULL,
		                   "no %s, or sw_%s_data of an unknown version", what, what);
	return SW_OK;
}

/* Adds a pupil, or (replace) gives a known pupil new details. */
static int put_pupil(sw_engine *eng, const sw_pupil_data *pupil, bool replace)
{
	int rc = sw_data_begin(eng, pupil && pupil->version == SW_PUPIL_DATA_VERSION, "pupil");
	if (rc)
		return rc;
	sw_buf why;
	sw_buf_init(&why, &eng->mem);
	rc = sw_roster_put(eng, pupil, 0, &why, replace);
	if (rc == SW_ESTATE)
		sw_buf_puts(&why, "pupils cannot be added after evidence added without a roster");
	rc = sw_data_status(eng, rc, &why);
	if (!replace && eng->evidence)
		eng->evidence->sorted = false;
	sw_buf_free(&why);
	return rc;
}

int sw_engine_add_pupil(sw_engine *eng, const sw_pupil_data *pupil)
{
	return put_pupil(eng, pupil, false);
}

int sw_engine_replace_pupil(sw_engine *eng, const sw_pupil_data *pupil)
{
	return put_pupil(eng, pupil, true);
}

int sw_engine_add_evidence(sw_engine *eng, const sw_evidence_data *ev)
{
	int rc = sw_data_begin(eng, ev && ev->version == SW_EVIDENCE_DATA_VERSION, "evidence");
	if (rc)
		return rc;
	if (!eng->fw)
		return sw_diag_add(&eng->diag, SW_ESTATE, NULL, 0, 0, NULL,
		                   "load a framework before evidence");
	sw_buf why;
	sw_buf_init(&why, &eng->mem);
	rc = sw_data_status(eng, sw_evidence_add(eng, ev, &why), &why);
	sw_buf_free(&why);
	return rc;
}

size_t sw_engine_pupil_count(const sw_engine *eng)
{
	return eng && eng->roster ? eng->roster->count : 0;
}

size_t sw_engine_evidence_count(const sw_engine *eng)
{
	return eng && eng->evidence ? eng->evidence->count : 0;
}

size_t sw_engine_skill_evidence_count(const sw_engine *eng, size_t skill, size_t *pupils)
{
	size_t n = 0, np = 0;
	if (eng && eng->evidence && eng->roster) {
		const struct sw_evidence *ev = eng->evidence;
		/* pupils counted by marking the last pupil seen per skill is not enough
		   in input order, so use a bitmap of pupil indexes */
		size_t words = eng->roster->count / 64 + 1;
		uint64_t *seen = sw_mem_calloc(&eng->mem, words, sizeof *seen);
		for (size_t i = 0; i < ev->count; i++) {
			const sw_record *r = &ev->recs[i];
			if (r->skill != skill)
				continue;
			n++;
			if (seen && !(seen[r->pupil / 64] & (1ull << (r->pupil % 64)))) {
				seen[r->pupil / 64] |= 1ull << (r->pupil % 64);
				np++;
			}
		}
		sw_mem_free(&eng->mem, seen);
	}
	if (pupils)
		*pupils = np;
	return n;
}

void sw_engine_clear_data(sw_engine *eng)
{
	sw_roster_free(eng->roster, &eng->mem);
	sw_evidence_drop(eng);
	eng->roster = NULL;
}
