/*
 * interchange_case_make.c - the second half of a CASE import: ids, names,
 * labels and step numbers for the items placed in the tree, and the
 * framework document written from them (frameworks/README.md, "CASE").
 */
#include "interchange_case.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

/* 1 when the matching key of text is free (or only node's own), then taken
   for node; 0 when another skill has it, -1 out of memory. */
static int key_free(sw_case_importer *I, const char *text, size_t node)
{
	sw_buf b;
	sw_buf_init(&b, I->m);
	int rc = sw_text_key(&b, text, strlen(text)) && sw_buf_cstr(&b) ? 1 : -1;
	for (size_t i = 0; rc > 0 && i < I->nused; i++)
		if (strcmp(I->used[i].key, b.p) == 0 && I->used[i].node != node)
			rc = 0;
	if (rc > 0 && sw_mem_grow(I->m, (void **)&I->used, &I->capused, I->nused + 1, sizeof *I->used)) {
		rc = -1;
	} else if (rc > 0) {
		I->used[I->nused].key = sw_buf_take(&b);
		I->used[I->nused++].node = node;
	}
	sw_buf_free(&b);
	return rc;
}

/* True when no group placed before `node` has id. */
static bool group_id_free(const sw_case_importer *I, const char *id, size_t node)
{
	for (size_t i = 0; i < I->norder; i++) {
		const case_node *g = &I->nodes[I->order[i]];
		if (I->order[i] != node && g->role == R_GROUP && g->id && strcmp(g->id, id) == 0)
			return false;
	}
	return true;
}

/* The text an item's names are made from: abbreviated, else full statement, else code. */
static const char *statement(const case_node *nd)
{
	return nd->abbr ? nd->abbr : nd->full ? nd->full : nd->hcs;
}

/* Appends an item's label: its abbreviatedStatement as it is (on one line),
   else the start of its fullStatement (else its code). */
static void label(sw_buf *b, const case_node *nd)
{
	sw_label(b, statement(nd), nd->abbr ? 100000 : LABEL_CHARS);
}

/* The first of base, then base with a number k = 2, 3, ... after it ("-2"
   for an id, cut to 64 bytes; " (2)" for a name), that node i may take: an
   id or a skill's name not taken yet; NULL when memory runs out. */
static char *unique(sw_case_importer *I, size_t i, const sw_buf *base, bool id)
{
	bool skill = I->nodes[i].role == R_SKILL;
	sw_buf b;
	sw_buf_init(&b, I->m);
	char *out = NULL;
	for (unsigned k = 1; !base->failed && !b.failed; k++) {
		b.len = 0;
		char suffix[16] = "";
		if (k > 1)
			snprintf(suffix, sizeof suffix, id ? "-%u" : " (%u)", k);
		size_t keep = base->len;
		if (id && keep + strlen(suffix) > 64)
			keep = 64 - strlen(suffix);
		while (id && keep > 1 && strchr("-_.", base->p[keep - 1]))
			keep--;
		sw_buf_add(&b, base->p ? base->p : "", keep);
		sw_buf_puts(&b, suffix);
		if (!sw_buf_cstr(&b))
			break;
		int f = skill ? key_free(I, b.p, i) : id ? group_id_free(I, b.p, i) : 1;
		if (f) {
			out = f > 0 ? sw_buf_take(&b) : NULL; /* taken, or out of memory */
			break;
		}
	}
	sw_buf_free(&b);
	return out;
}

/* Makes a unique id for a group or skill from its code, else its statement. */
static char *make_id(sw_case_importer *I, size_t i, const char *fallback)
{
	const case_node *nd = &I->nodes[i];
	sw_buf base;
	sw_buf_init(&base, I->m);
	if (nd->hcs)
		sw_slug(&base, nd->hcs);
	if (base.len == 0)
		sw_slug(&base, i == 0 ? nd->full : statement(nd));
	if (base.len == 0)
		sw_buf_puts(&base, fallback);
	char *id = unique(I, i, &base, true);
	sw_buf_free(&base);
	return id;
}

/* A group's or skill's name: the item's label (or `text` cut short); a
   skill's is made unique among the names and ids of the skills. */
static char *make_name(sw_case_importer *I, size_t i, const char *text)
{
	sw_buf base;
	sw_buf_init(&base, I->m);
	if (text)
		sw_label(&base, text, LABEL_CHARS);
	else
		label(&base, &I->nodes[i]);
	char *name = sw_buf_cstr(&base) ? unique(I, i, &base, false) : NULL;
	sw_buf_free(&base);
	return name;
}

/* Gives nd a copy of its full statement as its text when that says more
   than `shown`; false when out of memory. */
static bool full_text(sw_case_importer *I, case_node *nd, const char *shown)
{
	if (!nd->full || strcmp(nd->full, shown) == 0)
		return true;
	nd->text = sw_mem_strdup(I->m, nd->full);
	return nd->text != NULL;
}

/* The first step number of a skill's steps: the N of codes "X.N" when
   every step is of CFItemType "Step" (as Stepwise exports them) and the
   numbers run on by one; else 0. */
static int first_step(const sw_case_importer *I, size_t s)
{
	const case_node *S = &I->nodes[s];
	long long first = 0, expect = 0;
	bool any = false;
	for (size_t k = S->first; k < S->first + S->count; k++) {
		const case_node *c = &I->nodes[I->edges[k].child];
		if (c->role != R_STEP || c->parent != s)
			continue;
		const char *dot = c->hcs ? strrchr(c->hcs, '.') : NULL;
		if (!c->type || strcmp(c->type, "Step") != 0 || !dot || !dot[1] || strlen(dot + 1) > 6 ||
		    strspn(dot + 1, "0123456789") != strlen(dot + 1))
			return 0;
		long long v = atoll(dot + 1);
		if (!any)
			first = expect = v;
		if (v != expect)
			return 0;
		expect++;
		any = true;
	}
	return (int)first;
}

/* The "stepwise" object of a CASE 1.1 "extensions" member, or NULL. */
static const cJSON *extension(const cJSON *obj)
{
	const cJSON *ext = cJSON_GetObjectItemCaseSensitive(obj, "extensions");
	const cJSON *sw = cJSON_IsObject(ext) ? cJSON_GetObjectItemCaseSensitive(ext, "stepwise") : NULL;
	return cJSON_IsObject(sw) ? sw : NULL;
}

bool sw_case_name(sw_case_importer *I, const sw_case_import_options *opts)
{
	const cJSON *ext = extension(I->doc);
	const char *kept = ext ? sw_ic_str(ext, "id") : NULL;
	sw_buf b;
	sw_buf_init(&b, I->m);
	if (opts->id)
		sw_buf_puts(&b, opts->id);
	else if (kept && sw_text_id(kept))
		sw_buf_puts(&b, kept);
	else
		sw_slug(&b, I->nodes[0].full);
	if (b.len == 0)
		sw_buf_puts(&b, "case-framework");
	if (!(I->fw_id = sw_buf_take(&b)))
		return false;
	if (I->levels == SW_CASE_LEVELS_STEP) {
		case_node *doc = &I->nodes[0];
		if (!(doc->id = make_id(I, 0, "skill")) || !(doc->name = make_name(I, 0, doc->full)))
			return false;
	}
	for (size_t o = 0; o < I->norder; o++) {
		size_t i = I->order[o];
		case_node *nd = &I->nodes[i];
		if (nd->role == R_GROUP || nd->role == R_SKILL) {
			if (!(nd->id = make_id(I, i, nd->role == R_GROUP ? "group" : "skill")) ||
			    !(nd->name = make_name(I, i, NULL)) || !full_text(I, nd, nd->name))
				return false;
		} else if (nd->role == R_STEP) {
			b.len = 0;
			label(&b, nd);
			if (!(nd->name = sw_buf_take(&b)) || !full_text(I, nd, nd->name))
				return false;
		}
	}
	for (size_t s = 0; s < I->n; s++) {
		case_node *S = &I->nodes[s];
		if (S->role != R_SKILL)
			continue;
		int step = first_step(I, s);
		for (size_t k = S->first; k < S->first + S->count; k++) {
			case_node *c = &I->nodes[I->edges[k].child];
			if (c->role == R_STEP && c->parent == s)
				c->step = step++;
		}
	}
	return true;
}

/* Writes member `key` of ext (a "stepwise" extension, or NULL) as its JSON
   when it is an array; reports another type. */
static void raw_array(sw_case_importer *I, sw_jw *w, const cJSON *ext, const char *key,
                      const char *path)
{
	const cJSON *v = ext ? cJSON_GetObjectItemCaseSensitive(ext, key) : NULL;
	if (!v)
		return;
	if (!cJSON_IsArray(v)) {
		sw_notify_send(&I->nt, I->file, 0, path, "%s is not an array: ignored", key);
		return;
	}
	sw_jw_tree(w, key, v);
}

/* The document's licence: the text of its CFLicense, else the link's title. */
static const char *licence(const sw_case_importer *I)
{
	const cJSON *link = cJSON_GetObjectItemCaseSensitive(I->doc, "licenseURI");
	const char *id = sw_ic_str(link, "identifier");
	const cJSON *defs = cJSON_GetObjectItemCaseSensitive(I->root, "CFDefinitions");
	const cJSON *lics = cJSON_IsObject(defs) ? cJSON_GetObjectItemCaseSensitive(defs, "CFLicenses")
	                                         : NULL;
	for (const cJSON *l = cJSON_IsArray(lics) ? lics->child : NULL; l && id; l = l->next)
		if (sw_ic_str(l, "identifier") && strcmp(sw_ic_str(l, "identifier"), id) == 0 &&
		    sw_ic_str(l, "licenseText"))
			return sw_ic_str(l, "licenseText");
	return sw_ic_str(link, "title");
}

/* The one-line "x-case" object of an item or the document. */
static void xcase(sw_jw *w, const case_node *nd, bool doc)
{
	sw_jw_open(w, "x-case", '{', true);
	sw_jw_str(w, "identifier", nd->ident);
	sw_jw_str(w, "uri", nd->uri);
	if (doc)
		sw_jw_str(w, "lastChangeDateTime", sw_ic_str(nd->obj, "lastChangeDateTime"));
	sw_jw_close(w);
}

/* Writes one skill (node s) with its steps. */
static void write_skill(sw_case_importer *I, sw_jw *w, size_t s)
{
	const case_node *S = &I->nodes[s];
	sw_jw_open(w, NULL, '{', false);
	sw_jw_str(w, "id", S->id);
	sw_jw_str(w, "name", S->name);
	if (s && I->nodes[S->parent].role == R_GROUP)
		sw_jw_str(w, "group", I->nodes[S->parent].id);
	raw_array(I, w, s ? extension(S->obj) : NULL, "aliases", NULL);
	sw_jw_str(w, "description", S->text);
	if (s)
		xcase(w, S, false);
	sw_jw_open(w, "steps", '[', false);
	for (size_t k = S->first; k < S->first + S->count; k++) {
		size_t c = I->edges[k].child;
		const case_node *st = &I->nodes[c];
		if (st->role != R_STEP || st->parent != s)
			continue;
		sw_jw_open(w, NULL, '{', true);
		sw_jw_int(w, "step", st->step);
		sw_jw_str(w, "label", st->name);
		sw_jw_str(w, "text", st->text);
		xcase(w, st, false);
		sw_jw_close(w);
	}
	sw_jw_close(w);
	sw_jw_close(w);
}

void sw_case_write(sw_case_importer *I, sw_buf *b)
{
	const case_node *doc = &I->nodes[0];
	const cJSON *ext = extension(I->doc);
	sw_jw w;
	sw_jw_init(&w, b);
	sw_jw_open(&w, NULL, '{', false);
	sw_jw_str(&w, "format", "stepwise-framework");
	sw_jw_int(&w, "format_version", 1);
	sw_jw_str(&w, "id", I->fw_id);
	sw_buf title;
	sw_buf_init(&title, I->m);
	sw_label(&title, doc->full, 1000);
	const char *name = sw_buf_cstr(&title);
	if (!name)
		b->failed = 1; /* out of memory: no framework without its name */
	sw_jw_str(&w, "name", name);
	sw_buf_free(&title);
	sw_jw_str(&w, "version", sw_ic_str(I->doc, "version"));
	sw_jw_str(&w, "description", sw_ic_str(I->doc, "description"));
	const char *creator = sw_ic_str(I->doc, "creator");
	if (creator && strcmp(creator, doc->full) != 0)
		sw_jw_str(&w, "attribution", creator);
	sw_jw_str(&w, "license", licence(I));
	xcase(&w, doc, true);
	bool any = false;
	for (size_t o = 0; o < I->norder; o++) {
		const case_node *g = &I->nodes[I->order[o]];
		if (g->role != R_GROUP)
			continue;
		if (!any)
			sw_jw_open(&w, "groups", '[', false);
		any = true;
		sw_jw_open(&w, NULL, '{', true);
		sw_jw_str(&w, "id", g->id);
		sw_jw_str(&w, "name", g->name);
		sw_jw_str(&w, "description", g->text);
		xcase(&w, g, false);
		sw_jw_close(&w);
	}
	if (any)
		sw_jw_close(&w);
	raw_array(I, &w, ext, "stages", "$.CFDocument.extensions.stepwise");
	sw_jw_open(&w, "skills", '[', false);
	if (I->levels == SW_CASE_LEVELS_STEP)
		write_skill(I, &w, 0);
	for (size_t o = 0; o < I->norder; o++)
		if (I->nodes[I->order[o]].role == R_SKILL)
			write_skill(I, &w, I->order[o]);
	sw_jw_close(&w);
	raw_array(I, &w, ext, "expectations", "$.CFDocument.extensions.stepwise");
	sw_jw_close(&w);
}
