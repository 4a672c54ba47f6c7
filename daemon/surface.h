/*
 * surface.h - the pages of a control surface, from the parameter table and a setup.
 *
 * Every generated layout (TouchOSC .tosc and Mk1 .touchosc; layout.h) has the same pages,
 * laid out here once, in pixels, and handed control by control to a writer that knows one
 * file format:
 *
 *   mixer 1, 2, ...  channel strips, 16 a page on a tablet and 8 on a phone: name, pan,
 *                    meter and fader, mute, solo
 *   ch N             one page per channel: name; trim, polarity, input delay, high-pass,
 *                    its recall safe;
 *                    gate; EQ (on, then each band's on, frequency, gain and Q); compressor
 *                    with its gain-reduction meter; the sends to every bus (level, on)
 *   buses            a strip per aux bus (name, meter, fader, mute), then a row of the
 *                    reverb's or delay's parameters for each effect bus
 *   mix K            one page per monitor bus: every channel's send level to it, with names,
 *                    and the bus fader (also the whole of a performer's monitor layout)
 *   groups           the DCAs (name, fader, mute) and the mute groups
 *   safes & links    the section safes and each bus's safe (what scene recalls leave
 *                    alone), then what each link group carries (membership is a choice)
 *   master           the master strip (name, L and R meters, fader, mute); its EQ, bus
 *                    compressor and limiter; loudness (momentary, short-term, integrated,
 *                    range) and true peak as figures
 *
 * Widget rules, as the Open Stage Control session's (layout.c): a fader row (TAPER_FADER) is
 * a fader on its /norm twin, any other continuous row a knob on /norm, a switch a toggle on
 * the value (1 on, 0 off). Choices (EQ band type, HPF slope, delay division) need a menu and
 * stay off the surface. Meters are faders that cannot be touched, on the single-float meter
 * addresses (osc/meter_field.h); names are labels fed by /ch/N/name, which the daemon sends
 * in every dump. Every continuous control is 0..1, so no writer needs to know units or tapers.
 *
 * Control thread (or the command line); allocates nothing.
 */
#ifndef JMIXD_SURFACE_H
#define JMIXD_SURFACE_H

#include <stdbool.h>

#include "daemon/config.h"

enum surface_size {
	SURFACE_TABLET,        /* 1024 x 768 landscape, 16 strips a page */
	SURFACE_PHONE,         /* 667 x 375 landscape, 8 strips a page */
};

enum surface_kind {
	SURF_FADER,            /* vertical fader, 0..1, sends and receives */
	SURF_KNOB,             /* rotary, 0..1, sends and receives */
	SURF_TOGGLE,           /* on 1 / off 0, sends and receives */
	SURF_METER,            /* vertical bar 0..1 that only receives */
	SURF_NAME,             /* text that only receives (a string: /ch/N/name) */
	SURF_READOUT,          /* a number that only receives (loudness in LUFS) */
	SURF_CAPTION,          /* fixed text, no address */
};

/* Colours by what a control belongs to; each writer maps them to its palette. */
enum surface_colour {
	COLOUR_CHANNEL,
	COLOUR_MUTE,
	COLOUR_SOLO,
	COLOUR_BUS,
	COLOUR_DCA,
	COLOUR_MASTER,
	COLOUR_METER,
	COLOUR_TEXT,
};

struct surface_control {
	enum surface_kind kind;
	const char *id;          /* unique in the layout: "ch3_eq_2_gain" */
	const char *address;     /* its OSC address; "" for a caption */
	const char *text;        /* a caption's text, a name's configured value, a toggle's label */
	int x, y, w, h;          /* pixels, from the page's top left corner */
	float def_norm;          /* faders and knobs: the row's default on 0..1 */
	bool is_centered;        /* a knob whose default sits inside its travel (pan, EQ gain) */
	enum surface_colour colour;
};

/* What a layout file format implements. ctx is the writer's own. */
struct surface_writer {
	void *ctx;
	void (*page_begin)(void *ctx, const char *name);
	void (*control)(void *ctx, const struct surface_control *c);
	void (*page_end)(void *ctx);
};

/* The page size, in pixels, of a surface size. */
void surface_dimensions(enum surface_size size, int *width, int *height);

/* Every page of the console, as above. */
void surface_build(const struct setup *setup, enum surface_size size,
		   const struct surface_writer *w);

/* The same without the mixer pages (for a surface that draws its own strips). */
void surface_build_detail(const struct setup *setup, enum surface_size size,
			  const struct surface_writer *w);

/* The one page of a performer's monitor mix: every channel's send to bus (0-based). */
void surface_build_monitor(const struct setup *setup, enum surface_size size, int bus,
			   const struct surface_writer *w);

#endif
