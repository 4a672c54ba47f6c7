/*
 * loudness.h - programme loudness per ITU-R BS.1770-4 / EBU R128: momentary (400 ms),
 * short-term (3 s), integrated (gated) loudness in LUFS and loudness range (EBU Tech 3342)
 * in LU, split at the thread boundary like meter.h.
 *
 * RT half (struct loudness_rt, audio thread): K-weighting of lanes 0 (left) and 1 (right)
 * and the mean square of each 100 ms sub-block; loudness_rt_take() hands over completed
 * sub-blocks (one float each: the channel-weighted sum of the two mean squares, G = 1 for
 * left and right). About 25 flops per stereo sample; no gating, no logarithms.
 *
 * Control half (struct loudness, control thread): everything else, from those sub-blocks
 * only, in fixed memory (loudness_mem_size): the last 3 s of sub-blocks and two histograms
 * of block loudness (0.01 LU bins from -70 to +10 LUFS, count and energy per bin), so
 * hours of programme cost no more memory or time than a minute. Each query walks a
 * histogram once (8000 bins): call them a few times a second, not per block.
 *
 * Silence (no block above the absolute gate, or no audio yet) reads -INFINITY LUFS and an
 * LRA of 0 LU.
 */
#ifndef JMIXD_LOUDNESS_H
#define JMIXD_LOUDNESS_H

#include <stddef.h>
#include <stdint.h>

#include "dsp/dsp.h"

#define LOUD_RT_QUEUE 16		/* sub-blocks the RT half holds before dropping */
#define LOUD_SUB_PER_MOMENTARY 4	/* 400 ms */
#define LOUD_SUB_PER_SHORT 30		/* 3 s */
#define LOUD_HIST_MIN_LUFS (-70.0)	/* also the absolute gate */
#define LOUD_HIST_STEP_LU 0.01
#define LOUD_HIST_BINS 8000		/* up to +10 LUFS; louder blocks land in the top bin */

struct loudness_rt {
	/* K-weighting: stage 1 (high shelf) and stage 2 (RLB high-pass), DF-I, all lanes */
	v4f b0, b1, b2, a1, a2;		/* stage 1 */
	v4f c1, c2;			/* stage 2 a1, a2 (its b is 1, -2, 1) */
	v4f x1, x2, y1, y2, z1, z2;	/* inputs, stage 1 outputs, stage 2 outputs */
	v4f acc;			/* sum of squares in the current sub-block */
	v4f weight;			/* channel weights: 1, 1, 0, 0 */
	float inv_n_sub;
	int n_sub;			/* samples per sub-block: round(0.1 rate) */
	int pos;			/* samples in the current sub-block */
	float queue[LOUD_RT_QUEUE];
	uint32_t q_write, q_read;	/* free-running; q_write - q_read <= LOUD_RT_QUEUE */
	uint32_t n_dropped;		/* sub-blocks lost because nobody took them */
};

/* Filters for rate_hz (8000..384000), from the analog prototypes; empty. Control thread. */
void loudness_rt_init(struct loudness_rt *rt, float rate_hz);

/*
 * Measure n lane frames (any n; read only). Returns the lanes (0/1) that carried
 * non-finite input: their filter state is reset and the current sub-block restarts. RT-safe.
 */
unsigned loudness_rt_run(struct loudness_rt *rt, const v4f *buf, int n);

/*
 * Move up to max completed sub-blocks (oldest first) to out; returns how many. Call it
 * at least every 1.6 s (every period in practice); n_dropped counts any overflow. RT-safe.
 */
int loudness_rt_take(struct loudness_rt *rt, float *out, int max);

/* The control half; the histograms live in caller memory. */
struct loudness_hist {
	uint32_t *count;
	double *energy;		/* sum of the blocks' mean squares per bin */
	uint64_t n;		/* blocks above the absolute gate */
	double sum;		/* their energy */
};

struct loudness {
	float sub[LOUD_SUB_PER_SHORT];	/* last 3 s of sub-blocks, ring */
	int sub_pos;
	uint64_t n_sub;			/* sub-blocks since reset */
	struct loudness_hist gi;	/* 400 ms gating blocks every 100 ms: integrated */
	struct loudness_hist st;	/* 3 s short-term blocks every 100 ms: LRA */
};

/* Bytes loudness_init needs (both histograms). Any thread. */
size_t loudness_mem_size(void);

/* mem: loudness_mem_size() bytes, 8-byte aligned, any content. Control thread. */
void loudness_init(struct loudness *l, void *mem);

/* Forget everything (/master/loudness/reset). Control thread. */
void loudness_reset(struct loudness *l);

/* One 100 ms sub-block from loudness_rt_take. Bounded, O(1). Control thread. */
void loudness_push(struct loudness *l, float block);

/* Momentary loudness, LUFS: the last 400 ms (silence before the start counts). */
float loudness_momentary_lufs(const struct loudness *l);

/* Short-term loudness, LUFS: the last 3 s. */
float loudness_shortterm_lufs(const struct loudness *l);

/* Integrated loudness since reset, LUFS: BS.1770-4 gating (-70 LUFS, then -10 LU). */
float loudness_integrated_lufs(const struct loudness *l);

/*
 * Loudness range since reset, LU (EBU Tech 3342): short-term values every 100 ms, gated at
 * -70 LUFS and -20 LU below their energy mean, 95th minus 10th percentile.
 */
float loudness_range_lu(const struct loudness *l);

#endif
