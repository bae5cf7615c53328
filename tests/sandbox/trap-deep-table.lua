-- Sandbox attack, 8 (host traps): returning a deeply nested table.
-- A step nested 20,000 tables deep: read once, raw, refused as a table.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-trap-deep-table.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  local t = {}
  for _ = 1, 20000 do t = { t } end
  return { step = t }
end

return {
  name = "trap-deep-table",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      return attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
