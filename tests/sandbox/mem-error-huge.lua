-- Sandbox attack, 3 (memory): a 30 MB error message for a pupil.
-- Error values were copied out of the Lua state whole: a rubric raising
-- 30 MB messages for every pupil grew the host by gigabytes, past
-- --max-memory. A message leaves the state cut at 1,024 bytes, saying so.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-mem-error-huge.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  error(("ab"):rep(15000000), 0)
end

return {
  name = "mem-error-huge",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
