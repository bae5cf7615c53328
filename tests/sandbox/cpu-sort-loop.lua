-- Sandbox attack, 6 (CPU): table.sort of a large table, in a loop.
-- One table.sort of 500,000 values is a single instruction for the count
-- but about 50 ms of work: a loop ran for hours. Each comparison of
-- table.sort now counts as an instruction: the first sort reaches the limit.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-cpu-sort-loop.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  local t = { string.byte(("x"):rep(500000), 1, -1) }
  while true do table.sort(t) end
end

return {
  name = "cpu-sort-loop",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
