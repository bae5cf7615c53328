#!/usr/bin/python3
"""Checks summaries independently of the C code (run by `make test`).

Usage: summary-check.py STEPWISE FIXTURE-DIR

Makes the fixture cluster's summaries (one per school, and one with
--min-count 10 and --from), then for each:
  1. validates it against include/stepwise-summary.schema.json;
  2. tries to recover every suppressed count from the rest: the totals
     (all = sum of the years, a part = sum of its steps, pupils = assessed +
     not assessed, ...), the differences all - group, and the means, by exact
     linear algebra over fractions and then by bounds (counts >= 0); it fails
     the test when it recovers a count from 1 to N-1;
  3. searches the file for every string of the roster and evidence inputs
     (ids, names, classes, notes, contexts, assessors, dates other than
     the --from date given) and fails when
     one appears.
"""
import csv
import json
import os
import subprocess
import sys
import tempfile
from fractions import Fraction

import jsonschema

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def relations(doc, figs):
    """Variables and relations of one date's figures, as the format defines them."""
    parts = doc["context"]["parts"]
    var = {}   # name -> (published value or None, lower bound)
    rels = []

    def v(name, value, lo):
        var[name] = (value, lo)
        return name

    for pi, p in enumerate(parts):
        v(("p", pi), p["pupils"], 1 if p["pupils"] is None else 0)
        if p["cut"] == "group":
            v(("p", pi, "rest"), None, 0)
    years = [i for i, p in enumerate(parts) if p["cut"] == "year"]
    groups = [i for i, p in enumerate(parts) if p["cut"] == "group"]
    rels.append([(("p", 0), 1)] + [(("p", i), -1) for i in years] if years else None)
    for g in groups:
        rels.append([(("p", 0), 1), (("p", g), -1), (("p", g, "rest"), -1)])
    nparts = len(parts)
    for k, sk in enumerate(doc["skills"]):
        nsteps = sk["max"] - sk["min"] + 1
        types = ["a", "w", "x", "c", "t", "na", "ne", "be", "nc"] + [("h", s) for s in range(nsteps)]
        for pi in range(nparts):
            f = figs[k * nparts + pi]
            pub = {"a": f["assessed"], "w": f["with_expected"], "x": f["at_expected"],
                   "c": f["coverage"]}
            if f["mean"] is not None and f["assessed"] is not None:
                pub["t"] = round(Fraction(str(f["mean"])) * f["assessed"])
            for s in range(nsteps):
                pub[("h", s)] = f["steps"][s]
            for t in types:
                value = pub.get(t)
                hidden = t in ("na", "ne", "be", "nc", "t")
                lo = None if t == "t" else (0 if hidden or value is not None else 1)
                v((k, t, pi), value, lo)
                if parts[pi]["cut"] == "group":
                    v((k, t, pi, "rest"), None, None if t == "t" else 0)
        for pi in range(nparts):
            for sfx in ([()] + ([("rest",)] if parts[pi]["cut"] == "group" else [])):
                P = ("p", pi) + sfx
                n = lambda t: (k, t, pi) + sfx
                rels.append([(n("a"), 1)] + [(n(("h", s)), -1) for s in range(nsteps)])
                rels.append([(n("t"), 1)] + [(n(("h", s)), -(sk["min"] + s)) for s in range(nsteps)])
                rels.append([(P, 1), (n("a"), -1), (n("na"), -1)])
                rels.append([(n("a"), 1), (n("w"), -1), (n("ne"), -1)])
                rels.append([(n("w"), 1), (n("x"), -1), (n("be"), -1)])
                rels.append([(P, 1), (n("c"), -1), (n("nc"), -1)])
        for t in types:
            if years:
                rels.append([((k, t, 0), 1)] + [((k, t, i), -1) for i in years])
            for g in groups:
                rels.append([((k, t, 0), 1), ((k, t, g), -1), ((k, t, g, "rest"), -1)])
    return var, [[(n, c) for n, c in r if c] for r in rels if r]


def attack(var, rels):
    """Everything exact linear algebra and then bounds give; name -> value."""
    known = {n: Fraction(x) for n, (x, _) in var.items() if x is not None}
    found = {}
    for _ in range(6):
        unknown = [n for n in var if n not in known and n not in found]
        col = {n: i for i, n in enumerate(unknown)}
        rows = []
        for r in rels:
            row = [Fraction(0)] * (len(unknown) + 1)
            for n, c in r:
                if n in col:
                    row[col[n]] += c
                else:
                    row[-1] -= c * known.get(n, found.get(n, 0))
            if any(row[:-1]):
                rows.append(row)
        piv, ri = [], 0
        for ci in range(len(unknown)):
            pr = next((i for i in range(ri, len(rows)) if rows[i][ci] != 0), None)
            if pr is None:
                continue
            rows[ri], rows[pr] = rows[pr], rows[ri]
            d = rows[ri][ci]
            rows[ri] = [x / d for x in rows[ri]]
            for i in range(len(rows)):
                if i != ri and rows[i][ci] != 0:
                    f = rows[i][ci]
                    rows[i] = [a - f * b for a, b in zip(rows[i], rows[ri])]
            piv.append(ci)
            ri += 1
        for r, ci in zip(rows, piv):
            if all(x == 0 for j, x in enumerate(r[:-1]) if j != ci):
                found[unknown[ci]] = r[-1]
        # bounds
        lo = {n: (known.get(n, found.get(n)) if n in known or n in found else var[n][1]) for n in var}
        hi = {n: (known.get(n, found.get(n)) if n in known or n in found else None) for n in var}
        changed, new = True, 0
        while changed:
            changed = False
            for r in rels:
                for n, c in r:
                    mn = mx = Fraction(0)
                    for m, d in r:
                        if m == n:
                            continue
                        a, b = (lo[m], hi[m]) if d > 0 else (hi[m], lo[m])
                        mn = None if mn is None or a is None else mn + d * a
                        mx = None if mx is None or b is None else mx + d * b
                    nl = (-mx / c if mx is not None else None) if c > 0 else (-mn / c if mn is not None else None)
                    nh = (-mn / c if mn is not None else None) if c > 0 else (-mx / c if mx is not None else None)
                    if nl is not None and (lo[n] is None or nl > lo[n]):
                        lo[n], changed = nl, True
                    if nh is not None and (hi[n] is None or nh < hi[n]):
                        hi[n], changed = nh, True
        for n in var:
            if n not in known and n not in found and lo[n] is not None and lo[n] == hi[n]:
                found[n] = lo[n]
                new += 1
        if not new:
            break
    return found


def main():
    sw, fix = sys.argv[1], sys.argv[2]
    with open(os.path.join(ROOT, "include", "stepwise-summary.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    validator = jsonschema.Draft7Validator(schema)
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        base = [sw, "summary", "--quiet", "--pupils", os.path.join(fix, "pupils.csv"),
                "--evidence", os.path.join(fix, "evidence.csv")]
        subprocess.run(base + ["--per-school", "-o", tmp + "/"], check=True, stderr=subprocess.DEVNULL)
        subprocess.run(base + ["--min-count", "10", "--from", "2026-03-10", "-o", tmp + "/all.json"],
                       check=True, stderr=subprocess.DEVNULL)
        inputs = set()
        for name in ("pupils.csv", "evidence.csv"):
            with open(os.path.join(fix, name), encoding="utf-8") as f:
                for row in csv.DictReader(f):
                    for key, value in row.items():
                        if key in ("id", "pupil", "name", "class", "note", "context", "assessor",
                                   "date") and value and value != "2026-03-10":
                            inputs.add(value)
        files = sorted(os.listdir(tmp))
        for fn in files:
            path = os.path.join(tmp, fn)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            doc = json.loads(text)
            for err in validator.iter_errors(doc):
                print(f"{fn}: schema: {list(err.absolute_path)}: {err.message}")
                failures += 1
            for s in inputs:
                if s in text:
                    print(f"{fn}: holds the input text {s!r}")
                    failures += 1
            n = doc["min_count"]
            recovered = suppressed = 0
            for figs in (doc["figures"], doc["figures_from"]):
                if figs is None:
                    continue
                var, rels = relations(doc, figs)
                suppressed += sum(1 for x, _ in var.values() if x is None)
                for name, value in attack(var, rels).items():
                    if 1 <= value < n:
                        print(f"{fn}: recovered {name} = {value}")
                        recovered += 1
            failures += recovered
            print(f"{fn}: {suppressed} unpublished counts, none from 1 to {n - 1} recovered"
                  if not recovered else f"{fn}: {recovered} counts recovered")
        # The attacker must be able to fail: publish the partner of a suppressed
        # count (Ashby Primary, listening, all pupils: 3 at step 5 and 17 at step 6
        # by the fixture's design) and it must recover the 3.
        with open(os.path.join(tmp, "ashby-primary-1.json"), encoding="utf-8") as f:
            doc = json.load(f)
        row = doc["figures"][0]
        if row["steps"][5] is not None or row["steps"][6] is not None:
            print("control: Ashby's listening steps 5 and 6 should both be suppressed")
            failures += 1
        row["steps"][6] = 17
        var, rels = relations(doc, doc["figures"])
        if attack(var, rels).get((0, ("h", 5), 0)) != 3:
            print("control: the attacker did not recover 3 pupils at step 5")
            failures += 1
        if len(files) != 4:
            print(f"expected 4 summaries, got {files}")
            failures += 1
    print("summary-check: " + ("ok" if not failures else f"{failures} failures"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
