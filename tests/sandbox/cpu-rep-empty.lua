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
  -- 16 MiB to build: 262,144 instructions, charged before the work starts
  local v = string.rep("x", 16 * 1024 * 1024)
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
