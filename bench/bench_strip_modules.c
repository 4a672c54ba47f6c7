/*
 * bench_strip_modules.c - cost of the channel-strip DSP modules, per sample, per group of
 * DSP_LANES lanes and per channel. Prints figures, asserts nothing. Built once per vector
 * path (make bench runs each the CPU has: 4, 8 and 16 lanes on x86-64).
 *
 * 64 channels in groups of DSP_LANES, each group with its own state and a 32-frame buffer,
 * 2 s of audio at 48 and at 96 kHz in DSP_BLOCK chunks, FTZ/DAZ on as on the audio thread.
 * Input: pre-generated white noise scaled so its level swings between -36 and -6 dBFS at
 * 0.7 Hz (so the compressor and gate work); the cost of that scaled copy is measured alone
 * and subtracted. Cases: each module settled, the chain HPF -> gate -> EQ -> compressor
 * settled, and the EQ while all four bands sweep (coefficients redesigned every block).
 *
 * Build: make build/bench/bench_strip_modules (and build/bench/avx2/..., .../avx512/...).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__SSE__)
#include <xmmintrin.h>
#endif

#include "dsp/dynamics.h"
#include "dsp/eq.h"
#include "dsp/gate.h"
#include "dsp/hpf.h"

#define N_GROUPS (64 / DSP_LANES)
static float rate_hz = 48000.0f;	/* set by main(): 48 kHz, then 96 kHz */
#define SECONDS 2
#define NOISE_LEN 4096	/* frames of pre-generated noise per group, played in a loop */

struct group {
	struct hpf hpf;
	struct gate gate;
	struct eq eq;
	struct dynamics comp;
	vf buf[DSP_BLOCK];
	vf noise[NOISE_LEN];
};

enum bench_case { B_HPF, B_GATE, B_EQ, B_COMP, B_COMP_RMS, B_CHAIN, B_EQ_SWEEP, B_N };

static const char *const case_name[B_N] = {
	"hpf 24 dB/oct", "gate", "eq 4 bands", "compressor (peak)", "compressor (rms)",
	"hpf+gate+eq+comp", "eq 4 bands sweeping",
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);	/* CPU time: other work on the box is not ours */
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint32_t rng = 12345;

static float noise(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return (float)(rng >> 8) * (2.0f / 16777216.0f) - 1.0f;
}

static void setup(struct group *g, enum bench_case c)
{
	for (int i = 0; i < NOISE_LEN; i++)
		for (int l = 0; l < DSP_LANES; l++)
			g->noise[i][l] = noise();
	hpf_init(&g->hpf, rate_hz);
	gate_init(&g->gate, rate_hz);
	eq_init(&g->eq, rate_hz);
	dynamics_init(&g->comp, rate_hz);
	for (int l = 0; l < DSP_LANES; l++) {
		hpf_set_on(&g->hpf, l, true);
		hpf_set_slope(&g->hpf, l, 24);
		gate_set_on(&g->gate, l, true);
		gate_set_threshold_db(&g->gate, l, -30.0f);
		for (int b = 0; b < EQ_N_BANDS; b++)
			eq_set_band_gain_db(&g->eq, l, b, (float)(3 * b - 4 + l));
		dynamics_set_on(&g->comp, l, true);
		dynamics_set_rms(&g->comp, l, c == B_COMP_RMS);
	}
	hpf_settle(&g->hpf);
	gate_settle(&g->gate);
	eq_settle(&g->eq);
	dynamics_settle(&g->comp);
}

static struct group groups[N_GROUPS];

static void fill(struct group *g, long blk, float level)
{
	const vf *src = g->noise + (blk * DSP_BLOCK) % NOISE_LEN;

	for (int i = 0; i < DSP_BLOCK; i++)
		g->buf[i] = level * src[i];
}

static double run(enum bench_case c)
{
	const long n_blocks = (long)(SECONDS * rate_hz) / DSP_BLOCK;
	const long sweep_blocks = (long)(64.0f * rate_hz / 48000.0f);
	double t0, t;
	float level = 0.0f;

	for (int k = 0; k < N_GROUPS; k++)
		setup(&groups[k], c);
	t0 = now_s();
	for (long blk = 0; blk < n_blocks; blk++) {
		/* -36..-6 dBFS at 0.7 Hz */
		float db = -21.0f + 15.0f * sinf(2.0f * 3.14159265f * 0.7f *
						 (float)(blk * DSP_BLOCK) / rate_hz);

		level = powf(10.0f, db / 20.0f);
		for (int k = 0; k < N_GROUPS; k++) {
			struct group *g = &groups[k];

			fill(g, blk, level);
			/* A jump end to end every 43 ms, whatever the rate. */
			if (c == B_EQ_SWEEP && blk % sweep_blocks == 0)
				for (int l = 0; l < DSP_LANES; l++)
					for (int b = 0; b < EQ_N_BANDS; b++)
						eq_set_band_freq_hz(&g->eq, l, b,
								    blk % (2 * sweep_blocks) ?
								    20.0f : 20000.0f);
			switch (c) {
			case B_HPF:
				hpf_block_begin(&g->hpf);
				hpf_process(&g->hpf, g->buf, DSP_BLOCK);
				break;
			case B_GATE:
				gate_block_begin(&g->gate);
				gate_process(&g->gate, g->buf, DSP_BLOCK);
				break;
			case B_EQ:
			case B_EQ_SWEEP:
				eq_block_begin(&g->eq);
				eq_process(&g->eq, g->buf, DSP_BLOCK);
				break;
			case B_COMP:
			case B_COMP_RMS:
				dynamics_block_begin(&g->comp);
				dynamics_process(&g->comp, g->buf, DSP_BLOCK);
				break;
			default:
				hpf_block_begin(&g->hpf);
				gate_block_begin(&g->gate);
				eq_block_begin(&g->eq);
				dynamics_block_begin(&g->comp);
				hpf_process(&g->hpf, g->buf, DSP_BLOCK);
				gate_process(&g->gate, g->buf, DSP_BLOCK);
				eq_process(&g->eq, g->buf, DSP_BLOCK);
				dynamics_process(&g->comp, g->buf, DSP_BLOCK);
				break;
			}
		}
	}
	t = now_s() - t0;
	return t * 1e9 / ((double)n_blocks * DSP_BLOCK * N_GROUPS);
}

/* The cost of the scaled copy alone, to subtract. */
static double run_fill_only(void)
{
	const long n_blocks = (long)(SECONDS * rate_hz) / DSP_BLOCK;
	double t0 = now_s();
	float acc = 0.0f;

	for (long blk = 0; blk < n_blocks; blk++) {
		for (int k = 0; k < N_GROUPS; k++) {
			fill(&groups[k], blk, 0.5f);
			acc += groups[k].buf[blk % DSP_BLOCK][0];
		}
	}
	if (acc == 12345.0f)
		puts("");
	return (now_s() - t0) * 1e9 / ((double)n_blocks * DSP_BLOCK * N_GROUPS);
}

static const float bench_rates[2] = { 48000.0f, 96000.0f };

int main(void)
{
	double best[2][B_N], fill[2];

#if defined(__SSE__)
	_mm_setcsr(_mm_getcsr() | 0x8040);	/* FTZ | DAZ, as the audio thread sets */
#endif
	for (int r = 0; r < 2; r++) {
		rate_hz = bench_rates[r];
		for (int k = 0; k < N_GROUPS; k++)
			setup(&groups[k], B_CHAIN);
		fill[r] = run_fill_only();
		for (int c = 0; c < B_N; c++) {
			best[r][c] = 1e9;
			for (int rep = 0; rep < 3; rep++)
				best[r][c] = fmin(best[r][c], run((enum bench_case)c) - fill[r]);
		}
	}
	printf("strip modules, %d groups x %d lanes, %d s of audio at 48 and 96 kHz, block %d\n",
	       N_GROUPS, DSP_LANES, SECONDS, DSP_BLOCK);
	printf("sizeof: biquad section %zu, eq %zu, hpf %zu, gate %zu, dynamics %zu bytes\n",
	       sizeof(struct bq_section), sizeof(struct eq), sizeof(struct hpf),
	       sizeof(struct gate), sizeof(struct dynamics));
	printf("input copy (subtracted): %.2f / %.2f ns/sample/grp\n", fill[0], fill[1]);
	printf("%-24s %22s %22s %12s\n", "", "48 kHz", "96 kHz", "96k/48k per");
	printf("%-24s %11s %10s %11s %10s %12s\n", "case", "ns/smp/grp", "ns/smp/ch", "ns/smp/grp",
	       "ns/smp/ch", "s of audio");
	for (int c = 0; c < B_N; c++)
		printf("%-24s %11.2f %10.2f %11.2f %10.2f %11.2fx\n", case_name[c], best[0][c],
		       best[0][c] / DSP_LANES, best[1][c], best[1][c] / DSP_LANES,
		       2.0 * best[1][c] / best[0][c]);
	return 0;
}
