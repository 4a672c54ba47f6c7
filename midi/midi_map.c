/*
 * midi_map.c - see midi_map.h: the bindings, input and feedback (learning: midi_map_learn.c).
 */
#include "midi/midi_map.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/log.h"
#include "midi/midi_map_private.h"
#include "osc/address.h"

/* Raw range of a kind: 7 bits, or 14 for pitch bend and controller pairs. */
static int raw_max(int kind)
{
	return kind == MIDI_KIND_CC14 || kind == MIDI_KIND_PITCHBEND ? 16383 : 127;
}

static bool is_switch(const struct midi_binding *b)
{
	return b->ref.desc && b->ref.desc->type != PARAM_FLOAT;
}

/* The index slot of a control; pitch bend has no number. */
static uint16_t *slot(struct midi_map *mm, int kind, int channel, int number)
{
	return &mm->index[kind][channel & 15][kind == MIDI_KIND_PITCHBEND ? 0 : number & 127];
}

void midi_map_reindex(struct midi_map *mm)
{
	memset(mm->index, 0, sizeof mm->index);
	for (int i = 0; i < mm->n_bindings; i++) {
		const struct midi_rule *r = &mm->bindings[i].rule;
		*slot(mm, r->kind, r->channel, r->number) = (uint16_t)(i + 1);
		/* A pair's LSB controller (n + 32) finds the same binding through the CC table. */
		if (r->kind == MIDI_KIND_CC14)
			*slot(mm, MIDI_KIND_CC14, r->channel, r->number + 32) = (uint16_t)(i + 1);
	}
}

bool midi_rule_same_control(const struct midi_rule *a, const struct midi_rule *b)
{
	return a->kind == b->kind && a->channel == b->channel &&
	       (a->kind == MIDI_KIND_PITCHBEND || a->number == b->number);
}

/* Add (or replace the binding of the same control). 0, or -1 with *reason. */
int midi_map_bind(struct midi_map *mm, const struct midi_rule *r, bool is_learned,
		  const char **reason)
{
	struct midi_binding b = { .rule = *r, .is_learned = is_learned, .value_index = -1,
				  .last_in = -1, .last_sent = -1, .last_value = NAN };
	b.takeover = r->takeover >= 0 ? r->takeover : mm->setup->takeover;
	if (r->kind != MIDI_KIND_PROGRAM) {
		struct osc_address a;
		if (osc_address_parse(mm->control, r->path, &a, reason) < 0)
			return -1;
		if (a.is_meter) {
			*reason = "a meter cannot be bound";
			return -1;
		}
		b.ref = a.ref;
		b.value_index = control_value_index(mm->control, a.ref);
	}
	int at = mm->n_bindings;
	for (int i = 0; i < mm->n_bindings; i++)
		if (midi_rule_same_control(&mm->bindings[i].rule, r))
			at = i;
	if (at == MIDI_BINDINGS_MAX) {
		*reason = "too many bindings";
		return -1;
	}
	mm->bindings[at] = b;
	if (at == mm->n_bindings)
		mm->n_bindings++;
	return 0;
}

int midi_map_check(const struct control *c, const struct setup_midi *setup, char *err,
		   size_t size)
{
	for (int i = 0; i < setup->n_rules; i++) {
		const struct midi_rule *r = &setup->rules[i];
		struct osc_address a;
		const char *reason = "a meter cannot be bound";
		if (r->kind == MIDI_KIND_PROGRAM)
			continue;
		if (osc_address_parse(c, r->path, &a, &reason) < 0 || a.is_meter) {
			snprintf(err, size, "midi.map.[%d]: %s: %s", i, r->path, reason);
			return -1;
		}
	}
	return 0;
}

int midi_map_init(struct midi_map *mm, struct control *c, struct state *st,
		  const struct setup_midi *setup, midi_send_fn send, void *send_ctx)
{
	*mm = (struct midi_map){ .control = c, .state = st, .setup = setup, .send = send,
				 .send_ctx = send_ctx };
	midi_map_load_learned(mm);
	const char *reason;
	for (int i = 0; i < setup->n_rules; i++) {
		const struct midi_rule *r = &setup->rules[i];
		if (r->kind != MIDI_KIND_PROGRAM && midi_map_is_unlearned(mm, r->path))
			continue;
		if (midi_map_bind(mm, r, false, &reason) < 0)
			log_error("midi.map.[%d]: %s: %s; not bound", i, r->path, reason);
	}
	for (int i = 0; i < mm->learned.n_rules; i++)
		if (midi_map_bind(mm, &mm->learned.rules[i], true, &reason) < 0)
			log_warn("midi: learned %s: %s; not bound", mm->learned.rules[i].path, reason);
	midi_map_reindex(mm);
	return 0;
}

/* The parameter's position on the control's raw scale. */
static int raw_of(const struct midi_binding *b, float value)
{
	int max = raw_max(b->rule.kind);
	if (is_switch(b) && b->ref.desc->type == PARAM_BOOL)
		return value != 0.0f ? max : 0;
	return (int)lroundf(param_to_norm(b->ref.desc, value) * (float)max);
}

static void set_value(struct midi_map *mm, struct midi_binding *b, float v)
{
	const char *reason;
	if (control_set(mm->control, b->ref, v, ORIGIN_NONE, &reason) < 0) {
		log_debug("midi: %s: %s", b->rule.path, reason);
		return;
	}
	mm->stats.n_applied++;
	b->last_value = control_get(mm->control, b->ref);
}

/*
 * A continuous control in direct mode, with soft takeover: taken once it is within one 7-bit
 * step of the parameter's position, or has crossed it since its last event.
 */
static void apply_continuous(struct midi_map *mm, struct midi_binding *b, int raw,
			     int64_t now_ms)
{
	int max = raw_max(b->rule.kind);
	float cur = mm->control->values[b->value_index];
	if (b->takeover == MIDI_TAKEOVER_PICKUP && !b->is_picked_up) {
		int at = raw_of(b, cur);
		int step = max / 127;   /* one 7-bit step: 1, or 129 of 14 bits */
		bool is_near = abs(raw - at) <= step;
		bool has_crossed = b->last_in >= 0 && (b->last_in - at) * (raw - at) <= 0;
		if (!is_near && !has_crossed) {
			b->last_in = raw;
			mm->stats.n_not_picked_up++;
			return;
		}
		b->is_picked_up = true;
	}
	b->last_in = raw;
	b->held_until_ms = now_ms + mm->setup->hold_ms;
	b->last_sent = raw;   /* the control shows this already */
	set_value(mm, b, param_from_norm(b->ref.desc, (float)raw / (float)max));
}

/* Notes and switch-like controls: press and release. */
static void apply_button(struct midi_map *mm, struct midi_binding *b, bool is_press, int raw)
{
	float cur = mm->control->values[b->value_index];
	const struct param_desc *d = b->ref.desc;
	switch (b->rule.mode) {
	case MIDI_MODE_TOGGLE:
		if (!is_press)
			return;
		/* A switch flips; anything else goes between its ends. */
		set_value(mm, b, param_to_norm(d, cur) >= 0.5f ? d->min : d->max);
		break;
	case MIDI_MODE_MOMENTARY:
		set_value(mm, b, is_press ? d->max : d->min);
		break;
	default:
		set_value(mm, b, param_from_norm(d, (float)raw / (float)raw_max(b->rule.kind)));
		break;
	}
	/* The LED shows the new state on the next tick; a button has nothing to fight. */
	b->last_sent = -1;
}

static void recall_scene(struct midi_map *mm, const struct midi_binding *b)
{
	char err[512];
	if (!mm->state || scene_load(mm->state, mm->control, b->rule.path, err, sizeof err) < 0) {
		log_warn("midi: program %u: scene %s: %s", b->rule.number + 1u, b->rule.path,
			 mm->state ? err : "no state folder");
		return;
	}
	mm->stats.n_applied++;
	log_info("midi: program %u recalled scene %s", b->rule.number + 1u, b->rule.path);
}

/* The control an event moves, as a rule's (kind, channel, number). False: none of ours. */
bool midi_rule_of(const struct midi_msg *m, struct midi_rule *r)
{
	*r = (struct midi_rule){ .channel = m->channel, .number = m->number };
	switch (m->type) {
	case MIDI_MSG_CC:
		r->kind = MIDI_KIND_CC;
		return true;
	case MIDI_MSG_NOTE_ON:
	case MIDI_MSG_NOTE_OFF:
		r->kind = MIDI_KIND_NOTE;
		return true;
	case MIDI_MSG_PITCHBEND:
		r->kind = MIDI_KIND_PITCHBEND;
		return true;
	case MIDI_MSG_PROGRAM:
		r->kind = MIDI_KIND_PROGRAM;
		return true;
	default:
		return false;
	}
}

static void apply(struct midi_map *mm, struct midi_binding *b, const struct midi_msg *m,
		  int64_t now_ms)
{
	if (b->rule.kind == MIDI_KIND_PROGRAM) {
		recall_scene(mm, b);
		return;
	}
	if (b->rule.kind == MIDI_KIND_NOTE) {
		apply_button(mm, b, m->type == MIDI_MSG_NOTE_ON, m->value);
		return;
	}
	int raw = m->value;
	if (b->rule.kind == MIDI_KIND_CC14) {
		/* MSB (n) moves the control with the last LSB; LSB (n + 32) refines it. */
		if (m->number >= 32)
			b->cc14_lsb = m->value;
		int msb = m->number >= 32 ? (b->last_in >= 0 ? b->last_in >> 7 : 0) : m->value;
		raw = msb << 7 | b->cc14_lsb;
	}
	if (b->rule.mode != MIDI_MODE_DIRECT) {
		/* A CC button: pressed at 64 and above. */
		bool was_pressed = b->last_in >= raw_max(b->rule.kind) / 2 + 1;
		bool is_pressed = raw >= raw_max(b->rule.kind) / 2 + 1;
		b->last_in = raw;
		if (is_pressed != was_pressed || b->rule.mode == MIDI_MODE_MOMENTARY)
			apply_button(mm, b, is_pressed, raw);
		return;
	}
	apply_continuous(mm, b, raw, now_ms);
}

void midi_map_input(struct midi_map *mm, const uint8_t *bytes, size_t size, int64_t now_ms)
{
	struct midi_msg m;
	enum midi_bad why = midi_decode(bytes, size, &m);
	if (why != MIDI_OK) {
		mm->stats.n_bad[why]++;
		return;
	}
	struct midi_rule r;
	if (!midi_rule_of(&m, &r))
		return;      /* system messages, pressure, sysex: nothing of ours */
	mm->stats.n_events++;
	if (mm->is_learning) {
		if (m.type != MIDI_MSG_NOTE_OFF)
			midi_map_learn_observe(mm, &m, &r);
		return;
	}
	int kind = r.kind;
	uint16_t at = *slot(mm, kind, r.channel, r.number);
	if (!at && kind == MIDI_KIND_CC)
		at = *slot(mm, MIDI_KIND_CC14, r.channel, r.number);
	if (!at) {
		mm->stats.n_unmapped++;
		return;
	}
	apply(mm, &mm->bindings[at - 1], &m, now_ms);
}

/* The feedback bytes of a binding at raw value raw. */
static struct midi_event encode(const struct midi_binding *b, int raw)
{
	struct midi_event ev = { 0 };
	const struct midi_rule *r = &b->rule;
	switch (r->kind) {
	case MIDI_KIND_CC:
		ev.size = (uint8_t)midi_encode_cc(ev.bytes, r->channel, r->number, raw);
		break;
	case MIDI_KIND_CC14:
		ev.size = (uint8_t)midi_encode_cc(ev.bytes, r->channel, r->number, raw >> 7);
		ev.size += (uint8_t)midi_encode_cc(ev.bytes + 3, r->channel, r->number + 32, raw & 127);
		break;
	case MIDI_KIND_NOTE:
		ev.size = (uint8_t)midi_encode_note(ev.bytes, r->channel, r->number,
						    raw >= 64 ? 127 : 0);
		break;
	default:
		ev.size = (uint8_t)midi_encode_pitchbend(ev.bytes, r->channel, raw);
		break;
	}
	return ev;
}

void midi_map_refresh(struct midi_map *mm)
{
	for (int i = 0; i < mm->n_bindings; i++)
		mm->bindings[i].last_sent = -1;
}

void midi_map_tick(struct midi_map *mm, int64_t now_ms)
{
	for (int i = 0; i < mm->n_bindings; i++) {
		struct midi_binding *b = &mm->bindings[i];
		if (b->value_index < 0)
			continue;
		float cur = mm->control->values[b->value_index];
		if (cur != b->last_value) {
			/* Moved by someone else: a soft-takeover control must find it again. */
			b->last_value = cur;
			b->is_picked_up = false;
		}
		if (now_ms < b->held_until_ms)
			continue;
		int raw = raw_of(b, cur);
		if (raw == b->last_sent)
			continue;
		struct midi_event ev = encode(b, raw);
		if (ev.size == 6) {
			/* A controller pair is two messages: two events, both or neither. */
			struct midi_event lsb = { .size = 3 };
			memcpy(lsb.bytes, ev.bytes + 3, 3);
			ev.size = 3;
			if (!mm->send(mm->send_ctx, &ev) || !mm->send(mm->send_ctx, &lsb)) {
				mm->stats.n_feedback_full++;
				return;
			}
		} else if (!mm->send(mm->send_ctx, &ev)) {
			mm->stats.n_feedback_full++;
			return;   /* the ring is full: the rest goes next tick */
		}
		b->last_sent = raw;
		mm->stats.n_feedback++;
	}
}

