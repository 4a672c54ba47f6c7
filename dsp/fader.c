/*
 * fader.c - see fader.h.
 */
#include "dsp/fader.h"
#include "dsp/strip.h"

static void fader_update_gain(struct fader *f)
{
	float gain = f->is_muted || f->is_group_muted ? 0.0f : dsp_db_to_lin(f->fader_db);
	ramp_set(&f->gain, 0, gain, f->ramp_samples);
	ramp_set(&f->gain, 1, f->is_stereo ? gain : 0.0f, f->ramp_samples);
}

void fader_init(struct fader *f, float rate_hz, bool is_stereo)
{
	*f = (struct fader){ .fader_db = 0.0f, .is_stereo = is_stereo };
	f->ramp_samples = (int)(rate_hz * STRIP_GAIN_RAMP_MS * 0.001f);
	ramp_init(&f->gain, 0.0f);
	fader_update_gain(f);
	ramp_settle(&f->gain);
}

void fader_set_db(struct fader *f, float db)
{
	if (f->fader_db == db)
		return;
	f->fader_db = db;
	fader_update_gain(f);
}

void fader_set_mute(struct fader *f, bool is_muted)
{
	if (f->is_muted == is_muted)
		return;
	f->is_muted = is_muted;
	fader_update_gain(f);
}

void fader_set_group_mute(struct fader *f, bool is_group_muted)
{
	if (f->is_group_muted == is_group_muted)
		return;
	f->is_group_muted = is_group_muted;
	fader_update_gain(f);
}
