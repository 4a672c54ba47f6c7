/*
 * access.h - who may talk to the console, and how fast.
 *
 * A source's role comes from the most specific matching network of osc.allow (longest
 * prefix): none (not listed: its packets are dropped without a reply, so jmixd cannot be
 * used to reflect traffic at a forged address), monitor (may query, subscribe and receive
 * meters), monitor-mix:<bus> (a monitor that may also set that monitor bus's sends and
 * fader: a performer's phone) or control (may also change everything).
 *
 * Each source has a token bucket of rate_limit messages a second with a one-second burst;
 * messages beyond it are dropped unanswered and counted. A source is an IPv4 address or an
 * IPv6 /64 (one host owns a whole /64, so per-/128 buckets would be free for the taking). A
 * bounded table of recent sources keeps this O(1) in memory whatever a flood of forged
 * addresses does. Once the table is full, a source new to it replaces the least recently seen
 * (one seen only once first) and does not get a full bucket: at most a tenth of a second's
 * worth, taken from one budget shared by all newcomers (rate_limit a second), so rotating over
 * more addresses than the table holds buys nothing.
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
	int n_seen;                  /* 1, or 2 for a source seen more than once */
};

struct osc_access {
	struct setup_net nets[SETUP_MAX_NETS];   /* a copy: a reload replaces the setup's */
	int n_nets;
	int rate_limit;
	struct access_bucket bucket[ACCESS_SOURCES];
	struct access_bucket newcomers;  /* the first tokens of sources new to a full table */
	uint64_t n_denied;           /* packets from sources outside the allowlist */
	uint64_t n_limited;          /* messages over a source's rate */
};

void osc_access_init(struct osc_access *a, const struct setup *setup);

/* A reload: new allowlist and rate, live. The buckets keep what they hold. */
void osc_access_apply(struct osc_access *a, const struct setup *setup);

enum access_role osc_access_role(const struct osc_access *a, const struct osc_peer *from);

/* The monitor bus a ROLE_MONITOR_MIX source may mix (0-based); -1 for any other role. */
int osc_access_mix_bus(const struct osc_access *a, const struct osc_peer *from);

/* Take n_messages tokens for from; false when its rate is exceeded (nothing is taken). */
bool osc_access_take(struct osc_access *a, const struct osc_peer *from, int n_messages,
		     int64_t now_ms);

/* Address bytes of a peer (4 or 16); 0 for other families. */
int osc_peer_addr(const struct osc_peer *p, unsigned char *addr);

/* The family and 16-byte key that rate limits and budgets count a peer under: an IPv4
 * address, or an IPv6 address's /64 (the rest zeroed). */
int osc_access_source_key(const struct osc_peer *p, unsigned char *key);

#endif
