#!/usr/bin/env python3
"""reference.py - the "peer" of the Stepwise benchmark.

A straightforward script of the kind a school data team would write to
turn skills evidence into steps, with nothing but the standard library:
read the roster and the evidence (CSV or JSON Lines, by extension), keep
the secured records, and for every pupil and skill give

  highest     the highest step of any secured record;
  secured-n   the highest step reached by at least TIMES secured records
              (the TIMES-th largest secured step).

It writes pupil,skill,step as CSV: pupils by id, skills in framework
order, the step empty when there is none. This must match the first three
columns of `stepwise evaluate --format csv` for the benchmark's data.

usage: reference.py --pupils pupils.csv --evidence evidence.csv
                    [--rubric highest|secured-n] [--times 2] [-o out.csv]
"""
import argparse
import csv
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_FRAMEWORK = os.path.join(HERE, "..", "..", "frameworks", "skills-builder-v2.json")


def skill_key(text):
    """How we compare skill names: 'Problem Solving' == 'problem-solving'."""
    return text.strip().lower().replace(" ", "-").replace("_", "-")


def load_framework(path):
    """The skill ids in framework order, and a lookup of id, name and aliases."""
    with open(path, encoding="utf-8") as f:
        framework = json.load(f)
    order = []
    lookup = {}
    for skill in framework["skills"]:
        order.append(skill["id"])
        lookup[skill_key(skill["id"])] = skill["id"]
        lookup[skill_key(skill["name"])] = skill["id"]
        for alias in skill.get("aliases", []):
            lookup[skill_key(alias)] = skill["id"]
    return order, lookup


def read_rows(path):
    """The rows of a CSV file (as dicts) or a JSON Lines file (as objects)."""
    if path.endswith(".jsonl") or path.endswith(".ndjson"):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    yield json.loads(line)
    else:
        with open(path, newline="", encoding="utf-8-sig") as f:
            for row in csv.DictReader(f):
                yield row


def main():
    parser = argparse.ArgumentParser(description="Skills evidence to steps (benchmark peer).")
    parser.add_argument("--pupils", required=True)
    parser.add_argument("--evidence", required=True)
    parser.add_argument("--framework", default=DEFAULT_FRAMEWORK)
    parser.add_argument("--rubric", choices=["highest", "secured-n"], default="highest")
    parser.add_argument("--times", type=int, default=2)
    parser.add_argument("-o", "--output", default="-")
    args = parser.parse_args()

    skill_order, skill_lookup = load_framework(args.framework)

    pupils = []
    for row in read_rows(args.pupils):
        pupils.append(row["id"].strip())

    # secured steps for each (pupil, skill)
    secured = {}
    for row in read_rows(args.evidence):
        outcome = (row.get("outcome") or "secured").strip().lower()
        if outcome != "secured":
            continue
        pupil = row["pupil"].strip()
        skill = skill_lookup.get(skill_key(row["skill"]))
        if skill is None:
            print("unknown skill: " + row["skill"], file=sys.stderr)
            continue
        step = int(row["step"])
        key = (pupil, skill)
        if key not in secured:
            secured[key] = []
        secured[key].append(step)

    if args.output == "-":
        out = sys.stdout
    else:
        out = open(args.output, "w", newline="", encoding="utf-8")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["pupil", "skill", "step"])
    for pupil in sorted(pupils):
        for skill in skill_order:
            steps = secured.get((pupil, skill), [])
            step = ""
            if args.rubric == "highest":
                if steps:
                    step = max(steps)
            else:
                if len(steps) >= args.times:
                    steps = sorted(steps, reverse=True)
                    step = steps[args.times - 1]
            writer.writerow([pupil, skill, step])
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
