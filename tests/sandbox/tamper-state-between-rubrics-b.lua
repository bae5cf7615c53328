-- Sandbox attack, 3 (tampering): state carried from one rubric to the next (second rubric).
-- Loaded after tamper-state-between-rubrics-a.lua into the same engine: it
-- raises an error if it finds any mark the first left, and finds none. Its
-- random numbers are those seeded from the pupil's id, not from a's seed 42.
return {
  name = "tamper-state-between-rubrics-b",
  skill = function(evidence, ctx)
    if left_behind ~= nil or rawget(_G, "left_behind") ~= nil or string.left_behind ~= nil
        or ("").left_behind ~= nil then
      error("a mark survived from an earlier rubric")
    end
    return { step = stepwise.highest(evidence), note = tostring(math.random(1000000)) }
  end,
}
