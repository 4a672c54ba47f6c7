/*
 * x32.h - the X32 (UDP 10023) and X Air (UDP 10024) dialect listeners.
 *
 * Mixing Station, X32-Mix, Companion's behringer-x32 / behringer-xair modules and X32 scripts
 * talk to a console on its own port with its own addresses and laws (research/x32.md). A
 * listener is a translation layer onto jmixd's parameter instances (x32_map.h): nothing is
 * stored twice except the leaves jmixd has no counterpart for.
 *
 * Same front door as the native port: osc.allow and its roles (a monitor may get and
 * subscribe, never set), the per-source rate limit, the reply byte budgets (pace.h), and the
 * pre-filter (packet.h), with the one exception the dialect needs: a message without a type
 * tag string (X32_Command, Mixing Station's gets) gets an empty one before it is checked.
 *
 * What goes out is what a console sends: plain messages, not jmixd's marked bundles, since
 * the clients expect them. Loop protection is therefore by shape: sets are never answered
 * (a get reply and a set look alike), /info, /xinfo and /status with arguments (a console's
 * replies) are never answered, /xremote from one of jmixd's own sockets is refused, and
 * bundles (jmixd's native output among them) are dropped.
 *
 * Subscriptions: /xremote and /xremotenfb lease 10 s per (address, port), at most
 * X32_CLIENTS; renewing sends nothing. Every change of a mapped value, from anywhere, is pushed
 * to the leases at the feedback tick as "<path> ,<tag> <value>". The originator of a set is
 * skipped on X32 (the console's rule) and on /xremotenfb; an X Air /xremote gets its own set
 * back (the Companion X-Air module's toggles depend on it).
 *
 * Control thread only.
 */
#ifndef JMIXD_OSC_X32_H
#define JMIXD_OSC_X32_H

#include <stdint.h>

#include "osc/x32_map.h"

#define X32_CLIENTS 8
#define X32_LEASE_MS 10000
/* Origins (control.h) of changes made through a dialect: above any native client id. */
#define X32_ORIGIN_BASE 1000

struct control;
struct osc_access;
struct osc_pace;
struct osc_peer;
struct setup_dialect;
struct x32_listener;

/* NULL with err filled when the socket cannot be opened. self: the native socket's address,
 * so that a /xremote from it is refused. */
struct x32_listener *x32_listener_new(enum x32_profile profile, const struct setup_dialect *cfg,
				      struct control *control, struct osc_access *access,
				      struct osc_pace *pace, const struct osc_peer *self,
				      char *err, size_t err_size);
void x32_listener_free(struct x32_listener *l);

int x32_listener_fd(const struct x32_listener *l);
int x32_listener_port(const struct x32_listener *l);

/* Where jmixd's scenes are, for /-snap (osc/x32_snap.c); NULL: /-snap only holds values. */
struct state;
void x32_listener_set_state(struct x32_listener *l, struct state *state);

/* Another listener's socket, also never a subscriber (X32 and X Air pointed at each other). */
void x32_listener_add_self(struct x32_listener *l, const struct x32_listener *other);

/* Handle the datagrams waiting, a bounded number per call. */
void x32_listener_receive(struct x32_listener *l);

/* One datagram (tests and the fuzzer); local: the address it arrived at, or NULL; arrival_ms:
 * when it arrived, on osc_now_ms()'s clock (osc/arrival.h), what the rate limit counts by. */
void x32_listener_handle(struct x32_listener *l, const struct osc_peer *from,
			 const uint8_t *data, size_t size, const struct osc_peer *local,
			 int64_t arrival_ms);

/* Feedback tick, BEFORE the native flush clears the dirty marks: expire leases, push changes. */
void x32_listener_tick(struct x32_listener *l);

#endif
