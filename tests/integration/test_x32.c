/*
 * test_x32.c - the X32 (osc.x32) and X Air (osc.xair) dialects against the real daemon, a
 * private jackd and real OSC sockets (research/x32.md section 7, acceptance tests M):
 *   - the handshake: a tagless 12-byte /xinfo answered with the four strings, the address
 *     the client reached jmixd on first; /info and /status in their console shapes;
 *   - gets answered with the canonical tag, unknown paths with silence; the fader law
 *     (0.5 is -10 dB natively, -20.5 dB reads back as 377/1023);
 *   - feedback both ways: a native change reaches a /xremote lease as the console sends it,
 *     an X32 set from another socket reaches the lease and the native subscribers, never its
 *     sender (X32); an X Air /xremote gets its own set back, /xremotenfb does not;
 *   - the recorded Companion X32 and X-Air polls are answered in full, with canonical tags;
 *   - a scene recall reaches the leases in the dialect;
 *   - the lease runs out 10 s after the last /xremote;
 *   - audio: /ch/01/mix/fader 0.5 puts channel 1 at -10 dB on the master outputs;
 *   - hostile datagrams on the X32 port leave the daemon up and answering.
 * "Nothing arrived" is always judged against a later marker that did arrive, never a sleep.
 *
 * Run: tests/integration/isolate.sh build/itests/test_x32
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/integration/harness.h"

#define RATE 48000u
#define PERIOD 64u
#define AMP 0.1
#define F1 1000.0
#define WAIT_S 2.0

static struct hx_rig g;
static int g_x32_port, g_xair_port;

static struct hx_osc *open_x32(void)
{
	struct hx_osc *o = hx_osc_open(g_x32_port);
	assert_non_null(o);
	return o;
}

static struct hx_osc *open_xair(void)
{
	struct hx_osc *o = hx_osc_open(g_xair_port);
	assert_non_null(o);
	return o;
}

/* The next message on path, which must carry exactly types. */
static struct hx_osc_msg expect(struct hx_osc *o, const char *path, const char *types)
{
	struct hx_osc_msg m;
	if (hx_osc_wait(o, path, WAIT_S, &m) != 0)
		fail_msg("%s: no message within %.0f s", path, WAIT_S);
	if (strcmp(m.types, types) != 0)
		fail_msg("%s: got %s, expected tags ,%s", path, hx_osc_msg_str(&m), types);
	return m;
}

/* Nothing on path arrived before the marker message (which must arrive). */
static void expect_none_before(struct hx_osc *o, const char *path, const char *marker)
{
	struct hx_osc_msg m;
	if (hx_osc_wait(o, marker, WAIT_S, &m) != 0)
		fail_msg("marker %s did not arrive", marker);
	for (size_t k = 0; k < hx_osc_pending(o); k++)
		if (strcmp(hx_osc_peek(o, k)->path, path) == 0)
			fail_msg("%s arrived: %s", path, hx_osc_msg_str(hx_osc_peek(o, k)));
}

/* Queries flush first: feedback queued for the native client carries the same paths. */
static void native_set(const char *path, double v)
{
	hx_osc_flush(g.osc);
	assert_int_equal(hx_osc_send(g.osc, path, "f", v), 0);
	struct hx_osc_msg m;
	assert_int_equal(hx_osc_query(g.osc, path, WAIT_S, &m), 0);   /* applied */
}

static void native_set(const char *path, double v);

/*
 * Take a lease and drain what it got before the test's own steps: the changes of the tick in
 * progress (an earlier test's last sets) reach a new lease too. A marker change of our own,
 * received, means everything before it was received. marker_path is the dialect's address of
 * channel 2's fader.
 */
static void take_lease(struct hx_osc *o, const char *how, const char *marker_path)
{
	static double marker_db = -2.0;
	struct hx_osc_msg m;
	hx_osc_send(o, how, "");
	hx_osc_send(o, "/status", "");
	if (hx_osc_wait(o, "/status", WAIT_S, &m) != 0)
		fail_msg("no /status answer");
	marker_db = marker_db < -5.0 ? -2.0 : marker_db - 0.5;   /* always a change */
	native_set("/ch/2/fader", marker_db);
	if (hx_osc_wait(o, marker_path, WAIT_S, &m) != 0)
		fail_msg("marker %s did not arrive", marker_path);
	/* The marker's tick may push more after it (a later value in the table): an answer
	 * from the same socket, sent after that tick, arrives after all of them. */
	hx_osc_send(o, "/status", "");
	if (hx_osc_wait(o, "/status", WAIT_S, &m) != 0)
		fail_msg("no /status answer");
	hx_osc_flush(o);
}

/* Wait until o's earlier datagrams were handled: one socket's datagrams are handled in order. */
static void x32_sync(struct hx_osc *o)
{
	struct hx_osc_msg m;
	hx_osc_send(o, "/status", "");
	if (hx_osc_wait(o, "/status", WAIT_S, &m) != 0)
		fail_msg("no /status answer");
}

static double native_get(const char *path)
{
	struct hx_osc_msg m;
	hx_osc_flush(g.osc);
	assert_int_equal(hx_osc_query(g.osc, path, WAIT_S, &m), 0);
	return m.argv[0].d;
}

/* ---- handshake ---- */

static void test_handshake(void **state)
{
	(void)state;
	struct hx_osc *o = open_x32();
	static const char tagless[12] = "/xinfo";   /* 12 bytes, no type tag string */
	assert_int_equal(hx_osc_send_raw(o, tagless, sizeof tagless), 0);
	struct hx_osc_msg m = expect(o, "/xinfo", "ssss");
	assert_string_equal(m.argv[0].s, "127.0.0.1");
	assert_string_equal(m.argv[1].s, "desk");
	assert_string_equal(m.argv[2].s, "X32");
	assert_string_equal(m.argv[3].s, "4.06");

	hx_osc_send(o, "/info", "");
	m = expect(o, "/info", "ssss");
	assert_string_equal(m.argv[0].s, "V2.07");
	assert_string_equal(m.argv[2].s, "X32");
	hx_osc_send(o, "/status", "");
	m = expect(o, "/status", "sss");
	assert_string_equal(m.argv[0].s, "active");
	assert_string_equal(m.argv[1].s, "127.0.0.1");

	/* A console's reply shape (arguments) is never answered: no loop between two desks. */
	hx_osc_send(o, "/xinfo", "ssss", "1.2.3.4", "x", "X32", "4.06");
	hx_osc_send(o, "/status", "");
	expect_none_before(o, "/xinfo", "/status");
	hx_osc_close(o);

	struct hx_osc *x = open_xair();
	hx_osc_send(x, "/xinfo", "");
	m = expect(x, "/xinfo", "ssss");
	assert_string_equal(m.argv[2].s, "XR18");
	assert_string_equal(m.argv[3].s, "1.17");
	hx_osc_send(x, "/-snap/index", "");
	m = expect(x, "/-snap/index", "i");
	assert_true(m.argv[0].i >= 1);   /* 0 breaks the Companion X-Air module */
	hx_osc_close(x);
}

/* ---- gets, sets and the laws ---- */

static void test_get_set_laws(void **state)
{
	(void)state;
	struct hx_osc *o = open_x32();
	struct hx_osc_msg m;

	hx_osc_send(o, "/ch/01/mix/fader", "f", 0.5);
	hx_osc_send(o, "/ch/01/mix/fader", "");   /* sets are silent: this is the answer */
	/* The console's grid: 0.5 is 512/1023, -9.98 dB. */
	m = expect(o, "/ch/01/mix/fader", "f");
	assert_float_equal(m.argv[0].d, 512.0 / 1023.0, 1e-6);
	assert_float_equal(native_get("/ch/1/fader"), -10.0, 0.05);

	native_set("/ch/1/fader", -20.5);
	static const char tagless[20] = "/ch/01/mix/fader";   /* Mixing Station's get shape */
	hx_osc_send_raw(o, tagless, sizeof tagless);
	m = expect(o, "/ch/01/mix/fader", "f");
	assert_float_equal(m.argv[0].d, 377.0 / 1023.0, 1e-6);

	native_set("/ch/1/fader", 0.0);
	hx_osc_send(o, "/ch/01/mix/fader", "");
	m = expect(o, "/ch/01/mix/fader", "f");
	assert_float_equal(m.argv[0].d, 767.0 / 1023.0, 1e-7);   /* 0 dB as a console says it */

	/* mix/on is "not muted"; a float for a button is coerced; the answer is an int. */
	hx_osc_send(o, "/ch/02/mix/on", "f", 0.0);
	hx_osc_send(o, "/ch/02/mix/on", "");
	m = expect(o, "/ch/02/mix/on", "i");
	assert_int_equal(m.argv[0].i, 0);
	assert_float_equal(native_get("/ch/2/mute"), 1.0, 0);
	hx_osc_send(o, "/ch/02/mix/on", "i", 1);

	hx_osc_send(o, "/ch/01/mix/pan", "f", 0.75);
	hx_osc_send(o, "/ch/01/mix/pan", "");
	m = expect(o, "/ch/01/mix/pan", "f");
	assert_float_equal(m.argv[0].d, 0.75, 1e-6);
	assert_float_equal(native_get("/ch/1/pan"), 0.5, 1e-5);
	hx_osc_send(o, "/ch/01/mix/pan", "f", 0.5);

	/* Sends on 161 steps: 120/160 is 0 dB. */
	hx_osc_send(o, "/ch/01/mix/01/level", "f", 0.75);
	hx_osc_send(o, "/ch/01/mix/01/level", "");
	m = expect(o, "/ch/01/mix/01/level", "f");
	assert_float_equal(m.argv[0].d, 0.75, 1e-6);
	assert_float_equal(native_get("/ch/1/send/1/level"), 0.0, 1e-4);
	hx_osc_send(o, "/ch/01/mix/01/level", "f", 0.0);

	hx_osc_send(o, "/ch/01/config/name", "");
	m = expect(o, "/ch/01/config/name", "s");
	assert_string_equal(m.argv[0].s, "kick");
	hx_osc_send(o, "/bus/01/config/name", "");
	m = expect(o, "/bus/01/config/name", "s");
	assert_string_equal(m.argv[0].s, "wedge");

	/* A strip jmixd lacks answers the console default and holds what is set. */
	hx_osc_send(o, "/ch/32/mix/fader", "");
	m = expect(o, "/ch/32/mix/fader", "f");
	assert_float_equal(m.argv[0].d, 767.0 / 1023.0, 1e-7);
	hx_osc_send(o, "/dca/3/config/color", "i", 5);
	hx_osc_send(o, "/dca/3/config/color", "");
	m = expect(o, "/dca/3/config/color", "i");
	assert_int_equal(m.argv[0].i, 5);
	/* A DCA fader is jmixd's (test_groups), on the console's grid: 0.25 is 256/1023. */
	hx_osc_send(o, "/dca/3/fader", "f", 0.25);
	hx_osc_send(o, "/dca/3/fader", "");
	m = expect(o, "/dca/3/fader", "f");
	assert_float_equal(m.argv[0].d, 256.0 / 1023.0, 1e-7);

	/* Unknown paths are answered with silence, as a console does. */
	hx_osc_send(o, "/ch/33/mix/fader", "");
	hx_osc_send(o, "/no/such/thing", "");
	hx_osc_send(o, "/main/st/mix/fader", "");
	expect(o, "/main/st/mix/fader", "f");
	assert_int_equal(hx_osc_pending(o), 0);
	hx_osc_close(o);
}

/* ---- the recorded Companion sequences (research/x32.md 2.3) ---- */

/* The tag a console answers path with (research/x32.md 7, M4 and M5). */
static const char *canonical_tag(const char *path)
{
	if (strstr(path, "/name"))
		return "s";
	if (strstr(path, "fader") || strstr(path, "level") || strstr(path, "pan") ||
	    strstr(path, "/gain") || strstr(path, "sourcetrim") || strstr(path, "dimatt"))
		return "f";
	return "i";
}

/* Every path answered once with its canonical tag, as Companion's poll needs. */
static int replay_gets(struct hx_osc *o, char paths[][48], int n)
{
	int n_answered = 0;
	for (int i = 0; i < n; i++) {
		struct hx_osc_msg m;
		if (hx_osc_query(o, paths[i], WAIT_S, &m) != 0)
			fail_msg("%s: no answer (the Companion poll would stall here)", paths[i]);
		if (strcmp(m.types, canonical_tag(paths[i])) != 0)
			fail_msg("%s: answered %s, expected ,%s", paths[i], hx_osc_msg_str(&m),
				 canonical_tag(paths[i]));
		n_answered++;
	}
	return n_answered;
}

#define MAX_PATHS 1200
static char g_paths[MAX_PATHS][48];
static int g_n_paths;

static void add_path(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void add_path(const char *fmt, ...)
{
	va_list ap;
	assert_true(g_n_paths < MAX_PATHS);
	va_start(ap, fmt);
	vsnprintf(g_paths[g_n_paths++], sizeof g_paths[0], fmt, ap);
	va_end(ap);
}

static void test_companion_x32_sequence(void **state)
{
	(void)state;
	static const struct { const char *fmt; int n; } strips[] = {
		{ "/ch/%02d", 32 }, { "/auxin/%02d", 8 }, { "/fxrtn/%02d", 8 },
		{ "/bus/%02d", 16 }, { "/mtx/%02d", 6 },
	};
	char prefix[32];
	g_n_paths = 0;
	add_path("/-stat/selidx");
	for (size_t k = 0; k < sizeof strips / sizeof strips[0]; k++)
		for (int i = 1; i <= strips[k].n; i++) {
			snprintf(prefix, sizeof prefix, strips[k].fmt, i);
			add_path("%s/config/name", prefix);
			add_path("%s/config/color", prefix);
			add_path("%s/mix/fader", prefix);
		}
	static const char *const mains[] = { "/main/st", "/main/m" };
	for (int k = 0; k < 2; k++) {
		add_path("%s/config/name", mains[k]);
		add_path("%s/config/color", mains[k]);
		add_path("%s/mix/fader", mains[k]);
	}
	for (int d = 1; d <= 8; d++) {
		add_path("/dca/%d/fader", d);
		add_path("/dca/%d/config/name", d);
		add_path("/dca/%d/config/color", d);
	}
	for (int i = 1; i <= 32; i++)
		for (int b = 1; b <= 16; b++)
			add_path("/ch/%02d/mix/%02d/level", i, b);
	for (int i = 1; i <= 8; i++)
		for (int b = 1; b <= 16; b++) {
			add_path("/auxin/%02d/mix/%02d/level", i, b);
			add_path("/fxrtn/%02d/mix/%02d/level", i, b);
		}
	for (int i = 1; i <= 16; i++)
		for (int b = 1; b <= 6; b++)
			add_path("/bus/%02d/mix/%02d/level", i, b);
	struct hx_osc *o = open_x32();
	int n = replay_gets(o, g_paths, g_n_paths);
	hx_log("x32: Companion X32 poll: %d gets, %d answered with the canonical tag", g_n_paths, n);
	/* What jmixd has no answer for stays silent (Companion logs a timeout and goes on). */
	hx_osc_send(o, "/-libs/ch/001/hasdata", "");
	hx_osc_send(o, "/-undo/time", "");
	hx_osc_send(o, "/status", "");
	expect_none_before(o, "/-undo/time", "/status");
	hx_osc_close(o);
}

static void test_companion_xair_sequence(void **state)
{
	(void)state;
	static const char *const ch_leaves[] = { "mix/on", "mix/fader", "mix/pan", "mix/lr",
						 "gate/on", "dyn/on", "eq/on", "insert/on",
						 "preamp/hpon", "config/name", "config/color" };
	static const char *const rtn_leaves[] = { "mix/on", "mix/fader", "mix/pan", "mix/lr",
						  "eq/on", "config/name", "config/color" };
	static const char *const bus_leaves[] = { "mix/on", "mix/fader", "mix/pan", "mix/lr",
						  "eq/on", "dyn/on", "insert/on", "config/name",
						  "config/color" };
	static const char *const lr_leaves[] = { "mix/on", "mix/fader", "mix/pan", "eq/on",
						 "dyn/on", "insert/on", "config/name",
						 "config/color" };
	static const char *const solo[] = { "level", "source", "sourcetrim", "chmode", "busmode",
					    "dimpfl", "dimatt", "mute", "mono", "dim" };
	g_n_paths = 0;
	add_path("/-snap/index");
	add_path("/-snap/name");
	for (int i = 1; i <= 16; i++) {
		for (size_t k = 0; k < sizeof ch_leaves / sizeof ch_leaves[0]; k++)
			add_path("/ch/%02d/%s", i, ch_leaves[k]);
		for (int b = 1; b <= 10; b++)
			add_path("/ch/%02d/mix/%02d/level", i, b);
		for (int b = 1; b <= 5; b += 2)
			add_path("/ch/%02d/mix/%02d/pan", i, b);
	}
	for (int r = 1; r <= 5; r++) {
		char rtn[16];
		snprintf(rtn, sizeof rtn, r == 5 ? "/rtn/aux" : "/rtn/%d", r);
		for (size_t k = 0; k < sizeof rtn_leaves / sizeof rtn_leaves[0]; k++)
			add_path("%s/%s", rtn, rtn_leaves[k]);
		for (int b = 1; b <= 10; b++)
			add_path("%s/mix/%02d/level", rtn, b);
		for (int b = 1; b <= 5; b += 2)
			add_path("%s/mix/%02d/pan", rtn, b);
	}
	for (int f = 1; f <= 4; f++) {
		add_path("/fxsend/%d/mix/on", f);
		add_path("/fxsend/%d/mix/fader", f);
		add_path("/fxsend/%d/config/name", f);
		add_path("/fxsend/%d/config/color", f);
		add_path("/dca/%d/on", f);
		add_path("/dca/%d/fader", f);
		add_path("/dca/%d/config/name", f);
		add_path("/dca/%d/config/color", f);
		add_path("/config/mute/%d", f);
	}
	for (int b = 1; b <= 6; b++)
		for (size_t k = 0; k < sizeof bus_leaves / sizeof bus_leaves[0]; k++)
			add_path("/bus/%d/%s", b, bus_leaves[k]);
	for (size_t k = 0; k < sizeof lr_leaves / sizeof lr_leaves[0]; k++)
		add_path("/lr/%s", lr_leaves[k]);
	for (size_t k = 0; k < sizeof solo / sizeof solo[0]; k++)
		add_path("/config/solo/%s", solo[k]);
	add_path("/-stat/solo");
	for (int i = 1; i <= 54; i++)
		if (i <= 21 || i >= 40)
			add_path("/-stat/solosw/%02d", i);
	for (int h = 1; h <= 24; h++)
		add_path("/headamp/%02d/gain", h);
	for (int h = 1; h <= 16; h++)
		add_path("/headamp/%02d/phantom", h);
	for (int p = 1; p <= 64; p++)
		add_path("/-snap/%02d/name", p);
	struct hx_osc *o = open_xair();
	int n = replay_gets(o, g_paths, g_n_paths);
	hx_log("x32: Companion X-Air poll: %d gets, %d answered with the canonical tag", g_n_paths,
	       n);
	assert_true(n >= 733);   /* the module reports "Console status loaded" only then */
	hx_osc_close(o);
}

/* ---- feedback ---- */

static void test_feedback_x32(void **state)
{
	(void)state;
	struct hx_osc *lease = open_x32(), *actions = open_x32();
	struct hx_osc_msg m;
	assert_int_equal(hx_osc_send(g.osc, "/subscribe", ""), 0);
	take_lease(lease, "/xremote", "/ch/02/mix/fader");

	/* A native change reaches the lease in the console's form. */
	native_set("/ch/1/fader", -20.5);
	m = expect(lease, "/ch/01/mix/fader", "f");
	assert_float_equal(m.argv[0].d, 377.0 / 1023.0, 1e-6);

	/* An X32 set from another socket (Companion's actions) reaches the lease and the native
	 * subscribers, and not the sender. */
	hx_osc_flush(g.osc);
	hx_osc_send(actions, "/ch/02/mix/on", "i", 0);
	m = expect(lease, "/ch/02/mix/on", "i");
	if (m.argv[0].i != 0) {
		for (size_t k = 0; k < hx_osc_pending(lease); k++)
			fprintf(stderr, "pending %s\n", hx_osc_msg_str(hx_osc_peek(lease, k)));
		fail_msg("lease got %s (t %.3f)", hx_osc_msg_str(&m), m.t_recv);
	}
	m = expect(g.osc, "/ch/2/mute", "i");
	assert_int_equal(m.argv[0].i, 1);
	hx_osc_send(actions, "/ch/02/mix/on", "i", 1);
	expect(lease, "/ch/02/mix/on", "i");

	/* The lease holder's own set is not sent back to it (the X32 rule). */
	hx_osc_send(lease, "/ch/01/mix/fader", "f", 0.5);
	native_set("/ch/2/fader", -6.0);    /* marker after it */
	expect_none_before(lease, "/ch/01/mix/fader", "/ch/02/mix/fader");
	assert_float_equal(native_get("/ch/1/fader"), -10.0, 0.05);

	/* Setting what is already there (same grid index) is no change: nothing is pushed. */
	hx_osc_send(actions, "/ch/01/mix/fader", "f", 0.5 + 0.2 / 1023.0);
	native_set("/ch/2/fader", 0.0);
	expect_none_before(lease, "/ch/01/mix/fader", "/ch/02/mix/fader");

	/* The console's solo switches are the channels' solo. */
	hx_osc_send(actions, "/-stat/solosw/01", "i", 1);
	m = expect(lease, "/-stat/solosw/01", "i");
	assert_int_equal(m.argv[0].i, 1);
	assert_float_equal(native_get("/ch/1/solo"), 1.0, 0);
	native_set("/ch/1/solo", 0.0);
	m = expect(lease, "/-stat/solosw/01", "i");
	assert_int_equal(m.argv[0].i, 0);

	hx_osc_send(g.osc, "/unsubscribe", "");
	hx_osc_close(lease);
	hx_osc_close(actions);
}

static void test_feedback_xair_echo(void **state)
{
	(void)state;
	struct hx_osc *remote = open_xair(), *nfb = open_xair();
	struct hx_osc_msg m;
	take_lease(remote, "/xremote", "/ch/02/mix/fader");
	take_lease(nfb, "/xremotenfb", "/ch/02/mix/fader");
	hx_osc_flush(remote);   /* nfb's marker */

	/* /xremote: the sender's own set comes back (Companion X-Air's toggles need it). */
	hx_osc_send(remote, "/ch/01/mix/on", "i", 0);
	m = expect(remote, "/ch/01/mix/on", "i");
	assert_int_equal(m.argv[0].i, 0);
	expect(nfb, "/ch/01/mix/on", "i");

	/* /xremotenfb: not to the sender. */
	hx_osc_send(nfb, "/ch/01/mix/on", "i", 1);
	m = expect(remote, "/ch/01/mix/on", "i");
	assert_int_equal(m.argv[0].i, 1);
	native_set("/ch/2/fader", -3.0);
	expect_none_before(nfb, "/ch/01/mix/on", "/ch/02/mix/fader");

	/* X Air addresses: one-digit buses, /lr for the master. */
	native_set("/master/fader", -10.0);
	m = expect(remote, "/lr/mix/fader", "f");
	assert_float_equal(m.argv[0].d, 512.0 / 1023.0, 1e-6);
	native_set("/aux/1/fader", -5.0);
	expect(remote, "/bus/1/mix/fader", "f");
	native_set("/aux/1/fader", 0.0);
	native_set("/master/fader", 0.0);
	native_set("/ch/2/fader", 0.0);
	hx_osc_close(remote);
	hx_osc_close(nfb);
}

/* A scene recall is a change like any other: it reaches the X32 leases in their dialect. */
static void test_scene_recall_reaches_x32(void **state)
{
	(void)state;
	struct hx_osc *lease = open_x32();
	struct hx_osc_msg m;
	take_lease(lease, "/xremote", "/ch/02/mix/fader");
	native_set("/ch/1/fader", -20.5);
	native_set("/ch/1/mute", 0.0);
	hx_osc_flush(g.osc);
	hx_osc_send(g.osc, "/snapshot/save", "s", "x32scene");
	if (hx_osc_wait(g.osc, "/snapshot/save", 5.0, &m) != 0)
		fail_msg("/snapshot/save: no answer");
	native_set("/ch/1/fader", 0.0);
	native_set("/ch/1/mute", 1.0);
	hx_osc_flush(lease);
	hx_osc_flush(g.osc);
	hx_osc_send(g.osc, "/snapshot/load", "s", "x32scene");
	if (hx_osc_wait(g.osc, "/snapshot/load", 5.0, &m) != 0)
		fail_msg("/snapshot/load: no answer");
	m = expect(lease, "/ch/01/mix/fader", "f");
	assert_float_equal(m.argv[0].d, 377.0 / 1023.0, 1e-6);
	m = expect(lease, "/ch/01/mix/on", "i");
	assert_int_equal(m.argv[0].i, 1);
	native_set("/ch/1/fader", 0.0);
	hx_osc_close(lease);
}

/* X Air meters, bank 1 (what Companion's X-Air module shows): 40 int16 values, every 50 ms. */
static void test_xair_meters_bank1(void **state)
{
	(void)state;
	struct hx_osc *x = open_xair();
	struct hx_osc_msg m;
	hx_osc_send(x, "/meters", "si", "/meters/1", 0);
	m = expect(x, "/meters/1", "b");
	assert_int_equal(m.argv[0].i, 4 + 2 * 40);   /* count, then 40 int16 */
	double t0 = m.t_recv;
	for (int i = 0; i < 5; i++)
		m = expect(x, "/meters/1", "b");
	hx_log("x32: 6 X Air meter frames in %.3f s", m.t_recv - t0);
	assert_true(m.t_recv - t0 >= 0.2);   /* paced at 50 ms, not a burst */
	hx_osc_send(x, "/unsubscribe", "s", "meters/1");
	hx_osc_close(x);
}

static uint32_t le32(const char *blob, int offset)
{
	const uint8_t *b = (const uint8_t *)blob + offset;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static float le_float(const char *blob, int offset)
{
	uint32_t bits = le32(blob, offset);
	float f;
	memcpy(&f, &bits, sizeof f);
	return f;
}

/* The polling subscriptions (research/x32.md 3.2 - 3.6) and the X32 meter banks (5.3). */
static void test_subscriptions(void **state)
{
	(void)state;
	struct hx_osc *o = open_x32();
	struct hx_osc_msg m;

	/* Maillot p.78: "/formatsubscribe /testme /ch/NN/mix/on 6 9 80" is a 20-byte blob,
	 * 14000000 then four little-endian ints (channels 6 to 9 are not muted). */
	hx_osc_send(o, "/formatsubscribe", "ssiii", "/testme", "/ch/**/mix/on", 6, 9, 80);
	m = expect(o, "/testme", "b");
	assert_int_equal(m.argv[0].i, 20);
	assert_int_equal(le32(m.argv[0].s, 0), 20);
	for (int k = 1; k <= 4; k++)
		assert_int_equal(le32(m.argv[0].s, 4 * k), 1);
	native_set("/ch/1/fader", 0.0);
	hx_osc_send(o, "/formatsubscribe", "sssiii", "faders", "/ch/**/mix/fader",
		    "/ch/**/config/name", 1, 2, 80);
	m = expect(o, "faders", "b");   /* the alias as given, slash or not */
	assert_int_equal(m.argv[0].i, 4 + 2 * 4 + 2 * 32);
	assert_float_equal(le_float(m.argv[0].s, 4), 767.0 / 1023.0, 1e-7);
	assert_string_equal(m.argv[0].s + 12, "kick");

	/* /subscribe: the leaf's value every 50 ms x tf, until /unsubscribe names it. */
	native_set("/ch/1/fader", -20.5);
	hx_osc_send(o, "/subscribe", "si", "/ch/01/mix/fader", 1);
	for (int k = 0; k < 3; k++) {
		m = expect(o, "/ch/01/mix/fader", "f");
		assert_float_equal(m.argv[0].d, 377.0 / 1023.0, 1e-6);
	}
	hx_osc_send(o, "/unsubscribe", "s", "/ch/01/mix/fader");
	x32_sync(o);
	hx_osc_flush(o);
	/* Evidence that it stopped: three frames of another leaf (two intervals and more)
	 * arrive and none of the first. */
	hx_osc_send(o, "/subscribe", "si", "/ch/02/mix/fader", 1);
	for (int k = 0; k < 3; k++)
		expect(o, "/ch/02/mix/fader", "f");
	for (size_t k = 0; k < hx_osc_pending(o); k++)
		assert_string_not_equal(hx_osc_peek(o, k)->path, "/ch/01/mix/fader");
	hx_osc_send(o, "/unsubscribe", "");   /* all of them */
	native_set("/ch/1/fader", 0.0);

	/* X32 meters: bank 1 is 96 little-endian floats (32 ch, 32 gate GR, 32 dyn GR); no
	 * gain reduction is 1.0. Bank 5 through /batchsubscribe answers on its alias. */
	hx_osc_send(o, "/meters", "si", "/meters/1", 1);
	m = expect(o, "/meters/1", "b");
	assert_int_equal(m.argv[0].i, 4 + 4 * 96);
	assert_int_equal(le32(m.argv[0].s, 0), 96);
	assert_float_equal(le_float(m.argv[0].s, 4 + 4 * 32), 1.0, 0);
	hx_osc_send(o, "/batchsubscribe", "ssiii", "meters/5", "/meters/5", 0, 0, 1);
	m = expect(o, "meters/5", "b");
	assert_int_equal(m.argv[0].i, 4 + 4 * 27);
	hx_osc_send(o, "/unsubscribe", "");
	hx_osc_close(o);
}

/* ---- the lease ---- */

static void test_lease_expires(void **state)
{
	(void)state;
	struct hx_osc *o = open_x32();
	size_t mark = hx_daemon_log_mark(&g.daemon);
	take_lease(o, "/xremote", "/ch/02/mix/fader");
	double t0 = hx_now();
	/* Renewals (Companion sends one every 1.5 s) are answered with nothing. */
	hx_osc_send(o, "/xremote", "");
	hx_osc_send(o, "/xremote", "");
	char needle[64];
	snprintf(needle, sizeof needle, ":%d's lease ran out", hx_osc_port(o));
	assert_int_equal(hx_daemon_log_wait(&g.daemon, mark, needle, 1, 30.0), 1);
	double held = hx_now() - t0;
	hx_log("x32 lease held %.2f s", held);
	assert_true(held >= 9.0);
	/* After it: a change reaches a fresh lease (the marker) but not the expired one. */
	struct hx_osc *fresh = open_x32();
	take_lease(fresh, "/xremote", "/ch/02/mix/fader");
	native_set("/ch/2/fader", -1.0);
	expect(fresh, "/ch/02/mix/fader", "f");
	hx_osc_send(o, "/status", "");
	expect_none_before(o, "/ch/02/mix/fader", "/status");
	for (size_t k = 0; k < hx_osc_pending(o); k++)
		fail_msg("unexpected after expiry: %s", hx_osc_msg_str(hx_osc_peek(o, k)));
	native_set("/ch/2/fader", 0.0);
	hx_osc_close(fresh);
	hx_osc_close(o);
}

/* ---- audio ---- */

/*
 * The tone's level at the master from two clean windows in a row that agree within 0.05 dB
 * (the fader's glide is over). A window is clean when it had no timing disturbance and is one
 * sine: a JACK client that misses a cycle repeats a period without any xrun reported (seen
 * on an idle VM about once a second; CI read -10.33, -9.82 and -9.90 dB for -10 from such
 * windows), which tears the waveform, and the residual of a sine fit shows the tear.
 * A torn window is read again; only a host that tears every window fails the test.
 */
static double steady_tone_db(float *x, size_t n)
{
	double prev = NAN;
	for (int reads = 0; reads < HX_CAPTURE_ATTEMPTS; reads++) {
		uint64_t start = hx_probe_now(g.probe);
		assert_int_equal(hx_probe_read(g.probe, 0, start, n, x), 0);
		double residual = hx_tone_residual_db(x, n, F1, RATE);
		if (hx_probe_disturbances(g.probe, start, start + n) || residual > -60.0) {
			hx_log("x32 fader: a torn window (sine fit residual %.1f dB), read again",
			       residual);
			prev = NAN;
			continue;
		}
		double db = hx_tone_db(x, n, F1, RATE);
		if (fabs(db - prev) <= 0.05)
			return db;
		prev = db;
	}
	fail_msg("no two clean windows in a row in %d reads of %.2f s", HX_CAPTURE_ATTEMPTS,
		 (double)n / RATE);
	return NAN;
}

static void test_audio_fader_half_is_minus_10(void **state)
{
	(void)state;
	struct hx_osc *o = open_x32();
	size_t n = RATE / 5;
	float *x = malloc(n * sizeof *x);
	assert_non_null(x);
	native_set("/ch/1/pan", 0.0);
	native_set("/ch/1/fader", 0.0);
	native_set("/ch/1/mute", 0.0);
	native_set("/master/mute", 0.0);
	native_set("/master/fader", 0.0);
	hx_probe_set_sine(g.probe, 0, F1, AMP);
	hx_probe_settle(g.probe, 0.3);
	double ref = steady_tone_db(x, n);
	hx_osc_send(o, "/ch/01/mix/fader", "f", 0.5);
	x32_sync(o);
	assert_float_equal(native_get("/ch/1/fader"), -10.0, 0.05);
	hx_probe_settle(g.probe, 0.3);
	double got = steady_tone_db(x, n);
	hx_log("x32 fader 0.5: %.3f dB relative to unity (%.2f dBFS)", got - ref, ref);
	assert_true(ref > -40.0);   /* the tone reached the master at all */
	assert_float_equal(got - ref, -10.0, 0.1);
	hx_probe_set_silence(g.probe, 0);
	native_set("/ch/1/fader", 0.0);
	free(x);
	hx_osc_close(o);
}

/* ---- hostile input ---- */

static void test_hostile_packets(void **state)
{
	(void)state;
	struct hx_osc *o = open_x32();
	uint8_t buf[600];
	uint32_t seed = 12345;
	static const char *const seeds[] = { "/xremote", "/ch/01/mix/fader\0\0\0\0,f\0\0",
					     "/node\0\0\0,s\0\0", "#bundle", "/info\0\0\0,sss" };
	for (int i = 0; i < 3000; i++) {
		size_t len = 1 + (seed = seed * 1103515245u + 12345u) % sizeof buf;
		for (size_t k = 0; k < len; k++)
			buf[k] = (uint8_t)((seed = seed * 1103515245u + 12345u) >> 16);
		const char *s = seeds[i % 5];
		if (i % 2)
			memcpy(buf, s, strlen(s) < len ? strlen(s) : len);
		hx_osc_send_raw(o, buf, len);
	}
	hx_osc_send(o, "/ch/01/mix/fader", "f", NAN);
	hx_osc_send(o, "/ch/01/mix/fader", "f", INFINITY);
	hx_osc_send(o, "/ch/01/mix/on", "i", 7);
	hx_osc_send(o, "/ch/01/mix/fader", "s", "loud");
	hx_osc_flush(o);
	assert_true(hx_daemon_expect_alive(&g.daemon));
	/* The flood spent this host's rate and byte budgets (all tests talk from 127.0.0.1):
	 * ask again until they refill; the daemon must answer within a few seconds. */
	struct hx_osc_msg m;
	int rc = -1;
	for (int i = 0; i < 10 && rc != 0; i++) {
		hx_osc_send(o, "/xinfo", "");
		rc = hx_osc_wait(o, "/xinfo", 1.0, &m);
	}
	assert_int_equal(rc, 0);
	assert_string_equal(m.types, "ssss");
	double db = native_get("/ch/1/fader");
	assert_true(isfinite(db));
	hx_osc_close(o);
}

/* "/node" answers a node's fields as one line of the console's text, on the address "node";
 * "/" sets a leaf or a node's first fields from the same text (research/x32.md 5.1, 5.2). */
static void test_node_text(void **state)
{
	(void)state;
	struct hx_osc *o = open_x32();
	struct hx_osc_msg m;

	native_set("/ch/1/fader", -10.0);
	native_set("/ch/1/mute", 0.0);
	native_set("/ch/1/pan", 0.0);
	hx_osc_send(o, "/node", "s", "ch/01/mix");
	m = expect(o, "node", "s");
	assert_string_equal(m.argv[0].s, "/ch/01/mix ON -10.0 ON +0 OFF -oo\n");
	hx_osc_send(o, "/node", "s", "/ch/01/mix/01");   /* the leading slash is optional */
	m = expect(o, "node", "s");
	assert_true(strncmp(m.argv[0].s, "/ch/01/mix/01 ", 14) == 0);

	/* One leaf in user units, snapped to the console's grid: -20.5 dB is 377/1023. */
	hx_osc_send(o, "/", "s", "ch/01/mix/fader -20.5");
	x32_sync(o);
	assert_float_equal(native_get("/ch/1/fader"), 80.0 * 377.0 / 1023.0 - 50.0, 0.01);   /* the fader law */
	/* A node's first fields, in order; a leaf jmixd lacks is held and read back. */
	hx_osc_send(o, "/", "s", "/ch/01/mix OFF -oo");
	x32_sync(o);
	assert_float_equal(native_get("/ch/1/mute"), 1.0, 0);
	assert_true(native_get("/ch/1/fader") <= -89.9);
	hx_osc_send(o, "/", "s", "/dca/3/config \"Drums\" 5 BL");
	hx_osc_send(o, "/node", "s", "dca/3/config");
	m = expect(o, "node", "s");
	assert_string_equal(m.argv[0].s, "/dca/3/config \"Drums\" 5 BL\n");
	hx_osc_send(o, "/dca/3/config/color", "");
	m = expect(o, "/dca/3/config/color", "i");
	assert_int_equal(m.argv[0].i, 4);
	/* Any leaf of the tree answers with its canonical tag, even one nobody set. */
	hx_osc_send(o, "/ch/07/gate/filter/f", "");
	expect(o, "/ch/07/gate/filter/f", "f");
	hx_osc_send(o, "/config/routing/AES50A/41-48", "");
	expect(o, "/config/routing/AES50A/41-48", "i");

	/* A node address with wire values sets its fields in order (Maillot p.12). */
	hx_osc_send(o, "/ch/01/eq/2", "ifff", 4, 0.5, 0.5, 33.0 / 71.0);   /* HShv 632 Hz 0 dB Q 2 */
	x32_sync(o);
	assert_float_equal(native_get("/ch/1/eq/2/type"), 2.0, 0);
	assert_float_equal(native_get("/ch/1/eq/2/freq"), 632.46, 0.05);
	assert_float_equal(native_get("/ch/1/eq/2/q"), 1.96, 0.01);   /* 33/71: "2.0" */
	native_set("/ch/1/eq/2/type", 1.0);
	native_set("/ch/1/eq/2/freq", 400.0);
	native_set("/ch/1/eq/2/q", 0.7);

	/* A text that is no value of the field changes nothing; unknown nodes are silent. */
	hx_osc_send(o, "/", "s", "ch/01/mix/fader loud");
	hx_osc_send(o, "/node", "s", "ch/33/mix");
	hx_osc_send(o, "/status", "");
	expect_none_before(o, "node", "/status");
	assert_true(native_get("/ch/1/fader") <= -89.9);
	native_set("/ch/1/mute", 0.0);
	native_set("/ch/1/fader", 0.0);
	hx_osc_close(o);
}

/* DCAs, mute groups and membership bitmaps are jmixd's groups (daemon/params.c): /dca/K,
 * /config/mute/K, /ch/NN/grp/dca and /ch/NN/grp/mute, both ways. */
static void test_groups(void **state)
{
	(void)state;
	struct hx_osc *o = open_x32();
	struct hx_osc *lease = open_x32();
	struct hx_osc_msg m;

	/* Sets from the X32 port reach jmixd's parameters. */
	hx_osc_send(o, "/dca/3/fader", "f", 0.5);
	hx_osc_send(o, "/dca/3/on", "i", 0);
	hx_osc_send(o, "/config/mute/2", "i", 1);
	hx_osc_send(o, "/ch/01/grp/dca", "i", 5);        /* DCAs 1 and 3 */
	hx_osc_send(o, "/ch/02/grp/mute", "i", 0x22);    /* mute groups 2 and 6 */
	x32_sync(o);
	assert_float_equal(native_get("/dca/3/fader"), 40.0 * 512.0 / 1023.0 - 30.0, 0.01);
	assert_float_equal(native_get("/dca/3/mute"), 1.0, 0);
	assert_float_equal(native_get("/mgrp/2/on"), 1.0, 0);
	assert_float_equal(native_get("/ch/1/dca/1"), 1.0, 0);
	assert_float_equal(native_get("/ch/1/dca/2"), 0.0, 0);
	assert_float_equal(native_get("/ch/1/dca/3"), 1.0, 0);
	assert_float_equal(native_get("/ch/2/mgrp/2"), 1.0, 0);
	assert_float_equal(native_get("/ch/2/mgrp/6"), 1.0, 0);
	/* Gets and node text read them back; out-of-range bitmaps are ignored. */
	hx_osc_send(o, "/ch/01/grp/dca", "i", 256);
	hx_osc_send(o, "/ch/01/grp/dca", "");
	m = expect(o, "/ch/01/grp/dca", "i");
	assert_int_equal(m.argv[0].i, 5);
	hx_osc_send(o, "/node", "s", "ch/02/grp");
	m = expect(o, "node", "s");
	assert_string_equal(m.argv[0].s, "/ch/02/grp %00000000 %100010\n");
	hx_osc_send(o, "/node", "s", "dca/3");
	m = expect(o, "node", "s");
	assert_string_equal(m.argv[0].s, "/dca/3 OFF -10.0\n");

	/* A native change reaches a lease as the whole bitmap. */
	take_lease(lease, "/xremote", "/ch/02/mix/fader");
	native_set("/ch/1/dca/8", 1.0);
	m = expect(lease, "/ch/01/grp/dca", "i");
	assert_int_equal(m.argv[0].i, 0x85);
	native_set("/mgrp/2/on", 0.0);
	m = expect(lease, "/config/mute/2", "i");
	assert_int_equal(m.argv[0].i, 0);

	hx_osc_send(o, "/ch/01/grp/dca", "i", 0);
	hx_osc_send(o, "/ch/02/grp/mute", "i", 0);
	hx_osc_send(o, "/dca/3/on", "i", 1);
	x32_sync(o);
	hx_osc_close(lease);
	hx_osc_close(o);
}

/* /-snap/save, /-snap/load and /-snap/delete on slot N are jmixd's scenes, named by
 * /-snap/NN/name ("snap-NN" when empty); a load or save sets /-snap/index and /-snap/name. */
static void test_snapshots_are_scenes(void **state)
{
	(void)state;
	struct hx_osc *x = open_xair();
	struct hx_osc_msg m;

	native_set("/ch/1/fader", -6.0);
	hx_osc_send(x, "/-snap/save", "i", 3);
	hx_osc_send(x, "/-snap/03/name", "");
	m = expect(x, "/-snap/03/name", "s");
	assert_string_equal(m.argv[0].s, "snap-03");
	hx_osc_send(x, "/-snap/05/name", "s", "verse");
	native_set("/ch/1/fader", -12.0);
	hx_osc_send(x, "/-snap/save", "i", 5);
	hx_osc_send(x, "/-snap/name", "");
	m = expect(x, "/-snap/name", "s");
	assert_string_equal(m.argv[0].s, "verse");

	native_set("/ch/1/fader", -20.0);
	hx_osc_send(x, "/-snap/load", "i", 3);
	x32_sync(x);
	assert_float_equal(native_get("/ch/1/fader"), -6.0, 0.01);
	hx_osc_send(x, "/-snap/index", "");
	m = expect(x, "/-snap/index", "i");
	assert_int_equal(m.argv[0].i, 3);
	hx_osc_send(x, "/-snap/load", "i", 5);
	x32_sync(x);
	assert_float_equal(native_get("/ch/1/fader"), -12.0, 0.01);

	/* A slot with no scene changes nothing; a deleted one neither. */
	hx_osc_send(x, "/-snap/delete", "i", 3);
	hx_osc_send(x, "/-snap/load", "i", 3);
	hx_osc_send(x, "/-snap/load", "i", 9);
	hx_osc_send(x, "/-snap/index", "");
	m = expect(x, "/-snap/index", "i");
	assert_int_equal(m.argv[0].i, 5);
	assert_float_equal(native_get("/ch/1/fader"), -12.0, 0.01);
	hx_osc_send(x, "/-snap/03/name", "");
	m = expect(x, "/-snap/03/name", "s");
	assert_string_equal(m.argv[0].s, "");
	hx_osc_send(x, "/-snap/delete", "i", 5);
	native_set("/ch/1/fader", 0.0);
	hx_osc_close(x);
}

/* Compressor ratio, knee and detector and EQ band types are jmixd's (the console's enums as
 * jmixd's values), on the strips and the master. */
static void test_enums_mapped(void **state)
{
	(void)state;
	struct hx_osc *o = open_x32();
	struct hx_osc_msg m;

	hx_osc_send(o, "/ch/01/dyn/ratio", "i", 9);          /* 10:1 */
	hx_osc_send(o, "/ch/01/dyn/knee", "f", 0.6);         /* step 3 of 0..5: 6 dB */
	hx_osc_send(o, "/ch/01/eq/1/type", "i", 0);          /* LCut: band 1's low cut */
	hx_osc_send(o, "/ch/01/eq/2/type", "i", 0);          /* no cut on band 2: ignored */
	hx_osc_send(o, "/ch/01/eq/3/type", "s", "HShv");     /* by name, as the console takes it */
	hx_osc_send(o, "/main/st/dyn/ratio", "i", 3);        /* 2.0 */
	x32_sync(o);
	assert_float_equal(native_get("/ch/1/comp/ratio"), 10.0, 1e-5);
	assert_float_equal(native_get("/ch/1/comp/knee"), 6.0, 1e-5);
	assert_float_equal(native_get("/ch/1/eq/1/type"), 3.0, 0);
	assert_float_equal(native_get("/ch/1/eq/2/type"), 1.0, 0);    /* still a peak */
	assert_float_equal(native_get("/ch/1/eq/3/type"), 2.0, 0);
	assert_float_equal(native_get("/master/comp/ratio"), 2.0, 1e-5);
	/* A native ratio between entries reads as the nearest. */
	native_set("/ch/1/comp/ratio", 8.0);
	hx_osc_send(o, "/ch/01/dyn/ratio", "");
	m = expect(o, "/ch/01/dyn/ratio", "i");
	assert_int_equal(m.argv[0].i, 8);                    /* 7.0 */
	hx_osc_send(o, "/node", "s", "ch/01/eq/3");
	m = expect(o, "node", "s");
	assert_true(strncmp(m.argv[0].s, "/ch/01/eq/3 HShv ", 17) == 0);

	native_set("/ch/1/comp/ratio", 4.0);
	native_set("/ch/1/comp/knee", 6.0);
	native_set("/ch/1/eq/1/type", 0.0);
	native_set("/ch/1/eq/3/type", 1.0);
	native_set("/master/comp/ratio", 4.0);
	hx_osc_close(o);
}

static int group_setup(void **state)
{
	static const char *const ports[] = { "kick", "snare", NULL };
	static const char *const feed[] = { "kick", NULL };
	static const char *const record[] = { "master_L", NULL };
	static char config[1024];
	(void)state;
	g_x32_port = hx_free_udp_port();
	g_xair_port = hx_free_udp_port();
	if (g_x32_port <= 0 || g_xair_port <= 0 || g_x32_port == g_xair_port)
		return -1;
	snprintf(config, sizeof config,
		 "osc = { x32 = { enable = true; bind = \"127.0.0.1\"; port = %d; name = \"desk\"; };\n"
		 "        xair = { enable = true; bind = \"127.0.0.1\"; port = %d; model = \"XR18\"; }; };\n"
		 "aux = ( { name = \"wedge\"; type = \"monitor\"; } );\n"
		 "channels = ( { name = \"kick\"; }, { name = \"snare\"; } );\n",
		 g_x32_port, g_xair_port);
	const struct hx_rig_opts opts = { .rate = RATE, .period = PERIOD, .ports = ports,
					  .feed = feed, .record = record, .ring_s = 4.0 };
	return hx_rig_start(&g, config, &opts);
}

static int group_teardown(void **state)
{
	(void)state;
	hx_rig_stop(&g);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handshake),
		cmocka_unit_test(test_get_set_laws),
		cmocka_unit_test(test_node_text),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_enums_mapped),
		cmocka_unit_test(test_snapshots_are_scenes),
		cmocka_unit_test(test_companion_x32_sequence),
		cmocka_unit_test(test_companion_xair_sequence),
		cmocka_unit_test(test_feedback_x32),
		cmocka_unit_test(test_feedback_xair_echo),
		cmocka_unit_test(test_scene_recall_reaches_x32),
		cmocka_unit_test(test_xair_meters_bank1),
		cmocka_unit_test(test_subscriptions),
		cmocka_unit_test(test_audio_fader_half_is_minus_10),
		cmocka_unit_test(test_hostile_packets),
		cmocka_unit_test(test_lease_expires),
	};
	return hx_finish(cmocka_run_group_tests(tests, group_setup, group_teardown));
}
