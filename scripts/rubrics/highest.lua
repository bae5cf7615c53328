-- highest: the highest step of any secured record.
-- The default rubric. Parameter `sources`: which sources count
-- ("teacher,self"; empty for all).
return {
  name = "highest",
  description = "The highest step of any secured record from the sources that count.",
  params = { sources = "" },
  skill = function(evidence, ctx)
    local counted = stepwise.secured(stepwise.from_sources(evidence, ctx.params.sources))
    return stepwise.highest(counted)
  end,
  -- worked examples, checked by `stepwise rubric test` (scripts/README.md)
  examples = {
    { name = "the highest secured step", skill = "listening",
      evidence = { { step = 3, date = "2026-01-05" }, { step = 5, date = "2026-01-10", outcome = "developing" },
                   { step = 4, date = "2026-02-01" } }, expect = 4 },
    { name = "nothing secured, no step", skill = "listening",
      evidence = { { step = 2, date = "2026-01-05", outcome = "developing" } }, expect = nil },
    { name = "only the sources that count", skill = "listening", params = { sources = "teacher" },
      evidence = { { step = 6, date = "2026-01-05", source = "self" }, { step = 3, date = "2026-01-06" } },
      expect = 3 },
  },
}
