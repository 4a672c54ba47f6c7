/*
 * link.h - channel links (ganging): any set of channels moves together.
 *
 * A channel joins link group K with /ch/N/link K (one group at most; 0 or "off" leaves it).
 * What a group carries is its own choice, as on the X32's link preferences: /link/K/{fader,
 * mute,solo,input,hpf,gate,eq,dyn,sends}. When one member's carried parameter is set (from
 * OSC, an X32 surface, MIDI: every front door goes through control_set), the same change is
 * made on every other member, published in the same batch as the member's own, so the audio
 * thread starts all of them in the same period, and fed back to every client (the mover's
 * client too: it did not move the partners).
 *
 * Absolute and relative:
 *   - faders and send levels move by the same number of dB (relative), so a gang keeps its
 *     offsets. A partner that reaches the end of its travel stays there but remembers how far
 *     past it it would be (its excess), so pulling the gang to -inf and back up restores the
 *     offsets. The member moved by hand has no excess: it is where it was put.
 *   - everything else (switches, EQ, dynamics, gate, high-pass, send on/pre, input) is
 *     copied: the partner gets the same value.
 *   - pan never follows: every member keeps its place in the image (two overheads stay left
 *     and right).
 * Joining a link copies nothing; a scene recall or a config reload sets each member as the
 * scene says and forgets the excesses. Control thread only.
 */
#ifndef JMIXD_LINK_H
#define JMIXD_LINK_H

#include <stdbool.h>

#include "daemon/control.h"

/*
 * After control_set stored new_value (it was old) at value index i: the same change on every
 * partner, stored as changes (dirty, origin ORIGIN_NONE) and published. The caller holds a
 * publish batch open. Returns how many partners changed.
 */
int link_follow(struct control *c, int i, float old, float new_value);

/* Would a change at value index i follow to partners (is its owner in a link carrying it)? */
bool link_is_carried(const struct control *c, int i);

/*
 * The partner's value after a relative move of delta dB: its value plus its excess plus
 * delta, limited to [min, max]; *excess becomes what the limit cut off. Pure (unit-tested).
 */
float link_relative(float value, float *excess, float delta, float min, float max);

#endif
