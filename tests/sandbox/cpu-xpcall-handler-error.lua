-- Sandbox attack, 6 (CPU): an xpcall handler that loops, after an ordinary error.
-- The handler starts for an ordinary error (hooks on), then hits the limit.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-cpu-xpcall-handler-error.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  xpcall(function() error("first") end, function() while true do end end)
end

return {
  name = "cpu-xpcall-handler-error",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
