-- Sandbox attack, 4 (the collector): a __gc finalizer with an endless loop.
-- A finalizer runs inside the collector, where no limit can stop it:
-- setmetatable refuses __gc.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-gc-finalizer-loop.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  setmetatable({}, { __gc = function() while true do end end })
end

return {
  name = "gc-finalizer-loop",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
