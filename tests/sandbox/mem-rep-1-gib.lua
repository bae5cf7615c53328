-- Sandbox attack, 5 (memory): ("x"):rep(2^30).
-- A 1 GiB string: the memory limit (--max-memory) refuses it.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-mem-rep-1-gib.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  local s = ("x"):rep(2^30)
end

return {
  name = "mem-rep-1-gib",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
