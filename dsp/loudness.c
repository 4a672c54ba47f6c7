/*
 * loudness.c - ITU-R BS.1770-4 loudness, EBU R128 / Tech 3341 meters, Tech 3342 LRA.
 *
 * References: ITU-R BS.1770-4 (2015) "Algorithms to measure audio programme loudness and
 * true-peak audio level"; EBU Tech 3341 (2016) "Loudness metering: 'EBU Mode' metering";
 * EBU Tech 3342 (2016) "Loudness range". Filter design and the histogram idea follow
 * libebur128 (J. Kliemann), which the tests use as the reference.
 *
 * K-weighting. BS.1770 tabulates the two biquads for 48 kHz only. Like libebur128, we
 * recompute them for any rate from the analog prototypes they were derived from:
 *	stage 1, high shelf: f0 = 1681.97 Hz, +4.0 dB, Q 0.7072 (bilinear, prewarped)
 *	stage 2, RLB high-pass: f0 = 38.135 Hz, Q 0.5003, numerator 1, -2, 1 (unnormalised,
 *	as in the standard; the -0.691 dB constant accounts for its gain)
 * At 48 kHz this reproduces the tabulated coefficients to 1e-8. Float DF-I is enough here:
 * the mean square of a 100 ms block needs 1e-4 relative accuracy (0.0004 dB).
 *
 * Blocks. The RT half sums x^2 per lane over 100 ms sub-blocks (round(0.1 rate) samples,
 * counted per sample so any chunking gives the same blocks) and queues
 *	z = sum_c G_c * mean_square_c	(G = 1 for left and right)
 * The control half turns sub-blocks into
 *	momentary	mean of the last 4 sub-blocks		L = -0.691 + 10 log10(z)
 *	short-term	mean of the last 30
 *	gating blocks	every 100 ms, the momentary block (400 ms, 75 % overlap) -> gi
 *	short blocks	every 100 ms, the short-term block (3 s, 97 % overlap; Tech 3342
 *			asks for >= 66 %) -> st
 * A histogram bin (0.01 LU wide) keeps the count and the sum of the blocks' energies, so
 * the gated means are exact; only the gate decision is at 0.01 LU resolution (a block is
 * in if its bin's centre is above the gate).
 *	integrated	gate -70 LUFS; then the relative gate is 10 LU below the mean energy of
 *			the blocks above it; the mean energy above both is the result
 *	LRA		gate -70 LUFS, relative gate 20 LU below the mean energy of the short
 *			blocks above it; the 10th and 95th percentiles (rank round((n-1) p)) of the
 *			remaining blocks' loudness, as bin centres; LRA = high - low
 *
 * Glossary: loudness_rt: b*, a* stage 1 coefficients, c1/c2 stage 2 denominator, x1 x2 the
 * last inputs, y1 y2 stage 1 outputs (stage 2 inputs), z1 z2 stage 2 outputs, acc the sum
 * of squares so far, pos/n_sub position in the sub-block, queue the completed sub-blocks.
 * loudness: sub the last 30 sub-blocks (ring at sub_pos), n_sub sub-blocks since reset,
 * gi/st the histograms (n blocks above -70 LUFS, their energy sum).
 */
#include "dsp/loudness.h"

#include <string.h>

#include "dsp/lanes.h"

#define LOUD_OFFSET_DB (-0.691)

void loudness_rt_init(struct loudness_rt *rt, float rate_hz)
{
	double fs = (double)rate_hz;
	double f0 = 1681.974450955533, g_db = 3.999843853973347, q = 0.7071752369554196;
	double k = tan(M_PI * f0 / fs);
	double vh = pow(10.0, g_db / 20.0), vb = pow(vh, 0.4996667741545416);
	double a0 = 1.0 + k / q + k * k;

	memset(rt, 0, sizeof(*rt));
	rt->b0 = v4f_splat((float)((vh + vb * k / q + k * k) / a0));
	rt->b1 = v4f_splat((float)(2.0 * (k * k - vh) / a0));
	rt->b2 = v4f_splat((float)((vh - vb * k / q + k * k) / a0));
	rt->a1 = v4f_splat((float)(2.0 * (k * k - 1.0) / a0));
	rt->a2 = v4f_splat((float)((1.0 - k / q + k * k) / a0));
	f0 = 38.13547087602444;
	q = 0.5003270373238773;
	k = tan(M_PI * f0 / fs);
	a0 = 1.0 + k / q + k * k;
	rt->c1 = v4f_splat((float)(2.0 * (k * k - 1.0) / a0));
	rt->c2 = v4f_splat((float)((1.0 - k / q + k * k) / a0));
	rt->weight = (v4f){ 1.0f, 1.0f, 0.0f, 0.0f };
	rt->n_sub = (int)(0.1 * fs + 0.5);
	rt->inv_n_sub = 1.0f / (float)rt->n_sub;
}

static void loud_rt_finish_sub(struct loudness_rt *rt)
{
	v4f ms = rt->acc * rt->weight;
	float z = (ms[0] + ms[1]) * rt->inv_n_sub;

	if (rt->q_write - rt->q_read < LOUD_RT_QUEUE) {
		rt->queue[rt->q_write % LOUD_RT_QUEUE] = z;
		rt->q_write++;
	} else {
		rt->n_dropped++;
	}
	rt->acc = v4f_splat(0.0f);
	rt->pos = 0;
	rt->x1 = v4f_flush(rt->x1);
	rt->x2 = v4f_flush(rt->x2);
	rt->y1 = v4f_flush(rt->y1);
	rt->y2 = v4f_flush(rt->y2);
	rt->z1 = v4f_flush(rt->z1);
	rt->z2 = v4f_flush(rt->z2);
}

unsigned loudness_rt_run(struct loudness_rt *rt, const v4f *buf, int n)
{
	const v4f b0 = rt->b0, b1 = rt->b1, b2 = rt->b2, a1 = rt->a1, a2 = rt->a2;
	const v4f c1 = rt->c1, c2 = rt->c2;
	int i = 0;

	while (i < n) {
		int k = rt->n_sub - rt->pos;
		v4f x1 = rt->x1, x2 = rt->x2, y1 = rt->y1, y2 = rt->y2, z1 = rt->z1, z2 = rt->z2;
		v4f acc = rt->acc;

		if (k > n - i)
			k = n - i;
		for (int j = 0; j < k; j++) {
			v4f x = buf[i + j];
			v4f y = b0 * x + b1 * x1 + b2 * x2 - a2 * y2 - a1 * y1;
			v4f z = (y - 2.0f * y1 + y2) - c2 * z2 - c1 * z1;

			x2 = x1;
			x1 = x;
			y2 = y1;
			y1 = y;
			z2 = z1;
			z1 = z;
			acc += z * z;
		}
		rt->x1 = x1;
		rt->x2 = x2;
		rt->y1 = y1;
		rt->y2 = y2;
		rt->z1 = z1;
		rt->z2 = z2;
		rt->acc = acc;
		rt->pos += k;
		i += k;
		v4i ok = v4f_finite_mask(acc);
		if (((ok[0] & ok[1]) == 0)) {
			/* Restart the sub-block: no partial block of a fault reaches the meter. */
			rt->x1 = rt->x2 = rt->y1 = rt->y2 = rt->z1 = rt->z2 = v4f_splat(0.0f);
			rt->acc = v4f_splat(0.0f);
			rt->pos = 0;
			return ~v4i_bits(ok) & 0x3u;
		}
		if (rt->pos == rt->n_sub)
			loud_rt_finish_sub(rt);
	}
	return 0;
}

int loudness_rt_take(struct loudness_rt *rt, float *out, int max)
{
	int k = 0;

	while (k < max && rt->q_read != rt->q_write) {
		out[k++] = rt->queue[rt->q_read % LOUD_RT_QUEUE];
		rt->q_read++;
	}
	return k;
}

size_t loudness_mem_size(void)
{
	return 2 * LOUD_HIST_BINS * (sizeof(double) + sizeof(uint32_t));
}

void loudness_init(struct loudness *l, void *mem)
{
	char *p = mem;

	memset(l, 0, sizeof(*l));
	l->gi.energy = (double *)(void *)p;
	p += LOUD_HIST_BINS * sizeof(double);
	l->st.energy = (double *)(void *)p;
	p += LOUD_HIST_BINS * sizeof(double);
	l->gi.count = (uint32_t *)(void *)p;
	p += LOUD_HIST_BINS * sizeof(uint32_t);
	l->st.count = (uint32_t *)(void *)p;
	loudness_reset(l);
}

void loudness_reset(struct loudness *l)
{
	memset(l->sub, 0, sizeof(l->sub));
	l->sub_pos = 0;
	l->n_sub = 0;
	for (int k = 0; k < 2; k++) {
		struct loudness_hist *h = k ? &l->st : &l->gi;

		memset(h->count, 0, LOUD_HIST_BINS * sizeof(uint32_t));
		memset(h->energy, 0, LOUD_HIST_BINS * sizeof(double));
		h->n = 0;
		h->sum = 0.0;
	}
}

static double loud_lufs(double z)
{
	return z > 0.0 ? LOUD_OFFSET_DB + 10.0 * log10(z) : -(double)INFINITY;
}

/* Bin of a loudness value; -1 below the absolute gate (not counted). */
static int loud_bin(double lufs)
{
	if (!(lufs > LOUD_HIST_MIN_LUFS))
		return -1;
	int b = (int)((lufs - LOUD_HIST_MIN_LUFS) / LOUD_HIST_STEP_LU);

	return b < LOUD_HIST_BINS ? b : LOUD_HIST_BINS - 1;
}

static double loud_bin_centre(int b)
{
	return LOUD_HIST_MIN_LUFS + ((double)b + 0.5) * LOUD_HIST_STEP_LU;
}

static void loud_hist_add(struct loudness_hist *h, double z)
{
	int b = loud_bin(loud_lufs(z));

	if (b < 0)
		return;
	h->count[b]++;
	h->energy[b] += z;
	h->n++;
	h->sum += z;
}

/* Mean of the last n sub-blocks (silence before the start counts as zeros). */
static double loud_window(const struct loudness *l, int n)
{
	double s = 0.0;

	for (int k = 1; k <= n; k++)
		s += (double)l->sub[(l->sub_pos - k + LOUD_SUB_PER_SHORT) % LOUD_SUB_PER_SHORT];
	return s / n;
}

void loudness_push(struct loudness *l, float block)
{
	if (!(block >= 0.0f) || block == INFINITY)
		block = 0.0f;
	l->sub[l->sub_pos] = block;
	l->sub_pos = (l->sub_pos + 1) % LOUD_SUB_PER_SHORT;
	l->n_sub++;
	if (l->n_sub >= LOUD_SUB_PER_MOMENTARY)
		loud_hist_add(&l->gi, loud_window(l, LOUD_SUB_PER_MOMENTARY));
	if (l->n_sub >= LOUD_SUB_PER_SHORT)
		loud_hist_add(&l->st, loud_window(l, LOUD_SUB_PER_SHORT));
}

float loudness_momentary_lufs(const struct loudness *l)
{
	return (float)loud_lufs(loud_window(l, LOUD_SUB_PER_MOMENTARY));
}

float loudness_shortterm_lufs(const struct loudness *l)
{
	return (float)loud_lufs(loud_window(l, LOUD_SUB_PER_SHORT));
}

/* First bin whose centre lies above the relative gate, gate_lu below the mean energy. */
static int loud_rel_gate_bin(const struct loudness_hist *h, double gate_lu)
{
	double gate = loud_lufs(h->sum / (double)h->n) - gate_lu;
	int b = loud_bin(gate);

	if (b < 0)
		return 0;
	return loud_bin_centre(b) > gate ? b : b + 1;
}

float loudness_integrated_lufs(const struct loudness *l)
{
	const struct loudness_hist *h = &l->gi;
	double e = 0.0;
	uint64_t n = 0;

	if (h->n == 0)
		return -INFINITY;
	for (int b = loud_rel_gate_bin(h, 10.0); b < LOUD_HIST_BINS; b++) {
		e += h->energy[b];
		n += h->count[b];
	}
	return n ? (float)loud_lufs(e / (double)n) : -INFINITY;
}

float loudness_range_lu(const struct loudness *l)
{
	const struct loudness_hist *h = &l->st;
	int b0, b, lo = -1, hi = -1;
	uint64_t n = 0, k = 0, r_lo, r_hi;

	if (h->n == 0)
		return 0.0f;
	b0 = loud_rel_gate_bin(h, 20.0);
	for (b = b0; b < LOUD_HIST_BINS; b++)
		n += h->count[b];
	if (n == 0)
		return 0.0f;
	r_lo = (uint64_t)((double)(n - 1) * 0.10 + 0.5);
	r_hi = (uint64_t)((double)(n - 1) * 0.95 + 0.5);
	for (b = b0; b < LOUD_HIST_BINS && hi < 0; b++) {
		k += h->count[b];
		if (lo < 0 && k > r_lo)
			lo = b;
		if (k > r_hi)
			hi = b;
	}
	return (float)(loud_bin_centre(hi) - loud_bin_centre(lo));
}
