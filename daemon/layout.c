/*
 * layout.c - control surfaces from the parameter table; see layout.h.
 *
 * The Open Stage Control session, widget by widget, and why each is made that way:
 *
 *   strip panel   one per channel, then one for the master, then one per DCA group (fader
 *                 and mute, no meter: a DCA carries no signal of its own), side by side (root
 *                 layout horizontal, every strip expands), so 8 or 32 channels fill the
 *                 screen alike.
 *   name          a text widget holding the configured channel name.
 *   knob          every continuous row other than a fader (here: pan), on its /norm twin
 *                 with range 0..1: Open Stage Control then needs no knowledge of our units
 *                 or tapers, and the daemon's feedback (sent at both addresses) keeps it in
 *                 place. default and origin are the row's default, so a double tap resets it.
 *   fader         every TAPER_FADER row, on /norm, range 0..1 with the scale labelled in dB
 *                 at the breakpoints of the fader law (computed with param_from_norm, so the
 *                 labels follow the law if it changes); 4 decimals because Open Stage Control
 *                 rounds what it sends to `decimals` (2 by default: only 100 fader steps).
 *   meter         a fader that cannot be touched (interaction false) and never sends (bypass
 *                 true), ranged in dBFS. /ch/N/meter carries three floats and Open Stage
 *                 Control hands a multi-argument message to a widget as an array, which a
 *                 fader ignores; so the meter's `value` property listens itself with
 *                 OSC{/ch/N/meter} and picks the peak (argument 0; the master's two meters
 *                 pick peak left and right, arguments 0 and 1). Levels below the range sit at
 *                 the bottom (silence reads -120), above it at the top.
 *   buttons       every switch row (mute, solo), toggle mode, on 1 / off 0: what the daemon
 *                 stores and echoes (as an int, which compares equal to 1 in JavaScript).
 *   subscribe     a script widget whose onCreate sends /subscribe at once and then every
 *                 LAYOUT_RENEW_MS. onCreate runs with sending allowed, and timers started
 *                 there keep that permission (Open Stage Control script-vm), so the renewal
 *                 works without a custom module. It goes to the server's default target
 *                 (--send host:port) from the server's own OSC port, which is where the
 *                 daemon then sends the state, feedback and meters.
 */
#include "daemon/layout.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "daemon/params.h"
#include "daemon/touchosc.h"
#include "osc/address.h"
#include "osc/meter_field.h"

/* The session file format we write: Open Stage Control 1.30.0, the latest release read. */
#define OSC_SESSION_VERSION "1.30.0"

/* Which rows a strip shows, in this order within their kind; rows a scope lacks are skipped. */
static const char *const strip_paths[] = { "pan", "fader", "mute", "solo" };
#define N_STRIP_PATHS ((int)(sizeof strip_paths / sizeof strip_paths[0]))

/* Where the fader scale gets a label: the breakpoints of the X32 law on its travel. */
static const float fader_label_norms[] = { 0.0f, 0.0625f, 0.25f, 0.5f, 0.75f, 1.0f };
#define N_FADER_LABELS ((int)(sizeof fader_label_norms / sizeof fader_label_norms[0]))

enum widget_kind {
	WIDGET_NONE,
	WIDGET_KNOB,
	WIDGET_FADER,
	WIDGET_BUTTON,
};

static enum widget_kind widget_for(const struct param_desc *d)
{
	if (d->type == PARAM_BOOL)
		return WIDGET_BUTTON;
	if (d->type != PARAM_FLOAT)
		return WIDGET_NONE;   /* choices need a menu: not on this surface */
	return d->taper == TAPER_FADER ? WIDGET_FADER : WIDGET_KNOB;
}

/* ---- a small pretty-printing JSON writer (2-space indent, as Open Stage Control saves) ---- */

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	int depth;
	bool has_items[JSON_MAX_DEPTH];
};

static void json_indent(struct json *j)
{
	for (int i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

static void json_put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* Start a member (key != NULL, inside an object) or an element (inside an array). */
static void json_item(struct json *j, const char *key)
{
	if (j->has_items[j->depth])
		fputc(',', j->f);
	if (j->depth > 0)
		fputc('\n', j->f);
	j->has_items[j->depth] = true;
	json_indent(j);
	if (key) {
		json_put_string(j->f, key);
		fputs(": ", j->f);
	}
}

static void json_open(struct json *j, const char *key, char bracket)
{
	json_item(j, key);
	fputc(bracket, j->f);
	if (j->depth + 1 < JSON_MAX_DEPTH)
		j->depth++;
	j->has_items[j->depth] = false;
}

static void json_close(struct json *j, char bracket)
{
	bool had_items = j->has_items[j->depth];
	j->depth--;
	if (had_items) {
		fputc('\n', j->f);
		json_indent(j);
	}
	fputc(bracket, j->f);
}

static void json_string(struct json *j, const char *key, const char *value)
{
	json_item(j, key);
	json_put_string(j->f, value);
}

/* Shortest form that reads back as the same float; JSON has no inf or NaN. */
static void json_number(struct json *j, const char *key, double value)
{
	json_item(j, key);
	fprintf(j->f, "%.9g", isfinite(value) ? (double)(float)value : 0.0);
}

static void json_bool(struct json *j, const char *key, bool value)
{
	json_item(j, key);
	fputs(value ? "true" : "false", j->f);
}

/* ---- widgets ---- */

/* Widget ids: "ch3_fader", "master_mute"; slashes of nested paths become underscores. */
static void widget_id(const char *strip_id, const char *what, char *buf, size_t size)
{
	snprintf(buf, size, "%s_%s", strip_id, what);
	for (char *p = buf; *p; p++)
		if (*p == '/')
			*p = '_';
}

static void label_for_norm(const struct param_desc *d, float norm, char *buf, size_t size)
{
	float v = param_from_norm(d, norm);
	if (d->taper == TAPER_FADER && v <= d->min)
		snprintf(buf, size, "-inf");   /* the bottom of a fader is off, not -90 dB */
	else
		snprintf(buf, size, v > 0.0f ? "+%g" : "%g", (double)(roundf(v * 10.0f) / 10.0f));
}

static void write_fader_range(struct json *j, const struct param_desc *d)
{
	json_open(j, "range", '{');
	for (int i = 0; i < N_FADER_LABELS; i++) {
		float norm = fader_label_norms[i];
		char key[16], label[16];
		if (i == 0)
			snprintf(key, sizeof key, "min");
		else if (i == N_FADER_LABELS - 1)
			snprintf(key, sizeof key, "max");
		else
			snprintf(key, sizeof key, "%g%%", (double)norm * 100.0);
		label_for_norm(d, norm, label, sizeof label);
		json_open(j, key, '{');
		json_number(j, label, norm);
		json_close(j, '}');
	}
	json_close(j, '}');
}

static void write_norm_range(struct json *j)
{
	json_open(j, "range", '{');
	json_number(j, "min", 0.0);
	json_number(j, "max", 1.0);
	json_close(j, '}');
}

/* The widget of row d on channel ch (or the master): buttons on the value, the rest on /norm. */
static void write_control(struct json *j, const char *strip_id, int ch,
			  const struct param_desc *d)
{
	char id[96], address[OSC_ADDRESS_MAX];
	enum widget_kind kind = widget_for(d);
	widget_id(strip_id, d->path, id, sizeof id);
	struct param_inst pi = { .desc = d, .owner = (uint16_t)ch };
	osc_address_print(&pi, kind != WIDGET_BUTTON, address, sizeof address);

	json_open(j, NULL, '{');
	switch (kind) {
	case WIDGET_FADER:
		json_string(j, "type", "fader");
		json_string(j, "id", id);
		json_bool(j, "expand", true);
		json_bool(j, "pips", true);
		write_fader_range(j, d);
		json_number(j, "default", param_to_norm(d, d->def));
		json_bool(j, "doubleTap", true);
		json_number(j, "decimals", 4);
		break;
	case WIDGET_KNOB:
		json_string(j, "type", "knob");
		json_string(j, "id", id);
		json_number(j, "height", 90);
		write_norm_range(j);
		json_number(j, "origin", param_to_norm(d, d->def));
		json_number(j, "default", param_to_norm(d, d->def));
		json_bool(j, "doubleTap", true);
		json_number(j, "decimals", 4);
		break;
	case WIDGET_BUTTON: {
		char label[64];
		snprintf(label, sizeof label, "%s", d->path);
		for (char *p = label; *p; p++)
			*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
		json_string(j, "type", "button");
		json_string(j, "id", id);
		json_number(j, "height", 50);
		json_string(j, "label", label);
		json_string(j, "mode", "toggle");
		json_number(j, "on", 1);
		json_number(j, "off", 0);
		break;
	}
	case WIDGET_NONE:
	default:
		break;
	}
	json_string(j, "address", address);
	json_close(j, '}');
}

/* A meter bar: argument arg of the scope's meter message, peak dBFS. */
static void write_meter(struct json *j, const char *strip_id, const char *prefix, int arg,
			const char *suffix)
{
	char id[96], address[160], value[256];
	widget_id(strip_id, suffix, id, sizeof id);
	snprintf(address, sizeof address, "%smeter", prefix);
	/* Before the first message the listener yields its default, a plain number. */
	snprintf(value, sizeof value,
		 "JS{{ var m = OSC{%s, -120}; return Array.isArray(m) ? m[%d] : m }}", address, arg);

	json_open(j, NULL, '{');
	json_string(j, "type", "fader");
	json_string(j, "id", id);
	json_number(j, "width", 20);
	json_bool(j, "interaction", false);
	json_string(j, "design", "compact");
	json_open(j, "range", '{');
	json_number(j, "min", LAYOUT_METER_MIN_DB);
	json_number(j, "max", LAYOUT_METER_MAX_DB);
	json_close(j, '}');
	json_open(j, "gradient", '{');
	json_string(j, "0", "#2e9e44");
	json_string(j, "0.8", "#e0c020");   /* -12 dBFS */
	json_string(j, "0.95", "#d83030");  /* -3 dBFS */
	json_close(j, '}');
	json_string(j, "value", value);
	json_string(j, "address", address);
	json_bool(j, "bypass", true);
	json_close(j, '}');
}

static void write_strip(struct json *j, enum param_scope scope, int ch, const char *title)
{
	char strip_id[64], prefix[64], id[96];
	if (scope == PARAM_CHANNEL)
		snprintf(strip_id, sizeof strip_id, "ch%d", ch + 1);
	else if (scope == PARAM_DCA)
		snprintf(strip_id, sizeof strip_id, "dca%d", ch + 1);
	else
		snprintf(strip_id, sizeof strip_id, "%s", param_scope_name(scope));
	osc_address_prefix(scope, ch, prefix, sizeof prefix);

	json_open(j, NULL, '{');
	json_string(j, "type", "panel");
	json_string(j, "id", strip_id);
	json_bool(j, "expand", true);
	json_string(j, "layout", "vertical");
	json_open(j, "widgets", '[');

	json_open(j, NULL, '{');
	widget_id(strip_id, "name", id, sizeof id);
	json_string(j, "type", "text");
	json_string(j, "id", id);
	json_number(j, "height", 40);
	json_string(j, "value", title);
	json_close(j, '}');

	for (int i = 0; i < N_STRIP_PATHS; i++) {
		const struct param_desc *d = params_find_path(scope, strip_paths[i]);
		if (d && widget_for(d) == WIDGET_KNOB)
			write_control(j, strip_id, ch, d);
	}

	json_open(j, NULL, '{');
	widget_id(strip_id, "levels", id, sizeof id);
	json_string(j, "type", "panel");
	json_string(j, "id", id);
	json_bool(j, "expand", true);
	json_string(j, "layout", "horizontal");
	json_open(j, "widgets", '[');
	if (scope == PARAM_CHANNEL) {
		write_meter(j, strip_id, prefix, 0, "meter");
	} else if (scope == PARAM_MASTER) {
		write_meter(j, strip_id, prefix, 0, "meter_l");
		write_meter(j, strip_id, prefix, 1, "meter_r");
	}
	for (int i = 0; i < N_STRIP_PATHS; i++) {
		const struct param_desc *d = params_find_path(scope, strip_paths[i]);
		if (d && widget_for(d) == WIDGET_FADER)
			write_control(j, strip_id, ch, d);
	}
	json_close(j, ']');
	json_close(j, '}');

	for (int i = 0; i < N_STRIP_PATHS; i++) {
		const struct param_desc *d = params_find_path(scope, strip_paths[i]);
		if (d && widget_for(d) == WIDGET_BUTTON)
			write_control(j, strip_id, ch, d);
	}

	json_close(j, ']');
	json_close(j, '}');
}

static void write_subscriber(struct json *j)
{
	char script[256];
	snprintf(script, sizeof script,
		 "send('/subscribe')\nsetInterval(function () {\n  send('/subscribe')\n}, %d)",
		 LAYOUT_RENEW_MS);
	json_open(j, NULL, '{');
	json_string(j, "type", "script");
	json_string(j, "id", "jmixd_subscribe");
	json_string(j, "address", "/subscribe");
	json_string(j, "onCreate", script);
	json_close(j, '}');
}

/*
 * ---- the other pages (surface.h), as tabs of absolutely placed widgets ----
 *
 * Widgets by kind: faders and knobs on 0..1 with the row's default, toggles on 1/0, names
 * as text fed by /ch/N/name, captions as text. Meters and figures listen to the
 * multi-float meter messages this session gets (it subscribes with plain /subscribe) and
 * pick their argument (meter_field_source), mapped as the single-float field would be.
 */
struct session_pages {
	struct json *j;
	char slug[48];               /* the page's id prefix: "ch_3" */
};

static void pages_begin(void *ctx, const char *name)
{
	struct session_pages *sp = ctx;
	char id[64];
	snprintf(sp->slug, sizeof sp->slug, "%s", name);
	for (char *p = sp->slug; *p; p++)
		if (*p == ' ')
			*p = '_';
	snprintf(id, sizeof id, "tab_%s", sp->slug);
	json_open(sp->j, NULL, '{');
	json_string(sp->j, "type", "tab");
	json_string(sp->j, "id", id);
	json_string(sp->j, "label", name);
	json_open(sp->j, "widgets", '[');
}

static void pages_end(void *ctx)
{
	struct session_pages *sp = ctx;
	json_close(sp->j, ']');
	json_close(sp->j, '}');
}

/* A meter or a figure: the argument of its multi-float message, as the field maps it. */
static void write_listener(struct json *j, const char *address)
{
	char prefix[OSC_ADDRESS_MAX], message[OSC_ADDRESS_MAX], value[400];
	for (int id = 1; id <= meter_field_count(); id++) {
		const char *suffix = meter_field_suffix(id);
		size_t n = strlen(address), k = strlen(suffix);
		if (n <= k || strcmp(address + n - k, suffix) != 0)
			continue;
		const char *what;
		int arg, law;
		meter_field_source(id, &what, &arg, &law);
		snprintf(prefix, sizeof prefix, "%.*s", (int)(n - k), address);
		snprintf(message, sizeof message, "%s%s", prefix, what);
		const char *map = law == 1 ? "Math.min(1, Math.max(0, (v + 60) / 60))"
				  : law == 2 ? "Math.min(1, Math.max(0, v / 24))" : "v.toFixed(1)";
		snprintf(value, sizeof value,
			 "JS{{ var m = OSC{%s, -120}; var v = Array.isArray(m) ? m[%d] : m; "
			 "return %s }}", message, arg, map);
		json_string(j, "value", value);
		json_string(j, "address", message);
		json_bool(j, "bypass", true);
		return;
	}
}

static void pages_control(void *ctx, const struct surface_control *c)
{
	struct session_pages *sp = ctx;
	struct json *j = sp->j;
	char id[160];
	snprintf(id, sizeof id, "%s_%s", sp->slug, c->id);
	static const char *const types[] = {
		[SURF_FADER] = "fader", [SURF_KNOB] = "knob", [SURF_TOGGLE] = "button",
		[SURF_METER] = "fader", [SURF_NAME] = "text", [SURF_READOUT] = "text",
		[SURF_CAPTION] = "text",
	};
	json_open(j, NULL, '{');
	json_string(j, "type", types[c->kind]);
	json_string(j, "id", id);
	json_number(j, "left", c->x);
	json_number(j, "top", c->y);
	json_number(j, "width", c->w);
	json_number(j, "height", c->h);
	switch (c->kind) {
	case SURF_FADER:
	case SURF_KNOB:
		write_norm_range(j);
		json_number(j, "default", c->def_norm);
		json_bool(j, "doubleTap", true);
		json_number(j, "decimals", 4);
		if (c->kind == SURF_KNOB)
			json_number(j, "origin", c->def_norm);
		json_string(j, "address", c->address);
		break;
	case SURF_TOGGLE:
		json_string(j, "label", c->text);
		json_string(j, "mode", "toggle");
		json_number(j, "on", 1);
		json_number(j, "off", 0);
		json_string(j, "address", c->address);
		break;
	case SURF_METER:
		json_bool(j, "interaction", false);
		json_string(j, "design", "compact");
		write_norm_range(j);
		write_listener(j, c->address);
		break;
	case SURF_READOUT:
		write_listener(j, c->address);
		break;
	case SURF_NAME:
		json_string(j, "value", c->text);
		json_string(j, "address", c->address);
		break;
	case SURF_CAPTION:
	default:
		json_string(j, "value", c->text);
		break;
	}
	json_close(j, '}');
}

static void write_osc_session(struct json *j, const struct setup *setup)
{
	char comment[256];
	snprintf(comment, sizeof comment,
		 "jmixd console, %d channels. Generated by `jmixd --print-layout osc-session` "
		 "from the parameter table and the configuration: regenerate, do not edit.",
		 setup->n_channels);

	json_open(j, NULL, '{');
	json_string(j, "createdWith", "Open Stage Control");
	json_string(j, "version", OSC_SESSION_VERSION);
	json_string(j, "type", "session");
	json_open(j, "content", '{');
	json_string(j, "type", "root");
	json_string(j, "id", "root");
	json_string(j, "comments", comment);
	json_open(j, "tabs", '[');
	json_open(j, NULL, '{');
	json_string(j, "type", "tab");
	json_string(j, "id", "tab_mixer");
	json_string(j, "label", "mixer");
	json_string(j, "layout", "horizontal");
	json_open(j, "widgets", '[');
	write_subscriber(j);
	for (int ch = 0; ch < setup->n_channels; ch++)
		write_strip(j, PARAM_CHANNEL, ch, setup->channels[ch].name);
	write_strip(j, PARAM_MASTER, 0, param_scope_name(PARAM_MASTER));
	for (int k = 0; k < setup->vals.n_instances[PARAM_DCA]; k++)
		write_strip(j, PARAM_DCA, k, setup->dca_name[k]);
	json_close(j, ']');
	json_close(j, '}');
	struct session_pages sp = { .j = j };
	struct surface_writer w = { .ctx = &sp, .page_begin = pages_begin,
				    .control = pages_control, .page_end = pages_end };
	surface_build_detail(setup, SURFACE_TABLET, &w);
	json_close(j, ']');
	json_close(j, '}');
	json_close(j, '}');
	fputc('\n', j->f);
}

static const char *const kind_names[] = {
	[LAYOUT_OSC_SESSION] = "osc-session",
	[LAYOUT_TOUCHOSC] = "touchosc",
	[LAYOUT_TOUCHOSC_MK1] = "touchosc-mk1",
	[LAYOUT_TOUCHOSC_MONITOR] = "touchosc-monitor",
};

int layout_kind_from_name(const char *name)
{
	for (int k = 0; k < (int)(sizeof kind_names / sizeof kind_names[0]); k++)
		if (strcmp(name, kind_names[k]) == 0)
			return k;
	return -1;
}

const char *layout_kind_names(void)
{
	return "osc-session, touchosc, touchosc-mk1 or touchosc-monitor BUS";
}

bool layout_kind_is_binary(enum layout_kind kind)
{
	return kind != LAYOUT_OSC_SESSION;
}

bool layout_kind_needs_bus(enum layout_kind kind)
{
	return kind == LAYOUT_TOUCHOSC_MONITOR;
}

int layout_write(FILE *f, enum layout_kind kind, const struct setup *setup,
		 const struct layout_options *options)
{
	static const struct layout_options tablet = { .size = SURFACE_TABLET, .monitor_bus = -1 };
	const struct layout_options *o = options ? options : &tablet;
	struct json j = { .f = f };
	int rc = 0;
	switch (kind) {
	case LAYOUT_TOUCHOSC:
		rc = touchosc_write(f, setup, o->size, -1);
		break;
	case LAYOUT_TOUCHOSC_MK1:
		rc = touchosc_mk1_write(f, setup, o->size, -1);
		break;
	case LAYOUT_TOUCHOSC_MONITOR:
		if (o->monitor_bus < 0 || o->monitor_bus >= setup->n_buses)
			return -EINVAL;
		rc = touchosc_write(f, setup, o->size, o->monitor_bus);
		break;
	case LAYOUT_OSC_SESSION:
	default:
		write_osc_session(&j, setup);
		break;
	}
	if (rc < 0)
		return rc;
	return fflush(f) == 0 && !ferror(f) ? 0 : -EIO;
}
