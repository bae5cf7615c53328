/*
 * framework.c - the framework model: loading a framework JSON document,
 * checking every rule of format version 1 (frameworks/README.md), and the
 * read-only accessors of the public API.
 */
#include "internal.h"

#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* State of one load: where errors go and the path being walked. */
typedef struct loader {
	sw_diag *d;
	const sw_mem *m;
	const char *name;
	sw_jpath path;
	sw_framework *fw;
	int nomem;
} loader;

/* Records a rule error at the current path (plus `key` when not NULL). Control
   characters from the file's strings become '?', so that a message stays
   on one line and cannot send escape sequences to a terminal. */
static void rule_error(loader *L, const char *key, const char *fmt, ...) SW_PRINTF(3, 4);
static void rule_error(loader *L, const char *key, const char *fmt, ...)
{
	size_t old = key ? sw_jpath_key(&L->path, key) : L->path.len;
	sw_buf b;
	sw_buf_init(&b, L->m);
	va_list ap;
	va_start(ap, fmt);
	sw_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	const char *msg = sw_buf_cstr(&b);
	if (msg) {
		for (size_t i = 0; i < b.len; i++)
			if ((unsigned char)b.p[i] < 0x20 || b.p[i] == 0x7F)
				b.p[i] = '?';
		sw_diag_add(L->d, SW_EINVALID, L->name, 0, 0, L->path.buf, "%s", msg);
	} else {
		L->nomem = 1;
	}
	sw_buf_free(&b);
	sw_jpath_restore(&L->path, old);
}

#define ID_RULE "(1 to 64 lower-case letters, digits, '_', '.' or '-', starting with a " \
	"letter or digit)"

/* True when s is a valid identifier: ^[a-z0-9][a-z0-9_.-]{0,63}$ */
static bool valid_id(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		          (i > 0 && (c == '_' || c == '.' || c == '-'));
		if (!ok)
			return false;
	}
	return true;
}

/* Reports keys of obj that are neither in `allowed` (NULL-terminated) nor x- extensions. */
static void check_keys(loader *L, const cJSON *obj, const char *const *allowed)
{
	for (const cJSON *c = obj->child; c; c = c->next) {
		if (strncmp(c->string, "x-", 2) == 0)
			continue;
		bool known = false;
		for (const char *const *a = allowed; *a; a++)
			if (strcmp(*a, c->string) == 0)
				known = true;
		if (!known)
			rule_error(L, c->string, "unknown key (extension keys start with \"x-\")");
	}
}

/*
 * Reads string member `key` of obj into *out (NFC, allocated). A missing
 * key is an error when `required`; `kind` says what the string is: 0 text
 * (non-empty), 1 identifier, 2 text that may be empty.
 */
static void get_string(loader *L, const cJSON *obj, const char *key, bool required,
                       int kind, char **out)
{
	*out = NULL;
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!item) {
		if (required)
			rule_error(L, NULL, "missing required key \"%s\"", key);
		return;
	}
	if (!cJSON_IsString(item)) {
		rule_error(L, key, "must be a string");
		return;
	}
	const char *s = item->valuestring;
	size_t n = strlen(s);
	const char *t = s;
	size_t tn = n;
	sw_text_trim(&t, &tn);
	if (kind != 2 && tn == 0) {
		rule_error(L, key, n ? "must not be only white space" : "must not be empty");
		return;
	}
	int rc = sw_text_nfc(L->m, s, n, out, NULL);
	if (rc == SW_EINVALID) {
		rule_error(L, key, "not valid UTF-8");
		return;
	}
	if (rc == SW_ENOMEM) {
		L->nomem = 1;
		return;
	}
	if (kind == 1 && !valid_id(*out)) {
		rule_error(L, key, "\"%s\" is not a valid id " ID_RULE, *out);
		sw_mem_free(L->m, *out);
		*out = NULL;
	}
}

/* Reads integer member `key`; false (with an error) when missing or not an integer. */
static bool get_int(loader *L, const cJSON *obj, const char *key, bool required, int *out)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!item) {
		if (required)
			rule_error(L, NULL, "missing required key \"%s\"", key);
		return false;
	}
	if (!sw_json_int(item, out)) {
		if (cJSON_IsNumber(item) && item->valuedouble == floor(item->valuedouble))
			rule_error(L, key, "must be an integer from -2147483647 to 2147483647");
		else
			rule_error(L, key, "must be an integer");
		return false;
	}
	return true;
}

/* Returns array member `key`, reporting a wrong type; NULL when absent or wrong. */
static const cJSON *get_array(loader *L, const cJSON *obj, const char *key, bool required)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!item) {
		if (required)
			rule_error(L, NULL, "missing required key \"%s\"", key);
		return NULL;
	}
	if (!cJSON_IsArray(item)) {
		rule_error(L, key, "must be an array");
		return NULL;
	}
	return item;
}

/* Counts the elements of an array. */
static size_t array_len(const cJSON *a)
{
	size_t n = 0;
	for (const cJSON *c = a ? a->child : NULL; c; c = c->next)
		n++;
	return n;
}

/* Index of the group or stage with id in list, or -1. */
static int find_named(const sw_named *list, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (list[i].id && strcmp(list[i].id, id) == 0)
			return (int)i;
	return -1;
}

static const char *const GROUP_KEYS[] = { "id", "name", "description", NULL };
static const char *const STAGE_KEYS[] = { "id", "name", "first", "last", "description", NULL };

/* Loads the "groups" or "stages" list (stages when is_stage). */
static void load_named(loader *L, const cJSON *root, const char *key, bool is_stage,
                       sw_named **out, size_t *count)
{
	const cJSON *arr = get_array(L, root, key, false);
	size_t n = array_len(arr);
	*count = 0;
	if (!n)
		return;
	*out = sw_mem_calloc(L->m, n, sizeof **out);
	if (!*out) {
		L->nomem = 1;
		return;
	}
	size_t old = sw_jpath_key(&L->path, key);
	size_t i = 0;
	for (const cJSON *c = arr->child; c; c = c->next, i++) {
		size_t o2 = sw_jpath_index(&L->path, i);
		sw_named *e = &(*out)[i];
		e->first = e->last = SW_NO_STEP;
		if (!cJSON_IsObject(c)) {
			rule_error(L, NULL, "must be an object");
		} else {
			check_keys(L, c, is_stage ? STAGE_KEYS : GROUP_KEYS);
			get_string(L, c, "id", true, 1, &e->id);
			get_string(L, c, "name", true, 0, &e->name);
			char *desc = NULL; /* checked, not kept */
			get_string(L, c, "description", false, 2, &desc);
			sw_mem_free(L->m, desc);
			if (e->id && find_named(*out, i, e->id) >= 0)
				rule_error(L, "id", "\"%s\" is used by an earlier %s", e->id,
				           is_stage ? "stage" : "group");
			if (is_stage) {
				bool f = get_int(L, c, "first", true, &e->first);
				bool l = get_int(L, c, "last", true, &e->last);
				if (f && l && e->first > e->last)
					rule_error(L, NULL, "\"first\" (%d) is after \"last\" (%d)",
					           e->first, e->last);
				const sw_named *prev = i ? &(*out)[i - 1] : NULL;
				if (f && prev && prev->last != SW_NO_STEP && e->first <= prev->last)
					rule_error(L, "first", "stages must be ascending and not "
					           "overlap: %d is not after the previous stage's last step %d",
					           e->first, prev->last);
			}
		}
		sw_jpath_restore(&L->path, o2);
	}
	*count = n;
	sw_jpath_restore(&L->path, old);
}

static const char *const SKILL_KEYS[] = { "id", "name", "group", "aliases", "description",
	                                  "steps", NULL };
static const char *const STEP_KEYS[] = { "step", "label", "text", NULL };

/* Loads the steps of one skill (the path is at the skill). */
static void load_steps(loader *L, const cJSON *obj, sw_skill *sk)
{
	const cJSON *arr = get_array(L, obj, "steps", true);
	size_t n = array_len(arr);
	if (arr && n == 0)
		rule_error(L, "steps", "must not be empty");
	if (!n)
		return;
	sk->steps = sw_mem_calloc(L->m, n, sizeof *sk->steps);
	if (!sk->steps) {
		L->nomem = 1;
		return;
	}
	sk->step_count = n;
	size_t old = sw_jpath_key(&L->path, "steps");
	size_t i = 0;
	long long prev = SW_NO_STEP; /* the step number before this one, as far as known */
	bool ok = true;
	for (const cJSON *c = arr->child; c; c = c->next, i++) {
		size_t o2 = sw_jpath_index(&L->path, i);
		sw_step_def *st = &sk->steps[i];
		st->stage = -1;
		int num;
		if (!cJSON_IsObject(c)) {
			rule_error(L, NULL, "must be an object");
			ok = false;
		} else {
			check_keys(L, c, STEP_KEYS);
			if (get_int(L, c, "step", true, &num)) {
				if (prev != SW_NO_STEP && num != prev + 1) {
					rule_error(L, "step", "steps must be ascending and consecutive: "
					           "expected %lld, found %d", prev + 1, num);
					ok = false;
				}
				if (i == 0)
					sk->min = num;
				prev = num;
			} else {
				ok = false;
				if (prev != SW_NO_STEP)
					prev++; /* check the next step against the expected number */
			}
			get_string(L, c, "label", true, 0, &st->label);
			get_string(L, c, "text", false, 2, &st->text);
		}
		sw_jpath_restore(&L->path, o2);
	}
	sw_jpath_restore(&L->path, old);
	if (ok)
		sk->max = (int)prev;
	else
		sk->min = 0, sk->max = -1; /* no valid range: range checks are skipped */
}

/* Loads one skill object (the path is at it). */
static void load_skill(loader *L, const cJSON *obj, sw_skill *sk)
{
	sk->group = -1;
	sk->min = 0;
	sk->max = -1;
	if (!cJSON_IsObject(obj)) {
		rule_error(L, NULL, "must be an object");
		return;
	}
	check_keys(L, obj, SKILL_KEYS);
	get_string(L, obj, "id", true, 1, &sk->id);
	get_string(L, obj, "name", true, 0, &sk->name);
	get_string(L, obj, "description", false, 2, &sk->description);
	char *group = NULL;
	get_string(L, obj, "group", false, 1, &group);
	if (group) {
		sk->group = find_named(L->fw->groups, L->fw->group_count, group);
		if (sk->group < 0)
			rule_error(L, "group", "\"%s\" is not a declared group", group);
		sw_mem_free(L->m, group);
	}
	const cJSON *aliases = get_array(L, obj, "aliases", false);
	size_t na = array_len(aliases);
	if (na) {
		sk->aliases = sw_mem_calloc(L->m, na, sizeof *sk->aliases);
		if (!sk->aliases) {
			L->nomem = 1;
			return;
		}
		sk->alias_count = na; /* an invalid alias leaves its slot NULL */
		size_t old = sw_jpath_key(&L->path, "aliases");
		size_t i = 0;
		for (const cJSON *c = aliases->child; c; c = c->next, i++) {
			size_t o2 = sw_jpath_index(&L->path, i);
			if (!cJSON_IsString(c))
				rule_error(L, NULL, "must be a string");
			else if (!valid_id(c->valuestring))
				rule_error(L, NULL, "\"%s\" is not a valid id " ID_RULE, c->valuestring);
			else if (!(sk->aliases[i] = sw_mem_strdup(L->m, c->valuestring)))
				L->nomem = 1;
			sw_jpath_restore(&L->path, o2);
		}
		sw_jpath_restore(&L->path, old);
	}
	load_steps(L, obj, sk);
}

/* Checks that skill ids and aliases are unique together (path at $.skills). */
static void check_unique_ids(loader *L)
{
	sw_framework *fw = L->fw;
	for (size_t i = 0; i < fw->skill_count; i++) {
		sw_skill *sk = &fw->skills[i];
		for (size_t a = 0; a <= sk->alias_count; a++) {
			const char *id = a == 0 ? sk->id : sk->aliases[a - 1];
			if (!id)
				continue;
			/* compare with every earlier id or alias */
			bool dup = false;
			size_t j, b = 0;
			for (j = 0; j <= i && !dup; j++) {
				sw_skill *o = &fw->skills[j];
				size_t lim = j == i ? a : o->alias_count + 1;
				for (b = 0; b < lim && !dup; b++) {
					const char *other = b == 0 ? o->id : o->aliases[b - 1];
					dup = other && strcmp(other, id) == 0;
				}
			}
			if (dup) {
				j--, b--; /* the loops stepped past the match */
				char first[80]; /* where the id or alias was first used */
				if (b == 0)
					snprintf(first, sizeof first, "$.skills[%zu].id", j);
				else
					snprintf(first, sizeof first, "$.skills[%zu].aliases[%zu]", j, b - 1);
				size_t old = sw_jpath_index(&L->path, i);
				if (a == 0) {
					rule_error(L, "id", "\"%s\" is already used at %s (skill ids "
					           "and aliases must all differ)", id, first);
				} else {
					size_t o2 = sw_jpath_key(&L->path, "aliases");
					sw_jpath_index(&L->path, a - 1);
					rule_error(L, NULL, "\"%s\" is already used at %s (skill ids "
					           "and aliases must all differ)", id, first);
					sw_jpath_restore(&L->path, o2);
				}
				sw_jpath_restore(&L->path, old);
			}
		}
	}
}

/* True when step is inside the skill's range (always true for a skill whose steps failed). */
static bool in_range(const sw_skill *sk, int step)
{
	return sk->max < sk->min || (step >= sk->min && step <= sk->max);
}

static const char *const EXPECT_KEYS[] = { "year", "step", "skills", NULL };

/* Loads "expectations" into fw->expected. */
static void load_expectations(loader *L, const cJSON *root)
{
	sw_framework *fw = L->fw;
	size_t cells = fw->skill_count * SW_YEARS;
	fw->expected = sw_mem_calloc(L->m, cells ? cells : 1, sizeof(int));
	if (!fw->expected) {
		L->nomem = 1;
		return;
	}
	for (size_t i = 0; i < cells; i++)
		fw->expected[i] = SW_NO_STEP;
	const cJSON *arr = get_array(L, root, "expectations", false);
	if (!arr)
		return;
	bool seen[SW_YEARS] = { false };
	size_t old = sw_jpath_key(&L->path, "expectations");
	size_t i = 0;
	for (const cJSON *c = arr->child; c; c = c->next, i++) {
		size_t o2 = sw_jpath_index(&L->path, i);
		int year, step;
		if (!cJSON_IsObject(c)) {
			rule_error(L, NULL, "must be an object");
			goto next;
		}
		check_keys(L, c, EXPECT_KEYS);
		bool has_year = get_int(L, c, "year", true, &year);
		if (has_year && (year < 0 || year >= SW_YEARS)) {
			rule_error(L, "year", "must be from 0 (Reception) to %d, not %d", SW_YEARS - 1, year);
			has_year = false;
		}
		if (has_year && seen[year]) {
			rule_error(L, "year", "year %d already has expectations", year);
			has_year = false;
		}
		if (has_year)
			seen[year] = true;
		const cJSON *skills = cJSON_GetObjectItemCaseSensitive(c, "skills");
		bool has_step = cJSON_GetObjectItemCaseSensitive(c, "step") != NULL;
		if (has_step && !get_int(L, c, "step", false, &step))
			has_step = false;
		else if (!has_step && !skills)
			rule_error(L, NULL, "needs \"step\" or \"skills\"");
		bool *over = sw_mem_calloc(L->m, fw->skill_count ? fw->skill_count : 1, sizeof(bool));
		if (!over) {
			L->nomem = 1;
			goto next;
		}
		if (skills && !cJSON_IsObject(skills)) {
			rule_error(L, "skills", "must be an object of skill ids and steps");
		} else if (skills) {
			size_t o3 = sw_jpath_key(&L->path, "skills");
			for (const cJSON *s = skills->child; s; s = s->next) {
				size_t o4 = sw_jpath_key(&L->path, s->string);
				const sw_skill *sk = NULL;
				for (size_t k = 0; k < fw->skill_count && !sk; k++) {
					const sw_skill *t = &fw->skills[k];
					if (t->id && strcmp(t->id, s->string) == 0)
						sk = t;
					for (size_t a = 0; a < t->alias_count && !sk; a++)
						if (t->aliases[a] && strcmp(t->aliases[a], s->string) == 0)
							sk = t;
				}
				int v;
				if (!sk)
					rule_error(L, NULL, "\"%s\" is not a skill of this framework", s->string);
				else if (!sw_json_int(s, &v))
					rule_error(L, NULL, "must be an integer");
				else if (!in_range(sk, v))
					rule_error(L, NULL, "step %d is outside skill \"%s\" (%d to %d)", v,
					           sk->id, sk->min, sk->max);
				else {
					over[sk->index] = true;
					if (has_year)
						fw->expected[sk->index * SW_YEARS + (size_t)year] = v;
				}
				sw_jpath_restore(&L->path, o4);
			}
			sw_jpath_restore(&L->path, o3);
		}
		if (has_step) {
			for (size_t k = 0; k < fw->skill_count; k++) {
				const sw_skill *sk = &fw->skills[k];
				if (over[k])
					continue;
				if (!in_range(sk, step))
					rule_error(L, "step", "step %d is outside skill \"%s\" (%d to %d)",
					           step, sk->id ? sk->id : "?", sk->min, sk->max);
				else if (has_year)
					fw->expected[k * SW_YEARS + (size_t)year] = step;
			}
		}
		sw_mem_free(L->m, over);
	next:
		sw_jpath_restore(&L->path, o2);
	}
	sw_jpath_restore(&L->path, old);
}

/* Orders the matching keys. */
static int cmp_fw_key(const void *a, const void *b)
{
	return strcmp(((const sw_fw_key *)a)->key, ((const sw_fw_key *)b)->key);
}

/* Adds one matching key for skill k; reports a name clash with another skill
   at $.skills[k] plus `key` (or .aliases[alias] when key is NULL). */
static void add_key(loader *L, size_t k, const char *text, const char *key_name, size_t alias)
{
	sw_framework *fw = L->fw;
	sw_buf b;
	sw_buf_init(&b, L->m);
	if (!sw_text_key(&b, text, strlen(text)) || b.failed) {
		sw_buf_free(&b);
		L->nomem = 1;
		return;
	}
	char *key = sw_buf_take(&b);
	if (!key) {
		L->nomem = 1;
		return;
	}
	for (size_t i = 0; i < fw->key_count; i++) {
		if (strcmp(fw->keys[i].key, key) == 0) {
			if (fw->keys[i].skill != k) {
				size_t old = sw_jpath_index(&L->path, k);
				if (!key_name) {
					sw_jpath_key(&L->path, "aliases");
					sw_jpath_index(&L->path, alias);
				}
				rule_error(L, key_name, "\"%s\" cannot be told apart from skill \"%s\" "
				           "(names, ids and aliases are matched ignoring case, spaces, "
				           "'_' and '-')", text, fw->skills[fw->keys[i].skill].id);
				sw_jpath_restore(&L->path, old);
			}
			sw_mem_free(L->m, key);
			return;
		}
	}
	fw->keys[fw->key_count].key = key;
	fw->keys[fw->key_count].skill = k;
	fw->key_count++;
}

/* Builds the sorted index of ids, aliases and names used to match evidence. */
static void build_keys(loader *L)
{
	sw_framework *fw = L->fw;
	size_t n = 0;
	for (size_t k = 0; k < fw->skill_count; k++)
		n += 2 + fw->skills[k].alias_count;
	fw->keys = sw_mem_calloc(L->m, n ? n : 1, sizeof *fw->keys);
	if (!fw->keys) {
		L->nomem = 1;
		return;
	}
	size_t old = sw_jpath_key(&L->path, "skills");
	for (size_t k = 0; k < fw->skill_count && !L->nomem; k++) {
		const sw_skill *sk = &fw->skills[k];
		add_key(L, k, sk->id, "id", 0);
		for (size_t a = 0; a < sk->alias_count; a++)
			add_key(L, k, sk->aliases[a], NULL, a);
		add_key(L, k, sk->name, "name", 0);
	}
	sw_jpath_restore(&L->path, old);
	qsort(fw->keys, fw->key_count, sizeof *fw->keys, cmp_fw_key);
}

/* Marks each step with the stage it falls in; checks stages lie inside the steps. */
static void link_stages(loader *L)
{
	sw_framework *fw = L->fw;
	int lo = SW_NO_STEP, hi = SW_NO_STEP;
	if (fw->skill_count == 0)
		return; /* "skills" is missing or empty: already an error */
	for (size_t k = 0; k < fw->skill_count; k++) {
		const sw_skill *sk = &fw->skills[k];
		if (sk->max < sk->min)
			return;
		if (lo == SW_NO_STEP || sk->min < lo)
			lo = sk->min;
		if (hi == SW_NO_STEP || sk->max > hi)
			hi = sk->max;
	}
	size_t old = sw_jpath_key(&L->path, "stages");
	for (size_t s = 0; s < fw->stage_count; s++) {
		const sw_named *st = &fw->stages[s];
		if (st->first == SW_NO_STEP || st->last == SW_NO_STEP)
			continue;
		size_t o2 = sw_jpath_index(&L->path, s);
		if (st->first < lo || st->last > hi)
			rule_error(L, NULL, "steps %d to %d go outside the framework's steps (%d to %d)",
			           st->first, st->last, lo, hi);
		sw_jpath_restore(&L->path, o2);
		for (size_t k = 0; k < fw->skill_count; k++) {
			sw_skill *sk = &fw->skills[k];
			for (size_t j = 0; j < sk->step_count; j++) {
				long long v = (long long)sk->min + (long long)j;
				if (v >= st->first && v <= st->last)
					sk->steps[j].stage = (int)s;
			}
		}
	}
	sw_jpath_restore(&L->path, old);
}

static const char *const ROOT_KEYS[] = { "format", "format_version", "id", "name", "version",
	"attribution", "license", "description", "groups", "stages", "skills", "expectations",
	NULL };

/* Checks and copies the whole document into L->fw. */
static void load_root(loader *L, const cJSON *root)
{
	sw_framework *fw = L->fw;
	if (!cJSON_IsObject(root)) {
		rule_error(L, NULL, "a framework must be a JSON object");
		return;
	}
	check_keys(L, root, ROOT_KEYS);
	char *format = NULL;
	get_string(L, root, "format", true, 0, &format);
	if (format && strcmp(format, "stepwise-framework") != 0)
		rule_error(L, "format", "must be \"stepwise-framework\", not \"%s\"", format);
	sw_mem_free(L->m, format);
	const cJSON *fv = cJSON_GetObjectItemCaseSensitive(root, "format_version");
	int v;
	if (!fv)
		rule_error(L, NULL, "missing required key \"format_version\"");
	else if (!sw_json_int(fv, &v) || v != 1)
		rule_error(L, "format_version", "must be the integer 1 (the only version this "
		           "Stepwise reads)");
	get_string(L, root, "id", true, 1, &fw->id);
	get_string(L, root, "name", true, 0, &fw->name);
	get_string(L, root, "version", false, 0, &fw->version);
	get_string(L, root, "attribution", false, 0, &fw->attribution);
	get_string(L, root, "license", false, 0, &fw->license);
	char *desc = NULL;
	get_string(L, root, "description", false, 2, &desc);
	sw_mem_free(L->m, desc);
	load_named(L, root, "groups", false, &fw->groups, &fw->group_count);
	load_named(L, root, "stages", true, &fw->stages, &fw->stage_count);
	const cJSON *skills = get_array(L, root, "skills", true);
	size_t n = array_len(skills);
	if (skills && n == 0)
		rule_error(L, "skills", "must not be empty");
	if (n) {
		fw->skills = sw_mem_calloc(L->m, n, sizeof *fw->skills);
		if (!fw->skills) {
			L->nomem = 1;
			return;
		}
		fw->skill_count = n;
		size_t old = sw_jpath_key(&L->path, "skills");
		size_t i = 0;
		for (const cJSON *c = skills->child; c; c = c->next, i++) {
			fw->skills[i].index = i;
			fw->skills[i].fw = fw;
			size_t o2 = sw_jpath_index(&L->path, i);
			load_skill(L, c, &fw->skills[i]);
			sw_jpath_restore(&L->path, o2);
		}
		check_unique_ids(L);
		sw_jpath_restore(&L->path, old);
	}
	link_stages(L);
	load_expectations(L, root);
}

int sw_fw_load(sw_framework **out, sw_diag *d, const sw_mem *m, const char *name,
               const char *data, size_t len)
{
	*out = NULL;
	cJSON *root = NULL;
	size_t before = d->total;
	int rc = sw_json_parse(&root, d, name, data, len, SW_FRAMEWORK_MAX_BYTES,
	                       SW_FRAMEWORK_MAX_DEPTH);
	if (rc)
		return rc;
	loader L = { .d = d, .m = m, .name = name };
	sw_jpath_init(&L.path);
	L.fw = sw_mem_calloc(m, 1, sizeof *L.fw);
	if (!L.fw) {
		cJSON_Delete(root);
		return sw_diag_add(d, SW_ENOMEM, name, 0, 0, NULL, "out of memory");
	}
	L.fw->m = m;
	load_root(&L, root);
	cJSON_Delete(root);
	if (d->total == before && !L.nomem)
		build_keys(&L);
	if (L.nomem || d->oom) {
		sw_fw_free(L.fw);
		return sw_diag_add(d, SW_ENOMEM, name, 0, 0, NULL, "out of memory");
	}
	if (d->total != before) {
		sw_fw_free(L.fw);
		return SW_EINVALID;
	}
	*out = L.fw;
	return SW_OK;
}

void sw_fw_free(sw_framework *fw)
{
	if (!fw)
		return;
	const sw_mem *m = fw->m;
	sw_mem_free(m, fw->id);
	sw_mem_free(m, fw->name);
	sw_mem_free(m, fw->version);
	sw_mem_free(m, fw->attribution);
	sw_mem_free(m, fw->license);
	for (size_t i = 0; i < fw->group_count; i++) {
		sw_mem_free(m, fw->groups[i].id);
		sw_mem_free(m, fw->groups[i].name);
	}
	for (size_t i = 0; i < fw->stage_count; i++) {
		sw_mem_free(m, fw->stages[i].id);
		sw_mem_free(m, fw->stages[i].name);
	}
	sw_mem_free(m, fw->groups);
	sw_mem_free(m, fw->stages);
	for (size_t i = 0; i < fw->skill_count; i++) {
		sw_skill *sk = &fw->skills[i];
		sw_mem_free(m, sk->id);
		sw_mem_free(m, sk->name);
		sw_mem_free(m, sk->description);
		for (size_t a = 0; a < sk->alias_count; a++)
			sw_mem_free(m, sk->aliases[a]);
		sw_mem_free(m, sk->aliases);
		for (size_t s = 0; s < sk->step_count; s++) {
			sw_mem_free(m, sk->steps[s].label);
			sw_mem_free(m, sk->steps[s].text);
		}
		sw_mem_free(m, sk->steps);
	}
	sw_mem_free(m, fw->skills);
	sw_mem_free(m, fw->expected);
	for (size_t i = 0; i < fw->key_count; i++)
		sw_mem_free(m, fw->keys[i].key);
	sw_mem_free(m, fw->keys);
	sw_mem_free(m, fw);
}
