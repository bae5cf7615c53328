/*
 * framework.c - the framework model: loading a framework JSON document,
 * checking every rule of format version 1 (frameworks/README.md), and the
 * read-only accessors of the public API.
 */
#include "internal.h"
#include "fwload.h"

#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sw_fwl_rule_error(loader *L, const char *key, const char *fmt, ...)
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
		sw_text_mask_controls(b.p, b.len);
		sw_diag_add(L->d, SW_EINVALID, L->name, 0, 0, L->path.buf, "%s", msg);
	} else {
		L->nomem = 1;
	}
	sw_buf_free(&b);
	sw_jpath_restore(&L->path, old);
}

#define ID_RULE "(1 to 64 lower-case letters, digits, '_', '.' or '-', starting with a " \
	"letter or digit)"

void sw_fwl_check_keys(loader *L, const cJSON *obj, const char *const *allowed)
{
	for (const cJSON *c = obj->child; c; c = c->next) {
		if (strncmp(c->string, "x-", 2) == 0)
			continue;
		bool known = false;
		for (const char *const *a = allowed; *a; a++)
			if (strcmp(*a, c->string) == 0)
				known = true;
		if (!known)
			sw_fwl_rule_error(L, c->string, "unknown key (extension keys start with \"x-\")");
	}
}

/* Member `key` of obj, or NULL when it is absent (an error when `required`). */
static const cJSON *get_member(loader *L, const cJSON *obj, const char *key, bool required)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!item && required)
		sw_fwl_rule_error(L, NULL, "missing required key \"%s\"", key);
	return item;
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
	const cJSON *item = get_member(L, obj, key, required);
	if (!item || (!required && cJSON_IsNull(item)))
		return; /* null is absent, as sw_framework_json writes it */
	if (!cJSON_IsString(item)) {
		sw_fwl_rule_error(L, key, "must be a string");
		return;
	}
	const char *s = item->valuestring;
	size_t n = strlen(s);
	const char *t = s;
	size_t tn = n;
	sw_text_trim(&t, &tn);
	if (kind != 2 && tn == 0) {
		sw_fwl_rule_error(L, key, n ? "must not be only white space" : "must not be empty");
		return;
	}
	int rc = sw_text_nfc(L->m, s, n, out, NULL);
	if (rc == SW_EINVALID) {
		sw_fwl_rule_error(L, key, "not valid UTF-8");
		return;
	}
	if (rc == SW_ENOMEM) {
		L->nomem = 1;
		return;
	}
	if (kind == 1 && !sw_text_id(*out)) {
		sw_fwl_rule_error(L, key, "\"%s\" is not a valid id " ID_RULE, *out);
		sw_mem_free(L->m, *out);
		*out = NULL;
	}
}

bool sw_fwl_get_int(loader *L, const cJSON *obj, const char *key, bool required, int *out)
{
	const cJSON *item = get_member(L, obj, key, required);
	if (!item)
		return false;
	if (!sw_json_int(item, out)) {
		if (cJSON_IsNumber(item) && item->valuedouble == floor(item->valuedouble))
			sw_fwl_rule_error(L, key, "must be an integer from -2147483647 to 2147483647");
		else
			sw_fwl_rule_error(L, key, "must be an integer");
		return false;
	}
	return true;
}

const cJSON *sw_fwl_get_array(loader *L, const cJSON *obj, const char *key, bool required)
{
	const cJSON *item = get_member(L, obj, key, required);
	if (item && !cJSON_IsArray(item)) {
		sw_fwl_rule_error(L, key, "must be an array");
		return NULL;
	}
	return item;
}

/* Array member `key` of obj (sw_fwl_get_array; when `required`, also not
   empty), its length in *n, and in *out a zeroed array of that many items
   of `size` bytes: NULL when there are none or memory ran out. */
static const cJSON *get_list(loader *L, const cJSON *obj, const char *key, bool required,
                             void **out, size_t size, size_t *n)
{
	const cJSON *arr = sw_fwl_get_array(L, obj, key, required);
	*n = (size_t)cJSON_GetArraySize(arr); /* 0 for NULL */
	if (arr && required && !*n)
		sw_fwl_rule_error(L, key, "must not be empty");
	*out = *n ? sw_mem_calloc(L->m, *n, size) : NULL;
	if (*n && !*out)
		L->nomem = 1;
	return arr;
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
	size_t n;
	const cJSON *arr = get_list(L, root, key, false, (void **)out, sizeof **out, &n);
	*count = 0;
	if (!*out)
		return;
	size_t old = sw_jpath_key(&L->path, key);
	size_t i = 0;
	for (const cJSON *c = arr->child; c; c = c->next, i++) {
		size_t o2 = sw_jpath_index(&L->path, i);
		sw_named *e = &(*out)[i];
		e->first = e->last = SW_NO_STEP;
		if (!cJSON_IsObject(c)) {
			sw_fwl_rule_error(L, NULL, "must be an object");
		} else {
			sw_fwl_check_keys(L, c, is_stage ? STAGE_KEYS : GROUP_KEYS);
			get_string(L, c, "id", true, 1, &e->id);
			get_string(L, c, "name", true, 0, &e->name);
			char *desc = NULL; /* checked, not kept */
			get_string(L, c, "description", false, 2, &desc);
			sw_mem_free(L->m, desc);
			if (e->id && find_named(*out, i, e->id) >= 0)
				sw_fwl_rule_error(L, "id", "\"%s\" is used by an earlier %s", e->id,
				           is_stage ? "stage" : "group");
			if (is_stage) {
				bool f = sw_fwl_get_int(L, c, "first", true, &e->first);
				bool l = sw_fwl_get_int(L, c, "last", true, &e->last);
				if (f && l && e->first > e->last)
					sw_fwl_rule_error(L, NULL, "\"first\" (%d) is after \"last\" (%d)",
					           e->first, e->last);
				const sw_named *prev = i ? &(*out)[i - 1] : NULL;
				if (f && prev && prev->last != SW_NO_STEP && e->first <= prev->last)
					sw_fwl_rule_error(L, "first", "stages must be ascending and not "
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
	                                  "steps", "min", "max", "home", NULL };
static const char *const STEP_KEYS[] = { "step", "label", "text", "stage", NULL };

/*
 * The keys sw_framework_json adds that a file need not have: a step's
 * "stage" (an id or null) must name the stage its number falls in.
 */
static void check_step_stage(loader *L, const cJSON *step, int num)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(step, "stage");
	if (!item)
		return;
	const char *want = NULL;
	for (size_t s = 0; s < L->fw->stage_count; s++)
		if (L->fw->stages[s].id && L->fw->stages[s].first <= num &&
		    num <= L->fw->stages[s].last)
			want = L->fw->stages[s].id;
	if (cJSON_IsNull(item) ? want != NULL
	                       : !cJSON_IsString(item) || !want || strcmp(item->valuestring, want))
		sw_fwl_rule_error(L, "stage", "must be %s%s%s, the stage step %d falls in",
		                  want ? "\"" : "", want ? want : "null", want ? "\"" : "", num);
}

/* A skill's "min" and "max", when given, must be its first and last step. */
static void check_range_key(loader *L, const cJSON *obj, const char *key, int want)
{
	int v;
	if (sw_fwl_get_int(L, obj, key, false, &v) && v != want)
		sw_fwl_rule_error(L, key, "must be %d, the skill's %s step", want,
		                  strcmp(key, "min") ? "last" : "first");
}
static const char *const HOME_KEYS[] = { "first", "last", "text", NULL };

/* Loads a skill's optional "home" lines: [{"first", "last", "text"}], ascending. */
static void load_home(loader *L, const cJSON *obj, sw_skill *sk)
{
	size_t n;
	const cJSON *arr = get_list(L, obj, "home", false, (void **)&sk->home, sizeof *sk->home, &n);
	if (!sk->home)
		return;
	sk->home_count = n;
	size_t old = sw_jpath_key(&L->path, "home");
	size_t i = 0;
	for (const cJSON *c = arr->child; c; c = c->next, i++) {
		size_t o2 = sw_jpath_index(&L->path, i);
		sw_home *h = &sk->home[i];
		if (!cJSON_IsObject(c)) {
			sw_fwl_rule_error(L, NULL, "must be an object");
		} else {
			sw_fwl_check_keys(L, c, HOME_KEYS);
			bool f = sw_fwl_get_int(L, c, "first", true, &h->first);
			bool l = sw_fwl_get_int(L, c, "last", true, &h->last);
			get_string(L, c, "text", true, 0, &h->text);
			if (f && l && h->first > h->last)
				sw_fwl_rule_error(L, NULL, "\"first\" (%d) is after \"last\" (%d)",
				                  h->first, h->last);
			else if (f && i && h->first <= sk->home[i - 1].last)
				sw_fwl_rule_error(L, "first", "bands must be ascending and not overlap: %d is "
				                  "not after the previous band's last step %d", h->first,
				                  sk->home[i - 1].last);
		}
		sw_jpath_restore(&L->path, o2);
	}
	sw_jpath_restore(&L->path, old);
}

/* Loads the steps of one skill (the path is at the skill). */
static void load_steps(loader *L, const cJSON *obj, sw_skill *sk)
{
	size_t n;
	const cJSON *arr = get_list(L, obj, "steps", true, (void **)&sk->steps, sizeof *sk->steps, &n);
	if (!sk->steps)
		return;
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
			sw_fwl_rule_error(L, NULL, "must be an object");
			ok = false;
		} else {
			sw_fwl_check_keys(L, c, STEP_KEYS);
			if (sw_fwl_get_int(L, c, "step", true, &num)) {
				if (prev != SW_NO_STEP && num != prev + 1) {
					sw_fwl_rule_error(L, "step", "steps must be ascending and consecutive: "
					           "expected %lld, found %d", prev + 1, num);
					ok = false;
				}
				if (i == 0)
					sk->min = num;
				prev = num;
				check_step_stage(L, c, num);
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
	if (ok) {
		sk->max = (int)prev;
		check_range_key(L, obj, "min", sk->min);
		check_range_key(L, obj, "max", sk->max);
	} else {
		sk->min = 0, sk->max = -1; /* no valid range: range checks are skipped */
	}
}

/* Loads one skill object (the path is at it). */
static void load_skill(loader *L, const cJSON *obj, sw_skill *sk)
{
	sk->group = -1;
	sk->min = 0;
	sk->max = -1;
	if (!cJSON_IsObject(obj)) {
		sw_fwl_rule_error(L, NULL, "must be an object");
		return;
	}
	sw_fwl_check_keys(L, obj, SKILL_KEYS);
	get_string(L, obj, "id", true, 1, &sk->id);
	get_string(L, obj, "name", true, 0, &sk->name);
	get_string(L, obj, "description", false, 2, &sk->description);
	load_home(L, obj, sk);
	char *group = NULL;
	get_string(L, obj, "group", false, 1, &group);
	if (group) {
		sk->group = find_named(L->fw->groups, L->fw->group_count, group);
		if (sk->group < 0)
			sw_fwl_rule_error(L, "group", "\"%s\" is not a declared group", group);
		sw_mem_free(L->m, group);
	}
	size_t na;
	const cJSON *aliases = get_list(L, obj, "aliases", false, (void **)&sk->aliases,
	                                sizeof *sk->aliases, &na);
	if (na && !sk->aliases)
		return;
	sk->alias_count = na; /* an invalid alias leaves its slot NULL */
	size_t old = sw_jpath_key(&L->path, "aliases");
	size_t i = 0;
	for (const cJSON *c = na ? aliases->child : NULL; c; c = c->next, i++) {
		size_t o2 = sw_jpath_index(&L->path, i);
		if (!cJSON_IsString(c))
			sw_fwl_rule_error(L, NULL, "must be a string");
		else if (!sw_text_id(c->valuestring))
			sw_fwl_rule_error(L, NULL, "\"%s\" is not a valid id " ID_RULE, c->valuestring);
		else if (!(sk->aliases[i] = sw_mem_strdup(L->m, c->valuestring)))
			L->nomem = 1;
		sw_jpath_restore(&L->path, o2);
	}
	sw_jpath_restore(&L->path, old);
	load_steps(L, obj, sk);
}

static const char *const ROOT_KEYS[] = { "format", "format_version", "id", "name", "version",
	"attribution", "license", "description", "groups", "stages", "skills", "expectations",
	"expectations_indicative", NULL };

/* Checks and copies the whole document into L->fw. */
static void load_root(loader *L, const cJSON *root)
{
	sw_framework *fw = L->fw;
	if (!cJSON_IsObject(root)) {
		sw_fwl_rule_error(L, NULL, "a framework must be a JSON object");
		return;
	}
	sw_fwl_check_keys(L, root, ROOT_KEYS);
	char *format = NULL;
	get_string(L, root, "format", true, 0, &format);
	if (format && strcmp(format, "stepwise-framework") != 0)
		sw_fwl_rule_error(L, "format", "must be \"stepwise-framework\", not \"%s\"", format);
	sw_mem_free(L->m, format);
	const cJSON *fv = get_member(L, root, "format_version", true);
	int v;
	if (fv && (!sw_json_int(fv, &v) || v != 1))
		sw_fwl_rule_error(L, "format_version", "must be the integer 1 (the only version this "
		           "Stepwise reads)");
	get_string(L, root, "id", true, 1, &fw->id);
	get_string(L, root, "name", true, 0, &fw->name);
	get_string(L, root, "version", false, 0, &fw->version);
	get_string(L, root, "attribution", false, 0, &fw->attribution);
	get_string(L, root, "license", false, 0, &fw->license);
	const cJSON *ind = cJSON_GetObjectItemCaseSensitive(root, "expectations_indicative");
	if (ind && !cJSON_IsBool(ind))
		sw_fwl_rule_error(L, "expectations_indicative", "must be true or false");
	fw->expectations_indicative = ind && cJSON_IsTrue(ind);
	char *desc = NULL;
	get_string(L, root, "description", false, 2, &desc);
	sw_mem_free(L->m, desc);
	load_named(L, root, "groups", false, &fw->groups, &fw->group_count);
	load_named(L, root, "stages", true, &fw->stages, &fw->stage_count);
	size_t n;
	const cJSON *skills = get_list(L, root, "skills", true, (void **)&fw->skills,
	                               sizeof *fw->skills, &n);
	if (n > SW_FRAMEWORK_MAX_SKILLS) {
		sw_fwl_rule_error(L, "skills", "has %zu skills; a framework may have at most %u",
		                  n, (unsigned)SW_FRAMEWORK_MAX_SKILLS);
		return;
	}
	if (n && !fw->skills)
		return;
	fw->skill_count = n;
	size_t old = sw_jpath_key(&L->path, "skills");
	size_t i = 0;
	for (const cJSON *c = n ? skills->child : NULL; c; c = c->next, i++) {
		fw->skills[i].index = i;
		fw->skills[i].fw = fw;
		size_t o2 = sw_jpath_index(&L->path, i);
		load_skill(L, c, &fw->skills[i]);
		sw_jpath_restore(&L->path, o2);
	}
	sw_fwl_check_unique_ids(L);
	sw_jpath_restore(&L->path, old);
	sw_fwl_link_stages(L);
	sw_fwl_load_expectations(L, root);
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
	loader L = { .d = d, .m = m, .name = name, .path = SW_JPATH_ROOT };
	L.fw = sw_mem_calloc(m, 1, sizeof *L.fw);
	if (!L.fw) {
		cJSON_Delete(root);
		return sw_diag_add(d, SW_ENOMEM, name, 0, 0, NULL, "out of memory");
	}
	L.fw->m = m;
	load_root(&L, root);
	cJSON_Delete(root);
	if (d->total == before && !L.nomem)
		sw_fwl_build_keys(&L);
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
	char *texts[] = { fw->id, fw->name, fw->version, fw->attribution, fw->license };
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		sw_mem_free(m, texts[i]);
	for (size_t i = 0; i < fw->group_count + fw->stage_count; i++) {
		sw_named *e = i < fw->group_count ? &fw->groups[i] : &fw->stages[i - fw->group_count];
		sw_mem_free(m, e->id);
		sw_mem_free(m, e->name);
	}
	sw_mem_free(m, fw->groups);
	sw_mem_free(m, fw->stages);
	for (size_t i = 0; i < fw->skill_count; i++) {
		sw_skill *sk = &fw->skills[i];
		sw_mem_free(m, sk->id);
		sw_mem_free(m, sk->name);
		sw_mem_free(m, sk->description);
		for (size_t h = 0; h < sk->home_count; h++)
			sw_mem_free(m, sk->home[h].text);
		sw_mem_free(m, sk->home);
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
