-- Sandbox attack, 6 (CPU): comparing two long strings in a loop.
-- Comparing two equal 3 MB strings is one instruction for the count but
-- 0.3 ms of work: the CPU-time backstop stops the loop.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-cpu-string-compare.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  local a = ("x"):rep(3e6)
  local b = ("x"):rep(3e6 - 1) .. "x"
  local n = 0
  while true do if a == b then n = n + 1 end end
end

return {
  name = "cpu-string-compare",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
