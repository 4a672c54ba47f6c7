/*
 * feedback.h - every change made anywhere, shown everywhere.
 *
 * Changes are not echoed per message: control marks values dirty, and on each tick of the
 * control loop (50 Hz) the dirty values go out to every subscriber in one batch, so a fader
 * drag at 200 messages a second costs each tablet at most 50 small bundles a second. The client that
 * made a change does not get it back (its own control already shows it, and a late echo
 * would yank the fader under its finger), unless jmixd changed what it sent (a switch sent
 * as 0.5 is stored as 1). Continuous parameters go out twice: in natural units and on the
 * /norm twin, so both kinds of surface follow.
 *
 * Control thread only.
 */
#ifndef JMIXD_OSC_FEEDBACK_H
#define JMIXD_OSC_FEEDBACK_H

#include "osc/address.h"
#include "osc/route.h"

/* Send the dirty values to the subscribers and clear them. */
void osc_feedback_flush(struct osc_router *r);

/*
 * Meters to every subscriber: "/ch/N/meter fff" (peak dBFS, RMS dBFS, gain reduction dB) per
 * channel, "/aux/K/meter ff" (peak, RMS) per bus, "/master/meter ffff" (peak L, peak R,
 * RMS L, RMS R), "/master/loudness ffff" (momentary, short-term, integrated LUFS, loudness
 * range LU) and "/master/truepeak fff" (true peak L, R dBTP, limiter reduction dB), in as
 * few datagrams as fit. A client that takes floats only (osc.clients ... floats = true) gets
 * the single-float fields of meter_field.h instead.
 */
void osc_meters_send(struct osc_router *r);

/*
 * The same messages, to one peer, for a query of a channel's, a bus's or the master's meter
 * (index: the channel, the bus, or METER_* of address.h).
 */
void osc_meter_reply(struct osc_router *r, const struct osc_peer *to, enum param_scope scope,
		     int index);

/*
 * Part of the whole state to one peer, for a dump job (dump.h): the values from index `from`
 * on, then the names (/ch/N/name s, /aux/K/name s, /dca/K/name s, /master/name s), in datagrams charged as PACE_STREAM, stopping before max_bytes would be passed. Returns
 * the index to go on from, or -1 when every value was sent.
 */
int osc_feedback_dump_from(struct osc_router *r, const struct osc_peer *to, int from,
			   size_t max_bytes);

#endif
