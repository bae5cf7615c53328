-- average: the mean of the steps of the secured records, rounded down.
return {
  name = "average",
  description = "The mean step of the secured records, rounded down.",
  params = { sources = "" },
  skill = function(evidence, ctx)
    local counted = stepwise.secured(stepwise.from_sources(evidence, ctx.params.sources))
    local mean = stepwise.mean(counted)
    return mean and math.floor(mean + 1e-9)
  end,
  -- worked examples, checked by `stepwise rubric test` (scripts/README.md)
  examples = {
    { name = "the mean of 2, 3 and 5, rounded down", skill = "listening",
      evidence = { { step = 2, date = "2026-01-05" }, { step = 3, date = "2026-01-06" },
                   { step = 5, date = "2026-01-07" } }, expect = 3 },
    { name = "developing records do not count", skill = "listening",
      evidence = { { step = 2, date = "2026-01-05" }, { step = 8, date = "2026-01-06", outcome = "developing" } },
      expect = 2 },
    { name = "no record, no step", skill = "listening", evidence = {}, expect = nil },
  },
}
