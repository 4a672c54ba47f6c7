/*
 * midi_map_private.h - what midi_map.c (bindings, input, feedback) and midi_map_learn.c
 * (learning, the learned file) share. Not for other modules. Control thread only.
 */
#ifndef JMIXD_MIDI_MAP_PRIVATE_H
#define JMIXD_MIDI_MAP_PRIVATE_H

#include "midi/midi_map.h"

/* Add a binding (replacing one of the same control). 0, or -1 with *reason. */
int midi_map_bind(struct midi_map *mm, const struct midi_rule *r, bool is_learned,
		  const char **reason);
/* Rebuild the (kind, channel, number) index after the bindings changed. */
void midi_map_reindex(struct midi_map *mm);
/* The same control (pitch bend has no number)? */
bool midi_rule_same_control(const struct midi_rule *a, const struct midi_rule *b);
/* The control an event moves, as a rule's kind, channel and number; false: none of ours. */
bool midi_rule_of(const struct midi_msg *m, struct midi_rule *r);

bool midi_map_is_unlearned(const struct midi_map *mm, const char *path);
/* Read midi.cfg from the state folder into mm->learned (logs what it found). */
void midi_map_load_learned(struct midi_map *mm);
/* An event while learning. */
void midi_map_learn_observe(struct midi_map *mm, const struct midi_msg *m,
			    const struct midi_rule *r);

#endif
