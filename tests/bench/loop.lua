-- loop.lua: "the highest secured step" written as a teacher would, in plain
-- Lua with no helpers, for `make bench` (the same results as `highest`).
return {
  name = "loop",
  skill = function(evidence, ctx)
    local best = nil
    for _, e in ipairs(evidence) do
      if e.outcome == "secured" and (best == nil or e.step > best) then
        best = e.step
      end
    end
    return best
  end,
}
