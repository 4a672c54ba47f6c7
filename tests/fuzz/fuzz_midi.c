/*
 * fuzz_midi.c - libFuzzer target over the MIDI input path on the control thread: the
 * decoder (midi/midi_msg.c), the binding index, soft takeover, modes, 14-bit pairs, learning
 * and feedback (midi/midi_map.c), and the Mackie Control surface (midi/mcu.c, mcu_show.c),
 * setting parameters through control_set, exactly as events from midi_in and mcu_in take it.
 * The audio thread only copies bytes, so this is all of MIDI's parsing.
 *
 * An input is a series of events: a length byte (low 6 bits; 0 ends the input) then that
 * many bytes. A length byte with bit 7 set first arms /midi/learn on a fader, bit 6 runs a
 * feedback tick after the event. Every parameter must stay finite and inside its range.
 *
 *   make fuzz-midi                 build with clang -fsanitize=fuzzer,address and run 20 s
 *
 * tests/unit/test_midi.c replays tests/fuzz/midi-corpus/ through the same entry point.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "daemon/config.h"
#include "daemon/control.h"
#include "daemon/log.h"
#include "daemon/state.h"
#include "midi/mcu.h"
#include "midi/midi_map.h"

int fuzz_midi_input(const uint8_t *data, size_t size);

static struct setup midi_setup;
static struct control midi_control;
static struct state midi_state;
static struct midi_map *midi_fuzz_map;
static struct mcu midi_fuzz_mcu;
static int64_t midi_clock_ms;
static uint64_t n_midi_sent;

static bool count_sent(void *ctx, const struct midi_event *ev)
{
	(void)ctx;
	if (ev->size == 0 || ev->size > MIDI_EVENT_BYTES)
		abort();
	n_midi_sent++;
	return (n_midi_sent & 63) != 0;   /* now and then a full ring */
}

static void fuzz_midi_init(void)
{
	static const char cfg[] =
		"state = { autosave = false; };\n"
		"aux = ( { name = \"wedge\"; type = \"monitor\"; } );\n"
		"channels = ( { name = \"kick\"; }, { name = \"keys\"; stereo = true; } );\n"
		"midi = { takeover = \"pickup\"; map = (\n"
		"  { cc = 7; path = \"/ch/1/fader/norm\"; },\n"
		"  { cc = 8; path = \"/ch/2/pan\"; takeover = \"jump\"; },\n"
		"  { cc = 64; path = \"/ch/1/mute\"; mode = \"toggle\"; },\n"
		"  { cc = 65; path = \"/ch/2/mute\"; mode = \"momentary\"; },\n"
		"  { cc14 = 1; path = \"/master/fader\"; },\n"
		"  { note = 60; path = \"/ch/1/solo\"; },\n"
		"  { note = 61; path = \"/ch/1/hpf/freq\"; mode = \"direct\"; },\n"
		"  { note = 62; path = \"/ch/1/eq/1/type\"; mode = \"toggle\"; },\n"
		"  { pitchbend = true; channel = 2; path = \"/ch/2/fader/norm\"; },\n"
		"  { program = 1; scene = \"none\"; }\n"
		"); mcu = { }; };\n";
	char path[] = "/tmp/jmixd-fuzz-midi-XXXXXX", err[512];
	int fd = mkstemp(path);
	if (fd < 0 || write(fd, cfg, sizeof cfg - 1) != (ssize_t)(sizeof cfg - 1))
		abort();
	close(fd);
	if (config_load(path, &midi_setup, err, sizeof err) < 0) {
		fprintf(stderr, "fuzz_midi: %s\n", err);
		abort();
	}
	unlink(path);
	log_set_level(LOG_ERROR);
	state_open(&midi_state, &midi_setup);
	midi_fuzz_map = malloc(sizeof *midi_fuzz_map);
	if (!midi_fuzz_map || control_init(&midi_control, &midi_setup) < 0 ||
	    midi_map_init(midi_fuzz_map, &midi_control, &midi_state, &midi_setup.midi, count_sent,
			  NULL) < 0 || midi_fuzz_map->n_bindings != 10)
		abort();
	mcu_init(&midi_fuzz_mcu, &midi_control, 150, count_sent, NULL);
}

static void check_values(void)
{
	for (int i = 0; i < midi_control.n_values; i++) {
		const struct param_desc *d = midi_control.inst[i].desc;
		float v = midi_control.values[i];
		if (!isfinite(v) || v < d->min || v > d->max)
			abort();
	}
}

int fuzz_midi_input(const uint8_t *data, size_t size)
{
	if (!midi_fuzz_map)
		fuzz_midi_init();
	size_t at = 0;
	while (at < size) {
		uint8_t head = data[at++];
		size_t n = head & 63;
		if (n == 0)
			break;
		if (n > size - at)
			n = size - at;
		if (head & 0x80)
			midi_map_learn(midi_fuzz_map, "/ch/2/fader/norm", NULL, &(const char *){ 0 });
		midi_map_input(midi_fuzz_map, data + at, n, midi_clock_ms);
		mcu_input(&midi_fuzz_mcu, data + at, n, midi_clock_ms);
		at += n;
		midi_clock_ms += 7;
		if (head & 0x40) {
			midi_map_tick(midi_fuzz_map, midi_clock_ms);
			mcu_tick(&midi_fuzz_mcu, midi_clock_ms);
		}
	}
	midi_map_cancel(midi_fuzz_map);
	check_values();
	return 0;
}

#ifdef JMIXD_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_midi_input(data, size);
}
#endif
