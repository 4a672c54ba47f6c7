/*
 * strip.c - see strip.h. The hot loop is the output stage: two multiply-adds per lane frame,
 * with ramps that cost one extra add each only while a control is moving.
 */
#include "dsp/strip.h"

static void strip_update_gains(struct strip *s, int lane)
{
	float gain = s->is_muted[lane] ? 0.0f : dsp_db_to_lin(s->fader_db[lane]);
	float gain_l = 0.0f, gain_r = 0.0f;
	float bal_l, bal_r;

	switch (s->role[lane]) {
	case STRIP_MONO:
		pan_gains(s->pan_law, s->pan[lane], &gain_l, &gain_r);
		break;
	case STRIP_LEFT:
		pan_balance_gains(s->pan_law, s->pan[lane], &gain_l, &bal_r);
		break;
	case STRIP_RIGHT:
		pan_balance_gains(s->pan_law, s->pan[lane], &bal_l, &gain_r);
		break;
	case STRIP_UNUSED:
		break;
	}
	ramp_set(&s->out_l, lane, gain * gain_l, s->ramp_samples);
	ramp_set(&s->out_r, lane, gain * gain_r, s->ramp_samples);
}

void strip_init(struct strip *s, float rate_hz, enum pan_law law)
{
	*s = (struct strip){ .pan_law = law };
	s->ramp_samples = (int)(rate_hz * STRIP_GAIN_RAMP_MS * 0.001f);
	ramp_init(&s->out_l, 0.0f);
	ramp_init(&s->out_r, 0.0f);
	meter_acc_reset(&s->meter);
	for (int lane = 0; lane < DSP_LANES; lane++)
		s->role[lane] = STRIP_UNUSED;
}

void strip_set_role(struct strip *s, int lane, enum strip_role role)
{
	s->role[lane] = role;
	strip_update_gains(s, lane);
	/* A lane's role is topology, fixed before audio runs: take the gain at once. */
	ramp_jump(&s->out_l, lane, s->out_l.target[lane]);
	ramp_jump(&s->out_r, lane, s->out_r.target[lane]);
}

void strip_set_fader_db(struct strip *s, int lane, float db)
{
	if (s->fader_db[lane] == db)
		return;
	s->fader_db[lane] = db;
	strip_update_gains(s, lane);
}

void strip_set_pan(struct strip *s, int lane, float pan)
{
	if (s->pan[lane] == pan)
		return;
	s->pan[lane] = pan;
	strip_update_gains(s, lane);
}

void strip_set_mute(struct strip *s, int lane, bool is_muted)
{
	if (s->is_muted[lane] == is_muted)
		return;
	s->is_muted[lane] = is_muted;
	strip_update_gains(s, lane);
}

void strip_set_pan_law(struct strip *s, enum pan_law law)
{
	if (s->pan_law == law)
		return;
	s->pan_law = law;
	for (int lane = 0; lane < DSP_LANES; lane++)
		strip_update_gains(s, lane);
}

void strip_settle(struct strip *s)
{
	ramp_settle(&s->out_l);
	ramp_settle(&s->out_r);
}

void strip_block_begin(struct strip *s)
{
	ramp_block_begin(&s->out_l);
	ramp_block_begin(&s->out_r);
}

void strip_process(struct strip *s, v4f *buf, v4f *acc_l, v4f *acc_r, int n)
{
	meter_acc_run(&s->meter, buf, n);
	if (s->out_l.is_settled && s->out_r.is_settled) {
		v4f gain_l = s->out_l.cur, gain_r = s->out_r.cur;
		for (int i = 0; i < n; i++) {
			acc_l[i] += buf[i] * gain_l;
			acc_r[i] += buf[i] * gain_r;
		}
		return;
	}
	v4f gain_l = s->out_l.cur, slope_l = s->out_l.slope;
	v4f gain_r = s->out_r.cur, slope_r = s->out_r.slope;
	for (int i = 0; i < n; i++) {
		gain_l += slope_l;
		gain_r += slope_r;
		acc_l[i] += buf[i] * gain_l;
		acc_r[i] += buf[i] * gain_r;
	}
	s->out_l.cur = gain_l;
	s->out_r.cur = gain_r;
}
