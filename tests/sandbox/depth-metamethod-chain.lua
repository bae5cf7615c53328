-- Sandbox attack, 7 (depth): a chain of __index functions.
-- Each __index call indexes a new table with the same metatable: "C stack
-- overflow".
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-depth-metamethod-chain.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  local mt = {}
  mt.__index = function(t, k) return setmetatable({}, mt)[k] end
  return setmetatable({}, mt).anything
end

return {
  name = "depth-metamethod-chain",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
