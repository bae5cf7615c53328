/*
 * main.c - runs every registered unit test and prints
 * "unit: N passed, N failed"; the exit status is 1 when any test failed.
 * `build/asan/unit NAME...` runs only the tests named (an unknown name is an
 * error). With UNIT_JOBS=N (default: the number of processors) and more than
 * one test to run, each test runs in a child process of its own, N at a time;
 * what a test prints is shown in the order of the tests, and a test whose
 * process dies (a signal, LeakSanitizer's exit status) fails.
 * UNIT_SKIP=TEXT leaves out the tests whose names contain TEXT (`_oom`:
 * the allocation sweeps, for a quicker `make valgrind`), and says so.
 */
#include "unit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct unit_test {
	const char *name;
	void (*fn)(void);
} unit_test;

#define T(name) { #name, name }
static const unit_test TESTS[] = {
	T(test_engine_new),
	T(test_version_and_status),
	T(test_bundled_from_buffer),
	T(test_bundled_from_file),
	T(test_bundled_builtin),
	T(test_accessors),
	T(test_expected),
	T(test_find_skill),
	T(test_syntax_error_details),
	T(test_rule_error_details),
	T(test_error_format_forms),
	T(test_errors_cleared),
	T(test_error_limit),
	T(test_file_errors),
	T(test_null_arguments),
	T(test_print),
	T(test_text_width),
	T(test_oom_load),
	T(test_oom_invalid),
	T(test_oom_remove_skill), T(test_oom_oneroster),
	T(test_oom_case_import),
	T(test_oom_case_export),
	T(test_oom_cohort_text),
	T(test_oom_cohort_json_html),
	T(test_oom_passport_out),
	T(test_oom_writers),
	T(test_oom_explain),
	T(test_oom_examples),
	T(test_oom_framework_out),
	T(test_oom_summaries),
	T(test_report_cohort),
	T(test_report_oom),
	T(test_summary_figures),
	T(test_summary_refuse),
	T(test_summary_oom),
	T(test_summary_sdc),
	T(test_summary_sdc_integer),
	T(test_data_add_pupil),
	T(test_data_add_evidence),
	T(test_data_call_order),
	T(test_data_load_rejects),
	T(test_data_load_errors),
	T(test_data_stats_invariant),
	T(test_data_oom),
	T(test_sandbox),
	T(test_output_plan),
	T(test_api_service_oom_lua),
	T(test_api_null_arguments),
	T(test_api_call_order),
	T(test_api_versions),
	T(test_api_evaluate_errors),
	T(test_write_errors_as_data),
	T(test_write_format_names),
	T(test_api_reset_and_params),
	T(test_api_framework_json),
	T(test_api_service),
	T(test_api_service_oom),
	T(test_service_options),
	T(test_service_split_matches_tree),
	T(test_fields_one_reader),
	T(test_fields_record_text),
	T(test_native_matches_lua),
	T(test_native_bad_params),
	T(test_bench_lua_matches_builtin),
	T(test_views_match_helpers),
	T(test_records_sort),
	T(test_fields_lua_view),
	T(test_print_cut_whole_characters),
	T(test_text_nfc_quick_check),
	T(test_csv_rows),
	T(test_json_noted_members),
	T(test_strict_nearest),
	T(test_parallel_oom_load),
	T(test_parallel_oom_evaluate),
	T(test_parallel_callback_stops),
	T(test_parallel_isolate),
	T(test_isolate_modes),
	T(test_isolate_pupil),
	T(test_isolate_batch_after_crash),
	T(test_parallel_progress),
	T(test_parallel_helpers_allocate_nothing),
	T(test_lua_setup_oom),
	T(test_dates_dmy_threaded),
	T(test_dates_options_versions),
	T(test_host_params_after_framework_switch),
	T(test_host_framework_json_roundtrip),
	T(test_host_framework_json_checks),
	T(test_host_rubric_path_not_from_environment),
	T(test_host_numbers_any_locale),
	T(test_host_options_init),
	T(test_host_write_callbacks),
	T(test_host_edit_in_place),
	T(test_host_as_of_after_edits),
	T(test_lost_error),
};

unsigned long unit_checks;
static unsigned long failures; /* of the test running now */

void unit_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s:%d: ", file, line);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	failures++;
}

bool unit_str_eq(const char *a, const char *b)
{
	return (!a || !b) ? a == b : strcmp(a, b) == 0;
}

void *unit_failing_realloc(void *ud, void *ptr, size_t size)
{
	unit_failing *f = ud;
	if (size == 0) {
		if (ptr)
			atomic_fetch_sub(&f->outstanding, 1);
		free(ptr);
		return NULL;
	}
	unsigned long n = f->armed ? atomic_fetch_add(&f->calls, 1) + 1 : 0;
	if (n && f->fail_at && (f->once ? n == f->fail_at : n >= f->fail_at)) {
		atomic_store(&f->failed, true);
		return NULL;
	}
	void *p = realloc(ptr, size);
	if (p && !ptr)
		atomic_fetch_add(&f->outstanding, 1);
	return p;
}

const char *unit_path(const char *relative)
{
	/* __FILE__ is ".../tests/unit/main.c" (absolute or relative to the root) */
	static char buf[4096];
	const char *me = __FILE__;
	const char *tail = strstr(me, "tests/unit/main.c");
	size_t root = tail ? (size_t)(tail - me) : 0;
	snprintf(buf, sizeof buf, "%.*s%s", (int)root, me, relative);
	return buf;
}

bool unit_bench_data(char *dir, char *data)
{
	snprintf(dir, 64, "/tmp/sw-bench-XXXXXX");
	if (!mkdtemp(dir))
		return false;
	char cmd[4300]; /* unit_path's 4096 bytes and the rest */
	snprintf(cmd, sizeof cmd, "python3 '%s' --out '%s' 3000 2>/dev/null",
	         unit_path("tests/bench/gen.py"), dir);
	snprintf(data, 80, "%s/3k", dir);
	return system(cmd) == 0;
}

bool unit_bench_data_free(const char *dir)
{
	char cmd[100];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0;
}

char *unit_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *data = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			char *p = realloc(data, cap);
			if (!p) {
				free(data);
				fclose(f);
				return NULL;
			}
			data = p;
		}
		size_t got = fread(data + n, 1, 4096, f);
		n += got;
		if (got < 4096)
			break;
	}
	fclose(f);
	data[n] = '\0';
	if (len)
		*len = n;
	return data;
}

/* Runs test i in this process; true when it passed. */
static bool run_here(size_t i)
{
	failures = 0;
	TESTS[i].fn();
	if (failures)
		fprintf(stderr, "FAIL %s (%lu failed checks)\n", TESTS[i].name, failures);
	return failures == 0;
}

/* One test in a child process: its output goes to a temporary file. */
typedef struct child {
	pid_t pid;
	FILE *out;
	bool done, ok;
} child;

/* Starts test i in a child; false when no child could be made. */
static bool start_child(size_t i, child *c)
{
	c->out = tmpfile();
	if (!c->out)
		return false;
	fflush(NULL);
	c->pid = fork();
	if (c->pid < 0) {
		fclose(c->out);
		c->out = NULL;
		return false;
	}
	if (c->pid == 0) {
		dup2(fileno(c->out), STDOUT_FILENO);
		dup2(fileno(c->out), STDERR_FILENO);
		exit(run_here(i) ? EXIT_SUCCESS : EXIT_FAILURE); /* exit: LeakSanitizer runs */
	}
	return true;
}

/* Waits for one child and records how it ended. */
static void reap_one(child *kids, size_t n)
{
	int status = 0;
	pid_t pid = wait(&status);
	for (size_t k = 0; k < n; k++) {
		if (kids[k].pid != pid || kids[k].done)
			continue;
		kids[k].done = true;
		kids[k].ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
		if (WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) > 1))
			fprintf(kids[k].out, "FAIL %s (its process ended with %s %d)\n", TESTS[k].name,
			        WIFSIGNALED(status) ? "signal" : "exit status",
			        WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	}
}

/* Copies what a child printed to standard error. */
static void show_output(FILE *out)
{
	char buf[4096];
	size_t got;
	rewind(out);
	while ((got = fread(buf, 1, sizeof buf, out)) > 0)
		fwrite(buf, 1, got, stderr);
	fclose(out);
}

int main(int argc, char **argv)
{
	enum { N = sizeof TESTS / sizeof TESTS[0] };
	int passed = 0, failed = 0;
	bool wanted[N];
	size_t count = 0;
	/* a name that is no test is a mistake, not a pass */
	for (int a = 1; a < argc; a++) {
		size_t i = 0;
		while (i < N && strcmp(argv[a], TESTS[i].name) != 0)
			i++;
		if (i == N) {
			fprintf(stderr, "unit: no test named '%s'\n", argv[a]);
			return EXIT_FAILURE;
		}
	}
	const char *skip = getenv("UNIT_SKIP");
	size_t skipped = 0;
	for (size_t i = 0; i < N; i++) {
		wanted[i] = argc < 2;
		for (int a = 1; a < argc && !wanted[i]; a++)
			wanted[i] = strcmp(argv[a], TESTS[i].name) == 0;
		if (wanted[i] && skip && *skip && strstr(TESTS[i].name, skip)) {
			wanted[i] = false;
			skipped++;
		}
		count += wanted[i];
	}
	const char *env = getenv("UNIT_JOBS");
	long jobs = env ? strtol(env, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);
	if (jobs < 2 || count < 2) {
		for (size_t i = 0; i < N; i++)
			if (wanted[i])
				run_here(i) ? passed++ : failed++;
	} else {
		static child kids[N];
		long running = 0;
		/* the allocation sweeps ("_oom") are the long tests: they start first */
		for (size_t k = 0; k < 2 * N; k++) {
			size_t i = k % N;
			if (!wanted[i] || (strstr(TESTS[i].name, "_oom") != NULL) != (k < N))
				continue;
			if (running >= jobs) {
				reap_one(kids, N);
				running--;
			}
			if (start_child(i, &kids[i])) {
				running++;
			} else { /* no child: run it here */
				kids[i].done = true;
				kids[i].ok = run_here(i);
			}
		}
		while (running-- > 0)
			reap_one(kids, N);
		for (size_t i = 0; i < N; i++) {
			if (!wanted[i])
				continue;
			if (kids[i].out)
				show_output(kids[i].out);
			kids[i].ok ? passed++ : failed++;
		}
	}
	if (skipped)
		printf("unit: %zu tests left out (UNIT_SKIP=%s)\n", skipped, skip);
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
