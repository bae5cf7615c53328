/*
 * rubric_methods.c - `stepwise rubric new NAME --method SKILL=METHOD[:K=V,...]
 * [--default METHOD]`: writes a rubric that uses one built-in method per
 * skill (stepwise.per_skill, scripts/README.md "A method per skill"), so a
 * teacher can choose methods without writing code. The text is checked
 * before it is written: every skill against the framework, and the whole
 * rubric by loading it, so a misspelt method or parameter is refused with
 * the nearest names and no file is left behind.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growing text (plain malloc: this is the command line). */
typedef struct text {
	char *p;
	size_t len, cap;
	bool failed;
} text;

static void put(text *t, const char *s, size_t n)
{
	if (t->failed)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 512;
		while (cap < t->len + n + 1)
			cap *= 2;
		char *p = realloc(t->p, cap);
		if (!p) {
			t->failed = true;
			return;
		}
		t->p = p;
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = '\0';
}

static void puts_t(text *t, const char *s)
{
	put(t, s, strlen(s));
}

/* A word that may stand in the rubric as it is: letters, digits and - _ . + ; */
static bool plain_word(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.' || c == '+' || c == ';'))
			return false;
	}
	return true;
}

/* Appends a value: a number as it is, else a quoted string; in `sources`,
   '+' and ';' separate sources (a comma separates parameters here). */
static void put_value(text *t, const char *key, size_t kn, const char *v, size_t n)
{
	char *end;
	char num[64];
	if (n < sizeof num) {
		memcpy(num, v, n);
		num[n] = '\0';
		strtod(num, &end);
		if (n && *end == '\0' && num[0] != '+' && num[0] != '.') {
			put(t, v, n);
			return;
		}
	}
	bool sources = kn == 7 && memcmp(key, "sources", 7) == 0;
	put(t, "\"", 1);
	for (size_t i = 0; i < n; i++)
		put(t, sources && (v[i] == '+' || v[i] == ';') ? "," : v + i, 1);
	put(t, "\"", 1);
}

/* Appends `METHOD` or `{ "METHOD", K = V, ... }` from "METHOD[:K=V,...]";
   false (error printed) when it is not in that form. */
static bool put_method(text *t, const char *spec, const char *what)
{
	const char *colon = strchr(spec, ':');
	size_t mn = colon ? (size_t)(colon - spec) : strlen(spec);
	if (!plain_word(spec, mn)) {
		cli_error("rubric new: %s: '%s' is not METHOD or METHOD:K=V,... (methods: highest, "
		          "latest, secured-n, average, decaying-average)", what, spec);
		return false;
	}
	if (!colon) {
		put(t, "\"", 1);
		put(t, spec, mn);
		put(t, "\"", 1);
		return true;
	}
	put(t, "{ \"", 3);
	put(t, spec, mn);
	put(t, "\"", 1);
	for (const char *p = colon + 1; *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		const char *eq = memchr(p, '=', n);
		size_t kn = eq ? (size_t)(eq - p) : 0;
		if (!eq || !plain_word(p, kn) || !plain_word(eq + 1, n - kn - 1) ||
		    memchr(p, '-', kn) || memchr(p, '.', kn)) {
			cli_error("rubric new: %s: '%.*s' is not PARAMETER=VALUE (for example times=2, "
			          "rate=0.5, sources=teacher+self)", what, (int)n, p);
			return false;
		}
		put(t, ", ", 2);
		put(t, p, kn);
		put(t, " = ", 3);
		put_value(t, p, kn, eq + 1, n - kn - 1);
		p = comma ? comma + 1 : p + n;
	}
	put(t, " }", 2);
	return true;
}

/* Appends the key of a skill: an identifier as it is, else ["..."]. */
static void put_key(text *t, const char *s, size_t n)
{
	bool ident = n && !(s[0] >= '0' && s[0] <= '9');
	for (size_t i = 0; i < n && ident; i++)
		ident = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		        (s[i] >= '0' && s[i] <= '9') || s[i] == '_';
	if (ident) {
		put(t, s, n);
		return;
	}
	put(t, "[\"", 2);
	put(t, s, n);
	put(t, "\"]", 2);
}

/* Builds the rubric's text into t; false (error printed) for a bad option. */
static bool build(text *t, cli_opt *opts, const sw_framework *fw, const char *name)
{
	cli_opt *m = cli_find(opts, "--method");
	const char *def = cli_get(opts, "--default");
	puts_t(t, "-- ");
	puts_t(t, name);
	puts_t(t, ": one built-in method per skill, written by 'stepwise rubric new --method'.\n"
	          "-- Methods: highest, latest, secured-n (times), average, decaying-average (rate);\n"
	          "-- each takes sources. See scripts/README.md, \"A method per skill\".\n"
	          "return stepwise.per_skill {\n");
	if (def) {
		puts_t(t, "  default = ");
		if (!put_method(t, def, "--default"))
			return false;
		puts_t(t, ",\n");
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
		puts_t(t, "  ");
		put_key(t, skill, strlen(skill));
		puts_t(t, " = ");
		if (!put_method(t, eq + 1, spec))
			return false;
		puts_t(t, ",\n");
	}
	puts_t(t, "}\n");
	return !t->failed;
}

int cli_rubric_new_methods(cli_opt *opts, const char *name, const char *path)
{
	sw_engine *eng;
	int rc = cli_setup(&eng, opts, false, NULL);
	if (rc)
		return rc;
	text t = { 0 };
	rc = EXIT_FATAL;
	if (!build(&t, opts, sw_engine_framework(eng), name)) {
		if (t.failed)
			cli_error("rubric new: out of memory");
	} else if (sw_engine_load_rubric_buffer(eng, t.p, t.len, path) != SW_OK) {
		cli_print_errors(eng); /* a method or parameter that does not exist */
	} else {
		FILE *f = fopen(path, "wx");
		if (!f) {
			cli_error("rubric new: cannot write %s: %s", path, strerror(errno));
		} else {
			bool ok = fwrite(t.p, 1, t.len, f) == t.len;
			if (fclose(f) != 0 || !ok) {
				cli_error("rubric new: cannot write %s", path);
				remove(path);
			} else {
				printf("wrote %s: check it with 'stepwise rubric check %s'\n", path, path);
				rc = EXIT_OK;
			}
		}
	}
	free(t.p);
	sw_engine_free(eng);
	return rc;
}
