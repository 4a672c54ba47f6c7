#!/bin/sh
# run-all.sh - the whole test suite, as `make test` runs it:
#   1. unit tests (cmocka, offline)
#   2. integration tests: a private jackd, the real jmixd, real JACK and OSC clients
#      then a stage box and two desks over netjack2 in network namespaces (root only, plain)
#   3. the quick integration tests with tests/rtguard preloaded: any allocation, lock, sleep
#      or I/O inside the JACK process callback aborts the daemon
#   4. the same with a daemon built by clang's RealtimeSanitizer (when clang >= 20 is
#      installed), and canaries proving both real-time checkers catch a malloc
#   5. unit and quick integration tests built with AddressSanitizer and
#      UndefinedBehaviorSanitizer together
#   6. 40 s of libFuzzer over the OSC input path (FUZZ_SECONDS to change) and, beside it on
#      the other core, 20 s over the config loader and the state/scene files
#      (FUZZ_CONFIG_SECONDS) then 10 s over the MIDI input path (FUZZ_MIDI_SECONDS); none of
#      them if FUZZ_SECONDS=0
#   7. static checks (make check)
# Ends with one line "N passed, N failed"; exits non-zero when anything failed.
#
# Time (about 25 minutes on 2 cores at most): the long integration scenarios (LONG_ITESTS:
# kill rounds, leases, floods) run once, plain; the real-time checkers (RT guard, RTSan), the
# sanitizers (ASan with UBSan) and qemu run the quick suites, every integration suite but
# those, with JMIXD_ITEST_QUICK=1 (a suite may leave its pacing tests to the plain run); the
# real-time checkers also leave out the control-thread suites (CONTROL_ITESTS), and qemu the
# suites tests/arm64/run-tests.sh names.
#
# LOAD=N starts N busy loops (sh -c 'while :; do :; done') beside the suite and stops them,
# by PID, when it ends, however it ends: the suite must hold on a busy machine. They pause
# during the emulated arm64 phase, where qemu alone needs the cores to keep real time.
set -u
cd "$(dirname "$0")/.." || exit 2
JOBS=${JOBS:-2}
# Integration suites wait on audio time: one keeps 2 cores 3 to 5 % busy (measured: jackd,
# jmixd and the probe each work some microseconds of every 1.3 ms period), so two run at a
# time, each with its own jackd and its own /dev/shm (SUITE_WRAP). Their timing is judged by
# evidence (xruns, torn windows), which a second suite beside them only makes more frequent,
# as LOAD does.
ITEST_JOBS=${ITEST_JOBS:-2}
totals=$(mktemp)
echo "0 0" > "$totals"
export SUITE_TOTALS="$totals"
isolate=tests/integration/isolate.sh
suite_start=$(date +%s)

load_pids=""
stop_load() {
	for p in $load_pids; do kill "$p" 2>/dev/null; kill -CONT "$p" 2>/dev/null; done
	for p in $load_pids; do wait "$p" 2>/dev/null; done
	load_pids=""
}
trap stop_load EXIT
trap 'stop_load; exit 130' INT TERM
if [ "${LOAD:-0}" -gt 0 ]; then
	i=0
	while [ "$i" -lt "$LOAD" ]; do
		sh -c 'while :; do :; done' &
		load_pids="$load_pids $!"
		i=$((i + 1))
	done
	echo "== LOAD=$LOAD: busy loops running beside the suite (pids$load_pids)"
fi

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

record() {   # record ok|fail NAME DETAIL
	read -r p f < "$totals"
	if [ "$1" = ok ]; then
		echo "$((p + 1)) $f" > "$totals"
		printf '  ok    %-10s %s\n' "$2" "$3"
	else
		echo "$p $((f + 1))" > "$totals"
		printf '  FAIL  %-10s %s\n' "$2" "$3"
	fi
}

# A canary must die with the checker's report; exiting normally means the checker is asleep.
canary() {   # canary NAME EXPECTED_TEXT CMD...
	name=$1 expect=$2
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -ne 0 ] && printf '%s' "$out" | grep -q "$expect"; then
		record ok "$name" "caught a malloc in the audio callback (exit $rc)"
	else
		record fail "$name" "did NOT catch a malloc in the audio callback (exit $rc)"
	fi
}

run_variant() {   # run_variant NAME BUILD_DIR all|quick [env...]
	name=$1 dir=$2 which=$3 quick=
	shift 3
	[ -d "$dir/tests" ] && SUITE_JOBS=$JOBS tests/run-suite.sh "$name" "$dir"/tests/test_*
	if [ -d "$dir/itests" ]; then
		if [ "$which" = all ]; then
			itests=$(ls "$dir"/itests/test_*)
		else
			itests=$(quick_list "$dir")
			quick=1
		fi
		# shellcheck disable=SC2086
		env JMIXD_BIN="$dir/jmixd" ${quick:+JMIXD_ITEST_QUICK=1} SUITE_JOBS="$ITEST_JOBS" "$@" \
			SUITE_WRAP="$isolate" tests/run-suite.sh "$name-int" $itests
	fi
}

phase_time() {   # phase_time NAME START: how long a phase took, for the 25-minute budget
	echo "   ($1: $(( $(date +%s) - $2 )) s; suite so far $(( $(date +%s) - suite_start )) s)"
}

# The long control-plane suites (100 kill rounds, leases, the flood) run once, plain; the
# real-time checkers and the sanitizers take every other suite (a new suite is quick unless
# it is named here).
# test_layouts runs plain only too: it adds no audio-thread code, only OSC round trips.
# test_links (links, safes, recall fades) adds no audio-thread code: plain only.
# test_x32_osc runs once too: no audio-thread code of its own, and a node.js client.
LONG_ITESTS=${LONG_ITESTS:-test_survival test_tablets test_midi test_mcu test_layouts test_links test_x32_osc}
quick_list() {   # quick_list DIR [MORE...]: DIR/itests/test_* minus the long ones and MORE
	dir=$1
	shift
	for t in "$dir"/itests/test_*; do
		case " $LONG_ITESTS $* " in *" ${t##*/} "*) continue ;; esac
		echo "$t"
	done
}
# The real-time checkers watch the audio thread. These suites exercise the control thread
# only (the front door's floods, the X32 dialect, zeroconf): the sanitizers still run them.
CONTROL_ITESTS=${CONTROL_ITESTS:-test_frontdoor test_x32 test_zeroconf}

echo "== unit and integration tests"
t=$(date +%s)
if phase_build all unit itests; then
	run_variant plain build all
	phase_time plain "$t"
	if phase_build rtguard build/rt_canary; then
		echo "== quick integration tests under the RT guard (tests/rtguard.c)"
		t=$(date +%s)
		canary rtguard "rtguard: RT-unsafe call to malloc" \
			env LD_PRELOAD="$PWD/build/librtguard.so" build/rt_canary
		# shellcheck disable=SC2046
		env JMIXD_BIN=build/jmixd JMIXD_PRELOAD="$PWD/build/librtguard.so" JMIXD_ITEST_QUICK=1 \
			SUITE_JOBS="$ITEST_JOBS" SUITE_WRAP="$isolate" tests/run-suite.sh rtguard \
			$(quick_list build $CONTROL_ITESTS)
		phase_time rtguard "$t"
	fi
fi

echo "== a stage box and two desks over netjack2, in network namespaces (tests/netjack/)"
t=$(date +%s)
if phase_build build/netjack/nj_probe; then
	# jack2 1.9.21's netjack2 now and then never gives a desk its audio back after another
	# desk vanished, or renames a rejoining desk (about 1 run in 10 on a quiet machine; the
	# desks' jackd and jmixd run on, every connection in place). The scenario is repeated
	# once from nothing when that happens, and the first attempt's log kept.
	tests/netjack/netjack.sh > build/netjack.log 2>&1
	rc=$?
	if [ "$rc" = 1 ]; then
		mv build/netjack.log build/netjack-first.log
		echo "        netjack: first attempt failed, repeated once (build/netjack-first.log):"
		grep -E '^FAIL' build/netjack-first.log | sed 's/^/          /'
		tests/netjack/netjack.sh > build/netjack.log 2>&1
		rc=$?
	fi
	case $rc in
	0)  record ok netjack "$(grep '^netjack: round trips' build/netjack.log | cut -c 10-)" ;;
	77) echo "  skip  netjack    $(tail -n 1 build/netjack.log)" ;;
	*)  record fail netjack "see build/netjack.log"
	    grep -E '^(FAIL|netjack:)' build/netjack.log | sed 's/^/        /' ;;
	esac
fi
phase_time netjack "$t"

rtsan_cc=$(make -s print-rtsan-cc 2>/dev/null)
if [ -n "$rtsan_cc" ] && [ -x "$rtsan_cc" ]; then
	echo "== quick integration tests with a RealtimeSanitizer daemon ($rtsan_cc -fsanitize=realtime)"
	t=$(date +%s)
	if phase_build SAN=rtsan all build-rtsan/rt_canary; then
		canary rtsan "unsafe-library-call" build-rtsan/rt_canary
		# shellcheck disable=SC2046
		env JMIXD_BIN=build-rtsan/jmixd RTSAN_OPTIONS=halt_on_error=true JMIXD_ITEST_QUICK=1 \
			SUITE_JOBS="$ITEST_JOBS" SUITE_WRAP="$isolate" tests/run-suite.sh rtsan \
			$(quick_list build $CONTROL_ITESTS)
	fi
	phase_time rtsan "$t"
else
	echo "== RealtimeSanitizer: skipped (needs clang 20 or later; Debian 12: apt-get install clang-22 libclang-rt-22-dev)"
fi

if [ "${SKIP_SANITIZERS:-0}" != 1 ]; then
	# AddressSanitizer and UndefinedBehaviorSanitizer in one build: ASan's cost dominates,
	# and two builds took ten minutes of the 25.
	for san in asan-ubsan; do
		echo "== $san build: unit tests, quick integration tests"
		t=$(date +%s)
		if phase_build SAN=$san all unit itests; then
			run_variant "$san" "build-$san" quick ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
				UBSAN_OPTIONS=print_stacktrace=1
		fi
		phase_time "$san" "$t"
	done
fi

# fuzz_result NAME MAKE_RC LOG ARTIFACT_PREFIX: one fuzzer's line in the summary.
fuzz_result() {
	if [ "$2" -eq 0 ] && ! ls "$4"crash-* "$4"leak-* "$4"timeout-* > /dev/null 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$3" | tail -n 1)
		record ok "$1" "${runs:-?} executions, no crash"
	else
		record fail "$1" "crash or error: see $3 and $4*"
		tail -n 15 "$3" | sed 's/^/        /'
	fi
}

# Three libFuzzer targets, each single-threaded: the OSC input path on one core and, beside
# it on the other, the config loader with the state/scene files, then the MIDI input path.
fuzz_s=${FUZZ_SECONDS:-40} fuzz_config_s=${FUZZ_CONFIG_SECONDS:-20} fuzz_midi_s=${FUZZ_MIDI_SECONDS:-10}
if [ "$fuzz_s" -gt 0 ] && command -v clang > /dev/null 2>&1; then
	echo "== fuzzing (libFuzzer, ASan, UBSan): the OSC input path for $fuzz_s s; beside it the" \
	     "config loader and the state/scene files for $fuzz_config_s s, then the MIDI input" \
	     "path for $fuzz_midi_s s"
	t=$(date +%s)
	if phase_build build-fuzz/fuzz_osc build-fuzz/fuzz_config build-fuzz/fuzz_midi; then
		rm -f build-fuzz/*crash-* build-fuzz/*leak-* build-fuzz/*timeout-*
		make -s fuzz FUZZ_SECONDS="$fuzz_s" > build/fuzz-phase.log 2>&1 &
		osc_pid=$!
		if [ "$fuzz_config_s" -gt 0 ]; then   # libFuzzer reads 0 s as "forever"
			rc=0
			make -s fuzz-config FUZZ_CONFIG_SECONDS="$fuzz_config_s" \
				> build/fuzz-config-phase.log 2>&1 || rc=$?
			fuzz_result fuzz-cfg "$rc" build-fuzz/fuzz-config.log build-fuzz/config-
		fi
		if [ "$fuzz_midi_s" -gt 0 ]; then
			rc=0
			make -s fuzz-midi FUZZ_MIDI_SECONDS="$fuzz_midi_s" \
				> build/fuzz-midi-phase.log 2>&1 || rc=$?
			fuzz_result fuzz-midi "$rc" build-fuzz/fuzz-midi.log build-fuzz/midi-
		fi
		rc=0
		wait "$osc_pid" || rc=$?
		fuzz_result fuzz "$rc" build-fuzz/fuzz.log build-fuzz/
	fi
	phase_time fuzz "$t"
else
	echo "== fuzzing: skipped (FUZZ_SECONDS=0 or no clang)"
fi

echo "== the daemon under valgrind"
t=$(date +%s)
if "$isolate" tests/valgrind-daemon.sh > build/valgrind.log 2>&1; then
	record ok valgrind "$(tail -n 1 build/valgrind.log)"
else
	record fail valgrind "see build/valgrind.log"
	tail -n 20 build/valgrind.log | sed 's/^/        /'
fi
phase_time valgrind "$t"

if [ "${SKIP_ARM64:-0}" != 1 ] && command -v aarch64-linux-gnu-gcc > /dev/null &&
   command -v qemu-aarch64-static > /dev/null; then
	echo "== Raspberry Pi: aarch64 build, its tests under qemu-aarch64"
	t=$(date +%s)
	if phase_build cross-arm64; then
		# An emulated console needs most of a core to keep real time; beside LOAD's busy
		# loops no window is free of xruns and the phase would measure qemu, not jmixd.
		# The busy loops pause meanwhile (the native phases above ran with them).
		for p in $load_pids; do kill -STOP "$p"; done
		tests/arm64/run-tests.sh
		for p in $load_pids; do kill -CONT "$p"; done
	fi
	phase_time arm64 "$t"
else
	echo "== Raspberry Pi build: skipped (SKIP_ARM64=1, or no aarch64 cross compiler or qemu)"
fi

echo "== make install into a DESTDIR"
dest=$(mktemp -d)
if make -s install DESTDIR="$dest" PREFIX=/usr > build/install.log 2>&1 &&
   "$dest/usr/bin/jmixd" --version > /dev/null &&
   "$dest/usr/bin/jmixd" --check -c "$dest/etc/jmixd/jmixd.cfg" > /dev/null &&
   grep -q "^ExecStart=/usr/bin/jmixd " "$dest/usr/lib/systemd/system/jmixd.service" &&
   man -l "$dest/usr/share/man/man7/jmixd-osc.7" > /dev/null 2>&1 &&
   [ -f "$dest/usr/share/man/man5/jmixd.conf.5" ] && [ -f "$dest/usr/share/man/man1/jmixd.1" ]; then
	record ok install "binary, man pages, /etc/jmixd/jmixd.cfg (valid), systemd units"
else
	record fail install "see build/install.log"
fi
rm -rf "$dest"

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

stop_load
echo "== the whole suite took $(( $(date +%s) - suite_start )) s${LOAD:+ (LOAD=$LOAD)}"
read -r passed failed < "$totals"
rm -f "$totals"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
