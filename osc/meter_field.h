/*
 * meter_field.h - meters as single floats, for surfaces that show one value per control.
 *
 * The meter messages carry several floats (/ch/N/meter fff: peak, RMS, gain reduction); a
 * TouchOSC Mk1 fader or LED, or a label, takes one. So each figure a surface would show also
 * has an address of its own, answered on query and sent at the meter rate to clients that
 * asked for floats only (osc.clients ... floats = true):
 *
 *   /ch/N/meter/peak/norm      peak on the meter law, 0..1
 *   /ch/N/meter/gr/norm        compressor gain reduction, 0..1 = 0..METER_GR_SPAN_DB
 *   /aux/K/meter/peak/norm     a bus's peak on the meter law
 *   /master/meter/peak/l/norm, /master/meter/peak/r/norm
 *   /master/loudness/m, /s, /i (LUFS), /master/loudness/lra (LU)
 *   /master/truepeak/l, /r (dBTP), /master/truepeak/gr (limiter reduction, dB)
 *
 * The meter law: linear in dB from METER_NORM_FLOOR_DB (0) to 0 dBFS (1), the span of the
 * generated layouts' meters; below the floor reads 0, above 0 dBFS reads 1. Linear in dB is
 * what a console's LED ladder shows, and a 60 dB span keeps -18 dBFS (line-up) at 0.7, where
 * the eye expects "healthy".
 *
 * Control thread only.
 */
#ifndef JMIXD_OSC_METER_FIELD_H
#define JMIXD_OSC_METER_FIELD_H

#include <stddef.h>

#include "daemon/control.h"
#include "daemon/params.h"

#define METER_NORM_FLOOR_DB -60.0f
#define METER_GR_SPAN_DB 24.0f

/*
 * The field whose address, after the owner's prefix ("/ch/3/", "/master/"), is suffix: its
 * id (1 ..), or 0 when there is none for that scope.
 */
int meter_field_find(enum param_scope scope, const char *suffix);

/* The number of fields (ids 1 .. n) and their scope and suffix. */
int meter_field_count(void);
enum param_scope meter_field_scope(int id);
const char *meter_field_suffix(int id);

/*
 * Where the field's figure travels in the multi-float meter messages (feedback.h), for a
 * surface that listens to those: "/ch/3/meter" (owner's prefix and *message) and the
 * argument's index; *law: 0 plain, 1 dBFS on the meter law, 2 gain reduction over
 * METER_GR_SPAN_DB.
 */
void meter_field_source(int id, const char **message, int *arg, int *law);

/* "/ch/3/meter/peak/norm": the address of field id of owner (channel or bus; 0 on the master). */
void meter_field_print(int id, int owner, char *buf, size_t size);

/* The field's value now: norm 0..1, or natural units (LUFS, dB) for the master's figures. */
float meter_field_value(const struct control *c, int id, int owner);

/* dBFS on the meter law, 0..1. */
float meter_norm_from_db(float db);

#endif
