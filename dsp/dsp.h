/*
 * dsp.h - the few things every dsp/ module shares: the lane vector type, the internal
 * block length, unit conversions and the finite-value guard.
 *
 * Lanes. A *lane* is one mono signal path (a mono channel, or one side of a stereo
 * channel). DSP_LANES lanes travel together in one vf, so one instruction filters that many
 * channels. A *lane frame* buffer (vf buf[DSP_BLOCK]) holds one vf per sample. The same
 * source compiles to SSE2 and AVX on x86-64 and to NEON on aarch64 through GCC vector
 * extensions. Per-lane differences are coefficients, never branches: a bypassed stage is an
 * identity.
 *
 * Width. DSP_LANES is 4 unless the build says otherwise: on x86-64 the daemon is built three
 * times, at 4 (SSE2), 8 (AVX2) and 16 (AVX-512) lanes, and daemon/simd.c picks one at start
 * (README "Vector width"). The channel strips run at that width (vf); the master, buses and
 * effects carry a stereo signal in a four-lane v4f at every width, and their accumulators
 * too, so the mix is summed in the same order, and to the same bits, at every width.
 *
 * Blocks. Every module recomputes smoothing slopes and coefficients only at DSP_BLOCK
 * boundaries of the *audio* timeline, in x_block_begin(), and x_process() may then be
 * called any number of times on parts of that block. The caller (dsp/mixer.c) tracks the
 * phase, so the output is bit-identical whatever the JACK period is (STYLE.md idiom 4).
 *
 * Pure: no allocation, no I/O, no locks. Every function here is RT-safe.
 */
#ifndef JMIXD_DSP_H
#define JMIXD_DSP_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#ifndef DSP_LANES
#define DSP_LANES 4
#endif
#if DSP_LANES != 4 && DSP_LANES != 8 && DSP_LANES != 16
#error "DSP_LANES must be 4, 8 or 16"
#endif
#define DSP_BLOCK 32
/* Bit k set for each lane k: the full mask of the lane bit sets process() returns. */
#define DSP_ALL_LANES ((unsigned)((1ul << DSP_LANES) - 1))

typedef float v4f __attribute__((vector_size(16)));
typedef int32_t v4i __attribute__((vector_size(16)));
/* The strip's lane vector: DSP_LANES floats (the same type as v4f in a 4-lane build). */
typedef float vf __attribute__((vector_size(4 * DSP_LANES)));
typedef int32_t vi __attribute__((vector_size(4 * DSP_LANES)));

/* Lane shuffle of two vectors (indices 0-3 pick from a, 4-7 from b), GCC and clang alike. */
#if defined(__clang__)
#define V4F_SHUFFLE(a, b, i0, i1, i2, i3) __builtin_shufflevector(a, b, i0, i1, i2, i3)
#else
#define V4F_SHUFFLE(a, b, i0, i1, i2, i3) __builtin_shuffle(a, b, (v4i){ i0, i1, i2, i3 })
#endif

/* Below this a gain is silence; also the bottom of every dB range we display. */
#define DSP_SILENCE_DB (-90.0f)

static inline v4f v4f_splat(float x)
{
	return (v4f){ x, x, x, x };
}

/* Per lane: mask (from a vector comparison: -1 true, 0 false) ? a : b. */
static inline v4f v4f_select(v4i mask, v4f a, v4f b)
{
	return (v4f)((mask & (v4i)a) | (~mask & (v4i)b));
}

static inline v4f v4f_min(v4f a, v4f b)
{
	return v4f_select(a < b, a, b);
}

static inline v4f v4f_max(v4f a, v4f b)
{
	return v4f_select(a > b, a, b);
}

static inline v4f v4f_abs(v4f a)
{
	return v4f_max(a, -a);
}

static inline float v4f_hsum(v4f a)
{
	return (a[0] + a[1]) + (a[2] + a[3]);
}

static inline float v4f_hmax(v4f a)
{
	float m01 = a[0] > a[1] ? a[0] : a[1];
	float m23 = a[2] > a[3] ? a[2] : a[3];
	return m01 > m23 ? m01 : m23;
}

/* True when every lane of a equals the same lane of b. */
static inline bool v4f_equal(v4f a, v4f b)
{
	v4i eq = a == b;
	return (eq[0] & eq[1] & eq[2] & eq[3]) != 0;
}

/* dB to linear amplitude; at or below DSP_SILENCE_DB it is exactly 0 (the fader's -inf). */
static inline float dsp_db_to_lin(float db)
{
	if (db <= DSP_SILENCE_DB)
		return 0.0f;
	return powf(10.0f, db * 0.05f);
}

static inline float dsp_lin_to_db(float lin)
{
	if (!(lin > 0.0f))
		return -INFINITY;
	return 20.0f * log10f(lin);
}

static inline float dsp_clampf(float x, float lo, float hi)
{
	return x < lo ? lo : (x > hi ? hi : x);
}

/* One bounded step from cur towards target, arriving exactly: parameter glides. */
static inline float dsp_step_towards(float cur, float target, float step)
{
	float diff = target - cur;
	if (diff > step)
		return cur + step;
	if (diff < -step)
		return cur - step;
	return target;
}

/*
 * True when all four lanes are finite. Written without isfinite() so that it keeps
 * working if a caller ever builds with -ffinite-math-only: x - x is 0 for finite x and
 * NaN for Inf/NaN, and NaN fails every ordered comparison.
 */
static inline bool v4f_all_finite(v4f x)
{
	v4f z = x - x;
	v4i ok = z == v4f_splat(0.0f);
	return (ok[0] & ok[1] & ok[2] & ok[3]) != 0;
}

/*
 * The same helpers for the strip's vf. Reductions are loops over DSP_LANES, which the
 * compiler unrolls; per-lane arithmetic is identical at every width.
 */
static inline vf vf_splat(float x)
{
	return (vf){ 0 } + x;
}

static inline vf vf_select(vi mask, vf a, vf b)
{
	return (vf)((mask & (vi)a) | (~mask & (vi)b));
}

static inline vf vf_min(vf a, vf b)
{
	return vf_select(a < b, a, b);
}

static inline vf vf_max(vf a, vf b)
{
	return vf_select(a > b, a, b);
}

static inline vf vf_abs(vf a)
{
	return vf_max(a, -a);
}

/* True when every lane of the mask is set. */
static inline bool vi_all(vi m)
{
	int32_t all = -1;
	for (int l = 0; l < DSP_LANES; l++)
		all &= m[l];
	return all != 0;
}

static inline bool vf_equal(vf a, vf b)
{
	return vi_all(a == b);
}

/* Like v4f_all_finite(), for every lane of a vf. */
static inline bool vf_all_finite(vf x)
{
	return vi_all((x - x) == vf_splat(0.0f));
}

/* Lanes 4q .. 4q+3 of x (q < DSP_LANES / 4) as a v4f: a strip's four-lane quarter. */
static inline v4f vf_quarter(vf x, int q)
{
	v4f r;
	__builtin_memcpy(&r, (const float *)&x + 4 * q, sizeof r);
	return r;
}

/* Lanes 0-3 of x as a v4f (the master's stereo pair lives there), and back. */
static inline v4f vf_low4(vf x)
{
	return vf_quarter(x, 0);
}

static inline vf vf_from4(v4f x)
{
	vf r = vf_splat(0.0f);
	__builtin_memcpy(&r, &x, sizeof x);
	return r;
}

#endif
