/*
 * zeroconf.h - announce the OSC port on the local network as DNS-SD service _osc._udp.
 *
 * Tablets then find the console by name instead of by IP address (TouchOSC Mk2's connection
 * browser, Open Stage Control, any DNS-SD browser; `avahi-browse -rt _osc._udp` shows it).
 * Built on avahi-client when the library was found at build time (JMIXD_HAVE_AVAHI); without
 * it every call is a no-op and zeroconf_start() says so in one log line. Nothing here is
 * fatal: without a running avahi-daemon the console works as before, unannounced.
 *
 * Control thread only, like everything around the daemon's poll() loop.
 */
#ifndef JMIXD_ZEROCONF_H
#define JMIXD_ZEROCONF_H

struct zeroconf;

/*
 * Start announcing service name (the JACK client name, say) on UDP port, for a socket bound
 * to bind (osc.bind: "0.0.0.0" and "::" announce on every interface, a specific address on
 * its interface only, a loopback address not at all, since no other machine could reach it).
 * Registration completes asynchronously inside zeroconf_tick(); its outcome is logged: the
 * announced name (renamed "name #2" on a collision), or one line saying why there is none
 * (avahi-daemon not running: it is announced as soon as the daemon appears).
 * Returns NULL when there is nothing to tick (built without avahi, loopback, no D-Bus).
 */
struct zeroconf *zeroconf_start(const char *name, int port, const char *bind);

/* Let avahi-client do its pending work without blocking: call it from the periodic tick
 * (50 Hz). z may be NULL. */
void zeroconf_tick(struct zeroconf *z);

/* Withdraw the announcement and free everything. z may be NULL. */
void zeroconf_stop(struct zeroconf *z);

#endif
