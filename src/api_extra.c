/*
 * api_extra.c - public calls for host programs: emptying an engine's data
 * so it can be used again, forgetting a rubric's parameters, and a
 * framework as JSON for hosts in other languages (the service mode's
 * "framework" answer).
 */
#include "internal.h"
#include "rubric.h"

#include <string.h>

int sw_engine_reset_data(sw_engine *eng)
{
	if (!eng)
		return SW_EINVALID;
	sw_engine_begin(eng);
	sw_engine_clear_data(eng);
	return SW_OK;
}

int sw_engine_clear_params(sw_engine *eng)
{
	if (!eng)
		return SW_EINVALID;
	sw_engine_begin(eng);
	struct sw_rubric *rb = eng->rubric;
	if (!rb || !rb->param_count)
		return SW_OK;
	for (size_t i = 0; i < rb->param_count; i++) {
		sw_mem_free(&eng->mem, rb->param_keys[i]);
		sw_mem_free(&eng->mem, rb->param_values[i]);
	}
	rb->param_count = 0;
	/* the runner holds the merged parameters: build it again */
	sw_runner *r;
	int rc = sw_runner_open(&r, eng, &eng->diag);
	sw_rubric_forget_runner(eng);
	sw_mem_free(&eng->mem, rb->params_text); /* the old values no longer apply */
	rb->params_text = NULL;
	if (rc == SW_OK)
		rb->runner = r;
	return rc;
}

/* Appends "KEY": followed by a JSON string (or null). */
static void put_field(sw_buf *b, const char *key, const char *value, bool first)
{
	sw_json_put_after(b, first ? "" : ", ", key);
	sw_buf_puts(b, ": ");
	sw_json_put(b, value);
}

/* Appends the groups and stages arrays. */
static void put_named(sw_buf *b, const sw_framework *fw)
{
	for (int stages = 0; stages < 2; stages++) {
		const sw_named *list = stages ? fw->stages : fw->groups;
		size_t n = stages ? fw->stage_count : fw->group_count;
		sw_buf_puts(b, stages ? "], \"stages\": [" : ", \"groups\": [");
		for (size_t i = 0; i < n; i++) {
			sw_buf_puts(b, i ? ", {" : "{");
			put_field(b, "id", list[i].id, true);
			put_field(b, "name", list[i].name, false);
			if (stages)
				sw_buf_printf(b, ", \"first\": %d, \"last\": %d", list[i].first, list[i].last);
			sw_buf_putc(b, '}');
		}
	}
	sw_buf_putc(b, ']');
}

/* Appends one skill with its aliases and steps. */
static void put_skill(sw_buf *b, const sw_skill *sk)
{
	sw_buf_putc(b, '{');
	put_field(b, "id", sk->id, true);
	put_field(b, "name", sk->name, false);
	put_field(b, "group", sw_skill_group(sk), false);
	put_field(b, "description", sk->description, false);
	sw_buf_puts(b, ", \"aliases\": [");
	for (size_t a = 0; a < sk->alias_count; a++)
		sw_json_put_after(b, a ? ", " : "", sk->aliases[a]);
	sw_buf_printf(b, "], \"min\": %d, \"max\": %d, \"steps\": [", sk->min, sk->max);
	for (size_t s_i = 0; s_i < sk->step_count; s_i++) {
		int s = sk->min + (int)s_i; /* no overflow at the largest step */
		const sw_step_def *st = &sk->steps[s - sk->min];
		sw_buf_printf(b, "%s{\"step\": %d", s > sk->min ? ", " : "", s);
		put_field(b, "label", st->label, false);
		put_field(b, "text", st->text, false);
		put_field(b, "stage", sw_skill_step_stage(sk, s), false);
		sw_buf_putc(b, '}');
	}
	sw_buf_puts(b, "]}");
}

/* Appends the expectations: each year that has one, with every skill's step. */
static void put_expectations(sw_buf *b, const sw_framework *fw)
{
	sw_buf_puts(b, ", \"expectations\": [");
	bool first_year = true;
	for (int y = 0; y < SW_YEARS; y++) {
		bool any = false;
		for (size_t k = 0; k < fw->skill_count; k++) {
			int step;
			if (!sw_framework_has_expected(&step, fw, y, &fw->skills[k]))
				continue;
			if (!any)
				sw_buf_printf(b, "%s{\"year\": %d, \"skills\": {", first_year ? "" : ", ", y);
			sw_json_put_after(b, any ? ", " : "", fw->skills[k].id);
			sw_buf_printf(b, ": %d", step);
			any = true;
			first_year = false;
		}
		if (any)
			sw_buf_puts(b, "}}");
	}
	sw_buf_putc(b, ']');
}

int sw_framework_json(char **json, const sw_framework *fw)
{
	if (!json)
		return SW_EINVALID;
	*json = NULL;
	if (!fw)
		return SW_EINVALID;
	sw_buf b;
	sw_buf_init(&b, fw->m);
	sw_buf_puts(&b, "{\"format\": \"stepwise-framework\", \"format_version\": 1");
	put_field(&b, "id", fw->id, false);
	put_field(&b, "name", fw->name, false);
	put_field(&b, "version", fw->version, false);
	put_field(&b, "attribution", fw->attribution, false);
	put_field(&b, "license", fw->license, false);
	put_named(&b, fw);
	sw_buf_puts(&b, ", \"skills\": [");
	for (size_t k = 0; k < fw->skill_count; k++) {
		sw_buf_puts(&b, k ? ", " : "");
		put_skill(&b, &fw->skills[k]);
	}
	sw_buf_putc(&b, ']');
	put_expectations(&b, fw);
	sw_buf_putc(&b, '}');
	*json = sw_buf_take(&b);
	return *json ? SW_OK : SW_ENOMEM;
}
