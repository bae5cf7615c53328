-- Sandbox attack, 7 (depth): a recursive gsub replacement function.
-- Each level is a C call: "C stack overflow".
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-depth-gsub-callback.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  local function f(s) return (s:gsub(".", f)) end
  return f("ab")
end

return {
  name = "depth-gsub-callback",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
