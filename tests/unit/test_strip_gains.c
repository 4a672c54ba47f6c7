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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_script_output_3db),
		cmocka_unit_test(test_script_output_4_5db),
		cmocka_unit_test(test_script_output_6db),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
