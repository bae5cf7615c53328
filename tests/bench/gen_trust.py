#!/usr/bin/env python3
"""Generates a deterministic multi-academy trust for the report measurements:
6 schools, 50 classes each (years 0 to 9, 5 classes a year: 300 classes),
13 pupils a class (3,900 pupils), 8 skills of Skills Builder 2.0 and
about 64 evidence records a pupil (about 250,000 rows), a third of the
pupils in "pupil-premium" and some in "sen".
Usage: gen_trust.py OUTDIR   (writes OUTDIR/pupils.csv and OUTDIR/evidence.csv)"""
import os
import random
import sys

SKILLS = ["listening", "speaking", "problem-solving", "creativity", "adapting",
          "planning", "leadership", "teamwork"]
SCHOOLS = ["Abbey Road Primary", "Brook Lane Academy", "Castle Hill School",
           "Dene Park Academy", "Elm Tree School", "Fairfield Community School"]
SOURCES = ["teacher"] * 6 + ["self", "peer"]


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rnd = random.Random(19)
    pupils = []
    with open(os.path.join(out, "pupils.csv"), "w", encoding="utf-8") as f:
        f.write("id,name,year,class,school,groups\n")
        n = 0
        for s, school in enumerate(SCHOOLS):
            for year in range(10):
                for c in "ABCDE":
                    cls = ("R" if year == 0 else str(year)) + c
                    for _ in range(13):
                        n += 1
                        pid = "T%05d" % n
                        groups = []
                        if rnd.random() < 0.33:
                            groups.append("pupil-premium")
                        if rnd.random() < 0.12:
                            groups.append("sen")
                        f.write("%s,Pupil %d,%d,%s,%s,%s\n" % (pid, n, year, cls, school,
                                                              ";".join(groups)))
                        pupils.append((pid, year, "pupil-premium" in groups))
    rows = 0
    with open(os.path.join(out, "evidence.csv"), "w", encoding="utf-8") as f:
        f.write("pupil,skill,step,outcome,date,source\n")
        for pid, year, pp in pupils:
            for skill in SKILLS:
                if rnd.random() < 0.01:
                    continue  # not assessed in this skill
                level = max(0, min(15, year + rnd.randint(-2, 2) - (1 if pp else 0)))
                for i in range(8):
                    step = max(0, min(15, level - rnd.randint(0, 3)))
                    month = (9 + i) % 12 + 1
                    yr = 2025 if month >= 9 else 2026
                    f.write("%s,%s,%d,%s,%d-%02d-%02d,%s\n" % (
                        pid, skill, step, "secured" if rnd.random() < 0.9 else "developing",
                        yr, month, rnd.randint(1, 28), rnd.choice(SOURCES)))
                    rows += 1
    print("%d pupils, %d evidence rows" % (len(pupils), rows))


if __name__ == "__main__":
    main()
