-- Sandbox attack, 7 (depth): nested coroutine.close.
-- Each coroutine's __close handler closes a new one: the sandbox stops at 40
-- closes inside one another, an error passed up as the error of each close.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-depth-coroutine-close.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  local function make()
    local co = coroutine.create(function()
      local guard <close> = setmetatable({}, { __close = function()
        local ok, err = coroutine.close(make())
        if not ok then error(err, 0) end
      end })
      coroutine.yield()
    end)
    coroutine.resume(co)
    return co
  end
  local ok, err = coroutine.close(make())
  error(err, 0)
end

return {
  name = "depth-coroutine-close",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
