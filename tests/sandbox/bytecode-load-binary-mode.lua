-- Sandbox attack, 1 (bytecode): load(s, nil, "b").
-- Loading a binary chunk explicitly: `load` is not there.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-bytecode-load-binary-mode.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  return load("\27Lua\84\0", "x", "b")
end

return {
  name = "bytecode-load-binary-mode",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
