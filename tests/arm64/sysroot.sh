#!/bin/sh
# sysroot.sh [DIR] - an arm64 (aarch64) sysroot for jmixd, assembled from Debian arm64 packages.
#
# DIR defaults to build-arm64-deps/sysroot (not under build-arm64/: the Makefile's last line
# includes every "*.d" found under $(BUILD), and the sysroot has folders such as
# etc/ld.so.conf.d). The packages are resolved and downloaded with a private APT configuration
# (APT::Architecture "arm64", its own lists, status and cache in $ARM64_APT, default
# DIR/../apt) and `apt-get download`, then unpacked with `dpkg -x`.
# Nothing on the host changes: no `dpkg --add-architecture`, nothing written under /etc/apt or
# /var/lib/dpkg. The host's APT sources are used (they must offer arm64, as deb.debian.org does).
# Runs as any user; needs network access to the Debian archive on the first run only.
#
# Cached and idempotent: DIR/.jmixd-sysroot records the requested packages and the resolved
# "package version" list. When the request has not changed, a rerun does nothing (no network).
# ARM64_SYSROOT_REFRESH=1 resolves again (apt-get update) and rebuilds only if a version moved.
# The .debs are kept in $ARM64_DEBS (default DIR/../debs): point it at a folder outside build-*
# (a CI cache) to survive `make clean`; a .deb already there is not downloaded again.
#
# Absolute symlinks inside the sysroot are rewritten as relative ones, so that both the linker
# (--sysroot) and qemu-aarch64-static -L DIR resolve them inside DIR, never on the host.
set -eu

cd "$(dirname "$0")/../.."
SYSROOT=${1:-build-arm64-deps/sysroot}
APTDIR=${ARM64_APT:-$(dirname "$SYSROOT")/apt}
DEBS=${ARM64_DEBS:-$(dirname "$SYSROOT")/debs}
STAMP=$SYSROOT/.jmixd-sysroot

# What jmixd and its tests link against, plus jackd2 for the arm64 JACK server and
# liblo-tools (oscsend/oscdump) for manual checks; libavahi-client-dev because the Makefile
# enables zeroconf when pkg-config finds avahi-client (mk/arm64.mk points pkg-config at this
# sysroot). Their dependencies are resolved by APT. ARM64_EXTRA_PACKAGES adds more; the
# .deb names of the host (Debian 12) and of arm64 are the same.
# make cross-arm64 also passes every lib*-dev of the Makefile's DEB_PACKAGES in
# ARM64_EXTRA_PACKAGES, so a new library dependency reaches the sysroot by itself.
# shellcheck disable=SC2086 # a list of names
PACKAGES=$(printf '%s\n' libc6-dev libjack-jackd2-dev libjack-jackd2-0 jackd2 liblo-dev liblo7 \
	liblo-tools libconfig-dev libconfig9 libcmocka-dev libcmocka0 libavahi-client-dev \
	${ARM64_EXTRA_PACKAGES:-} | sort -u | tr '\n' ' ')
# Dependencies that are never needed to link or to run jackd/jmixd/the tests inside qemu:
# interpreters, package tools, documentation helpers (jackd2 depends on python3 for
# jack_control, on debconf for its postinst).
EXCLUDE='^(python3?([.-].*)?|libpython.*|dpkg|tar|debconf(-.*)?|media-types|pkgconf(-bin)?|pkg-config|libpkgconf.*|perl.*|readline-common|sensible-utils|lsb-base|sysvinit-utils|init-system-helpers|adduser|passwd|login|libpam.*|tzdata|netbase|mime-support|ucf|install-info|dbus.*|libdbus-glib.*)$'

request=$PACKAGES
request="$request| exclude $EXCLUDE"
if [ "${ARM64_SYSROOT_REFRESH:-0}" != 1 ] && [ -f "$STAMP" ] &&
   [ "$(sed -n 's/^request: //p' "$STAMP")" = "$request" ]; then
	echo "sysroot: $SYSROOT is up to date ($(grep -c '^pkg ' "$STAMP") packages; ARM64_SYSROOT_REFRESH=1 to re-resolve)"
	exit 0
fi

if ! command -v apt-get > /dev/null || ! command -v dpkg > /dev/null; then
	echo "sysroot: needs apt-get and dpkg (a Debian or Ubuntu host)" >&2
	exit 1
fi

mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial" "$DEBS"
APTDIR=$(cd "$APTDIR" && pwd)
DEBS=$(cd "$DEBS" && pwd)
[ -f "$APTDIR/status" ] || : > "$APTDIR/status"
cat > "$APTDIR/apt.conf" <<EOF
APT::Architecture "arm64";
APT::Architectures { "arm64"; };
APT::Install-Recommends "false";
Dir::State "$APTDIR";
Dir::State::Lists "$APTDIR/lists";
Dir::State::status "$APTDIR/status";
Dir::Cache "$APTDIR/cache";
Dir::Log "$APTDIR";
Acquire::Languages "none";
EOF
# Downloads run as _apt when we are root; let it write to our folders (or warn, harmlessly).
if [ "$(id -u)" = 0 ] && id _apt > /dev/null 2>&1; then
	chown -R _apt "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial" "$DEBS" 2>/dev/null || true
fi
export APT_CONFIG="$APTDIR/apt.conf"

t0=$(date +%s)
echo "sysroot: apt-get update (arm64 indexes, private state in $APTDIR)"
apt-get update -qq
# Resolve the closure against an empty status file: "Inst NAME (VERSION ...)" per package.
# shellcheck disable=SC2086
apt-get -s install --no-install-recommends $PACKAGES > "$APTDIR/resolve.txt"
resolved=$(awk '/^Inst /{n=$2; sub(/:arm64$/, "", n); v=$3; gsub(/[()]/, "", v); print n, v}' \
	"$APTDIR/resolve.txt" | awk -v re="$EXCLUDE" '$1 !~ re' | sort)
[ -n "$resolved" ] || { echo "sysroot: could not resolve $PACKAGES" >&2; exit 1; }
n=$(printf '%s\n' "$resolved" | wc -l)

if [ -f "$STAMP" ] && [ "$(sed -n 's/^request: //p' "$STAMP")" = "$request" ] &&
   [ "$(sed -n 's/^pkg //p' "$STAMP")" = "$resolved" ]; then
	echo "sysroot: $SYSROOT already has these $n package versions"
	exit 0
fi

# Download what the cache lacks (file names are NAME_VERSION_arm64.deb, ':' as %3a).
need=$(printf '%s\n' "$resolved" | while read -r p v; do
	f=$(printf '%s_%s_arm64.deb' "$p" "$v" | sed 's/:/%3a/g')
	g=$(printf '%s_%s_all.deb' "$p" "$v" | sed 's/:/%3a/g')
	[ -f "$DEBS/$f" ] || [ -f "$DEBS/$g" ] || echo "$p:arm64=$v"
done)
if [ -n "$need" ]; then
	echo "sysroot: downloading $(echo "$need" | wc -l) of $n packages into $DEBS"
	# shellcheck disable=SC2086
	(cd "$DEBS" && apt-get download -qq $need)
fi

echo "sysroot: unpacking $n packages into $SYSROOT"
rm -rf "$SYSROOT.tmp"
mkdir -p "$SYSROOT.tmp"
printf '%s\n' "$resolved" | while read -r p v; do
	f=$(printf '%s_%s_arm64.deb' "$p" "$v" | sed 's/:/%3a/g')
	[ -f "$DEBS/$f" ] || f=$(printf '%s_%s_all.deb' "$p" "$v" | sed 's/:/%3a/g')
	dpkg -x "$DEBS/$f" "$SYSROOT.tmp"
done

# Keep the cache to what this sysroot uses (older versions go after a refresh).
for f in "$DEBS"/*.deb; do
	[ -e "$f" ] || continue
	b=$(basename "$f" | sed 's/%3a/:/g')
	printf '%s\n' "$resolved" | awk -v b="$b" '{ if (b == $1 "_" $2 "_arm64.deb" || b == $1 "_" $2 "_all.deb") f = 1 } END { exit !f }' ||
		rm -f "$f"
done

# Absolute symlinks -> relative (e.g. usr/lib/aarch64-linux-gnu/libz.so -> /lib/...).
find "$SYSROOT.tmp" -type l | while read -r link; do
	target=$(readlink "$link")
	case $target in
	/*)
		dir=$(dirname "${link#"$SYSROOT.tmp"/}")
		up=$(echo "$dir" | sed 's|[^/][^/]*|..|g')
		[ "$dir" != . ] || up=.
		ln -sfn "$up${target}" "$link"
		;;
	esac
done

{
	echo "# arm64 sysroot for jmixd, made by tests/arm64/sysroot.sh on $(date -u +%Y-%m-%dT%H:%MZ)"
	echo "request: $request"
	printf '%s\n' "$resolved" | sed 's/^/pkg /'
} > "$SYSROOT.tmp/.jmixd-sysroot"
rm -rf "$SYSROOT"
mv "$SYSROOT.tmp" "$SYSROOT"
echo "sysroot: $SYSROOT ready: $n packages, $(du -sm "$SYSROOT" | cut -f1) MB, $(( $(date +%s) - t0 )) s"
