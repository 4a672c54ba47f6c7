/*
 * meter_field.c - see meter_field.h.
 */
#include "osc/meter_field.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "osc/address.h"

enum field_source {
	SRC_CH_PEAK,
	SRC_CH_GR,
	SRC_BUS_PEAK,
	SRC_MASTER_PEAK_L,
	SRC_MASTER_PEAK_R,
	SRC_LOUDNESS_M,
	SRC_LOUDNESS_S,
	SRC_LOUDNESS_I,
	SRC_LOUDNESS_LRA,
	SRC_TRUEPEAK_L,
	SRC_TRUEPEAK_R,
	SRC_LIMITER_GR,
};

/* Each field, and where the same figure is in the multi-float messages of feedback.c. */
static const struct {
	enum param_scope scope;
	const char *suffix;
	enum field_source source;
	const char *message;
	int arg;
	int law;
} fields[] = {
	{ PARAM_CHANNEL, "meter/peak/norm", SRC_CH_PEAK, "meter", 0, 1 },
	{ PARAM_CHANNEL, "meter/gr/norm", SRC_CH_GR, "meter", 2, 2 },
	{ PARAM_AUX, "meter/peak/norm", SRC_BUS_PEAK, "meter", 0, 1 },
	{ PARAM_MASTER, "meter/peak/l/norm", SRC_MASTER_PEAK_L, "meter", 0, 1 },
	{ PARAM_MASTER, "meter/peak/r/norm", SRC_MASTER_PEAK_R, "meter", 1, 1 },
	{ PARAM_MASTER, "loudness/m", SRC_LOUDNESS_M, "loudness", 0, 0 },
	{ PARAM_MASTER, "loudness/s", SRC_LOUDNESS_S, "loudness", 1, 0 },
	{ PARAM_MASTER, "loudness/i", SRC_LOUDNESS_I, "loudness", 2, 0 },
	{ PARAM_MASTER, "loudness/lra", SRC_LOUDNESS_LRA, "loudness", 3, 0 },
	{ PARAM_MASTER, "truepeak/l", SRC_TRUEPEAK_L, "truepeak", 0, 0 },
	{ PARAM_MASTER, "truepeak/r", SRC_TRUEPEAK_R, "truepeak", 1, 0 },
	{ PARAM_MASTER, "truepeak/gr", SRC_LIMITER_GR, "truepeak", 2, 0 },
};
#define N_FIELDS ((int)(sizeof fields / sizeof fields[0]))

int meter_field_find(enum param_scope scope, const char *suffix)
{
	for (int i = 0; i < N_FIELDS; i++)
		if (fields[i].scope == scope && strcmp(fields[i].suffix, suffix) == 0)
			return i + 1;
	return 0;
}

int meter_field_count(void)
{
	return N_FIELDS;
}

enum param_scope meter_field_scope(int id)
{
	return fields[id - 1].scope;
}

const char *meter_field_suffix(int id)
{
	return fields[id - 1].suffix;
}

void meter_field_source(int id, const char **message, int *arg, int *law)
{
	*message = fields[id - 1].message;
	*arg = fields[id - 1].arg;
	*law = fields[id - 1].law;
}

void meter_field_print(int id, int owner, char *buf, size_t size)
{
	char prefix[64];
	osc_address_prefix(fields[id - 1].scope, owner, prefix, sizeof prefix);
	snprintf(buf, size, "%s%s", prefix, fields[id - 1].suffix);
}

float meter_norm_from_db(float db)
{
	if (!(db > METER_NORM_FLOOR_DB))
		return 0.0f;   /* silence (-inf) and NaN alike */
	return db >= 0.0f ? 1.0f : (db - METER_NORM_FLOOR_DB) / -METER_NORM_FLOOR_DB;
}

/* A surface shows -120, not -inf: some OSC stacks choke on infinities (as feedback.c). */
static float shown(float v)
{
	return v > -120.0f ? v : -120.0f;
}

float meter_field_value(const struct control *c, int id, int owner)
{
	float gr;
	switch (fields[id - 1].source) {
	case SRC_CH_PEAK:
		return meter_norm_from_db(c->meter_peak_db[owner]);
	case SRC_CH_GR:
		gr = c->meter_gr_db[owner] / METER_GR_SPAN_DB;
		return gr > 0.0f ? (gr < 1.0f ? gr : 1.0f) : 0.0f;
	case SRC_BUS_PEAK:
		return meter_norm_from_db(c->bus_peak_db[owner]);
	case SRC_MASTER_PEAK_L:
		return meter_norm_from_db(c->master_peak_db[0]);
	case SRC_MASTER_PEAK_R:
		return meter_norm_from_db(c->master_peak_db[1]);
	case SRC_LOUDNESS_M:
		return shown(c->loudness_m);
	case SRC_LOUDNESS_S:
		return shown(c->loudness_s);
	case SRC_LOUDNESS_I:
		return shown(c->loudness_i);
	case SRC_LOUDNESS_LRA:
		return isfinite(c->loudness_lra) ? c->loudness_lra : 0.0f;
	case SRC_TRUEPEAK_L:
		return shown(c->master_tp_db[0]);
	case SRC_TRUEPEAK_R:
		return shown(c->master_tp_db[1]);
	case SRC_LIMITER_GR:
	default:
		return c->limiter_gr_db;
	}
}
