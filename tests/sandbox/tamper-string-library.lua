-- Sandbox attack, 3 (tampering): string.upper = ....
-- The string library (shared by all pupils) is a read-only view.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-tamper-string-library.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  string.upper = function() return "PWNED" end
end

return {
  name = "tamper-string-library",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
