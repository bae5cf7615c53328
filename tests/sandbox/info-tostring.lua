-- Sandbox attack, 9 (information): tostring of functions, tables and coroutines.
-- In plain Lua these show memory addresses ("table: 0x55d1c3a0"), which tell
-- a script about the host's memory layout. Here each is just its type, also
-- through string.format's %s and with a __name; a __tostring still works.
-- No error: the note shows what the rubric got.
return {
  name = "info-tostring",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      local parts = {
        tostring({}), tostring(print), tostring(stepwise.highest), tostring(coroutine.create(print)),
        tostring(string), tostring(ctx), tostring(setmetatable({}, { __name = "Named" })),
        string.format("%s|%s|%s", {}, print, coroutine.running()),
        tostring(setmetatable({}, { __tostring = function() return "custom" end })),
      }
      return { step = stepwise.highest(evidence), note = table.concat(parts, " ") }
    end
    return stepwise.highest(evidence)
  end,
}
