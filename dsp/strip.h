/*
 * strip.h - the channel strip for one group of four lanes.
 *
 * Signal order (DESIGN.md): input -> trim -> polarity -> high-pass -> gate -> EQ ->
 * compressor -> (pre-fader tap) -> fader + mute -> pan -> master and post-fader sends.
 * Fader, mute and pan fold into one pair of output gains per lane (out_l, out_r), each a
 * 20 ms ramp, so moving any of them is one smoothed multiply per side.
 *
 * A lane is one mono channel, or one side of a stereo channel. Stereo channels occupy an
 * even/odd lane pair: the left lane feeds only the left bus and the right lane only the
 * right, scaled by the balance law instead of the pan law.
 *
 * Setters take user units and are RT-safe: the audio thread calls them when a parameter
 * block changes. Glossary:
 *   fader_db, pan, is_muted   the user's settings per lane (pan is balance on stereo lanes)
 *   role                      STRIP_MONO, STRIP_LEFT or STRIP_RIGHT per lane
 *   out_l, out_r              ramps of the combined fader * mute * pan gain per side
 *   meter                     peak and energy at the pre-fader tap (what the channel carries)
 */
#ifndef JMIXD_DSP_STRIP_H
#define JMIXD_DSP_STRIP_H

#include "dsp/dsp.h"
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
	struct ramp out_l;
	struct ramp out_r;
	struct meter_acc meter;
	float fader_db[DSP_LANES];
	float pan[DSP_LANES];
	bool is_muted[DSP_LANES];
	enum strip_role role[DSP_LANES];
	enum pan_law pan_law;
	int ramp_samples;
};

/* Control thread: defaults are fader 0 dB, centre, unmuted, with no glide. */
void strip_init(struct strip *s, float rate_hz, enum pan_law law);
void strip_set_role(struct strip *s, int lane, enum strip_role role);

void strip_set_fader_db(struct strip *s, int lane, float db);
void strip_set_pan(struct strip *s, int lane, float pan);
void strip_set_mute(struct strip *s, int lane, bool is_muted);
void strip_set_pan_law(struct strip *s, enum pan_law law);

/* Reach every target at once (before audio starts). RT-safe. */
void strip_settle(struct strip *s);

/* At each DSP_BLOCK boundary. RT-safe. */
void strip_block_begin(struct strip *s);

/*
 * Run n (<= DSP_BLOCK, inside the current block) lane frames of buf through the strip and
 * add its left and right contributions to the per-lane accumulators acc_l and acc_r.
 * RT-safe.
 */
void strip_process(struct strip *s, v4f *buf, v4f *acc_l, v4f *acc_r, int n);

#endif
