-- Sandbox attack, 6 (CPU): __close handlers run after the limit.
-- P2's alpha call leaves 150 pending <close> variables, then loops until
-- the limit. Each handler then ran with another 1,000 instructions (150,000
-- in all) and could change state that lasts for all of one pupil's skills
-- (a file-level local: the file runs anew for each pupil).
-- Now each gets one instruction: none finishes, as P2's beta note shows.
-- It runs for pupil P2, skills alpha and beta only: every other pupil and skill still
-- gets its step (tests/cases/sandbox-cpu-close-handlers-after-limit.test, tests/unit/test_sandbox.c).
local ran
local function attack()
  local function nest(n)
    local guard <close> = setmetatable({}, { __close = function()
      ran = (ran or 0) + 1
    end })
    if n > 0 then nest(n - 1) else while true do end end
  end
  nest(150)
end

return {
  name = "cpu-close-handlers-after-limit",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "alpha" then
      attack()
    end
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      return { step = 3, note = "handlers finished: " .. tostring(ran) }
    end
    return stepwise.highest(evidence)
  end,
}
