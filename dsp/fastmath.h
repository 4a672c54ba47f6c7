/*
 * fastmath.h - vector log2/exp2 for the dynamics gain path, four lanes at a time.
 *
 * Both split a float into exponent and mantissa with integer bit operations and fit the
 * mantissa part with a short polynomial (least squares on Chebyshev nodes). The polynomials
 * are constrained to be exact at the ends of the reduced interval, so the result is
 * continuous across octaves and exact at 1 and 2^k: fast_exp2(0) == 1 and fast_log2(1) == 0,
 * which keeps a compressor that does nothing bit-transparent in gain.
 *
 *   fast_log2: |error| < 3e-5 (1.8e-4 dB on an amplitude, 9e-5 dB on a power)
 *   fast_exp2: relative error < 5e-6 (4e-5 dB)
 *
 * tests/unit/test_dynamics.c checks both bounds over their ranges. libm's log2f/exp2f cost
 * 10-20 ns each and do not vectorise; these are about a dozen SSE2 instructions each.
 * Every function here is RT-safe.
 */
#ifndef JMIXD_FASTMATH_H
#define JMIXD_FASTMATH_H

#include "dsp/dsp.h"

/* Unsigned lanes for the bit work: shifts of negative signed values are undefined in C. */
typedef uint32_t vu __attribute__((vector_size(4 * DSP_LANES)));

/* 20*log10(2) and 10*log10(2): dB per octave of amplitude and of power. */
#define DSP_DB_PER_LOG2_AMP 6.0205999f
#define DSP_DB_PER_LOG2_POW 3.0103f

/*
 * log2(x) for normal x > 0. Zero, denormals and negatives give garbage (about -127 for
 * zero), so callers floor their input first (a power floor of 1e-12, -120 dB).
 */
static inline vf fast_log2(vf x)
{
	vu bits = (vu)x;
	vi e = (vi)((bits >> 23) & 0xffu) - 127;
	vf t = (vf)((bits & 0x007fffffu) | 0x3f800000u) - 1.0f;
	vf q = ((-0.0442437418f * t + 0.147018775f) * t - 0.266536266f) * t + 0.44183588f;

	return __builtin_convertvector(e, vf) + t + t * (1.0f - t) * q;
}

/* 2^x, clamped to [-126, 126] so the result is always a normal float. */
static inline vf fast_exp2(vf x)
{
	x = vf_min(vf_max(x, vf_splat(-126.0f)), vf_splat(126.0f));
	vi i = __builtin_convertvector(x, vi);		/* truncates towards zero */
	i += (vi)(x < __builtin_convertvector(i, vf));	/* -1 where that rounded up */
	vf t = x - __builtin_convertvector(i, vf);		/* [0, 1) */
	vf q = (0.0136894556f * t + 0.0654555112f) * t + 0.306995124f;
	vf p = 1.0f + t + t * (t - 1.0f) * q;

	return (vf)((vu)p + ((vu)i << 23));
}

#endif
