/*
 * indelay.h - input delay per lane, 0 .. INDELAY_MAX_MS with sample resolution, for aligning
 * a close mic with an overhead or the PA with the back line.
 *
 * One ring of lane frames (DSP_LANES wide) per strip group, a power of two sized at init for the maximum
 * (STYLE idiom 7): 32768 frames at 48 kHz (512 KiB per group, 128 KiB per mono channel),
 * 65536 at 96 kHz (256 KiB per channel). Each lane reads its own tap; a time change, and
 * switching on or off (a time of 0), crossfades the old tap to the new one over
 * INDELAY_FADE_MS (dsp/xfade.h), never a click. A group whose lanes are all off and settled
 * is idle and costs nothing: the ring is not written. On waking, a lane keeps reading the
 * live signal until the ring holds as much past as its delay, then fades to it, so it never
 * plays what the ring held from an earlier wake.
 *
 * Glossary: line/mask the ring and its index mask; w the write position (samples since
 * init, masked on use); want the wanted tap per lane (0 when off); recorded how much past the
 * ring holds since waking; tap the per-lane crossfade; is_active false when idle.
 * Setters take ms and are RT-safe; so are block_begin and process.
 */
#ifndef JMIXD_DSP_INDELAY_H
#define JMIXD_DSP_INDELAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dsp/dsp.h"
#include "dsp/xfade.h"

#define INDELAY_MAX_MS 500.0f
#define INDELAY_FADE_MS 20.0f

struct indelay {
	vf *line;
	uint32_t mask;
	uint32_t w;
	float rate_hz;
	int32_t recorded;
	bool is_active;
	bool is_idle;           /* no lane delays and every tap is settled at 0: block_begin skips */
	bool is_on[DSP_LANES];
	float time_ms[DSP_LANES];
	int32_t want[DSP_LANES];
	struct xfade tap[DSP_LANES];
};

/* Bytes of ring for one group at rate_hz. Control thread. */
size_t indelay_mem_size(float rate_hz);
/* Off, 0 ms, idle; mem holds indelay_mem_size bytes, 16-aligned. Control thread. */
void indelay_init(struct indelay *d, void *mem, float rate_hz);
void indelay_set_on(struct indelay *d, int lane, bool is_on);
void indelay_set_time_ms(struct indelay *d, int lane, float ms);   /* 0 .. INDELAY_MAX_MS */
/* Take every target at once (before audio starts). */
void indelay_settle(struct indelay *d);
void indelay_block_begin(struct indelay *d);
/* Delay n (<= DSP_BLOCK, inside the current block) lane frames of buf in place. */
void indelay_process(struct indelay *d, vf *buf, int n);

#endif
