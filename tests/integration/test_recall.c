/*
 * test_recall.c - a scene lands in one period.
 *
 * 64 channels fed DC (8 probe outputs, each fanned out to 8 channel inputs), all summed into
 * the master. Scene "down"
 * has every fader at -90 (off), scene "up" every fader at 0 dB. Recalling "up" makes every
 * channel glide from 0 to its level in the same 20 ms ramp, so if all 64 start on the same
 * sample the master is one straight ramp of exactly the ramp's length; a recall split over
 * two periods (half the channels one period later) lengthens it by a period or more. The
 * start and the end of the ramp are found in the recording of master_L, 20 recalls in a row.
 * Waits are for evidence only: scene answers, and audio frames counted by the probe.
 */
#include <math.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/integration/harness.h"

#define RATE 48000
#define PERIOD 64
#define N_CH 64
#define N_GEN 8             /* the probe's most outputs */
#define N_RECALLS 20
#define DC 0.004            /* per channel: 64 of them stay well below full scale */
#define RAMP_FRAMES (RATE / 50)   /* STRIP_GAIN_RAMP_MS, 20 ms */
#define DSP_BLOCK_FRAMES 32       /* a ramp starts on the DSP's own block clock */
#define WINDOW_FRAMES (RATE / 2)

static struct {
	struct hx_jackd jackd;
	struct hx_daemon daemon;
	struct hx_probe *probe;
	struct hx_osc *osc;
	float rec[WINDOW_FRAMES];
} g;

static void scene(const char *cmd, const char *name)
{
	struct hx_osc_msg m;

	hx_osc_flush(g.osc);
	assert_int_equal(hx_osc_send(g.osc, cmd, "s", name), 0);
	if (hx_osc_wait(g.osc, cmd, 5.0, &m) < 0) {
		if (hx_osc_wait_error(g.osc, cmd, 0.001, &m) == 0)
			fail_msg("%s \"%s\": %s", cmd, name, hx_osc_msg_str(&m));
		fail_msg("%s \"%s\": no answer", cmd, name);
	}
}

static int group_setup(void **state)
{
	static char cfg[64 * 160 + 1024];
	char name[32];
	(void)state;

	char dir[HX_PATH_MAX];
	snprintf(dir, sizeof dir, "%s/recall", hx_tmpdir());
	if (mkdir(dir, 0700) < 0 || hx_jackd_start(&g.jackd, RATE, PERIOD) < 0)
		return -1;
	snprintf(name, sizeof name, "rcl%d", (int)getpid());
	g.probe = hx_probe_open(name, N_GEN, 1, 10.0);
	if (!g.probe)
		return -1;
	size_t n = (size_t)snprintf(cfg, sizeof cfg,
				    "state = { dir = \"%s/recall\"; };\n"
				    "master = { limiter = { on = false; }; };\n"
				    "channels = (\n", hx_tmpdir());
	for (int ch = 0; ch < N_CH; ch++)
		n += (size_t)snprintf(cfg + n, sizeof cfg - n,
				      "  { name = \"c%d\"; input = \"%s\"; fader = -90.0; }%s\n",
				      ch + 1, hx_probe_out(g.probe, (unsigned)(ch % N_GEN)),
				      ch + 1 < N_CH ? "," : "");
	snprintf(cfg + n, sizeof cfg - n, ");\n");
	if (hx_daemon_start(&g.daemon, &g.jackd, cfg, NULL) < 0)
		return -1;
	char port[HX_NAME_MAX * 2];
	if (hx_probe_connect(g.probe, hx_daemon_port(&g.daemon, "master_L", port),
			     hx_probe_in(g.probe, 0)) < 0)
		return -1;
	for (int k = 0; k < N_GEN; k++)
		if (hx_probe_set_impulse(g.probe, (unsigned)k, DC, 1) < 0)   /* every frame: DC */
			return -1;
	g.osc = hx_osc_open(g.daemon.osc_port);
	return g.osc ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	if (g.osc)
		hx_osc_close(g.osc);
	hx_daemon_stop(&g.daemon, SIGTERM, 5.0);
	if (g.probe)
		hx_probe_close(g.probe);
	hx_jackd_stop(&g.jackd);
	return 0;
}

/* First frame from `from` where x crosses level going up; -1 if none. */
static long first_above(const float *x, long n, long from, double level)
{
	for (long i = from; i < n; i++)
		if (x[i] > level)
			return i;
	return -1;
}

/* One recall of "up" from "down"; false when the window had a timing disturbance. */
static bool one_recall(int round, long *ramp_frames)
{
	scene("/snapshot/load", "down");
	assert_int_equal(hx_probe_settle(g.probe, 0.1), 0);     /* 5 ramps of audio: silent */
	uint64_t mark = hx_probe_now(g.probe);
	scene("/snapshot/load", "up");
	assert_int_equal(hx_probe_settle(g.probe, 0.05), 0);    /* 2.5 ramps: the window is short,
								    so fewer are hit by an xrun */
	uint64_t end = hx_probe_now(g.probe);
	long n = (long)(end - mark);
	if (n > WINDOW_FRAMES)
		n = WINDOW_FRAMES;
	assert_int_equal(hx_probe_read(g.probe, 0, mark, (size_t)n, g.rec), 0);
	if (hx_probe_disturbances(g.probe, mark, mark + (uint64_t)n))
		return false;

	double low = g.rec[0], high = 0.0;
	for (long i = n - 256; i < n; i++)
		high += g.rec[i] / 256.0;
	if (!(high > 0.5 * N_CH * DC * 0.5))
		fail_msg("recall %d: the master reached only %g", round, high);
	long start = first_above(g.rec, n, 0, low + (high - low) * 1e-3);
	long stop = first_above(g.rec, n, 0, high - (high - low) * 1e-3);
	if (start < 0 || stop < 0)
		fail_msg("recall %d: no ramp found", round);
	*ramp_frames = stop - start;
	return true;
}

static void test_recall_lands_in_one_period(void **state)
{
	(void)state;
	scene("/snapshot/save", "down");
	char path[32];
	for (int ch = 0; ch < N_CH; ch++) {
		snprintf(path, sizeof path, "/ch/%d/fader", ch + 1);
		assert_int_equal(hx_osc_send(g.osc, path, "f", 0.0), 0);
	}
	struct hx_osc_msg m;
	assert_int_equal(hx_osc_query(g.osc, "/ch/64/fader", 5.0, &m), 0);   /* all taken */
	scene("/snapshot/save", "up");

	/*
	 * Under qemu (the arm64 suite) 64 channels cannot keep real time: about 1 window in 70
	 * is free of xruns, so there it takes 3 clean recalls in at most 600 tries; each one is
	 * checked exactly as natively. Natively: 20 recalls in at most 200 tries.
	 */
	bool is_emulated = getenv("JMIXD_ITEST_EMULATED") != NULL;
	int n_wanted = is_emulated ? 3 : N_RECALLS;
	int max_tries = is_emulated ? 600 : 10 * N_RECALLS;
	int n_done = 0, n_tries = 0;
	long shortest = 1L << 30, longest = 0;
	/* A loaded machine (or the RT guard) xruns often with 64 channels: retry such windows. */
	while (n_done < n_wanted && n_tries < max_tries) {
		long ramp;
		n_tries++;
		if (!one_recall(n_done, &ramp))
			continue;
		n_done++;
		shortest = ramp < shortest ? ramp : shortest;
		longest = ramp > longest ? ramp : longest;
		/* One start for all: the sum is one ramp, never a period longer. */
		if (labs(ramp - RAMP_FRAMES) >= DSP_BLOCK_FRAMES)
			fail_msg("recall %d: the master took %ld frames to reach the scene, a single "
				 "20 ms ramp takes %d: the channels did not all start together",
				 n_done, ramp, RAMP_FRAMES);
	}
	fprintf(stderr, "[recall] %d recalls of 64 faders (%d windows hit by an xrun, retried): the "
			"master ramp took %ld .. %ld frames (one 20 ms ramp = %d)\n", n_done,
		n_tries - n_done, shortest, longest, RAMP_FRAMES);
	assert_int_equal(n_done, n_wanted);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recall_lands_in_one_period),
	};
	int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
	return hx_finish(failed);
}
