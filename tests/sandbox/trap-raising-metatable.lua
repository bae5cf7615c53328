-- Sandbox attack, 8 (host traps): returning a table whose metatable raises on access.
-- Raw access ignores __index, __len, __pairs and __tostring: the table has no
-- step of its own, so the step is empty and there is no error.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-trap-raising-metatable.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  local boom = function() error("the host touched a metamethod") end
  return setmetatable({}, { __index = boom, __len = boom, __pairs = boom, __tostring = boom,
    __eq = boom, __newindex = boom })
end

return {
  name = "trap-raising-metatable",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      return attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
