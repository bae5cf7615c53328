#!/bin/sh
# The install test: `make install` into a temporary root, then build and run
# examples/embed against that install only (its header, its stepwise.pc and
# its shared library), and run the Python examples against its library and
# program. Usage: tests/api/install-test.sh (from anywhere; uses `make`).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/root

fail() {
	echo "install-test: FAIL: $*" >&2
	exit 1
}

# A plain `make` first (PREFIX /usr/local), then install under another PREFIX:
# what has the prefix compiled in must be rebuilt.
make -s -C "$root" all > "$tmp/make.log" 2>&1 || { cat "$tmp/make.log" >&2; fail "make"; }
make -s -C "$root" install DESTDIR="$dest" PREFIX=/usr > "$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log" >&2; fail "make install"; }
grep -q '/usr/share/stepwise/examples' "$dest/usr/bin/stepwise" ||
	fail "the installed stepwise does not look under /usr/share/stepwise"
! grep -q '/usr/local/share/stepwise' "$dest/usr/bin/stepwise" ||
	fail "the installed stepwise still looks under /usr/local after PREFIX=/usr"

version=$(sed -n 's/^#define SW_VERSION_STRING "\(.*\)"/\1/p' "$root/include/stepwise.h")
for f in bin/stepwise include/stepwise.h lib/libstepwise.a lib/libstepwise.so.0 lib/libstepwise.so.$version \
	lib/libstepwise.so lib/pkgconfig/stepwise.pc share/stepwise/stepwise.lua \
	share/stepwise/frameworks/skills-builder-v2.json share/stepwise/rubrics/highest.lua \
	share/stepwise/examples/class-5b/pupils.csv share/stepwise/examples/class-5b/evidence.csv; do
	[ -e "$dest/usr/$f" ] || fail "not installed: $f"
done
[ "$(readlink "$dest/usr/lib/libstepwise.so")" = libstepwise.so.0 ] ||
	fail "lib/libstepwise.so does not point to libstepwise.so.0"
[ "$(readlink "$dest/usr/lib/libstepwise.so.0")" = "libstepwise.so.$version" ] ||
	fail "lib/libstepwise.so.0 does not point to libstepwise.so.$version"
[ -f "$dest/usr/lib/libstepwise.so.$version" ] && [ ! -L "$dest/usr/lib/libstepwise.so.$version" ] ||
	fail "lib/libstepwise.so.$version is not the library file"
soname=$(objdump -p "$dest/usr/lib/libstepwise.so.$version" | awk '$1 == "SONAME" { print $2 }')
[ "$soname" = libstepwise.so.0 ] || fail "soname is '$soname'"

# pkg-config sees only the staged install (PKG_CONFIG_SYSROOT_DIR maps its
# /usr paths into the staging root).
PKG_CONFIG_PATH=$dest/usr/lib/pkgconfig
PKG_CONFIG_SYSROOT_DIR=$dest
LD_LIBRARY_PATH=$dest/usr/lib
export PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR LD_LIBRARY_PATH
header_version=$(sed -n 's/^#define SW_VERSION_STRING "\(.*\)"/\1/p' "$dest/usr/include/stepwise.h")
[ "$(pkg-config --modversion stepwise)" = "$header_version" ] ||
	fail "pkg-config version $(pkg-config --modversion stepwise) is not $header_version"
case "$(pkg-config --cflags --libs stepwise)" in
*"-I$dest/usr/include"*"-L$dest/usr/lib"*) ;;
*) fail "pkg-config does not point into the install: $(pkg-config --cflags --libs stepwise)" ;;
esac

# The Cflags need no other package's .pc file (the header includes only the C
# library's headers) and define nothing of theirs.
cflags=$(PKG_CONFIG_LIBDIR=$dest/usr/lib/pkgconfig pkg-config --cflags stepwise) ||
	fail "pkg-config --cflags stepwise needs other packages' .pc files"
case "$cflags" in
*-D*) fail "the Cflags define something: $cflags" ;;
esac
# The installed static library links on its own with the static Libs.
${CC:-cc} -std=c11 -o "$tmp/embed-static" "$root/examples/embed/embed.c" $cflags \
	"$dest/usr/lib/libstepwise.a" $(pkg-config --libs-only-other --libs-only-l --static stepwise | sed 's/-lstepwise//') ||
	fail "examples/embed does not link with the installed libstepwise.a"
"$tmp/embed-static" "$root/examples/rubrics/awards.lua" > "$tmp/embed-static.out" &&
	cmp -s "$tmp/embed-static.out" "$root/examples/embed/expected.txt" ||
	fail "examples/embed linked statically does not give examples/embed/expected.txt"

# The example, built with its own Makefile, and checked against its expected output.
make -s -C "$root/examples/embed" OUT="$tmp" check > "$tmp/embed.log" 2>&1 ||
	{ cat "$tmp/embed.log" >&2; fail "examples/embed"; }
# It used the installed header and library, not the source tree's.
${CC:-cc} -M "$root/examples/embed/embed.c" $(pkg-config --cflags stepwise) | grep -q "$dest/usr/include/stepwise.h" ||
	fail "examples/embed did not use the installed header"
ldd "$tmp/embed" | grep -q "libstepwise.so.0 => $dest/usr/lib/libstepwise.so.0" ||
	fail "examples/embed does not load the installed library: $(ldd "$tmp/embed" | grep stepwise)"
echo "install-test: examples/embed built and run against the install"

# The installed program and library drive the Python examples on the installed class.
"$root/examples/python/check.sh" "$dest/usr/bin/stepwise" "$dest/usr/lib/libstepwise.so.0" \
	"$dest/usr/share/stepwise/examples/class-5b" > "$tmp/python.log" 2>&1 ||
	{ cat "$tmp/python.log" >&2; fail "examples/python against the install"; }
echo "install-test: examples/python agree with the installed stepwise"
echo "install-test: ok"
