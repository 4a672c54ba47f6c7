#!/bin/sh
# run-dev.sh - what `make run` does: run the freshly built jmixd on configs/default.cfg in the
# foreground. If no JACK server answers, start one on the dummy backend (no sound card
# needed), say so, and stop it again when jmixd exits.
set -u
cd "$(dirname "$0")/.." || exit 2
bin=${JMIXD_BIN:-build/jmixd}
config=${JMIXD_CONFIG:-configs/default.cfg}
jackd_pid=

cleanup() {
	if [ -n "$jackd_pid" ]; then
		kill "$jackd_pid" 2>/dev/null
		wait "$jackd_pid" 2>/dev/null
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if jack_wait -c 2>/dev/null | grep -qx 'running'; then
	echo "run: using the running JACK server${JACK_DEFAULT_SERVER:+ '$JACK_DEFAULT_SERVER'}"
else
	echo "run: no JACK server is running; starting one on the dummy backend" \
	     "(jackd -d dummy -r 48000 -p 64, 8 capture and 8 playback ports; log in build/jackd.log)"
	mkdir -p build
	jackd --no-realtime -d dummy -r 48000 -p 64 -C 8 -P 8 > build/jackd.log 2>&1 &
	jackd_pid=$!
	if ! jack_wait -w -t 10 > /dev/null 2>&1; then
		echo "run: jackd did not start; see build/jackd.log" >&2
		exit 1
	fi
fi
echo "run: $bin -c $config   (Ctrl-C to stop)"
"$bin" -c "$config" "$@"
