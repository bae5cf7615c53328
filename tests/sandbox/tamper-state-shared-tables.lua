-- Sandbox attack, 3 (tampering): state carried from one pupil to the next in the
-- tables Stepwise hands over.
-- ctx and the evidence records are made for the current pupil (ctx lasts for
-- that pupil's skills); ctx.framework, ctx.skill, ctx.params and the libraries
-- are shared and read-only. Each call tries to leave its pupil's id in all of
-- them and looks for another pupil's; the note lists what it could write. No
-- error: nothing of another pupil is ever found.
local function try(f)
  return (pcall(f)) and "w" or "-"
end

return {
  name = "tamper-state-shared-tables",
  skill = function(evidence, ctx)
    local me = ctx.pupil.id
    for _, t in ipairs({ ctx, ctx.framework, ctx.skill, ctx.params, ctx.skill.steps, string, table }) do
      -- ctx and ctx.skill refuse unknown fields (an error: nothing stored there)
      local ok, seen = pcall(function() return t.stash end)
      if not ok then seen = nil end
      if seen ~= nil and seen ~= me then error("state survived from pupil " .. tostring(seen)) end
    end
    local wrote = try(function() ctx.stash = me end)
      .. try(function() ctx.framework.stash = me end)
      .. try(function() ctx.skill.stash = me end)
      .. try(function() ctx.params.stash = me end)
      .. try(function() ctx.skill.steps.stash = me end)
      .. try(function() string.stash = me end)
      .. try(function() table.insert(ctx.framework.skills, me) end)
    return { step = stepwise.highest(evidence), note = wrote }
  end,
}
