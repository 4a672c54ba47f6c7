/*
 * test_buses.c - aux buses through a real jackd and the real daemon: a monitor mix contains
 * exactly what is sent to it (pre-fader sends ignore the channel fader), at the send and bus
 * levels; an effect bus returns into the master; sends and buses are addressed by number and
 * by name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/integration/harness.h"
#include "tests/integration/expect.h"

#define RATE 48000
#define PERIOD 64
#define WINDOW 9600
#define TOL_DB 0.2
#define F_A 1000.0
#define F_B 1500.0
#define AMP 0.1

static const char config[] =
	"aux = ( { name = \"wedge\"; type = \"monitor\"; },\n"
	"        { name = \"iem\"; type = \"monitor\"; stereo = true; },\n"
	"        { name = \"fx\"; type = \"reverb\"; } );\n"
	"channels = ( { name = \"a\"; }, { name = \"b\"; } );\n";

static struct hx_rig g;

enum { IN_MASTER_L, IN_MASTER_R, IN_WEDGE, IN_IEM_L, IN_IEM_R, N_IN };

static double in_db(void)
{
	return hx_db(AMP / sqrt(2.0));
}

/* Level of tone freq on probe input `in`, after the last change settled. */
static double tone_db(unsigned in, double freq)
{
	static float x[WINDOW];
	float *dst[1] = { x };
	unsigned ins[1] = { in };
	assert_int_equal(hx_probe_capture(g.probe, ins, 1, 0.25, WINDOW, dst, NULL), 0);
	return hx_tone_db(x, WINDOW, freq, RATE);
}

static int group_setup(void **state)
{
	static const char *const ports[] = { "a", "b", "wedge", "iem_L", "iem_R", NULL };
	static const char *const feed[] = { "a", "b", NULL };
	static const char *const record[] = { "master_L", "master_R", "wedge", "iem_L", "iem_R",
					      NULL };
	const struct hx_rig_opts opts = { .rate = RATE, .period = PERIOD, .ports = ports,
					  .feed = feed, .record = record };
	(void)state;
	if (hx_rig_start(&g, config, &opts) < 0)
		return -1;
	if (hx_probe_set_sine(g.probe, 0, F_A, AMP) < 0 || hx_probe_set_sine(g.probe, 1, F_B, AMP) < 0)
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	hx_rig_stop(&g);
	return 0;
}

static void sync_daemon(void)
{
	sync_handled(g.osc);
}

/* Nothing is sent by default: both monitor mixes are silent. */
static void test_monitors_start_silent(void **state)
{
	(void)state;
	expect_silent(tone_db(IN_WEDGE, F_A), "wedge, channel a");
	expect_silent(tone_db(IN_IEM_L, F_B), "iem L, channel b");
}

/* Only channel a goes to the wedge: the wedge carries a, never b, at the send level. */
static void test_monitor_contains_only_its_sends(void **state)
{
	(void)state;
	hx_osc_send(g.osc, "/ch/a/send/wedge/level", "f", -6.0);
	hx_osc_send(g.osc, "/ch/1/fader", "f", -40.0);   /* pre-fader: the wedge ignores it */
	sync_daemon();
	expect_db(tone_db(IN_WEDGE, F_A), in_db() - 6.0, TOL_DB, "wedge: channel a at -6");
	expect_silent(tone_db(IN_WEDGE, F_B), "wedge: channel b");
	expect_silent(tone_db(IN_IEM_L, F_A), "iem: channel a");

	/* The musician's own mix: b into the stereo in-ear, panned by the channel's pan. */
	hx_osc_send(g.osc, "/ch/2/send/2/level", "f", 0.0);
	hx_osc_send(g.osc, "/ch/2/pan", "f", -1.0);
	sync_daemon();
	expect_db(tone_db(IN_IEM_L, F_B), in_db(), TOL_DB, "iem L: channel b hard left");
	expect_silent(tone_db(IN_IEM_R, F_B), "iem R: channel b hard left");

	/* The bus fader and mute act on the whole mix. */
	hx_osc_send(g.osc, "/aux/wedge/fader", "f", -10.0);
	sync_daemon();
	expect_db(tone_db(IN_WEDGE, F_A), in_db() - 16.0, TOL_DB, "wedge fader -10");
	hx_osc_send(g.osc, "/aux/1/mute", "T");
	sync_daemon();
	expect_silent(tone_db(IN_WEDGE, F_A), "wedge muted");

	/* Post-fader, the send follows the channel fader (-40 dB). */
	hx_osc_send(g.osc, "/aux/1/mute", "F");
	hx_osc_send(g.osc, "/aux/1/fader", "f", 0.0);
	hx_osc_send(g.osc, "/ch/1/send/1/pre", "F");
	sync_daemon();
	expect_db(tone_db(IN_WEDGE, F_A), in_db() - 6.0 - 40.0, TOL_DB, "wedge, post-fader send");
	hx_osc_send(g.osc, "/ch/1/send/1/pre", "T");
	hx_osc_send(g.osc, "/ch/1/fader", "f", 0.0);
	hx_osc_send(g.osc, "/ch/1/send/1/level", "f", -90.0);
	hx_osc_send(g.osc, "/ch/2/send/2/level", "f", -90.0);
	hx_osc_send(g.osc, "/ch/2/pan", "f", 0.0);
	sync_daemon();
}

/* A send to the effect bus reaches the master through the bus's return. */
static void test_effect_returns_to_master(void **state)
{
	(void)state;
	hx_osc_send(g.osc, "/ch/2/fader", "f", -90.0);   /* b off the master directly */
	sync_daemon();
	expect_silent(tone_db(IN_MASTER_L, F_B), "master without the send");
	hx_osc_send(g.osc, "/ch/b/send/fx/level", "f", 0.0);
	hx_osc_send(g.osc, "/ch/b/send/fx/pre", "T");
	sync_daemon();
	double wet = tone_db(IN_MASTER_L, F_B);
	if (wet < -60.0)
		fail_msg("the effect return does not reach the master: %.1f dB", wet);
	hx_log("effect return on the master: %.1f dB", wet);
	hx_osc_send(g.osc, "/aux/fx/mute", "T");
	sync_daemon();
	expect_silent(tone_db(IN_MASTER_L, F_B), "master with the effect return muted");
	hx_osc_send(g.osc, "/aux/fx/mute", "F");
	hx_osc_send(g.osc, "/ch/2/fader", "f", 0.0);
	hx_osc_send(g.osc, "/ch/2/send/3/level", "f", -90.0);
	sync_daemon();
}

/* Sends and buses refuse what does not exist. */
static void test_bad_bus_addresses(void **state)
{
	(void)state;
	struct hx_osc_msg m;
	hx_osc_send(g.osc, "/ch/1/send/9/level", "f", 0.0);
	assert_int_equal(hx_osc_wait_error(g.osc, "/ch/1/send/9/level", 1.0, &m), 0);
	hx_osc_send(g.osc, "/aux/nope/fader", "f", 0.0);
	assert_int_equal(hx_osc_wait_error(g.osc, "/aux/nope/fader", 1.0, &m), 0);
	hx_osc_send(g.osc, "/ch/1/send/wedge/level", "f", 20.0);
	assert_int_equal(hx_osc_wait_error(g.osc, "/ch/1/send/wedge/level", 1.0, &m), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_monitors_start_silent),
		cmocka_unit_test(test_monitor_contains_only_its_sends),
		cmocka_unit_test(test_effect_returns_to_master),
		cmocka_unit_test(test_bad_bus_addresses),
	};
	int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
	return hx_finish(failed);
}
