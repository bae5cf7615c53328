-- Sandbox attack, 1 (bytecode): string.dump(f).
-- The first half of the trick: string.dump is not there.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-bytecode-string-dump.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  return string.dump(function() return 1 end)
end

return {
  name = "bytecode-string-dump",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
