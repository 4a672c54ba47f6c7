#!/bin/sh
# live.sh - jmixd on a real (dummy-backend) jackd with N channels of noise, each with a full
# strip and sends to a reverb and a delay, and the master chain (EQ, bus compressor,
# limiter, loudness): CPU time of the jmixd process per period, measured from /proc/PID/task/*/schedstat (on-CPU ns, all
# threads) and cross-checked with /proc/PID/stat (utime+stime, 10 ms ticks), over WINDOW
# seconds after a warm-up. Prints figures; asserts nothing.
#   N=64 WINDOW=10 bench/live.sh
# Peers on the same server and signal, one at a time after jmixd (default PEERS="passthrough
# jack_mix_box ecasound"; the last two when installed): passthrough is bench/passthrough.c, N
# inputs copied to N outputs, the JACK floor every N-port client pays; jack_mix_box from
# Debian jack-mixer: volume, balance and meters per channel; ecasound: one chain per channel
# with volume and pan, summed, as research/perf-anchors.md ran it. With passthrough measured,
# the last line is issue 16's target for this run: twice (pass-through + the 8-lane strip
# floor, 0.167 us per channel in perf-anchors.md).
# JMIXD_SIMD=sse2|avx2|avx512 picks jmixd's vector path (default: the widest the CPU runs).
# With perf installed, a second window profiles jmixd by thread and stage (PROFILE=0: not).
set -u
cd "$(dirname "$0")/.." || exit 2
N=${N:-64}
WINDOW=${WINDOW:-10}
BUILD=${BUILD:-build}
server="jmxbench-$$"
tmp=$(mktemp -d)
pids=""
jackd_pid=""

# stop_pid PID SECONDS: SIGTERM, wait up to SECONDS for the exit, then SIGKILL and reap. A
# JACK client can hang in jack_client_close (once for 17 minutes), so no wait is unbounded.
# A child that has exited but is not reaped yet still answers kill -0: read its state.
stop_pid() {
	kill "$1" 2>/dev/null || return 0
	i=0
	while [ "$(sed -n 's/.*) \(.\).*/\1/p' /proc/"$1"/stat 2>/dev/null)" != Z ] &&
	      [ -e /proc/"$1" ]; do
		if [ "$i" -ge $(($2 * 10)) ]; then
			echo "live: pid $1 did not stop within $2 s; SIGKILL" >&2
			kill -KILL "$1" 2>/dev/null
			break
		fi
		sleep 0.1
		i=$((i + 1))
	done
	wait "$1" 2>/dev/null
}

# Clients first, then jackd: a server stopped under running clients leaves a dead slot in
# JACK's server registry (after 8 of them no jackd starts on the machine).
cleanup() {
	for p in $pids; do stop_pid "$p" 5; done
	[ -z "$jackd_pid" ] || stop_pid "$jackd_pid" 5
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PEERS=${PEERS-passthrough jack_mix_box ecasound}
make -s "$BUILD/jmixd" "$BUILD/bench/noise_feeder" "$BUILD/bench/passthrough" >/dev/null || exit 1
export JACK_DEFAULT_SERVER="$server"
jackd -n "$server" --no-realtime -d dummy -r 48000 -p 64 > "$tmp/jackd.log" 2>&1 &
jackd_pid=$!
jack_wait -w -t 10 > /dev/null 2>&1 || { echo "live: jackd did not start"; exit 1; }

{
	echo 'state = { autosave = false; };'
	echo 'osc = { bind = "127.0.0.1"; port = 0; zeroconf = false; };'
	echo 'aux = ( { name = "rev"; type = "reverb"; }, { name = "dly"; type = "delay"; } );'
	echo 'master = { comp = { on = true; threshold = -12.0; }; limiter = { on = true; }; };'
	echo 'channels = ('
	i=1
	while [ "$i" -le "$N" ]; do
		sep=","; [ "$i" -eq "$N" ] && sep=""
		echo "  { name = \"ch$i\"; hpf = { on = true; slope = \"24\"; }; gate = { on = true; threshold = -40.0; };"
		echo "    eq = { band1 = { gain = 3.0; }; band2 = { gain = -4.0; }; band3 = { gain = 5.0; }; band4 = { gain = -2.0; }; };"
		echo "    comp = { on = true; threshold = -24.0; }; fader = -6.0;"
		echo "    send = { rev = { level = -12.0; }; dly = { level = -18.0; }; }; }$sep"
		i=$((i + 1))
	done
	echo ');'
} > "$tmp/live.cfg"

cpu_ns() {   # on-CPU nanoseconds of every thread of a process
	cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{s += $1} END {print s + 0}'
}
ticks() {   # utime + stime; nothing for a process that is gone (measure says so)
	awk '{print $14 + $15}' /proc/"$1"/stat 2>/dev/null
}
alive() {   # a process that exited but is not reaped yet is not alive
	[ -e /proc/"$1" ] && [ "$(sed -n 's/.*) \(.\).*/\1/p' /proc/"$1"/stat 2>/dev/null)" != Z ]
}
thread_ns() {   # "TID NS" per thread of a process
	for t in /proc/"$1"/task/*; do
		[ -r "$t/schedstat" ] && echo "${t##*/} $(cut -d' ' -f1 "$t/schedstat")"
	done 2>/dev/null
}
measure() {   # measure NAME PID
	sleep 2
	thread_ns "$2" > "$tmp/threads0.$1"
	t0=$(cpu_ns "$2"); k0=$(ticks "$2"); s0=$(date +%s.%N)
	sleep "$WINDOW"
	t1=$(cpu_ns "$2"); k1=$(ticks "$2"); s1=$(date +%s.%N)
	thread_ns "$2" > "$tmp/threads1.$1"
	if ! alive "$2"; then
		echo "live: $1 (pid $2) exited before or during its window: no figure"
		return
	fi
	awk -v n="$1" -v t0="$t0" -v t1="$t1" -v k0="$k0" -v k1="$k1" -v s0="$s0" -v s1="$s1" \
	    -v hz="$(getconf CLK_TCK)" -v ch="$N" 'BEGIN {
		periods = (s1 - s0) * 48000 / 64
		us = (t1 - t0) / 1000 / periods
		stat_us = (k1 - k0) / hz * 1e6 / periods
		printf "%-14s %3d ch: %7.1f us/period (%.2f%% of a core; /proc/stat says %.1f us), %.1f ms of CPU per second of audio\n",
		       n, ch, us, us / 1333.33 * 100, stat_us, us * 0.75
		print us > "/dev/stderr"
	}' 2> "$tmp/us.$1"
	# The same window by thread: the main thread (control: OSC, meters out, autosave; JACK
	# calls it the client's own), the busiest other (the audio thread), and the rest (JACK's
	# notifications, jmixd's state writer). Threads that came or went mid-window are left out.
	awk -v pid="$2" -v s0="$s0" -v s1="$s1" '
		NR == FNR { a[$1] = $2; next }
		($1 in a) { d[$1] = $2 - a[$1] }
		END {
			periods = (s1 - s0) * 48000 / 64
			for (t in d) if (t != pid && (best == "" || d[t] > d[best])) best = t
			for (t in d) if (t != pid && t != best) rest += d[t]
			printf "               by thread: audio %.1f us, main (control) %.1f us, others %.1f us\n",
			       d[best] / 1000 / periods, d[pid] / 1000 / periods, rest / 1000 / periods
		}' "$tmp/threads0.$1" "$tmp/threads1.$1"
}

"$BUILD/jmixd" -c "$tmp/live.cfg" -n jmixd > "$tmp/jmixd.log" 2>&1 &
jm=$!
pids="$jm $pids"
jack_wait_port() { i=0; while ! jack_lsp 2>/dev/null | grep -qx "$1"; do i=$((i + 1)); [ $i -gt 100 ] && return 1; sleep 0.1; done; }
jack_wait_port "jmixd:ch$N" || { echo "live: jmixd did not start"; cat "$tmp/jmixd.log"; exit 1; }
"$BUILD/bench/noise_feeder" "$N" "jmixd:ch" &
pids="$! $pids"
grep -o 'vector path: [a-z0-9]*, [0-9]* lanes' "$tmp/jmixd.log" | sed 's/^/live: jmixd /'
measure jmixd "$jm"
# Where that CPU goes (bench/profile.awk): a second window under perf, with DWARF call chains
# (the build keeps no frame pointers). PROFILE=0 skips it; so does a machine without perf.
if [ "${PROFILE:-1}" != 0 ] && command -v perf > /dev/null; then
	if perf record -q -F 2999 --call-graph dwarf,16384 -p "$jm" -o "$tmp/perf.data" \
		-- sleep "$WINDOW" > "$tmp/perf.log" 2>&1; then
		perf script -i "$tmp/perf.data" -F tid,ip,sym,dso 2> /dev/null |
			awk -v pid="$jm" -v us="$(cat "$tmp/us.jmixd")" -f bench/profile.awk
	else
		echo "live: perf record failed (perf_event_paranoid?): $(tail -n 1 "$tmp/perf.log")"
	fi
fi

# One client on the CPU at a time besides the feeder and jackd.
measured=$jm
stop_measured() {
	for p in $measured; do stop_pid "$p" 5; done
	measured=""
}
for peer in ${PEERS:-}; do
	case $peer in
	passthrough)
		stop_measured
		"$BUILD/bench/passthrough" "$N" "noise:out_" > "$tmp/passthrough.log" 2>&1 &
		pt=$!
		pids="$pt $pids"
		measured=$pt
		jack_wait_port "passthru:in_$N" || { echo "live: passthrough did not start"; continue; }
		measure passthrough "$pt"
		;;
	jack_mix_box)
		command -v jack_mix_box > /dev/null || { echo "live: jack_mix_box not installed"; continue; }
		stop_measured
		# Its arguments are MIDI CC numbers, one per mono channel.
		args=""; i=1; while [ "$i" -le "$N" ]; do args="$args $i"; i=$((i + 1)); done
		# shellcheck disable=SC2086
		jack_mix_box -n mixbox $args > "$tmp/mixbox.log" 2>&1 &
		mb=$!
		pids="$mb $pids"
		measured=$mb
		sleep 3
		jack_lsp 2>/dev/null | grep '^mixbox:' | grep -iv 'out\|midi' | head -n "$N" > "$tmp/mixbox.ports"
		i=1
		while read -r port; do
			jack_connect "noise:out_$i" "$port" 2>/dev/null
			i=$((i + 1))
		done < "$tmp/mixbox.ports"
		echo "live: jack_mix_box: $((i - 1)) inputs connected"
		measure jack_mix_box "$mb"
		;;
	ecasound)
		command -v ecasound > /dev/null || { echo "live: ecasound not installed"; continue; }
		stop_measured
		args="-q -G:jack,eca,notransport -z:mixmode,sum"
		chains=""
		i=1
		while [ "$i" -le "$N" ]; do
			args="$args -a:$i -f:f32_le,1,48000 -i:jack,,in$i -chcopy:1,2 -ea:80 -epp:$(( (i * 37) % 101 ))"
			chains="$chains${chains:+,}$i"
			i=$((i + 1))
		done
		# shellcheck disable=SC2086
		ecasound $args -a:$chains -f:f32_le,2,48000 -o:jack,,master > "$tmp/eca.log" 2>&1 &
		ec=$!
		pids="$ec $pids"
		measured=$ec
		sleep 3
		i=1; while [ "$i" -le "$N" ]; do jack_connect "noise:out_$i" "eca:in${i}_1" 2>/dev/null; i=$((i + 1)); done
		measure ecasound "$ec"
		;;
	esac
done
# Ratios to jmixd (how many times the peer's CPU is jmixd's), from the same run.
if [ -s "$tmp/us.jmixd" ]; then
	for peer in ${PEERS:-}; do
		[ -s "$tmp/us.$peer" ] || continue
		awk -v p="$peer" -v a="$(cat "$tmp/us.jmixd")" -v b="$(cat "$tmp/us.$peer")" \
			'BEGIN { printf "ratio %-14s / jmixd: %.2f  (jmixd: full strips, reverb, delay, master chain; %s: see above)\n", p, b / a, p }'
	done
fi
if [ -s "$tmp/us.jmixd" ] && [ -s "$tmp/us.passthrough" ]; then
	awk -v n="$N" -v a="$(cat "$tmp/us.jmixd")" -v p="$(cat "$tmp/us.passthrough")" 'BEGIN {
		t = 2 * (p + 0.167 * n)
		printf "target (issue 16): 2 x (pass-through %.1f + 8-lane strip floor %.1f) = %.1f us; jmixd %.1f us: %s\n",
		       p, 0.167 * n, t, a, a <= t ? "met" : "not met"
	}'
fi
xruns=$(grep -c -i xrun "$tmp/jackd.log")
echo "(jackd reported $xruns xrun lines during the run; --no-realtime on a shared 2-core VM)"
