/*
 * layout.h - ready-made control surfaces, written from the parameter table and a setup.
 *
 * `jmixd --print-layout osc-session -c configs/default.cfg > configs/jmixd-8ch.json` writes an
 * Open Stage Control session (https://openstagecontrol.ammd.net) for the configured channels:
 * a mixer tab (per channel its name, the pan knob, a peak meter, the fader, mute and solo;
 * then the master and the DCAs), then a tab for each other page of surface.h (every
 * channel's processing and sends, the buses, the monitor mixes, the groups, the master), as
 * the TouchOSC layouts have them.
 * Which controls a strip gets, their addresses, ranges, defaults and scale labels all come
 * from params_table, so a surface cannot drift from the daemon; tests/unit/test_layout.c
 * checks that every address in the output resolves and that the committed file is current.
 *
 * Session format: Open Stage Control 1.x ({createdWith, version, type: "session", content:
 * root widget}), as read by its session loader since 1.8.15; widgets leave out every property
 * they keep at its default, which the loader fills in.
 */
#ifndef JMIXD_LAYOUT_H
#define JMIXD_LAYOUT_H

#include <stdbool.h>
#include <stdio.h>

#include "daemon/config.h"
#include "daemon/surface.h"

enum layout_kind {
	LAYOUT_OSC_SESSION,      /* Open Stage Control session JSON */
	LAYOUT_TOUCHOSC,         /* TouchOSC (the current app): .tosc, zlib of XML */
	LAYOUT_TOUCHOSC_MK1,     /* TouchOSC Mk1: .touchosc, a zip of index.xml */
	LAYOUT_TOUCHOSC_MONITOR, /* TouchOSC .tosc of one monitor mix, for a performer */
};

/* "osc-session" -> LAYOUT_OSC_SESSION; -1 for an unknown name. */
int layout_kind_from_name(const char *name);

/* Names accepted by layout_kind_from_name(), for messages ("osc-session, touchosc, ..."). */
const char *layout_kind_names(void);

/* Does the kind write binary data (never to a terminal), and does it need a bus? */
bool layout_kind_is_binary(enum layout_kind kind);
bool layout_kind_needs_bus(enum layout_kind kind);

struct layout_options {
	enum surface_size size;  /* TouchOSC layouts: tablet (default) or phone */
	int monitor_bus;         /* LAYOUT_TOUCHOSC_MONITOR: the bus, 0-based */
};

/*
 * Write the layout for setup's channels to f (options NULL: a tablet's). Returns 0, or
 * -EIO when writing failed (-ENOMEM for the TouchOSC ones, which build their XML in memory
 * before wrapping it). Control thread (or a command-line tool).
 */
int layout_write(FILE *f, enum layout_kind kind, const struct setup *setup,
		 const struct layout_options *options);

/*
 * How often the session renews its /subscribe lease (the daemon keeps one for 10 s), and the
 * dB span of its meters (peak dBFS, the first argument of /ch/N/meter and /master/meter).
 */
#define LAYOUT_RENEW_MS 5000
#define LAYOUT_METER_MIN_DB -60
#define LAYOUT_METER_MAX_DB 0

#endif
