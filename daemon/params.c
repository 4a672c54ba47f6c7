/*
 * params.c - the rows of the parameter table and the helpers every user of it shares.
 */
#include "daemon/params.h"

#include <math.h>
#include <string.h>

#include "dsp/mixer.h"

/* ---- apply: natural units into the DSP; RT-safe (called by the process callback) ---- */

static void apply_ch_fader(struct mixer *m, int ch, int sub, float v)
{
	(void)sub;
	mixer_set_fader_db(m, ch, v);
}

static void apply_ch_pan(struct mixer *m, int ch, int sub, float v)
{
	(void)sub;
	mixer_set_pan(m, ch, v);
}

static void apply_ch_mute(struct mixer *m, int ch, int sub, float v)
{
	(void)sub;
	mixer_set_mute(m, ch, v >= 0.5f);
}

static void apply_master_fader(struct mixer *m, int index, int sub, float v)
{
	(void)index, (void)sub;
	master_set_fader_db(&m->master, v);
}

static void apply_master_mute(struct mixer *m, int index, int sub, float v)
{
	(void)index, (void)sub;
	master_set_mute(&m->master, v >= 0.5f);
}

/* ---- the table ---- */

#define FADER(scope_, path_, apply_, doc_)                                                        \
	{ .scope = scope_, .path = path_, .key = path_, .type = PARAM_FLOAT, .unit = "dB",        \
	  .min = -90.0f, .max = 10.0f, .def = 0.0f, .taper = TAPER_FADER, .apply = apply_,         \
	  .doc = doc_ }
#define SWITCH(scope_, path_, def_, apply_, doc_)                                                 \
	{ .scope = scope_, .path = path_, .key = path_, .type = PARAM_BOOL, .unit = "",           \
	  .min = 0.0f, .max = 1.0f, .def = def_, .taper = TAPER_LINEAR, .apply = apply_,           \
	  .doc = doc_ }

const struct param_desc params_table[] = {
	FADER(PARAM_CHANNEL, "fader", apply_ch_fader,
	      "Channel fader; -90 is -inf (off). Glides over 20 ms."),
	{ .scope = PARAM_CHANNEL, .path = "pan", .key = "pan", .type = PARAM_FLOAT, .unit = "",
	  .min = -1.0f, .max = 1.0f, .def = 0.0f, .taper = TAPER_LINEAR, .apply = apply_ch_pan,
	  .doc = "Pan, -1 left .. +1 right, by the configured pan law (balance on stereo channels)." },
	SWITCH(PARAM_CHANNEL, "mute", 0.0f, apply_ch_mute, "Channel mute (click-free)."),

	FADER(PARAM_MASTER, "fader", apply_master_fader, "Master fader; -90 is -inf (off)."),
	SWITCH(PARAM_MASTER, "mute", 0.0f, apply_master_mute, "Master mute (click-free)."),
};

const int params_count = (int)(sizeof params_table / sizeof params_table[0]);

const char *param_scope_name(enum param_scope scope)
{
	switch (scope) {
	case PARAM_CHANNEL:
		return "ch";
	case PARAM_MASTER:
		return "master";
	default:
		return "?";
	}
}

int params_scope_count(enum param_scope scope)
{
	int n = 0;
	for (int i = 0; i < params_count; i++)
		n += params_table[i].scope == scope;
	return n;
}

const struct param_desc *params_at(enum param_scope scope, int slot)
{
	for (int i = 0; i < params_count; i++)
		if (params_table[i].scope == scope && slot-- == 0)
			return &params_table[i];
	return NULL;
}

int param_slot(const struct param_desc *d)
{
	int slot = 0;
	for (const struct param_desc *p = params_table; p < d; p++)
		slot += p->scope == d->scope;
	return slot;
}

const struct param_desc *params_find_path(enum param_scope scope, const char *path)
{
	for (int i = 0; i < params_count; i++)
		if (params_table[i].scope == scope && strcmp(params_table[i].path, path) == 0)
			return &params_table[i];
	return NULL;
}

const struct param_desc *params_find_key(enum param_scope scope, const char *key)
{
	for (int i = 0; i < params_count; i++)
		if (params_table[i].scope == scope && strcmp(params_table[i].key, key) == 0)
			return &params_table[i];
	return NULL;
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
