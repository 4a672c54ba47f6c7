/*
 * test_midi_rt.c - the quick part of test_midi.c: MIDI bytes through the audio thread both
 * ways (CC in, feedback out, malformed events and a sysex flood), a few seconds, for the RT
 * guard, RTSan and the sanitizers, which run every suite not listed as long in run-all.sh.
 */
#define MIDI_QUICK 1
#include "tests/integration/test_midi.c"
