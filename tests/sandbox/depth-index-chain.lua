-- Sandbox attack, 7 (depth): a chain of 2,000 __index tables.
-- Lua follows at most 2,000 __index tables: "'__index' chain too long".
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-depth-index-chain.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  local t = {}
  for _ = 1, 2000 do t = setmetatable({}, { __index = t }) end
  return t.anything
end

return {
  name = "depth-index-chain",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
