/*
 * zeroconf.c - the _osc._udp announcement through avahi-client; see zeroconf.h.
 *
 * How avahi-client is driven: by an AvahiSimplePoll that the daemon's existing 50 Hz tick
 * steps with avahi_simple_poll_iterate(poll, 0), which polls avahi's D-Bus socket without
 * waiting, dispatches what is ready and returns. Why this and not the alternatives:
 *   - avahi_threaded_poll would run avahi's callbacks (and our logging) on a second thread,
 *     against the one-control-thread design (STYLE.md idiom 11) and for no gain;
 *   - exposing avahi's file descriptors to our poll() would need a custom AvahiPoll (watch
 *     and timeout bookkeeping, about 150 lines) to save at most 20 ms on events that happen
 *     once at start and again only on a name collision or an avahi-daemon restart.
 * The cost is one poll() on one descriptor per tick. Note that avahi-client makes its D-Bus
 * method calls (add service, commit, free) synchronously: each blocks this thread for a
 * round trip to avahi-daemon, well under a millisecond on a live daemon, and only at those
 * rare moments. The audio thread never waits on any of it.
 *
 * The client is created with AVAHI_CLIENT_NO_FAIL: when avahi-daemon is not running (or
 * restarts) the client waits for it on the bus and we announce as soon as it appears. The
 * TXT record follows the OSC 1.1 DNS-SD proposal: txtvers, version, and types (the argument
 * types the daemon accepts).
 */
#include "daemon/zeroconf.h"

#include <stddef.h>

#include "daemon/log.h"

#ifdef JMIXD_HAVE_AVAHI

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <avahi-client/client.h>
#include <avahi-client/publish.h>
#include <avahi-common/alternative.h>
#include <avahi-common/error.h>
#include <avahi-common/malloc.h>
#include <avahi-common/simple-watch.h>

#define SERVICE_TYPE "_osc._udp"

struct zeroconf {
	AvahiSimplePoll *poll;
	AvahiClient *client;
	AvahiEntryGroup *group;      /* created once the client runs; freed with the client */
	char *name;                  /* avahi_strdup: replaced by an alternative on collision */
	int port;
	AvahiIfIndex iface;
	AvahiProtocol proto;
	bool has_logged_waiting;     /* one line per absence of avahi-daemon, not one per tick */
	bool has_logged_poll_error;
};

static void group_changed(AvahiEntryGroup *g, AvahiEntryGroupState state, void *userdata);

/* Add the service to the (empty) group and commit; renames and retries on a local clash. */
static void publish(struct zeroconf *z, AvahiClient *c)
{
	if (!z->group) {
		z->group = avahi_entry_group_new(c, group_changed, z);
		if (!z->group) {
			log_warn("zeroconf: cannot create an entry group: %s",
				 avahi_strerror(avahi_client_errno(c)));
			return;
		}
	}
	if (!avahi_entry_group_is_empty(z->group))
		return;
	for (;;) {
		int rc = avahi_entry_group_add_service(z->group, z->iface, z->proto, 0, z->name,
						       SERVICE_TYPE, NULL, NULL, (uint16_t)z->port,
						       "txtvers=1", "version=1.0", "types=ifdhsTF",
						       NULL);
		if (rc == AVAHI_ERR_COLLISION) {
			/* Another service of ours on this host has the name: pick the next. */
			char *next = avahi_alternative_service_name(z->name);
			log_info("zeroconf: \"%s\" is taken here; trying \"%s\"", z->name, next);
			avahi_free(z->name);
			z->name = next;
			continue;
		}
		if (rc < 0 || (rc = avahi_entry_group_commit(z->group)) < 0) {
			log_warn("zeroconf: cannot announce %s: %s", SERVICE_TYPE, avahi_strerror(rc));
			return;
		}
		return;
	}
}

static void group_changed(AvahiEntryGroup *g, AvahiEntryGroupState state, void *userdata)
{
	struct zeroconf *z = userdata;
	switch (state) {
	case AVAHI_ENTRY_GROUP_ESTABLISHED:
		log_info("zeroconf: announced \"%s\" as %s on port %d", z->name, SERVICE_TYPE,
			 z->port);
		break;
	case AVAHI_ENTRY_GROUP_COLLISION: {
		/* Another host on the network has the name: take the next and announce again. */
		char *next = avahi_alternative_service_name(z->name);
		log_info("zeroconf: \"%s\" is taken on the network; renamed \"%s\"", z->name, next);
		avahi_free(z->name);
		z->name = next;
		avahi_entry_group_reset(g);
		publish(z, avahi_entry_group_get_client(g));
		break;
	}
	case AVAHI_ENTRY_GROUP_FAILURE:
		log_warn("zeroconf: announcement failed: %s",
			 avahi_strerror(avahi_client_errno(avahi_entry_group_get_client(g))));
		break;
	case AVAHI_ENTRY_GROUP_UNCOMMITED:
	case AVAHI_ENTRY_GROUP_REGISTERING:
	default:
		break;
	}
}

static void client_changed(AvahiClient *c, AvahiClientState state, void *userdata)
{
	struct zeroconf *z = userdata;
	int err;
	switch (state) {
	case AVAHI_CLIENT_S_RUNNING:
		z->has_logged_waiting = false;
		publish(z, c);
		break;
	case AVAHI_CLIENT_S_COLLISION:
	case AVAHI_CLIENT_S_REGISTERING:
		/* The host name is being (re)registered: withdraw until the server runs again. */
		if (z->group)
			avahi_entry_group_reset(z->group);
		break;
	case AVAHI_CLIENT_CONNECTING:
		if (!z->has_logged_waiting)
			log_info("zeroconf: avahi-daemon is not running; %s port %d is announced "
				 "when it starts", SERVICE_TYPE, z->port);
		z->has_logged_waiting = true;
		break;
	case AVAHI_CLIENT_FAILURE:
		if (avahi_client_errno(c) != AVAHI_ERR_DISCONNECTED) {
			log_warn("zeroconf: avahi client failed: %s; not announced",
				 avahi_strerror(avahi_client_errno(c)));
			break;
		}
		/* avahi-daemon went away: start over, waiting for it to come back (the pattern
		 * of avahi's own examples; freeing the client inside its callback is allowed). */
		log_info("zeroconf: avahi-daemon went away; announcing again when it returns");
		z->has_logged_waiting = true;
		avahi_client_free(c);
		z->client = NULL;
		z->group = NULL;
		z->client = avahi_client_new(avahi_simple_poll_get(z->poll), AVAHI_CLIENT_NO_FAIL,
					     client_changed, z, &err);
		if (!z->client)
			log_warn("zeroconf: cannot reconnect to avahi-daemon: %s", avahi_strerror(err));
		break;
	default:
		break;
	}
}

/* Interface index and protocol to announce on for the OSC socket's bind address; false for
 * a loopback address (nothing to announce). */
static bool scope_for_bind(const char *bind, AvahiIfIndex *iface, AvahiProtocol *proto)
{
	struct in_addr a4;
	struct in6_addr a6;
	int family;

	*iface = AVAHI_IF_UNSPEC;
	*proto = AVAHI_PROTO_UNSPEC;
	if (inet_pton(AF_INET, bind, &a4) == 1) {
		family = AF_INET;
		*proto = AVAHI_PROTO_INET;   /* an IPv4 socket: an AAAA answer would mislead */
		if ((ntohl(a4.s_addr) >> 24) == 127)
			return false;
		if (a4.s_addr == htonl(INADDR_ANY))
			return true;
	} else if (inet_pton(AF_INET6, bind, &a6) == 1) {
		family = AF_INET6;
		if (IN6_IS_ADDR_LOOPBACK(&a6))
			return false;
		if (IN6_IS_ADDR_UNSPECIFIED(&a6))
			return true;          /* dual-stack: both protocols */
		*proto = AVAHI_PROTO_INET6;
	} else {
		return true;
	}

	struct ifaddrs *list;
	if (getifaddrs(&list) < 0)
		return true;
	for (const struct ifaddrs *i = list; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != family)
			continue;
		bool is_match = family == AF_INET
			? ((const struct sockaddr_in *)(const void *)i->ifa_addr)->sin_addr.s_addr ==
				  a4.s_addr
			: memcmp(&((const struct sockaddr_in6 *)(const void *)i->ifa_addr)->sin6_addr,
				 &a6, sizeof a6) == 0;
		if (is_match) {
			*iface = (AvahiIfIndex)if_nametoindex(i->ifa_name);
			break;
		}
	}
	freeifaddrs(list);
	return true;
}

struct zeroconf *zeroconf_start(const char *name, int port, const char *bind)
{
	AvahiIfIndex iface;
	AvahiProtocol proto;
	int err;

	if (!scope_for_bind(bind, &iface, &proto)) {
		log_info("zeroconf: OSC listens on loopback (%s) only: not announced", bind);
		return NULL;
	}
	struct zeroconf *z = calloc(1, sizeof *z);
	if (!z || !(z->poll = avahi_simple_poll_new()) || !(z->name = avahi_strdup(name))) {
		log_warn("zeroconf: out of memory; not announced");
		zeroconf_stop(z);
		return NULL;
	}
	z->port = port;
	z->iface = iface;
	z->proto = proto;
	z->client = avahi_client_new(avahi_simple_poll_get(z->poll), AVAHI_CLIENT_NO_FAIL,
				     client_changed, z, &err);
	if (!z->client) {
		/* No system D-Bus at all (a container, say): nothing to wait for. */
		log_info("zeroconf: cannot reach avahi-daemon (%s); %s port %d not announced",
			 avahi_strerror(err), SERVICE_TYPE, port);
		zeroconf_stop(z);
		return NULL;
	}
	return z;
}

void zeroconf_tick(struct zeroconf *z)
{
	if (!z)
		return;
	if (avahi_simple_poll_iterate(z->poll, 0) < 0 && !z->has_logged_poll_error) {
		log_warn("zeroconf: polling the avahi connection failed");
		z->has_logged_poll_error = true;
	}
}

void zeroconf_stop(struct zeroconf *z)
{
	if (!z)
		return;
	if (z->client)
		avahi_client_free(z->client);   /* frees the group: the service is withdrawn */
	if (z->poll)
		avahi_simple_poll_free(z->poll);
	avahi_free(z->name);
	free(z);
}

#else /* !JMIXD_HAVE_AVAHI */

struct zeroconf *zeroconf_start(const char *name, int port, const char *bind)
{
	(void)name, (void)bind;
	log_info("zeroconf: built without avahi; UDP port %d is not announced", port);
	return NULL;
}

void zeroconf_tick(struct zeroconf *z)
{
	(void)z;
}

void zeroconf_stop(struct zeroconf *z)
{
	(void)z;
}

#endif
