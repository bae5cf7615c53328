-- Sandbox attack, 6 (CPU): (".-"):rep(4) on a text under the pattern limit.
-- Four repetitions on 9,000 bytes would take about 10^19 steps: refused.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-cpu-pattern-short-text.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  return ("a"):rep(9000):find(".-.-.-.-b")
end

return {
  name = "cpu-pattern-short-text",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
