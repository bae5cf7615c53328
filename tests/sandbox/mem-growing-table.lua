-- Sandbox attack, 5 (memory): an ever-growing table.
-- A table of ever more 1 KB strings: the memory limit stops it.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-mem-growing-table.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  local t = {}
  local i = 0
  while true do i = i + 1; t[i] = ("x"):rep(1000) .. i end
end

return {
  name = "mem-growing-table",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
