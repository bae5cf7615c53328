/*
 * unit.h - a tiny unit test harness for the library's C API.
 *
 * A test is a `void test_NAME(void)` function declared below and listed
 * in the table in main.c. The CHECK macros record a failure with its file
 * and line and let the test go on; REQUIRE returns from the test when the
 * condition fails (use it when the rest would crash, e.g. on NULL).
 * Files of the repository are found with unit_path("frameworks/x.json").
 */
#ifndef SW_UNIT_H
#define SW_UNIT_H

#include "stepwise.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

/* Records one failure (printed at once as "FILE:LINE: MESSAGE"). */
void unit_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Checks done so far by all tests (failures are counted per test in main.c). */
extern unsigned long unit_checks;

/* A path inside the repository, whatever the current directory (the root
   is taken from __FILE__ of this harness); a static buffer. */
const char *unit_path(const char *relative);
/* Reads a whole file into a new NUL-terminated buffer (free()); NULL on failure. */
char *unit_read_file(const char *path, size_t *len);
/* Makes the benchmark's data at 3,000 rows (tests/bench/gen.py) in a new
   folder under /tmp: its path into dir (room for 64), the data's folder
   (dir + "/3k") into data (room for 80); false when that failed. */
bool unit_bench_data(char *dir, char *data);
/* Removes the folder unit_bench_data made; true when that worked. */
bool unit_bench_data_free(const char *dir);

#define CHECK(cond)                                                              \
	do {                                                                     \
		unit_checks++;                                                   \
		if (!(cond))                                                     \
			unit_fail(__FILE__, __LINE__, "CHECK(%s) failed", #cond); \
	} while (0)

#define REQUIRE(cond)                                                                \
	do {                                                                         \
		unit_checks++;                                                       \
		if (!(cond)) {                                                       \
			unit_fail(__FILE__, __LINE__, "REQUIRE(%s) failed", #cond);   \
			return;                                                      \
		}                                                                    \
	} while (0)

/* Integers (status codes, counts, steps). */
#define CHECK_EQ(a, b)                                                                   \
	do {                                                                             \
		long long unit_a_ = (long long)(a), unit_b_ = (long long)(b);            \
		unit_checks++;                                                           \
		if (unit_a_ != unit_b_)                                                  \
			unit_fail(__FILE__, __LINE__, "CHECK_EQ(%s, %s): %lld != %lld", #a, \
			          #b, unit_a_, unit_b_);                                 \
	} while (0)

/* Strings; NULL equals only NULL. */
#define CHECK_STR(a, b)                                                                    \
	do {                                                                               \
		const char *unit_a_ = (a), *unit_b_ = (b);                                 \
		unit_checks++;                                                             \
		if (!unit_str_eq(unit_a_, unit_b_))                                        \
			unit_fail(__FILE__, __LINE__, "CHECK_STR(%s, %s): \"%s\" != \"%s\"", \
			          #a, #b, unit_a_ ? unit_a_ : "(null)",                    \
			          unit_b_ ? unit_b_ : "(null)");                           \
	} while (0)

bool unit_str_eq(const char *a, const char *b);

/* An allocator for out-of-memory tests (an sw_allocator's realloc with a
   unit_failing as its ud), safe when the engine's threads share it: while
   `armed` it counts allocations and fails the fail_at-th (0: none) and,
   unless `once`, every one after it. It counts the blocks it hands out and
   gets back: `outstanding` must be 0 once the engine is freed. */
typedef struct unit_failing {
	atomic_ulong calls;
	atomic_long outstanding;
	atomic_bool failed;
	unsigned long fail_at;
	bool once, armed; /* change `armed` only while no thread of the engine runs */
} unit_failing;
void *unit_failing_realloc(void *ud, void *ptr, size_t size);

/* The tests (defined in test_*.c, listed in main.c). */
void test_host_params_after_framework_switch(void);
void test_host_framework_json_roundtrip(void);
void test_host_framework_json_checks(void);
void test_host_rubric_path_not_from_environment(void);
void test_host_numbers_any_locale(void);
void test_host_options_init(void);
void test_host_write_callbacks(void);
void test_host_edit_in_place(void);
void test_host_as_of_after_edits(void);
void test_engine_new(void);
void test_service_options(void);
void test_service_split_matches_tree(void);
void test_fields_one_reader(void);
void test_fields_record_text(void);
void test_version_and_status(void);
void test_bundled_from_buffer(void);
void test_bundled_from_file(void);
void test_bundled_builtin(void);
void test_accessors(void);
void test_expected(void);
void test_find_skill(void);
void test_syntax_error_details(void);
void test_rule_error_details(void);
void test_error_format_forms(void);
void test_errors_cleared(void);
void test_error_limit(void);
void test_file_errors(void);
void test_null_arguments(void);
void test_print(void);
void test_text_width(void);
void test_oom_load(void);
void test_oom_invalid(void);
void test_oom_oneroster(void);
/* test_oom_out.c */
void test_oom_case_import(void);
void test_oom_case_export(void);
void test_oom_cohort_text(void);
void test_oom_cohort_json_html(void);
void test_oom_passport_out(void);
void test_oom_writers(void);
void test_oom_explain(void);
void test_oom_examples(void);
void test_oom_framework_out(void);
/* test_report.c: a tiny framework and a class of seven pupils with evidence
   (schools North and South, group "pp"); SW_OK or the first failure. */
int unit_tiny_class(sw_engine *eng);
/* test_summary.c: skills-builder-v2, the rubric highest and the three
   schools of tests/fixtures/cluster; SW_OK or the first failure. */
int unit_cluster(sw_engine *eng);
#ifdef SW_TEST_HOOKS
/* alloc.c in test builds: when set, used where the default allocator would be. */
extern const sw_allocator *sw_test_default_allocator;
#endif
void test_oom_summaries(void);
void test_oom_remove_skill(void);
void test_report_cohort(void);
void test_report_oom(void);
void test_summary_figures(void);
void test_summary_refuse(void);
void test_summary_oom(void);
void test_summary_sdc(void);
void test_summary_sdc_integer(void);
void test_data_add_pupil(void);
void test_data_add_evidence(void);
void test_data_call_order(void);
void test_data_load_rejects(void);
void test_data_load_errors(void);
void test_data_stats_invariant(void);
void test_data_oom(void);
void test_sandbox(void);
void test_output_plan(void);
void test_api_service_oom_lua(void);
void test_api_null_arguments(void);
void test_api_call_order(void);
void test_api_versions(void);
void test_api_evaluate_errors(void);
void test_write_errors_as_data(void);
void test_write_format_names(void);
void test_api_reset_and_params(void);
void test_api_framework_json(void);
void test_api_service(void);
void test_api_service_oom(void);
void test_native_matches_lua(void);
void test_native_bad_params(void);
void test_bench_lua_matches_builtin(void);
void test_views_match_helpers(void);
void test_records_sort(void);
void test_fields_lua_view(void);
void test_print_cut_whole_characters(void);
void test_text_nfc_quick_check(void);
void test_csv_rows(void);
void test_json_noted_members(void);
void test_strict_nearest(void);
void test_parallel_oom_load(void);
void test_parallel_oom_evaluate(void);
void test_parallel_callback_stops(void);
void test_parallel_isolate(void);
void test_isolate_modes(void);
void test_isolate_pupil(void);
void test_isolate_batch_after_crash(void);
void test_parallel_progress(void);
void test_parallel_helpers_allocate_nothing(void);
void test_lua_setup_oom(void);
void test_dates_dmy_threaded(void);
void test_dates_options_versions(void);
void test_lost_error(void);

#endif
