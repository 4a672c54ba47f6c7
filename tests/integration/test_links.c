/*
 * test_links.c - channel links, recall safes and scopes, and recall fades through a real
 * jackd and the real daemon.
 *
 * Links: a and b are ganged (link 1, from the config). Moving a's fader by -10 dB takes b
 * 10 dB down on the master (+-0.1 dB) and leaves c alone; b's own fader follows with its
 * offset kept, also through -inf and back; a second subscribed client is told of both; pan
 * stays each member's own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/integration/harness.h"
#include "tests/integration/expect.h"

#define RATE 48000
#define PERIOD 64
#define WINDOW 9600
#define TOL_DB 0.1
#define AMP 0.1

/* a and b are linked (b at -6 dB, 6 below a); c is on its own. */
static const char config_tail[] =
	"channels = ( { name = \"a\"; link = 1; },\n"
	"             { name = \"b\"; link = 1; fader = -6.0; },\n"
	"             { name = \"c\"; } );\n";

static char config[sizeof config_tail + HX_PATH_MAX + 64];

static const double freq[3] = { 1000.0, 1500.0, 2250.0 };

static struct hx_rig g;

enum { IN_MASTER_L, N_IN };

/* Level of tone f on master L after the last change settled (0.25 s >> 20 ms glide). */
static double tone_db(double f)
{
	static float x[WINDOW];
	float *dst[1] = { x };
	unsigned ins[1] = { IN_MASTER_L };
	int rc = -EAGAIN;
	for (int k = 0; k < 5 && rc == -EAGAIN; k++)
		rc = hx_probe_capture(g.probe, ins, 1, 0.25, WINDOW, dst, NULL);
	assert_int_equal(rc, 0);
	return hx_tone_db(x, WINDOW, f, RATE);
}

static double query(const char *path)
{
	struct hx_osc_msg m;
	assert_int_equal(hx_osc_query(g.osc, path, 2.0, &m), 0);
	assert_true(m.argc >= 1);
	return m.argv[0].d;
}

static void sync_daemon(void)
{
	assert_int_equal(hx_osc_query(g.osc, "/master/fader", 2.0, NULL), 0);
	if (hx_osc_wait(g.osc, "/error", 0, NULL) == 0)
		fail_msg("the daemon rejected a message of this test");
}

static int links_setup(void **state)
{
	static const char *const ports[] = { "a", "b", "c", NULL };
	static const char *const feed[] = { "a", "b", "c", NULL };
	static const char *const record[] = { "master_L", NULL };
	const struct hx_rig_opts opts = { .rate = RATE, .period = PERIOD, .ports = ports,
					  .feed = feed, .record = record };
	(void)state;
	char dir[HX_PATH_MAX];
	snprintf(dir, sizeof dir, "%s/links", hx_tmpdir());
	if (mkdir(dir, 0700) < 0)
		return -1;
	snprintf(config, sizeof config, "state = { dir = \"%s\"; };\n%s", dir, config_tail);
	if (hx_rig_start(&g, config, &opts) < 0)
		return -1;
	for (unsigned k = 0; k < 3; k++)
		if (hx_probe_set_sine(g.probe, k, freq[k], AMP) < 0)
			return -1;
	return 0;
}

static int links_teardown(void **state)
{
	(void)state;
	hx_rig_stop(&g);
	return 0;
}

/* The master levels of a, b, c as the config sets them (b 6 dB down). */
static double ref_db[3];

/* Feedback of b's fader at -16 and of a's at -10, as a second client sees it. */
struct fed {
	bool has_a, has_b;
};

static bool tap_feedback(const struct hx_osc_msg *m, void *user)
{
	struct fed *f = user;
	if (strcmp(m->path, "/ch/1/fader") == 0 && m->argc == 1 && m->argv[0].d == -10.0)
		f->has_a = true;
	if (strcmp(m->path, "/ch/2/fader") == 0 && m->argc == 1 && m->argv[0].d == -16.0)
		f->has_b = true;
	return true;
}

static void test_link_moves_partner_by_the_same_db(void **state)
{
	(void)state;
	for (int k = 0; k < 3; k++)
		ref_db[k] = tone_db(freq[k]);
	expect_db(ref_db[1], ref_db[0] - 6.0, TOL_DB, "b, 6 dB under a (config)");

	struct fed f = { 0 };
	struct hx_osc *other = hx_osc_open(g.daemon.osc_port);
	assert_non_null(other);
	hx_osc_set_tap(other, tap_feedback, &f);
	assert_int_equal(hx_osc_send(other, "/subscribe", ""), 0);
	hx_osc_pump(other, 0.5);   /* the whole state first (the tap swallows it) */

	hx_osc_send(g.osc, "/ch/a/fader", "f", -10.0);
	sync_daemon();
	expect_db(tone_db(freq[0]), ref_db[0] - 10.0, TOL_DB, "a moved to -10");
	expect_db(tone_db(freq[1]), ref_db[1] - 10.0, TOL_DB, "b, linked, 10 dB down too");
	expect_db(tone_db(freq[2]), ref_db[2], TOL_DB, "c, not linked");
	assert_true(query("/ch/b/fader") == -16.0);
	for (double t0 = hx_now(); !(f.has_a && f.has_b) && hx_now() - t0 < 10.0;)
		hx_osc_pump(other, 0.1);
	assert_int_equal(hx_osc_send(other, "/unsubscribe", ""), 0);
	hx_osc_close(other);
	assert_true(f.has_a);
	assert_true(f.has_b);

	/* To -inf and back: b keeps its 6 dB. */
	hx_osc_send(g.osc, "/ch/a/fader", "f", -90.0);
	sync_daemon();
	expect_silent(tone_db(freq[1]), "b with a at -inf");
	hx_osc_send(g.osc, "/ch/a/fader", "f", 0.0);
	sync_daemon();
	expect_db(tone_db(freq[1]), ref_db[1], TOL_DB, "b, a back at 0");
	assert_true(query("/ch/b/fader") == -6.0);
}

/* Pan is each member's own; the mute is shared; leaving the link ends it. */
static void test_link_pan_mute_and_leaving(void **state)
{
	(void)state;
	hx_osc_send(g.osc, "/ch/a/pan", "f", -1.0);
	hx_osc_send(g.osc, "/ch/b/mute", "T");
	sync_daemon();
	assert_true(query("/ch/b/pan") == 0.0);
	assert_true(query("/ch/a/mute") == 1.0);
	expect_silent(tone_db(freq[0]), "a, muted through b");
	hx_osc_send(g.osc, "/ch/b/link", "s", "off");
	hx_osc_send(g.osc, "/ch/b/mute", "F");
	sync_daemon();
	assert_true(query("/ch/a/mute") == 1.0);
	hx_osc_send(g.osc, "/ch/a/mute", "F");
	hx_osc_send(g.osc, "/ch/a/pan", "f", 0.0);
	hx_osc_send(g.osc, "/ch/b/link", "i", 1);
	sync_daemon();
	assert_true(query("/ch/2/link") == 1.0);
}

/* Bad link values get /error and change nothing. */
static void test_bad_link_values(void **state)
{
	(void)state;
	static const struct {
		const char *path, *types;
		double value;
	} bad[] = {
		{ "/ch/1/link", "f", 9.0 },  { "/ch/1/link", "f", -1.0 }, { "/ch/1/link", "f", 1.5 },
		{ "/link/9/fader", "f", 1.0 }, { "/link/0/fader", "f", 1.0 },
		{ "/link/1/pan", "f", 1.0 },   { "/link/x/mute", "f", 1.0 },
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		hx_osc_send(g.osc, bad[k].path, bad[k].types, bad[k].value);
		if (hx_osc_wait_error(g.osc, bad[k].path, 2.0, NULL) != 0)
			fail_msg("%s %g: no /error", bad[k].path, bad[k].value);
	}
	hx_osc_send(g.osc, "/ch/1/link", "s", "9");
	assert_int_equal(hx_osc_wait_error(g.osc, "/ch/1/link", 2.0, NULL), 0);
	assert_true(query("/ch/1/link") == 1.0);
	assert_true(query("/link/1/fader") == 1.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_moves_partner_by_the_same_db),
		cmocka_unit_test(test_link_pan_mute_and_leaving),
		cmocka_unit_test(test_bad_link_values),
	};
	int failed = cmocka_run_group_tests(tests, links_setup, links_teardown);
	return hx_finish(failed);
}
