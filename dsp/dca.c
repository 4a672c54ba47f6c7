/*
 * dca.c - see dca.h.
 */
#include "dsp/dca.h"

#include "dsp/dsp.h"

static void update_gain(struct dca_groups *g, int dca)
{
	g->gain_lin[dca] = g->is_muted[dca] ? 0.0f : dsp_db_to_lin(g->fader_db[dca]);
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

float dca_channel_gain(const struct dca_groups *g, int ch)
{
	float gain = 1.0f;
	for (unsigned mask = g->member_mask[ch], k = 0; mask; mask >>= 1, k++)
		if (mask & 1u)
			gain *= g->gain_lin[k];
	return gain;
}
