#!/usr/bin/env bash
# Renders the HTML report and a passport of the example class in headless
# Chromium and checks that each page loads with no console errors and that
# its charts (SVG) are present and non-empty.
# Usage: tests/html-check.sh PATH/TO/stepwise
# Chromium is Debian's `chromium` package: installed here when missing (as
# root, or with sudo when it asks no password); the test is skipped, with a
# message saying why, only when it cannot be installed. Last line:
# "html-check: N passed, N failed" (or "html-check: SKIPPED ...").
set -u
[ $# -eq 1 ] || { echo "usage: $0 PATH/TO/stepwise" >&2; exit 2; }
SW=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
EX="$ROOT/examples/class-5b"

find_browser() {
	for b in chromium chromium-browser; do
		command -v "$b" >/dev/null 2>&1 && { command -v "$b"; return 0; }
	done
	return 1
}

BROWSER=$(find_browser)
if [ -z "$BROWSER" ]; then
	echo "html-check: chromium is missing; installing Debian's chromium package" >&2
	if [ "$(id -u)" = 0 ]; then
		SUDO=""
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		SUDO="sudo -n"
	else
		SUDO=none
	fi
	if [ "$SUDO" != none ] && command -v apt-get >/dev/null 2>&1; then
		export DEBIAN_FRONTEND=noninteractive
		$SUDO apt-get update -qq >/dev/null 2>&1
		$SUDO apt-get install -y -qq chromium >/dev/null 2>&1
	fi
	BROWSER=$(find_browser)
	if [ -z "$BROWSER" ]; then
		why="no apt-get"
		[ "$SUDO" = none ] && why="not root and no password-less sudo"
		command -v apt-get >/dev/null 2>&1 && [ "$SUDO" != none ] && why="apt-get install chromium failed"
		echo "html-check: SKIPPED: chromium is not installed and could not be installed ($why)"
		exit 0
	fi
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

# Runs Chromium headless on a file: the DOM goes to $2, its log to $3.
render() {
	local profile
	profile=$(mktemp -d "$work/profile.XXXXXX")
	timeout 120 "$BROWSER" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--disable-extensions --user-data-dir="$profile" --enable-logging=stderr --v=0 \
		--dump-dom "file://$1" >"$2" 2>"$3"
}

# Console messages, as Chromium logs them ("...:INFO:CONSOLE:1] "text", source: ...").
# Chromium logs every console level as INFO, and the pages have no scripts,
# so any console message at all counts as an error.
console_errors() {
	grep -E ':CONSOLE[:(]' "$1" || true
}

# Checks every <svg> of a DOM holds at least one shape; prints "svgs shapes empty".
svg_counts() {
	awk 'BEGIN { RS = "<svg"; svgs = 0; shapes = 0; empty = 0 }
	NR > 1 {
		body = $0; end = index(body, "</svg>"); if (end) body = substr(body, 1, end)
		n = gsub(/<(rect|line|polygon|circle|path)[ >\/]/, "&", body)
		svgs++; shapes += n; if (n == 0) empty++
	}
	END { print svgs, shapes, empty }' "$1"
}

# Checks one page: loads, no console errors, >= min_svgs charts, none empty.
check_page() {
	local name=$1 file=$2 min_svgs=$3
	if ! render "$file" "$work/$name.dom" "$work/$name.log"; then
		bad "$name: chromium failed to render $file"
		sed 's/^/    /' "$work/$name.log" | tail -20
		return
	fi
	if ! grep -q '</html>' "$work/$name.dom"; then
		bad "$name: the page did not load (no DOM)"
		return
	fi
	ok
	local errs
	errs=$(console_errors "$work/$name.log")
	if [ -n "$errs" ]; then
		bad "$name: console errors:"
		printf '%s\n' "$errs" | sed 's/^/    /' | head -20
	else
		ok
	fi
	read -r svgs shapes empty < <(svg_counts "$work/$name.dom")
	if [ "$svgs" -lt "$min_svgs" ] || [ "$empty" -ne 0 ] || [ "$shapes" -eq 0 ]; then
		bad "$name: charts: $svgs svg elements (at least $min_svgs wanted), $shapes shapes, $empty empty"
	else
		ok
	fi
	if grep -q -i -E '<script|src="http|href="http|@import|url\(http' "$file"; then
		bad "$name: the file is not self-contained (scripts or external resources)"
	else
		ok
	fi
}

# Accessibility in Chromium at 390 px wide (tests/a11y-check.js, appended to a
# copy of the page): accessible names of charts, captions and scope, contrast
# of at least 4.5:1, no text under 10 px, the expected-step marker by shape.
a11y_check() {
	local name=$1 file=$2 copy="$work/$1.a11y.html" profile
	{ cat "$file"; printf '<script>\n'; cat "$ROOT/tests/a11y-check.js"; printf '</script>\n'; } >"$copy"
	profile=$(mktemp -d "$work/profile.XXXXXX")
	timeout 120 "$BROWSER" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--disable-extensions --user-data-dir="$profile" --window-size=390,800 \
		--dump-dom "file://$copy" >"$work/$name.a11y.dom" 2>/dev/null
	local result
	result=$(sed -n '/<pre id="a11y-result">/,/<\/pre>/p' "$work/$name.a11y.dom" |
		sed -e 's/.*<pre id="a11y-result">//' -e 's/<\/pre>.*//')
	if ! printf '%s\n' "$result" | grep -q '^checked [1-9]'; then
		bad "$name: the accessibility check did not run"
	elif printf '%s\n' "$result" | grep -q '^FAIL'; then
		bad "$name: accessibility:"
		printf '%s\n' "$result" | grep '^FAIL' | sort | uniq -c | head -20 | sed 's/^/    /'
	else
		ok
	fi
}

# 0. The checker itself sees a console error when there is one.
printf '<!DOCTYPE html><html><body><script>console.error("html-check probe")</script></body></html>\n' \
	>"$work/probe.html"
render "$work/probe.html" "$work/probe.dom" "$work/probe.log"
if console_errors "$work/probe.log" | grep -q 'html-check probe'; then
	ok
else
	bad "probe: console errors cannot be seen in Chromium's log"
	sed 's/^/    /' "$work/probe.log" | tail -10
fi

# 1. The report of the example class, with every chart: means, heat maps
#    (4 groups), gap and progress.
if "$SW" report --pupils "$EX/pupils.csv" --evidence "$EX/evidence.csv" --by group \
	--min-group 1 --terms --gap pupil-premium --from 2026-01-31 --to 2026-03-31 -o "$work/report.html" 2>"$work/report.err"; then
	ok
	# 4 heat maps + 1 gap + 4 progress charts, and the small mean bars of the grid
	check_page report "$work/report.html" 9
	a11y_check report "$work/report.html"
	grep -q 'class="expected"' "$work/report.html" && ok || bad "report: no expected step marked"
	grep -q 'class="arrow"' "$work/report.html" && ok || bad "report: no progress arrow"
	grep -q 'Skills Builder Universal Framework' "$work/report.html" && grep -q 'evidence.csv' \
		"$work/report.html" && ok || bad "report: framework or reconciliation missing"
else
	bad "report: stepwise report failed"
	sed 's/^/    /' "$work/report.err"
fi

# 1a. The two-school report with grids per school, suppressed cells, the gap in
#     points and the support list (tests/fixtures/trust2).
T2="$ROOT/tests/fixtures/trust2"
if "$SW" report --framework "$T2/fw.json" --pupils "$T2/pupils.csv" --evidence "$T2/evidence.csv" \
	--by school,class --gap pp --with-support -o "$work/trust.html" 2>"$work/trust.err"; then
	ok
	check_page trust "$work/trust.html" 1
	a11y_check trust "$work/trust.html"
	grep -q 'class="na"' "$work/trust.html" && ok || bad "trust: no withheld cell"
else
	bad "trust: stepwise report failed"
	sed 's/^/    /' "$work/trust.err"
fi

# 1b. The accessibility checker finds problems when there are some.
printf '<!DOCTYPE html><html><body><p style="color:#aaa">faint</p><table><tr><th>x</th></tr></table><svg><rect width="5" height="5"/></svg></body></html>\n' >"$work/bad.html"
a11y_check bad-probe "$work/bad.html" 2>/dev/null >"$work/bad.out"
if grep -q 'contrast' "$work/bad.out" && grep -q 'caption' "$work/bad.out" && grep -q 'accessible name' "$work/bad.out"; then
	fail=$((fail - 1)); ok
else
	bad "a11y probe: the checker missed faint text, a table without caption or an unnamed chart"
	sed 's/^/    /' "$work/bad.out"
fi

# 2. A passport: one ladder per skill.
if "$SW" passport --pupils "$EX/pupils.csv" --evidence "$EX/evidence.csv" --pupil P003 \
	--from 2026-01-31 -o "$work/passport.html" 2>"$work/passport.err"; then
	ok
	check_page passport "$work/passport.html" 8
	a11y_check passport "$work/passport.html"
else
	bad "passport: stepwise passport failed"
	sed 's/^/    /' "$work/passport.err"
fi

echo "html-check: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
