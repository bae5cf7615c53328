-- latest: the step of the most recent secured record; among records of the
-- same date, the one later in the input.
return {
  name = "latest",
  description = "The step of the most recent secured record from the sources that count.",
  params = { sources = "" },
  skill = function(evidence, ctx)
    local counted = stepwise.secured(stepwise.from_sources(evidence, ctx.params.sources))
    return stepwise.latest(counted)
  end,
  -- worked examples, checked by `stepwise rubric test` (scripts/README.md)
  examples = {
    { name = "the latest secured step, even when lower", skill = "listening",
      evidence = { { step = 5, date = "2026-01-05" }, { step = 3, date = "2026-02-01" },
                   { step = 6, date = "2026-02-03", outcome = "developing" } }, expect = 3 },
    { name = "on the same date, the later in the input", skill = "listening",
      evidence = { { step = 2, date = "2026-01-05" }, { step = 4, date = "2026-01-05" } }, expect = 4 },
    { name = "no record, no step", skill = "listening", evidence = {}, expect = nil },
  },
}
