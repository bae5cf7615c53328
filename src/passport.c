/*
 * passport.c - one pupil's report for the family, as self-contained HTML:
 * for each skill the current step and its label, the next step to work
 * towards, and progress since the previous assessment point, with a
 * ladder of the skill's steps drawn in inline SVG.
 */
#include "cohort.h"
#include "cohort_html.h"
#include "rubric.h"

#include <string.h>

/* The ladder of a skill's steps: secured steps filled, the next one outlined,
   the previous point marked by a triangle below its step. */
static void put_ladder(sw_buf *b, const sw_skill *sk, int has_now, int now, int has_prev,
                       int prev)
{
	long n = (long)sk->max - sk->min + 1, cw = n > 20 ? 16 : 26;
	long w = n * cw + 4, h = 50;
	sw_buf_printf(b, "<svg class=\"chart ladder\" role=\"img\" viewBox=\"0 0 %ld %ld\" "
	                 "width=\"%ld\" height=\"%ld\"><title>", w, h, w, h);
	sw_html_put(b, sk->name);
	if (has_now)
		sw_buf_printf(b, ": step %d of %d to %d", now, sk->min, sk->max);
	else
		sw_buf_printf(b, ": no step yet (steps %d to %d)", sk->min, sk->max);
	sw_buf_puts(b, "</title>");
	for (long i = 0; i < n; i++) {
		long s = sk->min + i, x = 2 + i * cw;
		bool done = has_now && s <= now;
		bool next = has_now ? s == (long)now + 1 : s == sk->min;
		sw_buf_printf(b, "<rect class=\"step\" x=\"%ld\" y=\"4\" width=\"%ld\" height=\"24\" "
		                 "rx=\"3\" fill=\"%s\" stroke=\"%s\" stroke-width=\"%s\"/>", x, cw - 3,
		              done ? "#0b5cad" : "#f3f5f7", next ? "#c2185b" : "#d0d7de",
		              next ? "2.5" : "1");
		if (cw >= 20)
			sw_buf_printf(b, "<text x=\"%ld\" y=\"21\" text-anchor=\"middle\"%s>%ld</text>",
			              x + (cw - 3) / 2, done ? " class=\"light\"" : "", s);
		if (has_prev && s == prev)
			sw_buf_printf(b, "<polygon class=\"previous\" points=\"%ld,32 %ld,42 %ld,42\" "
			                 "fill=\"#5b6570\"/>", x + (cw - 3) / 2, x + (cw - 3) / 2 - 5,
			              x + (cw - 3) / 2 + 5);
	}
	sw_buf_puts(b, "</svg>");
}

/* "Step N: label" for a step of the skill. */
static void put_step(sw_buf *b, const sw_skill *sk, int step)
{
	sw_buf_printf(b, "Step %d", step);
	sw_html_put_after(b, ": ", sw_skill_step_label(sk, step));
}

/* One skill's card. */
static void put_skill(sw_buf *b, const sw_skill *sk, const sw_result *now, const sw_result *prev,
                      const char *from)
{
	int step = 0, before = 0;
	int has = sw_result_has_step(&step, now, sk->index);
	int had = prev && sw_result_has_step(&before, prev, sk->index);
	sw_html_put_after(b, "<section class=\"skill\"><h2>", sk->name);
	sw_buf_puts(b, "</h2>");
	if (!has) {
		sw_buf_puts(b, "<p class=\"na\">Not assessed yet.</p></section>\n");
		return;
	}
	put_ladder(b, sk, has, step, had, before);
	sw_buf_puts(b, "<dl><dt>Now</dt><dd>");
	put_step(b, sk, step);
	sw_buf_puts(b, "</dd><dt>Next</dt><dd>");
	if (step >= sk->max)
		sw_buf_puts(b, "The top step is reached: well done!");
	else
		put_step(b, sk, step + 1);
	sw_buf_puts(b, "</dd>");
	if (from) {
		sw_buf_puts(b, "<dt>Since ");
		sw_html_date(b, from);
		sw_buf_puts(b, "</dt><dd>");
		if (had && step > before)
			sw_buf_printf(b, "Up %d step%s (from step %d)", step - before,
			              step - before == 1 ? "" : "s", before);
		else if (had && step == before)
			sw_buf_printf(b, "Still at step %d", step);
		else if (had)
			sw_buf_printf(b, "Step %d, was %d", step, before);
		else
			sw_buf_puts(b, "First step recorded since then");
		sw_buf_puts(b, "</dd>");
	}
	const char *home = NULL; /* the framework's "how to help at home" line for the step */
	for (size_t i = 0; i < sk->home_count && !home; i++)
		if (step >= sk->home[i].first && step <= sk->home[i].last)
			home = sk->home[i].text;
	sw_html_put_after(b, "<dt>At home</dt><dd>", home);
	if (home)
		sw_buf_puts(b, "</dd>");
	sw_buf_puts(b, "</dl></section>\n");
}

/* The awards (badges) and flags the rubric gave. */
static void put_awards(sw_buf *b, const sw_result *now)
{
	for (int flags = 0; flags < 2; flags++) {
		size_t n = flags ? sw_result_flag_count(now) : sw_result_award_count(now);
		if (!n)
			continue;
		sw_buf_puts(b, flags ? "<section class=\"flags\"><h2>Notes from school</h2><ul>"
		                     : "<section class=\"awards\" aria-label=\"Awards\"><ul>");
		for (size_t i = 0; i < n; i++) {
			sw_buf_puts(b, flags ? "<li>" : "<li class=\"badge\"><span aria-hidden=\"true\">"
			                                "\xE2\x98\x85</span> ");
			sw_html_put(b, flags ? sw_result_flag(now, i) : sw_result_award(now, i));
			sw_buf_puts(b, "</li>");
		}
		sw_buf_puts(b, "</ul></section>");
	}
}

static const char PASSPORT_CSS[] =
	".skills{display:grid;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr));gap:0 1.2rem}"
	".skill{break-inside:avoid;margin-bottom:.6rem}.skill h2{margin:.8rem 0 .2rem;font-size:1.05rem}"
	".skill dl{margin:.2rem 0;gap:.05rem .6rem}.na{color:#4a535c;margin:.2rem 0}"
	".awards ul,.flags ul{padding:0;margin:.4rem 0}.awards li{display:inline-block;margin:0 .4rem .4rem 0;"
	"padding:.25rem .7rem;border:2px solid #8a5a00;border-radius:1rem;background:#fff8e1;color:#4a3000;"
	"font-weight:600}.flags li{margin-left:1.2rem}"
	"@media print{body{font-size:8.5pt}h1{font-size:15pt}.skills{grid-template-columns:1fr 1fr}"
	".skill h2{margin:.35rem 0 .1rem;font-size:10pt}svg.ladder{height:22px;width:auto}"
	"header .note{margin:.2rem 0}footer .note{font-size:7pt}}";

/* Writes the page for results now (and prev, at `from`). */
static int write_page(FILE *out, const sw_engine *eng, const sw_result *now,
                      const sw_result *prev, const sw_passport_options *o)
{
	const sw_framework *fw = eng->fw;
	const char *who = sw_result_name(now) ? sw_result_name(now) : sw_result_pupil(now);
	size_t records = 0;
	for (size_t k = 0; k < fw->skill_count; k++)
		records += sw_result_evidence(now, k);
	sw_buf b;
	sw_buf_init(&b, &eng->mem);
	sw_buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	                "<title>Skills passport: ");
	sw_html_put(&b, who);
	sw_buf_printf(&b, "</title><style>%s%s</style></head>\n<body><main><header><h1>", sw_html_css,
	              PASSPORT_CSS);
	sw_html_put(&b, who);
	sw_buf_puts(&b, "</h1><p class=\"sub\">Skills passport");
	sw_html_put_after(&b, " \xC2\xB7 class ", sw_result_class(now));
	sw_html_put_after(&b, " \xC2\xB7 ", sw_result_school(now));
	sw_buf_puts(&b, o->as_of ? " \xC2\xB7 as of " : " \xC2\xB7 all evidence so far");
	if (o->as_of)
		sw_html_date(&b, o->as_of);
	sw_buf_puts(&b, "</p>");
	if (!records) {
		sw_html_put_after(&b, "<p>No skills evidence has been recorded for ", who);
		sw_buf_puts(&b, " yet, so this passport has nothing to show. It will fill in once "
		                "the school records the first steps.</p></header>\n");
	} else {
		sw_buf_puts(&b, "<p class=\"note\">Each skill has steps to climb. Filled squares are "
		                "the steps secured; the outlined square is the next step to work towards");
		if (o->from) {
			sw_buf_puts(&b, "; the triangle marks where things stood on ");
			sw_html_date(&b, o->from);
		}
		sw_buf_puts(&b, ".</p></header>\n");
		put_awards(&b, now);
		sw_buf_puts(&b, "<div class=\"skills\">");
		for (size_t k = 0; k < fw->skill_count; k++)
			put_skill(&b, &fw->skills[k], now, prev, o->from);
		sw_buf_puts(&b, "</div>");
	}
	sw_html_put_after(&b, "<footer><p class=\"note\">Framework: ", fw->name);
	sw_html_put_after(&b, ", version ", fw->version);
	sw_html_put_after(&b, ". ", fw->attribution);
	size_t n = b.len;
	sw_buf_printf(&b, "%sMade with Stepwise %s.</p></footer></main></body></html>\n",
	              n && b.p && b.p[n - 1] == '.' ? " " : ". ", sw_version());
	return sw_html_page_write(&b, out);
}

int sw_passport_write_result(FILE *out, const sw_engine *eng, const sw_result *now,
                             const sw_result *prev, const sw_passport_options *opts)
{
	sw_passport_options dflt = SW_PASSPORT_OPTIONS_INIT;
	if (!out || !eng || !now || !eng->fw)
		return SW_EINVALID;
	return write_page(out, eng, now, prev, opts ? opts : &dflt);
}

int sw_passport_write(FILE *out, sw_engine *eng, const char *pupil,
                      const sw_passport_options *opts, uint64_t *errors)
{
	if (errors)
		*errors = 0;
	if (!eng)
		return SW_EINVALID;
	sw_engine_begin(eng);
	sw_passport_options dflt = SW_PASSPORT_OPTIONS_INIT;
	const sw_passport_options *o = opts ? opts : &dflt;
	if (!out || !pupil)
		return sw_diag_add(&eng->diag, SW_EINVALID, NULL, 0, 0, NULL, "no output or no pupil");
	if (o->version != SW_PASSPORT_OPTIONS_VERSION)
		return sw_diag_add(&eng->diag, SW_EINVALID, NULL, 0, 0, NULL,
		                   "sw_passport_options has an unknown version");
	const char *dates[2] = { o->from, o->as_of };
	int32_t days[2] = { 0, INT32_MAX };
	for (int i = 0; i < 2; i++)
		if (dates[i] && !sw_date_parse(&days[i], dates[i], strlen(dates[i])))
			return sw_diag_add(&eng->diag, SW_EINVALID, NULL, 0, 0, NULL,
			                   "date '%.20s' is not a real date as YYYY-MM-DD", dates[i]);
	if (o->from && days[0] > days[1])
		return sw_diag_add(&eng->diag, SW_EINVALID, NULL, 0, 0, NULL,
		                   "the previous point %s is after the as-of date %s", o->from, o->as_of);
	sw_eval_options eo = SW_EVAL_OPTIONS_INIT;
	eo.as_of = o->as_of;
	sw_result *now = NULL, *prev = NULL;
	int rc = sw_engine_evaluate_pupil(&now, eng, pupil, &eo);
	if (!rc && o->from) {
		eo.as_of = o->from;
		rc = sw_engine_evaluate_pupil(&prev, eng, pupil, &eo);
	}
	if (!rc && o->on_result) {
		rc = o->on_result(now, o->payload);
		if (!rc && prev)
			rc = o->on_result(prev, o->payload);
		if (rc)
			rc = sw_engine_stopped(eng, rc);
	}
	if (!rc) {
		if (errors)
			*errors = now->error_count + (prev ? prev->error_count : 0);
		rc = write_page(out, eng, now, prev, o);
		if (rc)
			sw_diag_add(&eng->diag, rc, NULL, 0, 0, NULL, "%s",
			            rc == SW_ENOMEM ? "out of memory" : "cannot write the passport");
	}
	sw_result_free(now);
	sw_result_free(prev);
	return rc;
}
