/*
 * meters.c - see meters.h.
 */
#include "daemon/meters.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static size_t frame_size(int n_lanes, int n_buses)
{
	return sizeof(struct meter_frame_header) +
	       sizeof(float) * (size_t)(3 * n_lanes + 4 + 2 * n_buses + 4 + METERS_LOUDNESS_BLOCKS);
}

int meters_init(struct meters *mt, const struct mixer *m, int n_channels)
{
	*mt = (struct meters){ .n_lanes = m->n_lanes, .n_buses = m->n_buses };
	mt->frame_size = frame_size(m->n_lanes, m->n_buses);
	mt->ring_mem = malloc(spsc_mem_size(METERS_RING_SLOTS, (uint32_t)mt->frame_size));
	mt->rt_frame = calloc(1, mt->frame_size);
	mt->ctl_frame = calloc(1, mt->frame_size);
	mt->tick_peak = calloc((size_t)m->n_lanes, sizeof *mt->tick_peak);
	mt->tick_sum_sq = calloc((size_t)m->n_lanes, sizeof *mt->tick_sum_sq);
	mt->tick_gr_db = calloc((size_t)m->n_lanes, sizeof *mt->tick_gr_db);
	mt->rt_gr_db = calloc((size_t)m->n_lanes, sizeof *mt->rt_gr_db);
	mt->channel = calloc((size_t)n_channels, sizeof *mt->channel);
	mt->loudness_mem = malloc(loudness_mem_size());
	if (!mt->ring_mem || !mt->rt_frame || !mt->ctl_frame || !mt->tick_peak || !mt->tick_sum_sq ||
	    !mt->channel || !mt->tick_gr_db || !mt->rt_gr_db || !mt->loudness_mem) {
		meters_free(mt);
		return -ENOMEM;
	}
	spsc_init(&mt->ring, mt->ring_mem, METERS_RING_SLOTS, (uint32_t)mt->frame_size);
	loudness_init(&mt->loudness, mt->loudness_mem);
	mt->rt_frame_samples = (uint32_t)(m->rate_hz * METERS_FRAME_MS / 1000.0f);
	for (int ch = 0; ch < n_channels; ch++)
		mt->channel[ch].peak_db = METER_FLOOR_DB;
	mt->master[0].peak_db = mt->master[1].peak_db = METER_FLOOR_DB;
	for (int b = 0; b < BUS_MAX; b++)
		mt->bus[b].peak_db = METER_FLOOR_DB;
	return 0;
}

void meters_free(struct meters *mt)
{
	free(mt->ring_mem);
	free(mt->rt_frame);
	free(mt->ctl_frame);
	free(mt->tick_peak);
	free(mt->tick_sum_sq);
	free(mt->tick_gr_db);
	free(mt->rt_gr_db);
	free(mt->channel);
	free(mt->loudness_mem);
	*mt = (struct meters){ 0 };
}

void meters_rt_post(struct meters *mt, struct mixer *m, uint32_t n_frames)
{
	mt->rt_samples += n_frames;
	if (mt->rt_samples < mt->rt_frame_samples)
		return;

	struct meter_frame_header *h = (struct meter_frame_header *)(void *)mt->rt_frame;
	float *peak = (float *)(void *)(h + 1);
	float *sum_sq = peak + mt->n_lanes;
	float *gr_db = sum_sq + mt->n_lanes;
	float *master = gr_db + mt->n_lanes;
	for (int g = 0; g < m->n_groups; g++) {
		vf gr;
		dynamics_take_gr_db(&m->strips[g].comp, &gr);
		for (int lane = 0; lane < DSP_LANES; lane++) {
			float *held = &mt->rt_gr_db[g * DSP_LANES + lane];
			*held = gr[lane] > *held ? gr[lane] : *held;
			gr_db[g * DSP_LANES + lane] = *held;
		}
	}
	h->n_samples = mt->rt_samples;
	h->n_lanes = (uint32_t)mt->n_lanes;
	for (int g = 0; g < m->n_groups; g++)
		for (int lane = 0; lane < DSP_LANES; lane++) {
			peak[g * DSP_LANES + lane] = m->strips[g].meter.peak[lane];
			sum_sq[g * DSP_LANES + lane] = m->strips[g].meter.sum_sq[lane];
		}
	master[0] = m->master.meter.peak[0];
	master[1] = m->master.meter.peak[1];
	master[2] = m->master.meter.sum_sq[0];
	master[3] = m->master.meter.sum_sq[1];
	float *bus = master + 4;
	for (int b = 0; b < m->n_buses; b++) {
		const struct meter_acc *acc = &m->buses[b].meter;
		bus[2 * b] = acc->peak[0] > acc->peak[1] ? acc->peak[0] : acc->peak[1];
		bus[2 * b + 1] = (acc->sum_sq[0] + acc->sum_sq[1]) *
				 (m->buses[b].is_stereo ? 0.5f : 1.0f);
	}
	/* Take what the master's meters hold; keep it here until a frame is accepted. */
	v4f tp;
	truepeak_take(&m->master.truepeak, &tp);
	mt->rt_tp[0] = tp[0] > mt->rt_tp[0] ? tp[0] : mt->rt_tp[0];
	mt->rt_tp[1] = tp[1] > mt->rt_tp[1] ? tp[1] : mt->rt_tp[1];
	float gr = limiter_take_gr_db(&m->master.limiter);
	mt->rt_limiter_gr_db = gr > mt->rt_limiter_gr_db ? gr : mt->rt_limiter_gr_db;
	float blocks[LOUD_RT_QUEUE];
	int n_new = loudness_rt_take(&m->master.loudness, blocks, LOUD_RT_QUEUE);
	for (int k = 0; k < n_new; k++) {
		if (mt->rt_n_loudness < METERS_LOUDNESS_BLOCKS)
			mt->rt_loudness[mt->rt_n_loudness++] = blocks[k];
		else
			atomic_fetch_add_explicit(&mt->rt_loudness_dropped, 1, memory_order_relaxed);
	}
	float *extra = bus + 2 * m->n_buses;
	extra[0] = mt->rt_tp[0];
	extra[1] = mt->rt_tp[1];
	extra[2] = mt->rt_limiter_gr_db;
	extra[3] = (float)mt->rt_n_loudness;
	for (int k = 0; k < mt->rt_n_loudness; k++)
		extra[4 + k] = mt->rt_loudness[k];
	if (!spsc_push(&mt->ring, mt->rt_frame))
		return;   /* keep accumulating; the next period tries again */
	for (int lane = 0; lane < mt->n_lanes; lane++)
		mt->rt_gr_db[lane] = 0.0f;
	mt->rt_tp[0] = mt->rt_tp[1] = 0.0f;
	mt->rt_limiter_gr_db = 0.0f;
	mt->rt_n_loudness = 0;
	for (int g = 0; g < m->n_groups; g++)
		meter_acc_reset(&m->strips[g].meter);
	meter_acc_reset(&m->master.meter);
	for (int b = 0; b < m->n_buses; b++)
		meter_acc_reset(&m->buses[b].meter);
	mt->rt_samples = 0;
}

static float fmaxf_(float a, float b)
{
	return a > b ? a : b;
}

/* Fold every frame the audio thread has posted since the last tick into the tick's sums. */
static void take_frames(struct meters *mt, struct control *c)
{
	const struct meter_frame_header *h = (const void *)mt->ctl_frame;
	const float *peak = (const float *)(const void *)(h + 1);
	const float *sum_sq = peak + mt->n_lanes;
	const float *gr_db = sum_sq + mt->n_lanes;
	const float *master = gr_db + mt->n_lanes;

	while (spsc_pop(&mt->ring, mt->ctl_frame)) {
		for (int lane = 0; lane < mt->n_lanes; lane++) {
			mt->tick_peak[lane] = fmaxf_(mt->tick_peak[lane], peak[lane]);
			mt->tick_sum_sq[lane] += sum_sq[lane];
			mt->tick_gr_db[lane] = fmaxf_(mt->tick_gr_db[lane], gr_db[lane]);
		}
		for (int side = 0; side < 2; side++) {
			mt->tick_master_peak[side] = fmaxf_(mt->tick_master_peak[side], master[side]);
			mt->tick_master_sum_sq[side] += master[2 + side];
		}
		for (int b = 0; b < mt->n_buses; b++) {
			mt->tick_bus_peak[b] = fmaxf_(mt->tick_bus_peak[b], master[4 + 2 * b]);
			mt->tick_bus_sum_sq[b] += master[4 + 2 * b + 1];
		}
		const float *extra = master + 4 + 2 * mt->n_buses;
		mt->tick_tp[0] = fmaxf_(mt->tick_tp[0], extra[0]);
		mt->tick_tp[1] = fmaxf_(mt->tick_tp[1], extra[1]);
		mt->tick_limiter_gr_db = fmaxf_(mt->tick_limiter_gr_db, extra[2]);
		for (int k = 0; k < (int)extra[3] && k < METERS_LOUDNESS_BLOCKS; k++)
			loudness_push(&mt->loudness, extra[4 + k]);
		mt->tick_samples += h->n_samples;
		c->n_meter_frames++;
	}
}

void meters_update(struct meters *mt, const struct mixer *m, struct control *c, float window_s)
{
	take_frames(mt, c);
	for (int ch = 0; ch < c->n_channels; ch++) {
		int lane = m->channel_lane[ch], width = m->channel_is_stereo[ch] ? 2 : 1;
		float p = 0.0f, gr = 0.0f;
		double e = 0.0;
		for (int k = 0; k < width; k++) {
			p = fmaxf_(p, mt->tick_peak[lane + k]);
			e += mt->tick_sum_sq[lane + k] / width;
			gr = fmaxf_(gr, mt->tick_gr_db[lane + k]);
		}
		if (mt->tick_samples > 0)
			c->meter_gr_db[ch] = gr;
		meter_ballistics_update(&mt->channel[ch], p, e, mt->tick_samples, window_s);
		c->meter_peak_db[ch] = mt->channel[ch].peak_db;
		c->meter_rms_db[ch] = meter_ballistics_rms_db(&mt->channel[ch]);
	}
	for (int side = 0; side < 2; side++) {
		meter_ballistics_update(&mt->master[side], mt->tick_master_peak[side],
					mt->tick_master_sum_sq[side], mt->tick_samples, window_s);
		c->master_peak_db[side] = mt->master[side].peak_db;
		c->master_rms_db[side] = meter_ballistics_rms_db(&mt->master[side]);
	}
	for (int b = 0; b < mt->n_buses; b++) {
		meter_ballistics_update(&mt->bus[b], mt->tick_bus_peak[b], mt->tick_bus_sum_sq[b],
					mt->tick_samples, window_s);
		c->bus_peak_db[b] = mt->bus[b].peak_db;
		c->bus_rms_db[b] = meter_ballistics_rms_db(&mt->bus[b]);
		mt->tick_bus_peak[b] = 0.0f;
		mt->tick_bus_sum_sq[b] = 0.0;
	}
	/* True peak and limiter reduction: the worst since the last tick, held like a peak. */
	for (int side = 0; side < 2; side++) {
		float db = mt->tick_tp[side] > 1e-6f ? 20.0f * log10f(mt->tick_tp[side]) : METER_FLOOR_DB;
		float fallen = c->master_tp_db[side] - METER_PEAK_FALL_DB_S * window_s;
		c->master_tp_db[side] = db > fallen ? db : (fallen > METER_FLOOR_DB ? fallen : METER_FLOOR_DB);
		mt->tick_tp[side] = 0.0f;
	}
	/* A tick in which no frame arrived (JACK delivers in bursts) keeps the last reading. */
	if (mt->tick_samples > 0)
		c->limiter_gr_db = mt->tick_limiter_gr_db;
	mt->tick_limiter_gr_db = 0.0f;
	if (c->is_loudness_reset_requested) {
		loudness_reset(&mt->loudness);
		c->is_loudness_reset_requested = false;
	}
	/* The gated integrals walk histograms: 10 times a second is plenty for a display. */
	if (++mt->n_ticks % 5 == 0) {
		c->loudness_m = loudness_momentary_lufs(&mt->loudness);
		c->loudness_s = loudness_shortterm_lufs(&mt->loudness);
		c->loudness_i = loudness_integrated_lufs(&mt->loudness);
		c->loudness_lra = loudness_range_lu(&mt->loudness);
	}
	memset(mt->tick_peak, 0, sizeof(float) * (size_t)mt->n_lanes);
	memset(mt->tick_sum_sq, 0, sizeof(double) * (size_t)mt->n_lanes);
	memset(mt->tick_gr_db, 0, sizeof(float) * (size_t)mt->n_lanes);
	mt->tick_master_peak[0] = mt->tick_master_peak[1] = 0.0f;
	mt->tick_master_sum_sq[0] = mt->tick_master_sum_sq[1] = 0.0;
	mt->tick_samples = 0;
}
