/*
 * test_dca.c - DCA groups against analytic answers: a channel's DCA gain is the product of its
 * DCAs' gains (their dB add), a muted DCA or one at -inf gives 0; through the mixer a DCA
 * moves its members' master level and post-fader sends by its dB and leaves pre-fader sends,
 * non-members and the members' own faders alone; both lanes of a stereo member follow; a DCA
 * jump glides (the strip's 20 ms gain ramp), never steps. Mute groups silence their members,
 * channels and buses, pre-fader sends excepted, and release them to their own mute state.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/dca.h"
#include "dsp/mixer.h"

#define RATE 48000.0f
#define FRAMES 4800
#define PI_F 3.14159265358979f

static double db(double lin)
{
	return 20.0 * log10(lin);
}

static void test_gains_multiply(void **state)
{
	(void)state;
	struct dca_groups g;
	dca_init(&g);
	assert_true(dca_channel_gain(&g, 0) == 1.0f);          /* no DCA: unity */
	assert_true(dca_set_member(&g, 0, 0, true));
	assert_false(dca_set_member(&g, 0, 0, true));         /* no change, no update */
	assert_true(dca_channel_gain(&g, 0) == 1.0f);          /* a DCA at 0 dB */
	assert_true(dca_set_fader_db(&g, 0, -10.0f));
	assert_true(dca_set_member(&g, 0, 2, true));
	assert_true(dca_set_fader_db(&g, 2, 4.0f));
	assert_float_equal(db(dca_channel_gain(&g, 0)), -6.0, 1e-4);
	assert_true(dca_channel_gain(&g, 1) == 1.0f);          /* channel 1 is in none */
	assert_true(dca_set_mute(&g, 2, true));
	assert_true(dca_channel_gain(&g, 0) == 0.0f);
	assert_true(dca_set_mute(&g, 2, false));
	assert_true(dca_set_fader_db(&g, 0, -90.0f));          /* the bottom of a fader is off */
	assert_true(dca_channel_gain(&g, 0) == 0.0f);
	assert_true(dca_set_member(&g, 0, 0, false));
	assert_float_equal(db(dca_channel_gain(&g, 0)), 4.0, 1e-4);
	assert_true(dca_set_member(&g, 255, 7, true));         /* the last channel, the last DCA */
	assert_int_equal(g.member_mask[255], 0x80);
}

/* Channel 0 mono, pre-fader send; channel 1 mono, post-fader send; channel 2 stereo. */
struct rig {
	struct mixer m;
	void *mem;
	float *in[4], *l, *r, *mon;
};

static float *sine(float freq)
{
	float *x = malloc(sizeof(float) * FRAMES);
	for (int i = 0; i < FRAMES; i++)
		x[i] = 0.1f * sinf(2.0f * PI_F * freq * (float)i / RATE);
	return x;
}

static void rig_build(struct rig *r)
{
	static const enum bus_type types[1] = { BUS_MONITOR };
	static const bool bus_stereo[1] = { false };
	static const bool stereo[3] = { false, false, true };
	struct mixer_layout layout = { .n_channels = 3, .is_stereo = stereo, .n_buses = 1,
				       .bus_type = types, .bus_is_stereo = bus_stereo };
	size_t size = mixer_mem_size(&layout, RATE);
	assert_int_equal(posix_memalign(&r->mem, 64, size), 0);
	memset(r->mem, 0xA5, size);
	assert_int_equal(mixer_init(&r->m, r->mem, &layout, RATE, PAN_LAW_3DB), 0);
	assert_int_equal(mixer_n_inputs(&r->m), 4);
	for (int k = 0; k < 4; k++)
		r->in[k] = sine(1000.0f);
	r->l = calloc(FRAMES, sizeof(float));
	r->r = calloc(FRAMES, sizeof(float));
	r->mon = calloc(FRAMES, sizeof(float));
}

static void rig_free(struct rig *r)
{
	for (int k = 0; k < 4; k++)
		free(r->in[k]);
	free(r->l), free(r->r), free(r->mon), free(r->mem);
}

/* Run FRAMES with only input `live` sounding (the others are fed silence). */
static void rig_run(struct rig *r, int live)
{
	static float zero[FRAMES];
	const float *src[4];
	for (int done = 0; done < FRAMES; done += 64) {
		for (int k = 0; k < 4; k++)
			src[k] = (k == live ? r->in[k] : zero) + done;
		struct mixer_outputs out = { .master_l = r->l + done, .master_r = r->r + done };
		out.bus_l[0] = r->mon + done;
		mixer_process(&r->m, src, &out, 64);
	}
}

static double rms_db(const float *x)
{
	double sum = 0.0;
	for (int i = FRAMES / 2; i < FRAMES; i++)
		sum += (double)x[i] * x[i];
	return 10.0 * log10(sum / (FRAMES / 2) + 1e-30);
}

/* Levels of input `live` (settled: run twice) on master L, master R and the monitor. */
static void levels(struct rig *r, int live, double out[3])
{
	rig_run(r, live);
	rig_run(r, live);
	out[0] = rms_db(r->l), out[1] = rms_db(r->r), out[2] = rms_db(r->mon);
}

static void test_members_follow_sends_by_kind(void **state)
{
	(void)state;
	struct rig r;
	rig_build(&r);
	mixer_set_send_pre(&r.m, 0, 0, true);
	mixer_set_send_level_db(&r.m, 0, 0, 0.0f);
	mixer_set_send_level_db(&r.m, 1, 0, 0.0f);   /* post-fader (the default) */
	mixer_set_fader_db(&r.m, 1, -5.0f);
	mixer_settle(&r.m);
	double before[4][3], after[4][3];
	for (int in = 0; in < 4; in++)
		levels(&r, in, before[in]);

	/* Channels 0, 1 and 2 in DCA 4 at -10 dB; channel 1 also in DCA 1 at +3 dB. */
	for (int ch = 0; ch < 3; ch++)
		mixer_set_dca_member(&r.m, ch, 3, true);
	mixer_set_dca_fader_db(&r.m, 3, -10.0f);
	mixer_set_dca_member(&r.m, 1, 0, true);
	mixer_set_dca_fader_db(&r.m, 0, 3.0f);
	for (int in = 0; in < 4; in++)
		levels(&r, in, after[in]);
	assert_float_equal(after[0][0] - before[0][0], -10.0, 0.01);  /* master */
	assert_float_equal(after[0][2] - before[0][2], 0.0, 0.01);    /* pre-fader send */
	assert_float_equal(after[1][0] - before[1][0], -7.0, 0.01);   /* -10 + 3 dB */
	assert_float_equal(after[1][2] - before[1][2], -7.0, 0.01);   /* post-fader send */
	assert_float_equal(after[2][0] - before[2][0], -10.0, 0.01);  /* stereo left lane */
	assert_float_equal(after[3][1] - before[3][1], -10.0, 0.01);  /* stereo right lane */
	/* The channel's own fader is untouched: leaving the DCAs restores exactly its level. */
	assert_true(r.m.strips[0].fader_db[1] == -5.0f);
	mixer_set_dca_member(&r.m, 1, 3, false);
	mixer_set_dca_member(&r.m, 1, 0, false);
	levels(&r, 1, after[1]);
	assert_float_equal(after[1][0] - before[1][0], 0.0, 0.01);
	/* A muted DCA silences its members' master and post sends, not their pre sends. */
	mixer_set_dca_mute(&r.m, 3, true);
	levels(&r, 0, after[0]);
	assert_true(after[0][0] < -200.0);
	assert_float_equal(after[0][2] - before[0][2], 0.0, 0.01);
	assert_false(r.m.strips[0].is_muted[0]);
	rig_free(&r);
}

static void test_dca_jump_is_a_ramp(void **state)
{
	(void)state;
	struct rig r;
	rig_build(&r);
	mixer_set_dca_member(&r.m, 0, 0, true);
	mixer_set_dca_fader_db(&r.m, 0, -40.0f);
	mixer_settle(&r.m);
	for (int i = 0; i < FRAMES; i++)
		r.in[0][i] = 1.0f;   /* DC shows the gain itself */
	mixer_set_dca_fader_db(&r.m, 0, 0.0f);
	rig_run(&r, 0);
	float hi = (float)M_SQRT1_2, lo = 0.01f * hi, max_step = 0.0f;
	int first_moving = -1, arrived = -1;
	for (int i = mixer_master_latency(&r.m) + 1; i < FRAMES; i++) {
		if (first_moving < 0 && r.l[i] > lo * 1.0001f)
			first_moving = i;
		if (arrived < 0 && fabsf(r.l[i] - hi) < 1e-6f)
			arrived = i;
		if (fabsf(r.l[i] - r.l[i - 1]) > max_step)
			max_step = fabsf(r.l[i] - r.l[i - 1]);
	}
	assert_true(first_moving >= 0 && arrived - first_moving >= 480);   /* >= 10 ms */
	assert_true(max_step <= (hi - lo) / 900.0f);                        /* a 20 ms line */
	rig_free(&r);
}

static void test_mute_group_releases_to_own_mute(void **state)
{
	(void)state;
	struct rig r;
	rig_build(&r);
	mixer_set_send_pre(&r.m, 0, 0, true);
	mixer_set_send_level_db(&r.m, 0, 0, 0.0f);
	mixer_settle(&r.m);
	double before[3][3], after[3][3];
	levels(&r, 0, before[0]);
	levels(&r, 1, before[1]);
	levels(&r, 2, before[2]);

	/* Group 3 holds channels 0 and 1 (1 also muted on its own) and the monitor bus. */
	mixer_set_mute_group_channel(&r.m, 0, 2, true);
	mixer_set_mute_group_channel(&r.m, 1, 2, true);
	mixer_set_mute(&r.m, 1, true);
	levels(&r, 0, after[0]);
	assert_float_equal(after[0][0] - before[0][0], 0.0, 0.01);   /* a member, group off */
	mixer_set_mute_group_on(&r.m, 2, true);
	levels(&r, 0, after[0]);
	levels(&r, 2, after[2]);
	assert_true(after[0][0] < -200.0);                              /* silenced */
	assert_float_equal(after[0][2] - before[0][2], 0.0, 0.01);      /* its pre send is not */
	assert_float_equal(after[2][0] - before[2][0], 0.0, 0.01);      /* a non-member */
	assert_false(r.m.strips[0].is_muted[0]);                        /* its own mute untouched */
	mixer_set_mute_group_bus(&r.m, 0, 2, true);                     /* the bus joins */
	levels(&r, 0, after[0]);
	assert_true(after[0][2] < -200.0);
	assert_true(r.m.buses[0].fader.is_group_muted && !r.m.buses[0].fader.is_muted);

	mixer_set_mute_group_on(&r.m, 2, false);
	levels(&r, 0, after[0]);
	levels(&r, 1, after[1]);
	assert_float_equal(after[0][0] - before[0][0], 0.0, 0.01);      /* back to unmuted */
	assert_float_equal(after[0][2] - before[0][2], 0.0, 0.01);
	assert_true(after[1][0] < -200.0);                               /* back to its own mute */
	/* A DCA and a mute group together: the group wins, the DCA comes back after it. */
	mixer_set_dca_member(&r.m, 0, 0, true);
	mixer_set_dca_fader_db(&r.m, 0, -10.0f);
	mixer_set_mute_group_on(&r.m, 2, true);
	levels(&r, 0, after[0]);
	assert_true(after[0][0] < -200.0);
	mixer_set_mute_group_on(&r.m, 2, false);
	levels(&r, 0, after[0]);
	assert_float_equal(after[0][0] - before[0][0], -10.0, 0.01);
	rig_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gains_multiply),
		cmocka_unit_test(test_members_follow_sends_by_kind),
		cmocka_unit_test(test_dca_jump_is_a_ramp),
		cmocka_unit_test(test_mute_group_releases_to_own_mute),
	};
	return cmocka_run_group_tests_name("dca and mute groups", tests, NULL, NULL) ? 1 : 0;
}
