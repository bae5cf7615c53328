-- Sandbox attack, 4 (the collector): collectgarbage("stop").
-- Stopping the collector would let memory grow without bound between
-- checks; collectgarbage is not available.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-gc-stop.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  collectgarbage("stop")
end

return {
  name = "gc-stop",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
