/*
 * server.h - the OSC front door: our own UDP socket, bound to the configured address.
 *
 * liblo 0.31 can only bind 0.0.0.0, so the daemon owns the socket: packets are received
 * here, pre-filtered (packet.h), parsed by liblo, and routed (route.h). The control loop
 * polls osc_server_fd() and calls osc_server_receive() when it is readable.
 *
 * The struct is opaque so that daemon/ never sees a liblo type. Control thread only.
 */
#ifndef JMIXD_OSC_SERVER_H
#define JMIXD_OSC_SERVER_H

#include <stddef.h>
#include <stdint.h>

struct control;
struct osc_server;
struct setup;
struct state;

/* NULL with err filled ("osc.bind: ...") when the socket cannot be opened. */
/* Socket, access rules, static clients and meter rate come from setup. */
struct osc_server *osc_server_new(struct control *control, struct state *state,
				  const struct setup *setup, char *err, size_t err_size);
void osc_server_free(struct osc_server *s);

/* What the control loop polls: the native socket, or an epoll set of it and the X32 / X Air
 * listeners' sockets (x32.h) when a dialect is enabled. */
int osc_server_fd(const struct osc_server *s);
int osc_server_port(const struct osc_server *s);
/* The UDP port of a dialect listener (enum x32_profile), -1 when it is not enabled. */
int osc_server_dialect_port(const struct osc_server *s, int profile);

/* One datagram from `from` (a struct sockaddr of addr_len bytes), as received. */
void osc_server_handle_datagram(struct osc_server *s, const void *addr, unsigned addr_len,
				const uint8_t *data, size_t size);

/* The same for a dialect listener (enum x32_profile; nothing when it is not enabled):
 * the fuzzer's way in. */
void osc_server_handle_dialect_datagram(struct osc_server *s, int profile, const void *addr,
					unsigned addr_len, const uint8_t *data, size_t size);

/* Handle the packets waiting on the socket, at most a bounded number per call. */
void osc_server_receive(struct osc_server *s);
/* The same on every socket (the native one and the dialects'): what the control loop calls. */
void osc_server_receive_all(struct osc_server *s);

/*
 * A reload (SIGHUP): apply what lives on the control thread live (osc.allow, rate_limit,
 * clients, reply budgets, subscriptions_per_host) and log each setting applied; name those
 * that need a restart (osc.zeroconf). running is the setup in force: its osc fields that were
 * applied are updated from fresh, so the next reload compares with what is in force. Nothing
 * of fresh is kept.
 */
void osc_server_apply_setup(struct osc_server *s, struct setup *running, const struct setup *fresh);

/* MIDI bindings for /midi/learn, /midi/list, ... (NULL: MIDI is off; they answer an error). */
struct midi_map;
void osc_server_set_midi(struct osc_server *s, struct midi_map *midi);

/* Housekeeping at FEEDBACK_HZ: expire leases, send coalesced feedback. */
void osc_server_tick(struct osc_server *s);

#endif
