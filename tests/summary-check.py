#!/usr/bin/python3
"""Checks summaries independently of the C code (run by `make test`).

Usage: summary-check.py STEPWISE FIXTURE-DIR

Makes the fixture cluster's summaries (one per school, and one with
--min-count 10 and --from), then for each:
  1. validates it against include/stepwise-summary.schema.json;
  2. tries to recover every suppressed count from the rest: the totals
     (all = sum of the years, a part = sum of its steps, pupils = assessed +
     not assessed, ...), the differences all - group, and the means, by exact
     linear algebra over fractions, by bounds (counts >= 0, whole numbers) and
     by the whole-number solutions of each sum of steps (as src/sdc.c, with
     the same limits); it fails the test when it recovers a count from 1 to
     N-1;
  3. searches the file for every string of the roster and evidence inputs
     (ids, names, classes, notes, contexts, assessors, dates other than
     the --from date given) and fails when
     one appears.
"""
import csv
import json
import math
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
        v(("p", pi), p["pupils"], 0)
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
                lo = None if t == "t" else 0
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


ROUNDS = 200            # passes of the bounds (as SW_SDC_ROUNDS in src/sdc.h)
ATTACK_ROUNDS = 32      # rounds of linear algebra, bounds and whole numbers (src/sdc.c)
INT_STATES = 1 << 16    # partial sums the whole-number step goes through (src/sdc.h)
INT_WORK = 1 << 22


def solve_linear(rels, known):
    """Exact sparse row reduction over fractions; name -> value of each unknown
    that a reduced row leaves alone."""
    pivots = {}  # pivot name -> (row dict, constant): pivot + sum(row) = constant
    for r in rels:
        row, const = {}, Fraction(0)
        for n, c in r:
            if n in known:
                const -= c * known[n]
            else:
                row[n] = row.get(n, 0) + Fraction(c)
        row = {n: c for n, c in row.items() if c}
        for p in [n for n in row if n in pivots]:
            f = row.pop(p)
            prow, pc = pivots[p]
            for n, c in prow.items():
                row[n] = row.get(n, 0) - f * c
            const -= f * pc
            row = {n: c for n, c in row.items() if c}
        if not row:
            continue
        p = min(row, key=repr)
        d = row.pop(p)
        row = {n: c / d for n, c in row.items()}
        const /= d
        for q, (qrow, qc) in list(pivots.items()):
            if p in qrow:
                f = qrow[p]
                nrow = {n: c for n, c in qrow.items() if n != p}
                for n, c in row.items():
                    nrow[n] = nrow.get(n, 0) - f * c
                pivots[q] = ({n: c for n, c in nrow.items() if c}, qc - f * const)
        pivots[p] = (row, const)
    return {p: c for p, (row, c) in pivots.items() if not row}


def narrow(rels, lo, hi):
    """Bounds: each relation narrows each of its terms from the others' bounds,
    in whole numbers (None: unbounded), for up to ROUNDS passes."""
    changed, rounds = True, 0
    while changed and rounds < ROUNDS:
        changed, rounds = False, rounds + 1
        for r in rels:
            for n, c in r:
                if lo[n] is not None and lo[n] == hi[n]:
                    continue
                mn = mx = 0
                for m, d in r:
                    if m == n:
                        continue
                    a, b = (lo[m], hi[m]) if d > 0 else (hi[m], lo[m])
                    mn = None if mn is None or a is None else mn + d * a
                    mx = None if mx is None or b is None else mx + d * b
                # c * x = -(others): whole-number division, rounded inwards
                a, b = (mx, mn) if c > 0 else (mn, mx)
                nl = None if a is None else -(a // c)        # ceil(-a / c)
                nh = None if b is None else (-b) // c        # floor(-b / c)
                if nl is not None and (lo[n] is None or nl > lo[n]):
                    lo[n], changed = nl, True
                if nh is not None and (hi[n] is None or nh < hi[n]):
                    hi[n], changed = nh, True


def whole_numbers(rels, lo, hi, seen):
    """For each relation with a weight other than 1 (the sum of steps behind a
    mean): every whole-number solution of its unknowns within their bounds that
    keeps the relation sharing most of them within reach; each unknown's bounds
    shrink to the values such solutions give it. Returns how many it narrowed."""
    narrowed = 0
    for ri, r in enumerate(rels):
        if all(abs(c) <= 1 for _, c in r):
            continue
        if any(lo[n] is None or hi[n] is None for n, _ in r):
            continue
        print_ = tuple((lo[n], hi[n]) for n, _ in r)
        if seen.get(ri) == print_:   # gone through with these bounds already
            continue
        seen[ri] = print_
        t1, unk = 0, {}
        for n, c in r:
            t1 -= c * int(lo[n])
            if lo[n] < hi[n]:
                unk[n] = unk.get(n, 0) + c
        if len(unk) < 2:
            continue
        best, most = None, 1
        for qi, q in enumerate(rels):
            k = sum(1 for n, _ in q if n in unk)
            if qi != ri and k > most:
                best, most = q, k
        c2 = {n: 0 for n in unk}
        a2 = b2 = 0
        if best is not None:
            rest_lo = rest_hi = 0
            ok = True
            for n, c in best:
                if n in unk:
                    c2[n] += c
                    rest_lo += c * lo[n]
                    rest_hi += c * lo[n]
                else:
                    a, b = (lo[n], hi[n]) if c > 0 else (hi[n], lo[n])
                    if a is None or b is None:
                        ok = False
                        break
                    rest_lo += c * a
                    rest_hi += c * b
            if ok:
                a2, b2 = math.ceil(-rest_hi), math.floor(-rest_lo)
            else:
                c2 = {n: 0 for n in unk}
        names = list(unk)
        rng = {n: int(hi[n] - lo[n]) for n in names}
        lo1 = hi1 = lo2 = hi2 = work = 0
        too_big = False
        for n in names:
            lo1 += min(0, unk[n] * rng[n])
            hi1 += max(0, unk[n] * rng[n])
            lo2 += min(0, c2[n] * rng[n])
            hi2 += max(0, c2[n] * rng[n])
            work += rng[n] + 1
            if hi1 - lo1 > INT_STATES or hi2 - lo2 > INT_STATES:
                too_big = True
                break
        w1, w2 = hi1 - lo1 + 1, hi2 - lo2 + 1
        if too_big or w1 * w2 > INT_STATES or w1 * w2 * work > INT_WORK:
            continue
        # sets of partial sums: s2 -> bit mask of s1 - lo1
        full = (1 << w1) - 1

        def step(states, c1, c2, y):
            k = c1 * y
            out = {}
            for s2, mask in states.items():
                t2 = s2 + c2 * y
                if lo2 <= t2 <= hi2:
                    m = (mask << k) & full if k >= 0 else mask >> -k
                    if m:
                        out[t2] = out.get(t2, 0) | m
            return out

        def union(parts):
            out = {}
            for part in parts:
                for s2, m in part.items():
                    out[s2] = out.get(s2, 0) | m
            return out

        fwd = [{0: 1 << -lo1}]
        for n in names:
            fwd.append(union(step(fwd[-1], unk[n], c2[n], y) for y in range(rng[n] + 1)))
        back = [None] * len(names)
        back.append({s2: 1 << (t1 - lo1) for s2 in range(a2, b2 + 1)
                     if lo2 <= s2 <= hi2 and lo1 <= t1 <= hi1})
        for j in range(len(names) - 1, -1, -1):
            n = names[j]
            back[j] = union(step(back[j + 1], -unk[n], -c2[n], y) for y in range(rng[n] + 1))
        for j, n in enumerate(names):
            ys = [y for y in range(rng[n] + 1)
                  if any(m & back[j + 1].get(s2, 0) for s2, m in step(fwd[j], unk[n], c2[n], y).items())]
            if not ys:
                break
            if ys[0] > 0 or ys[-1] < rng[n]:
                lo[n], hi[n] = lo[n] + ys[0], lo[n] + ys[-1]
                narrowed += 1
    return narrowed


def attack(var, rels):
    """Everything exact linear algebra, bounds and whole numbers give; name -> value."""
    known = {n: Fraction(x) for n, (x, _) in var.items() if x is not None}
    found = {}
    lo = {n: b for n, (_, b) in var.items()}
    hi = {n: None for n in var}
    whole = lambda x: int(x) if x.denominator == 1 else x
    seen = {}
    for _ in range(ATTACK_ROUNDS):
        new = 0
        for n, x in solve_linear(rels, {**known, **found}).items():
            if n not in found:
                found[n] = x
                new += 1
        for n, x in {**known, **found}.items():
            lo[n] = hi[n] = whole(Fraction(x))
        narrow(rels, lo, hi)
        narrowed = whole_numbers(rels, lo, hi, seen)
        for n in var:
            if n not in known and n not in found and lo[n] is not None and lo[n] == hi[n]:
                found[n] = lo[n]
                new += 1
        if not new and not narrowed:
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
        # Whole numbers: 4 pupils at steps 1 to 3 with the sum of steps 5 (a mean
        # of 1.25) can only be 3, 1 and 0, which the bounds alone do not give
        # (as test_summary_sdc_integer for src/sdc_int.c).
        var = {"a": (4, 0), "t": (5, None), "h1": (None, 0), "h2": (None, 0), "h3": (None, 0)}
        rels = [[("a", 1), ("h1", -1), ("h2", -1), ("h3", -1)],
                [("t", 1), ("h1", -1), ("h2", -2), ("h3", -3)]]
        got = attack(var, rels)
        if (got.get("h1"), got.get("h2"), got.get("h3")) != (3, 1, 0):
            print(f"control: whole numbers should give 3, 1, 0 at steps 1 to 3, got {got}")
            failures += 1
        if len(files) != 4:
            print(f"expected 4 summaries, got {files}")
            failures += 1
    print("summary-check: " + ("ok" if not failures else f"{failures} failures"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
