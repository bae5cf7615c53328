#!/usr/bin/python3
"""Random small schools through `stepwise summary` (seeded, reproducible).

Usage: summary-random.py STEPWISE [--schools N] [--seed S] [--pupils LO-HI]
                         [--records K|LO-HI] [--frameworks F,F...] [--years]
                         [--groups] [--from] [--keep DIR] [--no-attack]
                         [--attack-every K]

Makes N schools with a random roster (LO to HI pupils, of random years of
the framework's expectations, with --groups in random roster groups) and K
random evidence records per pupil (random skill, step and date), runs
`summary` on each, and checks every output with the independent attacker of
summary-check.py (it must recover no count from 1 to N-1) and with
`summary --check`. A school whose summary fails (exit not 0) or leaks is
reported, and with --keep its inputs are saved in DIR/seed-NUMBER/.
Prints "schools N, failed F, leaked L, check-problems C" and exits 1 when
any of F, L or C is not 0.
"""
import argparse
import csv
import importlib.util
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
spec = importlib.util.spec_from_file_location("summary_check",
                                              os.path.join(ROOT, "tests", "summary-check.py"))
check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check)


def make_school(rng, fw, lo, hi, records, years, groups, out):
    """Writes pupils.csv and evidence.csv for one random school into out."""
    exp_years = sorted({e["year"] for e in fw.get("expectations", [])}) or [5]
    if years:
        pick = rng.sample(exp_years, min(len(exp_years), rng.randint(1, 3)))
    else:
        pick = [rng.choice(exp_years)]
    n = rng.randint(lo, hi)
    names = ["pupil-premium", "sen", "eal"]
    with open(os.path.join(out, "pupils.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "name", "year", "class", "school", "groups"])
        for i in range(n):
            g = [x for x in names if groups and rng.random() < 0.3]
            w.writerow([f"R{i:03d}", f"Name {i}", rng.choice(pick), "C", "Random", ";".join(g)])
    with open(os.path.join(out, "evidence.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["pupil", "skill", "step", "date", "assessor", "context", "note"])
        for i in range(n):
            for _ in range(records):
                sk = rng.choice(fw["skills"])
                st = rng.choice(sk["steps"])["step"]
                w.writerow([f"R{i:03d}", sk["id"], st, f"2026-0{rng.randint(1, 6)}-1{rng.randint(0, 9)}",
                            "T", "L", "n"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("stepwise")
    ap.add_argument("--schools", type=int, default=60)
    ap.add_argument("--seed", type=int, default=20)
    ap.add_argument("--pupils", default="6-20")
    ap.add_argument("--records", default="2", help="records per pupil: K or LO-HI")
    ap.add_argument("--attack-every", type=int, default=1,
                    help="run the Python attacker on every K-th school only (it is slow)")
    ap.add_argument("--frameworks", default="frameworks/example-school.json")
    ap.add_argument("--years", action="store_true")
    ap.add_argument("--groups", action="store_true")
    ap.add_argument("--from", dest="from_", action="store_true")
    ap.add_argument("--keep")
    ap.add_argument("--no-attack", action="store_true", help="skip the Python attacker (slow)")
    a = ap.parse_args()
    lo, hi = (int(x) for x in a.pupils.split("-"))
    fws = [os.path.join(ROOT, f) if not os.path.isabs(f) else f for f in a.frameworks.split(",")]
    failed = leaked = problems = attacked = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(a.schools):
            seed = a.seed * 100000 + i
            rng = random.Random(seed)
            fwp = fws[i % len(fws)]
            with open(fwp, encoding="utf-8") as f:
                fw = json.load(f)
            d = os.path.join(tmp, str(i))
            os.mkdir(d)
            rlo, _, rhi = a.records.partition("-")
            make_school(rng, fw, lo, hi, rng.randint(int(rlo), int(rhi)) if rhi else int(rlo), a.years, a.groups, d)
            out = os.path.join(d, "s.json")
            cmd = [a.stepwise, "summary", "--quiet", "--framework", fwp, "--pupils",
                   os.path.join(d, "pupils.csv"), "--evidence", os.path.join(d, "evidence.csv"),
                   "-o", out]
            if a.from_:
                cmd[2:2] = ["--from", "2026-03-15"]
            r = subprocess.run(cmd, capture_output=True, text=True)
            bad = r.returncode != 0
            if bad:
                failed += 1
                print(f"seed {seed} ({os.path.basename(fwp)}): exit {r.returncode}: {r.stderr.strip()}")
            else:
                with open(out, encoding="utf-8") as f:
                    doc = json.load(f)
                n = doc["min_count"]
                attacked += not a.no_attack and i % a.attack_every == 0
                for figs in (doc["figures"], doc["figures_from"]):
                    if figs is None or a.no_attack or i % a.attack_every:
                        continue
                    var, rels = check.relations(doc, figs)
                    for name, value in check.attack(var, rels).items():
                        if 1 <= value < n:
                            print(f"seed {seed}: checker recovered {name} = {value}")
                            leaked += 1
                            bad = True
                c = subprocess.run([a.stepwise, "summary", "--check", out], capture_output=True, text=True)
                if c.returncode != 0:
                    problems += 1
                    bad = True
                    print(f"seed {seed}: summary --check: {c.stdout.strip()} {c.stderr.strip()}")
            sys.stdout.flush()
            if bad and a.keep:
                dst = os.path.join(a.keep, f"seed-{seed}")
                shutil.copytree(d, dst, dirs_exist_ok=True)
                shutil.copy(fwp, os.path.join(dst, "fw.json"))
    print(f"schools {a.schools}, failed {failed}, leaked {leaked} (Python attacker on {attacked}), "
          f"check-problems {problems}")
    return 1 if failed or leaked or problems else 0


if __name__ == "__main__":
    sys.exit(main())
