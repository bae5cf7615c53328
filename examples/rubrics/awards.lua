-- awards: Bronze, Silver and Gold awards for breadth, from the steps a
-- pupil has reached across every skill of the framework (all eight with
-- Skills Builder). A pupil earns Bronze once every skill stands at step
-- `bronze` or above, Silver at `silver`, Gold at `gold`; only the highest
-- award earned is given. A pupil with no step yet in some skills gets a
-- flag naming them, since those are what stand between them and an award.
--
-- When to use it: celebration assemblies, reports home and end-of-year
-- certificates, where a school wants to reward all-round progress rather
-- than one outstanding skill. Each skill's step is the highest step secured
-- at least `times` times (1: once, like the built-in "highest"). Choose the
-- thresholds for your pupils' age: the defaults suit upper primary on
-- Skills Builder; a secondary school might use 6, 8 and 10.
--
--   stepwise evaluate --rubric awards.lua --param gold=7 --format jsonl ...
return {
  name = "awards",
  description = "Bronze, Silver or Gold when every skill reaches the award's step.",
  params = { bronze = 2, silver = 4, gold = 6, times = 1, sources = "" },

  skill = function(evidence, ctx)
    local times = ctx.params.times
    if math.type(times) ~= "integer" or times < 1 then
      error("parameter times must be a whole number of 1 or more, not " .. tostring(times))
    end
    local counted = stepwise.secured(stepwise.from_sources(evidence, ctx.params.sources))
    return stepwise.secured_n(counted, times)
  end,

  -- steps: the step reached in each skill, by skill id (absent: none yet)
  pupil = function(steps, ctx)
    local p = ctx.params
    for _, k in ipairs({ "bronze", "silver", "gold" }) do
      if math.type(p[k]) ~= "integer" then
        error("parameter " .. k .. " must be a whole number, not " .. tostring(p[k]))
      end
    end
    local lowest, missing = nil, {}
    for _, skill in ipairs(ctx.framework.skills) do
      local s = steps[skill.id]
      if s == nil then
        missing[#missing + 1] = skill.id
      elseif lowest == nil or s < lowest then
        lowest = s
      end
    end
    if #missing > 0 then
      return { flags = { "no step yet in " .. table.concat(missing, ", ") } }
    end
    if lowest >= p.gold then return { awards = { "Gold" } } end
    if lowest >= p.silver then return { awards = { "Silver" } } end
    if lowest >= p.bronze then return { awards = { "Bronze" } } end
    return nil
  end,

  -- worked examples, checked by `stepwise rubric test` (scripts/README.md)
  examples = {
    { name = "the step of one skill", skill = "listening",
      evidence = { { step = 4, date = "2026-01-05" } }, expect = 4 },
    { name = "other skills without a step are flagged", skill = "listening",
      evidence = { { step = 4, date = "2026-01-05" } },
      expect = { step = 4, awards = {},
                 flags = { "no step yet in speaking, problem-solving, creativity, adapting, planning, leadership, teamwork" } } },
  },
}
