-- Sandbox attack, 5 (memory): table.concat of a huge table.
-- 131,072 references to one 200-byte string cost 2 MB, but their
-- concatenation 26 MB: the memory limit refuses it.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-mem-concat-huge.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  local t = { ("x"):rep(200) }
  for _ = 1, 17 do table.move(t, 1, #t, #t + 1) end
  return table.concat(t)
end

return {
  name = "mem-concat-huge",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
