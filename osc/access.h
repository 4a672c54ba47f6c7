/*
 * access.h - who may talk to the console, and how fast.
 *
 * A source's role comes from the most specific matching network of osc.allow (longest
 * prefix): none (not listed: its packets are dropped without a reply, so jmixd cannot be
 * used to reflect traffic at a forged address), monitor (may query, subscribe and receive
 * meters) or control (may also change things).
 *
 * Each source address has a token bucket of rate_limit messages a second with a one-second
 * burst; messages beyond it are dropped unanswered and counted. A bounded table of recent
 * sources (least recently seen is replaced) keeps this O(1) in memory whatever a flood of
 * forged addresses does.
 *
 * Control thread only.
 */
#ifndef JMIXD_OSC_ACCESS_H
#define JMIXD_OSC_ACCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "daemon/config.h"
#include "osc/reply.h"

#define ACCESS_SOURCES 64

struct access_bucket {
	int family;
	unsigned char addr[16];
	double tokens;
	int64_t last_ms;
	uint64_t n_dropped;
};

struct osc_access {
	const struct setup_net *nets;
	int n_nets;
	int rate_limit;
	struct access_bucket bucket[ACCESS_SOURCES];
	uint64_t n_denied;           /* packets from sources outside the allowlist */
	uint64_t n_limited;          /* messages over a source's rate */
};

void osc_access_init(struct osc_access *a, const struct setup *setup);

enum access_role osc_access_role(const struct osc_access *a, const struct osc_peer *from);

/* Take n_messages tokens for from; false when its rate is exceeded (nothing is taken). */
bool osc_access_take(struct osc_access *a, const struct osc_peer *from, int n_messages,
		     int64_t now_ms);

/* Address bytes of a peer (4 or 16); 0 for other families. */
int osc_peer_addr(const struct osc_peer *p, unsigned char *addr);

#endif
