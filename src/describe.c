/*
 * describe.c - the framework as an aligned text table (`stepwise show`).
 */
#include "internal.h"
#include "table.h"

#include <string.h>

int sw_framework_print(FILE *out, const sw_framework *fw, const char *skill)
{
	if (!out || !fw)
		return SW_EINVALID;
	const sw_skill *only = NULL;
	int rc = skill ? sw_fw_find_skill(&only, fw, skill) : SW_OK;
	if (rc)
		return rc;
	fprintf(out, "%s", fw->name);
	if (fw->version)
		fprintf(out, " (version %s)", fw->version);
	fprintf(out, "\nid: %s\n", fw->id);
	if (fw->attribution)
		fprintf(out, "attribution: %s\n", fw->attribution);
	if (fw->license)
		fprintf(out, "license: %s\n", fw->license);
	if (!only) {
		sw_table t;
		sw_table_init(&t, fw->m, 5);
		t.right = (uint64_t)1 << 3;
		static const char *const head[] = { "skill", "name", "group", "steps", "aliases" };
		for (size_t i = 0; i < 5; i++)
			sw_table_cell(&t, head[i]);
		for (size_t i = 0; i < fw->skill_count; i++) {
			const sw_skill *sk = &fw->skills[i];
			sw_table_cell(&t, sk->id);
			sw_table_cell(&t, sk->name);
			sw_table_cell(&t, sk->group >= 0 ? fw->groups[sk->group].name : "");
			sw_table_cellf(&t, "%d-%d", sk->min, sk->max);
			sw_buf b;
			sw_buf_init(&b, fw->m);
			for (size_t a = 0; a < sk->alias_count; a++)
				sw_buf_printf(&b, "%s%s", a ? ", " : "", sk->aliases[a]);
			sw_table_cell(&t, sk->alias_count ? sw_buf_cstr(&b) : "");
			sw_buf_free(&b);
		}
		fputc('\n', out);
		rc = sw_table_write(&t, out, NULL);
		sw_table_free(&t);
		if (rc == SW_OK && fw->stage_count) {
			fputs("\nstages:\n", out);
			sw_table_init(&t, fw->m, 3);
			for (size_t s = 0; s < fw->stage_count; s++) {
				sw_table_cell(&t, fw->stages[s].id);
				sw_table_cell(&t, fw->stages[s].name);
				sw_table_cellf(&t, "%d-%d", fw->stages[s].first, fw->stages[s].last);
			}
			rc = sw_table_write(&t, out, "  ");
			sw_table_free(&t);
		}
		size_t years = 0;
		for (int y = 0; y < SW_YEARS; y++)
			for (size_t i = 0; i < fw->skill_count; i++)
				if (fw->expected[i * SW_YEARS + (size_t)y] != SW_NO_STEP) {
					years++;
					break;
				}
		if (rc == SW_OK && years) {
			fputs("\nexpected step by school year (0 = Reception):\n", out);
			sw_table_init(&t, fw->m, fw->skill_count + 1);
			t.right = ~(uint64_t)0;
			sw_table_cell(&t, "year");
			for (size_t i = 0; i < fw->skill_count; i++)
				sw_table_cell(&t, fw->skills[i].id);
			for (int y = 0; y < SW_YEARS; y++) {
				bool any = false;
				for (size_t i = 0; i < fw->skill_count; i++)
					any |= fw->expected[i * SW_YEARS + (size_t)y] != SW_NO_STEP;
				if (!any)
					continue;
				sw_table_cellf(&t, "%d", y);
				for (size_t i = 0; i < fw->skill_count; i++) {
					int v = fw->expected[i * SW_YEARS + (size_t)y];
					if (v == SW_NO_STEP)
						sw_table_cell(&t, "-");
					else
						sw_table_cellf(&t, "%d", v);
				}
			}
			rc = sw_table_write(&t, out, "  ");
			sw_table_free(&t);
		}
	} else {
		fprintf(out, "\n%s (%s)", only->name, only->id);
		if (only->group >= 0)
			fprintf(out, ", %s", fw->groups[only->group].name);
		fputc('\n', out);
		sw_table t;
		sw_table_init(&t, fw->m, 3);
		t.right = 1u;
		sw_table_cell(&t, "step");
		sw_table_cell(&t, "stage");
		sw_table_cell(&t, "label");
		/* counted by index: a step number can be INT_MAX, where s++ would overflow */
		for (size_t i = 0; i < (size_t)only->max - (size_t)only->min + 1; i++) {
			int s = only->min + (int)i;
			sw_table_cellf(&t, "%d", s);
			const char *stage = sw_skill_step_stage(only, s);
			sw_table_cell(&t, stage ? stage : "");
			sw_table_cell(&t, only->steps[i].label);
		}
		rc = sw_table_write(&t, out, NULL);
		sw_table_free(&t);
	}
	if (rc == SW_OK && ferror(out))
		rc = SW_EIO;
	return rc;
}
