-- Sandbox attack, 8 (host traps): math.maxinteger as a step.
-- Refused as outside the skill.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-trap-huge-integer-step.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  return math.maxinteger
end

return {
  name = "trap-huge-integer-step",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      return attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
