/*
 * process.c - THE real-time file: JACK's process callback and what it calls.
 *
 * Rules (checked by make check and by tests/rtguard under the integration suite): no
 * allocation, no locks, no I/O, no logging, no waiting, bounded loops only. Control reaches
 * this file through publish blocks (a seqlock per block, and one over a scene: publish.h;
 * a torn read is retried next period), and events leave it on an SPSC ring that it never
 * waits on. It knows the parameters only as the instance array (params.h): what a value is
 * and which apply hands it to the DSP.
 */
#include <math.h>
#include <string.h>

#include "daemon/engine.h"
#include "daemon/params.h"
#include "daemon/publish.h"
#include "daemon/rt.h"

/*
 * Every block written since the last period (a whole scene at once, never half of one):
 * hand its values that differ from what the DSP has to params_apply_block, one call per
 * block. Bounded by the number of parameters; a period with no change costs one atomic
 * exchange per 32 blocks.
 */
static void apply_changed_blocks(struct engine *e) RT_NONBLOCKING
{
	const int *ready;
	int n = publish_read_changed(e->publish, e->shadow, &ready);
	for (int k = 0; k < n; k++) {
		const struct publish_block *blk = &e->publish->blocks[ready[k]];
		params_apply_block(&e->mixer, &e->params[blk->first], &e->shadow[blk->first],
				   &e->applied[blk->first], blk->n_slots);
	}
}

static void report_events(struct engine *e) RT_NONBLOCKING
{
	/* A full ring just means the report goes out next period. */
	if (e->mixer.n_bad_samples != e->rt_reported_bad) {
		struct engine_event ev = { .code = EVENT_BAD_INPUT, .value = e->mixer.n_bad_samples };
		if (spsc_push(&e->events, &ev))
			e->rt_reported_bad = e->mixer.n_bad_samples;
	}
	uint64_t n_resets = mixer_n_resets(&e->mixer);
	if (n_resets != e->rt_reported_resets) {
		struct engine_event ev = { .code = EVENT_DSP_RESET, .value = n_resets };
		if (spsc_push(&e->events, &ev))
			e->rt_reported_resets = n_resets;
	}
}

/*
 * MIDI in: copy each event's bytes onto midi_rx, stamped with its frame time. Bounded by the
 * buffer's event count; no decoding here. An event too long for a slot, or a full ring, is
 * dropped and counted.
 */
static void midi_receive(struct engine *e, int port, jack_nframes_t n_frames) RT_NONBLOCKING
{
	void *buf = jack_port_get_buffer(e->midi_in[port], n_frames);
	uint32_t n = jack_midi_get_event_count(buf);
	jack_nframes_t start = jack_last_frame_time(e->client);
	for (uint32_t i = 0; i < n; i++) {
		jack_midi_event_t in;
		if (jack_midi_event_get(&in, buf, i) != 0 || in.size == 0)
			continue;
		if (in.size > MIDI_EVENT_BYTES) {
			atomic_fetch_add_explicit(&e->n_midi_rx_oversized, 1, memory_order_relaxed);
			continue;
		}
		struct midi_event ev = { .frame = start + in.time, .port = (uint8_t)port,
					 .size = (uint8_t)in.size };
		memcpy(ev.bytes, in.buffer, in.size);
		if (!spsc_push(&e->midi_rx, &ev))
			atomic_fetch_add_explicit(&e->n_midi_rx_dropped, 1, memory_order_relaxed);
	}
}

/*
 * MIDI out: what the control thread queued, each event to the output its port names, at
 * frame 0, while every output has room for the longest event; the rest waits in the ring
 * for the next period (counted, for /status).
 */
#define MIDI_OUT_PER_PERIOD 128

static void midi_send(struct engine *e, jack_nframes_t n_frames) RT_NONBLOCKING
{
	void *buf[MIDI_N_PORTS] = { NULL };
	for (int p = 0; p < MIDI_N_PORTS; p++)
		if (e->midi_out[p]) {
			buf[p] = jack_port_get_buffer(e->midi_out[p], n_frames);
			jack_midi_clear_buffer(buf[p]);
		}
	struct midi_event ev;
	for (int k = 0; k < MIDI_OUT_PER_PERIOD; k++) {
		for (int p = 0; p < MIDI_N_PORTS; p++)
			if (buf[p] && jack_midi_max_event_size(buf[p]) < MIDI_EVENT_BYTES) {
				if (spsc_count(&e->midi_tx) > 0)
					atomic_fetch_add_explicit(&e->n_midi_tx_late, 1,
								  memory_order_relaxed);
				return;
			}
		if (!spsc_pop(&e->midi_tx, &ev))
			return;
		if (ev.port >= MIDI_N_PORTS || !buf[ev.port])
			continue;
		unsigned char *out = jack_midi_event_reserve(buf[ev.port], 0, ev.size);
		if (out)
			memcpy(out, ev.bytes, ev.size);
	}
}

int engine_process(jack_nframes_t n_frames, void *arg) RT_NONBLOCKING
{
	struct engine *e = arg;

	for (int p = 0; p < MIDI_N_PORTS; p++)
		if (e->midi_in[p])
			midi_receive(e, p, n_frames);
	apply_changed_blocks(e);
	for (int i = 0; i < e->n_inputs; i++)
		e->in_bufs[i] = jack_port_get_buffer(e->inputs[i], n_frames);
	struct mixer_outputs out = {
		.master_l = jack_port_get_buffer(e->out_l, n_frames),
		.master_r = jack_port_get_buffer(e->out_r, n_frames),
	};
	if (e->solo_l) {
		out.solo_l = jack_port_get_buffer(e->solo_l, n_frames);
		out.solo_r = jack_port_get_buffer(e->solo_r, n_frames);
	}
	for (int b = 0; b < e->mixer.n_buses; b++) {
		out.bus_l[b] = e->bus_l[b] ? jack_port_get_buffer(e->bus_l[b], n_frames) : NULL;
		out.bus_r[b] = e->bus_r[b] ? jack_port_get_buffer(e->bus_r[b], n_frames) : NULL;
	}
	mixer_process(&e->mixer, e->in_bufs, &out, (int)n_frames);
	meters_rt_post(&e->meters, &e->mixer, n_frames);
	if (e->midi_out[MIDI_PORT_MAP] || e->midi_out[MIDI_PORT_MCU])
		midi_send(e, n_frames);
	report_events(e);
	return 0;
}

/*
 * Control thread, before activation (engine_open) or with no audio thread (the bench): the
 * same hand-over as a period, so it lives beside it.
 */
void engine_apply_params(struct engine *e, bool is_settling)
{
	apply_changed_blocks(e);
	if (is_settling)
		mixer_settle(&e->mixer);
}
