/*
 * mcu.h - a Mackie Control (MCU) surface on jmixd:mcu_in / mcu_out: 8 strips and a master
 * fader, banking, and a sends-on-faders page. The wire protocol as Ardour speaks it
 * (libs/surfaces/mackie; research/next-features.md section 2.2):
 *
 *   fader n (0..7), master 8   pitch bend on MIDI channel n, 14 bits, both ways (the motor)
 *   fader touch                note 0x68 + n (master 0x70), velocity > 64 touched
 *   strip buttons              notes Solo 0x08 + n, Mute 0x10 + n, Select 0x18 + n,
 *                              V-Pot push 0x20 + n; LEDs: note 7F on, 00 off
 *   bank / channel             notes 0x2E / 0x2F (bank left / right by 8),
 *                              0x30 / 0x31 (channel left / right by 1)
 *   pages                      Track 0x28: channels; Send 0x29: each bus's sends in turn
 *   V-Pot n                    CC 0x10 + n, relative: bit 6 the sign, bits 0..5 ticks;
 *                              ring CC 0x30 + n: bits 4..5 mode, bits 0..3 position 1..11
 *   meters                     channel pressure D0, (n << 4) | level 0..13 (mcu_meter_level)
 *   scribble strip             sysex F0 00 00 66 14 12 <offset> <ascii...> F7: 7 characters a
 *                              strip, offset 0x00 line 1 (the channel's name), 0x38 line 2
 *                              (the fader in dB, or on the sends page the bus)
 *   X-Touch colours            sysex F0 00 00 66 14 72 c1..c8 F7 (0 off, 6 cyan, 7 white):
 *                              white strips for channels, cyan for sends, dark when empty
 *   handshake                  host: device query F0 00 00 66 14 00 F7; the surface's
 *                              "ready" F0 00 00 66 14 01 ... F7 makes jmixd send it all again
 *
 * Channels page: strip n is channel bank + n (fader, pan on the V-Pot, solo, mute, select).
 * Sends page for bus K: the faders are each strip's send level to K. A fader that is
 * touched, or moved within the hold time, gets no motor feedback; on release it is sent the
 * value. Everything goes through control_set, like OSC and the MIDI bindings.
 *
 * Control thread only.
 */
#ifndef JMIXD_MIDI_MCU_H
#define JMIXD_MIDI_MCU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/control.h"
#include "midi/midi_map.h"

#define MCU_STRIPS 8
#define MCU_LCD_CELL 7           /* characters per strip and line */

enum mcu_page {
	MCU_PAGE_CHANNELS,
	MCU_PAGE_SENDS,
};

/* What the surface shows, as last sent (-1 / "": unknown, send again). */
struct mcu_shown {
	int fader;                   /* 14-bit position */
	int ring;                    /* V-Pot ring CC value */
	int led[3];                  /* solo, mute, select */
	int meter;                   /* 0..13 */
	char lcd[2][MCU_LCD_CELL + 1];
};

struct mcu_stats {
	uint64_t n_events;
	uint64_t n_applied;
	uint64_t n_ignored;          /* malformed, or nothing of the surface's */
	uint64_t n_ready;            /* handshakes: the surface said it is ready */
};

struct mcu {
	struct control *control;
	midi_send_fn send;
	void *send_ctx;
	int hold_ms;
	int bank;                    /* channel of strip 0 */
	enum mcu_page page;
	int send_bus;                /* the bus of the sends page */
	int selected;                /* channel, -1 none */
	bool is_touched[MCU_STRIPS + 1];
	int64_t held_until_ms[MCU_STRIPS + 1];
	struct mcu_shown shown[MCU_STRIPS + 1];   /* [MCU_STRIPS]: the master fader */
	int page_leds[2];            /* Track and Send, as last sent */
	uint8_t colours[MCU_STRIPS]; /* X-Touch scribble-strip colours, as last sent */
	bool has_colours;
	bool has_queried;
	unsigned n_ticks;
	struct mcu_stats stats;
};

/* hold_ms: no motor feedback this long after a fader moved (midi.feedback_hold_ms). */
void mcu_init(struct mcu *m, struct control *c, int hold_ms, midi_send_fn send, void *ctx);

/* One event from mcu_in. */
void mcu_input(struct mcu *m, const uint8_t *bytes, size_t size, int64_t now_ms);

/* Each feedback tick: faders, LEDs and rings that changed; LCD and meters at 10 Hz. */
void mcu_tick(struct mcu *m, int64_t now_ms);

/* Forget what the surface shows: everything is sent again on the next tick. */
void mcu_refresh(struct mcu *m);

/* The channel of strip 0..7 on the current bank, -1 past the last channel (or the master). */
int mcu_channel_of(const struct mcu *m, int strip);
/* What strip's fader moves on the current page (strip MCU_STRIPS: the master fader);
 * desc NULL when the strip has no channel. */
struct param_ref mcu_fader_ref(const struct mcu *m, int strip);

/* The scribble-strip sysex for text at offset: bytes written into out (at least n + 8). */
size_t mcu_lcd_sysex(uint8_t *out, int offset, const char *text, size_t n);

/* A peak level in dBFS as a meter segment 0..13: Ardour's deflection (0 at -70 dB, 115 at
 * +6 dB) times 13/115, so 0 dBFS is 11 and +6 the top. */
int mcu_meter_level(float db);

#endif
