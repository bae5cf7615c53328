-- Sandbox attack, 4 (what reaches the user): terminal escape sequences.
-- print and error text went to the terminal as they were: ESC [ 2 J clears
-- the screen, ESC ] 0 ; sets the window's title, a C1 CSI (U+009B) acts on
-- some terminals. Control characters are shown as '?' (tab kept in print).
-- It runs for pupil P2, skill beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-info-escape-sequences.test, tests/unit/test_sandbox.c).
local function attack(ctx)
  print("\27[2Jcleared\tscreen \194\155" .. "31m red")
  error("\27]0;new title\7 and\nnew line", 0)
end

return {
  name = "info-escape-sequences",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
