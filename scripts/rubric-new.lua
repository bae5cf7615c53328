-- A rubric decides which step a pupil has reached in a skill, from the
-- evidence recorded about them. Stepwise runs it once for every pupil and
-- every skill. Lines that start with two dashes, like this one, are notes
-- for people: Stepwise ignores them.
--
-- This starter does what the built-in "highest" rubric does. Change a line,
-- then try it on the example class:   stepwise rubric check THIS-FILE.lua

return {
  -- The name shown in reports. Give your rubric its own.
  name = "my rubric",

  -- One sentence on what it does, for the people who read the results.
  description = "The highest step of any secured record.",

  -- Settings a user can change without editing the file:
  --   stepwise evaluate ... --rubric this.lua --param sources=teacher
  -- Here "sources" lists who counts (teacher, self, peer, parent, employer,
  -- other); empty means everybody.
  params = { sources = "" },

  -- skill() is called for each pupil and skill.
  --   evidence: the records for this pupil and skill, oldest first. Each has
  --             step, outcome ("secured" or "developing"), date, source.
  --   ctx:      what else is known: ctx.pupil.name, ctx.skill.name,
  --             ctx.expected (the step expected for the pupil's year), ...
  -- It gives back the step reached, or nil when there is none yet.
  skill = function(evidence, ctx)
    -- Keep only the records from the sources that count.
    local counted = stepwise.from_sources(evidence, ctx.params.sources)
    -- Keep only the records where the step was secured.
    counted = stepwise.secured(counted)
    -- The highest step among them (nil when there are none).
    return stepwise.highest(counted)
  end,

  -- Worked examples: what the rubric must give for some evidence. Check them
  -- with   stepwise rubric test THIS-FILE.lua   after every change. Each gives
  -- a skill, the records (step and date; outcome is "secured" and source
  -- "teacher" unless you say otherwise) and the step you expect (nil: none).
  examples = {
    { name = "the highest secured step", skill = "listening",
      evidence = { { step = 3, date = "2026-01-05" }, { step = 4, date = "2026-02-01" } },
      expect = 4 },
    { name = "a developing record does not count", skill = "listening",
      evidence = { { step = 5, date = "2026-01-05", outcome = "developing" } }, expect = nil },
  },
}
