/*
 * test_reverb.c - the FDN reverb: RT60 from the impulse response (Schroeder backward
 * integration in octave bands at 500 Hz, 1 kHz and 2 kHz) against the setting, stability
 * under minutes of noise at maximum settings, decorrelated outputs, the predelay, NaN,
 * chunking, and a tail that ends in exact zeros without FTZ (no denormals).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "dsp/biquad.h"
#include "dsp/reverb.h"
#include "tests/unit/dsp_test.h"

static void rv_begin_cb(void *m)
{
	reverb_block_begin(m);
}

static unsigned rv_process_cb(void *m, v4f *buf, int n)
{
	return reverb_process(m, buf, n);
}

static void *rv_new(struct reverb *r)
{
	size_t sz = (reverb_mem_size((float)DT_RATE) + 63) & ~(size_t)63;
	void *mem = aligned_alloc(64, sz);

	assert_non_null(mem);
	memset(mem, 0x7f, sz);	/* any content */
	reverb_init(r, mem, (float)DT_RATE);
	return mem;
}

/* Impulse response (unit impulse in both inputs at t = 0), n samples. */
static v4f *impulse_response(struct reverb *r, long n)
{
	v4f *buf = dt_alloc(n);
	struct dt_clock clk = { 0 };

	buf[0] = (v4f){ 1.0f, 1.0f, 0.0f, 0.0f };
	assert_int_equal(dt_run(r, rv_begin_cb, rv_process_cb, &clk, buf, n, 256), 0);
	return buf;
}

/*
 * RT60 of one lane in an octave band around fc: RBJ band-pass (constant 0 dB peak, Q 1.41),
 * energy decay curve by backward integration, least-squares line through the EDC between
 * -5 and -35 dB, RT60 = 60 / slope.
 */
static double rt60_band(const v4f *ir, long n, int lane, double fc)
{
	struct bq_design d;
	double x1 = 0, x2 = 0, y1 = 0, y2 = 0, *e = malloc((size_t)n * sizeof(double));
	double sxx = 0, sx = 0, sy = 0, sxy = 0, m = 0;

	/* RBJ band-pass, constant 0 dB peak gain */
	{
		double w0 = 2 * M_PI * fc / DT_RATE, alpha = sin(w0) / (2 * 1.41), a0 = 1 + alpha;

		d.b0 = alpha / a0;
		d.b1 = 0.0;
		d.b2 = -alpha / a0;
		d.a1 = -2 * cos(w0) / a0;
		d.a2 = (1 - alpha) / a0;
	}
	for (long i = 0; i < n; i++) {
		double x = ir[i][lane], y = d.b0 * x + d.b1 * x1 + d.b2 * x2 - d.a1 * y1 - d.a2 * y2;

		x2 = x1;
		x1 = x;
		y2 = y1;
		y1 = y;
		e[i] = y * y;
	}
	for (long i = n - 2; i >= 0; i--)
		e[i] += e[i + 1];
	for (long i = 0; i < n; i++) {
		double db = 10.0 * log10(e[i] / e[0]);

		if (db > -5.0 || db < -35.0)
			continue;
		double t = (double)i / DT_RATE;

		sx += t;
		sy += db;
		sxx += t * t;
		sxy += t * db;
		m += 1.0;
	}
	free(e);
	double slope = (m * sxy - sx * sy) / (m * sxx - sx * sx);

	return -60.0 / slope;
}

static void test_reverb_rt60(void **state)
{
	static const float decays[] = { 0.5f, 2.0f, 6.0f };
	static const double bands[] = { 500.0, 1000.0, 2000.0 };
	struct reverb r;
	void *mem = rv_new(&r);

	(void)state;
	for (size_t k = 0; k < 3; k++) {
		long n = (long)((0.8 * (double)decays[k] + 0.5) * DT_RATE);
		v4f *ir;

		reverb_init(&r, mem, (float)DT_RATE);
		reverb_set_decay_s(&r, decays[k]);
		reverb_set_low_ratio(&r, 1.0f);
		reverb_set_high_ratio(&r, 1.0f);
		reverb_set_predelay_ms(&r, 0.0f);
		reverb_settle(&r);
		ir = impulse_response(&r, n);
		for (int l = 0; l < 2; l++) {
			for (int b = 0; b < 3; b++) {
				double t = rt60_band(ir, n, l, bands[b]);

				print_message("decay %.1f s, lane %d, %4.0f Hz: RT60 %.3f s\n",
					      (double)decays[k], l, bands[b], t);
				dt_assert_near(t, decays[k], 0.1 * (double)decays[k], "RT60");
			}
		}
		free(ir);
	}
	/* With the default ratios (low 1.2, high 0.5) the mid band still holds at 1 kHz, the
	   low band rings 1.2 times as long and the top octave decays about twice as fast. */
	reverb_init(&r, mem, (float)DT_RATE);
	reverb_set_high_cut_hz(&r, 20000.0f);
	reverb_settle(&r);
	{
		long n = (long)(2.5 * DT_RATE);
		v4f *ir = impulse_response(&r, n);
		double t1k = rt60_band(ir, n, 0, 1000.0), t8k = rt60_band(ir, n, 0, 8000.0);
		double t12k = rt60_band(ir, n, 0, 12000.0), t100 = rt60_band(ir, n, 0, 100.0);

		print_message("defaults (2 s, low 1.2, high 0.5): 100 Hz %.3f s, 1 kHz %.3f s, "
			      "8 kHz %.3f s, 12 kHz %.3f s\n", t100, t1k, t8k, t12k);
		dt_assert_near(t1k, 2.0, 0.2, "RT60 1 kHz with ratios");
		dt_assert_near(t100, 2.4, 0.3, "RT60 100 Hz, low ratio 1.2");
		assert_true(t8k < 0.8 * t1k);
		dt_assert_near(t12k, 1.0, 0.3, "RT60 12 kHz, high ratio 0.5");
		free(ir);
	}
	free(mem);
}

/* Tail (after 200 ms) correlation between left and right, for three decays. */
static void test_reverb_decorrelated(void **state)
{
	static const float decays[] = { 0.5f, 2.0f, 6.0f };
	struct reverb r;
	void *mem = rv_new(&r);

	(void)state;
	for (size_t k = 0; k < 3; k++) {
		long n = (long)(1.5 * DT_RATE), t0 = (long)(0.2 * DT_RATE);
		double sll = 0, srr = 0, slr = 0;
		v4f *ir;

		reverb_init(&r, mem, (float)DT_RATE);
		reverb_set_decay_s(&r, decays[k]);
		reverb_settle(&r);
		ir = impulse_response(&r, n);
		for (long i = t0; i < n; i++) {
			sll += (double)ir[i][0] * ir[i][0];
			srr += (double)ir[i][1] * ir[i][1];
			slr += (double)ir[i][0] * ir[i][1];
		}
		double c = slr / sqrt(sll * srr);

		print_message("decay %.1f s: tail correlation L/R %+.4f\n", (double)decays[k], c);
		assert_true(fabs(c) < 0.3);
		free(ir);
	}
	free(mem);
}

/* Predelay: nothing before it, the diffused input right at it. */
static void test_reverb_predelay(void **state)
{
	static const float pds[] = { 0.0f, 50.0f, 150.0f, 200.0f };
	struct reverb r;
	void *mem = rv_new(&r);

	(void)state;
	for (size_t k = 0; k < 4; k++) {
		long n = 12000, pd = (long)(pds[k] * 48.0f), first = -1;
		v4f *ir;

		reverb_init(&r, mem, (float)DT_RATE);
		reverb_set_predelay_ms(&r, pds[k]);
		reverb_settle(&r);
		ir = impulse_response(&r, n);
		for (long i = 0; i < n && first < 0; i++)
			if (ir[i][0] != 0.0f || ir[i][1] != 0.0f)
				first = i;
		print_message("predelay %g ms: first output at sample %ld\n", (double)pds[k],
			      first);
		assert_int_equal(first, pd);
		/* and real energy within 20 ms of it */
		assert_true(dt_rms_db(ir + pd, 960, 0) > -60.0);
		free(ir);
	}
	free(mem);
}

/*
 * Three minutes of full-scale white noise at the maximum settings: decay 10 s, size 2,
 * diffusion 1, low ratio 2, high ratio 1, high cut 20 kHz. Output finite and bounded
 * (a lossless-plus-damping FDN cannot grow), then it decays after the noise stops.
 */
static void test_reverb_stable_max(void **state)
{
	const long chunk = 48000, n_chunks = 180;
	struct reverb r;
	struct dt_clock clk = { 0 };
	void *mem = rv_new(&r);
	v4f *buf = dt_alloc(chunk);
	double peak = 0.0, last_rms = 0.0;

	(void)state;
	reverb_set_decay_s(&r, 10.0f);
	reverb_set_size(&r, 2.0f);
	reverb_set_diffusion(&r, 1.0f);
	reverb_set_low_ratio(&r, 2.0f);
	reverb_set_high_ratio(&r, 1.0f);
	reverb_set_high_cut_hz(&r, 20000.0f);
	reverb_settle(&r);
	for (long c = 0; c < n_chunks; c++) {
		dt_noise_fill(buf, chunk, (uint32_t)(c + 1), 1.0f);
		assert_int_equal(dt_run(&r, rv_begin_cb, rv_process_cb, &clk, buf, chunk, 256), 0);
		assert_true(dt_all_finite(buf, chunk));
		peak = fmax(peak, fmax(dt_peak(buf, chunk, 0), dt_peak(buf, chunk, 1)));
		last_rms = dt_rms_db(buf, chunk, 0);
	}
	print_message("3 min noise at max settings: peak %.2f, last second %.1f dBFS rms\n",
		      peak, last_rms);
	assert_true(peak < 100.0);
	/* 10 s after the noise stops the tail is about 60 dB down (RT60 10 s) */
	for (long c = 0; c < 10; c++) {
		memset(buf, 0, (size_t)chunk * sizeof(v4f));
		dt_run(&r, rv_begin_cb, rv_process_cb, &clk, buf, chunk, 256);
	}
	print_message("10 s later: %.1f dBFS rms\n", dt_rms_db(buf, chunk, 0));
	assert_true(dt_rms_db(buf, chunk, 0) < last_rms - 40.0);
	free(mem);
	free(buf);
}

/*
 * No denormal slow-down, without FTZ: after a noise burst the tail (decay 2 s) decays
 * through the flush level and ends in exact zeros; no output sample is ever subnormal.
 */
static void test_reverb_tail_ends_in_zeros(void **state)
{
	const long chunk = 48000;
	struct reverb r;
	struct dt_clock clk = { 0 };
	void *mem = rv_new(&r);
	v4f *buf = dt_alloc(chunk);
	long n_sub = 0;

	(void)state;
	reverb_set_decay_s(&r, 2.0f);
	reverb_settle(&r);
	dt_noise_fill(buf, chunk, 5, 1.0f);
	dt_run(&r, rv_begin_cb, rv_process_cb, &clk, buf, chunk, 64);
	for (int s = 0; s < 14; s++) {
		memset(buf, 0, (size_t)chunk * sizeof(v4f));
		dt_run(&r, rv_begin_cb, rv_process_cb, &clk, buf, chunk, 64);
		for (long i = 0; i < chunk; i++)
			for (int l = 0; l < 4; l++)
				n_sub += fpclassify(buf[i][l]) == FP_SUBNORMAL;
	}
	print_message("after 14 s of silence: peak %g, subnormal samples %ld\n",
		      dt_peak(buf, chunk, 0), n_sub);
	assert_int_equal(n_sub, 0);
	assert_true(dt_peak(buf, chunk, 0) == 0.0 && dt_peak(buf, chunk, 1) == 0.0);
	free(mem);
	free(buf);
}

static void test_reverb_nan(void **state)
{
	const long n = 48000;
	struct reverb r;
	struct dt_clock clk = { 0 };
	void *mem = rv_new(&r);
	v4f *buf = dt_alloc(n);
	unsigned resets;

	(void)state;
	dt_noise_fill(buf, n, 9, 0.5f);
	buf[1000][0] = NAN;
	buf[2000][1] = INFINITY;
	resets = dt_run(&r, rv_begin_cb, rv_process_cb, &clk, buf, n, 64);
	assert_int_equal(resets, 0x3);
	assert_true(dt_all_finite(buf, n));
	assert_true(dt_rms_db(buf + 24000, 24000, 0) > -40.0);
	assert_true(dt_peak(buf, n, 2) == 0.0 && dt_peak(buf, n, 3) == 0.0);
	free(mem);
	free(buf);
}

/* A module and the memory it runs in. */
struct rv_rig {
	struct reverb m;
	void *mem;
};

static void rv_session(void *ctx, v4f *buf, long n, long period)
{
	struct rv_rig *rig = ctx;
	struct reverb *r = &rig->m;
	struct dt_clock clk = { 0 };
	long t = 0;

	reverb_init(r, rig->mem, (float)DT_RATE);
	for (int step = 0; t < n; step++) {
		long next = t + 2100 + 61 * (step % 5) < n ? t + 2100 + 61 * (step % 5) : n;

		dt_run(r, rv_begin_cb, rv_process_cb, &clk, buf + t, next - t, period);
		t = next;
		reverb_set_size(r, 0.5f + 0.3f * (float)(step % 6));
		reverb_set_decay_s(r, 0.2f + 1.3f * (float)(step % 8));
		reverb_set_predelay_ms(r, 13.0f * (float)(step % 5));
		reverb_set_diffusion(r, 0.2f * (float)(step % 6));
		reverb_set_high_cut_hz(r, 1000.0f + 2500.0f * (float)(step % 8));
		reverb_set_low_ratio(r, 0.5f + 0.3f * (float)(step % 6));
		reverb_set_high_ratio(r, 0.1f + 0.15f * (float)(step % 7));
	}
}

static void test_reverb_chunking_bit_identical(void **state)
{
	const long n = 40000;
	struct rv_rig rig;
	rig.mem = rv_new(&rig.m);
	v4f *in = dt_alloc(n);

	(void)state;
	dt_noise_fill(in, n, 29, 0.5f);
	v4f *ref = dt_expect_chunking_identical(rv_session, &rig, in, n);
	assert_true(dt_rms_db(ref + 20000, 20000, 0) > -40.0);
	free(rig.mem);
	free(in);
	free(ref);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reverb_rt60),
		cmocka_unit_test(test_reverb_decorrelated),
		cmocka_unit_test(test_reverb_predelay),
		cmocka_unit_test(test_reverb_stable_max),
		cmocka_unit_test(test_reverb_tail_ends_in_zeros),
		cmocka_unit_test(test_reverb_nan),
		cmocka_unit_test(test_reverb_chunking_bit_identical),
	};

	return cmocka_run_group_tests_name("reverb", tests, NULL, NULL);
}
