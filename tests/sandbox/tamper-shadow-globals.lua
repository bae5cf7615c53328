-- Sandbox attack, 3 (tampering): replacing stepwise, string and math for everyone.
-- A rubric may assign any global, but globals live in the environment of the
-- pupil being evaluated: pupil P1's replacements are gone for P2 and P3, whose
-- steps come from the real helpers. No error; P1 gets 5 for both skills.
return {
  name = "tamper-shadow-globals",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P1" then
      stepwise = { highest = function() return 5 end }
      string = nil
      math = { huge = 0 }
    end
    return stepwise.highest(evidence)
  end,
}
