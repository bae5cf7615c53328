-- nil.lua: a rubric that gives no step at once, for `make bench`. What it
-- costs over the built-in `highest` is the fixed cost of a Lua rubric per
-- pupil and per skill (its instance, ctx, one protected call per skill).
return {
  name = "nil",
  skill = function(evidence, ctx)
    return nil
  end,
}
