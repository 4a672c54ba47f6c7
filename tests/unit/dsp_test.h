/*
 * dsp_test.h - shared helpers for the dsp/ unit tests: signal generators into lane-frame
 * buffers, level measurements in dB, a tolerance assert, a driver that plays the mixer's
 * role (block_begin at every DSP_BLOCK boundary of the timeline, process in
 * JACK-period-sized chunks split at block boundaries), and the chunking test built on it.
 *
 * Include after <setjmp.h>, <stdarg.h>, <stddef.h> and <cmocka.h>. Test code only: it
 * allocates, uses double freely and prints.
 */
#ifndef JMIXD_DSP_TEST_H
#define JMIXD_DSP_TEST_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/dsp.h"

#define DT_RATE 48000.0

/* Fail with both values printed when |actual - expected| > tol. */
#define dt_assert_near(actual, expected, tol, ...)                                           \
	do {                                                                                  \
		double dt_a_ = (double)(actual), dt_e_ = (double)(expected);                   \
		double dt_t_ = (double)(tol);                                                   \
		if (!(fabs(dt_a_ - dt_e_) <= dt_t_)) {                                          \
			char dt_m_[256];                                                        \
			snprintf(dt_m_, sizeof(dt_m_), __VA_ARGS__);                            \
			print_error("%s: got %.6f, expected %.6f +- %.4f\n", dt_m_, dt_a_, dt_e_, \
				    dt_t_);                                                     \
			fail();                                                                 \
		}                                                                             \
	} while (0)

/* A lane-frame buffer of n frames, zeroed, 16-byte aligned. Free with free(). */
static inline v4f *dt_alloc(long n)
{
	size_t bytes = (size_t)n * sizeof(v4f);
	v4f *p = aligned_alloc(16, bytes ? bytes : sizeof(v4f));

	assert_non_null(p);
	memset(p, 0, bytes);
	return p;
}

static inline double dt_db(double lin)
{
	return 20.0 * log10(lin);
}

static inline double dt_lin(double db)
{
	return pow(10.0, db / 20.0);
}

/* Per-lane sine oscillators; phase kept in cycles so long runs stay exact. */
struct dt_sine {
	double phase[DSP_LANES], inc[DSP_LANES], amp[DSP_LANES];
};

/* Lane l: frequency hz[l] (Hz), peak amplitude amp[l] (linear). */
static inline void dt_sine_init(struct dt_sine *s, const double hz[DSP_LANES],
				const double amp[DSP_LANES])
{
	for (int l = 0; l < DSP_LANES; l++) {
		s->phase[l] = 0.0;
		s->inc[l] = hz[l] / DT_RATE;
		s->amp[l] = amp[l];
	}
}

static inline void dt_sine_fill(struct dt_sine *s, v4f *buf, long n)
{
	for (long i = 0; i < n; i++) {
		for (int l = 0; l < DSP_LANES; l++) {
			buf[i][l] = (float)(s->amp[l] * sin(2.0 * M_PI * s->phase[l]));
			s->phase[l] += s->inc[l];
			if (s->phase[l] >= 1.0)
				s->phase[l] -= 1.0;
		}
	}
}

/* Square wave, +-amp[l], half period in samples: |x| is constant, so is a peak detector. */
static inline void dt_square_fill(v4f *buf, long n, long t0, const double amp[DSP_LANES],
				  long half_period)
{
	for (long i = 0; i < n; i++) {
		float sign = (((t0 + i) / half_period) & 1) ? -1.0f : 1.0f;

		for (int l = 0; l < DSP_LANES; l++)
			buf[i][l] = sign * (float)amp[l];
	}
}

/* Reproducible white noise in [-amp, amp] (xorshift32). */
static inline void dt_noise_fill(v4f *buf, long n, uint32_t seed, float amp)
{
	uint32_t x = seed ? seed : 1;

	for (long i = 0; i < n; i++) {
		for (int l = 0; l < DSP_LANES; l++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			buf[i][l] = amp * ((float)(x >> 8) * (2.0f / 16777216.0f) - 1.0f);
		}
	}
}

static inline double dt_rms_db(const v4f *buf, long n, int lane)
{
	double acc = 0.0;

	for (long i = 0; i < n; i++)
		acc += (double)buf[i][lane] * (double)buf[i][lane];
	return 10.0 * log10(acc / (double)n);
}

static inline double dt_peak(const v4f *buf, long n, int lane)
{
	double m = 0.0;

	for (long i = 0; i < n; i++)
		m = fmax(m, fabs((double)buf[i][lane]));
	return m;
}

/* Largest |x[i] - x[i-1]| of a lane. */
static inline double dt_max_step(const v4f *buf, long n, int lane)
{
	double m = 0.0;

	for (long i = 1; i < n; i++)
		m = fmax(m, fabs((double)buf[i][lane] - (double)buf[i - 1][lane]));
	return m;
}

/*
 * Largest |x[i] - 2 x[i-1] + x[i-2]| of a lane. For a sine this is (2 sin(w/2))^2 times the
 * amplitude, 60x below the first difference at 1 kHz, so any corner or jump (a click)
 * stands out far more clearly than in the first difference.
 */
static inline double dt_max_step2(const v4f *buf, long n, int lane)
{
	double m = 0.0;

	for (long i = 2; i < n; i++)
		m = fmax(m, fabs((double)buf[i][lane] - 2.0 * (double)buf[i - 1][lane] +
				 (double)buf[i - 2][lane]));
	return m;
}

/* Largest change of the peak level (dB) between consecutive windows of w samples. */
static inline double dt_max_level_jump_db(const v4f *buf, long n, int lane, long w)
{
	double prev = 0.0, m = 0.0;

	for (long i = 0; i + w <= n; i += w) {
		double p = dt_db(fmax(dt_peak(buf + i, w, lane), 1e-9));

		if (i > 0)
			m = fmax(m, fabs(p - prev));
		prev = p;
	}
	return m;
}

static inline bool dt_all_finite(const v4f *buf, long n)
{
	for (long i = 0; i < n; i++)
		for (int l = 0; l < DSP_LANES; l++)
			if (!isfinite(buf[i][l]))
				return false;
	return true;
}

/* The mixer's side of the block contract. */
typedef void (*dt_begin_fn)(void *m);
typedef unsigned (*dt_process_fn)(void *m, v4f *buf, int n);

struct dt_clock {
	long pos;	/* samples since the start of the timeline */
};

/*
 * Process buf[0..n) at the clock's position, as a JACK client with the given period would:
 * periods on a grid from timeline 0, each split at DSP_BLOCK boundaries, block_begin at
 * every boundary. Returns the OR of the reset masks.
 */
static inline unsigned dt_run(void *m, dt_begin_fn begin, dt_process_fn process,
			      struct dt_clock *clk, v4f *buf, long n, long period)
{
	unsigned resets = 0;
	long done = 0;

	while (done < n) {
		long to_period = period - clk->pos % period;
		long to_block = DSP_BLOCK - clk->pos % DSP_BLOCK;
		long k = n - done;

		if (clk->pos % DSP_BLOCK == 0)
			begin(m);
		if (k > to_period)
			k = to_period;
		if (k > to_block)
			k = to_block;
		resets |= process(m, buf + done, (int)k);
		done += k;
		clk->pos += k;
	}
	return resets;
}

/*
 * A module's scripted session: set up the module in ctx, then play buf[0..n) through it in
 * JACK periods of `period` frames (dt_run) with parameter moves between stretches, the same
 * moves whatever the period.
 */
typedef void (*dt_session_fn)(void *ctx, v4f *buf, long n, long period);

/*
 * The chunking test every DSP module passes (STYLE.md idiom 4): the session over the same
 * input gives the same bits in periods of 1, 7, 64 and 253 frames as in periods of 32.
 * Returns the output of the period-32 run (n frames; free() it), for the caller's check that
 * the session did something.
 */
static inline v4f *dt_expect_chunking_identical(dt_session_fn session, void *ctx, const v4f *in,
						long n)
{
	static const long periods[] = { 1, 7, 64, 253 };
	v4f *ref = dt_alloc(n), *buf = dt_alloc(n);

	memcpy(ref, in, (size_t)n * sizeof(v4f));
	session(ctx, ref, n, 32);
	for (size_t k = 0; k < sizeof(periods) / sizeof(periods[0]); k++) {
		memcpy(buf, in, (size_t)n * sizeof(v4f));
		session(ctx, buf, n, periods[k]);
		assert_memory_equal(ref, buf, (size_t)n * sizeof(v4f));
	}
	free(buf);
	return ref;
}

/* The same on n frames of noise (seed, amplitude), and the session changed it. */
static inline void dt_expect_chunking_identical_on_noise(dt_session_fn session, void *ctx,
							 long n, uint32_t seed, float amp)
{
	v4f *in = dt_alloc(n);

	dt_noise_fill(in, n, seed, amp);
	v4f *ref = dt_expect_chunking_identical(session, ctx, in, n);
	assert_memory_not_equal(in, ref, (size_t)n * sizeof(v4f));
	free(in);
	free(ref);
}

#endif
