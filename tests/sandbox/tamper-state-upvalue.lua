-- Sandbox attack, 3 (tampering): state carried from one pupil to the next in the
-- chunk's locals (upvalues of skill()).
-- The chunk runs afresh for each pupil, so its locals are new ones each time:
-- the rubric raises an error if its memo ever holds another pupil's id; it
-- never does (no error; the notes count the calls of each pupil: 1, 2).
local memo = {}
local calls = 0

return {
  name = "tamper-state-upvalue",
  skill = function(evidence, ctx)
    for id in pairs(memo) do
      if id ~= ctx.pupil.id then error("state survived from pupil " .. id) end
    end
    memo[ctx.pupil.id] = true
    calls = calls + 1
    return { step = stepwise.highest(evidence), note = "calls " .. calls }
  end,
}
