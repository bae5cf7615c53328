/*
 * interchange_case.c - CASE import: a 1EdTech CASE CFPackage (JSON) made
 * into a Stepwise framework. The tree is given only by isChildOf
 * associations, ordered by sequenceNumber, then humanCodingScheme, then
 * listEnumeration; the levels option says which depth becomes groups,
 * skills and steps. Every item left out is reported with its identifier.
 * The framework made is loaded into the engine to check it.
 */
#include "interchange_case.h"

#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * The levels of a package imported without them: group,skill,step for a
 * package Stepwise exported (every item typed "Skill Group", "Skill" or
 * "Step": a skill at the top is then still a skill), else from the depth
 * of the tree under the document when every branch ends at the same depth
 * (1: step, 2: skill,step, 3 or more: group,skill,step); a tree of
 * branches of different depths is read as skill,step.
 */
static int auto_levels(sw_case_importer *I)
{
	bool stepwise = I->n > 1;
	for (size_t i = 1; i < I->n && stepwise; i++) {
		const char *t = I->nodes[i].type;
		stepwise = I->nodes[i].why == W_INVALID ||
		           (t && (!strcmp(t, "Skill Group") || !strcmp(t, "Skill") || !strcmp(t, "Step")));
	}
	if (stepwise)
		return SW_CASE_LEVELS_GROUP_SKILL_STEP;
	size_t *queue = sw_mem_calloc(I->m, I->n, sizeof *queue);
	int *depth = sw_mem_calloc(I->m, I->n, sizeof *depth);
	int lo = 0, hi = 0; /* the depths at which branches end */
	if (!queue || !depth) {
		I->nomem = 1;
	} else {
		size_t head = 0, tail = 0;
		queue[tail++] = 0;
		while (head < tail) {
			size_t p = queue[head++];
			const case_node *P = &I->nodes[p];
			bool leaf = true;
			for (size_t k = P->first; k < P->first + P->count; k++) {
				size_t c = I->edges[k].child;
				if (I->nodes[c].why == W_INVALID)
					continue;
				leaf = false;
				if (depth[c])
					continue; /* reached before: placed at its first depth */
				depth[c] = depth[p] + 1;
				queue[tail++] = c;
			}
			if (leaf && p) {
				lo = lo && lo < depth[p] ? lo : depth[p];
				hi = hi > depth[p] ? hi : depth[p];
			}
		}
	}
	sw_mem_free(I->m, queue);
	sw_mem_free(I->m, depth);
	if (lo != hi)
		return SW_CASE_LEVELS_SKILL_STEP;
	return hi >= 3 ? SW_CASE_LEVELS_GROUP_SKILL_STEP
	     : hi == 1 ? SW_CASE_LEVELS_STEP : SW_CASE_LEVELS_SKILL_STEP;
}

/* "step", "skill,step" or "group,skill,step". */
static const char *levels_name(int levels)
{
	return levels == SW_CASE_LEVELS_STEP ? "step"
	     : levels == SW_CASE_LEVELS_GROUP_SKILL_STEP ? "group,skill,step" : "skill,step";
}

/* A string member of obj, or NULL when absent, blank or (reported) not a string. */
static const char *member(sw_case_importer *I, const cJSON *obj, const char *key, const char *path)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!v || cJSON_IsNull(v))
		return NULL;
	if (!cJSON_IsString(v)) {
		sw_notify_send(&I->nt, I->file, 0, path, "%s is not a string: ignored", key);
		return NULL;
	}
	const char *s = v->valuestring;
	size_t n = strlen(s);
	sw_text_trim(&s, &n);
	return n ? v->valuestring : NULL;
}

/* Reports node i as left out, named by its code (else the start of its
   statement), with the reason that goes after its name. */
static void report(sw_case_importer *I, size_t i, const char *fmt, ...) SW_PRINTF(3, 4);
static void report(sw_case_importer *I, size_t i, const char *fmt, ...)
{
	char path[64];
	snprintf(path, sizeof path, "$.CFItems[%zu]", i - 1);
	sw_buf b;
	sw_buf_init(&b, I->m);
	const case_node *nd = &I->nodes[i];
	sw_buf_printf(&b, "not imported: item %s (", nd->ident ? nd->ident : "?");
	sw_label(&b, nd->hcs ? nd->hcs : nd->abbr ? nd->abbr : nd->full ? nd->full : "", 40);
	sw_buf_puts(&b, ") ");
	va_list ap;
	va_start(ap, fmt);
	sw_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (sw_buf_cstr(&b))
		sw_notify_send(&I->nt, I->file, 0, path, "%s", b.p);
	else
		I->nomem = 1;
	sw_buf_free(&b);
}

/* The node a LinkGenURI object points at (by identifier, else uri), or (size_t)-1. */
static size_t resolve(const sw_case_importer *I, const cJSON *link, const char **shown)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(link, "identifier");
	const cJSON *uri = cJSON_GetObjectItemCaseSensitive(link, "uri");
	*shown = cJSON_IsString(id) ? id->valuestring : cJSON_IsString(uri) ? uri->valuestring : "?";
	size_t k = (size_t)-1;
	if (cJSON_IsString(id))
		k = sw_ic_key_find(I->keys, I->nk, id->valuestring, 0);
	if (k == (size_t)-1 && cJSON_IsString(uri))
		k = sw_ic_key_find(I->keys, I->nk, uri->valuestring, 1);
	return k;
}

/* Reads CFDocument and CFItems into nodes; false after a fatal error. */
static bool read_nodes(sw_case_importer *I, const cJSON *root)
{
	if (!cJSON_IsObject(root)) {
		sw_diag_add(I->d, SW_EINVALID, I->file, 0, 0, "$", "a CASE package is a JSON object");
		return false;
	}
	I->doc = cJSON_GetObjectItemCaseSensitive(root, "CFDocument");
	if (!cJSON_IsObject(I->doc)) {
		sw_diag_add(I->d, SW_EINVALID, I->file, 0, 0, "$", "not a CASE package: no "
		            "\"CFDocument\" object");
		return false;
	}
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "CFItems");
	if (items && !cJSON_IsArray(items) && !cJSON_IsNull(items)) {
		sw_diag_add(I->d, SW_EINVALID, I->file, 0, 0, "$.CFItems", "must be an array");
		return false;
	}
	I->n = 1 + (size_t)(cJSON_IsArray(items) ? cJSON_GetArraySize(items) : 0);
	I->nodes = sw_mem_calloc(I->m, I->n, sizeof *I->nodes);
	I->keys = sw_mem_calloc(I->m, 2 * I->n, sizeof *I->keys);
	I->order = sw_mem_calloc(I->m, I->n, sizeof *I->order);
	if (!I->nodes || !I->keys || !I->order) {
		I->nomem = 1;
		return false;
	}
	case_node *doc = &I->nodes[0];
	doc->obj = I->doc;
	doc->ident = member(I, I->doc, "identifier", "$.CFDocument");
	doc->uri = member(I, I->doc, "uri", "$.CFDocument");
	doc->full = member(I, I->doc, "title", "$.CFDocument");
	if (!doc->ident || !doc->full) {
		sw_diag_add(I->d, SW_EINVALID, I->file, 0, 0, "$.CFDocument", "missing required "
		            "key \"%s\"", doc->ident ? "title" : "identifier");
		return false;
	}
	size_t i = 1;
	char path[64];
	for (const cJSON *c = cJSON_IsArray(items) ? items->child : NULL; c; c = c->next, i++) {
		case_node *nd = &I->nodes[i];
		snprintf(path, sizeof path, "$.CFItems[%zu]", i - 1);
		nd->obj = c;
		if (!cJSON_IsObject(c)) {
			nd->why = W_INVALID;
			sw_notify_send(&I->nt, I->file, 0, path, "not imported: not an object");
			continue;
		}
		nd->ident = member(I, c, "identifier", path);
		nd->uri = member(I, c, "uri", path);
		nd->hcs = member(I, c, "humanCodingScheme", path);
		nd->le = member(I, c, "listEnumeration", path);
		nd->abbr = member(I, c, "abbreviatedStatement", path);
		nd->full = member(I, c, "fullStatement", path);
		nd->type = member(I, c, "CFItemType", path);
		if (!nd->ident) {
			nd->why = W_INVALID;
			sw_notify_send(&I->nt, I->file, 0, path, "not imported: the item has no identifier");
		} else if (!nd->full && !nd->abbr && !nd->hcs) {
			nd->why = W_INVALID;
			report(I, i, "has no fullStatement");
		}
	}
	/* lookup keys; an identifier given twice keeps its first item */
	for (i = 0; i < I->n; i++) {
		if (I->nodes[i].why == W_INVALID)
			continue;
		I->keys[I->nk++] = (sw_ic_key){ I->nodes[i].ident, 0, i };
		if (I->nodes[i].uri)
			I->keys[I->nk++] = (sw_ic_key){ I->nodes[i].uri, 1, i };
	}
	qsort(I->keys, I->nk, sizeof *I->keys, sw_ic_key_cmp);
	for (size_t k = 1; k < I->nk; k++) {
		const sw_ic_key *a = &I->keys[k - 1], *b = &I->keys[k];
		if (b->kind == 0 && a->kind == 0 && strcmp(a->s, b->s) == 0 &&
		    I->nodes[b->at].why != W_INVALID) {
			I->nodes[b->at].why = W_INVALID;
			report(I, b->at, "has the identifier of an earlier %s",
			       a->at ? "item" : "CFDocument");
		}
	}
	return true;
}

/* Orders the edges: by parent, then as the children are to be listed (a
   total order: the association's place decides last). */
static int cmp_edge(const void *a, const void *b)
{
	const case_edge *x = a, *y = b;
	if (x->parent != y->parent)
		return x->parent < y->parent ? -1 : 1;
	if (x->has_seq != y->has_seq)
		return x->has_seq ? -1 : 1;
	if (x->has_seq && x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	for (int k = 0; k < 2; k++) {
		const char *sx = k ? x->le : x->hcs, *sy = k ? y->le : y->hcs;
		if (!sx != !sy)
			return sx ? -1 : 1;
		int c = sx ? sw_natcmp(sx, sy) : 0;
		if (c)
			return c;
	}
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Reads the isChildOf associations into sorted edges. */
static bool read_edges(sw_case_importer *I, const cJSON *root)
{
	const cJSON *assocs = cJSON_GetObjectItemCaseSensitive(root, "CFAssociations");
	if (!cJSON_IsArray(assocs))
		return true;
	size_t na = (size_t)cJSON_GetArraySize(assocs);
	I->edges = sw_mem_calloc(I->m, na ? na : 1, sizeof *I->edges);
	if (!I->edges)
		return false;
	size_t i = 0;
	char path[64];
	for (const cJSON *a = assocs->child; a; a = a->next, i++) {
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(a, "associationType");
		if (!cJSON_IsString(type) || strcmp(type->valuestring, "isChildOf") != 0)
			continue; /* other associations do not shape the tree */
		snprintf(path, sizeof path, "$.CFAssociations[%zu]", i);
		const cJSON *aid = cJSON_GetObjectItemCaseSensitive(a, "identifier");
		case_edge e = { .order = i, .aid = cJSON_IsString(aid) ? aid->valuestring : "?" };
		const char *o_shown, *d_shown;
		size_t o = resolve(I, cJSON_GetObjectItemCaseSensitive(a, "originNodeURI"), &o_shown);
		size_t d = resolve(I, cJSON_GetObjectItemCaseSensitive(a, "destinationNodeURI"), &d_shown);
		if (o == (size_t)-1 || o == 0 || d == (size_t)-1) {
			sw_notify_send(&I->nt, I->file, 0, path, "isChildOf association %s ignored: %s "
			               "'%s' is not %s of this package", e.aid,
			               o == (size_t)-1 || o == 0 ? "origin" : "destination",
			               o == (size_t)-1 || o == 0 ? o_shown : d_shown,
			               o == (size_t)-1 || o == 0 ? "an item" : "an item or the document");
			continue;
		}
		const cJSON *seq = cJSON_GetObjectItemCaseSensitive(a, "sequenceNumber");
		char *end = NULL;
		if (cJSON_IsNumber(seq) && isfinite(seq->valuedouble)) {
			e.has_seq = true;
			e.seq = seq->valuedouble;
		} else if (cJSON_IsString(seq) && seq->valuestring[0] &&
		           (e.seq = strtod(seq->valuestring, &end), !*end) && isfinite(e.seq)) {
			e.has_seq = true; /* a number written as a string, as some exporters do */
		} else if (seq && !cJSON_IsNull(seq)) {
			e.seq = 0;
			sw_notify_send(&I->nt, I->file, 0, path, "sequenceNumber is not a number: ignored");
		}
		e.parent = d;
		e.child = o;
		e.hcs = I->nodes[o].hcs;
		e.le = I->nodes[o].le;
		I->edges[I->ne++] = e;
	}
	qsort(I->edges, I->ne, sizeof *I->edges, cmp_edge);
	for (size_t k = 0; k < I->ne; k++) {
		case_node *p = &I->nodes[I->edges[k].parent];
		if (p->count++ == 0)
			p->first = k;
	}
	return true;
}

/* The role a child of a `role` node takes, R_NONE when it is too deep. */
static int child_role(const sw_case_importer *I, int role, const case_node *c)
{
	switch (role) {
	case R_ROOT:
		if (I->levels == SW_CASE_LEVELS_GROUP_SKILL_STEP)
			return c->type && strcmp(c->type, "Skill") == 0 ? R_SKILL : R_GROUP;
		return R_SKILL;
	case R_GROUP: return R_SKILL;
	case R_SKILL: return R_STEP;
	default: return R_NONE;
	}
}

/* Places the children of node p (of role `role`) in the tree, depth first. */
static void place(sw_case_importer *I, size_t p, int role)
{
	const case_node *P = &I->nodes[p];
	char path[64];
	for (size_t k = P->first; k < P->first + P->count; k++) {
		const case_edge *e = &I->edges[k];
		case_node *c = &I->nodes[e->child];
		if (c->why == W_INVALID)
			continue;
		int cr = child_role(I, role, c);
		if (cr == R_NONE)
			continue; /* below the levels: reported after the walk */
		if (c->role != R_NONE) {
			snprintf(path, sizeof path, "$.CFAssociations[%zu]", e->order);
			sw_notify_send(&I->nt, I->file, 0, path, "isChildOf association %s ignored: "
			               "item %s is already in the tree under %s", e->aid, c->ident,
			               I->nodes[c->parent].ident);
			continue;
		}
		c->role = cr;
		c->parent = p;
		I->order[I->norder++] = e->child;
		place(I, e->child, cr);
	}
}

/* Marks what the walk did not place: below the levels, or not in the tree. */
static void mark_unplaced(sw_case_importer *I)
{
	size_t *queue = sw_mem_calloc(I->m, I->n, sizeof *queue);
	if (!queue) {
		I->nomem = 1;
		return;
	}
	size_t head = 0, tail = 0;
	queue[tail++] = 0;
	for (size_t i = 0; i < I->norder; i++)
		queue[tail++] = I->order[i];
	while (head < tail) {
		const case_node *p = &I->nodes[queue[head++]];
		for (size_t k = p->first; k < p->first + p->count; k++) {
			case_node *c = &I->nodes[I->edges[k].child];
			if (c->role == R_NONE && c->why == W_NONE) {
				c->why = W_DEEP;
				queue[tail++] = I->edges[k].child;
			}
		}
	}
	sw_mem_free(I->m, queue);
	for (size_t i = 1; i < I->n; i++)
		if (I->nodes[i].role == R_NONE && I->nodes[i].why == W_NONE)
			I->nodes[i].why = W_ORPHAN;
}

/* Counts the placed children of node p that have role `role`. */
static size_t placed_children(const sw_case_importer *I, size_t p, int role)
{
	const case_node *P = &I->nodes[p];
	size_t n = 0;
	for (size_t k = P->first; k < P->first + P->count; k++) {
		const case_node *c = &I->nodes[I->edges[k].child];
		if (c->role == role && c->parent == p)
			n++;
	}
	return n;
}

/* Leaves out skills without steps, then groups without skills. */
static void prune(sw_case_importer *I)
{
	for (int pass = 0; pass < 2; pass++) {
		int role = pass ? R_GROUP : R_SKILL;
		for (size_t i = 0; i < I->norder; i++) {
			case_node *nd = &I->nodes[I->order[i]];
			if (nd->role == role && !placed_children(I, I->order[i], pass ? R_SKILL : R_STEP)) {
				nd->role = R_NONE;
				nd->why = pass ? W_EMPTY_GROUP : W_EMPTY_SKILL;
			}
		}
	}
}

/* Reports every item left out, in the order of CFItems; counts the rest. */
static void report_unplaced(sw_case_importer *I, sw_case_import_stats *st)
{
	static const char *const WHY[] = {
		[W_DEEP] = "is below the steps (levels %s)",
		[W_ORPHAN] = "is not in the tree: no isChildOf association leads from it to the document",
		[W_EMPTY_SKILL] = "would be a skill but has no child items to be its steps",
		[W_EMPTY_GROUP] = "would be a group but has no child items that are skills with steps",
	};
	for (size_t i = 1; i < I->n; i++) {
		const case_node *nd = &I->nodes[i];
		if (nd->why >= W_DEEP) /* W_INVALID was reported as it was read */
			report(I, i, WHY[nd->why], levels_name(I->levels));
		if (nd->role == R_NONE)
			st->not_imported++;
		else
			st->imported++;
		st->groups += nd->role == R_GROUP;
		st->skills += nd->role == R_SKILL;
		st->steps += nd->role == R_STEP;
	}
}

/* Frees everything the importer allocated. */
static void importer_free(sw_case_importer *I)
{
	for (size_t i = 0; I->nodes && i < I->n; i++) {
		sw_mem_free(I->m, I->nodes[i].id);
		sw_mem_free(I->m, I->nodes[i].name);
		sw_mem_free(I->m, I->nodes[i].text);
	}
	for (size_t i = 0; i < I->nused; i++)
		sw_mem_free(I->m, I->used[i].key);
	void *blocks[] = { I->used, I->nodes, I->edges, I->keys, I->order, I->fw_id };
	for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
		sw_mem_free(I->m, blocks[i]);
}

/* Reads the package, builds the tree and writes the framework into out. */
static int import_tree(sw_case_importer *I, const cJSON *root, sw_buf *out,
                       const sw_case_import_options *opts, sw_case_import_stats *st)
{
	I->root = root;
	if (!read_nodes(I, root))
		return I->nomem ? SW_ENOMEM : SW_EINVALID;
	if (!read_edges(I, root))
		return SW_ENOMEM;
	if (I->levels == SW_CASE_LEVELS_AUTO) {
		I->levels = auto_levels(I);
		if (I->nomem)
			return SW_ENOMEM;
	}
	st->levels = I->levels;
	int top = I->levels == SW_CASE_LEVELS_STEP ? R_SKILL : R_ROOT;
	I->nodes[0].role = top;
	place(I, 0, top);
	mark_unplaced(I);
	prune(I);
	if (I->nomem)
		return SW_ENOMEM;
	st->items = I->n - 1;
	report_unplaced(I, st);
	if (I->levels == SW_CASE_LEVELS_STEP && st->steps)
		st->skills = 1;
	if (!st->skills)
		return sw_diag_add(I->d, SW_EINVALID, I->file, 0, 0, NULL, "no skill could be made "
		                   "with levels %s: %s", levels_name(I->levels),
		                   I->levels == SW_CASE_LEVELS_STEP
		                       ? "the document has no child items to be steps"
		                       : "a skill needs child items to be its steps (levels step "
		                         "makes the document one skill with its items as steps)");
	if (!sw_case_name(I, opts))
		return SW_ENOMEM;
	sw_case_write(I, out);
	return I->nomem || I->nt.oom || !sw_buf_cstr(out) ? SW_ENOMEM : SW_OK;
}

int sw_case_import(char **json, size_t *len, sw_engine *eng, const char *package_path,
                   const sw_case_import_options *opts, sw_case_import_stats *stats)
{
	sw_case_import_stats dummy;
	sw_case_import_options defaults = SW_CASE_IMPORT_OPTIONS_INIT;
	stats = stats ? stats : &dummy;
	opts = opts ? opts : &defaults;
	if (sw_ic_begin(json, len, eng, stats, sizeof *stats, package_path, "path",
	                opts->version == SW_CASE_IMPORT_OPTIONS_VERSION, "sw_case_import_options"))
		return SW_EINVALID;
	sw_diag *d = &eng->diag;
	if (opts->levels < SW_CASE_LEVELS_SKILL_STEP || opts->levels > SW_CASE_LEVELS_AUTO)
		return sw_diag_add(d, SW_EINVALID, package_path, 0, 0, NULL, "unknown levels %d",
		                   opts->levels);
	if (opts->id && !sw_text_id(opts->id))
		return sw_diag_add(d, SW_EINVALID, NULL, 0, 0, NULL, "'%s' is not a valid framework "
		                   "id (1 to 64 lower-case letters, digits, '_', '.' or '-', starting "
		                   "with a letter or digit)", opts->id);
	char *data;
	size_t n;
	int rc = sw_file_read(&data, &n, d, &eng->mem, package_path, CASE_MAX_BYTES + 1);
	if (rc)
		return rc;
	cJSON *root = NULL;
	size_t before = d->total;
	rc = sw_json_parse(&root, d, package_path, data, n, CASE_MAX_BYTES, CASE_MAX_DEPTH);
	if (rc == SW_OK && d->total != before)
		rc = SW_EINVALID; /* keys given twice */
	sw_case_importer I = { .eng = eng, .m = &eng->mem, .d = d, .file = package_path,
		               .levels = opts->levels };
	I.nt = (sw_notify){ opts->on_notice, opts->payload, &eng->mem, 0, 0 };
	sw_buf out;
	sw_buf_init(&out, &eng->mem);
	if (rc == SW_OK) {
		locale_t old = sw_locale_enter(); /* sequenceNumber strings read with strtod */
		rc = import_tree(&I, root, &out, opts, stats);
		sw_locale_leave(old);
	}
	cJSON_Delete(root);
	sw_mem_free(&eng->mem, data);
	importer_free(&I);
	if (rc == SW_OK) {
		/* the framework must load like any other; its errors then explain why not */
		char name[600];
		snprintf(name, sizeof name, "%.500s (as a framework)", package_path);
		rc = sw_engine_load_framework_buffer(eng, out.p, out.len, name);
		if (rc && rc != SW_ENOMEM)
			sw_diag_add(d, rc, package_path, 0, 0, NULL, "the framework made from this "
			            "package is not valid: nothing was written");
	}
	return sw_ic_end(json, len, eng, &out, rc, package_path);
}
