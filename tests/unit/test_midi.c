/*
 * test_midi.c - MIDI on the control thread, offline: the decoder and encoders byte for byte
 * against the MIDI 1.0 message table, the midi section of the config (good and bad), and the
 * bindings on a real control (control.h): 7- and 14-bit values through the /norm taper, soft
 * takeover, toggle and momentary, feedback and its hold, learning. The MIDI fuzzer's corpus
 * (tests/fuzz/midi-corpus/) is replayed through the same entry point the fuzzer uses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <errno.h>
#include <fcntl.h>

#include "daemon/state_writer.h"
#include "osc/address.h"
#include "midi/mcu.h"
#include "tests/fuzz/fuzz_midi.c"
#include "tests/unit/unit_util.h"

static void test_decode_channel_messages(void **state)
{
	(void)state;
	struct midi_msg m;
	assert_int_equal(midi_decode((const uint8_t[]){ 0xB3, 7, 100 }, 3, &m), MIDI_OK);
	assert_int_equal(m.type, MIDI_MSG_CC);
	assert_int_equal(m.channel, 3);
	assert_int_equal(m.number, 7);
	assert_int_equal(m.value, 100);
	assert_int_equal(midi_decode((const uint8_t[]){ 0x9F, 60, 0 }, 3, &m), MIDI_OK);
	assert_int_equal(m.type, MIDI_MSG_NOTE_OFF);   /* velocity 0 is a release */
	assert_int_equal(m.channel, 15);
	assert_int_equal(midi_decode((const uint8_t[]){ 0x90, 60, 1 }, 3, &m), MIDI_OK);
	assert_int_equal(m.type, MIDI_MSG_NOTE_ON);
	/* Pitch bend: LSB first; E3 7F 7F is the top, 16383; E0 00 40 the centre. */
	assert_int_equal(midi_decode((const uint8_t[]){ 0xE3, 0x7F, 0x7F }, 3, &m), MIDI_OK);
	assert_int_equal(m.type, MIDI_MSG_PITCHBEND);
	assert_int_equal(m.channel, 3);
	assert_int_equal(m.value, 16383);
	assert_int_equal(midi_decode((const uint8_t[]){ 0xE0, 0x00, 0x40 }, 3, &m), MIDI_OK);
	assert_int_equal(m.value, 8192);
	assert_int_equal(midi_decode((const uint8_t[]){ 0xC2, 5 }, 2, &m), MIDI_OK);
	assert_int_equal(m.type, MIDI_MSG_PROGRAM);
	assert_int_equal(m.number, 5);
	assert_int_equal(midi_decode((const uint8_t[]){ 0xD0, 0x35 }, 2, &m), MIDI_OK);
	assert_int_equal(m.type, MIDI_MSG_CHANNEL_PRESSURE);
	assert_int_equal(m.value, 0x35);
	assert_int_equal(midi_decode((const uint8_t[]){ 0xF0, 0, 0, 0x66, 0x14, 0x01, 0xF7 }, 7, &m),
			 MIDI_OK);
	assert_int_equal(m.type, MIDI_MSG_SYSEX);
	assert_int_equal(m.sysex_len, 5);
	assert_int_equal(m.sysex[4], 0x01);
	assert_int_equal(midi_decode((const uint8_t[]){ 0xF8 }, 1, &m), MIDI_OK);
	assert_int_equal(m.type, MIDI_MSG_SYSTEM);
}

static void test_decode_refuses_bad_events(void **state)
{
	(void)state;
	struct midi_msg m;
	assert_int_equal(midi_decode((const uint8_t[]){ 7, 64 }, 2, &m), MIDI_BAD_RUNNING_STATUS);
	assert_int_equal(midi_decode((const uint8_t[]){ 0 }, 0, &m), MIDI_BAD_RUNNING_STATUS);
	assert_int_equal(midi_decode((const uint8_t[]){ 0xB0, 7 }, 2, &m), MIDI_BAD_TRUNCATED);
	assert_int_equal(midi_decode((const uint8_t[]){ 0xC0 }, 1, &m), MIDI_BAD_TRUNCATED);
	assert_int_equal(midi_decode((const uint8_t[]){ 0xB0, 7, 1, 2 }, 4, &m), MIDI_BAD_OVERSIZED);
	assert_int_equal(midi_decode((const uint8_t[]){ 0xC0, 1, 2 }, 3, &m), MIDI_BAD_OVERSIZED);
	assert_int_equal(midi_decode((const uint8_t[]){ 0xB0, 0x80, 1 }, 3, &m), MIDI_BAD_DATA_BYTE);
	assert_int_equal(midi_decode((const uint8_t[]){ 0xF0, 1, 2 }, 3, &m), MIDI_BAD_SYSEX);
	assert_int_equal(midi_decode((const uint8_t[]){ 0xF0, 0x90, 0xF7 }, 3, &m), MIDI_BAD_SYSEX);
	assert_int_equal(midi_decode((const uint8_t[]){ 0xF7 }, 1, &m), MIDI_BAD_SYSEX);
	assert_int_equal(midi_decode((const uint8_t[]){ 0xF2, 1 }, 2, &m), MIDI_BAD_TRUNCATED);
	assert_int_equal(midi_decode((const uint8_t[]){ 0xF8, 1 }, 2, &m), MIDI_BAD_OVERSIZED);
}

static void test_encoders(void **state)
{
	(void)state;
	uint8_t b[3];
	assert_int_equal(midi_encode_cc(b, 2, 7, 127), 3);
	assert_memory_equal(b, ((const uint8_t[]){ 0xB2, 7, 127 }), 3);
	midi_encode_cc(b, 0, 7, 300);   /* clamped, never a status byte */
	assert_memory_equal(b, ((const uint8_t[]){ 0xB0, 7, 127 }), 3);
	midi_encode_note(b, 0, 16, 0);
	assert_memory_equal(b, ((const uint8_t[]){ 0x90, 16, 0 }), 3);
	midi_encode_pitchbend(b, 8, 16383);
	assert_memory_equal(b, ((const uint8_t[]){ 0xE8, 0x7F, 0x7F }), 3);
	midi_encode_pitchbend(b, 0, 8192);
	assert_memory_equal(b, ((const uint8_t[]){ 0xE0, 0x00, 0x40 }), 3);
	midi_encode_pitchbend(b, 0, -5);
	assert_memory_equal(b, ((const uint8_t[]){ 0xE0, 0x00, 0x00 }), 3);
}

/* Load a config text; the error (or "") in err. */
static int load_text(const char *text, struct setup *s, char *err, int size)
{
	char path[] = "/tmp/jmixd-test-midi-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	err[0] = '\0';
	int rc = config_load(path, s, err, size);
	unlink(path);
	return rc;
}

static void test_config_section(void **state)
{
	(void)state;
	struct setup s;
	char err[512];
	assert_int_equal(load_text("channels = ( { name = \"a\"; } );\n"
				   "midi = { input = [ \"x:out\", \"y:out\" ]; output = \"x:in\";\n"
				   "  takeover = \"jump\"; feedback_hold_ms = 200; map = (\n"
				   "  { cc = 7; channel = 16; path = \"/ch/1/fader/norm\"; },\n"
				   "  { note = 3; path = \"/ch/a/mute\"; },\n"
				   "  { pitchbend = true; path = \"/master/fader\"; takeover = \"pickup\"; },\n"
				   "  { program = 2; scene = \"verse_1\"; } );\n"
				   "  mcu = { input = \"xt:out\"; output = [ \"xt:in\" ]; }; };\n",
				   &s, err, sizeof err), 0);
	assert_true(s.midi.has_mcu);
	assert_string_equal(s.midi.mcu_input[0], "xt:out");
	assert_string_equal(s.midi.mcu_output[0], "xt:in");
	assert_true(s.midi.is_enabled);
	assert_string_equal(s.midi.input[1], "y:out");
	assert_string_equal(s.midi.output[0], "x:in");
	assert_int_equal(s.midi.takeover, MIDI_TAKEOVER_JUMP);
	assert_int_equal(s.midi.hold_ms, 200);
	assert_int_equal(s.midi.n_rules, 4);
	assert_int_equal(s.midi.rules[0].channel, 15);
	assert_int_equal(s.midi.rules[1].mode, MIDI_MODE_TOGGLE);   /* a note's default */
	assert_int_equal(s.midi.rules[2].kind, MIDI_KIND_PITCHBEND);
	assert_int_equal(s.midi.rules[2].takeover, MIDI_TAKEOVER_PICKUP);
	assert_string_equal(s.midi.rules[3].path, "verse_1");
	char text[256];
	config_midi_print_rule(&s.midi.rules[0], text, sizeof text);
	assert_string_equal(text, "{ cc = 7; channel = 16; path = \"/ch/1/fader/norm\"; mode = \"direct\"; }");
	config_midi_describe(&s.midi.rules[2], text, sizeof text);
	assert_string_equal(text, "pitchbend 1");
	config_free(&s);

	/* No section: no MIDI. */
	assert_int_equal(load_text("channels = ( { name = \"a\"; } );\n", &s, err, sizeof err), 0);
	assert_false(s.midi.is_enabled);
	config_free(&s);

	static const struct {
		const char *midi, *reason;
	} bad[] = {
		{ "midi = { map = ( { cc = 128; path = \"/ch/1/fader\"; } ); };", "0 .. 127" },
		{ "midi = { map = ( { cc = 1; note = 2; path = \"/ch/1/fader\"; } ); };", "one control" },
		{ "midi = { map = ( { path = \"/ch/1/fader\"; } ); };", "needs a control" },
		{ "midi = { map = ( { cc = 1; } ); };", "needs path" },
		{ "midi = { map = ( { cc = 1; path = \"/ch/\\\"1\"; } ); };", "needs path" },
		{ "midi = { map = ( { program = 1; path = \"/ch/1/fader\"; } ); };", "needs scene" },
		{ "midi = { map = ( { cc = 1; channel = 17; path = \"/ch/1/fader\"; } ); };", "1 .. 16" },
		{ "midi = { map = ( { cc = 1; path = \"/x\"; mode = \"hold\"; } ); };", "\"toggle\"" },
		{ "midi = { takeover = \"soft\"; };", "\"pickup\"" },
		{ "midi = { cc14 = 40; };", "unknown key" },
		{ "midi = { map = ( { cc14 = 40; path = \"/x\"; } ); };", "0 .. 31" },
		{ "midi = { feedback_hold_ms = -1; };", "0 .. 5000" },
		{ "midi = 3;", "must be a group" },
		{ "midi = { mcu = { strips = 8; }; };", "unknown key 'strips'" },
		{ "midi = { mcu = 1; };", "must be a group" },
	};
	for (int i = 0; i < UT_ARRAY_SIZE(bad); i++) {
		char text2[512];
		snprintf(text2, sizeof text2, "channels = ( { name = \"a\"; } );\n%s\n", bad[i].midi);
		if (load_text(text2, &s, err, sizeof err) == 0)
			fail_msg("accepted: %s", bad[i].midi);
		ut_assert_contains(err, bad[i].reason);
		ut_assert_contains(err, ":2: midi");   /* file:line: key: reason */
	}
}

/* A console with a map, and what it sends back. */
static struct setup map_setup;
static struct control map_control;
static struct midi_map map;
static struct midi_event sent[256];
static int n_sent;

static bool capture(void *ctx, const struct midi_event *ev)
{
	(void)ctx;
	if (n_sent == UT_ARRAY_SIZE(sent))
		return false;
	sent[n_sent++] = *ev;
	return true;
}

static int map_setup_fn(void **state)
{
	(void)state;
	char err[512];
	if (load_text("state = { autosave = false; };\n"
		      "channels = ( { name = \"a\"; }, { name = \"b\"; } );\n"
		      "midi = { map = (\n"
		      "  { cc = 7; path = \"/ch/1/fader/norm\"; },\n"
		      "  { cc = 8; path = \"/ch/2/fader/norm\"; takeover = \"jump\"; },\n"
		      "  { cc = 64; path = \"/ch/1/mute\"; mode = \"toggle\"; },\n"
		      "  { cc = 65; path = \"/ch/2/mute\"; mode = \"momentary\"; },\n"
		      "  { cc14 = 1; path = \"/ch/2/pan\"; takeover = \"jump\"; },\n"
		      "  { note = 20; path = \"/ch/1/solo\"; },\n"
		      "  { pitchbend = true; channel = 2; path = \"/master/fader\"; takeover = \"jump\"; },\n"
		      "  { cc = 9; path = \"/ch/9/fader\"; }\n"   /* no such channel: skipped */
		      "); };\n", &map_setup, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	log_set_level(LOG_ERROR);
	if (control_init(&map_control, &map_setup) < 0)
		return -1;
	return midi_map_init(&map, &map_control, NULL, &map_setup.midi, capture, NULL);
}

static int map_teardown_fn(void **state)
{
	(void)state;
	control_free(&map_control);
	config_free(&map_setup);
	return 0;
}

static void in3(uint8_t a, uint8_t b, uint8_t c, int64_t ms)
{
	midi_map_input(&map, (const uint8_t[]){ a, b, c }, 3, ms);
}

static float value(const char *path)
{
	struct osc_address a;
	const char *reason;
	assert_int_equal(osc_address_parse(&map_control, path, &a, &reason), 0);
	float v = control_get(&map_control, a.ref);
	return a.is_norm ? param_to_norm(a.ref.desc, v) : v;
}

static void set(const char *path, float v)
{
	struct osc_address a;
	const char *reason;
	assert_int_equal(osc_address_parse(&map_control, path, &a, &reason), 0);
	assert_int_equal(control_set(&map_control, a.ref,
				     a.is_norm ? param_from_norm(a.ref.desc, v) : v, ORIGIN_NONE,
				     &reason), 0);
}

static void test_map_bindings_built(void **state)
{
	(void)state;
	assert_int_equal(map.n_bindings, 7);   /* the eighth names no channel */
	/* ... which the strict check of a config refuses (jmixd --check, and at start). */
	char err[256];
	assert_int_equal(midi_map_check(&map_control, &map_setup.midi, err, sizeof err), -1);
	assert_string_equal(err, "midi.map.[7]: /ch/9/fader: no such channel (use 1..N or a "
				 "channel name)");
}

static void test_map_jump_and_resolution(void **state)
{
	(void)state;
	in3(0xB0, 8, 127, 0);
	ut_assert_close(value("/ch/2/fader/norm"), 1.0, 1e-6);
	in3(0xB0, 8, 0, 0);
	ut_assert_close(value("/ch/2/fader/norm"), 0.0, 1e-6);
	/* 14 bits: MSB 0x60 then LSB 0x10 = 12304 of 16383 on pan's -1..+1. */
	in3(0xB0, 1, 0x60, 0);
	in3(0xB0, 33, 0x10, 0);
	ut_assert_close(value("/ch/2/pan"), -1.0 + 2.0 * 12304.0 / 16383.0, 1e-5);
	/* Pitch bend on MIDI channel 2 drives the master fader, 14 bits through the fader law. */
	in3(0xE1, 0x7F, 0x7F, 0);
	ut_assert_close(value("/master/fader"), 10.0, 1e-4);
	/* Nobody's control, another MIDI channel: unmapped, nothing changes. */
	uint64_t unmapped = map.stats.n_unmapped;
	in3(0xB1, 8, 64, 0);
	assert_int_equal(map.stats.n_unmapped, unmapped + 1);
	ut_assert_close(value("/ch/2/fader/norm"), 0.0, 1e-6);
}

static void test_map_pickup(void **state)
{
	(void)state;
	set("/ch/1/fader/norm", 0.5f);   /* 64 on CC 7 */
	midi_map_tick(&map, 0);
	in3(0xB0, 7, 10, 1000);
	in3(0xB0, 7, 40, 1000);
	ut_assert_close(value("/ch/1/fader/norm"), 0.5, 1e-6);
	in3(0xB0, 7, 66, 1000);   /* crossed */
	ut_assert_close(value("/ch/1/fader/norm"), 66.0 / 127.0, 1e-5);
	in3(0xB0, 7, 20, 1000);   /* picked up: follows */
	ut_assert_close(value("/ch/1/fader/norm"), 20.0 / 127.0, 1e-5);
	set("/ch/1/fader/norm", 1.0f);
	midi_map_tick(&map, 2000);   /* someone else moved it: lost */
	in3(0xB0, 7, 30, 2000);
	ut_assert_close(value("/ch/1/fader/norm"), 1.0, 1e-6);
	in3(0xB0, 7, 126, 2000);   /* within one step: taken */
	ut_assert_close(value("/ch/1/fader/norm"), 126.0 / 127.0, 1e-5);
}

static void test_map_toggle_and_momentary(void **state)
{
	(void)state;
	float was = value("/ch/1/mute");
	in3(0xB0, 64, 127, 0);
	assert_true(value("/ch/1/mute") == 1.0f - was);
	in3(0xB0, 64, 0, 0);   /* release */
	assert_true(value("/ch/1/mute") == 1.0f - was);
	in3(0xB0, 64, 127, 0);
	assert_true(value("/ch/1/mute") == was);
	in3(0xB0, 65, 127, 0);
	assert_true(value("/ch/2/mute") == 1.0f);
	in3(0xB0, 65, 0, 0);
	assert_true(value("/ch/2/mute") == 0.0f);
	in3(0x90, 20, 90, 0);   /* a note toggles by default */
	assert_true(value("/ch/1/solo") == 1.0f);
	in3(0x80, 20, 0, 0);
	in3(0x90, 20, 0, 0);
	assert_true(value("/ch/1/solo") == 1.0f);
	in3(0x90, 20, 1, 0);
	assert_true(value("/ch/1/solo") == 0.0f);
}

static const struct midi_event *find_sent(uint8_t status, uint8_t number)
{
	for (int i = 0; i < n_sent; i++)
		if (sent[i].bytes[0] == status && sent[i].bytes[1] == number)
			return &sent[i];
	return NULL;
}

static void test_map_feedback_and_hold(void **state)
{
	(void)state;
	midi_map_tick(&map, 10000);
	n_sent = 0;
	set("/ch/2/fader/norm", 0.25f);
	set("/ch/2/mute", 1.0f);
	set("/master/fader", 0.0f);
	midi_map_tick(&map, 10020);
	const struct midi_event *ev = find_sent(0xB0, 8);
	assert_non_null(ev);
	assert_int_equal(ev->bytes[2], 32);   /* 0.25 * 127 = 31.75 */
	assert_non_null(find_sent(0xB0, 65));
	assert_int_equal(find_sent(0xB0, 65)->bytes[2], 127);
	ev = NULL;
	for (int i = 0; i < n_sent; i++)
		if (sent[i].bytes[0] == 0xE1)
			ev = &sent[i];
	assert_non_null(ev);
	int pb = ev->bytes[1] | ev->bytes[2] << 7;
	ut_assert_close(pb / 16383.0, param_to_norm(params_find_path(PARAM_MASTER, "fader"), 0.0f),
			1.0 / 16383);
	/* Coalesced: nothing changed, nothing sent. */
	n_sent = 0;
	midi_map_tick(&map, 10040);
	assert_int_equal(n_sent, 0);
	/* A refresh (JACK came back) sends every binding again. */
	midi_map_refresh(&map);
	midi_map_tick(&map, 10050);
	assert_int_equal(n_sent, 7 + 1);   /* 7 bindings, the 14-bit pair as two messages */
	n_sent = 0;
	/* A 14-bit pair goes out as two CCs, MSB then LSB. */
	set("/ch/2/pan", 0.0f);   /* 8191.5 -> 8192: 0x40, 0x00 */
	midi_map_tick(&map, 10060);
	assert_int_equal(n_sent, 2);
	assert_memory_equal(sent[0].bytes, ((const uint8_t[]){ 0xB0, 1, 0x40 }), 3);
	assert_memory_equal(sent[1].bytes, ((const uint8_t[]){ 0xB0, 33, 0x00 }), 3);

	/* The control being moved gets no echo; when its hold ends, a clamp is sent back. */
	n_sent = 0;
	in3(0xB0, 8, 100, 20000);
	set("/ch/2/fader/norm", 0.5f);   /* a tablet moves it meanwhile */
	midi_map_tick(&map, 20000 + 50);
	assert_null(find_sent(0xB0, 8));
	midi_map_tick(&map, 20000 + MIDI_HOLD_MS_DEFAULT + 1);
	assert_non_null(find_sent(0xB0, 8));
	assert_int_equal(find_sent(0xB0, 8)->bytes[2], 64);
}

static void test_map_learn(void **state)
{
	(void)state;
	const char *reason;
	assert_int_equal(midi_map_learn(&map, "/ch/9/fader", NULL, &reason), -1);
	assert_int_equal(midi_map_learn(&map, "/ch/1/meter", NULL, &reason), -1);
	assert_int_equal(midi_map_learn(&map, "/ch/2/mute", "sometimes", &reason), -1);
	assert_int_equal(midi_map_learn(&map, "/ch/2/mute", NULL, &reason), 0);
	struct midi_rule r;
	in3(0xB4, 30, 127, 0);   /* one stray event binds nothing */
	assert_false(midi_map_take_learned(&map, &r));
	in3(0xB4, 31, 127, 0);
	in3(0xB4, 31, 0, 0);   /* a button's press and release: a toggle for a switch */
	assert_true(midi_map_take_learned(&map, &r));
	assert_int_equal(r.kind, MIDI_KIND_CC);
	assert_int_equal(r.channel, 4);
	assert_int_equal(r.number, 31);
	assert_int_equal(r.mode, MIDI_MODE_TOGGLE);
	float was = value("/ch/2/mute");
	in3(0xB4, 31, 127, 0);
	assert_true(value("/ch/2/mute") == 1.0f - was);

	/* A knob on a continuous row: direct. Relearning a control replaces its binding. */
	assert_int_equal(midi_map_learn(&map, "/ch/1/pan/norm", NULL, &reason), 0);
	in3(0xB4, 31, 5, 0);
	in3(0xB4, 31, 9, 0);
	assert_true(midi_map_take_learned(&map, &r));
	assert_int_equal(r.mode, MIDI_MODE_DIRECT);
	assert_int_equal(map.n_bindings, 8);
	assert_int_equal(midi_map_unlearn(&map, "/ch/1/pan/norm", &reason), 1);
	assert_int_equal(map.n_bindings, 7);
	assert_int_equal(map.learned.n_unlearned, 1);
	assert_int_equal(midi_map_unlearn(&map, "/nowhere", &reason), -1);
	/* Cancelled: nothing bound. */
	assert_int_equal(midi_map_learn(&map, "/ch/1/pan", NULL, &reason), 0);
	midi_map_cancel(&map);
	in3(0xB5, 1, 1, 0);
	in3(0xB5, 1, 2, 0);
	assert_false(midi_map_take_learned(&map, &r));
}

static void test_learned_file_round_trip(void **state)
{
	(void)state;
	struct midi_learned l = { .n_rules = 2, .n_unlearned = 1 };
	l.rules[0] = (struct midi_rule){ .kind = MIDI_KIND_CC14, .channel = 2, .number = 5,
					 .mode = MIDI_MODE_DIRECT, .takeover = MIDI_TAKEOVER_JUMP };
	strcpy(l.rules[0].path, "/ch/kick/fader/norm");
	l.rules[1] = (struct midi_rule){ .kind = MIDI_KIND_NOTE, .number = 9,
					 .mode = MIDI_MODE_MOMENTARY, .takeover = -1 };
	strcpy(l.rules[1].path, "/ch/1/mute");
	strcpy(l.unlearned[0], "/ch/2/pan");
	size_t len;
	char *text = config_midi_print_learned(&l, &len);
	assert_non_null(text);
	char dir[] = "/tmp/jmixd-test-midi-dir-XXXXXX";
	assert_non_null(mkdtemp(dir));
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(dfd >= 0);
	char err[256];
	assert_int_equal(state_write_file(dfd, "midi.cfg", text, len, false, err, sizeof err), 0);
	free(text);
	struct midi_learned back;
	assert_int_equal(config_midi_read_learned(dfd, "midi.cfg", &back, err, sizeof err), 0);
	assert_int_equal(back.n_rules, 2);
	assert_memory_equal(&back.rules[0], &l.rules[0], sizeof l.rules[0]);
	assert_int_equal(back.rules[1].mode, MIDI_MODE_MOMENTARY);
	assert_int_equal(back.rules[1].takeover, -1);
	assert_int_equal(back.n_unlearned, 1);
	assert_string_equal(back.unlearned[0], "/ch/2/pan");
	assert_int_equal(config_midi_read_learned(dfd, "none.cfg", &back, err, sizeof err), -ENOENT);
	unlinkat(dfd, "midi.cfg", 0);
	close(dfd);
	rmdir(dir);
}

static void test_replay_fuzz_corpus(void **state)
{
	(void)state;
	assert_true(ut_replay_dir("tests/fuzz/midi-corpus", fuzz_midi_input, NULL) >= 10);
	assert_true(midi_fuzz_map->stats.n_applied > 10);
	assert_true(midi_fuzz_map->stats.n_bad[MIDI_BAD_TRUNCATED] > 0);
}

/* Mackie Control: bytes against the protocol table (midi/mcu.h, research section 2.2). */
static struct setup mcu_setup;
static struct control mcu_control;
static struct mcu mcu;

static int mcu_setup_fn(void **state)
{
	(void)state;
	char err[512];
	if (load_text("state = { autosave = false; };\n"
		      "aux = ( { name = \"wedge\"; type = \"monitor\"; } );\n"
		      "channels = ( { name = \"kick\"; }, { name = \"snare\"; }, { name = \"hat\"; },\n"
		      "  { name = \"tom1\"; }, { name = \"tom2\"; }, { name = \"bass\"; },\n"
		      "  { name = \"gtr\"; }, { name = \"keys\"; }, { name = \"vox1\"; },\n"
		      "  { name = \"vocals2\"; } );\n"
		      "midi = { mcu = { }; };\n", &mcu_setup, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	if (control_init(&mcu_control, &mcu_setup) < 0)
		return -1;
	mcu_init(&mcu, &mcu_control, 150, capture, NULL);
	return 0;
}

static int mcu_teardown_fn(void **state)
{
	(void)state;
	control_free(&mcu_control);
	config_free(&mcu_setup);
	return 0;
}

static void mcu_in(const uint8_t *b, size_t n, int64_t ms)
{
	mcu_input(&mcu, b, n, ms);
}

#define MCU_IN(ms, ...) mcu_in((const uint8_t[]){ __VA_ARGS__ }, \
			       sizeof((const uint8_t[]){ __VA_ARGS__ }), ms)

static float ch_value(int ch, const char *row)
{
	return control_get(&mcu_control,
			   (struct param_ref){ params_find_path(PARAM_CHANNEL, row), ch });
}

static float pan_norm(int ch)
{
	return param_to_norm(params_find_path(PARAM_CHANNEL, "pan"), ch_value(ch, "pan"));
}

static float master_fader(void)
{
	return control_get(&mcu_control,
			   (struct param_ref){ params_find_path(PARAM_MASTER, "fader"), 0 });
}

static void set_ch(int ch, const char *row, float v)
{
	const char *reason;
	struct param_ref ref = { params_find_path(PARAM_CHANNEL, row), ch };
	assert_int_equal(control_set(&mcu_control, ref, v, ORIGIN_NONE, &reason), 0);
}

/* The event sent whose bytes start with want (n bytes), or NULL. */
static const struct midi_event *find_bytes(const uint8_t *want, size_t n)
{
	for (int i = 0; i < n_sent; i++)
		if (sent[i].size >= n && memcmp(sent[i].bytes, want, n) == 0)
			return &sent[i];
	return NULL;
}

#define FIND(...) find_bytes((const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ }))

static void test_mcu_bytes(void **state)
{
	(void)state;
	uint8_t b[32];
	/* Research 2.5's vector: "kick" on strip 0, line 1. */
	size_t n = mcu_lcd_sysex(b, 0, "kick   ", 7);
	static const uint8_t kick[] = { 0xF0, 0x00, 0x00, 0x66, 0x14, 0x12, 0x00, 0x6B, 0x69, 0x63,
					0x6B, 0x20, 0x20, 0x20, 0xF7 };
	assert_int_equal(n, sizeof kick);
	assert_memory_equal(b, kick, sizeof kick);
	/* Line 2 of strip 3 starts at 0x38 + 21; non-ASCII becomes a space. */
	n = mcu_lcd_sysex(b, 0x38 + 3 * 7, "\x01x", 2);
	assert_int_equal(b[6], 0x4D);
	assert_int_equal(b[7], ' ');
	assert_int_equal(b[n - 1], 0xF7);
	/* Meters: Ardour's deflection times 13/115. */
	assert_int_equal(mcu_meter_level(-INFINITY), 0);
	assert_int_equal(mcu_meter_level(NAN), 0);
	assert_int_equal(mcu_meter_level(-70.0f), 0);
	assert_int_equal(mcu_meter_level(-20.0f), 6);   /* deflection 50 */
	assert_int_equal(mcu_meter_level(0.0f), 11);    /* 100 */
	assert_int_equal(mcu_meter_level(6.0f), 13);
}

static void test_mcu_handshake_and_dump(void **state)
{
	(void)state;
	n_sent = 0;
	mcu_tick(&mcu, 0);
	/* Ardour's wake-up first, then the whole surface. */
	assert_non_null(FIND(0xF0, 0, 0, 0x66, 0x14, 0x00, 0xF7));
	assert_int_equal(sent[0].size, 7);
	assert_non_null(FIND(0xF0, 0, 0, 0x66, 0x14, 0x12, 0x00, 'k', 'i', 'c', 'k', ' ', ' ', ' ', 0xF7));
	assert_non_null(FIND(0xF0, 0, 0, 0x66, 0x14, 0x12, 0x38, ' ', ' ', ' ', '0', '.', '0', ' ', 0xF7));
	assert_non_null(FIND(0x90, 0x10, 0x00));   /* strip 1 mute LED off */
	assert_non_null(FIND(0xB0, 0x30, 6));      /* pan centred: ring position 6 */
	int faders = 0;
	for (int i = 0; i < n_sent; i++)
		faders += (sent[i].bytes[0] & 0xF0) == 0xE0;
	assert_int_equal(faders, 9);               /* 8 strips and the master */
	n_sent = 0;
	mcu_tick(&mcu, 20);
	assert_int_equal(n_sent, 0);               /* nothing changed */
	/* The surface says it is ready: everything again. */
	MCU_IN(40, 0xF0, 0x00, 0x00, 0x66, 0x14, 0x01, 1, 2, 3, 4, 5, 6, 7, 0xF7);
	assert_int_equal(mcu.stats.n_ready, 1);
	mcu.n_ticks = 0;
	mcu_tick(&mcu, 60);
	assert_true(n_sent >= 9 + 8 * 4 + 16 + 8 + 1);
	assert_non_null(FIND(0xF0, 0, 0, 0x66, 0x14, 0x72, 7, 7, 7, 7, 7, 7, 7, 7, 0xF7));
}

static void test_mcu_faders_and_touch(void **state)
{
	(void)state;
	MCU_IN(1000, 0xE3, 0x7F, 0x7F);            /* strip 3 to the top: tom1 at +10 dB */
	ut_assert_close(ch_value(3, "fader"), 10.0, 1e-4);
	MCU_IN(1000, 0xE8, 0x00, 0x00);            /* the master to the bottom */
	ut_assert_close(master_fader(), -90.0, 1e-3);
	n_sent = 0;
	mcu_tick(&mcu, 1001);
	assert_null(FIND(0xE3));                   /* no echo to the fader that moved */
	/* Touched: a tablet moves the fader, the motor stays still until release. */
	MCU_IN(2000, 0x90, 0x68, 0x7F);
	set_ch(0, "fader", -10.0f);
	n_sent = 0;
	mcu_tick(&mcu, 2500);
	assert_null(FIND(0xE0));
	MCU_IN(2600, 0x90, 0x68, 0x00);
	mcu_tick(&mcu, 2600);
	const struct midi_event *ev = FIND(0xE0);
	assert_non_null(ev);
	int raw = ev->bytes[1] | ev->bytes[2] << 7;
	ut_assert_close(raw / 16383.0, param_to_norm(params_find_path(PARAM_CHANNEL, "fader"), -10.0f),
			1.0 / 16383);
}

static void test_mcu_buttons_and_vpot(void **state)
{
	(void)state;
	float was = ch_value(1, "mute");
	MCU_IN(0, 0x90, 0x11, 0x7F);               /* strip 1 mute */
	MCU_IN(0, 0x90, 0x11, 0x00);               /* release: nothing */
	assert_true(ch_value(1, "mute") == 1.0f - was);
	MCU_IN(0, 0x90, 0x0A, 0x7F);               /* strip 2 solo */
	assert_true(ch_value(2, "solo") == 1.0f);
	MCU_IN(0, 0x90, 0x1A, 0x7F);               /* strip 2 select */
	assert_int_equal(mcu.selected, 2);
	n_sent = 0;
	mcu_tick(&mcu, 3000);
	assert_non_null(FIND(0x90, 0x11, was ? 0x00 : 0x7F));
	assert_non_null(FIND(0x90, 0x0A, 0x7F));
	assert_non_null(FIND(0x90, 0x1A, 0x7F));
	/* V-Pot 3: B0 13 41 is one tick to the left, 1/64 of the pan's travel. */
	float pan = pan_norm(3);
	MCU_IN(0, 0xB0, 0x13, 0x41);
	ut_assert_close(pan_norm(3), pan - 1.0 / 64, 1e-5);
	MCU_IN(0, 0xB0, 0x13, 0x05);               /* five to the right */
	ut_assert_close(pan_norm(3), pan + 4.0 / 64, 1e-5);
	MCU_IN(0, 0x90, 0x23, 0x7F);               /* push: centre */
	assert_true(ch_value(3, "pan") == 0.0f);
}

static void test_mcu_banking_and_sends(void **state)
{
	(void)state;
	MCU_IN(0, 0x90, 0x2F, 0x7F);               /* bank right: 10 channels, strip 0 = 3 */
	assert_int_equal(mcu.bank, 2);
	MCU_IN(0, 0x90, 0x31, 0x7F);               /* channel right: already the last bank */
	assert_int_equal(mcu.bank, 2);
	mcu.n_ticks = 0;
	n_sent = 0;
	mcu_tick(&mcu, 4000);
	assert_non_null(FIND(0xF0, 0, 0, 0x66, 0x14, 0x12, 0x00, 'h', 'a', 't', ' ', ' ', ' ', ' ', 0xF7));
	assert_non_null(FIND(0xF0, 0, 0, 0x66, 0x14, 0x12, 7 * 7, 'v', 'o', 'c', 'a', 'l', 's', ' ', 0xF7));
	MCU_IN(0, 0x90, 0x30, 0x7F);               /* channel left */
	assert_int_equal(mcu.bank, 1);
	MCU_IN(0, 0x90, 0x2E, 0x7F);               /* bank left */
	assert_int_equal(mcu.bank, 0);
	/* Send: the faders are the sends to "wedge"; Send again: back to the channels. */
	MCU_IN(0, 0x90, 0x29, 0x7F);
	assert_int_equal(mcu.page, MCU_PAGE_SENDS);
	MCU_IN(5000, 0xE0, 0x7F, 0x7F);
	struct param_ref send = control_send_ref(&mcu_control, params_find_path(PARAM_SEND, "level"),
						 0, 0);
	ut_assert_close(control_get(&mcu_control, send), param_from_norm(send.desc, 1.0f), 1e-4);
	n_sent = 0;
	mcu_tick(&mcu, 5000);
	assert_non_null(FIND(0x90, 0x29, 0x7F));   /* the Send LED */
	n_sent = 0;
	mcu.n_ticks = 0;
	mcu_tick(&mcu, 5020);                      /* X-Touch colours: cyan for sends */
	assert_non_null(FIND(0xF0, 0, 0, 0x66, 0x14, 0x72, 6, 6, 6, 6, 6, 6, 6, 6, 0xF7));
	MCU_IN(0, 0x90, 0x29, 0x7F);
	assert_int_equal(mcu.page, MCU_PAGE_CHANNELS);
	/* Malformed and foreign events are ignored and counted. */
	uint64_t ignored = mcu.stats.n_ignored;
	MCU_IN(0, 0xB0, 0x13);
	MCU_IN(0, 0xF0, 0x01, 0xF7);
	MCU_IN(0, 0xB0, 0x50, 1);
	assert_int_equal(mcu.stats.n_ignored, ignored + 3);
}

int main(void)
{
	const struct CMUnitTest bytes[] = {
		cmocka_unit_test(test_decode_channel_messages),
		cmocka_unit_test(test_decode_refuses_bad_events),
		cmocka_unit_test(test_encoders),
		cmocka_unit_test(test_config_section),
		cmocka_unit_test(test_learned_file_round_trip),
		cmocka_unit_test(test_replay_fuzz_corpus),
	};
	const struct CMUnitTest mapping[] = {
		cmocka_unit_test(test_map_bindings_built),
		cmocka_unit_test(test_map_jump_and_resolution),
		cmocka_unit_test(test_map_pickup),
		cmocka_unit_test(test_map_toggle_and_momentary),
		cmocka_unit_test(test_map_feedback_and_hold),
		cmocka_unit_test(test_map_learn),
	};
	const struct CMUnitTest mackie[] = {
		cmocka_unit_test(test_mcu_bytes),
		cmocka_unit_test(test_mcu_handshake_and_dump),
		cmocka_unit_test(test_mcu_faders_and_touch),
		cmocka_unit_test(test_mcu_buttons_and_vpot),
		cmocka_unit_test(test_mcu_banking_and_sends),
	};
	int failed = cmocka_run_group_tests_name("midi bytes", bytes, NULL, NULL);
	failed += cmocka_run_group_tests_name("mackie control", mackie, mcu_setup_fn, mcu_teardown_fn);
	failed += cmocka_run_group_tests_name("midi mapping", mapping, map_setup_fn, map_teardown_fn);
	return failed ? 1 : 0;
}
