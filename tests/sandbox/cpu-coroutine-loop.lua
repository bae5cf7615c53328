-- Sandbox attack, 6 (CPU): a loop inside a coroutine.
-- coroutine.resume cannot catch a limit: it passes it on.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-cpu-coroutine-loop.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  local co = coroutine.create(function() while true do end end)
  local ok = coroutine.resume(co)
  if not ok then while true do end end
end

return {
  name = "cpu-coroutine-loop",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
