/*
 * dca.h - DCA (VCA) groups: a remote fader over a set of channels.
 *
 * A DCA moves no channel fader. Each channel's post-fader gain is multiplied by the linear
 * gain of every DCA it belongs to, which is the same as adding their dB (a -10 dB DCA on a
 * channel at -5 dB plays it at -15 dB), and a muted DCA, or one at -inf, silences its members.
 * The product reaches the strip as one number per lane (strip_set_group_gain) and folds into
 * the strip's existing fader ramp, so it glides like every gain and costs nothing per sample:
 * post-fader sends follow it, pre-fader sends (monitor mixes) do not. The X32 semantics.
 *
 * Glossary:
 *   fader_db     the DCA's own fader, -90 (-inf) .. +10 dB
 *   is_muted     the DCA's mute
 *   gain_lin     fader and mute as one linear factor (0 when muted or at -inf)
 *   member_mask  per channel, bit k set when the channel belongs to DCA k
 *   mask_gain    the product for each membership mask, computed when first asked for since
 *                a DCA last moved (is_mask_known): channels share a few masks, and a scene
 *                recall asks for them thousands of times
 */
#ifndef JMIXD_DSP_DCA_H
#define JMIXD_DSP_DCA_H

#include <stdbool.h>
#include <stdint.h>

/* Eight DCAs, as on the X32: the number a show file and a surface expect. */
#define DCA_MAX 8
#define DCA_MAX_CHANNELS 256

struct dca_groups {
	float fader_db[DCA_MAX];
	bool is_muted[DCA_MAX];
	float gain_lin[DCA_MAX];
	uint8_t member_mask[DCA_MAX_CHANNELS];
	float mask_gain[1 << DCA_MAX];
	uint32_t is_mask_known[(1 << DCA_MAX) / 32];
};

/* Every DCA at 0 dB, unmuted, with no members. Control thread or RT. */
void dca_init(struct dca_groups *g);

/* RT-safe setters; they return true when the DCA's gain changed (members need updating). */
bool dca_set_fader_db(struct dca_groups *g, int dca, float db);
bool dca_set_mute(struct dca_groups *g, int dca, bool is_muted);
/* RT-safe; returns true when the membership changed. */
bool dca_set_member(struct dca_groups *g, int ch, int dca, bool is_member);

/*
 * The linear gain the DCAs give channel ch: the product over its DCAs, lowest first (1 with
 * none). RT-safe; remembers the product of the channel's mask until a DCA moves.
 */
float dca_channel_gain(struct dca_groups *g, int ch);

#endif
