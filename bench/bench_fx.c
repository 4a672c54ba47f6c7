/*
 * bench_fx.c - cost of the FX and mastering modules (reverb, delay, limiter, loudness RT
 * half and true-peak meter), ns per stereo sample at 48 and 96 kHz. Prints figures, asserts
 * nothing.
 *
 * Each module alone on its own memory, 10 s of audio in DSP_BLOCK chunks, FTZ/DAZ on as on
 * the audio thread, input: pre-generated stereo noise at -12 dBFS (+6 dBFS for the working
 * limiter; -9 dBFS for the quiet one, which proves its blocks under the ceiling and skips
 * the detector). Best of three runs.
 *
 * Build: gcc -std=c11 -O2 -D_GNU_SOURCE -I. bench/bench_fx.c dsp/reverb.c dsp/delay.c
 *        dsp/limiter.c dsp/loudness.c -lm -o bench_fx
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

#include "dsp/delay.h"
#include "dsp/limiter.h"
#include "dsp/loudness.h"
#include "dsp/reverb.h"

static float rate_hz = 48000.0f;	/* set by main(): 48 kHz, then 96 kHz */
#define SECONDS 10
#define NOISE_LEN 4096

enum fx { FX_REVERB, FX_REVERB_MOVING, FX_DELAY, FX_LIMITER, FX_LIMITER_QUIET, FX_LOUDNESS,
	  FX_TRUEPEAK, FX_N };

static const char *const fx_name[FX_N] = {
	"reverb (settled)", "reverb (size and decay moving)", "delay (ping-pong, filters on)",
	"limiter (working)", "limiter (peaks 8 dB under ceiling)", "loudness RT half",
	"true-peak meter (4x)",
};

static v4f noise_buf[NOISE_LEN];

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);	/* CPU time: other work on the box is not ours */
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void *mem_for(size_t n)
{
	void *p = aligned_alloc(64, (n + 63) & ~(size_t)63);

	if (!p) {
		perror("aligned_alloc");
		exit(1);
	}
	return p;
}

static double run(enum fx which)
{
	struct reverb rv;
	struct delay dl;
	struct limiter lim;
	struct loudness_rt lr;
	struct truepeak tp;
	void *mem = NULL;
	v4f buf[DSP_BLOCK], pk;
	float blocks[LOUD_RT_QUEUE];
	/* The quiet limiter's programme peaks at -9.1 dBFS, under C / L1 of its -1 dB ceiling. */
	float gain = which == FX_LIMITER ? 2.0f : which == FX_LIMITER_QUIET ? 0.35f : 0.25f;
	long n_blocks = (long)(SECONDS * rate_hz) / DSP_BLOCK;
	double t0;

	switch (which) {
	case FX_REVERB:
	case FX_REVERB_MOVING:
		mem = mem_for(reverb_mem_size(rate_hz));
		reverb_init(&rv, mem, rate_hz);
		break;
	case FX_DELAY:
		mem = mem_for(delay_mem_size(rate_hz));
		delay_init(&dl, mem, rate_hz);
		delay_set_pingpong(&dl, true);
		delay_set_feedback_pct(&dl, 60.0f);
		delay_set_high_cut_hz(&dl, 6000.0f);
		delay_set_low_cut_hz(&dl, 200.0f);
		delay_settle(&dl);
		break;
	case FX_LIMITER:
	case FX_LIMITER_QUIET:
		mem = mem_for(limiter_mem_size(rate_hz));
		limiter_init(&lim, mem, rate_hz);
		break;
	case FX_LOUDNESS:
		loudness_rt_init(&lr, rate_hz);
		break;
	default:
		truepeak_init(&tp);
		break;
	}
	t0 = now_s();
	for (long b = 0; b < n_blocks; b++) {
		const v4f *src = noise_buf + (b * DSP_BLOCK) % NOISE_LEN;

		for (int i = 0; i < DSP_BLOCK; i++)
			buf[i] = gain * src[i];
		switch (which) {
		case FX_REVERB:
		case FX_REVERB_MOVING:
			if (which == FX_REVERB_MOVING && b % 3000 == 0) {
				reverb_set_size(&rv, (b / 3000) & 1 ? 0.6f : 1.8f);
				reverb_set_decay_s(&rv, (b / 3000) & 1 ? 1.0f : 6.0f);
			}
			reverb_block_begin(&rv);
			reverb_process(&rv, buf, DSP_BLOCK);
			break;
		case FX_DELAY:
			delay_block_begin(&dl);
			delay_process(&dl, buf, DSP_BLOCK);
			break;
		case FX_LIMITER:
		case FX_LIMITER_QUIET:
			limiter_block_begin(&lim);
			limiter_process(&lim, buf, DSP_BLOCK);
			break;
		case FX_LOUDNESS:
			loudness_rt_run(&lr, buf, DSP_BLOCK);
			loudness_rt_take(&lr, blocks, LOUD_RT_QUEUE);
			break;
		default:
			truepeak_run(&tp, buf, DSP_BLOCK);
			truepeak_take(&tp, &pk);
			break;
		}
	}
	double ns = 1e9 * (now_s() - t0) / ((double)n_blocks * DSP_BLOCK);

	free(mem);
	return ns;
}

int main(void)
{
	uint32_t x = 12345;

#if defined(__SSE__)
	_mm_setcsr(_mm_getcsr() | 0x8040);
#endif
	for (int i = 0; i < NOISE_LEN; i++) {
		for (int l = 0; l < 2; l++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			noise_buf[i][l] = (float)(x >> 8) * (2.0f / 16777216.0f) - 1.0f;
		}
	}
	printf("FX and mastering modules, ns per stereo sample (best of 3), at 48 and 96 kHz:\n");
	printf("  memory at 48 kHz: reverb %zu KiB, delay %zu KiB, limiter %zu KiB, loudness "
	       "(control) %zu KiB\n", reverb_mem_size(rate_hz) / 1024,
	       delay_mem_size(rate_hz) / 1024, limiter_mem_size(rate_hz) / 1024,
	       loudness_mem_size() / 1024);
	printf("  %-34s %10s %10s %10s %12s\n", "", "48k ns/smp", "us/period", "96k ns/smp",
	       "96k/48k per s");
	for (int f = 0; f < FX_N; f++) {
		double best[2] = { 1e30, 1e30 };

		for (int r = 0; r < 2; r++) {
			rate_hz = r ? 96000.0f : 48000.0f;
			for (int k = 0; k < 3; k++)
				best[r] = fmin(best[r], run((enum fx)f));
		}
		printf("  %-34s %10.1f %10.2f %10.1f %11.2fx\n", fx_name[f], best[0],
		       best[0] * 64e-3, best[1], 2.0 * best[1] / best[0]);
	}
	return 0;
}
