/*
 * pace.h - byte budgets for everything jmixd sends, so that it is never an amplifier.
 *
 * A request can cost anywhere from 20 bytes of reply (a query) to hundreds of kilobytes (a
 * whole-state dump of a large console), so counting requests (access.h) does not bound what
 * goes out. Every datagram is charged here before it leaves:
 *   - a token bucket of bytes per destination address (osc.reply_budget bytes a second, half
 *     a second of burst), replies, feedback and meters together, so a source that asks for
 *     more than a tablet on Wi-Fi would ever need gets its answers paced or dropped;
 *   - a bucket for all destinations together (osc.reply_budget_total);
 *   - PACE_PACKET_BYTES of immediate replies per received packet, whatever it held.
 *
 * What happens when a budget is spent depends on the kind of datagram:
 *   PACE_REPLY     an answer to a request: dropped (and counted);
 *   PACE_STREAM    meters and dump chunks: not sent now; the caller tries again next tick
 *                  (meters skip a frame, a dump resumes where it stopped). Streams leave
 *                  PACE_REPLY_RESERVE in the buckets, so a dump in progress never starves
 *                  the answer to a query from the same host;
 *   PACE_FEEDBACK  changes to the mix: always sent (a lost change would leave a surface
 *                  showing a wrong value), charged all the same, so the debt holds back the
 *                  destination's meters, dumps and replies until it is repaid.
 *
 * Destinations are keyed by host address (an IPv6 destination by its /64, like access.h's
 * sources). The table is bounded; the total budget bounds what any number of them get.
 * A zeroed struct osc_pace paces nothing (unit tests of routing that do not care).
 *
 * Control thread only.
 */
#ifndef JMIXD_OSC_PACE_H
#define JMIXD_OSC_PACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "osc/reply.h"

#define PACE_DESTS 64
#define PACE_PACKET_BYTES 65536
#define PACE_REPLY_RESERVE 8192   /* streams leave this much for answers to requests */
#define PACE_DEFAULT_BYTES_PER_S 262144          /* 2 Mbit/s: a tablet on Wi-Fi never notices */
#define PACE_DEFAULT_TOTAL_BYTES_PER_S 2097152   /* 16 Mbit/s for all destinations together */

enum pace_kind {
	PACE_REPLY,
	PACE_STREAM,
	PACE_FEEDBACK,
};

struct pace_bucket {
	int family;                  /* 0: unused entry */
	unsigned char key[16];
	double tokens;               /* bytes; negative while in debt */
	int64_t last_ms;
};

struct osc_pace {
	long dest_bytes_per_s;       /* 0: no pacing at all */
	long total_bytes_per_s;
	struct pace_bucket dest[PACE_DESTS];
	struct pace_bucket total;
	bool is_in_packet;           /* between osc_pace_packet_begin and _end */
	size_t packet_bytes;         /* immediate replies to the packet being handled */
	uint64_t n_bytes_sent;
	uint64_t n_datagrams_sent;
	uint64_t n_dropped;          /* replies dropped, stream datagrams held back */
};

void osc_pace_init(struct osc_pace *p, long dest_bytes_per_s, long total_bytes_per_s);

/* Change the budgets (a reload); the buckets keep what they hold, capped at the new burst. */
void osc_pace_set(struct osc_pace *p, long dest_bytes_per_s, long total_bytes_per_s);

/* A received packet is being handled: the PACE_PACKET_BYTES cap counts from here. */
void osc_pace_packet_begin(struct osc_pace *p);
void osc_pace_packet_end(struct osc_pace *p);

/* May `bytes` go to `to` now? If so they are charged. now_ms is monotonic. */
bool osc_pace_take(struct osc_pace *p, const struct osc_peer *to, size_t bytes,
		   enum pace_kind kind, int64_t now_ms);

/* Bytes of PACE_STREAM that `to` may receive now (0 when in debt, out of budget, or down to
 * the reserve kept for answers). */
size_t osc_pace_available(struct osc_pace *p, const struct osc_peer *to, int64_t now_ms);

#endif
