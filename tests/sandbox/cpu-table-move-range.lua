-- Sandbox attack, 6 (CPU): table.move over a huge range.
-- table.move({}, 1, 2^40, 2) copies 2^40 nils in one C loop. Each element
-- counts as an instruction: charged before the copy starts.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-cpu-table-move-range.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  table.move({}, 1, 1 << 40, 2)
end

return {
  name = "cpu-table-move-range",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
