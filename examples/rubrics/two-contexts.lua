-- two-contexts: a step counts only once it has been secured in at least
-- `contexts` different contexts (default 2), for example in PE and in a
-- science project, so that one good lesson is not mistaken for a skill the
-- pupil can use anywhere.
--
-- When to use it: you record where each observation was made (the
-- `context` column: a lesson, a club, a trip, a work placement) and you
-- want evidence that a skill transfers before you count it. Records without
-- a context do not count; contexts are compared ignoring case and spaces at
-- the ends. The note names the contexts a step was seen in, or, when no
-- step is secure yet, the highest step seen in one context so far, which is
-- what to look for next.
--
--   stepwise evaluate --rubric two-contexts.lua --param contexts=3 ...
return {
  name = "two-contexts",
  description = "The highest step secured in at least `contexts` different contexts.",
  params = { contexts = 2, sources = "" },

  skill = function(evidence, ctx)
    local need = ctx.params.contexts
    if math.type(need) ~= "integer" or need < 1 then
      error("parameter contexts must be a whole number of 1 or more, not " .. tostring(need))
    end
    local counted = stepwise.secured(stepwise.from_sources(evidence, ctx.params.sources))
    -- each record's context as a key ("pe"), and the first spelling seen ("PE")
    local steps, seen, shown = {}, {}, {}
    for _, r in ipairs(counted) do
      local c = r.context and string.lower(string.match(r.context, "^%s*(.-)%s*$"))
      if c and c ~= "" then
        shown[c] = shown[c] or r.context
        if not seen[r.step] then
          seen[r.step] = true
          steps[#steps + 1] = r.step
        end
      end
    end
    table.sort(steps, function(a, b) return a > b end)
    local first_seen
    for _, s in ipairs(steps) do
      -- the different contexts of the records at or above step s
      local set, names = {}, {}
      for _, r in ipairs(counted) do
        local c = r.context and string.lower(string.match(r.context, "^%s*(.-)%s*$"))
        if c and c ~= "" and r.step >= s and not set[c] then
          set[c] = true
          names[#names + 1] = shown[c]
        end
      end
      if #names >= need then
        table.sort(names)
        return { step = s, note = "seen in " .. table.concat(names, ", ") }
      end
      first_seen = first_seen or s
    end
    if first_seen then
      return { step = nil, note = "step " .. first_seen .. " seen in fewer than "
        .. need .. " contexts so far" }
    end
    return nil
  end,

  -- worked examples, checked by `stepwise rubric test` (scripts/README.md)
  examples = {
    { name = "seen in two contexts", skill = "listening",
      evidence = { { step = 4, date = "2026-01-05", context = "PE" }, { step = 5, date = "2026-01-06", context = "Maths" } },
      expect = { step = 4, note = "seen in Maths, PE" } },
    { name = "one context is not enough", skill = "listening",
      evidence = { { step = 4, date = "2026-01-05", context = "PE" }, { step = 5, date = "2026-01-06", context = "pe" } },
      expect = { step = nil, note = "step 5 seen in fewer than 2 contexts so far" } },
  },
}
