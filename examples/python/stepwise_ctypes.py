#!/usr/bin/env python3
"""Stepwise from Python through ctypes: no compiled extension, only the
shared library (build/libstepwise.so.0 in the source tree, or an installed
libstepwise.so.0; STEPWISE_LIB=PATH chooses another).

It reads a roster and evidence with Python's csv module, as a host would
read its own database, hands each pupil and record to the library with
sw_engine_add_pupil / sw_engine_add_evidence, evaluates every pupil with a
callback, and prints the same CSV as `stepwise evaluate --format csv`.

    python3 stepwise_ctypes.py [--pupils P.csv] [--evidence E.csv]
        [--framework F.json] [--rubric NAME|FILE.lua] [--param K=V]...
        [--as-of YYYY-MM-DD]
"""
import argparse
import csv
import os
import sys
from ctypes import POINTER, byref, c_char_p, c_int, c_size_t, c_void_p

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CLASS = os.path.join(ROOT, "examples", "class-5b")

# the structures of include/stepwise.h and the functions' types are the
# Python package's (src/python/stepwise/_native.py), from the source tree
# or as installed
sys.path.insert(1, os.path.join(ROOT, "src", "python"))
from stepwise import _native  # noqa: E402
from stepwise._native import (RESULT_FN, SW_EREJECTED, SW_NO_YEAR, SW_OK,  # noqa: E402
                              EvalOptions, EvidenceData, PupilData)

# the functions used here beyond the package's own
MORE_SIGNATURES = {
    "sw_framework_skill": (c_void_p, [c_void_p, c_size_t]),
    "sw_skill_id": (c_char_p, [c_void_p]),
    "sw_result_pupil": (c_char_p, [c_void_p]),
    "sw_result_skill_count": (c_size_t, [c_void_p]),
    "sw_result_has_step": (c_int, [POINTER(c_int), c_void_p, c_size_t]),
    "sw_result_note": (c_char_p, [c_void_p, c_size_t]),
    "sw_result_evidence": (c_size_t, [c_void_p, c_size_t]),
    "sw_result_error_count": (c_size_t, [c_void_p]),
    "sw_result_error": (c_char_p, [c_void_p, c_size_t]),
}


def load_library():
    """The shared library: $STEPWISE_LIB, the source tree's build, or an installed one."""
    local = os.path.join(ROOT, "build", "libstepwise.so.0")
    explicit = None if os.environ.get("STEPWISE_LIB") or not os.path.exists(local) else local
    lib = _native.load(explicit)
    for name, (restype, argtypes) in MORE_SIGNATURES.items():
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = restype, argtypes
    return lib


def b(text):
    """UTF-8 bytes for a C string; None (NULL) for None or an empty field."""
    return text.encode("utf-8") if text else None


def csv_field(text):
    """A field quoted as the library's CSV writer quotes it."""
    if any(c in text for c in ',"\r\n') or text.startswith(" ") or text.endswith(" "):
        return '"' + text.replace('"', '""') + '"'
    return text


class Engine:
    """A thin wrapper: each call checks the status and raises with the engine's errors."""

    def __init__(self, lib):
        self.lib = lib
        self.ptr = c_void_p()
        if lib.sw_engine_new(byref(self.ptr), None) != SW_OK:
            raise RuntimeError("sw_engine_new failed")

    def close(self):
        self.lib.sw_engine_free(self.ptr)
        self.ptr = None

    def errors(self):
        n = self.lib.sw_engine_error_count(self.ptr)
        out = []
        for i in range(n):
            e = self.lib.sw_engine_error(self.ptr, i).contents
            where = e.file.decode() + ": " if e.file else ""
            out.append(where + e.message.decode("utf-8", "replace"))
        return out

    def check(self, status, what):
        if status != SW_OK:
            raise RuntimeError(what + ": " + "; ".join(self.errors()))

    def __getattr__(self, name):
        """eng.load_rubric(x) calls sw_engine_load_rubric(eng, x)."""
        fn = getattr(self.lib, "sw_engine_" + name)
        return lambda *args: fn(self.ptr, *args)


def read_csv(path):
    """Rows of a CSV file as dicts keyed by lower-case column name, fields trimmed."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = csv.reader(f)
        header = [h.strip().lower() for h in next(rows)]
        for line, row in enumerate(rows, start=2):
            if not any(field.strip() for field in row):
                continue
            yield line, header, {h: v.strip() for h, v in zip(header, row)}


def add_pupils(eng, path):
    """Adds every pupil of the roster; prints refused rows on stderr."""
    known = {"id", "name", "year", "class", "school", "groups"}
    for line, header, row in read_csv(path):
        p = PupilData(version=1, year=SW_NO_YEAR)
        p.id, p.name = b(row.get("id")), b(row.get("name"))
        p.class_name, p.school = b(row.get("class")), b(row.get("school"))
        if row.get("year"):
            p.year = int(row["year"])
        groups = [b(g) for g in row.get("groups", "").split(";") if g]
        p.groups, p.group_count = (c_char_p * max(len(groups), 1))(*groups), len(groups)
        extra = [h for h in header if h not in known]
        names = (c_char_p * max(len(extra), 1))(*[b(h) for h in extra])
        values = (c_char_p * max(len(extra), 1))(*[b(row[h]) or b"" for h in extra])
        p.attribute_names, p.attribute_values, p.attribute_count = names, values, len(extra)
        status = eng.add_pupil(byref(p))
        if status == SW_EREJECTED:
            print(f"{path}:{line}: {eng.errors()[0]}", file=sys.stderr)
        else:
            eng.check(status, "sw_engine_add_pupil")


def add_evidence(eng, path):
    """Adds every record of the evidence; prints refused rows on stderr."""
    for line, _, row in read_csv(path):
        e = EvidenceData(version=1)
        try:
            e.step = int(row.get("step", ""))
        except ValueError:
            print(f"{path}:{line}: step '{row.get('step', '')}' is not an integer",
                  file=sys.stderr)
            continue
        for field in ("pupil", "skill", "date", "outcome", "source", "assessor", "context",
                      "note"):
            setattr(e, field, b(row.get(field)))
        status = eng.add_evidence(byref(e))
        if status == SW_EREJECTED:
            print(f"{path}:{line}: {eng.errors()[0]}", file=sys.stderr)
        else:
            eng.check(status, "sw_engine_add_evidence")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pupils", default=os.path.join(CLASS, "pupils.csv"))
    ap.add_argument("--evidence", default=os.path.join(CLASS, "evidence.csv"))
    ap.add_argument("--framework")
    ap.add_argument("--rubric", default="highest")
    ap.add_argument("--param", action="append", default=[])
    ap.add_argument("--as-of")
    args = ap.parse_args()

    lib = load_library()
    eng = Engine(lib)
    try:
        if args.framework:
            eng.check(eng.load_framework_file(b(args.framework)), "framework")
        else:
            eng.check(eng.load_framework_builtin(b"skills-builder-v2"), "framework")
        eng.check(eng.load_rubric(b(args.rubric)), "rubric")
        for kv in args.param:
            key, _, value = kv.partition("=")
            eng.check(eng.set_param(b(key), value.encode()), "parameter " + key)
        if args.pupils:
            add_pupils(eng, args.pupils)
        add_evidence(eng, args.evidence)

        fw = eng.framework()
        out = ["pupil,skill,step,note,evidence\n"]

        def on_result(r, _payload):
            pupil = csv_field(lib.sw_result_pupil(r).decode())
            for k in range(lib.sw_result_skill_count(r)):
                skill = lib.sw_skill_id(lib.sw_framework_skill(fw, k)).decode()
                step = c_int()
                shown = str(step.value) if lib.sw_result_has_step(byref(step), r, k) else ""
                note = lib.sw_result_note(r, k)
                note = csv_field(note.decode()) if note else ""
                out.append(f"{pupil},{skill},{shown},{note},{lib.sw_result_evidence(r, k)}\n")
            for i in range(lib.sw_result_error_count(r)):
                print(lib.sw_result_error(r, i).decode(), file=sys.stderr)
            return 0

        opts = EvalOptions(version=1, as_of=b(args.as_of), jobs=1)
        callback = RESULT_FN(on_result)  # kept alive during the call
        eng.check(eng.evaluate(byref(opts), callback, None, None), "evaluate")
        sys.stdout.write("".join(out))
    finally:
        eng.close()


if __name__ == "__main__":
    main()
