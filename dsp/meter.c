/*
 * meter.c - the control-thread half of the meters; see meter.h.
 */
#include "dsp/meter.h"

static float to_db(float lin)
{
	return lin > 1e-6f ? 20.0f * log10f(lin) : METER_FLOOR_DB;
}

void meter_ballistics_update(struct meter_ballistics *b, float peak, double sum_sq,
			     uint32_t n_samples, float window_s)
{
	float fallen = b->peak_db - METER_PEAK_FALL_DB_S * window_s;
	float now_db = to_db(peak);
	b->peak_db = now_db > fallen ? now_db : fallen;
	if (b->peak_db < METER_FLOOR_DB)
		b->peak_db = METER_FLOOR_DB;

	float window_ms = n_samples ? (float)(sum_sq / (double)n_samples) : 0.0f;
	float k = 1.0f - expf(-window_s / METER_RMS_TAU_S);
	b->mean_sq += k * (window_ms - b->mean_sq);
}

float meter_ballistics_rms_db(const struct meter_ballistics *b)
{
	return b->mean_sq > 1e-12f ? 10.0f * log10f(b->mean_sq) : METER_FLOOR_DB;
}
