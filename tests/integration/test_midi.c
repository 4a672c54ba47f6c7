/*
 * test_midi.c - MIDI control through a real jackd and the real daemon, driven by a JACK MIDI
 * client of the test's own (midi_peer.h) wired from the config's midi.input and midi.output:
 *   - a CC moves a fader: the OSC query answers the new value and the level changes at the
 *     JACK outputs; the latency from the event's period to the audible change is measured
 *     in periods and printed;
 *   - an OSC change comes back on midi_out as the right CC, note or pitch bend;
 *   - a control being moved gets no echo of its own moves;
 *   - soft takeover ignores a control until it crosses the parameter's value;
 *   - a note toggles a mute and lights its LED; a program change recalls a scene;
 *   - /midi/learn binds the next control moved twice, /midi/list shows it, /midi/unlearn
 *     removes a binding, and both outlive a restart (midi.cfg in the state folder);
 *   - malformed events are ignored and counted in /midi/status and /status.
 * test_midi_rt.c builds the quick part of this file (MIDI_QUICK): the cases that move bytes
 * through the audio thread, for the RT guard, RTSan and the sanitizers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/integration/harness.h"
#include "tests/integration/expect.h"
#include "tests/integration/midi_peer.h"

#define RATE 48000
#define PERIOD 256
#define DC 0.25f
#define PEER "midipeer"

static struct {
	struct hx_jackd jackd;
	struct hx_daemon daemon;
	struct midi_peer *peer;
	struct hx_osc *osc;
	char config[4096];
	char state_dir[HX_PATH_MAX];
} g;

static const char config_fmt[] =
	"state = { dir = \"%s\"; };\n"
	"master = { outputs = [ \"" PEER ":audio_in\" ]; };\n"
	"channels = ( { name = \"a\"; input = \"" PEER ":audio_out\"; fader = -20.0; },\n"
	"             { name = \"b\"; } );\n"
	"midi = {\n"
	"  input = \"" PEER ":midi_out\"; output = \"" PEER ":midi_in\";\n"
	"  takeover = \"jump\";\n"
	"  map = (\n"
	"    { cc = 7; path = \"/ch/1/fader/norm\"; },\n"
	"    { cc = 8; path = \"/ch/2/fader/norm\"; takeover = \"pickup\"; },\n"
	"    { cc = 9; path = \"/ch/2/pan/norm\"; },\n"
	"    { cc14 = 1; channel = 3; path = \"/ch/2/trim\"; },\n"
	"    { note = 16; path = \"/ch/1/mute\"; },\n"
	"    { pitchbend = true; channel = 2; path = \"/master/fader/norm\"; },\n"
	"    { program = 0; scene = \"verse\"; }\n"
	"  );\n"
	"};\n";

static int start_daemon(void)
{
	static const char *const ports[] = { "a", "b", "midi_in", "midi_out", NULL };
	const struct hx_daemon_opts opts = { .ports = ports };
	if (hx_daemon_start(&g.daemon, &g.jackd, g.config, &opts) < 0)
		return -1;
	g.osc = hx_osc_open(g.daemon.osc_port);
	if (!g.osc)
		return -1;
	/* The config connected the peer: wait for the connections, the evidence. */
	char in[HX_NAME_MAX * 2], out[HX_NAME_MAX * 2];
	hx_daemon_port(&g.daemon, "midi_in", in);
	hx_daemon_port(&g.daemon, "midi_out", out);
	for (double end = hx_now() + 5.0; hx_now() < end; hx_sleep(0.01))
		if (hx_jack_connected(&g.jackd, midi_peer_port(g.peer, "midi_out"), in) &&
		    hx_jack_connected(&g.jackd, out, midi_peer_port(g.peer, "midi_in")))
			return 0;
	fprintf(stderr, "midi: the config's connections were not made\n");
	return -1;
}

static void stop_daemon(void)
{
	hx_osc_close(g.osc);
	g.osc = NULL;
	hx_daemon_stop(&g.daemon, SIGTERM, 5.0);
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(g.state_dir, sizeof g.state_dir, "%s/midi-state", hx_tmpdir());
	if (mkdir(g.state_dir, 0700) < 0)
		return -1;
	snprintf(g.config, sizeof g.config, config_fmt, g.state_dir);
	if (hx_jackd_start(&g.jackd, RATE, PERIOD) < 0)
		return -1;
	g.peer = midi_peer_open(PEER, DC);
	if (!g.peer)
		return -1;
	return start_daemon();
}

static int group_teardown(void **state)
{
	(void)state;
	stop_daemon();
	midi_peer_close(g.peer);
	hx_jackd_stop(&g.jackd);
	return 0;
}

static double query(const char *path)
{
	return query_value(g.osc, path);
}

static void send3(uint8_t a, uint8_t b, uint8_t c)
{
	const uint8_t bytes[3] = { a, b, c };
	assert_true(midi_peer_send(g.peer, bytes, 3) >= 0);
}

/* Wait until the query of path answers want (within tol): 0, or -1 after timeout_s. */
static int wait_value_for(const char *path, double want, double tol, double timeout_s)
{
	for (double end = hx_now() + timeout_s; hx_now() < end; hx_sleep(0.005))
		if (fabs(query(path) - want) <= tol)
			return 0;
	return -1;
}

/* The same, failing the test: the daemon took the events. */
static void wait_value(const char *path, double want, double tol)
{
	if (wait_value_for(path, want, tol, 3.0) < 0)
		fail_msg("%s: %g, expected %g", path, query(path), want);
}

/* The status counters of /midi/status, by position (midi_learn.h). */
enum { ST_EVENTS, ST_APPLIED, ST_UNMAPPED, ST_MALFORMED, ST_NOT_PICKED, ST_FEEDBACK, ST_DROPPED };

static int midi_status(int which)
{
	struct hx_osc_msg m;
	assert_int_equal(hx_osc_query(g.osc, "/midi/status", 2.0, &m), 0);
	assert_string_equal(m.types, "iiiiiii");
	return m.argv[which].i;
}

/*
 * CC 7 moves channel a's fader; the level the peer hears changes. The latency is counted
 * from the period the CC left the peer to the first period whose audio differs: the control
 * loop takes MIDI on its 50 Hz tick, the next period applies it, and the graph's cycle
 * (peer -> jmixd -> peer) adds one period of its own. Periods with an xrun are discarded.
 */
static void test_cc_moves_fader_heard(void **state)
{
	(void)state;
	static const uint8_t values[] = { 127, 100, 127, 100, 127, 100, 127, 100 };
	int n = 0, min_p = 1 << 30, max_p = 0, sum = 0;
	for (size_t k = 0; k < sizeof values; k++) {
		/* Settled at the previous value (a glide is tens of ms): a steady base level. */
		uint64_t now = midi_peer_period(g.peer);
		float base = midi_peer_peak(g.peer, now + 30);
		assert_true(base >= 0.0f);
		unsigned xruns = midi_peer_xruns(g.peer);
		int64_t sent = midi_peer_send(g.peer, (const uint8_t[]){ 0xB0, 7, values[k] }, 3);
		assert_true(sent >= 0);
		int64_t heard = -1;
		for (uint64_t p = (uint64_t)sent; p < (uint64_t)sent + 400 && heard < 0; p++) {
			float peak = midi_peer_peak(g.peer, p);
			assert_true(peak >= 0.0f);
			if (fabsf(peak - base) > 1e-4f * base)
				heard = (int64_t)(p - (uint64_t)sent);
		}
		if (heard < 0 && midi_peer_xruns(g.peer) == xruns)
			fail_msg("CC 7 = %u changed nothing at the output in 400 periods", values[k]);
		if (heard < 0) {
			/* Lost across an xrun: put the fader where this run meant it, measure on. */
			const uint8_t cc[3] = { 0xB0, 7, values[k] }, *evs[1] = { cc };
			const size_t size[1] = { 3 };
			assert_int_equal(midi_peer_send_until(g.peer, g.osc, evs, size, 1,
							      "/ch/1/fader/norm", values[k] / 127.0,
							      1e-3), 0);
			continue;
		}
		wait_value("/ch/1/fader/norm", values[k] / 127.0, 1e-3);
		if (midi_peer_xruns(g.peer) != xruns)
			continue;
		n++;
		sum += (int)heard;
		min_p = heard < min_p ? (int)heard : min_p;
		max_p = heard > max_p ? (int)heard : max_p;
	}
	if (n > 0)
		printf("midi latency, CC sent -> level changed at the peer: %d .. %d periods, mean "
		       "%.1f (%d runs, %d frames at %d Hz; includes the graph cycle's one period)\n",
		       min_p, max_p, (double)sum / n, n, PERIOD, RATE);
	/* By name and in dB too: CC 127 is the fader law's top, +10 dB. */
	const uint8_t top[3] = { 0xB0, 7, 127 }, *evs[1] = { top };
	const size_t size[1] = { 3 };
	assert_int_equal(midi_peer_send_until(g.peer, g.osc, evs, size, 1, "/ch/a/fader", 10.0, 1e-4),
			 0);
}

/* OSC changes come back as the bound control's message, once per feedback tick. */
static void test_osc_change_fed_back(void **state)
{
	(void)state;
	static const struct {
		const char *path;
		float value, alt;
		uint8_t want[3];
	} cases[] = {
		{ "/ch/1/fader/norm", 0.5f, 0.25f, { 0xB0, 7, 64 } },
		{ "/master/fader/norm", 0.25f, 0.5f, { 0xE1, 0x00, 0x20 } },   /* 4096: LSB 0, MSB 32 */
		{ "/ch/1/mute", 1.0f, 0.0f, { 0x90, 16, 127 } },               /* the LED */
		{ "/ch/1/mute", 0.0f, 1.0f, { 0x90, 16, 0 } },
		{ "/master/fader/norm", 0.75f, 0.5f, { 0xE1, 0x7F, 0x5F } },   /* 12287 */
	};
	midi_peer_drain(g.peer);
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
		if (midi_peer_osc_until(g.peer, g.osc, cases[k].path, cases[k].value, cases[k].alt,
					cases[k].want, 3) < 0)
			fail_msg("no %02X %02X %02X on midi_out after %s %g", cases[k].want[0],
				 cases[k].want[1], cases[k].want[2], cases[k].path,
				 (double)cases[k].value);
	assert_true(midi_status(ST_FEEDBACK) >= 4);
}

/*
 * Malformed events: ignored, counted; the next good one still works. A batch that saw an
 * xrun may have lost events before they were counted (JACK drops a late client's cycle),
 * so it is sent again.
 */
static void test_bad_input_counted(void **state)
{
	(void)state;
	static const uint8_t running[] = { 7, 64 };             /* no status byte */
	static const uint8_t truncated[] = { 0xB0, 7 };
	static const uint8_t oversized[] = { 0xB0, 7, 64, 0 };
	static const uint8_t bad_data[] = { 0xB0, 0x87, 64 };
	static const uint8_t open_sysex[] = { 0xF0, 0x00, 0x20, 0x32 };
	uint8_t flood[60];                                       /* longer than an event slot */
	flood[0] = 0xF0;
	memset(flood + 1, 0x11, sizeof flood - 2);
	flood[sizeof flood - 1] = 0xF7;
	for (int attempt = 0; attempt < 5; attempt++) {
		unsigned xruns = midi_peer_xruns(g.peer);
		int malformed = midi_status(ST_MALFORMED), dropped = midi_status(ST_DROPPED);
		int unmapped = midi_status(ST_UNMAPPED);
		uint8_t value = (uint8_t)(90 + attempt);
		assert_true(midi_peer_send(g.peer, running, sizeof running) >= 0);
		assert_true(midi_peer_send(g.peer, truncated, sizeof truncated) >= 0);
		assert_true(midi_peer_send(g.peer, oversized, sizeof oversized) >= 0);
		assert_true(midi_peer_send(g.peer, bad_data, sizeof bad_data) >= 0);
		assert_true(midi_peer_send(g.peer, open_sysex, sizeof open_sysex) >= 0);
		for (int k = 0; k < 20; k++)
			assert_true(midi_peer_send(g.peer, flood, sizeof flood) >= 0);
		send3(0xB5, 99, 1);                              /* nobody's control */
		send3(0xB0, 7, value);
		if (wait_value_for("/ch/1/fader/norm", value / 127.0, 1e-3, 3.0) < 0 ||
		    midi_status(ST_MALFORMED) - malformed != 5 ||
		    midi_status(ST_DROPPED) - dropped != 20 ||
		    midi_status(ST_UNMAPPED) - unmapped != 1) {
			if (midi_peer_xruns(g.peer) != xruns)
				continue;
			fail_msg("counted %d malformed (5), %d dropped (20), %d unmapped (1)",
				 midi_status(ST_MALFORMED) - malformed,
				 midi_status(ST_DROPPED) - dropped, midi_status(ST_UNMAPPED) - unmapped);
		}
		struct hx_osc_msg m;
		assert_int_equal(hx_osc_query(g.osc, "/status", 2.0, &m), 0);
		assert_true(m.argc >= 2);
		assert_true(m.argv[m.argc - 1].i >= 26);   /* ignored: malformed, dropped, unmapped */
		assert_true(hx_daemon_alive(&g.daemon));
		return;
	}
	fail_msg("an xrun in each of 5 batches");
}

#ifndef MIDI_QUICK
/* A map naming no parameter fails the config, as any config error does: exit 2, and why. */
static void test_check_refuses_bad_address(void **state)
{
	(void)state;
	char cfg[HX_PATH_MAX], log_path[HX_PATH_MAX];
	assert_int_equal(hx_write_file("bad-midi.cfg",
				       "channels = ( { name = \"a\"; } );\n"
				       "midi = { map = ( { cc = 1; path = \"/ch/a/fader\"; },\n"
				       "                 { cc = 2; path = \"/ch/2/fader\"; } ); };\n",
				       cfg), 0);
	const char *const args[] = { "--check", "-c", cfg, NULL };
	int st = hx_jmixd_run(args, 10.0, log_path);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 2);
	char *out = hx_read_file(log_path, 0);
	assert_non_null(out);
	if (!strstr(out, "midi.map.[1]: /ch/2/fader: no such channel"))
		fail_msg("--check said: %s", out);
	free(out);
}

/*
 * A control being moved gets no echo of its own moves: nothing on CC 7 while it moves and
 * after its hold, with another binding's feedback as the evidence that ticks went by.
 */
static void test_no_echo_while_moving(void **state)
{
	(void)state;
	/*
	 * After an xrun jmixd re-sends every control's value on purpose (JACK drops the MIDI of
	 * a late client's cycle), CC 7 included: a CC 7 that comes with an xrun is that re-send,
	 * not an echo, and the round is run again (CI on a busy host saw one).
	 */
	for (int round = 0; round < 5; round++) {
		unsigned xruns = midi_peer_xruns(g.peer);
		int n_pan = 0, echo = -1;

		midi_peer_drain(g.peer);
		for (uint8_t v = 10; v <= 100; v += 10)
			send3(0xB0, 7, (uint8_t)(v - round));
		wait_value("/ch/1/fader/norm", (100 - round) / 127.0, 1e-3);
		hx_osc_send(g.osc, "/ch/2/pan/norm", "f", 0.0);
		/* Past the 150 ms hold, in periods: 0.4 s of audio. */
		midi_peer_peak(g.peer, midi_peer_period(g.peer) + RATE * 4 / 10 / PERIOD);
		hx_osc_send(g.osc, "/ch/2/pan/norm", "f", 1.0);
		struct midi_peer_event ev;
		while (n_pan < 2 && midi_peer_receive(g.peer, &ev, 2.0) == 0) {
			if (ev.bytes[0] == 0xB0 && ev.bytes[1] == 7)
				echo = ev.bytes[2];
			if (ev.bytes[0] == 0xB0 && ev.bytes[1] == 9)
				n_pan++;
		}
		/* A few periods more for an xrun's notification, which comes on its own thread. */
		midi_peer_peak(g.peer, midi_peer_period(g.peer) + 8);
		if (echo >= 0 && midi_peer_xruns(g.peer) == xruns)
			fail_msg("echo on CC 7 (value %d) to the control being moved", echo);
		if (echo < 0) {
			assert_int_equal(n_pan, 2);
			return;
		}
		hx_log("CC 7 re-sent after an xrun: running the round again");
	}
	fail_msg("an xrun in each of 5 rounds");
}

/* CC 8 (pickup) is ignored until it crosses the fader's position, and again after an OSC move. */
static void test_soft_takeover(void **state)
{
	(void)state;
	hx_osc_send(g.osc, "/ch/2/fader/norm", "f", 0.5);   /* CC 64 */
	wait_value("/ch/2/fader/norm", 0.5, 1e-6);
	int ignored = midi_status(ST_NOT_PICKED);
	send3(0xB0, 8, 10);
	send3(0xB0, 8, 30);
	send3(0xB0, 8, 50);
	/* Evidence that the three were handled: a later event on another control took effect. */
	send3(0xB0, 9, 64);
	wait_value("/ch/2/pan/norm", 64 / 127.0, 1e-3);
	assert_true(query("/ch/2/fader/norm") == 0.5);
	assert_int_equal(midi_status(ST_NOT_PICKED) - ignored, 3);
	send3(0xB0, 8, 70);                                  /* crossed 64: taken */
	wait_value("/ch/2/fader/norm", 70 / 127.0, 1e-3);
	send3(0xB0, 8, 80);
	wait_value("/ch/2/fader/norm", 80 / 127.0, 1e-3);
	/* A tablet moves it: the control must find it again. */
	hx_osc_send(g.osc, "/ch/2/fader/norm", "f", 0.2);   /* CC 25 */
	wait_value("/ch/2/fader/norm", 0.2, 1e-6);
	midi_peer_peak(g.peer, midi_peer_period(g.peer) + RATE / 10 / PERIOD);   /* a tick */
	send3(0xB0, 8, 100);
	send3(0xB0, 9, 0);
	wait_value("/ch/2/pan/norm", 0.0, 1e-6);
	assert_true(fabs(query("/ch/2/fader/norm") - 0.2) < 1e-6);
	send3(0xB0, 8, 20);                                  /* crossed 25 */
	wait_value("/ch/2/fader/norm", 20 / 127.0, 1e-3);
}

/* A 14-bit pair: MSB then LSB sets the trim to the pair's resolution. */
static void test_cc14_pair(void **state)
{
	(void)state;
	send3(0xB2, 1, 0x40);
	send3(0xB2, 33, 0x00);                               /* 8192 / 16383: the middle */
	struct hx_osc_msg m;
	for (double end = hx_now() + 3.0; hx_now() < end; hx_sleep(0.005)) {
		assert_int_equal(hx_osc_query(g.osc, "/ch/2/trim/norm", 2.0, &m), 0);
		if (fabs(m.argv[0].d - 8192.0 / 16383.0) < 1e-4)
			return;
	}
	fail_msg("/ch/2/trim/norm %g, expected %g", m.argv[0].d, 8192.0 / 16383.0);
}

static void test_note_toggles_mute(void **state)
{
	(void)state;
	double was = query("/ch/1/mute");
	midi_peer_drain(g.peer);
	send3(0x90, 16, 100);
	wait_value("/ch/1/mute", 1.0 - was, 0.0);
	assert_int_equal(midi_peer_expect(g.peer, (const uint8_t[]){ 0x90, 16, was ? 0 : 127 }, 3,
					  2.0), 0);
	send3(0x80, 16, 0);                                  /* release: no change */
	send3(0x90, 16, 0);                                  /* velocity 0 is a release too */
	send3(0x90, 16, 127);
	wait_value("/ch/1/mute", was, 0.0);
}

static void test_program_recalls_scene(void **state)
{
	(void)state;
	hx_osc_send(g.osc, "/ch/2/fader", "f", -12.0);
	wait_value("/ch/2/fader", -12.0, 1e-6);
	hx_osc_send(g.osc, "/snapshot/save", "s", "verse");
	assert_int_equal(hx_osc_wait(g.osc, "/snapshot/save", 3.0, NULL), 0);
	hx_osc_send(g.osc, "/ch/2/fader", "f", 3.0);
	wait_value("/ch/2/fader", 3.0, 1e-6);
	const uint8_t program[2] = { 0xC0, 0 };
	assert_true(midi_peer_send(g.peer, program, 2) >= 0);
	wait_value("/ch/2/fader", -12.0, 1e-6);
}

static int list_has(const char *text)
{
	struct hx_osc_msg m;
	hx_osc_send(g.osc, "/midi/list", "");
	int found = 0;
	while (hx_osc_wait(g.osc, "/midi/list", 2.0, &m) == 0) {
		if (m.argc == 3 && strcmp(m.argv[2].s, text) == 0)
			found = 1;
		if (m.argv[0].i + 1 >= m.argv[1].i)
			break;
	}
	return found;
}

static void test_learn_unlearn_persist(void **state)
{
	(void)state;
	struct hx_osc_msg m;
	hx_osc_send(g.osc, "/midi/learn", "s", "/ch/1/pan/norm");
	send3(0xB0, 20, 10);
	send3(0xB0, 20, 11);                                 /* the same control twice: bound */
	assert_int_equal(hx_osc_wait(g.osc, "/midi/learn", 3.0, &m), 0);
	assert_string_equal(m.types, "ss");
	assert_string_equal(m.argv[0].s, "/ch/1/pan/norm");
	assert_string_equal(m.argv[1].s, "cc 1 20");
	send3(0xB0, 20, 0);
	wait_value("/ch/1/pan/norm", 0.0, 1e-6);
	assert_true(list_has("cc 1 20 /ch/1/pan/norm direct learned"));
	assert_true(list_has("cc 1 7 /ch/1/fader/norm direct"));

	hx_osc_send(g.osc, "/midi/unlearn", "s", "/ch/2/pan/norm");
	assert_int_equal(hx_osc_wait(g.osc, "/midi/unlearn", 3.0, &m), 0);
	assert_int_equal(m.argv[1].i, 1);
	assert_false(list_has("cc 1 9 /ch/2/pan/norm direct"));

	/* Learning a cancelled address binds nothing. */
	hx_osc_send(g.osc, "/midi/learn", "s", "/ch/2/fader");
	hx_osc_send(g.osc, "/midi/cancel", "");
	assert_int_equal(hx_osc_wait(g.osc, "/midi/cancel", 3.0, NULL), 0);
	/* Bad requests: an /error each. */
	hx_osc_send(g.osc, "/midi/learn", "s", "/ch/9/fader");
	assert_int_equal(hx_osc_wait_error(g.osc, "/midi/learn", 2.0, NULL), 0);
	hx_osc_send(g.osc, "/midi/learn", "i", 3);
	assert_int_equal(hx_osc_wait_error(g.osc, "/midi/learn", 2.0, NULL), 0);
	hx_osc_send(g.osc, "/midi/learn", "ss", "/ch/1/mute", "sometimes");
	assert_int_equal(hx_osc_wait_error(g.osc, "/midi/learn", 2.0, NULL), 0);

	/* Both outlive a restart. */
	stop_daemon();
	assert_int_equal(start_daemon(), 0);
	assert_true(list_has("cc 1 20 /ch/1/pan/norm direct learned"));
	assert_false(list_has("cc 1 9 /ch/2/pan/norm direct"));
	send3(0xB0, 20, 127);
	wait_value("/ch/1/pan/norm", 1.0, 1e-6);
	int unmapped = midi_status(ST_UNMAPPED);
	send3(0xB0, 9, 5);
	send3(0xB0, 20, 0);
	wait_value("/ch/1/pan/norm", 0.0, 1e-6);
	assert_int_equal(midi_status(ST_UNMAPPED) - unmapped, 1);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cc_moves_fader_heard),
		cmocka_unit_test(test_osc_change_fed_back),
		cmocka_unit_test(test_bad_input_counted),
#ifndef MIDI_QUICK
		cmocka_unit_test(test_check_refuses_bad_address),
		cmocka_unit_test(test_no_echo_while_moving),
		cmocka_unit_test(test_soft_takeover),
		cmocka_unit_test(test_cc14_pair),
		cmocka_unit_test(test_note_toggles_mute),
		cmocka_unit_test(test_program_recalls_scene),
		cmocka_unit_test(test_learn_unlearn_persist),
#endif
	};
	int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
	return hx_finish(failed);
}
