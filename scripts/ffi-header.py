#!/usr/bin/python3
"""Writes include/stepwise_ffi.h: include/stepwise.h as plain declarations
that a foreign-function interface can read (Python's cffi `cdef`, and a
guide for ctypes, C#, ...): no comments, no #include or #if, no SW_API,
integer macros as `#define NAME VALUE` with the value worked out, macros
that are not integers (strings, the _INIT initializers) left out: use the
sw_*_options_init functions instead.

Usage: scripts/ffi-header.py include/stepwise.h > include/stepwise_ffi.h
"""
import re
import sys


def integer(expr):
    """The value of a macro made of integers, + - * ( ) only; else None."""
    e = re.sub(r"\b(\d+)[uU]?[lL]*\b", r"\1", expr.strip())
    if not e or not re.fullmatch(r"[\d\s()+\-*]+", e):
        return None
    return eval(e, {"__builtins__": {}})  # digits and operators only, checked above


def main():
    src = open(sys.argv[1], encoding="utf-8").read()
    src = re.sub(r"/\*.*?\*/", " ", src, flags=re.S)
    src = re.sub(r"//[^\n]*", "", src)
    src = src.replace("\\\n", " ")
    defines, body = [], []
    skip = 0
    for line in src.split("\n"):
        s = line.strip()
        if s.startswith("#"):
            m = re.match(r"#\s*define\s+(SW_[A-Z0-9_]+)\s+(.+)$", s)
            if m and integer(m.group(2)) is not None:
                defines.append("#define %s %d" % (m.group(1), integer(m.group(2))))
            if re.match(r"#\s*if", s):
                skip += 1 if "__cplusplus" in s or "__GNUC__" in s else 0
            continue
        if s in ('extern "C" {', "}") and skip:
            continue
        body.append(line.rstrip())
    text = "\n".join(body)
    text = re.sub(r"\bSW_API\s+", "", text)
    text = re.sub(r"\n\s*\n+", "\n", text).strip()
    print("/* stepwise_ffi.h - generated from stepwise.h by scripts/ffi-header.py: do not edit."
          "\n   Plain declarations for FFI (cffi's cdef); stepwise.h documents them. */")
    print("\n".join(defines))
    print(text)


if __name__ == "__main__":
    main()
