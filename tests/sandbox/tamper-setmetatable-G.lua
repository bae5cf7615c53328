-- Sandbox attack, 3 (tampering): setmetatable(_G, ...).
-- Hooking the environment's metatable: it is protected.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-tamper-setmetatable-G.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  setmetatable(_G, { __index = function(_, k) return "PWNED" end })
end

return {
  name = "tamper-setmetatable-G",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
