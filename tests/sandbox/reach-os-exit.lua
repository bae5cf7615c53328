-- Sandbox attack, 2 (reaching out): os.exit.
-- Outside the sandbox: reading the name raises a clear error, so a teacher
-- sees at once that it cannot be used in a rubric.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-reach-os-exit.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  return os.exit(3)
end

return {
  name = "reach-os-exit",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
