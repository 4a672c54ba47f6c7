/*
 * reverb.c - stereo reverb: predelay, input diffusion, 8-line feedback delay network.
 *
 * References: J.-M. Jot and A. Chaigne, "Digital delay networks for designing artificial
 * reverberators", AES 90th convention, 1991 (FDN with a lossless orthogonal matrix and
 * per-line absorbent filters, loop gain from the line length and the wanted RT60);
 * F. Adriaensen's zita-rev1 (research/style-anchors.md 2.6): eight lines, Hadamard
 * mixing by butterflies, a two-band damping filter per line, sum/difference output taps.
 *
 * Signal flow, per sample:
 *	predelay	ring of 200 ms, read at pd samples (two taps crossfaded on a change)
 *	diffusion	four Schroeder allpasses u = x + g u[n-M], y = u[n-M] - g u, run on
 *			four lanes (L, R, L, R) with different lengths per lane (2.4-11 ms), so
 *			four decorrelated, dense versions of the input feed the network
 *	FDN		y_i = line_i read at d_i = size * base_i + mod_i (3rd-order Lagrange
 *			interpolation, flat within 0.001 dB to 2 kHz, so the mid-band RT60 does
 *			not depend on the fractional part); damped d_i = g_i S_i(y_i); mixed by
 *			H8 / sqrt(8) (H8 = [H4 H4; H4 -H4], butterflies across the two v4f and
 *			inside each by shuffles, no multiplies); written back plus the input
 *			(group B gets it with signs +, -, -, +)
 *	outputs		L = sum s_L,i y_i, R = sum s_R,i y_i with orthogonal sign vectors
 *			(+-+-++--, ++----++ ... see rev_out_*), scaled 1/sqrt(8); plus a little of
 *			the diffused input (the "early" part, starting exactly at the predelay);
 *			one-pole high cut
 * Loop gains (Jot): a pass through line i takes d_i samples, so for RT60 T its gain is
 *	g_i = 10^(-3 d_i / (T fs)).
 * Two-band damping: S_i = low shelf (one-pole at 200 Hz, DC gain kL_i) then high shelf
 * (one-pole at 6 kHz, gain kH_i towards Nyquist), with kL_i = 10^(-3 d_i/(T rL fs)) / g_i
 * and kH_i likewise for rH: RT60 below ~200 Hz is rL T, in the top octave about rH T. First-order
 * shelves have wide skirts, so S_i is not exactly 1 at 1 kHz when the ratios differ from 1;
 * g_i is divided by |S_i(1 kHz)| (computed analytically) to keep RT60 exact at 1 kHz, and
 * held so that g_i max(1, kL_i) < 1: |S_i| is between its end gains everywhere (each
 * first-order shelf is monotonic), so the loop can never gain.
 * Modulation: each line's read point moves by +-2.5 samples (at 48 kHz) with its own LFO
 * (0.51-0.97 Hz), phasors rotated per block; it spreads the modes slightly in time and
 * breaks the metallic ringing of a static FDN.
 * Size moves every d_i (glide, time constant 0.3 s), with the loop gains recomputed every
 * block while it moves; so do the decay and ratios (in log2, 0.1 octave per block).
 * Denormals: everything written to a ring is flushed below 1e-15 (-300 dB) and the filter
 * states at block boundaries, so a tail ends in exact zeros even without FTZ.
 *
 * Glossary (see reverb.h): *_a / *_b the two groups of four lines; d the read delays,
 * dd their per-sample increments in the block; g mid loop gains, kl/kh shelf gains minus 1,
 * alo/ahi shelf coefficients, lo/hi shelf states; lfo_c/lfo_s the modulation phasors and
 * rot_c/rot_s their rotation per block; pd the predelay crossfade (xfade.h);
 * diff_* the allpasses; hc_* the output high cut; w the write position of every ring.
 */
#include "dsp/reverb.h"

#include <string.h>

#include "dsp/lanes.h"

#define REV_FADE_MS 40.0f
#define REV_SIZE_TAU_S 0.3f
#define REV_LOG2_STEP 0.1f		/* per block: decay and ratio glides */
#define REV_DIFF_STEP 0.02f		/* allpass coefficient per block */
#define REV_HC_STEP 0.25f		/* octaves per block */
#define REV_MAX_DIFF_G 0.75f
#define REV_LOW_XOVER_HZ 200.0f
#define REV_HIGH_XOVER_HZ 6000.0f
#define REV_MOD_SAMPLES_48K 2.5f
#define REV_EARLY 0.25f
#define REV_INV_SQRT8 0.35355339f

static const float rev_base_ms[8] = { 29.7f, 37.1f, 41.1f, 43.7f, 53.1f, 59.3f, 67.9f, 73.1f };
static const float rev_lfo_hz[8] = { 0.51f, 0.63f, 0.77f, 0.89f, 0.57f, 0.71f, 0.83f, 0.97f };
static const float rev_diff_ms[REV_N_DIFF][4] = {
	{ 4.31f, 3.67f, 4.93f, 3.29f },
	{ 3.13f, 2.71f, 2.37f, 3.53f },
	{ 9.83f, 11.3f, 10.7f, 8.57f },
	{ 7.19f, 6.41f, 5.87f, 7.73f },
};
/* Output sign vectors over lines 0-7 (A then B); orthogonal: sum sL sR = 0. */
static const v4f rev_out_la = { 1, -1, 1, -1 }, rev_out_lb = { 1, 1, -1, -1 };
static const v4f rev_out_ra = { 1, 1, -1, -1 }, rev_out_rb = { -1, 1, 1, -1 };
static const v4f rev_in_b = { 1, -1, -1, 1 };

static uint32_t pow2_at_least(uint32_t n)
{
	uint32_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

struct rev_sizes {
	uint32_t n_pd, n_diff, n_line;
};

static void rev_sizes(float rate_hz, struct rev_sizes *s)
{
	float max_diff = 0.0f;

	for (int k = 0; k < REV_N_DIFF; k++)
		for (int l = 0; l < 4; l++)
			max_diff = fmaxf(max_diff, rev_diff_ms[k][l]);
	s->n_pd = pow2_at_least((uint32_t)(REV_MAX_PREDELAY_MS * 0.001f * rate_hz) + 2);
	s->n_diff = pow2_at_least((uint32_t)(max_diff * 0.001f * rate_hz) + 2);
	s->n_line = pow2_at_least((uint32_t)(rev_base_ms[7] * 0.001f * rate_hz * REV_MAX_SIZE +
					     REV_MOD_SAMPLES_48K * rate_hz / 48000.0f) + 8);
}

size_t reverb_mem_size(float rate_hz)
{
	struct rev_sizes s;

	rev_sizes(rate_hz, &s);
	return (s.n_pd + REV_N_DIFF * s.n_diff + 2 * s.n_line) * sizeof(v4f);
}

static void rev_clear(struct reverb *r)
{
	memset(r->pd_line, 0, (r->pd_mask + 1) * sizeof(v4f));
	for (int k = 0; k < REV_N_DIFF; k++)
		memset(r->diff_line[k], 0, (r->diff_mask + 1) * sizeof(v4f));
	memset(r->line_a, 0, (r->line_mask + 1) * sizeof(v4f));
	memset(r->line_b, 0, (r->line_mask + 1) * sizeof(v4f));
	r->lo_a = r->lo_b = r->hi_a = r->hi_b = r->hc_s = v4f_splat(0.0f);
}

static int32_t rev_pd_samples(const struct reverb *r)
{
	return (int32_t)(r->predelay_ms * 0.001f * r->rate_hz + 0.5f);
}

static float rev_pole(const struct reverb *r, float hz)
{
	hz = fminf(hz, 0.45f * r->rate_hz);
	return 1.0f - expf(-2.0f * (float)M_PI * hz / r->rate_hz);
}

void reverb_init(struct reverb *r, void *mem, float rate_hz)
{
	struct rev_sizes s;
	v4f *p = mem;

	memset(r, 0, sizeof(*r));
	r->rate_hz = rate_hz;
	rev_sizes(rate_hz, &s);
	r->pd_line = p;
	p += s.n_pd;
	for (int k = 0; k < REV_N_DIFF; k++) {
		r->diff_line[k] = p;
		p += s.n_diff;
		for (int l = 0; l < 4; l++)
			r->diff_len[k][l] = (int32_t)(rev_diff_ms[k][l] * 0.001f * rate_hz + 0.5f);
	}
	r->line_a = p;
	p += s.n_line;
	r->line_b = p;
	r->pd_mask = s.n_pd - 1;
	r->diff_mask = s.n_diff - 1;
	r->line_mask = s.n_line - 1;
	for (int l = 0; l < 4; l++) {
		float th_a = 2.0f * (float)M_PI * rev_lfo_hz[l] * (float)DSP_BLOCK / rate_hz;
		float th_b = 2.0f * (float)M_PI * rev_lfo_hz[l + 4] * (float)DSP_BLOCK / rate_hz;

		r->base_a[l] = rev_base_ms[l] * 0.001f * rate_hz;
		r->base_b[l] = rev_base_ms[l + 4] * 0.001f * rate_hz;
		r->rot_c_a[l] = cosf(th_a);
		r->rot_s_a[l] = sinf(th_a);
		r->rot_c_b[l] = cosf(th_b);
		r->rot_s_b[l] = sinf(th_b);
		r->lfo_c_a[l] = cosf((float)l * 0.785f);
		r->lfo_s_a[l] = sinf((float)l * 0.785f);
		r->lfo_c_b[l] = cosf((float)l * 0.785f + 0.39f);
		r->lfo_s_b[l] = sinf((float)l * 0.785f + 0.39f);
	}
	r->mod_depth = REV_MOD_SAMPLES_48K * rate_hz / 48000.0f;
	r->alo = v4f_splat(rev_pole(r, REV_LOW_XOVER_HZ));
	r->ahi = v4f_splat(rev_pole(r, REV_HIGH_XOVER_HZ));
	xfade_set_time(&r->pd, REV_FADE_MS, rate_hz);
	r->predelay_ms = 20.0f;
	r->decay_s = 2.0f;
	r->low_ratio = 1.2f;
	r->high_ratio = 0.5f;
	r->size = 1.0f;
	r->diffusion = 0.7f;
	r->high_cut_hz = 10000.0f;
	rev_clear(r);
	reverb_settle(r);
}

void reverb_set_predelay_ms(struct reverb *r, float ms)
{
	if (ms == ms) {
		r->predelay_ms = dsp_clampf(ms, 0.0f, REV_MAX_PREDELAY_MS);
		r->pd.target = rev_pd_samples(r);
	}
}

/* Store a clamped setting; a glide starts at the next block. */
static void rev_store(struct reverb *r, float *slot, float v, float lo, float hi)
{
	if (v != v)
		return;
	v = dsp_clampf(v, lo, hi);
	if (*slot == v)
		return;
	*slot = v;
	r->is_dirty = true;
}

void reverb_set_decay_s(struct reverb *r, float s)
{
	rev_store(r, &r->decay_s, s, REV_MIN_DECAY_S, REV_MAX_DECAY_S);
}

void reverb_set_low_ratio(struct reverb *r, float ratio)
{
	rev_store(r, &r->low_ratio, ratio, REV_MIN_LOW_RATIO, REV_MAX_LOW_RATIO);
}

void reverb_set_high_ratio(struct reverb *r, float ratio)
{
	rev_store(r, &r->high_ratio, ratio, REV_MIN_HIGH_RATIO, REV_MAX_HIGH_RATIO);
}

void reverb_set_size(struct reverb *r, float size)
{
	rev_store(r, &r->size, size, REV_MIN_SIZE, REV_MAX_SIZE);
}

void reverb_set_diffusion(struct reverb *r, float diffusion)
{
	rev_store(r, &r->diffusion, diffusion, 0.0f, 1.0f);
}

void reverb_set_high_cut_hz(struct reverb *r, float hz)
{
	rev_store(r, &r->high_cut_hz, hz, REV_MIN_HIGH_CUT_HZ, REV_MAX_HIGH_CUT_HZ);
}

/* |1 + k LP(w)| or |1 + k (1 - LP(w))| of a one-pole y += a (x - y). */
static float rev_shelf_mag(float a, float k, float cw, float sw, bool is_high)
{
	float b = 1.0f - a, dr = 1.0f - b * cw, di = b * sw, den = dr * dr + di * di;
	float lr = a * dr / den, li = -a * di / den;

	if (is_high) {
		lr = 1.0f - lr;
		li = -li;
	}
	float re = 1.0f + k * lr, im = k * li;

	return sqrtf(re * re + im * im);
}

/* Loop gains and shelf gains for the current size, decay and ratios. */
static void rev_gains(struct reverb *r, v4f d_a, v4f d_b)
{
	float t = exp2f(r->log2_decay), rl = exp2f(r->log2_low), rh = exp2f(r->log2_high);
	float w1k = 2.0f * (float)M_PI * 1000.0f / r->rate_hz, cw = cosf(w1k), sw = sinf(w1k);
	float c = -3.0f * 3.3219281f / (t * r->rate_hz);	/* log2 of the gain per sample */

	for (int i = 0; i < 8; i++) {
		float d = i < 4 ? d_a[i] : d_b[i - 4];
		float g = exp2f(c * d), kl = exp2f(c * d / rl) / g, kh = exp2f(c * d / rh) / g;
		float s = rev_shelf_mag(r->alo[0], kl - 1.0f, cw, sw, false) *
			  rev_shelf_mag(r->ahi[0], kh - 1.0f, cw, sw, true);

		g = fminf(g / s, 0.9999f / fmaxf(1.0f, kl));
		if (i < 4) {
			r->g_a[i] = g;
			r->kl_a[i] = kl - 1.0f;
			r->kh_a[i] = kh - 1.0f;
		} else {
			r->g_b[i - 4] = g;
			r->kl_b[i - 4] = kl - 1.0f;
			r->kh_b[i - 4] = kh - 1.0f;
		}
	}
}

void reverb_settle(struct reverb *r)
{
	r->log2_decay = log2f(r->decay_s);
	r->log2_low = log2f(r->low_ratio);
	r->log2_high = log2f(r->high_ratio);
	r->size_now = r->size;
	r->diff_now = r->diffusion;
	r->log2_hc = log2f(r->high_cut_hz);
	r->diff_g = v4f_splat(REV_MAX_DIFF_G * r->diff_now);
	r->hc_a = v4f_splat(rev_pole(r, r->high_cut_hz)) * (v4f){ 1.0f, 1.0f, 0.0f, 0.0f };
	r->pd.target = rev_pd_samples(r);
	xfade_settle(&r->pd);
	r->d_a = r->size_now * r->base_a + r->mod_depth * r->lfo_s_a;
	r->d_b = r->size_now * r->base_b + r->mod_depth * r->lfo_s_b;
	r->dd_a = r->dd_b = v4f_splat(0.0f);
	rev_gains(r, r->size_now * r->base_a, r->size_now * r->base_b);
	r->is_dirty = false;
}

void reverb_block_begin(struct reverb *r)
{
	const float inv_block = 1.0f / (float)DSP_BLOCK;

	xfade_block_begin(&r->pd);

	bool was_moving = r->is_dirty;

	if (r->is_dirty) {
		float k = 1.0f - expf(-(float)DSP_BLOCK / (REV_SIZE_TAU_S * r->rate_hz));

		r->log2_decay = dsp_step_towards(r->log2_decay, log2f(r->decay_s), REV_LOG2_STEP);
		r->log2_low = dsp_step_towards(r->log2_low, log2f(r->low_ratio), REV_LOG2_STEP);
		r->log2_high = dsp_step_towards(r->log2_high, log2f(r->high_ratio), REV_LOG2_STEP);
		r->size_now += k * (r->size - r->size_now);
		if (fabsf(r->size - r->size_now) < 1e-4f)
			r->size_now = r->size;
		r->diff_now = dsp_step_towards(r->diff_now, r->diffusion, REV_DIFF_STEP);
		r->diff_g = v4f_splat(REV_MAX_DIFF_G * r->diff_now);
		r->log2_hc = dsp_step_towards(r->log2_hc, log2f(r->high_cut_hz), REV_HC_STEP);
		r->hc_a = v4f_splat(rev_pole(r, exp2f(r->log2_hc))) *
			  (v4f){ 1.0f, 1.0f, 0.0f, 0.0f };
		r->is_dirty = r->log2_decay != log2f(r->decay_s) ||
			      r->log2_low != log2f(r->low_ratio) ||
			      r->log2_high != log2f(r->high_ratio) || r->size_now != r->size ||
			      r->diff_now != r->diffusion || r->log2_hc != log2f(r->high_cut_hz);
	}
	/* Modulation phasors: rotate, then one Newton step back onto the unit circle. */
	v4f ca = r->lfo_c_a * r->rot_c_a - r->lfo_s_a * r->rot_s_a;
	v4f sa = r->lfo_s_a * r->rot_c_a + r->lfo_c_a * r->rot_s_a;
	v4f cb = r->lfo_c_b * r->rot_c_b - r->lfo_s_b * r->rot_s_b;
	v4f sb = r->lfo_s_b * r->rot_c_b + r->lfo_c_b * r->rot_s_b;
	v4f na = 1.5f - 0.5f * (ca * ca + sa * sa), nb = 1.5f - 0.5f * (cb * cb + sb * sb);

	r->lfo_c_a = ca * na;
	r->lfo_s_a = sa * na;
	r->lfo_c_b = cb * nb;
	r->lfo_s_b = sb * nb;
	/*
	 * Read delays glide linearly to this block's end point; the block starts from the
	 * value the per-sample accumulation reached (the same for any chunking).
	 */
	v4f end_a = r->size_now * r->base_a + r->mod_depth * r->lfo_s_a;
	v4f end_b = r->size_now * r->base_b + r->mod_depth * r->lfo_s_b;

	r->dd_a = (end_a - r->d_a) * inv_block;
	r->dd_b = (end_b - r->d_b) * inv_block;
	if (was_moving)
		rev_gains(r, r->size_now * r->base_a, r->size_now * r->base_b);
	r->lo_a = v4f_flush(r->lo_a);
	r->lo_b = v4f_flush(r->lo_b);
	r->hi_a = v4f_flush(r->hi_a);
	r->hi_b = v4f_flush(r->hi_b);
	r->hc_s = v4f_flush(r->hc_s);
}

/* ring[(w - k - off) & mask], lane by lane. */
static inline v4f rev_gather(const v4f *ring, uint32_t mask, uint32_t w, v4i k, int off)
{
	return (v4f){ ring[(w - (uint32_t)(k[0] + off)) & mask][0],
		      ring[(w - (uint32_t)(k[1] + off)) & mask][1],
		      ring[(w - (uint32_t)(k[2] + off)) & mask][2],
		      ring[(w - (uint32_t)(k[3] + off)) & mask][3] };
}

/* Read four lines at fractional delays d (>= 2): 3rd-order Lagrange on d - 1 .. d + 2. */
static inline v4f rev_read(const v4f *ring, uint32_t mask, uint32_t w, v4f d)
{
	v4i k = __builtin_convertvector(d, v4i);	/* d > 0: truncation is floor */
	v4f f = d - __builtin_convertvector(k, v4f);
	v4f fm1 = f - 1.0f, fm2 = f - 2.0f, fp1 = f + 1.0f;
	v4f hm1 = -(1.0f / 6.0f) * f * fm1 * fm2, h0 = 0.5f * fp1 * fm1 * fm2;
	v4f h1 = -0.5f * fp1 * f * fm2, h2 = (1.0f / 6.0f) * fp1 * f * fm1;

	return hm1 * rev_gather(ring, mask, w, k, -1) + h0 * rev_gather(ring, mask, w, k, 0) +
	       h1 * rev_gather(ring, mask, w, k, 1) + h2 * rev_gather(ring, mask, w, k, 2);
}

/* H4 of the four lanes (unnormalised): (a+b+c+d, a-b+c-d, a+b-c-d, a-b-c+d) in some order. */
static inline v4f rev_h4(v4f x)
{
	v4f y = V4F_SHUFFLE(x, x, 1, 0, 3, 2) + x * (v4f){ 1.0f, -1.0f, 1.0f, -1.0f };

	return V4F_SHUFFLE(y, y, 2, 3, 0, 1) + y * (v4f){ 1.0f, 1.0f, -1.0f, -1.0f };
}

unsigned reverb_process(struct reverb *r, v4f *buf, int n)
{
	const v4f lanes01 = { 1.0f, 1.0f, 0.0f, 0.0f }, g_d = r->diff_g;
	const v4f alo = r->alo, ahi = r->ahi, hc_a = r->hc_a;
	const v4f g_a = r->g_a, g_b = r->g_b, kl_a = r->kl_a, kl_b = r->kl_b;
	const v4f kh_a = r->kh_a, kh_b = r->kh_b;
	const uint32_t lm = r->line_mask, dm = r->diff_mask, pm = r->pd_mask;
	const uint32_t pc = (uint32_t)r->pd.cur, pn = (uint32_t)r->pd.next;
	v4f d_a = r->d_a, d_b = r->d_b, lo_a = r->lo_a, lo_b = r->lo_b;
	v4f hi_a = r->hi_a, hi_b = r->hi_b, hc_s = r->hc_s;
	float pd_xf = r->pd.xf;
	uint32_t w = r->w;
	v4i in_ok = v4f_splat(0.0f) == v4f_splat(0.0f);

	for (int i = 0; i < n; i++) {
		v4f x = buf[i] * lanes01;
		v4i ok = v4f_finite_mask(x);

		in_ok &= ok;
		r->pd_line[w & pm] = v4f_keep(ok, x);
		v4f p = (1.0f - pd_xf) * r->pd_line[(w - pc) & pm] +
			pd_xf * r->pd_line[(w - pn) & pm];
		v4f v = V4F_SHUFFLE(p, p, 0, 1, 0, 1);

		for (int s = 0; s < REV_N_DIFF; s++) {
			v4f dl = rev_gather(r->diff_line[s], dm, w, r->diff_len[s], 0);
			v4f u = v4f_flush(v + g_d * dl);

			r->diff_line[s][w & dm] = u;
			v = dl - g_d * u;
		}
		v4f ya = rev_read(r->line_a, lm, w, d_a), yb = rev_read(r->line_b, lm, w, d_b);

		lo_a += alo * (ya - lo_a);
		lo_b += alo * (yb - lo_b);
		v4f ta = ya + kl_a * lo_a, tb = yb + kl_b * lo_b;

		hi_a += ahi * (ta - hi_a);
		hi_b += ahi * (tb - hi_b);
		ta = g_a * (ta + kh_a * (ta - hi_a));
		tb = g_b * (tb + kh_b * (tb - hi_b));
		v4f s = rev_h4(ta + tb) * REV_INV_SQRT8, t = rev_h4(ta - tb) * REV_INV_SQRT8;

		r->line_a[w & lm] = v4f_flush(s + v);
		r->line_b[w & lm] = v4f_flush(t + v * rev_in_b);
		v4f ol = ya * rev_out_la + yb * rev_out_lb, orr = ya * rev_out_ra + yb * rev_out_rb;
		v4f out = (v4f){ v4f_hsum(ol), v4f_hsum(orr), 0.0f, 0.0f } * REV_INV_SQRT8 +
			  REV_EARLY * v * lanes01;

		hc_s += hc_a * (out - hc_s);
		buf[i] = hc_s;
		w++;
		d_a += r->dd_a;
		d_b += r->dd_b;
		pd_xf += r->pd.dxf;
	}
	r->w = w;
	r->pd.xf = pd_xf;
	r->lo_a = lo_a;
	r->lo_b = lo_b;
	r->hi_a = hi_a;
	r->hi_b = hi_b;
	r->hc_s = hc_s;
	r->d_a = d_a;
	r->d_b = d_b;
	if (!v4f_all_finite(v4f_poison_scan(buf, n) + lo_a + lo_b + hi_a + hi_b)) {
		rev_clear(r);
		memset(buf, 0, (size_t)n * sizeof(v4f));
		return 0x3;
	}
	return ~v4i_bits(in_ok) & 0x3u;
}
