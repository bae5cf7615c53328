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
  -- worked examples, checked by `stepwise rubric test` (scripts/README.md)
  examples = {
    { name = "2 then 4 at rate 0.5 gives 3", skill = "listening", params = { rate = 0.5 },
      evidence = { { step = 2, date = "2026-01-05" }, { step = 4, date = "2026-01-06" } }, expect = 3 },
    { name = "newer records weigh more", skill = "listening",
      evidence = { { step = 6, date = "2026-01-05" }, { step = 2, date = "2026-01-06" } }, expect = 3 },
    { name = "no record, no step", skill = "listening", evidence = {}, expect = nil },
  },
}
