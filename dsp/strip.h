/*
 * strip.h - the channel strip for one group of DSP_LANES lanes.
 *
 * Signal order (DESIGN.md): input -> trim + polarity -> high-pass -> gate -> EQ ->
 * compressor -> (pre-fader tap: meter, PFL) -> fader + mute + solo -> pan -> master.
 * Trim and polarity fold into one input gain ramp (a polarity flip glides through zero in
 * 20 ms instead of jumping); fader, mute, solo-in-place and pan fold into one pair of output
 * gains per lane (out_l, out_r). Moving any of them is one smoothed multiply.
 *
 * A lane is one mono channel, or one side of a stereo channel. Stereo channels occupy an
 * even/odd lane pair: the left lane feeds only the left bus and the right lane only the
 * right, scaled by the balance law instead of the pan law.
 *
 * Setters take user units and are RT-safe: the audio thread calls them when a parameter
 * block changes. Glossary:
 *   fader_db, pan, is_muted   the user's settings per lane (pan is balance on stereo lanes)
 *   trim_db, is_inverted      input gain and polarity per lane
 *   is_soloed                 this lane's solo button
 *   is_solo_muted             solo-in-place: another channel is soloed and this one is not
 *   group_gain                the DCAs' linear gain, 0 while a mute group silences the lane
 *   role                      STRIP_MONO, STRIP_LEFT or STRIP_RIGHT per lane
 *   in_gain                   ramp of trim * polarity
 *   out_l, out_r              ramps of the combined fader * mute * solo * pan gain per side
 *   pfl_l, pfl_r              ramps of the pre-fader listen feed to the solo bus
 *   delay                     input delay after trim (dsp/indelay.h; its ring comes from the
 *                             mixer's arena: strip_set_delay_memory)
 *   hpf, gate, eq, comp       the processing modules (dsp/hpf.h, gate.h, eq.h, dynamics.h)
 *   meter                     peak and energy at the pre-fader tap (what the channel carries)
 *   send_l, send_r            per bus, ramps of level * (pre ? 1 : fader * mute) * pan
 *   send_db, is_send_on/pre   per bus and lane, the user's send settings
 *   post_gain                 linear fader * mute * solo-in-place per lane (cached)
 *   pan_l, pan_r              the pan (mono) or balance (stereo side) law's gains (cached)
 *   send_level                linear send level per bus and lane, 0 when off (cached)
 *   pfl_centre_l/r            the pan law's centre gains, where a mono lane's PFL sits
 *   gr_db                     the compressor's gain reduction, max since the meters took it
 */
#ifndef JMIXD_DSP_STRIP_H
#define JMIXD_DSP_STRIP_H

#include "dsp/bus.h"
#include "dsp/dsp.h"
#include "dsp/dynamics.h"
#include "dsp/eq.h"
#include "dsp/gate.h"
#include "dsp/hpf.h"
#include "dsp/indelay.h"
#include "dsp/meter.h"
#include "dsp/pan.h"
#include "dsp/ramp.h"

/* How long a fader, mute or pan change takes. 20 ms: inaudible as a step, fast as a hand. */
#define STRIP_GAIN_RAMP_MS 20.0f

enum strip_role {
	STRIP_UNUSED,   /* padding lane of the last group: silent */
	STRIP_MONO,
	STRIP_LEFT,
	STRIP_RIGHT,
};

struct strip {
	struct ramp in_gain;
	struct ramp out_l;
	struct ramp out_r;
	struct ramp pfl_l;
	struct ramp pfl_r;
	struct indelay delay;
	struct hpf hpf;
	struct gate gate;
	struct eq eq;
	struct dynamics comp;
	struct meter_acc meter;
	int n_buses;
	bool is_bus_stereo[BUS_MAX];
	struct ramp send_l[BUS_MAX];
	struct ramp send_r[BUS_MAX];
	float send_db[BUS_MAX][DSP_LANES];
	bool is_send_on[BUS_MAX][DSP_LANES];
	bool is_send_pre[BUS_MAX][DSP_LANES];
	float send_level[BUS_MAX][DSP_LANES];
	float post_gain[DSP_LANES];
	float pan_l[DSP_LANES];
	float pan_r[DSP_LANES];
	float pfl_centre_l, pfl_centre_r;
	float fader_db[DSP_LANES];
	float pan[DSP_LANES];
	float trim_db[DSP_LANES];
	bool is_inverted[DSP_LANES];
	bool is_muted[DSP_LANES];
	bool is_soloed[DSP_LANES];
	bool is_solo_muted[DSP_LANES];
	float group_gain[DSP_LANES];
	enum strip_role role[DSP_LANES];
	enum pan_law pan_law;
	int ramp_samples;
	uint64_t n_resets;           /* lanes reset after a non-finite value inside a module */
};

/* Control thread: defaults are fader 0 dB, centre, unmuted, with no glide. */
void strip_init(struct strip *s, float rate_hz, enum pan_law law);
void strip_set_role(struct strip *s, int lane, enum strip_role role);

/*
 * Fader, pan and mute at once, as strip_set_fader_db, strip_set_pan and strip_set_mute in
 * that order would set them (bit for bit), for one recompute of what follows them.
 */
void strip_set_output(struct strip *s, int lane, float fader_db, float pan, bool is_muted);
void strip_set_fader_db(struct strip *s, int lane, float db);
void strip_set_pan(struct strip *s, int lane, float pan);
void strip_set_mute(struct strip *s, int lane, bool is_muted);
void strip_set_trim_db(struct strip *s, int lane, float db);          /* -20 .. +20 */
void strip_set_polarity(struct strip *s, int lane, bool is_inverted);
void strip_set_solo(struct strip *s, int lane, bool is_soloed);
/* Solo-in-place: silence this lane because others are soloed (the mixer decides). */
void strip_set_solo_mute(struct strip *s, int lane, bool is_solo_muted);
/*
 * What the groups do to this lane, linear: the product of its DCAs' gains (dsp/dca.h), 0 when
 * a DCA or a mute group (dsp/mutegroup.h) silences it, 1 with none. Applied after the fader,
 * so post-fader sends follow and pre-fader sends do not; it rides the fader's ramp.
 */
void strip_set_group_gain(struct strip *s, int lane, float gain_lin);
/* strip_set_group_gain to gains_lin[0 .. n) in turn, bit for bit, with one pass per 16. */
void strip_set_group_gains(struct strip *s, int lane, const float *gains_lin, int n);

/* Control thread, before audio: the input delay's ring (indelay_mem_size bytes). */
void strip_set_delay_memory(struct strip *s, void *mem, float rate_hz);

/* Control thread, before audio: the buses this strip sends to. */
void strip_set_buses(struct strip *s, int n_buses, const bool *is_stereo);
/* Level, on and pre of a send at once, as the three setters below in that order would. */
void strip_set_send(struct strip *s, int bus, int lane, float db, bool is_on, bool is_pre);
void strip_set_send_level_db(struct strip *s, int bus, int lane, float db);
void strip_set_send_on(struct strip *s, int bus, int lane, bool is_on);
void strip_set_send_pre(struct strip *s, int bus, int lane, bool is_pre);

/* Reach every target at once (before audio starts). RT-safe. */
void strip_settle(struct strip *s);

/* At each DSP_BLOCK boundary. RT-safe. */
void strip_block_begin(struct strip *s);

/*
 * What a strip takes as audio: samples with |x| <= STRIP_INPUT_MAX (256, i.e. +48 dBFS, far
 * above any real source yet far below what breaks the arithmetic). Anything else is not
 * audio but a broken client: NaN, Inf, or a finite but absurd value such as 1e30, which a
 * garbage bit pattern is far more often than a non-finite one. Such a sample is replaced by
 * silence (not clipped: a +48 dB impulse into the reverb and delay would still wreck the mix
 * for seconds) and counted, like a NaN.
 */
#define STRIP_INPUT_MAX 256.0f

/*
 * Run n (<= DSP_BLOCK, inside the current block) lane frames of buf through the strip and
 * add its contributions to the per-lane accumulators: acc_l, acc_r (the master), pfl_l,
 * pfl_r (the solo bus, pre-fader) and bus_acc[bus][side] (the aux sends). The input is
 * sanitised first, at trim (see STRIP_INPUT_MAX): the modules after it may rely on finite,
 * bounded samples. Returns how many input samples were replaced by silence. RT-safe.
 */
int strip_process(struct strip *s, vf *buf, v4f *acc_l, v4f *acc_r, v4f *pfl_l, v4f *pfl_r,
		   v4f (*bus_acc)[2][DSP_BLOCK], int n);

#endif
