#!/usr/bin/env bash
# Runs the data-driven command-line cases in tests/cases/*.test.
# Usage: tests/run-cases.sh PATH/TO/stepwise [CASE-FILE...]
#
# A case file holds header lines, then sections:
#   # a comment                  (anywhere before the first section)
#   args: validate broken.json   the command line after `stepwise` (bash words;
#                                $ROOT is the repository, $FIX tests/fixtures,
#                                $SW the binary; pipes are allowed)
#   exit: 1                      the expected exit code (default 0)
#   --- file NAME                a file written into the case's folder
#   --- stdin                    what the command reads on standard input
#   --- stdout                   expected standard output, exactly
#   --- stderr                   expected standard error, exactly
#   --- outfile NAME             expected contents of a file the command writes
# A section that is not given is not checked. The command runs in a fresh
# temporary folder holding the files. The last line is "N passed, N failed".
# Cases run CASE_JOBS at a time (default: the number of processors); failures
# are printed in the order of the case files.
set -u
SW_BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FIX="$ROOT/tests/fixtures"
export ROOT FIX
cases=("$@")
[ ${#cases[@]} -eq 0 ] && cases=("$ROOT"/tests/cases/*.test)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Runs one case; leaves "$work/NAME.ok" or "$work/NAME.fail" (the report).
run_one() {
	local c=$1 name dir exp args want_exit section target line got_exit ok msg s f
	name=$(basename "$c" .test)
	dir="$work/$name"
	exp="$work/$name.expected"
	mkdir -p "$dir" "$exp"
	args=""
	want_exit=0
	section=""
	target=""
	while IFS= read -r line || [ -n "$line" ]; do
		if [[ "$line" == "--- "* ]]; then
			set -- ${line#--- }
			section=$1
			case "$section" in
			file) target="$dir/$2" ;;
			outfile) target="$exp/out.$2"; echo "$2" >> "$exp/outfiles" ;;
			stdin|stdout|stderr) target="$exp/$section" ;;
			*) echo "$name: unknown section '$section'"; section="" ; continue ;;
			esac
			mkdir -p "$(dirname "$target")"
			: > "$target"
			continue
		fi
		if [ -z "$section" ]; then
			case "$line" in
			args:*) args=${line#args:} ;;
			exit:*) want_exit=${line#exit:}; want_exit=${want_exit// /} ;;
			'#'*|'') ;;
			*) echo "$name: cannot read header line: $line" ;;
			esac
		else
			printf '%s\n' "$line" >> "$target"
		fi
	done < "$c"
	[ -f "$exp/stdin" ] || : > "$exp/stdin"
	(
		cd "$dir" || exit 99
		SW="${STEPWISE_WRAP:-} $SW_BIN"
		export SW
		eval "stepwise() { \$SW \"\$@\"; }"
		eval "stepwise $args" < "$exp/stdin" > "$exp/got.stdout" 2> "$exp/got.stderr"
	)
	got_exit=$?
	ok=1
	msg=""
	if [ "$got_exit" != "$want_exit" ]; then
		ok=0
		msg+="exit code: expected $want_exit, got $got_exit"$'\n'
	fi
	for s in stdout stderr; do
		if [ -f "$exp/$s" ] && ! cmp -s "$exp/$s" "$exp/got.$s"; then
			ok=0
			msg+="$s differs:"$'\n'"$(diff -u "$exp/$s" "$exp/got.$s" | tail -n +3 | head -40)"$'\n'
		fi
	done
	if [ -f "$exp/outfiles" ]; then
		while read -r f; do
			if [ ! -f "$dir/$f" ]; then
				ok=0
				msg+="file $f was not written"$'\n'
			elif ! cmp -s "$exp/out.$f" "$dir/$f"; then
				ok=0
				msg+="file $f differs:"$'\n'"$(diff -u "$exp/out.$f" "$dir/$f" | tail -n +3 | head -40)"$'\n'
			fi
		done < "$exp/outfiles"
	fi
	if [ $ok = 1 ]; then
		: > "$work/$name.ok"
	else
		{
			echo "FAIL $name ($c)"
			printf '%s' "$msg" | sed 's/^/    /'
			if [ ! -f "$exp/stderr" ] && [ -s "$exp/got.stderr" ]; then
				echo "    stderr was:"
				head -20 "$exp/got.stderr" | sed 's/^/    /'
			fi
		} > "$work/$name.fail"
	fi
}

jobs_max=${CASE_JOBS:-$(nproc 2>/dev/null || echo 1)}
running=0
for c in "${cases[@]}"; do
	run_one "$c" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs_max" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait
pass=0
fail=0
for c in "${cases[@]}"; do
	name=$(basename "$c" .test)
	if [ -f "$work/$name.ok" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		if [ -f "$work/$name.fail" ]; then
			cat "$work/$name.fail"
		else
			echo "FAIL $name ($c): the runner did not finish this case"
		fi
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
