-- Sandbox attack, 1 (bytecode): load(string.dump(f)).
-- Dumping a function to bytecode and loading it back would run bytecode, which
-- skips the compiler's checks and can crash the VM. `load` is not there.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-bytecode-load-dump.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  local f = function() return 1 end
  return load(string.dump(f))()
end

return {
  name = "bytecode-load-dump",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
