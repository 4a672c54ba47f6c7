/*
 * touchosc_mk1.c - the original TouchOSC's layout (.touchosc) from the surface's pages.
 *
 * The file (research/next-features.md 1.2, from perl-TouchOSC and touchosc-generator): a zip
 * holding one entry, index.xml:
 *
 *   <layout version="17" mode="3" w=.. h=.. orientation="vertical">
 *     <tabpage name=base64 ...> <control type=.. name=base64 x y w h color osc_cs=base64 ..>
 *
 * Version 17 keeps name, osc_cs, text and the tabpage's name base64-encoded. Mode 3 is a
 * custom size. A landscape layout is written as perl-TouchOSC writes one: orientation
 * "vertical" with w and h swapped (the editor shows layouts turned by 90 degrees) and the
 * controls' frames as they are; not yet checked on a device.
 *
 * Controls: faders faderv, knobs rotaryv, switches toggle with local_off="false" (jmixd does
 * not echo a change to the client that made it, so with local feedback off a pressed mute
 * would never light on the tablet that pressed it), meters faderv on their single-float
 * address (a touch sends a value that jmixd drops without a word), names and figures labelh
 * on their address, captions labelh with no address. Every value range is 0..1 except the
 * figures', which a label shows as they come.
 *
 * Mk1 cannot repeat a /subscribe: list the tablet in osc.clients with floats = true.
 */
#include "daemon/touchosc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/archive.h"

#define TABBAR_H 40

struct mk1 {
	FILE *f;
};

static void base64(FILE *f, const char *s)
{
	static const char digits[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(s);
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
			     (i + 2 < n ? p[i + 2] : 0);
		fputc(digits[v >> 18 & 63], f);
		fputc(digits[v >> 12 & 63], f);
		fputc(i + 1 < n ? digits[v >> 6 & 63] : '=', f);
		fputc(i + 2 < n ? digits[v & 63] : '=', f);
	}
}

/* The app's nine colour names. */
static const char *const colours[] = {
	[COLOUR_CHANNEL] = "blue",   [COLOUR_MUTE] = "red",   [COLOUR_SOLO] = "yellow",
	[COLOUR_BUS] = "green",      [COLOUR_DCA] = "orange", [COLOUR_MASTER] = "purple",
	[COLOUR_METER] = "green",    [COLOUR_TEXT] = "gray",
};

/* <control type name x y w h color osc_cs ...: the attributes every control has. */
static void control_begin(FILE *f, const char *type, const struct surface_control *c,
			  const char *address, enum surface_colour colour)
{
	fprintf(f, "<control type=\"%s\" name=\"", type);
	base64(f, c->id);
	fprintf(f, "\" x=\"%d\" y=\"%d\" w=\"%d\" h=\"%d\" color=\"%s\" osc_cs=\"", c->x,
		c->y + TABBAR_H, c->w, c->h, colours[colour]);
	base64(f, address);
	fputc('"', f);
}

static void label(FILE *f, const struct surface_control *c, const char *address,
		  const char *text, int size)
{
	control_begin(f, "labelh", c, address, COLOUR_TEXT);
	fputs(" text=\"", f);
	base64(f, text);
	fprintf(f, "\" size=\"%d\" background=\"false\" outline=\"false\"></control>", size);
}

static void mk1_control(void *ctx, const struct surface_control *c)
{
	struct mk1 *m = ctx;
	FILE *f = m->f;
	switch (c->kind) {
	case SURF_FADER:
	case SURF_METER:
		control_begin(f, "faderv", c, c->address, c->colour);
		fputs(" scalef=\"0.0\" scalet=\"1.0\" response=\"absolute\" inverted=\"false\" "
		      "centered=\"false\"></control>", f);
		break;
	case SURF_KNOB:
		control_begin(f, "rotaryv", c, c->address, c->colour);
		fprintf(f, " scalef=\"0.0\" scalet=\"1.0\" response=\"absolute\" inverted=\"false\" "
			   "centered=\"%s\" norollover=\"true\"></control>",
			c->is_centered ? "true" : "false");
		break;
	case SURF_TOGGLE:
		control_begin(f, "toggle", c, c->address, c->colour);
		fputs(" scalef=\"0.0\" scalet=\"1.0\" local_off=\"false\"></control>", f);
		if (*c->text) {
			struct surface_control text = *c;
			char id[160];
			snprintf(id, sizeof id, "%s_label", c->id);
			text.id = id;
			label(f, &text, "", c->text, 12);
		}
		break;
	case SURF_NAME:
		label(f, c, c->address, c->text, 14);
		break;
	case SURF_READOUT:
		label(f, c, c->address, "", 14);
		break;
	case SURF_CAPTION:
	default:
		label(f, c, "", c->text, 10);
		break;
	}
}

static void mk1_page_begin(void *ctx, const char *name)
{
	struct mk1 *m = ctx;
	fputs("<tabpage name=\"", m->f);
	base64(m->f, name);
	fputs("\" scalef=\"0.0\" scalet=\"1.0\" li_t=\"\" li_c=\"gray\" li_s=\"14\" li_o=\"false\" "
	      "li_b=\"false\" la_t=\"\" la_c=\"gray\" la_s=\"14\" la_o=\"false\" la_b=\"false\">",
	      m->f);
}

static void mk1_page_end(void *ctx)
{
	struct mk1 *m = ctx;
	fputs("</tabpage>", m->f);
}

int touchosc_mk1_write(FILE *f, const struct setup *setup, enum surface_size size,
		       int monitor_bus)
{
	char *xml = NULL;
	size_t n = 0;
	int width, height;
	struct mk1 m = { .f = open_memstream(&xml, &n) };
	if (!m.f)
		return -ENOMEM;
	surface_dimensions(size, &width, &height);
	fprintf(m.f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
		     "<layout version=\"17\" mode=\"3\" w=\"%d\" h=\"%d\" orientation=\"vertical\">",
		height + TABBAR_H, width);
	struct surface_writer w = { .ctx = &m, .page_begin = mk1_page_begin,
				    .control = mk1_control, .page_end = mk1_page_end };
	if (monitor_bus >= 0)
		surface_build_monitor(setup, size, monitor_bus, &w);
	else
		surface_build(setup, size, &w);
	fputs("</layout>\n", m.f);
	int rc = fclose(m.f) == 0 ? 0 : -ENOMEM;
	if (rc == 0)
		rc = archive_write_zip_stored(f, "index.xml", (const unsigned char *)xml, n);
	free(xml);
	return rc;
}
