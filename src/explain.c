/*
 * explain.c - "why is she on step 4?": one pupil's evaluation shown with
 * each skill's records as the rubric saw them (dated up to the as-of
 * date, in the order it got them), the step and note it returned, then
 * the pupil's flags, awards and errors. A record shows its date, then the
 * evidence fields that have a `show` format in fields.c. Prefix
 * sw_engine_explain.
 */
#include "internal.h"
#include "fields.h"
#include "rubric.h"

#include <string.h>
#include <strings.h>

int sw_engine_explain_pupil(sw_engine *eng, FILE *out, const char *pupil, const char *skill,
                            const sw_eval_options *opts)
{
	if (!eng || !out)
		return SW_EINVALID;
	sw_result *res;
	int rc = sw_engine_evaluate_pupil(&res, eng, pupil, opts);
	if (rc)
		return rc;
	const sw_framework *fw = eng->fw;
	size_t only = SIZE_MAX; /* the skill asked for, by id or name (any case) */
	for (size_t k = 0; skill && only == SIZE_MAX && k < fw->skill_count; k++)
		if (strcmp(fw->skills[k].id, skill) == 0 || strcasecmp(fw->skills[k].name, skill) == 0)
			only = k;
	if (skill && only == SIZE_MAX) {
		sw_result_free(res);
		return sw_diag_add(&eng->diag, SW_ENOTFOUND, NULL, 0, 0, NULL,
		                   "no skill '%.64s' in the framework (give its id or name)", skill);
	}
	size_t n;
	const sw_record *recs = sw_evidence_records(eng, res->pupil, &n);
	int32_t as_of = INT32_MAX;
	if (opts && opts->as_of)
		sw_date_parse(&as_of, opts->as_of, strlen(opts->as_of));
	const char *name = sw_result_name(res);
	fprintf(out, "pupil %s%s%s%s, rubric '%s'", sw_result_pupil(res), name ? " (" : "",
	        name ? name : "", name ? ")" : "", eng->rubric->name ? eng->rubric->name : "?");
	const char *params = sw_engine_rubric_params(eng);
	if (params && *params)
		fprintf(out, " (%s)", params);
	if (opts && opts->as_of)
		fprintf(out, ", as of %s", opts->as_of);
	fputs("\n", out);
	size_t at = 0;
	for (size_t k = 0; k < fw->skill_count; k++) {
		size_t start = at, count = sw_skill_records(recs, n, &at, k, as_of);
		if (only != SIZE_MAX && k != only)
			continue;
		int step;
		fprintf(out, "\n%s (%s): ", fw->skills[k].id, fw->skills[k].name);
		if (sw_result_has_step(&step, res, k))
			fprintf(out, "step %d\n", step);
		else
			fputs("no step\n", out);
		if (!count)
			fputs("  no records\n", out);
		for (size_t i = start; i < start + count; i++) {
			const sw_record *r = &recs[i];
			char date[16];
			sw_date_format(date, r->date);
			fprintf(out, "  %s", date);
			for (size_t f = 0; f < SW_EVIDENCE_FIELDS; f++) {
				const sw_field *fd = &sw_evidence_fields[f];
				char num[16];
				const char *v = fd->show ? sw_field_record_text(fd, r, &eng->evidence->text, num) : NULL;
				if (v)
					fprintf(out, fd->show, v);
			}
			fputs("\n", out);
		}
		const char *note = sw_result_note(res, k);
		if (note)
			fprintf(out, "  note: %s\n", note);
	}
	if (sw_result_flag_count(res) || sw_result_award_count(res) || sw_result_error_count(res))
		fputs("\n", out);
	for (size_t i = 0; i < sw_result_award_count(res); i++)
		fprintf(out, "award: %s\n", sw_result_award(res, i));
	for (size_t i = 0; i < sw_result_flag_count(res); i++)
		fprintf(out, "flag: %s\n", sw_result_flag(res, i));
	for (size_t i = 0; i < sw_result_error_count(res); i++)
		fprintf(out, "error: %s\n", sw_result_error(res, i));
	sw_result_free(res);
	return SW_OK;
}
