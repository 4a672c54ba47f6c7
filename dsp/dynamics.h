/*
 * dynamics.h - feed-forward compressor for one group of DSP_LANES lanes.
 *
 * Log-domain gain computer with a quadratic soft knee and a smooth branching peak detector
 * after it (Giannoulis, Massberg & Reiss, JAES 2012). Detection per lane: peak (|x|) or
 * RMS (one-pole mean square, 10 ms). Stereo pairs (lanes 0-1, 2-3) can be linked.
 * Defaults: off, threshold -20 dB, ratio 4, attack 10 ms, release 100 ms, knee 6 dB,
 * makeup 0 dB, peak, unlinked; off means output == input, bit for bit.
 *
 * Setters store a value and are RT-safe; nothing takes effect before the next
 * dynamics_block_begin(), so the output does not depend on when in a block a parameter
 * arrived (the chunking guarantee holds through parameter changes too).
 */
#ifndef JMIXD_DYNAMICS_H
#define JMIXD_DYNAMICS_H

#include "dsp/dsp.h"

#define DYN_MIN_THRESHOLD_DB (-60.0f)
#define DYN_MAX_THRESHOLD_DB 0.0f
#define DYN_MAX_RATIO 20.0f		/* and INFINITY */
#define DYN_MIN_ATTACK_MS 0.1f
#define DYN_MAX_ATTACK_MS 200.0f
#define DYN_MIN_RELEASE_MS 5.0f
#define DYN_MAX_RELEASE_MS 2000.0f
#define DYN_MAX_KNEE_DB 24.0f
#define DYN_MAX_MAKEUP_DB 24.0f
#define DYN_RMS_MS 10.0f		/* RMS detector time constant */

struct dynamics {
	float rate_hz;
	/* the user's settings per lane, clamped */
	float threshold_db[DSP_LANES], ratio[DSP_LANES], attack_ms[DSP_LANES];
	float release_ms[DSP_LANES], knee_db[DSP_LANES], makeup_db[DSP_LANES];
	bool is_on[DSP_LANES], is_rms[DSP_LANES], is_linked[DSP_LANES / 2];
	bool is_dirty;		/* settings changed since the last block_begin */
	bool is_running;	/* some lane on or fading: process runs */
	bool is_fade_settled;	/* every on/off fade and makeup glide has arrived */
	bool has_rms;		/* some lane detects RMS */
	/* derived per lane at block_begin (c_ = coefficient for the sample loop) */
	vf c_thr_db, c_knee_db, c_half_knee_db, c_inv_2knee, c_slope, c_att, c_rel, c_link_off;
	vi c_rms_mask;
	float rms_coef, mix_step, makeup_step;
	float fade_pos[DSP_LANES];	/* on/off fade position 0..1, linear in time */
	/* per-sample glides: value now, increment, value at the block end */
	vf mix, dmix, mix_end, makeup_db_now, dmakeup_db, makeup_db_end;
	/* state */
	vf env_db, ms, gr_max_db;
};

/* Defaults as above; rate_hz 8000..384000. Control thread only. */
void dynamics_init(struct dynamics *d, float rate_hz);

/* On/off per lane (0 .. DSP_LANES-1): a 20 ms fade of the applied gain in dB. RT-safe. */
void dynamics_set_on(struct dynamics *d, int lane, bool is_on);

/* dB, -60..0. RT-safe. */
void dynamics_set_threshold_db(struct dynamics *d, int lane, float db);

/* ratio >= 1 (1..20; larger finite values clamp to 20), INFINITY = limiter. RT-safe. */
void dynamics_set_ratio(struct dynamics *d, int lane, float ratio);

/* ms, 0.1..200: time for the gain reduction (in dB) to reach 63 % of a step. RT-safe. */
void dynamics_set_attack_ms(struct dynamics *d, int lane, float ms);

/* ms, 5..2000: time for the gain reduction (in dB) to fall to 37 % after a step. RT-safe. */
void dynamics_set_release_ms(struct dynamics *d, int lane, float ms);

/* Knee width in dB, 0..24 (0 = hard knee). RT-safe. */
void dynamics_set_knee_db(struct dynamics *d, int lane, float db);

/* Makeup gain in dB, 0..24; glides (24 dB in 30 ms). RT-safe. */
void dynamics_set_makeup_db(struct dynamics *d, int lane, float db);

/*
 * Detector: peak (|x|, false) or RMS (true; a sine then reads 3 dB below its peak). RT-safe.
 */
void dynamics_set_rms(struct dynamics *d, int lane, bool is_rms);

/*
 * Link a stereo pair (pair 0: lanes 0-1, pair 1: lanes 2-3): both detectors see the louder
 * side's level, so with equal settings both sides get the same gain. Give both lanes the
 * same settings (the strip does for a stereo channel). RT-safe.
 */
void dynamics_set_link(struct dynamics *d, int pair, bool is_linked);

/* Jump glides (on/off, makeup) to their targets now: scene load before audio. RT-safe. */
void dynamics_settle(struct dynamics *d);

/* At each DSP_BLOCK boundary of the audio timeline. RT-safe. */
void dynamics_block_begin(struct dynamics *d);

/*
 * Compress n (1..DSP_BLOCK, within the block) lane frames in place. Returns a bit mask of
 * lanes reset because state or output went non-finite (their output for this call is 0).
 * With every lane off and settled, nothing runs. RT-safe.
 */
unsigned dynamics_process(struct dynamics *d, vf *buf, int n);

/*
 * Meter: the largest gain reduction per lane since the previous call, in dB >= 0 (6.0 means
 * 6 dB of reduction; makeup not included), then restart. RT-safe (audio thread).
 */
void dynamics_take_gr_db(struct dynamics *d, vf *out);

#endif
