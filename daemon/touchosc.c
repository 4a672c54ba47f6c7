/*
 * touchosc.c - the current TouchOSC's layout (.tosc) from the surface's pages; see touchosc.h.
 *
 * The file (research/next-features.md 1.3; py2tosc's docs/guide/format.md, checked against
 * files written by TouchOSC 1.5.2): a zlib stream of one line of XML,
 *
 *   <?xml version='1.0' encoding='UTF-8'?><lexml version='6'><node ID=.. type='GROUP'>
 *     <includes></includes><properties>..</properties><values>..</values>
 *     <children><node type='PAGER'>..<children><node type='GROUP'> one per page ..
 *
 * Every node's properties are the set the editor writes for its type, sorted by key; keys
 * and strings are CDATA; booleans are 0/1 except in a value's <default> (true/false).
 * Labels, groups and meters have interactive 0 (a label left interactive swallows the
 * touch meant for the control beneath it).
 *
 * Messages: a control that sets something sends and receives on one constant address with
 * its x as a float (0..1 as the surface says); feedback is off so a received value is
 * never sent back. A meter, a name or a figure only receives. Node IDs are UUID-shaped
 * hashes of the page and the control's id, so the same console gives the same bytes.
 *
 * The root carries the script that keeps the subscription: /subscribe/floats 9000 at once
 * and every LAYOUT_RENEW_MS, so jmixd sends single-float meters and this layout needs no
 * per-control script. TouchOSC's receive port must be 9000 (its default).
 */
#include "daemon/touchosc.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/archive.h"
#include "daemon/layout.h"

#define TABBAR_H 40          /* the pager's tab bar (the editor's default size) */
#define MAX_PROPS 32

struct prop {
	const char *key;
	char type;               /* s b i f r c */
	const char *s;           /* type s */
	double v[4];             /* the others: one number, a frame, or a colour */
};

struct props {
	struct prop p[MAX_PROPS];
	int n;
};

struct tosc {
	FILE *f;                 /* the XML, before it is wrapped */
	const char *page;        /* the page being written */
	int width, height;       /* page size */
};

static void add(struct props *ps, const char *key, char type, double v)
{
	if (ps->n < MAX_PROPS)
		ps->p[ps->n++] = (struct prop){ .key = key, .type = type, .v = { v } };
}

static void add_s(struct props *ps, const char *key, const char *s)
{
	if (ps->n < MAX_PROPS)
		ps->p[ps->n++] = (struct prop){ .key = key, .type = 's', .s = s };
}

static void add4(struct props *ps, const char *key, char type, double a, double b, double c,
		 double d)
{
	if (ps->n < MAX_PROPS)
		ps->p[ps->n++] = (struct prop){ .key = key, .type = type, .v = { a, b, c, d } };
}

static int cmp_prop(const void *a, const void *b)
{
	return strcmp(((const struct prop *)a)->key, ((const struct prop *)b)->key);
}

/* CDATA holds anything but its own end marker, which is split across two sections. */
static void cdata(FILE *f, const char *s)
{
	fputs("<![CDATA[", f);
	for (; *s; s++) {
		if (strncmp(s, "]]>", 3) == 0) {
			fputs("]]]]><![CDATA[", f);
			continue;
		}
		fputc(*s, f);
	}
	fputs("]]>", f);
}

static void write_props(FILE *f, struct props *ps)
{
	qsort(ps->p, (size_t)ps->n, sizeof ps->p[0], cmp_prop);
	fputs("<properties>", f);
	for (int i = 0; i < ps->n; i++) {
		const struct prop *p = &ps->p[i];
		fprintf(f, "<property type='%c'><key>", p->type);
		cdata(f, p->key);
		fputs("</key><value>", f);
		if (p->type == 's')
			cdata(f, p->s);
		else if (p->type == 'r')
			fprintf(f, "<x>%g</x><y>%g</y><w>%g</w><h>%g</h>", p->v[0], p->v[1], p->v[2],
				p->v[3]);
		else if (p->type == 'c')
			fprintf(f, "<r>%g</r><g>%g</g><b>%g</b><a>%g</a>", p->v[0], p->v[1], p->v[2],
				p->v[3]);
		else
			fprintf(f, "%g", p->v[0]);
		fputs("</value></property>", f);
	}
	fputs("</properties>", f);
}

/* One <value>: default_text is written as it is (true, false, a number or a string). */
static void value(FILE *f, const char *key, const char *default_text, bool is_locked_default)
{
	fputs("<value><key>", f);
	cdata(f, key);
	fprintf(f, "</key><locked>0</locked><lockedDefaultCurrent>%d</lockedDefaultCurrent><default>",
		is_locked_default ? 1 : 0);
	cdata(f, default_text);
	fputs("</default><defaultPull>0</defaultPull></value>", f);
}

static void partial(FILE *f, const char *type, const char *conversion, const char *v)
{
	fprintf(f, "<partial><type>%s</type><conversion>%s</conversion><value>", type, conversion);
	cdata(f, v);
	fputs("</value><scaleMin>0</scaleMin><scaleMax>1</scaleMax></partial>", f);
}

/*
 * One OSC message on a constant address. var: the value sent and received (x, or text for
 * a label); conversion: how (FLOAT, STRING). A control that only shows has send 0 and no
 * trigger.
 */
static void osc_message(FILE *f, const char *address, const char *var, const char *conversion,
			bool is_send)
{
	fprintf(f, "<messages><osc><enabled>1</enabled><send>%d</send><receive>1</receive>"
		   "<feedback>0</feedback><noDuplicates>0</noDuplicates>"
		   "<connections>1000000000</connections>", is_send ? 1 : 0);
	if (is_send) {
		fputs("<triggers><trigger><var>", f);
		cdata(f, var);
		fputs("</var><condition>ANY</condition></trigger></triggers>", f);
	}
	fputs("<path>", f);
	partial(f, "CONSTANT", "STRING", address);
	fputs("</path><arguments>", f);
	partial(f, "VALUE", conversion, var);
	fputs("</arguments></osc></messages>", f);
}

/* A node ID: a UUID (version 4 layout) made of two FNV-1a hashes of page and id. */
static void node_id(char *buf, size_t size, const char *page, const char *id)
{
	uint64_t h[2] = { 0xcbf29ce484222325u, 0x84222325cbf29ce4u };
	for (int k = 0; k < 2; k++) {
		for (const char *s = page; *s; s++)
			h[k] = (h[k] ^ (unsigned char)*s) * 0x100000001b3u;
		h[k] = (h[k] ^ '/') * 0x100000001b3u;
		for (const char *s = id; *s; s++)
			h[k] = (h[k] ^ (unsigned char)*s) * 0x100000001b3u;
	}
	snprintf(buf, size, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(h[0] >> 32),
		 (unsigned)(h[0] >> 16 & 0xffff), (unsigned)(h[0] & 0xfff),
		 (unsigned)(0x8000 | (h[1] >> 48 & 0x3fff)),
		 (unsigned long long)(h[1] & 0xffffffffffffu));
}

/* How a node differs in the properties every node has. */
enum node_flags {
	NODE_INTERACTIVE = 1,    /* takes touches */
	NODE_FOCUS = 2,          /* grabFocus: controls do, containers do not */
	NODE_OUTLINE = 4,
	NODE_CONTAINER = 8,      /* GROUP, PAGER: outlineStyle 0, as the editor writes them */
};

/* The properties every node has (the editor's common set). */
static void common_props(struct props *ps, const char *name, double x, double y, double w,
			 double h, const double *rgba, unsigned flags, int shape)
{
	add(ps, "background", 'b', 1);
	add4(ps, "color", 'c', rgba[0], rgba[1], rgba[2], rgba[3]);
	add(ps, "cornerRadius", 'f', 1);
	add4(ps, "frame", 'r', x, y, w, h);
	add(ps, "grabFocus", 'b', !!(flags & NODE_FOCUS));
	add(ps, "interactive", 'b', !!(flags & NODE_INTERACTIVE));
	add(ps, "locked", 'b', 0);
	add_s(ps, "name", name);
	add(ps, "orientation", 'i', 0);
	add(ps, "outline", 'b', !!(flags & NODE_OUTLINE));
	add(ps, "outlineStyle", 'i', shape == 2 || (flags & NODE_CONTAINER) ? 0 : 1);
	add(ps, "pointerPriority", 'i', 0);
	add(ps, "shape", 'i', shape);
	add(ps, "visible", 'b', 1);
}

static const double palette[][4] = {
	[COLOUR_CHANNEL] = { 0.35, 0.55, 0.8, 1 },
	[COLOUR_MUTE] = { 0.85, 0.2, 0.2, 1 },
	[COLOUR_SOLO] = { 0.9, 0.8, 0.2, 1 },
	[COLOUR_BUS] = { 0.3, 0.7, 0.4, 1 },
	[COLOUR_DCA] = { 0.9, 0.55, 0.2, 1 },
	[COLOUR_MASTER] = { 0.8, 0.3, 0.3, 1 },
	[COLOUR_METER] = { 0.2, 0.8, 0.3, 1 },
	[COLOUR_TEXT] = { 0, 0, 0, 0 },
};

static void label_node(struct tosc *t, const char *id, const char *text, const char *address,
		       const char *conversion, double x, double y, double w, double h, int size)
{
	char uuid[40];
	struct props ps = { .n = 0 };
	static const double none[4] = { 0, 0, 0, 0 };
	node_id(uuid, sizeof uuid, t->page, id);
	fprintf(t->f, "<node ID='%s' type='LABEL'>", uuid);
	common_props(&ps, id, x, y, w, h, none, NODE_OUTLINE, 1);
	add(&ps, "font", 'i', 0);
	add(&ps, "textAlignH", 'i', 2);
	add(&ps, "textAlignV", 'i', 2);
	add(&ps, "textClip", 'b', 1);
	add4(&ps, "textColor", 'c', 1, 1, 1, 1);
	add(&ps, "textLength", 'i', 0);
	add(&ps, "textSize", 'i', size);
	write_props(t->f, &ps);
	fputs("<values>", t->f);
	value(t->f, "text", text, true);
	value(t->f, "touch", "false", false);
	fputs("</values>", t->f);
	if (*address)
		osc_message(t->f, address, "text", conversion, false);
	fputs("</node>", t->f);
}

/* A FADER, a RADIAL or a BUTTON on its address; a meter is a FADER that only receives. */
static void value_node(struct tosc *t, const struct surface_control *c)
{
	char uuid[40], def[32];
	struct props ps = { .n = 0 };
	bool is_meter = c->kind == SURF_METER;
	const char *type = c->kind == SURF_KNOB ? "RADIAL" : c->kind == SURF_TOGGLE ? "BUTTON"
										   : "FADER";
	node_id(uuid, sizeof uuid, t->page, c->id);
	fprintf(t->f, "<node ID='%s' type='%s'>", uuid, type);
	common_props(&ps, c->id, c->x, c->y, c->w, c->h, palette[c->colour],
		     is_meter ? NODE_OUTLINE : NODE_INTERACTIVE | NODE_FOCUS | NODE_OUTLINE,
		     c->kind == SURF_KNOB ? 2 : 1);
	if (c->kind == SURF_TOGGLE) {
		add(&ps, "buttonType", 'i', 1);   /* toggle on release */
		add(&ps, "press", 'b', 1);
		add(&ps, "release", 'b', 1);
		add(&ps, "valuePosition", 'b', 0);
	} else {
		add(&ps, "cursor", 'b', !is_meter);
		add(&ps, "cursorDisplay", 'i', 0);
		add(&ps, "grid", 'b', !is_meter);
		add4(&ps, "gridColor", 'c', 0, 0, 0, 0.25);
		add(&ps, "gridSteps", 'i', c->kind == SURF_KNOB ? 20 : 13);
		add(&ps, "response", 'i', 0);
		add(&ps, "responseFactor", 'i', 100);
		add(&ps, "centered", 'b', c->is_centered);
	}
	if (c->kind == SURF_KNOB)
		add(&ps, "inverted", 'b', 0);
	if (c->kind == SURF_FADER || is_meter) {
		add(&ps, "bar", 'b', 1);
		add(&ps, "barDisplay", 'i', 0);
	}
	write_props(t->f, &ps);
	snprintf(def, sizeof def, "%g", c->kind == SURF_TOGGLE || is_meter ? 0.0 : (double)c->def_norm);
	fputs("<values>", t->f);
	value(t->f, "x", def, false);
	value(t->f, "touch", "false", false);
	fputs("</values>", t->f);
	osc_message(t->f, c->address, "x", "FLOAT", !is_meter);
	fputs("</node>", t->f);
	if (c->kind == SURF_TOGGLE && *c->text) {
		char id[160];
		snprintf(id, sizeof id, "%s_label", c->id);
		label_node(t, id, c->text, "", "STRING", c->x, c->y, c->w, c->h, 12);
	}
}

static void tosc_control(void *ctx, const struct surface_control *c)
{
	struct tosc *t = ctx;
	switch (c->kind) {
	case SURF_NAME:
		label_node(t, c->id, c->text, c->address, "STRING", c->x, c->y, c->w, c->h, 14);
		break;
	case SURF_READOUT:
		label_node(t, c->id, "", c->address, "FLOAT", c->x, c->y, c->w, c->h, 14);
		break;
	case SURF_CAPTION:
		label_node(t, c->id, c->text, "", "STRING", c->x, c->y, c->w, c->h, 10);
		break;
	default:
		value_node(t, c);
		break;
	}
}

static void tosc_page_begin(void *ctx, const char *name)
{
	struct tosc *t = ctx;
	char uuid[40];
	struct props ps = { .n = 0 };
	static const double black[4] = { 0, 0, 0, 1 };
	t->page = name;
	node_id(uuid, sizeof uuid, name, "page");
	fprintf(t->f, "<node ID='%s' type='GROUP'>", uuid);
	common_props(&ps, name, 0, TABBAR_H, t->width, t->height, black, NODE_CONTAINER, 1);
	add4(&ps, "tabColorOff", 'c', 0.25, 0.25, 0.25, 1);
	add4(&ps, "tabColorOn", 'c', 0.35, 0.55, 0.8, 1);
	add_s(&ps, "tabLabel", name);
	add4(&ps, "textColorOff", 'c', 1, 1, 1, 1);
	add4(&ps, "textColorOn", 'c', 1, 1, 1, 1);
	write_props(t->f, &ps);
	fputs("<values>", t->f);
	value(t->f, "touch", "false", false);
	fputs("</values><children>", t->f);
}

static void tosc_page_end(void *ctx)
{
	struct tosc *t = ctx;
	fputs("</children></node>", t->f);
}

static void write_root_begin(struct tosc *t)
{
	char uuid[40], script[512];
	struct props ps = { .n = 0 };
	static const double black[4] = { 0, 0, 0, 1 };
	snprintf(script, sizeof script,
		 "-- jmixd: keep the subscription (single-float meters) alive; replies to port 9000\n"
		 "local last = -%d\n"
		 "function update()\n"
		 "  if getMillis() - last >= %d then\n"
		 "    last = getMillis()\n"
		 "    sendOSC('/subscribe/floats', 9000)\n"
		 "  end\n"
		 "end\n", LAYOUT_RENEW_MS, LAYOUT_RENEW_MS);
	fputs("<?xml version='1.0' encoding='UTF-8'?><lexml version='6'>", t->f);
	node_id(uuid, sizeof uuid, "", "root");
	fprintf(t->f, "<node ID='%s' type='GROUP'><includes></includes>", uuid);
	common_props(&ps, "jmixd", 0, 0, t->width, t->height + TABBAR_H, black,
		     NODE_OUTLINE | NODE_CONTAINER, 1);
	add_s(&ps, "script", script);
	write_props(t->f, &ps);
	fputs("<values>", t->f);
	value(t->f, "touch", "false", false);
	fputs("</values><children>", t->f);

	ps.n = 0;
	node_id(uuid, sizeof uuid, "", "pager");
	fprintf(t->f, "<node ID='%s' type='PAGER'>", uuid);
	common_props(&ps, "pages", 0, 0, t->width, t->height + TABBAR_H, black,
		     NODE_INTERACTIVE | NODE_OUTLINE | NODE_CONTAINER, 1);
	add(&ps, "tabLabels", 'b', 1);
	add(&ps, "tabbar", 'b', 1);
	add(&ps, "tabbarDoubleTap", 'b', 0);
	add(&ps, "tabbarSize", 'i', TABBAR_H);
	add(&ps, "textSizeOff", 'i', 14);
	add(&ps, "textSizeOn", 'i', 14);
	write_props(t->f, &ps);
	fputs("<values>", t->f);
	value(t->f, "page", "0", false);
	value(t->f, "touch", "false", false);
	fputs("</values><children>", t->f);
}

static void write_root_end(struct tosc *t)
{
	fputs("</children></node></children></node></lexml>", t->f);
}

int touchosc_write(FILE *f, const struct setup *setup, enum surface_size size, int monitor_bus)
{
	char *xml = NULL;
	size_t n = 0;
	struct tosc t = { .f = open_memstream(&xml, &n) };
	if (!t.f)
		return -ENOMEM;
	surface_dimensions(size, &t.width, &t.height);
	struct surface_writer w = { .ctx = &t, .page_begin = tosc_page_begin,
				    .control = tosc_control, .page_end = tosc_page_end };
	write_root_begin(&t);
	if (monitor_bus >= 0)
		surface_build_monitor(setup, size, monitor_bus, &w);
	else
		surface_build(setup, size, &w);
	write_root_end(&t);
	int rc = fclose(t.f) == 0 ? 0 : -ENOMEM;
	if (rc == 0)
		rc = archive_write_zlib_stored(f, (const unsigned char *)xml, n);
	free(xml);
	return rc;
}
