/*
 * evidence.c - the evidence store: validation of one record against the
 * framework and roster, and compact storage (32 bytes a record, strings
 * interned). Its ordering for evaluation (by pupil, skill, date, then
 * input order) is in evindex.c.
 */
#include "internal.h"
#include "data.h"
#include "fields.h"

#include <stdatomic.h>
#include <string.h>
#include <strings.h>

/* The index of field f's word given as s (trimmed, ASCII case ignored;
   none or empty: its first word); -1 with the reason in why when s is none
   of its words. */
static int field_word(const sw_field *f, const char *s, sw_buf *why)
{
	if (!s)
		return 0;
	const char *t = s;
	size_t n = strlen(s);
	sw_text_trim(&t, &n);
	if (!n)
		return 0;
	for (size_t i = 0; i < f->nwords; i++) /* as written in lower case: the usual */
		if (f->words[i][0] == t[0] && strncmp(f->words[i], t, n) == 0 && f->words[i][n] == '\0')
			return (int)i;
	for (size_t i = 0; i < f->nwords; i++)
		if (strlen(f->words[i]) == n && strncasecmp(f->words[i], t, n) == 0)
			return (int)i;
	if (!sw_text_valid(s, strlen(s))) {
		sw_buf_printf(why, "field '%s' is not valid UTF-8", f->name);
		return -1;
	}
	sw_buf_printf(why, "%s '", f->name);
	sw_buf_clip(why, "", s, 40, f->nwords == 2 ? "' is not " : "' is not one of ");
	for (size_t k = 0; k < f->nwords; k++)
		sw_buf_printf(why, "%s%s", k == 0 ? "" : f->nwords == 2 ? " or " : ", ", f->words[k]);
	return -1;
}

/* True when the cache holds the value for exactly this text. */
static bool cached(const sw_last_text *c, const char *s, size_t n)
{
	return c->valid && c->raw.len == n && memcmp(c->raw.p, s, n) == 0;
}

/* The skill whose id is exactly s[0..n), or NULL: the usual case, found
   without computing a matching key (no other skill's key can match an id). */
static const sw_skill *exact_skill(const sw_framework *fw, const char *s, size_t n)
{
	for (size_t k = 0; k < fw->skill_count; k++)
		if (strncmp(fw->skills[k].id, s, n) == 0 && fw->skills[k].id[n] == '\0')
			return &fw->skills[k];
	return NULL;
}

/* Remembers what text s[0..n) resolved to. */
static void remember(sw_last_text *c, const char *s, size_t n, uint32_t value)
{
	c->raw.len = 0;
	sw_buf_add(&c->raw, s, n);
	c->value = value;
	c->valid = !c->raw.failed;
}

void sw_checked_put(sw_buf *text, const char *s, size_t n)
{
	sw_text_head h = { n, sw_intern_hash(s, n) };
	sw_buf_add(text, (const char *)&h, sizeof h);
	sw_buf_add(text, s, n);
	sw_buf_putc(text, '\0');
}

const char *sw_checked_get(const char **t, sw_text_head *h)
{
	memcpy(h, *t, sizeof *h);
	const char *s = *t + sizeof *h;
	*t = s + h->len + 1;
	return s;
}

/* Checks optional text (valid UTF-8, then NFC) into text; *has false when empty. */
static int check_text(sw_check_cache *c, const char *s, const char *field, sw_buf *text,
                      bool *has, sw_buf *why)
{
	*has = false;
	if (!s)
		return SW_OK;
	size_t n = strlen(s);
	sw_text_trim(&s, &n);
	if (!n)
		return SW_OK;
	int st = sw_text_check_nfc(s, n);
	if (st < 0 || (st == 0 && !sw_text_norm(&c->tmp, s, n))) {
		sw_buf_printf(why, "field '%s' is not valid UTF-8", field);
		return SW_EREJECTED;
	}
	if (st > 0) /* already NFC (most text) */
		sw_checked_put(text, s, n);
	else
		sw_checked_put(text, c->tmp.p, c->tmp.len);
	*has = true;
	return c->tmp.failed || text->failed ? SW_ENOMEM : SW_OK;
}

struct sw_evidence *sw_evidence_store(sw_engine *eng)
{
	if (!eng->evidence) {
		static _Atomic uint64_t serials;
		struct sw_evidence *ev = sw_mem_calloc(&eng->mem, 1, sizeof *ev);
		if (ev) {
			ev->serial = atomic_fetch_add(&serials, 1) + 1;
			sw_intern_init(&ev->text, &eng->mem);
			for (int i = 0; i < 3; i++)
				sw_buf_init(&ev->last_text[i].raw, &eng->mem);
		}
		eng->evidence = ev;
	}
	return eng->evidence;
}

void sw_check_cache_init(sw_check_cache *c, const sw_mem *m)
{
	memset(c, 0, sizeof *c);
	sw_buf_init(&c->tmp, m);
	sw_buf_init(&c->last_pupil.raw, m);
	sw_buf_init(&c->last_skill.raw, m);
}

void sw_check_cache_free(sw_check_cache *c)
{
	sw_buf_free(&c->tmp);
	sw_buf_free(&c->last_pupil.raw);
	sw_buf_free(&c->last_skill.raw);
}

int sw_evidence_check(const sw_engine *eng, sw_check_cache *c, const sw_evidence_data *e,
                      sw_checked *out, sw_buf *text, sw_buf *why)
{
	const sw_framework *fw = eng->fw;
	sw_buf *tmp = &c->tmp;
	*out = (sw_checked){ .text = text->len };
	sw_record *rec = &out->rec;

	const char *s = e->pupil ? e->pupil : "";
	size_t n = strlen(s);
	sw_text_trim(&s, &n);
	if (!n) {
		sw_buf_puts(why, "empty pupil");
		return SW_EREJECTED;
	}
	if (cached(&c->last_pupil, s, n)) {
		rec->pupil = c->last_pupil.value;
		out->flags = SW_CHECKED_KNOWN;
	} else {
		if (!sw_text_norm(tmp, s, n)) {
			sw_buf_puts(why, "field 'pupil' is not valid UTF-8");
			return SW_EREJECTED;
		}
		if (tmp->failed)
			return SW_ENOMEM;
		size_t pupil;
		bool known = !c->defer_pupils &&
		             sw_roster_find(eng->roster, tmp->p, tmp->len, &pupil) != NULL;
		if (!known && !c->defer_pupils && eng->roster && eng->roster->from_roster) {
			sw_buf_printf(why, "pupil '%s' is not on the roster", tmp->p);
			return SW_EREJECTED;
		}
		if (known) {
			rec->pupil = (uint32_t)pupil;
			out->flags = SW_CHECKED_KNOWN;
			remember(&c->last_pupil, s, n, (uint32_t)pupil);
		} else {
			sw_checked_put(text, tmp->p, tmp->len);
		}
	}

	s = e->skill ? e->skill : "";
	n = strlen(s);
	sw_text_trim(&s, &n);
	const sw_skill *sk = NULL;
	if (!n) {
		sw_buf_puts(why, "empty skill");
		return SW_EREJECTED;
	}
	if (cached(&c->last_skill, s, n)) {
		sk = &fw->skills[c->last_skill.value];
	} else if ((sk = exact_skill(fw, s, n))) {
		remember(&c->last_skill, s, n, (uint32_t)sk->index);
	} else {
		tmp->len = 0;
		if (!sw_text_key(tmp, s, n)) {
			sw_buf_puts(why, "field 'skill' is not valid UTF-8");
			return SW_EREJECTED;
		}
		if (tmp->failed)
			return SW_ENOMEM;
		if ((sk = sw_fw_find_key(fw, tmp->p, tmp->len)))
			remember(&c->last_skill, s, n, (uint32_t)sk->index);
	}
	if (!sk) {
		sw_buf_clip_n(why, "skill '", s, n, 80, "");
		sw_buf_printf(why, "' is not in framework %s", fw->id);
		return SW_EREJECTED;
	}
	if (e->step < sk->min || e->step > sk->max) {
		sw_buf_printf(why, "step %d is outside %s (%d to %d)", e->step, sk->id, sk->min,
		              sk->max);
		return SW_EREJECTED;
	}
	size_t dn = e->date ? strlen(e->date) : 0;
	if (!dn) {
		sw_buf_puts(why, "empty date");
		return SW_EREJECTED;
	}
	if (!sw_date_parse(&rec->date, e->date, dn)) {
		if (sw_text_valid(e->date, dn)) {
			sw_buf_clip(why, "date '", e->date, 40, "' is not a real date as YYYY-MM-DD");
			if ((dn > 1 && e->date[1] == '/') || (dn > 2 && e->date[2] == '/'))
				sw_buf_puts(why, " (day-first dates such as 13/02/2026 are read with "
				                 "--date-format dmy)");
		} else
			sw_buf_puts(why, "field 'date' is not valid UTF-8");
		return SW_EREJECTED;
	}
	int o = field_word(&sw_evidence_fields[SW_FIELD_OUTCOME], e->outcome, why);
	int src = o < 0 ? -1 : field_word(&sw_evidence_fields[SW_FIELD_SOURCE], e->source, why);
	if (src < 0)
		return SW_EREJECTED;
	rec->outcome = (uint8_t)o;
	rec->source = (uint8_t)src;
	rec->skill = (uint16_t)sk->index;
	rec->step = e->step;
	static const char *const names[3] = { "assessor", "context", "note" };
	const char *vals[3] = { e->assessor, e->context, e->note };
	for (int i = 0; i < 3; i++) {
		bool has;
		int rc = check_text(c, vals[i], names[i], text, &has, why);
		if (rc)
			return rc;
		out->flags |= has ? SW_CHECKED_TEXT << i : 0;
	}
	return text->failed ? SW_ENOMEM : SW_OK;
}

int sw_checked_texts(sw_record *rec, struct sw_evidence *ev, const sw_checked *c, const char **t,
                     bool add)
{
	uint32_t *ids[3] = { &rec->assessor, &rec->context, &rec->note };
	for (int i = 0; i < 3; i++) {
		*ids[i] = 0;
		if (!(c->flags & (SW_CHECKED_TEXT << i)))
			continue;
		sw_text_head h;
		const char *s = sw_checked_get(t, &h);
		sw_last_text *last = &ev->last_text[i]; /* the same text as last time: its id */
		if (cached(last, s, h.len))
			*ids[i] = last->value;
		else if (!add)
			*ids[i] = sw_intern_find(&ev->text, s, h.len);
		else if (sw_intern_add_hashed(ids[i], &ev->text, s, h.len, h.hash))
			return SW_ENOMEM;
		else
			remember(last, s, h.len, *ids[i]);
		if (!*ids[i])
			return SW_ENOTFOUND;
	}
	return SW_OK;
}

int sw_evidence_commit(sw_engine *eng, const sw_checked *c, const char *text)
{
	struct sw_evidence *ev = sw_evidence_store(eng);
	if (!ev || !sw_roster_get(eng))
		return SW_ENOMEM;
	sw_record rec = c->rec;
	const char *t = text + c->text, *id = NULL;
	sw_text_head idh = { 0, 0 };
	if (!(c->flags & SW_CHECKED_KNOWN))
		id = sw_checked_get(&t, &idh);
	if (sw_checked_texts(&rec, ev, c, &t, true))
		return SW_ENOMEM;
	if (id) {
		size_t pupil;
		/* created by an earlier row of the same batch? */
		if (!sw_roster_find(eng->roster, id, idh.len, &pupil) &&
		    sw_roster_add_implicit(&pupil, eng, id, idh.len))
			return SW_ENOMEM;
		rec.pupil = (uint32_t)pupil;
	}
	if (sw_mem_grow(&eng->mem, (void **)&ev->recs, &ev->cap, ev->count + 1, sizeof *ev->recs))
		return SW_ENOMEM;
	rec.seq = ev->next_seq++;
	if (ev->count == 0 || rec.date > ev->newest)
		ev->newest = rec.date;
	ev->recs[ev->count++] = rec;
	if (ev->first && ev->grouped)
		sw_evindex_note(ev, &eng->mem, ev->count - 1); /* the index stays, the record pends */
	else
		ev->sorted = ev->grouped = false;
	return SW_OK;
}

bool sw_evidence_reserve(sw_engine *eng, size_t more)
{
	struct sw_evidence *ev = sw_evidence_store(eng);
	if (!ev || more > SIZE_MAX / sizeof *ev->recs - ev->count)
		return false;
	size_t want = ev->count + more;
	if (want <= ev->cap)
		return true;
	sw_record *p = sw_mem_realloc(&eng->mem, ev->recs, want * sizeof *p);
	if (!p)
		return false;
	ev->recs = p;
	ev->cap = want;
	return true;
}

int sw_evidence_add(sw_engine *eng, const sw_evidence_data *e, sw_buf *why)
{
	struct sw_adder *a = sw_evidence_adder(eng);
	if (!a || !sw_evidence_store(eng) || !sw_roster_get(eng))
		return SW_ENOMEM;
	sw_checked c;
	a->text.len = 0;
	int rc = sw_evidence_check(eng, &a->check, e, &c, &a->text, why);
	if (rc)
		return rc;
	return sw_evidence_commit(eng, &c, a->text.p ? a->text.p : "");
}

struct sw_adder *sw_evidence_adder(sw_engine *eng)
{
	if (!eng->adder && (eng->adder = sw_mem_alloc(&eng->mem, sizeof *eng->adder))) {
		sw_check_cache_init(&eng->adder->check, &eng->mem);
		sw_buf_init(&eng->adder->text, &eng->mem);
	}
	return eng->adder;
}

void sw_evidence_drop(sw_engine *eng)
{
	const sw_mem *m = &eng->mem;
	struct sw_evidence *ev = eng->evidence;
	if (eng->adder) {
		sw_check_cache_free(&eng->adder->check);
		sw_buf_free(&eng->adder->text);
		sw_mem_free(m, eng->adder);
		eng->adder = NULL;
	}
	eng->evidence = NULL;
	if (!ev)
		return;
	void *blocks[] = { ev->recs, ev->first, ev->len, ev->pend_last, ev->pend_prev, ev->gather };
	for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
		sw_mem_free(m, blocks[i]);
	sw_intern_free(&ev->text);
	for (int i = 0; i < 3; i++)
		sw_buf_free(&ev->last_text[i].raw);
	sw_mem_free(m, ev);
}
