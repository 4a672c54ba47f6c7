/*
 * meter.h - level meters, split at the thread boundary.
 *
 * RT half (meter_acc): per lane, the peak |x| and the sum of x^2 since the last take. Cheap
 * enough to run on every sample: a max and a multiply-add per lane frame.
 * Control half (meter_ballistics): turns accumulated windows into what a meter shows:
 *   peak  instant rise, falls at METER_PEAK_FALL_DB_S (digital peak meter, IEC 60268-18 style)
 *   rms   mean square over the window, smoothed with METER_RMS_TAU_S (300 ms, like a VU)
 * Values are dBFS; silence reads METER_FLOOR_DB.
 */
#ifndef JMIXD_DSP_METER_H
#define JMIXD_DSP_METER_H

#include "dsp/dsp.h"

#define METER_FLOOR_DB (-120.0f)
#define METER_PEAK_FALL_DB_S 20.0f
#define METER_RMS_TAU_S 0.3f

struct meter_acc {
	vf peak;
	vf sum_sq;
};

static inline void meter_acc_reset(struct meter_acc *m)
{
	m->peak = m->sum_sq = vf_splat(0.0f);
}

/* RT-safe: fold n lane frames into the accumulator. */
static inline void meter_acc_run(struct meter_acc *m, const vf *buf, int n)
{
	vf peak = m->peak, sum_sq = m->sum_sq;
	for (int i = 0; i < n; i++) {
		peak = vf_max(peak, vf_abs(buf[i]));
		sum_sq += buf[i] * buf[i];
	}
	m->peak = peak;
	m->sum_sq = sum_sq;
}

/* The same over a four-lane stereo buffer (a bus, the master): lanes 0-3. RT-safe. */
static inline void meter_acc_run4(struct meter_acc *m, const v4f *buf, int n)
{
#if DSP_LANES == 4
	meter_acc_run(m, buf, n);
#else
	v4f peak = vf_low4(m->peak), sum_sq = vf_low4(m->sum_sq);
	for (int i = 0; i < n; i++) {
		peak = v4f_max(peak, v4f_abs(buf[i]));
		sum_sq += buf[i] * buf[i];
	}
	__builtin_memcpy(&m->peak, &peak, sizeof peak);
	__builtin_memcpy(&m->sum_sq, &sum_sq, sizeof sum_sq);
#endif
}

struct meter_ballistics {
	float peak_db;
	float mean_sq;
};

/*
 * Control thread: one window of n_samples (peak |x|, sum of x^2), lasting window_s seconds.
 * n_samples 0 (no audio arrived) lets the meter fall.
 */
void meter_ballistics_update(struct meter_ballistics *b, float peak, double sum_sq,
			     uint32_t n_samples, float window_s);

float meter_ballistics_rms_db(const struct meter_ballistics *b);

#endif
