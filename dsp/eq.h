/*
 * eq.h - four-band parametric EQ for one group of DSP_LANES lanes.
 *
 * Bands are numbered 0..3 here (OSC's /eq/1../eq/4). Each band of each lane has its own
 * type, frequency, gain, Q and on/off; the whole EQ of a lane has an on/off too. All setters
 * take user units, store a target and are RT-safe; eq_block_begin() glides towards the
 * targets. Defaults (eq_init): band 0 low shelf 100 Hz, band 1 peak 400 Hz, band 2 peak
 * 2.5 kHz, band 3 high shelf 8 kHz, all 0 dB, Q 0.7, every band on, EQ on; output == input.
 */
#ifndef JMIXD_EQ_H
#define JMIXD_EQ_H

#include "dsp/biquad.h"
#include "dsp/dsp.h"

#define EQ_N_BANDS 4
#define EQ_MIN_GAIN_DB (-15.0f)
#define EQ_MAX_GAIN_DB 15.0f

enum eq_band_type {
	EQ_LOW_SHELF = 0,
	EQ_PEAK,
	EQ_HIGH_SHELF,
	EQ_LOW_CUT,	/* band 0 only: 12 dB/oct high-pass; Q 0.7071 = Butterworth */
	EQ_HIGH_CUT,	/* band 3 only: 12 dB/oct low-pass */
	EQ_N_TYPES
};

struct eq {
	struct bq_steps st;
	struct bq_band band[EQ_N_BANDS];
	bool is_on[DSP_LANES];
	bool is_band_on[EQ_N_BANDS][DSP_LANES];
};

/* Defaults as above, settled. rate_hz 8000..384000. Control thread only. */
void eq_init(struct eq *eq, float rate_hz);

/* Whole EQ of a lane on/off: a 20 ms crossfade of every band to flat. lane 0 .. DSP_LANES-1. RT-safe. */
void eq_set_on(struct eq *eq, int lane, bool is_on);

/* One band on/off, the same crossfade. band 0..3. RT-safe. */
void eq_set_band_on(struct eq *eq, int lane, int band, bool is_on);

/*
 * Band type. Returns false (and changes nothing) for a cut type on a band that cannot hold
 * it. The band fades to flat (20 ms), switches type, and fades back in. RT-safe.
 */
bool eq_set_band_type(struct eq *eq, int lane, int band, enum eq_band_type type);

/* Centre/corner frequency, Hz, 20..20000, held below 0.45 * rate. RT-safe. */
void eq_set_band_freq_hz(struct eq *eq, int lane, int band, float hz);

/* Gain of peak and shelf types, dB, -15..+15 (ignored by the cut types). RT-safe. */
void eq_set_band_gain_db(struct eq *eq, int lane, int band, float db);

/*
 * Q, 0.3..10. Peak: RBJ Q (bandwidth between the gain/2 points). Shelves: the RBJ shelf Q
 * (alpha = sin(w0)/(2Q)); 0.7071 is slope S = 1, the steepest shelf without overshoot,
 * higher Q adds a bump and dip around f0. Cuts: the 2nd-order Q, 0.7071 = Butterworth.
 * RT-safe.
 */
void eq_set_band_q(struct eq *eq, int lane, int band, float q);

/*
 * Jump every lane to its targets now (no glide) and clear the filter state: for the state
 * before audio runs. A scene recall while audio runs just calls the setters (they glide).
 * RT-safe.
 */
void eq_settle(struct eq *eq);

/* At each DSP_BLOCK boundary of the audio timeline, before any eq_process of that block. */
void eq_block_begin(struct eq *eq);

/*
 * Filter n (1..DSP_BLOCK, within the current block) lane frames in place. Returns a bit mask
 * of lanes (bit k = lane k) whose state or output went non-finite: those lanes were reset
 * and their output for this call is 0. When every band of all lanes of the group is flat or off and
 * settled, no filter runs (each band only notes its last two inputs) and buf is untouched,
 * so non-finite input passes through: the strip should sanitise its input once, at trim.
 * RT-safe.
 */
unsigned eq_process(struct eq *eq, vf *buf, int n);

#endif
