-- examples.lua: runs the worked examples a rubric carries (`examples = {...}`)
-- as tests, for `stepwise rubric test` and `rubric check` (src/examples.c).
-- It runs inside the rubric's sandbox, under its limits. It is given the
-- rubric table, the framework's skills, the merged parameters, the strict
-- metatables of records, ctx and ctx.pupil, and two C functions: strict(t)
-- (makes a table strict over its keys), expected(year, skill_index) and
-- mark(t, mt) (sets a metatable of Stepwise's own).
-- It returns a list of lines: "NAME: ok" or "NAME: FAILED: what differed".

local t, skills, framework, params, record_mt, ctx_mt, pupil_mt, strict, expected, mark = ...

local OUTCOMES = { secured = true, developing = true }
local SOURCES = { teacher = true, self = true, peer = true, parent = true, employer = true,
                  other = true }

-- A value as the teacher wrote it, for "expected 4, got 3".
local function show(v)
  if type(v) == "string" then return string.format("%q", v) end
  if type(v) == "table" then
    local parts = {}
    for i = 1, #v do parts[#parts + 1] = show(v[i]) end
    return "{" .. table.concat(parts, ", ") .. "}"
  end
  return tostring(v)
end

-- The skill named by id, alias or name (any case), and its index.
local function find_skill(name)
  if type(name) ~= "string" then return nil end
  local low = string.lower(name)
  for i, s in ipairs(skills) do
    if s.id == name or string.lower(s.name) == low then return s, i end
  end
  return nil
end

-- The records of an example as Stepwise would give them: checked, with
-- defaults, ordered by date (same date: as written), none after as_of.
local function records(ex, skill, as_of)
  local out = {}
  for i, r in ipairs(ex.evidence or {}) do
    if type(r) ~= "table" then error("evidence record " .. i .. " is not a table", 0) end
    local step, date = r.step, r.date
    if math.type(step) ~= "integer" then
      error("evidence record " .. i .. " needs a whole number as its step", 0)
    end
    if step < skill.min or step > skill.max then
      error("evidence record " .. i .. ": step " .. step .. " is outside " .. skill.id, 0)
    end
    if not stepwise.day_number(date) then
      error("evidence record " .. i .. " needs a date as YYYY-MM-DD", 0)
    end
    local outcome, source = r.outcome or "secured", r.source or "teacher"
    if not OUTCOMES[outcome] then error("evidence record " .. i .. ": no outcome " .. show(outcome), 0) end
    if not SOURCES[source] then error("evidence record " .. i .. ": no source " .. show(source), 0) end
    if as_of == nil or date <= as_of then
      out[#out + 1] = mark({ step = step, date = date, outcome = outcome, source = source,
        assessor = r.assessor, context = r.context, note = r.note, _order = i }, record_mt)
    end
  end
  table.sort(out, function(a, b)
    if a.date ~= b.date then return a.date < b.date end
    return a._order < b._order
  end)
  for _, r in ipairs(out) do r._order = nil end
  return out
end

-- The newest date among an example's records.
local function newest(ex)
  local best
  for _, r in ipairs(ex.evidence or {}) do
    if type(r) == "table" and type(r.date) == "string" and (best == nil or r.date > best) then
      best = r.date
    end
  end
  return best
end

-- ctx.pupil from an example's `pupil` fields.
local function make_pupil(p)
  p = p or {}
  local groups = {}
  for k, v in pairs(p.groups or {}) do
    if type(k) == "number" then groups[v] = true else groups[k] = v end
  end
  local attributes = {}
  for k, v in pairs(p.attributes or {}) do attributes[k] = v end
  return mark({ id = p.id or "example", name = p.name, year = p.year, class = p.class,
    school = p.school, groups = groups, attributes = attributes }, pupil_mt)
end

-- The parameters with an example's own values.
local function make_params(own)
  if own == nil then return params end
  local merged = {}
  for k, v in pairs(params) do merged[k] = v end
  for k, v in pairs(own) do
    if merged[k] == nil then error("the rubric has no parameter " .. show(k), 0) end
    merged[k] = v
  end
  return strict(merged)
end

-- The step skill() gave, checked as Stepwise checks it, and its note.
local function read(v, skill)
  local note
  if type(v) == "table" then
    for k in pairs(v) do
      if k ~= "step" and k ~= "note" then error("skill() returned an unknown key " .. show(k), 0) end
    end
    v, note = v.step, v.note
  end
  if v ~= nil then
    if type(v) ~= "number" or v ~= v or v ~= math.floor(v) then
      error("skill() returned " .. show(v) .. ", not a whole step", 0)
    end
    v = math.tointeger(v)
    if v < skill.min or v > skill.max then
      error("skill() returned step " .. v .. ", outside " .. skill.id, 0)
    end
  end
  return v, note
end

-- Compares two lists of strings.
local function same_list(a, b)
  a, b = a or {}, b or {}
  if #a ~= #b then return false end
  for i = 1, #a do if a[i] ~= b[i] then return false end end
  return true
end

-- One example: nil when it passes, else what differed.
local function run(ex)
  if type(ex) ~= "table" then error("an example must be a table", 0) end
  local skill, index = find_skill(ex.skill)
  if not skill then error("no skill " .. show(ex.skill) .. " in the framework", 0) end
  local as_of = ex.as_of or newest(ex)
  local ev = records(ex, skill, ex.as_of)
  local pupil = make_pupil(ex.pupil)
  local ctx = mark({ pupil = pupil, framework = framework, params = make_params(ex.params),
    as_of = as_of, skill = skill, expected = pupil.year and expected(pupil.year, index) }, ctx_mt)
  local step, note = read(t.skill(ev, ctx), skill)
  local want = ex.expect
  if type(want) ~= "table" then
    if step ~= want then return "expected " .. show(want) .. ", got " .. show(step) end
    return nil
  end
  if want.step ~= nil and step ~= want.step then
    return "expected step " .. show(want.step) .. ", got " .. show(step)
  end
  if want.note ~= nil and note ~= want.note then
    return "expected note " .. show(want.note) .. ", got " .. show(note)
  end
  if want.flags ~= nil or want.awards ~= nil then
    local got = {}
    if t.pupil then
      ctx.skill, ctx.expected = nil, nil
      got = t.pupil({ [skill.id] = step }, ctx) or {}
    end
    if want.flags ~= nil and not same_list(got.flags, want.flags) then
      return "expected flags " .. show(want.flags) .. ", got " .. show(got.flags or {})
    end
    if want.awards ~= nil and not same_list(got.awards, want.awards) then
      return "expected awards " .. show(want.awards) .. ", got " .. show(got.awards or {})
    end
  end
  return nil
end

local lines = {}
local list = rawget(t, "examples")
if list == nil then return lines end
if type(list) ~= "table" then
  lines[1] = "examples: FAILED: must be a list of examples"
  return lines
end
for i, ex in ipairs(list) do
  local name = type(ex) == "table" and type(ex.name) == "string" and ex.name or ("example " .. i)
  local ok, why = pcall(run, ex)
  if not ok then
    lines[#lines + 1] = name .. ": FAILED: error: " .. tostring(why)
  elseif why then
    lines[#lines + 1] = name .. ": FAILED: " .. why
  else
    lines[#lines + 1] = name .. ": ok"
  end
end
return lines
