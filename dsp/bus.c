/*
 * bus.c - see bus.h.
 */
#include "dsp/bus.h"
#include "dsp/strip.h"

static void bus_update_gain(struct bus *b)
{
	float gain = b->is_muted ? 0.0f : dsp_db_to_lin(b->fader_db);
	ramp_set(&b->gain, 0, gain, b->ramp_samples);
	ramp_set(&b->gain, 1, b->is_stereo ? gain : 0.0f, b->ramp_samples);
}

void bus_init(struct bus *b, enum bus_type type, bool is_stereo, float rate_hz)
{
	*b = (struct bus){ .type = type, .is_stereo = is_stereo };
	b->ramp_samples = (int)(rate_hz * STRIP_GAIN_RAMP_MS * 0.001f);
	ramp_init(&b->gain, 0.0f);
	meter_acc_reset(&b->meter);
	bus_update_gain(b);
	ramp_settle(&b->gain);
}

void bus_set_fader_db(struct bus *b, float db)
{
	if (b->fader_db == db)
		return;
	b->fader_db = db;
	bus_update_gain(b);
}

void bus_set_mute(struct bus *b, bool is_muted)
{
	if (b->is_muted == is_muted)
		return;
	b->is_muted = is_muted;
	bus_update_gain(b);
}

void bus_settle(struct bus *b)
{
	ramp_settle(&b->gain);
}

void bus_block_begin(struct bus *b)
{
	ramp_block_begin(&b->gain);
}

void bus_process(struct bus *b, v4f *buf, int n)
{
	ramp_apply(&b->gain, buf, n);
	meter_acc_run(&b->meter, buf, n);
}
