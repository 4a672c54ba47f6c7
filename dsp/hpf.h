/*
 * hpf.h - the strip's high-pass filter for one group of DSP_LANES lanes: Butterworth, 20..400 Hz,
 * 12, 18 or 24 dB/octave, on/off per lane. Default 80 Hz, 12 dB/oct, off (output == input).
 */
#ifndef JMIXD_HPF_H
#define JMIXD_HPF_H

#include "dsp/biquad.h"
#include "dsp/dsp.h"

#define HPF_MIN_HZ 20.0f
#define HPF_MAX_HZ 400.0f

struct hpf {
	struct bq_steps st;
	struct bq_band sec[2];	/* first section, second section (identity at 12 dB/oct) */
	bool is_on[DSP_LANES];
	uint8_t slope_db[DSP_LANES];	/* 12, 18 or 24 */
};

/* Defaults, settled. rate_hz 8000..384000. Control thread only. */
void hpf_init(struct hpf *h, float rate_hz);

/* On/off per lane, lane 0 .. DSP_LANES-1: a 20 ms crossfade. RT-safe. */
void hpf_set_on(struct hpf *h, int lane, bool is_on);

/* Cutoff (-3 dB point) in Hz, clamped to 20..400; glides. RT-safe. */
void hpf_set_freq_hz(struct hpf *h, int lane, float hz);

/*
 * Slope in dB/octave: 12, 18 or 24 (other values round to the nearest of those). A change
 * that alters a section's order fades that section out and back in (about 40 ms), Q glides
 * otherwise. RT-safe.
 */
void hpf_set_slope(struct hpf *h, int lane, int db_per_oct);

/* Jump to the targets now and clear the state, like eq_settle(). RT-safe. */
void hpf_settle(struct hpf *h);

/* At each DSP_BLOCK boundary of the audio timeline. RT-safe. */
void hpf_block_begin(struct hpf *h);

/* In place; n 1..DSP_BLOCK within the block. Returns reset lanes as eq_process(). RT-safe. */
unsigned hpf_process(struct hpf *h, vf *buf, int n);

#endif
