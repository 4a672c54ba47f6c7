/*
 * x32_law.h - the X32 / X Air value laws: a wire float in [0, 1] <-> a value in user units.
 *
 * Every continuous X32 parameter travels as a float 0..1 on a grid of N known values (the
 * console reports k/(N-1)), by one of three laws (research/x32.md section 4.1, from the
 * Unofficial X32/M32 OSC Remote Protocol, Maillot, p.10-14 and p.132):
 *   level  the 4-segment fader law in dB: f >= 0.5 -> 40f-30, >= 0.25 -> 80f-50,
 *          >= 0.0625 -> 160f-70, > 0 -> 480f-90, 0 -> -inf (jmixd's -90 dB). 1024 steps for
 *          faders, 161 for send levels;
 *   linf   (v - min) / (max - min) on a grid of step;
 *   logf   ln(v / min) / ln(max / min) on N steps (min may exceed max: Q runs 10 -> 0.3).
 * A value is identified by its grid index k, so "changed?" compares indexes: a native dB value
 * that round-trips through the wire never looks like a new change (no push loops).
 *
 * Pure functions, no state; any thread.
 */
#ifndef JMIXD_OSC_X32_LAW_H
#define JMIXD_OSC_X32_LAW_H

#include <stdbool.h>

enum x32_law_kind {
	X32_LEVEL,     /* dB by the fader law; n = 1024 (faders) or 161 (sends) */
	X32_LINF,      /* lo..hi in user units, n grid points */
	X32_LOGF,      /* lo..hi logarithmic, n grid points */
	X32_BOOL,      /* int 0/1 */
	X32_BOOL_NOT,  /* int 0/1, inverted (mix/on = not muted) */
	X32_BIT,       /* bit lo of an int bitmap (grp/dca, grp/mute): a switch per bit */
	X32_TABLE,     /* int index k of the console's enum; native value table[k] (NAN: none
			* in jmixd, a set is ignored); a native value reads as the nearest entry,
			* the first of equals (compressor ratio, EQ band type) */
};

struct x32_law {
	enum x32_law_kind kind;
	float lo, hi;          /* user units on the wire side (pan: -100 .. +100) */
	int n;                 /* grid points */
	float scale;           /* wire units per native unit (pan: 100); 0 means 1 */
	const float *table;    /* X32_TABLE: n native values */
};

/* Does the law travel as an int ('i'), not a float ('f')? */
bool x32_law_is_int(const struct x32_law *l);

/* The fader law (jmixd's -90 dB and below is f 0). */
float x32_level_db(float f);
float x32_level_f(float db);

/* Grid index of a wire float (clamped to 0..1), and the wire float of an index. */
int x32_law_index(const struct x32_law *l, float f);
float x32_law_wire(const struct x32_law *l, int k);

/* Native value (jmixd's units) of a grid index, and grid index of a native value. */
float x32_law_native(const struct x32_law *l, int k);
int x32_law_index_of_native(const struct x32_law *l, float v);

#endif
