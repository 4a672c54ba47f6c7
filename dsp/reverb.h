/*
 * reverb.h - algorithmic stereo reverb for an FX bus: an 8-line feedback delay network.
 * Lane 0 left, lane 1 right, in place, wet only (the caller sums the bus in and adds the
 * return to the master); lanes 2 and 3 come out 0.
 *
 * Defaults (reverb_init): predelay 20 ms, decay 2 s, low ratio 1.2, high ratio 0.5,
 * size 1, diffusion 0.7, high cut 10 kHz. Every change glides or crossfades.
 */
#ifndef JMIXD_REVERB_H
#define JMIXD_REVERB_H

#include <stddef.h>
#include <stdint.h>

#include "dsp/dsp.h"
#include "dsp/xfade.h"

#define REV_MAX_PREDELAY_MS 200.0f
#define REV_MIN_DECAY_S 0.2f
#define REV_MAX_DECAY_S 10.0f
#define REV_MIN_LOW_RATIO 0.5f
#define REV_MAX_LOW_RATIO 2.0f
#define REV_MIN_HIGH_RATIO 0.1f
#define REV_MAX_HIGH_RATIO 1.0f
#define REV_MIN_SIZE 0.5f
#define REV_MAX_SIZE 2.0f
#define REV_MIN_HIGH_CUT_HZ 1000.0f
#define REV_MAX_HIGH_CUT_HZ 20000.0f
#define REV_N_DIFF 4			/* input allpass stages */

struct reverb {
	float rate_hz;
	/* settings */
	float predelay_ms, decay_s, low_ratio, high_ratio, size, diffusion, high_cut_hz;
	/* glides (current values, moved per block) */
	float log2_decay, log2_low, log2_high, size_now, diff_now, log2_hc;
	bool is_dirty;		/* a glide is under way or a setting changed */
	struct xfade pd;	/* predelay: two read taps, crossfaded (dsp/xfade.h) */
	/* input diffusion: four allpass stages, per-lane lengths */
	v4i diff_len[REV_N_DIFF];
	v4f diff_g;
	/* FDN, two groups of four lines (A = lines 0-3, B = lines 4-7) */
	v4f base_a, base_b;		/* line lengths at size 1, samples */
	v4f d_a, d_b, dd_a, dd_b;	/* read delays now and per-sample increments */
	v4f g_a, g_b;			/* mid-band loop gains */
	v4f kl_a, kl_b, kh_a, kh_b;	/* shelf gains: low / mid and high / mid, minus 1 */
	v4f alo, ahi;			/* one-pole coefficients of the two shelves */
	v4f lo_a, lo_b, hi_a, hi_b;	/* shelf states */
	v4f lfo_c_a, lfo_s_a, lfo_c_b, lfo_s_b;	/* modulation phasors (cos, sin) */
	v4f rot_c_a, rot_s_a, rot_c_b, rot_s_b;	/* their per-block rotations */
	float mod_depth;		/* samples */
	/* output */
	v4f hc_a, hc_s;			/* high cut one-pole coefficient and state (lanes 0, 1) */
	/* memory */
	v4f *pd_line, *diff_line[REV_N_DIFF], *line_a, *line_b;
	uint32_t pd_mask, diff_mask, line_mask;
	uint32_t w;			/* write position, shared by every ring */
};

/* Bytes for the maximum predelay and size at rate_hz (8000..192000). Any thread. */
size_t reverb_mem_size(float rate_hz);

/* Defaults, settled, silent. mem: reverb_mem_size(rate_hz) bytes, any content. Control. */
void reverb_init(struct reverb *r, void *mem, float rate_hz);

/* Predelay, ms, 0..200: a 40 ms crossfade between two taps. RT-safe. */
void reverb_set_predelay_ms(struct reverb *r, float ms);

/* Decay time RT60 at mid frequencies (500 Hz .. 2 kHz), s, 0.2..10. Glides. RT-safe. */
void reverb_set_decay_s(struct reverb *r, float s);

/*
 * RT60 below ~200 Hz as a multiple of the mid RT60, 0.5..2, and in the top octave
 * (~10 kHz up), 0.1..1. Glide. RT-safe. The damping is a first-order shelf with its corner
 * at 6 kHz, so it does not act "above 6 kHz" as a wall: measured with a high ratio of 0.5
 * (DSP review, c31810a), the 8 kHz band decays at 0.68x the mid RT60, and the full 0.5x is
 * reached only around 12-16 kHz.
 */
void reverb_set_low_ratio(struct reverb *r, float ratio);
void reverb_set_high_ratio(struct reverb *r, float ratio);

/*
 * Room size: scales every line length, 0.5..2. The lengths glide (time constant 0.3 s),
 * with interpolated reads, so a change bends the pitch of the tail briefly (like a tape
 * varispeed), never clicks. RT-safe.
 */
void reverb_set_size(struct reverb *r, float size);

/* Input diffusion, 0..1 (allpass coefficient 0..0.75). Glides. RT-safe. */
void reverb_set_diffusion(struct reverb *r, float diffusion);

/* High cut on the output (one-pole), Hz, 1000..20000. Glides. RT-safe. */
void reverb_set_high_cut_hz(struct reverb *r, float hz);

/* Glides and taps to their targets now (before audio). RT-safe. */
void reverb_settle(struct reverb *r);

/* At each DSP_BLOCK boundary. RT-safe. */
void reverb_block_begin(struct reverb *r);

/*
 * Process n (1..DSP_BLOCK, within the block) frames in place. Returns the lanes (0/1)
 * that carried non-finite input (those samples are taken as 0), or 0x3 when the network
 * itself went non-finite (all memory cleared, output 0 for this call). RT-safe.
 */
unsigned reverb_process(struct reverb *r, v4f *buf, int n);

#endif
