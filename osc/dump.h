/*
 * dump.h - whole-state dumps, paced, at most one per destination every DUMP_INTERVAL_MS.
 *
 * A dump is every parameter (and its /norm twin), 25 kB for 8 channels and 440 kB for 128:
 * by far the largest answer jmixd gives, to a request of 12 bytes. So a dump is a job with a
 * cursor, not a burst: it starts at once with what the destination's byte budget (pace.h)
 * allows, and goes on at each tick of the control loop where it stopped. A destination asking
 * again (by /dump or a new /subscribe) within DUMP_INTERVAL_MS of its last dump's start gets
 * one more dump when that time is up, however often it asked: 50 requests in a second cost two
 * dumps, not fifty.
 *
 * Control thread only.
 */
#ifndef JMIXD_OSC_DUMP_H
#define JMIXD_OSC_DUMP_H

#include <stdbool.h>
#include <stdint.h>

#include "osc/reply.h"

#define DUMP_JOBS 32
#define DUMP_INTERVAL_MS 2000
#define DUMP_TICK_BYTES 65536        /* at most this much of one dump per tick */

struct dump_job {
	bool is_used;
	bool is_active;              /* being sent: next is the first value not yet sent */
	bool is_pending;             /* asked again: one more dump when the interval is up */
	struct osc_peer to;
	int next;
	int64_t started_ms;
};

struct osc_dumps {
	struct dump_job job[DUMP_JOBS];
	uint64_t n_started;
	uint64_t n_coalesced;        /* requests served by a dump already sent or due */
};

struct osc_router;

/* A dump to `to` is wanted. 0, or -1 when DUMP_JOBS destinations are already being served. */
int osc_dump_request(struct osc_router *r, const struct osc_peer *to, int64_t now_ms);

/* Each tick: go on with active dumps, start those that were asked for again and are due. */
void osc_dump_tick(struct osc_router *r, int64_t now_ms);

#endif
