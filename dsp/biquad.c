/*
 * biquad.c - RBJ biquads for a group of lanes (DSP_LANES) at once, with click-free parameter glides.
 *
 * Algorithm. Coefficients come from Robert Bristow-Johnson's "Cookbook formulae for audio
 * EQ biquad filter coefficients" (bilinear transform, prewarped at f0), computed in double
 * and rounded to float once. First-order low/high-pass are the bilinear transform of
 * 1/(1+s) and s/(1+s) with the same prewarp, held in a biquad with b2 = a2 = 0; so a
 * first-order section followed by an RBJ section with Q = 1 is exactly the digital
 * third-order Butterworth (hpf.c relies on that).
 *
 * Structure: trapezoidal (topology-preserving) state-variable filter in float, after Andrew
 * Simper, "Linear trapezoidal integrated SVF" (Cytomic, 2013-2021) and Vadim Zavalishin, "The
 * Art of VA Filter Design" (2018), ch. 4. The analog prototype LP = 1/(s^2 + k s + 1),
 * BP = s LP with both integrators discretised by the trapezoidal rule (the bilinear
 * transform, prewarped by g = tan(pi fc / rate)), and the output mixed as
 * H = m0 + m1 BP + m2 LP. Simper's mixes give exactly the RBJ responses:
 *	peak	g = t, k = 1/(Q A), m = (1, k (A^2 - 1), 0)		t = tan(w0/2)
 *	low shelf	g = t / sqrt A, k = 1/Q, m = (1, k (A - 1), A^2 - 1)	A = 10^(dB/40)
 *	high shelf	g = t sqrt A, k = 1/Q, m = (A^2, k (1 - A) A, 1 - A^2)
 *	low/high-pass	g = t, k = 1/Q, m = (0, 0, 1) / (1, -k, -1)
 *	first order	k = 2 (a double pole at fc cancelled by a zero): LP1 m = (0, 1, 1),
 *			HP1 m = (1, -1, -1): 1/(s+1) = (s+1)/(s+1)^2.
 * Why not Direct Form I, which this file used until 2026-12: its feedback coefficients are
 * a1 ~ -2, a2 ~ 1 at low fc/rate, and rounding them to float moves the poles by more than
 * their distance from the unit circle (a Q 10 peak at 20 Hz read 11.5 instead of 15 dB at
 * 192 kHz, and 0.2-0.6 dB off at 30 Hz at 48 kHz). Here every coefficient that feeds the
 * recursion is a small number of order g or g^2 held with full relative precision, and the
 * states are the two integrators, whose rounding noise is not amplified by 1/g^2. Measured:
 * within 0.01 dB of RBJ / Butterworth from 20 Hz at 44.1 to 192 kHz (test_filter_accuracy).
 *
 * Per sample, with w = x - s2 and d = 1 / (1 + g (g + k)) (Zavalishin's equations with the
 * integrator outputs substituted, so that each state update is one multiply-add chain):
 *	y   = cx x + c1 s1 + cw w		cx = m0 + m2, c1 = d p, cw = g d p - m2,
 *						p = m1 + m2 g
 *	s1' = (s1 + b s1) + a w			a = 2 g d, b = -a (g + k)
 *	s2' = (s2 + a s1) + e w			e = g a
 * (s1 is twice the band-pass integrator state, s2 the low-pass one; at DC s1 = 0, s2 = x.)
 * It is 14 float operations per sample against DF-I's 9, and the longest dependency is
 * three operations (DF-I two); bq_bands_process runs up to four consecutive static sections
 * interleaved, which hides the latency, so a settled 4-band EQ costs about 1.2x the DF-I. The identity (a = b = e = c1 = cw = 0, cx = 1) and
 * a flat peak or shelf (m1 = m2 = 0) give y = x exactly, whatever the states hold.
 *
 * Motion (fil4 / Pareq style). Parameters glide at block boundaries in bounded steps
 * (struct bq_steps); lanes are redesigned only when they moved, and the section ramps the
 * state-variable parameters (g, k, m0, m1, m2) linearly from the previous block's design to
 * the new one over DSP_BLOCK samples, deriving the coefficients every sample (one division,
 * off the recursion's critical path), the increment accumulating in the section so that any
 * chunking of a block gives bit-identical output. Every g >= 0, k >= 0 is a stable filter,
 * so the ramp is stable at every sample; and the trapezoidal SVF keeps its states meaningful
 * (integrator values) under modulation, unlike direct forms.
 *
 * Switching (Pareq style). On/off and type changes are a true dry/wet crossfade of the
 * section's output, y = m w + (1 - m) x, with m following a smoothstep over 20 ms (no
 * corner at either end), exact at m = 0 and 1. A type change fades out, swaps the type and
 * snaps frequency/gain/Q while m = 0 (inaudible), then fades back in from an identity-
 * consistent state. A faded-out lane becomes the exact identity at m = 1, so a settled
 * section never needs the crossfade. Folding the mix into the numerator instead was tried
 * (with Direct Form I) and rejected: the ringing left in the state when m reaches 0 turns
 * into a step when the section is then skipped or its poles jump. A section whose lanes
 * are all flat (0 dB) is skipped as soon as it settles: with m1 = m2 = 0 the states do not
 * reach the output, so no ringing is cut off.
 *
 * Restart. A skipped section, or a lane fading in from silence, restarts from the state of
 * a filter that has been fed a constant equal to its last input (s1 = 0, s2 = x1): exact
 * for content far below fc, and at DC it adds nothing, like the y = x history the DF-I
 * restart used.
 *
 * Glossary (struct bq_section, vf = DSP_LANES lanes):
 *	c	coefficients of a STATIC section (from end, in double)
 *	p, dp	parameters of the next sample while MOVING and their per-sample increment
 *	end	design at the end of the current block; the next block starts from it
 *	m, dm	crossfade wet amount now and its per-sample step (MOVING only)
 *	s.s1/s2	integrator states (see above); s.x1 the last input (recorded in SKIP too)
 *	mode	SKIP (all lanes flat and settled), STATIC, MOVING
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

/*
 * One switch over the cookbook's cases, each type's direct-form coefficients and its
 * state-variable parameters side by side so that they can be checked against each other;
 * that is why it runs past 80 lines.
 */
void bq_design(struct bq_design *d, enum bq_type type, double rate_hz, double f0_hz, double q,
	       double gain_db)
{
	double w0 = 2.0 * M_PI * f0_hz / rate_hz;
	double cw = cos(w0), sw = sin(w0);
	double alpha = sw / (2.0 * q);
	double a = pow(10.0, gain_db / 40.0);
	double sa = 2.0 * sqrt(a) * alpha;
	double t = tan(0.5 * w0);
	double b0, b1, b2, a0, a1, a2;
	/* State-variable form of the same response (see the table at the top). */
	double g = t, k = 1.0 / q, m0 = 1.0, m1 = 0.0, m2 = 0.0;

	switch (type) {
	case BQ_PEAK:
		b0 = 1.0 + alpha * a;
		b1 = -2.0 * cw;
		b2 = 1.0 - alpha * a;
		a0 = 1.0 + alpha / a;
		a1 = -2.0 * cw;
		a2 = 1.0 - alpha / a;
		k = 1.0 / (q * a);
		m1 = k * (a * a - 1.0);
		break;
	case BQ_LOW_SHELF:
		b0 = a * ((a + 1.0) - (a - 1.0) * cw + sa);
		b1 = 2.0 * a * ((a - 1.0) - (a + 1.0) * cw);
		b2 = a * ((a + 1.0) - (a - 1.0) * cw - sa);
		a0 = (a + 1.0) + (a - 1.0) * cw + sa;
		a1 = -2.0 * ((a - 1.0) + (a + 1.0) * cw);
		a2 = (a + 1.0) + (a - 1.0) * cw - sa;
		g = t / sqrt(a);
		m1 = k * (a - 1.0);
		m2 = a * a - 1.0;
		break;
	case BQ_HIGH_SHELF:
		b0 = a * ((a + 1.0) + (a - 1.0) * cw + sa);
		b1 = -2.0 * a * ((a - 1.0) + (a + 1.0) * cw);
		b2 = a * ((a + 1.0) + (a - 1.0) * cw - sa);
		a0 = (a + 1.0) - (a - 1.0) * cw + sa;
		a1 = 2.0 * ((a - 1.0) - (a + 1.0) * cw);
		a2 = (a + 1.0) - (a - 1.0) * cw - sa;
		g = t * sqrt(a);
		m0 = a * a;
		m1 = k * (1.0 - a) * a;
		m2 = 1.0 - a * a;
		break;
	case BQ_LOW_PASS:
		b0 = 0.5 * (1.0 - cw);
		b1 = 1.0 - cw;
		b2 = b0;
		a0 = 1.0 + alpha;
		a1 = -2.0 * cw;
		a2 = 1.0 - alpha;
		m0 = 0.0;
		m2 = 1.0;
		break;
	case BQ_HIGH_PASS:
		b0 = 0.5 * (1.0 + cw);
		b1 = -(1.0 + cw);
		b2 = b0;
		a0 = 1.0 + alpha;
		a1 = -2.0 * cw;
		a2 = 1.0 - alpha;
		m1 = -k;
		m2 = -1.0;
		break;
	case BQ_LOW_PASS_1:
		b0 = t;
		b1 = t;
		b2 = 0.0;
		a0 = 1.0 + t;
		a1 = t - 1.0;
		a2 = 0.0;
		k = 2.0;
		m0 = 0.0;
		m1 = 1.0;
		m2 = 1.0;
		break;
	case BQ_HIGH_PASS_1:
		b0 = 1.0;
		b1 = -1.0;
		b2 = 0.0;
		a0 = 1.0 + t;
		a1 = t - 1.0;
		a2 = 0.0;
		k = 2.0;
		m1 = -1.0;
		m2 = -1.0;
		break;
	case BQ_IDENTITY:
	default:
		b0 = 1.0;
		b1 = b2 = a1 = a2 = 0.0;
		a0 = 1.0;
		g = k = 0.0;
		break;
	}
	d->g = g;
	d->k = k;
	d->m0 = m0;
	d->m1 = m1;
	d->m2 = m2;
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

static const struct bq_design bq_identity = { 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0 };

static void bq_param_set_lane(struct bq_param *p, int l, const struct bq_design *d)
{
	p->g[l] = (float)d->g;
	p->k[l] = (float)d->k;
	p->m0[l] = (float)d->m0;
	p->m1[l] = (float)d->m1;
	p->m2[l] = (float)d->m2;
}

static void bq_param_copy_lane(struct bq_param *dst, const struct bq_param *src, int l)
{
	dst->g[l] = src->g[l];
	dst->k[l] = src->k[l];
	dst->m0[l] = src->m0[l];
	dst->m1[l] = src->m1[l];
	dst->m2[l] = src->m2[l];
}

static bool bq_param_equal(const struct bq_param *x, const struct bq_param *y)
{
	return vf_equal(x->g, y->g) && vf_equal(x->k, y->k) && vf_equal(x->m0, y->m0) &&
	       vf_equal(x->m1, y->m1) && vf_equal(x->m2, y->m2);
}

/* Static coefficients of lane l from its parameters, in double (equations at the top). */
static void bq_coef_set_lane(struct bq_coef *c, int l, double g, double k, double m0,
			     double m1, double m2)
{
	double k1 = g + k, d = 1.0 / (1.0 + g * k1), a = 2.0 * g * d, p = m1 + m2 * g;

	c->a[l] = (float)a;
	c->b[l] = (float)(-a * k1);
	c->e[l] = (float)(g * a);
	c->cx[l] = (float)(m0 + m2);
	c->c1[l] = (float)(d * p);
	c->cw[l] = (float)(g * d * p - m2);
}

static void bq_coef_from_param(struct bq_coef *c, const struct bq_param *p)
{
	for (int l = 0; l < DSP_LANES; l++)
		bq_coef_set_lane(c, l, (double)p->g[l], (double)p->k[l], (double)p->m0[l],
				 (double)p->m1[l], (double)p->m2[l]);
}

void bq_section_set_lane(struct bq_section *s, int lane, const struct bq_design *d)
{
	bq_param_set_lane(&s->end, lane, d);
	bq_param_set_lane(&s->p, lane, d);
	bq_coef_set_lane(&s->c, lane, d->g, d->k, d->m0, d->m1, d->m2);
}

void bq_section_init(struct bq_section *s)
{
	memset(s, 0, sizeof(*s));
	for (int l = 0; l < DSP_LANES; l++)
		bq_section_set_lane(s, l, &bq_identity);
	s->m = vf_splat(1.0f);
	s->mode = BQ_MODE_SKIP;
}

/* One sample of one static section (the equations at the top); returns the output. */
__attribute__((always_inline))
static inline vf bq_tick(const struct bq_coef *c, vf *s1, vf *s2, vf x)
{
	vf w = x - *s2;
	vf y = c->cx * x + c->c1 * *s1 + c->cw * w;
	/* Small increments added to the states last: no precision lost to a ~1 factor. */
	vf s1n = (*s1 + c->b * *s1) + c->a * w;

	*s2 = (*s2 + c->a * *s1) + c->e * w;
	*s1 = s1n;
	return y;
}

/*
 * k static sections in series (k <= 4, a constant after inlining), interleaved sample by
 * sample: each recursion waits three operations per sample, and running section j + 1's
 * sample n beside section j's sample n + 1 fills that wait. The arithmetic per section is
 * the same whatever k, so the output is bit-identical to k separate passes.
 */
__attribute__((always_inline))
static inline void bq_run_static_k(struct bq_section *const *sec, int k, vf *buf, int n)
{
	struct bq_coef c[4];
	vf s1[4], s2[4], x1[4];

#pragma GCC unroll 4
	for (int j = 0; j < k; j++) {
		c[j] = sec[j]->c;
		s1[j] = sec[j]->s.s1;
		s2[j] = sec[j]->s.s2;
		x1[j] = sec[j]->s.x1;
	}
	for (int i = 0; i < n; i++) {
		vf v = buf[i];

		/* Unrolled, so that the states live in registers, not in the arrays. */
#pragma GCC unroll 4
		for (int j = 0; j < k; j++) {
			x1[j] = v;
			v = bq_tick(&c[j], &s1[j], &s2[j], v);
		}
		buf[i] = v;
	}
#pragma GCC unroll 4
	for (int j = 0; j < k; j++) {
		sec[j]->s.s1 = s1[j];
		sec[j]->s.s2 = s2[j];
		sec[j]->s.x1 = x1[j];
	}
}

static void bq_run_static(struct bq_section *s, vf *buf, int n)
{
	bq_run_static_k(&s, 1, buf, n);
}

static void bq_run_static2(struct bq_section *const *sec, vf *buf, int n)
{
	bq_run_static_k(sec, 2, buf, n);
}

static void bq_run_static4(struct bq_section *const *sec, vf *buf, int n)
{
	bq_run_static_k(sec, 4, buf, n);
}

static void bq_run_moving(struct bq_section *s, vf *buf, int n)
{
	vf g = s->p.g, k = s->p.k, m0 = s->p.m0, m1 = s->p.m1, m2 = s->p.m2, m = s->m;
	const vf dg = s->dp.g, dk = s->dp.k, dm0 = s->dp.m0, dm1 = s->dp.m1, dm2 = s->dp.m2;
	const vf dm = s->dm, one = vf_splat(1.0f);
	vf s1 = s->s.s1, s2 = s->s.s2, x = s->s.x1;

	for (int i = 0; i < n; i++) {
		/* The coefficients of this sample's parameters (the equations at the top). */
		vf k1 = g + k, d = one / (one + g * k1), gd = g * d, a = gd + gd;
		vf pm = m1 + m2 * g, w, y;

		x = buf[i];
		w = x - s2;
		y = (m0 + m2) * x + (d * pm) * s1 + (gd * pm - m2) * w;
		vf s1n = (s1 - (a * k1) * s1) + a * w;

		s2 = (s2 + a * s1) + (g * a) * w;
		s1 = s1n;
		/* Exact at both ends: m = 1 gives y, m = 0 gives x. */
		buf[i] = m * y + (one - m) * x;
		g += dg;
		k += dk;
		m0 += dm0;
		m1 += dm1;
		m2 += dm2;
		m += dm;
	}
	s->p.g = g;
	s->p.k = k;
	s->p.m0 = m0;
	s->p.m1 = m1;
	s->p.m2 = m2;
	s->m = m;
	s->s.s1 = s1;
	s->s.s2 = s2;
	s->s.x1 = x;
}

void bq_section_process(struct bq_section *s, vf *buf, int n)
{
	if (s->mode == BQ_MODE_STATIC) {
		bq_run_static(s, buf, n);
	} else if (s->mode == BQ_MODE_MOVING) {
		bq_run_moving(s, buf, n);
	} else {
		/* Skipped: remember the input (finite only) for a clean restart. */
		s->s.x1 = vf_keep(vf_finite_mask(buf[n - 1]), buf[n - 1]);
	}
}

void bq_section_reset_lanes(struct bq_section *s, vi keep)
{
	s->s.s1 = vf_keep(keep, s->s.s1);
	s->s.s2 = vf_keep(keep, s->s.s2);
	s->s.x1 = vf_keep(keep, s->s.x1);
}

vi bq_section_finite_lanes(const struct bq_section *s)
{
	return vf_finite_mask(s->s.s1 + s->s.s2);
}

void bq_section_flush(struct bq_section *s)
{
	s->s.s1 = vf_flush(s->s.s1);
	s->s.s2 = vf_flush(s->s.s2);
	s->s.x1 = vf_flush(s->s.x1);
}

/* ---- parameter glide ---- */

/* Full-range sweep times; short enough to feel immediate, long enough not to click. */
#define BQ_SWEEP_S 0.030f
#define BQ_FADE_S 0.020f

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

/* Lane l is faded out for good: it runs as the exact identity (cx = 1) at full mix. */
static bool bq_band_lane_is_off(const struct bq_band *b, int l)
{
	return b->type[l] == BQ_IDENTITY || b->mix[l] == 0.0f;
}

/* Lane l passes its input unchanged (off, or 0 dB: m1 = m2 = 0 hides the states). */
static bool bq_band_lane_is_flat(const struct bq_band *b, int l)
{
	return bq_band_lane_is_off(b, l) ||
	       (bq_type_has_gain(b->type[l]) && b->gain_db[l] == 0.0f);
}

/* Design lane l into p from the current values: the exact identity when off. */
static void bq_band_design_lane(const struct bq_band *b, const struct bq_steps *st, int l,
				struct bq_param *p)
{
	struct bq_design d = bq_identity;

	if (!bq_band_lane_is_off(b, l))
		bq_design(&d, (enum bq_type)b->type[l], (double)st->rate_hz,
			  exp2((double)b->log2_hz[l]), exp2((double)b->log2_q[l]),
			  (double)b->gain_db[l]);
	bq_param_set_lane(p, l, &d);
}

static bool bq_band_is_flat(const struct bq_band *b)
{
	bool is_flat = true;

	for (int l = 0; l < DSP_LANES; l++)
		is_flat = is_flat && bq_band_lane_is_flat(b, l);
	return is_flat;
}

/* Constant parameters from end: the static form, no crossfade. */
static void bq_section_hold(struct bq_section *s)
{
	s->p = s->end;
	memset(&s->dp, 0, sizeof(s->dp));
	bq_coef_from_param(&s->c, &s->end);
	s->m = vf_splat(1.0f);
	s->dm = vf_splat(0.0f);
	s->mode = BQ_MODE_STATIC;
}

static bool bq_band_lane_settled(const struct bq_band *b, int l)
{
	return b->type[l] == b->t_type[l] && b->mix[l] == b->t_mix[l] &&
	       b->log2_hz[l] == b->t_log2_hz[l] && b->gain_db[l] == b->t_gain_db[l] &&
	       b->log2_q[l] == b->t_log2_q[l];
}

void bq_band_settle(struct bq_band *b, const struct bq_steps *st)
{
	for (int l = 0; l < DSP_LANES; l++) {
		b->type[l] = b->t_type[l];
		b->mix[l] = b->t_mix[l];
		b->log2_hz[l] = b->t_log2_hz[l];
		b->gain_db[l] = b->t_gain_db[l];
		b->log2_q[l] = b->t_log2_q[l];
		bq_band_design_lane(b, st, l, &b->sec.end);
	}
	bq_section_hold(&b->sec);
	memset(&b->sec.s, 0, sizeof(b->sec.s));
	if (bq_band_is_flat(b))
		b->sec.mode = BQ_MODE_SKIP;
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

/* Settled: finish a ramp, and skip the section when all lanes are flat. */
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
		bq_section_hold(s);
	}
	if (bq_band_is_flat(b))
		s->mode = BQ_MODE_SKIP;
	bq_section_flush(s);
}

/* Lane l restarts as a filter that was fed a constant equal to its last input. */
static void bq_section_restart_lane(struct bq_section *s, int l)
{
	float x1 = s->s.x1[l];

	s->s.s1[l] = 0.0f;
	s->s.s2[l] = x1 - x1 == 0.0f ? x1 : 0.0f;
}

void bq_band_block_begin(struct bq_band *b, const struct bq_steps *st)
{
	struct bq_section *s = &b->sec;
	struct bq_param start;
	vf m0 = vf_splat(1.0f), m1 = vf_splat(1.0f);
	bool is_settled = true, was_skipped = s->mode == BQ_MODE_SKIP;

	if (b->is_settled) {
		bq_band_rest(b, st);
		return;
	}
	if (was_skipped)
		for (int l = 0; l < DSP_LANES; l++)
			bq_section_restart_lane(s, l);
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
			 * m = 0), from the state of a filter fed its last input.
			 */
			bq_band_design_lane(b, st, l, &s->end);
			bq_param_copy_lane(&start, &s->end, l);
			bq_section_restart_lane(s, l);
			m0[l] = 0.0f;
			m1[l] = dsp_smoothstep(b->mix[l]);
		} else if (b->mix[l] == 0.0f && mix0 == 0.0f) {
			/* Faded out: the exact identity at full mix, from the first sample. */
			bq_band_design_lane(b, st, l, &s->end);
			bq_param_set_lane(&start, l, &bq_identity);
		} else {
			/* Fading out keeps its design: the crossfade does the work. */
			if (changed && b->mix[l] > 0.0f)
				bq_band_design_lane(b, st, l, &s->end);
			m0[l] = dsp_smoothstep(mix0);
			m1[l] = dsp_smoothstep(b->mix[l]);
		}
		is_settled = is_settled && bq_band_lane_settled(b, l);
	}
	if (bq_param_equal(&start, &s->end) && vf_equal(m0, m1) &&
	    vf_equal(m0, vf_splat(1.0f))) {
		bq_section_hold(s);
	} else {
		const float inv_block = 1.0f / (float)DSP_BLOCK;

		s->p = start;
		s->dp.g = (s->end.g - start.g) * inv_block;
		s->dp.k = (s->end.k - start.k) * inv_block;
		s->dp.m0 = (s->end.m0 - start.m0) * inv_block;
		s->dp.m1 = (s->end.m1 - start.m1) * inv_block;
		s->dp.m2 = (s->end.m2 - start.m2) * inv_block;
		s->m = m0;
		s->dm = (m1 - m0) * inv_block;
		s->mode = BQ_MODE_MOVING;
	}
	b->is_settled = is_settled;
	bq_section_flush(s);
}

unsigned bq_bands_process(struct bq_band *bands, int n_bands, vf *buf, int n)
{
	vi ok = ~(vi){ 0 };   /* every lane */
	bool has_run = false;

	for (int b = 0; b < n_bands; b++) {
		struct bq_section *run[4];
		int k = 0;

		/* Consecutive static sections, the common settled case, go in one pass. */
		while (k < 4 && b + k < n_bands && bands[b + k].sec.mode == BQ_MODE_STATIC) {
			run[k] = &bands[b + k].sec;
			k++;
		}
		if (k == 4)
			bq_run_static4(run, buf, n);
		else if (k >= 2)
			bq_run_static2(run, buf, n);
		else
			bq_section_process(&bands[b].sec, buf, n);
		k = k >= 2 ? (k == 4 ? 4 : 2) : 1;
		for (int j = 0; j < k; j++) {
			if (bands[b + j].sec.mode == BQ_MODE_SKIP)
				continue;
			/* A skipped section only notes its last input, for a clean restart. */
			ok &= bq_section_finite_lanes(&bands[b + j].sec);
			has_run = true;
		}
		b += k - 1;
	}
	if (!has_run)
		return 0;
	/* The states alone miss a NaN that passed through an identity lane mid-chunk. */
	ok &= vf_finite_mask(vf_poison_scan(buf, n));
	if (vi_bits(ok) == DSP_ALL_LANES)
		return 0;
	for (int b = 0; b < n_bands; b++)
		bq_section_reset_lanes(&bands[b].sec, ok);
	vf_buf_keep(buf, n, ok);
	return ~vi_bits(ok) & DSP_ALL_LANES;
}
