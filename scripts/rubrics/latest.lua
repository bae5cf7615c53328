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
}
