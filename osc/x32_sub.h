/*
 * x32_sub.h - the console's polling subscriptions: "/meters" banks (research/x32.md 3.5, 5.3,
 * 5.4), pushed every 50 ms x tf for 10 s, renewed by asking again.
 *
 * Control thread only.
 */
#ifndef JMIXD_OSC_X32_SUB_H
#define JMIXD_OSC_X32_SUB_H

#include <lo/lo.h>
#include <stdbool.h>
#include <stdint.h>

#include "osc/reply.h"

#define X32_SUBS 8

struct x32_sub {
	bool is_used;
	struct osc_peer peer;
	int interval_ms;
	int64_t next_ms;
	int64_t expires_ms;
};

struct x32_subs {
	struct x32_sub sub[X32_SUBS];
};

struct x32_listener;

/* A subscription request (path "/meters"); false when path is not one. */
bool x32_sub_request(struct x32_listener *l, const struct osc_peer *from, const char *path,
		     const char *types, lo_arg **argv, int argc);

/* Send what is due and drop what has run out. */
void x32_sub_tick(struct x32_listener *l, int64_t now);

#endif
