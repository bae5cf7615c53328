-- Sandbox attack, 9 (information): math.randomseed() without a seed.
-- Without a seed Lua takes the clock and an address: refused.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-info-randomseed.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  math.randomseed()
end

return {
  name = "info-randomseed",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
