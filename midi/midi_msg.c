/*
 * midi_msg.c - see midi_msg.h. Message lengths from the MIDI 1.0 specification, table I
 * ("Summary of status bytes"): channel voice messages take 2 data bytes except program
 * change and channel pressure (1).
 */
#include "midi/midi_msg.h"

static int clamp(int v, int lo, int hi)
{
	return v < lo ? lo : (v > hi ? hi : v);
}

static enum midi_bad decode_sysex(const uint8_t *b, size_t size, struct midi_msg *m)
{
	if (size < 2 || b[size - 1] != 0xF7)
		return MIDI_BAD_SYSEX;
	for (size_t i = 1; i + 1 < size; i++)
		if (b[i] & 0x80)
			return MIDI_BAD_SYSEX;
	m->type = MIDI_MSG_SYSEX;
	m->sysex = b + 1;
	m->sysex_len = size - 2;
	return MIDI_OK;
}

enum midi_bad midi_decode(const uint8_t *b, size_t size, struct midi_msg *m)
{
	*m = (struct midi_msg){ 0 };
	if (size == 0 || !(b[0] & 0x80))
		return MIDI_BAD_RUNNING_STATUS;
	uint8_t status = b[0];
	if (status == 0xF0)
		return decode_sysex(b, size, m);
	if (status >= 0xF0) {
		/* Common and real-time messages carry nothing jmixd uses: only their shape counts. */
		m->type = MIDI_MSG_SYSTEM;
		static const uint8_t lengths[16] = { 0, 2, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
		size_t need = lengths[status & 0x0F];
		if (status == 0xF7)
			return MIDI_BAD_SYSEX;
		if (size < need)
			return MIDI_BAD_TRUNCATED;
		if (size > need)
			return MIDI_BAD_OVERSIZED;
		for (size_t i = 1; i < size; i++)
			if (b[i] & 0x80)
				return MIDI_BAD_DATA_BYTE;
		return MIDI_OK;
	}
	uint8_t kind = status >> 4;
	size_t need = (kind == 0xC || kind == 0xD) ? 2 : 3;
	if (size < need)
		return MIDI_BAD_TRUNCATED;
	if (size > need)
		return MIDI_BAD_OVERSIZED;
	for (size_t i = 1; i < size; i++)
		if (b[i] & 0x80)
			return MIDI_BAD_DATA_BYTE;
	m->channel = status & 0x0F;
	m->number = b[1];
	m->value = need == 3 ? b[2] : 0;
	switch (kind) {
	case 0x8:
		m->type = MIDI_MSG_NOTE_OFF;
		break;
	case 0x9:
		m->type = b[2] ? MIDI_MSG_NOTE_ON : MIDI_MSG_NOTE_OFF;
		break;
	case 0xA:
		m->type = MIDI_MSG_POLY_PRESSURE;
		break;
	case 0xB:
		m->type = MIDI_MSG_CC;
		break;
	case 0xC:
		m->type = MIDI_MSG_PROGRAM;
		break;
	case 0xD:
		m->type = MIDI_MSG_CHANNEL_PRESSURE;
		m->value = b[1];
		m->number = 0;
		break;
	default:   /* 0xE: LSB first, then MSB */
		m->type = MIDI_MSG_PITCHBEND;
		m->value = (uint16_t)(b[1] | (b[2] << 7));
		m->number = 0;
		break;
	}
	return MIDI_OK;
}

size_t midi_encode_cc(uint8_t *out, int channel, int number, int value)
{
	out[0] = (uint8_t)(0xB0 | clamp(channel, 0, 15));
	out[1] = (uint8_t)clamp(number, 0, 127);
	out[2] = (uint8_t)clamp(value, 0, 127);
	return 3;
}

size_t midi_encode_note(uint8_t *out, int channel, int note, int velocity)
{
	out[0] = (uint8_t)(0x90 | clamp(channel, 0, 15));
	out[1] = (uint8_t)clamp(note, 0, 127);
	out[2] = (uint8_t)clamp(velocity, 0, 127);
	return 3;
}

size_t midi_encode_pitchbend(uint8_t *out, int channel, int value14)
{
	int v = clamp(value14, 0, 16383);
	out[0] = (uint8_t)(0xE0 | clamp(channel, 0, 15));
	out[1] = (uint8_t)(v & 0x7F);
	out[2] = (uint8_t)(v >> 7);
	return 3;
}

const char *midi_bad_name(enum midi_bad why)
{
	static const char *const names[MIDI_N_BAD] = {
		"ok", "running status (no status byte)", "truncated", "oversized",
		"data byte with the top bit set", "malformed sysex",
	};
	return why < MIDI_N_BAD ? names[why] : "?";
}
