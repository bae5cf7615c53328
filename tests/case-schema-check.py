#!/usr/bin/python3
"""Validates CASE packages against a JSON schema (Debian's python3-jsonschema).

Usage: case-schema-check.py SCHEMA.json PACKAGE.json...
Prints "PACKAGE: valid" for each, or the first error with its path; exit 1
when any is invalid. Formats are checked where jsonschema has a checker.
"""
import json
import sys

import jsonschema


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 1
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    validator_class = jsonschema.validators.validator_for(schema)
    validator = validator_class(schema, format_checker=jsonschema.FormatChecker())
    status = 0
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as f:
            package = json.load(f)
        error = jsonschema.exceptions.best_match(validator.iter_errors(package))
        if error is None:
            print(f"{path}: valid")
        else:
            where = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}"
                                  for p in error.absolute_path)
            print(f"{path}: invalid: {where}: {error.message}")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
