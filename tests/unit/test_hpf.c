/*
 * test_hpf.c - the strip high-pass: Butterworth magnitudes for 12/18/24 dB/oct measured on
 * the running filter, transparency when off, clamping, chunking, clicks and NaN.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "dsp/hpf.h"
#include "dsp/lanes.h"
#include "tests/unit/dsp_test.h"

static void hpf_begin_cb(void *m)
{
	hpf_block_begin(m);
}

static unsigned hpf_process_cb(void *m, v4f *buf, int n)
{
	return hpf_process(m, buf, n);
}

/* Digital Butterworth high-pass of order n (bilinear, prewarped at fc), in dB. */
static double butter_hp_db(double fc, int n, double f)
{
	double r = tan(M_PI * fc / DT_RATE) / tan(M_PI * f / DT_RATE);

	return -10.0 * log10(1.0 + pow(r, 2.0 * n));
}

/* Gain per lane (dB) of the running filter for a sine at hz[l], over 1 s after 2 s. */
static void measure(struct hpf *h, const double hz[4], double got[4])
{
	const long settle = 96000, len = 48000;
	double amp[4] = { 0.5, 0.5, 0.5, 0.5 };
	struct dt_sine osc;
	struct dt_clock clk = { 0 };
	v4f *buf = dt_alloc(settle + len);

	dt_sine_init(&osc, hz, amp);
	dt_sine_fill(&osc, buf, settle + len);
	assert_int_equal(dt_run(h, hpf_begin_cb, hpf_process_cb, &clk, buf, settle + len, 128), 0);
	for (int l = 0; l < 4; l++)
		got[l] = dt_rms_db(buf + settle, len, l) - dt_db(0.5 / M_SQRT2);
	free(buf);
}

static void test_hpf_butterworth_slopes(void **state)
{
	/* Lane: cutoff and slope. */
	static const double fc[4] = { 100, 80, 200, 40 };
	static const int slope[4] = { 12, 18, 24, 24 };
	static const double ratio[6] = { 1.0, 0.5, 0.25, 0.125, 2.0, 10.0 };
	struct hpf h;
	double at[6][4];

	(void)state;
	for (int k = 0; k < 6; k++) {
		double hz[4];

		hpf_init(&h, (float)DT_RATE);
		for (int l = 0; l < 4; l++) {
			hpf_set_on(&h, l, true);
			hpf_set_freq_hz(&h, l, (float)fc[l]);
			hpf_set_slope(&h, l, slope[l]);
			hz[l] = round(fc[l] * ratio[k]);
		}
		measure(&h, hz, at[k]);
		for (int l = 0; l < 4; l++)
			dt_assert_near(at[k][l], butter_hp_db(fc[l], slope[l] / 6, hz[l]), 0.2,
				       "lane %d (%d dB/oct at %g Hz) at %g Hz", l, slope[l], fc[l],
				       hz[l]);
	}
	/* -3 dB at fc, and between two and three octaves down the slope is ~6N dB/oct. */
	for (int l = 0; l < 4; l++) {
		double octaves = log2(round(fc[l] * ratio[2]) / round(fc[l] * ratio[3]));

		dt_assert_near(at[0][l], -3.0103, 0.1, "lane %d at fc", l);
		dt_assert_near((at[2][l] - at[3][l]) / octaves, (double)slope[l], 0.6,
			       "lane %d dB/oct", l);
	}
}

static void test_hpf_off_is_transparent(void **state)
{
	const long n = 20000;
	struct hpf h;
	struct dt_clock clk = { 0 };
	v4f *in = dt_alloc(n), *buf = dt_alloc(n);

	(void)state;
	hpf_init(&h, (float)DT_RATE);
	dt_noise_fill(in, n, 3, 1.0f);
	memcpy(buf, in, (size_t)n * sizeof(v4f));
	dt_run(&h, hpf_begin_cb, hpf_process_cb, &clk, buf, n, 7);
	assert_memory_equal(in, buf, (size_t)n * sizeof(v4f));
	assert_int_equal(h.sec[0].sec.mode, BQ_MODE_SKIP);
	assert_int_equal(h.sec[1].sec.mode, BQ_MODE_SKIP);
	/* On then off again: back to skipped and exact. */
	hpf_set_on(&h, 1, true);
	dt_run(&h, hpf_begin_cb, hpf_process_cb, &clk, buf, 4800, 7);
	hpf_set_on(&h, 1, false);
	dt_run(&h, hpf_begin_cb, hpf_process_cb, &clk, buf, 4800, 7);
	memcpy(buf, in, (size_t)n * sizeof(v4f));
	dt_run(&h, hpf_begin_cb, hpf_process_cb, &clk, buf, n, 7);
	assert_memory_equal(in, buf, (size_t)n * sizeof(v4f));
	free(in);
	free(buf);
}

static void test_hpf_clamps(void **state)
{
	struct hpf h;

	(void)state;
	hpf_init(&h, (float)DT_RATE);
	hpf_set_freq_hz(&h, 0, 5.0f);
	hpf_set_freq_hz(&h, 1, 1000.0f);
	hpf_set_freq_hz(&h, 2, NAN);
	hpf_set_slope(&h, 3, 30);
	hpf_set_freq_hz(&h, 7, 100.0f);
	dt_assert_near(exp2f(h.sec[0].t_log2_hz[0]), 20.0, 1e-3, "low clamp");
	dt_assert_near(exp2f(h.sec[1].t_log2_hz[1]), 400.0, 1e-2, "high clamp");
	dt_assert_near(exp2f(h.sec[0].t_log2_hz[2]), 80.0, 1e-3, "NaN ignored");
	assert_int_equal(h.slope_db[3], 24);
}

/* A session of switching, the same whatever the chunking. */
static void session(void *ctx, v4f *buf, long n, long period)
{
	struct hpf *h = ctx;
	struct dt_clock clk = { 0 };
	long t = 0;

	hpf_init(h, (float)DT_RATE);
	for (int step = 0; t < n; step++) {
		long next = t + 777 < n ? t + 777 : n;

		dt_run(h, hpf_begin_cb, hpf_process_cb, &clk, buf + t, next - t, period);
		t = next;
		hpf_set_on(h, step % 4, step % 3 != 0);
		hpf_set_slope(h, (step + 1) % 4, 12 + 6 * (step % 3));
		hpf_set_freq_hz(h, (step + 2) % 4, (float)(20 + (step * 53) % 380));
	}
}

static void test_hpf_chunking_bit_identical(void **state)
{
	struct hpf h;

	(void)state;
	dt_expect_chunking_identical_on_noise(session, &h, 25000, 11, 0.5f);
}

/*
 * Switching on/off, slope changes and full-range frequency jumps while 50 Hz + 1 kHz play.
 * Gain in play <= 1 except the transient of a slope change, when the Q 1.31 section may
 * run alone (+2.3 dB): bound max |dy| and max |d2y| by 1.5 * input * 1.31.
 */
static void test_hpf_click_free(void **state)
{
	const long seg = 1500, n_seg = 48, n = seg * n_seg;
	struct hpf h;
	struct dt_sine lo, hi;
	struct dt_clock clk = { 0 };
	double f_lo[4] = { 50, 50, 50, 50 }, f_hi[4] = { 1000, 1000, 1000, 1000 };
	double a_lo[4] = { 0.3, 0.3, 0.3, 0.3 }, a_hi[4] = { 0.1, 0.1, 0.1, 0.1 };
	v4f *buf = dt_alloc(n), *tmp = dt_alloc(n);
	double in_step, in_step2;

	(void)state;
	dt_sine_init(&lo, f_lo, a_lo);
	dt_sine_init(&hi, f_hi, a_hi);
	dt_sine_fill(&lo, buf, n);
	dt_sine_fill(&hi, tmp, n);
	for (long i = 0; i < n; i++)
		buf[i] += tmp[i];
	in_step = dt_max_step(buf, n, 0);
	in_step2 = dt_max_step2(buf, n, 0);
	hpf_init(&h, (float)DT_RATE);
	for (long s = 0; s < n_seg; s++) {
		hpf_set_on(&h, 0, s & 1);
		hpf_set_slope(&h, 1, 12 + 6 * (int)(s % 3));
		hpf_set_on(&h, 1, true);
		hpf_set_freq_hz(&h, 2, s & 1 ? 400.0f : 20.0f);
		hpf_set_slope(&h, 2, 24);
		hpf_set_on(&h, 2, true);
		hpf_set_on(&h, 3, s % 4 < 2);
		hpf_set_slope(&h, 3, s % 8 < 4 ? 18 : 24);
		dt_run(&h, hpf_begin_cb, hpf_process_cb, &clk, buf + s * seg, seg, 100);
	}
	for (int l = 0; l < 4; l++) {
		double step = dt_max_step(buf, n, l), step2 = dt_max_step2(buf, n, l);
		double jump = dt_max_level_jump_db(buf, n, l, 960);

		print_message("lane %d: max step %.4f (bound %.4f), 2nd diff %.4f (bound %.4f), "
			      "level jump %.2f dB/20 ms\n", l, step, 1.5 * 1.31 * in_step, step2,
			      1.5 * 1.31 * in_step2, jump);
		assert_true(step <= 1.5 * 1.31 * in_step);
		assert_true(step2 <= 1.5 * 1.31 * in_step2);
	}
	free(buf);
	free(tmp);
}

static void test_hpf_nan_resets_lane(void **state)
{
	const long n = 4800;
	struct hpf h;
	struct dt_clock clk = { 0 };
	v4f *buf = dt_alloc(n);
	unsigned resets;

	(void)state;
	hpf_init(&h, (float)DT_RATE);
	for (int l = 0; l < 4; l++)
		hpf_set_on(&h, l, l != 3);	/* lane 3 off (identity) inside a running group */
	hpf_settle(&h);
	dt_noise_fill(buf, n, 2, 0.5f);
	buf[100][0] = NAN;
	buf[2000][3] = INFINITY;
	resets = dt_run(&h, hpf_begin_cb, hpf_process_cb, &clk, buf, n, 32);
	assert_int_equal(resets, 0x9);
	assert_true(dt_all_finite(buf, n));
	assert_int_equal(v4i_bits(bq_section_finite_lanes(&h.sec[0].sec)), 0xf);
	/* Lane 0 works again after the reset: not stuck at 0. */
	assert_true(dt_peak(buf + 1000, 1000, 0) > 0.1);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hpf_butterworth_slopes),
		cmocka_unit_test(test_hpf_off_is_transparent),
		cmocka_unit_test(test_hpf_clamps),
		cmocka_unit_test(test_hpf_chunking_bit_identical),
		cmocka_unit_test(test_hpf_click_free),
		cmocka_unit_test(test_hpf_nan_resets_lane),
	};

	return cmocka_run_group_tests_name("hpf", tests, NULL, NULL);
}
