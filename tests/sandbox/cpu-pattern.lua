-- Sandbox attack, 6 (CPU): ("a"):rep(1e5):find(".-.-.-.-b").
-- Backtracking over a long text: the pattern limit (--pattern-limit) refuses
-- texts over 10,000 bytes.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-cpu-pattern.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  return ("a"):rep(1e5):find(".-.-.-.-b")
end

return {
  name = "cpu-pattern",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
