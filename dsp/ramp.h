/*
 * ramp.h - click-free gain changes for a group of lanes (DSP_LANES) at once.
 *
 * A new target is reached by a straight line of fixed duration (RAMP time, set by the
 * caller, 20 ms for faders): the audible "fader move" of an analog desk, and the reason a
 * 40 dB jump is a ramp, never a step. Slopes are recomputed only at DSP_BLOCK boundaries
 * (ramp_block_begin), and inside a block the value advances by accumulation, so a block cut
 * into chunks of any size yields bit-identical output.
 *
 * State glossary (per lane):
 *   cur       value of the last sample produced
 *   end       value cur will hold at the end of the current block (snapped to, exactly)
 *   target    where the ramp is heading
 *   step_max  largest change allowed per block: |target - cur at set time| / blocks of ramp
 *   slope     per-sample increment inside the current block
 * A settled ramp (cur == target in every lane) has slope 0 and callers take the constant path.
 *
 * All functions RT-safe.
 */
#ifndef JMIXD_DSP_RAMP_H
#define JMIXD_DSP_RAMP_H

#include "dsp/dsp.h"

struct ramp {
	vf cur;
	vf end;
	vf target;
	vf step_max;
	vf slope;
	bool is_settled;
};

/* Control thread or RT: start every lane at value, settled. */
static inline void ramp_init(struct ramp *r, float value)
{
	r->cur = r->end = r->target = vf_splat(value);
	r->step_max = r->slope = vf_splat(0.0f);
	r->is_settled = true;
}

/* Jump without gliding (initial state, or a lane nobody hears). */
static inline void ramp_jump(struct ramp *r, int lane, float value)
{
	r->cur[lane] = r->end[lane] = r->target[lane] = value;
	r->slope[lane] = 0.0f;
}

/* Arrive at every target now (before audio starts, so the first sample is already right). */
static inline void ramp_settle(struct ramp *r)
{
	r->cur = r->end = r->target;
	r->slope = vf_splat(0.0f);
	r->is_settled = true;
}

/*
 * Head lane towards target, arriving after n_samples (rounded up to whole blocks, at
 * least one), from where it will stand at the next block boundary, where the ramp starts.
 */
static inline void ramp_plan(struct ramp *r, int lane, float target, int n_samples)
{
	int n_blocks = (n_samples + DSP_BLOCK - 1) / DSP_BLOCK;
	if (n_blocks < 1)
		n_blocks = 1;
	float distance = fabsf(target - r->end[lane]);
	r->target[lane] = target;
	r->step_max[lane] = distance / (float)n_blocks;
	r->is_settled = false;
}

/* ramp_plan, unless the lane already heads for target. */
static inline void ramp_set(struct ramp *r, int lane, float target, int n_samples)
{
	if (r->target[lane] != target)
		ramp_plan(r, lane, target, n_samples);
}

/*
 * ramp_set to targets[0], targets[stride], ... targets[(n - 1) * stride] in turn, in one go:
 * the state those calls leave. Until the next block boundary end stands still, so only the
 * last target that differed from the one before it counts, planned from end; a path that
 * wandered off and came back still re-plans, as the calls would.
 */
static inline void ramp_set_path(struct ramp *r, int lane, const float *targets, int stride,
				 int n, int n_samples)
{
	float target = r->target[lane];
	bool has_moved = false;
	for (int i = 0; i < n; i++) {
		float next = targets[i * stride];
		if (next != target) {
			target = next;
			has_moved = true;
		}
	}
	if (has_moved)
		ramp_plan(r, lane, target, n_samples);
}

/* At each DSP_BLOCK boundary: finish the last block exactly, plan the next one. */
static inline void ramp_block_begin(struct ramp *r)
{
	r->cur = r->end;
	if (r->is_settled)
		return;
	vf delta = vf_min(vf_max(r->target - r->cur, -r->step_max), r->step_max);
	r->end = r->cur + delta;
	/* Snap the final block onto the target so rounding can never leave a residue. */
	vi arrives = vf_abs(r->target - r->end) <= vf_splat(1e-9f);
	r->end = vf_select(arrives, r->target, r->end);
	r->slope = delta * vf_splat(1.0f / (float)DSP_BLOCK);
	r->is_settled = vf_equal(r->end, r->target) && vf_equal(r->cur, r->target);
}

/* buf *= ramp, gliding while it moves: the one loop every gain stage shares. RT-safe. */
static inline void ramp_apply(struct ramp *r, vf *buf, int n)
{
	if (r->is_settled) {
		vf g = r->cur;
		if (vf_equal(g, vf_splat(1.0f)))
			return;
		for (int i = 0; i < n; i++)
			buf[i] *= g;
		return;
	}
	vf g = r->cur, slope = r->slope;
	for (int i = 0; i < n; i++) {
		g += slope;
		buf[i] *= g;
	}
	r->cur = g;
}

/*
 * ramp_apply for a four-lane stereo buffer (a bus's or the master's fader): lanes 0-3 of the
 * ramp, the only ones a fader sets. The same arithmetic as ramp_apply. RT-safe.
 */
static inline void ramp_apply4(struct ramp *r, v4f *buf, int n)
{
#if DSP_LANES == 4
	ramp_apply(r, buf, n);
#else
	v4f g = vf_low4(r->cur);
	if (r->is_settled) {
		if (v4f_equal(g, v4f_splat(1.0f)))
			return;
		for (int i = 0; i < n; i++)
			buf[i] *= g;
		return;
	}
	v4f slope = vf_low4(r->slope);
	for (int i = 0; i < n; i++) {
		g += slope;
		buf[i] *= g;
	}
	__builtin_memcpy(&r->cur, &g, sizeof g);
#endif
}

#endif
