-- Sandbox attack, 1 (bytecode): ("").dump(f), through the string metatable.
-- The same function reached as a method of a string: the string metatable's
-- __index is the same library table, so it is not there either.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-bytecode-string-dump-method.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  return ("").dump(function() return 1 end)
end

return {
  name = "bytecode-string-dump-method",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
