-- Sandbox attack, 3 (tampering): rawset on a shared table.
-- rawset would write past a read-only view's __newindex: it is not there.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-tamper-rawset-shared.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  rawset(string, "upper", function() return "PWNED" end)
end

return {
  name = "tamper-rawset-shared",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
