/*
 * test_eq.c - the four-band EQ: responses of the running filter against the RBJ analytic
 * magnitude with different settings in every lane, transparency of the defaults, bit-exact
 * chunking, click-free sweeps and switching, and NaN containment.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "dsp/eq.h"
#include "tests/unit/dsp_test.h"

static void eq_begin_cb(void *m)
{
	eq_block_begin(m);
}

static unsigned eq_process_cb(void *m, v4f *buf, int n)
{
	return eq_process(m, buf, n);
}

static enum bq_type bq_of(enum eq_band_type t)
{
	static const enum bq_type map[EQ_N_TYPES] = { BQ_LOW_SHELF, BQ_PEAK, BQ_HIGH_SHELF,
						      BQ_HIGH_PASS, BQ_LOW_PASS };
	return map[t];
}

struct band_cfg {
	enum eq_band_type type;
	double hz, db, q;
	bool is_on;
};

/* Expected response of one lane: sum in dB of its bands' RBJ designs. */
static double expected_db(const struct band_cfg cfg[EQ_N_BANDS], double f)
{
	double sum = 0.0;

	for (int b = 0; b < EQ_N_BANDS; b++) {
		struct bq_design d;

		if (!cfg[b].is_on)
			continue;
		bq_design(&d, bq_of(cfg[b].type), DT_RATE, cfg[b].hz, cfg[b].q, cfg[b].db);
		sum += bq_design_mag_db(&d, DT_RATE, f);
	}
	return sum;
}

static void configure(struct eq *eq, const struct band_cfg cfg[4][EQ_N_BANDS])
{
	eq_init(eq, (float)DT_RATE);
	for (int l = 0; l < 4; l++) {
		for (int b = 0; b < EQ_N_BANDS; b++) {
			const struct band_cfg *c = &cfg[l][b];

			assert_true(eq_set_band_type(eq, l, b, c->type));
			eq_set_band_freq_hz(eq, l, b, (float)c->hz);
			eq_set_band_gain_db(eq, l, b, (float)c->db);
			eq_set_band_q(eq, l, b, (float)c->q);
			eq_set_band_on(eq, l, b, c->is_on);
		}
	}
}

/*
 * Drive lane l with a sine at hz[l] through the running EQ (gliding from the defaults to
 * the configuration, then settled), measure the level over the last second (whole cycles).
 */
static void run_and_check(struct eq *eq, const struct band_cfg cfg[4][EQ_N_BANDS],
			  const double hz[4], double tol_db)
{
	const long settle = 48000, len = 48000;
	double amp[4] = { 0.25, 0.25, 0.25, 0.25 };
	struct dt_sine osc;
	struct dt_clock clk = { 0 };
	v4f *buf = dt_alloc(settle + len);

	dt_sine_init(&osc, hz, amp);
	dt_sine_fill(&osc, buf, settle + len);
	assert_int_equal(dt_run(eq, eq_begin_cb, eq_process_cb, &clk, buf, settle + len, 256), 0);
	for (int l = 0; l < 4; l++) {
		double got = dt_rms_db(buf + settle, len, l) - dt_db(0.25 / M_SQRT2);

		dt_assert_near(got, expected_db(cfg[l], hz[l]), tol_db, "lane %d at %g Hz", l,
			       hz[l]);
	}
	free(buf);
}

/* For each lane: f0 of its measured band, and the four test points f0, f0/2, 2 f0, far. */
static void check_points(const struct band_cfg cfg[4][EQ_N_BANDS], const int probe_band[4],
			 const double far_ratio[4])
{
	static const double ratio[3] = { 1.0, 0.5, 2.0 };
	struct eq eq;

	for (int k = 0; k < 4; k++) {
		double hz[4];

		for (int l = 0; l < 4; l++) {
			double r = k < 3 ? ratio[k] : far_ratio[l];

			hz[l] = fmin(round(cfg[l][probe_band[l]].hz * r), 20000.0);
		}
		configure(&eq, cfg);
		run_and_check(&eq, cfg, hz, 0.1);
	}
}

#define OFF_LS { EQ_LOW_SHELF, 100, 0, 0.7, false }
#define OFF_PK(f) { EQ_PEAK, f, 0, 0.7, false }
#define OFF_HS { EQ_HIGH_SHELF, 8000, 0, 0.7, false }

static void test_eq_shelves_and_peaks(void **state)
{
	const struct band_cfg cfg[4][EQ_N_BANDS] = {
		/* lane 0: peak +12 dB at 1 kHz, Q 2, in band 1 */
		{ OFF_LS, { EQ_PEAK, 1000, 12, 2.0, true }, OFF_PK(2500), OFF_HS },
		/* lane 1: low shelf -9 dB at 200 Hz */
		{ { EQ_LOW_SHELF, 200, -9, 0.7, true }, OFF_PK(400), OFF_PK(2500), OFF_HS },
		/* lane 2: high shelf +6 dB at 5 kHz, Q 1 (a small bump) */
		{ OFF_LS, OFF_PK(400), OFF_PK(2500), { EQ_HIGH_SHELF, 5000, 6, 1.0, true } },
		/* lane 3: narrow cut -15 dB at 150 Hz, Q 8, in band 2 */
		{ OFF_LS, OFF_PK(400), { EQ_PEAK, 150, -15, 8.0, true }, OFF_HS },
	};
	const int probe[4] = { 1, 0, 3, 2 };
	const double far[4] = { 16.0, 16.0, 1.0 / 16, 8.0 };

	(void)state;
	check_points(cfg, probe, far);
}

static void test_eq_cuts_and_cascade(void **state)
{
	const struct band_cfg cfg[4][EQ_N_BANDS] = {
		/* lane 0: low cut 100 Hz Butterworth */
		{ { EQ_LOW_CUT, 100, 0, 0.7071, true }, OFF_PK(400), OFF_PK(2500), OFF_HS },
		/* lane 1: high cut 5 kHz, resonant */
		{ OFF_LS, OFF_PK(400), OFF_PK(2500), { EQ_HIGH_CUT, 5000, 0, 2.0, true } },
		/* lane 2: peak in band 3 (any type goes in any band) and a low shelf */
		{ { EQ_LOW_SHELF, 60, 6, 0.7, true }, OFF_PK(400), OFF_PK(2500),
		  { EQ_PEAK, 3000, -6, 1.0, true } },
		/* lane 3: all four bands in play */
		{ { EQ_LOW_SHELF, 120, 4, 0.7, true }, { EQ_PEAK, 500, -7, 1.4, true },
		  { EQ_PEAK, 2000, 9, 3.0, true }, { EQ_HIGH_SHELF, 9000, -5, 0.7, true } },
	};
	const int probe[4] = { 0, 3, 3, 2 };
	const double far[4] = { 1.0 / 4, 4.0, 1.0 / 16, 1.0 / 8 };

	(void)state;
	check_points(cfg, probe, far);
}

static void test_eq_defaults_transparent(void **state)
{
	const long n = 48000;
	struct eq eq;
	struct dt_clock clk = { 0 };
	v4f *in = dt_alloc(n), *buf = dt_alloc(n);

	(void)state;
	eq_init(&eq, (float)DT_RATE);
	dt_noise_fill(in, n, 1, 1.0f);
	memcpy(buf, in, (size_t)n * sizeof(v4f));
	assert_int_equal(dt_run(&eq, eq_begin_cb, eq_process_cb, &clk, buf, n, 7), 0);
	assert_memory_equal(in, buf, (size_t)n * sizeof(v4f));
	/* Flat bands cost nothing: every section is skipped. */
	for (int b = 0; b < EQ_N_BANDS; b++)
		assert_int_equal(eq.band[b].sec.mode, BQ_MODE_SKIP);
	/* A band boosted and returned to 0 dB ends skipped and transparent again. */
	eq_set_band_gain_db(&eq, 2, 1, 6.0f);
	dt_run(&eq, eq_begin_cb, eq_process_cb, &clk, buf, 4800, 7);
	assert_int_equal(eq.band[1].sec.mode, BQ_MODE_STATIC);
	eq_set_band_gain_db(&eq, 2, 1, 0.0f);
	dt_run(&eq, eq_begin_cb, eq_process_cb, &clk, buf, 4800, 7);
	assert_int_equal(eq.band[1].sec.mode, BQ_MODE_SKIP);
	memcpy(buf, in, (size_t)n * sizeof(v4f));
	dt_run(&eq, eq_begin_cb, eq_process_cb, &clk, buf, n, 7);
	assert_memory_equal(in, buf, (size_t)n * sizeof(v4f));
	free(in);
	free(buf);
}

/* A scripted session of parameter changes, the same whatever the chunking. */
static void scripted_session(void *ctx, v4f *buf, long n, long period)
{
	struct eq *eq = ctx;
	struct dt_clock clk = { 0 };
	long t = 0;

	eq_init(eq, (float)DT_RATE);
	for (int step = 0; t < n; step++) {
		/* Events land mid-block on purpose: 1000 is not a multiple of 32. */
		long next = t + 1000 + 37 * (step % 5) < n ? t + 1000 + 37 * (step % 5) : n;
		int l = step % 4;

		dt_run(eq, eq_begin_cb, eq_process_cb, &clk, buf + t, next - t, period);
		t = next;
		eq_set_band_gain_db(eq, l, step % 4, (float)((step * 7) % 31 - 15));
		eq_set_band_freq_hz(eq, l, (step + 1) % 4, (float)(20.0 * pow(1.7, step % 14)));
		eq_set_band_q(eq, (l + 1) % 4, step % 4, (float)(0.3 + (step % 9)));
		if (step % 6 == 0)
			eq_set_band_on(eq, l, 2, step % 12 == 0);
		if (step % 7 == 0)
			eq_set_band_type(eq, l, 0, step % 14 ? EQ_LOW_CUT : EQ_PEAK);
		if (step % 11 == 0)
			eq_set_on(eq, (l + 2) % 4, step % 22 != 0);
	}
}

static void test_eq_chunking_bit_identical(void **state)
{
	struct eq eq;

	(void)state;
	dt_expect_chunking_identical_on_noise(scripted_session, &eq, 30000, 99, 0.5f);
}

/*
 * Click test. A 1 kHz sine at -12 dBFS plays in every lane while the parameters are thrown
 * around as fast as OSC can: targets jump end to end, the glide does the rest.
 *   lane 0: band 1 peak at 1 kHz Q 2, gain -15 <-> +15 dB
 *   lane 1: band 2 peak +15 dB Q 4, frequency 20 Hz <-> 20 kHz (through the sine)
 *   lane 2: band 0 at +12 dB, type peak/low shelf/high shelf/low cut cycling, band on/off
 *   lane 3: band 3 peak +15 dB at 1 kHz, whole EQ on/off
 * Bound: max |y[n] - y[n-1]| <= 1.5 * max |x[n] - x[n-1]| * (largest gain in play, +15 dB),
 * and the same for the second difference, which is far more sensitive to clicks.
 * Level: the peak level of consecutive 1 ms windows moves by at most 3 dB where only gain,
 * on/off and type move (a 15 dB change spread over >= 20 ms moves about 1 dB per ms).
 */
static void test_eq_click_free(void **state)
{
	const long seg = 2400, n_seg = 40, n = seg * n_seg;
	double hz[4] = { 1000, 1000, 1000, 1000 }, amp[4] = { 0.25, 0.25, 0.25, 0.25 };
	static const enum eq_band_type cycle[4] = { EQ_PEAK, EQ_LOW_SHELF, EQ_HIGH_SHELF,
						    EQ_LOW_CUT };
	struct eq eq;
	struct dt_sine osc;
	struct dt_clock clk = { 0 };
	v4f *buf = dt_alloc(n);
	double max_in_step, max_in_step2;

	(void)state;
	dt_sine_init(&osc, hz, amp);
	dt_sine_fill(&osc, buf, n);
	max_in_step = dt_max_step(buf, n, 0);
	max_in_step2 = dt_max_step2(buf, n, 0);
	eq_init(&eq, (float)DT_RATE);
	eq_set_band_freq_hz(&eq, 0, 1, 1000.0f);
	eq_set_band_q(&eq, 0, 1, 2.0f);
	eq_set_band_gain_db(&eq, 1, 2, 15.0f);
	eq_set_band_q(&eq, 1, 2, 4.0f);
	eq_set_band_gain_db(&eq, 2, 0, 12.0f);
	eq_set_band_freq_hz(&eq, 2, 0, 1000.0f);
	eq_set_band_type(&eq, 3, 3, EQ_PEAK);
	eq_set_band_freq_hz(&eq, 3, 3, 1000.0f);
	eq_set_band_gain_db(&eq, 3, 3, 15.0f);
	eq_settle(&eq);
	for (long s = 0; s < n_seg; s++) {
		/* Odd offsets: changes arrive anywhere inside a block. */
		long off = s * seg;

		eq_set_band_gain_db(&eq, 0, 1, s & 1 ? 15.0f : -15.0f);
		eq_set_band_freq_hz(&eq, 1, 2, s & 1 ? 20000.0f : 20.0f);
		eq_set_band_type(&eq, 2, 0, cycle[s % 4]);
		eq_set_band_on(&eq, 2, 0, s % 3 != 2);
		eq_set_on(&eq, 3, s & 1);
		assert_int_equal(dt_run(&eq, eq_begin_cb, eq_process_cb, &clk, buf + off, seg, 61),
				 0);
	}
	for (int l = 0; l < 4; l++) {
		double bound = 1.5 * max_in_step * dt_lin(15.0);
		double bound2 = 1.5 * max_in_step2 * dt_lin(15.0);
		double step = dt_max_step(buf, n, l), jump = dt_max_level_jump_db(buf, n, l, 48);
		double step2 = dt_max_step2(buf, n, l);

		print_message("lane %d: max step %.4f (bound %.4f), 2nd diff %.4f (bound %.4f), "
			      "level jump %.2f dB/ms\n", l, step, bound, step2, bound2, jump);
		assert_true(step <= bound);
		assert_true(step2 <= bound2);
		if (l != 1)
			assert_true(jump <= 3.0);
	}
	free(buf);
}

/*
 * The whole group switching together, so the sections go in and out of SKIP: EQ on/off
 * in all lanes, and band gains to 0 dB (flat, skipped after their ringing) and back, with
 * 100 Hz + 1 kHz playing through a +15 dB low shelf and a +12 dB, Q 4 peak at 60 Hz.
 * Segments of 10..130 ms, shorter and longer than the fades and the tails.
 */
static void test_eq_click_free_skip_transitions(void **state)
{
	const long n = 96000;
	double f_lo[4] = { 100, 100, 100, 100 }, f_hi[4] = { 1000, 1000, 1000, 1000 };
	double a_lo[4] = { 0.2, 0.2, 0.2, 0.2 }, a_hi[4] = { 0.05, 0.05, 0.05, 0.05 };
	struct dt_sine lo, hi;
	struct dt_clock clk = { 0 };
	struct eq eq;
	v4f *buf = dt_alloc(n), *tmp = dt_alloc(n);
	double in_step2, bound;
	long t = 0;

	(void)state;
	dt_sine_init(&lo, f_lo, a_lo);
	dt_sine_init(&hi, f_hi, a_hi);
	dt_sine_fill(&lo, buf, n);
	dt_sine_fill(&hi, tmp, n);
	for (long i = 0; i < n; i++)
		buf[i] += tmp[i];
	in_step2 = dt_max_step2(buf, n, 0);
	eq_init(&eq, (float)DT_RATE);
	for (int step = 0; t < n; step++) {
		long len = 480 + 1237 * (step % 6) + 13;

		if (t + len > n)
			len = n - t;
		for (int l = 0; l < 4; l++) {
			eq_set_on(&eq, l, step % 4 != 3);
			eq_set_band_gain_db(&eq, l, 0, step % 3 ? 15.0f : 0.0f);
			eq_set_band_freq_hz(&eq, l, 0, 200.0f);
			eq_set_band_gain_db(&eq, l, 1, step % 5 < 2 ? 12.0f : 0.0f);
			eq_set_band_freq_hz(&eq, l, 1, 60.0f);
			eq_set_band_q(&eq, l, 1, 4.0f);
		}
		dt_run(&eq, eq_begin_cb, eq_process_cb, &clk, buf + t, len, 128);
		t += len;
	}
	/* Largest gain in play: both boosts at 100 Hz, about +21 dB. */
	bound = 1.5 * in_step2 * dt_lin(21.0);
	for (int l = 0; l < 4; l++) {
		double step2 = dt_max_step2(buf, n, l);

		print_message("lane %d: 2nd diff %.5f (bound %.5f)\n", l, step2, bound);
		assert_true(step2 <= bound);
	}
	free(buf);
	free(tmp);
}

static void test_eq_nan_resets_lane(void **state)
{
	const long n = 9600;
	struct eq eq, ref_eq;
	struct dt_clock clk = { 0 }, ref_clk = { 0 };
	v4f *in = dt_alloc(n), *buf = dt_alloc(n), *ref = dt_alloc(n);
	unsigned resets;

	(void)state;
	eq_init(&eq, (float)DT_RATE);
	for (int l = 0; l < 4; l++)
		eq_set_band_gain_db(&eq, l, 1, 6.0f + (float)l);
	/* Lane 3 flat: NaN must not slip through an identity lane of a running group either. */
	eq_set_band_gain_db(&eq, 3, 1, 0.0f);
	eq_settle(&eq);
	ref_eq = eq;
	dt_noise_fill(in, n, 5, 0.5f);
	memcpy(ref, in, (size_t)n * sizeof(v4f));
	dt_run(&ref_eq, eq_begin_cb, eq_process_cb, &ref_clk, ref, n, 64);
	memcpy(buf, in, (size_t)n * sizeof(v4f));
	buf[1000][1] = NAN;
	buf[3000][2] = INFINITY;
	buf[5003][3] = -INFINITY;
	resets = dt_run(&eq, eq_begin_cb, eq_process_cb, &clk, buf, n, 64);
	assert_int_equal(resets, 0xe);
	assert_true(dt_all_finite(buf, n));
	/* Lane 0 untouched: bit-identical to the clean run. */
	for (long i = 0; i < n; i++)
		assert_true(buf[i][0] == ref[i][0]);
	/* The reset lanes recover: after the chunk of the fault they follow the input again. */
	for (long i = 7000; i < n; i++)
		assert_true(fabsf(buf[i][1] - ref[i][1]) < 1e-3f);
	free(in);
	free(buf);
	free(ref);
}

static void test_eq_setters_clamp_and_validate(void **state)
{
	struct eq eq;

	(void)state;
	eq_init(&eq, 44100.0f);
	eq_set_band_gain_db(&eq, 0, 1, 40.0f);
	assert_true(eq.band[1].t_gain_db[0] == 15.0f);
	eq_set_band_gain_db(&eq, 0, 1, NAN);
	assert_true(eq.band[1].t_gain_db[0] == 15.0f);
	eq_set_band_freq_hz(&eq, 1, 3, 30000.0f);
	dt_assert_near(exp2f(eq.band[3].t_log2_hz[1]), 0.45 * 44100.0, 0.05, "freq clamp");
	eq_set_band_freq_hz(&eq, 1, 3, 1.0f);
	dt_assert_near(exp2f(eq.band[3].t_log2_hz[1]), 20.0, 1e-3, "freq floor");
	eq_set_band_q(&eq, 2, 2, 100.0f);
	dt_assert_near(exp2f(eq.band[2].t_log2_q[2]), 10.0, 1e-4, "q clamp");
	assert_false(eq_set_band_type(&eq, 0, 1, EQ_LOW_CUT));
	assert_false(eq_set_band_type(&eq, 0, 0, EQ_HIGH_CUT));
	assert_true(eq_set_band_type(&eq, 0, 3, EQ_HIGH_CUT));
	assert_false(eq_set_band_type(&eq, 0, 3, (enum eq_band_type)9));
	eq_set_band_gain_db(&eq, 4, 0, 3.0f);	/* bad lane: ignored, no crash */
	eq_set_band_gain_db(&eq, 0, 4, 3.0f);	/* bad band */
	eq_set_band_gain_db(&eq, -1, -1, 3.0f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eq_shelves_and_peaks),
		cmocka_unit_test(test_eq_cuts_and_cascade),
		cmocka_unit_test(test_eq_defaults_transparent),
		cmocka_unit_test(test_eq_chunking_bit_identical),
		cmocka_unit_test(test_eq_click_free),
		cmocka_unit_test(test_eq_click_free_skip_transitions),
		cmocka_unit_test(test_eq_nan_resets_lane),
		cmocka_unit_test(test_eq_setters_clamp_and_validate),
	};

	return cmocka_run_group_tests_name("eq", tests, NULL, NULL);
}
