-- secured-n: the highest step s such that at least `times` secured records
-- have a step of s or more: one good day is not enough.
return {
  name = "secured-n",
  description = "The highest step reached by at least `times` secured records.",
  params = { times = 2, sources = "" },
  skill = function(evidence, ctx)
    local times = ctx.params.times
    if math.type(times) ~= "integer" or times < 1 then
      error("parameter times must be a whole number of 1 or more, not " .. tostring(times))
    end
    local counted = stepwise.secured(stepwise.from_sources(evidence, ctx.params.sources))
    return stepwise.secured_n(counted, times)
  end,
  -- worked examples, checked by `stepwise rubric test` (scripts/README.md)
  examples = {
    { name = "steps 4, 2 and 3: two records at 3 or above", skill = "listening",
      evidence = { { step = 4, date = "2026-01-05" }, { step = 2, date = "2026-01-06" },
                   { step = 3, date = "2026-01-07" } }, expect = 3 },
    { name = "one good day is not enough", skill = "listening",
      evidence = { { step = 4, date = "2026-01-05" } }, expect = nil },
    { name = "three times", skill = "listening", params = { times = 3 },
      evidence = { { step = 4, date = "2026-01-05" }, { step = 2, date = "2026-01-06" },
                   { step = 3, date = "2026-01-07" } }, expect = 2 },
  },
}
