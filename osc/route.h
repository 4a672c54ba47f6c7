/*
 * route.h - one OSC message, already pre-filtered and parsed, to its effect.
 *
 * Addresses: every parameter and meter as osc/address.h describes (/ch, /aux, /master, sends,
 * /norm twins); /info, /status, /subscribe [port], /unsubscribe, /dump,
 * /snapshot/{save,load,delete} s and /snapshot/list. No arguments is a query, answered to the sender with the
 * current value. One argument sets. Anything else, and any invalid value, is answered with
 * "/error ss <address> <reason>", logged (rate-limited), and changes nothing.
 */
#ifndef JMIXD_OSC_ROUTE_H
#define JMIXD_OSC_ROUTE_H

#include <lo/lo.h>
#include <stdint.h>
#include <time.h>

#include "daemon/control.h"
#include "daemon/state.h"
#include "osc/access.h"
#include "osc/clients.h"
#include "osc/dump.h"
#include "osc/pace.h"
#include "osc/reply.h"

struct midi_map;

struct osc_router {
	struct osc_out out;          /* the socket replies leave from, and their budget */
	struct osc_pace pace;
	struct osc_dumps dumps;
	struct osc_peer self;        /* the socket's own address, to refuse subscribing to it */
	uint64_t n_loops_dropped;    /* replies and feedback (ours or another desk's) not answered */
	struct control *control;
	struct state *state;
	const char *client_name;
	struct osc_clients clients;
	struct osc_access access;
	struct midi_map *midi;       /* MIDI bindings (midi/midi_map.h); NULL when MIDI is off */
	struct osc_peer learn_peer;  /* who asked /midi/learn: told when a control is bound */
	int64_t started_ms;
	uint64_t n_accepted;
	uint64_t n_rejected;
	uint64_t n_feedback_packets;
	uint64_t n_meter_packets;
	time_t log_window;           /* error-log rate limit: second being counted */
	int n_logged;                /* error lines logged in that second */
	int n_suppressed;            /* lines withheld in the previous window(s) */
};

/* role: the sender's, from osc_access_role (ROLE_NONE never reaches here). */
void osc_route_message(struct osc_router *r, const struct osc_peer *from, enum access_role role,
		       const char *path, const char *types, lo_arg **argv, int argc);

/* Where answers to `from` go: a subscriber's listening port, else the sender itself. */
const struct osc_peer *osc_route_reply_peer(const struct osc_router *r, const struct osc_peer *from);

/* Once a second is enough: report how many rejections were not logged. */
void osc_route_log_tick(struct osc_router *r);

/* Answer and log a refused message or packet. */
void osc_route_reject(struct osc_router *r, const struct osc_peer *from, const char *path,
		      const char *reason);

#endif
