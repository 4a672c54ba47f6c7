/*
 * bus.c - see bus.h.
 */
#include "dsp/bus.h"

#define ALIGN64(x) (((x) + 63) & ~(size_t)63)

size_t bus_mem_size(enum bus_type type, float rate_hz)
{
	switch (type) {
	case BUS_REVERB:
		return ALIGN64(sizeof(struct reverb)) + ALIGN64(reverb_mem_size(rate_hz));
	case BUS_DELAY:
		return ALIGN64(sizeof(struct delay)) + ALIGN64(delay_mem_size(rate_hz));
	case BUS_MONITOR:
	default:
		return 0;
	}
}

static void bus_update_delay(struct bus *b)
{
	if (!b->delay)
		return;
	if (b->is_delay_synced)
		delay_set_tempo(b->delay, b->delay_bpm, b->delay_division);
	else
		delay_set_time_ms(b->delay, b->delay_ms);
}

void bus_set_delay_time_ms(struct bus *b, float ms)
{
	b->delay_ms = ms;
	bus_update_delay(b);
}

void bus_set_delay_bpm(struct bus *b, float bpm)
{
	b->delay_bpm = bpm;
	bus_update_delay(b);
}

void bus_set_delay_division(struct bus *b, enum delay_division division)
{
	b->delay_division = division;
	bus_update_delay(b);
}

void bus_set_delay_sync(struct bus *b, bool is_synced)
{
	b->is_delay_synced = is_synced;
	bus_update_delay(b);
}

void bus_init(struct bus *b, enum bus_type type, bool is_stereo, float rate_hz, void *mem)
{
	*b = (struct bus){ .type = type, .is_stereo = is_stereo, .delay_ms = 375.0f,
			   .delay_bpm = 120.0f, .delay_division = DELAY_DIV_1_8_DOTTED };
	char *p = mem;
	if (type == BUS_REVERB) {
		b->reverb = (struct reverb *)(void *)p;
		reverb_init(b->reverb, p + ALIGN64(sizeof(struct reverb)), rate_hz);
	} else if (type == BUS_DELAY) {
		b->delay = (struct delay *)(void *)p;
		delay_init(b->delay, p + ALIGN64(sizeof(struct delay)), rate_hz);
	}
	fader_init(&b->fader, rate_hz, is_stereo);
	meter_acc_reset(&b->meter);
}

void bus_set_fader_db(struct bus *b, float db)
{
	fader_set_db(&b->fader, db);
}

void bus_set_mute(struct bus *b, bool is_muted)
{
	fader_set_mute(&b->fader, is_muted);
}

void bus_settle(struct bus *b)
{
	ramp_settle(&b->fader.gain);
	if (b->reverb)
		reverb_settle(b->reverb);
	if (b->delay)
		delay_settle(b->delay);
}

void bus_block_begin(struct bus *b)
{
	ramp_block_begin(&b->fader.gain);
	if (b->reverb)
		reverb_block_begin(b->reverb);
	if (b->delay)
		delay_block_begin(b->delay);
}

void bus_process(struct bus *b, v4f *buf, int n)
{
	/* The effects output only their wet signal: the dry one reaches the master directly. */
	unsigned reset = 0;
	if (b->reverb)
		reset |= reverb_process(b->reverb, buf, n);
	if (b->delay)
		reset |= delay_process(b->delay, buf, n);
	b->n_resets += reset ? 1 : 0;
	ramp_apply4(&b->fader.gain, buf, n);
	meter_acc_run4(&b->meter, buf, n);
}
