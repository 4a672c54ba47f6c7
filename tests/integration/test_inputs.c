/*
 * test_inputs.c - what other JACK clients hand the daemon, and what its ports tell JACK:
 *   - absurd but finite samples (1e30, what a garbage bit pattern usually decodes to), alone
 *     in silence, on a channel that sends to a reverb, a delay and a wedge: the master and the
 *     wedge stay digital silence (before the strip's input clamp they carried a +600 dB
 *     impulse and the limiter squashed the programme for about 21 s); the daemon logs the
 *     replaced samples;
 *   - output ports are plain outputs, never JackPortIsTerminal ("data does not come from any
 *     other port", which a mixer's outputs never are); inputs are inputs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tests/integration/harness.h"

#define RATE 48000
#define PERIOD 64

static const char config[] =
	"aux = ( { name = \"rev\"; type = \"reverb\"; },\n"
	"        { name = \"dly\"; type = \"delay\"; },\n"
	"        { name = \"wedge\"; type = \"monitor\"; } );\n"
	"master = { solo = \"pfl\"; };\n"
	"channels = ( { name = \"a\";\n"
	"               send = { rev = { level = -6.0; }; dly = { level = -6.0; };\n"
	"                        wedge = { level = -6.0; }; }; },\n"
	"             { name = \"st\"; stereo = true; } );\n";

static struct hx_rig g;

enum { IN_MASTER_L, IN_MASTER_R, IN_WEDGE, N_IN };
static const char *const g_outputs[] = { "master_L", "master_R", "wedge", "solo_L", "solo_R" };
static const char *const g_inputs[] = { "a", "st_L", "st_R" };

/* The probe feeds channel a and records master and wedge. */
static const char *const g_wait_for[] = { "a", "st_L", "st_R", "wedge", NULL };
static const char *const g_feed[] = { "a", NULL };
static const char *const g_record[N_IN + 1] = { "master_L", "master_R", "wedge", NULL };
static const struct hx_rig_opts g_opts = { .rate = RATE, .period = PERIOD, .ports = g_wait_for,
					   .feed = g_feed, .record = g_record };

/* One second of the three recorded outputs from frame `start`: every sample exactly 0. */
static void expect_digital_silence(uint64_t start, const char *what)
{
	enum { N = RATE };
	static float x[N];
	static const char *const names[N_IN] = { "master_L", "master_R", "wedge" };
	for (unsigned in = 0; in < N_IN; in++) {
		struct hx_level lv;
		assert_int_equal(hx_probe_read(g.probe, in, start, N, x), 0);
		hx_analyze(x, N, &lv);
		hx_log("%s, %s: peak %.1f dBFS, %zu non-finite", what, names[in], lv.peak_db,
		       lv.n_nonfinite);
		if (lv.n_nonfinite || lv.peak != 0.0)
			fail_msg("%s: %s peaks at %.1f dBFS (%zu non-finite samples) where only "
				 "silence and absurd samples went in", what, names[in], lv.peak_db,
				 lv.n_nonfinite);
	}
}

static void test_absurd_sample_is_silenced(void **state)
{
	(void)state;
	size_t mark = hx_daemon_log_mark(&g.daemon);
	assert_true(hx_probe_set_silence(g.probe, 0) >= 0);
	assert_int_equal(hx_probe_settle(g.probe, 0.1), 0);

	/* Ten absurd samples 0.1 s apart, not one: a client that misses a cycle never sees the
	 * period that held a lone sample, and under qemu (CI) jmixd missed exactly that one. */
	int64_t at = hx_probe_set_impulse(g.probe, 0, 1e30, RATE / 10);
	assert_true(at >= 0);
	/* From the first on, one second of every output (the output is one period late). */
	expect_digital_silence((uint64_t)at, "during ten samples of 1e30");
	assert_true(hx_probe_set_silence(g.probe, 0) >= 0);

	/* The daemon says what it did, once the control thread drains the audio events. */
	if (hx_daemon_log_wait(&g.daemon, mark, "input samples replaced by silence", 1, 10.0) < 1)
		fail_msg("the daemon did not log the replaced input sample");

	/* And the channel still works: a sine goes through at its level (pre-fader wedge send
	 * -6 dB of a 0.1 sine: -29.0 dBFS RMS). */
	static const unsigned ins[] = { IN_WEDGE };
	struct hx_level lv;
	assert_true(hx_probe_set_sine(g.probe, 0, 1000.0, 0.1) >= 0);
	assert_int_equal(hx_probe_measure(g.probe, ins, 1, 0.25, 0.2, &lv), 0);
	if (fabs(lv.rms_db - (hx_db(0.1 / sqrt(2.0)) - 6.0)) > 0.2)
		fail_msg("wedge after the absurd sample: %.2f dBFS RMS, expected %.2f", lv.rms_db,
			 hx_db(0.1 / sqrt(2.0)) - 6.0);
	assert_true(hx_probe_set_silence(g.probe, 0) >= 0);
}

/* Every port of the daemon: outputs without JackPortIsTerminal, inputs as inputs. */
static void test_port_flags(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof g_outputs / sizeof g_outputs[0]; k++) {
		jack_port_t *p = jack_port_by_name(g.jackd.observer, hx_rig_port(&g, g_outputs[k]));
		assert_non_null(p);
		int flags = jack_port_flags(p);
		if (!(flags & JackPortIsOutput) || (flags & JackPortIsTerminal))
			fail_msg("%s: flags 0x%x, want an output without JackPortIsTerminal",
				 g_outputs[k], (unsigned)flags);
	}
	for (size_t k = 0; k < sizeof g_inputs / sizeof g_inputs[0]; k++) {
		jack_port_t *p = jack_port_by_name(g.jackd.observer, hx_rig_port(&g, g_inputs[k]));
		assert_non_null(p);
		assert_true(jack_port_flags(p) & JackPortIsInput);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_absurd_sample_is_silenced),
		cmocka_unit_test(test_port_flags),
	};
	hx_rig_plan(&g, config, &g_opts);
	int failed = cmocka_run_group_tests(tests, hx_rig_group_setup, hx_rig_group_teardown);
	return hx_finish(failed);
}
