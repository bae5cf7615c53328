-- Sandbox attack, 8 (host traps): a huge string as a note.
-- A 1 MB note: notes are limited to 4096 bytes.
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-trap-huge-note.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  return { step = 3, note = ("x"):rep(1e6) }
end

return {
  name = "trap-huge-note",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      return attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
