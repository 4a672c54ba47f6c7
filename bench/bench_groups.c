/*
 * bench_groups.c - what DCA groups cost: 64 mono channels (fader, pan, a post-fader send to a
 * mono monitor mix; no strip modules, so the output stage the DCA rides on is most of the
 * work and any extra cost shows), in 64-frame periods at 48 kHz, as ns per sample per channel:
 *   none       no channel in a DCA
 *   all        every channel in DCA 1 (at -6 dB), DCA 2 (at +2 dB) and mute group 1 (off),
 *              settled
 *   moving     the same, with DCA 1 moved every period (every member's ramp restarted)
 *   delay      as all, and every channel's input delay on at 10 ms (settled)
 * and what the audio thread pays for one DCA move that updates 64 members (mixer_set_dca_
 * fader_db), in ns. Best of 5 runs each; the runs alternate so drift hits all alike.
 * Asserts nothing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "dsp/fpu.h"
#include "dsp/mixer.h"

#define RATE 48000.0f
#define N_CH 64
#define PERIOD 64
#define SECONDS 2.0
#define FRAMES 48000

enum mode { MODE_NONE, MODE_ALL, MODE_MOVING, MODE_DELAY, N_MODES };

static double thread_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static float *in[N_CH];

static void build(struct mixer *m, void **mem, enum mode mode)
{
	static const enum bus_type types[1] = { BUS_MONITOR };
	static const bool stereo[1] = { false };
	struct mixer_layout layout = { .n_channels = N_CH, .n_buses = 1, .bus_type = types,
				       .bus_is_stereo = stereo };
	if (posix_memalign(mem, 64, mixer_mem_size(&layout, RATE)) != 0)
		abort();
	mixer_init(m, *mem, &layout, RATE, PAN_LAW_3DB);
	for (int ch = 0; ch < N_CH; ch++) {
		mixer_set_fader_db(m, ch, -6.0f);
		mixer_set_pan(m, ch, (float)(ch % 9 - 4) / 4.0f);
		mixer_set_send_level_db(m, ch, 0, -12.0f);
		if (mode != MODE_NONE) {
			mixer_set_dca_member(m, ch, 0, true);
			mixer_set_dca_member(m, ch, 1, true);
			mixer_set_mute_group_channel(m, ch, 0, true);
		}
		if (mode == MODE_DELAY) {
			struct strip *s[2];
			int lanes[2];
			int n = mixer_channel_lanes(m, ch, s, lanes);
			for (int k = 0; k < n; k++) {
				indelay_set_time_ms(&s[k]->delay, lanes[k], 10.0f);
				indelay_set_on(&s[k]->delay, lanes[k], true);
			}
		}
	}
	mixer_set_dca_fader_db(m, 0, -6.0f);
	mixer_set_dca_fader_db(m, 1, 2.0f);
	mixer_settle(m);
}

/* ns per sample per channel of mixer_process in this mode. */
static double run(enum mode mode)
{
	struct mixer m;
	void *mem;
	build(&m, &mem, mode);
	float out_l[PERIOD], out_r[PERIOD], mon[PERIOD];
	const float *src[N_CH];
	struct mixer_outputs out = { .master_l = out_l, .master_r = out_r };
	out.bus_l[0] = mon;
	long n_periods = (long)(SECONDS * RATE / PERIOD);
	double t0 = thread_seconds();
	for (long p = 0; p < n_periods; p++) {
		int pos = (int)((p * PERIOD) % (FRAMES - PERIOD));
		for (int ch = 0; ch < N_CH; ch++)
			src[ch] = in[ch] + pos;
		if (mode == MODE_MOVING)
			mixer_set_dca_fader_db(&m, 0, (p & 1) ? -6.0f : -7.0f);
		mixer_process(&m, src, &out, PERIOD);
	}
	double ns = (thread_seconds() - t0) * 1e9 / ((double)n_periods * PERIOD * N_CH);
	free(mem);
	return ns;
}

/* ns for one DCA move reaching 64 members (the apply the audio thread runs). */
static double one_move(void)
{
	struct mixer m;
	void *mem;
	build(&m, &mem, MODE_ALL);
	int n = 20000;
	double t0 = thread_seconds();
	for (int i = 0; i < n; i++)
		mixer_set_dca_fader_db(&m, 0, (i & 1) ? -6.0f : -7.0f);
	double ns = (thread_seconds() - t0) * 1e9 / n;
	free(mem);
	return ns;
}

int main(void)
{
	static const char *const names[N_MODES] = { "none", "all", "moving", "delay" };
	fpu_flush_denormals();
	uint32_t seed = 777;
	for (int ch = 0; ch < N_CH; ch++) {
		in[ch] = malloc(sizeof(float) * FRAMES);
		for (int i = 0; i < FRAMES; i++) {
			seed = seed * 1664525u + 1013904223u;
			in[ch][i] = 0.1f * ((float)(seed >> 8) / 8388608.0f - 1.0f);
		}
	}
	double best[N_MODES] = { 1e9, 1e9, 1e9, 1e9 };
	for (int r = 0; r < 5; r++)
		for (int k = 0; k < N_MODES; k++) {
			double ns = run((enum mode)k);
			if (ns < best[k])
				best[k] = ns;
		}
	printf("DCA and mute groups, input delay, %d mono channels, output stage + one post send, %d-frame periods, "
	       "48 kHz (best of 5)\n", N_CH, PERIOD);
	for (int k = 0; k < N_MODES; k++)
		printf("  %-7s %6.3f ns/sample/channel  (%+.3f against none)\n", names[k], best[k],
		       best[k] - best[MODE_NONE]);
	printf("  one DCA move reaching %d members: %.0f ns (audio thread, once per change)\n",
	       N_CH, one_move());
	for (int ch = 0; ch < N_CH; ch++)
		free(in[ch]);
	return 0;
}
