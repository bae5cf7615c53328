-- Sandbox attack, 3 (tampering): state carried from one pupil to the next in a global.
-- The file runs again for each pupil in a new environment: a global set while
-- one pupil is evaluated is there for that pupil's other skills only. The
-- rubric raises an error if it ever sees another pupil's value; it never does
-- (no error; the notes count the calls of each pupil: 1, 2).
return {
  name = "tamper-state-global",
  skill = function(evidence, ctx)
    if last_pupil and last_pupil ~= ctx.pupil.id then
      error("state survived from pupil " .. last_pupil)
    end
    last_pupil = ctx.pupil.id
    calls = (calls or 0) + 1
    return { step = stepwise.highest(evidence), note = "calls " .. calls }
  end,
}
