-- Sandbox attack, 7 (depth): deep Lua recursion.
-- Lua's stack limit (1,000,000 slots) stops it with "stack overflow", an
-- error for this pupil and skill only (run with the default limits).
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-depth-recursion.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  local function f(n) return 1 + f(n + 1) end
  return f(1)
end

return {
  name = "depth-recursion",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
