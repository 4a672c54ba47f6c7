/*
 * hpf.c - Butterworth high-pass, 12/18/24 dB/oct, as two biquad sections per lane.
 *
 * Reference: RBJ Audio EQ Cookbook (HPF), bilinear first-order high-pass (biquad.c). The
 * digital Butterworth of order N is the cascade of the bilinear-transformed analog
 * Butterworth factors, all prewarped at fc:
 *	12 dB/oct: RBJ HPF Q 0.7071           + identity
 *	18 dB/oct: first-order HPF            + RBJ HPF Q 1.0
 *	24 dB/oct: RBJ HPF Q 0.5412           + RBJ HPF Q 1.3066
 * so |H(f)|^2 = 1 / (1 + (tan(pi fc/fs) / tan(pi f/fs))^(2N)) exactly (tests check it).
 *
 * Both sections always exist; an unused or switched-off section is an identity and, when all
 * lanes of the group agree, is skipped. Switching on/off is a 20 ms mix crossfade (see biquad.c);
 * a slope change glides Q where the section keeps its order, and fades through identity
 * where it changes order (first <-> second order on section 0, used <-> unused on
 * section 1), so the filter is briefly gentler than either end point but never jumps.
 *
 * Glossary: st glide steps; sec[0], sec[1] the two smoothed sections; is_on[l], slope_db[l]
 * the user's settings per lane (frequency lives in the sections' targets).
 */
#include "dsp/hpf.h"

#include "dsp/lanes.h"

#define HPF_DEFAULT_HZ 80.0f

/* Section types and Qs per slope: index 0 = 12, 1 = 18, 2 = 24 dB/oct. */
static const struct {
	enum bq_type type[2];
	float q[2];
	bool is_used[2];
} hpf_layout[3] = {
	{ { BQ_HIGH_PASS, BQ_HIGH_PASS }, { 0.70710678f, 0.70710678f }, { true, false } },
	{ { BQ_HIGH_PASS_1, BQ_HIGH_PASS }, { 0.70710678f, 1.0f }, { true, true } },
	{ { BQ_HIGH_PASS, BQ_HIGH_PASS }, { 0.54119610f, 1.30656296f }, { true, true } },
};

static int hpf_layout_index(int slope_db)
{
	return slope_db <= 15 ? 0 : (slope_db <= 21 ? 1 : 2);
}

/* Push lane l's on/slope into both sections' targets. */
static void hpf_apply(struct hpf *h, int l)
{
	int k = hpf_layout_index(h->slope_db[l]);

	for (int i = 0; i < 2; i++) {
		bool is_used = h->is_on[l] && hpf_layout[k].is_used[i];

		bq_band_set_type(&h->sec[i], l, hpf_layout[k].type[i]);
		bq_band_set_q(&h->sec[i], l, hpf_layout[k].q[i]);
		bq_band_set_on(&h->sec[i], l, is_used);
	}
}

void hpf_init(struct hpf *h, float rate_hz)
{
	bq_steps_init(&h->st, rate_hz);
	for (int i = 0; i < 2; i++)
		bq_band_init(&h->sec[i], &h->st, BQ_HIGH_PASS, HPF_DEFAULT_HZ, 0.0f,
			     hpf_layout[0].q[i], false);
	for (int l = 0; l < DSP_LANES; l++) {
		h->is_on[l] = false;
		h->slope_db[l] = 12;
		hpf_apply(h, l);
	}
	hpf_settle(h);
}

void hpf_set_on(struct hpf *h, int lane, bool is_on)
{
	if ((unsigned)lane >= DSP_LANES || h->is_on[lane] == is_on)
		return;
	h->is_on[lane] = is_on;
	hpf_apply(h, lane);
}

void hpf_set_freq_hz(struct hpf *h, int lane, float hz)
{
	if ((unsigned)lane >= DSP_LANES || !(hz == hz))
		return;
	hz = dsp_clampf(hz, HPF_MIN_HZ, HPF_MAX_HZ);
	bq_band_set_freq_hz(&h->sec[0], &h->st, lane, hz);
	bq_band_set_freq_hz(&h->sec[1], &h->st, lane, hz);
}

void hpf_set_slope(struct hpf *h, int lane, int db_per_oct)
{
	uint8_t slope;

	if ((unsigned)lane >= DSP_LANES)
		return;
	slope = (uint8_t)(12 + 6 * hpf_layout_index(db_per_oct));
	if (h->slope_db[lane] == slope)
		return;
	h->slope_db[lane] = slope;
	hpf_apply(h, lane);
}

void hpf_settle(struct hpf *h)
{
	bq_band_settle(&h->sec[0], &h->st);
	bq_band_settle(&h->sec[1], &h->st);
}

void hpf_block_begin(struct hpf *h)
{
	bq_band_block_begin(&h->sec[0], &h->st);
	bq_band_block_begin(&h->sec[1], &h->st);
}

unsigned hpf_process(struct hpf *h, vf *buf, int n)
{
	return bq_bands_process(h->sec, 2, buf, n);
}
