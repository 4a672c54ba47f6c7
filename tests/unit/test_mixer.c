/*
 * test_mixer.c - the mixing core against analytic answers: pan laws at -1, 0, +1 and in
 * between, gain ramps (a 40 dB jump is a ramp of at least 10 ms), output independent of how
 * a period is cut (1, 7, 64, 253 frames), stereo balance, and non-finite or absurd input never
 * reaching the outputs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/fpu.h"
#include "dsp/mixer.h"
#include "dsp/pan.h"

#define RATE 48000.0f
#define PI_F 3.14159265358979f

static double db(double lin)
{
	return 20.0 * log10(lin);
}

/* ---- pan laws ---- */

static void test_pan_law_3db(void **state)
{
	(void)state;
	float l, r;
	pan_gains(PAN_LAW_3DB, 0.0f, &l, &r);
	assert_float_equal(db(l), -3.0103, 0.001);
	assert_float_equal(db(r), -3.0103, 0.001);
	pan_gains(PAN_LAW_3DB, -1.0f, &l, &r);
	assert_true(l == 1.0f && r == 0.0f);
	pan_gains(PAN_LAW_3DB, 1.0f, &l, &r);
	assert_true(l == 0.0f && r == 1.0f);
	/* Constant power across the sweep. */
	for (float p = -1.0f; p <= 1.0f; p += 0.05f) {
		pan_gains(PAN_LAW_3DB, p, &l, &r);
		assert_float_equal(l * l + r * r, 1.0, 1e-5);
		assert_float_equal(l, cos((p + 1.0) * M_PI / 4.0), 1e-5);
	}
}

static void test_pan_law_6db(void **state)
{
	(void)state;
	float l, r;
	pan_gains(PAN_LAW_6DB, 0.0f, &l, &r);
	assert_float_equal(db(l), -6.0206, 0.001);
	assert_float_equal(db(r), -6.0206, 0.001);
	pan_gains(PAN_LAW_6DB, 0.5f, &l, &r);
	assert_float_equal(l, 0.25, 1e-6);
	assert_float_equal(r, 0.75, 1e-6);
	pan_gains(PAN_LAW_6DB, -1.0f, &l, &r);
	assert_true(l == 1.0f && r == 0.0f);
	for (float p = -1.0f; p <= 1.0f; p += 0.05f) {
		pan_gains(PAN_LAW_6DB, p, &l, &r);
		assert_float_equal(l + r, 1.0, 1e-5);   /* mono sum is constant */
	}
}

static void test_pan_law_4_5db(void **state)
{
	(void)state;
	float l, r;
	pan_gains(PAN_LAW_4_5DB, 0.0f, &l, &r);
	assert_float_equal(db(l), -4.5154, 0.001);  /* the mean of -3.01 and -6.02 */
	assert_float_equal(db(r), -4.5154, 0.001);
	pan_gains(PAN_LAW_4_5DB, 1.0f, &l, &r);
	assert_true(l == 0.0f && r == 1.0f);
	pan_gains(PAN_LAW_4_5DB, -0.5f, &l, &r);
	double theta = 0.5 * M_PI / 4.0;
	assert_float_equal(l, sqrt(cos(theta) * 0.75), 1e-5);
	assert_float_equal(r, sqrt(sin(theta) * 0.25), 1e-5);
}

static void test_pan_law_from_db(void **state)
{
	(void)state;
	assert_int_equal(pan_law_from_db(-3.0f), PAN_LAW_3DB);
	assert_int_equal(pan_law_from_db(-4.5f), PAN_LAW_4_5DB);
	assert_int_equal(pan_law_from_db(-6.0f), PAN_LAW_6DB);
	assert_int_equal(pan_law_from_db(-4.0f), -1);
	assert_int_equal(pan_law_from_db(3.0f), -1);
}

static void test_balance(void **state)
{
	(void)state;
	float l, r;
	pan_balance_gains(PAN_LAW_3DB, 0.0f, &l, &r);
	assert_float_equal(l, 1.0, 1e-6);
	assert_float_equal(r, 1.0, 1e-6);
	pan_balance_gains(PAN_LAW_3DB, 1.0f, &l, &r);
	assert_float_equal(l, 0.0, 1e-6);
	assert_float_equal(r, 1.0, 1e-6);   /* clamped: balance never boosts */
	pan_balance_gains(PAN_LAW_3DB, -0.5f, &l, &r);
	assert_float_equal(l, 1.0, 1e-6);
	assert_float_equal(r, sin(0.5 * M_PI / 4.0) / sin(M_PI / 4.0), 1e-5);
}

/* ---- a mixer with its memory, as the engine builds it ---- */

struct rig {
	struct mixer m;
	void *mem;
	int n_inputs;
};

static void rig_build(struct rig *rig, int n_channels, const bool *is_stereo, enum pan_law law)
{
	struct mixer_layout layout = { .n_channels = n_channels, .is_stereo = is_stereo };
	size_t size = mixer_mem_size(&layout, RATE);
	assert_int_equal(posix_memalign(&rig->mem, 64, size), 0);
	memset(rig->mem, 0xA5, size);   /* init must not depend on zeroed memory */
	assert_int_equal(mixer_init(&rig->m, rig->mem, &layout, RATE, law), 0);
	rig->n_inputs = mixer_n_inputs(&rig->m);
}

static void rig_free(struct rig *rig)
{
	free(rig->mem);
}

/* Run frames of input through the mixer in pieces of `period` frames. */
static void rig_run(struct rig *rig, float **in, float *out_l, float *out_r, int frames,
		    int period)
{
	const float *src[64];
	for (int done = 0; done < frames; done += period) {
		int n = frames - done < period ? frames - done : period;
		for (int k = 0; k < rig->n_inputs; k++)
			src[k] = in[k] + done;
		struct mixer_outputs out = { .master_l = out_l + done, .master_r = out_r + done };
		mixer_process(&rig->m, src, &out, n);
	}
}

static float *sine(int frames, float freq, float amp)
{
	float *x = malloc(sizeof(float) * (size_t)frames);
	for (int i = 0; i < frames; i++)
		x[i] = amp * sinf(2.0f * PI_F * freq * (float)i / RATE);
	return x;
}

static double rms_db(const float *x, int from, int to)
{
	double sum = 0.0;
	for (int i = from; i < to; i++)
		sum += (double)x[i] * x[i];
	return 10.0 * log10(sum / (to - from) + 1e-30);
}

static void test_centre_is_minus_3db(void **state)
{
	(void)state;
	struct rig rig;
	rig_build(&rig, 5, NULL, PAN_LAW_3DB);
	int frames = 4800;
	float *in[5], *l = calloc((size_t)frames, sizeof(float)), *r = calloc((size_t)frames, sizeof(float));
	in[0] = sine(frames, 1000.0f, 0.1f);
	for (int k = 1; k < 5; k++)
		in[k] = calloc((size_t)frames, sizeof(float));
	rig_run(&rig, in, l, r, frames, 64);
	/* The master is late by the limiter's look-ahead: compare aligned stretches. */
	int lat = mixer_master_latency(&rig.m);
	double in_db = rms_db(in[0], 0, frames - lat);
	assert_float_equal(rms_db(l, lat, frames) - in_db, -3.0103, 0.001);
	assert_float_equal(rms_db(r, lat, frames) - in_db, -3.0103, 0.001);
	for (int k = 0; k < 5; k++)
		free(in[k]);
	free(l), free(r);
	rig_free(&rig);
}

static void test_fader_pan_mute_follow_the_law(void **state)
{
	(void)state;
	struct rig rig;
	rig_build(&rig, 2, NULL, PAN_LAW_3DB);
	int frames = 9600;
	float *in[2] = { sine(frames, 1000.0f, 0.1f), sine(frames, 300.0f, 0.1f) };
	float *l = calloc((size_t)frames, sizeof(float)), *r = calloc((size_t)frames, sizeof(float));
	double in_db = rms_db(in[0], 0, frames);

	mixer_set_fader_db(&rig.m, 0, -6.0f);
	mixer_set_pan(&rig.m, 0, 0.5f);
	mixer_set_mute(&rig.m, 1, true);
	rig_run(&rig, in, l, r, frames, 64);
	/* After the 20 ms ramps (960 frames), the second half is steady. */
	double theta = 1.5 * M_PI / 4.0;
	assert_float_equal(rms_db(l, 4800, frames) - in_db, -6.0 + db(cos(theta)), 0.01);
	assert_float_equal(rms_db(r, 4800, frames) - in_db, -6.0 + db(sin(theta)), 0.01);

	mixer_set_mute(&rig.m, 0, true);
	rig_run(&rig, in, l, r, frames, 64);
	assert_true(rms_db(l, 4800, frames) < -200.0);
	assert_true(rms_db(r, 4800, frames) < -200.0);

	mixer_set_mute(&rig.m, 0, false);
	master_set_fader_db(&rig.m.master, -10.0f);
	rig_run(&rig, in, l, r, frames, 64);
	assert_float_equal(rms_db(l, 4800, frames) - in_db, -16.0 + db(cos(theta)), 0.01);

	free(in[0]), free(in[1]), free(l), free(r);
	rig_free(&rig);
}

static void test_fader_jump_is_a_ramp(void **state)
{
	(void)state;
	struct rig rig;
	rig_build(&rig, 1, NULL, PAN_LAW_3DB);
	mixer_set_fader_db(&rig.m, 0, -40.0f);
	mixer_settle(&rig.m);

	int frames = 4800;
	float *dc = malloc(sizeof(float) * (size_t)frames);
	for (int i = 0; i < frames; i++)
		dc[i] = 1.0f;
	float *in[1] = { dc };
	float *l = calloc((size_t)frames, sizeof(float)), *r = calloc((size_t)frames, sizeof(float));
	mixer_set_fader_db(&rig.m, 0, 0.0f);
	rig_run(&rig, in, l, r, frames, 64);

	float lo = 0.01f * (float)M_SQRT1_2, hi = (float)M_SQRT1_2;
	int first_moving = -1, arrived = -1;
	float max_step = 0.0f;
	/* Skip the limiter's look-ahead filling, where the DC itself starts. */
	for (int i = mixer_master_latency(&rig.m) + 1; i < frames; i++) {
		if (first_moving < 0 && l[i] > lo * 1.0001f)
			first_moving = i;
		if (arrived < 0 && fabsf(l[i] - hi) < 1e-6f)
			arrived = i;
		if (i > 0 && fabsf(l[i] - l[i - 1]) > max_step)
			max_step = fabsf(l[i] - l[i - 1]);
	}
	assert_true(first_moving >= 0 && arrived > first_moving);
	/* At least 10 ms (480 frames) from leaving -40 dB to arriving at 0 dB. */
	assert_true(arrived - first_moving >= 480);
	/* The steepest sample step is that of a straight 20 ms line, never a jump. */
	assert_true(max_step <= (hi - lo) / 900.0f);
	free(dc), free(l), free(r);
	rig_free(&rig);
}

/* Same signal, same control changes at the same sample, any period: identical output. */
static void test_period_does_not_change_output(void **state)
{
	(void)state;
	static const int periods[] = { 1, 7, 64, 253, 1024 };
	int frames = 6000, n_ch = 6;
	float *in[6];
	for (int k = 0; k < n_ch; k++)
		in[k] = sine(frames, 100.0f + 211.0f * (float)k, 0.2f);
	float *ref_l = NULL, *ref_r = NULL;

	for (size_t p = 0; p < sizeof periods / sizeof periods[0]; p++) {
		struct rig rig;
		rig_build(&rig, n_ch, NULL, PAN_LAW_3DB);
		float *l = calloc((size_t)frames, sizeof(float)), *r = calloc((size_t)frames, sizeof(float));
		/* Changes land between two runs at sample 2000, which every period reaches. */
		rig_run(&rig, in, l, r, 2000, periods[p]);
		mixer_set_fader_db(&rig.m, 2, -20.0f);
		mixer_set_pan(&rig.m, 4, -0.7f);
		mixer_set_mute(&rig.m, 5, true);
		master_set_fader_db(&rig.m.master, 3.0f);
		float *rest[6];
		for (int k = 0; k < n_ch; k++)
			rest[k] = in[k] + 2000;
		rig_run(&rig, rest, l + 2000, r + 2000, frames - 2000, periods[p]);
		if (!ref_l) {
			ref_l = l, ref_r = r;
		} else {
			assert_memory_equal(l, ref_l, sizeof(float) * (size_t)frames);
			assert_memory_equal(r, ref_r, sizeof(float) * (size_t)frames);
			free(l), free(r);
		}
		rig_free(&rig);
	}
	for (int k = 0; k < n_ch; k++)
		free(in[k]);
	free(ref_l), free(ref_r);
}

static void test_stereo_channel_balance(void **state)
{
	(void)state;
	bool is_stereo[3] = { false, true, false };
	struct rig rig;
	rig_build(&rig, 3, is_stereo, PAN_LAW_3DB);
	assert_int_equal(rig.n_inputs, 4);
	/* The stereo pair starts on an even lane. */
	assert_int_equal(rig.m.channel_lane[1] % 2, 0);

	int frames = 4800;
	float *in[4] = { calloc((size_t)frames, sizeof(float)), sine(frames, 500.0f, 0.1f),
			 sine(frames, 700.0f, 0.1f), calloc((size_t)frames, sizeof(float)) };
	float *l = calloc((size_t)frames, sizeof(float)), *r = calloc((size_t)frames, sizeof(float));
	rig_run(&rig, in, l, r, frames, 64);
	int lat = mixer_master_latency(&rig.m);
	double in_db = rms_db(in[1], 0, frames - lat);
	/* Centred balance: each side passes at unity, to its own side only. */
	assert_float_equal(rms_db(l, lat, frames), in_db, 0.001);
	assert_float_equal(rms_db(r, lat, frames), rms_db(in[2], 0, frames - lat), 0.001);

	mixer_set_pan(&rig.m, 1, 1.0f);   /* balance hard right: the left side is gone */
	rig_run(&rig, in, l, r, frames, 64);
	assert_true(rms_db(l, 2400, frames) < -200.0);
	assert_float_equal(rms_db(r, 2400, frames), rms_db(in[2], 2400, frames), 0.001);
	for (int k = 0; k < 4; k++)
		free(in[k]);
	free(l), free(r);
	rig_free(&rig);
}

/*
 * Four channels of a 0.1 sine, spoiled at a few samples by spoil(): every output sample stays
 * finite and bounded, exactly n_bad samples are counted, and the bad sample is silenced, not
 * the channel: the sample after it is intact (at the output, the limiter's look-ahead later).
 */
static void expect_bad_samples_silenced(void (*spoil)(float **in), uint64_t n_bad)
{
	struct rig rig;
	rig_build(&rig, 4, NULL, PAN_LAW_3DB);
	int frames = 512;
	float *in[4];
	for (int k = 0; k < 4; k++)
		in[k] = sine(frames, 1000.0f, 0.1f);
	spoil(in);
	float *l = calloc((size_t)frames, sizeof(float)), *r = calloc((size_t)frames, sizeof(float));
	rig_run(&rig, in, l, r, frames, 64);
	for (int i = 0; i < frames; i++)
		assert_true(isfinite(l[i]) && isfinite(r[i]) && fabsf(l[i]) <= 1.0f);
	assert_int_equal(rig.m.n_bad_samples, n_bad);
	float gain = (float)M_SQRT1_2;
	float expect = gain * (in[0][11] + in[1][11] + in[2][11] + in[3][11]);
	assert_float_equal(l[11 + mixer_master_latency(&rig.m)], expect, 1e-6);
	for (int k = 0; k < 4; k++)
		free(in[k]);
	free(l), free(r);
	rig_free(&rig);
}

static void spoil_non_finite(float **in)
{
	in[1][10] = NAN;
	in[2][300] = INFINITY;
	in[3][301] = -INFINITY;
}

static void test_non_finite_input_never_reaches_output(void **state)
{
	(void)state;
	expect_bad_samples_silenced(spoil_non_finite, 3);
}

/* A finite but absurd value, or whatever a garbage bit pattern decodes to, is not audio. */
static void spoil_absurd(float **in)
{
	uint32_t garbage = 0x7e967699u;   /* about 1e38: a random word, read as a float */
	in[1][10] = 1e30f;
	in[2][300] = -1e30f;
	memcpy(&in[3][301], &garbage, sizeof garbage);
	in[0][400] = nextafterf(STRIP_INPUT_MAX, INFINITY);
}

static void test_absurd_input_is_silenced_and_counted(void **state)
{
	(void)state;
	expect_bad_samples_silenced(spoil_absurd, 4);
}

/* strip_process cleans its own input, with every module off (eq.h relies on it). */
static void test_strip_process_sanitises_its_input(void **state)
{
	(void)state;
	struct strip s;
	strip_init(&s, RATE, PAN_LAW_6DB);   /* centre = 0.5 per side: exact in float */
	for (int lane = 0; lane < DSP_LANES; lane++)
		strip_set_role(&s, lane, STRIP_MONO);
	strip_settle(&s);
	strip_block_begin(&s);
	v4f buf[4] = {
		{ NAN, INFINITY, -INFINITY, 1e30f },
		{ STRIP_INPUT_MAX, -STRIP_INPUT_MAX, nextafterf(STRIP_INPUT_MAX, 0.0f), -1e-30f },
		{ nextafterf(STRIP_INPUT_MAX, INFINITY), -257.0f, 0.5f, -3.0e38f },
		{ 1.0f, 2.0f, 3.0f, 4.0f },
	};
	v4f acc_l[4] = { 0 }, acc_r[4] = { 0 }, pfl_l[4] = { 0 }, pfl_r[4] = { 0 };
	assert_int_equal(strip_process(&s, buf, acc_l, acc_r, pfl_l, pfl_r, NULL, 4), 7);
	static const float expect[4][4] = {
		{ 0.0f, 0.0f, 0.0f, 0.0f },
		{ 128.0f, -128.0f, 0.5f * nextafterf(STRIP_INPUT_MAX, 0.0f), -0.5e-30f },
		{ 0.0f, 0.0f, 0.25f, 0.0f },
		{ 0.5f, 1.0f, 1.5f, 2.0f },
	};
	for (int i = 0; i < 4; i++)
		for (int lane = 0; lane < DSP_LANES; lane++) {
			assert_true(acc_l[i][lane] == expect[i][lane]);
			assert_true(acc_r[i][lane] == expect[i][lane]);
		}
}

/*
 * The review's case: 2 mono and 1 stereo channel, reverb, delay and monitor buses, every send
 * at -6 dB, silence but one sample of 1e30. Before the input clamp the reverb and delay
 * carried a +600 dB impulse and the limiter squashed the programme for about 21 s; now the
 * sample is silenced at the strip's input and every output stays digital silence.
 */
static void test_absurd_sample_spares_the_effects(void **state)
{
	(void)state;
	static const enum bus_type types[3] = { BUS_REVERB, BUS_DELAY, BUS_MONITOR };
	static const bool bus_stereo[3] = { true, true, false };
	static const bool ch_stereo[3] = { false, false, true };
	struct mixer_layout layout = { .n_channels = 3, .is_stereo = ch_stereo, .n_buses = 3,
				       .bus_type = types, .bus_is_stereo = bus_stereo };
	struct mixer m;
	void *mem;
	assert_int_equal(posix_memalign(&mem, 64, mixer_mem_size(&layout, RATE)), 0);
	assert_int_equal(mixer_init(&m, mem, &layout, RATE, PAN_LAW_3DB), 0);
	for (int ch = 0; ch < 3; ch++)
		for (int bus = 0; bus < 3; bus++) {
			mixer_set_send_on(&m, ch, bus, true);
			mixer_set_send_level_db(&m, ch, bus, -6.0f);
		}
	mixer_settle(&m);

	enum { FRAMES = 48000, PERIOD = 64 };   /* one second */
	float *zero = calloc(FRAMES, sizeof(float)), *bad = calloc(FRAMES, sizeof(float));
	float *l = calloc(PERIOD, sizeof(float)), *r = calloc(PERIOD, sizeof(float));
	float *mon = calloc(PERIOD, sizeof(float));
	bad[1000] = 1e30f;
	const float *src[4];
	for (int done = 0; done < FRAMES; done += PERIOD) {
		src[0] = bad + done;
		src[1] = src[2] = src[3] = zero + done;
		struct mixer_outputs out = { .master_l = l, .master_r = r };
		out.bus_l[2] = mon;
		mixer_process(&m, src, &out, PERIOD);
		for (int i = 0; i < PERIOD; i++)
			assert_true(l[i] == 0.0f && r[i] == 0.0f && mon[i] == 0.0f);
	}
	assert_int_equal(m.n_bad_samples, 1);
	free(zero), free(bad), free(l), free(r), free(mon), free(mem);
}

/* ---- aux buses ---- */

struct bus_rig {
	struct mixer m;
	void *mem;
	float *mon, *fx_l, *fx_r, *l, *r;
};

/* Two mono channels; bus 0 a mono monitor mix, bus 1 a stereo effect (no effect inside yet). */
static void bus_rig_build(struct bus_rig *b)
{
	static const enum bus_type types[2] = { BUS_MONITOR, BUS_REVERB };
	static const bool stereo[2] = { false, true };
	struct mixer_layout layout = { .n_channels = 2, .n_buses = 2, .bus_type = types,
				       .bus_is_stereo = stereo };
	assert_int_equal(posix_memalign(&b->mem, 64, mixer_mem_size(&layout, RATE)), 0);
	assert_int_equal(mixer_init(&b->m, b->mem, &layout, RATE, PAN_LAW_3DB), 0);
	b->mon = calloc(4800, sizeof(float));
	b->l = calloc(4800, sizeof(float));
	b->r = calloc(4800, sizeof(float));
}

static void bus_rig_run(struct bus_rig *b, float **in)
{
	const float *src[2];
	for (int done = 0; done < 4800; done += 64) {
		struct mixer_outputs out = { .master_l = b->l + done, .master_r = b->r + done };
		out.bus_l[0] = b->mon + done;
		src[0] = in[0] + done;
		src[1] = in[1] + done;
		mixer_process(&b->m, src, &out, 64);
	}
}

static void bus_rig_free(struct bus_rig *b)
{
	free(b->mem), free(b->mon), free(b->l), free(b->r);
}

static void test_pre_and_post_sends(void **state)
{
	(void)state;
	struct bus_rig b;
	bus_rig_build(&b);
	float *in[2] = { sine(4800, 1000.0f, 0.1f), sine(4800, 300.0f, 0.1f) };
	double in_db = rms_db(in[0], 0, 4800);
	mixer_set_mute(&b.m, 1, true);   /* channel 1 only proves sends stay per channel */
	mixer_settle(&b.m);

	/* Nothing is sent by default: the monitor mix is silent. */
	bus_rig_run(&b, in);
	assert_true(rms_db(b.mon, 2400, 4800) < -200.0);

	/* A pre-fader send at -6 dB ignores the channel's fader and mute. */
	mixer_set_send_pre(&b.m, 0, 0, true);
	mixer_set_send_level_db(&b.m, 0, 0, -6.0f);
	mixer_set_fader_db(&b.m, 0, -30.0f);
	mixer_set_mute(&b.m, 0, true);
	bus_rig_run(&b, in);
	bus_rig_run(&b, in);
	assert_float_equal(rms_db(b.mon, 2400, 4800) - in_db, -6.0, 0.01);

	/* Post-fader, the same send follows the fader, and a mute silences it. */
	mixer_set_send_pre(&b.m, 0, 0, false);
	bus_rig_run(&b, in);
	assert_true(rms_db(b.mon, 2400, 4800) < -200.0);
	mixer_set_mute(&b.m, 0, false);
	bus_rig_run(&b, in);
	assert_float_equal(rms_db(b.mon, 2400, 4800) - in_db, -36.0, 0.01);

	/* Send off: gone; bus fader: the whole mix. */
	mixer_set_send_pre(&b.m, 0, 0, true);
	mixer_set_send_on(&b.m, 0, 0, false);
	bus_rig_run(&b, in);
	assert_true(rms_db(b.mon, 2400, 4800) < -200.0);
	mixer_set_send_on(&b.m, 0, 0, true);
	bus_set_fader_db(&b.m.buses[0], -10.0f);
	bus_rig_run(&b, in);
	assert_float_equal(rms_db(b.mon, 2400, 4800) - in_db, -16.0, 0.01);
	/* A monitor mix never reaches the master: channel 0 is at -30 dB there, nothing more. */
	assert_float_equal(rms_db(b.l, 2400, 4800) - in_db, -30.0 - 3.0103, 0.01);

	free(in[0]), free(in[1]);
	bus_rig_free(&b);
}

/*
 * A send to the reverb bus comes back on the master as the reverb's (wet) return, on both
 * sides even from a hard-left source (the tails are decorrelated), at the bus fader; muting
 * the return silences it.
 */
static void test_effect_return_joins_master(void **state)
{
	(void)state;
	struct bus_rig b;
	bus_rig_build(&b);
	float *zero = calloc(4800, sizeof(float));
	float *in[2] = { sine(4800, 1000.0f, 0.1f), zero };

	mixer_set_fader_db(&b.m, 0, -90.0f);    /* off the master directly */
	mixer_set_pan(&b.m, 0, -1.0f);
	mixer_set_send_pre(&b.m, 0, 1, true);
	mixer_set_send_level_db(&b.m, 0, 1, 0.0f);
	mixer_settle(&b.m);
	for (int k = 0; k < 10; k++)            /* half a second for the room to fill */
		bus_rig_run(&b, in);
	double wet_l = rms_db(b.l, 0, 4800), wet_r = rms_db(b.r, 0, 4800);
	assert_true(wet_l > -40.0 && wet_l < 0.0);
	assert_true(wet_r > -40.0 && wet_r < 0.0);
	for (int i = 0; i < 4800; i++)
		assert_true(isfinite(b.l[i]) && isfinite(b.r[i]));

	bus_set_fader_db(&b.m.buses[1], -12.0f);
	bus_rig_run(&b, in);
	bus_rig_run(&b, in);
	assert_float_equal(rms_db(b.l, 2400, 4800) - wet_l, -12.0, 1.5);
	bus_set_mute(&b.m.buses[1], true);
	bus_rig_run(&b, in);
	assert_true(rms_db(b.l, 2400, 4800) < -200.0);
	free(in[0]), free(zero);
	bus_rig_free(&b);
}

static void test_layout_limits(void **state)
{
	(void)state;
	struct mixer m;
	char mem[64];
	struct mixer_layout too_many = { .n_channels = MIXER_MAX_CHANNELS + 1 };
	assert_int_equal(mixer_init(&m, mem, &too_many, RATE, PAN_LAW_3DB), -22);
	struct rig rig;
	rig_build(&rig, 9, NULL, PAN_LAW_3DB);
	assert_int_equal(rig.m.n_groups, 3);
	assert_int_equal(mixer_input_lane(&rig.m, 8), 8);
	assert_int_equal(mixer_input_lane(&rig.m, 9), -1);
	rig_free(&rig);
}

static void test_flush_to_zero(void **state)
{
	(void)state;
	fpu_flush_denormals();
	assert_true(fpu_denormals_flushed());
	volatile float tiny = 1e-30f;
	volatile float product = tiny * 1e-10f;   /* a denormal without FTZ */
	assert_true(product == 0.0f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pan_law_3db),
		cmocka_unit_test(test_pan_law_6db),
		cmocka_unit_test(test_pan_law_4_5db),
		cmocka_unit_test(test_pan_law_from_db),
		cmocka_unit_test(test_balance),
		cmocka_unit_test(test_centre_is_minus_3db),
		cmocka_unit_test(test_fader_pan_mute_follow_the_law),
		cmocka_unit_test(test_fader_jump_is_a_ramp),
		cmocka_unit_test(test_period_does_not_change_output),
		cmocka_unit_test(test_stereo_channel_balance),
		cmocka_unit_test(test_non_finite_input_never_reaches_output),
		cmocka_unit_test(test_absurd_input_is_silenced_and_counted),
		cmocka_unit_test(test_strip_process_sanitises_its_input),
		cmocka_unit_test(test_absurd_sample_spares_the_effects),
		cmocka_unit_test(test_pre_and_post_sends),
		cmocka_unit_test(test_effect_return_joins_master),
		cmocka_unit_test(test_layout_limits),
		cmocka_unit_test(test_flush_to_zero),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
