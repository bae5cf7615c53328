#!/bin/sh
# The FFI header: include/stepwise_ffi.h is what scripts/ffi-header.py makes
# of include/stepwise.h (run it again after changing the header), and
# Python's cffi reads it as it is and drives the shared library with it.
# Usage: tests/api/ffi-check.sh [build/libstepwise.so.0]
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
lib=${1:-$root/build/libstepwise.so.0}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 "$root/scripts/ffi-header.py" "$root/include/stepwise.h" > "$tmp/ffi.h"
if ! cmp -s "$tmp/ffi.h" "$root/include/stepwise_ffi.h"; then
	echo "ffi-check: FAIL: include/stepwise_ffi.h is out of date; make it again with" >&2
	echo "  scripts/ffi-header.py include/stepwise.h > include/stepwise_ffi.h" >&2
	diff "$root/include/stepwise_ffi.h" "$tmp/ffi.h" | head -20 >&2
	exit 1
fi
/usr/bin/python3 - "$root/include/stepwise_ffi.h" "$lib" <<'PY'
import sys
import cffi

ffi = cffi.FFI()
ffi.cdef(open(sys.argv[1]).read())
lib = ffi.dlopen(sys.argv[2])
assert ffi.string(lib.sw_version()).decode() == "%d.%d.%d" % (
    lib.SW_VERSION_MAJOR, lib.SW_VERSION_MINOR, lib.SW_VERSION_PATCH)
assert lib.SW_EUSER == -9
opts = ffi.new("sw_engine_options *")
assert lib.sw_engine_options_init(opts, lib.SW_ENGINE_OPTIONS_VERSION) == lib.SW_OK
printed = []

@ffi.callback("int(const char *, size_t, void *)")
def on_print(data, n, payload):
    printed.append(ffi.unpack(data, n).decode())
    return 0

opts.print_fn = on_print
eng = ffi.new("sw_engine **")
assert lib.sw_engine_new(eng, opts) == lib.SW_OK
e = eng[0]
assert lib.sw_engine_load_framework_builtin(e, b"example-school") == lib.SW_OK
src = b"return { name = 'p', skill = function(ev, ctx) print(ctx.skill.id) return { step = 2 } end }"
assert lib.sw_engine_load_rubric_buffer(e, src, len(src), b"p.lua") == lib.SW_OK
p = ffi.new("sw_pupil_data *")
assert lib.sw_pupil_data_init(p, lib.SW_PUPIL_DATA_VERSION) == lib.SW_OK
pid = ffi.new("char[]", b"P1")
p.id = pid
assert lib.sw_engine_add_pupil(e, p) == lib.SW_OK
seen = []

@ffi.callback("int(const sw_result *, void *)")
def on_result(r, payload):
    step = ffi.new("int *")
    assert lib.sw_result_has_step(step, r, 0) == 1
    seen.append((ffi.string(lib.sw_result_pupil(r)).decode(), step[0]))
    return 5  # stop: comes back as SW_EUSER with 5 kept

assert lib.sw_engine_evaluate(e, ffi.NULL, on_result, ffi.NULL, ffi.NULL) == lib.SW_EUSER
assert lib.sw_engine_user_status(e) == 5
assert seen == [("P1", 2)], seen
assert printed and printed[0].startswith("p.lua:1: curiosity"), printed
lib.sw_engine_free(e)
print("ffi-check: ok (cffi read stepwise_ffi.h and evaluated a pupil through it)")
PY
