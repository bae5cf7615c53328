#!/usr/bin/env python3
"""gen.py - deterministic synthetic data for the Stepwise benchmark.

For each size (10k, 100k, 1M evidence rows) writes into OUT/SIZE/:

  pupils.csv       the roster: id,name,year,class,school,groups
  evidence.csv     pupil,skill,step,date,outcome,source,assessor,context,note
  evidence.jsonl   the same records, one JSON object a line

The data is what a trust's export looks like: about 64 records per pupil
(8 skills of the Skills Builder 2.0 framework, about 8 records each),
about 75% secured and 25% developing, sources teacher 60% / self 30% /
peer 10%, dates over the 2025-26 school year, steps clustered around a
level that depends on the pupil's year and the pupil, names in Welsh,
Polish, Vietnamese, Arabic, Chinese and English, some notes and places
with commas and quotes. Evidence is grouped by pupil in roster order (by
school, class and name, not by id) with dates in no order within a
pupil. A few records give the skill by name ("Problem Solving") or by a
Skills Builder 1 alias ("staying-positive"), a few leave the outcome
empty (which means secured), and a few roster pupils have no evidence.

Only the standard library; the same seed gives the same bytes.

usage: gen.py [--out DIR] [--seed N] [SIZE...]     (SIZE: 10k, 100k, 1M or a number)
"""
import argparse
import csv
import datetime
import json
import os
import random
import sys

SKILLS = ["listening", "speaking", "problem-solving", "creativity",
          "adapting", "planning", "leadership", "teamwork"]
# Other spellings seen in real exports, with how often each one is used
# instead of the id. stepwise matches them by name or alias.
VARIANTS = {
    "listening": (0.02, ["Listening"]),
    "problem-solving": (0.05, ["Problem Solving", "problem_solving"]),
    "adapting": (0.04, ["staying-positive", "Adapting"]),
    "planning": (0.03, ["aiming-high"]),
    "teamwork": (0.02, ["Teamwork"]),
}
# Expected step by school year (the framework's expectations).
EXPECTED = {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7, 8: 8, 9: 8, 10: 9, 11: 10,
            12: 11, 13: 12}

NAMES = {  # (given names, family names, family name first)
    "welsh": (["Dafydd", "Siân", "Rhiannon", "Gruffudd", "Eleri", "Ioan", "Ffion",
               "Llŷr", "Angharad", "Rhys", "Gwenllïan", "Cerys"],
              ["ap Gwilym", "Llywelyn", "Ellis-Jones", "Prys", "Huws", "Parri",
               "ab Owain", "Morgan", "Rhydderch"], False),
    "polish": (["Zofia", "Łukasz", "Małgorzata", "Wojciech", "Agnieszka", "Paweł",
                "Zuzanna", "Jędrzej", "Katarzyna", "Grzegorz"],
               ["Wójcik", "Dąbrowski", "Kowalczyk", "Nowak", "Wiśniewska", "Zieliński",
                "Szymańska", "Woźniak", "Kamiński"], False),
    "vietnamese": (["Thị Hương", "Văn Đức", "Minh Khôi", "Thu Trang", "Quốc Bảo",
                    "Ngọc Ánh", "Hoàng Long", "Thảo Vy"],
                   ["Nguyễn", "Trần", "Phạm", "Lê", "Hoàng", "Vũ", "Đặng", "Bùi"], True),
    "arabic": (["محمد", "فاطمة", "يوسف", "مريم", "أحمد", "زينب", "عمر", "ليلى",
                "Yusuf", "Aisha"],
               ["الأحمد", "الزهراء", "حسن", "الخطيب", "Al-Amin", "Haddad", "النجار"],
               False),
    "chinese": (["小明", "娜", "嘉怡", "伟", "思远", "欣然", "Jiāyí", "Hào"],
                ["王", "李", "陈", "张", "刘", "Chén", "Zhōu"], True),
    "english": (["Amelia", "Oliver", "Zoë", "Harry", "Isla", "Jack", "Grace", "Noah",
                 "Chloë", "Liam", "Siobhan", "Mia"],
                ["Clarke", "Bennett", "O'Brien", "Smith", "Taylor", "Hughes", "Evans",
                 "Brontë", "Walker", "Patel"], False),
}
CULTURES = ["welsh", "polish", "vietnamese", "arabic", "chinese", "english"]
CULTURE_WEIGHTS = [15, 10, 8, 10, 7, 50]

SCHOOLS_PRIMARY = ["Ashby Primary", "Ysgol Gymraeg Aberystwyth", "St Mary's CE Academy",
                   "Kingsway Primary School, Leeds", "Riverside Infant & Junior"]
SCHOOLS_SECONDARY = ["Ysgol Bro Ddyfi", "Northfield Academy", "Bishop \"Dunn\" High",
                     "Kingsway High School, Leeds"]
GROUPS = [("pupil-premium", 0.25), ("eal", 0.15), ("send", 0.12),
          ("gifted-and-talented", 0.06), ("young-carer", 0.02)]
TEACHERS = ["Ms Evans", "Mr Nguyễn", "Pani Kowalska", "Mrs O'Neill", "Mr Jones",
            "Dr Haddad", "Miss Llywelyn", "Mr Chen", "Ms Patel", "Mrs Wiśniewska"]
CONTEXTS = ["circle time", "PE", "science project", "class assembly", "maths, group work",
            "school council", "Enterprise week", "drama", "D&T", "trip to the museum",
            "Gwers Gymraeg", "reading \"buddies\"", "lunchtime club", "forest school"]
NOTES = ["explained to a partner", "worked well, helped others", 'said "I can do this"',
         'wrote a "plan", then changed it', "needed prompting", "led the group",
         "Da iawn, gwaith gwych", "Świetna praca", "表现很好", "عمل رائع",
         "Làm tốt lắm", "asked good questions", "first time without help",
         "listened, then summarised; very clear", "see portfolio p. 12"]
NOTE_RATE = 0.4

SECURED_OFFSETS = [-3, -2, -2, -1, -1, -1, 0, 0, 0, 0, 1]
DEVELOPING_OFFSETS = [0, 1, 1, 1, 2, 2]


def parse_size(text):
    t = text.strip().lower()
    mult = 1
    if t.endswith("k"):
        mult, t = 1000, t[:-1]
    elif t.endswith("m"):
        mult, t = 1000000, t[:-1]
    return int(float(t) * mult)


def size_name(rows):
    if rows % 1000000 == 0:
        return "%dM" % (rows // 1000000)
    if rows % 1000 == 0:
        return "%dk" % (rows // 1000)
    return str(rows)


def school_days():
    """Weekdays of the 2025-26 school year, without the holidays."""
    holidays = [(datetime.date(2025, 10, 27), datetime.date(2025, 10, 31)),
                (datetime.date(2025, 12, 22), datetime.date(2026, 1, 2)),
                (datetime.date(2026, 2, 16), datetime.date(2026, 2, 20)),
                (datetime.date(2026, 3, 30), datetime.date(2026, 4, 10)),
                (datetime.date(2026, 5, 25), datetime.date(2026, 5, 29))]
    day, end, out = datetime.date(2025, 9, 3), datetime.date(2026, 7, 17), []
    while day <= end:
        if day.weekday() < 5 and not any(a <= day <= b for a, b in holidays):
            out.append(day.isoformat())
        day += datetime.timedelta(days=1)
    return out


def make_pupils(rnd, count):
    """count pupils as dicts, in roster order (school, class, name)."""
    ids, pupils = set(), []
    while len(ids) < count:
        # a UPN-like id: a letter and 12 digits; a few from another system
        if rnd.random() < 0.03:
            pid = "x%07d" % rnd.randrange(10000000)
        else:
            pid = "%s%012d" % (chr(65 + rnd.randrange(26)), rnd.randrange(10 ** 12))
        if pid in ids:
            continue
        ids.add(pid)
        culture = rnd.choices(CULTURES, CULTURE_WEIGHTS)[0]
        given, family, family_first = NAMES[culture]
        g, f = rnd.choice(given), rnd.choice(family)
        if culture == "chinese" and not g.isascii() and not f.isascii():
            name = f + g
        elif family_first:
            name = f + " " + g
        else:
            name = g + " " + f
        if culture == "english" and rnd.random() < 0.05:
            name = f + ", " + g  # "Surname, Given" from an older system
        year = rnd.randint(1, 13)
        school = rnd.choice(SCHOOLS_PRIMARY if year <= 6 else SCHOOLS_SECONDARY)
        cls = "%d%s" % (year, rnd.choice("ABC" if year <= 6 else "XYZ"))
        groups = [g for g, p in GROUPS if rnd.random() < p]
        pupils.append({"id": pid, "name": name, "year": year, "class": cls,
                       "school": school, "groups": groups})
    pupils.sort(key=lambda p: (p["school"], p["year"], p["class"], p["name"], p["id"]))
    return pupils


def generate(out_dir, rows, seed):
    rnd = random.Random("%d:%d" % (seed, rows))  # one stream per size
    days = school_days()
    n_pupils = max(1, round(rows / 64))
    # about 1% of the roster has no evidence yet (new arrivals)
    pupils = make_pupils(rnd, n_pupils + max(1, n_pupils // 100))
    with_evidence = [p for p in pupils]
    for i in sorted(rnd.sample(range(len(pupils)), len(pupils) - n_pupils), reverse=True):
        del with_evidence[i]
    # records per pupil: between 40 and 88 (64 on average); the total is exact
    counts = [rnd.randint(40, 88) for _ in with_evidence]
    diff = rows - sum(counts)
    i = 0
    while diff:
        step = 1 if diff > 0 else -1
        if counts[i] + step >= 1:
            counts[i] += step
            diff -= step
        i = (i + 1) % len(counts)

    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "pupils.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "name", "year", "class", "school", "groups"])
        for p in pupils:
            w.writerow([p["id"], p["name"], p["year"], p["class"], p["school"],
                        ";".join(p["groups"])])

    fcsv = open(os.path.join(out_dir, "evidence.csv"), "w", newline="", encoding="utf-8")
    fjson = open(os.path.join(out_dir, "evidence.jsonl"), "w", encoding="utf-8")
    wcsv = csv.writer(fcsv, lineterminator="\n")
    wcsv.writerow(["pupil", "skill", "step", "date", "outcome", "source", "assessor",
                   "context", "note"])
    dumps = json.dumps
    random_ = rnd.random
    choice = rnd.choice
    skill_range = range(8)
    variants = [VARIANTS.get(s, (0.0, [])) for s in SKILLS]
    csv_rows, json_lines = [], []
    for p, count in zip(with_evidence, counts):
        pid = p["id"]
        level = EXPECTED[p["year"]] + round(rnd.gauss(0, 1.5))
        levels = [min(15, max(0, level + round(rnd.gauss(0, 1)))) for _ in skill_range]
        weights = [1.0] * 8
        if random_() < 0.03:
            weights[rnd.randrange(8)] = 0.0  # a skill not assessed for this pupil
        p_secured = min(0.95, max(0.4, rnd.gauss(0.75, 0.08)))
        teacher = TEACHERS[hash_class(p["class"], p["school"]) % len(TEACHERS)]
        for k in rnd.choices(skill_range, weights, k=count):
            skill = SKILLS[k]
            rate, names = variants[k]
            if rate and random_() < rate:
                skill = choice(names)
            if random_() < p_secured:
                outcome = "secured" if random_() >= 0.01 else ""
                step = levels[k] + choice(SECURED_OFFSETS)
            else:
                outcome = "developing"
                step = levels[k] + choice(DEVELOPING_OFFSETS)
            step = 0 if step < 0 else 15 if step > 15 else step
            r = random_()
            if r < 0.6:
                source, assessor = "teacher", (teacher if random_() < 0.85 else choice(TEACHERS))
            elif r < 0.9:
                source, assessor = "self", ""
            else:
                source, assessor = "peer", ""
            date = choice(days)
            context = choice(CONTEXTS)
            note = choice(NOTES) if random_() < NOTE_RATE else ""
            csv_rows.append((pid, skill, step, date, outcome, source, assessor, context, note))
            obj = {"pupil": pid, "skill": skill, "step": step, "date": date}
            if outcome:
                obj["outcome"] = outcome
            obj["source"] = source
            if assessor:
                obj["assessor"] = assessor
            obj["context"] = context
            if note:
                obj["note"] = note
            json_lines.append(dumps(obj, ensure_ascii=False))
        if len(csv_rows) >= 50000:
            wcsv.writerows(csv_rows)
            fjson.write("\n".join(json_lines) + "\n")
            csv_rows, json_lines = [], []
    wcsv.writerows(csv_rows)
    if json_lines:
        fjson.write("\n".join(json_lines) + "\n")
    fcsv.close()
    fjson.close()
    return len(pupils)


def hash_class(cls, school):
    """A stable small number for a class (Python's hash() is salted)."""
    h = 0
    for ch in cls + "|" + school:
        h = (h * 31 + ord(ch)) & 0xFFFFFFFF
    return h


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="build/bench", help="output folder (default build/bench)")
    ap.add_argument("--seed", type=int, default=20260107)
    ap.add_argument("sizes", nargs="*", default=["10k", "100k", "1M"])
    args = ap.parse_args()
    for s in args.sizes:
        rows = parse_size(s)
        d = os.path.join(args.out, size_name(rows))
        n = generate(d, rows, args.seed)
        print("gen.py: %s: %d evidence rows, %d pupils" % (d, rows, n), file=sys.stderr)


if __name__ == "__main__":
    main()
