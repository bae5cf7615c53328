"""Stepwise from Python: skills progression for schools, computed by the
Stepwise C library (loaded with ctypes; nothing to compile).

    import stepwise
    eng = stepwise.Engine(framework="example-school", rubric="secured-n",
                          params={"times": 2})
    eng.add_pupils([{"id": "P1", "name": "Zoë", "year": 2}])
    eng.add_evidence([{"pupil": "P1", "skill": "curiosity", "step": 3,
                       "date": "2026-01-05"}])
    for row in eng.evaluate():
        print(row["pupil"], row["skill"], row["step"])

The library is found through the `library` argument of Engine, else the
STEPWISE_LIB environment variable, else the system's loader (after
`make install`). Every failure of the library raises StepwiseError with
the library's own messages; see src/python/README.md.
"""
import json
import os
from ctypes import POINTER, byref, c_char_p, c_void_p, string_at

from . import _native
from ._native import SW_EREJECTED, SW_NO_YEAR, SW_OK

__all__ = ["Engine", "StepwiseError", "RejectedError", "version", "load_library"]

_PUPIL_FIELDS = ("id", "name", "year", "class", "school", "groups")
_EVIDENCE_FIELDS = ("pupil", "skill", "step", "date", "outcome", "source", "assessor",
                    "context", "note")


class StepwiseError(Exception):
    """A call of the library failed. `errors` holds every error it reported
    as dicts (message, file, line, column, path; absent parts None) and
    `status` the library's status code (a negative SW_E* number)."""

    def __init__(self, message, errors=(), status=None):
        super().__init__(message)
        self.errors = list(errors)
        self.status = status


class RejectedError(StepwiseError):
    """A pupil or evidence row was refused; `index` is its position in the
    rows given (0-based) and the message the library's reason."""

    def __init__(self, message, index, errors=(), status=SW_EREJECTED):
        super().__init__(message, errors, status)
        self.index = index


def load_library(path=None):
    """Loads the shared library now (path: libstepwise.so.0 to use)."""
    return _native.load(path)


def version():
    """The library's version, such as "0.1.0"."""
    return _native.load().sw_version().decode()


def _c(text):
    """UTF-8 bytes for a C string; None for None."""
    if text is None:
        return None
    if isinstance(text, bytes):
        return text
    return str(text).encode("utf-8")


def _scalar(value):
    """A parameter or attribute value as the library's text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _missing(value):
    """None, an empty text (a CSV reader's empty cell) or a float NaN
    (pandas' empty cell)."""
    return value is None or value == "" or (isinstance(value, float) and value != value)


class _Refused(Exception):
    """A row refused before it reaches the library (the reason)."""


def _whole(value, what):
    """An int from an int, a float with no fraction, or text of digits (a
    CSV cell); _Refused otherwise."""
    if isinstance(value, bool):
        raise _Refused("%s %r is not a whole number" % (what, value))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value == int(value):
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise _Refused("%s %r is not a whole number" % (what, value))


def _rows(rows):
    """Dicts from a list of dicts or a pandas DataFrame (anything with
    to_dict("records")); empty cells (None, NaN) are left out."""
    if hasattr(rows, "to_dict") and not isinstance(rows, dict):
        rows = rows.to_dict("records")
    for row in rows:
        if not isinstance(row, dict):
            raise TypeError("each row must be a dict, not %s" % type(row).__name__)
        yield {str(k): v for k, v in row.items() if not _missing(v)}


class Engine:
    """One Stepwise engine: a framework, a rubric with its parameters, and
    the pupils and evidence to evaluate.

    framework: a bundled framework's id ("skills-builder-v2", the default;
        "skills-builder-v1", "example-school"), a path to a framework .json
        file, or the framework document as a dict.
    rubric: a built-in rubric's name ("highest", the default; "latest",
        "secured-n", "average", "decaying-average") or a path to a .lua file.
    rubric_source: the rubric's Lua text instead of `rubric`.
    params: the rubric's parameters, such as {"times": 3}.
    library: the path of libstepwise.so.0 (default: see load_library).

    An Engine is not safe to use from several threads at once; use one per
    thread. Call close() (or use `with`) to free it at once.
    """

    def __init__(self, framework="skills-builder-v2", rubric=None, params=None, *,
                 rubric_source=None, library=None):
        self._lib = _native.load(library)
        self._ptr = c_void_p()
        status = self._lib.sw_engine_new(byref(self._ptr), None)
        if status != SW_OK:
            self._ptr = None
            raise StepwiseError("cannot create an engine: %s" % self._status(status), (),
                                status)
        try:
            self.load_framework(framework)
            if rubric is not None and rubric_source is not None:
                raise ValueError("give either rubric (a name or path) or rubric_source")
            if rubric_source is not None:
                self.load_rubric_source(rubric_source)
            else:
                self.load_rubric(rubric or "highest")
            if params:
                self.set_params(params)
        except BaseException:
            self.close()
            raise

    # ---- life cycle ----

    def close(self):
        """Frees the engine; it cannot be used afterwards."""
        if self._ptr:
            self._lib.sw_engine_free(self._ptr)
            self._ptr = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    # ---- errors ----

    def _status(self, status):
        return self._lib.sw_status_string(status).decode()

    def _errors(self):
        """The errors of the last call as dicts."""
        out = []
        for i in range(self._lib.sw_engine_error_count(self._handle())):
            e = self._lib.sw_engine_error(self._ptr, i).contents
            dec = lambda b: b.decode("utf-8", "replace") if b is not None else None
            out.append({"message": dec(e.message), "file": dec(e.file),
                        "line": e.line or None, "column": e.column or None,
                        "path": dec(e.path)})
        return out

    @staticmethod
    def _describe(e):
        where = ""
        if e["file"]:
            where = e["file"] + (":%d" % e["line"] if e["line"] else "") + ": "
        if e["path"]:
            where += e["path"] + ": "
        return where + e["message"]

    def _check(self, status, what):
        if status == SW_OK:
            return
        errors = self._errors()
        text = "; ".join(self._describe(e) for e in errors) or self._status(status)
        raise StepwiseError("%s: %s" % (what, text), errors, status)

    def _handle(self):
        if not self._ptr:
            raise ValueError("the engine is closed")
        return self._ptr

    # ---- framework and rubric ----

    def load_framework(self, framework):
        """Replaces the framework (a bundled id, a .json path or a dict);
        the pupils and evidence are emptied."""
        h = self._handle()
        if isinstance(framework, dict):
            text = json.dumps(framework).encode("utf-8")
            status = self._lib.sw_engine_load_framework_buffer(h, text, len(text),
                                                               b"framework")
        elif isinstance(framework, (str, os.PathLike)) and (
                os.sep in str(framework) or str(framework).endswith(".json")):
            status = self._lib.sw_engine_load_framework_file(h, _c(os.fspath(framework)))
        elif isinstance(framework, str):
            status = self._lib.sw_engine_load_framework_builtin(h, _c(framework))
        else:
            raise TypeError("framework must be a bundled id, a path or a dict")
        self._check(status, "framework")

    @property
    def framework(self):
        """The framework as a dict (id, name, skills with their steps, ...)."""
        out = c_void_p()
        self._check(self._lib.sw_framework_json(byref(out),
                                                self._lib.sw_engine_framework(self._handle())),
                    "framework")
        try:
            return json.loads(string_at(out).decode("utf-8"))
        finally:
            self._lib.sw_string_free(self._ptr, out)

    def load_rubric(self, rubric):
        """Loads a built-in rubric by name or a rubric file by path."""
        self._check(self._lib.sw_engine_load_rubric(self._handle(), _c(os.fspath(rubric))),
                    "rubric")

    def load_rubric_source(self, source, name="rubric.lua"):
        """Loads a rubric from its Lua text (`name` is used in messages)."""
        text = _c(source)
        self._check(self._lib.sw_engine_load_rubric_buffer(self._handle(), text, len(text),
                                                           _c(name)), "rubric")

    @property
    def rubric(self):
        """The loaded rubric's name."""
        name = self._lib.sw_engine_rubric_name(self._handle())
        return name.decode() if name is not None else None

    def set_params(self, params):
        """Sets rubric parameters from a dict; each is checked by the rubric."""
        for key, value in params.items():
            self._check(self._lib.sw_engine_set_param(self._handle(), _c(key),
                                                      _c(_scalar(value))),
                        "parameter '%s'" % key)

    # ---- data ----

    def _add(self, rows, make, add, what, on_reject):
        if on_reject not in ("raise", "skip"):
            raise ValueError("on_reject must be 'raise' or 'skip'")
        rejected = []
        for index, row in enumerate(_rows(rows)):
            try:
                data, keep = make(row)
            except _Refused as why:
                status, errors = SW_EREJECTED, [{"message": str(why), "file": None,
                                                 "line": None, "column": None, "path": None}]
            else:
                status = add(self._handle(), byref(data))
                del keep
                errors = self._errors() if status == SW_EREJECTED else []
            if status == SW_EREJECTED:
                reason = errors[0]["message"] if errors else self._status(status)
                if on_reject == "raise":
                    raise RejectedError("%s %d: %s" % (what, index, reason), index, errors)
                rejected.append({"index": index, "reason": reason})
            else:
                self._check(status, what)
        return rejected

    def add_pupils(self, rows, on_reject="raise"):
        """Adds pupils from dicts (or a DataFrame) with id, name, year, class,
        school, groups (a list, or text with ';' between groups); any other
        key is an attribute. A refused row raises RejectedError, or with
        on_reject="skip" is returned in a list of {"index", "reason"}."""
        def make(row):
            groups = row.get("groups", [])
            if isinstance(groups, str):
                groups = [g for g in groups.split(";") if g.strip()]
            extra = [k for k in row if k not in _PUPIL_FIELDS]
            keep = [_c(g) for g in groups] + [_c(k) for k in extra] + \
                   [_c(_scalar(row[k])) for k in extra]
            g_arr = (c_char_p * max(len(groups), 1))(*keep[:len(groups)])
            n_arr = (c_char_p * max(len(extra), 1))(*keep[len(groups):len(groups) + len(extra)])
            v_arr = (c_char_p * max(len(extra), 1))(*keep[len(groups) + len(extra):])
            year = row.get("year")
            if year is not None and year != "":
                year = _whole(year, "year")
            else:
                year = None
            d = _native.PupilData(version=1, id=_c(row.get("id")), name=_c(row.get("name")),
                                  year=SW_NO_YEAR if year is None else year,
                                  class_name=_c(row.get("class")),
                                  school=_c(row.get("school")),
                                  groups=g_arr, group_count=len(groups),
                                  attribute_names=n_arr, attribute_values=v_arr,
                                  attribute_count=len(extra))
            return d, (keep, g_arr, n_arr, v_arr)
        return self._add(rows, make, self._lib.sw_engine_add_pupil, "pupil", on_reject)

    def add_evidence(self, rows, on_reject="raise"):
        """Adds evidence records from dicts (or a DataFrame) with pupil, skill,
        step, date and optionally outcome, source, assessor, context, note.
        Refused rows as for add_pupils."""
        def make(row):
            if row.get("step") is None:
                raise _Refused("missing field 'step'")
            step = _whole(row["step"], "step")
            d = _native.EvidenceData(version=1, step=step,
                                     **{f: _c(row.get(f)) for f in _EVIDENCE_FIELDS
                                        if f != "step"})
            return d, None
        return self._add(rows, make, self._lib.sw_engine_add_evidence, "evidence", on_reject)

    def clear(self):
        """Removes every pupil and record; keeps the framework and rubric."""
        self._check(self._lib.sw_engine_reset_data(self._handle()), "clear")

    # ---- results ----

    def results(self, as_of=None, jobs=0):
        """Evaluates every pupil: one dict per pupil in id order, as a line of
        `stepwise evaluate --format jsonl` (pupil, name, year, class, school,
        skills {skill: {step, note, evidence}}, flags, awards, errors), each
        skill with "error" too: True when the rubric failed for it."""
        out, failure = [], []

        def on_result(result, _payload):
            try:
                text = c_void_p()
                if self._lib.sw_result_json(byref(text), result) != SW_OK:
                    return -3
                try:
                    row = json.loads(string_at(text).decode("utf-8"))
                finally:
                    self._lib.sw_string_free(self._ptr, text)
                for k, skill in enumerate(row["skills"].values()):  # framework order
                    skill["error"] = bool(self._lib.sw_result_has_error(result, k))
                out.append(row)
                return 0
            except BaseException as e:  # raised again below, never across C
                failure.append(e)
                return -1
        opts = _native.EvalOptions(version=1, as_of=_c(as_of), jobs=int(jobs))
        status = self._lib.sw_engine_evaluate(self._handle(), byref(opts),
                                              _native.RESULT_FN(on_result), None, None)
        if failure:
            raise failure[0]
        self._check(status, "evaluate")
        return out

    def evaluate(self, as_of=None, jobs=0, frame=False):
        """Evaluates every pupil: rows of dicts, one per pupil and skill, with
        pupil, skill, step (None when not reached), note and evidence (how
        many records counted), as `stepwise evaluate --format csv`. With
        frame=True, a pandas DataFrame of the same rows."""
        rows = [{"pupil": r["pupil"], "skill": skill, "step": s["step"], "note": s["note"],
                 "evidence": s["evidence"]}
                for r in self.results(as_of, jobs) for skill, s in r["skills"].items()]
        if not frame:
            return rows
        try:
            import pandas
        except ImportError:
            raise ImportError("evaluate(frame=True) needs pandas (apt install python3-pandas)")
        return pandas.DataFrame(rows, columns=["pupil", "skill", "step", "note", "evidence"])
