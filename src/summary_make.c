/*
 * summary_make.c - sw_summary_make and sw_summary_make_each: evaluates the
 * engine's pupils once (as of the date and the earlier one), counts per
 * part and skill for a school (or all pupils), and suppresses (sdc.c).
 */
#include "summary.h"
#include "data.h"
#include "rubric.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the evaluations gave, per roster pupil and skill. */
typedef struct evals {
	size_t pupils, skills;
	int32_t *step[2];  /* SW_NO_STEP when none */
	uint32_t *ev[2];   /* evidence records seen */
	int dates;
	int pass;
	uint64_t errors; /* rubric errors met */
	int shift[2];    /* per date: academic years back from the roster's date */
} evals;

/* Keeps one result's steps and evidence counts (an sw_result_fn). */
static int collect(const sw_result *r, void *payload)
{
	evals *e = payload;
	size_t i = r->pupil;
	if (i >= e->pupils)
		return SW_ERROR;
	e->errors += sw_result_error_count(r);
	for (size_t k = 0; k < e->skills; k++) {
		int st;
		e->step[e->pass][i * e->skills + k] = sw_result_has_step(&st, r, k) ? st : SW_NO_STEP;
		e->ev[e->pass][i * e->skills + k] = (uint32_t)sw_result_evidence(r, k);
	}
	return 0;
}

static void evals_free(evals *e, const sw_mem *m)
{
	for (int d = 0; d < 2; d++) {
		sw_mem_free(m, e->step[d]);
		sw_mem_free(m, e->ev[d]);
	}
}

static int run_evals(evals *e, sw_engine *eng, const sw_summary_options *o)
{
	const struct sw_roster *ro = eng->roster;
	memset(e, 0, sizeof *e);
	e->pupils = ro ? ro->count : 0;
	e->skills = eng->fw->skill_count;
	e->dates = o->from ? 2 : 1;
	int32_t roster = sw_roster_day(eng, o->roster_date), day;
	for (int d = 0; d < e->dates; d++) {
		const char *date = d ? o->from : o->as_of;
		if (date && sw_date_parse(&day, date, strlen(date)))
			e->shift[d] = sw_year_shift(roster, day);
		size_t n = e->pupils * e->skills + 1;
		e->step[d] = sw_mem_calloc(&eng->mem, n, sizeof *e->step[d]);
		e->ev[d] = sw_mem_calloc(&eng->mem, n, sizeof *e->ev[d]);
		if (!e->step[d] || !e->ev[d])
			return SW_ENOMEM;
		for (size_t i = 0; i + 1 < n; i++)
			e->step[d][i] = SW_NO_STEP;
		sw_eval_options eo = SW_EVAL_OPTIONS_INIT;
		eo.as_of = date;
		e->pass = d;
		int rc = sw_engine_evaluate(eng, &eo, collect, e, NULL);
		if (rc)
			return rc;
	}
	return SW_OK;
}

/* 64-bit FNV-1a, written as "fnv1a64:" and 16 hex digits. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ c[i]) * 1099511628211ull;
	return h;
}
static uint64_t fnv_str(uint64_t h, const char *s)
{
	return fnv(h, s ? s : "", (s ? strlen(s) : 0) + 1);
}
static char *hash_text(const sw_mem *m, uint64_t h)
{
	char buf[32];
	snprintf(buf, sizeof buf, "fnv1a64:%016llx", (unsigned long long)h);
	return sw_mem_strdup(m, buf);
}

/* Hash of what the figures depend on in a framework: its id and version,
   each skill's id and steps (number and label), and the expected steps. */
static uint64_t framework_hash(const sw_framework *fw)
{
	uint64_t h = 14695981039346656037ull;
	h = fnv_str(fnv_str(h, fw->id), fw->version);
	char num[64];
	for (size_t k = 0; k < fw->skill_count; k++) {
		const sw_skill *sk = &fw->skills[k];
		snprintf(num, sizeof num, "%d:%d", sk->min, sk->max);
		h = fnv_str(fnv_str(h, sk->id), num);
		for (int st = sk->min; st <= sk->max; st++)
			h = fnv_str(h, sw_skill_step_label(sk, st));
		for (int y = 0; y < SW_YEARS; y++) {
			int e;
			snprintf(num, sizeof num, "%d", sw_framework_has_expected(&e, fw, y, sk) ? e : -999999);
			h = fnv_str(h, num);
		}
	}
	return h;
}

/* Is roster pupil i in the summary's school (NULL: every pupil)? */
static bool in_school(const sw_pupil *p, const char *school)
{
	return !school || (p->school && strcmp(p->school, school) == 0);
}

static int group_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The parts of the school: all, the years present, the groups used. */
static int make_parts(sw_summary *s, const struct sw_roster *ro, const char *school)
{
	bool year[SW_YEARS + 1] = { false }; /* [SW_YEARS]: no year */
	size_t ng = ro->groups.count + 1;
	bool *used = sw_mem_calloc(&s->mem, ng + 1, 1);
	const char **names = sw_mem_calloc(&s->mem, ng + 1, sizeof *names);
	size_t groups = 0;
	for (size_t i = 0; used && names && i < ro->count; i++) {
		const sw_pupil *p = &ro->pupils[i];
		if (!in_school(p, school))
			continue;
		year[p->year >= 0 && p->year < SW_YEARS ? p->year : SW_YEARS] = true;
		for (uint32_t g = 0; g < p->group_count; g++) {
			uint32_t id = ro->group_refs[p->group_first + g];
			if (id < ng && !used[id]) {
				used[id] = true;
				names[groups++] = sw_intern_str(&ro->groups, id);
			}
		}
	}
	if (groups)
		qsort(names, groups, sizeof *names, group_cmp);
	if (used && names)
		s->parts = sw_mem_calloc(&s->mem, 1 + SW_YEARS + 1 + groups + 1, sizeof *s->parts);
	int rc = s->parts ? SW_OK : SW_ENOMEM;
	if (!rc) {
		s->parts[s->part_count++] = (sw_spart){ SW_CUT_ALL, 0, NULL, 0 };
		for (int y = -1; y < SW_YEARS; y++)
			if (year[y < 0 ? SW_YEARS : y])
				s->parts[s->part_count++] =
				    (sw_spart){ SW_CUT_YEAR, y < 0 ? SW_NO_YEAR : y, NULL, 0 };
		for (size_t g = 0; g < groups && !rc; g++) {
			sw_spart *p = &s->parts[s->part_count++];
			*p = (sw_spart){ SW_CUT_GROUP, 0, sw_mem_strdup(&s->mem, names[g]), 0 };
			if (!p->group)
				rc = SW_ENOMEM;
		}
	}
	sw_mem_free(&s->mem, used);
	sw_mem_free(&s->mem, names);
	return rc;
}

/* Is pupil p in part q? */
static bool in_part(const struct sw_roster *ro, const sw_pupil *p, const sw_spart *q)
{
	if (q->cut == SW_CUT_ALL)
		return true;
	if (q->cut == SW_CUT_YEAR)
		return q->year == (p->year >= 0 && p->year < SW_YEARS ? p->year : SW_NO_YEAR);
	for (uint32_t g = 0; g < p->group_count; g++)
		if (strcmp(sw_intern_str(&ro->groups, ro->group_refs[p->group_first + g]), q->group) == 0)
			return true;
	return false;
}

/* Counts every figure of the school from the evaluations. */
static void count(sw_summary *s, const sw_engine *eng, const evals *e, const char *school)
{
	const struct sw_roster *ro = eng->roster;
	const sw_framework *fw = eng->fw;
	int dates = s->figs[1] ? 2 : 1;
	for (size_t i = 0; i < ro->count; i++) {
		const sw_pupil *p = &ro->pupils[i];
		if (!in_school(p, school))
			continue;
		for (size_t q = 0; q < s->part_count; q++) {
			if (!in_part(ro, p, &s->parts[q]))
				continue;
			s->parts[q].pupils++;
			for (int d = 0; d < dates; d++)
				for (size_t k = 0; k < s->skill_count; k++) {
					sw_sfig *f = &s->figs[d][q * s->skill_count + k];
					const sw_skill *sk = &fw->skills[k];
					int32_t st = e->step[d][i * e->skills + k];
					uint32_t ev = e->ev[d][i * e->skills + k];
					/* coverage: evidence in the period (after `from` for the main date) */
					if (d == 0 && dates == 2)
						ev -= e->ev[1][i * e->skills + k] < ev ? e->ev[1][i * e->skills + k] : ev;
					f->coverage += ev > 0;
					if (st == SW_NO_STEP)
						continue;
					f->assessed++;
					f->total += st;
					if (st >= sk->min && st <= sk->max)
						f->steps[st - sk->min]++;
					int x, y = sw_year_then(p->year, e->shift[d]); /* the year then */
					if (y != SW_NO_YEAR && sw_framework_has_expected(&x, fw, y, sk)) {
						f->with_exp++;
						f->at_exp += st >= x;
					}
				}
		}
	}
}

/* Gives the hidden variables (differences, complements) their true values:
   each relation with one variable left unknown gives it. */
static int fill_hidden(sw_sdc *sdc)
{
	uint8_t *done = sw_mem_calloc(sdc->m, sdc->n + 1, 1);
	if (!done)
		return SW_ENOMEM;
	for (size_t v = 0; v < sdc->n; v++)
		done[v] = sdc->known[v];
	bool more = true;
	while (more) {
		more = false;
		for (size_t r = 0; r < sdc->rel_count; r++) {
			size_t b = sdc->rel_start[r], e = sdc->rel_start[r + 1], left = 0, at = 0;
			int64_t sum = 0;
			for (size_t i = b; i < e; i++) {
				if (done[sdc->terms[i].var])
					sum += sdc->terms[i].coef * sdc->val[sdc->terms[i].var];
				else {
					left++;
					at = i;
				}
			}
			if (left == 1) {
				sdc->val[sdc->terms[at].var] = -sum / sdc->terms[at].coef;
				done[sdc->terms[at].var] = 1;
				more = true;
			}
		}
	}
	sw_mem_free(sdc->m, done);
	return SW_OK;
}

/* Runs one disclosure system and writes SW_SUP into what it suppressed. */
static int protect(sw_summary *s, int date, size_t skill, const int64_t *true_p,
                   const bool *p_pub)
{
	size_t nv = sw_summary_nvars(s, skill);
	for (size_t i = 0; i < s->part_count; i++)
		s->parts[i].pupils = true_p[i];
	uint32_t *vars;
	sw_sdc sdc;
	int rc = sw_summary_system(&sdc, &vars, s, date, skill);
	if (!rc)
		rc = fill_hidden(&sdc);
	if (!rc && p_pub)
		for (size_t i = 0; i < s->part_count; i++) {
			uint32_t v = vars[i * 2 * nv + SW_SV_P];
			sdc.known[v] = p_pub[i];
			sdc.locked[v] = 1;
		}
	if (!rc)
		rc = sw_sdc_suppress(&sdc, s->min_count);
	for (size_t i = 0; !rc && i < s->part_count; i++) {
		const uint32_t *v = &vars[i * 2 * nv];
		if (skill == SIZE_MAX) {
			if (!sdc.known[v[SW_SV_P]])
				s->parts[i].pupils = SW_SUP;
			continue;
		}
		sw_sfig *f = &s->figs[date][i * s->skill_count + skill];
		int64_t *dst[] = { NULL, &f->assessed, &f->with_exp, &f->at_exp, &f->coverage, &f->total };
		for (size_t t = SW_SV_A; t <= SW_SV_T; t++)
			if (!sdc.known[v[t]])
				*dst[t] = SW_SUP;
		for (size_t t = SW_SV_H; t < nv; t++)
			if (!sdc.known[v[t]])
				f->steps[t - SW_SV_H] = SW_SUP;
		if (f->assessed == SW_SUP)
			f->total = SW_SUP;
	}
	sw_sdc_free(&sdc);
	sw_mem_free(&s->mem, vars);
	return rc;
}

/* Makes the summary of one school (NULL: all pupils) from the evaluations. */
static int make_one(sw_summary **out, sw_engine *eng, const evals *e,
                    const sw_summary_options *o, const char *school)
{
	const sw_framework *fw = eng->fw;
	sw_summary *s = sw_summary_alloc(&eng->mem);
	if (!s)
		return SW_ENOMEM;
	s->min_count = o->min_count > 0 ? o->min_count : 5;
	const struct sw_rubric *ru = eng->rubric;
	uint64_t rh = ru && ru->source ? fnv(14695981039346656037ull, ru->source, ru->len) : 0;
	int rc = SW_ENOMEM;
	const char *src[] = { school, fw->id, fw->version, sw_engine_rubric_name(eng),
		              sw_engine_rubric_params(eng), o->as_of, o->from, sw_version() };
	char **dst[] = { &s->school, &s->fw_id, &s->fw_version, &s->rubric, &s->params, &s->as_of,
		         &s->from, &s->version };
	for (size_t i = 0; i < sizeof src / sizeof src[0]; i++)
		if (src[i] && !(*dst[i] = sw_mem_strdup(&s->mem, src[i])))
			goto fail;
	if (!(s->fw_hash = hash_text(&s->mem, framework_hash(fw))) ||
	    !(s->rubric_hash = hash_text(&s->mem, rh)))
		goto fail;
	s->eval_errors = e->errors;
	if ((rc = make_parts(s, eng->roster, school)))
		goto fail;
	s->skills = sw_mem_calloc(&s->mem, fw->skill_count + 1, sizeof *s->skills);
	if (!s->skills) {
		rc = SW_ENOMEM;
		goto fail;
	}
	for (size_t k = 0; k < fw->skill_count; k++) {
		s->skills[k] = (sw_sskill){ sw_mem_strdup(&s->mem, fw->skills[k].id), fw->skills[k].min,
			                    fw->skills[k].max };
		s->skill_count++;
		if (!s->skills[k].id) {
			rc = SW_ENOMEM;
			goto fail;
		}
	}
	if ((rc = sw_summary_alloc_figs(s, o->from != NULL)))
		goto fail;
	count(s, eng, e, school);
	int64_t *true_p = sw_mem_calloc(&s->mem, s->part_count + 1, sizeof *true_p);
	bool *p_pub = sw_mem_calloc(&s->mem, s->part_count + 1, sizeof *p_pub);
	rc = true_p && p_pub ? SW_OK : SW_ENOMEM;
	for (size_t i = 0; !rc && i < s->part_count; i++)
		true_p[i] = s->parts[i].pupils;
	if (!rc)
		rc = protect(s, 0, SIZE_MAX, true_p, NULL);
	for (size_t i = 0; !rc && i < s->part_count; i++)
		p_pub[i] = s->parts[i].pupils != SW_SUP;
	for (int d = 0; !rc && d < (o->from ? 2 : 1); d++)
		for (size_t k = 0; !rc && k < s->skill_count; k++)
			rc = protect(s, d, k, true_p, p_pub);
	for (size_t i = 0; !rc && i < s->part_count; i++)
		s->parts[i].pupils = p_pub[i] ? true_p[i] : SW_SUP;
	sw_mem_free(&s->mem, true_p);
	sw_mem_free(&s->mem, p_pub);
	if (rc)
		goto fail;
	*out = s;
	return SW_OK;
fail:
	sw_summary_free(s);
	if (rc == SW_ERROR) /* sw_sdc_suppress found a small count it could not hide */
		return sw_diag_add(&eng->diag, SW_ERROR, NULL, 0, 0, NULL,
		                   "the small counts could not all be hidden safely, so no summary "
		                   "was made: this is a fault in Stepwise, please report it");
	return rc == SW_ENOMEM ? sw_diag_add(&eng->diag, SW_ENOMEM, NULL, 0, 0, NULL, "out of memory")
	                       : rc;
}

/* Clears the engine's errors, then checks the options and the engine's state. */
static int check_opts(sw_engine *eng, const sw_summary_options *o)
{
	int32_t d;
	sw_engine_begin(eng);
	if (!o || (o->version != SW_SUMMARY_OPTIONS_VERSION && o->version != 1))
		return sw_diag_add(&eng->diag, SW_EINVALID, NULL, 0, 0, NULL,
		                   "summary options of an unknown version");
	if (o->roster_date && !sw_date_parse(&d, o->roster_date, strlen(o->roster_date)))
		return sw_diag_add(&eng->diag, SW_EINVALID, NULL, 0, 0, NULL,
		                   "the roster date '%.20s' is not a real date as YYYY-MM-DD",
		                   o->roster_date);
	if (!eng->fw || !eng->roster || !eng->roster->from_roster)
		return sw_diag_add(&eng->diag, SW_ESTATE, NULL, 0, 0, NULL,
		                   "a summary needs a framework and a roster of pupils");
	const char *why = NULL;
	if ((o->as_of && !sw_date_parse(&d, o->as_of, strlen(o->as_of))) ||
	    (o->from && !sw_date_parse(&d, o->from, strlen(o->from))))
		why = "dates are written YYYY-MM-DD";
	else if (o->from && o->as_of && strcmp(o->from, o->as_of) > 0)
		why = "the earlier date (from) is after the as-of date";
	else if (o->min_count < 0 || o->min_count > 1000)
		why = "the smallest count shown must be from 1 to 1000";
	return why ? sw_diag_add(&eng->diag, SW_EINVALID, NULL, 0, 0, NULL, "%s", why) : SW_OK;
}

/* The options as version 2: a version 1 struct ends before roster_date. */
static const sw_summary_options *upgrade(sw_summary_options *room, const sw_summary_options *o)
{
	if (!o || o->version != 1)
		return o;
	*room = (sw_summary_options)SW_SUMMARY_OPTIONS_INIT;
	memcpy(room, o, offsetof(sw_summary_options, roster_date));
	room->version = SW_SUMMARY_OPTIONS_VERSION;
	return room;
}

int sw_summary_make(sw_summary **out, sw_engine *eng, const sw_summary_options *opts)
{
	sw_summary_options room;
	const sw_summary_options *o = upgrade(&room, opts);
	if (!out || !eng)
		return SW_EINVALID;
	*out = NULL;
	int rc = check_opts(eng, o);
	if (rc)
		return rc;
	size_t i = 0; /* the first pupil of the school */
	while (o->school && i < eng->roster->count && !in_school(&eng->roster->pupils[i], o->school))
		i++;
	if (o->school && i == eng->roster->count)
		return sw_diag_add(&eng->diag, SW_ENOTFOUND, NULL, 0, 0, NULL,
		                   "no pupil of the roster is in school '%s'", o->school);
	evals e;
	rc = run_evals(&e, eng, o);
	if (!rc)
		rc = make_one(out, eng, &e, o, o->school);
	else if (rc == SW_ENOMEM)
		sw_diag_add(&eng->diag, SW_ENOMEM, NULL, 0, 0, NULL, "out of memory");
	evals_free(&e, &eng->mem);
	return rc;
}

int sw_summary_make_each(sw_summary ***out, size_t *count, sw_engine *eng,
                         const sw_summary_options *opts)
{
	sw_summary_options room;
	const sw_summary_options *o = upgrade(&room, opts);
	if (!out || !count || !eng)
		return SW_EINVALID;
	*out = NULL;
	*count = 0;
	int rc = check_opts(eng, o);
	if (rc)
		return rc;
	const struct sw_roster *ro = eng->roster;
	const char **names = sw_mem_calloc(&eng->mem, ro->count + 1, sizeof *names);
	sw_summary **list = sw_mem_calloc(&eng->mem, ro->count + 1, sizeof *list);
	size_t n = 0;
	evals e;
	memset(&e, 0, sizeof e);
	rc = names && list ? SW_OK : SW_ENOMEM;
	for (size_t i = 0; !rc && i < ro->count; i++) {
		const char *sc = ro->pupils[i].school;
		size_t j;
		if (!sc || !*sc) {
			rc = sw_diag_add(&eng->diag, SW_EINVALID, NULL, 0, 0, NULL,
			                 "pupil on line %llu has no school: every pupil needs one for "
			                 "a summary per school", (unsigned long long)ro->pupils[i].line);
			break;
		}
		for (j = 0; j < n && strcmp(names[j], sc) != 0; j++)
			;
		if (j == n)
			names[n++] = sc;
	}
	if (!rc && n)
		qsort(names, n, sizeof *names, group_cmp);
	if (!rc)
		rc = run_evals(&e, eng, o);
	for (size_t i = 0; !rc && i < n; i++)
		if (!(rc = make_one(&list[i], eng, &e, o, names[i])))
			(*count)++;
	evals_free(&e, &eng->mem);
	sw_mem_free(&eng->mem, names);
	if (rc || !*count) { /* a list of none is never returned */
		for (size_t i = 0; list && i < *count; i++)
			sw_summary_free(list[i]);
		sw_mem_free(&eng->mem, list);
		*count = 0;
		return rc;
	}
	*out = list;
	return SW_OK;
}

void sw_summary_list_free(sw_summary **list, size_t count)
{
	if (!list || !count)
		return; /* a list of none is never allocated */
	sw_mem m = list[0]->mem;
	for (size_t i = 0; i < count; i++)
		sw_summary_free(list[i]);
	sw_mem_free(&m, list);
}
