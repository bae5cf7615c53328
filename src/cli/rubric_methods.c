/*
 * rubric_methods.c - `stepwise rubric new NAME --method SKILL=METHOD[:K=V,...]
 * [--default METHOD]`: the text of a rubric that uses one built-in method
 * per skill (stepwise.per_skill, scripts/README.md "A method per skill"), so
 * a teacher can choose methods without writing code. The text is checked
 * before cmd_rubric.c writes it: every skill against the framework, and the
 * whole rubric by loading it, so a misspelt method or parameter is refused
 * with the nearest names and no file is left behind.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* True when s[0..n) is not empty and holds only ASCII letters, digits and
   the characters of `also`: with "-_.+;", a word that may stand in the
   rubric as it is. */
static bool word_of(const char *s, size_t n, const char *also)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      (c && strchr(also, c))))
			return false;
	}
	return n > 0;
}

/* Writes a value: a number as it is, else a quoted string; in `sources`,
   '+' and ';' separate sources (a comma separates parameters here). */
static void put_value(FILE *t, const char *key, size_t kn, const char *v, size_t n)
{
	char *end, num[64];
	if (n < sizeof num) {
		memcpy(num, v, n);
		num[n] = '\0';
		strtod(num, &end);
		if (n && *end == '\0' && num[0] != '+' && num[0] != '.') {
			fwrite(v, 1, n, t);
			return;
		}
	}
	bool sources = kn == 7 && memcmp(key, "sources", 7) == 0;
	putc('"', t);
	for (size_t i = 0; i < n; i++)
		putc(sources && (v[i] == '+' || v[i] == ';') ? ',' : v[i], t);
	putc('"', t);
}

/* Writes `METHOD` or `{ "METHOD", K = V, ... }` from "METHOD[:K=V,...]";
   false (error printed) when it is not in that form. */
static bool put_method(FILE *t, const char *spec, const char *what)
{
	const char *colon = strchr(spec, ':');
	size_t mn = colon ? (size_t)(colon - spec) : strlen(spec);
	if (!word_of(spec, mn, "-_.+;")) {
		cli_error("rubric new: %s: '%s' is not METHOD or METHOD:K=V,... (methods: highest, "
		          "latest, secured-n, average, decaying-average)", what, spec);
		return false;
	}
	if (!colon) {
		fprintf(t, "\"%.*s\"", (int)mn, spec);
		return true;
	}
	fprintf(t, "{ \"%.*s\"", (int)mn, spec);
	for (const char *p = colon + 1; *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		const char *eq = memchr(p, '=', n);
		size_t kn = eq ? (size_t)(eq - p) : 0;
		if (!eq || !word_of(p, kn, "-_.+;") || !word_of(eq + 1, n - kn - 1, "-_.+;") ||
		    memchr(p, '-', kn) || memchr(p, '.', kn)) {
			cli_error("rubric new: %s: '%.*s' is not PARAMETER=VALUE (for example times=2, "
			          "rate=0.5, sources=teacher+self)", what, (int)n, p);
			return false;
		}
		fprintf(t, ", %.*s = ", (int)kn, p);
		put_value(t, p, kn, eq + 1, n - kn - 1);
		p = comma ? comma + 1 : p + n;
	}
	fputs(" }", t);
	return true;
}

/* Writes the key of a skill: an identifier as it is, else ["..."]. */
static void put_key(FILE *t, const char *s, size_t n)
{
	bool ident = word_of(s, n, "_") && !(s[0] >= '0' && s[0] <= '9');
	fprintf(t, ident ? "%.*s" : "[\"%.*s\"]", (int)n, s);
}

/* Writes the rubric's text to t; false (error printed) for a bad option. */
static bool build(FILE *t, cli_opt *opts, const sw_framework *fw, const char *name)
{
	cli_opt *m = cli_find(opts, "--method");
	const char *def = cli_get(opts, "--default");
	fprintf(t, "-- %s: one built-in method per skill, written by 'stepwise rubric new --method'.\n"
	           "-- Methods: highest, latest, secured-n (times), average, decaying-average (rate);\n"
	           "-- each takes sources. See scripts/README.md, \"A method per skill\".\n"
	           "return stepwise.per_skill {\n", name);
	if (def) {
		fputs("  default = ", t);
		if (!put_method(t, def, "--default"))
			return false;
		fputs(",\n", t);
	}
	for (int i = 0; m && i < m->count; i++) {
		const char *spec = m->many[i];
		const char *eq = strchr(spec, '=');
		if (!eq || eq == spec) {
			cli_error("rubric new: --method '%s' is not SKILL=METHOD[:K=V,...]", spec);
			return false;
		}
		size_t sn = (size_t)(eq - spec);
		char skill[256];
		snprintf(skill, sizeof skill, "%.*s", (int)(sn < 255 ? sn : 255), spec);
		if (strpbrk(skill, "\"\\\n") || !sw_framework_find_skill(fw, skill)) {
			cli_error("rubric new: --method %s: no skill '%s' in %s (skills: see "
			          "'stepwise show %s')", spec, skill, sw_framework_id(fw),
			          sw_framework_id(fw));
			return false;
		}
		fputs("  ", t);
		put_key(t, skill, strlen(skill));
		fputs(" = ", t);
		if (!put_method(t, eq + 1, spec))
			return false;
		fputs(",\n", t);
	}
	fputs("}\n", t);
	return true;
}

char *cli_rubric_methods(cli_opt *opts, const char *name, const char *path, size_t *len)
{
	sw_engine *eng;
	if (cli_setup(&eng, opts, false, NULL))
		return NULL;
	char *text = NULL;
	FILE *t = open_memstream(&text, len);
	bool built = t && build(t, opts, sw_engine_framework(eng), name);
	if (!t || fclose(t) != 0) {
		cli_error("rubric new: out of memory");
		built = false;
	} else if (built && sw_engine_load_rubric_buffer(eng, text, *len, path) != SW_OK) {
		cli_print_errors(eng); /* a method or parameter that does not exist */
		built = false;
	}
	sw_engine_free(eng);
	if (!built) {
		free(text);
		return NULL;
	}
	return text;
}
