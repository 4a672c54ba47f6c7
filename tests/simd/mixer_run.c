/*
 * mixer_run.c - one scripted run of the whole mixer, written to stdout as raw float32, built
 * once per vector path (Makefile: build/simd/mixer_run-sse2, -avx2, -avx512) against that
 * path's dsp/ objects. tests/integration/test_simd.c runs every path the CPU has and demands
 * the same bytes from each: the cross-width check for what a render cannot reach, parameters
 * that move while audio runs.
 *
 * The console: 37 channels (every fifth stereo, so stereo pairs land in every lane position
 * and the last group is partly padding), a reverb, a delay and a stereo monitor bus, PFL.
 * The input: per channel a sine plus noise whose level steps every 2400 frames, with one burst
 * of NaN, Inf and absurd values (the strip's input scrub). The script, at frame counts that
 * are not block multiples and in periods of varying length (1 .. 253 frames): faders, pans,
 * mutes, solo, trims and polarity, sends, every module switched on and off (crossfades) and
 * moved while on (HPF frequency and slope, EQ bands incl. type changes, gate and compressor
 * settings, input delay time), DCA-like group gain via the fader, and the master fader.
 *
 * Output per frame: master L, R, solo L, R, monitor L, R; then the counters (bad samples,
 * module resets) as floats. Deterministic: its own LCG, no clock, no threads.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/fpu.h"
#include "dsp/mixer.h"

#define N_CH 37
#define RATE 48000.0f
#define N_FRAMES 48000

static uint32_t lcg_state = 12345;

static float noise(void)
{
	lcg_state = lcg_state * 1664525u + 1013904223u;
	return (float)(int32_t)lcg_state * (1.0f / 2147483648.0f);
}

static void for_lanes(struct mixer *m, int ch, void (*fn)(struct strip *s, int lane, int ch,
							   int step), int step)
{
	struct strip *strips[2];
	int lanes[2];
	int n = mixer_channel_lanes(m, ch, strips, lanes);
	for (int k = 0; k < n; k++)
		fn(strips[k], lanes[k], ch, step);
}

/* Step k of the script for one lane: a different move for each channel and step. */
static unsigned moves = ~0u;   /* argv[1]: which of the nine moves the script makes (bits) */

static void move_modules(struct strip *s, int lane, int ch, int step)
{
	int pick = (ch + step) % 9;
	if (!(moves >> pick & 1))
		return;
	float v = (float)((ch * 7 + step * 13) % 23);
	switch (pick) {
	case 0:
		hpf_set_on(&s->hpf, lane, (ch + step) % 2 == 0);
		hpf_set_freq_hz(&s->hpf, lane, 30.0f + 15.0f * v);
		break;
	case 1:
		hpf_set_slope(&s->hpf, lane, 12 + 6 * (step % 3));
		break;
	case 2:
		gate_set_on(&s->gate, lane, step % 2 == 1);
		gate_set_threshold_db(&s->gate, lane, -50.0f + v);
		gate_set_hold_ms(&s->gate, lane, 5.0f + v);
		break;
	case 3:
		eq_set_band_gain_db(&s->eq, lane, step % EQ_N_BANDS, -12.0f + v);
		eq_set_band_freq_hz(&s->eq, lane, step % EQ_N_BANDS, 80.0f * (1.0f + v));
		break;
	case 4:
		eq_set_band_type(&s->eq, lane, 0, step % 2 ? EQ_LOW_CUT : EQ_LOW_SHELF);
		eq_set_band_q(&s->eq, lane, 1, 0.5f + 0.3f * v);
		break;
	case 5:
		dynamics_set_on(&s->comp, lane, step % 3 != 0);
		dynamics_set_threshold_db(&s->comp, lane, -40.0f + v);
		dynamics_set_ratio(&s->comp, lane, 2.0f + 0.2f * v);
		dynamics_set_rms(&s->comp, lane, step % 2 == 0);
		break;
	case 6:
		indelay_set_on(&s->delay, lane, step % 2 == 0);
		indelay_set_time_ms(&s->delay, lane, 0.5f * v);
		break;
	case 7:
		eq_set_on(&s->eq, lane, step % 2 == 0);
		strip_set_trim_db(s, lane, -6.0f + 0.5f * v);
		break;
	default:
		strip_set_polarity(s, lane, step % 2 == 1);
		dynamics_set_makeup_db(&s->comp, lane, 0.25f * v);
		break;
	}
}

static void script_step(struct mixer *m, int step)
{
	for (int ch = 0; ch < N_CH; ch++) {
		float v = (float)((ch * 5 + step * 11) % 19);
		if ((ch + step) % 3 == 0)
			mixer_set_fader_db(m, ch, -20.0f + v);
		if ((ch + step) % 4 == 1)
			mixer_set_pan(m, ch, -1.0f + v / 9.0f);
		if ((ch + step) % 11 == 2)
			mixer_set_mute(m, ch, step % 2 == 0);
		mixer_set_send_level_db(m, ch, (ch + step) % 3, -30.0f + v);
		if (ch % 6 == step % 6)
			mixer_set_send_pre(m, ch, 2, step % 2 == 0);
		for_lanes(m, ch, move_modules, step);
	}
	mixer_set_solo(m, step % N_CH, step % 3 != 2);
	master_set_fader_db(&m->master, -3.0f + (float)(step % 4));
	eq_set_band_gain_db(&m->master.eq, 0, 1, (float)(step % 7) - 3.0f);
	eq_set_band_gain_db(&m->master.eq, 1, 1, (float)(step % 7) - 3.0f);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		moves = (unsigned)strtoul(argv[1], NULL, 0);
	bool is_stereo[N_CH];
	for (int ch = 0; ch < N_CH; ch++)
		is_stereo[ch] = ch % 5 == 2;
	const enum bus_type bus_type[3] = { BUS_REVERB, BUS_DELAY, BUS_MONITOR };
	const bool bus_is_stereo[3] = { true, true, true };
	struct mixer_layout layout = { .n_channels = N_CH, .is_stereo = is_stereo, .n_buses = 3,
				       .bus_type = bus_type, .bus_is_stereo = bus_is_stereo };
	size_t size = mixer_mem_size(&layout, RATE);
	void *mem = aligned_alloc(64, (size + 63) & ~(size_t)63);
	static struct mixer m;
	if (!mem || mixer_init(&m, mem, &layout, RATE, PAN_LAW_3DB) != 0) {
		fprintf(stderr, "mixer_run: cannot build the mixer\n");
		return 1;
	}
	fpu_flush_denormals();   /* FTZ/DAZ, as in the JACK thread */
	script_step(&m, 0);
	mixer_settle(&m);

	int n_in = mixer_n_inputs(&m);
	static float in_buf[2 * N_CH][256];
	static float out_buf[6][256];
	const float *in[2 * N_CH];
	for (int k = 0; k < n_in; k++)
		in[k] = in_buf[k];
	struct mixer_outputs out = { .master_l = out_buf[0], .master_r = out_buf[1],
				     .solo_l = out_buf[2], .solo_r = out_buf[3] };
	out.bus_l[2] = out_buf[4];
	out.bus_r[2] = out_buf[5];

	static const int periods[] = { 64, 1, 7, 253, 32, 100, 31, 33, 128 };
	int done = 0, step = 1, next_step = 1111, k = 0;
	while (done < N_FRAMES) {
		int n = periods[k++ % (int)(sizeof periods / sizeof periods[0])];
		for (int p = 0; p < n_in; p++) {
			float level = (float)(1 + (p * 3 + (done + 0) / 2400) % 7) * 0.05f;
			for (int i = 0; i < n; i++) {
				int t = done + i;
				float x = level * (noise() + (float)((t * (p + 3)) % 97) / 97.0f - 0.5f);
				if (t >= 20000 && t < 20003 && p % 4 == 1)
					x = t == 20000 ? __builtin_nanf("") : t == 20001 ? 1e30f : -__builtin_inff();
				in_buf[p][i] = x;
			}
		}
		mixer_process(&m, in, &out, n);
		for (int i = 0; i < n; i++) {
			float frame[6];
			for (int c = 0; c < 6; c++)
				frame[c] = out_buf[c][i];
			fwrite(frame, sizeof frame, 1, stdout);
		}
		done += n;
		if (done >= next_step) {
			script_step(&m, step++);
			next_step += 1111 + 37 * step;
		}
	}
	float counts[2] = { (float)m.n_bad_samples, (float)mixer_n_resets(&m) };
	fwrite(counts, sizeof counts, 1, stdout);
	fprintf(stderr, "mixer_run: %d lanes per group, %d frames, %d script steps, %.0f bad input "
		"samples replaced\n", DSP_LANES, done, step, (double)counts[0]);
	free(mem);
	return 0;
}
