/*
 * clients.h - who hears about changes and meters.
 *
 * A client subscribes with "/subscribe" (replies to the address and port it sent from) or
 * "/subscribe i <port>" (same address, that port: TouchOSC Mk1 sends from one port and
 * listens on another, 9000 by default) and must renew within CLIENT_LEASE_MS, like the X32's
 * /xremote: a tablet that walks out of Wi-Fi range stops costing bandwidth by itself.
 * Clients listed in the config never expire.
 *
 * Control thread only.
 */
#ifndef JMIXD_OSC_CLIENTS_H
#define JMIXD_OSC_CLIENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "osc/reply.h"

#define CLIENTS_MAX 32
#define CLIENT_LEASE_MS 10000

struct osc_client {
	bool is_used;
	bool is_static;              /* from the config: never expires */
	bool has_fixed_port;         /* replies go to a port other than the one it sends from */
	bool has_source;             /* source is known (it subscribed itself) */
	bool is_floats_only;         /* osc.clients floats = true: switches as floats, meters
				      * as single floats (TouchOSC Mk1) */
	struct osc_peer reply_to;
	struct osc_peer source;      /* where its /subscribe came from */
	int64_t expires_ms;          /* monotonic */
};

#define CLIENTS_PER_HOST_DEFAULT 4

struct osc_clients {
	struct osc_client client[CLIENTS_MAX];
	int n_used;
	int max_per_host;            /* subscriptions one host may hold (0: no limit) */
};

int64_t osc_now_ms(void);

/* Same address (and port), as jmixd's own tables compare peers. */
bool osc_peer_same_host(const struct osc_peer *a, const struct osc_peer *b);
bool osc_peer_same(const struct osc_peer *a, const struct osc_peer *b);

/* p with its port replaced (port 0: p as it is). */
struct osc_peer osc_peer_with_port(const struct osc_peer *p, int port);

/* Would datagrams to p reach the socket bound at self (same port, and self's address or,
 * for a wildcard bind, any address of this machine)? A subscription there is a loop. */
bool osc_peer_is_self(const struct osc_peer *self, const struct osc_peer *p);

/*
 * Add or renew. port 0 = reply to the sender's own port. Returns the client id, -1 when
 * every place is taken, or -2 when the sender's host already holds max_per_host
 * subscriptions (one host, even a monitor, cannot lock every surface out; clients from the
 * config do not count). *is_new tells whether it was not subscribed before.
 */
int osc_clients_subscribe(struct osc_clients *cs, const struct osc_peer *from, int port,
			  bool is_static, bool *is_new);

/* Remove the client that from belongs to; false when there was none. */
bool osc_clients_unsubscribe(struct osc_clients *cs, const struct osc_peer *from);

/*
 * The id of the client a message from `from` belongs to, or -1: the client that replies go
 * to at that address and port, else the one whose /subscribe came from there, else (for
 * clients from the config, whose source port nobody knows) the only such client on that
 * host. Another program on a subscribed tablet's host is thus not taken for the tablet.
 */
int osc_clients_find(const struct osc_clients *cs, const struct osc_peer *from);

/* Drop clients whose lease ran out; returns how many. */
int osc_clients_expire(struct osc_clients *cs, int64_t now_ms);

#endif
