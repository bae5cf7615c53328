-- Sandbox attack, 7 (depth): a long field chain in one expression.
-- Naming an operand in an error message, Lua 5.4.4 walks back through the
-- bytecode once per link, rescanning the function each time: 100,000 links
-- took 14 s in one error message, 200,000 crashed the evaluator (fixed in
-- Lua 5.4.7). The sandbox refuses a rubric whose expressions chain more than
-- 200 field accesses (this one has 201), or whose source is over 1 MiB;
-- tests/cases/sandbox-depth-field-chain-200000.test tries 200,000 links.
-- (tests/cases/sandbox-depth-field-chain.test, tests/unit/test_sandbox.c)
local t = {}
t.x = t

return {
  name = "depth-field-chain",
  skill = function(evidence, ctx)
    if ctx.pupil.id == "P2" and ctx.skill.id == "beta" then
      return t.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.y.z + 1
    end
    return stepwise.highest(evidence)
  end,
}
