"""Service protocol 2 over `serve --stdio`, checked against the JSON Schema
(tests/service/protocol.schema.json): every request of the serve cases and
of the list below, every response."""
import json
import pathlib
import subprocess

import jsonschema
import pytest

from protocol_check import OPS, ROOT, SCHEMA, VALIDATORS, check_exchange, stepwise_bin

TINY = {"format": "stepwise-framework", "format_version": 1, "id": "tiny", "name": "Tiny",
        "skills": [{"id": "s", "name": "S",
                    "steps": [{"step": 1, "label": "One"}, {"step": 2, "label": "Two"}]}]}
RUBRIC = ("return {name = 'last', description = 'The last step.', params = {bonus = 0, "
          "why = 'x', on = true}, skill = function(e, ctx) if #e == 0 then return nil end "
          "return e[#e].step end}")

# requests covering every op, answered and refused
REQUESTS = [
    {"op": "ping"},
    {"op": "framework"},
    {"op": "rubrics"},
    {"op": "evaluate", "pupil": {"id": "P1", "year": 2, "groups": ["a"], "sen": True},
     "evidence": [{"skill": "curiosity", "step": 2, "date": "2026-01-05"}, "bad"]},
    {"op": "evaluate", "pupils": ["P2", {"id": "P1", "name": "Zoë"}],
     "evidence": [{"pupil": "P1", "skill": "kindness", "step": 3, "date": "2026-01-05"}],
     "as_of": "2026-02-01"},
    {"op": "evaluate", "pupils": [{"id": "P1", "year": 99}]},
    {"op": "set_params", "params": {"sources": "teacher"}},
    {"op": "set_params", "params": {"nope": 1}},
    {"op": "load_rubric", "source": RUBRIC, "name": "last.lua"},
    {"op": "load_rubric", "path": "/etc/passwd"},
    {"op": "check_rubric", "source": RUBRIC, "params": {"bonus": 2},
     "pupils": ["P1"], "evidence": [{"pupil": "P1", "skill": "curiosity", "step": 3,
                                      "date": "2026-01-05"}, {"pupil": "X", "skill": "c"}]},
    {"op": "check_rubric", "source": "return {"},
    {"op": "check_rubric"},
    {"op": "load_framework", "framework": TINY},
    {"op": "ping"},
    {"op": "load_framework", "name": "example-school"},
    {"op": "load_framework", "name": "none"},
    {"op": "load_rubric", "path": "secured-n"},
    {"op": "nothing"},
    {"op": "summary", "pupils": [{"id": "P1", "year": 4, "school": "N"}, "P2"],
     "evidence": [{"pupil": "P1", "skill": "kindness", "step": 4, "date": "2026-01-05"}],
     "as_of": "2026-03-31", "from": "2025-07-01", "min_count": 1},
    {"op": "summary", "pupils": ["P1"], "min_count": 0},
]


def serve(stepwise, lines, *args):
    """Runs serve --stdio on the lines; returns the responses, parsed."""
    out = subprocess.run([stepwise, "serve", "--stdio", *args], input="\n".join(lines) + "\n",
                         capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def case_requests():
    """The request lines of the serve cases (tests/cases/serve-*.test)."""
    for case in sorted((ROOT / "tests/cases").glob("serve-*.test")):
        text = case.read_text()
        if "\n--- stdin\n" not in text:
            continue
        body = text.split("\n--- stdin\n", 1)[1].split("\n--- ", 1)[0]
        yield case.name, [line for line in body.splitlines() if line.strip()]


@pytest.fixture
def stepwise():
    return stepwise_bin()


def test_schema_is_valid():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    for op in OPS:
        assert "request_" + op in VALIDATORS and "response_" + op in VALIDATORS


def test_every_op_follows_the_schema(stepwise):
    lines = [json.dumps(dict(r, id=i)) for i, r in enumerate(REQUESTS)]
    responses = serve(stepwise, lines, "--framework", str(ROOT / "frameworks/example-school.json"))
    assert len(responses) == len(REQUESTS)
    answered, refused = set(), set()
    for i, (req, resp) in enumerate(zip(REQUESTS, responses)):
        assert resp["id"] == i
        check_exchange(req, resp)
        (answered if resp["ok"] else refused).add(req["op"])
    assert answered == set(OPS)
    assert refused >= {"evaluate", "set_params", "load_rubric", "check_rubric", "load_framework"}
    # the two forms of evaluate, and check_rubric's report
    assert [r["pupil"] for r in responses[4]["results"]] == ["P2", "P1"]
    assert responses[10]["rubric"]["params"] == {"bonus": 2, "on": True, "why": "x"}
    assert responses[10]["warnings"][0]["index"] == 1
    assert responses[11]["loaded"] is False and responses[11]["errors"][0]["line"] == 1
    assert responses[14]["framework"] == "tiny" and responses[14]["rubric"] == "last"
    assert responses[19]["summary"]["context"]["pupils"] == 2
    assert responses[19]["summary"]["figures_from"] is not None
    assert responses[20]["ok"] is False


def test_summary_op_is_the_summary_command(stepwise, tmp_path):
    """The summary op answers the document `stepwise summary` writes for the
    same pupils and evidence, and it follows the summary's own schema."""
    pupils = [{"id": "P%d" % i, "year": 3 + i % 3, "school": "North",
               "groups": ["pupil-premium"] if i % 2 else []} for i in range(30)]
    evidence = [{"pupil": p["id"], "skill": skill, "step": 1 + (i + k) % 5,
                 "date": "2026-0%d-1%d" % (1 + k, i % 10)}
                for i, p in enumerate(pupils) for k, skill in enumerate(["curiosity", "kindness"])]
    (tmp_path / "pupils.jsonl").write_text("".join(json.dumps(p) + "\n" for p in pupils))
    (tmp_path / "evidence.jsonl").write_text("".join(json.dumps(e) + "\n" for e in evidence))
    fw = str(ROOT / "frameworks/example-school.json")
    subprocess.run([stepwise, "summary", "--framework", fw, "--pupils",
                    str(tmp_path / "pupils.jsonl"), "--evidence", str(tmp_path / "evidence.jsonl"),
                    "--as-of", "2026-03-31", "--from", "2026-01-31", "--min-count", "3",
                    "--quiet", "-o", str(tmp_path / "s.json")], check=True)
    want = json.loads((tmp_path / "s.json").read_text())
    req = {"id": 1, "op": "summary", "pupils": pupils, "evidence": evidence,
           "as_of": "2026-03-31", "from": "2026-01-31", "min_count": 3}
    [resp] = serve(stepwise, [json.dumps(req)], "--framework", fw)
    check_exchange(req, resp)
    assert resp["summary"] == want and resp["rejected"] == []
    doc = json.loads((ROOT / "include/stepwise-summary.schema.json").read_text())
    jsonschema.validate(resp["summary"], doc)


@pytest.mark.parametrize("name,lines", list(case_requests()))
def test_case_requests_follow_the_schema(stepwise, name, lines):
    responses = serve(stepwise, lines, "--framework", str(ROOT / "frameworks/example-school.json"))
    assert len(responses) == len(lines), name
    for line, resp in zip(lines, responses):
        try:
            req = json.loads(line)
        except ValueError:
            req = None
        if not isinstance(req, dict) or not isinstance(req.get("op"), str) or \
                req["op"] not in OPS:
            assert resp["ok"] is False
            VALIDATORS["response_error"].validate(resp)
            continue
        check_exchange(req, resp)


def test_schema_rejects_what_the_service_refuses():
    bad = VALIDATORS["request_evaluate"]
    assert not bad.is_valid({"op": "evaluate"})
    assert not bad.is_valid({"op": "evaluate", "pupil": "P1", "pupils": ["P1"]})
    assert not VALIDATORS["request_load_rubric"].is_valid({"op": "load_rubric"})
    assert not VALIDATORS["response_ping"].is_valid(
        {"id": 1, "ok": True, "protocol": 2, "version": "1", "framework": None,
         "rubric": "highest", "params": "sources="})
