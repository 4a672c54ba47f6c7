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

#endif
