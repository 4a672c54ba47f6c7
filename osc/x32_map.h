/*
 * x32_map.h - the X32 / X Air address map: which jmixd parameter instance a console leaf is,
 * and by which law (x32_law.h) its value travels.
 *
 * One table (x32_map.c) lists, per jmixd row, the leaf under its owner's prefix in each
 * dialect; both directions read it (a client's get or set, and feedback of a native change):
 *   channel  /ch/NN/<leaf>            (X32 01..32, X Air 01..16)
 *   send     /ch/NN/mix/MM/<leaf>     (MM = jmixd bus; X32 01..16, X Air 01..10)
 *   bus      /bus/NN/<leaf>  X32,  /bus/N/<leaf>  X Air
 *   master   /main/st/<leaf> X32,  /lr/<leaf>     X Air
 *   DCA      /dca/K/<leaf>            (X32 1..8, X Air 1..4)
 *   mute grp /config/mute/K           (X32 1..6, X Air 1..4)
 * and group membership as the bitmaps /ch/NN/grp/dca, /ch/NN/grp/mute, /bus/NN/grp/mute.
 * Channels beyond 32 (16) and buses beyond 16 (6) stay native only. A leaf of the map whose
 * strip jmixd lacks (channel 9 of an 8-channel console) is a "stand-in": it answers the
 * row's default and holds what is set, like the leaves in the shadow list (colours, DCAs,
 * /-stat, /-snap) that have no jmixd counterpart at all.
 *
 * Control thread only (the lookups are arithmetic and a walk of a short table).
 */
#ifndef JMIXD_OSC_X32_MAP_H
#define JMIXD_OSC_X32_MAP_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon/control.h"
#include "osc/x32_law.h"

enum x32_profile {
	X32_PROFILE_X32,
	X32_PROFILE_XAIR,
	X32_N_PROFILES,
};

struct x32_row {
	enum param_scope scope;
	const char *row;            /* jmixd row path ("fader") */
	const char *leaf[X32_N_PROFILES];   /* leaf under the owner's prefix; NULL: not in that dialect */
	struct x32_law law;
};

/* A row whose leaf is a console-wide "-stat/..." address numbered by the strip
 * (/-stat/solosw/NN, NN the channel), not a leaf under the strip's prefix. */
bool x32_row_is_stat(const struct x32_row *r);

extern const struct x32_row x32_rows[];
extern const int x32_n_rows;

/* What a console address is. */
enum x32_leaf_kind {
	X32_LEAF_NONE,      /* not an address of the dialect: no answer */
	X32_LEAF_PARAM,     /* a jmixd parameter instance (ref valid) */
	X32_LEAF_STANDIN,   /* a map leaf on a strip jmixd does not have (row valid) */
	X32_LEAF_NAME,      /* config/name of a channel, bus or the master (scope, owner) */
	X32_LEAF_SHADOW,    /* a leaf held only here (tag, default) */
	X32_LEAF_BITMAP,    /* grp/dca, grp/mute: one row per bit (row: the first; scope, owner) */
};

struct x32_leaf {
	enum x32_leaf_kind kind;
	const struct x32_row *row;
	struct param_ref ref;
	enum param_scope scope;     /* X32_LEAF_NAME */
	int owner;
	char tag;                   /* 'f', 'i' or 's' on the wire */
	float def;                  /* X32_LEAF_SHADOW: default wire value ('f', 'i') */
};

/* Resolve a console address. */
struct x32_leaf x32_map_resolve(const struct control *c, enum x32_profile p, const char *path);

/* The console address of a parameter instance, or false when it has none in the dialect. */
bool x32_map_print(enum x32_profile p, const struct param_inst *pi, char *buf, size_t size,
		   const struct x32_row **row);

/* The highest channel, bus, send and DCA numbers of a dialect. */
int x32_map_channels(enum x32_profile p);
int x32_map_buses(enum x32_profile p);
int x32_map_dcas(enum x32_profile p);

/* The rows of the bitmap whose first row is first, bit 0 first; returns how many (at most
 * max). */
int x32_map_bits(enum x32_profile p, const struct x32_row *first, const struct x32_row **rows,
		 int max);

#endif
