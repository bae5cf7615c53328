-- Sandbox attack, 6 (CPU): a looping __close handler during an error, inside pcall.
-- The handler runs while the error unwinds; the limit stops it and pcall
-- passes the limit on.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-cpu-close-handler-error.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  pcall(function()
    local guard <close> = setmetatable({}, { __close = function() while true do end end })
    error("unwind")
  end)
end

return {
  name = "cpu-close-handler-error",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
