-- Sandbox attack, 2 (reaching out): looking for the standard library behind _G and _ENV.
-- rawget(_G, "os") sees only the pupil's own environment (nil), the
-- environment's metatable is protected ("read-only"), and a computed name
-- still meets the same error.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-reach-hidden-globals.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  assert(rawget(_G, "os") == nil and getmetatable(_G) == "read-only")
  assert(_G ~= nil and _ENV == _G)
  return _ENV["o" .. "s"]
end

return {
  name = "reach-hidden-globals",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
