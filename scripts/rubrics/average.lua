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
}
