/*
 * meters.h - meter frames from the audio thread to the control thread.
 *
 * The audio thread accumulates peak and energy per lane in the DSP (dsp/meter.h). About
 * every 10 ms it copies them into a frame and tries to push it on an SPSC ring; only when
 * the push succeeds are the accumulators cleared, so a full ring costs resolution, never a
 * peak, and the audio thread never waits. The control thread drains the ring on its tick,
 * applies ballistics (dsp/meter.c), and stores dBFS values in struct control for queries and
 * subscribers.
 *
 * Frame: header, then peak[n_lanes], sum_sq[n_lanes], gr_db[n_lanes], master peak[2],
 * master sum_sq[2], per bus peak and sum_sq (both sides together), master true peak[2]
 * (linear), limiter gain reduction (dB), the number of loudness blocks, and up to
 * METERS_LOUDNESS_BLOCKS 100 ms loudness blocks (BS.1770 mean squares). Loudness blocks
 * wait in the audio thread until a frame carrying them is accepted, so none is lost to a
 * full ring; the control thread integrates them (dsp/loudness.h).
 */
#ifndef JMIXD_METERS_H
#define JMIXD_METERS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/control.h"
#include "daemon/spsc.h"
#include "dsp/meter.h"
#include "dsp/mixer.h"

#define METERS_RING_SLOTS 16
#define METERS_FRAME_MS 10
#define METERS_LOUDNESS_BLOCKS 8

struct meter_frame_header {
	uint32_t n_samples;
	uint32_t n_lanes;
};

struct meters {
	struct spsc ring;
	void *ring_mem;
	size_t frame_size;
	int n_lanes;
	/* Audio thread only. */
	unsigned char *rt_frame;
	float *rt_gr_db;             /* compressor gain reduction, max since the last frame */
	float rt_tp[2];              /* master true peak since the last frame (linear) */
	float rt_limiter_gr_db;
	float rt_loudness[METERS_LOUDNESS_BLOCKS];
	int rt_n_loudness;
	_Atomic uint32_t rt_loudness_dropped;   /* written here, read by the control thread */
	uint32_t rt_samples;
	uint32_t rt_frame_samples;   /* post a frame after this many samples */
	/* Control thread only. */
	unsigned char *ctl_frame;
	float *tick_peak;            /* per lane, since the last tick */
	double *tick_sum_sq;
	float *tick_gr_db;
	uint32_t tick_samples;
	float tick_master_peak[2];
	double tick_master_sum_sq[2];
	float tick_bus_peak[BUS_MAX];
	double tick_bus_sum_sq[BUS_MAX];
	struct meter_ballistics *channel;
	struct meter_ballistics master[2];
	struct meter_ballistics bus[BUS_MAX];
	int n_buses;
	float tick_tp[2];
	float tick_limiter_gr_db;
	struct loudness loudness;    /* control half */
	void *loudness_mem;
	int n_ticks;
};

/* Control thread, before audio. 0 or -ENOMEM. */
int meters_init(struct meters *mt, const struct mixer *m, int n_channels);
void meters_free(struct meters *mt);

/* Audio thread, after each period: maybe post a frame. RT-safe. */
void meters_rt_post(struct meters *mt, struct mixer *m, uint32_t n_frames);

/* Control thread, each tick of window_s seconds: drain, apply ballistics, store in c. */
void meters_update(struct meters *mt, const struct mixer *m, struct control *c, float window_s);

#endif
