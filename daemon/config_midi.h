/*
 * config_midi.h - the `midi` section and the learned bindings: parsed and printed here only.
 *
 *   midi = {
 *     enabled = true;                       # default: true when the section is present
 *     input = [ "a2j:X-Touch [20] (capture): X-Touch MIDI 1" ];   # connect to midi_in
 *     output = [ "a2j:X-Touch [20] (playback): X-Touch MIDI 1" ]; # connect midi_out to
 *     takeover = "pickup";                  # or "jump"
 *     feedback_hold_ms = 150;               # no feedback to a control this long after it moved
 *     map = (
 *       { cc = 7; channel = 1; path = "/ch/1/fader/norm"; },
 *       { cc14 = 1; path = "/master/fader/norm"; },           # CC 1 MSB with CC 33 LSB
 *       { note = 16; path = "/ch/1/mute"; mode = "toggle"; },  # toggle | momentary | direct
 *       { pitchbend = true; channel = 2; path = "/ch/2/fader/norm"; takeover = "jump"; },
 *       { program = 3; scene = "verse"; }
 *     );
 *     mcu = { input = "..."; output = "..."; };  # a Mackie Control surface on mcu_in/mcu_out
 *   };
 *
 * The learned file (midi.cfg in the state folder) holds `learned = ( rules )` and
 * `unlearned = ( "address", ... )`: bindings made with /midi/learn, and addresses whose
 * configured bindings /midi/unlearn removed. Control thread only.
 */
#ifndef JMIXD_CONFIG_MIDI_H
#define JMIXD_CONFIG_MIDI_H

#include <libconfig.h>
#include <stddef.h>

#include "daemon/midi_setup.h"

/* The `midi` group (NULL: none, MIDI off). 0, or -1 with err "file:line: key: reason". */
int config_midi_load(const config_setting_t *midi, const char *file, struct setup_midi *m,
		     char *err, int err_size);

/* A rule in the config's syntax, "{ cc = 7; channel = 1; path = \"/ch/1/fader\"; }". */
void config_midi_print_rule(const struct midi_rule *r, char *buf, size_t size);

/* A rule's control in words, "cc 1 7", "note 1 16", "pitchbend 2": what /midi/list shows. */
void config_midi_describe(const struct midi_rule *r, char *buf, size_t size);

struct midi_learned {
	int n_rules;
	struct midi_rule rules[MIDI_RULES_MAX];
	int n_unlearned;
	char unlearned[MIDI_RULES_MAX][MIDI_PATH_MAX];
};

/* Read the learned file (file inside dir_fd). 0; -ENOENT when there is none; -1 with err. */
int config_midi_read_learned(int dir_fd, const char *file, struct midi_learned *l, char *err,
			     int err_size);

/* The learned file's text (malloc'd, *len bytes; free it), or NULL when out of memory. */
char *config_midi_print_learned(const struct midi_learned *l, size_t *len);

#endif
