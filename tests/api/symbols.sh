#!/bin/sh
# The symbol test: the shared library exports only sw_ symbols (everything
# else is hidden by -fvisibility=hidden), and every function the header
# declares with SW_API is exported.
# Usage: tests/api/symbols.sh [build/libstepwise.so.0] [include/stepwise.h]
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
lib=${1:-$root/build/libstepwise.so.0}
header=${2:-$root/include/stepwise.h}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

nm -D --defined-only "$lib" | awk '{ print $NF }' | sort -u > "$tmp/exported"
[ -s "$tmp/exported" ] || { echo "symbols: FAIL: nothing exported by $lib"; exit 1; }
grep -v '^sw_' "$tmp/exported" > "$tmp/foreign" || true
# the names the header declares: SW_API ... sw_name( on one line or the next
tr '\n' ' ' < "$header" | grep -o 'SW_API[^;(]*sw_[a-z0-9_]*(' |
	grep -o 'sw_[a-z0-9_]*($' | tr -d '(' | sort -u > "$tmp/declared"
comm -23 "$tmp/declared" "$tmp/exported" > "$tmp/missing"
comm -13 "$tmp/declared" "$tmp/exported" | grep '^sw_' > "$tmp/undeclared" || true

status=0
if [ -s "$tmp/foreign" ]; then
	echo "symbols: FAIL: $lib exports symbols without the sw_ prefix:"
	sed 's/^/  /' "$tmp/foreign"
	status=1
fi
if [ -s "$tmp/missing" ]; then
	echo "symbols: FAIL: declared in $(basename "$header") but not exported:"
	sed 's/^/  /' "$tmp/missing"
	status=1
fi
if [ -s "$tmp/undeclared" ]; then
	echo "symbols: FAIL: exported but not declared in $(basename "$header"):"
	sed 's/^/  /' "$tmp/undeclared"
	status=1
fi
[ $status -eq 0 ] && echo "symbols: ok ($(wc -l < "$tmp/exported") sw_ symbols, all declared)"
exit $status
