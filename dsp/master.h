/*
 * master.h - the stereo master bus, processed as lanes: lane 0 is left, lane 1 right
 * (lanes 2 and 3 ride along silent), so the mastering stage reuses the strip's lane DSP.
 *
 * Order: channels and effect returns summed -> EQ -> bus compressor (stereo-linked: one
 * detector for both sides, so the image never shifts) -> fader + mute -> true-peak limiter
 * (look-ahead: the master outputs are limiter_latency_samples() late) -> outputs, metered
 * there for peak/RMS, true peak (4x) and loudness (BS.1770 blocks for the control thread).
 * The EQ and compressor are the channel strip's own modules on lanes 0 and 1.
 *
 * Glossary: fader (fader and mute, a gain ramp on both sides: dsp/fader.h);
 * eq, comp (the modules); meter (peak and energy at the outputs).
 */
#ifndef JMIXD_DSP_MASTER_H
#define JMIXD_DSP_MASTER_H

#include "dsp/dsp.h"
#include "dsp/dynamics.h"
#include "dsp/eq.h"
#include "dsp/fader.h"
#include "dsp/limiter.h"
#include "dsp/loudness.h"
#include "dsp/meter.h"

struct master {
	struct eq eq;
	struct dynamics comp;
	struct limiter limiter;
	struct truepeak truepeak;
	struct loudness_rt loudness;
	struct fader fader;
	struct meter_acc meter;      /* at the outputs, lanes 0 and 1 */
	uint64_t n_resets;           /* times a module reset after a non-finite value */
};

/* Arena bytes for the limiter's look-ahead; master_init takes them (64-aligned). */
size_t master_mem_size(float rate_hz);
void master_init(struct master *m, float rate_hz, void *mem);  /* control thread */
void master_set_fader_db(struct master *m, float db);         /* RT-safe */
void master_set_mute(struct master *m, bool is_muted);        /* RT-safe */
void master_settle(struct master *m);                         /* before audio */
void master_block_begin(struct master *m);                    /* RT-safe */
void master_process(struct master *m, v4f *buf, int n);       /* RT-safe, in place */

#endif
