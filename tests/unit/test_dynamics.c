/*
 * test_dynamics.c - compressor and gate: static curves against the Giannoulis et al. soft
 * knee formula, attack/release/hold times, linking, click-free switching, chunking, NaN
 * containment, and the accuracy of the fast log2/exp2 they run on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "dsp/dynamics.h"
#include "dsp/fastmath.h"
#include "dsp/gate.h"
#include "tests/unit/dsp_test.h"

static void comp_begin_cb(void *m)
{
	dynamics_block_begin(m);
}

static unsigned comp_process_cb(void *m, v4f *buf, int n)
{
	return dynamics_process(m, buf, n);
}

static void gate_begin_cb(void *m)
{
	gate_block_begin(m);
}

static unsigned gate_process_cb(void *m, v4f *buf, int n)
{
	return gate_process(m, buf, n);
}

/* Giannoulis et al. (2012) static curve: output level for input level x, all in dB. */
static double curve_db(double x, double t, double r, double w)
{
	double d = x - t;

	if (2.0 * d < -w)
		return x;
	if (w > 0.0 && 2.0 * fabs(d) <= w)
		return x + (1.0 / r - 1.0) * (d + w / 2) * (d + w / 2) / (2.0 * w);
	return t + d / r;
}

static void test_fastmath_accuracy(void **state)
{
	double max_log = 0.0, max_exp = 0.0;

	(void)state;
	/* log2 over 1e-12 .. 1e6 (the detector's power range and beyond). */
	for (double x = 1e-12; x < 1e6; x *= 1.0009) {
		v4f v = fast_log2(v4f_splat((float)x));

		max_log = fmax(max_log, fabs((double)v[0] - log2((double)(float)x)));
	}
	/* exp2 over -40 .. 40 (gains of -240 .. +240 dB). */
	for (double x = -40.0; x < 40.0; x += 0.000731) {
		v4f v = fast_exp2(v4f_splat((float)x));

		max_exp = fmax(max_exp, fabs((double)v[0] / exp2((double)(float)x) - 1.0));
	}
	print_message("fast_log2 max abs error %.3g (%.3g dB amplitude), fast_exp2 max rel "
		      "error %.3g (%.3g dB)\n", max_log, max_log * 6.0206, max_exp,
		      dt_db(1.0 + max_exp));
	assert_true(max_log < 3e-5);
	assert_true(max_exp < 5e-6);
	/* Exact where it matters: no gain change means exactly 1. */
	assert_true(fast_exp2(v4f_splat(0.0f))[0] == 1.0f);
	assert_true(fast_exp2(v4f_splat(-0.0f))[0] == 1.0f);
	assert_true(fast_log2(v4f_splat(1.0f))[0] == 0.0f);
	assert_true(fast_exp2(v4f_splat(3.0f))[0] == 8.0f);
	assert_true(fast_exp2(v4f_splat(-1000.0f))[0] > 0.0f);
	assert_true(fast_exp2(v4f_splat(1000.0f))[0] < INFINITY);
}

static void test_comp_default_transparent(void **state)
{
	const long n = 20000;
	struct dynamics d;
	struct dt_clock clk = { 0 };
	v4f *in = dt_alloc(n), *buf = dt_alloc(n);

	(void)state;
	dynamics_init(&d, (float)DT_RATE);
	dt_noise_fill(in, n, 4, 1.0f);
	memcpy(buf, in, (size_t)n * sizeof(v4f));
	assert_int_equal(dt_run(&d, comp_begin_cb, comp_process_cb, &clk, buf, n, 7), 0);
	assert_memory_equal(in, buf, (size_t)n * sizeof(v4f));
	assert_false(d.is_running);
	/* On with no reduction (threshold 0 dB, quiet input) is exact too: gain 2^0 == 1. */
	dynamics_set_on(&d, 0, true);
	dynamics_set_threshold_db(&d, 0, 0.0f);
	dynamics_set_knee_db(&d, 0, 0.0f);
	for (long i = 0; i < n; i++)
		in[i] *= 0.5f;
	memcpy(buf, in, (size_t)n * sizeof(v4f));
	dt_run(&d, comp_begin_cb, comp_process_cb, &clk, buf, n, 7);
	assert_memory_equal(in, buf, (size_t)n * sizeof(v4f));
	free(in);
	free(buf);
}

/*
 * Static curve: square waves (constant |x|, zero mean) at -60..0 dBFS in 3 dB steps, each
 * held 400 ms (> 5 release time constants of 50 ms); the output level over the last 50 ms
 * against the formula, +- 0.25 dB. Lanes: (T, R, W, makeup) =
 * (-20, 4, 6, 0), (-30, 2, 0, 0), (-10, inf, 12, 0), (-40, 8, 24, +6).
 */
static void test_comp_static_curve(void **state)
{
	static const double thr[4] = { -20, -30, -10, -40 }, ratio[4] = { 4, 2, INFINITY, 8 };
	static const double knee[4] = { 6, 0, 12, 24 }, makeup[4] = { 0, 0, 0, 6 };
	const long hold = 19200, tail = 2400;
	struct dynamics d;
	struct dt_clock clk = { 0 };
	v4f *buf = dt_alloc(hold);

	(void)state;
	dynamics_init(&d, (float)DT_RATE);
	for (int l = 0; l < 4; l++) {
		dynamics_set_on(&d, l, true);
		dynamics_set_threshold_db(&d, l, (float)thr[l]);
		dynamics_set_ratio(&d, l, (float)ratio[l]);
		dynamics_set_knee_db(&d, l, (float)knee[l]);
		dynamics_set_makeup_db(&d, l, (float)makeup[l]);
		dynamics_set_attack_ms(&d, l, 5.0f);
		dynamics_set_release_ms(&d, l, 50.0f);
	}
	dynamics_settle(&d);
	for (int level = -60; level <= 0; level += 3) {
		double amp[4];
		v4f gr;

		for (int l = 0; l < 4; l++)
			amp[l] = dt_lin(level);
		dt_square_fill(buf, hold, clk.pos, amp, 24);
		dt_run(&d, comp_begin_cb, comp_process_cb, &clk, buf, hold - tail, 64);
		dynamics_take_gr_db(&d, &gr);
		dt_run(&d, comp_begin_cb, comp_process_cb, &clk, buf + hold - tail, tail, 64);
		dynamics_take_gr_db(&d, &gr);
		for (int l = 0; l < 4; l++) {
			double want = curve_db(level, thr[l], ratio[l], knee[l]);

			dt_assert_near(dt_db(dt_peak(buf + hold - tail, tail, l)), want + makeup[l],
				       0.25, "lane %d at %d dBFS", l, level);
			/* The meter reads the reduction (makeup excluded). */
			dt_assert_near((double)gr[l], level - want, 0.25, "GR lane %d at %d dBFS",
				       l, level);
		}
	}
	free(buf);
}

/* RMS detection: a sine reads 3 dB under its peak, so the curve applies at peak - 3.01. */
static void test_comp_rms_detector(void **state)
{
	const long n = 48000;
	double hz[4] = { 1000, 1000, 1000, 1000 }, amp[4];
	struct dynamics d;
	struct dt_sine osc;
	struct dt_clock clk = { 0 };
	v4f *buf = dt_alloc(n);
	static const double level[4] = { -30, -20, -10, -3 };

	(void)state;
	dynamics_init(&d, (float)DT_RATE);
	for (int l = 0; l < 4; l++) {
		amp[l] = dt_lin(level[l]);
		dynamics_set_on(&d, l, true);
		dynamics_set_rms(&d, l, true);
		dynamics_set_ratio(&d, l, 3.0f);
		dynamics_set_threshold_db(&d, l, -24.0f);
		dynamics_set_knee_db(&d, l, 6.0f);
	}
	dynamics_settle(&d);
	dt_sine_init(&osc, hz, amp);
	dt_sine_fill(&osc, buf, n);
	dt_run(&d, comp_begin_cb, comp_process_cb, &clk, buf, n, 64);
	for (int l = 0; l < 4; l++) {
		double rms_in = level[l] - 10 * log10(2.0);
		double want = curve_db(rms_in, -24, 3, 6);

		dt_assert_near(dt_rms_db(buf + n - 4800, 4800, l), want, 0.25, "lane %d", l);
	}
	free(buf);
}

/*
 * Attack and release: the gain reduction in dB covers 63 % of a step in the attack time
 * and falls to 37 % in the release time (+- 10 %). Step: a square wave from -50 to -10
 * dBFS and back, threshold -40, ratio inf, hard knee: reduction 0 -> 30 dB -> 0.
 */
static void test_comp_attack_release(void **state)
{
	static const float att[4] = { 0.5f, 5.0f, 30.0f, 200.0f };
	static const float rel[4] = { 5.0f, 50.0f, 400.0f, 2000.0f };
	const long n = 4 * 48000;
	struct dynamics d;
	struct dt_clock clk = { 0 };
	v4f *buf = dt_alloc(n), *in = dt_alloc(n);
	double lo[4], hi[4];

	(void)state;
	dynamics_init(&d, (float)DT_RATE);
	for (int l = 0; l < 4; l++) {
		lo[l] = dt_lin(-50);
		hi[l] = dt_lin(-10);
		dynamics_set_on(&d, l, true);
		dynamics_set_threshold_db(&d, l, -40.0f);
		dynamics_set_ratio(&d, l, INFINITY);
		dynamics_set_knee_db(&d, l, 0.0f);
		dynamics_set_attack_ms(&d, l, att[l]);
		dynamics_set_release_ms(&d, l, rel[l]);
	}
	dynamics_settle(&d);
	/* 0.1 s low, 1.4 s high (the step up at 4800), then low from 72000 on. */
	dt_square_fill(in, 4800, 0, lo, 24);
	dt_square_fill(in + 4800, 67200, 4800, hi, 24);
	dt_square_fill(in + 72000, n - 72000, 72000, lo, 24);
	memcpy(buf, in, (size_t)n * sizeof(v4f));
	dt_run(&d, comp_begin_cb, comp_process_cb, &clk, buf, n, 256);
	for (int l = 0; l < 4; l++) {
		double t_att = -1, t_rel = -1, prev = 0;

		/* Sample k after the step is the (k+1)-th at the new level; interpolate. */
		for (long i = 4800; i < 72000 && t_att < 0; i++) {
			double gr = -dt_db(fabs((double)buf[i][l] / (double)in[i][l]));

			if (gr >= 0.632 * 30.0)
				t_att = (double)(i - 4800) + (0.632 * 30.0 - prev) / (gr - prev);
			prev = gr;
		}
		prev = 30.0;
		for (long i = 72000; i < n && t_rel < 0; i++) {
			double gr = -dt_db(fabs((double)buf[i][l] / (double)in[i][l]));

			if (gr <= 0.368 * 30.0)
				t_rel = (double)(i - 72000) + (prev - 0.368 * 30.0) / (prev - gr);
			prev = gr;
		}
		dt_assert_near(t_att / 48.0, att[l], 0.1 * (double)att[l], "lane %d attack ms", l);
		dt_assert_near(t_rel / 48.0, rel[l], 0.1 * (double)rel[l], "lane %d release ms", l);
	}
	free(buf);
	free(in);
}

/* Linked pair 0-1: loud left, quiet right, same gain on both; pair 2-3 unlinked. */
static void test_comp_link(void **state)
{
	const long n = 24000;
	double amp[4] = { dt_lin(-6), dt_lin(-40), dt_lin(-6), dt_lin(-40) };
	struct dynamics d;
	struct dt_clock clk = { 0 };
	v4f *in = dt_alloc(n), *buf = dt_alloc(n);

	(void)state;
	dynamics_init(&d, (float)DT_RATE);
	for (int l = 0; l < 4; l++)
		dynamics_set_on(&d, l, true);
	dynamics_set_link(&d, 0, true);
	dynamics_settle(&d);
	dt_square_fill(in, n, 0, amp, 24);
	memcpy(buf, in, (size_t)n * sizeof(v4f));
	dt_run(&d, comp_begin_cb, comp_process_cb, &clk, buf, n, 64);
	for (long i = 0; i < n; i++) {
		/* y / x in float rounds differently for different x: compare to 1 ulp or so. */
		double g0 = (double)buf[i][0] / (double)in[i][0];
		double g1 = (double)buf[i][1] / (double)in[i][1];

		assert_true(fabs(g0 / g1 - 1.0) < 2e-7);
	}
	/* The linked gain is the loud side's: equal to unlinked lane 2's. */
	assert_true(buf[n - 1][0] == buf[n - 1][2]);
	/* Unlinked quiet lane 3 is below threshold: untouched. */
	assert_true(buf[n - 1][3] == in[n - 1][3]);
	dt_assert_near(dt_db(fabs((double)buf[n - 1][1] / (double)in[n - 1][1])),
		       curve_db(-6, -20, 4, 6) + 6, 0.25, "linked quiet side gain");
	free(in);
	free(buf);
}

/*
 * On/off and makeup jumps while a 1 kHz sine at -6 dBFS is squashed (T -40, ratio inf,
 * makeup 24 dB: net about -10 dB): the applied gain fades in dB over 20 ms, makeup glides
 * 24 dB in 30 ms. Bound: second difference <= 1.5 x the input's times the largest gain in
 * play (0 dB here: on is quieter than off), and the 1 ms level never jumps by 3 dB.
 */
static void test_comp_click_free(void **state)
{
	const long seg = 3000, n_seg = 24, n = seg * n_seg;
	double hz[4] = { 1000, 1000, 1000, 1000 }, amp[4] = { 0.5, 0.5, 0.5, 0.5 };
	struct dynamics d;
	struct dt_sine osc;
	struct dt_clock clk = { 0 };
	v4f *buf = dt_alloc(n);
	double in2;

	(void)state;
	dt_sine_init(&osc, hz, amp);
	dt_sine_fill(&osc, buf, n);
	in2 = dt_max_step2(buf, n, 0);
	dynamics_init(&d, (float)DT_RATE);
	for (int l = 0; l < 4; l++) {
		dynamics_set_threshold_db(&d, l, -40.0f);
		dynamics_set_ratio(&d, l, INFINITY);
		dynamics_set_makeup_db(&d, l, 24.0f);
		dynamics_set_attack_ms(&d, l, 1.0f);
		dynamics_set_rms(&d, l, l >= 2);
	}
	for (long s = 0; s < n_seg; s++) {
		dynamics_set_on(&d, 0, s & 1);
		dynamics_set_on(&d, 2, s & 1);
		dynamics_set_on(&d, 1, true);
		dynamics_set_on(&d, 3, true);
		dynamics_set_makeup_db(&d, 1, s & 1 ? 24.0f : 0.0f);
		dynamics_set_makeup_db(&d, 3, s & 1 ? 24.0f : 0.0f);
		dt_run(&d, comp_begin_cb, comp_process_cb, &clk, buf + s * seg, seg, 111);
	}
	for (int l = 0; l < 4; l++) {
		double s2 = dt_max_step2(buf + 4800, n - 4800, l);
		double jump = dt_max_level_jump_db(buf + 4800, n - 4800, l, 48);

		print_message("lane %d: 2nd diff %.4f (bound %.4f), level jump %.2f dB/ms\n", l,
			      s2, 1.5 * in2, jump);
		assert_true(s2 <= 1.5 * in2);
		assert_true(jump <= 3.0);
	}
	free(buf);
}

static void comp_session(void *ctx, v4f *buf, long n, long period)
{
	struct dynamics *d = ctx;
	struct dt_clock clk = { 0 };
	long t = 0;

	dynamics_init(d, (float)DT_RATE);
	for (int step = 0; t < n; step++) {
		long next = t + 1111 < n ? t + 1111 : n;
		int l = step % 4;

		dt_run(d, comp_begin_cb, comp_process_cb, &clk, buf + t, next - t, period);
		t = next;
		dynamics_set_on(d, l, step % 5 != 4);
		dynamics_set_threshold_db(d, l, (float)(-(step * 7 % 50)));
		dynamics_set_ratio(d, (l + 1) % 4,
				   step % 6 == 0 ? INFINITY : (float)(step % 9 + 1));
		dynamics_set_makeup_db(d, (l + 2) % 4, (float)(step % 4 * 6));
		dynamics_set_rms(d, (l + 3) % 4, step % 3 == 0);
		dynamics_set_link(d, step % 2, step % 4 < 2);
		dynamics_set_attack_ms(d, l, (float)(0.1 + step % 7));
	}
}

static void test_comp_chunking_bit_identical(void **state)
{
	struct dynamics d;

	(void)state;
	dt_expect_chunking_identical_on_noise(comp_session, &d, 30000, 21, 0.9f);
}

static void test_comp_nan_resets_lane(void **state)
{
	const long n = 9600;
	struct dynamics d, ref_d;
	struct dt_clock clk = { 0 }, ref_clk = { 0 };
	v4f *in = dt_alloc(n), *buf = dt_alloc(n), *ref = dt_alloc(n);
	unsigned resets;

	(void)state;
	dynamics_init(&d, (float)DT_RATE);
	for (int l = 0; l < 4; l++)
		dynamics_set_on(&d, l, true);
	dynamics_set_rms(&d, 2, true);
	dynamics_settle(&d);
	ref_d = d;
	dt_noise_fill(in, n, 8, 0.9f);
	memcpy(ref, in, (size_t)n * sizeof(v4f));
	dt_run(&ref_d, comp_begin_cb, comp_process_cb, &ref_clk, ref, n, 64);
	memcpy(buf, in, (size_t)n * sizeof(v4f));
	buf[500][1] = NAN;
	buf[3000][2] = NAN;
	buf[4000][3] = INFINITY;
	resets = dt_run(&d, comp_begin_cb, comp_process_cb, &clk, buf, n, 64);
	assert_int_equal(resets, 0xe);
	assert_true(dt_all_finite(buf, n));
	for (long i = 0; i < n; i++)
		assert_true(buf[i][0] == ref[i][0]);
	/* Recovered: compressing again, and the meter is finite. */
	assert_true(dt_peak(buf + n - 960, 960, 2) > 0.1);
	{
		v4f gr;

		dynamics_take_gr_db(&d, &gr);
		assert_true(v4f_all_finite(gr));
	}
	free(in);
	free(buf);
	free(ref);
}

/* ---- gate ---- */

static void test_gate_default_transparent(void **state)
{
	const long n = 20000;
	struct gate g;
	struct dt_clock clk = { 0 };
	v4f *in = dt_alloc(n), *buf = dt_alloc(n);

	(void)state;
	gate_init(&g, (float)DT_RATE);
	dt_noise_fill(in, n, 6, 0.001f);	/* -60 dBFS: would be gated if it were on */
	memcpy(buf, in, (size_t)n * sizeof(v4f));
	assert_int_equal(dt_run(&g, gate_begin_cb, gate_process_cb, &clk, buf, n, 7), 0);
	assert_memory_equal(in, buf, (size_t)n * sizeof(v4f));
	free(in);
	free(buf);
}

/*
 * Threshold and range: per lane (threshold, range) = (-50, 60), (-30, 20), (-20, 90),
 * (-40, 10); square waves 3 dB above the threshold pass at exactly 0 dB, 3 dB below are
 * attenuated by the range (+- 0.1 dB), and range 90 is silence.
 */
static void test_gate_threshold_and_range(void **state)
{
	static const float thr[4] = { -50, -30, -20, -40 }, range[4] = { 60, 20, 90, 10 };
	const long n = 48000;
	struct gate g;
	v4f *buf = dt_alloc(n);

	(void)state;
	for (int side = 0; side < 2; side++) {
		struct dt_clock clk = { 0 };
		double amp[4];
		v4f gr;

		gate_init(&g, (float)DT_RATE);
		for (int l = 0; l < 4; l++) {
			gate_set_on(&g, l, true);
			gate_set_threshold_db(&g, l, thr[l]);
			gate_set_range_db(&g, l, range[l]);
			gate_set_release_ms(&g, l, 20.0f);
			amp[l] = dt_lin((double)thr[l] + (side ? 3.0 : -3.0));
		}
		gate_settle(&g);
		dt_square_fill(buf, n, 0, amp, 24);
		dt_run(&g, gate_begin_cb, gate_process_cb, &clk, buf, n, 64);
		gate_take_gr_db(&g, &gr);
		for (int l = 0; l < 4; l++) {
			double out = dt_db(fmax(dt_peak(buf + n - 4800, 4800, l), 1e-30));

			if (side)
				dt_assert_near(out, (double)thr[l] + 3.0, 0.01, "open lane %d", l);
			else if (range[l] < 90)
				dt_assert_near(out, (double)thr[l] - 3.0 - (double)range[l], 0.1,
					       "closed lane %d", l);
			else
				assert_true(dt_peak(buf + n - 4800, 4800, l) == 0.0);
			if (!side)
				dt_assert_near((double)gr[l], range[l], 0.1, "GR meter lane %d", l);
		}
	}
	free(buf);
}

/*
 * Hold, release and attack: a burst above threshold (long enough to open fully), then a
 * probe tone 10 dB under it (long enough to close fully), then the burst again.
 * The probe passes untouched for the hold time, then the attenuation grows to 63 % of the
 * range in one release time; when the burst returns the gate opens with the attack time
 * constant (gain in dB covers 63 % of the range). Times +- 10 % (hold +- 0.5 ms).
 */
static void test_gate_hold_release_attack(void **state)
{
	static const float hold[4] = { 0.0f, 10.0f, 50.0f, 300.0f };
	static const float rel[4] = { 20.0f, 100.0f, 5.0f, 400.0f };
	static const float att[4] = { 0.5f, 2.0f, 10.0f, 50.0f };
	const long t_off = 28800, t_on = 196800, n = 220800;	/* 0.6 s, 4.1 s, 4.6 s */
	double loud[4], quiet[4];
	struct gate g;
	struct dt_clock clk = { 0 };
	v4f *in = dt_alloc(n), *buf = dt_alloc(n);

	(void)state;
	gate_init(&g, (float)DT_RATE);
	for (int l = 0; l < 4; l++) {
		loud[l] = dt_lin(-20);
		quiet[l] = dt_lin(-50);
		gate_set_on(&g, l, true);
		gate_set_threshold_db(&g, l, -40.0f);
		gate_set_range_db(&g, l, 40.0f);
		gate_set_hold_ms(&g, l, hold[l]);
		gate_set_release_ms(&g, l, rel[l]);
		gate_set_attack_ms(&g, l, att[l]);
	}
	gate_settle(&g);
	dt_square_fill(in, t_off, 0, loud, 24);
	dt_square_fill(in + t_off, t_on - t_off, t_off, quiet, 24);
	dt_square_fill(in + t_on, n - t_on, t_on, loud, 24);
	memcpy(buf, in, (size_t)n * sizeof(v4f));
	dt_run(&g, gate_begin_cb, gate_process_cb, &clk, buf, n, 128);
	for (int l = 0; l < 4; l++) {
		double t_hold = -1, t_rel = -1, t_att = -1, prev = 0;

		for (long i = t_off; i < t_on && t_rel < 0; i++) {
			double a = -dt_db(fabs((double)buf[i][l] / (double)in[i][l]));

			if (t_hold < 0 && a > 0.01)
				t_hold = (double)(i - t_off);
			if (a >= 0.632 * 40.0)
				t_rel = (double)(i - t_off) + (0.632 * 40.0 - prev) / (a - prev);
			prev = a;
		}
		for (long i = t_on; i < n && t_att < 0; i++) {
			double a = -dt_db(fabs((double)buf[i][l] / (double)in[i][l]));

			if (a <= 0.368 * 40.0)
				t_att = (double)(i - t_on) + (prev - 0.368 * 40.0) / (prev - a);
			prev = a;
		}
		/* The last loud sample is t_off - 1: the hold covers hold_n samples after it. */
		dt_assert_near((t_hold - 1.0) / 48.0, hold[l], 0.5, "lane %d hold ms", l);
		dt_assert_near((t_rel - t_hold + 1.0) / 48.0, rel[l], 0.1 * (double)rel[l],
			       "lane %d release ms", l);
		dt_assert_near(t_att / 48.0, att[l], 0.1 * (double)att[l], "lane %d attack ms", l);
	}
	free(in);
	free(buf);
}

/* Linked: a loud left opens the quiet right; unlinked, the quiet side stays closed. */
static void test_gate_link(void **state)
{
	const long n = 24000;
	double amp[4] = { dt_lin(-20), dt_lin(-60), dt_lin(-20), dt_lin(-60) };
	struct gate g;
	struct dt_clock clk = { 0 };
	v4f *in = dt_alloc(n), *buf = dt_alloc(n);

	(void)state;
	gate_init(&g, (float)DT_RATE);
	for (int l = 0; l < 4; l++)
		gate_set_on(&g, l, true);
	gate_set_link(&g, 0, true);
	gate_settle(&g);
	dt_square_fill(in, n, 0, amp, 24);
	memcpy(buf, in, (size_t)n * sizeof(v4f));
	dt_run(&g, gate_begin_cb, gate_process_cb, &clk, buf, n, 64);
	assert_true(buf[n - 1][1] == in[n - 1][1]);
	dt_assert_near(dt_db(fabs((double)buf[n - 1][3] / (double)in[n - 1][3])), -60.0, 0.1,
		       "unlinked quiet side closed");
	free(in);
	free(buf);
}

/*
 * Gate on/off while a 200 Hz sine plays, above threshold (lanes 0, 2: the gate stays open)
 * and at -60 dBFS, below it (lanes 1, 3: each switch fades 60 dB of attenuation in or out
 * over 20 ms). Bounds: first difference <= 1.5 x the input's (the click criterion), second
 * difference <= 1.5 x the input's plus 1e-5 (-100 dBFS): a fade of 60 dB in 20 ms bends
 * the envelope of a -60 dBFS tone by about 2e-6 per block, far below audibility but more
 * than that tone's own tiny curvature at 200 Hz.
 */
static void test_gate_click_free_and_nan(void **state)
{
	const long seg = 2000, n_seg = 20, n = seg * n_seg;
	double hz[4] = { 200, 200, 200, 200 }, amp[4] = { 0.3, 0.001, 0.3, 0.001 };
	struct gate g;
	struct dt_sine osc;
	struct dt_clock clk = { 0 };
	v4f *buf = dt_alloc(n);
	double in1[4], in2[4];
	unsigned resets;

	(void)state;
	dt_sine_init(&osc, hz, amp);
	dt_sine_fill(&osc, buf, n);
	for (int l = 0; l < 4; l++) {
		in1[l] = dt_max_step(buf, n, l);
		in2[l] = dt_max_step2(buf, n, l);
	}
	gate_init(&g, (float)DT_RATE);
	for (long s = 0; s < n_seg; s++) {
		for (int l = 0; l < 4; l++)
			gate_set_on(&g, l, (s + l) & 1);
		dt_run(&g, gate_begin_cb, gate_process_cb, &clk, buf + s * seg, seg, 77);
	}
	for (int l = 0; l < 4; l++) {
		double s1 = dt_max_step(buf, n, l), s2 = dt_max_step2(buf, n, l);

		print_message("lane %d: max step %.3g (bound %.3g), 2nd diff %.3g (bound %.3g)\n",
			      l, s1, 1.5 * in1[l], s2, 1.5 * in2[l] + 1e-5);
		assert_true(s1 <= 1.5 * in1[l]);
		assert_true(s2 <= 1.5 * in2[l] + 1e-5);
	}
	/* NaN and Inf: reported, contained, others untouched. */
	dt_sine_fill(&osc, buf, n);
	buf[300][0] = NAN;
	buf[700][3] = -INFINITY;
	for (int l = 0; l < 4; l++)
		gate_set_on(&g, l, true);
	resets = dt_run(&g, gate_begin_cb, gate_process_cb, &clk, buf, n, 77);
	assert_int_equal(resets, 0x9);
	assert_true(dt_all_finite(buf, n));
	free(buf);
}

static void gate_session(void *ctx, v4f *buf, long n, long period)
{
	struct gate *g = ctx;
	struct dt_clock clk = { 0 };
	long t = 0;

	gate_init(g, (float)DT_RATE);
	for (int step = 0; t < n; step++) {
		long next = t + 1313 < n ? t + 1313 : n;
		int l = step % 4;

		dt_run(g, gate_begin_cb, gate_process_cb, &clk, buf + t, next - t, period);
		t = next;
		gate_set_on(g, l, step % 5 != 4);
		gate_set_threshold_db(g, l, (float)(-(step * 11 % 60)));
		gate_set_range_db(g, (l + 1) % 4, (float)(step * 13 % 91));
		gate_set_hold_ms(g, (l + 2) % 4, (float)(step % 4 * 7));
		gate_set_link(g, step % 2, step % 4 < 2);
	}
}

static void test_gate_chunking_bit_identical(void **state)
{
	struct gate g;

	(void)state;
	dt_expect_chunking_identical_on_noise(gate_session, &g, 30000, 31, 0.1f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fastmath_accuracy),
		cmocka_unit_test(test_comp_default_transparent),
		cmocka_unit_test(test_comp_static_curve),
		cmocka_unit_test(test_comp_rms_detector),
		cmocka_unit_test(test_comp_attack_release),
		cmocka_unit_test(test_comp_link),
		cmocka_unit_test(test_comp_click_free),
		cmocka_unit_test(test_comp_chunking_bit_identical),
		cmocka_unit_test(test_comp_nan_resets_lane),
		cmocka_unit_test(test_gate_default_transparent),
		cmocka_unit_test(test_gate_threshold_and_range),
		cmocka_unit_test(test_gate_hold_release_attack),
		cmocka_unit_test(test_gate_link),
		cmocka_unit_test(test_gate_click_free_and_nan),
		cmocka_unit_test(test_gate_chunking_bit_identical),
	};

	return cmocka_run_group_tests_name("dynamics", tests, NULL, NULL);
}
