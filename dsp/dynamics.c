/*
 * dynamics.c - feed-forward compressor, DSP_LANES lanes at a time.
 *
 * Reference: D. Giannoulis, M. Massberg, J. D. Reiss, "Digital Dynamic Range Compressor
 * Design - A Tutorial and Analysis", JAES 60(6), 2012: their feed-forward, log-domain
 * configuration with the level detector placed after the gain computer, i.e. level in dB ->
 * static gain computer -> smoothing of the gain reduction (in dB) -> makeup. Smoothing the
 * reduction in dB makes attack and release independent of threshold, ratio and level.
 *
 * Per sample and lane:
 *	level	L = 10 log10(p), p = x^2 (peak) or a one-pole mean square of x^2 (RMS,
 *		tau 10 ms), floored at -120 dB; linked pairs take the larger L of the two
 *	gain computer, threshold T, ratio R, knee W, d = L - T, s = 1 - 1/R:
 *		gr = 0                              2d < -W
 *		gr = s (d + W/2)^2 / (2W)           |2d| <= W      (their quadratic soft knee)
 *		gr = s d                            2d > W
 *		computed branch-free as u = max(d + W/2, 0), v = min(u, W),
 *		gr = s (v^2/(2W) + u - v); W = 0 uses 1/(2W) := 0 and gives the hard knee.
 *		Their y_G is L - gr, their x_L is gr.
 *	detector: their smooth branching peak detector on gr,
 *		env = a env + (1 - a) gr, a = exp(-1/(tau fs)), tau = attack when gr > env else
 *		release; so after a step the reduction in dB moves 63 % of the way in tau.
 *	gain	g = 2^(mix (makeup - env) / 6.02), mix the on/off fade (0..1, 20 ms, in dB so
 *		that switching on a heavy reduction sounds like a fast fader move).
 * log2 and exp2 are the polynomial versions in fastmath.h (errors < 1e-4 dB): libm costs
 * more than the whole rest of the strip.
 *
 * Peak detection on a sine: |x| dips to 0 at every zero crossing, so the detector releases
 * a little each half cycle and the reduction ripples at 2f (more with short attack and
 * release). That is inherent to the per-sample peak detector of the paper; use RMS for
 * smooth low-frequency material. The static curve is exact for signals of constant |x|.
 *
 * Glossary (vf = per lane):
 *	c_thr_db, c_knee_db, c_half_knee_db, c_inv_2knee, c_slope
 *			gain computer: T, W, W/2, 1/(2W) (0 for W = 0), s = 1 - 1/R
 *	c_att, c_rel	detector coefficients a for attack and release
 *	c_rms_mask	lanes detecting RMS; rms_coef the one-pole coefficient of x^2
 *	c_link_off	0 on linked lanes, -1000 dB otherwise (added to the partner's level)
 *	fade_pos	on/off fade position, linear in time (20 ms end to end)
 *	mix, dmix, mix_end	smoothstep(fade_pos) now, per sample, at the block end
 *	makeup_db_now, dmakeup_db, makeup_db_end	makeup glide, the same way
 *	env_db		detector state: smoothed gain reduction in dB (>= 0)
 *	ms		mean-square state of the RMS detector
 *	gr_max_db	meter: largest applied reduction since dynamics_take_gr_db()
 */
#include "dsp/dynamics.h"

#include <math.h>
#include <string.h>

#include "dsp/fastmath.h"
#include "dsp/lanes.h"

#define DYN_FADE_MS 20.0f
#define DYN_MAKEUP_SWEEP_MS 30.0f
#define DYN_POWER_FLOOR 1e-12f
#define DYN_UNLINKED_DB (-1000.0f)

void dynamics_init(struct dynamics *d, float rate_hz)
{
	memset(d, 0, sizeof(*d));
	d->rate_hz = rate_hz;
	for (int l = 0; l < DSP_LANES; l++) {
		d->threshold_db[l] = -20.0f;
		d->ratio[l] = 4.0f;
		d->attack_ms[l] = 10.0f;
		d->release_ms[l] = 100.0f;
		d->knee_db[l] = 6.0f;
		d->makeup_db[l] = 0.0f;
	}
	d->rms_coef = 1.0f - expf(-1000.0f / (DYN_RMS_MS * rate_hz));
	d->mix_step = (float)DSP_BLOCK * 1000.0f / (DYN_FADE_MS * rate_hz);
	d->makeup_step = DYN_MAX_MAKEUP_DB * (float)DSP_BLOCK * 1000.0f /
			 (DYN_MAKEUP_SWEEP_MS * rate_hz);
	d->is_dirty = true;
	dynamics_settle(d);
}

static bool dyn_lane_ok(int lane, float v)
{
	return (unsigned)lane < DSP_LANES && v == v;
}

/* Store a clamped setting; mark dirty only when it changed. */
static void dyn_store(struct dynamics *d, float *slot, float v)
{
	if (*slot == v)
		return;
	*slot = v;
	d->is_dirty = true;
}

void dynamics_set_on(struct dynamics *d, int lane, bool is_on)
{
	if ((unsigned)lane >= DSP_LANES || d->is_on[lane] == is_on)
		return;
	d->is_on[lane] = is_on;
	d->is_dirty = true;
}

void dynamics_set_threshold_db(struct dynamics *d, int lane, float db)
{
	if (dyn_lane_ok(lane, db))
		dyn_store(d, &d->threshold_db[lane],
			  dsp_clampf(db, DYN_MIN_THRESHOLD_DB, DYN_MAX_THRESHOLD_DB));
}

void dynamics_set_ratio(struct dynamics *d, int lane, float ratio)
{
	if (!dyn_lane_ok(lane, ratio))
		return;
	if (ratio != INFINITY)
		ratio = dsp_clampf(ratio, 1.0f, DYN_MAX_RATIO);
	dyn_store(d, &d->ratio[lane], ratio);
}

void dynamics_set_attack_ms(struct dynamics *d, int lane, float ms)
{
	if (dyn_lane_ok(lane, ms))
		dyn_store(d, &d->attack_ms[lane],
			  dsp_clampf(ms, DYN_MIN_ATTACK_MS, DYN_MAX_ATTACK_MS));
}

void dynamics_set_release_ms(struct dynamics *d, int lane, float ms)
{
	if (dyn_lane_ok(lane, ms))
		dyn_store(d, &d->release_ms[lane],
			  dsp_clampf(ms, DYN_MIN_RELEASE_MS, DYN_MAX_RELEASE_MS));
}

void dynamics_set_knee_db(struct dynamics *d, int lane, float db)
{
	if (dyn_lane_ok(lane, db))
		dyn_store(d, &d->knee_db[lane], dsp_clampf(db, 0.0f, DYN_MAX_KNEE_DB));
}

void dynamics_set_makeup_db(struct dynamics *d, int lane, float db)
{
	if (dyn_lane_ok(lane, db))
		dyn_store(d, &d->makeup_db[lane], dsp_clampf(db, 0.0f, DYN_MAX_MAKEUP_DB));
}

void dynamics_set_rms(struct dynamics *d, int lane, bool is_rms)
{
	if ((unsigned)lane >= DSP_LANES || d->is_rms[lane] == is_rms)
		return;
	d->is_rms[lane] = is_rms;
	d->is_dirty = true;
}

void dynamics_set_link(struct dynamics *d, int pair, bool is_linked)
{
	if ((unsigned)pair >= DSP_LANES / 2 || d->is_linked[pair] == is_linked)
		return;
	d->is_linked[pair] = is_linked;
	d->is_dirty = true;
}

/* Per-lane coefficients from the settings; only when they changed (two expf per lane). */
static void dyn_derive(struct dynamics *d)
{
	float fs_ms = d->rate_hz * 0.001f;

	d->has_rms = false;
	for (int l = 0; l < DSP_LANES; l++) {
		float w = d->knee_db[l];

		d->c_thr_db[l] = d->threshold_db[l];
		d->c_knee_db[l] = w;
		d->c_half_knee_db[l] = 0.5f * w;
		d->c_inv_2knee[l] = w > 0.0f ? 0.5f / w : 0.0f;
		d->c_slope[l] = 1.0f - 1.0f / d->ratio[l];
		d->c_att[l] = expf(-1.0f / (d->attack_ms[l] * fs_ms));
		d->c_rel[l] = expf(-1.0f / (d->release_ms[l] * fs_ms));
		d->c_link_off[l] = d->is_linked[l >> 1] ? 0.0f : DYN_UNLINKED_DB;
		d->c_rms_mask[l] = d->is_rms[l] ? -1 : 0;
		d->has_rms = d->has_rms || d->is_rms[l];
	}
	/* A newly linked pair starts from one detector state, so both sides match at once. */
	for (int p = 0; p < DSP_LANES / 2; p++) {
		if (d->is_linked[p]) {
			float e = fmaxf(d->env_db[2 * p], d->env_db[2 * p + 1]);

			d->env_db[2 * p] = d->env_db[2 * p + 1] = e;
		}
	}
	d->is_dirty = false;
}

void dynamics_settle(struct dynamics *d)
{
	if (d->is_dirty)
		dyn_derive(d);
	for (int l = 0; l < DSP_LANES; l++) {
		d->fade_pos[l] = d->is_on[l] ? 1.0f : 0.0f;
		d->mix_end[l] = d->fade_pos[l];
		d->makeup_db_end[l] = d->makeup_db[l];
	}
	d->mix = d->mix_end;
	d->makeup_db_now = d->makeup_db_end;
	d->dmix = d->dmakeup_db = vf_splat(0.0f);
	d->is_running = !vf_equal(d->mix_end, vf_splat(0.0f));
	d->is_fade_settled = false;   /* the next block_begin checks once */
}

void dynamics_block_begin(struct dynamics *d)
{
	const float inv_block = 1.0f / (float)DSP_BLOCK;
	bool was_running = d->is_running, was_dirty = d->is_dirty;
	vf mix0 = d->mix_end, makeup0 = d->makeup_db_end;

	if (d->is_dirty)
		dyn_derive(d);
	/* Fades and makeup that have arrived stay put: the per-lane pass would change nothing. */
	if (was_dirty || !d->is_fade_settled) {
		bool is_settled = true;
		for (int l = 0; l < DSP_LANES; l++) {
			float target = d->is_on[l] ? 1.0f : 0.0f;
			d->fade_pos[l] = dsp_step_towards(d->fade_pos[l], target, d->mix_step);
			d->mix_end[l] = dsp_smoothstep(d->fade_pos[l]);
			d->makeup_db_end[l] = dsp_step_towards(makeup0[l], d->makeup_db[l],
							       d->makeup_step);
			is_settled = is_settled && d->fade_pos[l] == target &&
				     d->makeup_db_end[l] == d->makeup_db[l];
		}
		d->is_fade_settled = is_settled;
	}
	/* Start each block exactly where the last one was meant to end. */
	d->mix = mix0;
	d->makeup_db_now = makeup0;
	d->dmix = (d->mix_end - mix0) * inv_block;
	d->dmakeup_db = (d->makeup_db_end - makeup0) * inv_block;
	d->is_running = !(vf_equal(mix0, vf_splat(0.0f)) &&
			  vf_equal(d->mix_end, vf_splat(0.0f)));
	if (d->is_running && !was_running) {
		d->env_db = vf_splat(0.0f);
		d->ms = vf_splat(0.0f);
	}
	d->env_db = vf_flush(d->env_db);
	d->ms = vf_flush(d->ms);
}

/*
 * The sample loop, inlined twice: with and without the RMS one-pole, which most channels
 * do not use. Three passes over the block, so the one serial chain (the detector: each
 * sample's env needs the last) is short and the logarithms and exponentials, independent
 * sample to sample, pipeline: levels and static gain reductions, then the detector, then the
 * gains. Each lane sees the same float operations in the same order as in one pass.
 */
static inline __attribute__((always_inline)) void dyn_run(struct dynamics *d, vf *buf, int n,
							   const bool has_rms)
{
	const vf thr = d->c_thr_db, knee = d->c_knee_db, half_knee = d->c_half_knee_db;
	const vf inv_2knee = d->c_inv_2knee, slope = d->c_slope;
	const vf att = d->c_att, rel = d->c_rel, link_off = d->c_link_off;
	const vi rms_mask = d->c_rms_mask;
	const vf rms_coef = vf_splat(d->rms_coef), dmix = d->dmix, dmakeup = d->dmakeup_db;
	const vf zero = vf_splat(0.0f), floor_pow = vf_splat(DYN_POWER_FLOOR);
	vf env = d->env_db, ms = d->ms, mix = d->mix, makeup = d->makeup_db_now;
	vf gr_max = d->gr_max_db;
	vf work[DSP_BLOCK];   /* static reduction, then the exponent of the gain */

	for (int i = 0; i < n; i++) {
		vf p = buf[i] * buf[i];

		if (has_rms) {
			ms += rms_coef * (p - ms);
			p = vf_select(rms_mask, ms, p);
		}
		vf level = fast_log2(vf_max(p, floor_pow)) * DSP_DB_PER_LOG2_POW;
		vf partner = vf_swap_pairs(level);

		level = vf_max(level, partner + link_off);
		vf u = vf_max(level - thr + half_knee, zero);
		vf v = vf_min(u, knee);

		work[i] = slope * (v * v * inv_2knee + (u - v));
	}
	for (int i = 0; i < n; i++) {
		vf gr = work[i];
		vf a = vf_select(gr > env, att, rel);

		env = gr + a * (env - gr);
		vf applied_gr = mix * env;

		gr_max = vf_max(gr_max, applied_gr);
		work[i] = (mix * makeup - applied_gr) * (1.0f / DSP_DB_PER_LOG2_AMP);
		mix += dmix;
		makeup += dmakeup;
	}
	for (int i = 0; i < n; i++)
		buf[i] = buf[i] * fast_exp2(work[i]);
	d->env_db = env;
	d->ms = ms;
	d->mix = mix;
	d->makeup_db_now = makeup;
	d->gr_max_db = gr_max;
}

unsigned dynamics_process(struct dynamics *d, vf *buf, int n)
{
	vi ok;

	if (!d->is_running)
		return 0;
	if (d->has_rms)
		dyn_run(d, buf, n, true);
	else
		dyn_run(d, buf, n, false);
	ok = vf_finite_mask(d->env_db + d->ms) & vf_finite_mask(vf_poison_scan(buf, n));
	if (vi_bits(ok) == DSP_ALL_LANES)
		return 0;
	d->env_db = vf_keep(ok, d->env_db);
	d->ms = vf_keep(ok, d->ms);
	d->gr_max_db = vf_select(ok, d->gr_max_db, vf_splat(0.0f));
	vf_buf_keep(buf, n, ok);
	return ~vi_bits(ok) & DSP_ALL_LANES;
}

void dynamics_take_gr_db(struct dynamics *d, vf *out)
{
	*out = d->gr_max_db;
	d->gr_max_db = vf_splat(0.0f);
}
