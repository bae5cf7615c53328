/*
 * test_data.c - unit tests of pupils and evidence: sw_engine_add_pupil and
 * sw_engine_add_evidence (each reason a record is rejected for, call order,
 * NFC matching of ids and skill names), loading roster and evidence files
 * with an on_reject callback (file, line, reason, raw row, header), the
 * reconciliation rows == accepted + rejected, and loading the example class
 * with an allocator that fails the Nth allocation.
 *
 * The data files are in tests/fixtures/ingest (made by make-fixtures.py)
 * and examples/class-5b.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The tests of this file (listed in main.c). */
void test_data_add_pupil(void);
void test_data_add_evidence(void);
void test_data_call_order(void);
void test_data_load_rejects(void);
void test_data_load_errors(void);
void test_data_stats_invariant(void);
void test_data_oom(void);

#define NFD_ZOE "Zoe\xcc\x88" /* Zoë, decomposed */
#define NFC_ZOE "Zo\xc3\xab"  /* Zoë, precomposed */

static sw_engine *new_engine(void)
{
	sw_engine *eng = NULL;
	if (sw_engine_new(&eng, NULL) != SW_OK)
		unit_fail(__FILE__, __LINE__, "sw_engine_new failed");
	return eng;
}

/* The message of the only error of the last call, or "" when there is none. */
static const char *msg(const sw_engine *eng)
{
	const sw_error *e = sw_engine_error(eng, 0);
	return e ? e->message : "";
}

/* Adds a pupil by id (and name); the status. */
static int add_pupil(sw_engine *eng, const char *id, const char *name)
{
	sw_pupil_data p = SW_PUPIL_DATA_INIT;
	p.id = id;
	p.name = name;
	return sw_engine_add_pupil(eng, &p);
}

/* Adds a record with the given fields (outcome and source NULL). */
static int add_ev(sw_engine *eng, const char *pupil, const char *skill, int step,
                  const char *date)
{
	sw_evidence_data e = SW_EVIDENCE_DATA_INIT;
	e.pupil = pupil;
	e.skill = skill;
	e.step = step;
	e.date = date;
	return sw_engine_add_evidence(eng, &e);
}

/* Checks that the last call was rejected with exactly `reason`. */
#define CHECK_REJECTED(call, reason)                                  \
	do {                                                          \
		CHECK_EQ((call), SW_EREJECTED);                       \
		CHECK_EQ(sw_engine_error_count(eng), 1);              \
		CHECK_STR(msg(eng), (reason));                        \
		if (sw_engine_error(eng, 0))                          \
			CHECK_EQ(sw_engine_error(eng, 0)->code, SW_EREJECTED); \
	} while (0)

/* sw_engine_add_pupil: accepted pupils and every reason for a rejection. */
void test_data_add_pupil(void)
{
	sw_engine *eng = new_engine();
	REQUIRE(eng);
	/* a pupil needs no framework */
	const char *groups[] = { " pupil-premium ", "", "sen", "sen" };
	const char *names[] = { "house", "age" };
	const char *values[] = { "Red", "10" };
	sw_pupil_data p = SW_PUPIL_DATA_INIT;
	p.id = "P001";
	p.name = NFC_ZOE " Bront\xc3\xab";
	p.year = 5;
	p.class_name = "5B";
	p.school = "Ashby Primary";
	p.groups = groups;
	p.group_count = 4;
	p.attribute_names = names;
	p.attribute_values = values;
	p.attribute_count = 2;
	CHECK_EQ(sw_engine_add_pupil(eng, &p), SW_OK);
	CHECK_EQ(sw_engine_error_count(eng), 0);
	CHECK_EQ(sw_engine_pupil_count(eng), 1);

	/* year 0 (Reception), 14 and unknown are fine */
	sw_pupil_data q = SW_PUPIL_DATA_INIT;
	q.id = "P002";
	q.year = 0;
	CHECK_EQ(sw_engine_add_pupil(eng, &q), SW_OK);
	q.id = "P003";
	q.year = 14;
	CHECK_EQ(sw_engine_add_pupil(eng, &q), SW_OK);
	q.id = "P004";
	q.year = SW_NO_YEAR;
	CHECK_EQ(sw_engine_add_pupil(eng, &q), SW_OK);
	CHECK_EQ(sw_engine_pupil_count(eng), 4);

	/* an empty id, in every form */
	CHECK_REJECTED(add_pupil(eng, NULL, "No id"), "empty id");
	CHECK_REJECTED(add_pupil(eng, "", "No id"), "empty id");
	CHECK_REJECTED(add_pupil(eng, " \t ", "No id"), "empty id");
	CHECK_REJECTED(add_pupil(eng, "\xc2\xa0", "No id"), "empty id"); /* no-break space */

	/* a repeated id, also after trimming and in another normalization form */
	CHECK_REJECTED(add_pupil(eng, "P001", "Again"), "id 'P001' repeats an earlier pupil");
	CHECK_REJECTED(add_pupil(eng, " P001 ", "Again"), "id 'P001' repeats an earlier pupil");
	CHECK_EQ(add_pupil(eng, "p001", "Other case"), SW_OK); /* ids are case-sensitive */
	CHECK_EQ(add_pupil(eng, NFD_ZOE, "Zoe"), SW_OK);
	CHECK_REJECTED(add_pupil(eng, NFC_ZOE, "Zoe"), "id '" NFC_ZOE "' repeats an earlier pupil");
	CHECK_REJECTED(add_pupil(eng, NFD_ZOE, "Zoe"), "id '" NFC_ZOE "' repeats an earlier pupil");

	/* years outside 0..14 */
	q.id = "P005";
	q.year = 15;
	CHECK_REJECTED(sw_engine_add_pupil(eng, &q), "year 15 is not from 0 (Reception) to 14");
	q.year = -2;
	CHECK_REJECTED(sw_engine_add_pupil(eng, &q), "year -2 is not from 0 (Reception) to 14");

	/* invalid UTF-8 in each text field, the field named */
	static const char *const bad[] = { "A\xc0\xaf", "A\xed\xa0\x80", "A\xe2\x82", "A\x80",
		                            "A\xf8\x88\x80\x80\x80" };
	for (size_t i = 0; i < 5; i++) {
		CHECK_REJECTED(add_pupil(eng, bad[i], NULL), "field 'id' is not valid UTF-8");
		CHECK_REJECTED(add_pupil(eng, "P006", bad[i]), "field 'name' is not valid UTF-8");
	}
	q = (sw_pupil_data)SW_PUPIL_DATA_INIT;
	q.id = "P006";
	q.class_name = bad[0];
	CHECK_REJECTED(sw_engine_add_pupil(eng, &q), "field 'class' is not valid UTF-8");
	q.class_name = NULL;
	q.school = bad[1];
	CHECK_REJECTED(sw_engine_add_pupil(eng, &q), "field 'school' is not valid UTF-8");
	q.school = NULL;
	const char *bad_groups[] = { "sen", bad[2] };
	q.groups = bad_groups;
	q.group_count = 2;
	CHECK_REJECTED(sw_engine_add_pupil(eng, &q), "field 'groups' is not valid UTF-8");
	q.groups = NULL;
	q.group_count = 0;
	const char *bad_values[] = { "Red", bad[3] };
	q.attribute_names = names;
	q.attribute_values = bad_values;
	q.attribute_count = 2;
	CHECK_REJECTED(sw_engine_add_pupil(eng, &q), "field 'age' is not valid UTF-8");
	const char *bad_names[] = { "house", bad[4] };
	q.attribute_names = bad_names;
	q.attribute_values = values;
	CHECK_REJECTED(sw_engine_add_pupil(eng, &q), "a field name is not valid UTF-8");
	/* after all these rejections P006 is still free */
	q.attribute_names = names;
	CHECK_EQ(sw_engine_add_pupil(eng, &q), SW_OK);
	CHECK_EQ(sw_engine_pupil_count(eng), 7);

	/* a wrong version or no data is invalid input, not a rejected record */
	sw_pupil_data v = SW_PUPIL_DATA_INIT;
	v.id = "P007";
	v.version = 99;
	CHECK_EQ(sw_engine_add_pupil(eng, &v), SW_EINVALID);
	CHECK_EQ(sw_engine_add_pupil(eng, NULL), SW_EINVALID);
	CHECK_EQ(sw_engine_add_pupil(NULL, &q), SW_EINVALID);
	CHECK_EQ(sw_engine_pupil_count(eng), 7);
	sw_engine_free(eng);
}

/* sw_engine_add_evidence: accepted records, skill spellings, NFC pupil
   matching and every reason for a rejection. */
void test_data_add_evidence(void)
{
	sw_engine *eng = new_engine();
	REQUIRE(eng);
	REQUIRE(sw_engine_load_framework_builtin(eng, "skills-builder-v2") == SW_OK);
	CHECK_EQ(add_pupil(eng, "P1", "Ann"), SW_OK);
	CHECK_EQ(add_pupil(eng, NFD_ZOE, "Zoe"), SW_OK);

	CHECK_EQ(add_ev(eng, "P1", "listening", 3, "2026-01-05"), SW_OK);
	CHECK_EQ(sw_engine_error_count(eng), 0);
	/* the roster's id is decomposed, the evidence's precomposed, and back */
	CHECK_EQ(add_ev(eng, NFC_ZOE, "listening", 4, "2026-01-05"), SW_OK);
	CHECK_EQ(add_ev(eng, NFD_ZOE, "listening", 5, "2026-01-05"), SW_OK);
	CHECK_EQ(add_ev(eng, " P1 ", "listening", 0, "2024-02-29"), SW_OK);
	/* skill by id, name or alias, whatever the case and separators */
	CHECK_EQ(add_ev(eng, "P1", "Problem Solving", 1, "2026-01-05"), SW_OK);
	CHECK_EQ(add_ev(eng, "P1", "problem-solving", 2, "2026-01-05"), SW_OK);
	CHECK_EQ(add_ev(eng, "P1", "PROBLEM_SOLVING", 3, "2026-01-05"), SW_OK);
	CHECK_EQ(add_ev(eng, "P1", " problem solving ", 15, "2026-01-05"), SW_OK);
	CHECK_EQ(add_ev(eng, "P1", "staying-positive", 2, "2026-01-05"), SW_OK);
	CHECK_EQ(add_ev(eng, "P1", "Staying Positive", 2, "2026-01-05"), SW_OK);
	CHECK_EQ(sw_engine_evidence_count(eng), 10);
	size_t pupils = 99;
	CHECK_EQ(sw_engine_skill_evidence_count(eng, 0, &pupils), 4); /* listening */
	CHECK_EQ(pupils, 2);
	CHECK_EQ(sw_engine_skill_evidence_count(eng, 2, &pupils), 4); /* problem-solving */
	CHECK_EQ(pupils, 1);
	CHECK_EQ(sw_engine_skill_evidence_count(eng, 4, &pupils), 2); /* adapting */
	CHECK_EQ(pupils, 1);

	/* outcome and source: case-insensitive, empty means secured / teacher */
	sw_evidence_data e = SW_EVIDENCE_DATA_INIT;
	e.pupil = "P1";
	e.skill = "teamwork";
	e.step = 2;
	e.date = "2026-01-05";
	static const char *const outcomes[] = { "secured", "DEVELOPING", "Secured", "", " developing " };
	for (size_t i = 0; i < 5; i++) {
		e.outcome = outcomes[i];
		CHECK_EQ(sw_engine_add_evidence(eng, &e), SW_OK);
	}
	e.outcome = NULL;
	static const char *const sources[] = { "teacher", "SELF", "Peer", "parent", "Employer",
		                               "other", "" };
	for (size_t i = 0; i < 7; i++) {
		e.source = sources[i];
		CHECK_EQ(sw_engine_add_evidence(eng, &e), SW_OK);
	}
	e.source = NULL;
	CHECK_EQ(sw_engine_evidence_count(eng), 22);

	/* the reasons */
	CHECK_REJECTED(add_ev(eng, NULL, "listening", 3, "2026-01-05"), "empty pupil");
	CHECK_REJECTED(add_ev(eng, "  ", "listening", 3, "2026-01-05"), "empty pupil");
	CHECK_REJECTED(add_ev(eng, "P9", "listening", 3, "2026-01-05"),
	               "pupil 'P9' is not on the roster");
	CHECK_REJECTED(add_ev(eng, "p1", "listening", 3, "2026-01-05"),
	               "pupil 'p1' is not on the roster");
	CHECK_REJECTED(add_ev(eng, "P1", NULL, 3, "2026-01-05"), "empty skill");
	CHECK_REJECTED(add_ev(eng, "P1", "", 3, "2026-01-05"), "empty skill");
	CHECK_REJECTED(add_ev(eng, "P1", "juggling", 3, "2026-01-05"),
	               "skill 'juggling' is not in framework skills-builder-v2");
	CHECK_REJECTED(add_ev(eng, "P1", "listening", 16, "2026-01-05"),
	               "step 16 is outside listening (0 to 15)");
	CHECK_REJECTED(add_ev(eng, "P1", "listening", -1, "2026-01-05"),
	               "step -1 is outside listening (0 to 15)");
	CHECK_REJECTED(add_ev(eng, "P1", "listening", 3, NULL), "empty date");
	CHECK_REJECTED(add_ev(eng, "P1", "listening", 3, ""), "empty date");
	CHECK_REJECTED(add_ev(eng, "P1", "listening", 3, "2026-02-30"),
	               "date '2026-02-30' is not a real date as YYYY-MM-DD");
	CHECK_REJECTED(add_ev(eng, "P1", "listening", 3, "2025-02-29"),
	               "date '2025-02-29' is not a real date as YYYY-MM-DD");
	CHECK_REJECTED(add_ev(eng, "P1", "listening", 3, "2026-13-01"),
	               "date '2026-13-01' is not a real date as YYYY-MM-DD");
	CHECK_REJECTED(add_ev(eng, "P1", "listening", 3, "2026-1-5"),
	               "date '2026-1-5' is not a real date as YYYY-MM-DD");
	CHECK_REJECTED(add_ev(eng, "P1", "listening", 3, "05/01/2026"),
	               "date '05/01/2026' is not a real date as YYYY-MM-DD (day-first dates "
	               "such as 13/02/2026 are read with --date-format dmy)");
	e.outcome = "passed";
	CHECK_REJECTED(sw_engine_add_evidence(eng, &e), "outcome 'passed' is not secured or developing");
	e.outcome = NULL;
	e.source = "robot";
	CHECK_REJECTED(sw_engine_add_evidence(eng, &e),
	               "source 'robot' is not one of teacher, self, peer, parent, employer, other");
	e.source = NULL;

	/* invalid UTF-8 in each field, the field named */
	static const char *const bad[] = { "A\xc0\xaf", "A\xed\xa0\x80", "A\xe2\x82", "A\x80",
		                            "A\xf8\x88\x80\x80\x80" };
	for (size_t i = 0; i < 5; i++) {
		CHECK_REJECTED(add_ev(eng, bad[i], "listening", 3, "2026-01-05"),
		               "field 'pupil' is not valid UTF-8");
		CHECK_REJECTED(add_ev(eng, "P1", bad[i], 3, "2026-01-05"),
		               "field 'skill' is not valid UTF-8");
		CHECK_REJECTED(add_ev(eng, "P1", "listening", 3, bad[i]),
		               "field 'date' is not valid UTF-8");
		e.outcome = bad[i];
		CHECK_REJECTED(sw_engine_add_evidence(eng, &e), "field 'outcome' is not valid UTF-8");
		e.outcome = NULL;
		e.source = bad[i];
		CHECK_REJECTED(sw_engine_add_evidence(eng, &e), "field 'source' is not valid UTF-8");
		e.source = NULL;
		e.assessor = bad[i];
		CHECK_REJECTED(sw_engine_add_evidence(eng, &e), "field 'assessor' is not valid UTF-8");
		e.assessor = NULL;
		e.context = bad[i];
		CHECK_REJECTED(sw_engine_add_evidence(eng, &e), "field 'context' is not valid UTF-8");
		e.context = NULL;
		e.note = bad[i];
		CHECK_REJECTED(sw_engine_add_evidence(eng, &e), "field 'note' is not valid UTF-8");
		e.note = NULL;
	}
	/* nothing rejected was kept */
	CHECK_EQ(sw_engine_evidence_count(eng), 22);
	CHECK_EQ(sw_engine_pupil_count(eng), 2);

	sw_evidence_data v = SW_EVIDENCE_DATA_INIT;
	v.version = 0;
	v.pupil = "P1";
	CHECK_EQ(sw_engine_add_evidence(eng, &v), SW_EINVALID);
	CHECK_EQ(sw_engine_add_evidence(eng, NULL), SW_EINVALID);
	CHECK_EQ(sw_engine_add_evidence(NULL, &e), SW_EINVALID);
	sw_engine_free(eng);

	/* a skill name typed decomposed, in a framework written decomposed */
	eng = new_engine();
	REQUIRE(eng);
	REQUIRE(sw_engine_load_framework_file(eng, unit_path("tests/fixtures/frameworks/nfd-names.json")) == SW_OK);
	CHECK_EQ(add_ev(eng, NFD_ZOE, "Cre\xcc\x81" "ativite\xcc\x81", 1, "2026-01-05"), SW_OK);
	CHECK_EQ(add_ev(eng, NFC_ZOE, "CR\xc3\x89" "ATIVIT\xc3\x89", 2, "2026-01-05"), SW_OK);
	CHECK_EQ(add_ev(eng, NFC_ZOE, "\xc3\x89" "coute", 2, "2026-01-05"), SW_OK);
	/* without a roster, pupils come from the evidence: one Zoë, not two */
	CHECK_EQ(sw_engine_pupil_count(eng), 1);
	CHECK_EQ(sw_engine_skill_evidence_count(eng, 0, &pupils), 2);
	CHECK_EQ(pupils, 1);
	sw_engine_free(eng);
}

/* SW_ESTATE: evidence before a framework, a pupil after evidence taken
   without a roster; and loading a framework clears pupils and evidence. */
void test_data_call_order(void)
{
	sw_engine *eng = new_engine();
	REQUIRE(eng);
	CHECK_EQ(add_ev(eng, "P1", "listening", 3, "2026-01-05"), SW_ESTATE);
	CHECK_EQ(sw_engine_error_count(eng), 1);
	CHECK_STR(msg(eng), "load a framework before evidence");
	CHECK_EQ(sw_engine_evidence_count(eng), 0);
	sw_load_stats st;
	CHECK_EQ(sw_engine_load_evidence(eng, unit_path("examples/class-5b/evidence.csv"), NULL, &st),
	         SW_ESTATE);
	CHECK_STR(msg(eng), "load a framework before evidence");
	CHECK_EQ(st.rows, 0);

	REQUIRE(sw_engine_load_framework_builtin(eng, "skills-builder-v2") == SW_OK);
	/* no roster: any pupil is taken from the evidence */
	CHECK_EQ(add_ev(eng, "P1", "listening", 3, "2026-01-05"), SW_OK);
	CHECK_EQ(add_ev(eng, "P2", "listening", 3, "2026-01-05"), SW_OK);
	CHECK_EQ(add_ev(eng, "P1", "speaking", 3, "2026-01-05"), SW_OK);
	CHECK_EQ(sw_engine_pupil_count(eng), 2);
	CHECK_EQ(add_pupil(eng, "P3", NULL), SW_ESTATE);
	CHECK_EQ(sw_engine_error_count(eng), 1);
	CHECK(strlen(msg(eng)) > 0);
	CHECK_EQ(sw_engine_pupil_count(eng), 2);
	CHECK_EQ(sw_engine_load_pupils(eng, unit_path("examples/class-5b/pupils.csv"), NULL, &st),
	         SW_ESTATE);
	CHECK_EQ(sw_engine_pupil_count(eng), 2);

	/* a new framework starts again with no pupils: a roster is allowed */
	REQUIRE(sw_engine_load_framework_builtin(eng, "skills-builder-v2") == SW_OK);
	CHECK_EQ(sw_engine_pupil_count(eng), 0);
	CHECK_EQ(sw_engine_evidence_count(eng), 0);
	CHECK_EQ(add_pupil(eng, "P3", NULL), SW_OK);
	CHECK_REJECTED(add_ev(eng, "P1", "listening", 3, "2026-01-05"),
	               "pupil 'P1' is not on the roster");
	CHECK_EQ(add_ev(eng, "P3", "listening", 3, "2026-01-05"), SW_OK);
	/* more pupils may join a roster after evidence */
	CHECK_EQ(add_pupil(eng, "P4", NULL), SW_OK);
	CHECK_EQ(add_ev(eng, "P4", "listening", 3, "2026-01-05"), SW_OK);
	sw_engine_free(eng);
}

/* What the reject callback saw. */
typedef struct seen_reject {
	char file[256];
	uint64_t line;
	char reason[256];
	char raw[512];
	size_t raw_len;
	char header[256];
	int has_header;
	int format;
} seen_reject;

typedef struct reject_log {
	size_t count;
	seen_reject r[64];
} reject_log;

static void log_reject(const sw_reject *rj, void *payload)
{
	reject_log *log = payload;
	if (log->count < 64) {
		seen_reject *s = &log->r[log->count];
		snprintf(s->file, sizeof s->file, "%s", rj->file ? rj->file : "(null)");
		s->line = rj->line;
		snprintf(s->reason, sizeof s->reason, "%s", rj->reason ? rj->reason : "(null)");
		s->raw_len = rj->raw_len;
		size_t n = rj->raw_len < sizeof s->raw - 1 ? rj->raw_len : sizeof s->raw - 1;
		if (rj->raw)
			memcpy(s->raw, rj->raw, n);
		s->raw[n] = '\0';
		s->has_header = rj->header != NULL;
		n = rj->header_len < sizeof s->header - 1 ? rj->header_len : sizeof s->header - 1;
		if (rj->header)
			memcpy(s->header, rj->header, n);
		s->header[n] = '\0';
		s->format = rj->format;
	}
	log->count++;
}

/* Loads a roster and evidence of tests/fixtures/ingest with the callback. */
void test_data_load_rejects(void)
{
	sw_engine *eng = new_engine();
	REQUIRE(eng);
	REQUIRE(sw_engine_load_framework_builtin(eng, "skills-builder-v2") == SW_OK);
	reject_log *log = calloc(1, sizeof *log);
	REQUIRE(log);
	sw_load_options lo = SW_LOAD_OPTIONS_INIT;
	lo.on_reject = log_reject;
	lo.payload = log;
	sw_load_stats st;

	/* the roster: BOM, CRLF, quoted line breaks; 13 rows, 4 rejected */
	char path[4096];
	snprintf(path, sizeof path, "%s", unit_path("tests/fixtures/ingest/roster-messy.csv"));
	CHECK_EQ(sw_engine_load_pupils(eng, path, &lo, &st), SW_OK);
	CHECK_EQ(st.rows, 13);
	CHECK_EQ(st.accepted, 9);
	CHECK_EQ(st.rejected, 4);
	CHECK_EQ(log->count, 4);
	CHECK_EQ(sw_engine_pupil_count(eng), 9);
	static const uint64_t lines[] = { 11, 12, 13, 15 };
	static const char *const reasons[] = { "id '" NFC_ZOE "' repeats the pupil on line 10",
		                               "empty id",
		                               "year '15' is not a school year: write 0 to 14, Year 5, Y5, R or Reception",
		                               "3 fields, but the header has 7" };
	static const char *const raws[] = { NFC_ZOE ",Zo\xc3\xab again,5,5B,Ashby,,Red",
		                            ",No Id,5,5B,Ashby,,", "P06,\"Two\r\nlines\",15,5B,Ashby,,",
		                            "P07,Short,5" };
	for (size_t i = 0; i < 4 && i < log->count; i++) {
		CHECK_STR(log->r[i].file, path);
		CHECK_EQ(log->r[i].line, lines[i]);
		CHECK_STR(log->r[i].reason, reasons[i]);
		CHECK_STR(log->r[i].raw, raws[i]);
		CHECK_EQ(log->r[i].raw_len, strlen(raws[i]));
		CHECK(log->r[i].has_header);
		CHECK_STR(log->r[i].header, "id,name,year,class,school,groups,house"); /* no BOM */
		CHECK_EQ(log->r[i].format, SW_FORMAT_CSV);
	}

	/* its evidence: 34 rows, 8 rejected, the last one a quote never closed */
	memset(log, 0, sizeof *log);
	snprintf(path, sizeof path, "%s", unit_path("tests/fixtures/ingest/evidence-messy.csv"));
	CHECK_EQ(sw_engine_load_evidence(eng, path, &lo, &st), SW_OK);
	CHECK_EQ(st.rows, 34);
	CHECK_EQ(st.accepted, 26);
	CHECK_EQ(st.rejected, 8);
	CHECK_EQ(log->count, 8);
	CHECK_EQ(sw_engine_evidence_count(eng), 26);
	static const uint64_t ev_lines[] = { 11, 16, 18, 21, 22, 25, 26, 39 };
	for (size_t i = 0; i < 8 && i < log->count; i++) {
		CHECK_EQ(log->r[i].line, ev_lines[i]);
		CHECK_STR(log->r[i].header,
		          "pupil,skill,step,date,outcome,source,assessor,context,note");
	}
	if (log->count == 8) {
		CHECK_STR(log->r[1].reason, "pupil 'P99' is not on the roster");
		CHECK_STR(log->r[1].raw, "P99,adapting,1,2026-01-10,,,,,");
		CHECK_STR(log->r[4].reason, "10 fields, but the header has 9");
		CHECK_STR(log->r[4].raw, "P01,listening,4,2026-01-12,,,,\"multi\r\nline\",,");
		CHECK_STR(log->r[7].reason, "a quoted field is not closed before the end of the file");
		CHECK_STR(log->r[7].raw,
		          "P01,listening,5,2026-01-14,,,,,\"unclosed\r\nP02,listening,5,2026-01-14,,,,,");
	}
	sw_engine_free(eng);

	/* JSON Lines: BOM, CRLF, blank lines; no header; the raw line has no CR */
	eng = new_engine();
	REQUIRE(eng);
	memset(log, 0, sizeof *log);
	snprintf(path, sizeof path, "%s", unit_path("tests/fixtures/ingest/roster-bom-crlf.jsonl"));
	CHECK_EQ(sw_engine_load_pupils(eng, path, &lo, &st), SW_OK);
	CHECK_EQ(st.rows, 8);
	CHECK_EQ(st.accepted, 6);
	CHECK_EQ(st.rejected, 2);
	REQUIRE(log->count == 2);
	CHECK_EQ(log->r[0].line, 9);
	CHECK_STR(log->r[0].reason, "id '" NFC_ZOE "' repeats the pupil on line 8");
	CHECK_STR(log->r[0].raw, "{\"id\": \"" NFC_ZOE "\"}");
	CHECK_EQ(log->r[1].line, 10);
	CHECK_STR(log->r[1].reason, "year 15 is not from 0 (Reception) to 14");
	CHECK_STR(log->r[1].raw, "{\"id\": \"P06\", \"year\": 15}");
	CHECK_EQ(log->r[1].raw_len, strlen("{\"id\": \"P06\", \"year\": 15}"));
	CHECK(!log->r[1].has_header);
	CHECK_EQ(log->r[1].format, SW_FORMAT_JSONL);

	/* without options (no callback) the rows are still counted */
	REQUIRE(sw_engine_load_framework_builtin(eng, "skills-builder-v2") == SW_OK);
	CHECK_EQ(sw_engine_load_pupils(eng, path, NULL, &st), SW_OK);
	CHECK_EQ(st.rows, 8);
	CHECK_EQ(st.rejected, 2);
	/* and stats may be NULL */
	CHECK_EQ(sw_engine_load_evidence(eng, unit_path("tests/fixtures/ingest/evidence-bad-utf8.jsonl"),
	                                 NULL, NULL), SW_OK);

	/* a format given in the options wins over the extension */
	sw_engine_free(eng);
	eng = new_engine();
	REQUIRE(eng);
	memset(log, 0, sizeof *log);
	lo.format = SW_FORMAT_JSONL;
	CHECK_EQ(sw_engine_load_pupils(eng, unit_path("examples/class-5b/pupils.csv"), &lo, &st),
	         SW_OK);
	CHECK_EQ(st.rows, 31);
	CHECK_EQ(st.accepted, 0);
	CHECK_EQ(st.rejected, 31);
	CHECK_EQ(log->count, 31);
	if (log->count)
		CHECK_STR(log->r[0].reason, "invalid JSON at column 1: unknown word 'id' (a value is a string, number, object, array, true, false or null)");
	sw_engine_free(eng);
	free(log);
}

/* Files that cannot be read at all: no rows, an error with file and line. */
void test_data_load_errors(void)
{
	sw_engine *eng = new_engine();
	REQUIRE(eng);
	REQUIRE(sw_engine_load_framework_builtin(eng, "skills-builder-v2") == SW_OK);
	sw_load_stats st = { 7, 7, 7 };
	CHECK_EQ(sw_engine_load_pupils(eng, "/nonexistent/pupils.csv", NULL, &st), SW_EIO);
	CHECK_EQ(st.rows, 0);
	CHECK_EQ(sw_engine_error_count(eng), 1);
	CHECK_EQ(sw_engine_load_evidence(eng, unit_path("tests/fixtures/ingest"), NULL, &st), SW_EIO);
	CHECK_EQ(sw_engine_load_pupils(eng, NULL, NULL, &st), SW_EINVALID);
	CHECK_EQ(sw_engine_load_pupils(NULL, "x.csv", NULL, &st), SW_EINVALID);
	sw_load_options bad = SW_LOAD_OPTIONS_INIT;
	bad.version = SW_LOAD_OPTIONS_VERSION + 1;
	CHECK_EQ(sw_engine_load_pupils(eng, unit_path("examples/class-5b/pupils.csv"), &bad, &st),
	         SW_EINVALID);

	/* a roster file as evidence: the required columns are missing */
	CHECK_EQ(sw_engine_load_evidence(eng, unit_path("examples/class-5b/pupils.csv"), NULL, &st),
	         SW_EINVALID);
	CHECK_EQ(sw_engine_error_count(eng), 1);
	const sw_error *e = sw_engine_error(eng, 0);
	REQUIRE(e);
	CHECK_EQ(e->code, SW_EINVALID);
	CHECK_STR(e->message, "missing required column 'pupil'");
	CHECK_EQ(e->line, 1);
	CHECK(e->file && strstr(e->file, "pupils.csv"));
	CHECK_EQ(st.rows, 0);
	CHECK_EQ(sw_engine_evidence_count(eng), 0);

	/* an evidence file as a roster: no 'id' column */
	CHECK_EQ(sw_engine_load_pupils(eng, unit_path("examples/class-5b/evidence.csv"), NULL, &st),
	         SW_EINVALID);
	CHECK_STR(msg(eng), "missing required column 'id'");
	CHECK_EQ(sw_engine_pupil_count(eng), 0);
	sw_engine_free(eng);
}

/* rows == accepted + rejected for every file, and the callback is called
   once per rejected row. */
void test_data_stats_invariant(void)
{
	static const char *const rosters[] = {
		"examples/class-5b/pupils.csv", "tests/fixtures/ingest/roster-messy.csv",
		"tests/fixtures/ingest/roster-bad-utf8.csv", "tests/fixtures/ingest/roster-bad-utf8.jsonl",
		"tests/fixtures/ingest/roster-bom-crlf.jsonl", "tests/fixtures/ingest/roster-nul.jsonl",
	};
	static const char *const evidence[] = {
		"examples/class-5b/evidence.csv", "tests/fixtures/ingest/evidence-messy.csv",
		"tests/fixtures/ingest/evidence-bad-utf8.csv", "tests/fixtures/ingest/evidence-bad-utf8.jsonl",
		"tests/fixtures/ingest/evidence-nul.csv", "tests/fixtures/ingest/evidence-nfd.csv",
	};
	reject_log *log = calloc(1, sizeof *log);
	REQUIRE(log);
	sw_load_options lo = SW_LOAD_OPTIONS_INIT;
	lo.on_reject = log_reject;
	lo.payload = log;
	for (size_t r = 0; r < sizeof rosters / sizeof *rosters; r++) {
		for (size_t v = 0; v < sizeof evidence / sizeof *evidence; v++) {
			sw_engine *eng = new_engine();
			REQUIRE(eng);
			REQUIRE(sw_engine_load_framework_builtin(eng, "skills-builder-v2") == SW_OK);
			sw_load_stats st;
			memset(log, 0, sizeof *log);
			CHECK_EQ(sw_engine_load_pupils(eng, unit_path(rosters[r]), &lo, &st), SW_OK);
			CHECK_EQ(st.rows, st.accepted + st.rejected);
			CHECK_EQ(log->count, st.rejected);
			CHECK_EQ(sw_engine_pupil_count(eng), st.accepted);
			memset(log, 0, sizeof *log);
			size_t before = sw_engine_evidence_count(eng);
			CHECK_EQ(sw_engine_load_evidence(eng, unit_path(evidence[v]), &lo, &st), SW_OK);
			CHECK_EQ(st.rows, st.accepted + st.rejected);
			CHECK_EQ(log->count, st.rejected);
			CHECK_EQ(sw_engine_evidence_count(eng) - before, st.accepted);
			for (size_t i = 0; i < log->count && i < 64; i++)
				CHECK(log->r[i].line >= 2 || log->r[i].format == SW_FORMAT_JSONL);
			sw_engine_free(eng);
		}
	}
	free(log);
}

/* ---- out of memory ---- */

/* Rejected rows seen during one attempt, and those that said "out of memory". */
typedef struct oom_rejects {
	unsigned long count, oom;
	char first[200]; /* the first "out of memory" one, as FILE:LINE: REASON */
} oom_rejects;

static void oom_on_reject(const sw_reject *rj, void *payload)
{
	oom_rejects *o = payload;
	o->count++;
	if (strstr(rj->reason, "out of memory") && !o->oom++) {
		const char *base = strrchr(rj->file, '/');
		snprintf(o->first, sizeof o->first, "%s:%llu: %s", base ? base + 1 : rj->file,
		         (unsigned long long)rj->line, rj->reason);
	}
}

/*
 * Loads a framework, roster and evidence with allocation N failing, for
 * N = 1, 2, ... until a run has no failure. Every call ends in SW_OK or
 * SW_ENOMEM; a call that returns SW_OK read every row exactly as the run
 * without failures did (no row rejected or dropped for lack of memory);
 * nothing is left allocated once the engine is freed.
 */
static void oom_data_loop(const char *pupils, const char *evidence, bool once,
                          const sw_load_stats *want_p, const sw_load_stats *want_e)
{
	char ppath[4096], epath[4096];
	snprintf(ppath, sizeof ppath, "%s", unit_path(pupils));
	snprintf(epath, sizeof epath, "%s", unit_path(evidence));
	unsigned long n, bad = 0;
	for (n = 1; n < 200000; n++) {
		unit_failing f = { .fail_at = n, .once = once, .armed = true };
		sw_allocator a = { unit_failing_realloc, &f };
		sw_engine_options opts = SW_ENGINE_OPTIONS_INIT;
		opts.allocator = &a;
		sw_engine *eng = NULL;
		int rc = sw_engine_new(&eng, &opts);
		oom_rejects rj_p = { 0, 0, "" }, rj_e = { 0, 0, "" };
		sw_load_stats sp = { 0, 0, 0 }, se = { 0, 0, 0 };
		int rc_p = -100, rc_e = -100;
		if (rc != SW_OK) {
			CHECK_EQ(rc, SW_ENOMEM);
			CHECK(eng == NULL);
		} else {
			rc = sw_engine_load_framework_builtin(eng, "skills-builder-v2");
			if (rc != SW_OK && rc != SW_ENOMEM && bad++ < 5)
				unit_fail(__FILE__, __LINE__, "allocation %lu failing: framework status %d",
				          n, rc);
			if (rc == SW_OK) {
				sw_load_options lo = SW_LOAD_OPTIONS_INIT;
				lo.on_reject = oom_on_reject;
				lo.payload = &rj_p;
				rc_p = sw_engine_load_pupils(eng, ppath, &lo, &sp);
				if (rc_p == SW_OK) {
					lo.payload = &rj_e;
					rc_e = sw_engine_load_evidence(eng, epath, &lo, &se);
				}
			}
			/* each load ends in SW_OK or SW_ENOMEM */
			if (((rc_p != -100 && rc_p != SW_OK && rc_p != SW_ENOMEM) ||
			     (rc_e != -100 && rc_e != SW_OK && rc_e != SW_ENOMEM)) && bad++ < 5)
				unit_fail(__FILE__, __LINE__,
				          "allocation %lu failing: pupils status %d, evidence status %d", n,
				          rc_p, rc_e);
			if ((rc_p == SW_ENOMEM || rc_e == SW_ENOMEM) && !f.failed && bad++ < 5)
				unit_fail(__FILE__, __LINE__, "allocation %lu: SW_ENOMEM without a failure", n);
			/* a row rejected "out of memory" while the load reports success */
			if ((rj_p.oom || rj_e.oom) && bad++ < 5)
				unit_fail(__FILE__, __LINE__,
				          "allocation %lu failing: a row rejected for lack of memory (%s), "
				          "status %d (pupils), %d (evidence)", n,
				          rj_p.oom ? rj_p.first : rj_e.first, rc_p, rc_e);
			/* a load that succeeded read the file exactly as without failures */
			if (rc_p == SW_OK && (sp.rows != want_p->rows || sp.accepted != want_p->accepted ||
			                      sp.rejected != want_p->rejected) && bad++ < 5)
				unit_fail(__FILE__, __LINE__,
				          "allocation %lu failing: pupils SW_OK with %llu rows, %llu accepted, "
				          "%llu rejected", n, (unsigned long long)sp.rows,
				          (unsigned long long)sp.accepted, (unsigned long long)sp.rejected);
			if (rc_e == SW_OK && (se.rows != want_e->rows || se.accepted != want_e->accepted ||
			                      se.rejected != want_e->rejected) && bad++ < 5)
				unit_fail(__FILE__, __LINE__,
				          "allocation %lu failing: evidence SW_OK with %llu rows, %llu accepted, "
				          "%llu rejected", n, (unsigned long long)se.rows,
				          (unsigned long long)se.accepted, (unsigned long long)se.rejected);
			if (rc_p == SW_OK)
				CHECK_EQ(sp.rows, sp.accepted + sp.rejected);
			if (rc_e == SW_OK) {
				CHECK_EQ(se.rows, se.accepted + se.rejected);
				CHECK_EQ(sw_engine_evidence_count(eng), se.accepted);
			}
			sw_engine_free(eng);
		}
		if (f.outstanding != 0 && bad++ < 5)
			unit_fail(__FILE__, __LINE__, "allocation %lu failing: %ld blocks not freed", n,
			          f.outstanding);
		if (!f.failed) {
			/* the run that never failed */
			CHECK_EQ(rc, SW_OK);
			CHECK_EQ(rc_p, SW_OK);
			CHECK_EQ(rc_e, SW_OK);
			break;
		}
	}
	if (n < 100) /* the loop must have visited many failure points */
		unit_fail(__FILE__, __LINE__, "only %lu allocations", n - 1);
	CHECK(n < 200000);
}

/* The example class (no rejected rows; evidence as CSV and as JSON Lines)
   and the messy fixtures (rejected rows, whose reasons need memory too),
   failing every allocation from N on, and failing only allocation N. */
void test_data_oom(void)
{
	const sw_load_stats class_p = { 30, 30, 0 }, class_e = { 477, 477, 0 };
	oom_data_loop("examples/class-5b/pupils.csv", "examples/class-5b/evidence.csv", false,
	              &class_p, &class_e);
	oom_data_loop("examples/class-5b/pupils.csv", "examples/class-5b/evidence.csv", true,
	              &class_p, &class_e);
	/* the same evidence as JSON Lines */
	oom_data_loop("examples/class-5b/pupils.csv", "tests/fixtures/ingest/class-5b-evidence.jsonl",
	              false, &class_p, &class_e);
	oom_data_loop("examples/class-5b/pupils.csv", "tests/fixtures/ingest/class-5b-evidence.jsonl",
	              true, &class_p, &class_e);
	const sw_load_stats messy_p = { 13, 9, 4 }, messy_e = { 34, 26, 8 };
	oom_data_loop("tests/fixtures/ingest/roster-messy.csv",
	              "tests/fixtures/ingest/evidence-messy.csv", false, &messy_p, &messy_e);
	oom_data_loop("tests/fixtures/ingest/roster-messy.csv",
	              "tests/fixtures/ingest/evidence-messy.csv", true, &messy_p, &messy_e);
	const sw_load_stats json_p = { 8, 6, 2 }, json_e = { 13, 0, 13 };
	oom_data_loop("tests/fixtures/ingest/roster-bom-crlf.jsonl",
	              "tests/fixtures/ingest/evidence-bad-utf8.jsonl", false, &json_p, &json_e);
	oom_data_loop("tests/fixtures/ingest/roster-bom-crlf.jsonl",
	              "tests/fixtures/ingest/evidence-bad-utf8.jsonl", true, &json_p, &json_e);
}
