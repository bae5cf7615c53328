-- Sandbox attack, 4 (the collector): adding __mode to a metatable in use: ephemeron chains.
-- The collector reads __mode when it runs, not at setmetatable. A weak-keyed
-- table holding a chain of 50,000 keys in random order makes one collection
-- take 13 s (quadratic; hours at 64 MiB) inside a single allocation, where no
-- hook can stop it. A metatable in use cannot gain __mode.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-gc-weak-late-ephemeron.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  local mt = {}
  local t = setmetatable({}, mt)
  local keys = {}
  for i = 1, 50000 do keys[i] = {} end
  for i = 1, 49999 do t[keys[(i * 7919) % 50000 + 1]] = keys[(i * 7919 + 7919) % 50000 + 1] end
  mt.__mode = "k"
  keys = nil
  local junk = {}
  for i = 1, 1e6 do junk[i % 1000 + 1] = {} end
end

return {
  name = "gc-weak-late-ephemeron",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
