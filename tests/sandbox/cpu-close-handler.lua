-- Sandbox attack, 6 (CPU): a __close handler that loops.
-- A to-be-closed variable's handler runs Lua code: the limit stops it.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-cpu-close-handler.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  do
    local guard <close> = setmetatable({}, { __close = function() while true do end end })
  end
end

return {
  name = "cpu-close-handler",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
