/*
 * indelay.c - see indelay.h.
 */
#include "dsp/indelay.h"

#include <math.h>

static uint32_t ring_frames(float rate_hz)
{
	uint32_t need = (uint32_t)ceilf(INDELAY_MAX_MS * 0.001f * rate_hz) + DSP_BLOCK + 1;
	uint32_t n = 1;
	while (n < need)
		n <<= 1;
	return n;
}

size_t indelay_mem_size(float rate_hz)
{
	return sizeof(vf) * ring_frames(rate_hz);
}

static void update_want(struct indelay *d, int lane)
{
	float samples = d->is_on[lane] ? d->time_ms[lane] * 0.001f * d->rate_hz : 0.0f;
	d->want[lane] = (int32_t)lroundf(samples);
}

void indelay_init(struct indelay *d, void *mem, float rate_hz)
{
	*d = (struct indelay){ .line = mem, .mask = ring_frames(rate_hz) - 1, .rate_hz = rate_hz };
	for (int lane = 0; lane < DSP_LANES; lane++) {
		xfade_set_time(&d->tap[lane], INDELAY_FADE_MS, rate_hz);
		xfade_settle(&d->tap[lane]);
	}
	for (uint32_t i = 0; i <= d->mask; i++)
		d->line[i] = vf_splat(0.0f);
}

void indelay_set_on(struct indelay *d, int lane, bool is_on)
{
	d->is_on[lane] = is_on;
	d->is_idle = false;
	update_want(d, lane);
}

void indelay_set_time_ms(struct indelay *d, int lane, float ms)
{
	d->time_ms[lane] = ms;
	d->is_idle = false;
	update_want(d, lane);
}

void indelay_settle(struct indelay *d)
{
	d->recorded = (int32_t)d->mask + 1;   /* before audio: the ring's silence is the past */
	d->is_idle = false;
	for (int lane = 0; lane < DSP_LANES; lane++) {
		d->tap[lane].target = d->want[lane];
		xfade_settle(&d->tap[lane]);
	}
	indelay_block_begin(d);
}

void indelay_block_begin(struct indelay *d)
{
	/* Idle and untouched since: every tap at 0, settled; the per-lane pass would change nothing. */
	if (d->is_idle)
		return;
	bool is_active = false, is_settled = true;
	for (int lane = 0; lane < DSP_LANES; lane++) {
		struct xfade *x = &d->tap[lane];
		if (d->want[lane] <= d->recorded)
			x->target = d->want[lane];
		xfade_block_begin(x);
		is_active |= d->want[lane] != 0 || x->cur != 0 || x->next != 0;
		is_settled = is_settled && x->target == 0 && x->pos == 0.0f && x->xf == 0.0f &&
			     x->dxf == 0.0f;
	}
	if (!is_active)
		d->recorded = 0;   /* idle: the ring stops, its contents become stale */
	d->is_active = is_active && d->line;   /* a strip built without a ring never delays */
	d->is_idle = !is_active && is_settled;
}

/* No fade under way: one tap per lane, held in locals (the common, settled case). */
static void process_settled(struct indelay *d, vf *buf, int n)
{
	vf *line = d->line;
	uint32_t mask = d->mask, w = d->w;
	uint32_t tap[DSP_LANES];
	for (int lane = 0; lane < DSP_LANES; lane++)
		tap[lane] = (uint32_t)d->tap[lane].cur;
	for (int i = 0; i < n; i++, w++) {
		line[w & mask] = buf[i];
		vf out = vf_splat(0.0f);   /* every lane is written below */
		for (int lane = 0; lane < DSP_LANES; lane++)
			out[lane] = line[(w - tap[lane]) & mask][lane];
		buf[i] = out;
	}
	d->w = w;
}

void indelay_process(struct indelay *d, vf *buf, int n)
{
	if (!d->is_active)
		return;
	bool is_fading = false;
	for (int lane = 0; lane < DSP_LANES; lane++)
		is_fading |= d->tap[lane].next != d->tap[lane].cur;
	int32_t most = (int32_t)d->mask + 1;
	d->recorded = d->recorded + n < most ? d->recorded + n : most;
	if (!is_fading) {
		process_settled(d, buf, n);
		return;
	}
	vf *line = d->line;
	uint32_t mask = d->mask, w = d->w;
	for (int i = 0; i < n; i++, w++) {
		line[w & mask] = buf[i];
		for (int lane = 0; lane < DSP_LANES; lane++) {
			struct xfade *x = &d->tap[lane];
			float a = line[(w - (uint32_t)x->cur) & mask][lane];
			if (x->next != x->cur) {
				float b = line[(w - (uint32_t)x->next) & mask][lane];
				a += (b - a) * x->xf;
				x->xf += x->dxf;
			}
			buf[i][lane] = a;
		}
	}
	d->w = w;
}
