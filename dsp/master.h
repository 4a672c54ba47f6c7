/*
 * master.h - the stereo master bus, processed as lanes: lane 0 is left, lane 1 right
 * (lanes 2 and 3 ride along silent), so the mastering stage reuses the strip's lane DSP.
 *
 * Order: summed channels -> fader + mute -> outputs. (EQ, bus compressor and limiter join
 * in front of and behind the fader with the mastering stage.)
 *
 * Glossary: fader_db, is_muted (user settings); gain (ramp of fader * mute, both sides).
 */
#ifndef JMIXD_DSP_MASTER_H
#define JMIXD_DSP_MASTER_H

#include "dsp/dsp.h"
#include "dsp/meter.h"
#include "dsp/ramp.h"

struct master {
	struct ramp gain;
	struct meter_acc meter;      /* at the outputs, lanes 0 and 1 */
	float fader_db;
	bool is_muted;
	int ramp_samples;
};

void master_init(struct master *m, float rate_hz);             /* control thread */
void master_set_fader_db(struct master *m, float db);         /* RT-safe */
void master_set_mute(struct master *m, bool is_muted);        /* RT-safe */
void master_block_begin(struct master *m);                    /* RT-safe */
void master_process(struct master *m, v4f *buf, int n);       /* RT-safe, in place */

#endif
