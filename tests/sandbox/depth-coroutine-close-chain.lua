-- Sandbox attack, 7 (depth): a chain of suspended coroutines closed at once.
-- Each coroutine waits with a <close> variable whose handler closes the one
-- made before it; closing the last closes all 20,000 inside one another.
-- Lua 5.4.4 does not count these closes against the C stack (fixed in 5.4.5):
-- without a limit the evaluator died of a stack overflow. The sandbox allows
-- 40 closes inside one another.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-depth-coroutine-close-chain.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  local prev = nil
  for i = 1, 20000 do
    local p = prev
    local co = coroutine.create(function()
      local guard <close> = setmetatable({}, { __close = function()
        if p then
          local ok, err = coroutine.close(p)
          if not ok then error(err, 0) end
        end
      end })
      coroutine.yield()
    end)
    coroutine.resume(co)
    prev = co
  end
  local ok, err = coroutine.close(prev)
  error(err, 0)
end

return {
  name = "depth-coroutine-close-chain",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
