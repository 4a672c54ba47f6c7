#!/bin/sh
# run-suite.sh PHASE BINARY... - run cmocka test programs, one line each, and add their
# counts to the totals file named by $SUITE_TOTALS ("passed failed" on one line).
#
# A program that crashes or prints no cmocka summary counts as one failed test: a test that
# could not report is not a pass. SUITE_JOBS=N runs N programs at a time.
set -u
phase=$1
shift
totals=${SUITE_TOTALS:?SUITE_TOTALS must name the totals file}
logdir=${SUITE_LOGS:-build/test-logs}
mkdir -p "$logdir"
[ -f "$totals" ] || echo "0 0" > "$totals"
read -r passed failed < "$totals"

# run_one BIN: its output to the log, its exit status and seconds to LOG.rc. A program that
# hangs is stopped after SUITE_TIMEOUT seconds (default 900) and fails: CI must end. In the
# foreground process group, so Ctrl-C still reaches it; the harness's children die with it.
# SUITE_WRAP, when set, is a command each program runs under (tests/integration/isolate.sh:
# suites side by side must not share /dev/shm, where jack2 names a client's socket after the
# client alone, so two daemons both called jmixd-it0 took each other's).
run_one() {
	log="$logdir/$phase-$(basename "$1").log"
	start=$(date +%s)
	# shellcheck disable=SC2086 # SUITE_WRAP is one command without spaces in it
	timeout --foreground -k 10 "${SUITE_TIMEOUT:-900}" ${SUITE_WRAP:-} "$1" > "$log" 2>&1
	rc=$?
	[ "$rc" -eq 124 ] && echo "ERROR: timed out after ${SUITE_TIMEOUT:-900} s (run-suite.sh)" >> "$log"
	echo "$rc $(( $(date +%s) - start ))" > "$log.rc"
}
if [ "$phase" = --run-one ]; then   # the parallel runner's worker: --run-one PHASE BIN
	phase=$1
	run_one "$2"
	exit 0
fi

# SUITE_JOBS=N runs N programs at a time (CPU-bound unit tests under qemu); the lines come out
# in the order given all the same.
jobs=${SUITE_JOBS:-1}
if [ "$jobs" -gt 1 ]; then
	printf '%s\n' "$@" | SUITE_LOGS="$logdir" xargs -P "$jobs" -I {} "$0" --run-one "$phase" {}
fi

for bin in "$@"; do
	name=$(basename "$bin")
	log="$logdir/$phase-$name.log"
	[ "$jobs" -gt 1 ] || run_one "$bin"
	read -r rc secs < "$log.rc"
	rm -f "$log.rc"
	# A program may run several cmocka groups: add up every group's summary.
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\..*/\1/p' "$log" | awk '{s += $1} END {print s + 0}')
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s).*/\1/p' "$log" | awk '{s += $1} END {print s + 0}')
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		f=1
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		# Passed every test it reported, then died (a sanitizer at exit, a leak): a failure.
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -eq 0 ]; then
		printf '  ok    %-10s %-28s %3d passed  (%ss)\n' "$phase" "$name" "$p" "$secs"
	else
		printf '  FAIL  %-10s %-28s %3d passed, %d failed (rc %d, %ss) -> %s\n' \
			"$phase" "$name" "$p" "$f" "$rc" "$secs" "$log"
		grep -E '^\[  (ERROR|FAILED|  LINE)|ERROR: |runtime error|rtguard|Sanitizer' "$log" | head -n 20 | sed 's/^/        /'
	fi
done
echo "$passed $failed" > "$totals"
