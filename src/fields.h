/* fields.h - the pupil and evidence fields described once (fields.c), and
   the one reader of a JSON object or flat JSON record into sw_pupil_data or
   sw_evidence_data, shared by the data files (rows.c) and the service
   (service.c, service_ops.c, service_check.c). Prefix sw_field_. */
#ifndef SW_FIELDS_H
#define SW_FIELDS_H
#include "internal.h"
#include "flatjson.h"

struct cJSON;
struct sw_record;
struct sw_intern;

/* How a field is written: text (JSON string or null), a whole number, or a
   list of texts (a JSON array of strings; in CSV separated by ';'). */
enum { SW_FIELD_TEXT, SW_FIELD_INT, SW_FIELD_LIST };

/* One field of a pupil or an evidence record. */
typedef struct sw_field {
	const char *name;          /* CSV column (any case) and JSON key (exact) */
	size_t len;                /* strlen(name) */
	int type;                  /* SW_FIELD_* */
	bool required;             /* a CSV file must have the column */
	size_t data;               /* offsetof the field in sw_pupil_data / sw_evidence_data */
	const char *const *words;  /* the words it allows (first: the default), or NULL */
	size_t nwords;
	size_t kept;               /* offsetof where it is kept: in sw_record (evidence)
	                              or sw_pupil; SW_FIELD_ELSEWHERE for groups */
	const char *show;          /* how `explain` shows it after a record's date (a
	                              printf format for its text), or NULL */
} sw_field;
#define SW_FIELD_ELSEWHERE ((size_t)-1)

#define SW_PUPIL_FIELDS 6
#define SW_EVIDENCE_FIELDS 9
/* Where the evidence fields with words stand in sw_evidence_fields. */
#define SW_FIELD_OUTCOME 4
#define SW_FIELD_SOURCE 5
/* In the order of the messages that name them: the required ones first. */
extern const sw_field sw_pupil_fields[SW_PUPIL_FIELDS];
extern const sw_field sw_evidence_fields[SW_EVIDENCE_FIELDS];

/* A whole decimal number (optional sign) from trimmed text, within an int. */
bool sw_field_parse_int(const char *s, int *out);
/* Evidence field f of a stored record as text (num: 16 bytes of room for a
   number; texts from the store's `text`); NULL when the record has none. */
const char *sw_field_record_text(const sw_field *f, const struct sw_record *r,
                                 const struct sw_intern *text, char *num);
/* The index of the field called name (ASCII case ignored) in list[0..n), or -1. */
int sw_field_find(const sw_field *list, size_t n, const char *name);
/* Where field f of the caller's sw_pupil_data or sw_evidence_data is kept. */
static inline const char **sw_field_text_at(void *data, const sw_field *f)
{
	return (const char **)(void *)((char *)data + f->data);
}
static inline int *sw_field_int_at(void *data, const sw_field *f)
{
	return (int *)(void *)((char *)data + f->data);
}

/* A whole number too large for an int, kept for its message. */
typedef struct sw_field_big {
	double value;
	bool is;
} sw_field_big;

/* A string or null member into *out (NULL when absent or null); false with
   the reason in why for another type. */
bool sw_field_json_text(sw_buf *why, const struct cJSON *obj, const char *key, const char **out);
/* A whole-number member (absent or null: *present false); false with the
   reason. A whole number too large for an int is INT_MAX or INT_MIN with
   big set, or (big NULL) a number that is not an integer. */
bool sw_field_json_int(sw_buf *why, const struct cJSON *obj, const char *key, int *out,
                       bool *present, sw_field_big *big);
/* Text for a string, number, true or false (num: 32 bytes of room); NULL otherwise. */
const char *sw_field_scalar(const struct cJSON *v, char *num);

/* Room for a pupil's groups and extra fields, read from one JSON object. */
#define SW_FIELD_MAX 256
typedef struct sw_pupil_room {
	const char *groups[SW_FIELD_MAX], *names[SW_FIELD_MAX], *values[SW_FIELD_MAX];
	char numbers[SW_FIELD_MAX][32];
} sw_pupil_room;

/* Fills p from a JSON pupil object (texts point into obj and room): SW_OK,
   or SW_EREJECTED with the reason in why. */
int sw_field_json_pupil(sw_pupil_data *p, sw_pupil_room *room, const struct cJSON *obj,
                        sw_buf *why);
/* Fills e from a JSON evidence object; a missing or null "pupil" is
   `pupil`, and when that is NULL too the reason is `no_pupil`. With `fw`,
   a step too large for an int is refused in its skill's terms. SW_OK, or
   SW_EREJECTED with the reason in why. */
int sw_field_json_evidence(sw_evidence_data *e, const struct cJSON *obj, const char *pupil,
                           const char *no_pupil, const sw_framework *fw, sw_buf *why);
/* The fast path: fills e from a record read by sw_flat_parse when it has
   the usual shape (strings or null, an integer step, a pupil). 1: filled;
   0: the record needs sw_field_json_evidence for its reason; -1: refused
   with the reason in why (a text that is not UTF-8 or holds \u0000). With
   `strict` (the service), a key given twice or \u0000 is left to the full
   reader (0); otherwise the first of repeated keys counts. */
int sw_field_flat_evidence(sw_evidence_data *e, const sw_flat *f, const char *pupil,
                           bool strict, sw_buf *why);
#endif
