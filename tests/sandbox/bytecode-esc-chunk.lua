 -- Sandbox attack, 1 (bytecode): a text chunk starting with \27.
-- The first byte, ESC, is the mark of precompiled Lua: the rubric is refused
-- when it loads (only source text is accepted), a fatal error, exit 1.
return { name = "bytecode-esc-chunk", skill = function(evidence) return #evidence end }
