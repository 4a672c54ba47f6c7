/*
 * test_groups.c - DCA groups through a real jackd and the real daemon: a DCA at -10 dB takes
 * its members 10 dB down (+-0.1 dB) and leaves the others alone, without moving their faders;
 * post-fader sends follow it and pre-fader monitor sends do not; a DCA mute silences its
 * members and releases them to their own mute state; membership and the DCA's settings come
 * from the config and from OSC, by number and by name; bad values get /error and change
 * nothing. Mute groups: a group silences its member channels and buses (pre-fader sends
 * excepted) without touching their mute switches, and releases each to its own state.
 * Input delay: 10 ms moves channel c's onset on the master by exactly 480 samples at 48 kHz.
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

/* a and b are in DCA 1 ("drums": a from the config, b by OSC); c never is. */
static const char config_tail[] =
	"aux = ( { name = \"wedge\"; type = \"monitor\"; },\n"
	"        { name = \"post\"; type = \"monitor\"; } );\n"
	"groups = { dca = ( { name = \"drums\"; } ); mute = ( { on = false; } ); };\n"
	"channels = ( { name = \"a\"; dca1 = true; mgrp1 = true;\n"
	"               send = { wedge = { level = 0.0; }; post = { level = 0.0; pre = false; }; }; },\n"
	"             { name = \"b\"; }, { name = \"c\"; } );\n";

static char config[sizeof config_tail + HX_PATH_MAX + 64];

static const double freq[3] = { 1000.0, 1500.0, 2250.0 };

static struct hx_rig g;

enum { IN_MASTER_L, IN_WEDGE, IN_POST, N_IN };

/* Level of tone f on probe input `in` after the last change settled (0.25 s >> 20 ms glide). */
static double tone_db(unsigned in, double f)
{
	static float x[WINDOW];
	float *dst[1] = { x };
	unsigned ins[1] = { in };
	/* A busy machine can disturb 30 windows in a row (-EAGAIN): capture again, a few times. */
	int rc = -EAGAIN;
	for (int k = 0; k < 5 && rc == -EAGAIN; k++)
		rc = hx_probe_capture(g.probe, ins, 1, 0.25, WINDOW, dst, NULL);
	assert_int_equal(rc, 0);
	return hx_tone_db(x, WINDOW, f, RATE);
}

static double query(const char *path)
{
	return query_value(g.osc, path);
}

static void sync_daemon(void)
{
	sync_handled(g.osc);
}

static int group_setup(void **state)
{
	static const char *const ports[] = { "a", "b", "c", "wedge", "post", NULL };
	static const char *const feed[] = { "a", "b", "c", NULL };
	static const char *const record[] = { "master_L", "wedge", "post", NULL };
	const struct hx_rig_opts opts = { .rate = RATE, .period = PERIOD, .ports = ports,
					  .feed = feed, .record = record };
	(void)state;
	char dir[HX_PATH_MAX];
	snprintf(dir, sizeof dir, "%s/groups", hx_tmpdir());
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

static int group_teardown(void **state)
{
	(void)state;
	hx_rig_stop(&g);
	return 0;
}

/* The master levels of a, b, c with the DCA at 0 dB: what the DCA cases compare against. */
static double ref_db[3];

static void test_dca_at_zero_changes_nothing(void **state)
{
	(void)state;
	hx_osc_send(g.osc, "/ch/b/dca/1", "T");
	sync_daemon();
	assert_true(query("/ch/1/dca/1") == 1.0);
	for (int k = 0; k < 3; k++)
		ref_db[k] = tone_db(IN_MASTER_L, freq[k]);
	/* Unity DCA, centre pan, -3 dB law: every channel at the same level on master L. */
	expect_db(ref_db[1], ref_db[2], TOL_DB, "b (in the DCA at 0 dB) against c");
	expect_db(ref_db[0], ref_db[2], TOL_DB, "a (in the DCA at 0 dB) against c");
}

static void test_dca_takes_members_down(void **state)
{
	(void)state;
	double wedge_db = tone_db(IN_WEDGE, freq[0]);
	double post_db = tone_db(IN_POST, freq[0]);
	hx_osc_send(g.osc, "/dca/1/fader", "f", -10.0);
	sync_daemon();
	expect_db(tone_db(IN_MASTER_L, freq[0]), ref_db[0] - 10.0, TOL_DB, "a, DCA -10");
	expect_db(tone_db(IN_MASTER_L, freq[1]), ref_db[1] - 10.0, TOL_DB, "b, DCA -10");
	expect_db(tone_db(IN_MASTER_L, freq[2]), ref_db[2], TOL_DB, "c, not a member");
	expect_db(tone_db(IN_POST, freq[0]), post_db - 10.0, TOL_DB, "a's post-fader send");
	expect_db(tone_db(IN_WEDGE, freq[0]), wedge_db, TOL_DB, "a's pre-fader send");
	/* The members' own faders did not move; the DCA's answers in dB and on /norm. */
	assert_true(query("/ch/1/fader") == 0.0);
	assert_true(query("/ch/2/fader") == 0.0);
	assert_true(fabs(query("/dca/drums/fader") + 10.0) < 1e-6);
	double norm = query("/dca/1/fader/norm");
	assert_true(norm > 0.0 && norm < 1.0);

	/* dB add: a channel fader at -5 with the DCA at -10 plays at -15. */
	hx_osc_send(g.osc, "/ch/2/fader", "f", -5.0);
	sync_daemon();
	expect_db(tone_db(IN_MASTER_L, freq[1]), ref_db[1] - 15.0, TOL_DB, "b at -5, DCA -10");
	hx_osc_send(g.osc, "/ch/2/fader", "f", 0.0);

	/* Leaving the DCA brings b back to its own fader. */
	hx_osc_send(g.osc, "/ch/2/dca/1", "F");
	sync_daemon();
	expect_db(tone_db(IN_MASTER_L, freq[1]), ref_db[1], TOL_DB, "b out of the DCA");
	expect_db(tone_db(IN_MASTER_L, freq[0]), ref_db[0] - 10.0, TOL_DB, "a still in it");
	hx_osc_send(g.osc, "/ch/2/dca/1", "T");
	hx_osc_send(g.osc, "/dca/1/fader", "f", 0.0);
	sync_daemon();
}

static void test_dca_mute_releases_to_own_mute(void **state)
{
	(void)state;
	hx_osc_send(g.osc, "/ch/2/mute", "T");   /* b muted on its own */
	hx_osc_send(g.osc, "/dca/drums/mute", "T");
	sync_daemon();
	expect_silent(tone_db(IN_MASTER_L, freq[0]), "a, DCA muted");
	expect_silent(tone_db(IN_MASTER_L, freq[1]), "b, DCA muted");
	expect_silent(tone_db(IN_POST, freq[0]), "a's post-fader send, DCA muted");
	expect_db(tone_db(IN_MASTER_L, freq[2]), ref_db[2], TOL_DB, "c, not a member");
	assert_true(query("/ch/1/mute") == 0.0);   /* the DCA never touches a channel's mute */

	hx_osc_send(g.osc, "/dca/1/mute", "F");
	sync_daemon();
	expect_db(tone_db(IN_MASTER_L, freq[0]), ref_db[0], TOL_DB, "a, released, unmuted");
	expect_silent(tone_db(IN_MASTER_L, freq[1]), "b, released to its own mute");
	hx_osc_send(g.osc, "/ch/2/mute", "F");
	sync_daemon();
}

/* Every refusal is an /error, and the value stays what it was. */
static void test_bad_dca_values(void **state)
{
	(void)state;
	static const struct {
		const char *path, *types;
		double value;
	} bad[] = {
		{ "/dca/1/fader", "f", 20.0 },  { "/dca/1/fader", "f", NAN },
		{ "/dca/9/fader", "f", 0.0 },   { "/dca/0/fader", "f", 0.0 },
		{ "/dca/nope/mute", "f", 1.0 },
		{ "/dca/1/level", "f", 0.0 },   { "/dca/1", "f", 0.0 },
		{ "/ch/1/dca/9", "f", 1.0 },    { "/ch/1/dca/0", "f", 1.0 },
		{ "/dca/1/fader/norm", "f", 1.5 },
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		hx_osc_send(g.osc, bad[k].path, bad[k].types, bad[k].value);
		if (hx_osc_wait_error(g.osc, bad[k].path, 2.0, NULL) != 0)
			fail_msg("%s %g: no /error", bad[k].path, bad[k].value);
	}
	/* A switch takes any number (TouchOSC sends 0.0 and 1.0), so a word is the bad value. */
	static const char *const bad_switch[] = { "/dca/1/mute", "/ch/1/dca/1" };
	for (size_t k = 0; k < 2; k++) {
		hx_osc_send(g.osc, bad_switch[k], "s", "maybe");
		if (hx_osc_wait_error(g.osc, bad_switch[k], 2.0, NULL) != 0)
			fail_msg("%s \"maybe\": no /error", bad_switch[k]);
	}
	assert_true(query("/dca/1/fader") == 0.0);
	assert_true(query("/dca/1/mute") == 0.0);
	assert_true(query("/ch/1/dca/1") == 1.0);
	expect_db(tone_db(IN_MASTER_L, freq[0]), ref_db[0], TOL_DB, "a after the refusals");
}

/* Mute group 1 holds a (from the config) and b; b is also muted on its own. */
static void test_mute_group_releases_to_own_mute(void **state)
{
	(void)state;
	double wedge_db = tone_db(IN_WEDGE, freq[0]);
	hx_osc_send(g.osc, "/ch/b/mgrp/1", "T");
	hx_osc_send(g.osc, "/ch/2/mute", "T");
	hx_osc_send(g.osc, "/mgrp/1/on", "T");
	sync_daemon();
	expect_silent(tone_db(IN_MASTER_L, freq[0]), "a, mute group on");
	expect_silent(tone_db(IN_POST, freq[0]), "a's post-fader send, mute group on");
	expect_db(tone_db(IN_WEDGE, freq[0]), wedge_db, TOL_DB, "a's pre-fader send");
	expect_db(tone_db(IN_MASTER_L, freq[2]), ref_db[2], TOL_DB, "c, not a member");
	assert_true(query("/ch/1/mute") == 0.0);
	assert_true(query("/ch/1/mgrp/1") == 1.0);

	hx_osc_send(g.osc, "/mgrp/1/on", "F");
	sync_daemon();
	expect_db(tone_db(IN_MASTER_L, freq[0]), ref_db[0], TOL_DB, "a, group off: unmuted");
	expect_silent(tone_db(IN_MASTER_L, freq[1]), "b, group off: its own mute");
	hx_osc_send(g.osc, "/ch/2/mute", "F");

	/* A bus in a group: its whole output goes; the channels' master feed stays. */
	double post_db = tone_db(IN_POST, freq[0]);
	hx_osc_send(g.osc, "/aux/post/mgrp/2", "T");
	hx_osc_send(g.osc, "/mgrp/2/on", "T");
	sync_daemon();
	expect_silent(tone_db(IN_POST, freq[0]), "bus post in mute group 2");
	expect_db(tone_db(IN_MASTER_L, freq[0]), ref_db[0], TOL_DB, "a on the master");
	assert_true(query("/aux/2/mute") == 0.0);
	hx_osc_send(g.osc, "/mgrp/2/on", "F");
	sync_daemon();
	expect_db(tone_db(IN_POST, freq[0]), post_db, TOL_DB, "bus post, group off");
	hx_osc_send(g.osc, "/aux/post/mgrp/2", "F");
	hx_osc_send(g.osc, "/ch/b/mgrp/1", "F");
	sync_daemon();
}

static void test_bad_mute_group_values(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"/mgrp/7/on", "/mgrp/0/on", "/mgrp/x/on", "/mgrp/1/fader", "/mgrp/1",
		"/ch/1/mgrp/7", "/aux/1/mgrp/0", "/master/mgrp/1",   /* the master is never a member */
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		hx_osc_send(g.osc, bad[k], "T");
		if (hx_osc_wait_error(g.osc, bad[k], 2.0, NULL) != 0)
			fail_msg("%s T: no /error", bad[k]);
	}
	hx_osc_send(g.osc, "/mgrp/1/on", "s", "maybe");
	assert_int_equal(hx_osc_wait_error(g.osc, "/mgrp/1/on", 2.0, NULL), 0);
	assert_true(query("/mgrp/1/on") == 0.0);
	expect_db(tone_db(IN_MASTER_L, freq[0]), ref_db[0], TOL_DB, "a after the refusals");
}

static void scene(const char *cmd, const char *name)
{
	struct hx_osc_msg m;
	hx_osc_flush(g.osc);
	assert_int_equal(hx_osc_send(g.osc, cmd, "s", name), 0);
	if (hx_osc_wait(g.osc, cmd, 5.0, &m) < 0)
		fail_msg("%s \"%s\": no answer", cmd, name);
}

/* A scene holds the DCAs' faders and mutes, the mute groups and every membership. */
static void test_dca_in_scenes(void **state)
{
	(void)state;
	hx_osc_send(g.osc, "/dca/1/fader", "f", -10.0);
	hx_osc_send(g.osc, "/dca/2/mute", "T");
	hx_osc_send(g.osc, "/ch/c/dca/2", "T");
	hx_osc_send(g.osc, "/ch/c/mgrp/3", "T");
	hx_osc_send(g.osc, "/mgrp/3/on", "T");
	sync_daemon();
	expect_silent(tone_db(IN_MASTER_L, freq[2]), "c in muted DCA 2");
	scene("/snapshot/save", "dcas");
	hx_osc_send(g.osc, "/ch/c/mgrp/3", "F");
	hx_osc_send(g.osc, "/mgrp/3/on", "F");
	hx_osc_send(g.osc, "/dca/1/fader", "f", 0.0);
	hx_osc_send(g.osc, "/dca/2/mute", "F");
	hx_osc_send(g.osc, "/ch/c/dca/2", "F");
	hx_osc_send(g.osc, "/ch/a/dca/1", "F");
	sync_daemon();
	expect_db(tone_db(IN_MASTER_L, freq[0]), ref_db[0], TOL_DB, "a, out of every DCA");
	scene("/snapshot/load", "dcas");
	sync_daemon();
	assert_true(query("/dca/1/fader") == -10.0);
	assert_true(query("/dca/2/mute") == 1.0);
	assert_true(query("/ch/3/dca/2") == 1.0);
	assert_true(query("/ch/1/dca/1") == 1.0);
	assert_true(query("/ch/3/mgrp/3") == 1.0);
	assert_true(query("/mgrp/3/on") == 1.0);
	expect_db(tone_db(IN_MASTER_L, freq[0]), ref_db[0] - 10.0, TOL_DB, "a, scene recalled");
	expect_silent(tone_db(IN_MASTER_L, freq[2]), "c, scene recalled");
	hx_osc_send(g.osc, "/dca/1/fader", "f", 0.0);
	hx_osc_send(g.osc, "/dca/2/mute", "F");
	hx_osc_send(g.osc, "/ch/c/dca/2", "F");
	hx_osc_send(g.osc, "/ch/c/mgrp/3", "F");
	hx_osc_send(g.osc, "/mgrp/3/on", "F");
	sync_daemon();
}

/* /dump carries the DCAs and mute groups (by number) and the memberships. */
struct seen {
	bool has_fader, has_member, has_mute_group, has_bus_member;
};

static bool tap_dump(const struct hx_osc_msg *m, void *user)
{
	struct seen *s = user;
	if (strcmp(m->path, "/dca/8/fader") == 0)
		s->has_fader = true;
	if (strcmp(m->path, "/ch/3/dca/8") == 0)
		s->has_member = true;
	if (strcmp(m->path, "/mgrp/6/on") == 0)
		s->has_mute_group = true;
	if (strcmp(m->path, "/aux/2/mgrp/6") == 0)
		s->has_bus_member = true;
	return true;
}

static void test_dca_in_dump(void **state)
{
	(void)state;
	struct seen s = { 0 };
	hx_osc_set_tap(g.osc, tap_dump, &s);
	assert_int_equal(hx_osc_send(g.osc, "/dump", ""), 0);
	for (double t0 = hx_now();
	     !(s.has_fader && s.has_member && s.has_mute_group && s.has_bus_member) &&
	     hx_now() - t0 < 10.0;)
		hx_osc_pump(g.osc, 0.1);
	hx_osc_set_tap(g.osc, NULL, NULL);
	assert_true(s.has_fader);
	assert_true(s.has_member);
	assert_true(s.has_mute_group);
	assert_true(s.has_bus_member);
}

/* Whole-state messages are swallowed; the feedback of interest is counted. */
struct fed {
	bool has_fader, has_member, has_mute_group;
};

static bool tap_feedback(const struct hx_osc_msg *m, void *user)
{
	struct fed *f = user;
	if (strcmp(m->path, "/dca/3/fader") == 0 && m->argc == 1 && m->argv[0].d == -4.0)
		f->has_fader = true;
	if (strcmp(m->path, "/ch/2/dca/3") == 0 && m->argc == 1 && m->argv[0].d == 1.0)
		f->has_member = true;
	if (strcmp(m->path, "/mgrp/4/on") == 0 && m->argc == 1 && m->argv[0].d == 1.0)
		f->has_mute_group = true;
	return true;
}

/* A change made by one client reaches another subscribed one. */
static void test_groups_fed_back(void **state)
{
	(void)state;
	struct fed f = { 0 };
	struct hx_osc *other = hx_osc_open(g.daemon.osc_port);
	assert_non_null(other);
	hx_osc_set_tap(other, tap_feedback, &f);
	assert_int_equal(hx_osc_send(other, "/subscribe", ""), 0);
	hx_osc_pump(other, 0.5);   /* the whole state first (the tap swallows it) */
	hx_osc_send(g.osc, "/dca/3/fader", "f", -4.0);
	hx_osc_send(g.osc, "/ch/2/dca/3", "T");
	hx_osc_send(g.osc, "/mgrp/4/on", "T");
	sync_daemon();
	for (double t0 = hx_now();
	     !(f.has_fader && f.has_member && f.has_mute_group) && hx_now() - t0 < 10.0;)
		hx_osc_pump(other, 0.1);
	assert_int_equal(hx_osc_send(other, "/unsubscribe", ""), 0);
	hx_osc_close(other);
	assert_true(f.has_fader);
	assert_true(f.has_member);
	assert_true(f.has_mute_group);
	hx_osc_send(g.osc, "/dca/3/fader", "f", 0.0);
	hx_osc_send(g.osc, "/ch/2/dca/3", "F");
	hx_osc_send(g.osc, "/mgrp/4/on", "F");
	sync_daemon();
}

#define IMPULSE_EVERY 4800

/*
 * Where c's impulses fall on master_L, as a phase of the generator's period (absolute probe
 * frames, so every constant latency cancels); -1 when the window had a timing disturbance.
 */
static long impulse_phase(void)
{
	static float x[2 * IMPULSE_EVERY];
	assert_int_equal(hx_probe_settle(g.probe, 0.2), 0);   /* the 20 ms fade, 10 times over */
	uint64_t start = hx_probe_now(g.probe);
	assert_int_equal(hx_probe_read(g.probe, IN_MASTER_L, start, 2 * IMPULSE_EVERY, x), 0);
	if (hx_probe_disturbances(g.probe, start, start + 2 * IMPULSE_EVERY))
		return -1;
	for (long i = 0; i < 2 * IMPULSE_EVERY; i++)
		if (fabsf(x[i]) > 0.1f)
			return (long)((start + (uint64_t)i) % IMPULSE_EVERY);
	fail_msg("no impulse of channel c on master_L");
	return -1;
}

static void test_input_delay_moves_onset(void **state)
{
	(void)state;
	hx_osc_send(g.osc, "/ch/a/mute", "T");
	hx_osc_send(g.osc, "/ch/b/mute", "T");
	sync_daemon();
	assert_true(hx_probe_set_impulse(g.probe, 2, 0.5, IMPULSE_EVERY) >= 0);
	long before = -1, after = -1;
	/* As many tries as the harness gives a capture: a busy machine disturbs many in a row. */
	for (int k = 0; k < 60 && before < 0; k++)
		before = impulse_phase();
	hx_osc_send(g.osc, "/ch/c/delay/time", "f", 10.0);
	hx_osc_send(g.osc, "/ch/c/delay/on", "T");
	sync_daemon();
	for (int k = 0; k < 60 && after < 0; k++)
		after = impulse_phase();
	assert_true(before >= 0 && after >= 0);
	hx_log("impulse phase %ld without delay, %ld with 10 ms", before, after);
	assert_int_equal((after - before + IMPULSE_EVERY) % IMPULSE_EVERY, 480);
	assert_true(query("/ch/3/delay/time") == 10.0);

	/* Bad values change nothing. */
	hx_osc_send(g.osc, "/ch/c/delay/time", "f", 501.0);
	assert_int_equal(hx_osc_wait_error(g.osc, "/ch/c/delay/time", 2.0, NULL), 0);
	hx_osc_send(g.osc, "/ch/c/delay/time", "f", -1.0);
	assert_int_equal(hx_osc_wait_error(g.osc, "/ch/c/delay/time", 2.0, NULL), 0);
	assert_true(query("/ch/3/delay/time") == 10.0);

	hx_osc_send(g.osc, "/ch/c/delay/on", "F");
	hx_osc_send(g.osc, "/ch/a/mute", "F");
	hx_osc_send(g.osc, "/ch/b/mute", "F");
	sync_daemon();
	assert_true(hx_probe_set_sine(g.probe, 2, freq[2], AMP) >= 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dca_at_zero_changes_nothing),
		cmocka_unit_test(test_dca_takes_members_down),
		cmocka_unit_test(test_dca_mute_releases_to_own_mute),
		cmocka_unit_test(test_bad_dca_values),
		cmocka_unit_test(test_mute_group_releases_to_own_mute),
		cmocka_unit_test(test_bad_mute_group_values),
		cmocka_unit_test(test_dca_in_scenes),
		cmocka_unit_test(test_dca_in_dump),
		cmocka_unit_test(test_groups_fed_back),
		cmocka_unit_test(test_input_delay_moves_onset),
	};
	int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
	return hx_finish(failed);
}
