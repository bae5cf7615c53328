-- Sandbox attack, 6 (CPU): while true do end.
-- The instruction limit (--max-instructions) stops it.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-cpu-loop.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  while true do end
end

return {
  name = "cpu-loop",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
