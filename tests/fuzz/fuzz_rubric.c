/*
 * fuzz_rubric.c - rubrics and the conversion of what they return.
 *
 * The first byte chooses: even, the rest is a rubric's Lua source, loaded
 * with sw_engine_load_rubric_buffer under small limits and evaluated on a
 * tiny class (the sandbox against arbitrary code); odd, the rest is data
 * that a fixed rubric decodes into the values skill() and pupil() return
 * (steps of every number type, NaN and infinities, strings of any bytes,
 * long notes, nested, cyclic and metatable-guarded tables, flag lists),
 * so that every path of the result conversion meets them.
 */
#include "fuzz.h"

#include <string.h>

/* The decoding rubric; %s is the data as a Lua string literal. */
static const char DECODER[] =
	"local D = \"%s\"\n"
	"local pos = 0\n"
	"local function byte() pos = pos + 1; return D:byte(pos) or 0 end\n"
	"local function boom() error('a metamethod was called') end\n"
	"local build\n"
	"function build(depth)\n"
	"  local b = byte()\n"
	"  local k = b %% 20\n"
	"  if depth > 6 then k = k %% 10 end\n"
	"  if k == 0 then return nil\n"
	"  elseif k == 1 then return byte() - 8\n"
	"  elseif k == 2 then return 0 / 0\n"
	"  elseif k == 3 then return (byte() %% 2 == 0) and math.huge or -math.huge\n"
	"  elseif k == 4 then return math.maxinteger - byte()\n"
	"  elseif k == 5 then return math.mininteger + byte()\n"
	"  elseif k == 6 then return byte() / 4\n"
	"  elseif k == 7 then local n = byte(); local s = D:sub(pos + 1, pos + n); pos = pos + n; return s\n"
	"  elseif k == 8 then return ('\\u{e9}x'):rep(byte() * 16 + byte())\n"
	"  elseif k == 9 then return b > 128\n"
	"  elseif k == 10 then return { step = build(depth + 1), note = build(depth + 1) }\n"
	"  elseif k == 11 then local t = {}; for i = 1, byte() %% 80 do t[i] = build(depth + 1) end; return t\n"
	"  elseif k == 12 then local t = { step = build(depth + 1) }; t.note = t; t.self = t; return t\n"
	"  elseif k == 13 then return setmetatable({}, { __index = boom, __len = boom, __pairs = boom })\n"
	"  elseif k == 14 then return setmetatable({ step = build(depth + 1) }, { __index = boom })\n"
	"  elseif k == 15 then return print\n"
	"  elseif k == 16 then return coroutine.create(print)\n"
	"  elseif k == 17 then return { flags = build(depth + 1), awards = build(depth + 1) }\n"
	"  elseif k == 18 then local t = {}; for i = 1, byte() do t[i] = 'flag ' .. i end; return t\n"
	"  else local n = byte(); return D:sub(pos - n, pos)\n"
	"  end\n"
	"end\n"
	"return {\n"
	"  name = 'decoder',\n"
	"  params = { mode = 'x' },\n"
	"  skill = function(evidence, ctx) return build(0) end,\n"
	"  pupil = function(steps, ctx) return build(0) end,\n"
	"}\n";

/* The data as the body of a Lua "..." literal, every byte as \ddd. */
static char *lua_literal(const uint8_t *data, size_t size)
{
	char *out = malloc(sizeof DECODER + size * 4 + 1);
	if (!out)
		abort();
	char *o = out;
	for (size_t i = 0; i < size; i++)
		o += sprintf(o, "\\%03u", data[i]);
	*o = '\0';
	return out;
}

static sw_engine *class_engine(void)
{
	sw_engine *eng = fuzz_engine();
	const char *ids[] = { "A1", "B2", "C3" };
	const char *groups[] = { "pupil-premium" };
	const char *names[] = { "house" };
	const char *values[] = { "red" };
	for (int i = 0; i < 3; i++) {
		sw_pupil_data p = SW_PUPIL_DATA_INIT;
		p.id = ids[i];
		p.name = "Ann";
		p.year = 5;
		p.groups = groups;
		p.group_count = 1;
		p.attribute_names = names;
		p.attribute_values = values;
		p.attribute_count = (size_t)i % 2;
		sw_engine_add_pupil(eng, &p);
		sw_evidence_data e = SW_EVIDENCE_DATA_INIT;
		e.pupil = ids[i];
		e.skill = "alpha";
		e.step = i + 1;
		e.date = "2026-01-05";
		e.note = "a note, \"quoted\"";
		sw_engine_add_evidence(eng, &e);
	}
	return eng;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	sw_engine *eng = class_engine();
	int rc;
	if (data[0] % 2 == 0) {
		rc = sw_engine_load_rubric_buffer(eng, (const char *)data + 1, size - 1, "fuzz.lua");
	} else {
		char *lit = lua_literal(data + 1, size - 1);
		size_t cap = sizeof DECODER + strlen(lit) + 1;
		char *src = malloc(cap);
		if (!src)
			abort();
		int n = snprintf(src, cap, DECODER, lit);
		rc = sw_engine_load_rubric_buffer(eng, src, (size_t)n, "decoder.lua");
		free(src);
		free(lit);
	}
	if (rc == SW_OK) {
		fuzz_evaluate(eng);
		sw_result *r = NULL;
		if (sw_engine_evaluate_pupil(&r, eng, "B2", NULL) == SW_OK) {
			fuzz_result(r);
			char *json = NULL;
			if (sw_result_json(&json, r) == SW_OK)
				sw_string_free(eng, json);
			sw_result_free(r);
		}
	} else {
		fuzz_errors(eng);
	}
	sw_engine_free(eng);
	return 0;
}
