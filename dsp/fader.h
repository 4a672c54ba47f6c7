/*
 * fader.h - the fader and mute of a bus or the master: one gain ramp on lane 0 (left) and
 * lane 1 (right; silent on a mono bus), lanes 2 and 3 silent. A move or a mute glides over
 * STRIP_GAIN_RAMP_MS (20 ms), like a channel's: inaudible as a step, fast as a hand.
 *
 * Glossary: fader_db, is_muted (the user's settings); is_stereo (lane 1 carries signal);
 * gain (the ramp of fader * mute, applied with ramp_apply); ramp_samples (the glide).
 */
#ifndef JMIXD_DSP_FADER_H
#define JMIXD_DSP_FADER_H

#include <stdbool.h>

#include "dsp/ramp.h"

struct fader {
	struct ramp gain;
	float fader_db;
	bool is_muted, is_group_muted, is_stereo;
	int ramp_samples;
};

/* 0 dB, unmuted, settled (no glide at start). Control thread. */
void fader_init(struct fader *f, float rate_hz, bool is_stereo);
/* dB (-inf..+10, as the parameter table allows); a repeat of the same value is free. RT-safe. */
void fader_set_db(struct fader *f, float db);
void fader_set_mute(struct fader *f, bool is_muted);   /* RT-safe */
/* Silenced by a mute group (dsp/mutegroup.h), beside its own mute. RT-safe. */
void fader_set_group_mute(struct fader *f, bool is_group_muted);

#endif
