/*
 * test_strip_gains.c - the strip's gain bookkeeping (fader, pan, mute, solo, sends, PFL)
 * yields bit-identical output however it is organised inside dsp/strip.c.
 *
 * A scripted, seeded sequence of parameter changes (several per period, many inside one
 * DSP_BLOCK, many mid-ramp, both solo modes) drives a mixer of mono and stereo channels with
 * mono and stereo monitor buses, in periods of varying length; every output sample (master,
 * solo bus, each bus) is hashed (FNV-1a over the float bits). The expected hashes were
 * recorded with the code before the setters stopped recomputing every send on every move
 * (commit dc2926f, gcc 12 -O2, glibc libm): a later change to how the gains are computed must
 * keep them, and a deliberate change of the arithmetic must re-record them and say why.
 *
 * A scene recall hands a channel's fader, pan and mute, a send's level, on and pre, a
 * channel's DCA and mute-group memberships, and a DCA's fader and mute over in one call each
 * (strip_set_output, strip_set_send, mixer_set_channel_groups, mixer_set_dca). Those must leave exactly what the single setters
 * called in row order leave, including a gain that moves and comes back inside one period
 * while a ramp is under way: two mixers, one driven each way, give the same output bits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/fpu.h"
#include "dsp/mixer.h"

#define RATE 48000.0f
#define N_CHANNELS 5
#define N_BUSES 4
#define FRAMES 48000
#define MAX_PERIOD 300

struct script_rig {
	struct mixer m;
	void *mem;
	int n_inputs;
	float *in[8];
	float out[4 + 2 * N_BUSES][MAX_PERIOD];
	uint32_t rng;
	uint64_t hash;
	int n_heard[4 + 2 * N_BUSES];   /* non-zero samples per output: the script reaches them all */
};

static uint32_t next_random(struct script_rig *r)
{
	r->rng = r->rng * 1664525u + 1013904223u;   /* LCG: the same script on every machine */
	return r->rng >> 8;
}

static float pick(struct script_rig *r, const float *values, int n)
{
	return values[next_random(r) % (uint32_t)n];
}

static void hash_floats(struct script_rig *r, const float *x, int n)
{
	for (int i = 0; i < n; i++) {
		uint32_t bits;
		memcpy(&bits, &x[i], sizeof bits);
		for (int k = 0; k < 4; k++) {
			r->hash ^= (bits >> (8 * k)) & 0xffu;
			r->hash *= 1099511628211u;
		}
	}
}

static void rig_build(struct script_rig *r, enum pan_law law)
{
	static const bool is_stereo[N_CHANNELS] = { false, true, false, false, true };
	static const enum bus_type types[N_BUSES] = { BUS_MONITOR, BUS_MONITOR, BUS_MONITOR,
						      BUS_MONITOR };
	static const bool bus_stereo[N_BUSES] = { false, true, true, false };
	struct mixer_layout layout = { .n_channels = N_CHANNELS, .is_stereo = is_stereo,
				       .n_buses = N_BUSES, .bus_type = types,
				       .bus_is_stereo = bus_stereo };
	size_t size = mixer_mem_size(&layout, RATE);
	assert_int_equal(posix_memalign(&r->mem, 64, size), 0);
	memset(r->mem, 0, size);
	assert_int_equal(mixer_init(&r->m, r->mem, &layout, RATE, law), 0);
	r->n_inputs = mixer_n_inputs(&r->m);
	assert_true(r->n_inputs <= 8);
	for (int k = 0; k < r->n_inputs; k++) {
		r->in[k] = malloc(sizeof(float) * FRAMES);
		for (int i = 0; i < FRAMES; i++)
			r->in[k][i] = 0.25f * sinf(0.01f * (float)((k + 2) * i));
	}
	r->rng = 12345u;
	r->hash = 14695981039346656037u;
}

static void rig_free(struct script_rig *r)
{
	for (int k = 0; k < r->n_inputs; k++)
		free(r->in[k]);
	free(r->mem);
}

/* One random change of a gain-related parameter of a random channel. */
static void change_something(struct script_rig *r)
{
	static const float dbs[] = { DSP_SILENCE_DB, -40.0f, -12.5f, -3.0f, 0.0f, 4.0f, 10.0f };
	static const float pans[] = { -1.0f, -0.6f, -0.1f, 0.0f, 0.25f, 0.8f, 1.0f };
	int ch = (int)(next_random(r) % N_CHANNELS);
	int bus = (int)(next_random(r) % N_BUSES);
	bool flag = next_random(r) & 1;
	switch (next_random(r) % 10) {
	case 0:
	case 1: mixer_set_fader_db(&r->m, ch, pick(r, dbs, 7)); break;
	case 2: mixer_set_pan(&r->m, ch, pick(r, pans, 7)); break;
	case 3: mixer_set_mute(&r->m, ch, flag); break;
	case 4: mixer_set_solo(&r->m, ch, flag); break;
	case 5:
	case 6: mixer_set_send_level_db(&r->m, ch, bus, pick(r, dbs, 7)); break;
	case 7: mixer_set_send_on(&r->m, ch, bus, flag); break;
	case 8: mixer_set_send_pre(&r->m, ch, bus, flag); break;
	case 9:
		if (next_random(r) % 8 == 0)
			mixer_set_solo_mode(&r->m, flag ? SOLO_SIP : SOLO_PFL);
		break;
	}
}

static uint64_t run_script(enum pan_law law)
{
	static struct script_rig r;
	memset(&r, 0, sizeof r);
	rig_build(&r, law);
	/* A starting state that is not all defaults, reached without gliding. */
	for (int i = 0; i < 40; i++)
		change_something(&r);
	mixer_settle(&r.m);

	const float *src[8];
	for (int done = 0; done < FRAMES;) {
		int n = 1 + (int)(next_random(&r) % MAX_PERIOD);
		if (n > FRAMES - done)
			n = FRAMES - done;
		int n_changes = (int)(next_random(&r) % 6);
		for (int i = 0; i < n_changes; i++)
			change_something(&r);
		for (int k = 0; k < r.n_inputs; k++)
			src[k] = r.in[k] + done;
		struct mixer_outputs out = { .master_l = r.out[0], .master_r = r.out[1],
					     .solo_l = r.out[2], .solo_r = r.out[3] };
		for (int b = 0; b < N_BUSES; b++) {
			out.bus_l[b] = r.out[4 + 2 * b];
			out.bus_r[b] = r.m.buses[b].is_stereo ? r.out[5 + 2 * b] : NULL;
		}
		memset(r.out, 0, sizeof r.out);
		mixer_process(&r.m, src, &out, n);
		for (int o = 0; o < 4 + 2 * N_BUSES; o++) {
			hash_floats(&r, r.out[o], n);
			for (int i = 0; i < n; i++)
				r.n_heard[o] += r.out[o][i] != 0.0f;
		}
		done += n;
	}
	rig_free(&r);
	/* A hash of silence proves nothing: every output (mono buses' right side excepted) spoke. */
	for (int o = 0; o < 4 + 2 * N_BUSES; o++) {
		bool is_unused = o >= 4 && !r.m.buses[(o - 4) / 2].is_stereo && (o - 4) % 2 == 1;
		if (!is_unused && r.n_heard[o] < FRAMES / 10)
			fail_msg("output %d carried signal in only %d samples", o, r.n_heard[o]);
	}
	return r.hash;
}

static void expect_hash(enum pan_law law, uint64_t expected)
{
	fpu_flush_denormals();   /* as the audio thread runs */
	uint64_t hash = run_script(law);
	if (hash != expected)
		fail_msg("pan law %d: output hash 0x%016llx, expected 0x%016llx", (int)law,
			 (unsigned long long)hash, (unsigned long long)expected);
}

static void test_script_output_3db(void **state)
{
	(void)state;
	expect_hash(PAN_LAW_3DB, 0x0958d60262d25a28ull);
}

static void test_script_output_4_5db(void **state)
{
	(void)state;
	expect_hash(PAN_LAW_4_5DB, 0x3e8cf04eabf22a6eull);
}

static void test_script_output_6db(void **state)
{
	(void)state;
	expect_hash(PAN_LAW_6DB, 0x8e7f5d83af73c20cull);
}

/* One mixer driven by the single setters, one by the batched ones, from one script. */
struct twin_rig {
	struct script_rig one, batch;
};

static bool coin(struct script_rig *r)
{
	return next_random(r) & 1;
}

/* A recall of one channel's output, one send, or its memberships, or a group move. */
static void change_both(struct twin_rig *t)
{
	static const float dbs[] = { DSP_SILENCE_DB, -20.0f, 0.0f };
	static const float pans[] = { -1.0f, 0.0f, 0.5f };
	struct script_rig *r = &t->one;
	struct mixer *a = &t->one.m, *b = &t->batch.m;
	int ch = (int)(next_random(r) % N_CHANNELS);
	struct strip *strips[2];
	int lanes[2];
	int n_lanes = mixer_channel_lanes(b, ch, strips, lanes);
	switch (next_random(r) % 6) {
	case 0: {
		int k = lanes[0];
		float fader = coin(r) ? pick(r, dbs, 3) : strips[0]->fader_db[k];
		float pan = coin(r) ? pick(r, pans, 3) : strips[0]->pan[k];
		bool is_muted = coin(r) ? coin(r) : strips[0]->is_muted[k];
		mixer_set_fader_db(a, ch, fader);
		mixer_set_pan(a, ch, pan);
		mixer_set_mute(a, ch, is_muted);
		for (int i = 0; i < n_lanes; i++)
			strip_set_output(strips[i], lanes[i], fader, pan, is_muted);
		break;
	}
	case 1:
	case 2: {
		int bus = (int)(next_random(r) % N_BUSES), k = lanes[0];
		float db = coin(r) ? pick(r, dbs, 3) : strips[0]->send_db[bus][k];
		bool is_on = coin(r) ? coin(r) : strips[0]->is_send_on[bus][k];
		bool is_pre = coin(r) ? coin(r) : strips[0]->is_send_pre[bus][k];
		mixer_set_send_level_db(a, ch, bus, db);
		mixer_set_send_on(a, ch, bus, is_on);
		mixer_set_send_pre(a, ch, bus, is_pre);
		for (int i = 0; i < n_lanes; i++)
			strip_set_send(strips[i], bus, lanes[i], db, is_on, is_pre);
		break;
	}
	case 3: {
		unsigned dca_mask = next_random(r) & 0xffu, mgrp_mask = next_random(r) & 0x3fu;
		for (int k = 0; k < DCA_MAX; k++)
			mixer_set_dca_member(a, ch, k, (dca_mask >> k) & 1u);
		for (int k = 0; k < MUTE_GROUP_MAX; k++)
			mixer_set_mute_group_channel(a, ch, k, (mgrp_mask >> k) & 1u);
		mixer_set_channel_groups(b, ch, dca_mask, mgrp_mask);
		break;
	}
	case 4: {
		int dca = (int)(next_random(r) % DCA_MAX);
		float db = pick(r, dbs, 3);
		bool is_muted = next_random(r) % 4 == 0;
		mixer_set_dca_fader_db(a, dca, db);
		mixer_set_dca_mute(a, dca, is_muted);
		mixer_set_dca(b, dca, db, is_muted);
		break;
	}
	default: {
		int group = (int)(next_random(r) % MUTE_GROUP_MAX);
		bool is_on = next_random(r) % 3 == 0;
		mixer_set_mute_group_on(a, group, is_on);
		mixer_set_mute_group_on(b, group, is_on);
		break;
	}
	}
}

static void run_period(struct script_rig *r, int done, int n)
{
	const float *src[8];
	for (int k = 0; k < r->n_inputs; k++)
		src[k] = r->in[k] + done;
	struct mixer_outputs out = { .master_l = r->out[0], .master_r = r->out[1],
				     .solo_l = r->out[2], .solo_r = r->out[3] };
	for (int b = 0; b < N_BUSES; b++) {
		out.bus_l[b] = r->out[4 + 2 * b];
		out.bus_r[b] = r->m.buses[b].is_stereo ? r->out[5 + 2 * b] : NULL;
	}
	memset(r->out, 0, sizeof r->out);
	mixer_process(&r->m, src, &out, n);
}

static void test_batched_setters_match_single(void **state)
{
	(void)state;
	static struct twin_rig t;
	memset(&t, 0, sizeof t);
	fpu_flush_denormals();
	rig_build(&t.one, PAN_LAW_3DB);
	rig_build(&t.batch, PAN_LAW_3DB);
	struct mixer *a = &t.one.m, *b = &t.batch.m;
	struct strip *s = &b->strips[0];   /* channel 0 is mono, on lane 0 */
	int done = 0;
	/*
	 * First the paths that come back: a gain gliding down to 0 is sent up and back to 0 in
	 * one recall (fader up and mute on; send level up and off; a DCA joined, then a mute
	 * group that silences the channel; a DCA's fader up and its mute on). The setters one
	 * by one re-plan the glide from where it stands; so must the batch.
	 */
	for (int step = 0; step < 4; step++) {
		mixer_set_fader_db(a, 0, -20.0f);
		mixer_set_fader_db(b, 0, -20.0f);
		mixer_set_send_level_db(a, 0, 0, -20.0f);
		mixer_set_send_level_db(b, 0, 0, -20.0f);
		mixer_set_mute_group_on(a, 0, true);
		mixer_set_mute_group_on(b, 0, true);
		mixer_set_dca_fader_db(a, 1, -6.0f);
		mixer_set_dca_fader_db(b, 1, -6.0f);
		run_period(&t.one, done, MAX_PERIOD);
		run_period(&t.batch, done, MAX_PERIOD);
		done += MAX_PERIOD;
		/* Start a glide down to 0, and let it run one block. */
		switch (step) {
		case 0:
			mixer_set_fader_db(a, 0, DSP_SILENCE_DB);
			mixer_set_fader_db(b, 0, DSP_SILENCE_DB);
			break;
		case 1:
			mixer_set_send_level_db(a, 0, 0, DSP_SILENCE_DB);
			mixer_set_send_level_db(b, 0, 0, DSP_SILENCE_DB);
			break;
		case 2:
			mixer_set_mute_group_channel(a, 0, 0, true);
			mixer_set_mute_group_channel(b, 0, 0, true);
			break;
		default:
			mixer_set_dca_member(a, 0, 1, true);
			mixer_set_dca_member(b, 0, 1, true);
			mixer_set_dca_fader_db(a, 1, DSP_SILENCE_DB);
			mixer_set_dca_fader_db(b, 1, DSP_SILENCE_DB);
			break;
		}
		run_period(&t.one, done, DSP_BLOCK);
		run_period(&t.batch, done, DSP_BLOCK);
		done += DSP_BLOCK;
		switch (step) {
		case 0:
			mixer_set_fader_db(a, 0, -10.0f);
			mixer_set_mute(a, 0, true);
			strip_set_output(s, 0, -10.0f, s->pan[0], true);
			break;
		case 1:
			mixer_set_send_level_db(a, 0, 0, -10.0f);
			mixer_set_send_on(a, 0, 0, false);
			strip_set_send(s, 0, 0, -10.0f, false, s->is_send_pre[0][0]);
			break;
		case 2:
			mixer_set_dca_member(a, 0, 1, true);
			mixer_set_mute_group_channel(a, 0, 0, true);
			mixer_set_channel_groups(b, 0, 1u << 1, 1u << 0);
			break;
		default:
			mixer_set_dca_fader_db(a, 1, -10.0f);
			mixer_set_dca_mute(a, 1, true);
			mixer_set_dca(b, 1, -10.0f, true);
			break;
		}
		run_period(&t.one, done, MAX_PERIOD);
		run_period(&t.batch, done, MAX_PERIOD);
		if (memcmp(t.one.out, t.batch.out, sizeof t.one.out) != 0)
			fail_msg("come-back path %d: the batched setters' output differs", step);
		done += MAX_PERIOD;
		/* Back to a common start for the next path. */
		mixer_set_mute(a, 0, false);
		mixer_set_mute(b, 0, false);
		mixer_set_send_on(a, 0, 0, true);
		mixer_set_send_on(b, 0, 0, true);
		mixer_set_channel_groups(a, 0, 0, 0);
		mixer_set_channel_groups(b, 0, 0, 0);
		mixer_set_dca(a, 1, -6.0f, false);
		mixer_set_dca(b, 1, -6.0f, false);
	}
	for (int period = 0; done < FRAMES; period++) {
		int n = 1 + (int)(next_random(&t.one) % MAX_PERIOD);
		if (n > FRAMES - done)
			n = FRAMES - done;
		int n_changes = (int)(next_random(&t.one) % 8);
		for (int i = 0; i < n_changes; i++)
			change_both(&t);
		run_period(&t.one, done, n);
		run_period(&t.batch, done, n);
		if (memcmp(t.one.out, t.batch.out, sizeof t.one.out) != 0)
			fail_msg("period %d (frame %d): the batched setters' output differs", period,
				 done);
		done += n;
	}
	rig_free(&t.one);
	rig_free(&t.batch);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_script_output_3db),
		cmocka_unit_test(test_script_output_4_5db),
		cmocka_unit_test(test_script_output_6db),
		cmocka_unit_test(test_batched_setters_match_single),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
