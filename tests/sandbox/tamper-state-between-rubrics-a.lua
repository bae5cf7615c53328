-- Sandbox attack, 3 (tampering): state carried from one rubric to the next (first rubric).
-- Each rubric gets a Lua state of its own, so what one leaves behind cannot
-- reach the next. This rubric tries to leave a mark everywhere: a global, the
-- string library, the string metatable, the random generator's seed.
-- tamper-state-between-rubrics-b.lua, loaded next into the same engine (the C
-- test, and `stepwise serve`), looks for the marks and finds none.
return {
  name = "tamper-state-between-rubrics-a",
  skill = function(evidence, ctx)
    left_behind = "rubric a"
    pcall(function() string.left_behind = "rubric a" end)
    pcall(function() getmetatable("").__index.left_behind = "rubric a" end)
    math.randomseed(42)
    return stepwise.highest(evidence)
  end,
}
