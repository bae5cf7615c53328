-- Sandbox attack, 9 (information): math.random differing from run to run.
-- Plain Lua seeds math.random from the clock and a memory address. Here it is
-- seeded from the pupil's id before each pupil, so a pupil gets the same
-- numbers on every run and whatever other pupils are evaluated, in any order
-- (the cases run it with all three pupils and with P2 alone). No error: the
-- note shows the numbers.
return {
  name = "info-random",
  skill = function(evidence, ctx)
    return { step = stepwise.highest(evidence),
             note = math.random(1000000) .. " " .. math.random(6) .. " " .. string.format("%.6f", math.random()) }
  end,
}
