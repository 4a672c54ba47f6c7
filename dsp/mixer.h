/*
 * mixer.h - the whole signal graph, built once: N channel strips in groups of DSP_LANES lanes,
 * summed into the stereo master.
 *
 * Topology (channel count, which channels are stereo) is fixed at init; everything lives in
 * one block of caller-provided memory (mixer_mem_size), so the engine can allocate, pre-fault
 * and lock it before audio starts, and a jackd restart never touches it.
 *
 * mixer_process() walks a JACK period in pieces that end on DSP_BLOCK boundaries of the
 * mixer's own sample clock, calling every stage's block_begin exactly there: the output does
 * not depend on how the period is cut.
 *
 * Inputs are sanitised on the way in (strip_process, at each strip's input): a NaN, an Inf or
 * a finite but absurd sample beyond STRIP_INPUT_MAX from another JACK client becomes silence
 * for that sample and is counted, so it can never reach the outputs.
 */
#ifndef JMIXD_DSP_MIXER_H
#define JMIXD_DSP_MIXER_H

#include <stddef.h>

#include "dsp/bus.h"
#include "dsp/dca.h"
#include "dsp/mutegroup.h"
#include "dsp/dsp.h"
#include "dsp/master.h"
#include "dsp/pan.h"
#include "dsp/strip.h"

#define MIXER_MAX_CHANNELS 256

/*
 * Solo: PFL (pre-fade listen) sends the soloed channels, pre-fader, to the solo bus and its
 * own outputs and never touches the master: the audience hears nothing of it. SIP
 * (solo in place) silences every channel that is not soloed, on the master itself: for a
 * studio, never for a show.
 */
enum solo_mode {
	SOLO_PFL,
	SOLO_SIP,
};

struct mixer_layout {
	int n_channels;
	const bool *is_stereo;    /* per channel; NULL = all mono */
	int n_buses;              /* aux buses, at most BUS_MAX */
	const enum bus_type *bus_type;
	const bool *bus_is_stereo;
};

struct mixer_outputs {
	float *master_l, *master_r;
	float *solo_l, *solo_r;   /* NULL when there is no solo bus */
	float *bus_l[BUS_MAX];    /* monitor buses' outputs (right NULL for a mono bus) */
	float *bus_r[BUS_MAX];
};

struct mixer {
	int n_channels;
	int n_lanes;              /* including padding lanes */
	int n_groups;
	int block_pos;            /* samples already processed in the current DSP_BLOCK */
	float rate_hz;
	enum solo_mode solo_mode;
	int n_soloed;             /* channels with solo on */
	uint64_t n_bad_samples;   /* non-finite or out-of-range input samples replaced by silence */
	int *channel_lane;        /* first lane of each channel */
	bool *channel_is_stereo;
	struct strip *strips;     /* one per group */
	int n_buses;
	struct bus buses[BUS_MAX];
	struct master master;
	struct dca_groups dca;
	struct mute_groups mute_groups;
};

/* Bytes of memory mixer_init needs for this layout at this rate. Control thread. */
size_t mixer_mem_size(const struct mixer_layout *layout, float rate_hz);

/* How late the master outputs are: the limiter's look-ahead, in samples. */
int mixer_master_latency(const struct mixer *m);

/*
 * Build the mixer in mem (mixer_mem_size bytes, 64-byte aligned, any content). Returns 0 or
 * -EINVAL for a layout it cannot hold. Control thread.
 */
int mixer_init(struct mixer *m, void *mem, const struct mixer_layout *layout, float rate_hz,
	       enum pan_law law);

/* Number of JACK input ports the layout needs: one per mono, two per stereo channel. */
int mixer_n_inputs(const struct mixer *m);

/* Lane of input port k (ports numbered channel by channel, left before right). */
int mixer_input_lane(const struct mixer *m, int input);

/* Channel-level setters, user units; RT-safe. ch is 0-based and must be valid. */
void mixer_set_fader_db(struct mixer *m, int ch, float db);
void mixer_set_pan(struct mixer *m, int ch, float pan);
void mixer_set_mute(struct mixer *m, int ch, bool is_muted);
void mixer_set_solo(struct mixer *m, int ch, bool is_soloed);
void mixer_set_send_level_db(struct mixer *m, int ch, int bus, float db);
void mixer_set_send_on(struct mixer *m, int ch, int bus, bool is_on);
void mixer_set_send_pre(struct mixer *m, int ch, int bus, bool is_pre);
void mixer_set_solo_mode(struct mixer *m, enum solo_mode mode);

/* DCA groups (dsp/dca.h): dca is 0 .. DCA_MAX-1. RT-safe; only the members are touched. */
void mixer_set_dca_fader_db(struct mixer *m, int dca, float db);
void mixer_set_dca_mute(struct mixer *m, int dca, bool is_muted);
void mixer_set_dca_member(struct mixer *m, int ch, int dca, bool is_member);
/* Fader and mute of a DCA at once: bit for bit the two setters above in that order. */
void mixer_set_dca(struct mixer *m, int dca, float db, bool is_muted);

/*
 * Mute groups (dsp/mutegroup.h): group is 0 .. MUTE_GROUP_MAX-1; members are channels and
 * aux buses. RT-safe; only the members are touched.
 */
void mixer_set_mute_group_on(struct mixer *m, int group, bool is_on);
void mixer_set_mute_group_channel(struct mixer *m, int ch, int group, bool is_member);
void mixer_set_mute_group_bus(struct mixer *m, int bus, int group, bool is_member);
/*
 * Every DCA and mute-group membership of channel ch at once (bit k of dca_mask: DCA k, of
 * mgrp_mask: mute group k): bit for bit what mixer_set_dca_member for each DCA in turn and
 * then mixer_set_mute_group_channel for each group leave, with one pass over its gains.
 * RT-safe.
 */
void mixer_set_channel_groups(struct mixer *m, int ch, unsigned dca_mask, unsigned mgrp_mask);

/*
 * The strip group and lane of each side of channel ch (1 for mono, 2 for stereo): per-lane
 * module setters reach a channel through this. Returns the count. RT-safe; inline, as the
 * audio thread asks it once per changed channel and send.
 */
static inline int mixer_channel_lanes(struct mixer *m, int ch, struct strip **strips, int *lanes)
{
	int n = m->channel_is_stereo[ch] ? 2 : 1;
	for (int k = 0; k < n; k++) {
		int lane = m->channel_lane[ch] + k;
		strips[k] = &m->strips[lane / DSP_LANES];
		lanes[k] = lane % DSP_LANES;
	}
	return n;
}

/* Lanes reset by a module after a non-finite value, all strips together. */
uint64_t mixer_n_resets(const struct mixer *m);

/* Jump every control to its target without gliding; before audio starts. */
void mixer_settle(struct mixer *m);

/*
 * Process n frames. in[k] is input port k (mixer_n_inputs of them). RT-safe: no allocation,
 * no locks, bounded work.
 */
void mixer_process(struct mixer *m, const float *const *in, const struct mixer_outputs *out,
		   int n);

#endif
