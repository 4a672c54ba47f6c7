/*
 * engine.c - JACK client lifecycle; see engine.h. The RT callback is in process.c.
 */
#include "daemon/engine.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "daemon/log.h"
#include "daemon/simd.h"
#include "dsp/fpu.h"

#define EVENT_RING_SLOTS 64
/* 256 events a tick (50 Hz) is 12800 a second: ten times what a DIN cable carries. */
#define MIDI_RING_SLOTS 256

static void on_thread_init(void *arg)
{
	(void)arg;
	fpu_flush_denormals();
}

/* JACK's notification thread: raise the flag and wake the loop; nothing else. */
static void on_shutdown(jack_status_t code, const char *reason, void *arg)
{
	(void)code, (void)reason;
	struct engine *e = arg;
	uint64_t one = 1;
	atomic_store(&e->has_shut_down, true);
	if (write(e->event_fd, &one, sizeof one) < 0) {
		/* The flag alone is enough: the loop also checks it on every timer tick. */
	}
}

/*
 * Tell JACK how late our outputs are: the master by the limiter's look-ahead, monitor mixes
 * and the solo bus not at all. Runs on JACK's notification thread, reading only what is
 * fixed while the client exists.
 */
static void set_output_latency(jack_port_t *port, jack_latency_range_t in, unsigned extra)
{
	if (!port)
		return;
	jack_latency_range_t r = { in.min + extra, in.max + extra };
	jack_port_set_latency_range(port, JackCaptureLatency, &r);
}

static void on_latency(jack_latency_callback_mode_t mode, void *arg)
{
	struct engine *e = arg;
	unsigned master = (unsigned)mixer_master_latency(&e->mixer);
	jack_latency_range_t r, acc = { UINT32_MAX, 0 };

	if (mode == JackCaptureLatency) {
		for (int i = 0; i < e->n_inputs; i++) {
			jack_port_get_latency_range(e->inputs[i], JackCaptureLatency, &r);
			acc.min = r.min < acc.min ? r.min : acc.min;
			acc.max = r.max > acc.max ? r.max : acc.max;
		}
		if (acc.min == UINT32_MAX)
			acc.min = 0;
		set_output_latency(e->out_l, acc, master);
		set_output_latency(e->out_r, acc, master);
		set_output_latency(e->solo_l, acc, 0);
		set_output_latency(e->solo_r, acc, 0);
		for (int b = 0; b < BUS_MAX; b++) {
			set_output_latency(e->bus_l[b], acc, 0);
			set_output_latency(e->bus_r[b], acc, 0);
		}
		return;
	}
	/* Playback: an input is as far from the speakers as the longest path through us. */
	jack_port_t *outs[2 + 2 + 2 * BUS_MAX] = { e->out_l, e->out_r, e->solo_l, e->solo_r };
	for (int b = 0; b < BUS_MAX; b++) {
		outs[4 + 2 * b] = e->bus_l[b];
		outs[5 + 2 * b] = e->bus_r[b];
	}
	for (size_t k = 0; k < sizeof outs / sizeof outs[0]; k++) {
		if (!outs[k])
			continue;
		jack_port_get_latency_range(outs[k], JackPlaybackLatency, &r);
		unsigned extra = k < 2 ? master : 0;
		acc.min = r.min + extra < acc.min ? r.min + extra : acc.min;
		acc.max = r.max + extra > acc.max ? r.max + extra : acc.max;
	}
	if (acc.min == UINT32_MAX)
		acc.min = 0;
	for (int i = 0; i < e->n_inputs; i++)
		jack_port_set_latency_range(e->inputs[i], JackPlaybackLatency, &acc);
}

static int on_xrun(void *arg)
{
	struct engine *e = arg;
	atomic_fetch_add(&e->n_xruns, 1);
	return 0;
}

int engine_init(struct engine *e, const struct setup *setup, struct control *control)
{
	*e = (struct engine){ .setup = setup, .control = control, .event_fd = -1 };
	atomic_init(&e->has_shut_down, false);
	atomic_init(&e->n_xruns, 0);

	for (int ch = 0; ch < setup->n_channels; ch++)
		e->n_inputs += setup->channels[ch].is_stereo ? 2 : 1;
	int n_values = control->n_values;
	e->params = control->inst;
	e->publish = &control->publish;

	e->inputs = calloc((size_t)e->n_inputs, sizeof *e->inputs);
	e->in_bufs = calloc((size_t)e->n_inputs, sizeof *e->in_bufs);
	e->shadow = calloc((size_t)n_values, sizeof *e->shadow);
	e->applied = calloc((size_t)n_values, sizeof *e->applied);
	e->events_mem = malloc(spsc_mem_size(EVENT_RING_SLOTS, sizeof(struct engine_event)));
	e->event_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!e->inputs || !e->in_bufs || !e->shadow || !e->applied || !e->events_mem ||
	    e->event_fd < 0) {
		engine_free(e);
		return -ENOMEM;
	}
	/* NaN differs from every value, so the first read applies everything. */
	for (int i = 0; i < n_values; i++)
		e->applied[i] = NAN;
	spsc_init(&e->events, e->events_mem, EVENT_RING_SLOTS, sizeof(struct engine_event));
	atomic_init(&e->n_midi_rx_dropped, 0);
	atomic_init(&e->n_midi_rx_oversized, 0);
	atomic_init(&e->n_midi_tx_late, 0);
	if (setup->midi.is_enabled) {
		size_t ring = spsc_mem_size(MIDI_RING_SLOTS, sizeof(struct midi_event));
		e->midi_mem = calloc(2, ring);
		if (!e->midi_mem) {
			engine_free(e);
			return -ENOMEM;
		}
		spsc_init(&e->midi_rx, e->midi_mem, MIDI_RING_SLOTS, sizeof(struct midi_event));
		spsc_init(&e->midi_tx, (char *)e->midi_mem + ring, MIDI_RING_SLOTS,
			  sizeof(struct midi_event));
	}
	return 0;
}

bool engine_midi_pop(struct engine *e, struct midi_event *ev)
{
	return e->midi_mem && spsc_pop(&e->midi_rx, ev);
}

bool engine_midi_push(struct engine *e, const struct midi_event *ev)
{
	return e->midi_mem && spsc_push(&e->midi_tx, ev);
}

/*
 * The mixer's memory: one arena, touched and locked before the first period so the audio
 * thread never takes a page fault. mlock may be refused (no CAP_IPC_LOCK, low
 * RLIMIT_MEMLOCK): that is worth a warning, not a refusal to mix.
 */
static int build_mixer(struct engine *e, float rate_hz)
{
	const struct setup *setup = e->setup;
	bool *is_stereo = calloc((size_t)setup->n_channels, sizeof *is_stereo);
	if (!is_stereo)
		return -ENOMEM;
	for (int ch = 0; ch < setup->n_channels; ch++)
		is_stereo[ch] = setup->channels[ch].is_stereo;
	enum bus_type bus_type[BUS_MAX];
	bool bus_is_stereo[BUS_MAX];
	for (int b = 0; b < setup->n_buses; b++) {
		bus_type[b] = setup->buses[b].type;
		bus_is_stereo[b] = setup->buses[b].is_stereo;
	}
	struct mixer_layout layout = { .n_channels = setup->n_channels, .is_stereo = is_stereo,
				       .n_buses = setup->n_buses, .bus_type = bus_type,
				       .bus_is_stereo = bus_is_stereo };

	size_t size = mixer_mem_size(&layout, rate_hz);
	void *arena = NULL;
	int rc = posix_memalign(&arena, 64, size);
	if (rc != 0) {
		free(is_stereo);
		return -rc;
	}
	memset(arena, 0, size);
	if (mlock(arena, size) < 0)
		log_warn("cannot lock %zu bytes of DSP memory (%s): page faults may cause xruns",
			 size, strerror(errno));
	rc = mixer_init(&e->mixer, arena, &layout, rate_hz, setup->pan_law);
	free(is_stereo);
	if (rc < 0) {
		free(arena);
		return rc;
	}
	mixer_set_solo_mode(&e->mixer, setup->solo_mode);
	struct meters meters;
	rc = meters_init(&meters, &e->mixer, setup->n_channels);
	if (rc < 0) {
		free(arena);
		return rc;
	}
	if (e->arena) {
		munlock(e->arena, e->arena_size);
		free(e->arena);
		meters_free(&e->meters);
	}
	e->meters = meters;
	e->arena = arena;
	e->arena_size = size;
	e->rate_hz = rate_hz;
	return 0;
}

/*
 * Register one strip's or bus's ports: "base" when mono, "base_L" and "base_R" when stereo
 * (ports[1] stays untouched for mono). Outputs carry no JackPortIsTerminal: JACK defines it as
 * "data does not come from any other port", and every output of a mixer is made of its inputs.
 */
static int register_side_ports(struct engine *e, const char *base, bool is_stereo,
			       unsigned long flags, jack_port_t **ports, char *err, size_t err_size)
{
	for (int side = 0; side < (is_stereo ? 2 : 1); side++) {
		char name[SETUP_NAME_MAX + 8];
		snprintf(name, sizeof name, "%s%s", base, is_stereo ? (side ? "_R" : "_L") : "");
		ports[side] = jack_port_register(e->client, name, JACK_DEFAULT_AUDIO_TYPE, flags, 0);
		if (!ports[side]) {
			snprintf(err, err_size, "jack: cannot register %s port '%s'",
				 flags & JackPortIsInput ? "input" : "output", name);
			return -1;
		}
	}
	return 0;
}

static int register_ports(struct engine *e, char *err, size_t err_size)
{
	const struct setup *setup = e->setup;
	jack_port_t *pair[2];
	int port = 0;
	for (int ch = 0; ch < setup->n_channels; ch++) {
		const struct channel_setup *cs = &setup->channels[ch];
		if (register_side_ports(e, cs->name, cs->is_stereo, JackPortIsInput,
					&e->inputs[port], err, err_size) < 0)
			return -1;
		port += cs->is_stereo ? 2 : 1;
	}
	if (register_side_ports(e, "master", true, JackPortIsOutput, pair, err, err_size) < 0)
		return -1;
	e->out_l = pair[0], e->out_r = pair[1];
	for (int b = 0; b < setup->n_buses; b++) {
		const struct bus_setup *bs = &setup->buses[b];
		if (bs->type != BUS_MONITOR)
			continue;
		pair[1] = NULL;
		if (register_side_ports(e, bs->name, bs->is_stereo, JackPortIsOutput, pair,
					err, err_size) < 0)
			return -1;
		e->bus_l[b] = pair[0], e->bus_r[b] = pair[1];
	}
	if (setup->solo_mode == SOLO_PFL) {
		if (register_side_ports(e, "solo", true, JackPortIsOutput, pair, err, err_size) < 0)
			return -1;
		e->solo_l = pair[0], e->solo_r = pair[1];
	}
	static const char *const midi_names[MIDI_N_PORTS][2] = { { "midi_in", "midi_out" },
								 { "mcu_in", "mcu_out" } };
	for (int p = 0; p < MIDI_N_PORTS && setup->midi.is_enabled; p++) {
		if (p == MIDI_PORT_MCU && !setup->midi.has_mcu)
			continue;
		e->midi_in[p] = jack_port_register(e->client, midi_names[p][0],
						   JACK_DEFAULT_MIDI_TYPE, JackPortIsInput, 0);
		e->midi_out[p] = jack_port_register(e->client, midi_names[p][1],
						    JACK_DEFAULT_MIDI_TYPE, JackPortIsOutput, 0);
		if (!e->midi_in[p] || !e->midi_out[p]) {
			snprintf(err, err_size, "jack: cannot register the MIDI ports %s/%s",
				 midi_names[p][0], midi_names[p][1]);
			return -1;
		}
	}
	return 0;
}

/* A missing source or sink is logged, not fatal: hardware comes and goes. */
static void connect_one(struct engine *e, const char *from, const char *to)
{
	int rc = jack_connect(e->client, from, to);
	if (rc != 0 && rc != EEXIST)
		log_warn("jack: cannot connect %s -> %s", from, to);
	else
		log_info("jack: connected %s -> %s", from, to);
}

static void connect_ports(struct engine *e)
{
	const struct setup *setup = e->setup;
	int port = 0;
	for (int ch = 0; ch < setup->n_channels; ch++) {
		const struct channel_setup *cs = &setup->channels[ch];
		for (int side = 0; side < (cs->is_stereo ? 2 : 1); side++, port++)
			if (cs->input[side][0])
				connect_one(e, cs->input[side], jack_port_name(e->inputs[port]));
	}
	if (setup->master_output[0][0])
		connect_one(e, jack_port_name(e->out_l), setup->master_output[0]);
	if (setup->master_output[1][0])
		connect_one(e, jack_port_name(e->out_r), setup->master_output[1]);
	for (int b = 0; b < setup->n_buses; b++) {
		if (e->bus_l[b] && setup->buses[b].output[0][0])
			connect_one(e, jack_port_name(e->bus_l[b]), setup->buses[b].output[0]);
		if (e->bus_r[b] && setup->buses[b].output[1][0])
			connect_one(e, jack_port_name(e->bus_r[b]), setup->buses[b].output[1]);
	}
	if (e->solo_l && setup->solo_output[0][0])
		connect_one(e, jack_port_name(e->solo_l), setup->solo_output[0]);
	if (e->solo_r && setup->solo_output[1][0])
		connect_one(e, jack_port_name(e->solo_r), setup->solo_output[1]);
	const struct setup_midi *m = &setup->midi;
	for (int i = 0; i < MIDI_CONNECT_MAX; i++) {
		if (e->midi_in[MIDI_PORT_MAP] && m->input[i][0])
			connect_one(e, m->input[i], jack_port_name(e->midi_in[MIDI_PORT_MAP]));
		if (e->midi_out[MIDI_PORT_MAP] && m->output[i][0])
			connect_one(e, jack_port_name(e->midi_out[MIDI_PORT_MAP]), m->output[i]);
		if (e->midi_in[MIDI_PORT_MCU] && m->mcu_input[i][0])
			connect_one(e, m->mcu_input[i], jack_port_name(e->midi_in[MIDI_PORT_MCU]));
		if (e->midi_out[MIDI_PORT_MCU] && m->mcu_output[i][0])
			connect_one(e, jack_port_name(e->midi_out[MIDI_PORT_MCU]), m->mcu_output[i]);
	}
}

int engine_open(struct engine *e, char *err, size_t err_size)
{
	jack_status_t status;
	e->client = jack_client_open(e->setup->client_name, JackNoStartServer | JackUseExactName,
				     &status);
	if (!e->client) {
		if (status & JackNameNotUnique)
			snprintf(err, err_size, "jack: a client named '%s' already exists",
				 e->setup->client_name);
		else
			snprintf(err, err_size, "jack: cannot connect to the JACK server%s%s",
				 getenv("JACK_DEFAULT_SERVER") ? " " : "",
				 getenv("JACK_DEFAULT_SERVER") ? getenv("JACK_DEFAULT_SERVER") : "");
		return -1;
	}
	atomic_store(&e->has_shut_down, false);
	snprintf(e->client_name, sizeof e->client_name, "%s", jack_get_client_name(e->client));

	float rate = (float)jack_get_sample_rate(e->client);
	bool is_new_mixer = !e->arena || rate != e->rate_hz;
	if (is_new_mixer) {
		if (e->arena)
			log_warn("jack: sample rate is now %.0f Hz; DSP rebuilt", (double)rate);
		if (build_mixer(e, rate) < 0) {
			snprintf(err, err_size, "out of memory for the DSP");
			goto fail;
		}
		for (int i = 0; i < e->control->n_values; i++)
			e->applied[i] = NAN;
	}
	/* No audio thread runs yet: hand every value over now and start at it, not towards it. */
	publish_invalidate(&e->control->publish);
	engine_apply_params(e, is_new_mixer);

	if (register_ports(e, err, err_size) < 0)
		goto fail;
	jack_set_process_callback(e->client, engine_process, e);
	jack_set_thread_init_callback(e->client, on_thread_init, e);
	jack_set_xrun_callback(e->client, on_xrun, e);
	jack_set_latency_callback(e->client, on_latency, e);
	jack_on_info_shutdown(e->client, on_shutdown, e);
	if (jack_activate(e->client) != 0) {
		snprintf(err, err_size, "jack: cannot activate the client");
		goto fail;
	}
	e->control->engine.sample_rate = (uint32_t)rate;
	e->control->engine.vector_path = SIMD_PATH_NAME;
	e->control->engine.period = jack_get_buffer_size(e->client);
	e->control->engine.is_running = true;
	connect_ports(e);
	return 0;
fail:
	jack_client_close(e->client);
	e->client = NULL;
	return -1;
}

int engine_open_offline(struct engine *e, float rate_hz)
{
	int rc = build_mixer(e, rate_hz);
	if (rc < 0)
		return rc;
	publish_invalidate(&e->control->publish);
	engine_apply_params(e, true);
	return 0;
}

void engine_close(struct engine *e)
{
	if (!e->client)
		return;
	if (!atomic_load(&e->has_shut_down))
		jack_deactivate(e->client);
	jack_client_close(e->client);
	e->client = NULL;
	e->solo_l = e->solo_r = NULL;
	for (int p = 0; p < MIDI_N_PORTS; p++)
		e->midi_in[p] = e->midi_out[p] = NULL;
	for (int b = 0; b < BUS_MAX; b++)
		e->bus_l[b] = e->bus_r[b] = NULL;
	e->control->engine.is_running = false;
}

void engine_free(struct engine *e)
{
	engine_close(e);
	if (e->arena) {
		munlock(e->arena, e->arena_size);
		free(e->arena);
		meters_free(&e->meters);
	}
	free(e->inputs);
	free(e->in_bufs);
	free(e->shadow);
	free(e->applied);
	free(e->events_mem);
	free(e->midi_mem);
	if (e->event_fd >= 0)
		close(e->event_fd);
	*e = (struct engine){ .event_fd = -1 };
}

void engine_poll_events(struct engine *e)
{
	struct engine_event ev;
	while (spsc_pop(&e->events, &ev)) {
		switch (ev.code) {
		case EVENT_BAD_INPUT:
			log_warn("audio: non-finite or out-of-range input samples replaced by "
				 "silence (%llu so far)", (unsigned long long)ev.value);
			break;
		case EVENT_DSP_RESET:
			log_warn("audio: a filter or dynamics state went non-finite and was reset "
				 "(%llu lanes so far)", (unsigned long long)ev.value);
			break;
		default:
			break;
		}
	}
}

void engine_update_status(struct engine *e, float window_s)
{
	if (e->arena)
		meters_update(&e->meters, &e->mixer, e->control, window_s);
	e->control->engine.n_xruns = atomic_load(&e->n_xruns);
	e->control->engine.n_loudness_dropped =
		atomic_load_explicit(&e->meters.rt_loudness_dropped, memory_order_relaxed);
	if (e->client)
		e->control->engine.dsp_load_percent = jack_cpu_load(e->client);
}
