-- Sandbox attack, 5 (memory): table.unpack(t, 1, 2^31).
-- Two billion values on the stack: refused at once.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-mem-unpack.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  return table.unpack({}, 1, 2^31)
end

return {
  name = "mem-unpack",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
