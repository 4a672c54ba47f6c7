/*
 * bus.h - an aux bus: what the channels send to it, summed by the mixer, through its effect
 * (reverb or delay buses), its fader and mute, and out: to its own JACK outputs (monitor
 * mixes, the performers' in-ears and wedges) or back into the master (effect returns).
 *
 * Processed as lanes like the master: lane 0 left, lane 1 right (a mono bus uses lane 0).
 * Glossary: fader_db, is_muted (user settings); gain (ramp of fader * mute on lanes 0/1);
 * meter (peak and energy after the fader).
 */
#ifndef JMIXD_DSP_BUS_H
#define JMIXD_DSP_BUS_H

#include "dsp/dsp.h"
#include "dsp/meter.h"
#include "dsp/ramp.h"

#define BUS_MAX 8

enum bus_type {
	BUS_MONITOR,
	BUS_REVERB,
	BUS_DELAY,
	BUS_N_TYPES,
};

struct bus {
	enum bus_type type;
	bool is_stereo;
	struct ramp gain;
	struct meter_acc meter;
	float fader_db;
	bool is_muted;
	int ramp_samples;
};

/* Control thread: fader 0 dB, unmuted, settled. */
void bus_init(struct bus *b, enum bus_type type, bool is_stereo, float rate_hz);
void bus_set_fader_db(struct bus *b, float db);        /* RT-safe */
void bus_set_mute(struct bus *b, bool is_muted);       /* RT-safe */
void bus_settle(struct bus *b);
void bus_block_begin(struct bus *b);                   /* RT-safe */
/* The bus's summed sends in buf (lanes 0/1) through effect, fader and meter. RT-safe. */
void bus_process(struct bus *b, v4f *buf, int n);

#endif
