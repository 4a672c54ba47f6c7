/*
 * test_biquad.c - RBJ designs against closed-form values, and the four-lane section
 * against its analytic response with a different filter type in every lane.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "dsp/biquad.h"
#include "tests/unit/dsp_test.h"

static double mag(enum bq_type t, double f0, double q, double g, double f)
{
	struct bq_design d;

	bq_design(&d, t, DT_RATE, f0, q, g);
	return bq_design_mag_db(&d, DT_RATE, f);
}

/* Digital Butterworth (bilinear, prewarped at fc), order n, high-pass, in dB. */
static double butter_hp_db(double fc, int n, double f)
{
	double r = tan(M_PI * fc / DT_RATE) / tan(M_PI * f / DT_RATE);

	return -10.0 * log10(1.0 + pow(r, 2.0 * n));
}

static void test_design_closed_forms(void **state)
{
	(void)state;
	/* Peak: exactly the gain at f0, 0 dB at DC and Nyquist. */
	dt_assert_near(mag(BQ_PEAK, 1000, 2, 12, 1000), 12.0, 1e-9, "peak f0");
	dt_assert_near(mag(BQ_PEAK, 1000, 2, -9, 1000), -9.0, 1e-9, "cut f0");
	dt_assert_near(mag(BQ_PEAK, 1000, 2, 12, 1e-3), 0.0, 1e-6, "peak DC");
	dt_assert_near(mag(BQ_PEAK, 1000, 2, 12, DT_RATE / 2), 0.0, 1e-9, "peak Nyquist");
	/* Shelves: full gain at their end, 0 dB at the other, half the gain (dB) at f0. */
	dt_assert_near(mag(BQ_LOW_SHELF, 200, 0.7071, 10, 1e-3), 10.0, 1e-6, "ls DC");
	dt_assert_near(mag(BQ_LOW_SHELF, 200, 0.7071, 10, 200), 5.0, 1e-9, "ls f0");
	dt_assert_near(mag(BQ_LOW_SHELF, 200, 0.7071, 10, DT_RATE / 2), 0.0, 1e-9, "ls Nyq");
	dt_assert_near(mag(BQ_HIGH_SHELF, 5000, 0.7071, -8, DT_RATE / 2), -8.0, 1e-9, "hs Nyq");
	dt_assert_near(mag(BQ_HIGH_SHELF, 5000, 0.7071, -8, 5000), -4.0, 1e-9, "hs f0");
	dt_assert_near(mag(BQ_HIGH_SHELF, 5000, 0.7071, -8, 1e-3), 0.0, 1e-6, "hs DC");
	/* Second-order pass filters: |H(f0)| = Q. */
	dt_assert_near(mag(BQ_LOW_PASS, 3000, 0.7071, 0, 3000), dt_db(0.7071), 1e-9, "lp f0");
	dt_assert_near(mag(BQ_HIGH_PASS, 80, 2.0, 0, 80), dt_db(2.0), 1e-9, "hp f0 Q2");
	dt_assert_near(mag(BQ_LOW_PASS, 3000, 0.7071, 0, 1e-3), 0.0, 1e-6, "lp DC");
	/* First order: -3.01 dB at f0, and the first-order Butterworth everywhere. */
	dt_assert_near(mag(BQ_HIGH_PASS_1, 100, 1, 0, 100), -10 * log10(2.0), 1e-9, "hp1 f0");
	dt_assert_near(mag(BQ_HIGH_PASS_1, 100, 1, 0, 25), butter_hp_db(100, 1, 25), 1e-9,
		       "hp1 f0/4");
	dt_assert_near(mag(BQ_LOW_PASS_1, 100, 1, 0, 100), -10 * log10(2.0), 1e-9, "lp1 f0");
	/* RBJ HPF with Q 1/sqrt(2) is the second-order Butterworth. */
	dt_assert_near(mag(BQ_HIGH_PASS, 100, M_SQRT1_2, 0, 30), butter_hp_db(100, 2, 30), 1e-9,
		       "hp2 butterworth");
	dt_assert_near(mag(BQ_IDENTITY, 100, 1, 0, 1234), 0.0, 1e-12, "identity");
}

static void test_design_identity_flat_gain(void **state)
{
	struct bq_design d;

	(void)state;
	/* At 0 dB the peak and shelves are flat (b == a): a flat band can be skipped. */
	for (int t = BQ_PEAK; t <= BQ_HIGH_SHELF; t++) {
		bq_design(&d, (enum bq_type)t, DT_RATE, 500, 3, 0);
		for (double f = 10; f < 24000; f *= 1.7)
			dt_assert_near(bq_design_mag_db(&d, DT_RATE, f), 0.0, 1e-9, "type %d f %g",
				       t, f);
	}
}

/* Run a static section over a steady sine per lane; return the gain per lane in dB. */
static void measure(struct bq_section *s, const double hz[4], double gain_db[4])
{
	const long settle = 48000, len = 48000;	/* 1 s: whole cycles of any integer Hz */
	double amp[4] = { 0.5, 0.5, 0.5, 0.5 };
	struct dt_sine osc;
	v4f *buf = dt_alloc(settle + len);

	memset(&s->s, 0, sizeof(s->s));
	dt_sine_init(&osc, hz, amp);
	dt_sine_fill(&osc, buf, settle + len);
	for (long i = 0; i < settle + len; i += DSP_BLOCK)
		bq_section_process(s, buf + i, DSP_BLOCK);
	for (int l = 0; l < 4; l++)
		gain_db[l] = dt_rms_db(buf + settle, len, l) - dt_db(0.5 / M_SQRT2);
	free(buf);
}

static void test_section_lanes_independent(void **state)
{
	/* A different type, frequency and gain in every lane. */
	static const struct {
		enum bq_type t;
		double f0, q, g;
	} lane[4] = {
		{ BQ_PEAK, 1000, 2.0, 12 },
		{ BQ_LOW_SHELF, 200, 0.7, -9 },
		{ BQ_HIGH_PASS_1, 300, 1, 0 },
		{ BQ_LOW_PASS, 4000, 1.5, 0 },
	};
	static const double ratio[5] = { 1.0, 0.5, 2.0, 0.125, 8.0 };
	struct bq_section s;
	struct bq_design d[4];

	(void)state;
	bq_section_init(&s);
	for (int l = 0; l < 4; l++) {
		bq_design(&d[l], lane[l].t, DT_RATE, lane[l].f0, lane[l].q, lane[l].g);
		bq_section_set_lane(&s, l, &d[l]);
	}
	s.mode = BQ_MODE_STATIC;
	for (int k = 0; k < 5; k++) {
		double hz[4], got[4];

		for (int l = 0; l < 4; l++)
			hz[l] = fmin(round(lane[l].f0 * ratio[k]), 20000.0);
		measure(&s, hz, got);
		for (int l = 0; l < 4; l++)
			dt_assert_near(got[l], bq_design_mag_db(&d[l], DT_RATE, hz[l]), 0.1,
				       "lane %d at %g Hz", l, hz[l]);
	}
}

static void test_section_skip_and_identity_exact(void **state)
{
	struct bq_section s;
	v4f *in = dt_alloc(256), *buf = dt_alloc(256);

	(void)state;
	bq_section_init(&s);
	dt_noise_fill(in, 256, 7, 1.0f);
	memcpy(buf, in, 256 * sizeof(v4f));
	bq_section_process(&s, buf, 256 > DSP_BLOCK ? DSP_BLOCK : 256);
	assert_memory_equal(in, buf, DSP_BLOCK * sizeof(v4f));
	/* Identity coefficients in a running section are exact too (y = 1*x + 0 ...). */
	s.mode = BQ_MODE_STATIC;
	for (int i = 0; i < 256; i += DSP_BLOCK)
		bq_section_process(&s, buf + i, DSP_BLOCK);
	assert_memory_equal(in, buf, 256 * sizeof(v4f));
	free(in);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_design_closed_forms),
		cmocka_unit_test(test_design_identity_flat_gain),
		cmocka_unit_test(test_section_lanes_independent),
		cmocka_unit_test(test_section_skip_and_identity_exact),
	};

	return cmocka_run_group_tests_name("biquad", tests, NULL, NULL);
}
