-- Sandbox attack, 8 (host traps): returning a cyclic table.
-- Stepwise reads only `step` and `note`, with raw access, never following
-- the table: a step that is itself a cycle is a clear error.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-trap-cyclic-table.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  local t = {}
  t.step = t
  t.note = t -- (no other key: an unknown key is refused before the step is read)
  t.note = t
  return t
end

return {
  name = "trap-cyclic-table",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      return attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
