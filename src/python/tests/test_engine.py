"""The Python package (src/python/stepwise) over the shared library: the
same results as the command line for the example class, frameworks and
rubrics in every form, rows refused with the library's reasons, errors as
exceptions, DataFrames in and out, and an install with pip."""
import csv
import json
import os
import pathlib
import shutil
import subprocess
import sys
import types

import pytest

import stepwise

ROOT = pathlib.Path(__file__).resolve().parents[3]
CLASS = ROOT / "examples/class-5b"
CLI = os.environ.get("STEPWISE", str(ROOT / "build/asan/stepwise"))


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def cli_rows(*args):
    """`stepwise evaluate --format csv` of the example class, as our rows."""
    out = subprocess.run([CLI, "evaluate", "--pupils", str(CLASS / "pupils.csv"), "--evidence",
                          str(CLASS / "evidence.csv"), "--format", "csv", *args],
                         capture_output=True, text=True, check=True).stdout
    return [{"pupil": r["pupil"], "skill": r["skill"],
             "step": int(r["step"]) if r["step"] else None, "note": r["note"] or None,
             "evidence": int(r["evidence"])} for r in csv.DictReader(out.splitlines())]


def class_engine(**kw):
    eng = stepwise.Engine(**kw)
    assert eng.add_pupils(read(CLASS / "pupils.csv")) == []
    eng.add_evidence(read(CLASS / "evidence.csv"), on_reject="skip")
    return eng


@pytest.mark.parametrize("kw,args", [
    ({}, []),
    ({"rubric": "secured-n", "params": {"times": 2}}, ["--rubric", "secured-n", "--param",
                                                      "times=2"]),
    ({"rubric": str(ROOT / "examples/rubrics/teacher-weighted.lua"), "params": {"self": 0.25}},
     ["--rubric", str(ROOT / "examples/rubrics/teacher-weighted.lua"), "--param", "self=0.25"]),
])
def test_same_results_as_the_command_line(kw, args):
    with class_engine(**kw) as eng:
        rows = eng.evaluate()
        assert rows == cli_rows(*args)
        assert len(rows) > 100 and any(r["step"] for r in rows)


def test_as_of_and_full_results():
    with class_engine(rubric="decaying-average") as eng:
        assert eng.evaluate(as_of="2026-02-15") == cli_rows("--rubric", "decaying-average",
                                                            "--as-of", "2026-02-15")
        full = eng.results()
        assert full[0]["pupil"] == "P001" and full[0]["name"] == "Amelia Clarke"
        assert set(full[0]) == {"pupil", "name", "year", "class", "school", "skills", "flags",
                                "awards", "errors"}
    with class_engine(rubric=str(ROOT / "examples/rubrics/awards.lua")) as eng:
        assert any(r["awards"] for r in eng.results())


def test_frameworks_in_every_form():
    doc = {"format": "stepwise-framework", "format_version": 1, "id": "tiny", "name": "Tiny",
           "skills": [{"id": "s", "name": "S", "steps": [{"step": 1, "label": "One"},
                                                        {"step": 2, "label": "Two"}]}]}
    with stepwise.Engine(framework=doc) as eng:
        assert eng.framework["id"] == "tiny"
        eng.add_pupils([{"id": "P1"}])
        eng.add_evidence([{"pupil": "P1", "skill": "s", "step": 2, "date": "2026-01-01"}])
        assert eng.evaluate() == [{"pupil": "P1", "skill": "s", "step": 2, "note": None,
                                   "evidence": 1}]
    with stepwise.Engine(framework=str(ROOT / "frameworks/example-school.json")) as eng:
        assert eng.framework["id"] == "ashby-learning-powers"
    with stepwise.Engine(framework=ROOT / "frameworks/example-school.json") as eng:
        assert eng.rubric == "highest"
    with pytest.raises(stepwise.StepwiseError) as e:
        stepwise.Engine(framework="no-such")
    assert "no bundled framework 'no-such'" in str(e.value) and e.value.status == -5
    bad = dict(doc, skills=[{"id": "s", "name": "S", "steps": []}])
    with pytest.raises(stepwise.StepwiseError) as e:
        stepwise.Engine(framework=bad)
    assert e.value.errors[0]["path"] == "$.skills[0].steps"
    assert "must not be empty" in e.value.errors[0]["message"]


def test_rubric_errors_carry_the_library_messages():
    with pytest.raises(stepwise.StepwiseError) as e:
        stepwise.Engine(rubric_source="return {name = 'x'", framework="example-school")
    err = e.value.errors[0]
    assert err["file"] == "rubric.lua" and err["line"] == 1 and "expected" in err["message"]
    with pytest.raises(stepwise.StepwiseError) as e:
        stepwise.Engine(rubric="secured-n", params={"nope": 1})
    assert "has no parameter 'nope'" in str(e.value)
    with pytest.raises(stepwise.StepwiseError) as e:
        stepwise.Engine(rubric="no-such-rubric")
    assert "no built-in rubric 'no-such-rubric'" in str(e.value)
    with pytest.raises(ValueError):
        stepwise.Engine(rubric="highest", rubric_source="return {}")
    src = "return {name = 'mine', skill = function(e) error('boom') end}"
    with stepwise.Engine(framework="example-school", rubric_source=src) as eng:
        eng.add_pupils([{"id": "P1"}])
        assert eng.rubric == "mine"
        assert "boom" in eng.results()[0]["errors"][0]
    # which skill failed is data, not read from the message
    src = ("return {name = 'one', skill = function(e, ctx)\n"
           "  if ctx.skill.id == 'kindness' then error('x') end end}")
    with stepwise.Engine(framework="example-school", rubric_source=src) as eng:
        eng.add_pupils([{"id": "P1"}])
        skills = eng.results()[0]["skills"]
        assert [s for s, v in skills.items() if v["error"]] == ["kindness"]
        assert len(skills) == 4


def test_refused_rows():
    with stepwise.Engine(framework="example-school") as eng:
        with pytest.raises(stepwise.RejectedError) as e:
            eng.add_pupils([{"id": "P1"}, {"id": "P2", "year": 15}])
        assert e.value.index == 1 and "year 15 is not from 0 (Reception) to 14" in str(e.value)
        skipped = eng.add_pupils([{"id": "P3", "year": "4"}, {"id": "P4", "year": "four"},
                                  {"id": "P5", "groups": "a;b", "sen": True}],
                                 on_reject="skip")
        assert skipped == [{"index": 1, "reason": "year 'four' is not a whole number"}]
        skipped = eng.add_evidence([
            {"pupil": "P1", "skill": "curiosity", "step": "3", "date": "2026-01-05"},
            {"pupil": "P1", "skill": "juggling", "step": 1, "date": "2026-01-05"},
            {"pupil": "P1", "skill": "curiosity", "date": "2026-01-05"},
            {"pupil": "P9", "skill": "curiosity", "step": 2, "date": "2026-01-05"},
            {"pupil": "P1", "skill": "curiosity", "step": 2.5, "date": "2026-01-05"}],
            on_reject="skip")
        assert [s["index"] for s in skipped] == [1, 2, 3, 4]
        assert skipped[0]["reason"] == "skill 'juggling' is not in framework ashby-learning-powers"
        assert skipped[2]["reason"] == "pupil 'P9' is not on the roster"
        rows = {(r["pupil"], r["skill"]): r for r in eng.evaluate()}
        assert rows[("P1", "curiosity")]["step"] == 3
        assert [r["pupil"] for r in eng.results()] == ["P1", "P3", "P5"]
        with pytest.raises(ValueError):
            eng.add_pupils([], on_reject="ignore")
        with pytest.raises(TypeError):
            eng.add_pupils(["P1"])
        eng.clear()
        assert eng.evaluate() == []


class FakeFrame:
    """What the package uses of a pandas DataFrame (pandas is optional)."""

    def __init__(self, rows, columns=None):
        self.rows, self.columns = rows, columns

    def to_dict(self, orient):
        assert orient == "records"
        return self.rows


def test_dataframes_in_and_out(monkeypatch):
    nan = float("nan")
    pupils = FakeFrame([{"id": "P1", "name": nan, "year": 2.0}])
    evidence = FakeFrame([{"pupil": "P1", "skill": "kindness", "step": 4.0,
                           "date": "2026-01-05", "note": nan}])
    monkeypatch.setitem(sys.modules, "pandas", types.SimpleNamespace(DataFrame=FakeFrame))
    with stepwise.Engine(framework="example-school") as eng:
        eng.add_pupils(pupils)
        eng.add_evidence(evidence)
        frame = eng.evaluate(frame=True)
        assert isinstance(frame, FakeFrame)
        assert frame.columns == ["pupil", "skill", "step", "note", "evidence"]
        assert {"pupil": "P1", "skill": "kindness", "step": 4, "note": None,
                "evidence": 1} in frame.rows
        assert eng.results()[0]["year"] == 2 and eng.results()[0]["name"] is None


def test_closed_engine():
    eng = stepwise.Engine()
    eng.close()
    eng.close()
    with pytest.raises(ValueError):
        eng.evaluate()
    assert stepwise.version().count(".") == 2


def test_library_not_found_says_what_to_do(tmp_path):
    code = "import stepwise\nstepwise.Engine()\n"
    env = dict(os.environ, STEPWISE_LIB=str(tmp_path / "missing.so"),
               PYTHONPATH=str(ROOT / "src/python"))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert r.returncode != 0 and "make install" in r.stderr and "STEPWISE_LIB" in r.stderr


def test_installs_with_pip(tmp_path):
    """pip install of src/python (offline: the system's setuptools), then
    the installed package with the library given as an argument."""
    target, src = tmp_path / "site", tmp_path / "src"
    # a copy: pip builds in the folder it is given
    shutil.copytree(ROOT / "src/python", src,
                    ignore=shutil.ignore_patterns("tests", "__pycache__", "build", "*.egg-info"))
    r = subprocess.run(["/usr/bin/python3", "-m", "pip", "install", "--quiet",
                        "--no-build-isolation", "--no-deps", "--no-index", "--target",
                        str(target), str(src)],
                       capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (target / "stepwise/__init__.py").exists()
    code = ("import json, stepwise, sys\n"
            "eng = stepwise.Engine(framework='example-school', library=sys.argv[1])\n"
            "eng.add_pupils([{'id': 'P1'}])\n"
            "eng.add_evidence([{'pupil': 'P1', 'skill': 'curiosity', 'step': 2,"
            " 'date': '2026-01-05'}])\n"
            "print(json.dumps([stepwise.__file__, eng.evaluate()[0]]))\n")
    env = {k: v for k, v in os.environ.items() if k != "STEPWISE_LIB"}
    env["PYTHONPATH"] = str(target)
    lib = os.path.abspath(os.environ["STEPWISE_LIB"])
    r = subprocess.run(["/usr/bin/python3", "-c", code, lib],
                       capture_output=True, text=True, env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    where, row = json.loads(r.stdout)
    assert where.startswith(str(target))
    assert row == {"pupil": "P1", "skill": "curiosity", "step": 2, "note": None, "evidence": 1}


def test_class_report_example():
    """examples/python/class_report.py runs on the example class and names
    every pupil of the roster once; a bad rubric ends it with the message."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src/python"))
    script = str(ROOT / "examples/python/class_report.py")
    r = subprocess.run([sys.executable, script, "--rubric", "secured-n", "--param", "times=1"],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    ids = [row["id"] for row in read(CLASS / "pupils.csv")]
    lines = r.stdout.splitlines()
    assert lines[0] == "Skills Builder Universal Framework 2.0, rubric secured-n"
    assert [line.split()[0] for line in lines[1:] if not line.startswith(" ")] == ids
    r = subprocess.run([sys.executable, script, "--rubric", "nope"], capture_output=True,
                       text=True, env=env)
    assert r.returncode == 1 and "no built-in rubric 'nope'" in r.stderr
