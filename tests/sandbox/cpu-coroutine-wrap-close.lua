-- Sandbox attack, 6 (CPU): a loop in a coroutine.wrap function with a looping __close.
-- coroutine.wrap closes a coroutine that failed, running its __close handlers.
-- After a limit, hooks stay off in that coroutine, so the handler would never
-- stop (it did: the run hung). The sandbox does not close it.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-cpu-coroutine-wrap-close.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  local f = coroutine.wrap(function()
    local guard <close> = setmetatable({}, { __close = function() while true do end end })
    while true do end
  end)
  f()
end

return {
  name = "cpu-coroutine-wrap-close",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
