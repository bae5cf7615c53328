#!/usr/bin/env python3
"""A class report with the stepwise Python package (src/python): reads a
roster and evidence as CSV, as a school's own system would hand them over,
evaluates the class with a rubric, and prints each pupil's steps with the
skills where they are below the framework's expectation for their year.

    pip install src/python            (after `make install`; see src/python/README.md)
    python3 class_report.py [--pupils P.csv] [--evidence E.csv] [--rubric R]
        [--param K=V]... [--as-of YYYY-MM-DD] [--library build/libstepwise.so.0]
"""
import argparse
import csv
import os
import sys

import stepwise

HERE = os.path.dirname(os.path.abspath(__file__))
CLASS = os.path.join(HERE, "..", "class-5b")


def read(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def main():
    ap = argparse.ArgumentParser(description="A class report with the stepwise package.")
    ap.add_argument("--pupils", default=os.path.join(CLASS, "pupils.csv"))
    ap.add_argument("--evidence", default=os.path.join(CLASS, "evidence.csv"))
    ap.add_argument("--framework", default="skills-builder-v2")
    ap.add_argument("--rubric", default="highest")
    ap.add_argument("--param", action="append", default=[], metavar="K=V")
    ap.add_argument("--as-of")
    ap.add_argument("--library", help="path of libstepwise.so.0 (default: STEPWISE_LIB or "
                                      "the installed one)")
    a = ap.parse_args()
    params = dict(p.split("=", 1) for p in a.param)
    try:
        eng = stepwise.Engine(framework=a.framework, rubric=a.rubric, params=params,
                              library=a.library)
        with eng:
            eng.add_pupils(read(a.pupils))
            rejected = eng.add_evidence(read(a.evidence), on_reject="skip")
            for r in rejected:
                print("evidence row %d skipped: %s" % (r["index"] + 2, r["reason"]),
                      file=sys.stderr)
            fw = eng.framework
            expected = {e["year"]: e["skills"] for e in fw["expectations"]}
            print("%s, rubric %s" % (fw["name"], eng.rubric))
            for pupil in eng.results(as_of=a.as_of):
                steps = {k: v["step"] for k, v in pupil["skills"].items()}
                want = expected.get(pupil["year"], {})
                below = [k for k, s in want.items() if (steps.get(k) or 0) < s]
                shown = ", ".join("%s %s" % (k, "-" if s is None else s) for k, s in steps.items())
                print("%s %s: %s" % (pupil["pupil"], pupil["name"] or "", shown))
                if below:
                    print("    below the year %d expectation: %s" % (pupil["year"],
                                                                      ", ".join(below)))
    except stepwise.StepwiseError as e:
        print("class_report: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
