-- Sandbox attack, 6 (CPU): a coroutine stopped by a limit, closed in the next call.
-- P2's alpha call keeps a coroutine in ctx (ctx lasts for all of one pupil's
-- skills) and lets the instruction limit stop it inside a loop; Lua leaves
-- hooks off in it from then on. P2's beta call then closes it, which would run
-- its looping __close handler with no hook to stop it (the run hung). The
-- sandbox does not run it: close returns false and a message, and the beta
-- call goes on (step 3, the note shows what close returned).
return {
  name = "cpu-close-after-limit",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "alpha" then
      ctx.co = coroutine.create(function()
        local guard <close> = setmetatable({}, { __close = function() while true do end end })
        while true do end
      end)
      coroutine.resume(ctx.co)
    elseif ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      local ok, err = coroutine.close(ctx.co)
      return { step = stepwise.highest(evidence), note = "close: " .. tostring(ok) .. ", " .. tostring(err) }
    end
    return stepwise.highest(evidence)
  end,
}
