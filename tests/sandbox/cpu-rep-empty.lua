-- Sandbox attack, 6 (CPU): string.rep of an empty string, 2^50 times.
-- Lua's string.rep loops once per repetition even when there is nothing to
-- add: 2^50 turns in one call. Nothing to repeat now gives "" at once, and
-- otherwise each 64 bytes built count as an instruction.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-cpu-rep-empty.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  local s = string.rep("", 1 << 50)
  local u = string.rep("", 1 << 50, "")
  assert(s == "" and u == "")
  -- 1 MB built 1,000 times: 16 million instructions of work
  for i = 1, 1000 do local v = string.rep("x", 1000000) end
end

return {
  name = "cpu-rep-empty",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
