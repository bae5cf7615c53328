-- Sandbox attack, 6 (CPU): an endless loop inside pcall, retried forever.
-- pcall cannot catch a limit: it passes it on.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-cpu-pcall-retry.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  while true do pcall(function() while true do end end) end
end

return {
  name = "cpu-pcall-retry",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
