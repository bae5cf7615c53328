#!/bin/sh
# Installs what Stepwise needs to build and test, from Debian's packages.
# The Makefile runs this by itself when pkg-config cannot find the libraries.
set -eu
PACKAGES="build-essential pkg-config liblua5.4-dev libcjson-dev libutf8proc-dev uuid-dev python3 python3-jsonschema valgrind locales python3-cffi libmicrohttpd-dev python3-pytest python3-pip libseccomp-dev"
if [ "${1:-}" = "--fuzz" ]; then
	# only for `make fuzz`: clang with libFuzzer
	PACKAGES="clang libclang-rt-dev"
fi
if [ "${1:-}" = "--list" ]; then
	echo "$PACKAGES"
	exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "install-deps: apt-get is not available on this system." >&2
	echo "install-deps: install these (Debian names) with your package manager: $PACKAGES" >&2
	echo "install-deps: they must be visible to pkg-config as: lua5.4 libcjson libutf8proc uuid libmicrohttpd libseccomp" >&2
	exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		echo "install-deps: not root and no sudo; as root run: apt-get install $PACKAGES" >&2
		exit 1
	fi
fi
echo "install-deps: installing $PACKAGES" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $PACKAGES >&2
