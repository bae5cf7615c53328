-- Sandbox attack, 9 (information): collectgarbage("count").
-- The memory in use includes what earlier pupils left for the collector, so
-- it tells a script something about other pupils' data: not available.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-info-gc-count.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  return collectgarbage("count")
end

return {
  name = "info-gc-count",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
