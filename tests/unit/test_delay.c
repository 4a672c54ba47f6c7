/*
 * test_delay.c - the echo: exact sample placement for ms and BPM settings, feedback decay
 * by exactly the set factor, ping-pong alternation, click-free time changes, the loop
 * filters, bit-identical chunking and NaN handling.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "dsp/delay.h"
#include "tests/unit/dsp_test.h"

static void dl_begin_cb(void *m)
{
	delay_block_begin(m);
}

static unsigned dl_process_cb(void *m, v4f *buf, int n)
{
	return delay_process(m, buf, n);
}

static void *dl_new(struct delay *d)
{
	size_t sz = (delay_mem_size((float)DT_RATE) + 63) & ~(size_t)63;
	void *mem = aligned_alloc(64, sz);

	assert_non_null(mem);
	memset(mem, 0xff, sz);	/* "any content", even NaN patterns */
	delay_init(d, mem, (float)DT_RATE);
	return mem;
}

/* Impulse of 1.0 in lane 0 at t0; returns the index of the first nonzero output sample. */
static long first_echo(struct delay *d, long t0, long n, int lane)
{
	v4f *buf = dt_alloc(n);
	struct dt_clock clk = { 0 };
	long at = -1;

	buf[t0][lane] = 1.0f;
	dt_run(d, dl_begin_cb, dl_process_cb, &clk, buf, n, 128);
	for (long i = 0; i < n && at < 0; i++)
		if (buf[i][0] != 0.0f || buf[i][1] != 0.0f)
			at = i;
	free(buf);
	return at;
}

static void test_delay_exact_placement(void **state)
{
	static const struct {
		bool synced;
		float ms_or_bpm;
		enum delay_division div;
		long expect;
	} cases[] = {
		{ false, 1.0f, 0, 48 },
		{ false, 250.0f, 0, 12000 },
		{ false, 333.33f, 0, 16000 },	/* 15999.84 rounds to 16000 */
		{ false, 2000.0f, 0, 96000 },
		{ true, 120.0f, DELAY_DIV_1_4, 24000 },
		{ true, 120.0f, DELAY_DIV_1_8_DOTTED, 18000 },
		{ true, 120.0f, DELAY_DIV_1_8_TRIPLET, 8000 },	/* 333.33 ms, exact here */
		{ true, 120.0f, DELAY_DIV_1_8, 12000 },
		{ true, 120.0f, DELAY_DIV_1_16, 6000 },
		{ true, 120.0f, DELAY_DIV_1_2, 48000 },
		{ true, 100.0f, DELAY_DIV_1_8_TRIPLET, 9600 },
		{ true, 140.0f, DELAY_DIV_1_8_TRIPLET, 6857 },	/* 6857.14 */
		{ true, 97.0f, DELAY_DIV_1_4, 29691 },		/* 29690.72 */
		{ true, 20.0f, DELAY_DIV_1_2, 96000 },		/* 6 s, held at 2000 ms */
	};
	struct delay d;
	void *mem = dl_new(&d);

	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		delay_init(&d, mem, (float)DT_RATE);
		if (cases[k].synced)
			delay_set_tempo(&d, cases[k].ms_or_bpm, cases[k].div);
		else
			delay_set_time_ms(&d, cases[k].ms_or_bpm);
		delay_settle(&d);
		assert_int_equal(delay_time_samples(&d), cases[k].expect);
		assert_int_equal(first_echo(&d, 333, cases[k].expect + 1000, 0) - 333,
				 cases[k].expect);
	}
	free(mem);
}

/* Repeats: exact placement and exactly fb times the one before (filters off). */
static void test_delay_feedback_exact(void **state)
{
	static const float fbs[] = { 10.0f, 50.0f, 95.0f };
	const long dly = 1000, n = 12 * dly;
	struct delay d;
	void *mem = dl_new(&d);

	(void)state;
	for (size_t k = 0; k < 3; k++) {
		v4f *buf = dt_alloc(n);
		struct dt_clock clk = { 0 };
		float fb = fbs[k] * 0.01f;

		delay_init(&d, mem, (float)DT_RATE);
		delay_set_time_ms(&d, 1000.0f * (float)dly / (float)DT_RATE);
		delay_set_feedback_pct(&d, fbs[k]);
		delay_settle(&d);
		buf[5][0] = 1.0f;
		buf[5][1] = -0.5f;
		dt_run(&d, dl_begin_cb, dl_process_cb, &clk, buf, n, 64);
		for (long i = 0; i < n; i++) {
			long r = (i - 5) / dly;
			bool on = i > 5 && (i - 5) % dly == 0;

			if (!on) {
				assert_true(buf[i][0] == 0.0f && buf[i][1] == 0.0f);
				continue;
			}
			if (r > 1) {
				assert_true(buf[i][0] == fb * buf[i - dly][0]);
				assert_true(buf[i][1] == fb * buf[i - dly][1]);
			} else {
				assert_true(buf[i][0] == 1.0f && buf[i][1] == -0.5f);
			}
		}
		free(buf);
	}
	free(mem);
}

/* Ping-pong: echoes alternate L, R, L, ... each side silent when the other sounds. */
static void test_delay_pingpong(void **state)
{
	const long dly = 700, n = 8 * dly;
	v4f *buf = dt_alloc(n);
	struct dt_clock clk = { 0 };
	struct delay d;
	void *mem = dl_new(&d);

	(void)state;
	delay_set_time_ms(&d, 1000.0f * (float)dly / (float)DT_RATE);
	delay_set_feedback_pct(&d, 50.0f);
	delay_set_pingpong(&d, true);
	delay_settle(&d);
	buf[10][0] = 1.0f;	/* input on one side only: it still starts on the left */
	dt_run(&d, dl_begin_cb, dl_process_cb, &clk, buf, n, 64);
	for (int r = 1; r < 7; r++) {
		long i = 10 + r * dly;
		int side = (r - 1) & 1;
		double expect = 0.5 * pow(0.5, r - 1);

		dt_assert_near(buf[i][side], expect, 1e-7, "repeat %d side %d", r, side);
		assert_true(buf[i][1 - side] == 0.0f);
	}
	free(mem);
	free(buf);
}

/*
 * Time changes while a 440 Hz sine at -6 dBFS plays: 250 <-> 251 ms, 250 -> 800 ms, BPM
 * changes mid-fade, every 100 ms for 2 s. Bound as in test_eq.c: max |y[n] - y[n-1]| and
 * max second difference <= 1.5 x the input's own, times the loop's largest gain
 * 1 / (1 - fb).
 */
static void test_delay_time_change_click_free(void **state)
{
	static const float fbs[] = { 0.0f, 50.0f };
	const long seg = 4800, n_seg = 20, n = seg * n_seg;
	double hz[4] = { 440, 440, 440, 440 }, amp[4] = { 0.5, 0.5, 0.5, 0.5 };
	struct delay d;
	void *mem = dl_new(&d);

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		struct dt_sine osc;
		struct dt_clock clk = { 0 };
		v4f *buf = dt_alloc(n);
		double in_step, in_step2, gain = 1.0 / (1.0 - 0.01 * (double)fbs[k]);

		dt_sine_init(&osc, hz, amp);
		dt_sine_fill(&osc, buf, n);
		/* a 10 ms fade-in, or the onset's own corner echoes through the feedback */
		for (long i = 0; i < 480; i++)
			buf[i] *= (float)(0.5 - 0.5 * cos(M_PI * (double)i / 480.0));
		in_step = dt_max_step(buf, n, 0);
		in_step2 = dt_max_step2(buf, n, 0);
		delay_init(&d, mem, (float)DT_RATE);
		delay_set_time_ms(&d, 250.0f);
		delay_set_feedback_pct(&d, fbs[k]);
		delay_settle(&d);
		for (long s = 0; s < n_seg; s++) {
			if (s >= 4) {
				switch (s % 4) {
				case 0:
					delay_set_time_ms(&d, 251.0f);
					break;
				case 1:
					delay_set_time_ms(&d, 800.0f);
					break;
				case 2:
					delay_set_tempo(&d, 97.0f + (float)s, DELAY_DIV_1_8_TRIPLET);
					delay_set_tempo(&d, 120.0f, DELAY_DIV_1_8);	/* mid-fade */
					break;
				default:
					delay_set_time_ms(&d, 250.0f);
					break;
				}
			}
			dt_run(&d, dl_begin_cb, dl_process_cb, &clk, buf + s * seg, seg, 61);
		}
		/* from the first echo on */
		for (int l = 0; l < 2; l++) {
			long t0 = 12000 + 10;
			double st = dt_max_step(buf + t0, n - t0, l);
			double st2 = dt_max_step2(buf + t0, n - t0, l);

			print_message("fb %g%% lane %d: max step %.5f (bound %.5f), 2nd diff %.6f "
				      "(bound %.6f)\n", (double)fbs[k], l, st, 1.5 * in_step * gain,
				      st2, 1.5 * in_step2 * gain);
			assert_true(st <= 1.5 * in_step * gain);
			assert_true(st2 <= 1.5 * in_step2 * gain);
		}
		free(buf);
	}
	free(mem);
}

/* Loop filters: a repeat of a 10 kHz tone loses more with the high cut at 2 kHz. */
static void test_delay_loop_filters(void **state)
{
	const long dly = 4800, n = 4 * dly;
	double hz[4] = { 10000, 100, 10000, 100 }, amp[4] = { 0.5, 0.5, 0.5, 0.5 };
	struct delay d;
	void *mem = dl_new(&d);
	struct dt_sine osc;
	struct dt_clock clk = { 0 };
	v4f *buf = dt_alloc(n);

	(void)state;
	delay_set_time_ms(&d, 100.0f);
	delay_set_feedback_pct(&d, 90.0f);
	delay_set_high_cut_hz(&d, 2000.0f);
	delay_set_low_cut_hz(&d, 1000.0f);
	delay_settle(&d);
	dt_sine_init(&osc, hz, amp);
	dt_sine_fill(&osc, buf, dly);	/* 100 ms burst, then silence */
	dt_run(&d, dl_begin_cb, dl_process_cb, &clk, buf, n, 64);
	/* second repeat vs first: 10 kHz through one pole at 2 kHz (about -14 dB) and a
	   100 Hz tone through a 1 kHz high-pass (about -20 dB), both far below the 0.9 */
	double r0 = dt_rms_db(buf + 2 * dly, dly, 0) - dt_rms_db(buf + dly, dly, 0);
	double r1 = dt_rms_db(buf + 2 * dly, dly, 1) - dt_rms_db(buf + dly, dly, 1);

	print_message("second repeat re first: 10 kHz %.2f dB, 100 Hz %.2f dB\n", r0, r1);
	assert_true(r0 < -10.0 && r0 > -20.0);
	assert_true(r1 < -15.0 && r1 > -25.0);
	free(mem);
	free(buf);
}

/* A module and the memory it runs in. */
struct dl_rig {
	struct delay m;
	void *mem;
};

static void dl_session(void *ctx, v4f *buf, long n, long period)
{
	struct dl_rig *rig = ctx;
	struct delay *d = &rig->m;
	struct dt_clock clk = { 0 };
	long t = 0;

	delay_init(d, rig->mem, (float)DT_RATE);
	for (int step = 0; t < n; step++) {
		long next = t + 1700 + 53 * (step % 5) < n ? t + 1700 + 53 * (step % 5) : n;

		dt_run(d, dl_begin_cb, dl_process_cb, &clk, buf + t, next - t, period);
		t = next;
		delay_set_time_ms(d, 10.0f + 7.0f * (float)(step % 9));
		delay_set_feedback_pct(d, (float)(step * 13 % 96));
		delay_set_pingpong(d, step % 3 == 0);
		delay_set_high_cut_hz(d, 1000.0f + 3000.0f * (float)(step % 7));
		delay_set_low_cut_hz(d, 20.0f + 100.0f * (float)(step % 4));
		if (step % 4 == 1)
			delay_set_tempo(d, 300.0f - (float)step, DELAY_DIV_1_16);
	}
}

static void test_delay_chunking_bit_identical(void **state)
{
	const long n = 40000;
	struct dl_rig rig;
	rig.mem = dl_new(&rig.m);
	v4f *in = dt_alloc(n);

	(void)state;
	dt_noise_fill(in, n, 17, 0.5f);
	v4f *ref = dt_expect_chunking_identical(dl_session, &rig, in, n);
	assert_true(dt_rms_db(ref + 20000, 20000, 0) > -30.0);
	free(rig.mem);
	free(in);
	free(ref);
}

static void test_delay_nan(void **state)
{
	const long n = 9600;
	struct delay d;
	struct dt_clock clk = { 0 };
	void *mem = dl_new(&d);
	v4f *buf = dt_alloc(n);
	unsigned resets;

	(void)state;
	delay_set_time_ms(&d, 10.0f);
	delay_set_feedback_pct(&d, 95.0f);
	delay_settle(&d);
	dt_noise_fill(buf, n, 23, 0.5f);
	buf[100][1] = NAN;
	buf[200][0] = -INFINITY;
	buf[300][3] = NAN;	/* lane 3 is not used */
	resets = dt_run(&d, dl_begin_cb, dl_process_cb, &clk, buf, n, 64);
	assert_int_equal(resets, 0x3);
	assert_true(dt_all_finite(buf, n));
	assert_true(dt_peak(buf + 5000, n - 5000, 0) > 0.1);
	/* lanes 2 and 3 come out silent */
	assert_true(dt_peak(buf, n, 2) == 0.0 && dt_peak(buf, n, 3) == 0.0);
	free(mem);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delay_exact_placement),
		cmocka_unit_test(test_delay_feedback_exact),
		cmocka_unit_test(test_delay_pingpong),
		cmocka_unit_test(test_delay_time_change_click_free),
		cmocka_unit_test(test_delay_loop_filters),
		cmocka_unit_test(test_delay_chunking_bit_identical),
		cmocka_unit_test(test_delay_nan),
	};

	return cmocka_run_group_tests_name("delay", tests, NULL, NULL);
}
