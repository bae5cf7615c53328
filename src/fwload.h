/* fwload.h - what the framework loader's two files share (framework.c,
   fwlink.c). Prefix sw_fwl_. */
#ifndef SW_FWLOAD_H
#define SW_FWLOAD_H
#include "internal.h"
#include <cJSON.h>

/* State of one load: where errors go and the path being walked. */
typedef struct loader {
	sw_diag *d;
	const sw_mem *m;
	const char *name;
	sw_jpath path;
	sw_framework *fw;
	int nomem;
} loader;

/* Records a rule error at the current path (plus `key` when not NULL), with
   control characters made '?' (one line, no escape sequences to a terminal). */
void sw_fwl_rule_error(loader *L, const char *key, const char *fmt, ...) SW_PRINTF(3, 4);
/* Reports keys of obj that are neither in `allowed` (NULL-terminated) nor x- extensions. */
void sw_fwl_check_keys(loader *L, const cJSON *obj, const char *const *allowed);
/* Reads integer member `key`; false (with an error) when missing or not an integer. */
bool sw_fwl_get_int(loader *L, const cJSON *obj, const char *key, bool required, int *out);
/* Returns array member `key`, reporting a wrong type; NULL when absent or wrong. */
const cJSON *sw_fwl_get_array(loader *L, const cJSON *obj, const char *key, bool required);

/* fwlink.c: the checks that tie the parts together */
void sw_fwl_check_unique_ids(loader *L);
void sw_fwl_load_expectations(loader *L, const cJSON *root);
void sw_fwl_build_keys(loader *L);
void sw_fwl_link_stages(loader *L);
#endif
