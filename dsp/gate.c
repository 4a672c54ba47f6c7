/*
 * gate.c - noise gate with range, hold and attack/release in the log domain, DSP_LANES lanes.
 *
 * Same construction as the compressor (dynamics.c; Giannoulis, Massberg & Reiss, JAES
 * 2012), with a two-state gain computer: the key is open while the instantaneous power
 * x^2 reaches the threshold (compared in the linear power domain, so no log is needed) and
 * for hold_ms after it last did; the target gain is 0 dB when open and -range when closed.
 * The gain in dB follows the target through the smooth branching detector: attack time
 * constant while opening (gain rising), release while closing, each the time to cover 63 %
 * of the way in dB. The instantaneous key with hold rides through the zero crossings of a
 * waveform as long as hold is at least half its period (the 50 ms default covers 10 Hz);
 * with hold 0 the release time does that smoothing.
 *
 * Applied gain = 2^(mix * gain_db / 6.02), mix the 20 ms on/off fade; an applied
 * attenuation at or beyond 89.9 dB (range 90 = full gate) is exact silence.
 *
 * Glossary (vf = per lane):
 *	thr_pow		threshold as a linear power (10^(dB/10))
 *	closed_db	target when closed: -range
 *	hold_n		hold in samples; hold_left counts down from it, < 0 means closed
 *	att_coef, rel_coef	detector coefficients exp(-1/(tau fs))
 *	link_mul	1 on linked lanes, 0 otherwise (scales the partner's power)
 *	fade_pos	on/off fade position, linear in time (20 ms end to end)
 *	mix, dmix, mix_end	smoothstep(fade_pos) now, per sample, at the block end
 *	gain_db		detector state: gate gain in dB, -range..0
 *	gr_max_db	meter: largest applied attenuation since gate_take_gr_db()
 */
#include "dsp/gate.h"

#include <math.h>
#include <string.h>

#include "dsp/fastmath.h"
#include "dsp/lanes.h"

#define GATE_FADE_MS 20.0f
#define GATE_SILENT_DB (DSP_SILENCE_DB + 0.1f)

void gate_init(struct gate *g, float rate_hz)
{
	memset(g, 0, sizeof(*g));
	g->rate_hz = rate_hz;
	for (int l = 0; l < DSP_LANES; l++) {
		g->threshold_db[l] = -50.0f;
		g->range_db[l] = 60.0f;
		g->attack_ms[l] = 1.0f;
		g->hold_ms[l] = 50.0f;
		g->release_ms[l] = 200.0f;
	}
	g->mix_step = (float)DSP_BLOCK * 1000.0f / (GATE_FADE_MS * rate_hz);
	g->is_dirty = true;
	gate_settle(g);
}

static void gate_store(struct gate *g, int lane, float *slot, float v, float lo, float hi)
{
	if ((unsigned)lane >= DSP_LANES || !(v == v))
		return;
	v = dsp_clampf(v, lo, hi);
	if (slot[lane] == v)
		return;
	slot[lane] = v;
	g->is_dirty = true;
}

void gate_set_on(struct gate *g, int lane, bool is_on)
{
	if ((unsigned)lane >= DSP_LANES || g->is_on[lane] == is_on)
		return;
	g->is_on[lane] = is_on;
	g->is_dirty = true;
}

void gate_set_threshold_db(struct gate *g, int lane, float db)
{
	gate_store(g, lane, g->threshold_db, db, GATE_MIN_THRESHOLD_DB, GATE_MAX_THRESHOLD_DB);
}

void gate_set_range_db(struct gate *g, int lane, float db)
{
	gate_store(g, lane, g->range_db, db, 0.0f, GATE_MAX_RANGE_DB);
}

void gate_set_attack_ms(struct gate *g, int lane, float ms)
{
	gate_store(g, lane, g->attack_ms, ms, GATE_MIN_ATTACK_MS, GATE_MAX_ATTACK_MS);
}

void gate_set_hold_ms(struct gate *g, int lane, float ms)
{
	gate_store(g, lane, g->hold_ms, ms, 0.0f, GATE_MAX_HOLD_MS);
}

void gate_set_release_ms(struct gate *g, int lane, float ms)
{
	gate_store(g, lane, g->release_ms, ms, GATE_MIN_RELEASE_MS, GATE_MAX_RELEASE_MS);
}

void gate_set_link(struct gate *g, int pair, bool is_linked)
{
	if ((unsigned)pair >= DSP_LANES / 2 || g->is_linked[pair] == is_linked)
		return;
	g->is_linked[pair] = is_linked;
	g->is_dirty = true;
}

static void gate_derive(struct gate *g)
{
	float fs_ms = g->rate_hz * 0.001f;

	for (int l = 0; l < DSP_LANES; l++) {
		g->thr_pow[l] = powf(10.0f, 0.1f * g->threshold_db[l]);
		g->closed_db[l] = -g->range_db[l];
		g->hold_n[l] = roundf(g->hold_ms[l] * fs_ms);
		g->att_coef[l] = expf(-1.0f / (g->attack_ms[l] * fs_ms));
		g->rel_coef[l] = expf(-1.0f / (g->release_ms[l] * fs_ms));
		g->link_mul[l] = g->is_linked[l >> 1] ? 1.0f : 0.0f;
	}
	for (int p = 0; p < DSP_LANES / 2; p++) {
		if (g->is_linked[p]) {
			float gd = fmaxf(g->gain_db[2 * p], g->gain_db[2 * p + 1]);
			float h = fmaxf(g->hold_left[2 * p], g->hold_left[2 * p + 1]);

			g->gain_db[2 * p] = g->gain_db[2 * p + 1] = gd;
			g->hold_left[2 * p] = g->hold_left[2 * p + 1] = h;
		}
	}
	g->is_dirty = false;
}

/* Back to the state of a gate that has been closed for a long time. */
static void gate_reset_state(struct gate *g)
{
	g->gain_db = g->closed_db;
	g->hold_left = vf_splat(-1.0f);
}

void gate_settle(struct gate *g)
{
	if (g->is_dirty)
		gate_derive(g);
	for (int l = 0; l < DSP_LANES; l++)
		g->mix_end[l] = g->fade_pos[l] = g->is_on[l] ? 1.0f : 0.0f;
	g->mix = g->mix_end;
	g->dmix = vf_splat(0.0f);
	g->is_running = !vf_equal(g->mix_end, vf_splat(0.0f));
	g->is_fade_settled = false;   /* the next block_begin checks once */
	gate_reset_state(g);
}

void gate_block_begin(struct gate *g)
{
	bool was_running = g->is_running, was_dirty = g->is_dirty;
	vf mix0 = g->mix_end;

	if (g->is_dirty)
		gate_derive(g);
	/* Fades that have arrived stay put: the per-lane pass would change nothing. */
	if (was_dirty || !g->is_fade_settled) {
		bool is_settled = true;
		for (int l = 0; l < DSP_LANES; l++) {
			float pos = g->fade_pos[l], target = g->is_on[l] ? 1.0f : 0.0f;
			float diff = target - pos;

			pos = diff > g->mix_step ? pos + g->mix_step :
			      diff < -g->mix_step ? pos - g->mix_step : target;
			g->fade_pos[l] = pos;
			g->mix_end[l] = dsp_smoothstep(pos);
			is_settled = is_settled && pos == target;
		}
		g->is_fade_settled = is_settled;
	}
	g->mix = mix0;
	g->dmix = (g->mix_end - mix0) * (1.0f / (float)DSP_BLOCK);
	g->is_running = !(vf_equal(mix0, vf_splat(0.0f)) &&
			  vf_equal(g->mix_end, vf_splat(0.0f)));
	/*
	 * Switched on: start closed, as a gate that has been listening would be in silence; if
	 * the signal is above threshold it opens within the attack while the mix fades in.
	 */
	if (g->is_running && !was_running)
		gate_reset_state(g);
	g->gain_db = vf_flush(g->gain_db);
}

unsigned gate_process(struct gate *g, vf *buf, int n)
{
	const vf thr = g->thr_pow, closed = g->closed_db, hold_n = g->hold_n;
	const vf att = g->att_coef, rel = g->rel_coef, link_mul = g->link_mul, dmix = g->dmix;
	const vf zero = vf_splat(0.0f), one = vf_splat(1.0f), minus_one = vf_splat(-1.0f);
	const vf silent = vf_splat(GATE_SILENT_DB);
	vf gain = g->gain_db, hold = g->hold_left, mix = g->mix, gr_max = g->gr_max_db;
	vf applied[DSP_BLOCK];
	vi ok;

	if (!g->is_running)
		return 0;
	/* Two passes, as in dynamics.c: the serial envelope first, then the exponentials, which
	 * are independent sample to sample and pipeline; the same operations per lane. */
	for (int i = 0; i < n; i++) {
		vf p = buf[i] * buf[i];

		p = vf_max(p, link_mul * vf_swap_pairs(p));
		hold = vf_select(p >= thr, hold_n, vf_max(hold - one, minus_one));
		vf target = vf_select(hold >= zero, zero, closed);
		vf a = vf_select(target > gain, att, rel);

		gain = target + a * (gain - target);
		applied[i] = mix * gain;
		gr_max = vf_max(gr_max, -applied[i]);
		mix += dmix;
	}
	for (int i = 0; i < n; i++) {
		vf lin = fast_exp2(applied[i] * (1.0f / DSP_DB_PER_LOG2_AMP));

		buf[i] = buf[i] * vf_keep(applied[i] > silent, lin);
	}
	g->gain_db = gain;
	g->hold_left = hold;
	g->mix = mix;
	g->gr_max_db = gr_max;
	ok = vf_finite_mask(gain) & vf_finite_mask(vf_poison_scan(buf, n));
	if (vi_bits(ok) == DSP_ALL_LANES)
		return 0;
	g->gain_db = vf_select(ok, g->gain_db, closed);
	g->hold_left = vf_select(ok, g->hold_left, minus_one);
	g->gr_max_db = vf_select(ok, g->gr_max_db, zero);
	vf_buf_keep(buf, n, ok);
	return ~vi_bits(ok) & DSP_ALL_LANES;
}

void gate_take_gr_db(struct gate *g, vf *out)
{
	*out = g->gr_max_db;
	g->gr_max_db = vf_splat(0.0f);
}
