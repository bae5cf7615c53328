-- Sandbox attack, 4 (the collector): adding __gc to a metatable after setmetatable.
-- Lua only marks an object for finalization when __gc is there at
-- setmetatable time, and a metatable in use cannot gain __gc at all.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-gc-finalizer-late.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  local mt = {}
  local t = setmetatable({}, mt)
  mt.__gc = function() while true do end end
end

return {
  name = "gc-finalizer-late",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
