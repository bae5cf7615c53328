-- Sandbox attack, 9 (information): learning another pupil's data from inside skill().
-- Each call first leaves its pupil's id wherever a script can write (a global,
-- ctx, the evidence records, and tries the shared tables), then searches all
-- it can reach (its environment, ctx with the framework, skills, steps and
-- params, the evidence, the helpers, the libraries and every metatable it can
-- get) for the id or name of any other pupil. Nothing is ever found: each note
-- says so.
local others = { P1 = true, P2 = true, P3 = true, Ann = true, Ben = true, Cat = true }

local function search(roots, me)
  local seen, found = {}, {}
  local function walk(v, depth)
    if type(v) == "string" then
      if others[v] and v ~= me.id and v ~= me.name then found[#found + 1] = v end
    elseif type(v) == "table" and not seen[v] and depth < 16 then
      seen[v] = true
      local mt = getmetatable(v)
      if mt ~= nil then walk(mt, depth + 1) end
      for k, x in pairs(v) do
        walk(k, depth + 1)
        walk(x, depth + 1)
      end
    end
  end
  for _, root in ipairs(roots) do walk(root, 0) end
  return found
end

return {
  name = "info-other-pupil",
  skill = function(evidence, ctx)
    local me = ctx.pupil
    hidden = me.id
    ctx.hidden = me.id
    for _, r in ipairs(evidence) do r.hidden = me.id end
    pcall(function() ctx.framework.hidden = me.id end)
    pcall(function() stepwise.hidden = me.id end)
    pcall(function() string.hidden = me.id end)
    local found = search({ _G, _ENV, ctx, evidence, stepwise, string, table, math, utf8, coroutine,
                           getmetatable(""), getmetatable(_G) }, me)
    local note = #found == 0 and "nothing of another pupil" or ("found " .. table.concat(found, " "))
    return { step = stepwise.highest(evidence), note = note }
  end,
}
