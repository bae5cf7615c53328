/* data.h - the pupil table (roster.c) and the evidence store (evidence.c). */
#ifndef SW_DATA_H
#define SW_DATA_H
#include "internal.h"
#include "pool.h"

typedef struct sw_attr {
	const char *key, *value;
} sw_attr;

typedef struct sw_pupil {
	const char *id;                    /* NFC */
	const char *name, *class_name, *school; /* NULL when not given */
	int year;                          /* SW_NO_YEAR when not given */
	uint32_t group_first, group_count; /* into roster->group_refs */
	uint32_t attr_first, attr_count;   /* into roster->attrs */
	uint64_t line;                     /* where it was read, 0 from the API */
} sw_pupil;

struct sw_roster {
	sw_arena text;
	sw_intern ids;     /* pupil id -> index + 1 */
	sw_intern groups;  /* group names */
	sw_pupil *pupils;
	size_t count, cap;
	uint32_t *group_refs;
	size_t group_ref_count, group_ref_cap;
	sw_attr *attrs;
	size_t attr_count, attr_cap;
	bool from_roster;  /* pupils were given as a roster (else taken from evidence) */
	uint32_t *order;   /* pupil indexes sorted by id (byte order); built on demand */
};

#define SW_OUTCOME_SECURED 0
#define SW_OUTCOME_DEVELOPING 1
extern const char *const sw_outcome_names[2];
#define SW_SOURCE_COUNT 6
extern const char *const sw_source_names[SW_SOURCE_COUNT];

/* One evidence record: 32 bytes, strings interned. */
typedef struct sw_record {
	uint32_t pupil;    /* pupil index */
	uint32_t seq;      /* input order */
	int32_t date;      /* days since 1970-01-01 */
	int32_t step;
	uint32_t assessor, context, note; /* interned in evidence->text, 0 = none */
	uint16_t skill;
	uint8_t outcome, source;
} sw_record;
_Static_assert(sizeof(sw_record) == 32, "an evidence record is 32 bytes");
_Static_assert(SW_FRAMEWORK_MAX_SKILLS <= UINT16_MAX + 1u,
               "sw_record.skill holds every skill index");

/* The last texts seen in a column, so repeated values skip the lookups. */
typedef struct sw_last_text {
	sw_buf raw;       /* as given */
	uint32_t value;   /* what it resolved to */
	bool valid;
} sw_last_text;

/* Scratch and caches for checking rows: one per thread that checks. */
typedef struct sw_check_cache {
	sw_buf tmp;
	sw_last_text last_pupil, last_skill;
	bool defer_pupils; /* the roster may grow meanwhile: leave every pupil to the commit */
} sw_check_cache;

/* One checked record: all but its interned texts and (for a pupil not yet
   known) its pupil index. Its texts follow one another in the caller's
   buffer from `text`: the pupil id when not known, then the assessor,
   context and note that are there; each is a sw_text_head, its bytes and
   a NUL. Compact, because a thread keeps thousands of them. */
typedef struct sw_checked {
	sw_record rec;
	size_t text;       /* where its texts start in the caller's buffer */
	uint8_t flags;     /* SW_CHECKED_* */
	uint8_t mark;      /* free for the caller */
} sw_checked;

enum {
	SW_CHECKED_KNOWN = 1, /* rec.pupil is set */
	SW_CHECKED_TEXT = 2   /* << i: text i (assessor, context, note) is there */
};

/* What comes before each text of a checked record (copied, not aligned). */
typedef struct sw_text_head {
	size_t len;
	uint32_t hash; /* sw_intern_hash, computed by the checking thread */
} sw_text_head;

/* Adds a text to a checked record's buffer: its head, bytes and a NUL. */
void sw_checked_put(sw_buf *text, const char *s, size_t n);
/* Reads the text at *t (put there by sw_checked_put) and moves *t past it. */
const char *sw_checked_get(const char **t, sw_text_head *h);

/* Checking records added one at a time (sw_engine_add_evidence, the service,
   a file read on one thread, sw_engine_remove_evidence_record): the last
   pupil and skill seen, and room for a record's texts. Kept by the engine
   beside the store (not in it) and dropped with it: its pupil and skill
   indexes hold for that store's roster and framework. */
struct sw_adder {
	sw_check_cache check;
	sw_buf text;
};

struct sw_evidence {
	sw_record *recs;
	size_t count, cap;
	sw_intern text;
	uint64_t serial; /* this store's own number in the process (never reused),
	                    for caches of its text numbers (runner_evidence.c) */
	sw_last_text last_text[3];
	bool grouped;    /* each pupil's records together (first, len), in any order */
	bool sorted;     /* and ordered by skill, date, seq */
	size_t *first;   /* after sorting: where each pupil's records start (by index) */
	uint32_t *len;   /* and how many there are */
	/* the per-pupil index kept while records are added after sorting (evindex.c) */
	size_t settled;  /* records [0, settled) are the ones first/len cover */
	size_t indexed;  /* pupils first/len cover */
	uint32_t *pend_last; /* per pupil: its last record past `settled` + 1, 0 when none */
	size_t pend_cap;
	uint32_t *pend_prev; /* per record past `settled`: the pupil's previous one + 1 */
	size_t prev_cap;
	uint32_t next_seq;   /* input order of the next record (never reused) */
	int32_t newest;      /* the newest date of recs[0, count) when count > 0 */
	sw_record *gather;   /* one pupil's records, gathered for sw_engine_evaluate_pupil */
	size_t gather_cap;
};

/* roster.c */
struct sw_roster *sw_roster_get(sw_engine *eng); /* creates it on first use */
const sw_pupil *sw_roster_find(const struct sw_roster *r, const char *id, size_t n,
                               size_t *index);
/* Adds a pupil (validated and normalized) read on `line`, or with `replace`
   gives the pupil of in->id new details (kept: its index and evidence);
   SW_ENOTFOUND or SW_EREJECTED with the reason in `why`. */
int sw_roster_put(sw_engine *eng, const sw_pupil_data *in, uint64_t line, sw_buf *why,
                  bool replace);
/* The index of the pupil `id` (trimmed, NFC) in *index; SW_ENOTFOUND ("no
   pupil '...'") or SW_ENOMEM with the message in the engine's errors. */
int sw_roster_lookup(size_t *index, sw_engine *eng, const char *id);
/* Adds a pupil known only by id (from evidence, without a roster). */
int sw_roster_add_implicit(size_t *index, sw_engine *eng, const char *id, size_t n);
/* Builds r->order. */
int sw_roster_sort(struct sw_roster *r, const sw_mem *m);
void sw_roster_free(struct sw_roster *r, const sw_mem *m);

/* engine_data.c: adds the diagnostic for a status of the data calls (the
   reason in `why` when there is one) and returns the status. */
int sw_data_status(sw_engine *eng, int rc, sw_buf *why);
/* Begins a data call (sw_engine_begin): SW_EINVALID, with a diagnostic when
   there is an engine, unless `ok` (the data given, of a known version);
   `what` is "pupil" or "evidence". */
int sw_data_begin(sw_engine *eng, bool ok, const char *what);

/* evindex.c */
/* Notes record i (just appended) in the per-pupil index, when there is one. */
void sw_evindex_note(struct sw_evidence *ev, const sw_mem *m, size_t i);
/* True when pupil records can be gathered without grouping the store again. */
bool sw_evindex_usable(const struct sw_evidence *ev);
/* Pupil p's records (covered and pending), sorted by skill, date and input
   order, in ev->gather; SW_ENOMEM. */
int sw_evindex_gather(const sw_record **recs, size_t *n, struct sw_evidence *ev,
                      const sw_mem *m, size_t p);

/* evidence.c */
void sw_check_cache_init(sw_check_cache *c, const sw_mem *m);
void sw_check_cache_free(sw_check_cache *c);
/* Checks a record without changing the engine (so threads may check rows
   side by side); SW_OK, SW_EREJECTED with the reason, or SW_ENOMEM. */
int sw_evidence_check(const sw_engine *eng, sw_check_cache *c, const sw_evidence_data *e,
                      sw_checked *out, sw_buf *text, sw_buf *why);
/* Sets rec's assessor, context and note to the store's numbers of the texts
   of c at *t (moved past them): interned when `add` (SW_ENOMEM), else
   looked up (SW_ENOTFOUND when one was never stored). */
int sw_checked_texts(sw_record *rec, struct sw_evidence *ev, const sw_checked *c, const char **t,
                     bool add);
/* Stores a checked record: interns its texts, adds a pupil seen for the first time. */
int sw_evidence_commit(sw_engine *eng, const sw_checked *c, const char *text);
/* Makes room for `more` records beyond those stored, in one step; false
   (nothing changed) when it cannot, which costs only the growing later. */
bool sw_evidence_reserve(sw_engine *eng, size_t more);
/* Both at once. */
int sw_evidence_add(sw_engine *eng, const sw_evidence_data *e, sw_buf *why);
/* The store, created when there is none yet; NULL when out of memory. */
struct sw_evidence *sw_evidence_store(sw_engine *eng);
/* Groups the store so each pupil's records are together (for evaluation)
   and, when `order`, sorts each pupil's records, with up to `jobs` threads. */
int sw_evidence_sort(sw_engine *eng, unsigned jobs, bool order);
/* The records of pupil p in the grouped store (n of them; NULL when none). */
const sw_record *sw_evidence_records(const sw_engine *eng, size_t p, size_t *n);
/* Frees the store and the adder's caches (eng->evidence, eng->adder). */
void sw_evidence_drop(sw_engine *eng);
/* The adder, created on first use; NULL when out of memory. */
struct sw_adder *sw_evidence_adder(sw_engine *eng);

/* load.c: reads an evidence file one row at a time (no threads), calling
   on_row(payload, path, line) after each accepted row, the record being the
   store's last; a status other than SW_OK stops the reading. The caller
   (sw_engine_evaluate_file) has begun the call. */
typedef int (*sw_row_fn)(void *payload, const char *path, uint64_t line);
int sw_load_rows(sw_engine *eng, const char *path, const sw_load_options *opts,
                 sw_load_stats *stats, sw_row_fn on_row, void *payload);
/* evidence.c: sorts one pupil's records by skill, date, input order;
   scratch grows to n records when needed (SW_ENOMEM when it cannot). */
int sw_records_sort(sw_record *recs, size_t n, sw_buf *scratch);

/* Dates: days since 1970-01-01 for a real calendar date "YYYY-MM-DD". */
bool sw_date_parse(int32_t *days, const char *s, size_t n);
void sw_date_format(char out[16], int32_t days);
/* dates.c: a day-first date (D/M/YYYY, DD/MM/YYYY) written as YYYY-MM-DD
   into iso: 1; 0 when s is already YYYY-MM-DD (left to sw_date_parse); -1
   with the reason in why when it is neither, impossible, or has a two-digit
   year. Allocates nothing. */
int sw_date_dmy(char iso[11], const char *s, size_t n, sw_buf *why);
/* A roster year written as a teacher would: 5, Year 5, Y5, yr 5, R, YR,
   Year R, Reception (ASCII case ignored); false for anything else or a year
   past SW_YEARS - 1. */
bool sw_year_parse(int *year, const char *s);

/* Years as they were (README.md, "Years as they were"; shared by the report
   and summaries, roster.c). The day the roster's years hold at: roster_date
   when it is a real date, else the newest evidence date on file; INT32_MIN
   when there is neither. */
int32_t sw_roster_day(const sw_engine *eng, const char *roster_date);
/* Academic years from `day` back to the roster's day (0 when day is not
   earlier, or roster is INT32_MIN). */
int sw_year_shift(int32_t roster, int32_t day);
/* A roster year `shift` academic years earlier: SW_NO_YEAR for none, or when
   the pupil would not yet have been at school. */
int sw_year_then(int year, int shift);

#endif
