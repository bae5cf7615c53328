-- Sandbox attack, 4 (the collector): collectgarbage("generational").
-- Switching the collector's mode: not available.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-gc-generational.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  collectgarbage("generational")
end

return {
  name = "gc-generational",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
