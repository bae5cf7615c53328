-- Sandbox attack, 8 (host traps): pupil() returning tables whose metatables raise.
-- Stepwise reads flags and awards with raw access only: the __index that
-- would supply them (and raise) is never called, so P2 has no flags or awards
-- and no error.
local function boom() error("the host touched a metamethod") end
local trap = { __index = boom, __len = boom, __pairs = boom, __tostring = boom, __eq = boom }

return {
  name = "trap-pupil-raising-metatable",
  skill = function(evidence, ctx)
    return stepwise.highest(evidence)
  end,
  pupil = function(steps, ctx)
    if ctx.pupil.id == "P2" then
      return setmetatable({ flags = setmetatable({}, trap) }, trap)
    end
  end,
}
