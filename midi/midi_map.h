/*
 * midi_map.h - MIDI controls to console parameters and back: bindings, soft takeover,
 * feedback, and learning.
 *
 * Input: each event from jmixd:midi_in (bytes, as the audio thread copied them) is decoded
 * (midi_msg.h), looked up in an index by (kind, MIDI channel, number) built once per change
 * of the bindings, and set through control_set: the path OSC takes, with its validation,
 * glides, autosave and feedback to OSC and X32 clients. Values go through the row's /norm
 * taper (a CC has no units): CC v is norm v/127, a 14-bit CC or pitch bend v/16383.
 *
 * Soft takeover ("pickup", jack_mixer's Pick Up): a continuous control is ignored until it
 * reaches or crosses the parameter's current value, and again after someone else moved the
 * parameter; "jump" applies it at once.
 *
 * Feedback: on each tick (50 Hz), every binding whose parameter shows a different MIDI value
 * than was last sent gets one message (CC, CC pair, note with velocity 127 or 0, pitch bend):
 * changes from tablets, scenes, DCAs and other bindings alike, coalesced per tick. A control
 * that moved within hold_ms gets none (its own echo, late, would fight the hand); when the
 * hold ends, the value is sent if it differs from what the control last sent.
 *
 * Learning: midi_map_learn arms an address; the next control seen twice in a row (Non's rule:
 * one stray event binds nothing) is bound to it, replacing any binding of that control. The
 * learned bindings and the addresses unlearned are kept in midi.cfg in the state folder
 * (config_midi.h) and laid over the config's map at start.
 *
 * Control thread only.
 */
#ifndef JMIXD_MIDI_MAP_H
#define JMIXD_MIDI_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/config_midi.h"
#include "daemon/control.h"
#include "daemon/midi_setup.h"
#include "daemon/state.h"
#include "midi/midi_msg.h"

#define MIDI_BINDINGS_MAX (2 * MIDI_RULES_MAX)

struct midi_binding {
	struct midi_rule rule;
	bool is_learned;
	int value_index;             /* into control values; -1: a program change */
	struct param_ref ref;
	int takeover;                /* enum midi_takeover in force */
	int last_in;                 /* last raw value received, -1 none */
	int last_sent;               /* last raw value sent as feedback, -1 none */
	float last_value;            /* parameter value last seen: a change is someone else's */
	bool is_picked_up;
	int cc14_lsb;                /* a 14-bit pair: the last LSB */
	int64_t held_until_ms;       /* no feedback before this */
};

struct midi_stats {
	uint64_t n_events;           /* decoded events received */
	uint64_t n_applied;          /* changes made */
	uint64_t n_unmapped;         /* events for no binding */
	uint64_t n_bad[MIDI_N_BAD];  /* refused by the decoder, by reason */
	uint64_t n_not_picked_up;    /* ignored by soft takeover */
	uint64_t n_feedback;         /* messages queued for midi_out */
	uint64_t n_feedback_full;    /* midi_out's ring full: retried next tick */
	uint64_t n_rt_dropped;       /* the audio thread's drops (ring full, too long) */
};

/* Where feedback goes: true when queued (engine_midi_push), false when full. */
typedef bool (*midi_send_fn)(void *ctx, const struct midi_event *ev);

struct midi_map {
	struct control *control;
	struct state *state;         /* program changes recall scenes; learned file's folder */
	const struct setup_midi *setup;
	midi_send_fn send;
	void *send_ctx;
	int n_bindings;
	struct midi_binding bindings[MIDI_BINDINGS_MAX];
	/* The index: binding + 1 by (kind, channel, number); 0 none. */
	uint16_t index[MIDI_N_KINDS][16][128];
	struct midi_learned learned;
	struct midi_stats stats;
	/* Learning (one address at a time). */
	bool is_learning;
	char learn_path[MIDI_PATH_MAX];
	int learn_mode;              /* enum midi_mode, or -1: chosen from the row and control */
	struct midi_rule candidate;  /* the control seen last, and how often in a row */
	int candidate_seen;
	int candidate_first_value;
	bool has_learned;            /* a binding was learned since midi_map_take_learned */
	struct midi_rule just_learned;
};

/*
 * A config's map is strict, like the rest of the config: every rule's address must be a
 * parameter of this console. 0, or -1 with err "midi.map.[3]: /ch/9/fader: no such channel".
 */
int midi_map_check(const struct control *c, const struct setup_midi *setup, char *err,
		   size_t size);

/*
 * Build the bindings from the setup's map and the learned file in state's folder. A rule
 * whose address does not exist on this console is logged and skipped. Returns 0 or -ENOMEM.
 */
int midi_map_init(struct midi_map *mm, struct control *c, struct state *st,
		  const struct setup_midi *setup, midi_send_fn send, void *send_ctx);

/* One event from midi_in. now_ms: the control loop's monotonic clock. */
void midi_map_input(struct midi_map *mm, const uint8_t *bytes, size_t size, int64_t now_ms);

/* Forget what the controls show: every binding is sent its value on the next tick (after
 * JACK came back, a controller was reconnected or replaced). */
void midi_map_refresh(struct midi_map *mm);

/* Each feedback tick: send what changed to midi_out. */
void midi_map_tick(struct midi_map *mm, int64_t now_ms);

/*
 * Arm learning for address (an OSC parameter address; mode NULL: chosen from the row and the
 * control). 0, or -1 with *reason set (no such address, a meter, unknown mode).
 */
int midi_map_learn(struct midi_map *mm, const char *address, const char *mode,
		   const char **reason);
void midi_map_cancel(struct midi_map *mm);

/*
 * Remove every binding of address (configured or learned) and remember it. Returns how many,
 * or -1 with *reason set when address is not a parameter address.
 */
int midi_map_unlearn(struct midi_map *mm, const char *address, const char **reason);

/* Once after a binding was learned: true and the rule. */
bool midi_map_take_learned(struct midi_map *mm, struct midi_rule *rule);

#endif
