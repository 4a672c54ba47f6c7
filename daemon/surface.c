/*
 * surface.c - see surface.h.
 *
 * Geometry: a page is a grid in pixels. Strips are columns (page width / strips a page) cut
 * into bands of fixed fractions of their height; parameter rows are bands of the page cut
 * into CELLS_PER_ROW cells, the first holding the row's caption, each other a control with
 * its caption above it. Nothing is scaled after the fact, so a writer copies the numbers.
 */
#include "daemon/surface.h"

#include <stdio.h>
#include <string.h>

#include "daemon/params.h"
#include "dsp/bus.h"
#include "osc/address.h"
#include "osc/meter_field.h"

#define CELLS_PER_ROW 10
#define PAD 4                /* pixels between neighbours */
#define CAPTION_H 16         /* a cell's caption above its control */

struct page {
	const struct setup *setup;
	const struct surface_writer *w;
	int width, height;
	int n_strips;            /* strips a page */
	int x0;                  /* where this part of the page starts (the master's rows) */
};

struct row {
	int y, h;
	int next;                /* next free cell; cell 0 is the row's caption */
};

void surface_dimensions(enum surface_size size, int *width, int *height)
{
	*width = size == SURFACE_PHONE ? 667 : 1024;
	*height = size == SURFACE_PHONE ? 375 : 768;
}

static void emit(struct page *p, enum surface_kind kind, const char *id, const char *address,
		 const char *text, int x, int y, int w, int h, enum surface_colour colour)
{
	struct surface_control c = { .kind = kind, .id = id, .address = address, .text = text,
				     .x = p->x0 + x + PAD / 2, .y = y + PAD / 2, .w = w - PAD,
				     .h = h - PAD, .colour = colour };
	p->w->control(p->w->ctx, &c);
}

/* Ids: "ch3_" + "eq/2/gain" -> "ch3_eq_2_gain". */
static void make_id(char *buf, size_t size, const char *owner_id, const char *what)
{
	snprintf(buf, size, "%s_%s", owner_id, what);
	for (char *q = buf; *q; q++)
		if (*q == '/')
			*q = '_';
}

static void owner_id(enum param_scope scope, int owner, int bus, char *buf, size_t size)
{
	if (scope == PARAM_MASTER)
		snprintf(buf, size, "master");
	else if (scope == PARAM_SEND)
		snprintf(buf, size, "ch%d_send%d", owner + 1, bus + 1);
	else
		snprintf(buf, size, "%s%d", param_scope_name(scope), owner + 1);
}

/*
 * The control of one parameter instance: fader rows as faders, other continuous rows as
 * knobs, both on /norm; switches as toggles on the value. Choices are not shown.
 */
static void param_control(struct page *p, enum param_scope scope, int owner, int bus,
			  const char *path, const char *text, int x, int y, int w, int h,
			  enum surface_colour colour)
{
	const struct param_desc *d = params_find_path(scope, path);
	if (!d || d->type == PARAM_ENUM)
		return;
	if (scope == PARAM_AUX && !param_on_bus_type(d, p->setup->buses[owner].type))
		return;
	struct param_inst pi = { .desc = d, .owner = (uint16_t)owner, .bus = (uint16_t)bus };
	char address[OSC_ADDRESS_MAX], id[128], oid[48];
	bool is_switch = d->type == PARAM_BOOL;
	osc_address_print(&pi, !is_switch, address, sizeof address);
	owner_id(scope, owner, bus, oid, sizeof oid);
	make_id(id, sizeof id, oid, path);
	float def = param_to_norm(d, d->def);
	struct surface_control c = {
		.kind = is_switch ? SURF_TOGGLE : d->taper == TAPER_FADER ? SURF_FADER : SURF_KNOB,
		.id = id, .address = address, .text = text, .x = p->x0 + x + PAD / 2, .y = y + PAD / 2,
		.w = w - PAD, .h = h - PAD, .def_norm = def,
		.is_centered = !is_switch && def > 0.01f && def < 0.99f && d->taper == TAPER_LINEAR,
		.colour = colour,
	};
	p->w->control(p->w->ctx, &c);
}

static void name_label(struct page *p, enum param_scope scope, int owner, const char *text,
		       int x, int y, int w, int h)
{
	char address[OSC_ADDRESS_MAX], id[64], oid[48];
	char prefix[64];
	osc_address_prefix(scope, owner, prefix, sizeof prefix);
	snprintf(address, sizeof address, "%sname", prefix);
	owner_id(scope, owner, 0, oid, sizeof oid);
	make_id(id, sizeof id, oid, "name");
	emit(p, SURF_NAME, id, address, text, x, y, w, h, COLOUR_TEXT);
}

/* A meter on a single-float meter field (meter_field.h) of owner. */
static void meter(struct page *p, enum param_scope scope, int owner, const char *suffix,
		  int x, int y, int w, int h)
{
	char address[OSC_ADDRESS_MAX], id[96], oid[48];
	int field = meter_field_find(scope, suffix);
	if (!field)
		return;
	meter_field_print(field, owner, address, sizeof address);
	owner_id(scope, owner, 0, oid, sizeof oid);
	make_id(id, sizeof id, oid, suffix);
	bool is_figure = strstr(suffix, "norm") == NULL;
	emit(p, is_figure ? SURF_READOUT : SURF_METER, id, address, suffix, x, y, w, h,
	     COLOUR_METER);
}

static void caption(struct page *p, const char *id, const char *text, int x, int y, int w, int h)
{
	emit(p, SURF_CAPTION, id, "", text, x, y, w, h, COLOUR_TEXT);
}

/* ---- rows of cells ---- */

static struct row row_begin(struct page *p, int y, int h, const char *page_id, const char *title)
{
	char id[96];
	snprintf(id, sizeof id, "%s_row%d_caption", page_id, y);
	caption(p, id, title, 0, y, p->width / CELLS_PER_ROW, h);
	return (struct row){ .y = y, .h = h, .next = 1 };
}

/* The next cell's box, below its caption; false when the row is full. */
static bool row_cell(struct page *p, struct row *r, const char *cap, const char *id_prefix,
		     int *x, int *y, int *w, int *h)
{
	if (r->next >= CELLS_PER_ROW)
		return false;
	int cw = p->width / CELLS_PER_ROW;
	char id[128];
	*x = r->next * cw;
	*w = cw;
	snprintf(id, sizeof id, "%s_cap%d_%d", id_prefix, r->y, r->next);
	caption(p, id, cap, *x, r->y, cw, CAPTION_H + PAD);
	*y = r->y + CAPTION_H;
	*h = r->h - CAPTION_H;
	r->next++;
	return true;
}

/* Caption of a row's cell: "eq/2/gain" -> "2 gain" when the row is the EQ's. */
static const char *short_caption(const char *path)
{
	const char *slash = strchr(path, '/');
	if (slash && strncmp(path, "eq/", 3) == 0 && slash[1] >= '1' && slash[1] <= '9')
		return slash + 1;
	return slash ? slash + 1 : path;
}

static void row_params(struct page *p, struct row *r, enum param_scope scope, int owner,
		       const char *const *paths, const char *page_id)
{
	for (int i = 0; paths[i]; i++) {
		const struct param_desc *d = params_find_path(scope, paths[i]);
		int x, y, w, h;
		if (!d || d->type == PARAM_ENUM ||
		    (scope == PARAM_AUX && !param_on_bus_type(d, p->setup->buses[owner].type)))
			continue;
		if (!row_cell(p, r, short_caption(paths[i]), page_id, &x, &y, &w, &h))
			return;
		param_control(p, scope, owner, 0, paths[i], d->type == PARAM_BOOL ? "ON" : "",
			      x, y, w, h, scope == PARAM_MASTER ? COLOUR_MASTER : COLOUR_CHANNEL);
	}
}

/* ---- strips ---- */

enum strip_parts {
	STRIP_PAN = 1,
	STRIP_SOLO = 2,
	STRIP_MUTE = 4,
	STRIP_METER = 8,
	STRIP_STEREO_METER = 16,
};

static enum surface_colour colour_of(enum param_scope scope)
{
	return scope == PARAM_AUX ? COLOUR_BUS : scope == PARAM_DCA ? COLOUR_DCA
	       : scope == PARAM_MASTER ? COLOUR_MASTER : COLOUR_CHANNEL;
}

/* A strip in the box (x, y, w, h): name, [pan], [meter and] fader, [mute], [solo]. */
static void strip(struct page *p, enum param_scope scope, int owner, const char *name,
		  unsigned parts, int x, int y, int w, int h)
{
	int name_h = h / 12, knob_h = (parts & STRIP_PAN) ? h / 7 : 0;
	int button_h = h / 11;
	int n_buttons = !!(parts & STRIP_MUTE) + !!(parts & STRIP_SOLO);
	int fader_y = y + name_h + knob_h;
	int fader_h = h - name_h - knob_h - n_buttons * button_h;
	int meter_w = (parts & (STRIP_METER | STRIP_STEREO_METER)) ? w / 4 : 0;
	enum surface_colour colour = colour_of(scope);

	name_label(p, scope, owner, name, x, y, w, name_h);
	if (parts & STRIP_PAN)
		param_control(p, scope, owner, 0, "pan", "", x, y + name_h, w, knob_h, colour);
	if (parts & STRIP_STEREO_METER) {
		meter(p, scope, owner, "meter/peak/l/norm", x, fader_y, meter_w / 2 + PAD, fader_h);
		meter(p, scope, owner, "meter/peak/r/norm", x + meter_w / 2, fader_y,
		      meter_w / 2 + PAD, fader_h);
	} else if (parts & STRIP_METER) {
		meter(p, scope, owner, "meter/peak/norm", x, fader_y, meter_w, fader_h);
	}
	param_control(p, scope, owner, 0, "fader", "", x + meter_w, fader_y, w - meter_w, fader_h,
		      colour);
	int by = fader_y + fader_h;
	if (parts & STRIP_MUTE) {
		param_control(p, scope, owner, 0, "mute", "MUTE", x, by, w, button_h, COLOUR_MUTE);
		by += button_h;
	}
	if (parts & STRIP_SOLO)
		param_control(p, scope, owner, 0, "solo", "SOLO", x, by, w, button_h, COLOUR_SOLO);
}

/* ---- pages ---- */

static void mixer_pages(struct page *p)
{
	const struct setup *s = p->setup;
	int strip_w = p->width / p->n_strips;
	for (int first = 0; first < s->n_channels; first += p->n_strips) {
		char name[32];
		snprintf(name, sizeof name, "mixer %d", first / p->n_strips + 1);
		p->w->page_begin(p->w->ctx, name);
		for (int ch = first; ch < s->n_channels && ch < first + p->n_strips; ch++)
			strip(p, PARAM_CHANNEL, ch, s->channels[ch].name,
			      STRIP_PAN | STRIP_METER | STRIP_MUTE | STRIP_SOLO,
			      (ch - first) * strip_w, 0, strip_w, p->height);
		p->w->page_end(p->w->ctx);
	}
}

static const char *const input_paths[] = { "trim", "polarity", "delay/on", "delay/time",
					   "hpf/on", "hpf/freq", "safe", NULL };
static const char *const gate_paths[] = { "gate/on", "gate/threshold", "gate/range",
					  "gate/attack", "gate/hold", "gate/release", NULL };
static const char *const eq_low_paths[] = { "eq/on", "eq/1/on", "eq/1/freq", "eq/1/gain",
					    "eq/1/q", "eq/2/on", "eq/2/freq", "eq/2/gain",
					    "eq/2/q", NULL };
static const char *const eq_high_paths[] = { "eq/3/on", "eq/3/freq", "eq/3/gain", "eq/3/q",
					     "eq/4/on", "eq/4/freq", "eq/4/gain", "eq/4/q", NULL };
static const char *const comp_paths[] = { "comp/on", "comp/threshold", "comp/ratio",
					  "comp/attack", "comp/release", "comp/knee",
					  "comp/makeup", NULL };
static const char *const limiter_paths[] = { "limiter/on", "limiter/ceiling", "limiter/release",
					     NULL };

/* The sends of channel ch, level and on per bus, in rows of at most four buses. */
static void send_rows(struct page *p, int ch, int y, int row_h, const char *page_id)
{
	const struct setup *s = p->setup;
	struct row r = { 0 };
	for (int bus = 0; bus < s->n_buses; bus++) {
		if (bus % 4 == 0)
			r = row_begin(p, y + bus / 4 * row_h, row_h, page_id, "sends");
		int x, cy, w, h;
		char cap[SETUP_NAME_MAX + 8];
		snprintf(cap, sizeof cap, "%s", s->buses[bus].name);
		if (!row_cell(p, &r, cap, page_id, &x, &cy, &w, &h))
			continue;
		param_control(p, PARAM_SEND, ch, bus, "level", "", x, cy, w, h, COLOUR_BUS);
		if (!row_cell(p, &r, "on", page_id, &x, &cy, &w, &h))
			continue;
		param_control(p, PARAM_SEND, ch, bus, "on", "ON", x, cy, w, h, COLOUR_BUS);
	}
}

static void channel_page(struct page *p, int ch)
{
	const struct setup *s = p->setup;
	char name[48], page_id[16];
	snprintf(name, sizeof name, "ch %d", ch + 1);
	snprintf(page_id, sizeof page_id, "p_ch%d", ch + 1);
	int n_send_rows = (s->n_buses + 3) / 4;
	int n_rows = 5 + n_send_rows;
	int name_h = p->height / 12;
	int row_h = (p->height - name_h) / n_rows;
	p->w->page_begin(p->w->ctx, name);
	name_label(p, PARAM_CHANNEL, ch, s->channels[ch].name, 0, 0, p->width / 4, name_h);
	int y = name_h;
	struct row r = row_begin(p, y, row_h, page_id, "input");
	row_params(p, &r, PARAM_CHANNEL, ch, input_paths, page_id);
	r = row_begin(p, y += row_h, row_h, page_id, "gate");
	row_params(p, &r, PARAM_CHANNEL, ch, gate_paths, page_id);
	r = row_begin(p, y += row_h, row_h, page_id, "eq");
	row_params(p, &r, PARAM_CHANNEL, ch, eq_low_paths, page_id);
	r = row_begin(p, y += row_h, row_h, page_id, "eq");
	row_params(p, &r, PARAM_CHANNEL, ch, eq_high_paths, page_id);
	r = row_begin(p, y += row_h, row_h, page_id, "comp");
	row_params(p, &r, PARAM_CHANNEL, ch, comp_paths, page_id);
	int x, cy, w, h;
	if (row_cell(p, &r, "gr", page_id, &x, &cy, &w, &h))
		meter(p, PARAM_CHANNEL, ch, "meter/gr/norm", x + w / 3, cy, w / 3 + PAD, h);
	send_rows(p, ch, y + row_h, row_h, page_id);
	p->w->page_end(p->w->ctx);
}

static const char *const reverb_paths[] = { "reverb/predelay", "reverb/decay", "reverb/lowratio",
					    "reverb/highratio", "reverb/size", "reverb/diffusion",
					    "reverb/highcut", NULL };
static const char *const delay_paths[] = { "delay/time", "delay/sync", "delay/bpm",
					   "delay/feedback", "delay/pingpong", "delay/highcut",
					   "delay/lowcut", NULL };

static void buses_page(struct page *p)
{
	const struct setup *s = p->setup;
	int n_fx = 0;
	for (int bus = 0; bus < s->n_buses; bus++)
		n_fx += s->buses[bus].type != BUS_MONITOR;
	int fx_h = n_fx ? p->height * 2 / 5 : 0;
	int strip_w = p->width / p->n_strips;
	p->w->page_begin(p->w->ctx, "buses");
	for (int bus = 0; bus < s->n_buses; bus++)
		strip(p, PARAM_AUX, bus, s->buses[bus].name, STRIP_METER | STRIP_MUTE,
		      bus * strip_w, 0, strip_w, p->height - fx_h);
	int y = p->height - fx_h;
	for (int bus = 0; bus < s->n_buses; bus++) {
		if (s->buses[bus].type == BUS_MONITOR)
			continue;
		struct row r = row_begin(p, y, fx_h / n_fx, "p_buses", s->buses[bus].name);
		row_params(p, &r, PARAM_AUX, bus,
			   s->buses[bus].type == BUS_REVERB ? reverb_paths : delay_paths, "p_buses");
		y += fx_h / n_fx;
	}
	p->w->page_end(p->w->ctx);
}

/*
 * A monitor mix: every channel's send level to bus (a fader with the channel's name above
 * it and the send's on below), in columns of n_strips, and the bus's own strip at the right
 * without its mute: a performer's layout must hold only what the monitor-mix role may set.
 */
static void mix_page(struct page *p, int bus)
{
	const struct setup *s = p->setup;
	char name[48];
	snprintf(name, sizeof name, "mix %s", s->buses[bus].name);
	int n_cols = s->n_channels < p->n_strips ? s->n_channels : p->n_strips;
	int n_rows = (s->n_channels + n_cols - 1) / n_cols;
	int col_w = p->width / (n_cols + 1);
	int row_h = p->height / n_rows;
	p->w->page_begin(p->w->ctx, name);
	for (int ch = 0; ch < s->n_channels; ch++) {
		int x = ch % n_cols * col_w, y = ch / n_cols * row_h;
		int name_h = row_h / 10, on_h = name_h;   /* the name above, the send's on below */
		name_label(p, PARAM_CHANNEL, ch, s->channels[ch].name, x, y, col_w, name_h);
		param_control(p, PARAM_SEND, ch, bus, "level", "", x, y + name_h, col_w,
			      row_h - name_h - on_h, COLOUR_BUS);
		param_control(p, PARAM_SEND, ch, bus, "on", "ON", x, y + row_h - on_h, col_w, on_h,
			      COLOUR_BUS);
	}
	strip(p, PARAM_AUX, bus, s->buses[bus].name, STRIP_METER, n_cols * col_w, 0, col_w,
	      p->height);
	p->w->page_end(p->w->ctx);
}

static void groups_page(struct page *p)
{
	const struct setup *s = p->setup;
	int strip_w = p->width / p->n_strips;
	int n_dca = s->vals.n_instances[PARAM_DCA];
	p->w->page_begin(p->w->ctx, "groups");
	for (int k = 0; k < n_dca; k++)
		strip(p, PARAM_DCA, k, s->dca_name[k], STRIP_MUTE, k * strip_w, 0, strip_w,
		      p->height);
	int x = n_dca * strip_w + strip_w / 2;
	int n_mgrp = s->vals.n_instances[PARAM_MGRP];
	int h = p->height / (n_mgrp + 1);
	caption(p, "mgrp_caption", "mute groups", x, 0, 2 * strip_w, h);
	for (int k = 0; k < n_mgrp; k++) {
		char text[32];
		snprintf(text, sizeof text, "MUTE %d", k + 1);
		param_control(p, PARAM_MGRP, k, 0, "on", text, x, (k + 1) * h, 2 * strip_w, h,
			      COLOUR_MUTE);
	}
	p->w->page_end(p->w->ctx);
}

/* Every row of a scope with one owner, switches only, in table order: the section safes or
 * what one link group carries. */
static void switch_rows(struct page *p, enum param_scope scope, int owner, int *y, int row_h,
			const char *page_id, const char *title)
{
	struct row r = row_begin(p, *y, row_h, page_id, title);
	for (int i = 0; i < params_count; i++) {
		const struct param_desc *d = &params_table[i];
		int x, cy, w, h;
		if (d->scope != scope || d->type != PARAM_BOOL)
			continue;
		if (!row_cell(p, &r, d->path, page_id, &x, &cy, &w, &h)) {
			r = row_begin(p, *y += row_h, row_h, page_id, title);
			row_cell(p, &r, d->path, page_id, &x, &cy, &w, &h);
		}
		param_control(p, scope, owner, 0, d->path, "ON", x, cy, w, h, COLOUR_CHANNEL);
	}
	*y += row_h;
}

/*
 * Scene safes (what every recall leaves alone; each channel's own safe is on its page) and
 * what each link group carries (which channels are in a group is a choice on the channel,
 * /ch/N/link, set from the config or OSC).
 */
static void safes_links_page(struct page *p)
{
	const struct setup *s = p->setup;
	int n_links = s->vals.n_instances[PARAM_LINK];
	int n_rows = 2 + (s->n_buses > 0) + n_links;
	int row_h = p->height / n_rows, y = 0;
	p->w->page_begin(p->w->ctx, "safes & links");
	switch_rows(p, PARAM_SAFE, 0, &y, row_h, "p_safe", "safe");
	if (s->n_buses > 0) {
		struct row r = row_begin(p, y, row_h, "p_safe", "bus safe");
		for (int bus = 0; bus < s->n_buses; bus++) {
			int x, cy, w, h;
			if (row_cell(p, &r, s->buses[bus].name, "p_safe_bus", &x, &cy, &w, &h))
				param_control(p, PARAM_AUX, bus, 0, "safe", "ON", x, cy, w, h,
					      COLOUR_BUS);
		}
		y += row_h;
	}
	for (int k = 0; k < n_links; k++) {
		char title[24], page_id[24];
		snprintf(title, sizeof title, "link %d", k + 1);
		snprintf(page_id, sizeof page_id, "p_link%d", k + 1);
		switch_rows(p, PARAM_LINK, k, &y, row_h, page_id, title);
	}
	p->w->page_end(p->w->ctx);
}

static void master_page(struct page *p)
{
	int strip_w = 2 * p->width / CELLS_PER_ROW;
	int row_h = p->height / 6;
	p->w->page_begin(p->w->ctx, "master");
	strip(p, PARAM_MASTER, 0, param_scope_name(PARAM_MASTER), STRIP_STEREO_METER | STRIP_MUTE,
	      0, 0, strip_w, p->height);
	/* The rows: a page of their own right of the strip. */
	struct page right = *p;
	right.width = p->width - strip_w;
	right.x0 = strip_w;
	struct row r = row_begin(&right, 0, row_h, "p_master", "eq");
	row_params(&right, &r, PARAM_MASTER, 0, eq_low_paths, "p_master");
	r = row_begin(&right, row_h, row_h, "p_master", "eq");
	row_params(&right, &r, PARAM_MASTER, 0, eq_high_paths, "p_master");
	r = row_begin(&right, 2 * row_h, row_h, "p_master", "bus comp");
	row_params(&right, &r, PARAM_MASTER, 0, comp_paths, "p_master");
	r = row_begin(&right, 3 * row_h, row_h, "p_master", "limiter");
	row_params(&right, &r, PARAM_MASTER, 0, limiter_paths, "p_master");
	static const char *const figures[] = { "truepeak/gr", "loudness/m", "loudness/s",
					       "loudness/i", "loudness/lra", "truepeak/l",
					       "truepeak/r", NULL };
	static const char *const captions[] = { "limit dB", "M LUFS", "S LUFS", "I LUFS",
						"LRA LU", "TP L", "TP R", NULL };
	r = row_begin(&right, 4 * row_h, row_h, "p_master", "loudness");
	for (int i = 0; figures[i]; i++) {
		int x, y, w, h;
		if (i == 1)
			r = row_begin(&right, 5 * row_h, row_h, "p_master", "loudness");
		if (row_cell(&right, &r, captions[i], "p_master", &x, &y, &w, &h))
			meter(&right, PARAM_MASTER, 0, figures[i], x, y, w, h);
	}
	p->w->page_end(p->w->ctx);
}

static void build(const struct setup *setup, enum surface_size size,
		  const struct surface_writer *w, bool has_mixer)
{
	struct page p = { .setup = setup, .w = w, .n_strips = size == SURFACE_PHONE ? 8 : 16 };
	surface_dimensions(size, &p.width, &p.height);
	if (has_mixer)
		mixer_pages(&p);
	for (int ch = 0; ch < setup->n_channels; ch++)
		channel_page(&p, ch);
	if (setup->n_buses > 0)
		buses_page(&p);
	for (int bus = 0; bus < setup->n_buses; bus++)
		if (setup->buses[bus].type == BUS_MONITOR)
			mix_page(&p, bus);
	groups_page(&p);
	safes_links_page(&p);
	master_page(&p);
}

void surface_build(const struct setup *setup, enum surface_size size,
		   const struct surface_writer *w)
{
	build(setup, size, w, true);
}

void surface_build_detail(const struct setup *setup, enum surface_size size,
			  const struct surface_writer *w)
{
	build(setup, size, w, false);
}

void surface_build_monitor(const struct setup *setup, enum surface_size size, int bus,
			   const struct surface_writer *w)
{
	struct page p = { .setup = setup, .w = w, .n_strips = size == SURFACE_PHONE ? 8 : 16 };
	surface_dimensions(size, &p.width, &p.height);
	mix_page(&p, bus);
}
