-- Sandbox attack, 5 (memory): doubling concatenation in a loop.
-- s = s .. s: the memory limit stops it after about 24 doublings.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-mem-doubling.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  local s = "x"
  while true do s = s .. s end
end

return {
  name = "mem-doubling",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
