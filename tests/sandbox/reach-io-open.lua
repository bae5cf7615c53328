-- Sandbox attack, 2 (reaching out): io.open.
-- Outside the sandbox: reading the name raises a clear error, so a teacher
-- sees at once that it cannot be used in a rubric.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-reach-io-open.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  return io.open("/etc/passwd"):read("a")
end

return {
  name = "reach-io-open",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
