/*
 * test_links.c - channel links, recall safes and scopes, and recall fades through a real
 * jackd and the real daemon.
 *
 * Links: a and b are ganged (link 1, from the config). Moving a's fader by -10 dB takes b
 * 10 dB down on the master (+-0.1 dB) and leaves c alone; b's own fader follows with its
 * offset kept, also through -inf and back; a second subscribed client is told of both; pan
 * stays each member's own.
 *
 * Safes and scopes: a safed channel keeps its level across a recall (and the safe is in the
 * state file, never in a scene); a recall scoped to "mutes" brings back a mute and leaves a
 * fader. Fade: halfway through a 2 s recall fade from 0 to -20 dB the level is -10 dB
 * (+-1 dB), it falls without a step bigger than a late control tick would make, and it lands
 * exactly on the scene's value. Bad recall arguments get /error and change nothing.
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

/*
 * Levels of the three tones (a, b, c) on master L from one window, after the last change
 * settled (0.1 s of audio: five times the 20 ms glide); db[k] for freq[k].
 */
static void levels(double db[3])
{
	static float x[WINDOW];
	float *dst[1] = { x };
	unsigned ins[1] = { IN_MASTER_L };
	int rc = -EAGAIN;
	for (int k = 0; k < 5 && rc == -EAGAIN; k++)
		rc = hx_probe_capture(g.probe, ins, 1, 0.1, WINDOW, dst, NULL);
	assert_int_equal(rc, 0);
	for (int k = 0; k < 3; k++)
		db[k] = hx_tone_db(x, WINDOW, freq[k], RATE);
}

/* One tone's level (see levels). */
static double tone_db(int k)
{
	double db[3];
	levels(db);
	return db[k];
}

static double query(const char *path)
{
	return query_value(g.osc, path);
}

static void sync_daemon(void)
{
	sync_handled(g.osc);
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
	levels(ref_db);
	expect_db(ref_db[1], ref_db[0] - 6.0, TOL_DB, "b, 6 dB under a (config)");

	struct fed f = { 0 };
	struct hx_osc *other = hx_osc_open(g.daemon.osc_port);
	assert_non_null(other);
	hx_osc_set_tap(other, tap_feedback, &f);
	assert_int_equal(hx_osc_send(other, "/subscribe", ""), 0);
	hx_osc_pump(other, 0.5);   /* the whole state first (the tap swallows it) */

	hx_osc_send(g.osc, "/ch/a/fader", "f", -10.0);
	sync_daemon();
	double db[3];
	levels(db);
	expect_db(db[0], ref_db[0] - 10.0, TOL_DB, "a moved to -10");
	expect_db(db[1], ref_db[1] - 10.0, TOL_DB, "b, linked, 10 dB down too");
	expect_db(db[2], ref_db[2], TOL_DB, "c, not linked");
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
	expect_silent(tone_db(1), "b with a at -inf");
	hx_osc_send(g.osc, "/ch/a/fader", "f", 0.0);
	sync_daemon();
	expect_db(tone_db(1), ref_db[1], TOL_DB, "b, a back at 0");
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
	expect_silent(tone_db(0), "a, muted through b");
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

static void scene(const char *cmd, const char *name)
{
	struct hx_osc_msg m;
	hx_osc_flush(g.osc);
	assert_int_equal(hx_osc_send(g.osc, cmd, "s", name), 0);
	if (hx_osc_wait(g.osc, cmd, 5.0, &m) < 0)
		fail_msg("%s \"%s\": no answer", cmd, name);
}

/* Does the file under the state folder contain text? -1 when it cannot be read. */
static int file_has(const char *file, const char *text)
{
	char path[HX_PATH_MAX + 64], buf[65536];
	snprintf(path, sizeof path, "%s/links/%s", hx_tmpdir(), file);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, text) != NULL;
}

/* A second client is told of a safe switched on, at the channel's and the section's address. */
static bool tap_safe(const struct hx_osc_msg *m, void *user)
{
	int *n_seen = user;
	if ((strcmp(m->path, "/ch/3/safe") == 0 || strcmp(m->path, "/safe/fx") == 0) &&
	    m->argc == 1 && m->argv[0].d == 1.0)
		(*n_seen)++;
	return true;
}

static void test_safe_channel_keeps_its_values(void **state)
{
	(void)state;
	hx_osc_send(g.osc, "/ch/c/fader", "f", -6.0);
	sync_daemon();
	scene("/snapshot/save", "safes");
	assert_int_equal(file_has("scenes/safes.cfg", "safe"), 0);   /* safes are not scenes' */
	int n_seen = 0;
	struct hx_osc *other = hx_osc_open(g.daemon.osc_port);
	assert_non_null(other);
	hx_osc_set_tap(other, tap_safe, &n_seen);
	assert_int_equal(hx_osc_send(other, "/subscribe", ""), 0);
	hx_osc_pump(other, 0.5);   /* the whole state first (the tap swallows it) */
	n_seen = 0;
	hx_osc_send(g.osc, "/safe/fx", "T");
	hx_osc_send(g.osc, "/ch/c/safe", "T");
	sync_daemon();
	for (double t0 = hx_now(); n_seen < 2 && hx_now() - t0 < 10.0;)
		hx_osc_pump(other, 0.1);
	assert_int_equal(hx_osc_send(other, "/unsubscribe", ""), 0);
	hx_osc_close(other);
	assert_int_equal(n_seen, 2);
	hx_osc_send(g.osc, "/safe/fx", "F");
	hx_osc_send(g.osc, "/ch/c/fader", "f", -20.0);
	hx_osc_send(g.osc, "/ch/a/fader", "f", -3.0);   /* b follows: -9 */
	sync_daemon();
	scene("/snapshot/load", "safes");
	sync_daemon();
	assert_true(query("/ch/c/fader") == -20.0);
	assert_true(query("/ch/a/fader") == 0.0);
	assert_true(query("/ch/b/fader") == -6.0);
	double db[3];
	levels(db);
	expect_db(db[2], ref_db[2] - 20.0, TOL_DB, "c, safe, kept across the recall");
	expect_db(db[0], ref_db[0], TOL_DB, "a, recalled");
	/* The state file has the safe (written within a second of a change). */
	int has = 0;
	for (double t0 = hx_now(); has != 1 && hx_now() - t0 < 10.0; hx_osc_pump(g.osc, 0.1))
		has = file_has("state.cfg", "safe = true");
	assert_int_equal(has, 1);
	hx_osc_send(g.osc, "/ch/c/safe", "F");
	sync_daemon();
	scene("/snapshot/load", "safes");
	sync_daemon();
	expect_db(tone_db(2), ref_db[2] - 6.0, TOL_DB, "c, no longer safe, recalled");
}

/* A scope of "mutes" brings back a mute and leaves a fader; so does a section safe. */
static void test_recall_scope(void **state)
{
	(void)state;
	hx_osc_send(g.osc, "/ch/c/fader", "f", 0.0);
	sync_daemon();
	scene("/snapshot/save", "scoped");
	hx_osc_send(g.osc, "/ch/c/mute", "T");
	hx_osc_send(g.osc, "/ch/c/fader", "f", -12.0);
	sync_daemon();
	struct hx_osc_msg m;
	hx_osc_send(g.osc, "/snapshot/load", "ss", "scoped", "mutes");
	assert_int_equal(hx_osc_wait(g.osc, "/snapshot/load", 5.0, &m), 0);
	sync_daemon();
	assert_true(query("/ch/c/mute") == 0.0);
	assert_true(query("/ch/c/fader") == -12.0);
	expect_db(tone_db(2), ref_db[2] - 12.0, TOL_DB, "c, mute recalled, fader kept");
	hx_osc_send(g.osc, "/safe/faders", "T");
	hx_osc_send(g.osc, "/ch/c/mute", "T");
	sync_daemon();
	scene("/snapshot/load", "scoped");
	sync_daemon();
	assert_true(query("/ch/c/mute") == 0.0);
	assert_true(query("/ch/c/fader") == -12.0);
	hx_osc_send(g.osc, "/safe/faders", "F");
	hx_osc_send(g.osc, "/ch/c/fader", "f", 0.0);
	sync_daemon();
}

#define FADE_S 2.0
#define FADE_BLOCK 960          /* 20 ms: 20, 30, 45 whole cycles of the three tones */
#define FADE_FRAMES (5 * RATE / 2)  /* the 2 s fade, the answer's delay and the 20 ms ramp */

/*
 * One 2 s fade of c from 0 to -20 dB, recorded from just before the recall; env[] gets c's
 * level per 20 ms block (NAN for a block a timing disturbance touched: an xrun on a busy
 * machine says nothing about the fade) and *anchor the block where the daemon took the recall
 * (between the send and the answer). false when the answer took over 100 ms or a block the
 * checks need is disturbed: the caller runs it again.
 */
static bool record_fade(double *env, int *n_blocks, double *anchor)
{
	static float x[FADE_FRAMES];
	struct hx_osc_msg m;
	hx_osc_send(g.osc, "/ch/c/fader", "f", 0.0);
	sync_daemon();
	assert_int_equal(hx_probe_settle(g.probe, 0.1), 0);
	hx_osc_flush(g.osc);
	uint64_t start = hx_probe_now(g.probe);
	assert_int_equal(hx_osc_send(g.osc, "/snapshot/load", "sf", "quiet", FADE_S), 0);
	assert_int_equal(hx_osc_wait(g.osc, "/snapshot/load", 5.0, &m), 0);
	uint64_t answered = hx_probe_now(g.probe);
	assert_int_equal(hx_probe_read(g.probe, IN_MASTER_L, start, FADE_FRAMES, x), 0);
	if (answered - start > RATE / 10)
		return false;
	*n_blocks = FADE_FRAMES / FADE_BLOCK;
	for (int k = 0; k < *n_blocks; k++) {
		uint64_t b = start + (uint64_t)k * FADE_BLOCK;
		env[k] = hx_probe_disturbances(g.probe, b, b + FADE_BLOCK)
				 ? NAN : hx_tone_db(x + k * FADE_BLOCK, FADE_BLOCK, freq[2], RATE);
	}
	*anchor = (double)(answered - start) / 2.0 / FADE_BLOCK;
	int mid = (int)(*anchor + FADE_S / 2.0 * RATE / FADE_BLOCK);
	return !isnan(env[0]) && !isnan(env[mid]) && !isnan(env[*n_blocks - 1]);
}

static void test_recall_fade(void **state)
{
	(void)state;
	/* c alone on the master: nothing else can leak into its measurement. */
	hx_osc_send(g.osc, "/ch/a/mute", "T");   /* b follows */
	hx_osc_send(g.osc, "/ch/c/fader", "f", -20.0);
	sync_daemon();
	scene("/snapshot/save", "quiet");
	static double env[FADE_FRAMES / FADE_BLOCK];
	int n = 0;
	double anchor = 0.0;
	bool is_clean = false;
	for (int k = 0; k < 8 && !is_clean; k++)
		is_clean = record_fade(env, &n, &anchor);
	assert_true(is_clean);
	double top = env[0], half_s = FADE_S / 2.0 * RATE / FADE_BLOCK;
	expect_db(top, ref_db[2], TOL_DB, "c before the fade");
	/* Halfway in time, halfway in dB. */
	expect_db(env[(int)(anchor + half_s)], top - 10.0, 1.0, "c halfway through the 2 s fade");
	/* Falling all the way, never by more than a control tick three times late would make
	 * (10 dB/s x 60 ms = 0.6 dB) between two undisturbed blocks: no step, no zipper. */
	double max_step = 0.0;
	int n_compared = 0;
	for (int k = 1; k < n; k++) {
		if (isnan(env[k - 1]) || isnan(env[k]))
			continue;
		double step = env[k - 1] - env[k];
		if (step < -0.05)
			fail_msg("block %d rises by %.2f dB during the fade (%.3f, %.3f, %.3f)", k,
				 -step, env[k - 1], env[k], k + 1 < n ? env[k + 1] : 0.0);
		if (step > max_step)
			max_step = step;
		n_compared++;
	}
	hx_log("largest fall per 20 ms block: %.3f dB (%d pairs of blocks)", max_step, n_compared);
	assert_true(max_step < 0.7);
	assert_true(n_compared > n / 2);
	expect_db(env[n - 1], top - 20.0, TOL_DB, "c at the end of the fade");
	assert_true(query("/ch/c/fader") == -20.0);
	hx_osc_send(g.osc, "/ch/c/fader", "f", 0.0);
	hx_osc_send(g.osc, "/ch/a/mute", "F");
	sync_daemon();
}

/* Bad recall arguments: an /error each, and nothing changes. */
static void test_bad_recall_arguments(void **state)
{
	(void)state;
	hx_osc_send(g.osc, "/ch/c/fader", "f", -3.0);
	sync_daemon();
	static const struct {
		const char *types;
		const char *scope;
		double time;
	} bad[] = {
		{ "ss", "bogus", 0.0 }, { "ss", "", 0.0 }, { "sf", NULL, -1.0 },
		{ "sf", NULL, 1e9 },    { "sf", NULL, NAN }, { "ssf", "1-99", 1.0 },
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		if (bad[k].scope && bad[k].types[2])
			hx_osc_send(g.osc, "/snapshot/load", bad[k].types, "quiet", bad[k].scope,
				    bad[k].time);
		else if (bad[k].scope)
			hx_osc_send(g.osc, "/snapshot/load", bad[k].types, "quiet", bad[k].scope);
		else
			hx_osc_send(g.osc, "/snapshot/load", bad[k].types, "quiet", bad[k].time);
		if (hx_osc_wait_error(g.osc, "/snapshot/load", 2.0, NULL) != 0)
			fail_msg("/snapshot/load %s (case %zu): no /error", bad[k].types, k);
	}
	hx_osc_send(g.osc, "/snapshot/load", "sff", "quiet", 1.0, 2.0);
	assert_int_equal(hx_osc_wait_error(g.osc, "/snapshot/load", 2.0, NULL), 0);
	hx_osc_send(g.osc, "/snapshot/load", "sss", "quiet", "eq", "faders");
	assert_int_equal(hx_osc_wait_error(g.osc, "/snapshot/load", 2.0, NULL), 0);
	hx_osc_send(g.osc, "/safe/bogus", "T");
	assert_int_equal(hx_osc_wait_error(g.osc, "/safe/bogus", 2.0, NULL), 0);
	hx_osc_send(g.osc, "/ch/1/safe", "s", "maybe");
	assert_int_equal(hx_osc_wait_error(g.osc, "/ch/1/safe", 2.0, NULL), 0);
	assert_true(query("/ch/c/fader") == -3.0);
	assert_true(query("/ch/1/safe") == 0.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_moves_partner_by_the_same_db),
		cmocka_unit_test(test_link_pan_mute_and_leaving),
		cmocka_unit_test(test_bad_link_values),
		cmocka_unit_test(test_safe_channel_keeps_its_values),
		cmocka_unit_test(test_recall_scope),
		cmocka_unit_test(test_recall_fade),
		cmocka_unit_test(test_bad_recall_arguments),
	};
	int failed = cmocka_run_group_tests(tests, links_setup, links_teardown);
	return hx_finish(failed);
}
