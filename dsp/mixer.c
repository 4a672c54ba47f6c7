/*
 * mixer.c - see mixer.h.
 *
 * Per piece of a period (at most one DSP_BLOCK): for each group of DSP_LANES lanes, gather
 * its input ports into lane frames (4x4 transposes), run the strip, and add its left and
 * right contributions into two lane-wise accumulators; then fold the accumulators across
 * lanes once per sample (two horizontal sums for the whole mix, not per channel) into the
 * master's L/R lanes, run the master, and scatter to the output ports.
 */
#include "dsp/mixer.h"

#include <errno.h>
#include <string.h>

#define ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~(size_t)((a) - 1))

struct mixer_sizes {
	int n_lanes;
	int n_groups;
	size_t off_strips, off_lane_of, off_stereo, off_master, off_bus[BUS_MAX], off_delay, total;
};

/* Stereo channels start on an even lane, so a pair never straddles two lanes' partners. */
static int layout_lanes(const struct mixer_layout *layout, int *channel_lane)
{
	int lane = 0;
	for (int ch = 0; ch < layout->n_channels; ch++) {
		bool is_stereo = layout->is_stereo && layout->is_stereo[ch];
		if (is_stereo && (lane & 1))
			lane++;
		if (channel_lane)
			channel_lane[ch] = lane;
		lane += is_stereo ? 2 : 1;
	}
	return lane;
}

static struct mixer_sizes mixer_sizes(const struct mixer_layout *layout, float rate_hz)
{
	struct mixer_sizes sz;
	sz.n_lanes = layout_lanes(layout, NULL);
	sz.n_groups = (sz.n_lanes + DSP_LANES - 1) / DSP_LANES;
	if (sz.n_groups == 0)
		sz.n_groups = 1;
	sz.n_lanes = sz.n_groups * DSP_LANES;
	sz.off_strips = 0;
	sz.off_lane_of = ALIGN_UP(sz.off_strips + sizeof(struct strip) * (size_t)sz.n_groups, 64);
	sz.off_stereo = ALIGN_UP(sz.off_lane_of + sizeof(int) * (size_t)layout->n_channels, 64);
	sz.off_master = ALIGN_UP(sz.off_stereo + sizeof(bool) * (size_t)layout->n_channels, 64);
	size_t end = ALIGN_UP(sz.off_master + master_mem_size(rate_hz), 64);
	for (int b = 0; b < layout->n_buses && b < BUS_MAX; b++) {
		sz.off_bus[b] = end;
		end = ALIGN_UP(end + bus_mem_size(layout->bus_type[b], rate_hz), 64);
	}
	/* Every group's input delay ring, allocated whether used or not: never in the audio thread. */
	sz.off_delay = end;
	end = ALIGN_UP(end + indelay_mem_size(rate_hz) * (size_t)sz.n_groups, 64);
	sz.total = end;
	return sz;
}

size_t mixer_mem_size(const struct mixer_layout *layout, float rate_hz)
{
	return mixer_sizes(layout, rate_hz).total;
}

int mixer_master_latency(const struct mixer *m)
{
	return limiter_latency_samples(&m->master.limiter);
}

int mixer_init(struct mixer *m, void *mem, const struct mixer_layout *layout, float rate_hz,
	       enum pan_law law)
{
	if (layout->n_channels < 0 || layout->n_channels > MIXER_MAX_CHANNELS || !(rate_hz > 0.0f) ||
	    layout->n_buses < 0 || layout->n_buses > BUS_MAX)
		return -EINVAL;

	struct mixer_sizes sz = mixer_sizes(layout, rate_hz);
	char *base = mem;
	*m = (struct mixer){
		.n_channels = layout->n_channels,
		.n_lanes = sz.n_lanes,
		.n_groups = sz.n_groups,
		.rate_hz = rate_hz,
		.strips = (struct strip *)(void *)(base + sz.off_strips),
		.channel_lane = (int *)(void *)(base + sz.off_lane_of),
		.channel_is_stereo = (bool *)(void *)(base + sz.off_stereo),
	};
	layout_lanes(layout, m->channel_lane);
	m->n_buses = layout->n_buses;
	for (int b = 0; b < m->n_buses; b++)
		bus_init(&m->buses[b], layout->bus_type[b], layout->bus_is_stereo[b], rate_hz,
			 base + sz.off_bus[b]);
	for (int g = 0; g < m->n_groups; g++) {
		strip_init(&m->strips[g], rate_hz, law);
		strip_set_delay_memory(&m->strips[g],
				       base + sz.off_delay + (size_t)g * indelay_mem_size(rate_hz),
				       rate_hz);
		strip_set_buses(&m->strips[g], layout->n_buses, layout->bus_is_stereo);
	}
	for (int ch = 0; ch < m->n_channels; ch++) {
		bool is_stereo = layout->is_stereo && layout->is_stereo[ch];
		int lane = m->channel_lane[ch];
		m->channel_is_stereo[ch] = is_stereo;
		struct strip *s = &m->strips[lane / DSP_LANES];
		if (is_stereo) {
			strip_set_role(s, lane % DSP_LANES, STRIP_LEFT);
			strip_set_role(s, lane % DSP_LANES + 1, STRIP_RIGHT);
		} else {
			strip_set_role(s, lane % DSP_LANES, STRIP_MONO);
		}
	}
	master_init(&m->master, rate_hz, base + sz.off_master);
	dca_init(&m->dca);
	m->mute_groups = (struct mute_groups){ 0 };
	return 0;
}

int mixer_n_inputs(const struct mixer *m)
{
	int n = 0;
	for (int ch = 0; ch < m->n_channels; ch++)
		n += m->channel_is_stereo[ch] ? 2 : 1;
	return n;
}

int mixer_input_lane(const struct mixer *m, int input)
{
	for (int ch = 0; ch < m->n_channels; ch++) {
		int width = m->channel_is_stereo[ch] ? 2 : 1;
		if (input < width)
			return m->channel_lane[ch] + input;
		input -= width;
	}
	return -1;
}

_Static_assert(DCA_MAX_CHANNELS >= MIXER_MAX_CHANNELS, "a DCA mask for every channel");

static int channel_width(const struct mixer *m, int ch)
{
	return m->channel_is_stereo[ch] ? 2 : 1;
}

static struct strip *lane_strip(struct mixer *m, int lane)
{
	return &m->strips[lane / DSP_LANES];
}

void mixer_set_fader_db(struct mixer *m, int ch, float db)
{
	for (int k = 0, lane = m->channel_lane[ch]; k < channel_width(m, ch); k++, lane++)
		strip_set_fader_db(lane_strip(m, lane), lane % DSP_LANES, db);
}

void mixer_set_pan(struct mixer *m, int ch, float pan)
{
	for (int k = 0, lane = m->channel_lane[ch]; k < channel_width(m, ch); k++, lane++)
		strip_set_pan(lane_strip(m, lane), lane % DSP_LANES, pan);
}

void mixer_set_mute(struct mixer *m, int ch, bool is_muted)
{
	for (int k = 0, lane = m->channel_lane[ch]; k < channel_width(m, ch); k++, lane++)
		strip_set_mute(lane_strip(m, lane), lane % DSP_LANES, is_muted);
}

/*
 * Solo in place: every lane not soloed goes quiet while any channel is soloed. Invariant:
 * a lane's is_solo_muted == is_solo_in_place_active(m) && !is_soloed.
 */
static bool is_solo_in_place_active(const struct mixer *m)
{
	return m->solo_mode == SOLO_SIP && m->n_soloed > 0;
}

static void update_solo_in_place(struct mixer *m)
{
	bool is_active = is_solo_in_place_active(m);
	for (int g = 0; g < m->n_groups; g++)
		for (int lane = 0; lane < DSP_LANES; lane++)
			strip_set_solo_mute(&m->strips[g], lane,
					    is_active && !m->strips[g].is_soloed[lane]);
}

/*
 * Only when solo-in-place switches on or off does every lane change; otherwise only this
 * channel's lanes can (the others already hold the invariant). Revisiting every lane on
 * each solo made a scene recall O(n_channels^2) on the audio thread.
 */
void mixer_set_solo(struct mixer *m, int ch, bool is_soloed)
{
	struct strip *s = lane_strip(m, m->channel_lane[ch]);
	int lane = m->channel_lane[ch] % DSP_LANES;
	if (s->is_soloed[lane] == is_soloed)
		return;
	bool was_active = is_solo_in_place_active(m);
	m->n_soloed += is_soloed ? 1 : -1;
	for (int k = 0, l = m->channel_lane[ch]; k < channel_width(m, ch); k++, l++)
		strip_set_solo(lane_strip(m, l), l % DSP_LANES, is_soloed);
	bool is_active = is_solo_in_place_active(m);
	if (is_active != was_active) {
		update_solo_in_place(m);
		return;
	}
	for (int k = 0, l = m->channel_lane[ch]; k < channel_width(m, ch); k++, l++)
		strip_set_solo_mute(lane_strip(m, l), l % DSP_LANES, is_active && !is_soloed);
}

void mixer_set_send_level_db(struct mixer *m, int ch, int bus, float db)
{
	for (int k = 0, lane = m->channel_lane[ch]; k < channel_width(m, ch); k++, lane++)
		strip_set_send_level_db(lane_strip(m, lane), bus, lane % DSP_LANES, db);
}

void mixer_set_send_on(struct mixer *m, int ch, int bus, bool is_on)
{
	for (int k = 0, lane = m->channel_lane[ch]; k < channel_width(m, ch); k++, lane++)
		strip_set_send_on(lane_strip(m, lane), bus, lane % DSP_LANES, is_on);
}

void mixer_set_send_pre(struct mixer *m, int ch, int bus, bool is_pre)
{
	for (int k = 0, lane = m->channel_lane[ch]; k < channel_width(m, ch); k++, lane++)
		strip_set_send_pre(lane_strip(m, lane), bus, lane % DSP_LANES, is_pre);
}

/*
 * Hand channel ch what its groups make of it: the product of its DCAs' gains, or 0 while a
 * mute group silences it (the strip skips a repeat of the same gain).
 */
static float group_gain(struct mixer *m, int ch)
{
	bool is_silenced = mute_groups_silence(&m->mute_groups, m->mute_groups.channel_mask[ch]);
	return is_silenced ? 0.0f : dca_channel_gain(&m->dca, ch);
}

static void update_group_gain(struct mixer *m, int ch)
{
	float gain = group_gain(m, ch);
	for (int k = 0, lane = m->channel_lane[ch]; k < channel_width(m, ch); k++, lane++)
		strip_set_group_gain(lane_strip(m, lane), lane % DSP_LANES, gain);
}

/* A DCA moved: only its members change; bounded by the channel count. */
static void update_dca_members(struct mixer *m, int dca)
{
	for (int ch = 0; ch < m->n_channels; ch++)
		if (m->dca.member_mask[ch] & (1u << dca))
			update_group_gain(m, ch);
}

void mixer_set_dca_fader_db(struct mixer *m, int dca, float db)
{
	if (dca_set_fader_db(&m->dca, dca, db))
		update_dca_members(m, dca);
}

void mixer_set_dca_mute(struct mixer *m, int dca, bool is_muted)
{
	if (dca_set_mute(&m->dca, dca, is_muted))
		update_dca_members(m, dca);
}

/*
 * Each member's group gain after the fader moved, then after the mute: the path the two
 * setters above take it along, followed in one pass per member instead of two.
 */
void mixer_set_dca(struct mixer *m, int dca, float db, bool is_muted)
{
	float after_fader[MIXER_MAX_CHANNELS];
	bool has_fader_moved = dca_set_fader_db(&m->dca, dca, db);
	for (int ch = 0; has_fader_moved && ch < m->n_channels; ch++)
		if (m->dca.member_mask[ch] & (1u << dca))
			after_fader[ch] = group_gain(m, ch);
	bool has_mute_moved = dca_set_mute(&m->dca, dca, is_muted);
	if (!has_fader_moved && !has_mute_moved)
		return;
	for (int ch = 0; ch < m->n_channels; ch++) {
		if (!(m->dca.member_mask[ch] & (1u << dca)))
			continue;
		float gains[2];
		int n = 0;
		if (has_fader_moved)
			gains[n++] = after_fader[ch];
		if (has_mute_moved)
			gains[n++] = group_gain(m, ch);
		for (int k = 0, lane = m->channel_lane[ch]; k < channel_width(m, ch); k++, lane++)
			strip_set_group_gains(lane_strip(m, lane), lane % DSP_LANES, gains, n);
	}
}

void mixer_set_dca_member(struct mixer *m, int ch, int dca, bool is_member)
{
	if (dca_set_member(&m->dca, ch, dca, is_member))
		update_group_gain(m, ch);
}

/*
 * Every membership bit in turn, DCAs first, noting the group gain after each one that
 * changed; the strip then follows that path in one pass (what a scene recall hands over).
 */
void mixer_set_channel_groups(struct mixer *m, int ch, unsigned dca_mask, unsigned mgrp_mask)
{
	float gains[DCA_MAX + MUTE_GROUP_MAX];
	int n = 0;
	for (int k = 0; k < DCA_MAX; k++)
		if (dca_set_member(&m->dca, ch, k, (dca_mask >> k) & 1u))
			gains[n++] = group_gain(m, ch);
	for (int k = 0; k < MUTE_GROUP_MAX; k++)
		if (mute_group_set_bit(&m->mute_groups.channel_mask[ch], k, (mgrp_mask >> k) & 1u))
			gains[n++] = group_gain(m, ch);
	for (int k = 0, lane = m->channel_lane[ch]; n > 0 && k < channel_width(m, ch); k++, lane++)
		strip_set_group_gains(lane_strip(m, lane), lane % DSP_LANES, gains, n);
}

static void update_bus_group_mute(struct mixer *m, int bus)
{
	fader_set_group_mute(&m->buses[bus].fader,
			     mute_groups_silence(&m->mute_groups, m->mute_groups.bus_mask[bus]));
}

/* A group switched: only its members change; bounded by the channel and bus counts. */
void mixer_set_mute_group_on(struct mixer *m, int group, bool is_on)
{
	if (!mute_group_set_bit(&m->mute_groups.on_mask, group, is_on))
		return;
	for (int ch = 0; ch < m->n_channels; ch++)
		if (m->mute_groups.channel_mask[ch] & (1u << group))
			update_group_gain(m, ch);
	for (int b = 0; b < m->n_buses; b++)
		if (m->mute_groups.bus_mask[b] & (1u << group))
			update_bus_group_mute(m, b);
}

void mixer_set_mute_group_channel(struct mixer *m, int ch, int group, bool is_member)
{
	if (mute_group_set_bit(&m->mute_groups.channel_mask[ch], group, is_member))
		update_group_gain(m, ch);
}

void mixer_set_mute_group_bus(struct mixer *m, int bus, int group, bool is_member)
{
	if (mute_group_set_bit(&m->mute_groups.bus_mask[bus], group, is_member))
		update_bus_group_mute(m, bus);
}

void mixer_set_solo_mode(struct mixer *m, enum solo_mode mode)
{
	m->solo_mode = mode;
	update_solo_in_place(m);
}

uint64_t mixer_n_resets(const struct mixer *m)
{
	uint64_t n = m->master.n_resets;
	for (int b = 0; b < m->n_buses; b++)
		n += m->buses[b].n_resets;
	for (int g = 0; g < m->n_groups; g++)
		n += m->strips[g].n_resets;
	return n;
}

static inline v4f load4(const float *p)
{
	v4f v;
	memcpy(&v, p, sizeof v);
	return v;
}

/* Rows a..d (four ports, four samples each) become four lane frames. */
static inline void transpose4(v4f *a, v4f *b, v4f *c, v4f *d)
{
	v4f t0 = V4F_SHUFFLE(*a, *b, 0, 4, 1, 5);
	v4f t1 = V4F_SHUFFLE(*a, *b, 2, 6, 3, 7);
	v4f t2 = V4F_SHUFFLE(*c, *d, 0, 4, 1, 5);
	v4f t3 = V4F_SHUFFLE(*c, *d, 2, 6, 3, 7);
	*a = V4F_SHUFFLE(t0, t2, 0, 1, 4, 5);
	*b = V4F_SHUFFLE(t0, t2, 2, 3, 6, 7);
	*c = V4F_SHUFFLE(t1, t3, 0, 1, 4, 5);
	*d = V4F_SHUFFLE(t1, t3, 2, 3, 6, 7);
}

/*
 * Gather n samples of four lanes (NULL source = silent lane) into lanes 4q .. 4q+3 of the
 * lane frames. Cleaning them (NaN, Inf, absurd values) is strip_process's job, at the strip's
 * input.
 */
static void gather_quarter(const float *const src[4], int q, int offset, vf *buf, int n)
{
	bool is_full = src[0] && src[1] && src[2] && src[3];
	int i = 0;
	if (is_full) {
		for (; i + 4 <= n; i += 4) {
			v4f rows[4] = { load4(src[0] + offset + i), load4(src[1] + offset + i),
					load4(src[2] + offset + i), load4(src[3] + offset + i) };
			transpose4(&rows[0], &rows[1], &rows[2], &rows[3]);
			for (int k = 0; k < 4; k++)
				memcpy((float *)&buf[i + k] + 4 * q, &rows[k], sizeof rows[k]);
		}
	}
	for (; i < n; i++)
		for (int k = 0; k < 4; k++)
			buf[i][4 * q + k] = src[k] ? src[k][offset + i] : 0.0f;
}

/* A group's DSP_LANES sources, four at a time (a 4x4 transpose each). */
static void gather_lanes(const float *const src[DSP_LANES], int offset, vf *buf, int n)
{
	for (int q = 0; q < DSP_LANES / 4; q++)
		gather_quarter(src + 4 * q, q, offset, buf, n);
}

void mixer_settle(struct mixer *m)
{
	for (int g = 0; g < m->n_groups; g++)
		strip_settle(&m->strips[g]);
	for (int b = 0; b < m->n_buses; b++)
		bus_settle(&m->buses[b]);
	master_settle(&m->master);
}

static void mixer_block_begin(struct mixer *m)
{
	for (int g = 0; g < m->n_groups; g++)
		strip_block_begin(&m->strips[g]);
	for (int b = 0; b < m->n_buses; b++)
		bus_block_begin(&m->buses[b]);
	master_block_begin(&m->master);
}

void mixer_process(struct mixer *m, const float *const *in, const struct mixer_outputs *out,
		   int n)
{
	/* Strip lane frames are DSP_LANES wide; the sums and everything after them four. */
	vf buf[DSP_BLOCK];
	v4f acc_l[DSP_BLOCK], acc_r[DSP_BLOCK], pfl_l[DSP_BLOCK], pfl_r[DSP_BLOCK];
	v4f bus_acc[BUS_MAX][2][DSP_BLOCK], bus_buf[DSP_BLOCK], mix[DSP_BLOCK];
	int done = 0;

	while (done < n) {
		if (m->block_pos == 0)
			mixer_block_begin(m);
		int chunk = DSP_BLOCK - m->block_pos;
		if (chunk > n - done)
			chunk = n - done;

		memset(acc_l, 0, sizeof(v4f) * (size_t)chunk);
		memset(acc_r, 0, sizeof(v4f) * (size_t)chunk);
		memset(pfl_l, 0, sizeof(v4f) * (size_t)chunk);
		memset(pfl_r, 0, sizeof(v4f) * (size_t)chunk);
		for (int b = 0; b < m->n_buses; b++) {
			memset(bus_acc[b][0], 0, sizeof(v4f) * (size_t)chunk);
			memset(bus_acc[b][1], 0, sizeof(v4f) * (size_t)chunk);
		}
		int input = 0;
		for (int g = 0; g < m->n_groups; g++) {
			const float *src[DSP_LANES];
			for (int lane = 0; lane < DSP_LANES; lane++) {
				bool is_used = m->strips[g].role[lane] != STRIP_UNUSED;
				src[lane] = is_used ? in[input++] : NULL;
			}
			gather_lanes(src, done, buf, chunk);
			m->n_bad_samples += (uint64_t)strip_process(&m->strips[g], buf, acc_l, acc_r,
								    pfl_l, pfl_r, bus_acc, chunk);
		}

		for (int i = 0; i < chunk; i++)
			mix[i] = (v4f){ v4f_hsum(acc_l[i]), v4f_hsum(acc_r[i]), 0.0f, 0.0f };
		/* Buses: monitor mixes leave on their own ports, effect returns join the master. */
		for (int b = 0; b < m->n_buses; b++) {
			struct bus *bus = &m->buses[b];
			for (int i = 0; i < chunk; i++)
				bus_buf[i] = (v4f){ v4f_hsum(bus_acc[b][0][i]), v4f_hsum(bus_acc[b][1][i]),
						    0.0f, 0.0f };
			bus_process(bus, bus_buf, chunk);
			if (bus->type != BUS_MONITOR) {
				for (int i = 0; i < chunk; i++)
					mix[i] += bus_buf[i];
			} else if (out->bus_l[b]) {
				for (int i = 0; i < chunk; i++)
					out->bus_l[b][done + i] = bus_buf[i][0];
				for (int i = 0; out->bus_r[b] && i < chunk; i++)
					out->bus_r[b][done + i] = bus_buf[i][1];
			}
		}
		master_process(&m->master, mix, chunk);
		for (int i = 0; i < chunk; i++) {
			out->master_l[done + i] = mix[i][0];
			out->master_r[done + i] = mix[i][1];
		}
		if (out->solo_l && out->solo_r)
			for (int i = 0; i < chunk; i++) {
				out->solo_l[done + i] = v4f_hsum(pfl_l[i]);
				out->solo_r[done + i] = v4f_hsum(pfl_r[i]);
			}

		done += chunk;
		m->block_pos = (m->block_pos + chunk) % DSP_BLOCK;
	}
}
