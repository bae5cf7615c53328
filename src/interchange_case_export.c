/*
 * interchange_case_export.c - CASE export: a Stepwise framework file
 * written as a 1EdTech CASE CFPackage (JSON). A CFItem per group, skill and
 * step; isChildOf associations with sequenceNumber; precedes between
 * consecutive steps. Identifiers are the framework's x-case ones, else
 * name-based UUIDs (version 5), and no time is read: the same file always
 * gives the same package.
 */
#include "interchange.h"

#include <cJSON.h>
#include <string.h>
#include <uuid/uuid.h>

/* The namespace of Stepwise's name-based UUIDs (fixed for ever). */
static const char NAMESPACE[] = "3a1d7c52-6b1e-4f0e-9c58-5e8f2b7d4a10";

enum { T_GROUP, T_SKILL, T_STEP };
static const char *const TYPE_NAME[] = { "Skill Group", "Skill", "Step" };
static const char *const TYPE_TEXT[] = {
	"A heading that skills are grouped under.",
	"A skill with steps of progression.",
	"One step of progression in a skill."
};

/* One CFItem to write. */
typedef struct xitem {
	char id[40];
	const char *uri;     /* kept x-case uri, or NULL for urn:uuid:ID */
	char *hcs;
	const char *full, *abbr;
	int type, step;
	size_t parent;       /* index of the parent item, or (size_t)-1: the document */
	int seq;             /* position among its siblings, from 1 */
	const cJSON *aliases;
} xitem;

typedef struct exporter {
	const sw_mem *m;
	sw_diag *d;
	const char *file;
	sw_notify nt;
	const sw_framework *fw;
	const cJSON *root;
	int version;
	const char *stamp;
	char doc_id[40];
	const char *doc_uri;
	char type_id[3][40];
	char licence_id[40];
	xitem *items;
	size_t n, cap;
	uuid_t ns;
} exporter;

/* A name-based UUID (version 5) of `name` in Stepwise's namespace. */
static void uuid5(const exporter *E, char out[40], const char *name)
{
	uuid_t u;
	uuid_generate_sha1(u, E->ns, name, strlen(name));
	uuid_unparse_lower(u, out);
}

/* True when no item and not the document has identifier id yet. */
static bool id_free(const exporter *E, const char *id)
{
	if (strcmp(E->doc_id, id) == 0)
		return false;
	for (size_t i = 0; i < E->n; i++)
		if (strcmp(E->items[i].id, id) == 0)
			return false;
	return true;
}

/* The identifier and uri of a framework part: its "x-case" ones when they
   are usable, else a UUID made from `name`. */
static void ident(exporter *E, char out[40], const char **uri, const cJSON *obj,
                  const char *path, const char *name)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(obj, "x-case");
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(x, "identifier");
	const cJSON *u = cJSON_GetObjectItemCaseSensitive(x, "uri");
	uuid_t parsed; /* a UUID as CASE writes them: 8-4-4-4-12 hex digits */
	*uri = NULL;
	if (x && !cJSON_IsObject(x)) {
		sw_notify_send(&E->nt, E->file, 0, path, "x-case is not an object: ignored");
	} else if (id && !(cJSON_IsString(id) && uuid_parse(id->valuestring, parsed) == 0)) {
		sw_notify_send(&E->nt, E->file, 0, path, "x-case.identifier is not a UUID: a new "
		               "identifier is made");
	} else if (id && !id_free(E, id->valuestring)) {
		sw_notify_send(&E->nt, E->file, 0, path, "x-case.identifier %s is used twice: a new "
		               "identifier is made", id->valuestring);
	} else if (id) {
		memcpy(out, id->valuestring, 37);
		*uri = cJSON_IsString(u) && u->valuestring[0] ? u->valuestring : NULL;
		return;
	}
	uuid5(E, out, name);
}

/* Adds an item; its identifier comes from obj's x-case or `name`. */
static xitem *add(exporter *E, int type, size_t parent, const cJSON *obj, const char *path,
                  const char *name)
{
	if (sw_mem_grow(E->m, (void **)&E->items, &E->cap, E->n + 1, sizeof *E->items))
		return NULL;
	xitem *it = &E->items[E->n];
	memset(it, 0, sizeof *it);
	ident(E, it->id, &it->uri, obj, path, name);
	it->type = type;
	it->parent = parent;
	int seq = 1;
	for (size_t i = 0; i < E->n; i++)
		seq += E->items[i].parent == parent;
	it->seq = seq;
	E->n++;
	return it;
}

/* Adds skill k and its steps under `parent`. */
static bool add_skill(exporter *E, size_t k, size_t parent)
{
	const sw_skill *sk = &E->fw->skills[k];
	const cJSON *skills = cJSON_GetObjectItemCaseSensitive(E->root, "skills");
	const cJSON *obj = cJSON_GetArrayItem(skills, (int)k);
	char path[96], name[200];
	snprintf(path, sizeof path, "$.skills[%zu]", k);
	snprintf(name, sizeof name, "%s/skill/%s", E->fw->id, sk->id);
	xitem *it = add(E, T_SKILL, parent, obj, path, name);
	if (!it || !(it->hcs = sw_mem_strdup(E->m, sk->id)))
		return false;
	it->abbr = sk->name;
	it->full = sk->description && sk->description[0] ? sk->description : sk->name;
	it->aliases = cJSON_GetObjectItemCaseSensitive(obj, "aliases");
	size_t self = E->n - 1;
	const cJSON *steps = cJSON_GetObjectItemCaseSensitive(obj, "steps");
	for (size_t s_i = 0; s_i < sk->step_count; s_i++) {
		int s = sk->min + (int)s_i; /* no overflow at the largest step */
		size_t j = (size_t)(s - sk->min);
		snprintf(path, sizeof path, "$.skills[%zu].steps[%zu]", k, j);
		snprintf(name, sizeof name, "%s/skill/%s/step/%d", E->fw->id, sk->id, s);
		it = add(E, T_STEP, self, cJSON_GetArrayItem(steps, (int)j), path, name);
		if (!it)
			return false;
		snprintf(name, sizeof name, "%s.%d", sk->id, s); /* an id has at most 64 bytes */
		if (!(it->hcs = sw_mem_strdup(E->m, name)))
			return false;
		it->step = s;
		it->abbr = sk->steps[j].label;
		it->full = sk->steps[j].text && sk->steps[j].text[0] ? sk->steps[j].text : it->abbr;
	}
	return true;
}

/* Adds every group, skill and step: a group where its first skill is, with
   all its skills; skills without a group on their own; then empty groups. */
static bool add_all(exporter *E)
{
	const sw_framework *fw = E->fw;
	const cJSON *groups = cJSON_GetObjectItemCaseSensitive(E->root, "groups");
	char path[64], name[160];
	bool *done = sw_mem_calloc(E->m, fw->group_count + 1, sizeof *done);
	if (!done)
		return false;
	bool ok = true;
	for (size_t pass = 0; pass < 2 && ok; pass++) {
		for (size_t k = 0; k < (pass ? fw->group_count : fw->skill_count) && ok; k++) {
			int g = pass ? (int)k : fw->skills[k].group;
			if (!pass && g < 0) {
				ok = add_skill(E, k, (size_t)-1);
				continue;
			}
			if (g < 0 || done[g])
				continue;
			done[g] = true;
			const sw_named *gr = &fw->groups[g];
			const cJSON *obj = cJSON_GetArrayItem(groups, g);
			snprintf(path, sizeof path, "$.groups[%d]", g);
			snprintf(name, sizeof name, "%s/group/%s", fw->id, gr->id);
			xitem *it = add(E, T_GROUP, (size_t)-1, obj, path, name);
			if (!it || !(it->hcs = sw_mem_strdup(E->m, gr->id))) {
				ok = false;
				break;
			}
			it->abbr = gr->name;
			it->full = sw_ic_str(obj, "description") ? sw_ic_str(obj, "description") : gr->name;
			size_t self = E->n - 1;
			for (size_t j = 0; j < fw->skill_count && ok; j++)
				if (fw->skills[j].group == g)
					ok = add_skill(E, j, self);
		}
	}
	sw_mem_free(E->m, done);
	return ok;
}

/* Writes member `key` with the uri, or urn:uuid:ID when there is none. */
static void uri(sw_jw *w, const char *u, const char *id)
{
	char made[64]; /* every id here is a UUID: 36 characters */
	snprintf(made, sizeof made, "urn:uuid:%s", id);
	sw_jw_str(w, "uri", u ? u : made);
}

/* Writes a LinkURI / LinkGenURI object as member `key`. */
static void link(sw_jw *w, const char *key, const char *title, const char *id, const char *u)
{
	sw_jw_open(w, key, '{', true);
	sw_jw_str(w, "title", title);
	sw_jw_str(w, "identifier", id);
	uri(w, u, id);
	sw_jw_close(w);
}

static void write_document(exporter *E, sw_jw *w)
{
	const sw_framework *fw = E->fw;
	sw_jw_open(w, "CFDocument", '{', false);
	sw_jw_str(w, "identifier", E->doc_id);
	uri(w, E->doc_uri, E->doc_id);
	sw_jw_str(w, "creator", fw->attribution ? fw->attribution : fw->name);
	sw_jw_str(w, "title", fw->name);
	sw_jw_str(w, "lastChangeDateTime", E->stamp);
	sw_jw_str(w, "description", sw_ic_str(E->root, "description"));
	sw_jw_str(w, "version", fw->version);
	if (fw->license)
		link(w, "licenseURI", "Licence", E->licence_id, NULL);
	if (E->version == SW_CASE_1_1) {
		sw_jw_str(w, "caseVersion", "1.1");
		sw_jw_open(w, "extensions", '{', false);
		sw_jw_open(w, "stepwise", '{', false);
		sw_jw_str(w, "id", fw->id);
		sw_jw_tree(w, "stages", cJSON_GetObjectItemCaseSensitive(E->root, "stages"));
		sw_jw_tree(w, "expectations", cJSON_GetObjectItemCaseSensitive(E->root, "expectations"));
		sw_jw_close(w);
		sw_jw_close(w);
	}
	sw_jw_close(w);
}

static void write_items(exporter *E, sw_jw *w)
{
	sw_jw_open(w, "CFItems", '[', false);
	for (size_t i = 0; i < E->n; i++) {
		const xitem *it = &E->items[i];
		sw_jw_open(w, NULL, '{', false);
		sw_jw_str(w, "identifier", it->id);
		uri(w, it->uri, it->id);
		sw_jw_str(w, "fullStatement", it->full);
		sw_jw_str(w, "abbreviatedStatement", it->abbr);
		sw_jw_str(w, "humanCodingScheme", it->hcs);
		if (it->type == T_STEP) {
			char le[16];
			snprintf(le, sizeof le, "%d", it->step);
			sw_jw_str(w, "listEnumeration", le);
		}
		sw_jw_str(w, "CFItemType", TYPE_NAME[it->type]);
		link(w, "CFItemTypeURI", TYPE_NAME[it->type], E->type_id[it->type], NULL);
		sw_jw_str(w, "lastChangeDateTime", E->stamp);
		if (E->version == SW_CASE_1_1 && it->aliases) {
			sw_jw_open(w, "extensions", '{', true);
			sw_jw_open(w, "stepwise", '{', true);
			sw_jw_tree(w, "aliases", it->aliases);
			sw_jw_close(w);
			sw_jw_close(w);
		}
		sw_jw_close(w);
	}
	sw_jw_close(w);
}

/* Writes one association from item `from` to item `to` (or the document). */
static void association(exporter *E, sw_jw *w, const char *type, size_t from, size_t to, int seq)
{
	const xitem *o = &E->items[from];
	const xitem *d = to == (size_t)-1 ? NULL : &E->items[to];
	const char *did = d ? d->id : E->doc_id;
	char name[200], id[40];
	snprintf(name, sizeof name, "association/%s/%s/%s", type, o->id, did);
	uuid5(E, id, name);
	sw_jw_open(w, NULL, '{', false);
	sw_jw_str(w, "identifier", id);
	uri(w, NULL, id);
	sw_jw_str(w, "associationType", type);
	if (seq)
		sw_jw_int(w, "sequenceNumber", seq);
	link(w, "originNodeURI", o->hcs, o->id, o->uri);
	if (d)
		link(w, "destinationNodeURI", d->hcs, d->id, d->uri);
	else
		link(w, "destinationNodeURI", E->fw->name, E->doc_id, E->doc_uri);
	sw_jw_str(w, "lastChangeDateTime", E->stamp);
	sw_jw_close(w);
}

/* Writes the associations; returns how many. */
static size_t write_associations(exporter *E, sw_jw *w)
{
	size_t n = 0;
	sw_jw_open(w, "CFAssociations", '[', false);
	for (size_t i = 0; i < E->n; i++, n++)
		association(E, w, "isChildOf", i, E->items[i].parent, E->items[i].seq);
	for (size_t i = 1; i < E->n; i++) {
		if (E->items[i].type == T_STEP && E->items[i - 1].type == T_STEP &&
		    E->items[i].parent == E->items[i - 1].parent) {
			association(E, w, "precedes", i - 1, i, 0);
			n++;
		}
	}
	sw_jw_close(w);
	return n;
}

static void write_definitions(exporter *E, sw_jw *w)
{
	const sw_framework *fw = E->fw;
	sw_jw_open(w, "CFDefinitions", '{', false);
	sw_jw_open(w, "CFConcepts", '[', false);
	sw_jw_close(w);
	sw_jw_open(w, "CFSubjects", '[', false);
	sw_jw_close(w);
	sw_jw_open(w, "CFLicenses", '[', false);
	if (fw->license) {
		sw_jw_open(w, NULL, '{', false);
		sw_jw_str(w, "identifier", E->licence_id);
		uri(w, NULL, E->licence_id);
		sw_jw_str(w, "title", "Licence");
		sw_jw_str(w, "licenseText", fw->license);
		sw_jw_str(w, "lastChangeDateTime", E->stamp);
		sw_jw_close(w);
	}
	sw_jw_close(w);
	sw_jw_open(w, "CFItemTypes", '[', false);
	for (int t = fw->group_count ? T_GROUP : T_SKILL; t <= T_STEP; t++) {
		sw_jw_open(w, NULL, '{', false);
		sw_jw_str(w, "identifier", E->type_id[t]);
		uri(w, NULL, E->type_id[t]);
		sw_jw_str(w, "title", TYPE_NAME[t]);
		sw_jw_str(w, "description", TYPE_TEXT[t]);
		sw_jw_str(w, "hierarchyCode", t == T_GROUP ? "1" : t == T_SKILL ? "2" : "3");
		sw_jw_str(w, "typeCode", TYPE_NAME[t]);
		sw_jw_str(w, "lastChangeDateTime", E->stamp);
		sw_jw_close(w);
	}
	sw_jw_close(w);
	sw_jw_open(w, "CFAssociationGroupings", '[', false);
	sw_jw_close(w);
	sw_jw_close(w);
}

/* True when s is a date-time as CASE wants it: YYYY-MM-DDTHH:MM:SS[.f](Z|+HH:MM). */
static bool is_datetime(const char *s)
{
	const char *shape = "dddd-dd-ddTdd:dd:dd";
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != shape[i])
			return false;
	s += strlen(shape);
	if (*s == '.') {
		s++;
		if (!(*s >= '0' && *s <= '9'))
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (strcmp(s, "Z") == 0)
		return true;
	return (s[0] == '+' || s[0] == '-') && s[1] >= '0' && s[1] <= '9' && s[2] >= '0' &&
	       s[2] <= '9' && s[3] == ':' && s[4] >= '0' && s[4] <= '9' && s[5] >= '0' &&
	       s[5] <= '9' && s[6] == '\0';
}

/* Reports what CASE 1.0 has no place for. */
static void report_lost(exporter *E)
{
	const sw_framework *fw = E->fw;
	size_t aliases = 0, years = 0;
	for (size_t k = 0; k < fw->skill_count; k++)
		aliases += fw->skills[k].alias_count;
	const cJSON *ex = cJSON_GetObjectItemCaseSensitive(E->root, "expectations");
	years = cJSON_IsArray(ex) ? (size_t)cJSON_GetArraySize(ex) : 0;
	if (fw->stage_count || years || aliases)
		sw_notify_send(&E->nt, E->file, 0, NULL, "not exported: CASE 1.0 has no place for "
		               "the framework's %zu stages, expectations for %zu years and %zu "
		               "aliases (CASE 1.1 keeps them in extensions)", fw->stage_count, years,
		               aliases);
}

/* Builds and writes the package into out. */
static int export_package(exporter *E, sw_buf *out, sw_case_export_stats *st)
{
	const sw_framework *fw = E->fw;
	char name[160];
	uuid_parse(NAMESPACE, E->ns);
	for (int t = T_GROUP; t <= T_STEP; t++) {
		snprintf(name, sizeof name, "item-type/%s", TYPE_NAME[t]);
		uuid5(E, E->type_id[t], name);
	}
	snprintf(name, sizeof name, "%s/licence", fw->id);
	uuid5(E, E->licence_id, name);
	ident(E, E->doc_id, &E->doc_uri, E->root, "$", fw->id);
	if (!E->stamp) {
		const cJSON *x = cJSON_GetObjectItemCaseSensitive(E->root, "x-case");
		E->stamp = sw_ic_str(x, "lastChangeDateTime") ? sw_ic_str(x, "lastChangeDateTime")
		                                         : SW_CASE_DEFAULT_TIMESTAMP;
	}
	if (!add_all(E))
		return SW_ENOMEM;
	if (E->version == SW_CASE_1_0)
		report_lost(E);
	sw_jw w;
	sw_jw_init(&w, out);
	sw_jw_open(&w, NULL, '{', false);
	write_document(E, &w);
	write_items(E, &w);
	st->associations = write_associations(E, &w);
	write_definitions(E, &w);
	sw_jw_close(&w);
	st->items = E->n;
	return !sw_buf_cstr(out) || E->nt.oom ? SW_ENOMEM : SW_OK;
}

int sw_case_export(char **json, size_t *len, sw_engine *eng, const char *framework_path,
                   const sw_case_export_options *opts, sw_case_export_stats *stats)
{
	sw_case_export_stats dummy;
	sw_case_export_options defaults = SW_CASE_EXPORT_OPTIONS_INIT;
	stats = stats ? stats : &dummy;
	opts = opts ? opts : &defaults;
	if (sw_ic_begin(json, len, eng, stats, sizeof *stats, framework_path, "path",
	                opts->version == SW_CASE_EXPORT_OPTIONS_VERSION, "sw_case_export_options"))
		return SW_EINVALID;
	sw_diag *d = &eng->diag;
	if (opts->case_version != SW_CASE_1_0 && opts->case_version != SW_CASE_1_1)
		return sw_diag_add(d, SW_EINVALID, NULL, 0, 0, NULL, "unknown CASE version %d",
		                   opts->case_version);
	if (opts->timestamp && !is_datetime(opts->timestamp))
		return sw_diag_add(d, SW_EINVALID, NULL, 0, 0, NULL, "timestamp '%s' is not a date "
		                   "and time such as 2026-01-31T12:00:00Z", opts->timestamp);
	char *data;
	size_t n;
	int rc = sw_file_read(&data, &n, d, &eng->mem, framework_path, SW_FRAMEWORK_MAX_BYTES + 1);
	if (rc)
		return rc;
	sw_framework *fw = NULL;
	cJSON *root = NULL;
	rc = sw_fw_load(&fw, d, &eng->mem, framework_path, data, n);
	if (rc == SW_OK)
		rc = sw_json_parse(&root, d, framework_path, data, n, SW_FRAMEWORK_MAX_BYTES,
		                   SW_FRAMEWORK_MAX_DEPTH);
	sw_buf out;
	sw_buf_init(&out, &eng->mem);
	exporter E = { .m = &eng->mem, .d = d, .file = framework_path, .fw = fw, .root = root,
		       .version = opts->case_version, .stamp = opts->timestamp };
	E.nt = (sw_notify){ opts->on_notice, opts->payload, &eng->mem, 0, 0 };
	if (rc == SW_OK)
		rc = export_package(&E, &out, stats);
	for (size_t i = 0; i < E.n; i++)
		sw_mem_free(&eng->mem, E.items[i].hcs);
	sw_mem_free(&eng->mem, E.items);
	cJSON_Delete(root);
	sw_fw_free(fw);
	sw_mem_free(&eng->mem, data);
	return sw_ic_end(json, len, eng, &out, rc, framework_path);
}
