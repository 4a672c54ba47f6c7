#!/bin/sh
# netjack.sh - a stage box and two desks over netjack2, in network namespaces (root only).
#
# What the README's "Stage box and several desks over the network" describes, run for real:
#
#   netns stage  jackd -I netmanager -d dummy (the stage box: netjack2 master and clock);
#                bridge br0 10.77.0.1/24, the "switch" the desks plug into
#   netns foh    jackd -S -d net -n foh -l 2 (a sync slave) + jmixd, channel fader -6 dB
#   netns mon    jackd -S -d net -n mon -l 1 (a sync slave) + jmixd, channel fader -12 dB
#
# build/netjack/nj_probe on the stage box plays a -20 dBFS tone burst into foh:to_slave_1 and
# mon:to_slave_1 (each desk's system:capture_1, its jmixd channel, panned hard left) and records
# foh:from_slave_1 and mon:from_slave_1 (each desk's jmixd master_L on system:playback_1).
# Checks:
#   1. each desk's burst comes back at -20 dB + that desk's fader (within LEVEL_TOL dB) after
#      exactly l * period + 64 frames (64: jmixd's limiter look-ahead), the README's formula;
#   2. killing the mon desk's jackd (SIGKILL): the stage box waits for it, then drops it, and
#      foh plays on exactly as before; the audio foh lost meanwhile is measured and reported
#      (about 2 s with jack2 1.9.21: its netjack2 master stalls on a vanished slave);
#   3. mon's jackd restarted: the same jmixd process reconnects on its own, mon's bursts come
#      back right, and foh loses not one burst while mon rejoins.
# Bursts the master's xrun callback flags are not judged: a busy machine is not a bug.
# Multicast is routed only inside the namespaces; the host's interfaces are never touched; the
# JACK servers live in a private /dev/shm (tests/integration/isolate.sh). Every process started
# here and the namespaces are removed by the EXIT trap, whatever happens.
#
# Exit status: 0 passed, 1 failed, 77 skipped (not root, or no `ip netns`). The last two lines
# are the round trips measured and "netjack: N passed, N failed".
# Environment: JMIXD_BIN (default build/jmixd), NJ_PROBE (default build/netjack/nj_probe),
# NJ_KEEP=1 keeps the log folder.
set -u
cd "$(dirname "$0")/../.." || exit 2

skip() { echo "netjack: skipped: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root to build network namespaces (CI runs as root)"
if ! command -v ip > /dev/null 2>&1 || ! ip netns list > /dev/null 2>&1; then
	skip "no 'ip netns' here (iproute2 with network namespace support)"
fi
for tool in jackd jack_lsp; do
	command -v $tool > /dev/null 2>&1 || skip "no $tool (jackd2)"
done
if [ "${JMIXD_ISOLATED:-0}" != 1 ]; then
	exec tests/integration/isolate.sh "$0" "$@"   # a private /dev/shm for the JACK servers
fi

JMIXD_BIN=${JMIXD_BIN:-build/jmixd}
PROBE=${NJ_PROBE:-build/netjack/nj_probe}
RATE=48000
PERIOD=256
LOOKAHEAD=64          # jmixd's limiter look-ahead in frames (man 1 jmixd, LATENCY)
TONE_DB=-20           # nj_probe's burst level
LEVEL_TOL=0.1         # dB
MCAST=225.3.19.154
BURST_EVERY_MS=250    # nj_probe's PATTERN_FRAMES at 48 kHz
STALL_LIMIT_MS=10000  # what a vanished desk may cost the others (jack2 1.9.21: about 2 s)
# Realtime scheduling, as on a real desk: without it a busy machine (load 4 on 2 cores) keeps
# the master in xrun until a sync slave never catches up, which tests the machine, not jmixd.
# The servers and clients use well under a tenth of a core. NJ_REALTIME=0 to compare.
if [ "${NJ_REALTIME:-1}" = 1 ]; then
	RT="-R -P 60"
else
	RT="--no-realtime"
fi
export JACK_NO_START_SERVER=1

tag=njt$$
ns_stage=$tag-stage ns_foh=$tag-foh ns_mon=$tag-mon
srv_stage=$tag-stage srv_foh=$tag-foh srv_mon=$tag-mon
work=$(mktemp -d "${TMPDIR:-/tmp}/jmixd-netjack-XXXXXX")
pids=""
n_pass=0 n_fail=0
lat_foh=2 lat_mon=1   # netjack2 -l of each desk: periods of network latency

pass() { n_pass=$((n_pass + 1)); echo "ok   - $*"; }
fail() { n_fail=$((n_fail + 1)); echo "FAIL - $*"; }

# The most common latency of DESK's clean bursts after line FROM: what was measured.
measured_latency() {   # measured_latency DESK FROM
	awk -v desk="$1" -v from="$2" '
		NR > from && $1 == "burst" && $2 == desk && $5 == "clean=1" {
			split($3, a, "="); n[a[2]]++
			if (n[a[2]] > best) { best = n[a[2]]; mode = a[2] }
		}
		END { print mode == "" ? "none" : mode }
	' "$work/probe.log" 2> /dev/null
}

round_trip() {   # round_trip DESK L: "576 frames = 12.00 ms (formula 2 x 256 + 64 = 576)"
	got=$(measured_latency "$1" 0)
	ms=$(awk -v f="$got" -v r=$RATE 'BEGIN { if (f + 0 > 0) printf " = %.2f ms", 1000 * f / r }')
	echo "$1 (-l $2) $got frames$ms (formula $2 x $PERIOD + $LOOKAHEAD = $(expected_latency "$2"))"
}

# stop_pid PID - SIGTERM, up to 3 s to exit, then SIGKILL.
stop_pid() {
	kill -TERM "$1" 2> /dev/null || return 0
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "$1" 2> /dev/null || return 0
		sleep 0.3
	done
	kill -KILL "$1" 2> /dev/null
}

cleanup() {
	trap - EXIT INT TERM
	[ -n "${pid_probe:-}" ] && stop_pid "$pid_probe"   # first: it lives outside the namespaces
	echo "netjack: round trips measured at $PERIOD frames, $RATE Hz: $(round_trip foh $lat_foh);" \
		"$(round_trip mon $lat_mon); desk mon's loss cost foh ${gone_ms:-?} ms"
	for pid in $pids; do kill -TERM "$pid" 2> /dev/null; done
	for ns in $ns_foh $ns_mon $ns_stage; do
		# Anything still inside our namespaces was started by us.
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			left=$(ip netns pids "$ns" 2> /dev/null)
			[ -z "$left" ] && break
			sleep 0.3
		done
		# shellcheck disable=SC2086
		[ -n "$left" ] && kill -KILL $left 2> /dev/null
		ip netns del "$ns" 2> /dev/null
	done
	for pid in $pids; do wait "$pid" 2> /dev/null; done
	if [ "$n_fail" -eq 0 ] && [ "${NJ_KEEP:-0}" != 1 ]; then
		rm -rf "$work"
	else
		echo "netjack: logs kept in $work"
	fi
	echo "netjack: $n_pass passed, $n_fail failed"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# run_in NS LOG CMD... - start CMD in netns NS in the background; its PID goes to $last_pid.
run_in() {
	ns=$1 log=$2
	shift 2
	ip netns exec "$ns" "$@" > "$work/$log" 2>&1 &
	last_pid=$!
	pids="$pids $last_pid"
}

# wait_until SECONDS WHAT CMD... - poll CMD until it succeeds; a time limit, never evidence.
wait_until() {
	limit=$1 what=$2
	shift 2
	end=$(($(date +%s) + limit))
	until "$@" > /dev/null 2>&1; do
		if [ "$(date +%s)" -ge "$end" ]; then
			fail "$what (not within ${limit} s)"
			return 1
		fi
		sleep 0.2
	done
}

port_exists() { jack_lsp -s "$1" 2> /dev/null | grep -qx "$2"; }

# The probe's burst lines for DESK after line FROM of its log, checked against the expected
# latency and level: prints "good bad unclean first_bad_line".
burst_stats() {   # burst_stats DESK FROM LATENCY LEVEL_DB
	awk -v desk="$1" -v from="$2" -v lat="$3" -v lvl="$4" -v tol="$LEVEL_TOL" '
		NR > from && $1 == "burst" && $2 == desk {
			split($3, a, "="); split($4, b, "="); split($5, c, "=")
			if (c[2] != 1) { unclean++; next }
			d = b[2] - lvl
			if (a[2] == lat && d <= tol && d >= -tol) good++
			else { bad++; if (!first) first = $0 }
		}
		END { printf "%d %d %d %s\n", good, bad, unclean, first ? first : "-" }
	' "$work/probe.log"
}

has_good_bursts() {   # has_good_bursts N DESK FROM LATENCY LEVEL_DB
	read -r good _ <<-EOF
	$(burst_stats "$2" "$3" "$4" "$5")
	EOF
	[ "$good" -ge "$1" ]
}

lines() { wc -l < "$work/probe.log"; }

# Milliseconds of audio DESK did not get after line FROM: wherever two of its bursts (the
# first may come before FROM) came more than a burst interval (plus 60 ms of scheduling
# jitter) apart on the system clock.
lost_ms() {   # lost_ms DESK FROM
	awk -v desk="$1" -v from="$2" -v every=$BURST_EVERY_MS '
		$1 == "burst" && $2 == desk {
			split($7, a, "="); t = a[2]
			if (NR > from && seen && t - prev > every + 60) lost += t - prev - every
			prev = t; seen = 1
		}
		END { print lost + 0 }
	' "$work/probe.log"
}

# The master's xrun count at the probe's last report.
master_xruns() { awk '$1 == "xruns" { n = $2 } END { print n + 0 }' "$work/probe.log"; }

# ---- the network: a bridge in the stage box's namespace, one veth per desk ----------------
build_network() {
	ip netns add "$ns_stage" && ip netns add "$ns_foh" && ip netns add "$ns_mon" || return 1
	ip -n "$ns_stage" link add br0 type bridge mcast_snooping 0 || return 1
	ip -n "$ns_stage" addr add 10.77.0.1/24 dev br0
	ip -n "$ns_stage" link set lo up
	ip -n "$ns_stage" link set br0 up
	ip -n "$ns_stage" route add 224.0.0.0/4 dev br0
	host=2
	for ns in $ns_foh $ns_mon; do
		# Both ends are created inside the namespaces: the host never sees them.
		ip -n "$ns_stage" link add "port$host" type veth peer name eth0 netns "$ns" || return 1
		ip -n "$ns_stage" link set "port$host" master br0 up
		ip -n "$ns" addr add "10.77.0.$host/24" dev eth0
		ip -n "$ns" link set lo up
		ip -n "$ns" link set eth0 up
		ip -n "$ns" route add 224.0.0.0/4 dev eth0
		host=$((host + 1))
	done
}

# start_desk_jackd NS SERVER NETNAME LATENCY_PERIODS - a sync netjack2 slave; PID in $last_pid.
start_desk_jackd() {
	run_in "$1" "jackd-$3.log" jackd -S -n "$2" $RT --port-max 64 -d net -a "$MCAST" -p 19000 \
		-C 2 -P 2 -i 0 -o 0 -n "$3" -l "$4"
}

write_desk_cfg() {   # write_desk_cfg NAME FADER_DB
	mkdir -p "$work/state-$1"
	cat > "$work/$1.cfg" <<-EOF
	# Desk $1: one stage channel, hard left so master_L carries it at the fader's gain.
	# Two desks on separate machines could both say "jmixd"; here they share one /dev/shm,
	# where jack2 names a client's socket after the client alone, so the names must differ.
	jack = { client_name = "jmixd-$1"; };
	osc = { bind = "127.0.0.1"; port = 8000; };
	state = { dir = "$work/state-$1"; autosave = false; };
	master = { outputs = [ "system:playback_1", "system:playback_2" ]; };
	channels = ( { name = "stage1"; input = "system:capture_1"; fader = $2; pan = -1.0; } );
	EOF
}

expected_latency() { echo $(($1 * PERIOD + LOOKAHEAD)); }

[ -x "$JMIXD_BIN" ] || { fail "$JMIXD_BIN is not built (make)"; exit 1; }
[ -x "$PROBE" ] || { fail "$PROBE is not built (make $PROBE)"; exit 1; }

echo "netjack: namespaces $ns_stage $ns_foh $ns_mon, logs in $work"
build_network || { fail "building the network namespaces"; exit 1; }
pass "three network namespaces, one bridge, multicast routed inside them only"

# -I netmanager: the README's stage box command, which survives a restart of jackd (a
# `jack_load netmanager` would not); its defaults are 225.3.19.154 port 19000.
run_in "$ns_stage" jackd-stage.log jackd -n "$srv_stage" $RT --port-max 64 \
	-I netmanager -d dummy -r $RATE -p $PERIOD -C 2 -P 2
wait_until 60 "the stage box's jackd is up" port_exists "$srv_stage" system:capture_1 || exit 1

start_desk_jackd "$ns_foh" "$srv_foh" foh $lat_foh
pid_jackd_foh=$last_pid
start_desk_jackd "$ns_mon" "$srv_mon" mon $lat_mon
pid_jackd_mon=$last_pid
wait_until 90 "desk foh joins the stage box" port_exists "$srv_stage" foh:to_slave_1 || exit 1
wait_until 90 "desk mon joins the stage box" port_exists "$srv_stage" mon:to_slave_1 || exit 1
wait_until 60 "desk foh's jackd is up" port_exists "$srv_foh" system:capture_1 || exit 1
wait_until 60 "desk mon's jackd is up" port_exists "$srv_mon" system:capture_1 || exit 1
pass "two sync netjack2 slaves joined the stage box (foh -l $lat_foh, mon -l $lat_mon)"

fader_foh=-6 fader_mon=-12
write_desk_cfg foh $fader_foh
write_desk_cfg mon $fader_mon
run_in "$ns_foh" jmixd-foh.log env JACK_DEFAULT_SERVER="$srv_foh" "$JMIXD_BIN" -c "$work/foh.cfg"
pid_jmixd_foh=$last_pid
run_in "$ns_mon" jmixd-mon.log env JACK_DEFAULT_SERVER="$srv_mon" "$JMIXD_BIN" -c "$work/mon.cfg"
pid_jmixd_mon=$last_pid
wait_until 60 "jmixd on desk foh" port_exists "$srv_foh" jmixd-foh:master_L || exit 1
wait_until 60 "jmixd on desk mon" port_exists "$srv_mon" jmixd-mon:master_L || exit 1

"$PROBE" -t 900 "$srv_stage" foh mon > "$work/probe.log" 2> "$work/probe.err" &
pid_probe=$!
pids="$pids $pid_probe"

want_foh=$(expected_latency $lat_foh) want_mon=$(expected_latency $lat_mon)
level_foh=$((TONE_DB + fader_foh)) level_mon=$((TONE_DB + fader_mon))

check_desk() {   # check_desk DESK FROM LATENCY LEVEL WHAT
	if wait_until 120 "$5: 3 bursts back at $4 dBFS after $3 frames" \
		has_good_bursts 3 "$1" "$2" "$3" "$4"; then
		pass "$5: bursts back at $4 dBFS (fader $(( $4 - TONE_DB )) dB) after $3 frames"
	else
		read -r good bad unclean first <<-EOF
		$(burst_stats "$1" "$2" "$3" "$4")
		EOF
		echo "     right $good, wrong $bad, during an xrun $unclean; first wrong: $first"
		return 1
	fi
}

check_desk foh 0 "$want_foh" "$level_foh" "desk foh" || exit 1
check_desk mon 0 "$want_mon" "$level_mon" "desk mon" || exit 1

# ---- desk mon's jackd dies, then comes back -------------------------------------------------
# jack2 1.9.21's netjack2 master waits on a vanished slave in every cycle until it gives up on
# it (about 2 s, no option to shorten it): meanwhile the stage box's whole graph xruns, so every
# desk loses that stretch. The test measures it, says so, and holds the bound and the recovery;
# the README says the same. The rejoin, by contrast, must not cost foh a single burst.
mark=$(lines)
xruns_before=$(master_xruns)
kill -KILL "$pid_jackd_mon"
wait "$pid_jackd_mon" 2> /dev/null
wait_until 60 "the stage box drops desk mon" sh -c "! jack_lsp -s $srv_stage | grep -q '^mon:'" ||
	exit 1
mark_down=$(lines)
if wait_until 60 "desk foh plays on while desk mon is down" \
	has_good_bursts 4 foh "$mark_down" "$want_foh" "$level_foh"; then
	lost_ms=$(lost_ms foh "$mark")
	gone_ms=$lost_ms
	if [ "$lost_ms" -le "$STALL_LIMIT_MS" ]; then
		pass "desk mon gone: foh lost $lost_ms ms while the stage box waited for mon" \
			"($(($(master_xruns) - xruns_before)) stage box xruns), then played on exact"
	else
		fail "desk mon gone: foh lost $lost_ms ms (more than $STALL_LIMIT_MS ms)"
	fi
else
	# Seen here under heavy load (jack2 1.9.21): foh's jmixd kept processing, every
	# connection was in place, and still nothing came back. Are our own callbacks running?
	grep '^cycles' "$work/probe.log" | tail -n 2 | sed 's/^/     probe /'
fi

mark=$(lines)
start_desk_jackd "$ns_mon" "$srv_mon" mon $lat_mon
pid_jackd_mon=$last_pid
wait_until 90 "desk mon rejoins the stage box" port_exists "$srv_stage" mon:to_slave_1 || exit 1
check_desk mon "$mark" "$want_mon" "$level_mon" "desk mon after its jackd restarted" || exit 1
if kill -0 "$pid_jmixd_mon" 2> /dev/null && grep -q reconnect "$work/jmixd-mon.log"; then
	pass "desk mon's jmixd (the same process, pid $pid_jmixd_mon) reconnected on its own"
else
	fail "desk mon's jmixd did not reconnect by itself (see $work/jmixd-mon.log)"
fi
wait_until 60 "4 foh bursts since mon's restart" has_good_bursts 4 foh "$mark" "$want_foh" "$level_foh"
read -r good bad unclean first <<EOF
$(burst_stats foh "$mark" "$want_foh" "$level_foh")
EOF
lost=$(lost_ms foh "$mark")
if [ "$good" -ge 4 ] && [ "$bad" -eq 0 ] && [ "$lost" -eq 0 ]; then
	pass "desk foh untouched while mon rejoined: $good bursts right, none wrong, none missing" \
		"($unclean during an xrun, not judged)"
else
	fail "desk foh while mon rejoined: $good right, $bad wrong, $lost ms lost," \
		"$unclean during an xrun; first wrong: $first"
fi
kill -0 "$pid_jackd_foh" 2> /dev/null || fail "desk foh's jackd died"
kill -0 "$pid_jmixd_foh" 2> /dev/null || fail "desk foh's jmixd died"
[ "$n_fail" -eq 0 ]
