/*
 * engine.h - the JACK side of the daemon: client, ports, callbacks, and the DSP they drive.
 *
 * The mixer, its arena and the parameter shadow live as long as the daemon, not as long as
 * the JACK client: when jackd goes away the shutdown callback only raises a flag, and the
 * control loop closes the dead client and opens a new one with the same ports and
 * connections (engine_reopen), with the mix exactly as it was.
 *
 * Threads: engine_* functions are control thread only; the process callback (process.c)
 * runs on JACK's RT thread; JACK's notification thread only sets atomics and writes to
 * event_fd.
 */
#ifndef JMIXD_ENGINE_H
#define JMIXD_ENGINE_H

#include <jack/jack.h>
#include <jack/midiport.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "daemon/control.h"
#include "daemon/meters.h"
#include "daemon/midi_setup.h"
#include "daemon/spsc.h"
#include "dsp/mixer.h"

/* What the audio thread reports to the control thread (on the event ring). */
enum engine_event_code {
	EVENT_BAD_INPUT,           /* value: total non-finite input samples replaced so far */
	EVENT_DSP_RESET,           /* value: total lanes a module reset after NaN/Inf inside it */
};

struct engine_event {
	uint32_t code;
	uint32_t pad;
	uint64_t value;
};

struct engine {
	const struct setup *setup;
	struct control *control;
	jack_client_t *client;
	char client_name[64];        /* the name JACK gave us */
	int n_inputs;
	jack_port_t **inputs;
	jack_port_t *out_l, *out_r;
	jack_port_t *solo_l, *solo_r;   /* the PFL solo bus; NULL in solo-in-place mode */
	jack_port_t *bus_l[BUS_MAX];    /* monitor buses' outputs (right NULL when mono) */
	jack_port_t *bus_r[BUS_MAX];

	/* Built on the first open; rebuilt only if the sample rate changes. */
	struct mixer mixer;
	struct meters meters;
	void *arena;
	size_t arena_size;
	float rate_hz;

	/* The parameters as the audio thread sees them (from control): instances and blocks. */
	const struct param_inst *params;
	struct publish *publish;

	/* Owned by the audio thread while the client is active. */
	const float **in_bufs;
	float *shadow;               /* last values read from each publish block */
	float *applied;              /* last value handed to the DSP, per parameter */
	uint64_t rt_reported_bad;
	uint64_t rt_reported_resets;
	struct spsc events;
	void *events_mem;

	/*
	 * MIDI (config `midi`): the audio thread only copies event bytes between the JACK
	 * buffers and two rings of struct midi_event; the control thread decodes and encodes
	 * (midi/). A full ring drops the event and counts it; nothing waits.
	 */
	jack_port_t *midi_in[MIDI_N_PORTS];    /* by enum midi_port; NULL when not configured */
	jack_port_t *midi_out[MIDI_N_PORTS];
	struct spsc midi_rx;         /* audio thread -> control: events from the inputs */
	struct spsc midi_tx;         /* control -> audio thread: events for the outputs */
	void *midi_mem;
	atomic_uint n_midi_rx_dropped;     /* midi_rx full */
	atomic_uint n_midi_rx_oversized;   /* longer than MIDI_EVENT_BYTES (a long sysex) */
	atomic_uint n_midi_tx_late;        /* an output buffer full: left for the next period */

	/* Set from JACK's threads. */
	atomic_bool has_shut_down;
	atomic_uint n_xruns;
	int event_fd;                /* eventfd the control loop polls */
};

/* Control thread: prepare (no JACK yet). 0 or -errno. */
int engine_init(struct engine *e, const struct setup *setup, struct control *control);

/*
 * Open the JACK client, build or keep the mixer, register ports, activate, connect.
 * Returns 0, or -1 with a message in err (JACK not running, name taken, ...).
 */
int engine_open(struct engine *e, char *err, size_t err_size);

/*
 * Without JACK (an offline render): build the mixer at rate_hz and hand it every published
 * value, settled, exactly as engine_open does before the first period. 0 or -ENOMEM.
 */
int engine_open_offline(struct engine *e, float rate_hz);

/* Deactivate (if alive) and close the client. The mixer stays. */
void engine_close(struct engine *e);

void engine_free(struct engine *e);

/* Drain events from the audio thread and log them. Control thread. */
void engine_poll_events(struct engine *e);

/* Each tick of window_s seconds: meters, load and xrun figures into control. */
void engine_update_status(struct engine *e, float window_s);

/*
 * Control thread: the next MIDI event from an input (false when none, or MIDI is off), and an
 * event for the output ev->port names (false when the ring is full: try again next tick).
 */
bool engine_midi_pop(struct engine *e, struct midi_event *ev);
bool engine_midi_push(struct engine *e, const struct midi_event *ev);

/* The RT process callback, in process.c. */
int engine_process(jack_nframes_t n_frames, void *arg);

/* Before activation: hand every published value to the DSP and settle it (no glide). */
void engine_apply_params(struct engine *e, bool is_settling);

#endif
