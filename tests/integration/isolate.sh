#!/bin/sh
# isolate.sh CMD [ARGS...] - run an integration test with JACK's shared state made private.
#
# jack2 (1.9.21, Linux) keeps every piece of server state in /dev/shm: the server socket
# (jack_<name>_<uid>_0), its POSIX semaphores (jack_sem.<uid>_<name>_*), the shm segments
# (jack-<uid>-<n>), the machine-wide jack-shm-registry, and the metadata database folder
# (jack_db-<uid>). Nothing goes to /tmp, /run or $HOME (checked with find -newer while a
# dummy jackd ran and served a client). So one private tmpfs on /dev/shm, in a private mount
# namespace, is all the isolation a test jackd needs: the test cannot see or disturb any other
# JACK server on the machine (not even through the shared registry), and everything it leaves
# behind vanishes with the namespace.
#
# As root with a working `unshare -m`, CMD runs in a new mount namespace (propagation
# private, so the mount is invisible outside) with a fresh 256 MB tmpfs on /dev/shm, and
# JMIXD_ISOLATED=1 in its environment. Otherwise CMD runs directly, and this says so on
# stderr: the harness still uses unique server names (jmx-<pid>-<k>), so tests stay correct,
# only less hermetic. JMIXD_NO_ISOLATE=1 forces the direct run.
#
# The exit status is CMD's.
set -u

if [ $# -eq 0 ]; then
	echo "usage: $0 CMD [ARGS...]" >&2
	exit 2
fi

if [ "${JMIXD_ISOLATED:-0}" = 1 ]; then
	exec "$@"       # already inside a private namespace
fi

if [ "${JMIXD_NO_ISOLATE:-0}" != 1 ] && [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1 &&
   unshare -m --propagation private true 2>/dev/null; then
	JMIXD_ISOLATED=1 exec unshare -m --propagation private sh -c '
		mount -t tmpfs -o size=256m,mode=1777 tmpfs /dev/shm || {
			echo "isolate.sh: cannot mount a private /dev/shm" >&2
			exit 125
		}
		exec "$@"' sh "$@"
fi

if [ "${JMIXD_NO_ISOLATE:-0}" = 1 ]; then
	why="JMIXD_NO_ISOLATE=1"
else
	why="no private mount namespace (needs root and a working unshare -m)"
fi
echo "isolate.sh: $why; running without JACK isolation: $*" >&2
exec "$@"
