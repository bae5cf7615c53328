-- Sandbox attack, 6 (CPU): print() in an endless loop, to fill the disk.
-- The instruction limit stops the loop, and print() writes at most 64 KiB in
-- one call: 65 lines of 1000 bytes, then one cut short and marked, then
-- nothing.
local function attack(ctx)
  local line = ("x"):rep(1000)
  while true do print(line) end
end

return {
  name = "cpu-print-flood",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      attack(ctx)
    end
    return stepwise.highest(evidence)
  end,
}
