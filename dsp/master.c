/*
 * master.c - see master.h.
 */
#include "dsp/master.h"

size_t master_mem_size(float rate_hz)
{
	return limiter_mem_size(rate_hz);
}

void master_init(struct master *m, float rate_hz, void *mem)
{
	*m = (struct master){ 0 };
	fader_init(&m->fader, rate_hz, true);
	meter_acc_reset(&m->meter);
	eq_init(&m->eq, rate_hz);
	dynamics_init(&m->comp, rate_hz);
	dynamics_set_link(&m->comp, 0, true);
	limiter_init(&m->limiter, mem, rate_hz);
	truepeak_init(&m->truepeak);
	loudness_rt_init(&m->loudness, rate_hz);
}

void master_set_fader_db(struct master *m, float db)
{
	fader_set_db(&m->fader, db);
}

void master_set_mute(struct master *m, bool is_muted)
{
	fader_set_mute(&m->fader, is_muted);
}

void master_settle(struct master *m)
{
	ramp_settle(&m->fader.gain);
	eq_settle(&m->eq);
	dynamics_settle(&m->comp);
	limiter_settle(&m->limiter);
}

void master_block_begin(struct master *m)
{
	ramp_block_begin(&m->fader.gain);
	eq_block_begin(&m->eq);
	dynamics_block_begin(&m->comp);
	limiter_block_begin(&m->limiter);
}

void master_process(struct master *m, v4f *buf, int n)
{
	m->n_resets += eq_process(&m->eq, buf, n) ? 1 : 0;
	m->n_resets += dynamics_process(&m->comp, buf, n) ? 1 : 0;
	ramp_apply(&m->fader.gain, buf, n);
	m->n_resets += limiter_process(&m->limiter, buf, n) ? 1 : 0;
	meter_acc_run(&m->meter, buf, n);
	truepeak_run(&m->truepeak, buf, n);
	m->n_resets += loudness_rt_run(&m->loudness, buf, n) ? 1 : 0;
}
