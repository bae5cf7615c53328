-- Sandbox attack, 8 (host traps): minus infinity as a step.
-- Refused.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-trap-negative-infinity-step.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  return -math.huge
end

return {
  name = "trap-negative-infinity-step",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      return attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
