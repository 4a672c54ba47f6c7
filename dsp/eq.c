/*
 * eq.c - four-band parametric EQ (low shelf / peak / high shelf, low cut on band 0, high cut
 * on band 3) for a group of DSP_LANES lanes.
 *
 * Reference: RBJ Audio EQ Cookbook (design), fil4 and zita Pareq (sub-block glide); see
 * biquad.c for the structure (a trapezoidal state-variable filter) and why.
 *
 * Each band is one bq_band: a group of lanes of one biquad whose parameters glide in bounded steps
 * at block boundaries (a full frequency, gain or Q sweep takes about 30 ms) with per-sample
 * coefficient interpolation inside the block. Click-free switching: band on/off and EQ
 * on/off set the band's mix target (a dry/wet crossfade of the section's output, 20 ms,
 * smoothstep-shaped), and a type change fades the band out to an exact identity, swaps the
 * type, and fades it back in. A band whose lanes are flat (0 dB peak/shelf) or off
 * is skipped as soon as it settles: then it costs one branch per block.
 *
 * Glossary:
 *	st		glide steps per block for this rate
 *	band[b]		the smoothed section of band b (targets, current values,
 *			parameters, coefficients, filter state)
 *	is_on[l]	EQ on for lane l; is_band_on[b][l] band b on for lane l; the band's mix
 *			target is their conjunction
 */
#include "dsp/eq.h"

#include "dsp/lanes.h"

static const struct {
	enum eq_band_type type;
	float freq_hz;
} eq_defaults[EQ_N_BANDS] = {
	{ EQ_LOW_SHELF, 100.0f },
	{ EQ_PEAK, 400.0f },
	{ EQ_PEAK, 2500.0f },
	{ EQ_HIGH_SHELF, 8000.0f },
};

#define EQ_DEFAULT_Q 0.7f

static enum bq_type eq_bq_type(enum eq_band_type t)
{
	switch (t) {
	case EQ_LOW_SHELF:
		return BQ_LOW_SHELF;
	case EQ_HIGH_SHELF:
		return BQ_HIGH_SHELF;
	case EQ_LOW_CUT:
		return BQ_HIGH_PASS;
	case EQ_HIGH_CUT:
		return BQ_LOW_PASS;
	case EQ_PEAK:
	default:
		return BQ_PEAK;
	}
}

void eq_init(struct eq *eq, float rate_hz)
{
	bq_steps_init(&eq->st, rate_hz);
	for (int b = 0; b < EQ_N_BANDS; b++) {
		bq_band_init(&eq->band[b], &eq->st, eq_bq_type(eq_defaults[b].type),
			     eq_defaults[b].freq_hz, 0.0f, EQ_DEFAULT_Q, true);
		for (int l = 0; l < DSP_LANES; l++)
			eq->is_band_on[b][l] = true;
	}
	for (int l = 0; l < DSP_LANES; l++)
		eq->is_on[l] = true;
}

static bool eq_valid(int lane, int band)
{
	return (unsigned)lane < DSP_LANES && (unsigned)band < EQ_N_BANDS;
}

static void eq_update_mix(struct eq *eq, int lane, int band)
{
	bool is_on = eq->is_on[lane] && eq->is_band_on[band][lane];

	bq_band_set_on(&eq->band[band], lane, is_on);
}

void eq_set_on(struct eq *eq, int lane, bool is_on)
{
	if ((unsigned)lane >= DSP_LANES || eq->is_on[lane] == is_on)
		return;
	eq->is_on[lane] = is_on;
	for (int b = 0; b < EQ_N_BANDS; b++)
		eq_update_mix(eq, lane, b);
}

void eq_set_band_on(struct eq *eq, int lane, int band, bool is_on)
{
	if (!eq_valid(lane, band) || eq->is_band_on[band][lane] == is_on)
		return;
	eq->is_band_on[band][lane] = is_on;
	eq_update_mix(eq, lane, band);
}

bool eq_set_band_type(struct eq *eq, int lane, int band, enum eq_band_type type)
{
	if (!eq_valid(lane, band) || (unsigned)type >= EQ_N_TYPES)
		return false;
	if ((type == EQ_LOW_CUT && band != 0) || (type == EQ_HIGH_CUT && band != EQ_N_BANDS - 1))
		return false;
	bq_band_set_type(&eq->band[band], lane, eq_bq_type(type));
	return true;
}

void eq_set_band_freq_hz(struct eq *eq, int lane, int band, float hz)
{
	if (eq_valid(lane, band))
		bq_band_set_freq_hz(&eq->band[band], &eq->st, lane, hz);
}

void eq_set_band_gain_db(struct eq *eq, int lane, int band, float db)
{
	if (eq_valid(lane, band))
		bq_band_set_gain_db(&eq->band[band], lane,
				    dsp_clampf(db, EQ_MIN_GAIN_DB, EQ_MAX_GAIN_DB));
}

void eq_set_band_q(struct eq *eq, int lane, int band, float q)
{
	if (eq_valid(lane, band))
		bq_band_set_q(&eq->band[band], lane, q);
}

void eq_settle(struct eq *eq)
{
	for (int b = 0; b < EQ_N_BANDS; b++)
		bq_band_settle(&eq->band[b], &eq->st);
}

void eq_block_begin(struct eq *eq)
{
	for (int b = 0; b < EQ_N_BANDS; b++)
		bq_band_block_begin(&eq->band[b], &eq->st);
}

unsigned eq_process(struct eq *eq, vf *buf, int n)
{
	return bq_bands_process(eq->band, EQ_N_BANDS, buf, n);
}
