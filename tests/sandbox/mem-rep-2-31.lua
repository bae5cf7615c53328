-- Sandbox attack, 5 (memory): ("x"):rep(2^31).
-- A 2 GiB string in one call: Lua refuses results over 2^31 - 1 bytes.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-mem-rep-2-31.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  local s = ("x"):rep(2^31)
end

return {
  name = "mem-rep-2-31",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
