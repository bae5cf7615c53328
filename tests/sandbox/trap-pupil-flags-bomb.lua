-- Sandbox attack, 8 (host traps): pupil() returning 1,000 flags.
-- A pupil's flags and awards are at most 64 strings of at most 200 bytes: the
-- list is refused with a clear error for that pupil, and the steps stand.
return {
  name = "trap-pupil-flags-bomb",
  skill = function(evidence, ctx)
    return stepwise.highest(evidence)
  end,
  pupil = function(steps, ctx)
    if ctx.pupil.id == "P2" then
      local flags = {}
      for i = 1, 1000 do flags[i] = "flag " .. i end
      return { flags = flags }
    end
  end,
}
