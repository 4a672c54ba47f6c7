/*
 * midi_learn.c - see midi_learn.h.
 */
#include "osc/midi_learn.h"

#include <stdio.h>
#include <string.h>

#include "daemon/config_midi.h"
#include "daemon/log.h"
#include "midi/midi_map.h"

static const struct {
	const char *path;
	bool needs_control;
} midi_commands[] = {
	{ "/midi/learn", true },
	{ "/midi/cancel", true },
	{ "/midi/unlearn", true },
	{ "/midi/list", false },
	{ "/midi/status", false },
};

bool osc_midi_is_command(const char *path, bool *needs_control)
{
	for (size_t i = 0; i < sizeof midi_commands / sizeof midi_commands[0]; i++)
		if (strcmp(path, midi_commands[i].path) == 0) {
			*needs_control = midi_commands[i].needs_control;
			return true;
		}
	return false;
}

static void list_reply(struct osc_router *r, const struct osc_peer *to)
{
	static const char *const modes[MIDI_N_MODES] = { "direct", "toggle", "momentary" };
	const struct midi_map *mm = r->midi;
	struct osc_batch b;
	osc_batch_begin(&b, &r->out, to, PACE_REPLY);
	if (mm->n_bindings == 0) {
		lo_message m = lo_message_new();
		if (m) {
			lo_message_add_int32(m, 0);
			lo_message_add_int32(m, 0);
			osc_batch_add(&b, "/midi/list", m);
		}
	}
	for (int i = 0; i < mm->n_bindings; i++) {
		const struct midi_rule *rule = &mm->bindings[i].rule;
		char control[48], text[MIDI_PATH_MAX + 80];
		config_midi_describe(rule, control, sizeof control);
		snprintf(text, sizeof text, "%s %s%s %s%s", control,
			 rule->kind == MIDI_KIND_PROGRAM ? "scene " : "", rule->path, modes[rule->mode],
			 mm->bindings[i].is_learned ? " learned" : "");
		lo_message m = lo_message_new();
		if (!m)
			break;
		lo_message_add_int32(m, i);
		lo_message_add_int32(m, mm->n_bindings);
		lo_message_add_string(m, text);
		osc_batch_add(&b, "/midi/list", m);
	}
	osc_batch_end(&b);
}

static void status_reply(struct osc_router *r, const struct osc_peer *to)
{
	const struct midi_stats *s = &r->midi->stats;
	uint64_t n_bad = 0;
	for (int i = 0; i < MIDI_N_BAD; i++)
		n_bad += s->n_bad[i];
	lo_message m = lo_message_new();
	if (!m)
		return;
	lo_message_add_int32(m, (int32_t)s->n_events);
	lo_message_add_int32(m, (int32_t)s->n_applied);
	lo_message_add_int32(m, (int32_t)s->n_unmapped);
	lo_message_add_int32(m, (int32_t)n_bad);
	lo_message_add_int32(m, (int32_t)s->n_not_picked_up);
	lo_message_add_int32(m, (int32_t)s->n_feedback);
	lo_message_add_int32(m, (int32_t)s->n_rt_dropped);
	osc_send_message(&r->out, to, "/midi/status", m);
	lo_message_free(m);
}

static bool is_strings(const char *types, int argc, int min, int max)
{
	if (argc < min || argc > max)
		return false;
	for (int i = 0; i < argc; i++)
		if (types[i] != 's')
			return false;
	return true;
}

void osc_midi_command(struct osc_router *r, const struct osc_peer *from,
		      const struct osc_peer *reply_to, const char *path, const char *types,
		      lo_arg **argv, int argc)
{
	const char *reason;
	if (!r->midi) {
		osc_route_reject(r, from, path, "MIDI is off (no midi section in the config)");
		return;
	}
	if (strcmp(path, "/midi/learn") == 0) {
		if (!is_strings(types, argc, 1, 2)) {
			osc_route_reject(r, from, path, "expects s <address> [s <mode>]");
			return;
		}
		if (midi_map_learn(r->midi, (const char *)argv[0],
				   argc > 1 ? (const char *)argv[1] : NULL, &reason) < 0) {
			osc_route_reject(r, from, path, reason);
			return;
		}
		r->learn_peer = *reply_to;
	} else if (strcmp(path, "/midi/unlearn") == 0) {
		if (!is_strings(types, argc, 1, 1)) {
			osc_route_reject(r, from, path, "expects s <address>");
			return;
		}
		int n = midi_map_unlearn(r->midi, (const char *)argv[0], &reason);
		if (n < 0) {
			osc_route_reject(r, from, path, reason);
			return;
		}
		lo_message m = lo_message_new();
		if (m) {
			lo_message_add_string(m, (const char *)argv[0]);
			lo_message_add_int32(m, n);
			osc_send_message(&r->out, reply_to, path, m);
			lo_message_free(m);
		}
	} else if (argc != 0) {
		osc_route_reject(r, from, path, "expects no arguments");
		return;
	} else if (strcmp(path, "/midi/cancel") == 0) {
		midi_map_cancel(r->midi);
		osc_send_message_s(&r->out, reply_to, path, "ok");
	} else if (strcmp(path, "/midi/list") == 0) {
		list_reply(r, reply_to);
	} else {
		status_reply(r, reply_to);
	}
	r->n_accepted++;
}

void osc_midi_tick(struct osc_router *r)
{
	struct midi_rule rule;
	if (!r->midi || !midi_map_take_learned(r->midi, &rule))
		return;
	char control[48];
	config_midi_describe(&rule, control, sizeof control);
	lo_message m = lo_message_new();
	if (!m)
		return;
	lo_message_add_string(m, rule.path);
	lo_message_add_string(m, control);
	osc_send_message(&r->out, &r->learn_peer, "/midi/learn", m);
	lo_message_free(m);
}

void osc_midi_totals(const struct osc_router *r, int *n_events, int *n_ignored)
{
	*n_events = *n_ignored = 0;
	if (!r->midi)
		return;
	const struct midi_stats *s = &r->midi->stats;
	uint64_t n = s->n_unmapped + s->n_rt_dropped;
	for (int i = 0; i < MIDI_N_BAD; i++)
		n += s->n_bad[i];
	*n_events = (int)s->n_events;
	*n_ignored = (int)n;
}
