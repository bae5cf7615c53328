-- Sandbox attack, 6 (CPU): a pattern of 40 optional items ("a?").
-- Each "?" backtracks: 2^40 tries on a 40-byte text (it hung before).
-- Refused like repetitions.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-cpu-pattern-optional.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  return ("a"):rep(40):find(("a?"):rep(40) .. "b")
end

return {
  name = "cpu-pattern-optional",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
