/*
 * route.c - see route.h.
 */
#include "osc/route.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "daemon/log.h"
#include "osc/address.h"
#include "osc/feedback.h"
#include "osc/meter_field.h"
#include "osc/midi_learn.h"

#define LOG_LINES_PER_SECOND 20

enum target_kind {
	TARGET_PARAM,
	TARGET_INFO,
	TARGET_STATUS,
	TARGET_SUBSCRIBE,
	TARGET_UNSUBSCRIBE,
	TARGET_DUMP,
	TARGET_METER,
	TARGET_NAME,
	TARGET_SCENE_SAVE,
	TARGET_SCENE_LOAD,
	TARGET_SCENE_DELETE,
	TARGET_SCENE_LIST,
	TARGET_LOUDNESS_RESET,
	TARGET_MIDI,                 /* /midi/... (midi_learn.h) */
};

/* needs_control: refused to the monitor role (a parameter needs it only to be set). */
static const struct {
	const char *path;
	enum target_kind kind;
	bool needs_control;
} commands[] = {
	{ "/info", TARGET_INFO, false },
	{ "/status", TARGET_STATUS, false },
	{ "/subscribe", TARGET_SUBSCRIBE, false },
	{ "/subscribe/floats", TARGET_SUBSCRIBE, false },   /* meters and switches as floats */
	{ "/xremote", TARGET_SUBSCRIBE, false },   /* what X32 surfaces send to stay subscribed */
	{ "/unsubscribe", TARGET_UNSUBSCRIBE, false },
	{ "/dump", TARGET_DUMP, false },
	{ "/snapshot/save", TARGET_SCENE_SAVE, true },
	{ "/snapshot/load", TARGET_SCENE_LOAD, true },
	{ "/snapshot/delete", TARGET_SCENE_DELETE, true },
	{ "/snapshot/list", TARGET_SCENE_LIST, false },
	{ "/master/loudness/reset", TARGET_LOUDNESS_RESET, true },
};

struct target {
	enum target_kind kind;
	bool needs_control;
	struct osc_address addr;     /* TARGET_PARAM and TARGET_METER */
};

const struct osc_peer *osc_route_reply_peer(const struct osc_router *r, const struct osc_peer *from)
{
	int id = osc_clients_find(&r->clients, from);
	return id >= 0 ? &r->clients.client[id].reply_to : from;
}

void osc_route_log_tick(struct osc_router *r)
{
	time_t now = time(NULL);
	if (now == r->log_window)
		return;
	if (r->n_suppressed)
		log_warn("osc: %d more rejected messages not logged", r->n_suppressed);
	r->log_window = now;
	r->n_logged = 0;
	r->n_suppressed = 0;
}

void osc_route_reject(struct osc_router *r, const struct osc_peer *from, const char *path,
		      const char *reason)
{
	char peer[80];

	r->n_rejected++;
	osc_send_error(&r->out, osc_route_reply_peer(r, from), path, reason);

	/* A flood of garbage must not become a flood of log lines. */
	osc_route_log_tick(r);
	if (r->n_logged++ < LOG_LINES_PER_SECOND)
		log_warn("osc: rejected %s from %s: %s", *path ? path : "(no address)",
			 osc_peer_str(from, peer, sizeof peer), reason);
	else
		r->n_suppressed++;
}

/* A fixed command, or a parameter or meter address (address.h). reason set on failure. */
static int resolve(const struct control *c, const char *path, struct target *t,
		   const char **reason)
{
	*t = (struct target){ .kind = TARGET_PARAM };
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(path, commands[i].path) == 0) {
			t->kind = commands[i].kind;
			t->needs_control = commands[i].needs_control;
			return 0;
		}
	if (osc_midi_is_command(path, &t->needs_control)) {
		t->kind = TARGET_MIDI;
		return 0;
	}
	if (osc_address_parse(c, path, &t->addr, reason) < 0)
		return -1;
	if (t->addr.is_meter)
		t->kind = TARGET_METER;
	else if (t->addr.is_name)
		t->kind = TARGET_NAME;
	return 0;
}

/*
 * One OSC argument as a number; NaN stays NaN so validation names it. liblo leaves arguments
 * only 4-byte aligned in its copy of a message, so they are read as bytes, never through
 * union lo_arg (8-byte aligned: undefined, and UBSan says so).
 */
static int arg_number(char type, const lo_arg *a, bool is_switch, float *out, const char **reason)
{
	float f;
	int32_t i;
	double d;
	int64_t h;
	switch (type) {
	case 'f':
		memcpy(&f, a, sizeof f);
		*out = f;
		return 0;
	case 'i':
		memcpy(&i, a, sizeof i);
		*out = (float)i;
		return 0;
	case 'd':
		memcpy(&d, a, sizeof d);
		*out = (float)d;
		return 0;
	case 'h':
		memcpy(&h, a, sizeof h);
		*out = (float)h;
		return 0;
	case 'T':
	case 'F':
		if (is_switch) {
			*out = type == 'T' ? 1.0f : 0.0f;
			return 0;
		}
		*reason = "expects a number (f, i or d), got a boolean";
		return -1;
	case 's':
		*reason = "expects a number, got a string";
		return -1;
	default:
		*reason = "argument type not accepted";
		return -1;
	}
}

static void reply_info(struct osc_router *r, const struct osc_peer *from)
{
	const struct control *c = r->control;
	lo_message m = lo_message_new();
	if (!m)
		return;
	lo_message_add_string(m, r->client_name);
	lo_message_add_string(m, JMIXD_VERSION);
	lo_message_add_int32(m, c->n_channels);
	lo_message_add_int32(m, (int32_t)c->engine.sample_rate);
	lo_message_add_int32(m, (int32_t)c->engine.period);
	for (int ch = 0; ch < c->n_channels; ch++)
		lo_message_add_string(m, c->setup->channels[ch].name);
	/* After the names, so a client that reads n_channels names is undisturbed. */
	lo_message_add_string(m, c->engine.vector_path ? c->engine.vector_path : "none");
	if (osc_send_message(&r->out, from, "/info", m) < 0)
		osc_send_error(&r->out, from, "/info", "reply could not be sent");
	lo_message_free(m);
}

static void reply_status(struct osc_router *r, const struct osc_peer *to)
{
	const struct engine_status *e = &r->control->engine;
	lo_message m = lo_message_new();
	if (!m)
		return;
	lo_message_add_float(m, e->dsp_load_percent);
	lo_message_add_int32(m, (int32_t)e->n_xruns);
	lo_message_add_int32(m, (int32_t)((osc_now_ms() - r->started_ms) / 1000));
	lo_message_add_int32(m, r->clients.n_used);
	lo_message_add_int32(m, e->is_running ? 1 : 0);
	lo_message_add_int32(m, (int32_t)e->n_reconnects);
	lo_message_add_int32(m, (int32_t)e->n_loudness_dropped);
	/* Failed state writes (a full disk, ...); a router without a state folder has none. */
	lo_message_add_int32(m, r->state ? (int32_t)r->state->n_write_failures : 0);
	int n_midi, n_midi_ignored;   /* MIDI events received, and ignored (midi_learn.h) */
	osc_midi_totals(r, &n_midi, &n_midi_ignored);
	lo_message_add_int32(m, n_midi);
	lo_message_add_int32(m, n_midi_ignored);
	osc_send_message(&r->out, to, "/status", m);
	lo_message_free(m);
}

/*
 * /subscribe [port], or /subscribe/floats [port] for a surface that shows one float per
 * control (the generated TouchOSC layouts): it then gets switches as floats and the meters
 * as single floats (meter_field.h). The last subscription says which.
 */
static void subscribe(struct osc_router *r, const struct osc_peer *from, const char *path,
		      const char *types, lo_arg **argv, int argc)
{
	int port = 0;
	if (argc > 1) {
		osc_route_reject(r, from, path, "expects at most one argument (reply port)");
		return;
	}
	if (argc == 1) {
		float v;
		const char *reason;
		if (arg_number(types[0], argv[0], false, &v, &reason) < 0 || !(v >= 1.0f) ||
		    !(v <= 65535.0f) || v != (float)(int)v) {
			osc_route_reject(r, from, path, "reply port must be 1 .. 65535");
			return;
		}
		port = (int)v;
	}
	struct osc_peer reply_to = osc_peer_with_port(from, port);
	if (osc_peer_is_self(&r->self, &reply_to)) {
		osc_route_reject(r, from, path, "the reply port is jmixd's own (a loop)");
		return;
	}
	bool is_new;
	int id = osc_clients_subscribe(&r->clients, from, port, false, &is_new);
	if (id < 0) {
		osc_route_reject(r, from, path, id == -2
				 ? "too many subscriptions from this host (osc.subscriptions_per_host)"
				 : "too many subscribers");
		return;
	}
	if (!r->clients.client[id].is_static)
		r->clients.client[id].is_floats_only = strcmp(path, "/subscribe/floats") == 0;
	if (is_new) {
		char peer[80];
		log_info("osc: %s subscribed", osc_peer_str(&r->clients.client[id].reply_to, peer,
							     sizeof peer));
		if (osc_dump_request(r, &r->clients.client[id].reply_to, osc_now_ms()) < 0)
			osc_route_reject(r, from, path, "too many dumps in progress; /dump later");
	}
	r->n_accepted++;
}

#define SCENE_LIST_MAX 1024

/* Bytes an OSC string takes: its characters, a NUL, padding to 4. */
static size_t osc_string_size(const char *text)
{
	return (strlen(text) + 4) & ~(size_t)3;
}

/*
 * Every scene, sorted, in pages "/snapshot/list ii<s...>": the index of the page's first
 * name, the number of scenes, then the names. Each page is one datagram of at most
 * OSC_BATCH_BYTES (a lost IP fragment would lose a whole 16 kB reply), so any number of
 * scenes is listed; a client has them all when index + names = total.
 */
static void scene_list_reply(struct osc_router *r, const struct osc_peer *to)
{
	static char names[SCENE_LIST_MAX][SCENE_NAME_MAX + 1];
	/* Bundle header, element size, "/snapshot/list", two ints: what a page costs empty. */
	const size_t empty = 16 + 4 + osc_string_size("/snapshot/list") + 8;
	int n = scene_list(r->state, names, SCENE_LIST_MAX);
	int first = 0;
	do {
		int count = 0;
		size_t names_size = 0;
		while (first + count < n) {
			size_t more = names_size + osc_string_size(names[first + count]);
			size_t tags = (size_t)(3 + count + 1 + 4) & ~(size_t)3;   /* ",ii" s... NUL */
			if (empty + tags + more > OSC_BATCH_BYTES)
				break;
			names_size = more;
			count++;
		}
		if (count == 0 && first < n)
			return;   /* cannot happen: a name is at most 64 characters */
		lo_message m = lo_message_new();
		if (!m)
			return;
		lo_message_add_int32(m, first);
		lo_message_add_int32(m, n);
		for (int i = first; i < first + count; i++)
			lo_message_add_string(m, names[i]);
		int rc = osc_send_message(&r->out, to, "/snapshot/list", m);
		lo_message_free(m);
		if (rc < 0)
			return;   /* over the reply budget: the rest would be refused too */
		first += count;
	} while (first < n);
}

/*
 * What follows a recall's scene name: a scope (a string) and a fade time (a number), in
 * either order, at most one of each. 0, or -1 when there is anything else.
 */
static int recall_args(const char *types, lo_arg **argv, int argc, const char **scope,
		       float *fade_s)
{
	const char *reason;
	bool has_time = false;
	for (int k = 0; k < argc; k++) {
		if (types[k] == 's' && !*scope)
			*scope = (const char *)argv[k];
		else if (types[k] != 's' && !has_time &&
			 arg_number(types[k], argv[k], false, fade_s, &reason) == 0)
			has_time = true;
		else
			return -1;
	}
	return 0;
}

/* save, load, delete: one string argument, the scene name; the answer echoes it. A load may
 * add a scope and a fade time (recall.h). */
static void scene_command(struct osc_router *r, const struct osc_peer *from,
			  const struct osc_peer *to, const char *path, enum target_kind kind,
			  const char *types, lo_arg **argv, int argc)
{
	char err[512];
	const char *scope = NULL;
	float fade_s = 0.0f;
	if (kind == TARGET_SCENE_LOAD && argc >= 1 && types[0] == 's' &&
	    recall_args(types + 1, argv + 1, argc - 1, &scope, &fade_s) < 0) {
		osc_route_reject(r, from, path, "expects the scene name, then optionally a scope "
				 "(a string) and a fade time in seconds (a number), once each");
		return;
	}
	if ((argc != 1 && kind != TARGET_SCENE_LOAD) || argc < 1 || types[0] != 's') {
		osc_route_reject(r, from, path, "expects one string: the scene name");
		return;
	}
	const char *name = (const char *)argv[0];
	int rc;
	if (kind == TARGET_SCENE_SAVE)
		rc = scene_save(r->state, r->control, name, err, sizeof err);
	else if (kind == TARGET_SCENE_LOAD)
		rc = scene_recall(r->state, r->control, name, scope, fade_s, err, sizeof err);
	else
		rc = scene_delete(r->state, name, err, sizeof err);
	if (rc < 0) {
		osc_route_reject(r, from, path, err);
		return;
	}
	log_info("osc: %s %s", path, name);
	osc_send_message_s(&r->out, to, path, name);
	r->n_accepted++;
}

/* A membership mask as one int: bit k-1 set when the owner is in group k. */
static int mask_value(const struct control *c, const struct osc_address *a)
{
	int mask = 0;
	for (int k = 0; k < a->n_mask_bits; k++) {
		struct param_ref ref = { osc_address_mask_row(a, k), a->ref.index };
		if (control_get(c, ref) >= 0.5f)
			mask |= 1 << k;
	}
	return mask;
}

/*
 * Set every membership of a mask (a whole number 0 .. 2^bits - 1) in one publish batch; each
 * switch is stored and fed back as itself (the mask is a view, never fed back).
 */
static void set_mask(struct osc_router *r, const struct osc_peer *from, const char *path,
		     const struct osc_address *a, char type, const lo_arg *arg)
{
	const char *reason;
	float v;
	int max = (1 << a->n_mask_bits) - 1;
	if (arg_number(type, arg, false, &v, &reason) < 0) {
		osc_route_reject(r, from, path, reason);
		return;
	}
	if (!(v >= 0.0f && v <= (float)max) || v != floorf(v)) {
		char why[96];
		snprintf(why, sizeof why, "a mask is a whole number 0 .. %d (bit k-1: group k)", max);
		osc_route_reject(r, from, path, why);
		return;
	}
	int origin = osc_clients_find(&r->clients, from);
	publish_batch_begin(&r->control->publish);
	for (int k = 0; k < a->n_mask_bits; k++) {
		struct param_ref ref = { osc_address_mask_row(a, k), a->ref.index };
		control_set(r->control, ref, ((int)v >> k) & 1 ? 1.0f : 0.0f, origin, &reason);
	}
	publish_batch_end(&r->control->publish);
	r->n_accepted++;
}

static void reply_value(struct osc_router *r, const struct osc_peer *from, const char *path,
			const struct osc_address *a)
{
	if (a->n_mask_bits) {
		osc_send_int(&r->out, from, path, mask_value(r->control, a));
		return;
	}
	float v = control_get(r->control, a->ref);
	if (a->is_norm)
		osc_send_float(&r->out, from, path, param_to_norm(a->ref.desc, v));
	else if (a->ref.desc->type == PARAM_FLOAT)
		osc_send_float(&r->out, from, path, v);
	else
		osc_send_int(&r->out, from, path, (int)v);
}

/*
 * A message in the form jmixd sends as an answer, not as a request: an /error, an /info,
 * /status or /snapshot/list with arguments, meters with values. Answering it could start a
 * loop between two desks (or a desk and itself), so it is dropped without a word. Feedback
 * and dumps look like requests; they are recognised by their bundle (reply.h).
 */
static bool is_reply(const char *path, int argc)
{
	static const char *const answers[] = { "/info", "/status", "/snapshot/list", "/midi/list",
					       "/midi/status" };
	if (strcmp(path, "/error") == 0)
		return true;
	if (argc == 0)
		return false;
	for (size_t i = 0; i < sizeof answers / sizeof answers[0]; i++)
		if (strcmp(path, answers[i]) == 0)
			return true;
	size_t len = strlen(path);
	/* A single-float meter (meter_field.h) with a value is one too: a TouchOSC Mk1 fader
	 * showing a meter sends what its finger does to it, which must not draw an /error a
	 * tap. */
	return (len > 6 && strcmp(path + len - 6, "/meter") == 0) || strstr(path, "/meter/") ||
	       strcmp(path, "/master/loudness") == 0 || strcmp(path, "/master/truepeak") == 0 ||
	       (strncmp(path, "/master/loudness/", 17) == 0 &&
		strcmp(path, "/master/loudness/reset") != 0) ||
	       strncmp(path, "/master/truepeak/", 17) == 0;
}

/*
 * The value of a set in the row's natural units, or -1 with *reason set. A choice is taken by
 * its name, or by a number equal to one of its numeric names (/ch/1/hpf/slope i 24: the 24 dB
 * slope); any other number is the choice's index, as in config files and queries. A switch
 * takes any non-zero number as on (TouchOSC buttons send 0.0 and 1.0). *is_as_sent tells
 * whether the sender already shows what is stored (else it gets the echo).
 */
static int value_of(const struct osc_address *a, char type, const lo_arg *arg, float *out,
		    bool *is_as_sent, const char **reason)
{
	const struct param_desc *d = a->ref.desc;
	float sent;
	if (d->type == PARAM_ENUM && type == 's' && !a->is_norm) {
		int choice = param_choice_index(d, (const char *)arg);
		if (choice < 0) {
			*reason = "not one of the choices";
			return -1;
		}
		*out = (float)choice;
		*is_as_sent = true;
		return 0;
	}
	if (arg_number(type, arg, d->type == PARAM_BOOL, &sent, reason) < 0)
		return -1;
	if (isnan(sent) || isinf(sent)) {
		*reason = isnan(sent) ? "value is NaN" : "value is infinite";
		return -1;
	}
	float v = sent;
	if (a->is_norm) {
		if (sent < 0.0f || sent > 1.0f) {
			*reason = "normalized value outside 0 .. 1";
			return -1;
		}
		v = param_from_norm(d, sent);
	} else if (d->type == PARAM_ENUM && param_choice_of_number(d, sent) >= 0) {
		v = (float)param_choice_of_number(d, sent);
	}
	if (d->type == PARAM_BOOL)
		v = v != 0.0f ? 1.0f : 0.0f;
	*out = v;
	*is_as_sent = a->is_norm ? d->type == PARAM_FLOAT : v == sent;
	return 0;
}

/* One argument sets a parameter (the sender has the control role). */
static void set_param(struct osc_router *r, const struct osc_peer *from, const char *path,
		      const struct osc_address *a, const char *types, lo_arg **argv)
{
	const struct param_desc *d = a->ref.desc;
	const char *reason;
	float v;
	bool is_as_sent;
	if (value_of(a, types[0], argv[0], &v, &is_as_sent, &reason) < 0) {
		osc_route_reject(r, from, path, reason);
		return;
	}
	/* The sender is spared its own echo, unless what it sees is not what it sent. */
	int origin = is_as_sent ? osc_clients_find(&r->clients, from) : ORIGIN_NONE;
	if (control_set(r->control, a->ref, v, origin, &reason) < 0) {
		char why[160];
		snprintf(why, sizeof why, "%s (range %g .. %g%s%s)", reason, (double)d->min,
			 (double)d->max, *d->unit ? " " : "", d->unit);
		osc_route_reject(r, from, path, why);
		return;
	}
	r->n_accepted++;
}

/* A fixed command (everything but a parameter or a meter). */
static void run_command(struct osc_router *r, const struct osc_peer *from,
			const struct osc_peer *reply_to, const char *path, enum target_kind kind,
			const char *types, lo_arg **argv, int argc)
{
	switch (kind) {
	case TARGET_SUBSCRIBE:
		subscribe(r, from, path, types, argv, argc);
		return;     /* counts itself: it may refuse */
	case TARGET_SCENE_SAVE:
	case TARGET_SCENE_LOAD:
	case TARGET_SCENE_DELETE:
		scene_command(r, from, reply_to, path, kind, types, argv, argc);
		return;     /* counts itself: it may refuse */
	case TARGET_INFO:
		reply_info(r, reply_to);
		break;
	case TARGET_STATUS:
		reply_status(r, reply_to);
		break;
	case TARGET_UNSUBSCRIBE:
		osc_clients_unsubscribe(&r->clients, from);
		break;
	case TARGET_DUMP:
		if (osc_dump_request(r, reply_to, osc_now_ms()) < 0) {
			osc_route_reject(r, from, path, "too many dumps in progress; try again later");
			return;
		}
		break;
	case TARGET_SCENE_LIST:
		scene_list_reply(r, reply_to);
		break;
	case TARGET_LOUDNESS_RESET:
		r->control->is_loudness_reset_requested = true;
		log_info("osc: loudness measurement reset");
		osc_send_message_s(&r->out, reply_to, path, "ok");
		break;
	case TARGET_MIDI:
		osc_midi_command(r, from, reply_to, path, types, argv, argc);
		return;     /* counts itself: it may refuse */
	case TARGET_PARAM:
	case TARGET_METER:
	case TARGET_NAME:
		return;
	}
	r->n_accepted++;
}

/*
 * May a monitor-mix source set this parameter? Only the sends into its own bus (level, on,
 * pre) and that bus's fader: a performer's phone mixes its in-ears and touches nothing else.
 */
static bool is_own_mix(const struct osc_router *r, const struct osc_peer *from,
		       const struct osc_address *a)
{
	int bus = osc_access_mix_bus(&r->access, from);
	const struct param_inst *pi = control_inst(r->control, a->ref);
	if (bus < 0 || !pi)
		return false;
	if (pi->desc->scope == PARAM_SEND)
		return pi->bus == bus;
	return pi->desc->scope == PARAM_AUX && pi->owner == bus &&
	       strcmp(pi->desc->path, "fader") == 0;
}

void osc_route_message(struct osc_router *r, const struct osc_peer *from, enum access_role role,
		       const char *path, const char *types, lo_arg **argv, int argc)
{
	struct target t;
	const char *reason;

	if (is_reply(path, argc)) {
		r->n_loops_dropped++;
		return;
	}
	if (resolve(r->control, path, &t, &reason) < 0) {
		osc_route_reject(r, from, path, reason);
		return;
	}
	const struct osc_peer *reply_to = osc_route_reply_peer(r, from);
	if (t.kind == TARGET_PARAM && argc == 0) {
		reply_value(r, reply_to, path, &t.addr);
		r->n_accepted++;
		return;
	}
	if (t.kind == TARGET_PARAM && argc > 1) {
		osc_route_reject(r, from, path, "expects one argument (none to query)");
		return;
	}
	/* The one role check: commands by their column, a parameter when it is set. */
	if ((t.needs_control || t.kind == TARGET_PARAM) && role != ROLE_CONTROL &&
	    !(role == ROLE_MONITOR_MIX && t.kind == TARGET_PARAM && is_own_mix(r, from, &t.addr))) {
		osc_route_reject(r, from, path, role == ROLE_MONITOR_MIX
				 ? "not allowed: this address may set only its monitor mix "
				   "(that bus's sends and fader)"
				 : "not allowed: this address has the monitor role");
		return;
	}
	switch (t.kind) {
	case TARGET_PARAM:
		if (t.addr.n_mask_bits)
			set_mask(r, from, path, &t.addr, types[0], argv[0]);
		else
			set_param(r, from, path, &t.addr, types, argv);
		return;
	case TARGET_METER:
		if (argc != 0) {
			osc_route_reject(r, from, path, "meters are read-only (send no arguments)");
			return;
		}
		if (t.addr.meter_field)
			osc_send_float(&r->out, reply_to, path,
				       meter_field_value(r->control, t.addr.meter_field,
							 t.addr.meter_index));
		else
			osc_meter_reply(r, reply_to, t.addr.meter_scope, t.addr.meter_index);
		r->n_accepted++;
		return;
	case TARGET_NAME:
		if (argc != 0) {
			osc_route_reject(r, from, path,
					 "names are read-only here (set them in the configuration)");
			return;
		}
		osc_send_message_s(&r->out, reply_to, path,
				   osc_address_name_of(r->control, t.addr.meter_scope,
						       t.addr.meter_index));
		r->n_accepted++;
		return;
	default:
		run_command(r, from, reply_to, path, t.kind, types, argv, argc);
		return;
	}
}
