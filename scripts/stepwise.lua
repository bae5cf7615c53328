-- stepwise.lua: the helpers every rubric can use as `stepwise.NAME`.
-- Written once, shared read-only by all rubrics (scripts/README.md documents
-- each). Evidence arrays hold records {step, outcome, date, source,
-- assessor, context, note}, ordered by date, same-date records in input order.

local S = {}

-- What the host gives the helpers alone: host.framework() is ctx.framework
-- while the rubric file runs (nil when there is none). While pupils are
-- evaluated, host.secured, from_sources, highest, latest, mean and
-- secured_n are the same helpers done in C on an evidence array the
-- rubric has not looked into (src/runner_view.c); each says when it can't
-- (nil, or false first: anything but such an array, checked or not), and
-- the Lua below runs instead.
local host = ...

-- The six sources a record can have.
local SOURCES = { "teacher", "self", "peer", "parent", "employer", "other" }
local IS_SOURCE = {}
for _, s in ipairs(SOURCES) do IS_SOURCE[s] = true end

-- Stops the rubric with "stepwise.NAME: what was wrong". Level 0: no place
-- in this file; Stepwise puts the line of the rubric that called the helper.
local function fail(name, msg)
  error("stepwise." .. name .. ": " .. msg, 0)
end

-- What a value is, for messages: nil, a number, "text" or its type.
local function show(v)
  if type(v) == "string" then return '"' .. v .. '"' end
  if type(v) == "number" or v == nil or type(v) == "boolean" then return tostring(v) end
  return "a " .. type(v)
end

-- Checks that `ev` is a list of records.
local function check_ev(name, ev)
  if type(ev) ~= "table" then
    fail(name, "evidence must be a list of records (such as `evidence`), not " .. show(ev))
  end
end

-- Checks a step-like number argument.
local function check_number(name, what, v)
  if type(v) ~= "number" then fail(name, what .. " must be a number, not " .. show(v)) end
end

-- (Records are not checked one by one, which would slow every rubric: a record
-- made by the rubric without a step fails inside the helper, and Stepwise
-- names the helper and the rubric's line; src/runner_error.c, helper_error.)

-- Edit distance of two short words, for "did you mean".
local function distance(a, b)
  local prev = {}
  for j = 0, #b do prev[j] = j end
  for i = 1, #a do
    local cur = { [0] = i }
    for j = 1, #b do
      local cost = a:sub(i, i) == b:sub(j, j) and 0 or 1
      cur[j] = math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
    end
    prev = cur
  end
  return prev[#b]
end

-- Checks a source word: an error naming it, the nearest and the six.
local function check_source(name, word)
  if IS_SOURCE[word] then return end
  local best, bd = nil, 3
  for _, s in ipairs(SOURCES) do
    local d = distance(word, s)
    if d < bd then best, bd = s, d end
  end
  fail(name, "no source '" .. word .. "'" .. (best and ("; did you mean '" .. best .. "'?") or "")
    .. " (sources: " .. table.concat(SOURCES, ", ") .. ")")
end

-- Records of `evidence` for which keep(record) is true, in the same order.
function S.filter(evidence, keep)
  check_ev("filter", evidence)
  if type(keep) ~= "function" then
    fail("filter", "the second argument must be a function(record) that returns true to keep it, not " .. show(keep))
  end
  local out = {}
  for _, r in ipairs(evidence) do
    if keep(r) then out[#out + 1] = r end
  end
  return out
end

-- Room for 8 records made at once (a skill has a few): a list that grows
-- one by one is moved at 1, 2, 4 and 8. Unused entries stay nil.
local function list8()
  return { nil, nil, nil, nil, nil, nil, nil, nil }
end

-- Only the records whose outcome is "secured".
function S.secured(evidence)
  local fast = host.secured
  local view = fast and fast(evidence)
  if view then return view end
  check_ev("secured", evidence)
  local out, n = list8(), 0
  for i = 1, #evidence do
    local r = evidence[i]
    if r.outcome == "secured" then n = n + 1; out[n] = r end
  end
  return out
end

-- A set {teacher = true, ...} from "teacher,self" (or an array); nil for all.
-- A source that is not one of the six is an error.
local function make_set(name, sources)
  if sources == nil or sources == "" then return nil end
  local set = {}
  if type(sources) == "table" then
    for _, s in ipairs(sources) do
      if type(s) ~= "string" then fail(name, "sources must be text, not " .. show(s)) end
      s = string.lower(s)
      check_source(name, s)
      set[s] = true
    end
  elseif type(sources) == "string" then
    for s in string.gmatch(sources, "[^,%s]+") do
      s = string.lower(s)
      check_source(name, s)
      set[s] = true
    end
  else
    fail(name, 'sources must be text such as "teacher,self", not ' .. show(sources))
  end
  return set
end

function S.source_set(sources)
  return make_set("source_set", sources)
end

-- Sets already made by from_sources, by their text (never handed to a rubric).
local known_sets, known_count = {}, 0

-- Only the records from the given sources ("teacher,self"); all when empty or nil.
function S.from_sources(evidence, sources)
  check_ev("from_sources", evidence)
  if sources == "" or sources == nil then return evidence end
  local set = type(sources) == "string" and known_sets[sources]
  if not set then
    set = make_set("from_sources", sources)
    if type(sources) == "string" and known_count < 64 then
      known_sets[sources], known_count = set, known_count + 1
    end
  end
  if not set then return evidence end
  local fast = host.from_sources
  local view = fast and fast(evidence, set)
  if view then return view end
  local out, n = list8(), 0
  for i = 1, #evidence do
    local r = evidence[i]
    if set[r.source] then n = n + 1; out[n] = r end
  end
  return out
end

-- The highest step among the records, or nil when there are none.
function S.highest(evidence)
  local fast = host.highest
  if fast then
    local done, step = fast(evidence)
    if done then return step end
  end
  check_ev("highest", evidence)
  local best
  for i = 1, #evidence do
    local s = evidence[i].step
    if best == nil or s > best then best = s end
  end
  return best
end

-- The step of the latest record (the last one of the latest date), or nil.
function S.latest(evidence)
  local fast = host.latest
  if fast then
    local done, step = fast(evidence)
    if done then return step end
  end
  check_ev("latest", evidence)
  local last = evidence[#evidence]
  return last and last.step
end

-- How many records have a step at or above `step`.
function S.count_at_or_above(evidence, step)
  check_ev("count_at_or_above", evidence)
  check_number("count_at_or_above", "the step", step)
  local n = 0
  for _, r in ipairs(evidence) do
    if r.step >= step then n = n + 1 end
  end
  return n
end

-- The highest step s such that at least `times` records have a step >= s, or nil.
function S.secured_n(evidence, times)
  check_ev("secured_n", evidence)
  if type(times) ~= "number" or times ~= math.floor(times) or times < 1 then
    fail("secured_n", "times must be a whole number of 1 or more, not " .. show(times))
  end
  local fast = host.secured_n
  if fast then
    local done, step = fast(evidence, times)
    if done then return step end
  end
  local steps = {}
  for _, r in ipairs(evidence) do steps[#steps + 1] = r.step end
  if #steps < times then return nil end
  table.sort(steps, function(a, b) return a > b end)
  return steps[times]
end

-- The mean of the records' steps (a number, not rounded), or nil.
function S.mean(evidence)
  local fast = host.mean
  if fast then
    local done, m = fast(evidence)
    if done then return m end
  end
  check_ev("mean", evidence)
  if #evidence == 0 then return nil end
  local sum = 0
  for _, r in ipairs(evidence) do sum = sum + r.step end
  return sum / #evidence
end

-- Days from 1970-01-01 to a "YYYY-MM-DD" date (nil when it is not one).
function S.day_number(date)
  local y, m, d = string.match(tostring(date), "^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if not y then return nil end
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  if m <= 2 then y = y - 1 end
  local era = (y >= 0 and y or y - 399) // 400
  local yoe = y - era * 400
  local mp = (m + 9) % 12
  local doy = (153 * mp + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

-- Whole days from date d1 to date d2 (negative when d2 is earlier).
function S.days_between(d1, d2)
  local a, b = S.day_number(d1), S.day_number(d2)
  if not a then fail("days_between", "the first date must be a date as YYYY-MM-DD, not " .. show(d1)) end
  if not b then fail("days_between", "the second date must be a date as YYYY-MM-DD, not " .. show(d2)) end
  return b - a
end

-- Only the records dated within `days` days before `date` (inclusive).
function S.within_days(evidence, date, days)
  check_ev("within_days", evidence)
  check_number("within_days", "the number of days", days)
  local last = S.day_number(date)
  if not last then fail("within_days", "the date must be a date as YYYY-MM-DD, not " .. show(date)) end
  return S.filter(evidence, function(r)
    local n = S.day_number(r.date)
    return n <= last and last - n <= days
  end)
end

-- The year and month of a "YYYY-MM-DD" date, checked.
local function year_month(name, date)
  if not S.day_number(date) then
    fail(name, "the date must be a date as YYYY-MM-DD, not " .. show(date))
  end
  return tonumber(string.sub(date, 1, 4)), tonumber(string.sub(date, 6, 7))
end

-- The 1 September that starts the academic year holding `date`.
function S.academic_year(date)
  local y, m = year_month("academic_year", date)
  if m < 9 then y = y - 1 end
  return string.format("%04d-09-01", y)
end

-- The term of a date by month: autumn (Sep-Dec), spring (Jan-Mar), summer (Apr-Aug).
function S.term(date)
  local _, m = year_month("term", date)
  if m >= 9 then return "autumn" end
  if m <= 3 then return "spring" end
  return "summer"
end

-- Whole weeks from d1 to d2 (negative when d2 is earlier), rounded toward zero.
function S.weeks_between(d1, d2)
  local a, b = S.day_number(d1), S.day_number(d2)
  if not a then fail("weeks_between", "the first date must be a date as YYYY-MM-DD, not " .. show(d1)) end
  if not b then fail("weeks_between", "the second date must be a date as YYYY-MM-DD, not " .. show(d2)) end
  local days = b - a
  if days >= 0 then return days // 7 end
  return -((-days) // 7)
end

-- The methods of stepwise.per_skill: the built-in rubrics, their parameters
-- with defaults, and how each computes a step from the counted records.
local METHODS = {
  ["highest"] = { defaults = { sources = "" },
    step = function(counted) return S.highest(counted) end },
  ["latest"] = { defaults = { sources = "" },
    step = function(counted) return S.latest(counted) end },
  ["secured-n"] = { defaults = { times = 2, sources = "" },
    step = function(counted, p) return S.secured_n(counted, p.times) end },
  ["average"] = { defaults = { sources = "" },
    step = function(counted)
      local mean = S.mean(counted)
      return mean and math.floor(mean + 1e-9)
    end },
  ["decaying-average"] = { defaults = { rate = 0.65, sources = "" },
    step = function(counted, p)
      local d
      for _, r in ipairs(counted) do
        if d == nil then d = r.step else d = d * (1 - p.rate) + r.step * p.rate end
      end
      return d and math.floor(d + 1e-9)
    end },
}
local METHOD_NAMES = { "highest", "latest", "secured-n", "average", "decaying-average" }

-- The nearest of `names` to `word`, as "; did you mean 'x'?", or "".
local function nearest(word, names)
  local best, bd = nil, 3
  for _, n in ipairs(names) do
    local d = distance(string.lower(word), string.lower(n))
    if d < bd then best, bd = n, d end
  end
  return best and ("; did you mean '" .. best .. "'?") or ""
end

-- One entry of per_skill ("latest" or { "secured-n", times = 3 }), checked.
local function method_of(key, v)
  local name, params = v, {}
  if type(v) == "table" then
    name = v[1]
    for k, x in pairs(v) do if k ~= 1 then params[k] = x end end
  end
  if type(name) ~= "string" or not METHODS[name] then
    fail("per_skill", "no method " .. show(name) .. " for " .. key
      .. (type(name) == "string" and nearest(name, METHOD_NAMES) or "")
      .. " (methods: " .. table.concat(METHOD_NAMES, ", ") .. ")")
  end
  local m, merged, known = METHODS[name], {}, {}
  for k, d in pairs(m.defaults) do merged[k] = d; known[#known + 1] = k end
  table.sort(known)
  for k, x in pairs(params) do
    if m.defaults[k] == nil then
      fail("per_skill", "method " .. name .. " has no parameter " .. show(k) .. " (for " .. key .. ")"
        .. (type(k) == "string" and nearest(k, known) or "") .. " (parameters: " .. table.concat(known, ", ") .. ")")
    end
    merged[k] = x
  end
  if name == "secured-n" and (math.type(merged.times) ~= "integer" or merged.times < 1) then
    fail("per_skill", "times must be a whole number of 1 or more, not " .. show(merged.times) .. " (for " .. key .. ")")
  end
  if name == "decaying-average" and (type(merged.rate) ~= "number" or merged.rate < 0 or merged.rate > 1) then
    fail("per_skill", "rate must be a number from 0 to 1, not " .. show(merged.rate) .. " (for " .. key .. ")")
  end
  make_set("per_skill", merged.sources) -- checks the source names
  return { step = m.step, params = merged }
end

-- A rubric with a method per skill: { default = "highest", listening =
-- { "secured-n", times = 2 }, creativity = "latest", ... }. Skills are named
-- by id or name (any case); methods and parameters are checked at once.
function S.per_skill(spec)
  if type(spec) ~= "table" then fail("per_skill", "give a table of skills and methods, not " .. show(spec)) end
  local plan, default = {}, nil
  for key, v in pairs(spec) do
    if type(key) ~= "string" then fail("per_skill", "each entry needs a skill name, such as listening = \"latest\"") end
    if key == "default" then default = method_of(key, v) else plan[key] = method_of(key, v) end
  end
  default = default or method_of("default", "highest")
  -- every skill named must be one of the framework's: checked when the rubric
  -- loads when the framework is known then, else at the first skill()
  local function check_skills(fw)
    local ids = {}
    for _, sk in ipairs(fw.skills) do ids[#ids + 1] = sk.id end
    local keys = {}
    for key in pairs(plan) do keys[#keys + 1] = key end
    table.sort(keys) -- the same error whatever the order of the table
    for _, key in ipairs(keys) do
      local found = false
      for _, sk in ipairs(fw.skills) do
        if sk.id == key or string.lower(sk.name) == string.lower(key) then found = true end
      end
      if not found then
        fail("per_skill", "no skill '" .. key .. "' in the framework" .. nearest(key, ids)
          .. " (skills: " .. table.concat(ids, ", ") .. ")")
      end
    end
  end
  local fw = host and host.framework and host.framework()
  if fw then check_skills(fw) end
  local checked = fw ~= nil
  return {
    name = "per skill",
    description = "A built-in method for each skill (stepwise.per_skill).",
    skill = function(evidence, ctx)
      if not checked then
        check_skills(ctx.framework)
        checked = true
      end
      local m = plan[ctx.skill.id] or plan[ctx.skill.name] or default
      if m == default then
        for key, x in pairs(plan) do
          if string.lower(key) == string.lower(ctx.skill.name) then m = x end
        end
      end
      local counted = S.secured(S.from_sources(evidence, m.params.sources))
      return m.step(counted, m.params)
    end,
  }
end

-- `step` kept inside the skill's range: nil stays nil.
function S.clamp(step, skill)
  if step == nil then return nil end
  check_number("clamp", "the step", step)
  if type(skill) ~= "table" then fail("clamp", "the second argument must be a skill (ctx.skill), not " .. show(skill)) end
  if step < skill.min then return skill.min end
  if step > skill.max then return skill.max end
  return step
end

return S
