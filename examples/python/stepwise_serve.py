#!/usr/bin/env python3
"""Stepwise from Python as a co-process: `stepwise serve --stdio` answers one
JSON request per line. This program reads a roster and evidence as a host
would read its own database, sends one "evaluate" request per pupil with
that pupil's evidence, and prints the same CSV as
`stepwise evaluate --format csv`.

    python3 stepwise_serve.py [--stepwise PATH] [--pupils P.csv]
        [--evidence E.csv] [--framework F.json] [--rubric NAME|FILE.lua]
        [--param K=V]... [--as-of YYYY-MM-DD]

The program is found as --stepwise, $STEPWISE, build/stepwise in the
source tree, or `stepwise` on the PATH.
"""
import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CLASS = os.path.join(ROOT, "examples", "class-5b")
EVIDENCE_FIELDS = ("pupil", "skill", "date", "outcome", "source", "assessor", "context", "note")


class Service:
    """A running `stepwise serve --stdio`; call() sends a request and returns its response."""

    def __init__(self, command):
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     encoding="utf-8", bufsize=1)
        self.next_id = 1

    def call(self, op, **fields):
        request = {"id": self.next_id, "op": op, **fields}
        self.next_id += 1
        self.proc.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("stepwise serve stopped")
        response = json.loads(line)
        if response["id"] != request["id"]:
            raise RuntimeError(f"response to request {response['id']}, not {request['id']}")
        if not response["ok"]:
            raise RuntimeError(f"{op}: {response['error']}")
        return response

    def close(self):
        self.proc.stdin.close()  # the end of the input ends the service
        if self.proc.wait() != 0:
            raise RuntimeError(f"stepwise serve exited with {self.proc.returncode}")


def read_csv(path):
    """Rows of a CSV file as dicts keyed by lower-case column name, fields trimmed."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = csv.reader(f)
        header = [h.strip().lower() for h in next(rows)]
        for line, row in enumerate(rows, start=2):
            if any(field.strip() for field in row):
                yield line, {h: v.strip() for h, v in zip(header, row)}


def read_pupils(path):
    """The roster as request objects, by id."""
    pupils = {}
    for _, row in read_csv(path):
        pupil = {k: v for k, v in row.items() if v and k not in ("year", "groups")}
        if row.get("year"):
            pupil["year"] = int(row["year"])
        pupil["groups"] = [g for g in row.get("groups", "").split(";") if g]
        pupils[unicodedata.normalize("NFC", row.get("id", ""))] = pupil
    return pupils


def read_evidence(path):
    """Evidence records as request objects, grouped by pupil id, in file order."""
    by_pupil = {}
    for line, row in read_csv(path):
        try:
            step = int(row.get("step", ""))
        except ValueError:
            print(f"{path}:{line}: step '{row.get('step', '')}' is not an integer",
                  file=sys.stderr)
            continue
        record = {k: row[k] for k in EVIDENCE_FIELDS if row.get(k)}
        record["step"] = step
        pid = unicodedata.normalize("NFC", row.get("pupil", ""))
        by_pupil.setdefault(pid, []).append((line, record))
    return by_pupil


def csv_field(text):
    """A field quoted as the library's CSV writer quotes it."""
    if any(c in text for c in ',"\r\n') or text.startswith(" ") or text.endswith(" "):
        return '"' + text.replace('"', '""') + '"'
    return text


def find_stepwise(given):
    for path in (given, os.environ.get("STEPWISE"), os.path.join(ROOT, "build", "stepwise")):
        if path and os.path.exists(path):
            return path
    return shutil.which("stepwise") or "stepwise"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--stepwise")
    ap.add_argument("--pupils", default=os.path.join(CLASS, "pupils.csv"))
    ap.add_argument("--evidence", default=os.path.join(CLASS, "evidence.csv"))
    ap.add_argument("--framework")
    ap.add_argument("--rubric", default="highest")
    ap.add_argument("--param", action="append", default=[])
    ap.add_argument("--as-of")
    args = ap.parse_args()

    command = [find_stepwise(args.stepwise), "serve", "--stdio"]
    if args.framework:
        command += ["--framework", args.framework]
    is_file = "/" in args.rubric or args.rubric.endswith(".lua")
    if is_file:
        # the service reads rubric files only inside a folder it is given
        command += ["--rubric-dir", os.path.dirname(os.path.abspath(args.rubric))]
    service = Service(command)
    # The rubric and its parameters can also be given on the command line;
    # here they go through the protocol: a built-in by name, a file by its
    # path inside --rubric-dir (or its text as "source").
    service.call("load_rubric", path=os.path.basename(args.rubric) if is_file else args.rubric)
    params = dict(kv.split("=", 1) for kv in args.param)
    if params:
        service.call("set_params", params=params)

    evidence = read_evidence(args.evidence)
    if args.pupils:
        pupils = read_pupils(args.pupils)
        for pid in evidence.keys() - pupils.keys():
            for line, _ in evidence[pid]:
                print(f"{args.evidence}:{line}: pupil '{pid}' is not on the roster",
                      file=sys.stderr)
    else:
        pupils = {pid: {"id": pid} for pid in evidence}

    out = ["pupil,skill,step,note,evidence\n"]
    for pid in sorted(pupils, key=lambda p: p.encode("utf-8")):  # byte order, as the CLI
        records = evidence.get(pid, [])
        fields = {"pupil": pupils[pid], "evidence": [r for _, r in records]}
        if args.as_of:
            fields["as_of"] = args.as_of
        response = service.call("evaluate", **fields)
        for rejected in response["rejected"]:
            line = records[rejected["index"]][0]
            print(f"{args.evidence}:{line}: {rejected['reason']}", file=sys.stderr)
        result = response["result"]
        for message in result["errors"]:
            print(message, file=sys.stderr)
        for skill, s in result["skills"].items():
            step = "" if s["step"] is None else str(s["step"])
            note = csv_field(s["note"]) if s["note"] else ""
            out.append(f"{csv_field(result['pupil'])},{skill},{step},{note},{s['evidence']}\n")
    service.close()
    sys.stdout.write("".join(out))


if __name__ == "__main__":
    main()
