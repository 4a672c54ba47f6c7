/*
 * test_filter_accuracy.c - the running EQ and high-pass against the analytic RBJ and
 * Butterworth magnitudes at 44.1, 48, 96 and 192 kHz, from f0 = 20 Hz up, Q up to 10.
 *
 * Method: steady sines through the real module (eq_process / hpf_process, settled, driven
 * block by block like the mixer), then a least-squares fit of a sine and a cosine at the
 * known frequency over the last second: the fitted amplitude over the input amplitude is
 * the gain, free of leakage whatever the number of cycles. The settling time is twelve
 * time constants of the slowest pole (2 Q A / w0), so the start transient is below -100 dB.
 * Each run plays the same filter in all four lanes at four frequencies around f0.
 *
 * Also: chunking, finiteness and stability of fast parameter moves at every rate.
 *
 * Bound: 0.05 dB where the reference is above -40 dB (the documented accuracy is 0.1 dB),
 * 0.5 dB below that (deep stopband, where a 0.05 dB error would be under -100 dB re
 * input). The table of worst errors per rate is printed: it is the table in README.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "dsp/eq.h"
#include "dsp/hpf.h"
#include "tests/unit/dsp_test.h"

static const double rates[] = { 44100.0, 48000.0, 96000.0, 192000.0 };
#define N_RATES 4

static const double f0s[] = { 20.0, 30.0, 100.0, 1000.0, 10000.0 };
#define N_F0 5

/* Test points relative to f0, four per run (one per lane). */
static const double ratios[2][4] = { { 0.5, 0.95, 1.0, 1.05 }, { 0.7071, 1.4142, 2.0, 4.0 } };

enum family {
	F_PEAK_BOOST_Q10, F_PEAK_CUT_Q10, F_PEAK_Q07, F_LOW_SHELF, F_HIGH_SHELF, F_LOW_CUT,
	F_HIGH_CUT, F_HPF12, F_HPF18, F_HPF24, F_N
};

static const struct {
	const char *name;
	enum eq_band_type type;	/* EQ families */
	int band;
	double db, q;
	int slope;		/* high-pass families: dB/oct, 0 for the EQ */
} fam[F_N] = {
	{ "peak +15 Q10", EQ_PEAK, 1, 15.0, 10.0, 0 },
	{ "peak -15 Q10", EQ_PEAK, 1, -15.0, 10.0, 0 },
	{ "peak +12 Q0.7", EQ_PEAK, 2, 12.0, 0.7, 0 },
	{ "low shelf +12", EQ_LOW_SHELF, 0, 12.0, 0.7, 0 },
	{ "high shelf -9", EQ_HIGH_SHELF, 3, -9.0, 0.7, 0 },
	{ "low cut Q2", EQ_LOW_CUT, 0, 0.0, 2.0, 0 },
	{ "high cut Q0.7", EQ_HIGH_CUT, 3, 0.0, 0.7071, 0 },
	{ "hpf 12 dB/oct", EQ_PEAK, 0, 0.0, 0.0, 12 },
	{ "hpf 18 dB/oct", EQ_PEAK, 0, 0.0, 0.0, 18 },
	{ "hpf 24 dB/oct", EQ_PEAK, 0, 0.0, 0.0, 24 },
};

static enum bq_type bq_of(enum eq_band_type t)
{
	static const enum bq_type map[EQ_N_TYPES] = { BQ_LOW_SHELF, BQ_PEAK, BQ_HIGH_SHELF,
						      BQ_HIGH_PASS, BQ_LOW_PASS };
	return map[t];
}

/* Digital Butterworth high-pass of order n (bilinear, prewarped at fc), in dB. */
static double butter_hp_db(double rate, double fc, int n, double f)
{
	double r = tan(M_PI * fc / rate) / tan(M_PI * f / rate);

	return -10.0 * log10(1.0 + pow(r, 2.0 * n));
}

static double reference_db(int fm, double rate, double f0, double f)
{
	struct bq_design d;

	if (fam[fm].slope)
		return butter_hp_db(rate, f0, fam[fm].slope / 6, f);
	bq_design(&d, bq_of(fam[fm].type), rate, f0, fam[fm].q, fam[fm].db);
	return bq_design_mag_db(&d, rate, f);
}

/* The module under test: an EQ with one band set, or the high-pass. */
struct dut {
	int fm;
	struct eq eq;
	struct hpf hpf;
};

static void dut_begin_cb(void *m)
{
	struct dut *u = m;

	if (fam[u->fm].slope)
		hpf_block_begin(&u->hpf);
	else
		eq_block_begin(&u->eq);
}

static unsigned dut_process_cb(void *m, v4f *buf, int n)
{
	struct dut *u = m;

	return fam[u->fm].slope ? hpf_process(&u->hpf, buf, n) : eq_process(&u->eq, buf, n);
}

static void dut_init(struct dut *u, int fm, double rate, double f0)
{
	u->fm = fm;
	if (fam[fm].slope) {
		hpf_init(&u->hpf, (float)rate);
		for (int l = 0; l < DSP_LANES; l++) {
			hpf_set_on(&u->hpf, l, true);
			hpf_set_slope(&u->hpf, l, fam[fm].slope);
			hpf_set_freq_hz(&u->hpf, l, (float)f0);
		}
		hpf_settle(&u->hpf);
		return;
	}
	eq_init(&u->eq, (float)rate);
	for (int l = 0; l < DSP_LANES; l++) {
		int b = fam[fm].band;

		assert_true(eq_set_band_type(&u->eq, l, b, fam[fm].type));
		eq_set_band_freq_hz(&u->eq, l, b, (float)f0);
		eq_set_band_gain_db(&u->eq, l, b, (float)fam[fm].db);
		eq_set_band_q(&u->eq, l, b, (float)fam[fm].q);
	}
	eq_settle(&u->eq);
}

/* Longest time constant of the family's poles at f0, in seconds. */
static double tau_s(int fm, double f0)
{
	double q = fam[fm].slope ? 1.31 : fam[fm].q;

	if (fam[fm].type == EQ_PEAK && fam[fm].db > 0.0 && !fam[fm].slope)
		q *= pow(10.0, fam[fm].db / 40.0);	/* boost: pole Q = Q A */
	if (fam[fm].type == EQ_LOW_SHELF || fam[fm].type == EQ_HIGH_SHELF)
		f0 /= 2.0;	/* shelf poles sit up to sqrt(A) below f0 */
	return 2.0 * fmax(q, 0.5) / (2.0 * M_PI * f0);
}

/*
 * sin(w i) and cos(w i) for consecutive i by rotating a phasor, re-anchored on libm's values
 * every 1024 samples (drift below 1e-13 between anchors). libm's sin and cos were 82 % of
 * this test's time natively and most of its two minutes under qemu.
 */
struct phasor {
	double w, s, c, rs, rc;
	long i;
};

static void phasor_at(struct phasor *p, double w, long i)
{
	p->w = w;
	p->i = i;
	p->s = sin(w * (double)i);
	p->c = cos(w * (double)i);
	p->rs = sin(w);
	p->rc = cos(w);
}

static void phasor_next(struct phasor *p)
{
	double s = p->s;

	if ((++p->i & 1023) == 0) {
		phasor_at(p, p->w, p->i);
		return;
	}
	p->s = s * p->rc + p->c * p->rs;
	p->c = p->c * p->rc - s * p->rs;
}

/* Gain in dB of lane l over buf[from, from + len) for a sine of amplitude amp at w. */
static double fit_gain_db(const v4f *buf, long from, long len, int l, double w, double amp)
{
	double ss = 0, cc = 0, sc = 0, ys = 0, yc = 0, det, a, b;
	struct phasor p;

	phasor_at(&p, w, from);
	for (long i = from; i < from + len; i++, phasor_next(&p)) {
		double s = p.s, c = p.c, y = (double)buf[i][l];

		ss += s * s;
		cc += c * c;
		sc += s * c;
		ys += y * s;
		yc += y * c;
	}
	det = ss * cc - sc * sc;
	a = (ys * cc - yc * sc) / det;
	b = (yc * ss - ys * sc) / det;
	return dt_db(sqrt(a * a + b * b) / amp);
}

/* Run one family at one rate and f0 over both sets of points; return the worst error. */
static double check_case(int fm, double rate, double f0)
{
	const double amp = 0.5;
	long settle = (long)(rate * fmax(0.1, 12.0 * tau_s(fm, f0))), len = (long)rate;
	double worst = 0.0;
	struct dut *u = calloc(1, sizeof(*u));
	v4f *buf = dt_alloc(settle + len);

	assert_non_null(u);
	for (int set = 0; set < 2; set++) {
		struct dt_clock clk = { 0 };
		double f[4], w[4];

		for (int l = 0; l < 4; l++) {
			f[l] = fmin(f0 * ratios[set][l], 0.45 * rate);
			w[l] = 2.0 * M_PI * f[l] / rate;
		}
		struct phasor p[4];

		for (int l = 0; l < 4; l++)
			phasor_at(&p[l], w[l], 0);
		for (long i = 0; i < settle + len; i++)
			for (int l = 0; l < 4; l++) {
				buf[i][l] = (float)(amp * p[l].s);
				phasor_next(&p[l]);
			}
		dut_init(u, fm, rate, f0);
		assert_int_equal(dt_run(u, dut_begin_cb, dut_process_cb, &clk, buf, settle + len,
					256), 0);
		for (int l = 0; l < 4; l++) {
			double ref = reference_db(fm, rate, f0, f[l]);
			double got = fit_gain_db(buf, settle, len, l, w[l], amp);
			double err = got - ref, tol = ref > -40.0 ? 0.05 : 0.5;

			dt_assert_near(got, ref, tol, "%s f0 %g Hz at %g Hz, rate %g", fam[fm].name,
				       f0, f[l], rate);
			if (ref > -40.0)
				worst = fmax(worst, fabs(err));
		}
	}
	free(buf);
	free(u);
	return worst;
}

static void run_families(int first, int last)
{
	print_message("%-16s %10s %10s %10s %10s   (worst |dB error| over f0 = 20, 30, 100, 1k, "
		      "10k Hz and 0.5..4 f0)\n", "filter", "44.1 kHz", "48 kHz", "96 kHz",
		      "192 kHz");
	for (int fm = first; fm <= last; fm++) {
		double worst[N_RATES] = { 0 };

		for (int r = 0; r < N_RATES; r++)
			for (int k = 0; k < N_F0; k++) {
				/* The high-pass stops at 400 Hz. */
				if (fam[fm].slope && f0s[k] > HPF_MAX_HZ)
					continue;
				worst[r] = fmax(worst[r], check_case(fm, rates[r], f0s[k]));
			}
		print_message("%-16s %10.4f %10.4f %10.4f %10.4f\n", fam[fm].name, worst[0],
			      worst[1], worst[2], worst[3]);
	}
}

static void test_eq_accuracy_all_rates(void **state)
{
	(void)state;
	run_families(F_PEAK_BOOST_Q10, F_HIGH_CUT);
}

static void test_hpf_accuracy_all_rates(void **state)
{
	(void)state;
	run_families(F_HPF12, F_HPF24);
}

/*
 * The review's reproduction (dsp-review.md, defect 1): 30 Hz, -15 dB, Q 10 at 48 kHz read
 * -7.79 dB at 28.5 Hz against RBJ -7.34, and a 20 Hz Q 10 +15 dB peak at 192 kHz read 11.53
 * dB. Both must now be the RBJ figures, and the 30 Hz cut symmetric about its centre.
 */
static void test_review_cases(void **state)
{
	(void)state;
	assert_true(check_case(F_PEAK_CUT_Q10, 48000.0, 30.0) <= 0.01);
	assert_true(check_case(F_PEAK_BOOST_Q10, 192000.0, 20.0) <= 0.01);
}

/*
 * A session of fast parameter moves at one rate: Q 10 +15 dB peaks swept end to end (the
 * most resonant case for a moving section), types and on/off switched, the high-pass slope
 * and corner changed, all landing mid-block. Returns nothing; the caller compares.
 */
static void moving_session(double rate, v4f *buf, long n, long period)
{
	struct dut eq_u, hpf_u;
	struct dt_clock c1 = { 0 }, c2 = { 0 };
	long t = 0;

	dut_init(&eq_u, F_PEAK_BOOST_Q10, rate, 1000.0);
	dut_init(&hpf_u, F_HPF24, rate, 80.0);
	for (int step = 0; t < n; step++) {
		long next = t + (long)(rate * 0.013) + 37 * (step % 5);
		int l = step % 4;

		next = next < n ? next : n;
		dt_run(&hpf_u, dut_begin_cb, dut_process_cb, &c1, buf + t, next - t, period);
		dt_run(&eq_u, dut_begin_cb, dut_process_cb, &c2, buf + t, next - t, period);
		t = next;
		eq_set_band_freq_hz(&eq_u.eq, l, 1, step & 1 ? 20.0f : 20000.0f);
		eq_set_band_gain_db(&eq_u.eq, (l + 1) % 4, 1, step & 2 ? 15.0f : -15.0f);
		if (step % 3 == 0)
			eq_set_band_type(&eq_u.eq, l, 0, step % 6 ? EQ_LOW_CUT : EQ_LOW_SHELF);
		eq_set_band_gain_db(&eq_u.eq, l, 0, 12.0f);
		eq_set_band_freq_hz(&eq_u.eq, l, 0, (float)(20.0 * pow(1.9, step % 11)));
		if (step % 5 == 0)
			eq_set_on(&eq_u.eq, (l + 2) % 4, step % 10 != 0);
		hpf_set_freq_hz(&hpf_u.hpf, l, step & 1 ? 20.0f : 400.0f);
		hpf_set_slope(&hpf_u.hpf, (l + 1) % 4, 12 + 6 * (step % 3));
	}
}

/*
 * At every rate: the output of the moving filters is bit-identical for any chunking, finite,
 * and bounded by the largest gain in play (+15 dB peak over a +12 dB shelf, plus the
 * high-pass's Q 1.31 section alone during a slope change): no instability while the
 * parameters ramp, however resonant.
 */
static void test_moving_all_rates(void **state)
{
	static const long periods[] = { 7, 253 };

	(void)state;
	for (int r = 0; r < N_RATES; r++) {
		long n = (long)(rates[r] * 0.6);
		v4f *in = dt_alloc(n), *ref = dt_alloc(n), *buf = dt_alloc(n);
		double bound = 0.25 * dt_lin(15.0 + 12.0) * 1.31 * 2.0, peak = 0.0;

		dt_noise_fill(in, n, 77, 0.25f);
		memcpy(ref, in, (size_t)n * sizeof(v4f));
		moving_session(rates[r], ref, n, DSP_BLOCK);
		assert_true(dt_all_finite(ref, n));
		for (int l = 0; l < 4; l++)
			peak = fmax(peak, dt_peak(ref, n, l));
		print_message("rate %g: peak %.3f (bound %.3f)\n", rates[r], peak, bound);
		assert_true(peak <= bound);
		for (size_t k = 0; k < sizeof(periods) / sizeof(periods[0]); k++) {
			memcpy(buf, in, (size_t)n * sizeof(v4f));
			moving_session(rates[r], buf, n, periods[k]);
			assert_memory_equal(ref, buf, (size_t)n * sizeof(v4f));
		}
		free(in);
		free(ref);
		free(buf);
	}
}

/*
 * NaN and Inf through four settled bands, which run as one fused pass: the faulty lanes are
 * reported and reset in every band, the output stays finite, the clean lane is untouched
 * and the reset lanes follow a clean run again once the filters have forgotten the fault.
 */
static void test_nan_through_fused_bands(void **state)
{
	const double rate = 96000.0;
	const long n = 96000;
	struct eq eq, ref_eq;
	struct dt_clock clk = { 0 }, ref_clk = { 0 };
	struct dut u;
	v4f *in = dt_alloc(n), *buf = dt_alloc(n), *ref = dt_alloc(n);

	(void)state;
	eq_init(&eq, (float)rate);
	for (int l = 0; l < 4; l++)
		for (int b = 0; b < EQ_N_BANDS; b++)
			eq_set_band_gain_db(&eq, l, b, (float)(4 * b - 6 + l));
	eq_settle(&eq);
	for (int b = 0; b < EQ_N_BANDS; b++)
		assert_int_equal(eq.band[b].sec.mode, BQ_MODE_STATIC);
	ref_eq = eq;
	dt_noise_fill(in, n, 9, 0.5f);
	memcpy(ref, in, (size_t)n * sizeof(v4f));
	memcpy(buf, in, (size_t)n * sizeof(v4f));
	buf[1000][1] = NAN;
	buf[3001][2] = INFINITY;
	buf[5002][3] = -INFINITY;
	u.fm = F_PEAK_Q07;
	u.eq = ref_eq;
	dt_run(&u, dut_begin_cb, dut_process_cb, &ref_clk, ref, n, 64);
	u.eq = eq;
	assert_int_equal(dt_run(&u, dut_begin_cb, dut_process_cb, &clk, buf, n, 64), 0xe);
	assert_true(dt_all_finite(buf, n));
	for (long i = 0; i < n; i++)
		assert_true(buf[i][0] == ref[i][0]);
	for (long i = n / 2; i < n; i++)
		for (int l = 1; l < 4; l++)
			assert_true(fabsf(buf[i][l] - ref[i][l]) < 1e-4f);
	free(in);
	free(buf);
	free(ref);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eq_accuracy_all_rates),
		cmocka_unit_test(test_hpf_accuracy_all_rates),
		cmocka_unit_test(test_review_cases),
		cmocka_unit_test(test_moving_all_rates),
		cmocka_unit_test(test_nan_through_fused_bands),
	};

	return cmocka_run_group_tests_name("filter_accuracy", tests, NULL, NULL);
}
