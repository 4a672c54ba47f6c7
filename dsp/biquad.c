/*
 * biquad.c - RBJ biquads for four lanes at once, with click-free parameter glides.
 *
 * Algorithm. Coefficients come from Robert Bristow-Johnson's "Cookbook formulae for audio
 * EQ biquad filter coefficients" (bilinear transform, prewarped at f0), computed in double
 * and rounded to float once. First-order low/high-pass are the bilinear transform of
 * 1/(1+s) and s/(1+s) with the same prewarp, held in a biquad with b2 = a2 = 0; so a
 * first-order section followed by an RBJ section with Q = 1 is exactly the digital
 * third-order Butterworth (hpf.c relies on that).
 *
 * Structure: Direct Form I in float,
 *	y = b0 x + b1 x1 + b2 x2 - a2 y2 - a1 y1
 * chosen over Transposed DF-II because
 *   - its state is only past input and output, which stay valid when the coefficients move:
 *     TDF-II states are coefficient-weighted partial sums, so a coefficient ramp leaves
 *     them inconsistent and adds a transient; per-sample interpolation is our normal case;
 *   - a skipped section restarts from a state that is exactly "it passed its input
 *     through" (its recorded last inputs as both x and y history), so re-entry is seamless;
 *   - the recursive path per sample is one multiply and one add (a1*y1 comes last), which
 *     halves the latency chain of TDF-II when a section runs alone over a block.
 * It costs four state vectors instead of two. Float round-off of the two forms measured the
 * same (DF-I -58.5, TDF-II -58.6 dB re output for a 20 Hz HPF at 48 kHz); the error there is
 * the float rounding of a1 ~ -2, a2 ~ 1, i.e. coefficient quantisation (<= 0.06 dB at 48 kHz
 * down to 5 Hz, 0.3 dB at 96 kHz for a 30 Hz shelf below 10 Hz). A delta-form or SVF
 * section would fix that for 96k+ rates at a few more operations per sample.
 *
 * Motion (fil4 / Pareq style). Parameters glide at block boundaries in bounded steps
 * (struct bq_steps); coefficients are redesigned only for lanes that moved, and the section
 * ramps linearly from the previous block's design to the new one over DSP_BLOCK samples, the
 * increment accumulating in the section so that any chunking of a block gives bit-identical
 * output. Linear interpolation of (a1, a2) between two stable designs stays stable: the
 * stability triangle is convex.
 *
 * Switching (Pareq style). On/off and type changes are a true dry/wet crossfade of the
 * section's output, y = m w + (1 - m) x, with m following a smoothstep over 20 ms (no
 * corner at either end), exact at m = 0 and 1. A type change fades out, swaps the type and
 * snaps frequency/gain/Q while m = 0 (inaudible), then fades back in from an identity-
 * consistent state. A faded-out lane becomes the exact identity (b0 = 1) at m = 1, so a
 * settled section never needs the crossfade. Folding the mix into the numerator instead
 * (b' = m b + (1 - m) a) was tried and rejected: the ringing left in the state when m
 * reaches 0 turns into a step when the section is then skipped or its poles jump. For the
 * same reason a section whose lanes are all flat (0 dB) is only skipped after its ringing
 * has decayed by 60 dB (n_tail, from the largest pole radius).
 *
 * Glossary (struct bq_section, v4f = 4 lanes):
 *	c	coefficients used for the next sample
 *	dc	per-sample increment of c while MOVING (0 otherwise)
 *	end	design at the end of the current block; the next block starts from it
 *	m, dm	crossfade wet amount now and its per-sample step (MOVING only)
 *	s.x1/x2	last two inputs; s.y1/y2 last two outputs (in SKIP only x1/x2, recorded)
 *	mode	SKIP (all lanes flat and settled, tail decayed), STATIC, MOVING
 *	n_tail	blocks left before a settled all-flat section is skipped (-1: not counting)
 * struct bq_band, per lane: t_* targets, plain names current values; log2_hz and log2_q are
 * octaves so that one step is the same musical distance anywhere in the range.
 */
#include "dsp/biquad.h"

#include <math.h>
#include <string.h>

#include "dsp/lanes.h"

#define BQ_MIN_HZ 20.0f
#define BQ_MAX_HZ 20000.0f
#define BQ_MIN_Q 0.3f
#define BQ_MAX_Q 10.0f

void bq_design(struct bq_design *d, enum bq_type type, double rate_hz, double f0_hz, double q,
	       double gain_db)
{
	double w0 = 2.0 * M_PI * f0_hz / rate_hz;
	double cw = cos(w0), sw = sin(w0);
	double alpha = sw / (2.0 * q);
	double a = pow(10.0, gain_db / 40.0);
	double sa = 2.0 * sqrt(a) * alpha;
	double k = tan(0.5 * w0);
	double b0, b1, b2, a0, a1, a2;

	switch (type) {
	case BQ_PEAK:
		b0 = 1.0 + alpha * a;
		b1 = -2.0 * cw;
		b2 = 1.0 - alpha * a;
		a0 = 1.0 + alpha / a;
		a1 = -2.0 * cw;
		a2 = 1.0 - alpha / a;
		break;
	case BQ_LOW_SHELF:
		b0 = a * ((a + 1.0) - (a - 1.0) * cw + sa);
		b1 = 2.0 * a * ((a - 1.0) - (a + 1.0) * cw);
		b2 = a * ((a + 1.0) - (a - 1.0) * cw - sa);
		a0 = (a + 1.0) + (a - 1.0) * cw + sa;
		a1 = -2.0 * ((a - 1.0) + (a + 1.0) * cw);
		a2 = (a + 1.0) + (a - 1.0) * cw - sa;
		break;
	case BQ_HIGH_SHELF:
		b0 = a * ((a + 1.0) + (a - 1.0) * cw + sa);
		b1 = -2.0 * a * ((a - 1.0) + (a + 1.0) * cw);
		b2 = a * ((a + 1.0) + (a - 1.0) * cw - sa);
		a0 = (a + 1.0) - (a - 1.0) * cw + sa;
		a1 = 2.0 * ((a - 1.0) - (a + 1.0) * cw);
		a2 = (a + 1.0) - (a - 1.0) * cw - sa;
		break;
	case BQ_LOW_PASS:
		b0 = 0.5 * (1.0 - cw);
		b1 = 1.0 - cw;
		b2 = b0;
		a0 = 1.0 + alpha;
		a1 = -2.0 * cw;
		a2 = 1.0 - alpha;
		break;
	case BQ_HIGH_PASS:
		b0 = 0.5 * (1.0 + cw);
		b1 = -(1.0 + cw);
		b2 = b0;
		a0 = 1.0 + alpha;
		a1 = -2.0 * cw;
		a2 = 1.0 - alpha;
		break;
	case BQ_LOW_PASS_1:
		b0 = k;
		b1 = k;
		b2 = 0.0;
		a0 = 1.0 + k;
		a1 = k - 1.0;
		a2 = 0.0;
		break;
	case BQ_HIGH_PASS_1:
		b0 = 1.0;
		b1 = -1.0;
		b2 = 0.0;
		a0 = 1.0 + k;
		a1 = k - 1.0;
		a2 = 0.0;
		break;
	case BQ_IDENTITY:
	default:
		b0 = 1.0;
		b1 = b2 = a1 = a2 = 0.0;
		a0 = 1.0;
		break;
	}
	d->b0 = b0 / a0;
	d->b1 = b1 / a0;
	d->b2 = b2 / a0;
	d->a1 = a1 / a0;
	d->a2 = a2 / a0;
}

double bq_design_mag_db(const struct bq_design *d, double rate_hz, double f_hz)
{
	double w = 2.0 * M_PI * f_hz / rate_hz;
	double c1 = cos(w), s1 = sin(w), c2 = cos(2.0 * w), s2 = sin(2.0 * w);
	double nr = d->b0 + d->b1 * c1 + d->b2 * c2, ni = d->b1 * s1 + d->b2 * s2;
	double dr = 1.0 + d->a1 * c1 + d->a2 * c2, di = d->a1 * s1 + d->a2 * s2;

	return 10.0 * log10((nr * nr + ni * ni) / (dr * dr + di * di));
}

void bq_coef_set_lane(struct bq_coef *c, int lane, const struct bq_design *d)
{
	c->b0[lane] = (float)d->b0;
	c->b1[lane] = (float)d->b1;
	c->b2[lane] = (float)d->b2;
	c->a1[lane] = (float)d->a1;
	c->a2[lane] = (float)d->a2;
}

void bq_coef_identity(struct bq_coef *c)
{
	c->b0 = v4f_splat(1.0f);
	c->b1 = c->b2 = c->a1 = c->a2 = v4f_splat(0.0f);
}

static bool bq_coef_equal(const struct bq_coef *x, const struct bq_coef *y)
{
	return v4f_equal(x->b0, y->b0) && v4f_equal(x->b1, y->b1) && v4f_equal(x->b2, y->b2) &&
	       v4f_equal(x->a1, y->a1) && v4f_equal(x->a2, y->a2);
}

void bq_section_init(struct bq_section *s)
{
	memset(s, 0, sizeof(*s));
	bq_coef_identity(&s->c);
	bq_coef_identity(&s->end);
	s->m = v4f_splat(1.0f);
	s->mode = BQ_MODE_SKIP;
}

static void bq_run_static(struct bq_section *s, v4f *buf, int n)
{
	const v4f b0 = s->c.b0, b1 = s->c.b1, b2 = s->c.b2, a1 = s->c.a1, a2 = s->c.a2;
	v4f x1 = s->s.x1, x2 = s->s.x2, y1 = s->s.y1, y2 = s->s.y2;

	for (int i = 0; i < n; i++) {
		v4f x = buf[i];
		/* a1*y1 last: the recursion waits on one multiply and one add per sample. */
		v4f y = b0 * x + b1 * x1 + b2 * x2 - a2 * y2 - a1 * y1;

		x2 = x1;
		x1 = x;
		y2 = y1;
		y1 = y;
		buf[i] = y;
	}
	s->s.x1 = x1;
	s->s.x2 = x2;
	s->s.y1 = y1;
	s->s.y2 = y2;
}

static void bq_run_moving(struct bq_section *s, v4f *buf, int n)
{
	v4f b0 = s->c.b0, b1 = s->c.b1, b2 = s->c.b2, a1 = s->c.a1, a2 = s->c.a2, m = s->m;
	const v4f db0 = s->dc.b0, db1 = s->dc.b1, db2 = s->dc.b2, da1 = s->dc.a1, da2 = s->dc.a2;
	const v4f dm = s->dm, one = v4f_splat(1.0f);
	v4f x1 = s->s.x1, x2 = s->s.x2, y1 = s->s.y1, y2 = s->s.y2;

	for (int i = 0; i < n; i++) {
		v4f x = buf[i];
		v4f y = b0 * x + b1 * x1 + b2 * x2 - a2 * y2 - a1 * y1;

		x2 = x1;
		x1 = x;
		y2 = y1;
		y1 = y;
		/* Exact at both ends: m = 1 gives y, m = 0 gives x. */
		buf[i] = m * y + (one - m) * x;
		b0 += db0;
		b1 += db1;
		b2 += db2;
		a1 += da1;
		a2 += da2;
		m += dm;
	}
	s->c.b0 = b0;
	s->c.b1 = b1;
	s->c.b2 = b2;
	s->c.a1 = a1;
	s->c.a2 = a2;
	s->m = m;
	s->s.x1 = x1;
	s->s.x2 = x2;
	s->s.y1 = y1;
	s->s.y2 = y2;
}

void bq_section_process(struct bq_section *s, v4f *buf, int n)
{
	if (s->mode == BQ_MODE_STATIC) {
		bq_run_static(s, buf, n);
	} else if (s->mode == BQ_MODE_MOVING) {
		bq_run_moving(s, buf, n);
	} else {
		/* Skipped: remember the input (finite only) for a clean restart. */
		s->s.x2 = n >= 2 ? buf[n - 2] : s->s.x1;
		s->s.x1 = buf[n - 1];
		s->s.x2 = v4f_keep(v4f_finite_mask(s->s.x2), s->s.x2);
		s->s.x1 = v4f_keep(v4f_finite_mask(s->s.x1), s->s.x1);
	}
}

void bq_section_reset_lanes(struct bq_section *s, v4i keep)
{
	s->s.x1 = v4f_keep(keep, s->s.x1);
	s->s.x2 = v4f_keep(keep, s->s.x2);
	s->s.y1 = v4f_keep(keep, s->s.y1);
	s->s.y2 = v4f_keep(keep, s->s.y2);
}

v4i bq_section_finite_lanes(const struct bq_section *s)
{
	return v4f_finite_mask(s->s.x1 + s->s.x2 + s->s.y1 + s->s.y2);
}

void bq_section_flush(struct bq_section *s)
{
	s->s.x1 = v4f_flush(s->s.x1);
	s->s.x2 = v4f_flush(s->s.x2);
	s->s.y1 = v4f_flush(s->s.y1);
	s->s.y2 = v4f_flush(s->s.y2);
}

/* ---- parameter glide ---- */

/* Full-range sweep times; short enough to feel immediate, long enough not to click. */
#define BQ_SWEEP_S 0.030f
#define BQ_FADE_S 0.020f
/* Longest wait for a flat section's ringing to die before it is skipped. */
#define BQ_MAX_TAIL_S 0.5f

void bq_steps_init(struct bq_steps *st, float rate_hz)
{
	float blocks_per_sweep = BQ_SWEEP_S * rate_hz / (float)DSP_BLOCK;

	st->rate_hz = rate_hz;
	st->log2_hz = log2f(BQ_MAX_HZ / BQ_MIN_HZ) / blocks_per_sweep;
	st->gain_db = 30.0f / blocks_per_sweep;
	st->log2_q = log2f(BQ_MAX_Q / BQ_MIN_Q) / blocks_per_sweep;
	st->mix = (float)DSP_BLOCK / (BQ_FADE_S * rate_hz);
	st->max_hz = dsp_clampf(0.45f * rate_hz, BQ_MIN_HZ, BQ_MAX_HZ);
}

static bool bq_type_has_gain(int type)
{
	return type == BQ_PEAK || type == BQ_LOW_SHELF || type == BQ_HIGH_SHELF;
}

/* Lane l is faded out for good: it runs as the exact identity (b0 = 1) at full mix. */
static bool bq_band_lane_is_off(const struct bq_band *b, int l)
{
	return b->type[l] == BQ_IDENTITY || b->mix[l] == 0.0f;
}

/* Lane l passes its input unchanged once its ringing has died (off, or 0 dB). */
static bool bq_band_lane_is_flat(const struct bq_band *b, int l)
{
	return bq_band_lane_is_off(b, l) ||
	       (bq_type_has_gain(b->type[l]) && b->gain_db[l] == 0.0f);
}

/* Design lane l into c from the current values: the exact identity when off. */
static void bq_band_design_lane(const struct bq_band *b, const struct bq_steps *st, int l,
				struct bq_coef *c)
{
	struct bq_design d = { 1.0, 0.0, 0.0, 0.0, 0.0 };

	if (!bq_band_lane_is_off(b, l))
		bq_design(&d, (enum bq_type)b->type[l], (double)st->rate_hz,
			  exp2((double)b->log2_hz[l]), exp2((double)b->log2_q[l]),
			  (double)b->gain_db[l]);
	bq_coef_set_lane(c, l, &d);
}

static bool bq_band_lane_settled(const struct bq_band *b, int l)
{
	return b->type[l] == b->t_type[l] && b->mix[l] == b->t_mix[l] &&
	       b->log2_hz[l] == b->t_log2_hz[l] && b->gain_db[l] == b->t_gain_db[l] &&
	       b->log2_q[l] == b->t_log2_q[l];
}

/*
 * Blocks for the ringing of c to fall by 60 dB: a flat (b == a) section still carries the
 * tail of its last non-flat moment in its state, and skipping it early would truncate
 * that tail into a step. The decay is set by the largest pole radius r: e^-7 after 7/-ln r
 * samples.
 */
static int bq_tail_blocks(const struct bq_coef *c, float rate_hz)
{
	double r = 0.0, max_blocks = (double)(BQ_MAX_TAIL_S * rate_hz / (float)DSP_BLOCK);

	for (int l = 0; l < DSP_LANES; l++) {
		double a1 = (double)c->a1[l], a2 = (double)c->a2[l], disc = a1 * a1 - 4.0 * a2, rl;

		if (disc < 0.0) {
			rl = sqrt(a2);
		} else {
			double sq = sqrt(disc);

			rl = fmax(fabs(-a1 + sq), fabs(-a1 - sq)) * 0.5;
		}
		r = fmax(r, rl);
	}
	if (r <= 0.0)
		return 0;
	if (r >= 1.0)
		return (int)max_blocks;
	return (int)fmin(ceil(7.0 / -log(r) / (double)DSP_BLOCK), max_blocks);
}

void bq_band_settle(struct bq_band *b, const struct bq_steps *st)
{
	bool is_flat = true;

	for (int l = 0; l < DSP_LANES; l++) {
		b->type[l] = b->t_type[l];
		b->mix[l] = b->t_mix[l];
		b->log2_hz[l] = b->t_log2_hz[l];
		b->gain_db[l] = b->t_gain_db[l];
		b->log2_q[l] = b->t_log2_q[l];
		bq_band_design_lane(b, st, l, &b->sec.end);
		is_flat = is_flat && bq_band_lane_is_flat(b, l);
	}
	b->sec.c = b->sec.end;
	memset(&b->sec.dc, 0, sizeof(b->sec.dc));
	memset(&b->sec.s, 0, sizeof(b->sec.s));
	b->sec.m = v4f_splat(1.0f);
	b->sec.dm = v4f_splat(0.0f);
	b->sec.mode = is_flat ? BQ_MODE_SKIP : BQ_MODE_STATIC;
	b->sec.n_tail = -1;
	b->is_settled = true;
}

void bq_band_init(struct bq_band *b, const struct bq_steps *st, enum bq_type type,
		  float freq_hz, float gain_db, float q, bool is_on)
{
	memset(b, 0, sizeof(*b));
	bq_section_init(&b->sec);
	for (int l = 0; l < DSP_LANES; l++) {
		b->t_type[l] = (uint8_t)type;
		b->t_log2_hz[l] = log2f(dsp_clampf(freq_hz, BQ_MIN_HZ, st->max_hz));
		b->t_gain_db[l] = gain_db;
		b->t_log2_q[l] = log2f(dsp_clampf(q, BQ_MIN_Q, BQ_MAX_Q));
		b->t_mix[l] = is_on ? 1.0f : 0.0f;
	}
	bq_band_settle(b, st);
}

void bq_band_set_type(struct bq_band *b, int lane, enum bq_type type)
{
	if ((unsigned)lane >= DSP_LANES || (unsigned)type >= BQ_N_TYPES ||
	    b->t_type[lane] == (uint8_t)type)
		return;
	b->t_type[lane] = (uint8_t)type;
	b->is_settled = false;
}

void bq_band_set_freq_hz(struct bq_band *b, const struct bq_steps *st, int lane, float hz)
{
	float v;

	if ((unsigned)lane >= DSP_LANES || !(hz == hz))
		return;
	v = log2f(dsp_clampf(hz, BQ_MIN_HZ, st->max_hz));
	if (v == b->t_log2_hz[lane])
		return;
	b->t_log2_hz[lane] = v;
	b->is_settled = false;
}

void bq_band_set_gain_db(struct bq_band *b, int lane, float db)
{
	if ((unsigned)lane >= DSP_LANES || !(db == db) || db == b->t_gain_db[lane])
		return;
	b->t_gain_db[lane] = db;
	b->is_settled = false;
}

void bq_band_set_q(struct bq_band *b, int lane, float q)
{
	float v;

	if ((unsigned)lane >= DSP_LANES || !(q == q))
		return;
	v = log2f(dsp_clampf(q, BQ_MIN_Q, BQ_MAX_Q));
	if (v == b->t_log2_q[lane])
		return;
	b->t_log2_q[lane] = v;
	b->is_settled = false;
}

void bq_band_set_on(struct bq_band *b, int lane, bool is_on)
{
	float mix = is_on ? 1.0f : 0.0f;

	if ((unsigned)lane >= DSP_LANES || mix == b->t_mix[lane])
		return;
	b->t_mix[lane] = mix;
	b->is_settled = false;
}

/* One bounded step of cur towards target, arriving exactly; true when cur changed. */
static bool bq_step(float *cur, float target, float step)
{
	float d = target - *cur;

	if (d == 0.0f)
		return false;
	if (d > step)
		*cur += step;
	else if (d < -step)
		*cur -= step;
	else
		*cur = target;
	return true;
}

static void bq_coef_copy_lane(struct bq_coef *dst, const struct bq_coef *src, int l)
{
	dst->b0[l] = src->b0[l];
	dst->b1[l] = src->b1[l];
	dst->b2[l] = src->b2[l];
	dst->a1[l] = src->a1[l];
	dst->a2[l] = src->a2[l];
}

/* Just settled: if every lane is flat, count down its ringing before skipping it. */
static void bq_band_arm_tail(struct bq_band *b, const struct bq_steps *st)
{
	bool is_flat = true;

	for (int l = 0; l < DSP_LANES; l++)
		is_flat = is_flat && bq_band_lane_is_flat(b, l);
	b->sec.n_tail = is_flat ? bq_tail_blocks(&b->sec.end, st->rate_hz) + 1 : -1;
}

/* Settled: finish a ramp, count the tail down, skip when all lanes are flat. */
static void bq_band_rest(struct bq_band *b, const struct bq_steps *st)
{
	struct bq_section *s = &b->sec;

	if (s->mode == BQ_MODE_SKIP)
		return;
	if (s->mode == BQ_MODE_MOVING) {
		/* Lanes that have just faded out become the exact identity at full mix. */
		for (int l = 0; l < DSP_LANES; l++)
			if (bq_band_lane_is_off(b, l))
				bq_band_design_lane(b, st, l, &s->end);
		s->c = s->end;
		memset(&s->dc, 0, sizeof(s->dc));
		s->m = v4f_splat(1.0f);
		s->dm = v4f_splat(0.0f);
		s->mode = BQ_MODE_STATIC;
		bq_band_arm_tail(b, st);
	}
	if (s->n_tail > 0 && --s->n_tail == 0)
		s->mode = BQ_MODE_SKIP;
	bq_section_flush(s);
}

void bq_band_block_begin(struct bq_band *b, const struct bq_steps *st)
{
	struct bq_section *s = &b->sec;
	struct bq_coef start;
	v4f m0 = v4f_splat(1.0f), m1 = v4f_splat(1.0f);
	bool is_settled = true, was_skipped = s->mode == BQ_MODE_SKIP;

	if (b->is_settled) {
		bq_band_rest(b, st);
		return;
	}
	if (was_skipped) {
		/* Resume as if the section had passed its input through all along. */
		s->s.y1 = s->s.x1;
		s->s.y2 = s->s.x2;
	}
	start = s->end;
	for (int l = 0; l < DSP_LANES; l++) {
		float mix0 = b->mix[l];
		/* A type change first fades the lane out; the swap happens at mix == 0. */
		float mix_target = b->type[l] == b->t_type[l] ? b->t_mix[l] : 0.0f;
		bool changed = false;

		if (mix0 == 0.0f) {
			/* Silent at the block start: jump to the targets instead of gliding. */
			changed = b->type[l] != b->t_type[l] || b->log2_hz[l] != b->t_log2_hz[l] ||
				  b->gain_db[l] != b->t_gain_db[l] ||
				  b->log2_q[l] != b->t_log2_q[l];
			b->type[l] = b->t_type[l];
			b->log2_hz[l] = b->t_log2_hz[l];
			b->gain_db[l] = b->t_gain_db[l];
			b->log2_q[l] = b->t_log2_q[l];
			mix_target = b->t_mix[l];
		} else {
			changed |= bq_step(&b->log2_hz[l], b->t_log2_hz[l], st->log2_hz);
			changed |= bq_step(&b->gain_db[l], b->t_gain_db[l], st->gain_db);
			changed |= bq_step(&b->log2_q[l], b->t_log2_q[l], st->log2_q);
		}
		changed |= bq_step(&b->mix[l], mix_target, st->mix);
		if (mix0 == 0.0f && b->mix[l] > 0.0f) {
			/*
			 * Fading in from silence: the new design starts at once (inaudible at
			 * m = 0), from a state as if it had passed its input through.
			 */
			bq_band_design_lane(b, st, l, &s->end);
			bq_coef_copy_lane(&start, &s->end, l);
			s->s.y1[l] = s->s.x1[l];
			s->s.y2[l] = s->s.x2[l];
			m0[l] = 0.0f;
			m1[l] = dsp_smoothstep(b->mix[l]);
		} else if (b->mix[l] == 0.0f && mix0 == 0.0f) {
			/* Faded out: the exact identity at full mix, from the first sample. */
			bq_band_design_lane(b, st, l, &s->end);
			bq_coef_set_lane(&start, l, &(struct bq_design){ 1.0, 0.0, 0.0, 0.0, 0.0 });
		} else {
			/* Fading out keeps its design: the crossfade does the work. */
			if (changed && b->mix[l] > 0.0f)
				bq_band_design_lane(b, st, l, &s->end);
			m0[l] = dsp_smoothstep(mix0);
			m1[l] = dsp_smoothstep(b->mix[l]);
		}
		is_settled = is_settled && bq_band_lane_settled(b, l);
	}
	s->c = start;
	s->m = m0;
	if (bq_coef_equal(&start, &s->end) && v4f_equal(m0, m1) && v4f_equal(m0, v4f_splat(1.0f))) {
		memset(&s->dc, 0, sizeof(s->dc));
		s->dm = v4f_splat(0.0f);
		s->mode = BQ_MODE_STATIC;
	} else {
		const float inv_block = 1.0f / (float)DSP_BLOCK;

		s->dc.b0 = (s->end.b0 - start.b0) * inv_block;
		s->dc.b1 = (s->end.b1 - start.b1) * inv_block;
		s->dc.b2 = (s->end.b2 - start.b2) * inv_block;
		s->dc.a1 = (s->end.a1 - start.a1) * inv_block;
		s->dc.a2 = (s->end.a2 - start.a2) * inv_block;
		s->dm = (m1 - m0) * inv_block;
		s->mode = BQ_MODE_MOVING;
	}
	b->is_settled = is_settled;
	if (is_settled)
		bq_band_arm_tail(b, st);
	else
		s->n_tail = -1;
	bq_section_flush(s);
}

unsigned bq_bands_process(struct bq_band *bands, int n_bands, v4f *buf, int n)
{
	v4i ok = { -1, -1, -1, -1 };
	bool has_run = false;

	for (int b = 0; b < n_bands; b++) {
		struct bq_section *s = &bands[b].sec;

		/* A skipped section only notes its last two inputs, for a clean restart. */
		bq_section_process(s, buf, n);
		if (s->mode == BQ_MODE_SKIP)
			continue;
		ok &= bq_section_finite_lanes(s);
		has_run = true;
	}
	if (!has_run)
		return 0;
	/* The states alone miss a NaN that passed through an identity lane mid-chunk. */
	ok &= v4f_finite_mask(v4f_poison_scan(buf, n));
	if (v4i_bits(ok) == 0xf)
		return 0;
	for (int b = 0; b < n_bands; b++)
		bq_section_reset_lanes(&bands[b].sec, ok);
	v4f_buf_keep(buf, n, ok);
	return ~v4i_bits(ok) & 0xfu;
}
