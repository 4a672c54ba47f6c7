/*
 * test_indelay.c - the input delay against exact answers: an impulse comes out exactly
 * round(ms * rate / 1000) samples later, per lane, at 48 and 96 kHz; a time change fades
 * between taps without a step larger than the signal's own; a lane woken again never plays
 * what the ring held from an earlier wake; an idle group is not processed at all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "dsp/indelay.h"

struct rig {
	struct indelay d;
	void *mem;
};

static void rig_init(struct rig *r, float rate)
{
	assert_int_equal(posix_memalign(&r->mem, 64, indelay_mem_size(rate)), 0);
	indelay_init(&r->d, r->mem, rate);
}

/* Run n frames of lane signal in[lane][i] through, block by block, into out. */
static void run(struct rig *r, float *const in[DSP_LANES], float *const out[DSP_LANES], int n)
{
	v4f buf[DSP_BLOCK];
	for (int done = 0; done < n; done += DSP_BLOCK) {
		indelay_block_begin(&r->d);
		for (int i = 0; i < DSP_BLOCK; i++)
			for (int l = 0; l < DSP_LANES; l++)
				buf[i][l] = in[l] ? in[l][done + i] : 0.0f;
		indelay_process(&r->d, buf, DSP_BLOCK);
		for (int i = 0; i < DSP_BLOCK; i++)
			for (int l = 0; l < DSP_LANES; l++)
				if (out[l])
					out[l][done + i] = buf[i][l];
	}
}

static int first_nonzero(const float *x, int n)
{
	for (int i = 0; i < n; i++)
		if (x[i] != 0.0f)
			return i;
	return -1;
}

static void test_impulse_lands_on_the_sample(void **state)
{
	(void)state;
	static const float rates[2] = { 48000.0f, 96000.0f };
	static const float ms[DSP_LANES] = { 10.0f, 0.0f, 0.5f, 500.0f };
	for (int k = 0; k < 2; k++) {
		struct rig r;
		rig_init(&r, rates[k]);
		for (int l = 0; l < DSP_LANES; l++) {
			indelay_set_time_ms(&r.d, l, ms[l]);
			indelay_set_on(&r.d, l, true);
		}
		indelay_settle(&r.d);
		int n = (int)(0.6f * rates[k]) / DSP_BLOCK * DSP_BLOCK;
		float *in = calloc((size_t)n, sizeof(float)), *out[DSP_LANES];
		in[100] = 1.0f;
		for (int l = 0; l < DSP_LANES; l++)
			out[l] = calloc((size_t)n, sizeof(float));
		float *ins[DSP_LANES] = { in, in, in, in };
		run(&r, ins, out, n);
		for (int l = 0; l < DSP_LANES; l++) {
			int want = 100 + (int)lroundf(ms[l] * 0.001f * rates[k]);
			assert_int_equal(first_nonzero(out[l], n), want);
			assert_true(out[l][want] == 1.0f);
			free(out[l]);
		}
		free(in);
		free(r.mem);
	}
}

/* 0 -> 5 ms on a 100 Hz sine: the output fades between taps; no step beyond the sine's. */
static void test_time_change_has_no_click(void **state)
{
	(void)state;
	struct rig r;
	rig_init(&r, 48000.0f);
	int n = 48000 / DSP_BLOCK * DSP_BLOCK;
	float *in = malloc(sizeof(float) * (size_t)n), *out = calloc((size_t)n, sizeof(float));
	for (int i = 0; i < n; i++)
		in[i] = sinf(2.0f * 3.14159265f * 100.0f * (float)i / 48000.0f);
	float *ins[DSP_LANES] = { in }, *outs[DSP_LANES] = { out };
	indelay_set_on(&r.d, 0, true);
	indelay_settle(&r.d);
	run(&r, ins, outs, 9600);
	indelay_set_time_ms(&r.d, 0, 5.0f);
	run(&r, ins, outs, n);
	float sine_step = 2.0f * 3.14159265f * 100.0f / 48000.0f, max_step = 0.0f;
	for (int i = 1; i < n; i++)
		max_step = fmaxf(max_step, fabsf(out[i] - out[i - 1]));
	assert_true(max_step <= 2.0f * sine_step);
	/* And it arrives: the last stretch is the input 240 samples late. */
	for (int i = n - 100; i < n; i++)
		assert_float_equal(out[i], in[i - 240], 1e-6);
	free(in), free(out), free(r.mem);
}

/* A lane woken a second time plays silence, not the impulse it recorded the first time. */
static void test_wake_never_plays_stale_audio(void **state)
{
	(void)state;
	struct rig r;
	rig_init(&r, 48000.0f);
	int n = 24000;
	float *in = calloc((size_t)n, sizeof(float)), *silence = calloc((size_t)n, sizeof(float));
	float *out = calloc((size_t)n, sizeof(float));
	in[50] = 1.0f;
	float *ins[DSP_LANES] = { in }, *quiet[DSP_LANES] = { silence }, *outs[DSP_LANES] = { out };
	indelay_set_time_ms(&r.d, 0, 100.0f);
	indelay_set_on(&r.d, 0, true);
	run(&r, ins, outs, 2048);   /* waking: the impulse is recorded */
	indelay_set_on(&r.d, 0, false);
	run(&r, quiet, outs, n);    /* fades to 0 ms, then idle */
	assert_false(r.d.is_active);
	indelay_set_on(&r.d, 0, true);
	run(&r, quiet, outs, n);
	assert_int_equal(first_nonzero(out, n), -1);
	free(in), free(silence), free(out), free(r.mem);
}

/* Every lane off: the group is idle and process leaves the samples alone. */
static void test_idle_group_is_untouched(void **state)
{
	(void)state;
	struct rig r;
	rig_init(&r, 48000.0f);
	indelay_settle(&r.d);
	indelay_block_begin(&r.d);
	assert_false(r.d.is_active);
	v4f buf[DSP_BLOCK];
	for (int i = 0; i < DSP_BLOCK; i++)
		buf[i] = v4f_splat((float)i);
	indelay_process(&r.d, buf, DSP_BLOCK);
	for (int i = 0; i < DSP_BLOCK; i++)
		assert_true(buf[i][3] == (float)i);
	assert_int_equal(r.d.w, 0);
	free(r.mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_impulse_lands_on_the_sample),
		cmocka_unit_test(test_time_change_has_no_click),
		cmocka_unit_test(test_wake_never_plays_stale_audio),
		cmocka_unit_test(test_idle_group_is_untouched),
	};
	return cmocka_run_group_tests_name("input delay", tests, NULL, NULL) ? 1 : 0;
}
