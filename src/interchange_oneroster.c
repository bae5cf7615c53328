/*
 * interchange_oneroster.c - a OneRoster 1.1 CSV export (users.csv,
 * enrollments.csv, classes.csv, orgs.csv) made into a Stepwise roster:
 * id,name,year,class,school for every student. Columns are found by header
 * name; rows with status tobedeleted are skipped and counted; every row
 * skipped or rejected is reported with its file and line.
 */
#include "interchange.h"
#include "input.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_COLUMNS 256
#define NONE ((size_t)-1)

/* Columns read; a name may have a second spelling ("grade" for "grades"). */
enum { C_ID, C_STATUS, C_NAME, C_TYPE, C_TITLE, C_CLASSTYPE, C_SCHOOL, C_GRADES, C_ROLE,
       C_GIVEN, C_FAMILY, C_ORGS, C_CLASS, C_USER, C_COUNT };
static const char *const COLUMN[C_COUNT][2] = {
	{ "sourcedId", NULL }, { "status", NULL }, { "name", NULL }, { "type", NULL },
	{ "title", NULL }, { "classType", NULL }, { "schoolSourcedId", NULL },
	{ "grades", "grade" }, { "role", NULL }, { "givenName", NULL }, { "familyName", NULL },
	{ "orgSourcedIds", NULL }, { "classSourcedId", NULL }, { "userSourcedId", NULL },
};

/* One record kept from a file: an org, a class or a user. */
typedef struct rec {
	char *id, *a, *b, *c, *grades; /* org: name, type; class: title, classType, school;
	                                  user: name, role, orgSourcedIds */
	uint64_t line;
	bool deleted, warned;
	size_t best; /* users: the class chosen so far, or NONE */
} rec;

typedef struct table {
	rec *r;
	size_t n, cap;
	sw_ic_key *sorted; /* ids and positions, in order */
} table;

/* One open CSV file and the map of its columns. */
typedef struct csvfile {
	char *path;
	sw_input in;
	bool open;
	sw_csv_row head, row;
	int col[C_COUNT]; /* index of each column, or -1 */
	size_t ncols;
	sw_oneroster_file_stats *st;
} csvfile;

typedef struct roster_reader {
	sw_engine *eng;
	const sw_mem *m;
	sw_diag *d;
	sw_notify nt;
	sw_oneroster_stats *st;
	csvfile f[4]; /* orgs, classes, users, enrollments */
	table orgs, classes, users;
	sw_buf why;
	int nomem;
} roster_reader;

static const char *const FILES[4] = { "orgs.csv", "classes.csv", "users.csv", "enrollments.csv" };

/* Opens dir/name and maps its header; `required`: the two columns it must have. */
static int open_csv(roster_reader *R, csvfile *f, const char *dir, const char *name,
                    const int required[2])
{
	sw_buf p;
	sw_buf_init(&p, R->m);
	size_t n = strlen(dir);
	sw_buf_printf(&p, "%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name);
	if (!(f->path = sw_buf_take(&p)))
		return SW_ENOMEM;
	sw_csv_row_init(&f->head, R->m);
	sw_csv_row_init(&f->row, R->m);
	int rc = sw_input_open(&f->in, R->m, f->path, R->d);
	if (rc)
		return rc;
	f->open = true;
	rc = sw_csv_next(&f->in, &f->head, R->m);
	if (rc < 0)
		return SW_ENOMEM;
	if (rc == 0 || f->head.error || f->head.count > MAX_COLUMNS)
		return sw_diag_add(R->d, SW_EINVALID, f->path, f->head.line, 0, NULL, "%s",
		                   rc == 0 ? "the file is empty: a header row is needed"
		                   : f->head.error ? "cannot read the header row"
		                                   : "the header has too many columns");
	memset(f->col, -1, sizeof f->col); /* -1: no such column */
	for (size_t i = 0; i < f->head.count; i++) {
		const char *h = sw_csv_field(&f->head, i, NULL);
		for (int c = 0; c < C_COUNT; c++)
			for (int k = 0; k < 2; k++)
				if (COLUMN[c][k] && strcasecmp(h, COLUMN[c][k]) == 0 &&
				    (f->col[c] < 0 || k == 0))
					f->col[c] = (int)i; /* "grades" wins over "grade" */
	}
	for (size_t i = 0; i < 2; i++)
		if (f->col[required[i]] < 0)
			return sw_diag_add(R->d, SW_EINVALID, f->path, f->head.line, 0, NULL,
			                   "missing required column '%s'", COLUMN[required[i]][0]);
	f->ncols = f->head.count;
	return SW_OK;
}

/* Column c of the current row, trimmed; "" when the file has no such column (or c < 0). */
static const char *field(const csvfile *f, int c)
{
	return c < 0 || f->col[c] < 0 ? "" : sw_csv_field(&f->row, (size_t)f->col[c], NULL);
}

/* Counts a row of f as skipped or rejected, with the reason in R->why, and
   reports it. */
static void row_notice(roster_reader *R, csvfile *f, bool skipped)
{
	*(skipped ? &f->st->skipped : &f->st->rejected) += 1;
	sw_notify_send(&R->nt, f->path, f->row.line, NULL, "%s: %s", skipped ? "skipped" : "rejected",
	               sw_buf_cstr(&R->why) ? R->why.p : "out of memory");
}

/* Makes R->why the reason given by fmt (a failed buffer made usable again:
   its row's notice then says "out of memory"); returns true, so that a row
   is refused whether or not the reason could be written. */
static bool why_set(roster_reader *R, const char *fmt, ...) SW_PRINTF(2, 3);
static bool why_set(roster_reader *R, const char *fmt, ...)
{
	R->why.len = 0;
	R->why.failed = 0;
	va_list ap;
	va_start(ap, fmt);
	sw_buf_vprintf(&R->why, fmt, ap);
	va_end(ap);
	return true;
}

/* Reads the next row of f: 1 a usable row, 0 the end, negative a fatal
   error; rows that cannot be read are rejected and reported here. */
static int next_row(roster_reader *R, csvfile *f)
{
	for (;;) {
		int rc = sw_csv_next(&f->in, &f->row, R->m);
		if (rc < 0)
			return SW_ENOMEM;
		if (rc == 0)
			return f->in.err ? sw_diag_add(R->d, SW_EIO, f->path, 0, 0, NULL, "read error") : 0;
		f->st->rows++;
		bool bad = false;
		if (f->row.error)
			bad = why_set(R, "%s", f->row.error);
		else if (f->row.count != f->ncols)
			bad = why_set(R, "%zu fields, but the header has %zu", f->row.count, f->ncols);
		for (size_t i = 0; i < f->row.count && !bad; i++) {
			size_t n;
			const char *s = sw_csv_field(&f->row, i, &n);
			if (!sw_text_valid(s, n))
				bad = why_set(R, "field '%s' is not valid UTF-8",
				              sw_csv_field(&f->head, i, NULL));
		}
		if (!bad && !*field(f, C_ID) && f->col[C_ID] >= 0)
			bad = why_set(R, "empty sourcedId");
		if (!bad)
			return 1;
		row_notice(R, f, false);
	}
}

/* Adds a record for the current row of f (status and line taken); NULL
   when out of memory. */
static rec *add_rec(roster_reader *R, table *t, csvfile *f)
{
	if (sw_mem_grow(R->m, (void **)&t->r, &t->cap, t->n + 1, sizeof *t->r)) {
		R->nomem = 1;
		return NULL;
	}
	rec *r = &t->r[t->n++];
	memset(r, 0, sizeof *r);
	r->best = NONE;
	r->line = f->row.line;
	r->deleted = strcasecmp(field(f, C_STATUS), "tobedeleted") == 0;
	if (!(r->id = sw_mem_strdup(R->m, field(f, C_ID)))) {
		R->nomem = 1;
		t->n--;
		return NULL;
	}
	return r;
}

/* A copy of column c of the current row, or NULL when it is empty. */
static char *copy(roster_reader *R, const csvfile *f, int c)
{
	const char *s = field(f, c);
	if (!*s)
		return NULL;
	char *p = sw_mem_strdup(R->m, s);
	if (!p)
		R->nomem = 1;
	return p;
}

/* Counts a row as skipped (status tobedeleted) and reports it. */
static void skip(roster_reader *R, csvfile *f, const char *what, const char *id)
{
	why_set(R, "status tobedeleted (%s '%s')", what, id);
	row_notice(R, f, true);
}

/* Indexes a table by id; a sourcedId given again is rejected. */
static void index_table(roster_reader *R, table *t, csvfile *f, const char *what)
{
	t->sorted = sw_mem_calloc(R->m, t->n ? t->n : 1, sizeof *t->sorted);
	if (!t->sorted) {
		R->nomem = 1;
		return;
	}
	for (size_t i = 0; i < t->n; i++)
		t->sorted[i] = (sw_ic_key){ t->r[i].id, 0, i };
	qsort(t->sorted, t->n, sizeof *t->sorted, sw_ic_key_cmp);
	for (size_t k = 1; k < t->n; k++) {
		rec *first = &t->r[t->sorted[k - 1].at], *again = &t->r[t->sorted[k].at];
		if (strcmp(first->id, again->id) != 0 || again->deleted)
			continue;
		/* the same id again: keep the first row, reject this one */
		again->deleted = true;
		again->warned = true; /* marks it as rejected rather than skipped */
		f->st->accepted--;
		f->st->rejected++;
		sw_notify_send(&R->nt, f->path, again->line, NULL, "rejected: %s '%s' was already "
		               "given on line %llu", what, again->id, (unsigned long long)first->line);
	}
}

/* What is read from orgs.csv, classes.csv and users.csv (in that order). */
static const struct {
	const char *noun;
	int need;    /* the column a row needs (unless it is to be deleted) */
	int cols[4]; /* the columns kept in a, b, c and grades (-1: none; a user's a: the name) */
} KIND[3] = {
	{ "org", C_NAME, { C_NAME, C_TYPE, -1, -1 } },
	{ "class", C_TITLE, { C_TITLE, C_CLASSTYPE, C_SCHOOL, C_GRADES } },
	{ "user", C_ROLE, { -1, C_ROLE, C_ORGS, C_GRADES } },
};

/* Reads orgs.csv, classes.csv or users.csv (which: 0, 1 or 2). */
static int read_recs(roster_reader *R, int which)
{
	csvfile *f = &R->f[which];
	table *t = which == 0 ? &R->orgs : which == 1 ? &R->classes : &R->users;
	int rc;
	while ((rc = next_row(R, f)) == 1) {
		const char *id = field(f, C_ID);
		if (!*field(f, KIND[which].need) && strcasecmp(field(f, C_STATUS), "tobedeleted")) {
			why_set(R, "empty %s", COLUMN[KIND[which].need][0]);
			if (which == 2)
				sw_buf_printf(&R->why, " (user '%s')", id);
			row_notice(R, f, false);
			continue;
		}
		rec *r = add_rec(R, t, f);
		if (!r)
			return SW_ENOMEM;
		if (r->deleted) {
			skip(R, f, KIND[which].noun, id);
			continue;
		}
		f->st->accepted++;
		char **kept[4] = { &r->a, &r->b, &r->c, &r->grades };
		for (int i = 0; i < 4; i++)
			*kept[i] = copy(R, f, KIND[which].cols[i]);
		if (which == 2) { /* a user's name: given, then family name (R->why as scratch) */
			const char *given = field(f, C_GIVEN), *family = field(f, C_FAMILY);
			why_set(R, "%s%s%s", given, *given && *family ? " " : "", family);
			if (R->why.failed || (R->why.len && !(r->a = sw_mem_strdup(R->m, R->why.p))))
				R->nomem = 1;
		}
		if (R->nomem)
			return SW_ENOMEM;
	}
	if (rc == SW_OK)
		index_table(R, t, f, KIND[which].noun);
	return rc < 0 ? rc : R->nomem ? SW_ENOMEM : SW_OK;
}

/* True when class x is a better class for a pupil than class y: a
   homeroom first, then the first by title. */
static bool better(const rec *x, const rec *y)
{
	bool hx = x->b && strcasecmp(x->b, "homeroom") == 0;
	bool hy = y->b && strcasecmp(y->b, "homeroom") == 0;
	if (hx != hy)
		return hx;
	return strcmp(x->a, y->a) < 0;
}

/* Reads enrollments.csv, choosing each student's class. */
static int read_enrollments(roster_reader *R)
{
	csvfile *f = &R->f[3];
	int rc;
	while ((rc = next_row(R, f)) == 1) {
		const char *uid = field(f, C_USER), *cid = field(f, C_CLASS);
		if (strcasecmp(field(f, C_STATUS), "tobedeleted") == 0) {
			skip(R, f, "enrollment of user", uid);
			continue;
		}
		/* the first record with the id (a deleted one too), or NONE */
		size_t u = *uid ? sw_ic_key_find(R->users.sorted, R->users.n, uid, 0) : NONE;
		size_t c = *cid ? sw_ic_key_find(R->classes.sorted, R->classes.n, cid, 0) : NONE;
		bool bad = false;
		if (!*uid || !*cid)
			bad = why_set(R, "empty %s", *uid ? "classSourcedId" : "userSourcedId");
		else if (u == NONE || (R->users.r[u].deleted && R->users.r[u].warned))
			bad = why_set(R, "user '%s' is not in users.csv", uid);
		else if (c == NONE || (R->classes.r[c].deleted && R->classes.r[c].warned))
			bad = why_set(R, "class '%s' is not in classes.csv", cid);
		if (bad) {
			row_notice(R, f, false);
			continue;
		}
		rec *user = &R->users.r[u], *cls = &R->classes.r[c];
		if (user->deleted || cls->deleted) {
			why_set(R, "%s '%s' is to be deleted", user->deleted ? "user" : "class",
			        user->deleted ? uid : cid);
			row_notice(R, f, true);
			continue;
		}
		f->st->accepted++;
		const char *role = field(f, C_ROLE);
		bool student = strcasecmp(user->b, "student") == 0 &&
		               (!*role || strcasecmp(role, "student") == 0);
		if (student && (user->best == NONE || better(cls, &R->classes.r[user->best])))
			user->best = c;
	}
	return rc < 0 ? rc : SW_OK;
}

/* The school year of one grade code: 0 for KG, R, 0 or 00; 1 to 13 for
   1 or 01 to 13; -1 for anything else. */
static int grade_year(const char *g, size_t n)
{
	if ((n == 2 && strncasecmp(g, "KG", 2) == 0) || (n == 1 && (*g == 'R' || *g == 'r')))
		return 0;
	if (n < 1 || n > 2 || g[0] < '0' || g[0] > '9' || (n == 2 && (g[1] < '0' || g[1] > '9')))
		return -1;
	int v = n == 2 ? (g[0] - '0') * 10 + (g[1] - '0') : g[0] - '0';
	return v <= 13 ? v : -1;
}

/* The year a grades field gives: a year, SW_NO_YEAR when empty, -2 when a
   code is not a school year, -3 when the codes give different years. */
static int grades_year(const char *s)
{
	int year = SW_NO_YEAR;
	while (s && *s) {
		const char *comma = strchr(s, ',');
		const char *g = s;
		size_t n = comma ? (size_t)(comma - s) : strlen(s);
		sw_text_trim(&g, &n);
		s = comma ? comma + 1 : NULL;
		if (n == 0)
			continue;
		int y = grade_year(g, n);
		if (y < 0)
			return -2;
		if (year != SW_NO_YEAR && y != year)
			return -3;
		year = y;
	}
	return year;
}

/* The year of a student: from their grades, else from their class's. */
static int pupil_year(roster_reader *R, const rec *u)
{
	int y = grades_year(u->grades);
	if (y >= 0 || (y == SW_NO_YEAR && u->best == NONE))
		return y;
	rec *c = y == SW_NO_YEAR ? &R->classes.r[u->best] : NULL; /* the class's, reported once */
	const rec *from = c ? c : u;
	if (c)
		y = grades_year(c->grades);
	if (y < SW_NO_YEAR && !(c && c->warned)) {
		if (c)
			c->warned = true;
		R->st->warnings++;
		sw_notify_send(&R->nt, R->f[c ? 1 : 2].path, from->line, NULL, "grades '%s' of %s '%s' "
		               "%s: year left empty%s", from->grades, c ? "class" : "user", from->id,
		               y == -2 ? "is not a school year (KG, R, 00 to 13)"
		                       : "give more than one school year", c ? " for its students" : "");
	}
	return y < 0 ? SW_NO_YEAR : y;
}

/* The name of org id when it is known and not deleted, else NULL; with
   `school`, only an org of type school (or of no type). */
static const char *org_name(const roster_reader *R, const char *id, size_t n, bool school)
{
	char buf[256];
	if (n >= sizeof buf)
		return NULL;
	memcpy(buf, id, n);
	buf[n] = '\0';
	size_t o = sw_ic_key_find(R->orgs.sorted, R->orgs.n, buf, 0);
	if (o == NONE || R->orgs.r[o].deleted)
		return NULL;
	const rec *org = &R->orgs.r[o];
	return !school || !org->b || strcasecmp(org->b, "school") == 0 ? org->a : NULL;
}

/* The school of a student: their class's, else the first school among their orgs. */
static const char *pupil_school(const roster_reader *R, const rec *u)
{
	if (u->best != NONE && R->classes.r[u->best].c) {
		const char *s = R->classes.r[u->best].c;
		const char *name = org_name(R, s, strlen(s), false);
		if (name)
			return name;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (const char *s = u->c; s && *s;) {
			const char *comma = strchr(s, ',');
			const char *g = s;
			size_t n = comma ? (size_t)(comma - s) : strlen(s);
			sw_text_trim(&g, &n);
			const char *name = n ? org_name(R, g, n, pass == 0) : NULL;
			if (name)
				return name;
			s = comma ? comma + 1 : NULL;
		}
	}
	return NULL;
}

/* Writes the roster: a row per student, in the order of users.csv. */
static void write_roster(roster_reader *R, sw_buf *b)
{
	sw_buf_puts(b, "id,name,year,class,school\n");
	for (size_t i = 0; i < R->users.n; i++) {
		const rec *u = &R->users.r[i];
		if (u->deleted || strcasecmp(u->b, "student") != 0)
			continue;
		int year = pupil_year(R, u);
		if (u->best == NONE) {
			R->st->warnings++;
			sw_notify_send(&R->nt, R->f[2].path, u->line, NULL, "student '%s' has no class "
			               "(no enrollment): class left empty", u->id);
		}
		sw_csv_put(b, u->id);
		sw_buf_putc(b, ',');
		sw_csv_put(b, u->a ? u->a : "");
		sw_buf_putc(b, ',');
		if (year >= 0)
			sw_buf_printf(b, "%d", year);
		sw_buf_putc(b, ',');
		sw_csv_put(b, u->best == NONE ? "" : R->classes.r[u->best].a);
		sw_buf_putc(b, ',');
		const char *school = pupil_school(R, u);
		sw_csv_put(b, school ? school : "");
		sw_buf_putc(b, '\n');
		R->st->pupils++;
	}
}

/* Frees a table's records. */
static void table_free(const sw_mem *m, table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		char *strs[] = { t->r[i].id, t->r[i].a, t->r[i].b, t->r[i].c, t->r[i].grades };
		for (size_t j = 0; j < sizeof strs / sizeof strs[0]; j++)
			sw_mem_free(m, strs[j]);
	}
	sw_mem_free(m, t->r);
	sw_mem_free(m, t->sorted);
}

/* Opens the four files (all before reading any) and reads them in order. */
static int read_all(roster_reader *R, const char *dir)
{
	static const int need[4][2] = { { C_ID, C_NAME }, { C_ID, C_TITLE }, { C_ID, C_ROLE },
		                        { C_CLASS, C_USER } }; /* orgs, classes, users, enrollments */
	sw_oneroster_file_stats *st[4] = { &R->st->orgs, &R->st->classes, &R->st->users,
		                           &R->st->enrollments };
	int rc = SW_OK;
	for (int i = 0; i < 4 && rc == SW_OK; i++) {
		R->f[i].st = st[i];
		rc = open_csv(R, &R->f[i], dir, FILES[i], need[i]);
	}
	for (int i = 0; i < 3 && rc == SW_OK; i++)
		rc = read_recs(R, i);
	if (rc == SW_OK)
		rc = read_enrollments(R);
	return rc;
}

int sw_oneroster_import(char **csv, size_t *len, sw_engine *eng, const char *dir,
                        const sw_oneroster_options *opts, sw_oneroster_stats *stats)
{
	sw_oneroster_stats dummy;
	sw_oneroster_options defaults = SW_ONEROSTER_OPTIONS_INIT;
	stats = stats ? stats : &dummy;
	opts = opts ? opts : &defaults;
	if (sw_ic_begin(csv, len, eng, stats, sizeof *stats, dir, "folder",
	                opts->version == SW_ONEROSTER_OPTIONS_VERSION, "sw_oneroster_options"))
		return SW_EINVALID;
	roster_reader R = { .eng = eng, .m = &eng->mem, .d = &eng->diag, .st = stats };
	R.nt = (sw_notify){ opts->on_notice, opts->payload, &eng->mem, 0, 0 };
	sw_buf_init(&R.why, &eng->mem);
	sw_buf out;
	sw_buf_init(&out, &eng->mem);
	int rc = read_all(&R, dir);
	if (rc == SW_OK) {
		write_roster(&R, &out);
		if (!sw_buf_cstr(&out) || R.nt.oom || R.nomem)
			rc = SW_ENOMEM;
	}
	for (int i = 0; i < 4; i++) {
		if (R.f[i].open)
			sw_input_close(&R.f[i].in);
		sw_csv_row_free(&R.f[i].head, &eng->mem);
		sw_csv_row_free(&R.f[i].row, &eng->mem);
		sw_mem_free(&eng->mem, R.f[i].path);
	}
	table_free(&eng->mem, &R.orgs);
	table_free(&eng->mem, &R.classes);
	table_free(&eng->mem, &R.users);
	sw_buf_free(&R.why);
	return sw_ic_end(csv, len, eng, &out, rc, dir);
}
