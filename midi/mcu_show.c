/*
 * mcu_show.c - what a Mackie Control surface shows (mcu.h): motor faders, LEDs, V-Pot rings
 * every tick, scribble strips and meters at 10 Hz, each only when it differs from what the
 * surface was last sent. A full ring stops the tick; the rest goes on the next one.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "midi/mcu.h"
#include "midi/midi_msg.h"

#define NOTE_SOLO 0x08
#define NOTE_MUTE 0x10
#define NOTE_SELECT 0x18
#define NOTE_TRACK 0x28
#define NOTE_SEND 0x29
#define CC_RING 0x30
#define LCD_LINE2 0x38
#define LCD_EVERY_TICKS 5         /* 10 Hz at the 50 Hz tick */
#define FADER_OFF_DB -90.0f       /* the fader law's bottom: shown as -inf */

static bool emit(struct mcu *m, const uint8_t *bytes, size_t n)
{
	struct midi_event ev = { .port = MIDI_PORT_MCU, .size = (uint8_t)n };
	memcpy(ev.bytes, bytes, n);
	return m->send(m->send_ctx, &ev);
}

static float channel_value(const struct mcu *m, int strip, const char *row)
{
	int ch = mcu_channel_of(m, strip);
	return ch < 0 ? 0.0f
		      : control_get(m->control,
				    (struct param_ref){ params_find_path(PARAM_CHANNEL, row), ch });
}

/* Send one 3-byte message if value differs from *shown; false when the ring is full. */
static bool show3(struct mcu *m, int *shown, int value, uint8_t a, uint8_t b, uint8_t c)
{
	if (*shown == value)
		return true;
	if (!emit(m, (const uint8_t[]){ a, b, c }, 3))
		return false;
	*shown = value;
	return true;
}

static bool show_fader(struct mcu *m, int strip, int64_t now_ms)
{
	if (m->is_touched[strip] || now_ms < m->held_until_ms[strip])
		return true;
	struct param_ref ref = mcu_fader_ref(m, strip);
	int raw = ref.desc ? (int)lroundf(param_to_norm(ref.desc, control_get(m->control, ref)) *
					  16383.0f)
			   : 0;
	uint8_t b[3];
	midi_encode_pitchbend(b, strip, raw);
	return show3(m, &m->shown[strip].fader, raw, b[0], b[1], b[2]);
}

static bool show_buttons(struct mcu *m, int strip)
{
	struct mcu_shown *s = &m->shown[strip];
	int ch = mcu_channel_of(m, strip);
	int solo = channel_value(m, strip, "solo") != 0.0f ? 127 : 0;
	int mute = channel_value(m, strip, "mute") != 0.0f ? 127 : 0;
	int select = ch >= 0 && ch == m->selected ? 127 : 0;
	/* Dot mode, position 1..11 across the pan; 0 (dark) on an empty strip. */
	const struct param_desc *pan = params_find_path(PARAM_CHANNEL, "pan");
	float pan_norm = param_to_norm(pan, channel_value(m, strip, "pan"));
	int ring = ch < 0 ? 0 : 1 + (int)lroundf(pan_norm * 10.0f);
	return show3(m, &s->led[0], solo, 0x90, (uint8_t)(NOTE_SOLO + strip), (uint8_t)solo) &&
	       show3(m, &s->led[1], mute, 0x90, (uint8_t)(NOTE_MUTE + strip), (uint8_t)mute) &&
	       show3(m, &s->led[2], select, 0x90, (uint8_t)(NOTE_SELECT + strip), (uint8_t)select) &&
	       show3(m, &s->ring, ring, 0xB0, (uint8_t)(CC_RING + strip), (uint8_t)ring);
}

/* Line 1: the channel's name; line 2: its fader (or send) in dB; 6 characters and a gap. */
static void lcd_text(const struct mcu *m, int strip, char (*text)[MCU_LCD_CELL + 1])
{
	int ch = mcu_channel_of(m, strip);
	char line2[16] = "";
	if (ch >= 0) {
		struct param_ref ref = mcu_fader_ref(m, strip);
		float db = control_get(m->control, ref);
		if (db <= FADER_OFF_DB)
			snprintf(line2, sizeof line2, "-inf");
		else
			snprintf(line2, sizeof line2, "%.1f", (double)db);
	}
	const char *name = ch >= 0 ? m->control->setup->channels[ch].name : "";
	snprintf(text[0], MCU_LCD_CELL + 1, "%-6.6s ", name);
	snprintf(text[1], MCU_LCD_CELL + 1, "%6.6s ", line2);
}

static bool show_lcd(struct mcu *m, int strip)
{
	char text[2][MCU_LCD_CELL + 1];
	lcd_text(m, strip, text);
	for (int line = 0; line < 2; line++) {
		if (strcmp(text[line], m->shown[strip].lcd[line]) == 0)
			continue;
		uint8_t b[MCU_LCD_CELL + 8];
		size_t n = mcu_lcd_sysex(b, (line ? LCD_LINE2 : 0) + strip * MCU_LCD_CELL, text[line],
					 MCU_LCD_CELL);
		if (!emit(m, b, n))
			return false;
		strcpy(m->shown[strip].lcd[line], text[line]);
	}
	return true;
}

static bool show_meter(struct mcu *m, int strip)
{
	int ch = mcu_channel_of(m, strip);
	const float *peak = m->control->meter_peak_db;
	int level = ch >= 0 && peak ? mcu_meter_level(peak[ch]) : 0;
	if (m->shown[strip].meter == level)
		return true;
	if (!emit(m, (const uint8_t[]){ 0xD0, (uint8_t)(strip << 4 | level) }, 2))
		return false;
	m->shown[strip].meter = level;
	return true;
}

/* X-Touch backlights: white on the channels page, cyan on a sends page, off on an empty strip.
 * An MCU without colours ignores the sysex. */
static bool show_colours(struct mcu *m)
{
	uint8_t b[7 + MCU_STRIPS];
	memcpy(b, (const uint8_t[]){ 0xF0, 0x00, 0x00, 0x66, 0x14, 0x72 }, 6);
	for (int i = 0; i < MCU_STRIPS; i++)
		b[6 + i] = mcu_channel_of(m, i) < 0 ? 0 : (m->page == MCU_PAGE_SENDS ? 6 : 7);
	b[6 + MCU_STRIPS] = 0xF7;
	if (m->has_colours && memcmp(m->colours, b + 6, MCU_STRIPS) == 0)
		return true;
	if (!emit(m, b, sizeof b))
		return false;
	memcpy(m->colours, b + 6, MCU_STRIPS);
	m->has_colours = true;
	return true;
}

void mcu_tick(struct mcu *m, int64_t now_ms)
{
	if (!m->has_queried) {
		/* Ardour's wake-up: the device query. Surfaces that need none ignore it. */
		static const uint8_t query[] = { 0xF0, 0x00, 0x00, 0x66, 0x14, 0x00, 0xF7 };
		if (!emit(m, query, sizeof query))
			return;
		m->has_queried = true;
	}
	bool is_slow = m->n_ticks++ % LCD_EVERY_TICKS == 0;
	for (int strip = 0; strip <= MCU_STRIPS; strip++)
		if (!show_fader(m, strip, now_ms))
			return;
	for (int strip = 0; strip < MCU_STRIPS; strip++) {
		if (!show_buttons(m, strip))
			return;
		if (is_slow && (!show_lcd(m, strip) || !show_meter(m, strip)))
			return;
	}
	if (is_slow && !show_colours(m))
		return;
	int is_sends = m->page == MCU_PAGE_SENDS ? 127 : 0;
	show3(m, &m->page_leds[0], 127 - is_sends, 0x90, NOTE_TRACK, (uint8_t)(127 - is_sends));
	show3(m, &m->page_leds[1], is_sends, 0x90, NOTE_SEND, (uint8_t)is_sends);
}
