/*
 * mcu.c - see mcu.h.
 */
#include "midi/mcu.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "daemon/log.h"
#include "midi/midi_msg.h"

/* Notes of the protocol (Ardour's mackie/surface and research section 2.2). */
#define NOTE_SOLO 0x08
#define NOTE_MUTE 0x10
#define NOTE_SELECT 0x18
#define NOTE_VPOT_PUSH 0x20
#define NOTE_TRACK 0x28
#define NOTE_SEND 0x29
#define NOTE_BANK_LEFT 0x2E
#define NOTE_BANK_RIGHT 0x2F
#define NOTE_CHANNEL_LEFT 0x30
#define NOTE_CHANNEL_RIGHT 0x31
#define NOTE_TOUCH 0x68           /* + strip; the master's is 0x70 */
#define CC_VPOT 0x10
#define MASTER MCU_STRIPS

static const uint8_t sysex_head[] = { 0xF0, 0x00, 0x00, 0x66, 0x14 };

void mcu_refresh(struct mcu *m)
{
	for (int i = 0; i <= MCU_STRIPS; i++) {
		struct mcu_shown *s = &m->shown[i];
		*s = (struct mcu_shown){ .fader = -1, .ring = -1, .led = { -1, -1, -1 }, .meter = -1 };
		s->lcd[0][0] = s->lcd[1][0] = '\x01';   /* never a text: sent again */
	}
	m->page_leds[0] = m->page_leds[1] = -1;
	m->has_colours = false;
}

void mcu_init(struct mcu *m, struct control *c, int hold_ms, midi_send_fn send, void *ctx)
{
	*m = (struct mcu){ .control = c, .send = send, .send_ctx = ctx, .hold_ms = hold_ms,
			   .selected = -1 };
	mcu_refresh(m);
}

size_t mcu_lcd_sysex(uint8_t *out, int offset, const char *text, size_t n)
{
	memcpy(out, sysex_head, sizeof sysex_head);
	out[5] = 0x12;
	out[6] = (uint8_t)(offset & 0x7F);
	for (size_t i = 0; i < n; i++)
		out[7 + i] = (uint8_t)(text[i] >= 0x20 && text[i] < 0x7F ? text[i] : ' ');
	out[7 + n] = 0xF7;
	return n + 8;
}

/* Ardour's log_meter (gtkmm2ext/utils.cc): piecewise dB to deflection, 0..115. */
int mcu_meter_level(float db)
{
	float def;
	if (!(db >= -70.0f))
		def = 0.0f;
	else if (db < -60.0f)
		def = (db + 70.0f) * 0.25f;
	else if (db < -50.0f)
		def = (db + 60.0f) * 0.5f + 2.5f;
	else if (db < -40.0f)
		def = (db + 50.0f) * 0.75f + 7.5f;
	else if (db < -30.0f)
		def = (db + 40.0f) * 1.5f + 15.0f;
	else if (db < -20.0f)
		def = (db + 30.0f) * 2.0f + 30.0f;
	else if (db < 6.0f)
		def = (db + 20.0f) * 2.5f + 50.0f;
	else
		def = 115.0f;
	return (int)lroundf(def / 115.0f * 13.0f);
}

int mcu_channel_of(const struct mcu *m, int strip)
{
	int ch = m->bank + strip;
	return strip < MCU_STRIPS && ch < m->control->n_channels ? ch : -1;
}

struct param_ref mcu_fader_ref(const struct mcu *m, int strip)
{
	if (strip == MASTER)
		return (struct param_ref){ params_find_path(PARAM_MASTER, "fader"), 0 };
	int ch = mcu_channel_of(m, strip);
	if (ch < 0)
		return (struct param_ref){ NULL, 0 };
	if (m->page == MCU_PAGE_SENDS)
		return control_send_ref(m->control, params_find_path(PARAM_SEND, "level"), ch,
					m->send_bus);
	return (struct param_ref){ params_find_path(PARAM_CHANNEL, "fader"), ch };
}

static struct param_ref channel_ref(const struct mcu *m, int strip, const char *row)
{
	int ch = mcu_channel_of(m, strip);
	return (struct param_ref){ ch < 0 ? NULL : params_find_path(PARAM_CHANNEL, row), ch };
}

static void set(struct mcu *m, struct param_ref ref, float v)
{
	const char *reason;
	if (!ref.desc || !control_has(m->control, ref))
		return;
	if (control_set(m->control, ref, v, ORIGIN_NONE, &reason) == 0)
		m->stats.n_applied++;
	else
		log_debug("mcu: %s: %s", ref.desc->path, reason);
}

static void toggle(struct mcu *m, struct param_ref ref)
{
	if (ref.desc)
		set(m, ref, control_get(m->control, ref) != 0.0f ? 0.0f : 1.0f);
}

static void move_bank(struct mcu *m, int by)
{
	int last = m->control->n_channels - MCU_STRIPS;
	int bank = m->bank + by;
	bank = bank > last ? last : bank;
	bank = bank < 0 ? 0 : bank;
	if (bank != m->bank)
		log_info("mcu: strips show channels %d .. %d", bank + 1, bank + MCU_STRIPS);
	m->bank = bank;
}

/* Send: the next bus's sends on the faders, then back to the channels after the last. */
static void next_page(struct mcu *m, bool is_send)
{
	if (!is_send || m->control->n_buses == 0) {
		m->page = MCU_PAGE_CHANNELS;
	} else if (m->page == MCU_PAGE_CHANNELS) {
		m->page = MCU_PAGE_SENDS;
		m->send_bus = 0;
	} else if (++m->send_bus >= m->control->n_buses) {
		m->page = MCU_PAGE_CHANNELS;
	}
	for (int i = 0; i < MCU_STRIPS; i++)
		m->shown[i].fader = -1;
}

static void press(struct mcu *m, int note, int64_t now_ms)
{
	(void)now_ms;
	int strip = note & 7;
	switch (note & ~7) {
	case NOTE_SOLO:
		toggle(m, channel_ref(m, strip, "solo"));
		return;
	case NOTE_MUTE:
		toggle(m, channel_ref(m, strip, "mute"));
		return;
	case NOTE_SELECT:
		m->selected = mcu_channel_of(m, strip) == m->selected ? -1 : mcu_channel_of(m, strip);
		return;
	case NOTE_VPOT_PUSH:
		set(m, channel_ref(m, strip, "pan"), 0.0f);
		return;
	default:
		break;
	}
	switch (note) {
	case NOTE_BANK_LEFT:
	case NOTE_BANK_RIGHT:
		move_bank(m, note == NOTE_BANK_LEFT ? -MCU_STRIPS : MCU_STRIPS);
		break;
	case NOTE_CHANNEL_LEFT:
	case NOTE_CHANNEL_RIGHT:
		move_bank(m, note == NOTE_CHANNEL_LEFT ? -1 : 1);
		break;
	case NOTE_TRACK:
	case NOTE_SEND:
		next_page(m, note == NOTE_SEND);
		break;
	default:
		m->stats.n_ignored++;
		break;
	}
}

static void note(struct mcu *m, const struct midi_msg *msg, int64_t now_ms)
{
	bool is_down = msg->type == MIDI_MSG_NOTE_ON && msg->value > 64;
	if (msg->number >= NOTE_TOUCH && msg->number <= NOTE_TOUCH + MCU_STRIPS) {
		int strip = msg->number - NOTE_TOUCH;
		m->is_touched[strip] = is_down;
		if (!is_down) {
			/* Released: the motor goes to the value now, whatever the hold says. */
			m->held_until_ms[strip] = 0;
			m->shown[strip].fader = -1;
		}
		return;
	}
	if (is_down)
		press(m, msg->number, now_ms);
}

static void fader(struct mcu *m, int strip, int raw, int64_t now_ms)
{
	struct param_ref ref = mcu_fader_ref(m, strip);
	if (!ref.desc)
		return;
	set(m, ref, param_from_norm(ref.desc, (float)raw / 16383.0f));
	m->held_until_ms[strip] = now_ms + m->hold_ms;
	m->shown[strip].fader = raw;   /* the fader stands there already */
}

/* Relative: bit 6 is the sign, bits 0..5 the ticks; 64 ticks cross the whole pan. */
static void vpot(struct mcu *m, int strip, int value)
{
	struct param_ref ref = channel_ref(m, strip, "pan");
	if (!ref.desc)
		return;
	int ticks = value & 0x3F;
	float norm = param_to_norm(ref.desc, control_get(m->control, ref));
	norm += (value & 0x40 ? -1.0f : 1.0f) * (float)ticks / 64.0f;
	set(m, ref, param_from_norm(ref.desc, norm < 0.0f ? 0.0f : (norm > 1.0f ? 1.0f : norm)));
}

static void sysex(struct mcu *m, const struct midi_msg *msg)
{
	/* 00 00 66 14|15 01 ...: an MCU (or extender) says it is ready; Ardour needs no answer. */
	if (msg->sysex_len >= 5 && memcmp(msg->sysex, sysex_head + 1, 3) == 0 &&
	    (msg->sysex[3] == 0x14 || msg->sysex[3] == 0x15) && msg->sysex[4] == 0x01) {
		m->stats.n_ready++;
		log_info("mcu: the surface is ready; sending it the console");
		mcu_refresh(m);
		return;
	}
	m->stats.n_ignored++;
}

void mcu_input(struct mcu *m, const uint8_t *bytes, size_t size, int64_t now_ms)
{
	struct midi_msg msg;
	if (midi_decode(bytes, size, &msg) != MIDI_OK) {
		m->stats.n_ignored++;
		return;
	}
	m->stats.n_events++;
	switch (msg.type) {
	case MIDI_MSG_PITCHBEND:
		if (msg.channel <= MCU_STRIPS)
			fader(m, msg.channel, msg.value, now_ms);
		break;
	case MIDI_MSG_NOTE_ON:
	case MIDI_MSG_NOTE_OFF:
		note(m, &msg, now_ms);
		break;
	case MIDI_MSG_CC:
		if (msg.number >= CC_VPOT && msg.number < CC_VPOT + MCU_STRIPS)
			vpot(m, msg.number - CC_VPOT, msg.value);
		else
			m->stats.n_ignored++;
		break;
	case MIDI_MSG_SYSEX:
		sysex(m, &msg);
		break;
	default:
		m->stats.n_ignored++;
		break;
	}
}
