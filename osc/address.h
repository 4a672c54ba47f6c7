/*
 * address.h - the OSC address of every parameter and meter: parsed and printed in one place.
 *
 *   /ch/<N|name>/<row>[/norm]                   a channel's row (N from 1)
 *   /ch/<N|name>/send/<K|name>/<row>[/norm]     a send's row (channel N to bus K)
 *   /aux/<K|name>/<row>[/norm]                  a bus's row (rows of its bus type only)
 *   /master/<row>[/norm]                        the master's row
 *   /ch/<N>/meter, /aux/<K>/meter, /master/meter, /master/loudness, /master/truepeak
 *   the single-float meter fields of meter_field.h (/ch/<N>/meter/peak/norm, ...)
 *   /ch/<N>/name, /aux/<K>/name, /dca/<K>/name, /master/name   the configured name (a string)
 *   /ch/<N|name>/dca, /ch/<N|name>/mgrp, /aux/<K|name>/mgrp   membership masks (below)
 *
 * <row> is the row's path in the parameter table ("fader", "eq/2/gain"); /norm is its 0..1
 * twin through the row's taper. Parsing accepts numbers and names; printing (feedback, the
 * layout generators) always uses numbers, so a renamed channel keeps its addresses. The
 * fixed command addresses (/info, /subscribe, ...) are route.c's.
 *
 * Every lookup is arithmetic or a binary search in an index built once (channel and bus
 * names by control_find_channel/bus, rows by params_find_path). Control thread only.
 */
#ifndef JMIXD_OSC_ADDRESS_H
#define JMIXD_OSC_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon/control.h"
#include "daemon/params.h"

/* The longest address the grammar produces or accepts. */
#define OSC_ADDRESS_MAX 256

/* index of a master meter address (scope PARAM_MASTER). */
#define METER_LEVELS 0
#define METER_LOUDNESS 1
#define METER_TRUEPEAK 2

struct osc_address {
	bool is_meter;
	struct param_ref ref;        /* a parameter: row and instance (as control_* take it) */
	bool is_norm;                /* the /norm twin */
	enum param_scope meter_scope;   /* a meter: whose (channel, bus or master) */
	int meter_index;             /* its channel or bus, or a METER_* of the master */
	int meter_field;             /* a single-float meter field (meter_field.h), else 0 */
	bool is_name;                /* a name: of meter_scope's instance meter_index */
	/* A membership mask: the switches <family>/1 .. <family>/n_mask_bits of ref.index (its
	 * DCAs or mute groups) as one int, bit k-1 for group k, as the X32's /ch/NN/grp/dca. */
	int n_mask_bits;
	const char *mask_family;     /* "dca" or "mgrp" */
};

/* The row of bit k (0-based) of a membership mask address. */
const struct param_desc *osc_address_mask_row(const struct osc_address *a, int k);

/*
 * Parse a parameter or meter address. Returns 0, or -1 with *reason set to a static sentence
 * the /error reply can carry ("no such channel (use 1..N or a channel name)").
 */
int osc_address_parse(const struct control *c, const char *path, struct osc_address *a,
		      const char **reason);

/* Print the address of a parameter instance: "/ch/3/send/2/level", with "/norm" if asked. */
void osc_address_print(const struct param_inst *pi, bool is_norm, char *buf, size_t size);

/* "/ch/3/name": the address of an owner's name (channel, bus, DCA or the master). */
void osc_address_print_name(enum param_scope scope, int owner, char *buf, size_t size);

/*
 * The configured name of an owner (channel, bus, DCA; "master" for the master), as
 * /ch/N/name answers it.
 */
const char *osc_address_name_of(const struct control *c, enum param_scope scope, int owner);

/*
 * The prefix of an owner's addresses, "/ch/3/", "/aux/2/" or "/master/" (owner 0-based;
 * ignored on the master): what layout generators put before a row's path or "meter".
 */
void osc_address_prefix(enum param_scope scope, int owner, char *buf, size_t size);

#endif
