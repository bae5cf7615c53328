 -- Sandbox attack, 6 (CPU): a table whose __call is the table itself.
-- Calling it makes Lua insert the handler and shift the arguments until the
-- stack is full, some 5x10^11 moves inside one VM instruction that no hook
-- sees (in every Lua 5.4 release). The sandbox's setmetatable takes only a
-- function as __call, and the table keeps a copy of its metatable, so that
-- changing __call afterwards is not seen; adding __call later is refused.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-cpu-call-table.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  -- changed after setmetatable: the table still calls the function
  local mt = { __call = function() return "first" end }
  local t = setmetatable({}, mt)
  mt.__call = t
  assert(t() == "first", "the change was seen")
  assert(getmetatable(t) == mt, "getmetatable answers another table")
  t.x = 1 -- the table itself stays writable
  -- added later: refused
  local ok, err = pcall(function()
    local mt2 = {}
    local t2 = setmetatable({}, mt2)
    mt2.__call = t2
    return t2()
  end)
  assert(not ok, "adding __call later worked")
  -- a table given as __call: refused
  local mt3 = {}
  mt3.__call = mt3
  local t3 = setmetatable({}, mt3)
  t3()
end

return {
  name = "cpu-call-table",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
