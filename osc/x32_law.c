/*
 * x32_law.c - see x32_law.h.
 */
#include "osc/x32_law.h"

#include <math.h>

#define DB_OFF -90.0f   /* jmixd's "-inf" on faders and sends */

bool x32_law_is_int(const struct x32_law *l)
{
	return l->kind == X32_BOOL || l->kind == X32_BOOL_NOT || l->kind == X32_BIT ||
	       l->kind == X32_TABLE;
}

float x32_level_db(float f)
{
	if (f >= 0.5f)
		return 40.0f * f - 30.0f;
	if (f >= 0.25f)
		return 80.0f * f - 50.0f;
	if (f >= 0.0625f)
		return 160.0f * f - 70.0f;
	if (f > 0.0f)
		return 480.0f * f - 90.0f;
	return DB_OFF;
}

float x32_level_f(float db)
{
	float f;
	if (!(db > DB_OFF))
		return 0.0f;
	if (db < -60.0f)
		f = (db + 90.0f) / 480.0f;
	else if (db < -30.0f)
		f = (db + 70.0f) / 160.0f;
	else if (db < -10.0f)
		f = (db + 50.0f) / 80.0f;
	else
		f = (db + 30.0f) / 40.0f;
	return f > 1.0f ? 1.0f : f;
}

/* The entry nearest v (the first of equals); entries jmixd lacks (NAN) never match. */
static int table_index(const struct x32_law *l, float v)
{
	int best = 0;
	float best_d = INFINITY;
	for (int k = 0; k < l->n; k++) {
		float d = fabsf(l->table[k] - v);
		if (d < best_d) {
			best_d = d;
			best = k;
		}
	}
	return best;
}

int x32_law_index(const struct x32_law *l, float f)
{
	if (l->kind == X32_TABLE) {
		/* The wire's int; out of range reads as the nearest end. */
		if (!(f > 0.0f))
			return 0;
		return f >= (float)(l->n - 1) ? l->n - 1 : (int)lrintf(f);
	}
	if (l->kind == X32_BOOL || l->kind == X32_BOOL_NOT || l->kind == X32_BIT)
		return f >= 0.5f;
	if (!(f > 0.0f))   /* also NaN */
		return 0;
	if (f > 1.0f)
		f = 1.0f;
	/* The nearest grid point k/(n-1): it gives every value read from a console or its
	 * document (0 dB 767/1023, +3 dB 844, -60 dB 64, Q 2.0 33 of 71; research/x32.md 4.1). */
	int k = (int)floorf(f * (float)(l->n - 1) + 0.5f);
	return k < l->n ? k : l->n - 1;
}

float x32_law_wire(const struct x32_law *l, int k)
{
	if (l->kind == X32_BOOL || l->kind == X32_BOOL_NOT || l->kind == X32_BIT ||
	    l->kind == X32_TABLE)
		return (float)k;
	return (float)k / (float)(l->n - 1);
}

static float scale_of(const struct x32_law *l)
{
	return l->scale != 0.0f ? l->scale : 1.0f;
}

float x32_law_native(const struct x32_law *l, int k)
{
	float f = x32_law_wire(l, k);
	switch (l->kind) {
	case X32_LEVEL:
		return x32_level_db(f);
	case X32_LINF:
		return (l->lo + f * (l->hi - l->lo)) / scale_of(l);
	case X32_LOGF:
		return l->lo * powf(l->hi / l->lo, f) / scale_of(l);
	case X32_BOOL:
	case X32_BIT:
		return (float)k;
	case X32_BOOL_NOT:
		return (float)(1 - k);
	case X32_TABLE:
		return l->table[k];
	}
	return 0.0f;
}

int x32_law_index_of_native(const struct x32_law *l, float v)
{
	float w = v * scale_of(l);
	switch (l->kind) {
	case X32_LEVEL:
		return x32_law_index(l, x32_level_f(v));
	case X32_LINF:
		return x32_law_index(l, (w - l->lo) / (l->hi - l->lo));
	case X32_LOGF:
		if (!(w > 0.0f))
			return l->hi > l->lo ? 0 : l->n - 1;
		return x32_law_index(l, logf(w / l->lo) / logf(l->hi / l->lo));
	case X32_BOOL:
	case X32_BIT:
		return v >= 0.5f;
	case X32_BOOL_NOT:
		return v < 0.5f;
	case X32_TABLE:
		return table_index(l, v);
	}
	return 0;
}
