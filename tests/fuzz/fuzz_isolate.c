/*
 * fuzz_isolate.c - a rubric with data, evaluated in isolated mode
 * (sw_engine_set_isolate, the worker processes of src/isolate.c).
 *
 * The input is a rubric's Lua source, then optionally a 0x1E byte and an
 * evidence file in CSV (pupil,skill,step,date,...) for the two-skill
 * framework of fuzz.h; without it, a fixed class of three. The pupils are
 * evaluated with isolation on, by one worker or (odd sizes) two, and one
 * pupil alone through sw_engine_evaluate_pupil. Checked: every pupil gets
 * exactly one result, whatever the rubric does; and no
 * worker dies, since a crash, a sanitizer report (the worker then ends
 * with exit status 1) or a forbidden system call in a worker would be hidden
 * from libFuzzer by the isolation itself: such an error aborts here. A
 * worker stopped by the watchdog is not counted as a bug, as a loaded
 * machine can make a slow rubric miss its wall-clock budget.
 */
#include "fuzz.h"

#include <string.h>

/* The pupils of one evaluation's results, in the order they came. */
typedef struct seen {
	char **ids;
	size_t count, cap;
} seen;

/* Whether an error says a worker died: the harness's only kind of bug. */
static bool worker_died(const sw_result *r)
{
	for (size_t i = 0; i < sw_result_error_count(r); i++) {
		const char *e = sw_result_error(r, i);
		if (strstr(e, "crashed the evaluator") || strstr(e, "the evaluator ended early"))
			return true;
	}
	return false;
}

/* An sw_result_fn: keeps the pupil's id; aborts when a worker died. */
static int on_result(const sw_result *r, void *payload)
{
	seen *s = payload;
	fuzz_result(r);
	if (worker_died(r)) {
		fprintf(stderr, "fuzz_isolate: %s\n", sw_result_error(r, 0));
		abort();
	}
	if (s->count == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->ids = realloc(s->ids, s->cap * sizeof *s->ids);
	}
	if (!s->ids || !sw_result_pupil(r) || !(s->ids[s->count++] = strdup(sw_result_pupil(r))))
		abort();
	return 0;
}

static int by_id(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every pupil of the engine exactly once. */
static bool each_once(const seen *s, const sw_engine *eng)
{
	if (s->count != sw_engine_pupil_count(eng))
		return false;
	char **sorted = malloc((s->count + 1) * sizeof *sorted);
	if (!sorted)
		abort();
	if (s->count) /* s->ids is NULL while no pupil was seen */
		memcpy(sorted, s->ids, s->count * sizeof *sorted);
	qsort(sorted, s->count, sizeof *sorted, by_id);
	bool ok = true;
	for (size_t i = 1; i < s->count; i++)
		ok = ok && strcmp(sorted[i - 1], sorted[i]) != 0;
	free(sorted);
	return ok;
}

/* The fixed class: three pupils with a record each. */
static void add_class(sw_engine *eng)
{
	const char *ids[] = { "A1", "B2", "C3" };
	for (int i = 0; i < 3; i++) {
		sw_pupil_data p = SW_PUPIL_DATA_INIT;
		p.id = ids[i];
		p.year = 5;
		sw_engine_add_pupil(eng, &p);
		sw_evidence_data e = SW_EVIDENCE_DATA_INIT;
		e.pupil = ids[i];
		e.skill = i % 2 ? "beta" : "alpha";
		e.step = i % 2;
		e.date = "2026-01-05";
		sw_engine_add_evidence(eng, &e);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *sep = memchr(data, 0x1e, size);
	size_t src_len = sep ? (size_t)(sep - data) : size;
	sw_engine *eng = fuzz_engine();
	if (sep) {
		const char *path = fuzz_path(sep + 1, size - src_len - 1);
		sw_load_options o = SW_LOAD_OPTIONS_INIT;
		o.format = SW_FORMAT_CSV;
		if (!path || sw_engine_load_evidence(eng, path, &o, NULL) != SW_OK)
			fuzz_errors(eng);
	} else {
		add_class(eng);
	}
	if (sw_engine_load_rubric_buffer(eng, (const char *)data, src_len, "fuzz.lua") != SW_OK ||
	    sw_engine_set_isolate(eng, SW_ISOLATE_ON) != SW_OK) {
		fuzz_errors(eng);
		sw_engine_free(eng);
		return 0;
	}
	sw_eval_options eo = SW_EVAL_OPTIONS_INIT;
	eo.jobs = size % 2 ? 2 : 1;
	seen s = { NULL, 0, 0 };
	sw_eval_stats st;
	if (sw_engine_evaluate(eng, &eo, on_result, &s, &st) == SW_OK) {
		if (!each_once(&s, eng) || st.pupils != s.count)
			abort();
		const char *one = s.count ? s.ids[s.count / 2] : NULL;
		sw_result *r = NULL;
		if (one && sw_engine_evaluate_pupil(&r, eng, one, NULL) == SW_OK) {
			if (strcmp(sw_result_pupil(r), one) != 0 || worker_died(r))
				abort();
			fuzz_result(r);
			sw_result_free(r);
		} else if (one) {
			fuzz_errors(eng);
		}
	} else {
		fuzz_errors(eng);
	}
	for (size_t i = 0; i < s.count; i++)
		free(s.ids[i]);
	free(s.ids);
	sw_engine_free(eng);
	return 0;
}
