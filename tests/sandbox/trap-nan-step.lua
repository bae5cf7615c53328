-- Sandbox attack, 8 (host traps): NaN as a step.
-- Not a number: refused (C prints it as "-nan").
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-trap-nan-step.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  return 0 / 0
end

return {
  name = "trap-nan-step",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      return attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
