#!/bin/sh
# The symbol test: the shared library exports only sw_ symbols (everything
# else is hidden by -fvisibility=hidden and the version script), each under
# the version node STEPWISE_<soname>, and every function the header declares
# with SW_API is exported. Given the installed static library too, its
# global symbols must be exactly the header's functions.
# Usage: tests/api/symbols.sh [build/libstepwise.so.0] [include/stepwise.h] [build/dist/libstepwise.a]
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
lib=${1:-$root/build/libstepwise.so.0}
header=${2:-$root/include/stepwise.h}
archive=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

nm -D --defined-only "$lib" | awk '{ print $NF }' | grep -v '^STEPWISE_' > "$tmp/versioned"
sed 's/@.*//' "$tmp/versioned" | sort -u > "$tmp/exported"
soversion=$(sed -n 's/^#define SW_SOVERSION \([0-9]*\).*/\1/p' "$header")
grep -v "@@STEPWISE_$soversion\$" "$tmp/versioned" > "$tmp/unversioned" || true
[ -s "$tmp/exported" ] || { echo "symbols: FAIL: nothing exported by $lib"; exit 1; }
grep -v '^sw_' "$tmp/exported" > "$tmp/foreign" || true
# the names the header declares: SW_API ... sw_name( on one line or the next
tr '\n' ' ' < "$header" | grep -o 'SW_API[^;(]*sw_[a-z0-9_]*(' |
	grep -o 'sw_[a-z0-9_]*($' | tr -d '(' | sort -u > "$tmp/declared"
comm -23 "$tmp/declared" "$tmp/exported" > "$tmp/missing"
comm -13 "$tmp/declared" "$tmp/exported" | grep '^sw_' > "$tmp/undeclared" || true

status=0
if [ -s "$tmp/unversioned" ]; then
	echo "symbols: FAIL: exported without the version node STEPWISE_$soversion:"
	sed 's/^/  /' "$tmp/unversioned"
	status=1
fi
if [ -n "$archive" ]; then
	nm -g --defined-only "$archive" | awk 'NF == 3 { print $3 }' | sort -u > "$tmp/static"
	if ! cmp -s "$tmp/static" "$tmp/declared"; then
		echo "symbols: FAIL: the global symbols of $archive are not the header's functions:"
		diff "$tmp/declared" "$tmp/static" | sed -n 's/^[<>]/ &/p'
		status=1
	fi
fi
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
[ $status -eq 0 ] && echo "symbols: ok ($(wc -l < "$tmp/exported") sw_ symbols, all declared${archive:+, and only they are global in $(basename "$archive")})"
exit $status
