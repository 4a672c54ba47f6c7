/*
 * x32_sub.h - the console's polling subscriptions (research/x32.md 3.2 - 3.6, 5.3, 5.4):
 *   /meters ,s[i..] /meters/N [params] [tf]     a meter bank as a blob on "/meters/N";
 *   /batchsubscribe ,ssiii <alias> /meters/N p1 p2 tf   the same, on the address <alias>;
 *   /subscribe ,s[i] <path> [tf]                 one leaf's value, "<path> ,<tag> <value>";
 *   /formatsubscribe ,ss[s..]iii <alias> <pattern>.. i0 i1 tf   many leaves in one blob:
 *       each pattern's "*" run is the index, zero-padded to its width, from i0 to i1;
 *       the blob is a little-endian int32 of its own length, then a little-endian value per
 *       leaf (pattern by pattern, index by index): int32 for 'i', float for 'f', a 32-byte
 *       field for 's'. Doc p.78: "/ch/NN/mix/on" (NN written as two stars) from 6 to 9
 *       is 20 bytes, 14000000 then four ints;
 *   /renew ,[s..] [name..]    another 10 s for the sender's subscription of that alias or
 *                             path (the slash optional), or all of them;
 *   /unsubscribe ,[s..] [name..]   ends them (no name: all, and the /xremote lease).
 * Each runs every 50 ms x tf (tf 1..99; anything else is 1) for 10 s after the last request
 * or renewal; renewing after expiry does nothing. At most X32_SUBS per listener and
 * X32_SUBS_PER_PEER per sender; a request beyond them is ignored, as the console does.
 *
 * Meter blobs hold a little-endian int32 count, then the values: X32 float32 linear (1.0 is
 * 0 dBFS; gain reduction as the gain applied, 1.0 none), X Air int16 dB x 256 (-32768
 * silence; gain reduction as the gain applied in dB, 0 none). Banks and sizes are the
 * protocol document's; what jmixd measures (channel, bus and master peaks, channel gain
 * reduction) fills its slots, the rest is silence, so every bank has its documented size.
 *
 * Everything sent here is a stream (pace.h): out of budget, a frame is skipped, not queued.
 *
 * Control thread only.
 */
#ifndef JMIXD_OSC_X32_SUB_H
#define JMIXD_OSC_X32_SUB_H

#include <lo/lo.h>
#include <stdbool.h>
#include <stdint.h>

#include "osc/reply.h"

#define X32_SUBS 64
#define X32_SUBS_PER_PEER 16
#define X32_SUB_NAME_MAX 48
#define X32_SUB_PATTERNS 4
#define X32_SUB_VALUES 128        /* leaves in one /formatsubscribe blob */

enum x32_sub_kind {
	X32_SUB_METERS,
	X32_SUB_LEAF,
	X32_SUB_FORMAT,
};

struct x32_sub {
	bool is_used;
	enum x32_sub_kind kind;
	struct osc_peer peer;
	char alias[X32_SUB_NAME_MAX];   /* the reply address (the leaf's path for /subscribe) */
	char pattern[X32_SUB_PATTERNS][X32_SUB_NAME_MAX];
	int n_patterns;
	int bank, param[2];             /* meters */
	int first, last;                /* /formatsubscribe indexes */
	int interval_ms;
	int64_t next_ms;
	int64_t expires_ms;
};

struct x32_subs {
	struct x32_sub sub[X32_SUBS];
};

struct x32_listener;

/* A subscription request (the paths above); false when path is none of them. */
bool x32_sub_request(struct x32_listener *l, const struct osc_peer *from, const char *path,
		     const char *types, lo_arg **argv, int argc);

/* Send what is due and drop what has run out. */
void x32_sub_tick(struct x32_listener *l, int64_t now);

#endif
