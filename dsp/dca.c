/*
 * dca.c - see dca.h.
 */
#include "dsp/dca.h"

#include "dsp/dsp.h"

static void update_gain(struct dca_groups *g, int dca)
{
	g->gain_lin[dca] = g->is_muted[dca] ? 0.0f : dsp_db_to_lin(g->fader_db[dca]);
	for (int w = 0; w < (1 << DCA_MAX) / 32; w++)
		g->is_mask_known[w] = 0;
}

void dca_init(struct dca_groups *g)
{
	*g = (struct dca_groups){ 0 };
	for (int k = 0; k < DCA_MAX; k++)
		update_gain(g, k);
}

bool dca_set_fader_db(struct dca_groups *g, int dca, float db)
{
	if (g->fader_db[dca] == db)
		return false;
	g->fader_db[dca] = db;
	update_gain(g, dca);
	return true;
}

bool dca_set_mute(struct dca_groups *g, int dca, bool is_muted)
{
	if (g->is_muted[dca] == is_muted)
		return false;
	g->is_muted[dca] = is_muted;
	update_gain(g, dca);
	return true;
}

bool dca_set_member(struct dca_groups *g, int ch, int dca, bool is_member)
{
	uint8_t bit = (uint8_t)(1u << dca);
	uint8_t mask = is_member ? (uint8_t)(g->member_mask[ch] | bit)
				 : (uint8_t)(g->member_mask[ch] & ~bit);
	if (mask == g->member_mask[ch])
		return false;
	g->member_mask[ch] = mask;
	return true;
}

float dca_channel_gain(struct dca_groups *g, int ch)
{
	unsigned mask = g->member_mask[ch];
	uint32_t known = 1u << (mask % 32);
	if (g->is_mask_known[mask / 32] & known)
		return g->mask_gain[mask];
	float gain = 1.0f;
	for (unsigned k = 0, left = mask; left; left >>= 1, k++)
		if (left & 1u)
			gain *= g->gain_lin[k];
	g->mask_gain[mask] = gain;
	g->is_mask_known[mask / 32] |= known;
	return gain;
}
