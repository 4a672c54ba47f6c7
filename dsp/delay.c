/*
 * delay.c - stereo / ping-pong echo with filtered feedback and crossfaded time changes.
 *
 * Structure (per sample, lanes L and R):
 *	tap	= (1 - xf) line[w - cur] + xf line[w - next]	(output, wet only; xfade.h)
 *	f	= HP(LP(tap))		one-pole high cut, then one-pole low cut (x - LP2(x))
 *	stereo	line[w] = in + fb f
 *	pingpong line[w] = ((inL + inR) / 2 + fb fR,  fb fL)
 *		the input enters the left line only and each repeat crosses sides, so echoes
 *		alternate L, R, L, ...; switching mode crossfades the two routings (20 ms)
 * Delays are whole samples (round to nearest), so an echo lands on an exact sample and
 * with the filters off each repeat is exactly fb times the previous one (one float
 * multiply per trip). The one-poles are written a x + (1 - a) s so that the "off"
 * coefficients (a = 1 for the low-pass, 0 for the high-pass) are exact identities.
 *
 * Time changes (STYLE idiom 7): the line is a power-of-two ring with a mask, sized for
 * 2000 ms at init. A new time is a 40 ms crossfade between two taps (dsp/xfade.h): no pitch
 * glide, no click.
 *
 * Denormals: the line holds the loop's decay; values are flushed below 1e-15 (-300 dB)
 * as they are written, and the filter states at block boundaries.
 *
 * Glossary: see delay.h (the tap crossfade: xfade.h); fb/pp glide linearly inside a block
 * to fb_end/pp_end.
 */
#include "dsp/delay.h"

#include <string.h>

#include "dsp/lanes.h"

#define DELAY_FADE_MS 40.0f
#define DELAY_PP_FADE_MS 20.0f
#define DELAY_FB_GLIDE_MS 20.0f
#define DELAY_FILTER_OCT_PER_BLOCK 0.25f

static const double delay_beats[DELAY_N_DIVS] = { 2.0, 1.0, 0.5, 0.75, 1.0 / 3.0, 0.25 };

static uint32_t pow2_at_least(uint32_t n)
{
	uint32_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

static int32_t delay_max_samples(float rate_hz)
{
	return (int32_t)(DELAY_MAX_MS * 0.001f * rate_hz + 0.5f);
}

size_t delay_mem_size(float rate_hz)
{
	return pow2_at_least((uint32_t)delay_max_samples(rate_hz) + 1) * sizeof(struct delay_frame);
}

static int32_t delay_target(const struct delay *d)
{
	double s;

	if (d->is_synced)
		s = 60.0 * (double)d->rate_hz * delay_beats[d->division] / (double)d->bpm;
	else
		s = (double)d->time_ms * 0.001 * (double)d->rate_hz;
	s = floor(s + 0.5);
	if (s < 1.0)
		s = 1.0;
	if (s > (double)d->max_samples)
		s = (double)d->max_samples;
	return (int32_t)s;
}

int32_t delay_time_samples(const struct delay *d)
{
	return d->tap.target;
}

void delay_init(struct delay *d, void *mem, float rate_hz)
{
	memset(d, 0, sizeof(*d));
	d->rate_hz = rate_hz;
	d->max_samples = delay_max_samples(rate_hz);
	d->line = mem;
	d->mask = pow2_at_least((uint32_t)d->max_samples + 1) - 1;
	memset(d->line, 0, (d->mask + 1) * sizeof(struct delay_frame));
	d->time_ms = 375.0f;
	d->bpm = 120.0f;
	d->division = DELAY_DIV_1_8_DOTTED;
	d->feedback_pct = 30.0f;
	d->high_cut_hz = DELAY_HIGH_CUT_OFF_HZ;
	d->low_cut_hz = DELAY_LOW_CUT_OFF_HZ;
	xfade_set_time(&d->tap, DELAY_FADE_MS, rate_hz);
	d->pp_step = (float)DSP_BLOCK * 1000.0f / (DELAY_PP_FADE_MS * rate_hz);
	d->tap.target = delay_target(d);
	delay_settle(d);
}

void delay_set_time_ms(struct delay *d, float ms)
{
	if (ms != ms)
		return;
	ms = dsp_clampf(ms, DELAY_MIN_MS, DELAY_MAX_MS);
	if (!d->is_synced && ms == d->time_ms)
		return;
	d->time_ms = ms;
	d->is_synced = false;
	d->tap.target = delay_target(d);
}

void delay_set_tempo(struct delay *d, float bpm, enum delay_division division)
{
	if (bpm != bpm || (unsigned)division >= DELAY_N_DIVS)
		return;
	bpm = dsp_clampf(bpm, DELAY_MIN_BPM, DELAY_MAX_BPM);
	if (d->is_synced && bpm == d->bpm && (int)division == d->division)
		return;
	d->bpm = bpm;
	d->division = (int)division;
	d->is_synced = true;
	d->tap.target = delay_target(d);
}

void delay_set_feedback_pct(struct delay *d, float pct)
{
	if (pct == pct)
		d->feedback_pct = dsp_clampf(pct, 0.0f, DELAY_MAX_FEEDBACK_PCT);
}

void delay_set_pingpong(struct delay *d, bool is_pingpong)
{
	d->is_pingpong = is_pingpong;
}

void delay_set_high_cut_hz(struct delay *d, float hz)
{
	if (hz == hz)
		d->high_cut_hz = dsp_clampf(hz, DELAY_HIGH_CUT_MIN_HZ, DELAY_HIGH_CUT_OFF_HZ);
}

void delay_set_low_cut_hz(struct delay *d, float hz)
{
	if (hz == hz)
		d->low_cut_hz = dsp_clampf(hz, DELAY_LOW_CUT_OFF_HZ, DELAY_LOW_CUT_MAX_HZ);
}

/* One-pole coefficient for a corner at 2^log2_hz (impulse invariant). */
static float delay_pole(const struct delay *d, float log2_hz)
{
	return 1.0f - expf(-2.0f * (float)M_PI * exp2f(log2_hz) / d->rate_hz);
}

static void delay_filters(struct delay *d)
{
	float lp = d->lp_log2_hz >= log2f(DELAY_HIGH_CUT_OFF_HZ) ? 1.0f :
		   delay_pole(d, d->lp_log2_hz);
	float hp = d->hp_log2_hz <= log2f(DELAY_LOW_CUT_OFF_HZ) ? 0.0f :
		   delay_pole(d, d->hp_log2_hz);

	d->lp_a = v4f_splat(lp);
	d->hp_a = v4f_splat(hp);
}

void delay_settle(struct delay *d)
{
	xfade_settle(&d->tap);
	d->fb = d->fb_end = d->feedback_pct * 0.01f;
	d->pp = d->pp_end = d->is_pingpong ? 1.0f : 0.0f;
	d->dfb = d->dpp = 0.0f;
	d->lp_log2_hz = log2f(d->high_cut_hz);
	d->hp_log2_hz = log2f(d->low_cut_hz);
	delay_filters(d);
	d->lp_s = d->hp_s = v4f_splat(0.0f);
}

void delay_block_begin(struct delay *d)
{
	const float inv_block = 1.0f / (float)DSP_BLOCK;
	float fb_glide = (float)DSP_BLOCK * 1000.0f / (DELAY_FB_GLIDE_MS * d->rate_hz);

	xfade_block_begin(&d->tap);

	d->fb = d->fb_end;
	d->fb_end = dsp_step_towards(d->fb, d->feedback_pct * 0.01f, 0.95f * fb_glide);
	d->dfb = (d->fb_end - d->fb) * inv_block;
	d->pp = d->pp_end;
	d->pp_end = dsp_step_towards(d->pp, d->is_pingpong ? 1.0f : 0.0f, d->pp_step);
	d->dpp = (d->pp_end - d->pp) * inv_block;

	float lp_t = log2f(d->high_cut_hz), hp_t = log2f(d->low_cut_hz);

	if (d->lp_log2_hz != lp_t || d->hp_log2_hz != hp_t) {
		d->lp_log2_hz = dsp_step_towards(d->lp_log2_hz, lp_t, DELAY_FILTER_OCT_PER_BLOCK);
		d->hp_log2_hz = dsp_step_towards(d->hp_log2_hz, hp_t, DELAY_FILTER_OCT_PER_BLOCK);
		delay_filters(d);
	}
	d->lp_s = v4f_flush(d->lp_s);
	d->hp_s = v4f_flush(d->hp_s);
}

static inline v4f delay_read(const struct delay *d, uint32_t pos)
{
	const struct delay_frame *f = &d->line[pos & d->mask];

	return (v4f){ f->l, f->r, 0.0f, 0.0f };
}

unsigned delay_process(struct delay *d, v4f *buf, int n)
{
	const v4f lp_a = d->lp_a, hp_a = d->hp_a, one = v4f_splat(1.0f);
	const v4f lanes01 = (v4f){ 1.0f, 1.0f, 0.0f, 0.0f };
	const uint32_t dc = (uint32_t)d->tap.cur, dn = (uint32_t)d->tap.next;
	v4f lp_s = d->lp_s, hp_s = d->hp_s;
	float xf = d->tap.xf, fb = d->fb, pp = d->pp;
	uint32_t w = d->w;
	v4i in_ok = v4f_splat(0.0f) == v4f_splat(0.0f);

	for (int i = 0; i < n; i++) {
		v4f x = buf[i] * lanes01;
		v4i ok = v4f_finite_mask(x);

		in_ok &= ok;
		x = v4f_keep(ok, x);
		v4f tap = (1.0f - xf) * delay_read(d, w - dc) + xf * delay_read(d, w - dn);

		lp_s = lp_a * tap + (one - lp_a) * lp_s;
		hp_s = hp_a * lp_s + (one - hp_a) * hp_s;
		v4f f = fb * (lp_s - hp_s);
		v4f cross = V4F_SHUFFLE(f, f, 1, 0, 3, 2);
		v4f mono = v4f_splat(0.5f * (x[0] + x[1])) * (v4f){ 1.0f, 0.0f, 0.0f, 0.0f };
		v4f wv = (1.0f - pp) * (x + f) + pp * (mono + cross);

		wv = v4f_flush(wv);
		d->line[w & d->mask] = (struct delay_frame){ wv[0], wv[1] };
		buf[i] = tap;
		w++;
		xf += d->tap.dxf;
		fb += d->dfb;
		pp += d->dpp;
	}
	d->w = w;
	d->tap.xf = xf;
	d->fb = fb;
	d->pp = pp;
	d->lp_s = lp_s;
	d->hp_s = hp_s;
	if (!v4f_all_finite(v4f_poison_scan(buf, n) + lp_s + hp_s)) {
		memset(d->line, 0, (d->mask + 1) * sizeof(struct delay_frame));
		d->lp_s = d->hp_s = v4f_splat(0.0f);
		memset(buf, 0, (size_t)n * sizeof(v4f));
		return 0x3;
	}
	return ~v4i_bits(in_ok) & 0x3u;
}
