/*
 * cohort_groups.c - which pupils a cohort covers (the schools asked for;
 * the others are left out and counted) and how they are grouped: by
 * school, class, year, roster group, or school and class or year, in
 * natural order (Reception first, then 1A, 2A, ..., 10A, 11A).
 */
#include "cohort.h"
#include "interchange.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* True when a class name stands for Reception: "R", "Rec" or "Reception"
   (any case) alone or before a character that is not a letter, or "R"
   and one capital letter ("RA", "RB"). */
static bool reception(const char *s)
{
	static const char *const words[] = { "reception", "rec", "r" };
	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(words[i]), j = 0;
		while (j < n && s[j] && (s[j] | 0x20) == words[i][j])
			j++;
		if (j < n)
			continue;
		char next = s[n];
		bool letter = (next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z');
		if (!letter)
			return true;
		if (n == 1 && next >= 'A' && next <= 'Z' && !s[2])
			return true;
	}
	return false;
}

int sw_nat_cmp(const char *a, const char *b)
{
	int ra = reception(a), rb = reception(b);
	if (ra != rb)
		return ra ? -1 : 1;
	int d = sw_natcmp(a, b); /* numbers by value; "05A" and "5A" still in a fixed order */
	return d < 0 ? -1 : d > 0;
}

/* Normalizes a school or group name as the roster does (trimmed, NFC) into b. */
static bool norm_name(sw_buf *b, const char *name)
{
	const char *s = name;
	size_t n = strlen(name);
	sw_text_trim(&s, &n);
	b->len = 0;
	return sw_text_norm(b, s, n) && sw_buf_cstr(b);
}

int sw_cohort_find_group(uint32_t *gid, sw_engine *eng, const char *name)
{
	sw_buf b;
	sw_buf_init(&b, &eng->mem);
	*gid = norm_name(&b, name) ? sw_intern_find(&eng->roster->groups, b.p, b.len) : 0;
	int failed = b.failed;
	sw_buf_free(&b);
	if (failed)
		return sw_diag_add(&eng->diag, SW_ENOMEM, NULL, 0, 0, NULL, "out of memory");
	if (!*gid)
		return sw_diag_add(&eng->diag, SW_ENOTFOUND, NULL, 0, 0, NULL,
		                   "no pupil on the roster is in group '%.64s'", name);
	return SW_OK;
}

int sw_cohort_select(sw_cohort *c, sw_engine *eng, const char *const *schools, size_t count)
{
	const struct sw_roster *ro = eng->roster;
	c->keep = sw_mem_calloc(c->m, ro->count + 1, 1);
	if (!c->keep)
		return sw_diag_add(&eng->diag, SW_ENOMEM, NULL, 0, 0, NULL, "out of memory");
	if (!count) {
		memset(c->keep, 1, ro->count);
		c->rows = ro->count;
		return SW_OK;
	}
	c->schools = sw_mem_calloc(c->m, count, sizeof *c->schools);
	if (!c->schools)
		return sw_diag_add(&eng->diag, SW_ENOMEM, NULL, 0, 0, NULL, "out of memory");
	sw_buf b;
	sw_buf_init(&b, c->m);
	int rc = SW_OK;
	for (size_t i = 0; i < count && !rc; i++) {
		if (!schools[i] || !norm_name(&b, schools[i])) {
			rc = sw_diag_add(&eng->diag, b.failed ? SW_ENOMEM : SW_EINVALID, NULL, 0, 0,
			                 NULL, b.failed ? "out of memory"
			                                : "a school name is empty or not valid UTF-8");
			break;
		}
		if (!(c->schools[c->school_count] = sw_mem_strdup(c->m, b.p))) {
			rc = sw_diag_add(&eng->diag, SW_ENOMEM, NULL, 0, 0, NULL, "out of memory");
			break;
		}
		c->school_count++;
		size_t found = 0;
		for (size_t p = 0; p < ro->count; p++)
			if (ro->pupils[p].school && strcmp(ro->pupils[p].school, b.p) == 0) {
				c->keep[p] = 1;
				found++;
			}
		if (!found)
			rc = sw_diag_add(&eng->diag, SW_ENOTFOUND, NULL, 0, 0, NULL,
			                 "no pupil on the roster is in school '%.64s'; check its spelling "
			                 "against the roster's school column", schools[i]);
	}
	sw_buf_free(&b);
	if (rc)
		return rc;
	for (size_t p = 0; p < ro->count; p++) {
		c->rows += c->keep[p];
		c->left_pupils += !c->keep[p];
	}
	const struct sw_evidence *ev = eng->evidence;
	for (size_t i = 0; ev && i < ev->count; i++)
		if (ev->recs[i].pupil < ro->count && !c->keep[ev->recs[i].pupil])
			c->left_records++;
	return SW_OK;
}

void sw_cohort_scan_evidence(sw_cohort *c, int32_t as_of)
{
	const struct sw_evidence *ev = c->eng->evidence;
	size_t pupils = c->eng->roster->count;
	c->newest = INT32_MIN;
	for (size_t i = 0; ev && i < ev->count; i++) {
		const sw_record *r = &ev->recs[i];
		if (r->pupil >= pupils || !c->keep[r->pupil] || r->date > as_of)
			continue;
		c->newest = r->date > c->newest ? r->date : c->newest;
		c->by_source[r->source < 8 ? r->source : 7]++;
	}
}

int sw_cohort_teacher_steps(sw_cohort *c, int32_t as_of)
{
	const struct sw_evidence *ev = c->eng->evidence;
	size_t pupils = c->eng->roster->count, cells = c->rows * c->skills;
	uint32_t *row_of = sw_mem_calloc(c->m, pupils + 1, sizeof *row_of); /* row + 1, 0: none */
	int32_t *best = sw_mem_calloc(c->m, cells + 1, sizeof *best);
	if (!row_of || !best) {
		sw_mem_free(c->m, row_of);
		sw_mem_free(c->m, best);
		return SW_ENOMEM;
	}
	for (size_t r = 0; r < c->rows; r++)
		row_of[c->pupil[r]] = (uint32_t)r + 1;
	for (size_t i = 0; i < cells; i++)
		best[i] = INT32_MIN;
	for (size_t i = 0; ev && i < ev->count; i++) {
		const sw_record *rec = &ev->recs[i];
		if (rec->pupil >= pupils || !row_of[rec->pupil] || rec->date > as_of ||
		    rec->source != 0 || rec->outcome != 0 || rec->skill >= c->skills)
			continue; /* teacher and secured are the first names of their lists */
		int32_t *b = &best[(row_of[rec->pupil] - 1) * c->skills + rec->skill];
		*b = rec->step > *b ? rec->step : *b;
	}
	c->steps_given = c->steps_teacher = 0;
	for (size_t i = 0; i < cells; i++) {
		int32_t st = c->steps[SW_PASS_MAIN][i];
		if (st == SW_NO_STEP)
			continue;
		c->steps_given++;
		c->steps_teacher += best[i] >= st;
	}
	sw_mem_free(c->m, row_of);
	sw_mem_free(c->m, best);
	return SW_OK;
}

int sw_cohort_check_by(sw_cohort *c, sw_engine *eng)
{
	if (c->by != SW_BY_CLASS)
		return SW_OK;
	const struct sw_roster *ro = eng->roster;
	const char *first = NULL;
	for (size_t p = 0; p < ro->count; p++) {
		const char *s = ro->pupils[p].school;
		if (!c->keep[p] || !s)
			continue;
		if (!first)
			first = s;
		else if (strcmp(first, s) != 0)
			return sw_diag_add(&eng->diag, SW_EINVALID, NULL, 0, 0, NULL,
			                   "the pupils are in more than one school ('%.40s', '%.40s', ...), "
			                   "and a class name such as 5B can be in several of them: group "
			                   "by school and class (--by school,class), or choose one school "
			                   "(--school NAME)", first, s);
	}
	return SW_OK;
}

/* One pupil's membership of a group while the groups are built. */
typedef struct pair {
	const char *school; /* for the pairs; NULL otherwise or "(none)" */
	const char *name;   /* NULL: "(none)" */
	int key;            /* the year for SW_BY_YEAR and SW_BY_SCHOOL_YEAR (-1: none), else 0 */
	uint32_t row;
} pair;

/* Orders names naturally, "(none)" (NULL) first. */
static int name_cmp(const char *a, const char *b)
{
	if (!a || !b)
		return a ? 1 : b ? -1 : 0;
	return sw_nat_cmp(a, b);
}

/* Orders pairs by school, year, name, then row. */
static int pair_cmp(const void *a, const void *b)
{
	const pair *x = a, *y = b;
	int d = name_cmp(x->school, y->school);
	if (d)
		return d;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if ((d = name_cmp(x->name, y->name)))
		return d;
	return x->row < y->row ? -1 : x->row > y->row;
}

/* True when two pairs belong to the same group. */
static bool same_group(const pair *x, const pair *y)
{
	return x->key == y->key && name_cmp(x->school, y->school) == 0 &&
	       name_cmp(x->name, y->name) == 0;
}

/* Adds a pair to the list. */
static int add_pair(sw_cohort *c, pair **list, size_t *n, size_t *cap, const char *school,
                    const char *name, int key, size_t row)
{
	if (sw_mem_grow(c->m, (void **)list, cap, *n + 1, sizeof **list))
		return SW_ENOMEM;
	(*list)[(*n)++] = (pair){ school && *school ? school : NULL, name && *name ? name : NULL,
		                  key, (uint32_t)row };
	return SW_OK;
}

/* The pairs of row r. */
static int row_pairs(sw_cohort *c, pair **list, size_t *n, size_t *cap, size_t r)
{
	const struct sw_roster *ro = c->eng->roster;
	const sw_pupil *p = sw_cohort_pupil(c, r);
	int year = p->year == SW_NO_YEAR ? -1 : p->year;
	switch (c->by) {
	case SW_BY_ALL: return add_pair(c, list, n, cap, NULL, "all", 0, r);
	case SW_BY_SCHOOL: return add_pair(c, list, n, cap, NULL, p->school, 0, r);
	case SW_BY_CLASS: return add_pair(c, list, n, cap, NULL, p->class_name, 0, r);
	case SW_BY_YEAR: return add_pair(c, list, n, cap, NULL, NULL, year, r);
	case SW_BY_SCHOOL_CLASS: return add_pair(c, list, n, cap, p->school, p->class_name, 0, r);
	case SW_BY_SCHOOL_YEAR: return add_pair(c, list, n, cap, p->school, NULL, year, r);
	default: break;
	}
	if (p->group_count == 0)
		return add_pair(c, list, n, cap, NULL, NULL, 0, r);
	int rc = SW_OK;
	for (uint32_t g = 0; g < p->group_count && !rc; g++) {
		uint32_t id = ro->group_refs[p->group_first + g];
		rc = add_pair(c, list, n, cap, NULL, sw_intern_str(&ro->groups, id), 0, r);
	}
	return rc;
}

/* Names a new group after its first pair. */
static int name_group(sw_cohort *c, sw_cgroup *g, const pair *pr)
{
	bool years = c->by == SW_BY_YEAR || c->by == SW_BY_SCHOOL_YEAR;
	char num[16];
	snprintf(num, sizeof num, "%d", pr->key);
	const char *name = years && pr->key >= 0 ? num : !years && pr->name ? pr->name : "(none)";
	g->name = sw_mem_strdup(c->m, name);
	g->year = years ? pr->key : -1;
	if (!g->name)
		return SW_ENOMEM;
	if (c->by != SW_BY_SCHOOL_CLASS && c->by != SW_BY_SCHOOL_YEAR) {
		g->label = sw_mem_strdup(c->m, g->name);
		return g->label ? SW_OK : SW_ENOMEM;
	}
	g->school = pr->school ? pr->school : "(none)";
	size_t n = strlen(g->school) + strlen(g->name) + 8;
	g->label = sw_mem_alloc(c->m, n);
	if (!g->label)
		return SW_ENOMEM;
	snprintf(g->label, n, "%s %s%s", g->school, years ? "Year " : "", g->name);
	return SW_OK;
}

int sw_cohort_build_groups(sw_cohort *c)
{
	pair *list = NULL;
	size_t n = 0, cap = 0;
	int rc = SW_OK;
	for (size_t r = 0; r < c->rows && !rc; r++)
		rc = row_pairs(c, &list, &n, &cap, r);
	if (!rc && c->by == SW_BY_ALL && n == 0)
		rc = add_pair(c, &list, &n, &cap, NULL, "all", 0, 0); /* a group with no pupils */
	if (rc) {
		sw_mem_free(c->m, list);
		return rc;
	}
	bool empty = c->rows == 0;
	if (n)
		qsort(list, n, sizeof *list, pair_cmp);
	c->members = sw_mem_calloc(c->m, n + 1, sizeof *c->members);
	c->groups = sw_mem_calloc(c->m, n + 1, sizeof *c->groups);
	if (!c->members || !c->groups) {
		sw_mem_free(c->m, list);
		return SW_ENOMEM;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		bool same = i > 0 && same_group(&list[i], &list[i - 1]);
		if (!same) {
			sw_cgroup *g = &c->groups[c->group_count++];
			g->first = (uint32_t)c->member_count;
			rc = name_group(c, g, &list[i]);
		} else if (list[i].row == list[i - 1].row) {
			continue; /* a group named twice for one pupil */
		}
		if (!empty) {
			c->members[c->member_count++] = list[i].row;
			c->groups[c->group_count - 1].count++;
		}
	}
	sw_mem_free(c->m, list);
	return rc;
}
