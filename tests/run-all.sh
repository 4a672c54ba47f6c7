#!/bin/sh
# run-all.sh - the whole test suite, as `make test` runs it:
#   1. unit tests (cmocka, offline)
#   2. integration tests: a private jackd, the real jmixd, real JACK and OSC clients
#   3. the same integration tests with tests/rtguard preloaded: any allocation, lock, sleep
#      or I/O inside the JACK process callback aborts the daemon
#   4. unit and integration tests built with AddressSanitizer, then UndefinedBehaviorSanitizer
#   5. static checks (make check)
# Ends with one line "N passed, N failed"; exits non-zero when anything failed.
set -u
cd "$(dirname "$0")/.." || exit 2
JOBS=${JOBS:-2}
totals=$(mktemp)
echo "0 0" > "$totals"
export SUITE_TOTALS="$totals"
isolate=tests/integration/isolate.sh

phase_build() {
	# A build failure is a failed test: the suite must not pass on what it could not build.
	if ! make -s -j"$JOBS" "$@" > build-phase.log 2>&1; then
		echo "  FAIL  build: make $*"
		tail -n 30 build-phase.log | sed 's/^/        /'
		read -r p f < "$totals"
		echo "$p $((f + 1))" > "$totals"
		rm -f build-phase.log
		return 1
	fi
	rm -f build-phase.log
}

run_variant() {   # run_variant NAME BUILD_DIR [env...]
	name=$1 dir=$2
	shift 2
	[ -d "$dir/tests" ] && tests/run-suite.sh "$name" "$dir"/tests/test_*
	if [ -d "$dir/itests" ]; then
		env JMIXD_BIN="$dir/jmixd" "$@" "$isolate" tests/run-suite.sh "$name-int" "$dir"/itests/test_*
	fi
}

echo "== unit and integration tests"
if phase_build all unit itests; then
	run_variant plain build
	if phase_build rtguard; then
		echo "== integration tests under the RT guard (tests/rtguard.c)"
		env JMIXD_BIN=build/jmixd JMIXD_PRELOAD="$PWD/build/librtguard.so" \
			"$isolate" tests/run-suite.sh rtguard build/itests/test_*
	fi
fi

if [ "${SKIP_SANITIZERS:-0}" != 1 ]; then
	for san in asan ubsan; do
		echo "== $san build"
		if phase_build SAN=$san all unit itests; then
			run_variant "$san" "build-$san" ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
				UBSAN_OPTIONS=print_stacktrace=1
		fi
	done
fi

echo "== static checks"
if make -s check > build/check.log 2>&1; then
	echo "  ok    check"
	read -r p f < "$totals"
	echo "$((p + 1)) $f" > "$totals"
else
	echo "  FAIL  check (build/check.log)"
	tail -n 20 build/check.log | sed 's/^/        /'
	read -r p f < "$totals"
	echo "$p $((f + 1))" > "$totals"
fi

read -r passed failed < "$totals"
rm -f "$totals"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
