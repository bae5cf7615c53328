 -- Sandbox attack, 7 (Lua bugs): _ENV declared <const>.
-- Lua 5.4.4 compiles a global access under `local _ENV <const>` into code
-- that reads outside the function's memory (CVE-2022-28805, fixed in Lua
-- 5.4.5). The rubric is refused before it is compiled.
-- (tests/cases/sandbox-bug-env-const.test, tests/unit/test_sandbox.c)
local _ENV <const> = { stepwise = stepwise }

return {
  name = "bug-env-const",
  skill = function(evidence, ctx)
    return stepwise.highest(evidence)
  end,
}
