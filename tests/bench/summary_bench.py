#!/usr/bin/python3
"""Times `stepwise compare` on generated school summaries (not run by `make test`).

Usage: tests/bench/summary_bench.py [STEPWISE] [SCHOOLS]   (defaults: build/stepwise, 20000)

Makes one real summary per school of tests/fixtures/cluster, then writes
SCHOOLS summaries varied from them (pupil counts, step counts, groups; the
same framework and rubric) into a temporary folder, and times compare writing
CSV and HTML (median of 3 runs each). Prints the figures for the README.
"""
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def vary(doc, rnd, i):
    d = json.loads(json.dumps(doc))
    d["school"] = f"School {i:05d}"
    scale = rnd.choice([1, 2, 3, 5, 8])
    for p in d["context"]["parts"]:
        if p["pupils"] is not None:
            p["pupils"] *= scale
    for f in d["figures"]:
        for k in ("pupils", "assessed", "with_expected", "at_expected", "coverage"):
            if f[k] is not None:
                f[k] *= scale
        f["steps"] = [None if s is None else s * scale for s in f["steps"]]
        if f["at_expected"] is not None and f["at_expected"] >= 5 and rnd.random() < 0.5:
            f["at_expected"] -= rnd.randint(0, min(5, f["at_expected"] - 5))
    return d


def main():
    sw = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "stepwise")
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    fix = os.path.join(ROOT, "tests", "fixtures", "cluster")
    rnd = random.Random(20)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sw, "summary", "--quiet", "--pupils", f"{fix}/pupils.csv", "--evidence",
                        f"{fix}/evidence.csv", "--per-school", "-o", tmp + "/seed/"], check=True,
                       stderr=subprocess.DEVNULL)
        seeds = [json.load(open(os.path.join(tmp, "seed", f))) for f in sorted(os.listdir(tmp + "/seed"))]
        os.mkdir(tmp + "/all")
        paths = []
        for i in range(n):
            p = f"{tmp}/all/s{i:05d}.json"
            with open(p, "w") as f:
                json.dump(vary(seeds[i % len(seeds)], rnd, i), f)
            paths.append(p)
        size = sum(os.path.getsize(p) for p in paths)
        print(f"{n} summaries, {size / 1e6:.1f} MB")
        for fmt in ("csv", "html"):
            times = []
            for _ in range(3):
                t = time.perf_counter()
                subprocess.run([sw, "compare", "--format", fmt, "-o", f"{tmp}/out.{fmt}"] + paths,
                               check=True)
                times.append(time.perf_counter() - t)
            print(f"compare --format {fmt}: median {statistics.median(times):.2f} s "
                  f"(runs: {', '.join(f'{x:.2f}' for x in times)})")


if __name__ == "__main__":
    main()
