/*
 * test_frontdoor.c - jmixd is never an amplifier, never loops with another desk or itself,
 * keeps answering under a flood, and applies its osc settings on SIGHUP.
 *
 * The real daemon on a private jackd; requests from raw UDP sockets on 127.0.0.1 and 127.0.0.2
 * (so the bytes that come back can be counted exactly), and liblo clients from the harness.
 * Every figure measured (bytes per request, /status latency under flood, log lines a second)
 * is printed; only generous bounds are asserted, so a busy machine does not fail the test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <lo/lo.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <time.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/integration/harness.h"

#define RATE 48000
#define PERIOD 256
#define WIRE_OVERHEAD 28          /* IPv4 and UDP headers per datagram */

static struct {
	struct hx_jackd jackd;
	struct hx_daemon daemon;
	char state_dir[HX_PATH_MAX];
} g;

static const char *config_text(const char *osc_extra, const char *state_dir)
{
	static char cfg[2048];
	snprintf(cfg, sizeof cfg,
		 "osc = { bind = \"127.0.0.1\"; zeroconf = false; meter_rate = 25; %s };\n"
		 "state = { dir = \"%s\"; };\n"
		 "channels = ( { name = \"kick\"; }, { name = \"snare\"; }, { name = \"hat\"; },\n"
		 "  { name = \"bass\"; }, { name = \"gtr\"; }, { name = \"keys\"; },\n"
		 "  { name = \"vox1\"; }, { name = \"vox2\"; } );\n",
		 osc_extra, state_dir);
	return cfg;
}

/* ---- raw UDP: exact bytes in and out ---- */

struct raw {
	int fd;
	int port;
};

static void raw_open(struct raw *r, const char *ip)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof a;
	r->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(r->fd >= 0);
	int size = 4 << 20;
	setsockopt(r->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
	assert_int_equal(inet_pton(AF_INET, ip, &a.sin_addr), 1);
	assert_int_equal(bind(r->fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(getsockname(r->fd, (struct sockaddr *)&a, &len), 0);
	r->port = ntohs(a.sin_port);
}

static void raw_close(struct raw *r)
{
	if (r->fd > 0)
		close(r->fd);
	r->fd = -1;
}

static void raw_send(struct raw *r, int port, const void *data, size_t size)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sendto(r->fd, data, size, 0, (struct sockaddr *)&to, sizeof to);
}

struct counted {
	size_t n_datagrams;
	size_t n_bytes;
	size_t max_datagram;
};

/* Receive for `seconds`, counting; stop early after `quiet_s` without a datagram. */
static struct counted raw_count(struct raw *r, double seconds, double quiet_s)
{
	static uint8_t buf[65536];
	struct counted c = { 0 };
	double t_end = hx_now() + seconds, t_last = hx_now();
	while (hx_now() < t_end && hx_now() - t_last < quiet_s) {
		struct pollfd p = { .fd = r->fd, .events = POLLIN };
		if (poll(&p, 1, 10) <= 0)
			continue;
		ssize_t n;
		while ((n = recv(r->fd, buf, sizeof buf, MSG_DONTWAIT)) >= 0) {
			c.n_datagrams++;
			c.n_bytes += (size_t)n;
			if ((size_t)n > c.max_datagram)
				c.max_datagram = (size_t)n;
			t_last = hx_now();
		}
	}
	return c;
}

/* ---- OSC bytes ---- */

/* path with types "" / "i" / "s" (one argument) into buf; returns its size. */
static size_t osc_msg(uint8_t *buf, size_t size, const char *path, const char *types, ...)
{
	va_list ap;
	lo_message m = lo_message_new();
	va_start(ap, types);
	for (const char *t = types; *t; t++) {
		if (*t == 'i')
			lo_message_add_int32(m, va_arg(ap, int));
		else if (*t == 's')
			lo_message_add_string(m, va_arg(ap, const char *));
		else if (*t == 'f')
			lo_message_add_float(m, (float)va_arg(ap, double));
	}
	va_end(ap);
	size_t n = lo_message_length(m, path);
	assert_true(n <= size);
	lo_message_serialise(m, path, buf, &n);
	lo_message_free(m);
	return n;
}

/* A bundle (time tag "immediately") of n copies of the message msg. */
static size_t osc_bundle(uint8_t *buf, size_t size, const uint8_t *const *msgs,
			 const size_t *sizes, int n)
{
	static const uint8_t head[16] = { '#', 'b', 'u', 'n', 'd', 'l', 'e', 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	size_t at = sizeof head;
	memcpy(buf, head, sizeof head);
	for (int i = 0; i < n; i++) {
		uint32_t be = htonl((uint32_t)sizes[i]);
		assert_true(at + 4 + sizes[i] <= size);
		memcpy(buf + at, &be, 4);
		memcpy(buf + at + 4, msgs[i], sizes[i]);
		at += 4 + sizes[i];
	}
	return at;
}

static size_t bundle_of_same(uint8_t *buf, size_t size, const uint8_t *msg, size_t msg_size,
			     int n)
{
	const uint8_t *msgs[64];
	size_t sizes[64];
	assert_true(n <= 64);
	for (int i = 0; i < n; i++) {
		msgs[i] = msg;
		sizes[i] = msg_size;
	}
	return osc_bundle(buf, size, msgs, sizes, n);
}

static void ratio(const char *what, size_t req_bytes, size_t n_req_datagrams, struct counted c)
{
	double payload = (double)c.n_bytes / (double)req_bytes;
	double wire = (double)(c.n_bytes + WIRE_OVERHEAD * c.n_datagrams) /
		      (double)(req_bytes + WIRE_OVERHEAD * n_req_datagrams);
	fprintf(stderr, "[frontdoor] amplification %-34s request %6zu B, reply %4zu datagrams "
			"%8zu B: payload %7.1fx, wire %7.1fx\n", what, req_bytes, c.n_datagrams,
		c.n_bytes, payload, wire);
}

/* ---- the group ---- */

static int group_setup(void **state)
{
	(void)state;
	snprintf(g.state_dir, sizeof g.state_dir, "%s/frontdoor-state", hx_tmpdir());
	if (hx_jackd_start(&g.jackd, RATE, PERIOD) < 0)
		return -1;
	/* 127.0.0.2 plays a monitor-role host: it must not take every subscriber slot either. */
	if (hx_daemon_start(&g.daemon, &g.jackd,
			    config_text("allow = ( { net = \"127.0.0.1/32\"; },"
					" { net = \"127.0.0.2/32\"; role = \"monitor\"; } );",
					g.state_dir), NULL) < 0)
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	if (g.daemon.pid)
		hx_daemon_stop(&g.daemon, SIGTERM, 3.0);
	hx_jackd_stop(&g.jackd);
	return 0;
}

/* ---- 1. bytes out per request ---- */

static void test_amplification(void **state)
{
	uint8_t msg[64], bundle[2048];
	struct raw r;
	(void)state;
	raw_open(&r, "127.0.0.1");

	size_t n = osc_msg(msg, sizeof msg, "/dump", "");
	raw_send(&r, g.daemon.osc_port, msg, n);
	struct counted one = raw_count(&r, 3.0, 0.5);
	ratio("/dump", n, 1, one);
	assert_true(one.n_bytes > 10000);   /* the whole state of 8 channels did arrive */

	hx_sleep(2.1);                       /* a new dump window */
	size_t nb = bundle_of_same(bundle, sizeof bundle, msg, n, 64);
	raw_send(&r, g.daemon.osc_port, bundle, nb);
	struct counted b64 = raw_count(&r, 4.0, 2.5);
	ratio("bundle of 64 /dump", nb, 1, b64);
	/* One dump now and one when the 2 s are up, however many were asked for (was 64). */
	if (b64.n_bytes > 2 * one.n_bytes + 1000)
		fail_msg("a bundle of 64 /dump brought %zu bytes; one dump is %zu", b64.n_bytes,
			 one.n_bytes);

	/* 50 /dump in one second, one at a time: two or three dumps, not fifty. */
	hx_sleep(2.1);
	struct counted c50 = { 0 };
	for (int i = 0; i < 50; i++) {
		raw_send(&r, g.daemon.osc_port, msg, n);
		struct counted c = raw_count(&r, 0.02, 0.02);
		c50.n_bytes += c.n_bytes;
		c50.n_datagrams += c.n_datagrams;
	}
	struct counted rest = raw_count(&r, 4.0, 2.5);
	c50.n_bytes += rest.n_bytes;
	c50.n_datagrams += rest.n_datagrams;
	ratio("50 /dump in 1 s (each)", n * 50, 50, c50);
	if (c50.n_bytes > 3 * one.n_bytes + 1000)
		fail_msg("50 /dump in a second brought %zu bytes, more than 3 dumps of %zu",
			 c50.n_bytes, one.n_bytes);

	/* /info: one small answer. */
	n = osc_msg(msg, sizeof msg, "/info", "");
	raw_send(&r, g.daemon.osc_port, msg, n);
	struct counted info = raw_count(&r, 1.0, 0.3);
	ratio("/info", n, 1, info);
	assert_int_equal(info.n_datagrams, 1);

	/* /subscribe over its 10 s lease: the dump, then meters at 25 Hz, then nothing. */
	hx_sleep(2.1);
	n = osc_msg(msg, sizeof msg, "/subscribe", "");
	raw_send(&r, g.daemon.osc_port, msg, n);
	struct counted sub = raw_count(&r, 11.5, 1.0);
	ratio("/subscribe over its lease", n, 1, sub);
	/* Bounded by the per-destination budget (256 kB/s) whatever the console's size. */
	assert_true(sub.n_bytes <= 262144 * 11.5);
	raw_close(&r);
}

/* ---- 2. another host's /status under a flood ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/*
 * Flood from 127.0.0.1 with `packet` as fast as a paced sender allows (n_per_ms datagrams
 * each millisecond) for `seconds`, while 127.0.0.2 asks /status every 20 ms. Returns the
 * number of probes unanswered within 2 s; p50/p99 in ms are printed and stored.
 */
static int flood_and_probe(const char *what, const uint8_t *packet, size_t size, int every_ms,
			   double seconds, double *p50, double *p99, int *n_answers)
{
	struct raw flood, probe;
	uint8_t q[32];
	size_t nq = osc_msg(q, sizeof q, "/status", "");
	double lat[2048];
	int n_lat = 0, n_lost = 0;
	size_t n_sent = 0;

	raw_open(&flood, "127.0.0.1");
	raw_open(&probe, "127.0.0.2");
	double t0 = hx_now(), t_probe = t0, t_asked = 0;
	bool is_waiting = false;
	for (int ms = 0; hx_now() - t0 < seconds; ms++) {
		double due = t0 + ms * 0.001;
		/* Wait for the next flood datagram's time on the probe's socket, so an answer is
		 * timed when it arrives, not at the next millisecond. */
		while (is_waiting && hx_now() < due) {
			double left = due - hx_now();
			struct timespec ts = { 0, (long)(left * 1e9) };
			struct pollfd p = { .fd = probe.fd, .events = POLLIN };
			uint8_t answer[256];
			if (left > 0 && ppoll(&p, 1, &ts, NULL) > 0 &&
			    recv(probe.fd, answer, sizeof answer, MSG_DONTWAIT) > 0) {
				if (n_lat < 2048)
					lat[n_lat++] = (hx_now() - t_asked) * 1e3;
				is_waiting = false;
			}
		}
		double wait = due - hx_now();
		if (wait > 0)
			hx_sleep(wait);
		if (ms % every_ms == 0) {
			raw_send(&flood, g.daemon.osc_port, packet, size);
			n_sent++;
		}
		/* The flood's answers are read and thrown away, as a victim's stack would. */
		uint8_t sink[4096];
		while (recv(flood.fd, sink, sizeof sink, MSG_DONTWAIT) >= 0)
			;
		if (is_waiting) {
			ssize_t got = recv(probe.fd, sink, sizeof sink, MSG_DONTWAIT);
			if (got > 0 && n_lat < 2048) {
				lat[n_lat++] = (hx_now() - t_asked) * 1e3;
				is_waiting = false;
			} else if (hx_now() - t_asked > 2.0) {
				n_lost++;
				is_waiting = false;
			}
		}
		if (!is_waiting && hx_now() >= t_probe) {
			raw_send(&probe, g.daemon.osc_port, q, nq);
			t_asked = hx_now();
			t_probe = t_asked + 0.02;
			is_waiting = true;
		}
	}
	qsort(lat, (size_t)n_lat, sizeof lat[0], cmp_double);
	*p50 = n_lat ? lat[n_lat / 2] : INFINITY;
	*p99 = n_lat ? lat[(n_lat * 99) / 100] : INFINITY;
	*n_answers = n_lat;
	fprintf(stderr, "[frontdoor] /status from 127.0.0.2 under %s (%zu datagrams in %.1f s): "
			"%d answers, p50 %.2f ms, p99 %.2f ms, max %.2f ms, %d unanswered\n", what,
		n_sent, seconds, n_lat, *p50, *p99, n_lat ? lat[n_lat - 1] : INFINITY, n_lost);
	raw_close(&flood);
	raw_close(&probe);
	return n_lost;
}

/*
 * Generous bounds only: most probes answered, the median well under the 250 ms a person would
 * notice. Under emulation (the arm64 run) the flood is ten times thinner and the bound looser:
 * there the figures measure the emulator.
 */
static void check_probes(int n_answers, int n_lost, double p50)
{
	bool is_emulated = getenv("JMIXD_ITEST_EMULATED") != NULL;
	if (n_lost > (n_answers + n_lost) / (is_emulated ? 4 : 20))
		fail_msg("%d of %d /status probes unanswered within 2 s", n_lost, n_answers + n_lost);
	if (p50 > (is_emulated ? 2000.0 : 250.0))
		fail_msg("/status median latency %.1f ms under the flood", p50);
}

static void test_status_under_flood(void **state)
{
	uint8_t msg[64], bundle[4096];
	double p50, p99;
	int n_answers, every_ms = getenv("JMIXD_ITEST_EMULATED") ? 10 : 1;
	(void)state;

	/* The review's flood, 20 times over: bundles of 64 /dump, 1000 a second (was: 1,054 ms
	 * median at 50 a second). */
	size_t n = osc_msg(msg, sizeof msg, "/status", "");
	int lost = flood_and_probe("no flood (baseline)", msg, n, 1 << 30, 2.0, &p50, &p99,
				   &n_answers);
	n = osc_msg(msg, sizeof msg, "/dump", "");
	size_t nb = bundle_of_same(bundle, sizeof bundle, msg, n, 64);
	lost = flood_and_probe("a /dump-bundle flood", bundle, nb, every_ms, 4.0, &p50, &p99,
			       &n_answers);
	check_probes(n_answers, lost, p50);

	/* Bundles of 32 /subscribe i <port>, each a different port, 1000 a second. */
	const uint8_t *msgs[32];
	size_t sizes[32];
	static uint8_t subs[32][32];
	for (int i = 0; i < 32; i++) {
		sizes[i] = osc_msg(subs[i], sizeof subs[i], "/subscribe", "i", 40000 + i);
		msgs[i] = subs[i];
	}
	nb = osc_bundle(bundle, sizeof bundle, msgs, sizes, 32);
	lost = flood_and_probe("a /subscribe-bundle flood", bundle, nb, every_ms, 4.0, &p50, &p99,
			       &n_answers);
	check_probes(n_answers, lost, p50);
}

/* ---- 3. subscriptions per host ---- */

/*
 * /status's subscriber count. The host just flooded: an answer to it may be dropped by its
 * spent reply budget (by design), so a lost answer is asked again, twice at most.
 */
static int status_clients(struct hx_osc *o)
{
	struct hx_osc_msg m;
	int tries = 1;
	while (hx_osc_query(o, "/status", 2.0, &m) != 0)
		if (++tries > 3)
			fail_msg("/status from 127.0.0.1 unanswered three times");
	if (tries > 1)
		fprintf(stderr, "[frontdoor] /status from the flooding host answered at try %d\n",
			tries);
	assert_true(m.argc >= 7);
	return m.argv[3].i;
}

static void test_subscriptions_per_host(void **state)
{
	uint8_t bundle[2048];
	static uint8_t subs[32][32];
	const uint8_t *msgs[32];
	size_t sizes[32];
	struct raw mon;
	(void)state;

	/* Wait until the flood's subscriptions have expired (10 s lease). */
	struct hx_osc *tablet = hx_osc_open_from(g.daemon.osc_port, "127.0.0.1");
	assert_non_null(tablet);
	double t0 = hx_now();
	while (status_clients(tablet) > 0 && hx_now() - t0 < 15.0)
		hx_sleep(0.2);
	assert_int_equal(status_clients(tablet), 0);

	/* A monitor-role host asks for 32 subscriptions in one bundle: it gets 4. */
	raw_open(&mon, "127.0.0.2");
	for (int i = 0; i < 32; i++) {
		sizes[i] = osc_msg(subs[i], sizeof subs[i], "/subscribe", "i", 41000 + i);
		msgs[i] = subs[i];
	}
	size_t nb = osc_bundle(bundle, sizeof bundle, msgs, sizes, 32);
	raw_send(&mon, g.daemon.osc_port, bundle, nb);
	hx_sleep(0.3);
	int n = status_clients(tablet);
	fprintf(stderr, "[frontdoor] one host asked for 32 subscriptions: %d granted\n", n);
	assert_int_equal(n, 4);

	/* Another surface still gets in. */
	assert_int_equal(hx_osc_send(tablet, "/subscribe", ""), 0);
	hx_sleep(0.3);
	assert_int_equal(status_clients(tablet), 5);
	hx_osc_send(tablet, "/unsubscribe", "");
	hx_osc_close(tablet);
	raw_close(&mon);
}

/* ---- 4. no loops ---- */

static void test_no_self_subscription(void **state)
{
	struct hx_osc_msg m;
	(void)state;
	struct hx_osc *o = hx_osc_open(g.daemon.osc_port);
	assert_non_null(o);
	assert_int_equal(hx_osc_send(o, "/subscribe", "i", g.daemon.osc_port), 0);
	if (hx_osc_wait_error(o, "/subscribe", 2.0, &m) < 0)
		fail_msg("/subscribe i <jmixd's own port> was not refused");
	fprintf(stderr, "[frontdoor] self-subscription refused: %s\n", hx_osc_msg_str(&m));

	/* An /error sent to jmixd is not answered (it was: one /error for each). */
	hx_osc_flush(o);
	assert_int_equal(hx_osc_send(o, "/error", "ss", "/x", "test"), 0);
	assert_int_equal(hx_osc_send(o, "/status", "fiiiii", 1.0, 1, 1, 1, 1, 1), 0);
	assert_int_equal(hx_osc_send(o, "/ch/1/meter", "fff", -20.0, -20.0, 0.0), 0);
	hx_osc_pump(o, 0.5);
	if (hx_osc_pending(o))
		fail_msg("a reply was answered: %s", hx_osc_msg_str(hx_osc_peek(o, 0)));
	hx_osc_close(o);
}

/*
 * Two desks whose osc.clients name each other (through a relay that counts the datagrams),
 * and one desk whose osc.clients names itself. Each desk's meters reach the other; before,
 * each meter message was answered with an /error, and the two answered each other at the
 * rate limit, forever (20,000 datagrams a second each way).
 */
static void test_two_desks(void **state)
{
	struct raw relay[2];
	struct hx_daemon b = { 0 };
	char extra[256], dir[HX_PATH_MAX];
	(void)state;

	/* On 127.0.0.2: a desk takes any sender on a static client's host for that client,
	 * and the harness's own queries come from 127.0.0.1. */
	raw_open(&relay[0], "127.0.0.2");   /* where desk A sends feedback; forwarded to B */
	raw_open(&relay[1], "127.0.0.2");   /* where desk B sends feedback; forwarded to A */
	snprintf(extra, sizeof extra, "clients = ( { address = \"127.0.0.2\"; port = %d; } );",
		 relay[1].port);
	snprintf(dir, sizeof dir, "%s/desk-b", hx_tmpdir());
	assert_int_equal(hx_daemon_start(&b, &g.jackd, config_text(extra, dir), NULL), 0);

	/* Desk A is the group's daemon: add the client with a reload (also tests SIGHUP). */
	char *cfg = hx_read_file(g.daemon.cfg_path, 0);
	assert_non_null(cfg);
	char *tail = strstr(cfg, "};\nstate");
	assert_non_null(tail);
	char fresh[4096];
	snprintf(extra, sizeof extra, "clients = ( { address = \"127.0.0.2\"; port = %d; } ); ",
		 relay[0].port);
	snprintf(fresh, sizeof fresh, "%.*s %s%s", (int)(tail - cfg), cfg, extra, tail);
	char path[HX_PATH_MAX];
	assert_int_equal(hx_write_file("frontdoor-a.cfg", fresh, path), 0);
	assert_int_equal(rename(path, g.daemon.cfg_path), 0);
	size_t mark = hx_daemon_log_mark(&g.daemon);
	kill(g.daemon.pid, SIGHUP);
	if (hx_daemon_log_wait(&g.daemon, mark, "osc.clients applied", 1, 5.0) < 1)
		fail_msg("the reload did not apply osc.clients");

	/* A change on desk A must not drive desk B through A's feedback. */
	struct hx_osc *to_a = hx_osc_open(g.daemon.osc_port), *to_b = hx_osc_open(b.osc_port);
	assert_non_null(to_a);
	assert_non_null(to_b);
	assert_int_equal(hx_osc_send(to_a, "/ch/1/fader", "f", -7.5), 0);

	/* Relay for 3 s, counting. */
	size_t n_relayed[2] = { 0 };
	double t0 = hx_now();
	while (hx_now() - t0 < 3.0) {
		struct pollfd p[2] = { { .fd = relay[0].fd, .events = POLLIN },
				       { .fd = relay[1].fd, .events = POLLIN } };
		if (poll(p, 2, 10) <= 0)
			continue;
		for (int k = 0; k < 2; k++) {
			uint8_t buf[65536];
			struct sockaddr_in from;
			socklen_t len = sizeof from;
			ssize_t n;
			while ((n = recvfrom(relay[k].fd, buf, sizeof buf, MSG_DONTWAIT,
					     (struct sockaddr *)&from, &len)) >= 0) {
				int from_port = ntohs(from.sin_port);
				int a_port = g.daemon.osc_port, b_port = b.osc_port;
				int to = from_port == a_port ? b_port : a_port;
				raw_send(&relay[k], to, buf, (size_t)n);
				n_relayed[k]++;
				len = sizeof from;
			}
		}
	}
	double rate0 = (double)n_relayed[0] / 3.0, rate1 = (double)n_relayed[1] / 3.0;
	fprintf(stderr, "[frontdoor] two desks pointed at each other: %.0f and %.0f datagrams/s "
			"through the relay (meters at 25 Hz; the loop was 20,000/s)\n", rate0, rate1);
	assert_true(rate0 < 200 && rate1 < 200);
	struct hx_osc_msg m;
	assert_int_equal(hx_osc_query(to_b, "/ch/1/fader", 2.0, &m), 0);
	if (fabs(m.argv[0].d - -7.5) < 1e-3)
		fail_msg("desk B's fader followed desk A's feedback");

	/* Put desk A back: no clients. */
	assert_int_equal(hx_write_file("frontdoor-a.cfg", cfg, path), 0);
	assert_int_equal(rename(path, g.daemon.cfg_path), 0);
	mark = hx_daemon_log_mark(&g.daemon);
	kill(g.daemon.pid, SIGHUP);
	hx_daemon_log_wait(&g.daemon, mark, "osc.clients applied", 1, 5.0);
	hx_osc_send(to_a, "/ch/1/fader", "f", 0.0);
	free(cfg);
	hx_osc_close(to_a);

	/* Desk B, reloaded with osc.clients naming its own socket: refused, and B stays quiet. */
	cfg = hx_read_file(b.cfg_path, 0);
	assert_non_null(cfg);
	char *at = strstr(cfg, "port = ");
	assert_non_null(at);
	at += strlen("port = ");
	snprintf(fresh, sizeof fresh, "%.*s%d%s", (int)(at - cfg), cfg, b.osc_port,
		 strchr(at, ';'));
	char *host = strstr(fresh, "127.0.0.2");
	assert_non_null(host);
	host[8] = '1';
	assert_int_equal(hx_write_file("frontdoor-b.cfg", fresh, path), 0);
	assert_int_equal(rename(path, b.cfg_path), 0);
	mark = hx_daemon_log_mark(&b);
	kill(b.pid, SIGHUP);
	if (hx_daemon_log_wait(&b, mark, "jmixd's own socket", 1, 5.0) < 1)
		fail_msg("an osc.clients entry naming the desk's own socket was not refused");
	hx_sleep(1.0);
	char *log = hx_daemon_log(&b, mark);
	size_t n_lines = hx_count_lines(log, "jmixd: ");
	fprintf(stderr, "[frontdoor] desk with itself in osc.clients: %zu log lines in the second "
			"after the reload\n", n_lines);
	assert_true(n_lines < 10);
	free(log);
	free(cfg);
	hx_osc_close(to_b);
	hx_daemon_stop(&b, SIGTERM, 3.0);
	raw_close(&relay[0]);
	raw_close(&relay[1]);
}

/* ---- 5. log lines a second ---- */

/*
 * Send packet 1000 times a second for `seconds` and count the daemon's log lines: in all, and
 * in the last 2 s (the steady rate once the burst allowance is spent). Returns the total.
 */
static size_t log_lines(const char *what, const uint8_t *packet, size_t size, double seconds)
{
	struct raw r;
	raw_open(&r, "127.0.0.1");
	size_t mark = hx_daemon_log_mark(&g.daemon), mark_late = 0;
	double t0 = hx_now(), t_late = 0;
	for (int ms = 0; hx_now() - t0 < seconds; ms++) {
		double wait = t0 + ms * 0.001 - hx_now();
		if (wait > 0)
			hx_sleep(wait);
		if (!mark_late && hx_now() - t0 >= seconds - 2.0) {
			mark_late = hx_daemon_log_mark(&g.daemon);
			t_late = hx_now();
		}
		raw_send(&r, g.daemon.osc_port, packet, size);
		uint8_t sink[4096];
		while (recv(r.fd, sink, sizeof sink, MSG_DONTWAIT) >= 0)
			;
	}
	double t_end = hx_now();
	hx_sleep(0.3);
	char *log = hx_daemon_log(&g.daemon, mark), *late = hx_daemon_log(&g.daemon, mark_late);
	size_t n = hx_count_lines(log, "jmixd: "), n_late = hx_count_lines(late, "jmixd: ");
	size_t n_summary = hx_count_lines(log, "lines not written");
	free(log);
	free(late);
	raw_close(&r);
	fprintf(stderr, "[frontdoor] log under %s: %zu lines in %.1f s, %.0f lines/s in the last "
			"%.1f s (%zu lines saying how many were withheld)\n", what, n, t_end - t0,
		(double)n_late / (t_end - t_late), t_end - t_late, n_summary);
	assert_true((double)n_late / (t_end - t_late) <= 60.0);
	return n;
}

static void test_log_rate(void **state)
{
	uint8_t msg[128], bundle[4096];
	(void)state;
	size_t n = osc_msg(msg, sizeof msg, "/master/loudness/reset", "");
	size_t nb = bundle_of_same(bundle, sizeof bundle, msg, n, 64);
	/* A burst of 500 lines, then 50 a second: over 5 s at most 750 lines (was 24,000 a
	 * second). */
	assert_true(log_lines("/master/loudness/reset bundles", bundle, nb, 5.0) <= 800);

	const uint8_t *msgs[64];
	size_t sizes[64];
	static uint8_t pairs[2][32];
	sizes[0] = osc_msg(pairs[0], sizeof pairs[0], "/subscribe", "");
	sizes[1] = osc_msg(pairs[1], sizeof pairs[1], "/unsubscribe", "");
	for (int i = 0; i < 64; i++) {
		msgs[i] = pairs[i % 2];
		sizes[i] = sizes[i % 2];
	}
	nb = osc_bundle(bundle, sizeof bundle, msgs, sizes, 64);
	hx_sleep(10.0);   /* the log's burst refills */
	assert_true(log_lines("/subscribe + /unsubscribe bundles", bundle, nb, 5.0) <= 800);
}

/* ---- 6. /snapshot/list in datagrams of at most 1400 bytes ---- */

static void test_snapshot_list_pages(void **state)
{
	uint8_t msg[256];
	struct raw r;
	enum { N_SCENES = 60 };
	char name[72];
	(void)state;
	raw_open(&r, "127.0.0.1");
	/*
	 * Scene saves are rate limited (a burst of 4, then 1 a second: jmixd(1)), so one scene is
	 * saved over OSC and the other 59 are copies of its file put beside it, as an engineer
	 * copying scenes between desks would: the list reads the folder.
	 */
	snprintf(name, sizeof name, "scene_%02d_%0*d", 0, 55, 0);   /* 64 characters */
	size_t n0 = osc_msg(msg, sizeof msg, "/snapshot/save", "s", name);
	raw_send(&r, g.daemon.osc_port, msg, n0);
	raw_count(&r, 2.0, 0.05);
	char src[HX_PATH_MAX + 96], dst[HX_PATH_MAX + 96];
	snprintf(src, sizeof src, "%s/scenes/%s.cfg", g.state_dir, name);
	static char scene[1 << 20];
	FILE *f = fopen(src, "rb");
	assert_non_null(f);
	size_t scene_size = fread(scene, 1, sizeof scene, f);
	fclose(f);
	assert_true(scene_size > 0 && scene_size < sizeof scene);
	for (int i = 1; i < N_SCENES; i++) {
		snprintf(name, sizeof name, "scene_%02d_%0*d", i, 55, 0);
		snprintf(dst, sizeof dst, "%s/scenes/%s.cfg", g.state_dir, name);
		f = fopen(dst, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(scene, 1, scene_size, f), scene_size);
		assert_int_equal(fclose(f), 0);
	}
	size_t n = osc_msg(msg, sizeof msg, "/snapshot/list", "");
	raw_send(&r, g.daemon.osc_port, msg, n);

	/* Read the pages with liblo: bundle, one message, i first, i total, names. */
	int n_names = 0, n_pages = 0, total = -1;
	char last[72] = "";
	double t0 = hx_now();
	while (n_names < N_SCENES && hx_now() - t0 < 3.0) {
		static uint32_t buf[16384];
		struct pollfd p = { .fd = r.fd, .events = POLLIN };
		if (poll(&p, 1, 50) <= 0)
			continue;
		ssize_t got = recv(r.fd, buf, sizeof buf, 0);
		assert_true(got > 20);
		if ((size_t)got > 1400)
			fail_msg("a /snapshot/list datagram of %zd bytes (at most 1400)", got);
		uint32_t size = ntohl(buf[4]);
		int result = 0;
		lo_message m = lo_message_deserialise(buf + 5, size, &result);
		assert_non_null(m);
		assert_string_equal((const char *)(buf + 5), "/snapshot/list");
		lo_arg **argv = lo_message_get_argv(m);
		const char *types = lo_message_get_types(m);
		assert_true(types[0] == 'i' && types[1] == 'i');
		int32_t first, count;
		memcpy(&first, argv[0], 4);
		memcpy(&count, argv[1], 4);
		assert_int_equal(first, n_names);
		total = count;
		for (int i = 2; i < lo_message_get_argc(m); i++) {
			const char *s = (const char *)argv[i];
			if (strcmp(s, last) <= 0)
				fail_msg("scene list not sorted: %s after %s", s, last);
			snprintf(last, sizeof last, "%s", s);
			n_names++;
		}
		n_pages++;
		lo_message_free(m);
	}
	fprintf(stderr, "[frontdoor] /snapshot/list of %d scenes with 64-character names: %d "
			"datagrams of at most 1400 bytes\n", n_names, n_pages);
	assert_int_equal(total, N_SCENES);
	assert_int_equal(n_names, N_SCENES);
	assert_true(n_pages >= 3);
	for (int i = 0; i < N_SCENES; i++) {
		snprintf(name, sizeof name, "scene_%02d_%0*d", i, 55, 0);
		n = osc_msg(msg, sizeof msg, "/snapshot/delete", "s", name);
		raw_send(&r, g.daemon.osc_port, msg, n);
		raw_count(&r, 2.0, 0.05);
	}
	raw_close(&r);
}

/* ---- 7. SIGHUP applies osc.allow and osc.rate_limit ---- */

static void test_reload_allow_and_rate(void **state)
{
	struct hx_osc_msg m;
	(void)state;
	char *cfg = hx_read_file(g.daemon.cfg_path, 0);
	assert_non_null(cfg);
	struct hx_osc *from2 = hx_osc_open_from(g.daemon.osc_port, "127.0.0.2");
	assert_non_null(from2);
	assert_int_equal(hx_osc_query(from2, "/master/fader", 2.0, &m), 0);

	/* Only 127.0.0.1, and 10 messages a second. */
	char fresh[4096], path[HX_PATH_MAX];
	char *tail = strstr(cfg, "};\nstate");
	assert_non_null(tail);
	snprintf(fresh, sizeof fresh,
		 "osc = { bind = \"127.0.0.1\"; zeroconf = false; meter_rate = 25; rate_limit = 10;"
		 " allow = ( { net = \"127.0.0.1/32\"; } ); %s", tail);
	assert_int_equal(hx_write_file("frontdoor-reload.cfg", fresh, path), 0);
	assert_int_equal(rename(path, g.daemon.cfg_path), 0);
	size_t mark = hx_daemon_log_mark(&g.daemon);
	kill(g.daemon.pid, SIGHUP);
	if (hx_daemon_log_wait(&g.daemon, mark, "osc.allow applied", 1, 5.0) < 1)
		fail_msg("the reload did not say it applied osc.allow");
	hx_daemon_log_wait(&g.daemon, mark, "osc.rate_limit applied", 1, 2.0);

	/* 127.0.0.2 is no longer heard. */
	if (hx_osc_query(from2, "/master/fader", 1.0, &m) == 0)
		fail_msg("127.0.0.2 is still answered after osc.allow dropped it");

	/* 50 queries in a burst from 127.0.0.1: about 10 answered. */
	hx_sleep(1.1);
	struct raw r;
	uint8_t q[64];
	raw_open(&r, "127.0.0.1");
	size_t nq = osc_msg(q, sizeof q, "/master/fader", "");
	for (int i = 0; i < 50; i++)
		raw_send(&r, g.daemon.osc_port, q, nq);
	struct counted c = raw_count(&r, 1.0, 0.3);
	fprintf(stderr, "[frontdoor] after a reload to rate_limit = 10: %zu of 50 answered\n",
		c.n_datagrams);
	assert_true(c.n_datagrams <= 12);
	raw_close(&r);

	/* Back to the group's config. */
	assert_int_equal(hx_write_file("frontdoor-reload.cfg", cfg, path), 0);
	assert_int_equal(rename(path, g.daemon.cfg_path), 0);
	mark = hx_daemon_log_mark(&g.daemon);
	kill(g.daemon.pid, SIGHUP);
	hx_daemon_log_wait(&g.daemon, mark, "osc.allow applied", 1, 5.0);
	assert_int_equal(hx_osc_query(from2, "/master/fader", 2.0, &m), 0);
	hx_osc_close(from2);
	free(cfg);
}

/* ---- 8. loudness blocks lost to a stalled control loop are reported ---- */

/* /status's loudness-drop count. After the flood test this host's reply budget may still be
 * spent (by design): a lost answer is asked again, twice at most. */
static int status_loudness_dropped(struct hx_osc *o)
{
	struct hx_osc_msg m;
	int tries = 1;
	while (hx_osc_query(o, "/status", 2.0, &m) != 0)
		if (++tries > 3)
			fail_msg("/status from 127.0.0.1 unanswered three times");
	assert_true(m.argc >= 7);
	return m.argv[6].i;
}

/*
 * Stop only the daemon's control thread (its main thread: ptrace stops one thread, and the
 * JACK process thread goes on) for 2.5 s: the meter ring fills, the audio thread keeps 8
 * loudness blocks of 100 ms and must count the rest, and /status must say so.
 */
static void test_loudness_drops_reported(void **state)
{
	(void)state;
	struct hx_osc *o = hx_osc_open(g.daemon.osc_port);
	assert_non_null(o);
	int before = status_loudness_dropped(o);
	pid_t pid = g.daemon.pid;
	if (ptrace(PTRACE_SEIZE, pid, NULL, NULL) < 0) {
		fprintf(stderr, "[frontdoor] cannot ptrace the daemon (%s): stall not tested\n",
			strerror(errno));
		hx_osc_close(o);
		skip();
	}
	int status;
	assert_int_equal(ptrace(PTRACE_INTERRUPT, pid, NULL, NULL), 0);
	assert_int_equal(waitpid(pid, &status, __WALL), pid);
	hx_sleep(2.5);
	assert_int_equal(ptrace(PTRACE_DETACH, pid, NULL, NULL), 0);
	/* The count reaches /status at the control loop's next tick: ask until it moves. */
	int after = status_loudness_dropped(o);
	for (double t0 = hx_now(); after < before + 5 && hx_now() - t0 < 2.0; hx_sleep(0.05))
		after = status_loudness_dropped(o);
	fprintf(stderr, "[frontdoor] control thread stopped 2.5 s: /status loudness blocks "
			"dropped %d -> %d\n", before, after);
	assert_true(after >= before + 5);
	hx_osc_close(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_amplification),
		cmocka_unit_test(test_no_self_subscription),
		cmocka_unit_test(test_snapshot_list_pages),
		cmocka_unit_test(test_reload_allow_and_rate),
		cmocka_unit_test(test_two_desks),
		cmocka_unit_test(test_log_rate),
		cmocka_unit_test(test_status_under_flood),
		cmocka_unit_test(test_subscriptions_per_host),
		cmocka_unit_test(test_loudness_drops_reported),
	};
	/* These wait out reply budgets, the log's refill and 10 s leases: a minute of wall time
	 * spent measuring the control thread's pacing, which the plain run does. The checkers'
	 * quick runs (JMIXD_ITEST_QUICK: RT guard, RTSan, the sanitizers, qemu) take the rest. */
	static const char *const pacing_tests[] = { "test_amplification", "test_log_rate",
						    "test_subscriptions_per_host" };
	struct CMUnitTest chosen[sizeof tests / sizeof tests[0]];
	size_t n_chosen = 0;
	for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
		bool is_pacing = false;
		for (size_t k = 0; k < sizeof pacing_tests / sizeof pacing_tests[0]; k++)
			is_pacing |= strcmp(tests[i].name, pacing_tests[k]) == 0;
		if (!is_pacing || !getenv("JMIXD_ITEST_QUICK"))
			chosen[n_chosen++] = tests[i];
	}
	double t0 = hx_now();
	if (getenv("JMIXD_ITEST_FILTER"))
		cmocka_set_test_filter(getenv("JMIXD_ITEST_FILTER"));
	int failed = _cmocka_run_group_tests("jmixd integration: front door", chosen, n_chosen,
					     group_setup, group_teardown);
	fprintf(stderr, "[hx] test_frontdoor: %.1f s\n", hx_now() - t0);
	return hx_finish(failed) ? 1 : 0;
}
