/*
 * limiter.h - look-ahead true-peak limiter for the stereo master, and the 4x true-peak
 * detector of ITU-R BS.1770-4 annex 2 that it (and the loudness meter) runs on.
 *
 * Lanes 0 (left) and 1 (right) are detected and share one gain (stereo link). Lanes 2 and 3
 * are delayed and gained with them but not detected: the master keeps them silent.
 * Defaults (limiter_init): on, ceiling -1 dBTP, release 100 ms.
 *
 * Guarantee (tests/unit/test_limiter.c): the output read by this file's 4x detector never
 * exceeds the ceiling (ceiling value of the moment the sample entered). What falls between
 * the 4x phases is not covered: on band-limited material an independent 16x windowed-sinc
 * reading stays within 0.1 dB of the ceiling, but full-band material (naive square waves,
 * tones at 19-21 kHz, uniform noise) can read up to about 1.2 dB over it at 16x (DSP review,
 * c31810a); libebur128's true-peak reads those up to 0.33 dB over. The delay is
 * limiter_latency_samples(),
 * constant whether the limiter is on, off or fading, so switching never shifts the timing.
 */
#ifndef JMIXD_LIMITER_H
#define JMIXD_LIMITER_H

#include <stddef.h>
#include <stdint.h>

#include "dsp/dsp.h"

#define TP_PHASES 4
#define TP_TAPS 12

#define LIM_MIN_CEILING_DB (-6.0f)
#define LIM_MAX_CEILING_DB 0.0f
#define LIM_MIN_RELEASE_MS 10.0f
#define LIM_MAX_RELEASE_MS 1000.0f
#define LIM_MAX_LOOKAHEAD_MS 1.5f
#define LIM_DET_TAPS 24

/*
 * 4x polyphase interpolator, four lanes. Phase k of the output at input sample n estimates
 * x at n - 5.875 + k/4 (the 48-tap filter is linear phase, delay 23.5 taps of the 4x rate).
 */
struct truepeak {
	v4f hist[2 * TP_TAPS];	/* last 12 inputs, mirrored: written at w and w + 12 */
	int w;
	v4f peak;		/* largest |4x sample| per lane since truepeak_take */
};

/* Zero history and peak. Any thread. */
void truepeak_init(struct truepeak *tp);

/*
 * Push one lane frame; returns, per lane, the largest |x| of the four interpolated points
 * between input samples n - 6 and n - 5, and of the input sample n - 6 itself. RT-safe.
 */
v4f truepeak_push(struct truepeak *tp, v4f x);

/* Meter use: push n frames, fold the per-lane true peak into tp->peak. RT-safe. */
void truepeak_run(struct truepeak *tp, const v4f *buf, int n);

/* Meter use: the per-lane true peak (linear) since the last take, then restart. RT-safe. */
void truepeak_take(struct truepeak *tp, v4f *out);

struct limiter {
	float rate_hz;
	int n_box1, n_box2;	/* the two box smoothers of the attack; ramp = box1 + box2 - 1 */
	int n_window;		/* sliding-minimum window (samples) */
	int latency;		/* samples */
	/* settings */
	float ceiling_db, release_ms;
	bool is_on, is_dirty;
	/* derived, per block */
	float ceil_lin;		/* ceiling in use (with the safety margin), glides */
	float ceil_db_now;	/* dB position of that glide */
	float ceil_step_db;	/* glide speed per block */
	float rel_coef;		/* per-sample multiplier of the log2 gain in release */
	float fade_pos, mix, dmix, mix_end;
	/* memory (carved from the caller's block) */
	v4f *delay;
	float *dq_val;
	uint32_t *dq_idx;
	int64_t *box1, *box2;
	uint32_t delay_mask, dq_mask, box1_mask, box2_mask;
	/* detector: own 8x phases in pairs, then the BS.1770 4x phases (see limiter.c) */
	v4f det_coef[6][LIM_DET_TAPS];
	v4f det_hist[2 * LIM_DET_TAPS];	/* (L, R, L, R), mirrored like truepeak.hist */
	int det_w;
	float det_l1;		/* largest sum of |coefficient| of a detector phase, rounded up */
	float det_hist_peak;	/* largest |sample| in det_hist */
	uint32_t n_quiet_blocks;	/* blocks the detector could prove under the ceiling */
	/* state */
	uint32_t t;		/* sample counter (wraps; only differences are used) */
	uint32_t dq_head, dq_tail;
	int64_t s1, s2;		/* running sums of the two boxes */
	float rel_log2;		/* release follower, log2 of its gain (<= 0) */
	float g_min;		/* meter: smallest applied gain since limiter_take_gr_db */
};

/* Bytes of memory limiter_init needs at rate_hz (8000..384000). Any thread. */
size_t limiter_mem_size(float rate_hz);

/*
 * Defaults as above, settled, silent history. mem: limiter_mem_size(rate_hz) bytes, 64-byte
 * aligned, any content. Control thread only.
 */
void limiter_init(struct limiter *lim, void *mem, float rate_hz);

/*
 * Delay of the output against the input, samples: round(1 ms * rate) + 16 (64 at 48 kHz,
 * 60 at 44.1 kHz, 112 at 96 kHz; <= 1.5 ms from 32 kHz up). Report it to JACK as the master's
 * playback latency. Any thread.
 */
int limiter_latency_samples(const struct limiter *lim);

/* On/off: a 20 ms crossfade between limited and delayed dry signal. RT-safe. */
void limiter_set_on(struct limiter *lim, bool is_on);

/* Ceiling, dBTP, -6..0; glides at 6 dB per 50 ms. RT-safe. */
void limiter_set_ceiling_db(struct limiter *lim, float db);

/* Release, ms, 10..1000: time for the gain reduction in dB to fall to 37 %. RT-safe. */
void limiter_set_release_ms(struct limiter *lim, float ms);

/* Glides to their targets now (scene load before audio). RT-safe. */
void limiter_settle(struct limiter *lim);

/* At each DSP_BLOCK boundary of the audio timeline. RT-safe. */
void limiter_block_begin(struct limiter *lim);

/*
 * Limit n (1..DSP_BLOCK, within the block) lane frames in place. Returns the lanes that
 * carried non-finite input: the whole limiter (linked) is then reset, its look-ahead line
 * included, so the output is 0 in every lane for this call and for the
 * limiter_latency_samples() that follow it (the samples that were in flight): a 32-sample
 * call at 48 kHz silences 96 samples. RT-safe.
 */
unsigned limiter_process(struct limiter *lim, v4f *buf, int n);

/* Meter: largest gain reduction since the last call, dB >= 0. RT-safe. */
float limiter_take_gr_db(struct limiter *lim);

#endif
