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
}
