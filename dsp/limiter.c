/*
 * limiter.c - look-ahead true-peak limiter, stereo-linked, and the BS.1770 4x detector.
 *
 * References: ITU-R BS.1770-4 (2015) annex 2, "Guidelines for accurate measurement of true
 * peak level": 4x oversampling with the 48-tap, 4-phase interpolating FIR tabulated there
 * (used as is; its passband ripple and the fact that no phase lands exactly on the input
 * samples are why the sample itself is also checked). The limiter structure is the
 * classic look-ahead one (sliding minimum of the required gain, then a smoothing that
 * reaches the minimum before the peak leaves the delay line), as in F. Adriaensen's
 * zita-dpl1 and x42-dpl, made exact for the 4x reading of the output.
 *
 * Detection. The BS.1770 filter alone is a coarse reading: its phases 1 and 2 ripple by
 * +-0.22 dB up to 20 kHz, and 4 points per sample can miss a peak by 1/8 sample (0.17 dB
 * for a tone at fs/4, 0.47 dB at 20 kHz). A limiter that honoured only that reading would
 * let real inter-sample peaks through, and one that honoured only a better reading would
 * let the standard meter read over the ceiling. So the required gain honours both:
 *   - the four BS.1770 points (positions q + 1/8, 3/8, 5/8, 7/8), so a BS.1770 meter on
 *     the output never reads above the ceiling, and
 *   - an 8x grid of our own (q + j/8, j = 0..7; j = 0 is the sample itself): a 24-tap
 *     Kaiser-windowed sinc (beta 6) per phase, flat within +-0.02 dB to 20 kHz at 48 kHz.
 *     Its grid misses a peak by at most 1/16 sample (0.03 dB at 10 kHz, 0.12 dB at
 *     20 kHz), which is the residue an ideal 16x reading of the output can show.
 * Both read the same 24-sample history (L, R, L, R packed, two phases per v4f), for
 * positions q in [n - 12, n - 11) at input sample n.
 *
 * Gain path, per input sample n (one gain for lanes 0 and 1):
 *	p[n]	largest |.| of those twelve points (both sides)
 *	r[n]	required gain min(1, C / p[n]), C the ceiling (times 1 - 2^-13, a 0.001 dB
 *		margin for float rounding in the meter's own interpolation)
 *	m[t]	min of r over the last W = A + 11 samples (monotonic deque, power-of-two ring)
 *	e[t]	release follower: min(m[t], 2^(a * log2 e[t-1])), so the reduction in dB
 *		decays exponentially with time constant `release` (a = exp(-1/(tau fs)))
 *	g[t]	e smoothed by two cascaded moving averages of A1 and A2 samples,
 *		A = A1 + A2 - 1 ~ 1 ms: the gain is an S-shaped ramp with no corner in value and
 *		a continuous slope, and never above any r it has to honour (an average of values
 *		each <= r is <= r). The averages run on e quantised down to 2^-31 in int64, so
 *		the running sums never drift.
 *	y[t]	g[t] x[t - L], L = A + 16.
 * Why these lengths: a BS.1770 reading of the output between q and q + 1 is computed from
 * the twelve output samples q - 5 .. q + 6. For p[n] (q = n - 12) those are output times
 * n + L - 17 .. n + L - 6. g[t] <= r[n] holds for t in [n + A - 1, n + W - 1], so
 * L = A + 16 and W = A + 11: across the whole support of every interpolated point near a
 * peak the gain is at most what that peak needs. What is left is the small variation of g
 * inside those 12 samples, which the S-shaped ramp keeps far below the margin: the tests
 * throw inter-sample-peak signals (fs/4 at 45 degrees, near-Nyquist sums, squares, clipped
 * noise, bursts) at it and read the output with the BS.1770 detector (never above C) and
 * with an independent 16x sinc (within 0.1 dB).
 *
 * Costs: 120 v4f multiply-adds per sample for the detector, a deque step (amortised O(1),
 * at most W + n pops per call), two int64 running sums, one fast_exp2, and fast_log2 only
 * when the gain goes down. A block whose samples, and the 24 before them, all lie below
 * C / L1 (L1 the largest sum of |coefficient| of any detector phase, 2.33) cannot make
 * any point reach C, so r = 1 for each of its samples without the multiply-adds: the
 * output is the same bits, and a master pays for the detector only in passages that peak
 * within 7.3 dB of the ceiling.
 *
 * Glossary: see limiter.h for the fields; dq_* the deque of (r, time) with increasing r,
 * box1/box2 rings of the two averages (s1, s2 their sums), rel_log2 the follower state,
 * fade_pos/mix the on/off crossfade (smoothstep, 20 ms), ceil_* the ceiling glide.
 */
#include "dsp/limiter.h"

#include <string.h>

#include "dsp/fastmath.h"
#include "dsp/lanes.h"

#define LIM_FADE_MS 20.0f
#define LIM_CEIL_GLIDE_DB_PER_S 120.0f	/* 6 dB in 50 ms */
#define LIM_MARGIN (1.0f - 1.0f / 8192.0f)
#define LIM_Q_ONE 2147483648.0f		/* 2^31: fixed-point 1.0 of the averages */
#define LIM_REL_SNAP (-1e-7f)		/* release follower: closer to 0 dB is 0 dB */

/* BS.1770-4 annex 2, phase k, tap j: the prototype's coefficient h[4 j + k]. */
static const float tp_coef[TP_PHASES][TP_TAPS] = {
	{ 0.0017089843750f, 0.0109863281250f, -0.0196533203125f, 0.0332031250000f,
	  -0.0594482421875f, 0.1373291015625f, 0.9721679687500f, -0.1022949218750f,
	  0.0476074218750f, -0.0266113281250f, 0.0148925781250f, -0.0083007812500f },
	{ -0.0291748046875f, 0.0292968750000f, -0.0517578125000f, 0.0891113281250f,
	  -0.1665039062500f, 0.4650878906250f, 0.7797851562500f, -0.2003173828125f,
	  0.1015625000000f, -0.0582275390625f, 0.0330810546875f, -0.0189208984375f },
	{ -0.0189208984375f, 0.0330810546875f, -0.0582275390625f, 0.1015625000000f,
	  -0.2003173828125f, 0.7797851562500f, 0.4650878906250f, -0.1665039062500f,
	  0.0891113281250f, -0.0517578125000f, 0.0292968750000f, -0.0291748046875f },
	{ -0.0083007812500f, 0.0148925781250f, -0.0266113281250f, 0.0476074218750f,
	  -0.1022949218750f, 0.9721679687500f, 0.1373291015625f, -0.0594482421875f,
	  0.0332031250000f, -0.0196533203125f, 0.0109863281250f, 0.0017089843750f },
};

void truepeak_init(struct truepeak *tp)
{
	memset(tp, 0, sizeof(*tp));
}

v4f truepeak_push(struct truepeak *tp, v4f x)
{
	int w = tp->w;
	/* x[n - j] is at h[12 - j]: the mirror keeps all twelve contiguous. */
	const v4f *h = tp->hist + w + 1;
	v4f u0 = v4f_splat(0.0f), u1 = u0, u2 = u0, u3 = u0;

	tp->hist[w] = tp->hist[w + TP_TAPS] = x;
	for (int j = 0; j < TP_TAPS; j++) {
		v4f xj = h[TP_TAPS - 1 - j];

		u0 += tp_coef[0][j] * xj;
		u1 += tp_coef[1][j] * xj;
		u2 += tp_coef[2][j] * xj;
		u3 += tp_coef[3][j] * xj;
	}
	tp->w = w + 1 == TP_TAPS ? 0 : w + 1;
	v4f m = v4f_max(v4f_max(v4f_abs(u0), v4f_abs(u1)), v4f_max(v4f_abs(u2), v4f_abs(u3)));
	return v4f_max(m, v4f_abs(h[TP_TAPS - 1 - 6]));
}

void truepeak_run(struct truepeak *tp, const v4f *buf, int n)
{
	v4f peak = tp->peak;

	for (int i = 0; i < n; i++)
		peak = v4f_max(peak, truepeak_push(tp, buf[i]));
	/* A NaN sample would stick in the history for 12 samples and in the peak forever. */
	v4i ok = v4f_finite_mask(peak);
	if (v4i_bits(ok) != 0xf) {
		for (int j = 0; j < 2 * TP_TAPS; j++)
			tp->hist[j] = v4f_keep(ok, tp->hist[j]);
		peak = v4f_keep(ok, peak);
	}
	tp->peak = peak;
}

void truepeak_take(struct truepeak *tp, v4f *out)
{
	*out = tp->peak;
	tp->peak = v4f_splat(0.0f);
}

/* Modified Bessel function I0 by its series (control thread, design only). */
static double lim_i0(double x)
{
	double sum = 1.0, term = 1.0;

	for (int k = 1; k < 40; k++) {
		term *= (x / (2.0 * k)) * (x / (2.0 * k));
		sum += term;
	}
	return sum;
}

static uint32_t pow2_at_least(uint32_t n)
{
	uint32_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

/* Lengths at a rate: A ~ 1 ms split into the two boxes. */
static void lim_lengths(float rate_hz, int *a1, int *a2, int *w, int *lat)
{
	int a = (int)(rate_hz * 0.001f + 0.5f);

	if (a < 4)
		a = 4;
	*a1 = a / 2;
	*a2 = a - *a1 + 1;
	*lat = a + 16;
	*w = a + 11;
}

struct lim_sizes {
	uint32_t n_delay, n_dq, n_box1, n_box2;
};

static void lim_sizes(float rate_hz, struct lim_sizes *s)
{
	int a1, a2, w, lat;

	lim_lengths(rate_hz, &a1, &a2, &w, &lat);
	s->n_delay = pow2_at_least((uint32_t)lat + 1);
	s->n_dq = pow2_at_least((uint32_t)w + 1);
	s->n_box1 = pow2_at_least((uint32_t)a1 + 1);
	s->n_box2 = pow2_at_least((uint32_t)a2 + 1);
}

size_t limiter_mem_size(float rate_hz)
{
	struct lim_sizes s;

	lim_sizes(rate_hz, &s);
	return s.n_delay * sizeof(v4f) + s.n_dq * (sizeof(float) + sizeof(uint32_t)) +
	       (s.n_box1 + s.n_box2) * sizeof(int64_t);
}

static void lim_design(struct limiter *lim);

/* Silence in, unity gain, empty deque. */
static void lim_reset_state(struct limiter *lim)
{
	int64_t one = (int64_t)LIM_Q_ONE;

	memset(lim->delay, 0, (lim->delay_mask + 1) * sizeof(v4f));
	memset(lim->det_hist, 0, sizeof(lim->det_hist));
	lim->det_w = 0;
	lim->det_hist_peak = 0.0f;
	lim->dq_head = lim->dq_tail = 0;
	for (uint32_t i = 0; i <= lim->box1_mask; i++)
		lim->box1[i] = one;
	lim->s1 = one * lim->n_box1;
	for (uint32_t i = 0; i <= lim->box2_mask; i++)
		lim->box2[i] = lim->s1;
	lim->s2 = lim->s1 * lim->n_box2;
	lim->rel_log2 = 0.0f;
	lim->g_min = 1.0f;
}

void limiter_init(struct limiter *lim, void *mem, float rate_hz)
{
	struct lim_sizes s;
	char *p = mem;

	memset(lim, 0, sizeof(*lim));
	lim->rate_hz = rate_hz;
	lim_lengths(rate_hz, &lim->n_box1, &lim->n_box2, &lim->n_window, &lim->latency);
	lim_sizes(rate_hz, &s);
	/* Largest alignment first: v4f, then int64, then the 4-byte arrays. */
	lim->delay = (v4f *)(void *)p;
	p += s.n_delay * sizeof(v4f);
	lim->box1 = (int64_t *)(void *)p;
	p += s.n_box1 * sizeof(int64_t);
	lim->box2 = (int64_t *)(void *)p;
	p += s.n_box2 * sizeof(int64_t);
	lim->dq_val = (float *)(void *)p;
	p += s.n_dq * sizeof(float);
	lim->dq_idx = (uint32_t *)(void *)p;
	lim->delay_mask = s.n_delay - 1;
	lim->dq_mask = s.n_dq - 1;
	lim->box1_mask = s.n_box1 - 1;
	lim->box2_mask = s.n_box2 - 1;
	lim->ceiling_db = -1.0f;
	lim->release_ms = 100.0f;
	lim->is_on = true;
	lim->ceil_step_db = LIM_CEIL_GLIDE_DB_PER_S * (float)DSP_BLOCK / rate_hz;
	lim->is_dirty = true;
	lim_design(lim);
	lim_reset_state(lim);
	limiter_settle(lim);
}

int limiter_latency_samples(const struct limiter *lim)
{
	return lim->latency;
}

void limiter_set_on(struct limiter *lim, bool is_on)
{
	lim->is_on = is_on;
}

void limiter_set_ceiling_db(struct limiter *lim, float db)
{
	if (db != db)
		return;
	db = dsp_clampf(db, LIM_MIN_CEILING_DB, LIM_MAX_CEILING_DB);
	if (db == lim->ceiling_db)
		return;
	lim->ceiling_db = db;
	lim->is_dirty = true;
}

void limiter_set_release_ms(struct limiter *lim, float ms)
{
	if (ms != ms)
		return;
	ms = dsp_clampf(ms, LIM_MIN_RELEASE_MS, LIM_MAX_RELEASE_MS);
	if (ms == lim->release_ms)
		return;
	lim->release_ms = ms;
	lim->is_dirty = true;
}

static void lim_set_ceil(struct limiter *lim, float db)
{
	lim->ceil_db_now = db;
	lim->ceil_lin = powf(10.0f, 0.05f * db) * LIM_MARGIN;
}

void limiter_settle(struct limiter *lim)
{
	lim->rel_coef = expf(-1000.0f / (lim->release_ms * lim->rate_hz));
	lim_set_ceil(lim, lim->ceiling_db);
	lim->fade_pos = lim->is_on ? 1.0f : 0.0f;
	lim->mix = lim->mix_end = lim->fade_pos;
	lim->dmix = 0.0f;
	lim->is_dirty = false;
}

void limiter_block_begin(struct limiter *lim)
{
	float fade_step = (float)DSP_BLOCK * 1000.0f / (LIM_FADE_MS * lim->rate_hz);
	float target = lim->is_on ? 1.0f : 0.0f, mix0 = lim->mix_end;

	if (lim->is_dirty) {
		lim->rel_coef = expf(-1000.0f / (lim->release_ms * lim->rate_hz));
		if (lim->ceil_db_now != lim->ceiling_db) {
			float d = lim->ceiling_db - lim->ceil_db_now;

			d = dsp_clampf(d, -lim->ceil_step_db, lim->ceil_step_db);
			lim_set_ceil(lim, lim->ceil_db_now + d);
		}
		lim->is_dirty = lim->ceil_db_now != lim->ceiling_db;
	}
	if (lim->fade_pos != target) {
		float d = dsp_clampf(target - lim->fade_pos, -fade_step, fade_step);

		lim->fade_pos += d;
		if (fabsf(lim->fade_pos - target) < 1e-6f)
			lim->fade_pos = target;
	}
	lim->mix = mix0;
	lim->mix_end = dsp_smoothstep(lim->fade_pos);
	lim->dmix = (lim->mix_end - mix0) * (1.0f / (float)DSP_BLOCK);
	if (lim->rel_log2 > LIM_REL_SNAP)
		lim->rel_log2 = 0.0f;
}

/* Shift x into the detector's history without computing any point. */
static inline void lim_detect_skip(struct limiter *lim, v4f x)
{
	int w = lim->det_w;

	x = V4F_SHUFFLE(x, x, 0, 1, 0, 1);
	lim->det_hist[w] = lim->det_hist[w + LIM_DET_TAPS] = x;
	lim->det_w = w + 1 == LIM_DET_TAPS ? 0 : w + 1;
}

/*
 * The limiter's detector: twelve points per sample pair, as six v4f of (L, R, L, R):
 * acc 0-3 the own 8x phases j/8 (j = 0..7; phase 0 is the sample itself), acc 4-5 the
 * BS.1770 phases, all for positions in [n - 12, n - 11).
 */
static inline float lim_detect(struct limiter *lim, v4f x)
{
	const v4f *h = lim->det_hist + lim->det_w + 1;   /* the last 24, once x is in */
	v4f a0 = v4f_splat(0.0f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;

	lim_detect_skip(lim, x);
	for (int i = 0; i < LIM_DET_TAPS; i++) {
		v4f xi = h[LIM_DET_TAPS - 1 - i];

		a0 += lim->det_coef[0][i] * xi;
		a1 += lim->det_coef[1][i] * xi;
		a2 += lim->det_coef[2][i] * xi;
		a3 += lim->det_coef[3][i] * xi;
	}
	for (int i = 6; i < 6 + TP_TAPS; i++) {
		v4f xi = h[LIM_DET_TAPS - 1 - i];

		a4 += lim->det_coef[4][i] * xi;
		a5 += lim->det_coef[5][i] * xi;
	}
	v4f m = v4f_max(v4f_max(v4f_abs(a0), v4f_abs(a1)), v4f_max(v4f_abs(a2), v4f_abs(a3)));

	return v4f_hmax(v4f_max(m, v4f_max(v4f_abs(a4), v4f_abs(a5))));
}

/* Kaiser-windowed sinc, 24 taps, for the point (n - 12) + j/8; beta 6, unity DC gain. */
static void lim_design(struct limiter *lim)
{
	const double beta = 6.0, half = 12.5;
	double c[8][LIM_DET_TAPS];

	for (int j = 0; j < 8; j++) {
		double sum = 0.0;

		for (int i = 0; i < LIM_DET_TAPS; i++) {
			double d = (double)i - 12.0 + (double)j / 8.0, r = d / half;
			double s = j == 0 ? (i == 12 ? 1.0 : 0.0) : sin(M_PI * d) / (M_PI * d);

			c[j][i] = s * lim_i0(beta * sqrt(1.0 - r * r)) / lim_i0(beta);
			sum += c[j][i];
		}
		for (int i = 0; i < LIM_DET_TAPS; i++)
			c[j][i] /= sum;
	}
	memset(lim->det_coef, 0, sizeof(lim->det_coef));
	for (int a = 0; a < 4; a++)
		for (int i = 0; i < LIM_DET_TAPS; i++)
			lim->det_coef[a][i] = (v4f){ (float)c[2 * a][i], (float)c[2 * a][i],
						     (float)c[2 * a + 1][i],
						     (float)c[2 * a + 1][i] };
	for (int a = 0; a < 2; a++)
		for (int i = 0; i < TP_TAPS; i++)
			lim->det_coef[4 + a][6 + i] = (v4f){ tp_coef[2 * a][i], tp_coef[2 * a][i],
							     tp_coef[2 * a + 1][i],
							     tp_coef[2 * a + 1][i] };
	/* Every point is a sum of 24 products c x in float: at most L1 max|x| times
	 * (1 + 25 u), u = 2^-24; 1e-5 covers that and the rounding of the product below. */
	double l1 = 0.0;
	for (int a = 0; a < 6; a++)
		for (int lane = 0; lane < 4; lane++) {
			double sum = 0.0;

			for (int i = 0; i < LIM_DET_TAPS; i++)
				sum += fabs((double)lim->det_coef[a][i][lane]);
			l1 = sum > l1 ? sum : l1;
		}
	lim->det_l1 = (float)(l1 * (1.0 + 1e-5));
}

/* Largest |L| or |R| of n samples. */
static float lim_lr_peak(const v4f *x, int n)
{
	v4f m = v4f_splat(0.0f);

	for (int i = 0; i < n; i++)
		m = v4f_max(m, v4f_abs(x[i]));
	return m[0] > m[1] ? m[0] : m[1];
}

/* One sample of the gain path: required gain r in, smoothed gain out. */
static inline float lim_gain(struct limiter *lim, float r, uint32_t t)
{
	uint32_t head = lim->dq_head, tail = lim->dq_tail;
	const uint32_t dqm = lim->dq_mask;

	while (tail != head && lim->dq_val[(tail - 1) & dqm] >= r)
		tail--;
	lim->dq_val[tail & dqm] = r;
	lim->dq_idx[tail & dqm] = t;
	tail++;
	if (t - lim->dq_idx[head & dqm] >= (uint32_t)lim->n_window)
		head++;
	lim->dq_head = head;
	lim->dq_tail = tail;
	float m = lim->dq_val[head & dqm];

	/* Release follower in log2 of the gain: exponential in dB. */
	float lg = lim->rel_log2 * lim->rel_coef;
	float e = fast_exp2(vf_splat(lg))[0];

	if (m < e) {
		e = m;
		lg = fast_log2(vf_splat(m > 1e-30f ? m : 1e-30f))[0];
	}
	lim->rel_log2 = lg;
	e = e < 1.0f ? e : 1.0f;

	int64_t q = (int64_t)(e * LIM_Q_ONE);

	lim->s1 += q - lim->box1[(t - (uint32_t)lim->n_box1) & lim->box1_mask];
	lim->box1[t & lim->box1_mask] = q;
	lim->s2 += lim->s1 - lim->box2[(t - (uint32_t)lim->n_box2) & lim->box2_mask];
	lim->box2[t & lim->box2_mask] = lim->s1;
	return (float)((double)lim->s2 /
		       ((double)LIM_Q_ONE * (double)lim->n_box1 * (double)lim->n_box2));
}

/*
 * The sample loop, inlined twice: with the detector, and for a block proved quiet, where the
 * required gain is 1 for every sample. The working limiter's loop stays free of the choice.
 */
static inline __attribute__((always_inline)) void lim_run(struct limiter *lim, v4f *buf, int n,
							   const bool is_quiet)
{
	const uint32_t dm = lim->delay_mask, lat = (uint32_t)lim->latency;
	const float ceil_lin = lim->ceil_lin, dmix = lim->dmix;
	float mix = lim->mix, g_min = lim->g_min;
	uint32_t t = lim->t;

	for (int i = 0; i < n; i++) {
		v4f x = buf[i];
		float r = 1.0f;

		if (is_quiet) {
			lim_detect_skip(lim, x);
		} else {
			float p = lim_detect(lim, x);

			r = p > ceil_lin ? ceil_lin / p : 1.0f;
		}
		float g = lim_gain(lim, r, t);
		float gm = mix * g + (1.0f - mix);

		lim->delay[t & dm] = x;
		buf[i] = gm * lim->delay[(t - lat) & dm];
		g_min = gm < g_min ? gm : g_min;
		mix += dmix;
		t++;
	}
	lim->t = t;
	lim->mix = mix;
	lim->g_min = g_min;
}

unsigned limiter_process(struct limiter *lim, v4f *buf, int n)
{
	v4i ok = v4f_finite_mask(v4f_poison_scan(buf, n));

	if (v4i_bits(ok) != 0xf) {
		lim_reset_state(lim);
		lim->t += (uint32_t)n;
		lim->mix += lim->dmix * (float)n;
		memset(buf, 0, (size_t)n * sizeof(v4f));
		return ~v4i_bits(ok) & 0xfu;
	}
	/* The history holds (L, R, L, R): its peak over all lanes is that of L and R. */
	if (fmaxf(lim->det_hist_peak, lim_lr_peak(buf, n)) * lim->det_l1 <= lim->ceil_lin) {
		lim->n_quiet_blocks++;
		lim_run(lim, buf, n, true);
	} else {
		lim_run(lim, buf, n, false);
	}
	lim->det_hist_peak = lim_lr_peak(lim->det_hist, LIM_DET_TAPS);
	return 0;
}

float limiter_take_gr_db(struct limiter *lim)
{
	float g = lim->g_min;

	lim->g_min = 1.0f;
	return g < 1.0f ? -dsp_lin_to_db(g) : 0.0f;
}
