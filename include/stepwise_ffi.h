/* stepwise_ffi.h - generated from stepwise.h by scripts/ffi-header.py: do not edit.
   Plain declarations for FFI (cffi's cdef); stepwise.h documents them. */
#define SW_VERSION_MAJOR 0
#define SW_VERSION_MINOR 1
#define SW_VERSION_PATCH 0
#define SW_SOVERSION 0
#define SW_OK 0
#define SW_ERROR -1
#define SW_EINVALID -2
#define SW_ENOMEM -3
#define SW_EIO -4
#define SW_ENOTFOUND -5
#define SW_ELIMIT -6
#define SW_ESTATE -7
#define SW_EREJECTED -8
#define SW_EUSER -9
#define SW_MAX_ERRORS 50
#define SW_DEFAULT_INSTRUCTION_LIMIT 10000000
#define SW_DEFAULT_MEMORY_LIMIT 67108864
#define SW_DEFAULT_PATTERN_LIMIT 10000
#define SW_ENGINE_OPTIONS_VERSION 2
#define SW_FRAMEWORK_MAX_BYTES 16777216
#define SW_FRAMEWORK_MAX_DEPTH 64
#define SW_FRAMEWORK_MAX_SKILLS 10000
#define SW_NO_YEAR -1
#define SW_PUPIL_DATA_VERSION 1
#define SW_EVIDENCE_DATA_VERSION 1
#define SW_FORMAT_AUTO 0
#define SW_FORMAT_CSV 1
#define SW_FORMAT_JSONL 2
#define SW_LOAD_OPTIONS_VERSION 2
#define SW_DATE_ISO 0
#define SW_DATE_DMY 1
#define SW_EVAL_OPTIONS_VERSION 2
#define SW_ISOLATE_OFF 0
#define SW_ISOLATE_ON 1
#define SW_ISOLATE_AUTO 2
#define SW_BY_ALL 0
#define SW_BY_SCHOOL 1
#define SW_BY_CLASS 2
#define SW_BY_YEAR 3
#define SW_BY_GROUP 4
#define SW_BY_SCHOOL_CLASS 5
#define SW_BY_SCHOOL_YEAR 6
#define SW_COHORT_OPTIONS_VERSION 2
#define SW_PASSPORT_OPTIONS_VERSION 1
#define SW_SUMMARY_OPTIONS_VERSION 2
#define SW_COMPARE_OPTIONS_VERSION 1
#define SW_COMPARE_BY_SKILL 1
#define SW_SERVICE_MAX_REQUEST 1048576
#define SW_SERVICE_OPTIONS_VERSION 1
#define SW_CASE_LEVELS_SKILL_STEP 0
#define SW_CASE_LEVELS_STEP 1
#define SW_CASE_LEVELS_GROUP_SKILL_STEP 2
#define SW_CASE_LEVELS_AUTO 3
#define SW_CASE_IMPORT_OPTIONS_VERSION 1
#define SW_CASE_1_0 0
#define SW_CASE_1_1 1
#define SW_CASE_EXPORT_OPTIONS_VERSION 1
#define SW_ONEROSTER_OPTIONS_VERSION 1
const char *sw_version(void);
const char *sw_status_string(int status);
typedef struct sw_allocator {
	void *(*realloc)(void *ud, void *ptr, size_t size);
	void *ud;
} sw_allocator;
typedef int (*sw_write_fn)(const char *data, size_t len, void *payload);
typedef struct sw_error {
	int code;
	const char *message;
	const char *file;
	uint64_t line;
	uint32_t column;
	const char *path;
} sw_error;
size_t sw_error_format(char *buf, size_t size, const sw_error *e);
typedef struct sw_engine sw_engine;
typedef struct sw_engine_options {
	unsigned int version;
	const sw_allocator *allocator;
	const char *rubric_path;
	uint64_t instruction_limit;
	size_t memory_limit;
	size_t pattern_limit;
	FILE *print_stream;
	sw_write_fn print_fn;
	void *print_payload;
} sw_engine_options;
int sw_engine_new(sw_engine **out, const sw_engine_options *opts);
void sw_engine_free(sw_engine *eng);
size_t sw_engine_error_count(const sw_engine *eng);
const sw_error *sw_engine_error(const sw_engine *eng, size_t i);
size_t sw_engine_error_total(const sw_engine *eng);
int sw_engine_user_status(const sw_engine *eng);
typedef struct sw_framework sw_framework;
typedef struct sw_skill sw_skill;
int sw_engine_load_framework_file(sw_engine *eng, const char *path);
int sw_engine_load_framework_buffer(sw_engine *eng, const char *data,
                                           size_t len, const char *name);
int sw_engine_load_framework_builtin(sw_engine *eng, const char *name);
int sw_engine_load_framework(sw_engine *eng, const char *name_or_path);
const sw_framework *sw_engine_framework(const sw_engine *eng);
const char *sw_framework_id(const sw_framework *fw);
const char *sw_framework_name(const sw_framework *fw);
const char *sw_framework_version(const sw_framework *fw);
const char *sw_framework_attribution(const sw_framework *fw);
const char *sw_framework_license(const sw_framework *fw);
size_t sw_framework_group_count(const sw_framework *fw);
const char *sw_framework_group_id(const sw_framework *fw, size_t i);
const char *sw_framework_group_name(const sw_framework *fw, size_t i);
size_t sw_framework_stage_count(const sw_framework *fw);
const char *sw_framework_stage_id(const sw_framework *fw, size_t i);
const char *sw_framework_stage_name(const sw_framework *fw, size_t i);
int sw_framework_stage_range(int *first, int *last, const sw_framework *fw, size_t i);
size_t sw_framework_skill_count(const sw_framework *fw);
const sw_skill *sw_framework_skill(const sw_framework *fw, size_t i);
const sw_skill *sw_framework_find_skill(const sw_framework *fw, const char *text);
int sw_framework_has_expected(int *step, const sw_framework *fw, int year,
                                     const sw_skill *skill);
size_t sw_skill_index(const sw_skill *sk);
const char *sw_skill_id(const sw_skill *sk);
const char *sw_skill_name(const sw_skill *sk);
const char *sw_skill_group(const sw_skill *sk);
int sw_skill_min(const sw_skill *sk);
int sw_skill_max(const sw_skill *sk);
size_t sw_skill_alias_count(const sw_skill *sk);
const char *sw_skill_alias(const sw_skill *sk, size_t i);
const char *sw_skill_step_label(const sw_skill *sk, int step);
const char *sw_skill_step_text(const sw_skill *sk, int step);
const char *sw_skill_step_stage(const sw_skill *sk, int step);
int sw_framework_print(FILE *out, const sw_framework *fw, const char *skill);
int sw_framework_print_to(sw_write_fn fn, void *payload, const sw_framework *fw,
                                 const char *skill);
typedef struct sw_pupil_data {
	unsigned int version;
	const char *id;
	const char *name;
	int year;
	const char *class_name;
	const char *school;
	const char *const *groups;
	size_t group_count;
	const char *const *attribute_names;
	const char *const *attribute_values;
	size_t attribute_count;
} sw_pupil_data;
typedef struct sw_evidence_data {
	unsigned int version;
	const char *pupil;
	const char *skill;
	int step;
	const char *date;
	const char *outcome, *source, *assessor, *context, *note;
} sw_evidence_data;
int sw_engine_add_pupil(sw_engine *eng, const sw_pupil_data *pupil);
int sw_engine_add_evidence(sw_engine *eng, const sw_evidence_data *ev);
typedef struct sw_reject {
	const char *file;
	uint64_t line;
	const char *reason;
	const char *raw;
	size_t raw_len;
	const char *header;
	size_t header_len;
	int format;
} sw_reject;
typedef void (*sw_reject_fn)(const sw_reject *reject, void *payload);
typedef void (*sw_progress_fn)(uint64_t rows, uint64_t bytes, uint64_t size, void *payload);
typedef struct sw_load_options {
	unsigned int version;
	int format;
	sw_reject_fn on_reject;
	void *payload;
	sw_progress_fn on_progress;
	unsigned int jobs;
	int date_format;
} sw_load_options;
typedef struct sw_load_stats {
	uint64_t rows, accepted, rejected;
} sw_load_stats;
int sw_engine_load_pupils(sw_engine *eng, const char *path,
                                 const sw_load_options *opts, sw_load_stats *stats);
int sw_engine_load_evidence(sw_engine *eng, const char *path,
                                   const sw_load_options *opts, sw_load_stats *stats);
size_t sw_engine_pupil_count(const sw_engine *eng);
size_t sw_engine_evidence_count(const sw_engine *eng);
size_t sw_engine_skill_evidence_count(const sw_engine *eng, size_t skill,
                                             size_t *pupils);
typedef struct sw_rejects sw_rejects;
int sw_output_plan(char **target, char **tmp, const char *path);
int sw_output_open(FILE **f, char **tmp);
void sw_csv_set_raw(int raw);
int sw_rejects_open(sw_rejects **out, const char *path);
void sw_rejects_add(const sw_reject *reject, void *rejects);
uint64_t sw_rejects_count(const sw_rejects *r);
int sw_rejects_close(sw_rejects *r, int keep);
int sw_engine_load_rubric_file(sw_engine *eng, const char *path);
int sw_engine_load_rubric_buffer(sw_engine *eng, const char *source, size_t len,
                                        const char *name);
int sw_engine_load_rubric_builtin(sw_engine *eng, const char *name);
int sw_engine_load_rubric(sw_engine *eng, const char *name_or_path);
int sw_engine_set_param(sw_engine *eng, const char *key, const char *value);
const char *sw_rubric_starter(void);
const char *sw_engine_rubric_name(const sw_engine *eng);
int sw_engine_rubric_is_native(const sw_engine *eng);
const char *sw_engine_rubric_params(const sw_engine *eng);
typedef void (*sw_example_fn)(const char *line, int passed, void *payload);
int sw_engine_rubric_examples(sw_engine *eng, sw_example_fn fn, void *payload,
                                     size_t *count);
typedef struct sw_eval_options {
	unsigned int version;
	const char *as_of;
	unsigned int jobs;
	int isolate;
} sw_eval_options;
int sw_engine_set_isolate(sw_engine *eng, int mode);
typedef struct sw_eval_stats {
	uint64_t pupils;
	uint64_t errors;
	uint64_t pupils_with_errors;
} sw_eval_stats;
typedef struct sw_result sw_result;
typedef int (*sw_result_fn)(const sw_result *r, void *payload);
int sw_engine_evaluate(sw_engine *eng, const sw_eval_options *opts, sw_result_fn fn,
                              void *payload, sw_eval_stats *stats);
int sw_engine_evaluate_file(sw_engine *eng, const char *evidence,
                                   const sw_load_options *load, sw_load_stats *load_stats,
                                   const sw_eval_options *opts, sw_result_fn fn,
                                   void *payload, sw_eval_stats *stats);
int sw_engine_explain_pupil(sw_engine *eng, FILE *out, const char *pupil,
                                   const char *skill, const sw_eval_options *opts);
int sw_engine_evaluate_pupil(sw_result **out, sw_engine *eng, const char *pupil,
                                    const sw_eval_options *opts);
void sw_result_free(sw_result *r);
const char *sw_result_pupil(const sw_result *r);
const char *sw_result_name(const sw_result *r);
int sw_result_year(const sw_result *r);
const char *sw_result_class(const sw_result *r);
const char *sw_result_school(const sw_result *r);
size_t sw_result_skill_count(const sw_result *r);
int sw_result_has_step(int *step, const sw_result *r, size_t skill);
const char *sw_result_note(const sw_result *r, size_t skill);
size_t sw_result_evidence(const sw_result *r, size_t skill);
size_t sw_result_flag_count(const sw_result *r);
const char *sw_result_flag(const sw_result *r, size_t i);
size_t sw_result_award_count(const sw_result *r);
const char *sw_result_award(const sw_result *r, size_t i);
size_t sw_result_error_count(const sw_result *r);
const char *sw_result_error(const sw_result *r, size_t i);
int sw_result_has_error(const sw_result *r, size_t skill);
int sw_result_error_skill(size_t *skill, const sw_result *r, size_t i);
typedef enum sw_output_format {
	SW_OUTPUT_CSV = 1,
	SW_OUTPUT_JSONL = 2,
	SW_OUTPUT_TABLE = 3
} sw_output_format;
int sw_output_format_find(sw_output_format *format, const char *name);
typedef struct sw_writer sw_writer;
int sw_writer_new(sw_writer **w, const sw_engine *eng, sw_output_format format,
                         FILE *out);
int sw_writer_new_to(sw_writer **w, const sw_engine *eng, sw_output_format format,
                            sw_write_fn fn, void *payload);
int sw_writer_add(sw_writer *w, const sw_result *r);
int sw_writer_finish(sw_writer *w);
void sw_writer_free(sw_writer *w);
int sw_result_json(char **json, const sw_result *r);
void sw_string_free(const sw_engine *eng, char *s);
typedef struct sw_cohort sw_cohort;
typedef struct sw_cohort_options {
	unsigned int version;
	int by;
	const char *gap;
	const char *as_of;
	const char *from, *to;
	int below;
	sw_result_fn on_result;
	void *payload;
	const char *const *schools;
	size_t school_count;
	int min_group;
	int with_support;
	const char *support_class;
	const char *support_group;
	int top;
	const char *roster_date;
	int terms;
	const char *at;
} sw_cohort_options;
int sw_cohort_new(sw_cohort **out, sw_engine *eng, const sw_cohort_options *opts);
void sw_cohort_free(sw_cohort *c);
uint64_t sw_cohort_eval_errors(const sw_cohort *c);
int sw_cohort_add_source(sw_cohort *c, const char *file, const sw_load_stats *stats);
size_t sw_cohort_group_count(const sw_cohort *c);
const char *sw_cohort_group_name(const sw_cohort *c, size_t group);
size_t sw_cohort_group_pupils(const sw_cohort *c, size_t group);
const char *sw_cohort_group_school(const sw_cohort *c, size_t group);
void sw_cohort_left_out(const sw_cohort *c, size_t *pupils, size_t *records);
typedef struct sw_cohort_stat {
	size_t pupils;
	size_t assessed;
	double mean, median;
	size_t with_expected;
	size_t at_expected;
} sw_cohort_stat;
int sw_cohort_stat_get(sw_cohort_stat *out, const sw_cohort *c, size_t group,
                              size_t skill);
size_t sw_cohort_step_pupils(const sw_cohort *c, size_t group, size_t skill, int step);
typedef struct sw_cohort_gap {
	size_t group_assessed, others_assessed;
	double group_mean, others_mean, gap;
} sw_cohort_gap;
int sw_cohort_gap_get(sw_cohort_gap *out, const sw_cohort *c, size_t skill);
typedef struct sw_cohort_progress {
	size_t pupils_both;
	double mean_from, mean_to, mean_progress;
} sw_cohort_progress;
int sw_cohort_progress_get(sw_cohort_progress *out, const sw_cohort *c, size_t group,
                                  size_t skill);
typedef struct sw_cohort_support {
	const char *pupil, *name, *class_name;
	size_t skill;
	int has_step, step, expected, shortfall;
} sw_cohort_support;
size_t sw_cohort_support_count(const sw_cohort *c);
int sw_cohort_support_get(sw_cohort_support *out, const sw_cohort *c, size_t i);
typedef enum sw_report {
	SW_REPORT_GROUPS = 1,
	SW_REPORT_GAP = 2,
	SW_REPORT_PROGRESS = 3,
	SW_REPORT_SUPPORT = 4,
	SW_REPORT_TREND = 5
} sw_report;
typedef enum sw_report_format {
	SW_REPORT_TABLE = 1,
	SW_REPORT_CSV = 2,
	SW_REPORT_JSON = 3,
	SW_REPORT_HTML = 4,
	SW_COMPARE_HTML = 4
} sw_report_format;
int sw_cohort_write(FILE *out, const sw_cohort *c, sw_report what,
                           sw_report_format format);
int sw_cohort_write_html(FILE *out, const sw_cohort *c);
int sw_cohort_write_to(sw_write_fn fn, void *payload, const sw_cohort *c,
                              sw_report what, sw_report_format format);
int sw_cohort_write_html_to(sw_write_fn fn, void *payload, const sw_cohort *c);
typedef struct sw_passport_options {
	unsigned int version;
	const char *as_of;
	const char *from;
	sw_result_fn on_result;
	void *payload;
} sw_passport_options;
int sw_passport_write(FILE *out, sw_engine *eng, const char *pupil,
                             const sw_passport_options *opts, uint64_t *errors);
int sw_passport_write_to(sw_write_fn fn, void *payload, sw_engine *eng,
                                const char *pupil, const sw_passport_options *opts,
                                uint64_t *errors);
int sw_passport_write_result(FILE *out, const sw_engine *eng, const sw_result *now,
                                    const sw_result *prev, const sw_passport_options *opts);
int sw_passport_write_result_to(sw_write_fn fn, void *payload, const sw_engine *eng,
                                       const sw_result *now, const sw_result *prev,
                                       const sw_passport_options *opts);
typedef struct sw_summary sw_summary;
typedef struct sw_summary_options {
	unsigned int version;
	const char *school;
	const char *as_of;
	const char *from;
	int min_count;
	const char *roster_date;
} sw_summary_options;
int sw_summary_make(sw_summary **out, sw_engine *eng, const sw_summary_options *opts);
int sw_summary_make_each(sw_summary ***out, size_t *count, sw_engine *eng,
                                const sw_summary_options *opts);
void sw_summary_list_free(sw_summary **list, size_t count);
void sw_summary_free(sw_summary *s);
const char *sw_summary_school(const sw_summary *s);
int sw_summary_json(char **json, size_t *len, const sw_summary *s);
int sw_summary_read(sw_summary **out, const char *json, size_t len, char **why);
int sw_summary_check(char **problems, const char *json, size_t len);
int sw_summary_combine(sw_summary **out, const sw_summary *const *list, size_t count,
                              char **why);
typedef struct sw_compare_options {
	unsigned int version;
	sw_report_format format;
	size_t family;
	const char *gap;
	int by;
} sw_compare_options;
int sw_summary_compare(FILE *out, const sw_summary *const *list, size_t count,
                              const sw_compare_options *opts);
int sw_summary_compare_to(sw_write_fn fn, void *payload, const sw_summary *const *list,
                                 size_t count, const sw_compare_options *opts);
uint64_t sw_summary_eval_errors(const sw_summary *s);
const char *sw_summary_as_of(const sw_summary *s);
int sw_engine_reset_data(sw_engine *eng);
int sw_engine_remove_evidence(size_t *removed, sw_engine *eng, const char *pupil,
                                     const char *skill);
int sw_engine_remove_evidence_record(size_t *removed, sw_engine *eng,
                                            const sw_evidence_data *ev);
int sw_engine_replace_pupil(sw_engine *eng, const sw_pupil_data *pupil);
int sw_engine_clear_params(sw_engine *eng);
int sw_framework_json(char **json, const sw_framework *fw);
int sw_service_handle(char **response, sw_engine *eng, const char *line, size_t len);
typedef struct sw_service_options {
	unsigned int version;
	const char *rubric_dir;
} sw_service_options;
int sw_service_options_init(sw_service_options *opts, unsigned int version);
int sw_service_handle_opts(char **response, sw_engine *eng, const sw_service_options *opts,
                                  const char *line, size_t len);
int sw_service_set_isolate(sw_engine *eng, int on);
typedef struct sw_notice {
	const char *file;
	uint64_t line;
	const char *path;
	const char *message;
} sw_notice;
typedef void (*sw_notice_fn)(const sw_notice *notice, void *payload);
typedef struct sw_case_import_options {
	unsigned int version;
	int levels;
	const char *id;
	sw_notice_fn on_notice;
	void *payload;
} sw_case_import_options;
typedef struct sw_case_import_stats {
	size_t items;
	size_t imported;
	size_t not_imported;
	size_t groups, skills, steps;
	int levels;
} sw_case_import_stats;
int sw_case_import(char **json, size_t *len, sw_engine *eng, const char *package_path,
                          const sw_case_import_options *opts, sw_case_import_stats *stats);
typedef struct sw_case_export_options {
	unsigned int version;
	int case_version;
	const char *timestamp;
	sw_notice_fn on_notice;
	void *payload;
} sw_case_export_options;
typedef struct sw_case_export_stats {
	size_t items;
	size_t associations;
} sw_case_export_stats;
int sw_case_export(char **json, size_t *len, sw_engine *eng, const char *framework_path,
                          const sw_case_export_options *opts, sw_case_export_stats *stats);
typedef struct sw_oneroster_options {
	unsigned int version;
	sw_notice_fn on_notice;
	void *payload;
} sw_oneroster_options;
typedef struct sw_oneroster_file_stats {
	uint64_t rows, accepted, rejected, skipped;
} sw_oneroster_file_stats;
typedef struct sw_oneroster_stats {
	sw_oneroster_file_stats users, enrollments, classes, orgs;
	uint64_t pupils;
	uint64_t warnings;
} sw_oneroster_stats;
int sw_oneroster_import(char **csv, size_t *len, sw_engine *eng, const char *dir,
                               const sw_oneroster_options *opts, sw_oneroster_stats *stats);
int sw_engine_options_init(sw_engine_options *opts, unsigned int version);
int sw_pupil_data_init(sw_pupil_data *opts, unsigned int version);
int sw_evidence_data_init(sw_evidence_data *opts, unsigned int version);
int sw_load_options_init(sw_load_options *opts, unsigned int version);
int sw_eval_options_init(sw_eval_options *opts, unsigned int version);
int sw_cohort_options_init(sw_cohort_options *opts, unsigned int version);
int sw_passport_options_init(sw_passport_options *opts, unsigned int version);
int sw_case_import_options_init(sw_case_import_options *opts, unsigned int version);
int sw_case_export_options_init(sw_case_export_options *opts, unsigned int version);
int sw_oneroster_options_init(sw_oneroster_options *opts, unsigned int version);
size_t sw_text_width(const char *utf8);
