/*
 * embed.c - Stepwise inside a host program, as a school's own software
 * would use it: pupils and evidence come from the host's arrays (its
 * database, in real life), not from files. It loads a framework and a
 * custom rubric, adds the pupils and evidence, shows the records the
 * library refused and why, evaluates every pupil, then one pupil as JSON,
 * then the same pupil again after changing a rubric parameter.
 *
 * Build against an installed Stepwise:
 *     cc -o embed embed.c $(pkg-config --cflags --libs stepwise)
 * Run:
 *     ./embed ../rubrics/awards.lua [FRAMEWORK.json]
 */
#include <stepwise.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An allocator that counts the blocks it hands out, to show that the
   library gives every one back (sw_allocator: one realloc-like function). */
static long blocks;

static void *counting_realloc(void *ud, void *ptr, size_t size)
{
	(void)ud;
	if (size == 0) {
		if (ptr)
			blocks--;
		free(ptr);
		return NULL;
	}
	void *p = realloc(ptr, size);
	if (p && !ptr)
		blocks++;
	return p;
}

/* The host's pupils. */
static const struct {
	const char *id, *name;
	int year;
} PUPILS[] = {
	{ "A01", "Ada Lovelace", 6 },
	{ "A02", "Ben Okri", 6 },
	{ "A03", "Cara Dillon", 5 },
	{ "A04", "Dev Patel", 5 },
};

/* The host's evidence: pupil, skill (id, alias or name), step, date,
   outcome, source, context. */
static const struct {
	const char *pupil, *skill;
	int step;
	const char *date, *outcome, *source, *context;
} EVIDENCE[] = {
	{ "A01", "listening", 6, "2026-01-12", NULL, NULL, "class assembly" },
	{ "A01", "speaking", 7, "2026-01-14", NULL, NULL, "debate club" },
	{ "A01", "Problem Solving", 6, "2026-01-20", NULL, NULL, "science project" },
	{ "A01", "creativity", 6, "2026-02-02", NULL, NULL, "art" },
	{ "A01", "staying-positive", 7, "2026-02-03", NULL, NULL, "PE" },
	{ "A01", "aiming-high", 6, "2026-02-09", NULL, NULL, "school council" },
	{ "A01", "leadership", 6, "2026-02-10", NULL, NULL, "school council" },
	{ "A01", "teamwork", 8, "2026-02-11", NULL, NULL, "PE" },
	{ "A02", "listening", 5, "2026-01-12", NULL, NULL, "class assembly" },
	{ "A02", "speaking", 4, "2026-01-14", NULL, "self", "reading group" },
	{ "A02", "problem-solving", 4, "2026-01-20", NULL, NULL, "science project" },
	{ "A02", "creativity", 5, "2026-02-02", NULL, NULL, "art" },
	{ "A02", "adapting", 4, "2026-02-03", NULL, NULL, "PE" },
	{ "A02", "planning", 6, "2026-02-09", "developing", NULL, "science project" },
	{ "A02", "planning", 4, "2026-02-16", NULL, NULL, "science project" },
	{ "A02", "leadership", 5, "2026-02-10", NULL, "peer", "PE" },
	{ "A02", "teamwork", 4, "2026-02-11", NULL, NULL, "PE" },
	{ "A03", "listening", 3, "2026-01-12", NULL, NULL, "circle time" },
	{ "A03", "speaking", 2, "2026-01-14", NULL, NULL, "circle time" },
	{ "A03", "problem-solving", 2, "2026-01-20", NULL, NULL, "maths" },
	{ "A03", "creativity", 4, "2026-02-02", NULL, NULL, "art" },
	{ "A03", "adapting", 2, "2026-02-03", NULL, NULL, "PE" },
	{ "A03", "planning", 3, "2026-02-09", NULL, NULL, "maths" },
	{ "A03", "leadership", 2, "2026-02-10", NULL, NULL, "PE" },
	{ "A03", "teamwork", 5, "2026-02-11", "developing", NULL, "PE" },
	{ "A03", "teamwork", 3, "2026-02-12", NULL, NULL, "PE" },
	{ "A04", "listening", 4, "2026-01-12", NULL, NULL, "circle time" },
	{ "A04", "teamwork", 3, "2026-02-11", NULL, NULL, "PE" },
	{ "A04", "juggling", 2, "2026-02-11", NULL, NULL, "circus club" }, /* refused */
	{ "A05", "listening", 2, "2026-02-11", NULL, NULL, "PE" },         /* refused */
	{ "A04", "speaking", 3, "2026-02-30", NULL, NULL, "drama" },       /* refused */
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Prints the engine's errors after what failed; returns 1 for main. */
static int fail(sw_engine *eng, const char *what)
{
	char buf[1024];
	fprintf(stderr, "embed: %s\n", what);
	for (size_t i = 0; i < sw_engine_error_count(eng); i++) {
		sw_error_format(buf, sizeof buf, sw_engine_error(eng, i));
		fprintf(stderr, "  %s\n", buf);
	}
	sw_engine_free(eng);
	return 1;
}

/* Prints one pupil: a step per skill ('-': none yet), then awards and flags. */
static int print_result(const sw_result *r, void *payload)
{
	(void)payload;
	printf("%-4s %-13s", sw_result_pupil(r), sw_result_name(r));
	for (size_t k = 0; k < sw_result_skill_count(r); k++) {
		int step;
		if (sw_result_has_step(&step, r, k))
			printf(" %2d", step);
		else
			printf("  -");
	}
	for (size_t i = 0; i < sw_result_award_count(r); i++)
		printf("  award: %s", sw_result_award(r, i));
	for (size_t i = 0; i < sw_result_flag_count(r); i++)
		printf("  flag: %s", sw_result_flag(r, i));
	for (size_t i = 0; i < sw_result_error_count(r); i++)
		printf("\n  error: %s", sw_result_error(r, i));
	putchar('\n');
	return 0;
}

/* Evaluates one pupil and prints the result as JSON (as `evaluate --format jsonl`). */
static int print_json(sw_engine *eng, const char *pupil)
{
	sw_result *r;
	if (sw_engine_evaluate_pupil(&r, eng, pupil, NULL) != SW_OK)
		return fail(eng, "cannot evaluate the pupil");
	char *json;
	if (sw_result_json(&json, r) != SW_OK) {
		sw_result_free(r);
		return fail(eng, "out of memory");
	}
	printf("%s\n", json);
	sw_string_free(eng, json);
	sw_result_free(r);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: embed RUBRIC.lua [FRAMEWORK.json]\n");
		return 2;
	}
	/* The header's version and the library's should agree (same soname). */
	printf("Stepwise: header and library versions %s\n",
	       strcmp(sw_version(), SW_VERSION_STRING) == 0 ? "match" : "differ");

	sw_allocator alloc = { counting_realloc, NULL };
	sw_engine_options opts = SW_ENGINE_OPTIONS_INIT;
	opts.allocator = &alloc;
	sw_engine *eng;
	int rc = sw_engine_new(&eng, &opts);
	if (rc != SW_OK) {
		fprintf(stderr, "embed: %s\n", sw_status_string(rc));
		return 1;
	}
	rc = argc == 3 ? sw_engine_load_framework_file(eng, argv[2])
	               : sw_engine_load_framework_builtin(eng, "skills-builder-v2");
	if (rc != SW_OK)
		return fail(eng, "cannot load the framework");
	if (sw_engine_load_rubric_file(eng, argv[1]) != SW_OK)
		return fail(eng, "cannot load the rubric");
	const sw_framework *fw = sw_engine_framework(eng);
	printf("framework %s, rubric %s (%s)\n\n", sw_framework_id(fw), sw_engine_rubric_name(eng),
	       sw_engine_rubric_params(eng));

	for (size_t i = 0; i < COUNT(PUPILS); i++) {
		sw_pupil_data p = SW_PUPIL_DATA_INIT;
		p.id = PUPILS[i].id;
		p.name = PUPILS[i].name;
		p.year = PUPILS[i].year;
		if (sw_engine_add_pupil(eng, &p) != SW_OK)
			return fail(eng, "cannot add a pupil");
	}
	for (size_t i = 0; i < COUNT(EVIDENCE); i++) {
		sw_evidence_data e = SW_EVIDENCE_DATA_INIT;
		e.pupil = EVIDENCE[i].pupil;
		e.skill = EVIDENCE[i].skill;
		e.step = EVIDENCE[i].step;
		e.date = EVIDENCE[i].date;
		e.outcome = EVIDENCE[i].outcome;
		e.source = EVIDENCE[i].source;
		e.context = EVIDENCE[i].context;
		rc = sw_engine_add_evidence(eng, &e);
		if (rc == SW_EREJECTED)
			printf("refused record %zu: %s\n", i + 1, sw_engine_error(eng, 0)->message);
		else if (rc != SW_OK)
			return fail(eng, "cannot add evidence");
	}
	printf("%zu pupils, %zu records\n\n", sw_engine_pupil_count(eng),
	       sw_engine_evidence_count(eng));

	printf("%-18s", "pupil");
	for (size_t k = 0; k < sw_framework_skill_count(fw); k++)
		printf(" %.2s", sw_skill_id(sw_framework_skill(fw, k)));
	putchar('\n');
	sw_eval_stats stats;
	if (sw_engine_evaluate(eng, NULL, print_result, NULL, &stats) != SW_OK)
		return fail(eng, "cannot evaluate");
	printf("%llu pupils evaluated, %llu rubric errors\n\n", (unsigned long long)stats.pupils,
	       (unsigned long long)stats.errors);

	if (print_json(eng, "A01"))
		return 1;
	/* Parameters change the rubric for the evaluations that follow. */
	if (sw_engine_set_param(eng, "gold", "7") != SW_OK)
		return fail(eng, "cannot set the parameter");
	printf("\nwith gold=7 (%s):\n", sw_engine_rubric_params(eng));
	if (print_json(eng, "A01"))
		return 1;

	sw_engine_free(eng);
	printf("\nblocks not freed: %ld\n", blocks);
	return blocks != 0;
}
