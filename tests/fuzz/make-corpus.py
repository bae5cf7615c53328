#!/usr/bin/env python3
"""make-corpus.py - writes the seed corpora tests/fuzz/corpus/HARNESS/ from the
test fixtures: the bundled frameworks and examples, tests/fixtures, the files
written inline by the command-line cases (tests/cases/*.test, "--- file"
sections), the sandbox scripts and built-in rubrics, and the requests of the
`serve` cases. Each file is named by the SHA-1 of its contents (as libFuzzer
names what it finds), so running it again changes nothing unless the
fixtures changed; seeds of fixtures that are gone are removed. Files over
256 KiB are left out.

usage: tests/fuzz/make-corpus.py   (from anywhere; only the standard library)
"""
import csv
import glob
import hashlib
import io
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'tests', 'fuzz', 'corpus')
MAX = 256 * 1024
corpora = {}


def add(harness, data):
    if isinstance(data, str):
        data = data.encode('utf-8')
    if len(data) > MAX:
        return
    corpora.setdefault(harness, {})[hashlib.sha1(data).hexdigest()] = data


def case_files():
    """(name, bytes) of each "--- file" section and each serve case's stdin."""
    for path in sorted(glob.glob(os.path.join(ROOT, 'tests', 'cases', '*.test'))):
        with open(path, 'rb') as f:
            lines = f.read().split(b'\n')
        name, body, serve = None, [], False
        for line in lines + [b'--- end']:
            if not name and line.startswith(b'args: serve'):
                serve = True
            if line.startswith(b'--- '):
                if name:
                    yield name, b'\n'.join(body) + b'\n'
                parts = line.split()
                name = None
                if len(parts) >= 3 and parts[1] == b'file':
                    name = parts[2].decode('utf-8', 'replace')
                elif serve and parts[1] == b'stdin':
                    name = '<serve>'
                body = []
            elif name:
                body.append(line)


def files(pattern):
    for path in sorted(glob.glob(os.path.join(ROOT, pattern))):
        with open(path, 'rb') as f:
            yield os.path.basename(path), f.read()


def kind(name, data):
    """framework, pupils, evidence, lua or None."""
    head = data.split(b'\n', 1)[0].lstrip(b'\xef\xbb\xbf').strip().lower()
    if name.endswith('.lua'):
        return 'lua'
    if name.endswith('.jsonl') or name.endswith('.ndjson'):
        return 'pupils-jsonl' if b'"pupil"' not in head else 'evidence-jsonl'
    if name.endswith('.json'):
        return 'framework' if b'stepwise-framework' in data else None
    if name.endswith('.csv'):
        cols = [c.strip(b' "') for c in head.split(b',')]
        if b'pupil' in cols:
            return 'evidence-csv'
        if b'id' in cols:
            return 'pupils-csv'
        return 'csv'
    return None


def to_jsonl(data):
    """A CSV roster or evidence file as JSON Lines (typed as the readers want)."""
    try:
        rows = list(csv.DictReader(io.StringIO(data.decode('utf-8-sig'))))
    except (UnicodeDecodeError, csv.Error):
        return None
    out = []
    for row in rows:
        obj = {}
        for k, v in row.items():
            if k is None or v is None:
                continue
            if k in ('year', 'step') and v.strip().lstrip('-').isdigit():
                obj[k] = int(v)
            elif k == 'groups':
                obj[k] = [g for g in v.split(';') if g]
            else:
                obj[k] = v
        out.append(json.dumps(obj, ensure_ascii=False))
    return ('\n'.join(out) + '\n').encode('utf-8')


sources = list(case_files())
sources += list(files('frameworks/*.json')) + list(files('tests/fixtures/frameworks/*.json'))
sources += list(files('tests/fixtures/ingest/*')) + list(files('examples/class-5b/*.csv'))
sources += list(files('tests/sandbox/*.lua')) + list(files('scripts/rubrics/*.lua'))
sources += list(files('scripts/rubric-new.lua')) + list(files('examples/rubrics/*.lua'))

for name, data in sources:
    if name == '<serve>':
        add('fuzz_service', data)
        for line in data.split(b'\n'):
            if line.strip():
                add('fuzz_service', line)
        continue
    k = kind(name, data)
    if k == 'framework':
        add('fuzz_framework', data)
    elif k == 'lua':
        add('fuzz_rubric', b'\x00' + data)
    elif k in ('pupils-csv', 'evidence-csv', 'csv'):
        add('fuzz_csv', data)
        if k != 'csv':
            who = k.split('-')[0]
            add('fuzz_%s_csv' % who, data)
            j = to_jsonl(data)
            if j:
                add('fuzz_%s_jsonl' % who, j)
    elif k in ('pupils-jsonl', 'evidence-jsonl'):
        add('fuzz_%s' % k.replace('-', '_'), data)

# the decoding rubric: a few byte patterns that reach each kind of value
for seed in range(40):
    add('fuzz_rubric', bytes([1]) + bytes((seed * 7 + i * 13) % 256 for i in range(64)))
for k in range(20):
    add('fuzz_rubric', bytes([1, k, 3, k + 20, 5, 10, 40, 2, 7, 3, 65, 66, 67]))
# service requests of every op
tiny = json.dumps({"id": 9, "op": "evaluate", "pupil": {"id": "A1", "year": 5},
                   "evidence": [{"skill": "alpha", "step": 2, "date": "2026-01-05"}]})
for req in ['{"id": 1, "op": "ping"}', '{"id": 2, "op": "framework"}', tiny,
            '{"id": 4, "op": "load_rubric", "path": "secured-n"}',
            '{"id": 5, "op": "load_rubric", "source": "return {name = \\"x\\", skill = function(e) return #e end}", "name": "x.lua"}',
            '{"id": 6, "op": "set_params", "params": {"times": 3}}']:
    add('fuzz_service', req)
add('fuzz_service', '\n'.join(['{"id": 4, "op": "load_rubric", "path": "secured-n"}',
                               '{"id": 6, "op": "set_params", "params": {"times": 1}}', tiny]))

# CASE packages: the OpenSALT fixtures (MIT, tests/fixtures/case) and the
# bundled frameworks as Stepwise exports them (made by the cases)
for name, data in files('tests/fixtures/case/*Framework*.json'):
    add('fuzz_case', data)
for name, data in files('tests/fixtures/case/WhatStandardsCouldBe.json'):
    add('fuzz_case', data)
for name, data in sources:
    if name.endswith('.json') and b'CFDocument' in data:
        add('fuzz_case', data)
# OneRoster exports: users, enrollments, classes and orgs joined by 0x1E
for d in sorted(glob.glob(os.path.join(ROOT, 'tests', 'fixtures', 'oneroster', '*'))):
    parts = []
    for f in ('users.csv', 'enrollments.csv', 'classes.csv', 'orgs.csv'):
        path = os.path.join(d, f)
        parts.append(open(path, 'rb').read() if os.path.exists(path) else b'')
    add('fuzz_oneroster', b'\x1e'.join(parts))

# rubrics with data for the isolated mode: each built-in and example rubric
# and each Lua bug of the rubric regressions, alone (the fixed class) and
# with evidence after a 0x1E byte; one with 150 pupils (three batches)
ISO_EV = ('pupil,skill,step,date,outcome,source\n'
          'A1,alpha,2,2026-01-05,secured,teacher\nA1,alpha,3,2026-02-01,developing,self\n'
          'B2,beta,1,2026-01-10,secured,teacher\nC3,first-skill,1,2026-03-01,secured,teacher\n'
          'D4,alpha,9,2026-03-01,,\n').encode()
ISO_BIG = ('pupil,skill,step,date\n' + ''.join(
    'P%03d,%s,%d,2026-%02d-%02d\n' % (i % 150, 'alpha' if i % 3 else 'beta', i % 4,
                                      1 + i % 12, 1 + i % 28) for i in range(600))).encode()
for pattern in ('scripts/rubrics/*.lua', 'examples/rubrics/*.lua',
                'tests/fuzz/regress/fuzz_rubric/*.lua'):
    for name, data in files(pattern):
        add('fuzz_isolate', data)
        add('fuzz_isolate', data + b'\x1e' + ISO_EV)
for name, data in files('scripts/rubrics/latest.lua'):
    add('fuzz_isolate', data + b'\x1e' + ISO_BIG)

for harness in sorted(corpora):
    d = os.path.join(OUT, harness)
    os.makedirs(d, exist_ok=True)
    for old in os.listdir(d):  # seeds of fixtures that are gone
        if old not in corpora[harness]:
            os.remove(os.path.join(d, old))
    for digest, data in corpora[harness].items():
        with open(os.path.join(d, digest), 'wb') as f:
            f.write(data)
    print('%s: %d seeds' % (harness, len(corpora[harness])))
