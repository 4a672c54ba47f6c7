/*
 * test_mcu.c - a Mackie Control surface on jmixd:mcu_in / mcu_out, played by the test's JACK
 * MIDI peer (midi_peer.h) through a real jackd and the real daemon: the surface's "ready"
 * brings the scribble strips, a fader's pitch bend moves a channel and an OSC change moves
 * the motor, a mute button toggles the mute and lights it, banking shifts the strips, and
 * the Send page puts a bus's sends on the faders. The bytes are those of midi/mcu.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "tests/integration/harness.h"
#include "tests/integration/expect.h"
#include "tests/integration/midi_peer.h"

#define PEER "mcupeer"

static struct {
	struct hx_jackd jackd;
	struct hx_daemon daemon;
	struct midi_peer *peer;
	struct hx_osc *osc;
} g;

static const char config[] =
	"state = { autosave = false; };\n"
	"aux = ( { name = \"wedge\"; type = \"monitor\"; } );\n"
	"channels = ( { name = \"kick\"; }, { name = \"c2\"; }, { name = \"c3\"; }, { name = \"c4\"; },\n"
	"  { name = \"c5\"; }, { name = \"c6\"; }, { name = \"c7\"; }, { name = \"c8\"; },\n"
	"  { name = \"c9\"; }, { name = \"vox\"; } );\n"
	"midi = { mcu = { input = \"" PEER ":midi_out\"; output = \"" PEER ":midi_in\"; }; };\n";

static int group_setup(void **state)
{
	(void)state;
	static const char *const ports[] = { "mcu_in", "mcu_out", NULL };
	const struct hx_daemon_opts opts = { .ports = ports };
	if (hx_jackd_start(&g.jackd, 48000, 256) < 0 || !(g.peer = midi_peer_open(PEER, 0.0f)) ||
	    hx_daemon_start(&g.daemon, &g.jackd, config, &opts) < 0 ||
	    !(g.osc = hx_osc_open(g.daemon.osc_port)))
		return -1;
	char in[HX_NAME_MAX * 2];
	hx_daemon_port(&g.daemon, "mcu_in", in);
	for (double end = hx_now() + 5.0; hx_now() < end; hx_sleep(0.01))
		if (hx_jack_connected(&g.jackd, midi_peer_port(g.peer, "midi_out"), in))
			return 0;
	return -1;
}

static int group_teardown(void **state)
{
	(void)state;
	hx_osc_close(g.osc);
	hx_daemon_stop(&g.daemon, SIGTERM, 5.0);
	midi_peer_close(g.peer);
	hx_jackd_stop(&g.jackd);
	return 0;
}

static void send_bytes(const uint8_t *b, size_t n)
{
	assert_true(midi_peer_send(g.peer, b, n) >= 0);
}

#define SEND(...) send_bytes((const uint8_t[]){ __VA_ARGS__ }, \
				   sizeof((const uint8_t[]){ __VA_ARGS__ }))

/* An event from mcu_out equal to the bytes, others skipped; after an xrun jmixd sends the
 * surface everything again, so one lost is sent again. */
#define EXPECT(...) assert_int_equal(midi_peer_expect(g.peer, (const uint8_t[]){ __VA_ARGS__ }, \
			sizeof((const uint8_t[]){ __VA_ARGS__ }), 3.0), 0)

static double query(const char *path)
{
	return query_value(g.osc, path);
}


static void test_ready_brings_scribble_strips(void **state)
{
	(void)state;
	midi_peer_drain(g.peer);
	SEND(0xF0, 0x00, 0x00, 0x66, 0x14, 0x01, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0xF7);
	EXPECT(0xF0, 0x00, 0x00, 0x66, 0x14, 0x12, 0x00, 'k', 'i', 'c', 'k', ' ', ' ', ' ', 0xF7);
	EXPECT(0xF0, 0x00, 0x00, 0x66, 0x14, 0x12, 0x38, ' ', ' ', ' ', '0', '.', '0', ' ', 0xF7);
}

/* Events in, until the parameter shows it (again after an xrun: midi_peer.h). */
static void send_until(const uint8_t *a, const uint8_t *b, const char *path, double want,
		       double tol)
{
	const uint8_t *evs[2] = { a, b };
	const size_t size[2] = { 3, 3 };
	if (midi_peer_send_until(g.peer, g.osc, evs, size, b ? 2 : 1, path, want, tol) < 0)
		fail_msg("%s: %g, expected %g", path, query(path), want);
}

static void test_fader_and_motor(void **state)
{
	(void)state;
	send_until((const uint8_t[]){ 0xE0, 0x7F, 0x7F }, NULL, "/ch/1/fader", 10.0, 1e-3);
	midi_peer_drain(g.peer);
	hx_osc_send(g.osc, "/ch/2/fader/norm", "f", 0.5);   /* 8192: E1 00 40 */
	EXPECT(0xE1, 0x00, 0x40);
	send_until((const uint8_t[]){ 0xE8, 0x00, 0x20 }, NULL, "/master/fader/norm",
		   4096.0 / 16383.0, 1e-4);                 /* the master fader, 4096 */
}

static void test_mute_button_and_led(void **state)
{
	(void)state;
	midi_peer_drain(g.peer);
	send_until((const uint8_t[]){ 0x90, 0x10, 0x7F }, (const uint8_t[]){ 0x90, 0x10, 0x00 },
		   "/ch/1/mute", 1.0, 0.0);
	EXPECT(0x90, 0x10, 0x7F);
	hx_osc_send(g.osc, "/ch/1/mute", "i", 0);           /* a tablet: the LED follows */
	EXPECT(0x90, 0x10, 0x00);
}

static void test_bank_and_sends_page(void **state)
{
	(void)state;
	midi_peer_drain(g.peer);
	SEND(0x90, 0x2F, 0x7F);                             /* bank right: strips 3..10 */
	EXPECT(0xF0, 0x00, 0x00, 0x66, 0x14, 0x12, 7 * 7, 'v', 'o', 'x', ' ', ' ', ' ', ' ', 0xF7);
	send_until((const uint8_t[]){ 0xE7, 0x00, 0x00 }, NULL, "/ch/vox/fader", -90.0,
		   1e-3);                                   /* strip 8 is vox now */
	SEND(0x90, 0x2E, 0x7F);                             /* back */
	SEND(0x90, 0x29, 0x7F);                             /* the sends to wedge */
	EXPECT(0x90, 0x29, 0x7F);
	double fader = query("/ch/1/fader");
	send_until((const uint8_t[]){ 0xE0, 0x7F, 0x7F }, NULL, "/ch/1/send/wedge/level/norm",
		   1.0, 1e-4);
	assert_true(query("/ch/1/fader") == fader);
	assert_true(hx_daemon_alive(&g.daemon));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ready_brings_scribble_strips),
		cmocka_unit_test(test_fader_and_motor),
		cmocka_unit_test(test_mute_button_and_led),
		cmocka_unit_test(test_bank_and_sends_page),
	};
	int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
	return hx_finish(failed);
}
