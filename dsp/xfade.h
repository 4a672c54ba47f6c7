/*
 * xfade.h - a delay time that changes without a click: a crossfade between two read taps of
 * a ring (STYLE idiom 7), shared by the delay's echo time and the reverb's predelay.
 *
 * No read pointer ever moves: a new time starts a fade (smoothstep, so it starts and ends
 * without a corner) from the current tap to the new one; a change arriving during a fade
 * waits for it to end, then fades to the latest target. During the fade both times sound,
 * as on a tape machine with two heads. The fade advances per DSP_BLOCK; inside a block the
 * weight of the new tap goes linearly from xf by dxf per sample:
 *	out = (1 - xf) line[w - cur] + xf line[w - next]
 *
 * Glossary: target the wanted tap (samples), cur the tap being left (read alone when idle),
 * next the tap faded to, pos the linear fade position 0..1 at block boundaries, step its
 * increase per block, xf/dxf the smoothstep weight of next per sample and its increment.
 * Every function here is RT-safe.
 */
#ifndef JMIXD_DSP_XFADE_H
#define JMIXD_DSP_XFADE_H

#include <stdint.h>

#include "dsp/dsp.h"
#include "dsp/lanes.h"

struct xfade {
	int32_t target, cur, next;
	float pos, step;
	float xf, dxf;
};

/* A fade of fade_ms at rate_hz, its step per DSP_BLOCK. Control thread. */
static inline void xfade_set_time(struct xfade *x, float fade_ms, float rate_hz)
{
	x->step = (float)DSP_BLOCK * 1000.0f / (fade_ms * rate_hz);
}

/* Read the target alone from now on: no fade under way. */
static inline void xfade_settle(struct xfade *x)
{
	x->cur = x->next = x->target;
	x->pos = x->xf = x->dxf = 0.0f;
}

/* At each DSP_BLOCK boundary: finish a fade, or start one towards the latest target. */
static inline void xfade_block_begin(struct xfade *x)
{
	const float inv_block = 1.0f / (float)DSP_BLOCK;

	if (x->pos >= 1.0f) {
		x->cur = x->next;
		x->pos = 0.0f;
	}
	if (x->pos == 0.0f && x->target != x->cur)
		x->next = x->target;
	float xf0 = dsp_smoothstep(x->pos);

	if (x->next != x->cur)
		x->pos = dsp_step_towards(x->pos, 1.0f, x->step);
	x->xf = xf0;
	x->dxf = (dsp_smoothstep(x->pos) - xf0) * inv_block;
}

#endif
