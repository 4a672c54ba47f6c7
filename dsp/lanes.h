/*
 * lanes.h - lane-mask helpers the strip modules share (select, finite masks, denormal flush).
 *
 * These belong next to v4f in dsp.h; they live here until the lead folds them in. A lane
 * mask (v4i, vi) is all ones (-1) in a lane where a condition holds and 0 elsewhere, which is
 * what a GCC vector comparison returns, so masks combine with & | ~ and select with no
 * branch. Every function here is RT-safe.
 */
#ifndef JMIXD_LANES_H
#define JMIXD_LANES_H

#include "dsp/dsp.h"


/* Per lane: x where m is set, else 0. */
static inline v4f v4f_keep(v4i m, v4f x)
{
	return (v4f)((v4i)x & m);
}

/*
 * Lanes of x that are finite. Like v4f_all_finite(), written as x - x == 0 so it survives
 * -ffinite-math-only: Inf - Inf and NaN - NaN are NaN and fail the comparison.
 */
static inline v4i v4f_finite_mask(v4f x)
{
	return (x - x) == v4f_splat(0.0f);
}

/* Bit k set for each lane k whose mask is set: the form module process() reports lanes in. */
static inline unsigned v4i_bits(v4i m)
{
	return (unsigned)((m[0] & 1) | (m[1] & 2) | (m[2] & 4) | (m[3] & 8));
}

/*
 * Tiny magnitudes to exactly 0. Recursive states decay towards denormals in silence and
 * denormal arithmetic is 10-100x slower where FTZ/DAZ is not set (unit tests, valgrind). The
 * level is far below anything audible (-300 dB) yet far above the denormal range, so a state
 * that passes it keeps decaying as a normal number until the next flush.
 */
#define DSP_FLUSH_LEVEL 1e-15f

static inline v4f v4f_flush(v4f x)
{
	return v4f_keep(v4f_abs(x) >= v4f_splat(DSP_FLUSH_LEVEL), x);
}

/*
 * Crossfade shape for on/off fades: 3p^2 - 2p^3 of the fade position p in [0, 1]. Its slope
 * is 0 at both ends, so a fade starts and stops without the corner of a linear ramp;
 * exact at 0 and 1.
 */
static inline float dsp_smoothstep(float p)
{
	return p * p * (3.0f - 2.0f * p);
}

/* Accumulate x*0 over a buffer: 0 in finite lanes, NaN in a lane that saw Inf or NaN. */
static inline v4f v4f_poison_scan(const v4f *buf, int n)
{
	v4f a0 = v4f_splat(0.0f), a1 = v4f_splat(0.0f);
	int i = 0;

	for (; i + 1 < n; i += 2) {
		a0 += buf[i] * 0.0f;
		a1 += buf[i + 1] * 0.0f;
	}
	if (i < n)
		a0 += buf[i] * 0.0f;
	return a0 + a1;
}

/* Zero the lanes of buf that are not in keep (a reset lane must not leak NaN downstream). */
static inline void v4f_buf_keep(v4f *buf, int n, v4i keep)
{
	for (int i = 0; i < n; i++)
		buf[i] = v4f_keep(keep, buf[i]);
}

/* The same for the strip's vf (identical to the v4f ones in a 4-lane build). */
static inline vf vf_keep(vi m, vf x)
{
	return (vf)((vi)x & m);
}

static inline vi vf_finite_mask(vf x)
{
	return (x - x) == vf_splat(0.0f);
}

static inline unsigned vi_bits(vi m)
{
	unsigned bits = 0;
	for (int l = 0; l < DSP_LANES; l++)
		bits |= (unsigned)(m[l] & 1) << l;
	return bits;
}

static inline vf vf_flush(vf x)
{
	return vf_keep(vf_abs(x) >= vf_splat(DSP_FLUSH_LEVEL), x);
}

static inline vf vf_poison_scan(const vf *buf, int n)
{
	vf a0 = vf_splat(0.0f), a1 = vf_splat(0.0f);
	int i = 0;

	for (; i + 1 < n; i += 2) {
		a0 += buf[i] * 0.0f;
		a1 += buf[i + 1] * 0.0f;
	}
	if (i < n)
		a0 += buf[i] * 0.0f;
	return a0 + a1;
}

static inline void vf_buf_keep(vf *buf, int n, vi keep)
{
	for (int i = 0; i < n; i++)
		buf[i] = vf_keep(keep, buf[i]);
}

/*
 * Lanes 0 1 2 3 ... as 1 0 3 2 ...: each lane meets its stereo partner (stereo channels sit
 * on even/odd lane pairs at every width).
 */
#if defined(__clang__)
#define VF_PAIR_SWAP_MASK(...) __builtin_shufflevector(x, x, __VA_ARGS__)
#else
#define VF_PAIR_SWAP_MASK(...) __builtin_shuffle(x, (vi){ __VA_ARGS__ })
#endif
static inline vf vf_swap_pairs(vf x)
{
#if DSP_LANES == 4
	return VF_PAIR_SWAP_MASK(1, 0, 3, 2);
#elif DSP_LANES == 8
	return VF_PAIR_SWAP_MASK(1, 0, 3, 2, 5, 4, 7, 6);
#else
	return VF_PAIR_SWAP_MASK(1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14);
#endif
}
#undef VF_PAIR_SWAP_MASK

#endif
