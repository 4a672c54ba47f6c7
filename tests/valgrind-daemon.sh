#!/bin/sh
# valgrind-daemon.sh - the daemon under valgrind memcheck: a private jackd (dummy, a large
# period so the slowed-down process callback keeps up), every kind of OSC message (sets,
# queries, /norm, subscriptions, scenes, bad messages), SIGHUP, then SIGTERM. Passes when
# valgrind reports no error and no definite or indirect leak, and jmixd exits 0.
# Run inside tests/integration/isolate.sh (make test does).
set -u
cd "$(dirname "$0")/.." || exit 2
bin=${JMIXD_BIN:-build/jmixd}
tmp=$(mktemp -d)
server="jmxvg-$$"
port=$((20000 + $$ % 20000))
trap 'kill "$jm" "$jd" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT

export JACK_DEFAULT_SERVER="$server"
jackd -n "$server" --no-realtime -d dummy -r 48000 -p 1024 > "$tmp/jackd.log" 2>&1 &
jd=$!
jack_wait -w -t 10 > /dev/null 2>&1 || { echo "valgrind: jackd did not start"; exit 1; }
cat > "$tmp/vg.cfg" <<CFG
state = { dir = "$tmp/state"; };
osc = { bind = "127.0.0.1"; zeroconf = false; };
aux = ( { name = "rev"; type = "reverb"; }, { name = "dly"; type = "delay"; },
        { name = "mon"; type = "monitor"; stereo = true; } );
channels = ( { name = "a"; send = { rev = { level = -10.0; }; }; },
             { name = "b"; stereo = true; } );
CFG
valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
	"$bin" -c "$tmp/vg.cfg" -p "$port" > "$tmp/jmixd.log" 2>&1 &
jm=$!
i=0
until grep -q "ready:" "$tmp/jmixd.log"; do
	i=$((i + 1))
	[ $i -gt 300 ] && { echo "valgrind: jmixd did not become ready"; cat "$tmp/jmixd.log"; exit 1; }
	sleep 0.1
done
s() { oscsend 127.0.0.1 "$port" "$@" 2>/dev/null; }
s /subscribe
s /ch/1/fader f -6
s /ch/a/pan f -0.5
s /ch/2/mute T
s /ch/1/eq/2/gain f 4
s /ch/1/eq/1/type s lowcut
s /ch/1/comp/on i 1
s /ch/1/send/rev/level f -3
s /aux/rev/reverb/decay f 3.5
s /aux/dly/delay/sync T
s /master/limiter/ceiling f -2
s /ch/1/fader/norm f 0.6
s /ch/1/fader
s /master/meter
s /master/loudness
s /info
s /status
s /dump
s /snapshot/save s verse
s /snapshot/load s verse
s /snapshot/list
s /snapshot/delete s verse
s /snapshot/load s ../etc
s /ch/9/fader f 0
s /ch/1/fader f 50
s /ch/1/fader s loud
s /nope
s /master/loudness/reset
sleep 2
kill -HUP "$jm"
sleep 1
kill -TERM "$jm"
wait "$jm"
rc=$?
if [ "$rc" -ne 0 ] || grep -q "==[0-9]*==" "$tmp/jmixd.log"; then
	echo "valgrind: exit $rc"
	grep "==[0-9]*==" "$tmp/jmixd.log" | head -40
	exit 1
fi
echo "valgrind: no errors, no leaks, exit 0"
