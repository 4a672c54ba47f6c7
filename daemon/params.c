/*
 * params.c - the rows of the parameter table and the helpers every user of it shares.
 */
#include "daemon/params.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/mixer.h"

/*
 * ---- apply: natural units into the DSP; RT-safe (called by the process callback) ----
 *
 * Every apply takes the block's target (its owner, and the strip lanes it acts on, resolved
 * once per block by params_apply_block), so one function serves every owner of its row: the
 * fader of a bus, a DCA and the master is one apply_fader, and an EQ or compressor row is one
 * function for the channel strips and the master's left and right lanes.
 *
 * Rows whose DSP shares one recompute come as runs (param_desc.apply_run): a channel's fader,
 * pan and mute (its output gains and every send follow all three), a send's level, on and
 * pre, an EQ band's five rows, a channel's DCA and mute-group memberships (its group gain),
 * and a DCA's fader and mute (its members' group gains). A block hands each run over in one
 * call, which leaves bit for bit what the rows one by one would (the DSP's batched setters
 * follow the same path of targets; tests/unit/test_strip_gains.c), with one recompute where
 * the rows made one each.
 */

static bool is_on(float v)
{
	return v >= 0.5f;
}

/* The fader and mute of a bus and the master; a channel's and a DCA's are runs. */
static void apply_fader(const struct param_target *t, const struct param_desc *d, float v)
{
	switch (d->scope) {
	case PARAM_AUX:
		bus_set_fader_db(&t->m->buses[t->owner], v);
		break;
	default:
		master_set_fader_db(&t->m->master, v);
		break;
	}
}

static void apply_mute(const struct param_target *t, const struct param_desc *d, float v)
{
	switch (d->scope) {
	case PARAM_AUX:
		bus_set_mute(&t->m->buses[t->owner], is_on(v));
		break;
	default:
		master_set_mute(&t->m->master, is_on(v));
		break;
	}
}


static void apply_solo(const struct param_target *t, const struct param_desc *d, float v)
{
	(void)d;
	mixer_set_solo(t->m, t->owner, is_on(v));
}

/* The row's sub is the mute group (0-based) an /aux/N/mgrp/K row names. */
static void apply_bus_mgrp(const struct param_target *t, const struct param_desc *d, float v)
{
	mixer_set_mute_group_bus(t->m, t->owner, d->sub, is_on(v));
}

static void apply_mgrp_on(const struct param_target *t, const struct param_desc *d, float v)
{
	(void)d;
	mixer_set_mute_group_on(t->m, t->owner, is_on(v));
}

/*
 * Links and safes act on the control thread alone (daemon/link.c, daemon/recall.c): the DSP
 * never sees them, but their rows still sit in the publish blocks like every other.
 */
static void apply_none(const struct param_target *t, const struct param_desc *d, float v)
{
	(void)t;
	(void)d;
	(void)v;
}

/* One apply per row of a channel-only module: stmt sees the strip s, its lane and v. */
#define STRIP_APPLY(name, stmt)                                                                   \
	static void apply_##name(const struct param_target *t, const struct param_desc *d,        \
				 float v)                                                         \
	{                                                                                        \
		(void)d;                                                                         \
		for (int k_ = 0; k_ < t->n_lanes; k_++) {                                        \
			struct strip *s = t->strip[k_];                                          \
			int lane = t->lane[k_];                                                  \
			stmt;                                                                    \
		}                                                                                \
	}

/*
 * One apply per row of a module that channels and the master both have (the EQ, the
 * compressor): stmt sees the module mod (a channel lane's, or the master's), its lane, the
 * row's sub (an EQ band) and v.
 */
#define SHARED_APPLY(name, type, member, stmt)                                                    \
	static void apply_##name(const struct param_target *t, const struct param_desc *d,        \
				 float v)                                                         \
	{                                                                                        \
		int sub = d->sub;                                                                \
		for (int k_ = 0; k_ < t->n_lanes; k_++) {                                        \
			type *mod = t->strip[k_] ? &t->strip[k_]->member : &t->m->master.member;  \
			int lane = t->lane[k_];                                                  \
			(void)sub;                                                               \
			stmt;                                                                    \
		}                                                                                \
	}
#define EQ_APPLY(name, stmt) SHARED_APPLY(name, struct eq, eq, stmt)
#define COMP_APPLY(name, stmt) SHARED_APPLY(name, struct dynamics, comp, stmt)

/*
 * A channel's DCA and mute-group memberships, rows dca1 .. dca8 then mgrp1 .. mgrp6: one
 * pass over its gains, however many of them a recall moves.
 */
static void apply_channel_groups(const struct param_target *t, const struct param_desc *d,
				 const float *v, unsigned changed)
{
	(void)d, (void)changed;
	unsigned dca_mask = 0, mgrp_mask = 0;
	for (int k = 0; k < DCA_MAX; k++)
		dca_mask |= (unsigned)is_on(v[k]) << k;
	for (int k = 0; k < MUTE_GROUP_MAX; k++)
		mgrp_mask |= (unsigned)is_on(v[DCA_MAX + k]) << k;
	mixer_set_channel_groups(t->m, t->owner, dca_mask, mgrp_mask);
}

STRIP_APPLY(trim, strip_set_trim_db(s, lane, v))
STRIP_APPLY(input_delay_on, indelay_set_on(&s->delay, lane, is_on(v)))
STRIP_APPLY(input_delay_time, indelay_set_time_ms(&s->delay, lane, v))
STRIP_APPLY(polarity, strip_set_polarity(s, lane, is_on(v)))
STRIP_APPLY(hpf_on, hpf_set_on(&s->hpf, lane, is_on(v)))
STRIP_APPLY(hpf_freq, hpf_set_freq_hz(&s->hpf, lane, v))
/* Choice 0, 1, 2 of slope_choices: 12, 18, 24 dB per octave. */
STRIP_APPLY(hpf_slope, hpf_set_slope(&s->hpf, lane, 12 + 6 * (int)v))
STRIP_APPLY(gate_on, gate_set_on(&s->gate, lane, is_on(v)))
STRIP_APPLY(gate_threshold, gate_set_threshold_db(&s->gate, lane, v))
STRIP_APPLY(gate_range, gate_set_range_db(&s->gate, lane, v))
STRIP_APPLY(gate_attack, gate_set_attack_ms(&s->gate, lane, v))
STRIP_APPLY(gate_hold, gate_set_hold_ms(&s->gate, lane, v))
STRIP_APPLY(gate_release, gate_set_release_ms(&s->gate, lane, v))

/* A channel's first three rows, fader, pan and mute: one recompute of its output gains. */
static void apply_channel_output(const struct param_target *t, const struct param_desc *d,
				 const float *v, unsigned changed)
{
	(void)d, (void)changed;
	for (int k = 0; k < t->n_lanes; k++)
		strip_set_output(t->strip[k], t->lane[k], v[0], v[1], is_on(v[2]));
}

/* A DCA's fader and mute: one pass over its members' gains. */
static void apply_dca(const struct param_target *t, const struct param_desc *d,
		      const float *v, unsigned changed)
{
	(void)d, (void)changed;
	mixer_set_dca(t->m, t->owner, v[0], is_on(v[1]));
}

/* A send's rows, level, on and pre (its block: one channel's send to bus t->bus). */
static void apply_send(const struct param_target *t, const struct param_desc *d,
		       const float *v, unsigned changed)
{
	(void)d, (void)changed;
	for (int k = 0; k < t->n_lanes; k++)
		strip_set_send(t->strip[k], t->bus, t->lane[k], v[0], is_on(v[1]), is_on(v[2]));
}

/*
 * Band types by choice index: every band offers the shelves and the peak; band 1 adds the
 * low cut and band 4 the high cut as their fourth choice.
 */
static enum eq_band_type band_type(int band, int choice)
{
	if (choice == 3)
		return band == 0 ? EQ_LOW_CUT : EQ_HIGH_CUT;
	return (enum eq_band_type)choice;   /* EQ_LOW_SHELF, EQ_PEAK, EQ_HIGH_SHELF */
}

EQ_APPLY(eq_on, eq_set_on(mod, lane, is_on(v)))

/*
 * An EQ band's rows, on, type, freq, gain and q (the run's sub is the band), on a channel's
 * lanes or the master's: one pass over the lanes, the changed rows' setters in row order.
 */
static void apply_band(const struct param_target *t, const struct param_desc *d,
		       const float *v, unsigned changed)
{
	int band = d->sub;
	for (int k = 0; k < t->n_lanes; k++) {
		struct eq *eq = t->strip[k] ? &t->strip[k]->eq : &t->m->master.eq;
		int lane = t->lane[k];
		if (changed & 1u)
			eq_set_band_on(eq, lane, band, is_on(v[0]));
		if (changed & 2u)
			eq_set_band_type(eq, lane, band, band_type(band, (int)v[1]));
		if (changed & 4u)
			eq_set_band_freq_hz(eq, lane, band, v[2]);
		if (changed & 8u)
			eq_set_band_gain_db(eq, lane, band, v[3]);
		if (changed & 16u)
			eq_set_band_q(eq, lane, band, v[4]);
	}
}

/* The top of the ratio range means infinity: a limiter. */
#define RATIO_LIMIT 100.0f

static float comp_ratio(float v)
{
	return v >= RATIO_LIMIT ? INFINITY : (v > DYN_MAX_RATIO ? DYN_MAX_RATIO : v);
}

COMP_APPLY(comp_on, dynamics_set_on(mod, lane, is_on(v)))
COMP_APPLY(comp_threshold, dynamics_set_threshold_db(mod, lane, v))
COMP_APPLY(comp_ratio, dynamics_set_ratio(mod, lane, comp_ratio(v)))
COMP_APPLY(comp_attack, dynamics_set_attack_ms(mod, lane, v))
COMP_APPLY(comp_release, dynamics_set_release_ms(mod, lane, v))
COMP_APPLY(comp_knee, dynamics_set_knee_db(mod, lane, v))
COMP_APPLY(comp_makeup, dynamics_set_makeup_db(mod, lane, v))
COMP_APPLY(comp_detect, dynamics_set_rms(mod, lane, is_on(v)))

/*
 * Effect buses. The engine applies every slot of a bus block, so a reverb row also reaches a
 * delay bus: the module pointer is NULL there and the row does nothing.
 */
#define BUS_APPLY(name, stmt)                                                                     \
	static void apply_##name(const struct param_target *t, const struct param_desc *d,        \
				 float v)                                                         \
	{                                                                                        \
		struct bus *bus = &t->m->buses[t->owner];                                        \
		(void)d;                                                                         \
		stmt;                                                                            \
	}
BUS_APPLY(reverb_predelay, if (bus->reverb) reverb_set_predelay_ms(bus->reverb, v))
BUS_APPLY(reverb_decay, if (bus->reverb) reverb_set_decay_s(bus->reverb, v))
BUS_APPLY(reverb_lowratio, if (bus->reverb) reverb_set_low_ratio(bus->reverb, v))
BUS_APPLY(reverb_highratio, if (bus->reverb) reverb_set_high_ratio(bus->reverb, v))
BUS_APPLY(reverb_size, if (bus->reverb) reverb_set_size(bus->reverb, v))
BUS_APPLY(reverb_diffusion, if (bus->reverb) reverb_set_diffusion(bus->reverb, v))
BUS_APPLY(reverb_highcut, if (bus->reverb) reverb_set_high_cut_hz(bus->reverb, v))
/* The bus keeps the delay's tempo settings (bus.c), whatever its type. */
BUS_APPLY(delay_time, bus_set_delay_time_ms(bus, v))
BUS_APPLY(delay_sync, bus_set_delay_sync(bus, is_on(v)))
BUS_APPLY(delay_bpm, bus_set_delay_bpm(bus, v))
BUS_APPLY(delay_division, bus_set_delay_division(bus, (enum delay_division)(int)v))
BUS_APPLY(delay_feedback, if (bus->delay) delay_set_feedback_pct(bus->delay, v))
BUS_APPLY(delay_highcut, if (bus->delay) delay_set_high_cut_hz(bus->delay, v))
BUS_APPLY(delay_lowcut, if (bus->delay) delay_set_low_cut_hz(bus->delay, v))
BUS_APPLY(delay_pingpong, if (bus->delay) delay_set_pingpong(bus->delay, is_on(v)))

#define MASTER_APPLY(name, stmt)                                                                  \
	static void apply_##name(const struct param_target *t, const struct param_desc *d,        \
				 float v)                                                         \
	{                                                                                        \
		struct mixer *m = t->m;                                                          \
		(void)d;                                                                         \
		stmt;                                                                            \
	}
MASTER_APPLY(limiter_on, limiter_set_on(&m->master.limiter, is_on(v)))
MASTER_APPLY(limiter_ceiling, limiter_set_ceiling_db(&m->master.limiter, v))
MASTER_APPLY(limiter_release, limiter_set_release_ms(&m->master.limiter, v))

/* ---- the table ---- */

#define FADER(scope_, path_, apply_, doc_)                                                        \
	{ .scope = scope_, .path = path_, .key = path_, .type = PARAM_FLOAT, .unit = "dB",        \
	  .min = -90.0f, .max = 10.0f, .def = 0.0f, .taper = TAPER_FADER, .apply = apply_,         \
	  .doc = doc_ }
#define SWITCH(scope_, path_, def_, apply_, doc_)                                                 \
	{ .scope = scope_, .path = path_, .key = path_, .type = PARAM_BOOL, .unit = "",           \
	  .min = 0.0f, .max = 1.0f, .def = def_, .taper = TAPER_LINEAR, .apply = apply_,           \
	  .doc = doc_ }

#define ROW(path_, type_, unit_, min_, max_, def_, taper_, apply_, doc_)                          \
	{ .scope = PARAM_CHANNEL, .path = path_, .key = path_, .type = type_, .unit = unit_,      \
	  .min = min_, .max = max_, .def = def_, .taper = taper_, .apply = apply_, .doc = doc_ }
/* OSC paths use slashes, config keys dots: "hpf/freq" is hpf.freq in a channel's group. */
#define ROWK(path_, key_, type_, unit_, min_, max_, def_, taper_, apply_, doc_)                   \
	{ .scope = PARAM_CHANNEL, .path = path_, .key = key_, .type = type_, .unit = unit_,       \
	  .min = min_, .max = max_, .def = def_, .taper = taper_, .apply = apply_, .doc = doc_ }
#define CHOICE(path_, key_, choices_, def_, apply_, doc_)                                         \
	{ .scope = PARAM_CHANNEL, .path = path_, .key = key_, .type = PARAM_ENUM, .unit = "",     \
	  .min = 0.0f, .max = (float)(sizeof choices_ / sizeof choices_[0] - 2), .def = def_,    \
	  .taper = TAPER_LINEAR, .choices = choices_, .apply = apply_, .doc = doc_ }

static const char *const slope_choices[] = { "12", "18", "24", NULL };
/* The order of enum delay_division. */
static const char *const division_choices[] = { "1/2", "1/4", "1/8", "1/8d", "1/8t", "1/16", NULL };

#define FX(type_, path_, key_, unit_, min_, max_, def_, taper_, apply_, doc_)                      \
	{ .scope = PARAM_AUX, .path = path_, .key = key_, .type = PARAM_FLOAT, .unit = unit_,     \
	  .min = min_, .max = max_, .def = def_, .taper = taper_, .apply = apply_,               \
	  .bus_types = 1u << (type_), .doc = doc_ }
static const char *const detect_choices[] = { "peak", "rms", NULL };
static const char *const band1_types[] = { "lowshelf", "peak", "highshelf", "lowcut", NULL };
static const char *const band_types[] = { "lowshelf", "peak", "highshelf", NULL };
static const char *const band4_types[] = { "lowshelf", "peak", "highshelf", "highcut", NULL };

/* One EQ band's five rows, for the channel strip or the master: one run (apply_band). */
#define BAND(sc, ap, n, types_, def_type_, def_hz_)                                               \
	{ .scope = sc, .path = "eq/" #n "/on", .key = "eq.band" #n ".on",                         \
	  .type = PARAM_BOOL, .unit = "", .min = 0.0f, .max = 1.0f, .def = 1.0f,                 \
	  .taper = TAPER_LINEAR, .sub = n - 1, .apply_run = ap##_band, .n_run = 5,               \
	  .doc = "EQ band " #n " on (a 20 ms crossfade)." },                                      \
	{ .scope = sc, .path = "eq/" #n "/type", .key = "eq.band" #n ".type",                     \
	  .type = PARAM_ENUM, .unit = "", .min = 0.0f,                                            \
	  .max = (float)(sizeof types_ / sizeof types_[0] - 2), .def = def_type_,                 \
	  .taper = TAPER_LINEAR, .choices = types_, .sub = n - 1,                                 \
	  .doc = "EQ band " #n " type; changing it fades the band out and back in." },            \
	{ .scope = sc, .path = "eq/" #n "/freq", .key = "eq.band" #n ".freq",                     \
	  .type = PARAM_FLOAT, .unit = "Hz", .min = 20.0f, .max = 20000.0f, .def = def_hz_,       \
	  .taper = TAPER_LOG, .sub = n - 1,                                                       \
	  .doc = "EQ band " #n " frequency (centre, or corner of a shelf or cut)." },             \
	{ .scope = sc, .path = "eq/" #n "/gain", .key = "eq.band" #n ".gain",                     \
	  .type = PARAM_FLOAT, .unit = "dB", .min = -15.0f, .max = 15.0f, .def = 0.0f,            \
	  .taper = TAPER_LINEAR, .sub = n - 1,                                                    \
	  .doc = "EQ band " #n " gain (no effect on a cut)." },                                   \
	{ .scope = sc, .path = "eq/" #n "/q", .key = "eq.band" #n ".q",                           \
	  .type = PARAM_FLOAT, .unit = "", .min = 0.3f, .max = 10.0f, .def = 0.7f,                \
	  .taper = TAPER_LOG, .sub = n - 1,                                                       \
	  .doc = "EQ band " #n " Q (bandwidth of a peak, slope of a shelf, resonance of a cut)." }

#define EQ_ROWS(sc, ap)                                                                           \
	{ .scope = sc, .path = "eq/on", .key = "eq.on", .type = PARAM_BOOL, .unit = "",           \
	  .min = 0.0f, .max = 1.0f, .def = 1.0f, .taper = TAPER_LINEAR, .apply = ap##_eq_on,      \
	  .doc = "Whole EQ on (a 20 ms crossfade)." },                                            \
	BAND(sc, ap, 1, band1_types, 0.0f, 100.0f),                                               \
	BAND(sc, ap, 2, band_types, 1.0f, 400.0f),                                                \
	BAND(sc, ap, 3, band_types, 1.0f, 2500.0f),                                               \
	BAND(sc, ap, 4, band4_types, 2.0f, 8000.0f)

#define COMP_ROW(sc, ap, name, type_, unit_, min_, max_, def_, taper_, doc_)                     \
	{ .scope = sc, .path = "comp/" #name, .key = "comp." #name, .type = type_, .unit = unit_, \
	  .min = min_, .max = max_, .def = def_, .taper = taper_, .apply = ap##_comp_##name,      \
	  .doc = doc_ }

/* The compressor's rows; on the master it is the bus compressor, linked across L and R. */
#define COMP_ROWS(sc, ap)                                                                         \
	COMP_ROW(sc, ap, on, PARAM_BOOL, "", 0.0f, 1.0f, 0.0f, TAPER_LINEAR, "Compressor on."),   \
	COMP_ROW(sc, ap, threshold, PARAM_FLOAT, "dB", -60.0f, 0.0f, -20.0f, TAPER_LINEAR,        \
		 "Level where compression starts (knee centre)."),                                \
	COMP_ROW(sc, ap, ratio, PARAM_FLOAT, "", 1.0f, 100.0f, 4.0f, TAPER_LOG,                   \
		 "Ratio n:1, 1 .. 20; 100 means infinity (a limiter)."),                          \
	COMP_ROW(sc, ap, attack, PARAM_FLOAT, "ms", 0.1f, 200.0f, 10.0f, TAPER_LOG,               \
		 "Attack: time to 63 % of a gain change, in dB."),                                \
	COMP_ROW(sc, ap, release, PARAM_FLOAT, "ms", 5.0f, 2000.0f, 100.0f, TAPER_LOG,            \
		 "Release: time to 63 % of a recovery, in dB."),                                  \
	COMP_ROW(sc, ap, knee, PARAM_FLOAT, "dB", 0.0f, 24.0f, 6.0f, TAPER_LINEAR,                \
		 "Soft knee width (quadratic, Giannoulis et al. 2012)."),                         \
	COMP_ROW(sc, ap, makeup, PARAM_FLOAT, "dB", 0.0f, 24.0f, 0.0f, TAPER_LINEAR,              \
		 "Makeup gain."),                                                                 \
	{ .scope = sc, .path = "comp/detect", .key = "comp.detect", .type = PARAM_ENUM,           \
	  .unit = "", .min = 0.0f, .max = 1.0f, .def = 0.0f, .taper = TAPER_LINEAR,               \
	  .choices = detect_choices, .apply = ap##_comp_detect,                                   \
	  .doc = "Detector: peak, or RMS over 10 ms." }

/*
 * Membership of DCA k (1-based): a switch per DCA, as /ch/N/dca/K; the config key is dcaK
 * (libconfig names cannot start with a digit, so no nested "dca.1"). The first heads the
 * channel's groups run: the DCA rows, then its mute-group rows (apply_channel_groups).
 */
#define DCA_MEMBER(k)                                                                             \
	{ .scope = PARAM_CHANNEL, .path = "dca/" #k, .key = "dca" #k, .type = PARAM_BOOL,         \
	  .unit = "", .min = 0.0f, .max = 1.0f, .def = 0.0f, .taper = TAPER_LINEAR,               \
	  .sub = (k) - 1, .apply_run = (k) == 1 ? apply_channel_groups : NULL,                    \
	  .n_run = (k) == 1 ? DCA_MAX + MUTE_GROUP_MAX : 0,                                       \
	  .doc = "Member of DCA group " #k " (its fader and mute then act on this channel)." }

/*
 * Membership of mute group k (1-based), on a channel or an aux bus: /ch/N/mgrp/K, mgrpK. A
 * channel's are in its groups run (no apply of their own), a bus's are applied one by one.
 */
#define MGRP_MEMBER(scope_, k, apply_)                                                            \
	{ .scope = scope_, .path = "mgrp/" #k, .key = "mgrp" #k, .type = PARAM_BOOL,              \
	  .unit = "", .min = 0.0f, .max = 1.0f, .def = 0.0f, .taper = TAPER_LINEAR,               \
	  .sub = (k) - 1, .apply = apply_,                                                        \
	  .doc = "Member of mute group " #k " (/mgrp/" #k "/on then silences it)." }

/* Link group k (1-based) carries this class of parameters between its members. */
#define LINK_CARRIES(path_, def_, doc_)                                                           \
	{ .scope = PARAM_LINK, .path = path_, .key = path_, .type = PARAM_BOOL, .unit = "",       \
	  .min = 0.0f, .max = 1.0f, .def = def_, .taper = TAPER_LINEAR, .apply = apply_none,       \
	  .doc = doc_ }
static const char *const link_choices[] = { "off", "1", "2", "3", "4", "5", "6", "7", "8", NULL };

/* A safe: recalls leave what it covers alone. Kept with the state, never with a scene. */
#define SAFE(scope_, path_, doc_)                                                                  \
	{ .scope = scope_, .path = path_, .key = path_, .type = PARAM_BOOL, .unit = "",           \
	  .min = 0.0f, .max = 1.0f, .def = 0.0f, .taper = TAPER_LINEAR, .apply = apply_none,       \
	  .is_state_only = true, .doc = doc_ }
#define SECTION_SAFE(word_, what_)                                                                \
	SAFE(PARAM_SAFE, word_, "Recalls leave " what_ " alone.")

const struct param_desc params_table[] = {
	/* The output run: fader, pan, mute, in this order (apply_channel_output). */
	{ .scope = PARAM_CHANNEL, .path = "fader", .key = "fader", .type = PARAM_FLOAT,
	  .unit = "dB", .min = -90.0f, .max = 10.0f, .def = 0.0f, .taper = TAPER_FADER,
	  .apply_run = apply_channel_output, .n_run = 3,
	  .doc = "Channel fader; -90 is -inf (off). Glides over 20 ms." },
	{ .scope = PARAM_CHANNEL, .path = "pan", .key = "pan", .type = PARAM_FLOAT, .unit = "",
	  .min = -1.0f, .max = 1.0f, .def = 0.0f, .taper = TAPER_LINEAR,
	  .doc = "Pan, -1 left .. +1 right, by the configured pan law (balance on stereo channels)." },
	SWITCH(PARAM_CHANNEL, "mute", 0.0f, NULL, "Channel mute (click-free)."),
	SWITCH(PARAM_CHANNEL, "solo", 0.0f, apply_solo,
	       "Solo: to the solo bus pre-fader (PFL), or silencing every other channel (SIP)."),
	ROW("trim", PARAM_FLOAT, "dB", -20.0f, 20.0f, 0.0f, TAPER_LINEAR, apply_trim,
	    "Input trim, before everything else."),
	SWITCH(PARAM_CHANNEL, "polarity", 0.0f, apply_polarity,
	       "Polarity invert (glides through zero in 20 ms)."),

	ROWK("delay/on", "delay.on", PARAM_BOOL, "", 0.0f, 1.0f, 0.0f, TAPER_LINEAR, apply_input_delay_on,
	     "Input delay on (after trim; switching crossfades over 20 ms)."),
	ROWK("delay/time", "delay.time", PARAM_FLOAT, "ms", 0.0f, 500.0f, 0.0f, TAPER_LINEAR,
	     apply_input_delay_time,
	     "Input delay time, to the nearest sample; a change crossfades over 20 ms. Memory "
	     "for 500 ms is set aside at start: 128 KiB per channel at 48 kHz, 256 KiB at 96 kHz."),
	ROWK("hpf/on", "hpf.on", PARAM_BOOL, "", 0.0f, 1.0f, 0.0f, TAPER_LINEAR, apply_hpf_on,
	     "High-pass filter on."),
	ROWK("hpf/freq", "hpf.freq", PARAM_FLOAT, "Hz", 20.0f, 400.0f, 80.0f, TAPER_LOG,
	     apply_hpf_freq, "High-pass corner (-3 dB), Butterworth."),
	CHOICE("hpf/slope", "hpf.slope", slope_choices, 0.0f, apply_hpf_slope,
	       "High-pass slope in dB per octave: 12, 18 or 24."),

	ROWK("gate/on", "gate.on", PARAM_BOOL, "", 0.0f, 1.0f, 0.0f, TAPER_LINEAR, apply_gate_on,
	     "Gate on."),
	ROWK("gate/threshold", "gate.threshold", PARAM_FLOAT, "dB", -90.0f, 0.0f, -50.0f,
	     TAPER_LINEAR, apply_gate_threshold, "Gate opens above this level."),
	ROWK("gate/range", "gate.range", PARAM_FLOAT, "dB", 0.0f, 90.0f, 60.0f, TAPER_LINEAR,
	     apply_gate_range, "Attenuation when closed; 90 is silence."),
	ROWK("gate/attack", "gate.attack", PARAM_FLOAT, "ms", 0.1f, 50.0f, 1.0f, TAPER_LOG,
	     apply_gate_attack, "Opening time."),
	ROWK("gate/hold", "gate.hold", PARAM_FLOAT, "ms", 0.0f, 2000.0f, 50.0f, TAPER_LINEAR,
	     apply_gate_hold, "Time held open after the level falls below the threshold."),
	ROWK("gate/release", "gate.release", PARAM_FLOAT, "ms", 5.0f, 4000.0f, 200.0f, TAPER_LOG,
	     apply_gate_release, "Closing time."),

	EQ_ROWS(PARAM_CHANNEL, apply),
	COMP_ROWS(PARAM_CHANNEL, apply),
	DCA_MEMBER(1), DCA_MEMBER(2), DCA_MEMBER(3), DCA_MEMBER(4),
	DCA_MEMBER(5), DCA_MEMBER(6), DCA_MEMBER(7), DCA_MEMBER(8),
	MGRP_MEMBER(PARAM_CHANNEL, 1, NULL), MGRP_MEMBER(PARAM_CHANNEL, 2, NULL),
	MGRP_MEMBER(PARAM_CHANNEL, 3, NULL), MGRP_MEMBER(PARAM_CHANNEL, 4, NULL),
	MGRP_MEMBER(PARAM_CHANNEL, 5, NULL), MGRP_MEMBER(PARAM_CHANNEL, 6, NULL),
	CHOICE("link", "link", link_choices, 0.0f, apply_none,
	       "Link group (1..8, off): what /link/K carries follows this channel's partners."),
	SAFE(PARAM_CHANNEL, "safe", "Recall safe: scenes leave this channel and its sends alone."),

	/* The send run: level, on, pre, in this order (apply_send). */
	{ .scope = PARAM_SEND, .path = "level", .key = "level", .type = PARAM_FLOAT, .unit = "dB",
	  .min = -90.0f, .max = 10.0f, .def = -90.0f, .taper = TAPER_FADER,
	  .apply_run = apply_send, .n_run = 3,
	  .doc = "Send level to the bus; -90 is -inf (off, the default)." },
	SWITCH(PARAM_SEND, "on", 1.0f, NULL, "Send on (click-free)."),
	SWITCH(PARAM_SEND, "pre", 0.0f, NULL,
	       "Pre-fader (1: ignores the channel fader and mute, for monitor mixes) or post-fader "
	       "(0). Default: pre for monitor buses, post for effects."),

	FADER(PARAM_AUX, "fader", apply_fader,
	      "Bus fader: a monitor mix's output level, an effect's return level."),
	SWITCH(PARAM_AUX, "mute", 0.0f, apply_mute, "Bus mute (click-free)."),
	MGRP_MEMBER(PARAM_AUX, 1, apply_bus_mgrp), MGRP_MEMBER(PARAM_AUX, 2, apply_bus_mgrp),
	MGRP_MEMBER(PARAM_AUX, 3, apply_bus_mgrp), MGRP_MEMBER(PARAM_AUX, 4, apply_bus_mgrp),
	MGRP_MEMBER(PARAM_AUX, 5, apply_bus_mgrp), MGRP_MEMBER(PARAM_AUX, 6, apply_bus_mgrp),
	SAFE(PARAM_AUX, "safe", "Recall safe: scenes leave this bus (fader, mute, effect) alone."),

	FX(BUS_REVERB, "reverb/predelay", "reverb.predelay", "ms", 0.0f, 200.0f, 20.0f,
	   TAPER_LINEAR, apply_reverb_predelay, "Reverb buses: time before the first reflection."),
	FX(BUS_REVERB, "reverb/decay", "reverb.decay", "s", 0.2f, 10.0f, 2.0f, TAPER_LOG,
	   apply_reverb_decay, "Reverb buses: RT60 at mid frequencies (about 1 kHz)."),
	FX(BUS_REVERB, "reverb/lowratio", "reverb.lowratio", "", 0.5f, 2.0f, 1.2f, TAPER_LINEAR,
	   apply_reverb_lowratio, "Reverb buses: decay time below 200 Hz relative to the mids."),
	FX(BUS_REVERB, "reverb/highratio", "reverb.highratio", "", 0.1f, 1.0f, 0.5f,
	   TAPER_LINEAR, apply_reverb_highratio,
	   "Reverb buses: decay time above 6 kHz relative to the mids (damping)."),
	FX(BUS_REVERB, "reverb/size", "reverb.size", "", 0.5f, 2.0f, 1.0f, TAPER_LINEAR,
	   apply_reverb_size, "Reverb buses: room size (scales every delay line; glides)."),
	FX(BUS_REVERB, "reverb/diffusion", "reverb.diffusion", "", 0.0f, 1.0f, 0.7f,
	   TAPER_LINEAR, apply_reverb_diffusion,
	   "Reverb buses: input diffusion, from discrete echoes (0) to a smooth wash (1)."),
	FX(BUS_REVERB, "reverb/highcut", "reverb.highcut", "Hz", 1000.0f, 20000.0f, 10000.0f,
	   TAPER_LOG, apply_reverb_highcut, "Reverb buses: low-pass on the return."),

	FX(BUS_DELAY, "delay/time", "delay.time", "ms", 1.0f, 2000.0f, 375.0f, TAPER_LOG,
	   apply_delay_time, "Delay buses: echo time when not synced to the tempo."),
	{ .scope = PARAM_AUX, .path = "delay/sync", .key = "delay.sync", .type = PARAM_BOOL,
	  .unit = "", .min = 0.0f, .max = 1.0f, .def = 0.0f, .taper = TAPER_LINEAR,
	  .apply = apply_delay_sync, .bus_types = 1u << BUS_DELAY,
	  .doc = "Delay buses: 1 takes the time from bpm and division instead of time." },
	FX(BUS_DELAY, "delay/bpm", "delay.bpm", "BPM", 20.0f, 300.0f, 120.0f, TAPER_LINEAR,
	   apply_delay_bpm, "Delay buses: tempo for the synced time."),
	{ .scope = PARAM_AUX, .path = "delay/division", .key = "delay.division",
	  .type = PARAM_ENUM, .unit = "", .min = 0.0f, .max = 5.0f, .def = 3.0f,
	  .taper = TAPER_LINEAR, .choices = division_choices, .apply = apply_delay_division,
	  .bus_types = 1u << BUS_DELAY,
	  .doc = "Delay buses: note value of the synced time (d dotted, t triplet)." },
	FX(BUS_DELAY, "delay/feedback", "delay.feedback", "%", 0.0f, 95.0f, 30.0f, TAPER_LINEAR,
	   apply_delay_feedback, "Delay buses: level of each repeat relative to the one before."),
	{ .scope = PARAM_AUX, .path = "delay/pingpong", .key = "delay.pingpong",
	  .type = PARAM_BOOL, .unit = "", .min = 0.0f, .max = 1.0f, .def = 0.0f,
	  .taper = TAPER_LINEAR, .apply = apply_delay_pingpong, .bus_types = 1u << BUS_DELAY,
	  .doc = "Delay buses: repeats alternate left and right." },
	FX(BUS_DELAY, "delay/highcut", "delay.highcut", "Hz", 1000.0f, 20000.0f, 20000.0f,
	   TAPER_LOG, apply_delay_highcut,
	   "Delay buses: low-pass inside the feedback loop (20000: off); repeats darken."),
	FX(BUS_DELAY, "delay/lowcut", "delay.lowcut", "Hz", 20.0f, 2000.0f, 20.0f, TAPER_LOG,
	   apply_delay_lowcut, "Delay buses: high-pass inside the feedback loop (20: off)."),

	/* The DCA run: fader, mute, in this order (apply_dca). */
	{ .scope = PARAM_DCA, .path = "fader", .key = "fader", .type = PARAM_FLOAT,
	  .unit = "dB", .min = -90.0f, .max = 10.0f, .def = 0.0f, .taper = TAPER_FADER,
	  .apply_run = apply_dca, .n_run = 2,
	  .doc = "DCA fader: adds its dB to every member's post-fader gain without moving "
		 "their faders; post-fader sends follow, pre-fader sends do not; -90 (-inf) "
		 "silences them." },
	SWITCH(PARAM_DCA, "mute", 0.0f, NULL,
	       "DCA mute: silences every member (and its post-fader sends), leaving their own mute."),

	SWITCH(PARAM_MGRP, "on", 0.0f, apply_mgrp_on,
	       "Mute group on: silences every member (channels and aux buses; never the master) "
	       "without touching their own mute; off returns each to its own state."),

	LINK_CARRIES("fader", 1.0f,
		     "Faders move together by the same dB, keeping their offsets (relative)."),
	LINK_CARRIES("mute", 1.0f, "Mutes switch together."),
	LINK_CARRIES("solo", 1.0f, "Solos switch together."),
	LINK_CARRIES("input", 0.0f, "Trim, polarity and input delay are copied."),
	LINK_CARRIES("hpf", 1.0f, "High-pass settings are copied."),
	LINK_CARRIES("gate", 1.0f, "Gate settings are copied."),
	LINK_CARRIES("eq", 1.0f, "EQ settings are copied."),
	LINK_CARRIES("dyn", 1.0f, "Compressor settings are copied."),
	LINK_CARRIES("sends", 1.0f,
		     "Sends follow: levels by the same dB (relative), on and pre copied."),

	SECTION_SAFE("faders", "every fader (channels, buses, DCAs, master)"),
	SECTION_SAFE("mutes", "every mute and mute group switch"),
	SECTION_SAFE("solo", "every solo"),
	SECTION_SAFE("pan", "every pan"),
	SECTION_SAFE("input", "trim, polarity and input delay"),
	SECTION_SAFE("hpf", "the high-pass filters"),
	SECTION_SAFE("gate", "the gates"),
	SECTION_SAFE("eq", "every EQ (channels and master)"),
	SECTION_SAFE("dyn", "every compressor and the limiter"),
	SECTION_SAFE("sends", "every send"),
	SECTION_SAFE("fx", "the effect settings (reverb, delay)"),
	SECTION_SAFE("assign", "DCA, mute group and link membership and what links carry"),
	SECTION_SAFE("channels", "every channel and its sends"),
	SECTION_SAFE("aux", "every aux bus"),
	SECTION_SAFE("groups", "the DCA, mute group and link groups"),
	SECTION_SAFE("master", "the master"),

	FADER(PARAM_MASTER, "fader", apply_fader, "Master fader; -90 is -inf (off)."),
	SWITCH(PARAM_MASTER, "mute", 0.0f, apply_mute, "Master mute (click-free)."),
	EQ_ROWS(PARAM_MASTER, apply),
	COMP_ROWS(PARAM_MASTER, apply),
	{ .scope = PARAM_MASTER, .path = "limiter/on", .key = "limiter.on", .type = PARAM_BOOL,
	  .unit = "", .min = 0.0f, .max = 1.0f, .def = 1.0f, .taper = TAPER_LINEAR,
	  .apply = apply_limiter_on,
	  .doc = "True-peak limiter on (a crossfade; its latency stays, so timing never jumps)." },
	{ .scope = PARAM_MASTER, .path = "limiter/ceiling", .key = "limiter.ceiling",
	  .type = PARAM_FLOAT, .unit = "dBTP", .min = -6.0f, .max = 0.0f, .def = -1.0f,
	  .taper = TAPER_LINEAR, .apply = apply_limiter_ceiling,
	  .doc = "Highest true peak (4x oversampled, ITU-R BS.1770-4) the outputs reach." },
	{ .scope = PARAM_MASTER, .path = "limiter/release", .key = "limiter.release",
	  .type = PARAM_FLOAT, .unit = "ms", .min = 10.0f, .max = 1000.0f, .def = 100.0f,
	  .taper = TAPER_LOG, .apply = apply_limiter_release,
	  .doc = "Limiter release: time to 63 % of a recovery, in dB." },
};

const int params_count = (int)(sizeof params_table / sizeof params_table[0]);
_Static_assert(DCA_MAX == 8, "one DCA_MEMBER row per DCA in params_table");
_Static_assert(MUTE_GROUP_MAX == 6, "one MGRP_MEMBER row per mute group in params_table");

/* The owner and lanes a block's rows act on: one lookup per block, not per row. */
static void target_of(struct param_target *t, struct mixer *m, const struct param_inst *inst)
{
	enum param_scope scope = inst->desc->scope;
	t->m = m;
	t->owner = inst->owner;
	t->bus = inst->bus;
	t->n_lanes = 0;
	if (scope == PARAM_CHANNEL || scope == PARAM_SEND) {
		t->n_lanes = mixer_channel_lanes(m, inst->owner, t->strip, t->lane);
	} else if (scope == PARAM_MASTER) {
		t->n_lanes = 2;
		t->strip[0] = t->strip[1] = NULL;
		t->lane[0] = 0;
		t->lane[1] = 1;
	}
}

/*
 * Changed slots are found first (a tight loop over two float rows), so a fader move reads one
 * row; a changed slot inside a run walks back to the run's head and hands the run over.
 */
void params_apply_block(struct mixer *m, const struct param_inst *inst, const float *values,
			float *applied, int n_slots)
{
	struct param_target t;
	target_of(&t, m, inst);
	for (int slot = 0; slot < n_slots; slot++) {
		if (values[slot] == applied[slot])
			continue;
		const struct param_desc *d = inst[slot].desc;
		if (d->apply) {
			applied[slot] = values[slot];
			d->apply(&t, d, values[slot]);
			continue;
		}
		/* A row of a run: back to its head (at most n_run rows), and the run at once. */
		int head = slot;
		while (head > 0 && !inst[head].desc->apply_run)
			head--;
		d = inst[head].desc;
		int end = head + d->n_run < n_slots ? head + d->n_run : n_slots;
		unsigned changed = 0;
		for (int k = head; k < end; k++) {
			changed |= (unsigned)(values[k] != applied[k]) << (k - head);
			applied[k] = values[k];
		}
		d->apply_run(&t, d, &values[head], changed);
		slot = end - 1;
	}
}

const char *param_scope_name(enum param_scope scope)
{
	switch (scope) {
	case PARAM_CHANNEL:
		return "ch";
	case PARAM_MASTER:
		return "master";
	case PARAM_SEND:
		return "send";
	case PARAM_AUX:
		return "aux";
	case PARAM_DCA:
		return "dca";
	case PARAM_MGRP:
		return "mgrp";
	case PARAM_LINK:
		return "link";
	case PARAM_SAFE:
		return "safe";
	default:
		return "?";
	}
}

bool param_on_bus_type(const struct param_desc *d, int bus_type)
{
	return d->scope != PARAM_AUX || d->bus_types == 0 || (d->bus_types & (1u << bus_type));
}

/*
 * The index of the table, built once when the program loads (a constructor, so that every
 * user, including the man-page generator and the unit tests, finds it ready): rows by scope
 * and slot, each row's slot, and per scope the rows sorted by OSC path and by config key for
 * binary search.
 */
#define ROWS_MAX 256
static const struct param_desc *rows[PARAM_N_SCOPES][ROWS_MAX];
static const struct param_desc *by_path[PARAM_N_SCOPES][ROWS_MAX];
static const struct param_desc *by_key[PARAM_N_SCOPES][ROWS_MAX];
static int n_rows[PARAM_N_SCOPES];
static int slot_of[ROWS_MAX];

static int cmp_path(const void *a, const void *b)
{
	return strcmp((*(const struct param_desc *const *)a)->path,
		      (*(const struct param_desc *const *)b)->path);
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp((*(const struct param_desc *const *)a)->key,
		      (*(const struct param_desc *const *)b)->key);
}

_Static_assert(sizeof params_table / sizeof params_table[0] <= ROWS_MAX,
	       "the parameter table outgrew its index");

__attribute__((constructor)) static void build_index(void)
{
	for (int i = 0; i < params_count; i++) {
		const struct param_desc *d = &params_table[i];
		slot_of[i] = n_rows[d->scope];
		rows[d->scope][n_rows[d->scope]++] = d;
	}
	for (int sc = 0; sc < PARAM_N_SCOPES; sc++) {
		memcpy(by_path[sc], rows[sc], sizeof(rows[sc][0]) * (size_t)n_rows[sc]);
		memcpy(by_key[sc], rows[sc], sizeof(rows[sc][0]) * (size_t)n_rows[sc]);
		qsort(by_path[sc], (size_t)n_rows[sc], sizeof(by_path[sc][0]), cmp_path);
		qsort(by_key[sc], (size_t)n_rows[sc], sizeof(by_key[sc][0]), cmp_key);
	}
}

int params_scope_count(enum param_scope scope)
{
	return n_rows[scope];
}

const struct param_desc *params_at(enum param_scope scope, int slot)
{
	return slot >= 0 && slot < n_rows[scope] ? rows[scope][slot] : NULL;
}

int param_slot(const struct param_desc *d)
{
	return slot_of[d - params_table];
}

const struct param_desc *params_find_path(enum param_scope scope, const char *path)
{
	struct param_desc probe = { .path = path };
	const struct param_desc *p = &probe;
	const struct param_desc **found = bsearch(&p, by_path[scope], (size_t)n_rows[scope],
						  sizeof(by_path[scope][0]), cmp_path);
	return found ? *found : NULL;
}

const struct param_desc *params_find_key(enum param_scope scope, const char *key)
{
	struct param_desc probe = { .key = key };
	const struct param_desc *p = &probe;
	const struct param_desc **found = bsearch(&p, by_key[scope], (size_t)n_rows[scope],
						  sizeof(by_key[scope][0]), cmp_key);
	return found ? *found : NULL;
}

int param_choice_index(const struct param_desc *d, const char *name)
{
	for (int i = 0; d->choices && d->choices[i]; i++)
		if (strcmp(d->choices[i], name) == 0)
			return i;
	return -1;
}

int param_choice_of_number(const struct param_desc *d, float number)
{
	for (int i = 0; d->choices && d->choices[i]; i++) {
		char *end;
		float label = strtof(d->choices[i], &end);
		if (end != d->choices[i] && *end == '\0' && label == number)
			return i;
	}
	return -1;
}

bool param_check(const struct param_desc *d, float value, const char **reason)
{
	if (isnan(value)) {
		*reason = "value is NaN";
		return false;
	}
	if (isinf(value)) {
		*reason = "value is infinite";
		return false;
	}
	if (value < d->min) {
		*reason = "value below minimum";
		return false;
	}
	if (value > d->max) {
		*reason = "value above maximum";
		return false;
	}
	if (d->type != PARAM_FLOAT && value != floorf(value)) {
		*reason = "value must be a whole number";
		return false;
	}
	return true;
}

/*
 * The X32 fader law: four straight segments in dB over the fader travel, so the top of the
 * fader (where mixing happens) gets most of the throw:
 *   norm 0 = -inf, 0.0625 = -60 dB, 0.25 = -30 dB, 0.5 = -10 dB, 0.75 = 0 dB, 1 = +10 dB.
 * Below 0.0625 the law runs linearly from -90 (our -inf) to -60.
 */
static const float fader_norm[] = { 0.0f, 0.0625f, 0.25f, 0.5f, 1.0f };
static const float fader_db[] = { -90.0f, -60.0f, -30.0f, -10.0f, 10.0f };
#define FADER_POINTS 5

static float interpolate(const float *xs, const float *ys, int n, float x)
{
	if (x <= xs[0])
		return ys[0];
	for (int i = 1; i < n; i++)
		if (x <= xs[i])
			return ys[i - 1] + (ys[i] - ys[i - 1]) * (x - xs[i - 1]) / (xs[i] - xs[i - 1]);
	return ys[n - 1];
}

float param_to_norm(const struct param_desc *d, float value)
{
	switch (d->taper) {
	case TAPER_FADER:
		return interpolate(fader_db, fader_norm, FADER_POINTS, value);
	case TAPER_LOG:
		return logf(value / d->min) / logf(d->max / d->min);
	case TAPER_LINEAR:
	default:
		return (value - d->min) / (d->max - d->min);
	}
}

float param_from_norm(const struct param_desc *d, float norm)
{
	float v;
	switch (d->taper) {
	case TAPER_FADER:
		v = interpolate(fader_norm, fader_db, FADER_POINTS, norm);
		break;
	case TAPER_LOG:
		v = d->min * powf(d->max / d->min, norm);
		break;
	case TAPER_LINEAR:
	default:
		v = d->min + norm * (d->max - d->min);
		break;
	}
	if (d->type != PARAM_FLOAT)
		v = roundf(v);
	return v < d->min ? d->min : (v > d->max ? d->max : v);
}
