/*
 * mutegroup.h - mute groups: one switch silences every member, channels and aux returns,
 * without touching their own mute switches (X32 semantics). A member is silent when its own
 * mute or any active group it belongs to says so; switching the group off returns each member
 * to its own state. The master is never a member.
 *
 * A channel's group silence reaches the strip through the same per-lane group gain as the
 * DCAs (strip_set_group_gain), a bus's through its fader (fader_set_group_mute): both ride
 * the existing 20 ms gain ramps and cost nothing per sample.
 *
 * Glossary:
 *   on_mask       bit k set while mute group k is on
 *   channel_mask  per channel, bit k set when the channel belongs to group k
 *   bus_mask      per aux bus, likewise
 */
#ifndef JMIXD_DSP_MUTEGROUP_H
#define JMIXD_DSP_MUTEGROUP_H

#include <stdbool.h>
#include <stdint.h>

#include "dsp/bus.h"
#include "dsp/dca.h"

/* Six, as on the X32. */
#define MUTE_GROUP_MAX 6

struct mute_groups {
	uint8_t on_mask;
	uint8_t channel_mask[DCA_MAX_CHANNELS];
	uint8_t bus_mask[BUS_MAX];
};

/* Set or clear bit k of *mask; true when it changed. RT-safe. */
static inline bool mute_group_set_bit(uint8_t *mask, int k, bool is_set)
{
	uint8_t bit = (uint8_t)(1u << k);
	uint8_t next = is_set ? (uint8_t)(*mask | bit) : (uint8_t)(*mask & ~bit);
	bool has_changed = next != *mask;
	*mask = next;
	return has_changed;
}

/* Is a member with this membership mask silenced by an active group? RT-safe. */
static inline bool mute_groups_silence(const struct mute_groups *g, uint8_t member_mask)
{
	return (g->on_mask & member_mask) != 0;
}

#endif
