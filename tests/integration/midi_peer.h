/*
 * midi_peer.h - a JACK MIDI client for the tests: the hardware controller jmixd talks to.
 *
 * Ports "<name>:midi_out" (events the test sends), "<name>:midi_in" (events jmixd sends back),
 * "<name>:audio_out" (a constant level, DC) and "<name>:audio_in" (its peak per period is
 * recorded). Everything is counted in the peer's own periods, so a test can say in which
 * period a CC left and in which period the audio it moved changed: the latency in periods,
 * independent of wall-clock time on a busy machine.
 *
 * The process callback only copies bytes between the JACK buffers and two SPSC rings
 * (daemon/spsc.h, the daemon's own) and never allocates, locks or logs. Test thread otherwise.
 */
#ifndef JMIXD_TESTS_MIDI_PEER_H
#define JMIXD_TESTS_MIDI_PEER_H

#include <stddef.h>
#include <stdint.h>

struct midi_peer;

struct midi_peer_event {
	uint64_t period;             /* the peer's period it was sent or received in */
	uint32_t size;
	uint8_t bytes[60];
};

/* Open and activate the client (the JACK server from JACK_DEFAULT_SERVER). NULL on failure. */
struct midi_peer *midi_peer_open(const char *name, float dc_level);
void midi_peer_close(struct midi_peer *p);

/* "<name>:<port>" in a static buffer per port kind. */
const char *midi_peer_port(const struct midi_peer *p, const char *port);

/* Queue one event (up to 60 bytes) for the next period and wait until it went out (2 s).
 * Returns the period it left in (>= 0), or -1. */
int64_t midi_peer_send(struct midi_peer *p, const uint8_t *bytes, size_t size);

/* The next event received from jmixd, waiting up to timeout_s. 0, or -1 on timeout. */
int midi_peer_receive(struct midi_peer *p, struct midi_peer_event *ev, double timeout_s);

/* Forget every event received so far. */
void midi_peer_drain(struct midi_peer *p);

/* Periods processed so far. */
uint64_t midi_peer_period(const struct midi_peer *p);

/* The peak of audio_in in period k, waiting (2 s) until it is recorded; -1 if it is too old
 * (a ring of 4096 periods) or did not come. */
float midi_peer_peak(struct midi_peer *p, uint64_t k);

/* Xruns seen by the peer since open (a measurement across one is discarded). */
unsigned midi_peer_xruns(const struct midi_peer *p);

/* The next event from jmixd equal to want (n bytes), skipping others, waiting up to
 * timeout_s. 0, or -1. */
int midi_peer_expect(struct midi_peer *p, const uint8_t *want, size_t n, double timeout_s);

/*
 * JACK drops what a client reads in a cycle it missed (an xrun: a busy machine, emulation), so
 * a step that did not take effect is tried again when the peer saw an xrun meanwhile, up to
 * 5 times; without an xrun to explain it, a miss is a failure (-1).
 *
 * midi_peer_send_until: send the events (each bytes[k] of size[k]), then wait (1.5 s) until
 * the OSC query of path answers want (within tol). midi_peer_osc_until: set path to value
 * over OSC and wait (2 s) for want on the peer's midi_in; a retry sets alt first and waits
 * for its feedback, so that value is a change again. Both return 0 or -1.
 */
struct hx_osc;
int midi_peer_send_until(struct midi_peer *p, struct hx_osc *o, const uint8_t *const *bytes,
			 const size_t *size, int n, const char *path, double want, double tol);
int midi_peer_osc_until(struct midi_peer *p, struct hx_osc *o, const char *path, float value,
			float alt, const uint8_t *want, size_t n);

#endif
