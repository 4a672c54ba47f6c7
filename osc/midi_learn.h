/*
 * midi_learn.h - the /midi/... commands: MIDI learn and the bindings over OSC.
 *
 *   /midi/learn s <address> [s <mode>]  bind the next control moved (twice) to address; the
 *                                       answer "/midi/learn ss <address> <control>" ("cc 1 7")
 *                                       comes when it is bound. Control role.
 *   /midi/cancel                        stop learning. Control role.
 *   /midi/unlearn s <address>           remove every binding of address. Control role.
 *   /midi/list                          one "/midi/list iis <index> <total> <binding>" per
 *                                       binding ("cc 1 7 /ch/1/fader/norm direct"); "ii 0 0"
 *                                       when there is none.
 *   /midi/status                        "/midi/status iiiiiii": events, applied, unmapped,
 *                                       malformed, not picked up, feedback sent, dropped.
 *
 * Control thread only.
 */
#ifndef JMIXD_OSC_MIDI_LEARN_H
#define JMIXD_OSC_MIDI_LEARN_H

#include <stdbool.h>

#include "osc/route.h"

/* Is path one of the /midi/ commands, and does it need the control role? */
bool osc_midi_is_command(const char *path, bool *needs_control);

void osc_midi_command(struct osc_router *r, const struct osc_peer *from,
		      const struct osc_peer *reply_to, const char *path, const char *types,
		      lo_arg **argv, int argc);

/* Each tick: tell the learner what was bound. */
void osc_midi_tick(struct osc_router *r);

/* Totals for /status: events received, and events ignored (malformed, dropped, unmapped). */
void osc_midi_totals(const struct osc_router *r, int *n_events, int *n_ignored);

#endif
