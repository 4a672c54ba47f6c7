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

/*
 * The EQ and compressor are the strip's modules, DSP_LANES wide; the master's stereo pair sits
 * in lanes 0 and 1 of a four-lane buffer. A wider build runs them on a widened copy (lanes 4
 * and up silent): per lane the arithmetic, and so the output, is that of the four-lane build.
 */
static unsigned master_strip_modules(struct master *m, v4f *buf, int n)
{
#if DSP_LANES == 4
	unsigned reset = eq_process(&m->eq, buf, n) ? 1 : 0;
	return reset + (dynamics_process(&m->comp, buf, n) ? 1 : 0);
#else
	vf wide[DSP_BLOCK];
	for (int i = 0; i < n; i++)
		wide[i] = vf_from4(buf[i]);
	unsigned reset = eq_process(&m->eq, wide, n) ? 1 : 0;
	reset += dynamics_process(&m->comp, wide, n) ? 1 : 0;
	for (int i = 0; i < n; i++)
		buf[i] = vf_low4(wide[i]);
	return reset;
#endif
}

void master_process(struct master *m, v4f *buf, int n)
{
	m->n_resets += master_strip_modules(m, buf, n);
	ramp_apply4(&m->fader.gain, buf, n);
	m->n_resets += limiter_process(&m->limiter, buf, n) ? 1 : 0;
	meter_acc_run4(&m->meter, buf, n);
	truepeak_run(&m->truepeak, buf, n);
	m->n_resets += loudness_rt_run(&m->loudness, buf, n) ? 1 : 0;
}
