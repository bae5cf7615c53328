/*
 * test_write.c - the writing side: rubric errors as data in a result
 * (which skill failed, read without parsing the message), the writers'
 * table of formats, and the typed report kinds and formats.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* perseverance fails for every pupil; the pupil-level step fails for all
   but P1 */
static const char RUBRIC[] =
	"return { name = 'fails',\n"
	"  skill = function(evidence, ctx)\n"
	"    if ctx.skill.id == 'perseverance' then error('no perseverance') end\n"
	"    return 2 end,\n"
	"  pupil = function(results, ctx)\n"
	"    if ctx.pupil.id ~= 'P1' then error('whole pupil') end end }\n";

/* An engine with example-school, the failing rubric and pupils P1 and a
   pupil whose id looks like the tail of a skill's error message. */
static sw_engine *failing_engine(void)
{
	sw_engine *eng = NULL;
	if (sw_engine_new(&eng, NULL) != SW_OK)
		return NULL;
	const char *ids[2] = { "P1", "P2, skill curiosity" };
	int rc = sw_engine_load_framework_builtin(eng, "example-school");
	if (!rc)
		rc = sw_engine_load_rubric_buffer(eng, RUBRIC, sizeof RUBRIC - 1, "fails.lua");
	for (int i = 0; i < 2 && !rc; i++) {
		sw_pupil_data p = SW_PUPIL_DATA_INIT;
		p.id = ids[i];
		rc = sw_engine_add_pupil(eng, &p);
	}
	if (rc) {
		const sw_error *e = sw_engine_error(eng, 0);
		unit_fail(__FILE__, __LINE__, "setup failed: %s", e ? e->message : "?");
		sw_engine_free(eng);
		return NULL;
	}
	return eng;
}

/* The text a table writer writes for the two pupils; malloc'd. */
static char *table_text(sw_engine *eng)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	sw_writer *w = NULL;
	int rc = sw_writer_new(&w, eng, SW_OUTPUT_TABLE, f);
	const char *ids[2] = { "P1", "P2, skill curiosity" };
	for (int i = 0; i < 2 && !rc; i++) {
		sw_result *r = NULL;
		rc = sw_engine_evaluate_pupil(&r, eng, ids[i], NULL);
		if (!rc)
			rc = sw_writer_add(w, r);
		sw_result_free(r);
	}
	if (!rc)
		rc = sw_writer_finish(w);
	sw_writer_free(w);
	fclose(f);
	if (rc) {
		free(text);
		return NULL;
	}
	return text;
}

/* Output formats by name, from the writers' table. */
void test_write_format_names(void)
{
	sw_output_format f = SW_OUTPUT_TABLE;
	CHECK_EQ(sw_output_format_find(&f, "csv"), SW_OK);
	CHECK_EQ(f, SW_OUTPUT_CSV);
	CHECK_EQ(sw_output_format_find(&f, "jsonl"), SW_OK);
	CHECK_EQ(f, SW_OUTPUT_JSONL);
	CHECK_EQ(sw_output_format_find(&f, "table"), SW_OK);
	CHECK_EQ(f, SW_OUTPUT_TABLE);
	CHECK_EQ(sw_output_format_find(&f, "html"), SW_ENOTFOUND);
	CHECK_EQ(f, 0);
	CHECK_EQ(sw_output_format_find(NULL, "CSV"), SW_ENOTFOUND);
	CHECK_EQ(sw_output_format_find(&f, NULL), SW_ENOTFOUND);
}

/* Counts, over the results it is given, the skills marked as failed and
   the errors that name a skill. */
typedef struct failed_count {
	size_t skills, skill_errors, pupil_errors;
} failed_count;

static int count_failed(const sw_result *r, void *payload)
{
	failed_count *c = payload;
	for (size_t k = 0; k < sw_result_skill_count(r); k++)
		c->skills += (size_t)sw_result_has_error(r, k);
	for (size_t i = 0; i < sw_result_error_count(r); i++) {
		if (sw_result_error_skill(NULL, r, i))
			c->skill_errors++;
		else
			c->pupil_errors++;
	}
	return 0;
}

/* Which skill failed is part of the result: sw_result_has_error per skill
   and sw_result_error_skill per error, whatever the messages say. */
void test_write_errors_as_data(void)
{
	sw_engine *eng = failing_engine();
	REQUIRE(eng);
	const sw_framework *fw = sw_engine_framework(eng);
	const sw_skill *sp = sw_framework_find_skill(fw, "perseverance");
	const sw_skill *sc = sw_framework_find_skill(fw, "curiosity");
	REQUIRE(sp && sc);
	size_t persev = sw_skill_index(sp), curiosity = sw_skill_index(sc);

	sw_result *r = NULL;
	REQUIRE(sw_engine_evaluate_pupil(&r, eng, "P1", NULL) == SW_OK);
	CHECK_EQ(sw_result_error_count(r), 1);
	size_t k = 99;
	CHECK_EQ(sw_result_error_skill(&k, r, 0), 1);
	CHECK_EQ(k, persev);
	CHECK_EQ(sw_result_has_error(r, persev), 1);
	CHECK_EQ(sw_result_has_error(r, curiosity), 0);
	CHECK_EQ(sw_result_has_error(r, sw_result_skill_count(r)), 0); /* past the end */
	CHECK_EQ(sw_result_error_skill(NULL, r, 1), 0);
	sw_result_free(r);

	/* the second pupil's id ends like a skill's error message: its
	   pupil-level error belongs to no skill, and curiosity did not fail */
	REQUIRE(sw_engine_evaluate_pupil(&r, eng, "P2, skill curiosity", NULL) == SW_OK);
	CHECK_EQ(sw_result_error_count(r), 2);
	k = 99;
	CHECK_EQ(sw_result_error_skill(&k, r, 1), 0);
	CHECK_EQ(k, 99);
	CHECK(strstr(sw_result_error(r, 1), "whole pupil (pupil P2, skill curiosity)") != NULL);
	CHECK_EQ(sw_result_has_error(r, curiosity), 0);
	CHECK_EQ(sw_result_has_error(r, persev), 1);
	sw_result_free(r);
	CHECK_EQ(sw_result_has_error(NULL, 0), 0);
	CHECK_EQ(sw_result_error_skill(&k, NULL, 0), 0);

	/* the table marks only the skill that failed: '!' once per pupil */
	char *text = table_text(eng);
	CHECK(text != NULL);
	if (text) {
		const char *p2 = strstr(text, "\nP2, skill curiosity");
		CHECK(p2 != NULL);
		if (p2) {
			const char *end = strchr(p2 + 1, '\n');
			size_t marks = 0;
			for (const char *c = p2 + 1; c < end; c++)
				marks += *c == '!';
			CHECK_EQ(marks, 1);
		}
	}
	free(text);

	/* the same through isolated worker processes, which send it back */
	for (int isolate = 0; isolate < 2; isolate++) {
		failed_count c = { 0, 0, 0 };
		sw_eval_options eo = SW_EVAL_OPTIONS_INIT;
		eo.isolate = isolate;
		CHECK_EQ(sw_engine_evaluate(eng, &eo, count_failed, &c, NULL), SW_OK);
		CHECK_EQ(c.skills, 2);
		CHECK_EQ(c.skill_errors, 2);
		CHECK_EQ(c.pupil_errors, 1);
	}
	sw_engine_free(eng);
}
