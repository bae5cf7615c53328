-- Sandbox attack, 5 (memory): string.byte(s, 1, -1) on a large string.
-- Two million values on the stack: refused at once.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-mem-byte-large.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  local s = ("x"):rep(2^21)
  return string.byte(s, 1, -1)
end

return {
  name = "mem-byte-large",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
