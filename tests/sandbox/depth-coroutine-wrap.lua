-- Sandbox attack, 7 (depth): nested coroutine.wrap.
-- Each level is a C call: Lua stops at about 200 with "C stack overflow".
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-depth-coroutine-wrap.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  local function f() return coroutine.wrap(f)() end
  return f()
end

return {
  name = "depth-coroutine-wrap",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
