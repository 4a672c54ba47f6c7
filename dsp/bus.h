/*
 * bus.h - an aux bus: what the channels send to it, summed by the mixer, through its effect
 * (reverb or delay buses), its fader and mute, and out: to its own JACK outputs (monitor
 * mixes, the performers' in-ears and wedges) or back into the master (effect returns).
 *
 * Processed as lanes like the master: lane 0 left, lane 1 right (a mono bus uses lane 0).
 * Glossary: fader (fader and mute, a gain ramp on lanes 0/1: dsp/fader.h);
 * meter (peak and energy after the fader); reverb, delay (the effect of an effect bus, in
 * arena memory; NULL on other buses); delay_ms, delay_bpm, delay_division, is_delay_synced
 * (the delay's time, set in ms or from the tempo).
 */
#ifndef JMIXD_DSP_BUS_H
#define JMIXD_DSP_BUS_H

#include <stddef.h>

#include "dsp/delay.h"
#include "dsp/dsp.h"
#include "dsp/fader.h"
#include "dsp/meter.h"
#include "dsp/reverb.h"

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
	struct fader fader;
	struct meter_acc meter;
	struct reverb *reverb;
	struct delay *delay;
	float delay_ms, delay_bpm;
	enum delay_division delay_division;
	bool is_delay_synced;
	uint64_t n_resets;
};

/* Bytes of arena memory a bus of this type needs (its effect and delay lines). */
size_t bus_mem_size(enum bus_type type, float rate_hz);

/* Control thread: fader 0 dB, unmuted, settled; mem holds bus_mem_size bytes, 64-aligned. */
void bus_init(struct bus *b, enum bus_type type, bool is_stereo, float rate_hz, void *mem);

/* The delay's time: in ms, or from the tempo when synced. RT-safe. */
void bus_set_delay_time_ms(struct bus *b, float ms);
void bus_set_delay_bpm(struct bus *b, float bpm);
void bus_set_delay_division(struct bus *b, enum delay_division division);
void bus_set_delay_sync(struct bus *b, bool is_synced);
void bus_set_fader_db(struct bus *b, float db);        /* RT-safe */
void bus_set_mute(struct bus *b, bool is_muted);       /* RT-safe */
void bus_settle(struct bus *b);
void bus_block_begin(struct bus *b);                   /* RT-safe */
/* The bus's summed sends in buf (lanes 0/1) through effect, fader and meter. RT-safe. */
void bus_process(struct bus *b, v4f *buf, int n);

#endif
