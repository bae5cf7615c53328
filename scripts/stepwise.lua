-- stepwise.lua: the helpers every rubric can use as `stepwise.NAME`.
-- Written once, shared read-only by all rubrics (scripts/README.md documents
-- each). Evidence arrays hold records {step, outcome, date, source,
-- assessor, context, note}, ordered by date, same-date records in input order.

local S = {}

-- Records of `evidence` for which keep(record) is true, in the same order.
function S.filter(evidence, keep)
  local out = {}
  for _, r in ipairs(evidence) do
    if keep(r) then out[#out + 1] = r end
  end
  return out
end

-- Only the records whose outcome is "secured".
function S.secured(evidence)
  local out, n = {}, 0
  for i = 1, #evidence do
    local r = evidence[i]
    if r.outcome == "secured" then n = n + 1; out[n] = r end
  end
  return out
end

-- A set {teacher = true, ...} from "teacher,self" (or an array); nil for all.
function S.source_set(sources)
  if sources == nil or sources == "" then return nil end
  local set = {}
  if type(sources) == "table" then
    for _, s in ipairs(sources) do set[string.lower(s)] = true end
  else
    for s in string.gmatch(tostring(sources), "[^,%s]+") do set[string.lower(s)] = true end
  end
  return set
end

-- Only the records from the given sources ("teacher,self"); all when empty or nil.
function S.from_sources(evidence, sources)
  local set = S.source_set(sources)
  if not set then return evidence end
  local out, n = {}, 0
  for i = 1, #evidence do
    local r = evidence[i]
    if set[r.source] then n = n + 1; out[n] = r end
  end
  return out
end

-- The highest step among the records, or nil when there are none.
function S.highest(evidence)
  local best
  for i = 1, #evidence do
    local s = evidence[i].step
    if best == nil or s > best then best = s end
  end
  return best
end

-- The step of the latest record (the last one of the latest date), or nil.
function S.latest(evidence)
  local last = evidence[#evidence]
  return last and last.step
end

-- How many records have a step at or above `step`.
function S.count_at_or_above(evidence, step)
  local n = 0
  for _, r in ipairs(evidence) do
    if r.step >= step then n = n + 1 end
  end
  return n
end

-- The highest step s such that at least `times` records have a step >= s, or nil.
function S.secured_n(evidence, times)
  local steps = {}
  for _, r in ipairs(evidence) do steps[#steps + 1] = r.step end
  if times < 1 or #steps < times then return nil end
  table.sort(steps, function(a, b) return a > b end)
  return steps[times]
end

-- The mean of the records' steps (a number, not rounded), or nil.
function S.mean(evidence)
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
  if not a or not b then error("days_between needs two dates as YYYY-MM-DD", 2) end
  return b - a
end

-- Only the records dated within `days` days before `date` (inclusive).
function S.within_days(evidence, date, days)
  local last = S.day_number(date)
  return S.filter(evidence, function(r)
    local n = S.day_number(r.date)
    return n <= last and last - n <= days
  end)
end

-- `step` kept inside the skill's range: nil stays nil.
function S.clamp(step, skill)
  if step == nil then return nil end
  if step < skill.min then return skill.min end
  if step > skill.max then return skill.max end
  return step
end

return S
