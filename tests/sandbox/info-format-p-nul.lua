-- Sandbox attack, 9 (information): string.format("\0%p", t).
-- A NUL byte before %p hid it from the check, which read the format as a C
-- string (it leaked the address after the NUL). Refused.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-info-format-p-nul.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  return string.format("\0%p", {})
end

return {
  name = "info-format-p-nul",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
