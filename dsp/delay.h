/*
 * delay.h - stereo / ping-pong echo for an FX bus: lane 0 left, lane 1 right, in place,
 * wet only (the caller sums the bus in and adds the return to the master). Lanes 2 and 3
 * come out 0.
 *
 * Defaults (delay_init): 375 ms, free time (not synced), feedback 30 %, stereo, high cut
 * and low cut off. The time is either free (ms) or synced (BPM and a note division); a
 * change of either crossfades from the old tap to the new one (40 ms), never a jump or a
 * pitch glide.
 */
#ifndef JMIXD_DELAY_H
#define JMIXD_DELAY_H

#include <stddef.h>
#include <stdint.h>

#include "dsp/dsp.h"
#include "dsp/xfade.h"

#define DELAY_MIN_MS 1.0f
#define DELAY_MAX_MS 2000.0f
#define DELAY_MIN_BPM 20.0f
#define DELAY_MAX_BPM 300.0f
#define DELAY_MAX_FEEDBACK_PCT 95.0f
#define DELAY_HIGH_CUT_MIN_HZ 1000.0f
#define DELAY_HIGH_CUT_OFF_HZ 20000.0f	/* at or above: no high cut */
#define DELAY_LOW_CUT_OFF_HZ 20.0f	/* at or below: no low cut */
#define DELAY_LOW_CUT_MAX_HZ 2000.0f

enum delay_division {
	DELAY_DIV_1_2 = 0,		/* 2 beats */
	DELAY_DIV_1_4,			/* 1 beat */
	DELAY_DIV_1_8,			/* 1/2 */
	DELAY_DIV_1_8_DOTTED,		/* 3/4 */
	DELAY_DIV_1_8_TRIPLET,		/* 1/3 */
	DELAY_DIV_1_16,			/* 1/4 */
	DELAY_N_DIVS
};

struct delay_frame {
	float l, r;
};

struct delay {
	float rate_hz;
	int32_t max_samples;
	/* settings */
	float time_ms, bpm, feedback_pct, high_cut_hz, low_cut_hz;
	int division;		/* enum delay_division */
	bool is_synced, is_pingpong;
	struct xfade tap;	/* the echo time: two read taps, crossfaded (dsp/xfade.h) */
	/* per-sample glides over a block: feedback gain, ping-pong amount */
	float fb, dfb, fb_end, pp, dpp, pp_end, pp_step;
	/* loop filters: one-pole low-pass (high cut) then high-pass (low cut, x - lp2) */
	float lp_log2_hz, hp_log2_hz;	/* current (glide) */
	v4f lp_a, hp_a;		/* coefficients: lp_a = 1 / hp_a = 0 is off, exactly */
	v4f lp_s, hp_s;
	/* memory */
	struct delay_frame *line;
	uint32_t mask, w;
};

/* Bytes for delays up to 2000 ms at rate_hz (8000..384000). Any thread. */
size_t delay_mem_size(float rate_hz);

/* Defaults, settled, silent. mem: delay_mem_size(rate_hz) bytes, any content. Control. */
void delay_init(struct delay *d, void *mem, float rate_hz);

/* Free time, ms, 1..2000 (rounded to the nearest sample). Leaves sync. RT-safe. */
void delay_set_time_ms(struct delay *d, float ms);

/*
 * Synced time: bpm 20..300 and a division; samples = round(60 * rate * beats / bpm), at
 * most 2000 ms (longer results are held at 2000 ms). 120 BPM at 48 kHz: 1/4 = 24000,
 * dotted 1/8 = 18000, 1/8 triplet = 8000 samples. RT-safe.
 */
void delay_set_tempo(struct delay *d, float bpm, enum delay_division division);

/* Feedback, percent 0..95: each repeat is this fraction of the one before. RT-safe. */
void delay_set_feedback_pct(struct delay *d, float pct);

/* Ping-pong (true) or stereo (false): a 20 ms crossfade of the routing. RT-safe. */
void delay_set_pingpong(struct delay *d, bool is_pingpong);

/* High cut in the loop, Hz, 1000..20000 (20000 = off). Glides. RT-safe. */
void delay_set_high_cut_hz(struct delay *d, float hz);

/* Low cut in the loop, Hz, 20..2000 (20 = off). Glides. RT-safe. */
void delay_set_low_cut_hz(struct delay *d, float hz);

/* The delay in samples the settings ask for (after any fade in progress). Any thread. */
int32_t delay_time_samples(const struct delay *d);

/* Glides and taps to their targets now (before audio). RT-safe. */
void delay_settle(struct delay *d);

/* At each DSP_BLOCK boundary. RT-safe. */
void delay_block_begin(struct delay *d);

/*
 * Process n (1..DSP_BLOCK, within the block) frames in place: buf lanes 0/1 in, the wet
 * echo out. Returns the lanes (0/1) that carried non-finite input (those samples are taken
 * as 0), or 0x3 if the loop itself went non-finite (line cleared, output 0). RT-safe.
 */
unsigned delay_process(struct delay *d, v4f *buf, int n);

#endif
