/*
 * midi_peer.c - see midi_peer.h.
 */
#include "tests/integration/midi_peer.h"

#include <jack/jack.h>
#include <jack/midiport.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "daemon/spsc.h"
#include "tests/integration/harness.h"

#define RING_SLOTS 1024
#define PEAK_PERIODS 4096

struct midi_peer {
	jack_client_t *client;
	jack_port_t *midi_out, *midi_in, *audio_out, *audio_in;
	float dc_level;
	struct spsc tx, rx;
	void *ring_mem;
	atomic_uint_fast64_t n_periods;
	atomic_uint_fast64_t n_sent;       /* events written to midi_out */
	atomic_uint_fast64_t last_sent_period;
	atomic_uint n_xruns;
	float peak[PEAK_PERIODS];
	uint64_t n_queued;                 /* test thread: events handed to tx */
	char names[4][320];
};

static int process(jack_nframes_t n, void *arg)
{
	struct midi_peer *p = arg;
	uint64_t k = atomic_load_explicit(&p->n_periods, memory_order_relaxed);

	void *out = jack_port_get_buffer(p->midi_out, n);
	jack_midi_clear_buffer(out);
	struct midi_peer_event ev;
	while (spsc_pop(&p->tx, &ev)) {
		jack_midi_event_write(out, 0, ev.bytes, ev.size);
		atomic_store(&p->last_sent_period, k);
		atomic_fetch_add(&p->n_sent, 1);
	}
	void *in = jack_port_get_buffer(p->midi_in, n);
	uint32_t count = jack_midi_get_event_count(in);
	for (uint32_t i = 0; i < count; i++) {
		jack_midi_event_t e;
		if (jack_midi_event_get(&e, in, i) != 0 || e.size > sizeof ev.bytes)
			continue;
		ev.period = k;
		ev.size = (uint32_t)e.size;
		memcpy(ev.bytes, e.buffer, e.size);
		spsc_push(&p->rx, &ev);
	}
	float *a_out = jack_port_get_buffer(p->audio_out, n);
	const float *a_in = jack_port_get_buffer(p->audio_in, n);
	float peak = 0.0f;
	for (jack_nframes_t i = 0; i < n; i++) {
		a_out[i] = p->dc_level;
		peak = fabsf(a_in[i]) > peak ? fabsf(a_in[i]) : peak;
	}
	p->peak[k % PEAK_PERIODS] = peak;
	atomic_store_explicit(&p->n_periods, k + 1, memory_order_release);
	return 0;
}

static int on_xrun(void *arg)
{
	struct midi_peer *p = arg;
	atomic_fetch_add(&p->n_xruns, 1);
	return 0;
}

struct midi_peer *midi_peer_open(const char *name, float dc_level)
{
	/* The rings' indices are cache-line aligned (spsc.h): so must the struct be. */
	struct midi_peer *p = aligned_alloc(64, (sizeof *p + 63) & ~(size_t)63);
	size_t ring = spsc_mem_size(RING_SLOTS, sizeof(struct midi_peer_event));
	if (!p)
		return NULL;
	memset(p, 0, sizeof *p);
	if (!(p->ring_mem = calloc(2, ring)))
		goto fail;
	spsc_init(&p->tx, p->ring_mem, RING_SLOTS, sizeof(struct midi_peer_event));
	spsc_init(&p->rx, (char *)p->ring_mem + ring, RING_SLOTS, sizeof(struct midi_peer_event));
	p->dc_level = dc_level;
	p->client = jack_client_open(name, JackNoStartServer | JackUseExactName, NULL);
	if (!p->client)
		goto fail;
	p->midi_out = jack_port_register(p->client, "midi_out", JACK_DEFAULT_MIDI_TYPE,
					 JackPortIsOutput, 0);
	p->midi_in = jack_port_register(p->client, "midi_in", JACK_DEFAULT_MIDI_TYPE,
					JackPortIsInput, 0);
	p->audio_out = jack_port_register(p->client, "audio_out", JACK_DEFAULT_AUDIO_TYPE,
					  JackPortIsOutput, 0);
	p->audio_in = jack_port_register(p->client, "audio_in", JACK_DEFAULT_AUDIO_TYPE,
					 JackPortIsInput, 0);
	if (!p->midi_out || !p->midi_in || !p->audio_out || !p->audio_in)
		goto fail;
	jack_set_process_callback(p->client, process, p);
	jack_set_xrun_callback(p->client, on_xrun, p);
	if (jack_activate(p->client) != 0)
		goto fail;
	const char *ports[4] = { "midi_out", "midi_in", "audio_out", "audio_in" };
	for (int i = 0; i < 4; i++)
		snprintf(p->names[i], sizeof p->names[i], "%s:%s", jack_get_client_name(p->client),
			 ports[i]);
	return p;
fail:
	midi_peer_close(p);
	return NULL;
}

void midi_peer_close(struct midi_peer *p)
{
	if (!p)
		return;
	if (p->client)
		jack_client_close(p->client);
	free(p->ring_mem);
	free(p);
}

const char *midi_peer_port(const struct midi_peer *p, const char *port)
{
	static const char *const ports[4] = { "midi_out", "midi_in", "audio_out", "audio_in" };
	for (int i = 0; i < 4; i++)
		if (strcmp(port, ports[i]) == 0)
			return p->names[i];
	return "";
}

int64_t midi_peer_send(struct midi_peer *p, const uint8_t *bytes, size_t size)
{
	struct midi_peer_event ev = { .size = (uint32_t)size };
	if (size > sizeof ev.bytes || !spsc_push(&p->tx, (memcpy(ev.bytes, bytes, size), &ev)))
		return -1;
	p->n_queued++;
	/* Evidence, not time: the callback counts what it wrote. */
	for (double end = hx_now() + 2.0; hx_now() < end; hx_sleep(0.001))
		if (atomic_load(&p->n_sent) >= p->n_queued)
			return (int64_t)atomic_load(&p->last_sent_period);
	return -1;
}

int midi_peer_receive(struct midi_peer *p, struct midi_peer_event *ev, double timeout_s)
{
	for (double end = hx_now() + timeout_s;; hx_sleep(0.001)) {
		if (spsc_pop(&p->rx, ev))
			return 0;
		if (hx_now() >= end)
			return -1;
	}
}

void midi_peer_drain(struct midi_peer *p)
{
	struct midi_peer_event ev;
	while (spsc_pop(&p->rx, &ev)) {
	}
}

uint64_t midi_peer_period(const struct midi_peer *p)
{
	return atomic_load_explicit(&p->n_periods, memory_order_acquire);
}

float midi_peer_peak(struct midi_peer *p, uint64_t k)
{
	for (double end = hx_now() + 2.0; midi_peer_period(p) <= k; hx_sleep(0.001))
		if (hx_now() >= end)
			return -1.0f;
	if (midi_peer_period(p) - k >= PEAK_PERIODS)
		return -1.0f;
	return p->peak[k % PEAK_PERIODS];
}

unsigned midi_peer_xruns(const struct midi_peer *p)
{
	return atomic_load(&p->n_xruns);
}

int midi_peer_expect(struct midi_peer *p, const uint8_t *want, size_t n, double timeout_s)
{
	struct midi_peer_event ev;
	for (double end = hx_now() + timeout_s; hx_now() < end;)
		if (midi_peer_receive(p, &ev, end - hx_now()) == 0 && ev.size == n &&
		    memcmp(ev.bytes, want, n) == 0)
			return 0;
	return -1;
}

#define TRIES 5

static int reach(struct hx_osc *o, const char *path, double want, double tol, double timeout_s)
{
	struct hx_osc_msg m;
	for (double end = hx_now() + timeout_s; hx_now() < end; hx_sleep(0.005))
		if (hx_osc_query(o, path, 2.0, &m) == 0 && m.argc >= 1 &&
		    fabs(m.argv[0].d - want) <= tol)
			return 0;
	return -1;
}

int midi_peer_send_until(struct midi_peer *p, struct hx_osc *o, const uint8_t *const *bytes,
			 const size_t *size, int n, const char *path, double want, double tol)
{
	for (int t = 0; t < TRIES; t++) {
		unsigned mark = midi_peer_xruns(p);
		for (int k = 0; k < n; k++)
			if (midi_peer_send(p, bytes[k], size[k]) < 0)
				return -1;
		if (reach(o, path, want, tol, 1.5) == 0)
			return 0;
		if (midi_peer_xruns(p) == mark)
			return -1;
		hx_log("midi_peer: %s missed across an xrun; sent again", path);
	}
	return -1;
}

int midi_peer_osc_until(struct midi_peer *p, struct hx_osc *o, const char *path, float value,
			float alt, const uint8_t *want, size_t n)
{
	for (int t = 0; t < TRIES; t++) {
		unsigned mark = midi_peer_xruns(p);
		hx_osc_send(o, path, "f", (double)value);
		if (midi_peer_expect(p, want, n, 2.0) == 0)
			return 0;
		if (midi_peer_xruns(p) == mark)
			return -1;
		hx_log("midi_peer: feedback of %s missed across an xrun; set again", path);
		hx_osc_send(o, path, "f", (double)alt);
		struct midi_peer_event ev;
		midi_peer_receive(p, &ev, 0.5);
	}
	return -1;
}
