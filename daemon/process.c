/*
 * process.c - THE real-time file: JACK's process callback and what it calls.
 *
 * Rules (checked by make check and by tests/rtguard under the integration suite): no
 * allocation, no locks, no I/O, no logging, no waiting, bounded loops only. Control reaches
 * this file through publish blocks (a seqlock per block; a torn read is retried next
 * period), and events leave it on an SPSC ring that it never waits on.
 */
#include <math.h>

#include "daemon/engine.h"
#include "daemon/params.h"
#include "daemon/publish.h"

#if defined(__has_feature)
#if __has_feature(realtime_sanitizer)
#define RT_NONBLOCKING __attribute__((nonblocking))
#endif
#endif
#ifndef RT_NONBLOCKING
#define RT_NONBLOCKING
#endif

/*
 * For every block whose generation moved, hand the changed values to the DSP setters. The
 * work is bounded by the number of parameters, and only changed blocks cost anything.
 */
static void apply_changed_blocks(struct engine *e) RT_NONBLOCKING
{
	struct control *c = e->control;
	for (int b = 0; b < c->n_blocks; b++) {
		float *shadow = e->shadow + c->block_offset[b];
		if (!publish_read_block(&c->publish, b, shadow))
			continue;
		int index;
		enum param_scope scope = control_block_scope(c, b, &index);
		float *applied = e->applied + c->block_offset[b];
		int n_slots = c->publish.blocks[b].n_slots;
		for (int s = 0; s < n_slots; s++) {
			if (shadow[s] == applied[s])
				continue;
			applied[s] = shadow[s];
			const struct param_desc *d = params_at(scope, s);
			d->apply(&e->mixer, index, d->sub, shadow[s]);
		}
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

int engine_process(jack_nframes_t n_frames, void *arg) RT_NONBLOCKING
{
	struct engine *e = arg;

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
	report_events(e);
	return 0;
}

void engine_apply_params(struct engine *e, bool is_settling)
{
	apply_changed_blocks(e);
	if (is_settling)
		mixer_settle(&e->mixer);
}
