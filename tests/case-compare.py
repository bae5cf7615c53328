#!/usr/bin/python3
"""Compares two Stepwise framework files as data, ignoring x- extension keys.

Usage: case-compare.py [--without KEY,KEY] [--top-without KEY,KEY] EXPECTED.json GOT.json
--without drops those keys (at any level) from EXPECTED first: what a CASE
1.0 package cannot carry (stages, expectations, aliases). --top-without
drops top-level keys from both (the framework id an import without --id
makes from the document's title). Prints "same" or
the differences; exit 1 when they differ.
"""
import json
import sys


def strip(value, drop):
    if isinstance(value, dict):
        return {k: strip(v, drop) for k, v in value.items()
                if not k.startswith("x-") and k not in drop}
    if isinstance(value, list):
        return [strip(v, drop) for v in value]
    return value


def main():
    args = sys.argv[1:]
    # Stepwise's own report keys, which CASE has no place for: the passport's
    # "how to help at home" lines and the indicative-expectations flag.
    drop = {"home", "expectations_indicative"}
    top = set()
    while args and args[0] in ("--without", "--top-without") and len(args) > 1:
        (drop if args[0] == "--without" else top).update(args[1].split(","))
        args = args[2:]
    if len(args) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 1
    with open(args[0], encoding="utf-8") as f:
        want = strip(json.load(f), drop)
    with open(args[1], encoding="utf-8") as f:
        got = strip(json.load(f), set())
    for k in top:
        want.pop(k, None)
        got.pop(k, None)
    if want == got:
        print("same")
        return 0
    a = json.dumps(want, indent=1, sort_keys=True, ensure_ascii=False).splitlines()
    b = json.dumps(got, indent=1, sort_keys=True, ensure_ascii=False).splitlines()
    import difflib
    for line in difflib.unified_diff(a, b, "expected", "got", lineterm="", n=1):
        print(line)
    return 1


if __name__ == "__main__":
    sys.exit(main())
