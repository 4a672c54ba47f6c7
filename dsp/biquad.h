/*
 * biquad.h - RBJ biquad design (double) and a DSP_LANES-lane float second-order section in
 * trapezoidal state-variable form (Simper / Zavalishin), with per-sample parameter
 * interpolation, plus the parameter glide shared by eq and hpf.
 *
 * Three layers:
 *   struct bq_design   one lane's design in double, from bq_design(): the RBJ normalised
 *                      coefficients (the reference; bq_design_mag_db() gives its analytic
 *                      magnitude for tests and UIs) and the same response as state-variable
 *                      parameters, which is what the section runs.
 *   struct bq_section  a group of lanes of state-variable filter; runs a lane-frame buffer in
 *                      place, either static or with parameters and a dry/wet crossfade
 *                      ramping linearly across the block, or not at all when all lanes of the group
 *                      are flat.
 *   struct bq_band     a bq_section plus per-lane targets (type, frequency, gain, Q, on/off
 *                      mix) that glide in bounded steps at each block boundary; eq.c and
 *                      hpf.c are thin layers over it. See biquad.c for the why.
 */
#ifndef JMIXD_BIQUAD_H
#define JMIXD_BIQUAD_H

#include <stdint.h>

#include "dsp/dsp.h"

enum bq_type {
	BQ_IDENTITY = 0,	/* H(z) = 1 */
	BQ_PEAK,		/* RBJ peakingEQ: gain_db at f0, bandwidth from Q */
	BQ_LOW_SHELF,		/* RBJ lowShelf: gain_db below f0, half at f0; Q = RBJ shelf Q */
	BQ_HIGH_SHELF,		/* RBJ highShelf */
	BQ_LOW_PASS,		/* RBJ LPF, 12 dB/oct; |H(f0)| = Q */
	BQ_HIGH_PASS,		/* RBJ HPF, 12 dB/oct; |H(f0)| = Q */
	BQ_LOW_PASS_1,		/* first order (bilinear, prewarped), 6 dB/oct, -3 dB at f0 */
	BQ_HIGH_PASS_1,		/* first order, 6 dB/oct, -3 dB at f0 */
	BQ_N_TYPES
};

/*
 * Normalised coefficients (a0 = 1): H(z) = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2),
 * and the same H as a trapezoidal state-variable filter: with the analog prototype
 * LP = 1 / (s^2 + k s + 1), BP = s LP, H(s) = m0 + m1 BP + m2 LP, bilinear with cutoff
 * g = tan(pi fc / rate). Identity: g = k = 0, m0 = 1, m1 = m2 = 0.
 */
struct bq_design {
	double b0, b1, b2, a1, a2;
	double g, k, m0, m1, m2;
};

/*
 * RBJ Audio EQ Cookbook design. rate_hz > 0; 0 < f0_hz < rate_hz/2; q > 0; gain_db only for
 * peak and shelves. Any thread; not meant for the per-sample path (libm sin/cos/pow).
 */
void bq_design(struct bq_design *d, enum bq_type type, double rate_hz, double f0_hz, double q,
	       double gain_db);

/* Analytic |H(e^jw)| in dB at f_hz (0 <= f_hz <= rate_hz/2). Any thread. */
double bq_design_mag_db(const struct bq_design *d, double rate_hz, double f_hz);

/*
 * Four lanes of state-variable parameters (structure of arrays): what a moving section
 * interpolates, because any g >= 0, k >= 0 is a stable filter.
 */
struct bq_param {
	vf g, k, m0, m1, m2;
};

/*
 * Four lanes of the coefficients a static section runs, derived from bq_param in double
 * (biquad.c gives the per-sample equations). Every one that feeds the recursion is small
 * at low fc/rate and carries its full float precision there.
 */
struct bq_coef {
	vf a, b, e;		/* state update */
	vf cx, c1, cw;		/* output */
};

/* Integrator states of the two trapezoidal integrators, and the last input seen. */
struct bq_state {
	vf s1, s2, x1;
};

enum bq_mode {
	BQ_MODE_SKIP = 0,	/* all lanes of the group flat and settled: not run (inputs noted) */
	BQ_MODE_STATIC,		/* constant coefficients, no crossfade */
	BQ_MODE_MOVING,		/* p += dp, m += dm every sample, reaching end at the block
				   boundary; output = m * filtered + (1 - m) * input */
};

struct bq_section {
	struct bq_coef c;	/* coefficients of a static section */
	struct bq_param p;	/* parameters of the next sample while moving */
	struct bq_param dp;	/* per-sample increment while moving */
	struct bq_param end;	/* parameters at the end of the current block */
	vf m, dm;		/* wet amount of the output crossfade and its per-sample step */
	struct bq_state s;
	int mode;		/* enum bq_mode */
};

/* Store one lane's design as the section's static filter (p, end and c). lane 0 .. DSP_LANES-1. Any
 * thread. */
void bq_section_set_lane(struct bq_section *s, int lane, const struct bq_design *d);

/* An identity section in SKIP mode with zero state. Any thread. */
void bq_section_init(struct bq_section *s);

/*
 * Filter n lane frames in place (1 <= n <= DSP_BLOCK, within the current block). In SKIP
 * mode it only records the last input, so that the section can resume from a consistent
 * state. No sanitizing here: the owning module checks its output once for all its
 * sections (bq_section_reset_lanes). RT-safe.
 */
void bq_section_process(struct bq_section *s, vf *buf, int n);

/* Zero the state of the lanes not set in keep. RT-safe. */
void bq_section_reset_lanes(struct bq_section *s, vi keep);

/* Lanes whose state is all finite. RT-safe. */
vi bq_section_finite_lanes(const struct bq_section *s);

/* Flush tiny states to 0 (block boundaries only, so chunking cannot change the output). */
void bq_section_flush(struct bq_section *s);

/*
 * Glide speeds, per block, derived from the rate. A full sweep of any one parameter takes
 * about 30 ms whatever the rate (20 Hz -> 20 kHz, -15 -> +15 dB, Q 0.3 -> 10) and a
 * crossfade 0 <-> 1 takes 20 ms.
 */
struct bq_steps {
	float log2_hz;		/* octaves per block */
	float gain_db;		/* dB per block */
	float log2_q;		/* octaves of Q per block */
	float mix;		/* crossfade per block */
	float rate_hz;
	float max_hz;		/* highest f0 at this rate: 0.45 * rate_hz, <= 20 kHz */
};

/* Fill steps for rate_hz (8 kHz .. 384 kHz). Control thread. */
void bq_steps_init(struct bq_steps *st, float rate_hz);

/*
 * One smoothed section of a group of lanes. Targets are per lane; the current values step towards
 * them at each block boundary. On/off is a dry/wet crossfade of the section's output. A
 * type change fades the lane out (mix 0: output == input exactly), swaps the type and
 * snaps frequency, gain and Q while silent, then fades back in. A lane faded out settles as
 * an exact identity (y = x). Values: f in log2(Hz), Q in log2(Q), mix 0..1 (the fade
 * position, target 0 or 1; the crossfade gain is smoothstep(mix)).
 */
struct bq_band {
	struct bq_section sec;
	float t_log2_hz[DSP_LANES], t_gain_db[DSP_LANES], t_log2_q[DSP_LANES], t_mix[DSP_LANES];
	uint8_t t_type[DSP_LANES];
	float log2_hz[DSP_LANES], gain_db[DSP_LANES], log2_q[DSP_LANES], mix[DSP_LANES];
	uint8_t type[DSP_LANES];
	bool is_settled;	/* current == target in every lane: block_begin has nothing to do */
};

/* All lanes: given type/freq/gain/Q/mix, settled (current = target), coefficients designed. */
void bq_band_init(struct bq_band *b, const struct bq_steps *st, enum bq_type type,
		  float freq_hz, float gain_db, float q, bool is_on);

/*
 * Per-lane target setters: return early when unchanged; clamp freq to [20, st->max_hz],
 * q to [0.3, 10]; NaN is ignored. set_on crossfades the lane in or out (mix 1 or 0). gain_db is clamped by the caller (module
 * ranges differ). Nothing moves before the next bq_band_block_begin(). RT-safe.
 */
void bq_band_set_type(struct bq_band *b, int lane, enum bq_type type);
void bq_band_set_freq_hz(struct bq_band *b, const struct bq_steps *st, int lane, float hz);
void bq_band_set_gain_db(struct bq_band *b, int lane, float db);
void bq_band_set_q(struct bq_band *b, int lane, float q);
void bq_band_set_on(struct bq_band *b, int lane, bool is_on);

/* Snap every lane to its target now (no glide) and clear the state: before audio runs. */
void bq_band_settle(struct bq_band *b, const struct bq_steps *st);

/* Block boundary: advance the glide one block and set up the section. RT-safe, bounded. */
void bq_band_block_begin(struct bq_band *b, const struct bq_steps *st);

/*
 * Run a cascade of bands over n lane frames in place (the EQ's four, the high-pass's two).
 * Returns the lanes that went non-finite: those lanes' states are reset in every band and
 * their output for this call is 0. RT-safe.
 */
unsigned bq_bands_process(struct bq_band *bands, int n_bands, vf *buf, int n);

#endif
