-- Sandbox attack, 6 (CPU): table.insert on a table whose __len lies.
-- The table says it holds 2^62 - 1 values: Lua's table.insert moves each one
-- up a place, one C loop that the count hook never sees (hours under a 0.1 s
-- budget). Each value moved now counts as an instruction: charged at once.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-cpu-table-insert-len.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  local t = setmetatable({}, { __len = function() return math.maxinteger - 1 end })
  table.insert(t, 1, "x")
end

return {
  name = "cpu-table-insert-len",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
