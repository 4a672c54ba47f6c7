/*
 * gate.h - noise gate with range (a range-limited downward expander with an infinite
 * ratio) for one group of DSP_LANES lanes. It sits before the EQ: trim -> polarity -> HPF ->
 * gate -> EQ -> compressor.
 *
 * Defaults: off, threshold -50 dB, range 60 dB, attack 1 ms, hold 50 ms, release 200 ms,
 * unlinked; off means output == input, bit for bit. Setters store values and are RT-safe;
 * they take effect at the next gate_block_begin().
 */
#ifndef JMIXD_GATE_H
#define JMIXD_GATE_H

#include "dsp/dsp.h"

#define GATE_MIN_THRESHOLD_DB (-90.0f)
#define GATE_MAX_THRESHOLD_DB 0.0f
#define GATE_MAX_RANGE_DB 90.0f
#define GATE_MIN_ATTACK_MS 0.1f
#define GATE_MAX_ATTACK_MS 50.0f
#define GATE_MAX_HOLD_MS 2000.0f
#define GATE_MIN_RELEASE_MS 5.0f
#define GATE_MAX_RELEASE_MS 4000.0f

struct gate {
	float rate_hz;
	float threshold_db[DSP_LANES], range_db[DSP_LANES], attack_ms[DSP_LANES];
	float hold_ms[DSP_LANES], release_ms[DSP_LANES];
	bool is_on[DSP_LANES], is_linked[DSP_LANES / 2];
	bool is_dirty, is_running;
	bool is_fade_settled;	/* every on/off fade has arrived */
	float mix_step;
	/* derived per lane at block_begin */
	vf thr_pow, closed_db, hold_n, att_coef, rel_coef, link_mul;
	float fade_pos[DSP_LANES];	/* on/off fade position 0..1, linear in time */
	/* glide of the on/off mix: now, per-sample increment, block end */
	vf mix, dmix, mix_end;
	/* state */
	vf gain_db, hold_left, gr_max_db;
};

/* Defaults as above; rate_hz 8000..384000. Control thread only. */
void gate_init(struct gate *g, float rate_hz);

/* On/off per lane (0 .. DSP_LANES-1): a 20 ms fade of the applied gain in dB. RT-safe. */
void gate_set_on(struct gate *g, int lane, bool is_on);

/* Opens when the instantaneous peak level reaches this, dB -90..0. RT-safe. */
void gate_set_threshold_db(struct gate *g, int lane, float db);

/* Attenuation when closed, dB 0..90; 90 is a full gate (exact silence). RT-safe. */
void gate_set_range_db(struct gate *g, int lane, float db);

/* Opening time constant, ms 0.1..50 (63 % of the way in dB). RT-safe. */
void gate_set_attack_ms(struct gate *g, int lane, float ms);

/* Time the gate stays open after the level last reached the threshold, ms 0..2000. RT-safe. */
void gate_set_hold_ms(struct gate *g, int lane, float ms);

/* Closing time constant after the hold, ms 5..4000 (63 % of the way in dB). RT-safe. */
void gate_set_release_ms(struct gate *g, int lane, float ms);

/* Link a stereo pair (0: lanes 0-1, 1: lanes 2-3): both sides key on the louder. RT-safe. */
void gate_set_link(struct gate *g, int pair, bool is_linked);

/* Jump the on/off fade to its target now. RT-safe. */
void gate_settle(struct gate *g);

/* At each DSP_BLOCK boundary of the audio timeline. RT-safe. */
void gate_block_begin(struct gate *g);

/* In place, n 1..DSP_BLOCK within the block; returns reset lanes like dynamics_process(). */
unsigned gate_process(struct gate *g, vf *buf, int n);

/* Meter: largest attenuation per lane since the last call, dB >= 0; then restart. RT-safe. */
void gate_take_gr_db(struct gate *g, vf *out);

#endif
