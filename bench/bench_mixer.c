/*
 * bench_mixer.c - what the whole mixer costs: N channels with every strip module working
 * (HPF 24 dB/oct, gate, four EQ bands boosting and cutting, compressor pulling), summed
 * into the master, in 64-frame periods at 48 and then 96 kHz, the way the JACK process callback runs
 * it. Prints CPU microseconds per period, % of one core, and ns per sample per channel;
 * beside it a plain scalar strip (four biquads, a log-domain compressor with libm, gain and
 * pan), written the obvious way, as the reference point. Asserts nothing.
 *
 * Input: white noise whose level swings between -36 and -6 dBFS at 0.7 Hz per channel
 * (different phases), so the gate opens and closes and the compressor works.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dsp/fpu.h"
#include "dsp/mixer.h"

static float rate_hz = 48000.0f;	/* set by main(): 48 kHz, then 96 kHz */
#define PERIOD 64
#define SECONDS 3.0
#define NOISE_FRAMES 48000

static double thread_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static float **make_input(int n_ch)
{
	float **in = malloc(sizeof(float *) * (size_t)n_ch);
	uint32_t seed = 12345;
	for (int ch = 0; ch < n_ch; ch++) {
		in[ch] = malloc(sizeof(float) * NOISE_FRAMES);
		for (int i = 0; i < NOISE_FRAMES; i++) {
			seed = seed * 1664525u + 1013904223u;
			float white = (float)(seed >> 8) / 8388608.0f - 1.0f;
			float swing_db = -21.0f + 15.0f * sinf(2.0f * 3.14159265f * 0.7f * (float)i / rate_hz +
							       (float)ch);
			in[ch][i] = white * powf(10.0f, swing_db / 20.0f);
		}
	}
	return in;
}

static void set_full_strips(struct mixer *m)
{
	for (int ch = 0; ch < m->n_channels; ch++) {
		struct strip *s[2];
		int lanes[2];
		int n = mixer_channel_lanes(m, ch, s, lanes);
		for (int k = 0; k < n; k++) {
			int l = lanes[k];
			hpf_set_on(&s[k]->hpf, l, true);
			hpf_set_slope(&s[k]->hpf, l, 24);
			hpf_set_freq_hz(&s[k]->hpf, l, 80.0f);
			gate_set_on(&s[k]->gate, l, true);
			gate_set_threshold_db(&s[k]->gate, l, -30.0f);
			gate_set_range_db(&s[k]->gate, l, 20.0f);
			eq_set_band_gain_db(&s[k]->eq, l, 0, 3.0f);
			eq_set_band_gain_db(&s[k]->eq, l, 1, -4.0f);
			eq_set_band_gain_db(&s[k]->eq, l, 2, 5.0f);
			eq_set_band_gain_db(&s[k]->eq, l, 3, -2.0f);
			dynamics_set_on(&s[k]->comp, l, true);
			dynamics_set_threshold_db(&s[k]->comp, l, -24.0f);
			dynamics_set_ratio(&s[k]->comp, l, 4.0f);
		}
		mixer_set_fader_db(m, ch, -6.0f);
		mixer_set_pan(m, ch, (float)(ch % 9 - 4) / 4.0f);
		mixer_set_send_level_db(m, ch, 0, -12.0f);
		mixer_set_send_level_db(m, ch, 1, -18.0f);
	}
	for (int l = 0; l < 2; l++) {
		eq_set_band_gain_db(&m->master.eq, l, 0, 2.0f);
		eq_set_band_gain_db(&m->master.eq, l, 3, 1.5f);
		dynamics_set_on(&m->master.comp, l, true);
		dynamics_set_threshold_db(&m->master.comp, l, -12.0f);
	}
	mixer_settle(m);
}

static double bench_jmixd(int n_ch, float **in)
{
	static const enum bus_type types[2] = { BUS_REVERB, BUS_DELAY };
	static const bool stereo[2] = { true, true };
	struct mixer m;
	struct mixer_layout layout = { .n_channels = n_ch, .n_buses = 2, .bus_type = types,
				       .bus_is_stereo = stereo };
	void *mem;
	if (posix_memalign(&mem, 64, mixer_mem_size(&layout, rate_hz)) != 0)
		abort();
	mixer_init(&m, mem, &layout, rate_hz, PAN_LAW_3DB);
	set_full_strips(&m);

	float out_l[PERIOD], out_r[PERIOD];
	const float *src[MIXER_MAX_CHANNELS];
	struct mixer_outputs out = { .master_l = out_l, .master_r = out_r };
	long n_periods = (long)(SECONDS * rate_hz / PERIOD);
	double t0 = thread_seconds();
	for (long p = 0; p < n_periods; p++) {
		int pos = (int)((p * PERIOD) % (NOISE_FRAMES - PERIOD));
		for (int ch = 0; ch < n_ch; ch++)
			src[ch] = in[ch] + pos;
		mixer_process(&m, src, &out, PERIOD);
	}
	double us = (thread_seconds() - t0) * 1e6 / (double)n_periods;
	free(mem);
	return us;
}

/* ---- the reference: one channel at a time, scalar, libm per sample ---- */

struct ref_biquad {
	float b0, b1, b2, a1, a2, x1, x2, y1, y2;
};

struct ref_strip {
	struct ref_biquad eq[4];
	float env_db, gain_l, gain_r;
};

static void ref_peak(struct ref_biquad *q, double f0, double db)
{
	double a = pow(10.0, db / 40.0), w = 2 * M_PI * f0 / rate_hz, al = sin(w) / 1.4;
	double a0 = 1 + al / a;
	*q = (struct ref_biquad){ .b0 = (float)((1 + al * a) / a0), .b1 = (float)(-2 * cos(w) / a0),
				  .b2 = (float)((1 - al * a) / a0), .a1 = (float)(-2 * cos(w) / a0),
				  .a2 = (float)((1 - al / a) / a0) };
}

static double bench_scalar(int n_ch, float **in)
{
	struct ref_strip *st = calloc((size_t)n_ch, sizeof *st);
	for (int ch = 0; ch < n_ch; ch++) {
		ref_peak(&st[ch].eq[0], 100, 3);
		ref_peak(&st[ch].eq[1], 400, -4);
		ref_peak(&st[ch].eq[2], 2500, 5);
		ref_peak(&st[ch].eq[3], 8000, -2);
		st[ch].gain_l = st[ch].gain_r = 0.35f;
		st[ch].env_db = -60.0f;
	}
	float out_l[PERIOD], out_r[PERIOD];
	float att = expf(-1.0f / (0.010f * rate_hz)), rel = expf(-1.0f / (0.100f * rate_hz));
	long n_periods = (long)(SECONDS * rate_hz / PERIOD);
	double t0 = thread_seconds();
	for (long p = 0; p < n_periods; p++) {
		int pos = (int)((p * PERIOD) % (NOISE_FRAMES - PERIOD));
		memset(out_l, 0, sizeof out_l);
		memset(out_r, 0, sizeof out_r);
		for (int ch = 0; ch < n_ch; ch++) {
			struct ref_strip *s = &st[ch];
			for (int i = 0; i < PERIOD; i++) {
				float x = in[ch][pos + i];
				for (int b = 0; b < 4; b++) {
					struct ref_biquad *q = &s->eq[b];
					float y = q->b0 * x + q->b1 * q->x1 + q->b2 * q->x2 -
						  q->a1 * q->y1 - q->a2 * q->y2;
					q->x2 = q->x1, q->x1 = x, q->y2 = q->y1, q->y1 = y;
					x = y;
				}
				float level_db = 20.0f * log10f(fabsf(x) + 1e-9f);
				float over = level_db + 24.0f;
				float gr_db = over > 0.0f ? over * 0.75f : 0.0f;
				float k = gr_db > s->env_db ? att : rel;
				s->env_db = gr_db + k * (s->env_db - gr_db);
				x *= powf(10.0f, -s->env_db / 20.0f);
				out_l[i] += x * s->gain_l;
				out_r[i] += x * s->gain_r;
			}
		}
	}
	double us = (thread_seconds() - t0) * 1e6 / (double)n_periods;
	free(st);
	return us;
}

int main(void)
{
	static const int sizes[] = { 8, 32, 64, 128 };
	enum { N_SIZES = sizeof sizes / sizeof sizes[0] };
	double us_at[2][N_SIZES];

	fpu_flush_denormals();
	printf("strips at %d lanes per vector\n", DSP_LANES);
	for (int r = 0; r < 2; r++) {
		rate_hz = r ? 96000.0f : 48000.0f;
		double period_us = PERIOD / rate_hz * 1e6;

		printf("%sjmixd mixer bench: %d-frame periods at %.0f Hz (%.1f us), %.0f s of audio "
		       "per size\n", r ? "\n" : "", PERIOD, (double)rate_hz, period_us, SECONDS);
		if (!r)
			printf("jmixd: full strips (HPF 24 dB/oct, gate, 4 EQ bands, compressor), "
			       "every channel\nsending to a reverb and a delay, master EQ + bus "
			       "compressor + true-peak limiter +\nloudness; scalar: 4 EQ bands and a "
			       "compressor per channel, summed (no buses)\n");
		printf("%9s | %12s %8s %14s | %12s %14s | %s\n", "channels", "jmixd us/per",
		       "% core", "ns/sample/ch", "scalar us/pe", "ns/sample/ch", "speed-up");
		for (int k = 0; k < N_SIZES; k++) {
			int n = sizes[k];
			float **in = make_input(n);
			bench_jmixd(n, in);   /* warm-up: caches, page faults */
			/* Best of three: other work on a shared box only ever adds. */
			double us = fmin(bench_jmixd(n, in), fmin(bench_jmixd(n, in), bench_jmixd(n, in)));
			double ref = bench_scalar(n, in);
			double ns = us * 1000.0 / PERIOD / n, ref_ns = ref * 1000.0 / PERIOD / n;

			us_at[r][k] = us;
			printf("%9d | %12.1f %7.2f%% %14.2f | %12.1f %14.2f | %.1fx\n", n, us,
			       100.0 * us / period_us, ns, ref, ref_ns, ref / us);
			for (int ch = 0; ch < n; ch++)
				free(in[ch]);
			free(in);
		}
	}
	/* CPU per second of audio: us per period times periods per second. */
	printf("\n96 kHz against 48 kHz, CPU per second of audio (target <= 2.1x):");
	for (int k = 0; k < N_SIZES; k++)
		printf(" %d ch %.2fx%s", sizes[k], 2.0 * us_at[1][k] / us_at[0][k],
		       k + 1 < N_SIZES ? "," : "\n");
	return 0;
}
