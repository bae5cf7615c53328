-- Sandbox attack, 4 (the collector): a weak table (__mode) under memory pressure.
-- Weak tables let a script watch the collector, which depends on what
-- other pupils left in memory: setmetatable refuses __mode.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-gc-weak-table.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  local cache = setmetatable({}, { __mode = "v" })
  for i = 1, 1e6 do cache[i] = {} end
end

return {
  name = "gc-weak-table",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
