/*
 * errgroup.c - rubric errors grouped for the terminal: the same message for
 * many pupils and skills is printed once, with how many it hit and the
 * first pupil and skill ("... (the same error for 240 of 240 pupil-skills;
 * first: P001 listening)"). Whether an error is of one skill is read from
 * the result (sw_result_error_skill); messages end in "(pupil P, skill S)"
 * or "(pupil P)" (src/runner_error.c), and the text before is what is compared.
 * The JSON Lines output keeps every error of every pupil.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#define SHOW_MAX 50 /* groups printed */

/* Splits "TEXT (pupil P, skill S)" into TEXT's length and "P, skill S"/"P". */
static size_t split(const char *msg, const char **who, size_t *who_len)
{
	size_t n = strlen(msg);
	*who = NULL;
	*who_len = 0;
	if (n < 2 || msg[n - 1] != ')')
		return n;
	const char *open = msg + n - 1; /* the last " (pupil " */
	while (open > msg && !(open[-1] == ' ' && strncmp(open, "(pupil ", 7) == 0))
		open--;
	if (open == msg)
		return n;
	*who = open + 7;
	*who_len = (size_t)(msg + n - 1 - *who);
	return (size_t)(open - 1 - msg);
}

/* Adds error `error` of r to its group, or makes a group of it. */
static void add_one(cli_errs *g, const sw_result *r, size_t error)
{
	const char *msg = sw_result_error(r, error), *who;
	bool skill = sw_result_error_skill(NULL, r, error);
	size_t wl, n = split(msg, &who, &wl);
	g->total++;
	for (size_t i = 0; i < g->count; i++) {
		cli_err_group *e = &g->items[i];
		if (e->len == n && e->skill == skill && memcmp(e->text, msg, n) == 0) {
			e->hits++;
			return;
		}
	}
	char *copy = g->count < CLI_ERR_GROUPS ? strdup(msg) : NULL;
	if (!copy) {
		g->dropped++;
		return;
	}
	g->items[g->count++] =
	        (cli_err_group){ copy, n, who ? copy + (who - msg) : NULL, wl, skill, 1 };
}

void cli_errs_add(cli_errs *g, const sw_result *r)
{
	g->skills = sw_result_skill_count(r);
	for (size_t i = 0; i < sw_result_error_count(r); i++)
		add_one(g, r, i);
}

void cli_errs_print(cli_errs *g, FILE *f, uint64_t pupils)
{
	size_t shown = 0;
	uint64_t rest = g->dropped;
	for (size_t i = 0; i < g->count; i++) {
		cli_err_group *e = &g->items[i];
		if (shown == SHOW_MAX) {
			rest += e->hits;
			continue;
		}
		shown++;
		if (e->hits == 1 || !e->who) {
			fprintf(f, "%s\n", e->text);
			rest += e->hits - 1;
			continue;
		}
		/* "P001, skill listening" is shown as "P001 listening" */
		char first[256];
		size_t k = 0;
		for (size_t j = 0; j < e->who_len && k + 1 < sizeof first; j++) {
			bool skill = strncmp(e->who + j, ", skill ", 8) == 0;
			first[k++] = skill ? ' ' : e->who[j];
			j += skill ? 7 : 0;
		}
		first[k] = '\0';
		uint64_t of = e->skill ? pupils * g->skills : pupils;
		fprintf(f, "%.*s (the same error for %llu of %llu %s; first: %s)\n", (int)e->len, e->text,
		        (unsigned long long)e->hits, (unsigned long long)of,
		        e->skill ? "pupil-skills" : "pupils", first);
	}
	if (rest)
		fprintf(f, "... and %llu more rubric errors\n", (unsigned long long)rest);
}

void cli_errs_free(cli_errs *g)
{
	for (size_t i = 0; i < g->count; i++)
		free(g->items[i].text);
	memset(g, 0, sizeof *g);
}
