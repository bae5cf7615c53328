-- Sandbox attack, 3 (tampering): getmetatable("").__index.upper = ....
-- Changing the string metatable would change every string method for every
-- pupil. getmetatable("") gives only "read-only", a string without __index.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-tamper-string-metatable.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  getmetatable("").__index.upper = function() return "PWNED" end
end

return {
  name = "tamper-string-metatable",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
