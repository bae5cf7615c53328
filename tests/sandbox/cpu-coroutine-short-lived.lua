-- Sandbox attack, 6 (CPU): work spread over short-lived coroutines.
-- Each new coroutine started with a fresh count of the hook (every 1,000
-- instructions): 2,000 coroutines of 900 instructions each ran 1.8 million
-- instructions under a limit of 200,000, counted as about 16,000. Coroutines
-- now count from their first instruction: the limit is reached.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-cpu-coroutine-short-lived.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  local function work()
    local x = 0
    for i = 1, 220 do x = x + i end
    return x
  end
  for i = 1, 2000 do coroutine.wrap(work)() end
  error("all 2,000 coroutines ran", 0)
end

return {
  name = "cpu-coroutine-short-lived",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
