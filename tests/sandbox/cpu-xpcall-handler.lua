-- Sandbox attack, 6 (CPU): an xpcall handler that loops.
-- The error raised by the instruction limit comes from inside Lua's hook,
-- where Lua switches hooks off until the protected call returns: a handler
-- run then would never stop (it did: the run hung). The sandbox does not run
-- the rubric's handler once a limit is hit.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-cpu-xpcall-handler.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  xpcall(function() while true do end end, function() while true do end end)
end

return {
  name = "cpu-xpcall-handler",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
