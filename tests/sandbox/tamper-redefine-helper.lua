-- Sandbox attack, 3 (tampering): redefining a stepwise helper.
-- The helpers are shared by all pupils: `stepwise` is a read-only view.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-tamper-redefine-helper.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  stepwise.highest = function() return 5 end
end

return {
  name = "tamper-redefine-helper",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
