/*
 * midi_setup.h - what the config's `midi` section says, and the event that crosses threads.
 *
 * A rule binds one MIDI control (a CC, a 14-bit CC pair, a note, the pitch bend of a channel,
 * a program change) to an OSC address of the console ("/ch/1/fader/norm") or, for a program
 * change, to a scene. Rules are parsed and printed in one place (config_midi.c): the config's
 * `midi.map` and the learned bindings of the state folder (midi.cfg) share the syntax.
 *
 * The rules keep the address as text: resolving it needs the OSC grammar (osc/address.h),
 * which midi/ does when it builds its binding table.
 */
#ifndef JMIXD_MIDI_SETUP_H
#define JMIXD_MIDI_SETUP_H

#include <stdbool.h>
#include <stdint.h>

#define MIDI_RULES_MAX 128       /* bindings in the config, and learned ones, each */
#define MIDI_PATH_MAX 96         /* an address or a scene name */
#define MIDI_CONNECT_MAX 4       /* ports midi_in is connected from, midi_out to */
#define MIDI_PORT_NAME_MAX 320   /* a full JACK port name (SETUP_PORT_MAX) */
#define MIDI_HOLD_MS_DEFAULT 150 /* feedback held off a control this long after it moved */

enum midi_kind {
	MIDI_KIND_CC,            /* 7-bit controller */
	MIDI_KIND_CC14,          /* controller n (MSB) with n + 32 (LSB), n < 32 */
	MIDI_KIND_NOTE,
	MIDI_KIND_PITCHBEND,     /* 14-bit, one per MIDI channel */
	MIDI_KIND_PROGRAM,       /* program change: recalls the scene named by path */
	MIDI_N_KINDS,
};

enum midi_mode {
	MIDI_MODE_DIRECT,        /* the value is the control's position */
	MIDI_MODE_TOGGLE,        /* a press (note on, CC rising through 64) flips a switch */
	MIDI_MODE_MOMENTARY,     /* on while held (note on / CC >= 64), off on release */
	MIDI_N_MODES,
};

enum midi_takeover {
	MIDI_TAKEOVER_PICKUP,    /* ignore a control until it reaches the current value */
	MIDI_TAKEOVER_JUMP,      /* the value jumps to the control at once */
	MIDI_N_TAKEOVERS,
};

struct midi_rule {
	uint8_t kind;            /* enum midi_kind */
	uint8_t channel;         /* MIDI channel 0..15 (the config says 1..16) */
	uint8_t number;          /* CC or note number; unused for pitch bend */
	uint8_t mode;            /* enum midi_mode */
	int8_t takeover;         /* enum midi_takeover, or -1: the section's default */
	char path[MIDI_PATH_MAX];   /* OSC address, or the scene of a program change */
};

struct setup_midi {
	bool is_enabled;         /* midi section present and not enabled = false */
	int takeover;            /* enum midi_takeover: midi.takeover */
	int hold_ms;             /* midi.feedback_hold_ms */
	char input[MIDI_CONNECT_MAX][MIDI_PORT_NAME_MAX];    /* connect these to midi_in */
	char output[MIDI_CONNECT_MAX][MIDI_PORT_NAME_MAX];   /* connect midi_out to these */
	int n_rules;
	struct midi_rule rules[MIDI_RULES_MAX];
	bool has_mcu;            /* midi.mcu: a Mackie Control surface on mcu_in / mcu_out */
	char mcu_input[MIDI_CONNECT_MAX][MIDI_PORT_NAME_MAX];
	char mcu_output[MIDI_CONNECT_MAX][MIDI_PORT_NAME_MAX];
};

/*
 * Raw bytes of one MIDI event, as the audio thread copies them out of (or into) a JACK MIDI
 * buffer. Fixed size so the SPSC ring (spsc.h) moves it all-or-nothing: a longer event (a
 * long sysex) is dropped and counted on the audio thread, never split.
 */
#define MIDI_EVENT_BYTES 58

enum midi_port {
	MIDI_PORT_MAP,           /* midi_in / midi_out: the bindings (midi/midi_map.h) */
	MIDI_PORT_MCU,           /* mcu_in / mcu_out: a Mackie Control surface (midi/mcu.h) */
	MIDI_N_PORTS,
};

struct midi_event {
	uint32_t frame;          /* JACK frame time of the event (input), 0 on output */
	uint8_t port;            /* enum midi_port: which pair it came in on or goes out of */
	uint8_t size;            /* bytes used, 1..MIDI_EVENT_BYTES */
	uint8_t bytes[MIDI_EVENT_BYTES];
};

_Static_assert(sizeof(struct midi_event) == 64, "one cache line per event");

#endif
