-- teacher-weighted: a step counts once the secured evidence at or above it
-- weighs enough, and a teacher's judgement weighs more than a pupil's own.
--
-- When to use it: your school records plenty of self-assessment (pupils
-- ticking "I can ..." statements) beside teacher observation, and you want
-- self-assessment to count, but never as much as a teacher's word. With the
-- defaults one teacher record is enough for a step, while it takes two
-- self-assessments (or a self- and a peer assessment) to make up the same
-- weight. A step reached without any teacher record says so in its note,
-- so the teacher knows whose judgement it rests on. Set a source's weight
-- to 0 to ignore that source altogether:
--
--   stepwise evaluate --rubric teacher-weighted.lua --param self=0.25 ...
return {
  name = "teacher-weighted",
  description = "The highest step whose secured evidence at or above it weighs `needed`; "
    .. "a teacher's record weighs 1, a pupil's own 0.5.",
  params = { teacher = 1, self = 0.5, peer = 0.5, parent = 0.5, employer = 1, other = 0.5,
             needed = 1 },

  skill = function(evidence, ctx)
    local p = ctx.params
    if type(p.needed) ~= "number" or p.needed <= 0 then
      error("parameter needed must be a number above 0, not " .. tostring(p.needed))
    end
    local secured = stepwise.secured(evidence)
    -- every step that has secured evidence, highest first
    local steps, seen = {}, {}
    for _, r in ipairs(secured) do
      local w = p[r.source]
      if type(w) ~= "number" or w < 0 then
        error("parameter " .. r.source .. " must be a weight of 0 or more, not " .. tostring(w))
      end
      if not seen[r.step] then
        seen[r.step] = true
        steps[#steps + 1] = r.step
      end
    end
    table.sort(steps, function(a, b) return a > b end)
    -- the first (highest) step whose evidence at or above it weighs enough
    for _, s in ipairs(steps) do
      local weight, teacher = 0, false
      for _, r in ipairs(secured) do
        if r.step >= s then
          weight = weight + p[r.source]
          teacher = teacher or r.source == "teacher"
        end
      end
      if weight >= p.needed - 1e-9 then
        if teacher then return s end
        return { step = s, note = "no teacher evidence yet" }
      end
    end
    return nil
  end,

  -- worked examples, checked by `stepwise rubric test` (scripts/README.md)
  examples = {
    { name = "one teacher record is enough", skill = "listening",
      evidence = { { step = 4, date = "2026-01-05" } }, expect = 4 },
    { name = "two self records weigh as much, with a note", skill = "listening",
      evidence = { { step = 5, date = "2026-01-05", source = "self" }, { step = 5, date = "2026-01-06", source = "self" } },
      expect = { step = 5, note = "no teacher evidence yet" } },
    { name = "one self record is not enough", skill = "listening",
      evidence = { { step = 5, date = "2026-01-05", source = "self" } }, expect = nil },
  },
}
