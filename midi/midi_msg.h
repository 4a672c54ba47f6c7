/*
 * midi_msg.h - one JACK MIDI event's bytes to a message, and messages back to bytes.
 *
 * JACK delivers each event as a whole message with its own status byte, so the decoder reads
 * one event at a time and trusts nothing: an event that starts with a data byte (running
 * status, which JACK events must not use), a message cut short, one with trailing bytes, a
 * data byte with the top bit set, or a sysex without its F7 is refused with a reason and
 * counted by the caller. System real-time bytes (clock, active sensing) are ignored.
 *
 * Pure functions on bytes: no state, no allocation; any thread (the fuzzer drives them).
 */
#ifndef JMIXD_MIDI_MSG_H
#define JMIXD_MIDI_MSG_H

#include <stddef.h>
#include <stdint.h>

enum midi_msg_type {
	MIDI_MSG_NOTE_OFF,
	MIDI_MSG_NOTE_ON,         /* velocity 0 is decoded as MIDI_MSG_NOTE_OFF */
	MIDI_MSG_POLY_PRESSURE,
	MIDI_MSG_CC,
	MIDI_MSG_PROGRAM,
	MIDI_MSG_CHANNEL_PRESSURE,
	MIDI_MSG_PITCHBEND,
	MIDI_MSG_SYSEX,           /* F0 ... F7; data points into the event */
	MIDI_MSG_SYSTEM,          /* real-time and common messages: ignored */
};

/* Why an event was refused (what /status counts). */
enum midi_bad {
	MIDI_OK = 0,
	MIDI_BAD_RUNNING_STATUS = 1,  /* starts with a data byte */
	MIDI_BAD_TRUNCATED,           /* fewer data bytes than the status needs */
	MIDI_BAD_OVERSIZED,           /* more bytes than the message */
	MIDI_BAD_DATA_BYTE,           /* a data byte with the top bit set */
	MIDI_BAD_SYSEX,               /* no F7 at the end, or a status byte inside */
	MIDI_N_BAD,
};

struct midi_msg {
	enum midi_msg_type type;
	uint8_t channel;          /* 0..15 */
	uint8_t number;           /* note or controller number; program number */
	uint16_t value;           /* velocity, CC value, pressure (0..127); pitch bend 0..16383 */
	const uint8_t *sysex;     /* MIDI_MSG_SYSEX: the bytes between F0 and F7 */
	size_t sysex_len;
};

/* Decode one event. MIDI_OK and *m filled, or the reason it was refused. */
enum midi_bad midi_decode(const uint8_t *bytes, size_t size, struct midi_msg *m);

/* Encoders: bytes written (3 or 2), into out of at least 3 bytes. Values are clamped. */
size_t midi_encode_cc(uint8_t *out, int channel, int number, int value);
size_t midi_encode_note(uint8_t *out, int channel, int note, int velocity);
size_t midi_encode_pitchbend(uint8_t *out, int channel, int value14);

/* The name of a refusal reason, for logs. */
const char *midi_bad_name(enum midi_bad why);

#endif
