/*
 * interchange_case.h - the state of one CASE import, shared by the reading
 * of the tree (interchange_case.c) and the making of the framework from it
 * (interchange_case_make.c).
 */
#ifndef SW_INTERCHANGE_CASE_H
#define SW_INTERCHANGE_CASE_H

#include "interchange.h"

#define CASE_MAX_BYTES (64u * 1024u * 1024u)
#define CASE_MAX_DEPTH 64
#define LABEL_CHARS 60

enum case_role { R_NONE, R_ROOT, R_GROUP, R_SKILL, R_STEP };
enum case_why { W_NONE, W_INVALID, W_DEEP, W_ORPHAN, W_EMPTY_SKILL, W_EMPTY_GROUP };

/* The document (node 0) or one CFItem. */
typedef struct case_node {
	const struct cJSON *obj;
	const char *ident, *uri, *hcs, *le, *abbr, *full, *type;
	int role, why;
	size_t parent;       /* the node it was placed under */
	size_t first, count; /* its isChildOf edges as parent, in the sorted array */
	char *id, *name, *text; /* what the framework gets */
	int step;
} case_node;

/* One isChildOf association. */
typedef struct case_edge {
	size_t parent, child, order;
	bool has_seq;
	double seq;
	const char *aid; /* the association's identifier, for reports */
	const char *hcs, *le; /* the child's humanCodingScheme and listEnumeration */
} case_edge;

/* A matching key (sw_text_key) of a skill id or name, and whose it is. */
typedef struct case_used {
	char *key;
	size_t node;
} case_used;

typedef struct sw_case_importer {
	sw_engine *eng;
	const sw_mem *m;
	sw_diag *d;
	const char *file;
	sw_notify nt;
	int levels;
	const struct cJSON *root, *doc;
	case_node *nodes;
	size_t n;
	case_edge *edges;
	size_t ne;
	sw_ic_key *keys; /* an identifier (kind 0) or a uri (kind 1) of each node */
	size_t nk;
	size_t *order, norder; /* placed nodes in tree order */
	char *fw_id;           /* the framework's id */
	case_used *used;       /* skill ids and names taken */
	size_t nused, capused;
	int nomem;
} sw_case_importer;

/* Gives every placed node its id, name or label and text, and steps their
   numbers; false when out of memory. */
bool sw_case_name(sw_case_importer *I, const sw_case_import_options *opts);
/* Writes the framework document into b. */
void sw_case_write(sw_case_importer *I, sw_buf *b);

#endif
