-- Sandbox attack, 6 (CPU): table.sort of long strings.
-- 2,000 references to one 4 MB string: each comparison reads 4 MB, and one
-- sort ran for seconds as a single instruction. Each comparison counts as
-- one instruction plus one per 64 bytes it reads.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-cpu-sort-long-strings.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  local s = ("x"):rep(4000000)
  local t = {}
  for i = 1, 2000 do t[i] = s end
  table.sort(t)
end

return {
  name = "cpu-sort-long-strings",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
