/*
 * test_survival.c - issue 6, "nothing lost, nobody in": autosave under kill -9, jackd
 * restarts, scenes, hostile scene names, the OSC front door (allowlist, roles, rate limit),
 * SIGHUP, and malformed configuration files, against the real daemon.
 *
 * One private jackd (dummy, 48 kHz, 64 frames) for the whole group; it is itself killed and
 * restarted by test_jackd_restarts (same server name). Every daemon gets its own state folder
 * under hx_tmpdir(), so no test sees another's autosave.
 *
 * The parameter table is read from `jmixd --print-params osc`, so "every parameter" follows
 * the table as it grows. Figures are printed on stderr, prefixed [survival].
 *
 * Run: tests/integration/isolate.sh build/itests/test_survival (from the repo root).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/integration/harness.h"

#define RATE 48000u
#define PERIOD 64u
#define AMP 0.1
#define F1 1000.0
#define OSC_TIMEOUT_S 1.0
#define N_ROUNDS 100
#define LOSS_MAX_S 1.0                  /* "at most the last second of changes is lost" */
#define LOSS_SLACK_S 0.05               /* our clock vs the daemon's: send, kill delivery */
#define RECOVERY_MAX_S 2.0
#define TOL_DB 0.1

/* ------------------------------------------------------------------------------------------ */
/* The parameter table, from jmixd --print-params osc                                          */

static struct hx_param_table g_table;

/* Every parameter address of a console with n_ch channels. */
struct param {
	char path[80];
	const struct hx_param_row *row;
};

static struct param g_params[512];
static int g_n_params;

static void build_params(int n_ch)
{
	g_n_params = 0;
	for (int ch = 0; ch <= n_ch; ch++)
		for (int i = 0; i < g_table.n_rows; i++) {
			const struct hx_param_row *r = &g_table.rows[i];
			struct param *p;

			if (r->master != (ch == n_ch) || g_n_params >= 512)
				continue;
			/* A link moves the partners and a safe keeps a channel out of recalls, so
			 * a random one would change values this test did not send (test_links
			 * covers both). */
			if (!strcmp(r->path, "link") || !strcmp(r->path, "safe"))
				continue;
			p = &g_params[g_n_params++];
			p->row = r;
			if (r->master)
				snprintf(p->path, sizeof(p->path), "/master/%.60s", r->path);
			else
				snprintf(p->path, sizeof(p->path), "/ch/%d/%.60s", ch + 1, r->path);
		}
}

/* ------------------------------------------------------------------------------------------ */
/* Group, helpers                                                                              */

static struct {
	struct hx_jackd jackd;
	struct hx_osc *osc;             /* reused by tests that talk to one daemon */
	unsigned rng;
} g;

static unsigned rnd(void)
{
	g.rng = g.rng * 1103515245u + 12345u;
	return (g.rng >> 8) & 0xffffffu;
}

static double urand(void)
{
	return (double)rnd() / 16777216.0;
}

static int group_setup(void **state)
{
	(void)state;
	if (!getenv("JMIXD_ISOLATED"))
		fprintf(stderr, "[hx] note: not isolated (run through tests/integration/isolate.sh "
				"for a private /dev/shm)\n");
	g.rng = getenv("JMIXD_ITEST_SEED") ? (unsigned)atoi(getenv("JMIXD_ITEST_SEED"))
					   : (unsigned)getpid();
	fprintf(stderr, "[survival] random seed %u (JMIXD_ITEST_SEED to repeat)\n", g.rng);
	if (hx_param_table_load(&g_table) < 0) {
		fprintf(stderr, "[survival] cannot read jmixd --print-params osc\n");
		return -1;
	}
	build_params(2);
	return hx_jackd_start(&g.jackd, RATE, PERIOD) < 0 ? -1 : 0;
}

static int group_teardown(void **state)
{
	(void)state;
	hx_jackd_stop(&g.jackd);
	return 0;
}

/* A two-channel config; extra goes into the osc group. */
static const char *config(const char *state_dir, const char *osc_extra, const char *ch1_extra)
{
	static char cfg[2048];

	snprintf(cfg, sizeof(cfg),
		 "jack = { client_name = \"jmixd\"; };\n"
		 "osc = { bind = \"127.0.0.1\"; port = 8000; %s };\n"
		 "state = { dir = \"%s\"; };\n"
		 "master = {\n"
		 "  outputs = [ \"system:playback_1\", \"system:playback_2\" ];\n"
		 "  pan_law = -3.0;\n"
		 "};\n"
		 "channels = (\n"
		 "  { name = \"kick\"; input = \"\"; %s },\n"
		 "  { name = \"snare\"; input = \"system:capture_1\"; }\n"
		 ");\n",
		 osc_extra ? osc_extra : "", state_dir, ch1_extra ? ch1_extra : "");
	return cfg;
}

static void state_dir(char *out, const char *name)
{
	snprintf(out, HX_PATH_MAX, "%s/%s", hx_tmpdir(), name);
}

static const char *dport(const struct hx_daemon *d, const char *port)
{
	static char buf[8][HX_NAME_MAX * 2];
	static unsigned k;

	return hx_daemon_port(d, port, buf[k++ % 8]);
}

static struct hx_osc_msg query_on(struct hx_osc *o, const char *path)
{
	struct hx_osc_msg m;

	if (hx_osc_query(o, path, OSC_TIMEOUT_S, &m) < 0) {
		if (hx_osc_wait_error(o, path, 0.001, &m) == 0)
			fail_msg("query %s: %s", path, hx_osc_msg_str(&m));
		fail_msg("no reply to the query %s within %.1f s", path, OSC_TIMEOUT_S);
	}
	return m;
}

static double query_v(struct hx_osc *o, const char *path)
{
	struct hx_osc_msg m = query_on(o, path);

	if (m.argc != 1)
		fail_msg("query %s: %s", path, hx_osc_msg_str(&m));
	return m.argv[0].d;
}

/* Send a value of the right OSC type for the row (float, or int for switches and choices). */
static int send_value(struct hx_osc *o, const struct param *p, double v)
{
	if (p->row->kind == HX_P_FLOAT)
		return hx_osc_send(o, p->path, "f", v);
	return hx_osc_send(o, p->path, "i", (int)v);
}

static void set_v(struct hx_osc *o, const struct param *p, double v)
{
	struct hx_osc_msg m;

	assert_int_equal(send_value(o, p, v), 0);
	(void)query_on(o, p->path);
	if (hx_osc_wait_error(o, p->path, 0, &m) == 0)
		fail_msg("%s %g: %s", p->path, v, hx_osc_msg_str(&m));
}

/* A random valid value that survives a text round trip exactly (<= 6 significant digits):
 * quarter steps on ranges below 1000, whole numbers above. */
static double random_short_value(const struct hx_param_row *r)
{
	if (r->kind != HX_P_FLOAT)
		return (double)(rnd() % (unsigned)(r->max + 1));
	{
		double step = r->max - r->min < 1000 ? 0.25 : 1.0;
		double n = floor((r->max - r->min) / step);

		return r->min + step * (double)(rnd() % (unsigned)(n + 1));
	}
}

/* A random valid float32 value with all its digits, different from avoid. */
static double random_full_value(const struct hx_param_row *r, double avoid)
{
	for (;;) {
		double v;

		if (r->kind != HX_P_FLOAT)
			v = (double)(rnd() % (unsigned)(r->max + 1));
		else
			v = (double)(float)(r->min + urand() * (r->max - r->min));
		if ((float)v != (float)avoid && v >= r->min && v <= r->max)
			return v;
	}
}

/* ------------------------------------------------------------------------------------------ */
/* 1. kill -9 at random moments during a stream of changes: the state always loads, every     */
/*    value is one we sent, and at most the last second of changes is lost.                   */

struct change {
	double t;
	float v;
};

#define MAX_CHANGES 4096

static struct change g_hist[512][64];   /* per parameter: the changes of this round */
static int g_n_hist[512];
static float g_base[512];              /* per parameter: the value at the round's start */
static double g_kill_t;                /* when the last round was killed */

static void test_autosave_kill9(void **state)
{
	char dir[HX_PATH_MAX], st_file[HX_PATH_MAX + 16], bak_file[HX_PATH_MAX + 16];
	struct hx_daemon d;
	struct hx_osc *o;
	double worst = 0, t_begin = hx_now(), sum_d = 0;
	int n_state = 0, n_backup = 0, n_config = 0, n_changes_total = 0, n_kept = 0;
	const char *cfg;

	(void)state;
	state_dir(dir, "autosave-state");
	snprintf(st_file, sizeof(st_file), "%s/state.cfg", dir);
	snprintf(bak_file, sizeof(bak_file), "%s/state.cfg.bak", dir);
	cfg = config(dir, NULL, NULL);
	for (int i = 0; i < g_n_params; i++)
		g_base[i] = (float)g_params[i].row->def;

	for (int round = 0; round <= N_ROUNDS; round++) {
		bool had_file = access(st_file, F_OK) == 0 || access(bak_file, F_OK) == 0;
		double dur, t0, t_kill;
		bool round_kept = false;
		char *log;
		int st;

		if (hx_daemon_start(&d, &g.jackd, cfg, NULL) < 0)
			fail_msg("round %d: the daemon did not start after the kill", round);
		log = hx_daemon_log(&d, 0);
		assert_non_null(log);
		if (strstr(log, "restored the mix from")) {
			if (strstr(log, "state.cfg.bak"))
				n_backup++;
			else
				n_state++;
		} else {
			n_config++;
			if (had_file) {
				hx_dump_log_tail("jmixd log", d.log_path, 20);
				free(log);
				fail_msg("round %d: a state file existed but the log has no \"restored "
					 "the mix from\"", round);
			}
		}
		free(log);
		o = hx_osc_open(d.osc_port);
		assert_non_null(o);
		/* Read every value back and judge it against what we sent. */
		if (round > 0)
			for (int i = 0; i < g_n_params; i++) {
				float r = (float)query_v(o, g_params[i].path);
				int n = g_n_hist[i];
				double loss = -1;

				if (n == 0 ? r == g_base[i] : r == g_hist[i][n - 1].v)
					loss = 0;
				for (int k = n - 1; k >= 0 && loss < 0; k--)
					/* value k-1 (or the base) was current until change k */
					if ((k ? g_hist[i][k - 1].v : g_base[i]) == r)
						loss = g_kill_t - g_hist[i][k].t;
				if (loss < 0)
					fail_msg("round %d: %s reads %.9g after the restart, which is not a "
						 "value the test sent (base %.9g, %d changes this round)",
						 round, g_params[i].path, r, g_base[i], n);
				if (loss > LOSS_MAX_S + LOSS_SLACK_S)
					fail_msg("round %d: %s reads %.9g, the value current %.3f s before "
						 "the kill: more than the last %.1f s of changes was lost",
						 round, g_params[i].path, r, loss, LOSS_MAX_S);
				worst = fmax(worst, loss);
				if (n && r != g_base[i])
					round_kept = true;
				g_base[i] = r;
				g_n_hist[i] = 0;
			}
		n_kept += round_kept;
		if (round == N_ROUNDS)
			break;
		if (round == 0) {
			/* Prime: one change and a pause, so a state file exists from now on. */
			set_v(o, &g_params[0], -1.0);
			g_base[0] = -1.0f;
			hx_sleep(0.6);
		}
		/* Stream random changes for 50..600 ms, then SIGKILL. Gaps of 0.5..4.5 ms, and
		 * now and then a pause of 50..400 ms (the daemon saves 0.3 s after a pause), so
		 * kills land before, during and after saves. */
		dur = 0.05 + 0.55 * urand();
		sum_d += dur;
		t0 = hx_now();
		while (hx_now() - t0 < dur) {
			int i = (int)(rnd() % (unsigned)g_n_params);
			float v = (float)random_short_value(g_params[i].row);

			if (g_n_hist[i] < 64) {
				assert_int_equal(send_value(o, &g_params[i], v), 0);
				g_hist[i][g_n_hist[i]].t = hx_now();
				g_hist[i][g_n_hist[i]++].v = v;
				n_changes_total++;
			}
			hx_sleep(urand() < 0.01 ? 0.05 + 0.35 * urand() : 0.0005 + 0.004 * urand());
		}
		t_kill = hx_now();
		g_kill_t = t_kill;
		st = hx_daemon_stop(&d, SIGKILL, 2.0);
		if (st < 0 || !WIFSIGNALED(st))
			fail_msg("round %d: SIGKILL: %s", round, hx_status_str(st));
		hx_osc_close(o);
	}
	hx_daemon_stop(&d, SIGTERM, 3.0);
	hx_osc_close(o);
	fprintf(stderr, "[survival] autosave: %d/%d kill -9 rounds survived in %.1f s (%d changes "
			"streamed, mean %.0f ms per round); restored from state.cfg %d times, "
			"from .bak %d, from the config %d (the first start); %d rounds had some of "
			"their own changes saved before the kill; worst loss %.0f ms (limit %.0f ms "
			"+ %.0f ms timing slack)\n", N_ROUNDS, N_ROUNDS, hx_now() - t_begin,
		n_changes_total, sum_d / N_ROUNDS * 1e3, n_state, n_backup, n_config, n_kept,
		worst * 1e3, LOSS_MAX_S * 1e3, LOSS_SLACK_S * 1e3);
	if (n_state + n_backup != N_ROUNDS)
		fail_msg("only %d of %d restarts restored the mix from a state file", n_state + n_backup,
			 N_ROUNDS);
	if (n_kept < 5)
		fail_msg("only %d rounds had changes saved before the kill: the test did not "
			 "exercise autosave", n_kept);
}

/* ------------------------------------------------------------------------------------------ */
/* 2. jackd killed (TERM and KILL, alternately) and restarted 5 times: the daemon reconnects, */
/*    the configured connections are back and audio flows at the same levels within 2 s.      */

static struct hx_probe *probe_up(const struct hx_daemon *d)
{
	struct hx_probe *p = hx_probe_open("probe", 1, 2, 4.0);

	if (!p)
		return NULL;
	if (hx_probe_connect(p, hx_probe_out(p, 0), dport(d, "kick")) ||
	    hx_probe_connect(p, dport(d, "master_L"), hx_probe_in(p, 0)) ||
	    hx_probe_connect(p, dport(d, "master_R"), hx_probe_in(p, 1)) ||
	    hx_probe_set_sine(p, 0, F1, AMP) < 0) {
		hx_probe_close(p);
		return NULL;
	}
	return p;
}

static bool configured_connections(const struct hx_daemon *d)
{
	return hx_jack_connected(&g.jackd, "system:capture_1", dport(d, "snare")) &&
	       hx_jack_connected(&g.jackd, dport(d, "master_L"), "system:playback_1") &&
	       hx_jack_connected(&g.jackd, dport(d, "master_R"), "system:playback_2");
}

static struct hx_daemon g_jd;
static struct hx_probe *g_jprobe;

static int jackd_teardown(void **state)
{
	(void)state;
	hx_probe_close(g_jprobe);
	g_jprobe = NULL;
	hx_daemon_stop(&g_jd, SIGTERM, 3.0);
	if (!g.jackd.pid)
		hx_jackd_start(&g.jackd, RATE, PERIOD);
	return 0;
}

static void test_jackd_restarts(void **state)
{
	static const unsigned lr[2] = { 0, 1 };
	char dir[HX_PATH_MAX];
	struct hx_osc *o;
	struct hx_level base[2], lv[2];
	double rec[5];
	struct hx_osc_msg m;

	(void)state;
	state_dir(dir, "jackd-state");
	assert_int_equal(hx_daemon_start(&g_jd, &g.jackd, config(dir, NULL, NULL), NULL), 0);
	o = hx_osc_open(g_jd.osc_port);
	assert_non_null(o);
	/* A mix that is not the config's: it must outlive every restart. */
	assert_int_equal(hx_osc_send(o, "/ch/1/fader", "f", -6.0), 0);
	assert_int_equal(hx_osc_send(o, "/ch/1/pan", "f", -0.5), 0);
	(void)query_on(o, "/ch/1/pan");
	g_jprobe = probe_up(&g_jd);
	assert_non_null(g_jprobe);
	if (!configured_connections(&g_jd))
		fail_msg("the configured connections are missing before any restart");
	assert_int_equal(hx_probe_measure(g_jprobe, lr, 2, 0.3, 0.2, base), 0);

	for (int i = 1; i <= 5; i++) {
		int sig = i % 2 ? SIGTERM : SIGKILL;
		double t_ready, t_back = -1;

		hx_probe_close(g_jprobe);
		g_jprobe = NULL;
		hx_jackd_stop_sig(&g.jackd, sig, 3.0);
		/* Evidence, not a pause: the daemon has noticed when /status says JACK is down
		 * (its reconnect attempts then start failing against no server). */
		for (double t_gone = hx_now();; hx_sleep(0.01)) {
			m = query_on(o, "/status");
			if (m.argc >= 5 && m.argv[4].i == 0)
				break;
			if (hx_now() - t_gone > 10.0)
				fail_msg("restart %d: /status still says JACK is running 10 s after "
					 "jackd was stopped with signal %d", i, sig);
		}
		if (hx_jackd_start(&g.jackd, RATE, PERIOD) < 0)
			fail_msg("restart %d: jackd %s did not come back (after signal %d)", i,
				 g.jackd.name, sig);
		t_ready = hx_now();
		while (hx_now() - t_ready < 5.0) {
			if (hx_jack_port_exists(&g.jackd, dport(&g_jd, "master_L")) &&
			    hx_jack_port_exists(&g.jackd, dport(&g_jd, "kick")) &&
			    configured_connections(&g_jd)) {
				t_back = hx_now() - t_ready;
				break;
			}
			hx_sleep(0.005);
		}
		rec[i - 1] = t_back;
		if (!hx_daemon_alive(&g_jd)) {
			hx_dump_log_tail("jmixd log", g_jd.log_path, 30);
			fail_msg("restart %d (signal %d): the daemon died: %s", i, sig,
				 hx_status_str(g_jd.exit_status));
		}
		if (t_back < 0)
			fail_msg("restart %d (jackd stopped with signal %d): the daemon's ports and "
				 "configured connections were not back 5 s after jackd was ready", i,
				 sig);
		if (t_back > RECOVERY_MAX_S)
			fail_msg("restart %d (signal %d): the daemon was back %.2f s after jackd was "
				 "ready (limit %.1f s)", i, sig, t_back, RECOVERY_MAX_S);
		g_jprobe = probe_up(&g_jd);
		assert_non_null(g_jprobe);
		assert_int_equal(hx_probe_measure(g_jprobe, lr, 2, 0.3, 0.2, lv), 0);
		for (int k = 0; k < 2; k++)
			if (fabs(lv[k].rms_db - base[k].rms_db) > TOL_DB)
				fail_msg("restart %d: master_%c at %.3f dBFS RMS, %.3f before the first "
					 "restart", i, k ? 'R' : 'L', lv[k].rms_db, base[k].rms_db);
		m = query_on(o, "/status");
		if (m.argc < 6 || m.argv[4].i != 1 || m.argv[5].i != i)
			fail_msg("restart %d: /status says %s; expected JACK running 1 and %d "
				 "reconnects", i, hx_osc_msg_str(&m), i);
	}
	hx_osc_close(o);
	fprintf(stderr, "[survival] jackd restarts (TERM, KILL, TERM, KILL, TERM): daemon back "
			"with ports and connections %.2f, %.2f, %.2f, %.2f, %.2f s after jackd was "
			"ready (limit %.1f s); levels L/R %.2f/%.2f dBFS RMS each time (+- %.1f); "
			"/status reconnects 5\n", rec[0], rec[1], rec[2], rec[3], rec[4],
		RECOVERY_MAX_S, base[0].rms_db, base[1].rms_db, TOL_DB);
}

/* ------------------------------------------------------------------------------------------ */
/* 3. Scenes: save/load round-trips every parameter exactly; a recall is click-free.          */

static struct hx_daemon g_sd;           /* the scenes daemon, shared with the hostile names */
static char g_sdir[HX_PATH_MAX];

static int scenes_setup(void **state)
{
	(void)state;
	if (g_sd.pid && hx_daemon_alive(&g_sd))
		return 0;
	state_dir(g_sdir, "scenes-state");
	if (hx_daemon_start(&g_sd, &g.jackd, config(g_sdir, NULL, NULL), NULL) < 0)
		return -1;
	hx_osc_close(g.osc);
	g.osc = hx_osc_open(g_sd.osc_port);
	return g.osc ? 0 : -1;
}

/* Scene command: expect the echo (ok = true) or an /error naming the command. */
static void scene_cmd(const char *cmd, const char *name, bool ok)
{
	struct hx_osc_msg m;

	hx_osc_flush(g.osc);
	assert_int_equal(hx_osc_send(g.osc, cmd, "s", name), 0);
	if (ok) {
		if (hx_osc_wait(g.osc, cmd, 2.0, &m) < 0) {
			if (hx_osc_wait_error(g.osc, cmd, 0.001, &m) == 0)
				fail_msg("%s \"%s\": %s", cmd, name, hx_osc_msg_str(&m));
			fail_msg("%s \"%s\": no answer in 2 s", cmd, name);
		}
		return;
	}
	if (hx_osc_wait_error(g.osc, cmd, 1.0, &m) < 0)
		fail_msg("%s \"%s\" (hostile name): no /error within 1 s%s%s", cmd, name,
			 hx_osc_pending(g.osc) ? "; got " : "",
			 hx_osc_pending(g.osc) ? hx_osc_msg_str(hx_osc_peek(g.osc, 0)) : "");
	if (hx_osc_wait(g.osc, cmd, 0.05, &m) == 0)
		fail_msg("%s \"%s\" (hostile name): answered %s as if it worked", cmd, name,
			 hx_osc_msg_str(&m));
}

static float g_saved[512];

static void test_scene_roundtrip(void **state)
{
	int n_bad = 0;
	char first[512] = "";

	(void)state;
	/* Every parameter to a random non-default value, with all its float digits. */
	for (int i = 0; i < g_n_params; i++)
		set_v(g.osc, &g_params[i], random_full_value(g_params[i].row, g_params[i].row->def));
	for (int i = 0; i < g_n_params; i++)
		g_saved[i] = (float)query_v(g.osc, g_params[i].path);
	scene_cmd("/snapshot/save", "roundtrip", true);
	/* Every parameter to another value. */
	for (int i = 0; i < g_n_params; i++)
		set_v(g.osc, &g_params[i], random_full_value(g_params[i].row, g_saved[i]));
	scene_cmd("/snapshot/load", "roundtrip", true);
	for (int i = 0; i < g_n_params; i++) {
		float got = (float)query_v(g.osc, g_params[i].path);

		if (got != g_saved[i] && !n_bad++)
			snprintf(first, sizeof(first), "%.80s saved as %.9g, recalled as %.9g",
				 g_params[i].path, g_saved[i], got);
	}
	if (n_bad) {
		char path[HX_PATH_MAX + 64], *text, *hit = NULL;

		snprintf(path, sizeof(path), "%s/scenes/roundtrip.cfg", g_sdir);
		text = hx_read_file(path, 0);
		if (text)
			hit = strstr(text, "fader");
		fail_msg("scene save/load changed %d of %d parameters (first: %s); the scene file "
			 "%s holds: \"%.60s\"", n_bad, g_n_params, first, path, hit ? hit : "?");
	}
	fprintf(stderr, "[survival] scene round trip: all %d parameters of 2 channels and the "
			"master recalled exactly\n", g_n_params);
}

/* Capture around a recall of scene `to` (from the state of scene `from`); max sample step. */
static void recall_and_judge(struct hx_probe *p, const char *from, const char *to)
{
	const size_t n = (size_t)(0.3 * RATE);
	float *x[2];
	static const unsigned lr[2] = { 0, 1 };
	struct hx_level before[2], after[2], during[2];
	double bound[2];
	char why[512] = "";

	x[0] = malloc(n * sizeof(float));
	x[1] = malloc(n * sizeof(float));
	assert_true(x[0] && x[1]);
	/* Repeated like test_skeleton's fader edges: only a click that comes with an xrun or a
	 * phase jump (a period lost or repeated), up to 10 times. */
	for (int attempt = 0; attempt < 10; attempt++) {
		uint64_t start;
		unsigned disturbed;
		double jump_rad = 0.0;

		scene_cmd("/snapshot/load", from, true);
		assert_int_equal(hx_probe_measure(p, lr, 2, 0.3, 0.1, before), 0);
		start = hx_probe_now(p);
		scene_cmd("/snapshot/load", to, true);
		assert_int_equal(hx_probe_read(p, 0, start, n, x[0]), 0);
		assert_int_equal(hx_probe_read(p, 1, start, n, x[1]), 0);
		disturbed = hx_probe_disturbances(p, start, start + n);
		assert_int_equal(hx_probe_measure(p, lr, 2, 0.1, 0.1, after), 0);
		why[0] = '\0';
		for (int k = 0; k < 2; k++) {
			hx_analyze(x[k], n, &during[k]);
			jump_rad = fmax(jump_rad, hx_tone_phase_jump_rad(x[k], n, F1, RATE));
			/* test_skeleton's bound: twice the steady-state step of the louder sine. */
			bound[k] = 2.0 * (2.0 * fmax(before[k].peak, after[k].peak) *
					  sin(M_PI * F1 / RATE));
			if (during[k].max_step > bound[k] && !why[0])
				snprintf(why, sizeof(why), "recall %s -> %s: master_%c jumps by %.5f "
					 "between two samples (steady sine at most %.5f): a click", from,
					 to, k ? 'R' : 'L', during[k].max_step, bound[k] / 2.0);
		}
		hx_log("recall %s -> %s: max step L %.5f R %.5f, bounds %.5f %.5f, %u disturbances, "
		       "phase jump %.2f rad", from, to, during[0].max_step, during[1].max_step,
		       bound[0], bound[1], disturbed, jump_rad);
		if (!why[0] || (!disturbed && jump_rad < HX_TORN_PHASE_RAD))
			break;
	}
	free(x[0]);
	free(x[1]);
	if (why[0])
		fail_msg("%s", why);
	if (fabs(after[0].rms_db - before[0].rms_db) < 10.0)
		fail_msg("recall %s -> %s: master_L %.2f -> %.2f dBFS, the scenes differ by 34 dB",
			 from, to, before[0].rms_db, after[0].rms_db);
	fprintf(stderr, "[survival] recall %s -> %s: max sample step L %.5f / R %.5f (bounds "
			"%.5f / %.5f), level %.2f -> %.2f dBFS\n", from, to, during[0].max_step,
		during[1].max_step, bound[0], bound[1], before[0].rms_db, after[0].rms_db);
}

static void test_scene_click_free(void **state)
{
	struct hx_probe *p;
	static const struct {
		const char *path;
		double loud, quiet;
	} vals[] = {
		{ "/ch/1/fader", 0.0, -30.0 }, { "/ch/1/pan", 0.4, -0.6 },
		{ "/ch/1/trim", 0.0, -4.0 },   { "/master/fader", 0.0, -3.0 },
	};

	(void)state;
	/* Plain strip: no dynamics, flat EQ, nothing muted. */
	for (int i = 0; i < g_n_params; i++) {
		const struct hx_param_row *r = g_params[i].row;

		set_v(g.osc, &g_params[i], r->def);
	}
	for (int s = 0; s < 2; s++) {
		for (size_t k = 0; k < sizeof(vals) / sizeof(vals[0]); k++) {
			assert_int_equal(hx_osc_send(g.osc, vals[k].path, "f",
						     s ? vals[k].quiet : vals[k].loud), 0);
			(void)query_on(g.osc, vals[k].path);
		}
		scene_cmd("/snapshot/save", s ? "quiet" : "loud", true);
	}
	p = hx_probe_open("probe", 1, 2, 4.0);
	assert_non_null(p);
	if (hx_probe_connect(p, hx_probe_out(p, 0), dport(&g_sd, "kick")) ||
	    hx_probe_connect(p, dport(&g_sd, "master_L"), hx_probe_in(p, 0)) ||
	    hx_probe_connect(p, dport(&g_sd, "master_R"), hx_probe_in(p, 1)) ||
	    hx_probe_set_sine(p, 0, F1, AMP) < 0) {
		hx_probe_close(p);
		fail_msg("probe setup failed");
	}
	recall_and_judge(p, "quiet", "loud");
	recall_and_judge(p, "loud", "quiet");
	hx_probe_close(p);
}

/* ------------------------------------------------------------------------------------------ */
/* 4. Hostile scene names are refused with /error and create nothing outside the scenes.      */

struct tree {
	char names[256][HX_PATH_MAX];
	int n;
};

static void list_tree(const char *dir, struct tree *t)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[HX_PATH_MAX];
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%.300s/%.200s", dir, e->d_name);
		if (t->n < 256)
			snprintf(t->names[t->n++], HX_PATH_MAX, "%s", path);
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			list_tree(path, t);
	}
	closedir(d);
}

static bool in_tree(const struct tree *t, const char *path)
{
	for (int i = 0; i < t->n; i++)
		if (!strcmp(t->names[i], path))
			return true;
	return false;
}

static void test_hostile_names(void **state)
{
	static struct tree before, after;
	char long65[66], long64[65], outside[HX_PATH_MAX], outside2[HX_PATH_MAX];
	char link1[HX_PATH_MAX + 32], link2[HX_PATH_MAX + 32], scene_src[HX_PATH_MAX + 32];
	const char *names[] = { "../x", "/etc/passwd", long65, "", "a/b", ".", "..",
				"name with space", "../../../../tmp/jmixd-escape", "x\\y", "-", NULL };
	const char *cmds[] = { "/snapshot/save", "/snapshot/load", "/snapshot/delete" };
	struct stat pw0, pw1;
	char *orig, *now;
	struct hx_osc_msg m;
	int n_refused = 0;

	(void)state;
	memset(long65, 'a', 65);
	long65[65] = '\0';
	memset(long64, 'b', 64);
	long64[64] = '\0';
	names[10] = NULL;       /* "-" alone is a valid name; it is not hostile */
	assert_int_equal(stat("/etc/passwd", &pw0), 0);
	before.n = after.n = 0;
	list_tree(hx_tmpdir(), &before);
	for (int k = 0; names[k]; k++)
		for (int c = 0; c < 3; c++) {
			scene_cmd(cmds[c], names[k], false);
			n_refused++;
		}
	list_tree(hx_tmpdir(), &after);
	for (int i = 0; i < after.n; i++)
		if (!in_tree(&before, after.names[i]) && !strstr(after.names[i], "/harness.log") &&
		    !strstr(after.names[i], ".log"))
			fail_msg("a hostile scene name created %s", after.names[i]);
	assert_int_equal(stat("/etc/passwd", &pw1), 0);
	if (pw0.st_mtime != pw1.st_mtime || pw0.st_size != pw1.st_size)
		fail_msg("/etc/passwd changed");
	if (access("/tmp/jmixd-escape.cfg", F_OK) == 0)
		fail_msg("/tmp/jmixd-escape.cfg was created");

	/* The longest valid name works. */
	scene_cmd("/snapshot/save", long64, true);
	scene_cmd("/snapshot/delete", long64, true);

	/* A symlink planted in the scenes folder, pointing outside: never loaded, never written
	 * through. */
	snprintf(scene_src, sizeof(scene_src), "%s/scenes/loud.cfg", g_sdir);
	orig = hx_read_file(scene_src, 0);
	assert_non_null(orig);
	assert_int_equal(hx_write_file("outside.cfg", orig, outside), 0);
	assert_int_equal(hx_write_file("outside2.cfg", orig, outside2), 0);
	snprintf(link1, sizeof(link1), "%s/scenes/evil.cfg", g_sdir);
	snprintf(link2, sizeof(link2), "%s/scenes/evil2.cfg.tmp", g_sdir);
	assert_int_equal(symlink(outside, link1), 0);
	assert_int_equal(symlink(outside2, link2), 0);
	hx_osc_flush(g.osc);
	assert_int_equal(hx_osc_send(g.osc, "/snapshot/load", "s", "evil"), 0);
	if (hx_osc_wait_error(g.osc, "/snapshot/load", 1.0, &m) < 0)
		fail_msg("/snapshot/load \"evil\" through a symlink scenes/evil.cfg -> %s was not "
			 "refused%s%s", outside, hx_osc_pending(g.osc) ? "; got " : "",
			 hx_osc_pending(g.osc) ? hx_osc_msg_str(hx_osc_peek(g.osc, 0)) : "");
	hx_osc_send(g.osc, "/snapshot/save", "s", "evil");
	hx_osc_send(g.osc, "/snapshot/save", "s", "evil2");
	(void)query_on(g.osc, "/master/fader");
	now = hx_read_file(outside, 0);
	if (!now || strcmp(now, orig))
		fail_msg("/snapshot/save \"evil\" wrote through the symlink into %s", outside);
	free(now);
	now = hx_read_file(outside2, 0);
	if (!now || strcmp(now, orig))
		fail_msg("/snapshot/save \"evil2\" wrote through the planted symlink "
			 "scenes/evil2.cfg.tmp into %s", outside2);
	free(now);
	free(orig);
	unlink(link1);
	unlink(link2);
	fprintf(stderr, "[survival] hostile scene names: %d commands refused with /error (../x, "
			"/etc/passwd, 65 characters, empty, a/b, ., .., a space, a deep ../, a "
			"backslash), nothing created outside; a planted symlink is neither loaded "
			"nor written through\n", n_refused);
}

/* ------------------------------------------------------------------------------------------ */
/* 5. The front door: allowlist, monitor role, rate limit.                                     */

static struct hx_daemon g_door;

static int door_setup(void **state)
{
	char dir[HX_PATH_MAX];

	(void)state;
	if (g_door.pid && hx_daemon_alive(&g_door))
		return 0;
	state_dir(dir, "door-state");
	return hx_daemon_start(&g_door, &g.jackd,
			       config(dir,
				      "allow = ( { net = \"127.0.0.1/32\"; },\n"
				      "          { net = \"127.0.0.3/32\"; role = \"monitor\"; } );\n"
				      "rate_limit = 100;",
				      NULL),
			       NULL) < 0 ? -1 : 0;
}

static void test_outsider_gets_nothing(void **state)
{
	struct hx_osc *in = hx_osc_open(g_door.osc_port);
	struct hx_osc *out = hx_osc_open_from(g_door.osc_port, "127.0.0.2");
	size_t mark = hx_daemon_log_mark(&g_door);
	double before;

	(void)state;
	assert_non_null(in);
	assert_non_null(out);
	hx_sleep(1.1);  /* a full token bucket for 127.0.0.1 */
	before = query_v(in, "/ch/1/fader");
	hx_osc_send(out, "/ch/1/fader", "");
	hx_osc_send(out, "/ch/1/fader", "f", -20.0);
	hx_osc_send(out, "/master/mute", "i", 1);
	hx_osc_send(out, "/subscribe", "");
	hx_osc_send(out, "/dump", "");
	hx_osc_send(out, "/info", "");
	hx_osc_send(out, "/status", "");
	hx_osc_send(out, "/snapshot/save", "s", "intruder");
	hx_osc_send(out, "/no/such/address", "");
	hx_osc_pump(out, 0.6);
	if (hx_osc_pending(out))
		fail_msg("a source outside osc.allow (127.0.0.2) got %zu answer(s), first: %s",
			 hx_osc_pending(out), hx_osc_msg_str(hx_osc_peek(out, 0)));
	if (query_v(in, "/ch/1/fader") != before || query_v(in, "/master/mute") != 0)
		fail_msg("a source outside osc.allow changed the mix");
	if (hx_daemon_log_wait(&g_door, mark, "dropping", 1, 1.0) < 1)
		fail_msg("no \"dropping\" line in the daemon log for 127.0.0.2");
	hx_osc_close(in);
	hx_osc_close(out);
	fprintf(stderr, "[survival] allowlist: 9 messages from 127.0.0.2 (outside "
			"127.0.0.1/32): no answer, no change, logged \"dropping\"\n");
}

static void test_monitor_role(void **state)
{
	struct hx_osc *ctl = hx_osc_open(g_door.osc_port);
	struct hx_osc *mon = hx_osc_open_from(g_door.osc_port, "127.0.0.3");
	struct hx_osc_msg m;
	double before;
	size_t n_dump;

	(void)state;
	assert_non_null(ctl);
	assert_non_null(mon);
	before = query_v(ctl, "/ch/1/fader");
	/* Query and /info: answered. */
	if (query_v(mon, "/ch/1/fader") != before)
		fail_msg("the monitor's query of /ch/1/fader disagrees with the control's");
	(void)query_on(mon, "/info");
	/* Subscribe: the whole state comes (more than the queue keeps), then meters. */
	assert_int_equal(hx_osc_send(mon, "/subscribe", ""), 0);
	hx_osc_pump(mon, 0.4);
	n_dump = hx_osc_pending(mon);
	if (n_dump < 50)
		fail_msg("the monitor subscribed but received only %zu messages in 0.4 s", n_dump);
	hx_osc_flush(mon);
	/* Set: refused with /error, nothing changes. */
	assert_int_equal(hx_osc_send(mon, "/ch/1/fader", "f", -33.0), 0);
	if (hx_osc_wait_error(mon, "/ch/1/fader", 1.0, &m) < 0)
		fail_msg("a set from the monitor role (127.0.0.3) got no /error");
	if (!strstr(m.argv[1].s, "not allowed"))
		fail_msg("monitor set refused with \"%s\", the man page says \"not allowed\"",
			 m.argv[1].s);
	assert_int_equal(hx_osc_send(mon, "/snapshot/save", "s", "bymonitor"), 0);
	if (hx_osc_wait_error(mon, "/snapshot/save", 1.0, &m) < 0)
		fail_msg("/snapshot/save from the monitor role got no /error");
	if (query_v(ctl, "/ch/1/fader") != before)
		fail_msg("the monitor changed /ch/1/fader: %g -> %g", before,
			 query_v(ctl, "/ch/1/fader"));
	hx_osc_send(mon, "/unsubscribe", "");
	hx_osc_close(ctl);
	hx_osc_close(mon);
	fprintf(stderr, "[survival] monitor role: query, /info and /subscribe (%zu messages) "
			"served; set and /snapshot/save refused with /error \"%s\"\n", n_dump,
		m.argv[1].s);
}

static void test_rate_limit(void **state)
{
	struct hx_osc *o = hx_osc_open(g_door.osc_port);
	size_t mark = hx_daemon_log_mark(&g_door);
	double v, t0, took;
	int k_last, n_replies = 0;

	(void)state;
	assert_non_null(o);
	hx_sleep(1.1);  /* full bucket: 100 messages */
	/* 500 sets in a burst: the values tell which got through. */
	t0 = hx_now();
	for (int k = 0; k < 500; k++)
		hx_osc_send(o, "/ch/1/fader", "f", -50.0 + 0.05 * k);
	took = hx_now() - t0;
	hx_sleep(1.1);
	v = query_v(o, "/ch/1/fader");
	k_last = (int)lround((v + 50.0) / 0.05);
	if (k_last > 100 + (int)(took * 100.0) + 5 || k_last < 80)
		fail_msg("rate limit 100/s: after a burst of 500 sets in %.1f ms the last applied "
			 "was number %d (expected about 100)", took * 1e3, k_last + 1);
	/* 500 queries in a burst: count the answers. */
	hx_sleep(1.1);
	hx_osc_flush(o);
	t0 = hx_now();
	for (int k = 0; k < 500; k++)
		hx_osc_send(o, "/master/fader", "");
	took = hx_now() - t0;
	hx_osc_pump(o, 0.5);
	while (hx_osc_wait(o, "/master/fader", 0, NULL) == 0)
		n_replies++;
	if (n_replies > 100 + (int)(took * 100.0) + 5 || n_replies < 80)
		fail_msg("rate limit 100/s: %d of 500 queries sent in %.1f ms were answered "
			 "(expected about 100)", n_replies, took * 1e3);
	if (hx_daemon_log_wait(&g_door, mark, "rate_limit", 1, 1.0) < 1)
		fail_msg("no daemon log line about osc.rate_limit");
	hx_osc_close(o);
	fprintf(stderr, "[survival] rate limit 100/s: of 500 sets in a burst the last applied was "
			"number %d; of 500 queries %d were answered\n", k_last + 1, n_replies);
}

/*
 * The limit counts messages when they arrived, not when the control thread read them: 200
 * sets sent at 125 a second while the control thread is stopped (a busy machine), then
 * read at once, are within 100 a second with a second's burst and all apply. Counted at
 * reading time, the bucket holds one second's worth and about 100 would.
 */
static void test_rate_limit_by_arrival(void **state)
{
	struct hx_osc *o = hx_osc_open(g_door.osc_port);
	(void)state;
	assert_non_null(o);
	hx_sleep(1.1);  /* full bucket: 100 messages */
	/* Stop only the control thread (the main thread; ptrace stops one thread): the JACK
	 * process thread goes on, as on a machine that is merely busy. */
	pid_t pid = g_door.pid;
	int status;
	if (ptrace(PTRACE_SEIZE, pid, NULL, NULL) < 0) {
		fprintf(stderr, "[survival] cannot ptrace the daemon (%s): not tested\n",
			strerror(errno));
		hx_osc_close(o);
		skip();
	}
	assert_int_equal(ptrace(PTRACE_INTERRUPT, pid, NULL, NULL), 0);
	assert_int_equal(waitpid(pid, &status, __WALL), pid);
	double t0 = hx_now();
	for (int k = 0; k < 200; k++) {
		double due = t0 + k / 125.0, wait = due - hx_now();
		if (wait > 0)
			hx_sleep(wait);
		hx_osc_send(o, "/ch/1/fader", "f", -50.0 + 0.05 * k);
	}
	double took = hx_now() - t0;
	assert_int_equal(ptrace(PTRACE_DETACH, pid, NULL, NULL), 0);
	hx_sleep(1.1);  /* the bucket refills for the query */
	double v = query_v(o, "/ch/1/fader");
	int k_last = (int)lround((v + 50.0) / 0.05);
	fprintf(stderr, "[survival] 200 sets in %.2f s to a stopped daemon: the last applied was "
			"number %d\n", took, k_last + 1);
	/* A sender slowed by the machine itself sends under the rate: then all must pass too. */
	if (k_last != 199)
		fail_msg("200 sets at 125/s (limit 100/s, burst 100) queued while the control "
			 "thread was stopped: the last applied was number %d, not 200", k_last + 1);
	hx_osc_close(o);
}

/* ------------------------------------------------------------------------------------------ */
/* 6. SIGHUP: values apply live; a topology change is refused and changes nothing.            */

/* The two-channel config with the given channel-1 values, naming the running daemon's own
 * client name and port (what -n and -p set) when same_names. */
static void write_cfg(const struct hx_daemon *d, const char *dir, const char *ch1, bool third,
		      bool same_names)
{
	FILE *f = fopen(d->cfg_path, "w");

	assert_non_null(f);
	fprintf(f, "jack = { client_name = \"%s\"; };\n"
		   "osc = { bind = \"127.0.0.1\"; port = %d; };\n"
		   "state = { dir = \"%s\"; };\n"
		   "master = { outputs = [ \"system:playback_1\", \"system:playback_2\" ]; "
		   "pan_law = -3.0; };\n"
		   "channels = ( { name = \"kick\"; input = \"\"; %s },\n"
		   "  { name = \"snare\"; input = \"system:capture_1\"; }%s );\n",
		same_names ? d->client_name : "jmixd", same_names ? d->osc_port : 8000, dir, ch1,
		third ? ", { name = \"tom\"; }" : "");
	fclose(f);
}

static void sighup(struct hx_daemon *d, const char *needle, char *line, size_t size)
{
	size_t mark = hx_daemon_log_mark(d);
	char *log, *hit;

	assert_int_equal(kill(d->pid, SIGHUP), 0);
	hx_daemon_log_wait(d, mark, needle, 1, 10.0);
	/* The reload line, once it is complete (its newline written). */
	line[0] = '\0';
	for (double t0 = hx_now(); hx_now() - t0 < 10.0; hx_sleep(0.01)) {
		log = hx_daemon_log(d, mark);
		hit = log ? strstr(log, "reload: ") : NULL;
		if (hit && strchr(hit, '\n')) {
			snprintf(line, size, "%.*s", (int)strcspn(hit, "\n"), hit);
			free(log);
			break;
		}
		free(log);
	}
}

static void test_sighup(void **state)
{
	char dir[HX_PATH_MAX], line[512], bug[1024] = "";
	struct hx_daemon d;
	struct hx_osc *o;

	(void)state;
	state_dir(dir, "sighup-state");
	assert_int_equal(hx_daemon_start(&d, &g.jackd, config(dir, NULL, "fader = 0.0;"), NULL),
			 0);
	o = hx_osc_open(d.osc_port);
	assert_non_null(o);
	if (query_v(o, "/ch/1/fader") != 0.0)
		fail_msg("start: /ch/1/fader is not the config's 0");

	/* 1. Changed values, the file otherwise as started (jmixd -n NAME -p PORT overrode
	 *    jack.client_name and osc.port, as jmixd(1) documents). */
	write_cfg(&d, dir, "fader = -12.5; pan = 0.25;", false, false);
	sighup(&d, "reload", line, sizeof(line));
	if (query_v(o, "/ch/1/fader") != -12.5 || (float)query_v(o, "/ch/1/pan") != 0.25f)
		snprintf(bug, sizeof(bug),
			 "BUG: SIGHUP after changing only channel values (fader -12.5, pan 0.25) "
			 "did not apply them (/ch/1/fader %g, /ch/1/pan %g); the daemon logged "
			 "\"%s\". It was started with -n %s -p %d (documented overrides of "
			 "jack.client_name and osc.port): daemon/main.c reload_config() compares the "
			 "freshly loaded file with the running setup without re-applying the "
			 "command-line overrides, so with -n every reload is refused as a topology "
			 "change", query_v(o, "/ch/1/fader"), query_v(o, "/ch/1/pan"), line,
			 d.client_name, d.osc_port);

	/* 2. The same with the file naming the running client and port: values apply live. */
	write_cfg(&d, dir, "fader = -14.5; pan = -0.25;", false, true);
	sighup(&d, "reload", line, sizeof(line));
	if (query_v(o, "/ch/1/fader") != -14.5 || (float)query_v(o, "/ch/1/pan") != -0.25f)
		fail_msg("%s%sSIGHUP with fader -14.5, pan -0.25 (file naming the running client "
			 "and port): /ch/1/fader %g, /ch/1/pan %g; log: %s", bug, bug[0] ? "; and " : "",
			 query_v(o, "/ch/1/fader"), query_v(o, "/ch/1/pan"), line);

	/* 3. A topology change (a third channel, and a new fader value): refused, logged,
	 *    nothing changes. */
	write_cfg(&d, dir, "fader = -40.0;", true, true);
	sighup(&d, "restart", line, sizeof(line));
	if (!strstr(line, "restart") || !strstr(line, "channel"))
		fail_msg("%s%sSIGHUP with a third channel: expected a log line refusing the channel "
			 "change until restart, got \"%s\"", bug, bug[0] ? "; and " : "", line);
	if (hx_jack_port_exists(&g.jackd, dport(&d, "tom")))
		fail_msg("SIGHUP with a third channel registered the port %s", dport(&d, "tom"));
	if (!hx_jack_port_exists(&g.jackd, dport(&d, "kick")) ||
	    !hx_jack_port_exists(&g.jackd, dport(&d, "snare")))
		fail_msg("SIGHUP with a third channel removed a port");
	if (query_v(o, "/ch/1/fader") != -14.5)
		fail_msg("a refused reload changed /ch/1/fader to %g", query_v(o, "/ch/1/fader"));
	if (query_on(o, "/info").argv[2].i != 2)
		fail_msg("a refused reload changed the channel count");
	fprintf(stderr, "[survival] SIGHUP: values applied live (when the file names the running "
			"client); a topology change refused: \"%s\"\n", line);
	hx_osc_close(o);
	hx_daemon_stop(&d, SIGTERM, 3.0);
	if (bug[0])
		fail_msg("%s", bug);
}

/* ------------------------------------------------------------------------------------------ */
/* 7. Malformed configuration files: exit 2 and "file:line: key: reason".                     */

/* The line the fixture marks with "# <-- error", or one named in its comment. 0: none. */
static int marked_line(const char *text)
{
	int line = 1;
	const char *p;

	for (p = text; *p; p++) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);

		if (memmem(p, n, "# <-- error", 11))
			return line;
		if (!eol)
			break;
		p = eol;
		line++;
	}
	if ((p = strstr(text, "reports line ")))
		return atoi(p + 13);
	return 0;
}

static int check_bad_config(const char *path, char *why, size_t why_size)
{
	const char *args[] = { "--check", "-c", path, NULL };
	char log[HX_PATH_MAX], want[HX_PATH_MAX + 32];
	char *text = hx_read_file(path, 0), *out, *hit;
	int st, line;

	why[0] = '\0';
	if (!text)
		return snprintf(why, why_size, "cannot read %s", path), -1;
	line = marked_line(text);
	free(text);
	st = hx_jmixd_run(args, 5.0, log);
	out = hx_read_file(log, 0);
	if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 2)
		snprintf(why, why_size, "%s: jmixd --check: %s, expected exit 2; output: %s", path,
			 hx_status_str(st), out ? out : "");
	if (line)
		snprintf(want, sizeof(want), "%s:%d: ", path, line);
	else
		snprintf(want, sizeof(want), "%s: ", path);
	hit = out ? strstr(out, want) : NULL;
	if (!why[0] && !hit)
		snprintf(why, why_size, "%s: expected \"%s<key>: <reason>\" (the marked line %d), "
			 "got: %s", path, want, line, out ? out : "");
	if (!why[0]) {
		/* key: reason, both non-empty */
		const char *kr = hit + strlen(want), *colon = strstr(kr, ": ");
		const char *eol = strchr(kr, '\n');

		if (!colon || (eol && colon > eol) || colon == kr || !colon[2] || colon[2] == '\n')
			snprintf(why, why_size, "%s: \"%.*s\" is not \"key: reason\"", path,
				 (int)(eol ? eol - kr : (long)strlen(kr)), kr);
	}
	free(out);
	return why[0] ? -1 : 0;
}

static void test_bad_configs(void **state)
{
	static const struct {
		const char *name, *text;
	} own[] = {
		{ "bad-allow-net.cfg", "osc = {\n  allow = ( { net = \"300.1.2.3/8\"; } ); # <-- error\n};\n"
				       "channels = ( { name = \"kick\"; } );\n" },
		{ "bad-allow-role.cfg", "osc = { allow = (\n  { net = \"127.0.0.1\";\n    role = \"admin\"; } # <-- error\n); };\n"
					"channels = ( { name = \"kick\"; } );\n" },
		{ "bad-rate-limit.cfg", "osc = {\n  rate_limit = 5; # <-- error\n};\n"
					"channels = ( { name = \"kick\"; } );\n" },
		{ "bad-meter-rate.cfg", "osc = {\n  meter_rate = 60; # <-- error\n};\n"
					"channels = ( { name = \"kick\"; } );\n" },
		{ "bad-state-autosave.cfg", "state = {\n  autosave = \"yes\"; # <-- error\n};\n"
					    "channels = ( { name = \"kick\"; } );\n" },
		{ "bad-eq-type.cfg", "channels = (\n  { name = \"kick\";\n    eq = { band2 = { type = \"lowcut\"; }; }; } # <-- error\n);\n" },
	};
	glob_t gl;
	int n = 0, n_bad = 0;
	char why[2048], first[8192] = "";

	(void)state;
	assert_int_equal(glob("tests/fixtures/bad-*.cfg", 0, NULL, &gl), 0);
	for (size_t i = 0; i < gl.gl_pathc; i++, n++)
		if (check_bad_config(gl.gl_pathv[i], why, sizeof(why)) < 0 && n_bad++ < 8)
			snprintf(first + strlen(first), sizeof(first) - strlen(first), "\n  %s",
				 why);
	globfree(&gl);
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++, n++) {
		char path[HX_PATH_MAX];

		assert_int_equal(hx_write_file(own[i].name, own[i].text, path), 0);
		if (check_bad_config(path, why, sizeof(why)) < 0 && n_bad++ < 8)
			snprintf(first + strlen(first), sizeof(first) - strlen(first), "\n  %s",
				 why);
	}
	if (n < 20)
		fail_msg("only %d malformed configs found (run from the repo root)", n);
	if (n_bad)
		fail_msg("%d of %d malformed configs not reported as file:line: key: reason with "
			 "exit 2:%s", n_bad, n, first);
	fprintf(stderr, "[survival] %d malformed config files: each exits 2 with file:line: key: "
			"reason at the marked line\n", n);
}

/* ------------------------------------------------------------------------------------------ */
/* 8. Issue 10: a config --check accepts never crashes the daemon, a config edit loses        */
/*    nothing, a failing disk is reported once and the mix works on.                           */

/* A console with one aux bus named bus and three channels, the second named second. */
static const char *edit_config(const char *dir, const char *bus, const char *second)
{
	static char cfg[1024];

	snprintf(cfg, sizeof(cfg),
		 "osc = { bind = \"127.0.0.1\"; zeroconf = false; };\n"
		 "state = { dir = \"%s\"; };\n"
		 "aux = ( { name = \"%s\"; type = \"monitor\"; } );\n"
		 "channels = ( { name = \"kick\"; }, { name = \"%s\"; }, { name = \"snare\"; } );\n",
		 dir, bus, second);
	return cfg;
}

static void set_f(struct hx_osc *o, const char *path, double v)
{
	struct hx_osc_msg m;

	assert_int_equal(hx_osc_send(o, path, "f", v), 0);
	if (query_v(o, path) != v) {
		if (hx_osc_wait_error(o, path, 0.001, &m) == 0)
			fail_msg("%s %g: %s", path, v, hx_osc_msg_str(&m));
		fail_msg("%s %g: the query answers %g", path, v, query_v(o, path));
	}
}

/* Wait (up to timeout_s) until the file at path contains needle: the autosave's evidence. */
static bool wait_file_has(const char *path, const char *needle, double timeout_s)
{
	double t_end = hx_now() + timeout_s;

	for (;;) {
		char *text = hx_read_file(path, 0);
		bool has = text && strstr(text, needle);

		free(text);
		if (has)
			return true;
		if (hx_now() > t_end)
			return false;
		hx_sleep(0.02);
	}
}

static void osc_scene(struct hx_osc *o, const char *cmd, const char *name)
{
	struct hx_osc_msg m;

	assert_int_equal(hx_osc_send(o, cmd, "s", name), 0);
	if (hx_osc_wait(o, cmd, 2.0, &m) < 0)
		fail_msg("%s %s: no echo within 2 s", cmd, name);
}

/* Stop with SIGTERM (which saves); it must exit 0. */
static void stop_clean(struct hx_daemon *d, const char *what)
{
	int st = hx_daemon_stop(d, SIGTERM, 5.0);

	if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		hx_dump_log_tail(what, d->cfg_path[0] ? d->log_path : "", 20);
		fail_msg("%s: jmixd ended with %s", what, hx_status_str(st));
	}
}

static void test_awkward_bus_names(void **state)
{
	static const char *const names[] = { "2nd", "_fx", "-mon" };

	(void)state;
	for (int i = 0; i < 3; i++) {
		char dir[HX_PATH_MAX], what[64], file[HX_PATH_MAX + 16];
		struct hx_daemon d;
		struct hx_osc *o;

		snprintf(what, sizeof(what), "aux bus '%s'", names[i]);
		snprintf(dir, sizeof(dir), "%s/names-%d", hx_tmpdir(), i);
		assert_int_equal(hx_daemon_start(&d, &g.jackd, edit_config(dir, names[i], "gtr"),
						 NULL), 0);
		o = hx_osc_open(d.osc_port);
		assert_non_null(o);
		set_f(o, "/ch/1/send/1/level", -7.25);
		osc_scene(o, "/snapshot/save", "one");
		osc_scene(o, "/snapshot/load", "one");
		set_f(o, "/ch/2/fader", -5.0);
		/* The autosave runs within a second of the last change. */
		snprintf(file, sizeof(file), "%s/state.cfg", dir);
		if (!wait_file_has(file, "-5.0", 10.0) && hx_daemon_alive(&d))
			fail_msg("%s: no autosave within 10 s", what);
		if (!hx_daemon_alive(&d))
			fail_msg("%s: the daemon died after a change and a scene save (%s)", what,
				 hx_status_str(d.exit_status));
		hx_osc_close(o);
		stop_clean(&d, what);
		/* And it starts again from what it saved. */
		assert_int_equal(hx_daemon_start(&d, &g.jackd, edit_config(dir, names[i], "gtr"),
						 NULL), 0);
		o = hx_osc_open(d.osc_port);
		if (query_v(o, "/ch/1/send/1/level") != -7.25 || query_v(o, "/ch/2/fader") != -5.0)
			fail_msg("%s: restart restored send %g, fader %g", what,
				 query_v(o, "/ch/1/send/1/level"), query_v(o, "/ch/2/fader"));
		hx_osc_close(o);
		stop_clean(&d, what);
	}
	fprintf(stderr, "[survival] aux buses named 2nd, _fx, -mon: changes, scenes, autosave and "
			"restart all work\n");
}

static int count_rejected(const char *dir)
{
	char pattern[HX_PATH_MAX + 32];
	glob_t gl;
	int n;

	snprintf(pattern, sizeof(pattern), "%s/state.cfg.rejected-*", dir);
	if (glob(pattern, 0, NULL, &gl) != 0)
		return 0;
	n = (int)gl.gl_pathc;
	globfree(&gl);
	return n;
}

static void test_config_edit_keeps_the_mix(void **state)
{
	char dir[HX_PATH_MAX], file[HX_PATH_MAX + 16], *log;
	struct hx_daemon d;
	struct hx_osc *o;

	(void)state;
	state_dir(dir, "edit-state");
	assert_int_equal(hx_daemon_start(&d, &g.jackd, edit_config(dir, "iem", "gtr"), NULL), 0);
	o = hx_osc_open(d.osc_port);
	set_f(o, "/ch/2/fader", -12.5);
	set_f(o, "/ch/3/fader", -20.0);
	set_f(o, "/ch/2/send/1/level", -8.0);
	osc_scene(o, "/snapshot/save", "before");
	hx_osc_close(o);
	stop_clean(&d, "first start");

	/* gtr renamed guitar: its values follow by position, the others by name. */
	assert_int_equal(hx_daemon_start(&d, &g.jackd, edit_config(dir, "iem", "guitar"), NULL),
			 0);
	o = hx_osc_open(d.osc_port);
	if (query_v(o, "/ch/2/fader") != -12.5 || query_v(o, "/ch/3/fader") != -20.0 ||
	    query_v(o, "/ch/2/send/1/level") != -8.0)
		fail_msg("after renaming gtr to guitar: /ch/2/fader %g (saved -12.5), /ch/3/fader %g "
			 "(-20), /ch/2/send/1/level %g (-8)", query_v(o, "/ch/2/fader"),
			 query_v(o, "/ch/3/fader"), query_v(o, "/ch/2/send/1/level"));
	log = hx_daemon_log(&d, 0);
	if (!log || !strstr(log, "'gtr' restored to channel 2 'guitar'"))
		fail_msg("the log does not say where gtr's values went");
	free(log);
	/* A scene saved before the rename still loads. */
	set_f(o, "/ch/2/fader", 0.0);
	osc_scene(o, "/snapshot/load", "before");
	if (query_v(o, "/ch/2/fader") != -12.5)
		fail_msg("a scene saved before the rename recalled /ch/2/fader %g, not -12.5",
			 query_v(o, "/ch/2/fader"));
	assert_int_equal(count_rejected(dir), 0);
	hx_osc_close(o);
	stop_clean(&d, "after the rename");

	/* guitar removed and a new channel after snare: guitar's values have no place. They are
	 * dropped from the mix but kept on disk, whatever the autosave does next. */
	{
		char cfg[1024];

		snprintf(cfg, sizeof(cfg),
			 "osc = { bind = \"127.0.0.1\"; zeroconf = false; };\n"
			 "state = { dir = \"%s\"; };\naux = ( { name = \"iem\"; type = \"monitor\"; } );\n"
			 "channels = ( { name = \"kick\"; }, { name = \"snare\"; }, { name = \"keys\"; "
			 "fader = -30.0; } );\n", dir);
		assert_int_equal(hx_daemon_start(&d, &g.jackd, cfg, NULL), 0);
	}
	o = hx_osc_open(d.osc_port);
	if (query_v(o, "/ch/2/fader") != -20.0 || query_v(o, "/ch/3/fader") != -30.0)
		fail_msg("after removing guitar: snare %g (saved -20), keys %g (config -30)",
			 query_v(o, "/ch/2/fader"), query_v(o, "/ch/3/fader"));
	/* Two autosaves: the old file would now be gone from both state.cfg and .bak. */
	snprintf(file, sizeof(file), "%s/state.cfg", dir);
	set_f(o, "/ch/1/fader", -1.0);
	if (!wait_file_has(file, "fader = -1.0", 10.0))
		fail_msg("no autosave within 10 s");
	set_f(o, "/ch/1/fader", -2.0);
	hx_osc_close(o);
	stop_clean(&d, "after removing a channel");
	if (count_rejected(dir) != 1)
		fail_msg("%d state.cfg.rejected-* files, expected 1", count_rejected(dir));
	{
		char pattern[HX_PATH_MAX + 32], *text;
		glob_t gl;

		snprintf(pattern, sizeof(pattern), "%s/state.cfg.rejected-*", dir);
		assert_int_equal(glob(pattern, 0, NULL, &gl), 0);
		text = hx_read_file(gl.gl_pathv[0], 0);
		if (!text || !strstr(text, "guitar") || !strstr(text, "-12.5"))
			fail_msg("%s does not hold guitar at -12.5", gl.gl_pathv[0]);
		free(text);
		globfree(&gl);
	}
	fprintf(stderr, "[survival] config edit: a renamed channel keeps its values (by position), "
			"a scene saved before loads, a removed channel's values are kept in "
			"state.cfg.rejected-*\n");
}

/* A file size limit on the running daemon makes every write fail, as a full disk does. */
static void set_fsize(pid_t pid, const char *limit)
{
	char pid_s[16], arg[64];
	const char *argv[] = { "/usr/bin/prlimit", "--pid", pid_s, arg, NULL };
	char log[HX_PATH_MAX];

	snprintf(pid_s, sizeof(pid_s), "%d", (int)pid);
	snprintf(arg, sizeof(arg), "--fsize=%s", limit);
	if (hx_run(argv, 5.0, log) != 0)
		fail_msg("prlimit %s %s failed", pid_s, arg);
}

static void test_failing_disk(void **state)
{
	char dir[HX_PATH_MAX], *log;
	struct hx_daemon d;
	struct hx_osc *o;
	size_t mark, n_lines;
	int n_failures;
	double t0, t_fail;

	(void)state;
	if (access("/usr/bin/prlimit", X_OK) != 0)
		skip();
	state_dir(dir, "disk-state");
	{
		/* 16 channels: a state file of tens of kB, far past the limit below, which still
		 * leaves the daemon's log (a file too) room for a few dozen lines. */
		char cfg[2048], limit[32];
		int n = snprintf(cfg, sizeof(cfg), "osc = { bind = \"127.0.0.1\"; zeroconf = false; };\n"
				 "state = { dir = \"%s\"; };\nchannels = (", dir);

		for (int ch = 1; ch <= 16; ch++)
			n += snprintf(cfg + n, sizeof(cfg) - (size_t)n, "%s { name = \"in%d\"; }",
				      ch > 1 ? "," : "", ch);
		snprintf(cfg + n, sizeof(cfg) - (size_t)n, " );\n");
		assert_int_equal(hx_daemon_start(&d, &g.jackd, cfg, NULL), 0);
		snprintf(limit, sizeof(limit), "%zu:unlimited", hx_file_size(d.log_path) + 4096);
		o = hx_osc_open(d.osc_port);
		mark = hx_daemon_log_mark(&d);
		set_fsize(d.pid, limit);
	}
	/* Five seconds of changes: five or more failed saves, one report (one more for each
	 * further 10 s, should a busy machine stretch the loop). */
	t0 = hx_now();
	for (int i = 0; i < 25; i++) {
		set_f(o, "/ch/1/fader", -10.0 - i);
		hx_sleep(0.2);
	}
	hx_daemon_log_wait(&d, mark, "autosave failed", 1, 2.0);
	log = hx_daemon_log(&d, mark);
	n_lines = hx_count_lines(log ? log : "", "autosave failed");
	free(log);
	n_failures = query_on(o, "/status").argv[7].i;   /* jmixd-osc(7): the 8th argument */
	if (!hx_daemon_alive(&d))
		fail_msg("the daemon died when its writes failed");
	t_fail = hx_now() - t0;
	if (n_lines < 1 || n_lines > 1 + (size_t)(t_fail / 10.0))
		fail_msg("%zu 'autosave failed' lines in %.1f s of failing saves, expected 1 per 10 s",
			 n_lines, t_fail);
	if (n_failures < 3)
		fail_msg("/status counts %d failed writes after 5 s of failing saves", n_failures);
	if (query_v(o, "/ch/1/fader") != -34.0)
		fail_msg("the mix stopped working: /ch/1/fader %g", query_v(o, "/ch/1/fader"));
	set_fsize(d.pid, "unlimited:unlimited");
	if (hx_daemon_log_wait(&d, mark, "autosave works again", 1, 10.0) < 1)
		fail_msg("no 'autosave works again' within 10 s of the disk clearing");
	hx_osc_close(o);
	stop_clean(&d, "failing disk");
	{
		char path[HX_PATH_MAX + 16], *text;

		snprintf(path, sizeof(path), "%s/state.cfg", dir);
		text = hx_read_file(path, 0);
		if (!text || !strstr(text, "-34.0"))
			fail_msg("state.cfg does not hold the last fader value after the disk cleared");
		free(text);
	}
	fprintf(stderr, "[survival] failing disk: %d failed writes counted in /status, %zu log "
			"line(s) in %.1f s, the mix kept working, saved again once it cleared\n",
		n_failures, n_lines, t_fail);
}

/* SIGHUP names its class from the config's own description: nothing, values only, restart. */
static void write_hup_cfg(const struct hx_daemon *d, const char *dir, const char *master,
			  const char *ch1)
{
	FILE *f = fopen(d->cfg_path, "w");

	assert_non_null(f);
	fprintf(f, "jack = { client_name = \"%s\"; };\n"
		   "osc = { bind = \"127.0.0.1\"; port = %d; zeroconf = false; };\n"
		   "state = { dir = \"%s\"; };\nmaster = { %s };\n"
		   "channels = ( { name = \"kick\"; %s } );\n",
		d->client_name, d->osc_port, dir, master, ch1);
	fclose(f);
}

static void test_sighup_classes(void **state)
{
	static const struct {
		const char *master, *ch1, *expect;
	} steps[] = {
		{ "pan_law = -3.0;", "fader = -1.0;", "nothing changed" },
		{ "pan_law = -3.0;", "fader = -2.0;", "values only: 1 values changed" },
		{ "pan_law = -6.0;", "fader = -3.0;", "needs a restart for master.pan_law" },
	};
	char dir[HX_PATH_MAX], line[512];
	struct hx_daemon d;
	struct hx_osc *o;

	(void)state;
	state_dir(dir, "hup-classes");
	assert_int_equal(hx_daemon_start(&d, &g.jackd,
					 "osc = { bind = \"127.0.0.1\"; zeroconf = false; };\n"
					 "channels = ( { name = \"kick\"; fader = -1.0; } );\n", NULL), 0);
	o = hx_osc_open(d.osc_port);
	/* The first file names what the command line set (-n, -p) and the same state folder. */
	{
		int len = (int)(strrchr(d.cfg_path, '/') - d.cfg_path);

		if (snprintf(dir, sizeof(dir), "%.*s/state", len, d.cfg_path) >= (int)sizeof(dir))
			fail_msg("path too long");
	}
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		size_t mark = hx_daemon_log_mark(&d);
		char *log;

		write_hup_cfg(&d, dir, steps[i].master, steps[i].ch1);
		assert_int_equal(kill(d.pid, SIGHUP), 0);
		if (hx_daemon_log_wait(&d, mark, steps[i].expect, 1, 10.0) < 1) {
			log = hx_daemon_log(&d, mark);
			snprintf(line, sizeof(line), "%s", log ? log : "");
			free(log);
			fail_msg("SIGHUP step %zu: expected \"%s\" in the log, got: %s", i + 1,
				 steps[i].expect, line);
		}
	}
	if (query_v(o, "/ch/1/fader") != -3.0)
		fail_msg("a reload that needs a restart for pan_law did not apply the fader (%g)",
			 query_v(o, "/ch/1/fader"));
	hx_osc_close(o);
	hx_daemon_stop(&d, SIGTERM, 3.0);
	fprintf(stderr, "[survival] SIGHUP classes: nothing changed / values only / needs a "
			"restart (named), from the config's description\n");
}

/* A burst of scene saves: a few are written, the rest refused at once, and /status from
 * another client keeps its answer time (issue 10 item 5; the review saw 953 ms median). */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void test_save_flood(void **state)
{
	enum { N_SAVES = 200, N_PROBES = 20 };
	char dir[HX_PATH_MAX], pattern[HX_PATH_MAX + 32], name[32];
	double ms[N_PROBES], t0, elapsed;
	struct hx_daemon d;
	struct hx_osc *a, *b;
	struct hx_osc_msg m;
	glob_t gl;
	int n_written = 0, n_answered = 0, n_lost = 0;

	(void)state;
	state_dir(dir, "flood-state");
	assert_int_equal(hx_daemon_start(&d, &g.jackd, edit_config(dir, "iem", "gtr"), NULL), 0);
	a = hx_osc_open(d.osc_port);
	b = hx_osc_open(d.osc_port);
	assert_non_null(a);
	assert_non_null(b);
	t0 = hx_now();
	for (int i = 0; i < N_SAVES; i++) {
		snprintf(name, sizeof(name), "flood%d", i);
		assert_int_equal(hx_osc_send(a, "/snapshot/save", "s", name), 0);
	}
	/* A query the kernel dropped (the socket's buffer full of saves) is lost, not late:
	 * it is counted, and its reply awaited no longer than a second. */
	for (int i = 0; i < N_PROBES; i++) {
		double t = hx_now();

		hx_osc_flush(b);
		if (hx_osc_query(b, "/status", 1.0, &m) < 0) {
			n_lost++;
			continue;
		}
		ms[n_answered++] = (hx_now() - t) * 1000.0;
	}
	elapsed = hx_now() - t0;
	if (n_answered < N_PROBES / 2)
		fail_msg("%d of %d /status queries unanswered during a burst of scene saves", n_lost,
			 N_PROBES);
	qsort(ms, (size_t)n_answered, sizeof(ms[0]), cmp_double);
	snprintf(pattern, sizeof(pattern), "%s/scenes/flood*.cfg", dir);
	if (glob(pattern, 0, NULL, &gl) == 0) {
		n_written = (int)gl.gl_pathc;
		globfree(&gl);
	}
	if (!hx_daemon_alive(&d))
		fail_msg("the daemon died under a burst of scene saves");
	/* A burst of 4, then one a second (state.h). */
	if (n_written < 1 || n_written > 4 + (int)elapsed + 1)
		fail_msg("%d of %d scenes written in %.1f s; expected a burst of 4, then 1 a second",
			 n_written, N_SAVES, elapsed);
	/* Only a generous sanity bound: answer times are figures, not a timed test. */
	if (ms[n_answered - 1] > 1000.0)
		fail_msg("/status took %.0f ms during a burst of scene saves", ms[n_answered - 1]);
	hx_osc_close(a);
	hx_osc_close(b);
	hx_daemon_stop(&d, SIGTERM, 3.0);
	fprintf(stderr, "[survival] %d scene saves in a burst: %d written in %.2f s; /status from "
			"another client meanwhile: median %.2f ms, worst %.2f ms, %d of %d lost in "
			"the kernel\n", N_SAVES, n_written, elapsed, ms[n_answered / 2],
		ms[n_answered - 1], n_lost, N_PROBES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_autosave_kill9),
		cmocka_unit_test_teardown(test_jackd_restarts, jackd_teardown),
		cmocka_unit_test_setup(test_scene_roundtrip, scenes_setup),
		cmocka_unit_test_setup(test_scene_click_free, scenes_setup),
		cmocka_unit_test_setup(test_hostile_names, scenes_setup),
		cmocka_unit_test_setup(test_outsider_gets_nothing, door_setup),
		cmocka_unit_test_setup(test_monitor_role, door_setup),
		cmocka_unit_test_setup(test_rate_limit, door_setup),
		cmocka_unit_test_setup(test_rate_limit_by_arrival, door_setup),
		cmocka_unit_test(test_sighup),
		cmocka_unit_test(test_bad_configs),
		cmocka_unit_test(test_awkward_bus_names),
		cmocka_unit_test(test_config_edit_keeps_the_mix),
		cmocka_unit_test(test_failing_disk),
		cmocka_unit_test(test_sighup_classes),
		cmocka_unit_test(test_save_flood),
	};
	double t0 = hx_now();
	int failed;

	if (getenv("JMIXD_ITEST_FILTER"))
		cmocka_set_test_filter(getenv("JMIXD_ITEST_FILTER"));
	failed = cmocka_run_group_tests_name("jmixd integration: survival", tests, group_setup,
					     group_teardown);
	hx_osc_close(g.osc);
	hx_daemon_stop(&g_sd, SIGTERM, 3.0);
	hx_daemon_stop(&g_door, SIGTERM, 3.0);
	fprintf(stderr, "[hx] test_survival: %.1f s\n", hx_now() - t0);
	return hx_finish(failed) ? 1 : 0;
}
