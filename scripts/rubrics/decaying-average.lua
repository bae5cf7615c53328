-- decaying-average: recent evidence weighs more. Over the secured records in
-- date order, d starts at the first step, then d = d * (1 - rate) + s * rate
-- for each later step s; the result is d rounded down.
return {
  name = "decaying-average",
  description = "A running average in which each newer record weighs `rate`.",
  params = { rate = 0.65, sources = "" },
  skill = function(evidence, ctx)
    local rate = ctx.params.rate
    if type(rate) ~= "number" or rate < 0 or rate > 1 then
      error("parameter rate must be a number from 0 to 1, not " .. tostring(rate))
    end
    local counted = stepwise.secured(stepwise.from_sources(evidence, ctx.params.sources))
    local d
    for _, r in ipairs(counted) do
      if d == nil then d = r.step else d = d * (1 - rate) + r.step * rate end
    end
    return d and math.floor(d + 1e-9)
  end,
}
