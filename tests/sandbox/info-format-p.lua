-- Sandbox attack, 9 (information): string.format("%p", t).
-- %p prints a memory address: refused.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-info-format-p.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  return string.format("%p", {})
end

return {
  name = "info-format-p",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
