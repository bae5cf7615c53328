-- Sandbox attack, 6 (CPU): table.remove on a table whose __len lies.
-- The table says it holds 2^40 values: table.remove(t, 1) moves each one
-- down a place in one C loop. Each value moved counts as an instruction.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-cpu-table-remove-len.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  local t = setmetatable({}, { __len = function() return 1 << 40 end })
  table.remove(t, 1)
end

return {
  name = "cpu-table-remove-len",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
