/*
 * runner_framework.c - what a runner's Lua state holds for every pupil:
 * the read-only framework tables (ctx.framework, its skills and steps),
 * the strict metatables of records, ctx and ctx.pupil (strict.c), and the
 * strings and tables the evidence arrays are made from (runner_evidence.c).
 */
#include "internal.h"
#include "rubric.h"
#include "fields.h"
#include "strict.h"

#include <lauxlib.h>

/* Sets field k of the table on top to string v (nothing when v is NULL). */
static void set_str(lua_State *L, const char *k, const char *v)
{
	if (!v)
		return;
	lua_pushstring(L, v);
	lua_setfield(L, -2, k);
}

static void set_int(lua_State *L, const char *k, lua_Integer v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, k);
}

_Static_assert(SW_NAME_NOTE == 7 && SW_NAME_COUNT == 15, "names_ref: 7 fields, 2 outcomes, 6 sources");

/* The fields a rubric may read; reading any other is an error (strict.c).
   A record's are the evidence fields but pupil and skill (fields.c), in
   the order of SW_NAME_STEP... (rubric.h) and of the messages that list
   them (test_fields_lua_view checks that they are the same fields);
   ctx.pupil's are the pupil fields (fields.c) and its attributes. */
const char *const sw_runner_record_fields[SW_EVIDENCE_FIELDS - 2] = {
	"step", "outcome", "date", "source", "assessor", "context", "note"
};
#define record_fields sw_runner_record_fields
static const char *const ctx_fields[] = { "pupil", "skill", "framework", "params", "as_of",
	                                  "expected" };
static const char *const skill_fields[] = { "id", "name", "group", "min", "max", "steps" };
static const char *const framework_fields[] = { "id", "name", "version", "skills" };

/* Builds the read-only framework tables: skills[] and the framework, and
   the strict metatables of records, ctx and ctx.pupil. */
void sw_runner_build_framework(sw_runner *r)
{
	lua_State *L = r->sb.L;
	const sw_framework *fw = r->eng->fw;
	lua_createtable(L, (int)fw->skill_count, 0); /* skills */
	for (size_t i = 0; i < fw->skill_count; i++) {
		const sw_skill *sk = &fw->skills[i];
		lua_createtable(L, 0, 6);
		set_str(L, "id", sk->id);
		set_str(L, "name", sk->name);
		set_str(L, "group", sw_skill_group(sk));
		set_int(L, "min", sk->min);
		set_int(L, "max", sk->max);
		lua_createtable(L, 0, (int)((int64_t)sk->max - sk->min + 1));
		/* counted by index: a last step of INT_MAX would overflow s++ */
		size_t steps = (size_t)((int64_t)sk->max - sk->min + 1);
		for (size_t j = 0; j < steps; j++) {
			int s = (int)((int64_t)sk->min + (int64_t)j);
			lua_createtable(L, 0, 3);
			set_str(L, "label", sk->steps[j].label);
			set_str(L, "text", sk->steps[j].text);
			set_str(L, "stage", sw_skill_step_stage(sk, s));
			sw_sb_readonly(L);
			lua_rawseti(L, -2, s);
		}
		sw_sb_readonly(L);
		lua_setfield(L, -2, "steps");
		sw_strict_push_mt(L, "ctx.skill", "field", skill_fields, SW_COUNT(skill_fields), 0);
		lua_setmetatable(L, -2);
		sw_sb_readonly(L);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_pushvalue(L, -1);
	sw_sb_readonly(L);
	lua_createtable(L, 0, 4); /* framework */
	set_str(L, "id", fw->id);
	set_str(L, "name", fw->name);
	set_str(L, "version", fw->version);
	lua_insert(L, -2);
	lua_setfield(L, -2, "skills");
	sw_strict_push_mt(L, "ctx.framework", "field", framework_fields,
	                  SW_COUNT(framework_fields), 0);
	lua_setmetatable(L, -2);
	sw_sb_readonly(L);
	lua_pushvalue(L, -1); /* for stepwise.per_skill while the file runs */
	lua_rawsetp(L, LUA_REGISTRYINDEX, &sw_sb_framework_key);
	r->framework_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	r->skills_ref = luaL_ref(L, LUA_REGISTRYINDEX); /* the real array: rawgeti by index */
	sw_runner_ctx_setup(r, ctx_fields, SW_COUNT(ctx_fields));
	const char *pupil_fields[SW_PUPIL_FIELDS + 1];
	for (size_t i = 0; i < SW_PUPIL_FIELDS; i++)
		pupil_fields[i] = sw_pupil_fields[i].name;
	pupil_fields[SW_PUPIL_FIELDS] = "attributes";
	sw_strict_push_mt(L, "ctx.pupil", "field", pupil_fields, SW_COUNT(pupil_fields), 0);
	r->pupil_mt_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	/* the strings of SW_NAME_*: a record's fields, outcomes, sources */
	lua_createtable(L, SW_NAME_COUNT, 0);
	for (size_t i = 0; i < SW_COUNT(record_fields); i++) {
		lua_pushstring(L, record_fields[i]);
		lua_rawseti(L, -2, SW_NAME_STEP + (lua_Integer)i);
	}
	for (int i = 0; i < 2; i++) {
		lua_pushstring(L, sw_outcome_names[i]);
		lua_rawseti(L, -2, SW_NAME_OUTCOMES + i);
	}
	for (int i = 0; i < SW_SOURCE_COUNT; i++) {
		lua_pushstring(L, sw_source_names[i]);
		lua_rawseti(L, -2, SW_NAME_SOURCES + i);
	}
	r->names_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	sw_runner_evidence_setup(r);
	sw_runner_view_setup(r);
}
