/*
 * midi_map_learn.c - learning (midi_map.h): Non's rule, the same control seen twice in a row
 * binds and one stray event does not; and the learned file, midi.cfg in the state folder
 * (config_midi.h prints and parses it), written atomically on each learn and unlearn.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/log.h"
#include "daemon/state_writer.h"
#include "midi/midi_map_private.h"
#include "osc/address.h"

#define LEARNED_FILE "midi.cfg"

bool midi_map_is_unlearned(const struct midi_map *mm, const char *path)
{
	for (int i = 0; i < mm->learned.n_unlearned; i++)
		if (strcmp(mm->learned.unlearned[i], path) == 0)
			return true;
	return false;
}

void midi_map_load_learned(struct midi_map *mm)
{
	char err[512];
	if (!mm->state || mm->state->dir_fd < 0)
		return;
	int rc = config_midi_read_learned(mm->state->dir_fd, LEARNED_FILE, &mm->learned, err,
					  sizeof err);
	if (rc == -ENOENT)
		return;
	if (rc < 0) {
		log_error("midi: %s; learned bindings not restored", err);
		mm->learned = (struct midi_learned){ 0 };
		return;
	}
	log_info("midi: %d learned binding%s and %d unlearned address%s from %s",
		 mm->learned.n_rules, mm->learned.n_rules == 1 ? "" : "s",
		 mm->learned.n_unlearned, mm->learned.n_unlearned == 1 ? "" : "es", LEARNED_FILE);
}

static void save_learned(struct midi_map *mm)
{
	char err[512];
	size_t len;
	if (!mm->state || mm->state->dir_fd < 0) {
		log_warn("midi: no state folder (state.autosave off): learned bindings last until "
			 "restart");
		return;
	}
	char *text = config_midi_print_learned(&mm->learned, &len);
	if (!text) {
		log_error("midi: out of memory saving %s", LEARNED_FILE);
		return;
	}
	if (state_write_file(mm->state->dir_fd, LEARNED_FILE, text, len, false, err,
			     (int)sizeof err) < 0)
		log_error("midi: cannot save %s: %s", LEARNED_FILE, err);
	free(text);
}

static void learn_bind(struct midi_map *mm, int value)
{
	struct midi_rule r = mm->candidate;
	struct osc_address a;
	const char *reason;
	snprintf(r.path, sizeof r.path, "%s", mm->learn_path);
	r.takeover = -1;
	if (osc_address_parse(mm->control, r.path, &a, &reason) < 0)
		return;
	bool is_switch_row = a.ref.desc->type != PARAM_FLOAT;
	/* A button sends 127 then 0 (or 0 then 127): a switch row toggles on it. */
	bool is_button = r.kind == MIDI_KIND_NOTE ||
			 (value != mm->candidate_first_value &&
			  (value == 0 || value == 127) &&
			  (mm->candidate_first_value == 0 || mm->candidate_first_value == 127));
	r.mode = mm->learn_mode >= 0 ? (uint8_t)mm->learn_mode
		 : (uint8_t)(is_switch_row && is_button ? MIDI_MODE_TOGGLE : MIDI_MODE_DIRECT);
	if (midi_map_bind(mm, &r, true, &reason) < 0) {
		log_warn("midi: learn %s: %s", r.path, reason);
		return;
	}
	midi_map_reindex(mm);
	/* Remember it: replace a learned binding of the same control, forget an unlearn. */
	struct midi_learned *l = &mm->learned;
	int at = l->n_rules;
	for (int i = 0; i < l->n_rules; i++)
		if (midi_rule_same_control(&l->rules[i], &r))
			at = i;
	if (at < MIDI_RULES_MAX) {
		l->rules[at] = r;
		if (at == l->n_rules)
			l->n_rules++;
	}
	for (int i = 0; i < l->n_unlearned; i++)
		if (strcmp(l->unlearned[i], r.path) == 0)
			memmove(l->unlearned[i], l->unlearned[i + 1],
				sizeof l->unlearned[0] * (size_t)(--l->n_unlearned - i));
	save_learned(mm);
	char what[48];
	config_midi_describe(&r, what, sizeof what);
	log_info("midi: learned %s -> %s", what, r.path);
	mm->is_learning = false;
	mm->has_learned = true;
	mm->just_learned = r;
}

void midi_map_learn_observe(struct midi_map *mm, const struct midi_msg *m,
			    const struct midi_rule *r)
{
	if (r->kind == MIDI_KIND_PROGRAM)
		return;
	int value = m->value;
	if (mm->candidate_seen > 0 && midi_rule_same_control(&mm->candidate, r)) {
		if (++mm->candidate_seen >= 2)
			learn_bind(mm, value);
		return;
	}
	mm->candidate = *r;
	mm->candidate_seen = 1;
	mm->candidate_first_value = value;
}

int midi_map_learn(struct midi_map *mm, const char *address, const char *mode,
		   const char **reason)
{
	struct osc_address a;
	if (strlen(address) >= MIDI_PATH_MAX) {
		*reason = "address too long";
		return -1;
	}
	if (osc_address_parse(mm->control, address, &a, reason) < 0)
		return -1;
	if (a.is_meter) {
		*reason = "a meter cannot be bound";
		return -1;
	}
	mm->learn_mode = -1;
	if (mode) {
		static const char *const modes[MIDI_N_MODES] = { "direct", "toggle", "momentary" };
		for (int i = 0; i < MIDI_N_MODES; i++)
			if (strcmp(mode, modes[i]) == 0)
				mm->learn_mode = i;
		if (mm->learn_mode < 0) {
			*reason = "mode must be direct, toggle or momentary";
			return -1;
		}
	}
	snprintf(mm->learn_path, sizeof mm->learn_path, "%s", address);
	mm->is_learning = true;
	mm->candidate_seen = 0;
	log_info("midi: learning %s: move a control", address);
	return 0;
}

void midi_map_cancel(struct midi_map *mm)
{
	if (mm->is_learning)
		log_info("midi: learning %s cancelled", mm->learn_path);
	mm->is_learning = false;
}

int midi_map_unlearn(struct midi_map *mm, const char *address, const char **reason)
{
	struct osc_address a;
	int n = 0;
	/* Only an address of the grammar is remembered: it is printed into midi.cfg. */
	if (strlen(address) >= MIDI_PATH_MAX) {
		*reason = "address too long";
		return -1;
	}
	if (osc_address_parse(mm->control, address, &a, reason) < 0)
		return -1;
	for (int i = 0; i < mm->n_bindings;) {
		struct midi_binding *b = &mm->bindings[i];
		if (b->rule.kind != MIDI_KIND_PROGRAM && strcmp(b->rule.path, address) == 0) {
			memmove(b, b + 1, sizeof *b * (size_t)(--mm->n_bindings - i));
			n++;
		} else {
			i++;
		}
	}
	struct midi_learned *l = &mm->learned;
	for (int i = 0; i < l->n_rules;) {
		if (l->rules[i].kind != MIDI_KIND_PROGRAM && strcmp(l->rules[i].path, address) == 0)
			memmove(&l->rules[i], &l->rules[i + 1],
				sizeof l->rules[0] * (size_t)(--l->n_rules - i));
		else
			i++;
	}
	if (!midi_map_is_unlearned(mm, address) && l->n_unlearned < MIDI_RULES_MAX)
		strcpy(l->unlearned[l->n_unlearned++], address);
	midi_map_reindex(mm);
	save_learned(mm);
	log_info("midi: unlearned %s (%d binding%s)", address, n, n == 1 ? "" : "s");
	return n;
}

bool midi_map_take_learned(struct midi_map *mm, struct midi_rule *rule)
{
	if (!mm->has_learned)
		return false;
	mm->has_learned = false;
	*rule = mm->just_learned;
	return true;
}
