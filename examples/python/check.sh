#!/bin/sh
# Checks that both Python examples print exactly what the command line
# prints for the example class: `stepwise evaluate --format csv`, with the
# default rubric, a built-in one with a parameter, the example rubrics (notes
# with commas test the CSV quoting) and an as-of date.
# Usage: examples/python/check.sh [STEPWISE] [LIBSTEPWISE.so.0] [CLASS-DIR]
# (defaults: build/stepwise, build/libstepwise.so.0, examples/class-5b)
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
sw=${1:-$root/build/stepwise}
lib=${2:-$root/build/libstepwise.so.0}
class=${3:-$root/examples/class-5b}
rubrics=$root/examples/rubrics
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

# check NAME [RUBRIC OPTIONS...]
check() {
	name=$1
	shift
	data="--pupils $class/pupils.csv --evidence $class/evidence.csv"
	if ! "$sw" evaluate $data --format csv "$@" > "$tmp/cli.csv" 2> "$tmp/cli.err"; then
		echo "FAIL $name: stepwise evaluate failed:"; cat "$tmp/cli.err"
		failed=1
		return
	fi
	if [ "$(wc -l < "$tmp/cli.csv")" -lt 2 ]; then
		echo "FAIL $name: stepwise evaluate printed no results"
		failed=1
		return
	fi
	STEPWISE_LIB=$lib python3 "$here/stepwise_ctypes.py" $data "$@" > "$tmp/ctypes.csv" &&
	python3 "$here/stepwise_serve.py" --stepwise "$sw" $data "$@" > "$tmp/serve.csv" || {
		echo "FAIL $name: an example failed"
		failed=1
		return
	}
	for way in ctypes serve; do
		if cmp -s "$tmp/cli.csv" "$tmp/$way.csv"; then
			echo "ok   $name: $way"
		else
			echo "FAIL $name: $way differs from the command line:"
			diff -u "$tmp/cli.csv" "$tmp/$way.csv" | head -20
			failed=1
		fi
	done
}

check "highest"
check "secured-n times=2" --rubric secured-n --param times=2
check "decaying-average as of 2026-02-15" --rubric decaying-average --as-of 2026-02-15
check "two-contexts" --rubric "$rubrics/two-contexts.lua"
check "teacher-weighted self=0.25" --rubric "$rubrics/teacher-weighted.lua" --param self=0.25
check "awards" --rubric "$rubrics/awards.lua"
[ $failed -eq 0 ] && echo "examples/python: ok"
exit $failed
