"""Shared helpers for the service tests (pytest): the stepwise binary under
test (STEPWISE, default build/asan/stepwise), the protocol's JSON Schema
and a check that a request and its response follow it. (Not named
conftest.py: src/python/tests has one of its own.)"""
import json
import os
import pathlib

import jsonschema

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "tests/service/protocol.schema.json").read_text())
OPS = ["ping", "framework", "load_framework", "evaluate", "load_rubric", "set_params",
       "check_rubric", "rubrics", "summary"]


def stepwise_bin():
    return os.environ.get("STEPWISE", str(ROOT / "build/asan/stepwise"))


def validator(name):
    """A validator for $defs/NAME of the protocol schema."""
    sub = {"$schema": SCHEMA["$schema"], "$defs": SCHEMA["$defs"], "$ref": "#/$defs/" + name}
    return jsonschema.Draft202012Validator(sub)


VALIDATORS = {n: validator(n) for n in SCHEMA["$defs"] if n.startswith(("request_", "response_"))}


def check_exchange(request, response):
    """Asserts that a response follows the schema: an answered request must
    itself follow the schema of its op, and its response that op's."""
    assert isinstance(response, dict), response
    if not response.get("ok"):
        VALIDATORS["response_error"].validate(response)
        return
    op = request["op"]
    VALIDATORS["request_" + op].validate(request)
    VALIDATORS["response_" + op].validate(response)
    jsonschema.Draft202012Validator(SCHEMA).validate(request)
