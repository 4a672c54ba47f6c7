/*
 * test_osc_route.c - osc_route_message and osc_route_reject end to end on real sockets: a
 * config loaded from a real file, a real control, the router's own UDP socket on 127.0.0.1
 * and a second socket as the client. Messages are serialised and parsed again by liblo (as
 * the server does), replies are received from the socket and parsed by liblo.
 *
 * Also the /norm tapers of the parameter table, row by row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <lo/lo.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "daemon/config.h"
#include "daemon/control.h"
#include "daemon/log.h"
#include "daemon/params.h"
#include "osc/packet.h"
#include "osc/reply.h"
#include "osc/route.h"
#include "tests/unit/unit_util.h"

#define FIXTURE "tests/fixtures/good-three.cfg"   /* kick, snare, vox */

struct fx {
	struct setup setup;
	struct control control;
	struct osc_router router;
	int router_fd;
	int client_fd;
	struct osc_peer client;        /* the client socket's address: the message's sender */
	struct sockaddr_in router_addr;
	float *snapshot;
	int n_values;
	enum access_role role;         /* the sender's role for route() */
};

/* ---- sockets ---- */

static int udp_socket(struct sockaddr_in *addr)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	socklen_t len = sizeof *addr;
	assert_int_equal(getsockname(fd, (struct sockaddr *)addr, &len), 0);
	return fd;
}

static int fx_open(struct fx *f, const char *config_path)
{
	char err[1024];
	struct sockaddr_in client_addr;

	memset(f, 0, sizeof *f);
	if (config_load(config_path, &f->setup, err, sizeof err) < 0) {
		print_error("%s\n", err);
		return -1;
	}
	if (control_init(&f->control, &f->setup) < 0)
		return -1;
	f->router_fd = udp_socket(&f->router_addr);
	f->client_fd = udp_socket(&client_addr);
	struct timeval tv = { .tv_sec = 2 };
	setsockopt(f->client_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	memcpy(&f->client.addr, &client_addr, sizeof client_addr);
	f->client.len = sizeof client_addr;
	f->router = (struct osc_router){ .out = { .fd = f->router_fd }, .control = &f->control,
					 .client_name = f->setup.client_name };
	f->n_values = f->control.n_values;
	f->snapshot = calloc((size_t)f->n_values, sizeof *f->snapshot);
	return f->snapshot ? 0 : -1;
}

static void fx_close(struct fx *f)
{
	close(f->router_fd);
	close(f->client_fd);
	control_free(&f->control);
	config_free(&f->setup);
	free(f->snapshot);
}

static int setup_fx(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f || fx_open(f, FIXTURE) < 0) {
		free(f);
		return -1;
	}
	log_set_level(LOG_ERROR);   /* rejections are expected here; the log test turns it on */
	*state = f;
	return 0;
}

static int teardown_fx(void **state)
{
	fx_close(*state);
	free(*state);
	log_set_level(LOG_INFO);
	return 0;
}

/* ---- sending: serialise, pre-filter and parse with liblo, as the server does ---- */

static void route(struct fx *f, const char *path, lo_message m)
{
	uint32_t buf[OSC_MAX_PACKET / 4];
	struct osc_message_span span;
	const char *reason = "";
	size_t size = lo_message_length(m, path);

	assert_true(size > 0 && size <= sizeof buf);
	assert_non_null(lo_message_serialise(m, path, buf, &size));
	if (osc_packet_check((const uint8_t *)buf, size, &span, 1, &reason) != 1)
		fail_msg("test message %s refused by the pre-filter: %s", path, reason);
	int result = 0;
	lo_message parsed = lo_message_deserialise(buf, size, &result);
	assert_non_null(parsed);
	osc_route_message(&f->router, &f->client, f->role ? f->role : ROLE_CONTROL, path,
			  lo_message_get_types(parsed),
			  lo_message_get_argv(parsed), lo_message_get_argc(parsed));
	lo_message_free(parsed);
	lo_message_free(m);
}

static lo_message msg_f(float v)
{
	lo_message m = lo_message_new();
	lo_message_add_float(m, v);
	return m;
}

static lo_message msg_i(int v)
{
	lo_message m = lo_message_new();
	lo_message_add_int32(m, v);
	return m;
}

static lo_message msg_d(double v)
{
	lo_message m = lo_message_new();
	lo_message_add_double(m, v);
	return m;
}

static lo_message msg_h(int64_t v)
{
	lo_message m = lo_message_new();
	lo_message_add_int64(m, v);
	return m;
}

static lo_message msg_bool(bool v)
{
	lo_message m = lo_message_new();
	if (v)
		lo_message_add_true(m);
	else
		lo_message_add_false(m);
	return m;
}

static lo_message msg_none(void)
{
	return lo_message_new();
}

/* ---- receiving ---- */

struct reply {
	char path[OSC_MAX_PACKET];
	lo_message m;
	const char *types;
	lo_arg **argv;
	int argc;
};

/*
 * liblo's argv points into the message at 4-byte offsets, but union lo_arg wants 8-byte
 * alignment: read the values without a member access through the misaligned pointer.
 */
static const char *arg_s(const struct reply *r, int i)
{
	return (const char *)(const void *)r->argv[i];
}

static float arg_f(const struct reply *r, int i)
{
	float v;
	memcpy(&v, (const void *)r->argv[i], sizeof v);
	return v;
}

static int32_t arg_i(const struct reply *r, int i)
{
	int32_t v;
	memcpy(&v, (const void *)r->argv[i], sizeof v);
	return v;
}

/*
 * Every reply is a bundle with jmixd's marker time tag (osc/reply.h), holding one message:
 * returns that message and its size. A peer's feedback must never look like a request.
 */
static const uint32_t *unwrap_reply(const uint32_t *buf, size_t n, size_t *size)
{
	if (n < 24 || !osc_packet_is_reply((const uint8_t *)buf, n))
		fail_msg("reply is not a bundle with jmixd's marker time tag (%zu bytes)", n);
	*size = ntohl(buf[4]);
	assert_true(*size > 0 && *size <= n - 20);
	return buf + 5;
}

/* The next reply on the client socket (waits up to 2 s); it must come from the router. */
static void recv_reply(struct fx *f, struct reply *r)
{
	static uint32_t buf[OSC_MAX_PACKET / 4 + 1];
	struct sockaddr_in from;
	socklen_t len = sizeof from;
	ssize_t n = recvfrom(f->client_fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
	if (n < 0)
		fail_msg("no reply: %s", strerror(errno));
	assert_int_equal(from.sin_port, f->router_addr.sin_port);
	size_t size;
	const uint32_t *msg = unwrap_reply(buf, (size_t)n, &size);
	assert_true(memchr(msg, 0, size));
	strcpy(r->path, (const char *)msg);
	int result = 0;
	r->m = lo_message_deserialise((void *)(uintptr_t)msg, size, &result);
	if (!r->m)
		fail_msg("reply %s: liblo cannot parse it (%d)", r->path, result);
	r->types = lo_message_get_types(r->m);
	r->argv = lo_message_get_argv(r->m);
	r->argc = lo_message_get_argc(r->m);
}

static void reply_free(struct reply *r)
{
	lo_message_free(r->m);
	r->m = NULL;
}

/* Loopback UDP is delivered inside sendto(): nothing queued now means nothing was sent. */
static void expect_no_reply(struct fx *f)
{
	char buf[OSC_MAX_PACKET];
	ssize_t n = recv(f->client_fd, buf, sizeof buf, MSG_DONTWAIT);
	if (n >= 0)
		fail_msg("unexpected reply %s", buf);
	assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
}

static void expect_float_reply(struct fx *f, const char *path, float value, float tol)
{
	struct reply r;
	recv_reply(f, &r);
	assert_string_equal(r.path, path);
	assert_string_equal(r.types, "f");
	ut_assert_close(arg_f(&r, 0), value, tol);
	reply_free(&r);
	expect_no_reply(f);
}

static void expect_int_reply(struct fx *f, const char *path, int value)
{
	struct reply r;
	recv_reply(f, &r);
	assert_string_equal(r.path, path);
	assert_string_equal(r.types, "i");
	assert_int_equal(arg_i(&r, 0), value);
	reply_free(&r);
	expect_no_reply(f);
}

static void expect_error(struct fx *f, const char *path, const char *reason)
{
	struct reply r;
	recv_reply(f, &r);
	if (strcmp(r.path, "/error") != 0 || strcmp(r.types, "ss") != 0)
		fail_msg("%s (expecting \"%s\"): reply %s %s instead of /error ss", path,
			 reason ? reason : "", r.path, r.types);
	if (strcmp(arg_s(&r, 0), path) != 0)
		fail_msg("/error names \"%s\", expected \"%s\"", arg_s(&r, 0), path);
	if (!*arg_s(&r, 1) || (reason && !strstr(arg_s(&r, 1), reason)))
		fail_msg("%s: reason \"%s\", expected \"%s\"", path, arg_s(&r, 1),
			 reason ? reason : "(non-empty)");
	reply_free(&r);
	expect_no_reply(f);
}

/* ---- state ---- */

/* A monitor may look but not touch: sets and scene changes are refused, queries answered. */
static void test_monitor_role_cannot_set(void **state)
{
	struct fx *f = *state;
	f->role = ROLE_MONITOR;
	uint64_t changes = f->control.n_changes;
	route(f, "/ch/1/fader", msg_f(-6.0f));
	expect_error(f, "/ch/1/fader", "monitor role");
	assert_int_equal(f->control.n_changes, changes);
	route(f, "/ch/1/fader", lo_message_new());   /* a query is fine */
	struct reply r;
	recv_reply(f, &r);
	assert_string_equal(r.path, "/ch/1/fader");
	reply_free(&r);
	lo_message m = lo_message_new();
	lo_message_add_string(m, "x");
	route(f, "/snapshot/save", m);
	expect_error(f, "/snapshot/save", "monitor role");
	f->role = ROLE_CONTROL;
}

/*
 * A performer's phone (monitor-mix:wedge, bus 4): it sets the sends into the wedge and the
 * wedge's fader, queries anything, and is refused everything else with a reason.
 */
static void test_monitor_mix_role(void **state)
{
	(void)state;
	struct fx *f = calloc(1, sizeof *f);
	assert_int_equal(fx_open(f, "tests/fixtures/good-monitor-mix.cfg"), 0);
	log_set_level(LOG_ERROR);   /* the refusals are expected */
	osc_access_init(&f->router.access, &f->setup);
	f->role = osc_access_role(&f->router.access, &f->client);
	assert_int_equal(f->role, ROLE_MONITOR_MIX);
	static const char *const allowed[] = { "/ch/1/send/4/level", "/ch/gtr/send/wedge/level/norm",
					       "/ch/2/send/4/on", "/ch/1/send/4/pre",
					       "/aux/wedge/fader", "/aux/4/fader/norm" };
	static const char *const refused[] = { "/ch/1/send/3/level", "/ch/1/fader", "/ch/1/mute",
					       "/aux/4/mute", "/aux/3/fader", "/master/fader",
					       "/dca/1/fader", "/mgrp/1/on" };
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
		uint64_t n = f->control.n_changes;
		bool is_norm = strstr(allowed[i], "/norm") != NULL;
		bool is_switch = strstr(allowed[i], "/on") || strstr(allowed[i], "/pre");
		route(f, allowed[i], msg_f(is_switch ? 1.0f : is_norm ? 0.5f : -12.0f));
		expect_no_reply(f);
		if (!is_switch)   /* a switch may already be on */
			assert_true(f->control.n_changes > n);
	}
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		uint64_t n = f->control.n_changes;
		route(f, refused[i], msg_f(0.0f));
		expect_error(f, refused[i], "only its monitor mix");
		assert_int_equal(f->control.n_changes, n);
	}
	lo_message m = lo_message_new();
	lo_message_add_string(m, "x");
	route(f, "/snapshot/load", m);
	expect_error(f, "/snapshot/load", "only its monitor mix");
	route(f, "/ch/1/fader", msg_none());   /* a query is a monitor's right */
	struct reply r;
	recv_reply(f, &r);
	assert_string_equal(r.path, "/ch/1/fader");
	reply_free(&r);
	fx_close(f);
	free(f);
	log_set_level(LOG_INFO);
}

static float get(struct fx *f, enum param_scope scope, int index, const char *path)
{
	struct param_ref ref = { .desc = params_find_path(scope, path), .index = index };
	assert_non_null(ref.desc);
	return control_get(&f->control, ref);
}

#define CH(f, i, p) get(f, PARAM_CHANNEL, i, p)
#define MASTER(f, p) get(f, PARAM_MASTER, 0, p)

/* A silent, accepted set: the value lands, the sender gets no reply. */
static void set_ok(struct fx *f, const char *path, lo_message m)
{
	uint64_t n_accepted = f->router.n_accepted, n_rejected = f->router.n_rejected;
	route(f, path, m);
	expect_no_reply(f);
	assert_int_equal(f->router.n_accepted, n_accepted + 1);
	assert_int_equal(f->router.n_rejected, n_rejected);
}

/* ---- sets ---- */

static void test_set_fader_each_type(void **state)
{
	struct fx *f = *state;
	uint64_t n0 = f->control.n_changes;

	set_ok(f, "/ch/1/fader", msg_f(-10.0f));
	assert_true(CH(f, 0, "fader") == -10.0f);
	set_ok(f, "/ch/1/fader", msg_i(-20));
	assert_true(CH(f, 0, "fader") == -20.0f);
	set_ok(f, "/ch/1/fader", msg_d(-30.5));
	assert_true(CH(f, 0, "fader") == -30.5f);
	set_ok(f, "/ch/1/fader", msg_h(-40));
	assert_true(CH(f, 0, "fader") == -40.0f);
	assert_int_equal(f->control.n_changes, n0 + 4);

	/* The same value again, in any type, is not a change. */
	set_ok(f, "/ch/1/fader", msg_f(-40.0f));
	set_ok(f, "/ch/1/fader", msg_i(-40));
	set_ok(f, "/ch/1/fader", msg_d(-40.0));
	assert_int_equal(f->control.n_changes, n0 + 4);

	/* The ends of the range are inside it. */
	set_ok(f, "/ch/1/fader", msg_f(10.0f));
	assert_true(CH(f, 0, "fader") == 10.0f);
	set_ok(f, "/ch/1/fader", msg_f(-90.0f));
	assert_true(CH(f, 0, "fader") == -90.0f);
	/* Other channels untouched. */
	assert_true(CH(f, 1, "fader") == 0.0f);
	assert_true(CH(f, 2, "fader") == 0.0f);
}

static void test_set_pan(void **state)
{
	struct fx *f = *state;
	uint64_t n0 = f->control.n_changes;

	set_ok(f, "/ch/2/pan", msg_f(0.5f));
	assert_true(CH(f, 1, "pan") == 0.5f);
	set_ok(f, "/ch/2/pan", msg_i(-1));
	assert_true(CH(f, 1, "pan") == -1.0f);
	set_ok(f, "/ch/2/pan", msg_d(1.0));
	assert_true(CH(f, 1, "pan") == 1.0f);
	assert_int_equal(f->control.n_changes, n0 + 3);
	assert_true(CH(f, 0, "pan") == 0.25f);   /* kick, from the fixture */
}

static void test_set_mute_forms(void **state)
{
	static const struct {
		const char *what;
		int kind;   /* 0 f, 1 i, 2 bool */
		float arg;
		float expect;
		bool is_change;
	} steps[] = {
		{ "f 1.0", 0, 1.0f, 1.0f, true },   { "f 0.0", 0, 0.0f, 0.0f, true },
		{ "i 1", 1, 1.0f, 1.0f, true },     { "T", 2, 1.0f, 1.0f, false },
		{ "F", 2, 0.0f, 0.0f, true },       { "F", 2, 0.0f, 0.0f, false },
		{ "f 0.5", 0, 0.5f, 1.0f, true },   { "i 0", 1, 0.0f, 0.0f, true },
		{ "f -2.0", 0, -2.0f, 1.0f, true }, { "i 7", 1, 7.0f, 1.0f, false },
		{ "f -0.0", 0, -0.0f, 0.0f, true }, { "T", 2, 1.0f, 1.0f, true },
	};
	struct fx *f = *state;

	assert_true(CH(f, 1, "mute") == 0.0f);
	for (int i = 0; i < UT_ARRAY_SIZE(steps); i++) {
		uint64_t n0 = f->control.n_changes;
		lo_message m = steps[i].kind == 0   ? msg_f(steps[i].arg)
			       : steps[i].kind == 1 ? msg_i((int)steps[i].arg)
						    : msg_bool(steps[i].arg != 0.0f);
		set_ok(f, "/ch/snare/mute", m);
		if (CH(f, 1, "mute") != steps[i].expect)
			fail_msg("step %d (%s): mute = %g, expected %g", i, steps[i].what,
				 (double)CH(f, 1, "mute"), (double)steps[i].expect);
		if (f->control.n_changes != n0 + (steps[i].is_change ? 1 : 0))
			fail_msg("step %d (%s): n_changes went %llu -> %llu", i, steps[i].what,
				 (unsigned long long)n0, (unsigned long long)f->control.n_changes);
	}
}

static void test_norm_fader(void **state)
{
	static const struct {
		float norm, db;
	} points[] = {
		{ 0.75f, 0.0f },    { 0.5f, -10.0f }, { 0.25f, -30.0f },
		{ 0.0625f, -60.0f }, { 0.0f, -90.0f }, { 1.0f, 10.0f },
	};
	struct fx *f = *state;

	for (int i = 0; i < UT_ARRAY_SIZE(points); i++) {
		set_ok(f, "/ch/1/fader/norm", msg_f(points[i].norm));
		ut_assert_close(CH(f, 0, "fader"), points[i].db, 1e-4);
		/* The query of the twin answers the norm, on the twin's path. */
		route(f, "/ch/1/fader/norm", msg_none());
		expect_float_reply(f, "/ch/1/fader/norm", points[i].norm, 1e-6);
		/* And the plain path answers dB. */
		route(f, "/ch/1/fader", msg_none());
		expect_float_reply(f, "/ch/1/fader", points[i].db, 1e-4);
	}
	/* Integers and doubles work on the twin too. */
	set_ok(f, "/ch/2/fader/norm", msg_i(1));
	assert_true(CH(f, 1, "fader") == 10.0f);
	set_ok(f, "/ch/2/fader/norm", msg_d(0.5));
	ut_assert_close(CH(f, 1, "fader"), -10.0f, 1e-4);
	/* The master has the same twin. */
	set_ok(f, "/master/fader/norm", msg_f(0.25f));
	ut_assert_close(MASTER(f, "fader"), -30.0f, 1e-4);
}

static void test_norm_pan_and_mute(void **state)
{
	struct fx *f = *state;

	set_ok(f, "/ch/1/pan/norm", msg_f(0.5f));
	assert_true(CH(f, 0, "pan") == 0.0f);
	set_ok(f, "/ch/1/pan/norm", msg_f(0.0f));
	assert_true(CH(f, 0, "pan") == -1.0f);
	set_ok(f, "/ch/1/pan/norm", msg_f(1.0f));
	assert_true(CH(f, 0, "pan") == 1.0f);
	set_ok(f, "/ch/1/pan/norm", msg_f(0.625f));
	ut_assert_close(CH(f, 0, "pan"), 0.25f, 1e-6);
	route(f, "/ch/1/pan/norm", msg_none());
	expect_float_reply(f, "/ch/1/pan/norm", 0.625f, 1e-6);

	/* A switch's twin rounds: under half is off. */
	set_ok(f, "/ch/1/mute/norm", msg_f(0.6f));
	assert_true(CH(f, 0, "mute") == 1.0f);
	set_ok(f, "/ch/1/mute/norm", msg_f(0.4f));
	assert_true(CH(f, 0, "mute") == 0.0f);
	route(f, "/ch/vox/mute/norm", msg_none());
	expect_float_reply(f, "/ch/vox/mute/norm", 1.0f, 0.0f);
}

/* ---- queries ---- */

static void test_query_types(void **state)
{
	struct fx *f = *state;
	uint64_t n_changes = f->control.n_changes;

	route(f, "/ch/1/fader", msg_none());
	expect_float_reply(f, "/ch/1/fader", -6.0f, 0.0f);
	route(f, "/ch/kick/fader", msg_none());
	expect_float_reply(f, "/ch/kick/fader", -6.0f, 0.0f);
	route(f, "/ch/1/pan", msg_none());
	expect_float_reply(f, "/ch/1/pan", 0.25f, 0.0f);
	route(f, "/ch/vox/mute", msg_none());
	expect_int_reply(f, "/ch/vox/mute", 1);
	route(f, "/ch/2/mute", msg_none());
	expect_int_reply(f, "/ch/2/mute", 0);
	route(f, "/master/fader", msg_none());
	expect_float_reply(f, "/master/fader", -5.0f, 0.0f);
	route(f, "/master/mute", msg_none());
	expect_int_reply(f, "/master/mute", 0);
	assert_int_equal(f->control.n_changes, n_changes);
	assert_int_equal(f->router.n_accepted, 7);
	assert_int_equal(f->router.n_rejected, 0);
}

/* Every row of the table answers a query on /ch/1/<path> or /master/<path>. */
static void test_every_param_queryable(void **state)
{
	struct fx *f = *state;

	for (int i = 0; i < params_count; i++) {
		const struct param_desc *d = &params_table[i];
		char path[160];
		/* This console has no aux buses: send and bus rows have no instance to ask. */
		if (d->scope == PARAM_SEND || d->scope == PARAM_AUX)
			continue;
		snprintf(path, sizeof path, "%s",
			 d->scope == PARAM_CHANNEL ? "/ch/2/" : d->scope == PARAM_DCA  ? "/dca/1/"
			 : d->scope == PARAM_MGRP ? "/mgrp/1/"
			 : d->scope == PARAM_LINK ? "/link/1/"
			 : d->scope == PARAM_SAFE ? "/safe/"
						  : "/master/");
		strncat(path, d->path, sizeof path - strlen(path) - 1);
		float v = get(f, d->scope, d->scope == PARAM_CHANNEL ? 1 : 0, d->path);
		route(f, path, msg_none());
		if (d->type == PARAM_FLOAT)
			expect_float_reply(f, path, v, 0.0f);
		else
			expect_int_reply(f, path, (int)v);
	}
}

static void expect_string_reply(struct fx *f, const char *path, const char *value)
{
	struct reply r;
	recv_reply(f, &r);
	assert_string_equal(r.path, path);
	assert_string_equal(r.types, "s");
	assert_string_equal(arg_s(&r, 0), value);
	reply_free(&r);
	expect_no_reply(f);
}

/* Names answer as strings, by number or by name; they cannot be set over OSC. */
static void test_names(void **state)
{
	struct fx *f = *state;
	route(f, "/ch/1/name", msg_none());
	expect_string_reply(f, "/ch/1/name", "kick");
	route(f, "/ch/vox/name", msg_none());
	expect_string_reply(f, "/ch/vox/name", "vox");
	route(f, "/dca/2/name", msg_none());
	expect_string_reply(f, "/dca/2/name", "dca2");
	route(f, "/master/name", msg_none());
	expect_string_reply(f, "/master/name", "master");
	f->role = ROLE_MONITOR;   /* a query is a monitor's right */
	route(f, "/ch/2/name", msg_none());
	expect_string_reply(f, "/ch/2/name", "snare");
	f->role = ROLE_CONTROL;
	lo_message m = lo_message_new();
	lo_message_add_string(m, "bass");
	route(f, "/ch/1/name", m);
	expect_error(f, "/ch/1/name", "read-only");
	route(f, "/mgrp/1/name", msg_none());
	expect_error(f, "/mgrp/1/name", "unknown parameter");
	route(f, "/ch/4/name", msg_none());
	expect_error(f, "/ch/4/name", "no such channel");
}

/*
 * The single-float meters answer one float on the meter law (dB -60 .. 0 to 0 .. 1, linear
 * in dB); sent with a value they are a surface's echo and dropped without a word.
 */
static void test_meter_fields(void **state)
{
	struct fx *f = *state;
	f->control.meter_peak_db[0] = -18.0f;
	f->control.meter_gr_db[1] = 6.0f;
	f->control.master_peak_db[1] = -150.0f;
	f->control.loudness_i = -23.0f;
	f->control.master_tp_db[0] = 3.0f;
	route(f, "/ch/1/meter/peak/norm", msg_none());
	expect_float_reply(f, "/ch/1/meter/peak/norm", 0.7f, 1e-6f);
	route(f, "/ch/2/meter/gr/norm", msg_none());
	expect_float_reply(f, "/ch/2/meter/gr/norm", 0.25f, 1e-6f);
	route(f, "/master/meter/peak/r/norm", msg_none());
	expect_float_reply(f, "/master/meter/peak/r/norm", 0.0f, 0.0f);
	route(f, "/master/loudness/i", msg_none());
	expect_float_reply(f, "/master/loudness/i", -23.0f, 0.0f);
	route(f, "/master/truepeak/l", msg_none());
	expect_float_reply(f, "/master/truepeak/l", 3.0f, 0.0f);
	uint64_t dropped = f->router.n_loops_dropped;
	route(f, "/ch/1/meter/peak/norm", msg_f(0.5f));
	expect_no_reply(f);
	assert_int_equal(f->router.n_loops_dropped, dropped + 1);
	route(f, "/ch/1/meter/rms/norm", msg_none());
	expect_error(f, "/ch/1/meter/rms/norm", "unknown parameter");
	route(f, "/master/loudness/reset", msg_none());   /* still a command */
	struct reply r;
	recv_reply(f, &r);
	assert_string_equal(r.path, "/master/loudness/reset");
	reply_free(&r);
}

/* /ch/N/dca and /ch/N/mgrp: every membership at once as bits, queried as one int. */
static void test_membership_masks(void **state)
{
	struct fx *f = *state;
	route(f, "/ch/2/dca", msg_i(0x85));   /* DCAs 1, 3 and 8 */
	expect_no_reply(f);
	assert_true(CH(f, 1, "dca/1") == 1.0f && CH(f, 1, "dca/3") == 1.0f &&
		    CH(f, 1, "dca/8") == 1.0f && CH(f, 1, "dca/2") == 0.0f);
	assert_true(CH(f, 0, "dca/1") == 0.0f);
	route(f, "/ch/2/dca", msg_none());
	expect_int_reply(f, "/ch/2/dca", 0x85);
	route(f, "/ch/snare/mgrp", msg_f(33.0f));   /* mute groups 1 and 6 */
	expect_no_reply(f);
	assert_true(CH(f, 1, "mgrp/1") == 1.0f && CH(f, 1, "mgrp/6") == 1.0f);
	route(f, "/ch/2/mgrp", msg_none());
	expect_int_reply(f, "/ch/2/mgrp", 33);
	uint64_t changes = f->control.n_changes;
	route(f, "/ch/2/dca", msg_i(256));
	expect_error(f, "/ch/2/dca", "0 .. 255");
	route(f, "/ch/2/mgrp", msg_i(64));
	expect_error(f, "/ch/2/mgrp", "0 .. 63");
	route(f, "/ch/2/dca", msg_f(1.5f));
	expect_error(f, "/ch/2/dca", "whole number");
	route(f, "/ch/2/dca", msg_i(-1));
	expect_error(f, "/ch/2/dca", "whole number");
	route(f, "/ch/2/dca/norm", msg_f(0.5f));
	expect_error(f, "/ch/2/dca/norm", "unknown parameter");
	route(f, "/master/dca", msg_i(1));
	expect_error(f, "/master/dca", "unknown parameter");
	assert_int_equal(f->control.n_changes, changes);
	route(f, "/ch/2/dca", msg_i(0));
	expect_no_reply(f);
	assert_true(CH(f, 1, "dca/1") == 0.0f && CH(f, 1, "dca/8") == 0.0f);
}

static void test_info(void **state)
{
	static const char *const names[] = { "kick", "snare", "vox" };
	struct fx *f = *state;
	struct reply r;

	f->control.engine.sample_rate = 48000;
	f->control.engine.period = 128;
	f->control.engine.vector_path = "avx2";
	route(f, "/info", msg_none());
	recv_reply(f, &r);
	assert_string_equal(r.path, "/info");
	assert_string_equal(r.types, "ssiiissss");
	assert_string_equal(arg_s(&r, 0), "jmixd-test");
	assert_string_equal(arg_s(&r, 1), JMIXD_VERSION);
	assert_int_equal(arg_i(&r, 2), 3);
	assert_int_equal(arg_i(&r, 3), 48000);
	assert_int_equal(arg_i(&r, 4), 128);
	for (int i = 0; i < 3; i++)
		assert_string_equal(arg_s(&r, 5 + i), names[i]);
	assert_string_equal(arg_s(&r, 8), "avx2");   /* the vector path, after the names */
	reply_free(&r);
	expect_no_reply(f);
	assert_int_equal(f->router.n_accepted, 1);
}

/*
 * The largest console the config allows: SETUP_MAX_CHANNELS channels with 31-character
 * names. /info must still be answered (with the names, or with an /error), never dropped.
 */
static void test_info_largest_console(void **state)
{
	char path[] = "/tmp/jmixd-test-route-XXXXXX";
	int fd = mkstemp(path);
	(void)state;

	assert_true(fd >= 0);
	FILE *file = fdopen(fd, "w");
	fprintf(file, "channels = (\n");
	for (int i = 0; i < SETUP_MAX_CHANNELS; i++)
		fprintf(file, "\t{ name = \"a_rather_long_channel_names_%03d\"; }%s\n", i,
			i + 1 < SETUP_MAX_CHANNELS ? "," : "");
	fprintf(file, ");\n");
	fclose(file);

	struct fx *f = calloc(1, sizeof *f);
	int rc = fx_open(f, path);
	unlink(path);
	assert_int_equal(rc, 0);
	assert_int_equal(f->setup.n_channels, SETUP_MAX_CHANNELS);
	assert_int_equal(strlen(f->setup.channels[0].name), SETUP_NAME_MAX - 1);

	route(f, "/info", msg_none());
	static uint32_t buf[OSC_MAX_REPLY / 4];
	ssize_t n = recv(f->client_fd, buf, sizeof buf, MSG_DONTWAIT);
	int saved_errno = errno;
	fx_close(f);
	free(f);
	if (n < 0)
		fail_msg("/info on a %d-channel console got no reply at all (%s)",
			 SETUP_MAX_CHANNELS, strerror(saved_errno));
	size_t size;
	const char *msg = (const char *)unwrap_reply(buf, (size_t)n, &size);
	assert_true(strcmp(msg, "/info") == 0 || strcmp(msg, "/error") == 0);
}

/* ---- addressing ---- */

static void test_channel_by_name_and_number(void **state)
{
	struct fx *f = *state;

	set_ok(f, "/ch/kick/fader", msg_f(-3.0f));
	assert_true(CH(f, 0, "fader") == -3.0f);
	set_ok(f, "/ch/3/pan", msg_f(-0.5f));
	assert_true(CH(f, 2, "pan") == -0.5f);
	set_ok(f, "/ch/vox/pan", msg_f(0.75f));
	assert_true(CH(f, 2, "pan") == 0.75f);
	set_ok(f, "/ch/snare/fader", msg_f(-1.5f));
	assert_true(CH(f, 1, "fader") == -1.5f);
	set_ok(f, "/ch/2/fader", msg_f(-2.5f));
	assert_true(CH(f, 1, "fader") == -2.5f);
	/* A leading zero is still the number. */
	set_ok(f, "/ch/03/fader", msg_f(-4.0f));
	assert_true(CH(f, 2, "fader") == -4.0f);

	set_ok(f, "/master/fader", msg_f(-12.0f));
	assert_true(MASTER(f, "fader") == -12.0f);
	set_ok(f, "/master/mute", msg_bool(true));
	assert_true(MASTER(f, "mute") == 1.0f);
	set_ok(f, "/master/mute", msg_i(0));
	assert_true(MASTER(f, "mute") == 0.0f);
	/* The master's values are not a channel's. */
	assert_true(CH(f, 0, "fader") == -3.0f);
}

/* ---- errors ---- */

enum arg_kind { A_NONE, A_F, A_I, A_D, A_H, A_T, A_F_BOOL, A_S, A_FF };

struct bad_msg {
	const char *path;
	enum arg_kind kind;
	double value;
	const char *reason;   /* substring of the /error reason */
};

static lo_message build(enum arg_kind kind, double value)
{
	lo_message m = lo_message_new();
	switch (kind) {
	case A_NONE:
		break;
	case A_F:
		lo_message_add_float(m, (float)value);
		break;
	case A_I:
		lo_message_add_int32(m, (int32_t)value);
		break;
	case A_D:
		lo_message_add_double(m, value);
		break;
	case A_H:
		lo_message_add_int64(m, (int64_t)value);
		break;
	case A_T:
		lo_message_add_true(m);
		break;
	case A_F_BOOL:
		lo_message_add_false(m);
		break;
	case A_S:
		lo_message_add_string(m, "-6");
		break;
	case A_FF:
		lo_message_add_float(m, (float)value);
		lo_message_add_float(m, (float)value);
		break;
	}
	return m;
}

static void test_errors(void **state)
{
	const struct bad_msg cases[] = {
		{ "/foo", A_NONE, 0, "unknown address" },
		{ "/foo", A_F, 1, "unknown address" },
		{ "/ch", A_NONE, 0, "unknown address" },
		{ "/master", A_F, 0, "unknown address" },
		{ "/ch/1", A_F, 0, "incomplete channel address" },
		{ "/ch/kick", A_NONE, 0, "incomplete channel address" },
		{ "/ch/1/nope", A_F, 1, "unknown parameter" },
		{ "/ch/1/nope", A_NONE, 0, "unknown parameter" },
		{ "/ch/1/", A_F, 1, "unknown parameter" },
		{ "/ch/1/norm", A_F, 1, "unknown parameter" },
		{ "/ch/1/fader/norm/norm", A_F, 0.5, "unknown parameter" },
		{ "/ch/1/fader/extra", A_F, 0, "unknown parameter" },
		{ "/master/nope", A_F, 1, "unknown parameter" },
		{ "/master/pan", A_F, 0, "unknown parameter" },
		{ "/ch/0/fader", A_F, 0, "no such channel" },
		{ "/ch/99/fader", A_F, 0, "no such channel" },
		{ "/ch/4/fader", A_NONE, 0, "no such channel" },
		{ "/ch/nobody/fader", A_F, 0, "no such channel" },
		{ "/ch/Kick/fader", A_F, 0, "no such channel" },
		{ "/ch//fader", A_F, 0, "no such channel" },
		{ "/ch/1/fader", A_FF, -3, "expects one argument" },
		{ "/ch/1/fader", A_S, 0, "got a string" },
		{ "/ch/1/mute", A_S, 0, "got a string" },
		{ "/ch/1/fader", A_T, 0, "got a boolean" },
		{ "/ch/1/pan", A_F_BOOL, 0, "got a boolean" },
		{ "/master/fader", A_T, 0, "got a boolean" },
		{ "/ch/1/fader", A_F, NAN, "NaN" },
		{ "/ch/1/fader", A_D, NAN, "NaN" },
		{ "/ch/1/mute", A_F, NAN, "NaN" },
		{ "/ch/1/fader", A_F, INFINITY, "infinite" },
		{ "/ch/1/fader", A_F, -INFINITY, "infinite" },
		{ "/ch/1/mute", A_F, INFINITY, "infinite" },
		{ "/ch/1/fader", A_D, 1e300, "infinite" },
		{ "/ch/1/fader", A_F, 10.5, "above maximum" },
		{ "/ch/1/fader", A_I, 11, "above maximum" },
		{ "/ch/1/fader", A_H, 1e15, "above maximum" },
		{ "/ch/1/fader", A_F, -90.5, "below minimum" },
		{ "/ch/1/pan", A_F, -1.5, "below minimum" },
		{ "/ch/1/pan", A_F, 1.01, "above maximum" },
		{ "/master/fader", A_F, 11, "above maximum" },
		{ "/ch/1/fader/norm", A_F, 1.5, "outside 0 .. 1" },
		{ "/ch/1/fader/norm", A_F, -0.01, "outside 0 .. 1" },
		{ "/ch/1/fader/norm", A_I, 2, "outside 0 .. 1" },
		{ "/ch/1/pan/norm", A_F, -1, "outside 0 .. 1" },
		{ "/ch/1/fader/norm", A_F, NAN, "NaN" },
		{ "/ch/1/fader/norm", A_F, INFINITY, "infinite" },
	};
	struct fx *f = *state;

	for (int i = 0; i < UT_ARRAY_SIZE(cases); i++) {
		const struct bad_msg *bc = &cases[i];
		uint64_t n_changes = f->control.n_changes, n_rejected = f->router.n_rejected;
		uint64_t n_accepted = f->router.n_accepted;
		memcpy(f->snapshot, f->control.values, sizeof(float) * (size_t)f->n_values);

		route(f, bc->path, build(bc->kind, bc->value));
		expect_error(f, bc->path, bc->reason);
		if (memcmp(f->snapshot, f->control.values, sizeof(float) * (size_t)f->n_values) ||
		    f->control.n_changes != n_changes)
			fail_msg("case %d (%s): a value changed", i, bc->path);
		if (f->router.n_rejected != n_rejected + 1 || f->router.n_accepted != n_accepted)
			fail_msg("case %d (%s): counters %llu accepted, %llu rejected", i, bc->path,
				 (unsigned long long)f->router.n_accepted,
				 (unsigned long long)f->router.n_rejected);
	}
	/* And the values are still what the fixture says. */
	assert_true(CH(f, 0, "fader") == -6.0f);
	assert_true(CH(f, 0, "pan") == 0.25f);
	assert_true(MASTER(f, "fader") == -5.0f);
}

/* A refused packet (osc_route_reject from the front door) gets the same answer. */
static void test_reject_direct(void **state)
{
	struct fx *f = *state;

	osc_route_reject(&f->router, &f->client, "/ch/*/fader", "address has a pattern");
	expect_error(f, "/ch/*/fader", "address has a pattern");
	osc_route_reject(&f->router, &f->client, "", "empty packet");
	expect_error(f, "", "empty packet");
	assert_int_equal(f->router.n_rejected, 2);
}

/* ---- rate-limited logging ---- */

static int count_lines(const char *text, const char *needle, long *sum_of_numbers)
{
	int n = 0;
	for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle)) {
		n++;
		if (sum_of_numbers) {
			/* "osc: 80 more rejected messages not logged": the number before needle. */
			const char *q = p;
			while (q > text && q[-1] == ' ')
				q--;
			while (q > text && q[-1] >= '0' && q[-1] <= '9')
				q--;
			*sum_of_numbers += atol(q);
		}
	}
	return n;
}

static void test_reject_log_rate_limited(void **state)
{
	enum { N_BURST = 100 };
	struct fx *f = *state;
	char log_path[] = "/tmp/jmixd-test-log-XXXXXX";
	int log_fd = mkstemp(log_path);
	assert_true(log_fd >= 0);
	unlink(log_path);

	log_set_level(LOG_INFO);
	fflush(stderr);
	int saved = dup(2);
	assert_true(saved >= 0);
	assert_int_equal(dup2(log_fd, 2), 2);

	/* Start at the beginning of a second, so the burst most likely fits one window. */
	time_t t0 = time(NULL);
	while (time(NULL) == t0)
		usleep(1000);
	int n_replies = 0;
	for (int i = 0; i < N_BURST; i++) {
		route(f, "/nope", msg_f((float)i));
		struct reply r;
		recv_reply(f, &r);
		n_replies += strcmp(r.path, "/error") == 0 && strcmp(arg_s(&r, 0), "/nope") == 0;
		reply_free(&r);
	}
	/* One more in a later second reports what the burst withheld. */
	time_t t1 = time(NULL);
	while (time(NULL) == t1)
		usleep(1000);
	route(f, "/nope", msg_none());
	expect_error(f, "/nope", "unknown address");

	fflush(stderr);
	assert_int_equal(dup2(saved, 2), 2);
	close(saved);
	log_set_level(LOG_ERROR);

	char text[65536];
	ssize_t n = pread(log_fd, text, sizeof text - 1, 0);
	close(log_fd);
	assert_true(n > 0);
	text[n] = '\0';

	long n_withheld = 0;
	int n_logged = count_lines(text, "rejected /nope", NULL);
	int n_summaries = count_lines(text, "more rejected messages not logged", &n_withheld);
	int n_lines = count_lines(text, "\n", NULL);
	print_message("%d rejects: %d logged, %d summary lines withholding %ld\n", N_BURST + 1,
		      n_logged, n_summaries, n_withheld);
	assert_int_equal(n_replies, N_BURST);
	assert_int_equal(f->router.n_rejected, N_BURST + 1);
	assert_true(n_logged >= 1);
	assert_true(n_lines <= N_BURST / 2);          /* far fewer lines than rejects */
	assert_true(n_summaries >= 1);
	assert_int_equal(n_logged + n_withheld, N_BURST + 1);   /* every reject accounted for */
	assert_int_equal(n_lines, n_logged + n_summaries);
}

/* ---- the /norm tapers of every row ---- */

static void test_norm_roundtrip_every_row(void **state)
{
	(void)state;

	for (int r = 0; r < params_count; r++) {
		const struct param_desc *d = &params_table[r];
		const char *reason;
		float prev = -INFINITY;

		assert_true(param_from_norm(d, 0.0f) == d->min);
		assert_true(param_from_norm(d, 1.0f) == d->max);
		assert_true(param_to_norm(d, d->min) == 0.0f);
		assert_true(param_to_norm(d, d->max) == 1.0f);

		/* norm -> value: valid, monotonic, and back to the same norm. */
		for (int k = 0; k <= 1000; k++) {
			float n = (float)k / 1000.0f;
			float v = param_from_norm(d, n);
			if (!param_check(d, v, &reason))
				fail_msg("%s/%s: from_norm(%g) = %g is invalid: %s",
					 param_scope_name(d->scope), d->path, (double)n, (double)v,
					 reason);
			if (v < prev)
				fail_msg("%s/%s: from_norm not monotonic at %g",
					 param_scope_name(d->scope), d->path, (double)n);
			prev = v;
			if (d->type == PARAM_FLOAT) {
				float back = param_to_norm(d, v);
				if (fabsf(back - n) > 1e-3f)
					fail_msg("%s/%s: to_norm(from_norm(%g)) = %g",
						 param_scope_name(d->scope), d->path, (double)n,
						 (double)back);
			}
		}

		/* value -> norm on a 1/1000 grid -> value: within one grid step of the value. */
		if (d->type == PARAM_FLOAT) {
			for (int k = 0; k <= 1000; k++) {
				float v = d->min + (d->max - d->min) * (float)k / 1000.0f;
				float n = param_to_norm(d, v);
				assert_true(n >= 0.0f && n <= 1.0f);
				float q = roundf(n * 1000.0f) / 1000.0f;
				float v2 = param_from_norm(d, q);
				float lo = param_from_norm(d, fmaxf(q - 0.001f, 0.0f));
				float hi = param_from_norm(d, fminf(q + 0.001f, 1.0f));
				float step = fmaxf(v2 - lo, hi - v2);
				if (fabsf(v2 - v) > step + 1e-5f)
					fail_msg("%s/%s: %g -> norm %g -> %g, more than one step "
						 "(%g) away", param_scope_name(d->scope), d->path,
						 (double)v, (double)q, (double)v2, (double)step);
			}
		} else {
			/* Whole values only; the switch turns at half travel. */
			for (int k = 0; k <= 1000; k++)
				assert_true(param_from_norm(d, (float)k / 1000.0f) ==
					    floorf(param_from_norm(d, (float)k / 1000.0f)));
			if (d->type == PARAM_BOOL) {
				assert_true(param_from_norm(d, 0.49f) == 0.0f);
				assert_true(param_from_norm(d, 0.51f) == 1.0f);
			}
		}
	}
}

static void test_fader_law_points(void **state)
{
	static const float norm[] = { 0.0f, 0.0625f, 0.25f, 0.5f, 0.75f, 1.0f };
	static const float db[] = { -90.0f, -60.0f, -30.0f, -10.0f, 0.0f, 10.0f };
	int n_fader_rows = 0;
	(void)state;

	for (int r = 0; r < params_count; r++) {
		const struct param_desc *d = &params_table[r];
		if (d->taper != TAPER_FADER)
			continue;
		n_fader_rows++;
		for (int i = 0; i < UT_ARRAY_SIZE(norm); i++) {
			if (param_to_norm(d, db[i]) != norm[i])
				fail_msg("%s: to_norm(%g dB) = %.9g, expected %g", d->path,
					 (double)db[i], (double)param_to_norm(d, db[i]),
					 (double)norm[i]);
			if (param_from_norm(d, norm[i]) != db[i])
				fail_msg("%s: from_norm(%g) = %.9g dB, expected %g", d->path,
					 (double)norm[i], (double)param_from_norm(d, norm[i]),
					 (double)db[i]);
		}
		/* Halfway along a segment is halfway in dB. */
		ut_assert_close(param_from_norm(d, 0.875f), 5.0f, 1e-5);
		ut_assert_close(param_from_norm(d, 0.375f), -20.0f, 1e-5);
		ut_assert_close(param_from_norm(d, 0.03125f), -75.0f, 1e-5);
	}
	assert_true(n_fader_rows >= 2);   /* channel and master */
}

/*
 * A choice given as a number: a number equal to one of the choice's numeric names is that
 * choice (/ch/1/hpf/slope i 24 is the 24 dB slope, choice 2); any other number is the index,
 * as before; a query answers the index. The sender's control shows 24, not 2, so it gets the
 * stored index back as feedback (origin none), which the route test cannot see but the dirty
 * mark can.
 */
static void test_choice_by_numeric_label(void **state)
{
	struct fx *f = *state;
	const struct param_ref slope = { params_find_path(PARAM_CHANNEL, "hpf/slope"), 0 };
	int i = control_value_index(&f->control, slope);

	set_ok(f, "/ch/1/hpf/slope", msg_i(24));
	assert_true(CH(f, 0, "hpf/slope") == 2.0f);
	assert_int_equal(f->control.origin[i], ORIGIN_NONE);
	set_ok(f, "/ch/1/hpf/slope", msg_f(18.0f));
	assert_true(CH(f, 0, "hpf/slope") == 1.0f);
	set_ok(f, "/ch/1/hpf/slope", msg_i(0));          /* not a name: the index */
	assert_true(CH(f, 0, "hpf/slope") == 0.0f);
	set_ok(f, "/ch/1/hpf/slope", msg_i(2));
	assert_true(CH(f, 0, "hpf/slope") == 2.0f);
	route(f, "/ch/1/hpf/slope", msg_none());
	expect_int_reply(f, "/ch/1/hpf/slope", 2);
	route(f, "/ch/1/hpf/slope", msg_i(36));
	expect_error(f, "/ch/1/hpf/slope", "above maximum");
	/* Names that are not numbers keep the index meaning. */
	set_ok(f, "/ch/1/comp/detect", msg_i(1));
	assert_true(CH(f, 0, "comp/detect") == 1.0f);
}

static void test_choice_numbers_of_the_table(void **state)
{
	(void)state;
	const struct param_desc *slope = params_find_path(PARAM_CHANNEL, "hpf/slope");
	assert_int_equal(param_choice_of_number(slope, 12.0f), 0);
	assert_int_equal(param_choice_of_number(slope, 24.0f), 2);
	assert_int_equal(param_choice_of_number(slope, 2.0f), -1);
	assert_int_equal(param_choice_of_number(slope, 24.5f), -1);
	assert_int_equal(param_choice_index(slope, "18"), 1);
	assert_int_equal(param_choice_index(slope, "19"), -1);
	const struct param_desc *division = params_find_path(PARAM_AUX, "delay/division");
	assert_int_equal(param_choice_of_number(division, 2.0f), -1);   /* "1/2" is no number */
	assert_int_equal(param_choice_index(division, "1/8d"), 3);
	const struct param_desc *fader = params_find_path(PARAM_CHANNEL, "fader");
	assert_int_equal(param_choice_of_number(fader, 0.0f), -1);      /* no choices at all */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_set_fader_each_type, setup_fx, teardown_fx),
		cmocka_unit_test_setup_teardown(test_set_pan, setup_fx, teardown_fx),
		cmocka_unit_test_setup_teardown(test_set_mute_forms, setup_fx, teardown_fx),
		cmocka_unit_test_setup_teardown(test_norm_fader, setup_fx, teardown_fx),
		cmocka_unit_test_setup_teardown(test_norm_pan_and_mute, setup_fx, teardown_fx),
		cmocka_unit_test_setup_teardown(test_query_types, setup_fx, teardown_fx),
		cmocka_unit_test_setup_teardown(test_every_param_queryable, setup_fx, teardown_fx),
		cmocka_unit_test_setup_teardown(test_membership_masks, setup_fx, teardown_fx),
		cmocka_unit_test_setup_teardown(test_info, setup_fx, teardown_fx),
		cmocka_unit_test_setup_teardown(test_names, setup_fx, teardown_fx),
		cmocka_unit_test_setup_teardown(test_meter_fields, setup_fx, teardown_fx),
		cmocka_unit_test(test_info_largest_console),
		cmocka_unit_test_setup_teardown(test_channel_by_name_and_number, setup_fx,
						teardown_fx),
		cmocka_unit_test_setup_teardown(test_errors, setup_fx, teardown_fx),
		cmocka_unit_test_setup_teardown(test_reject_direct, setup_fx, teardown_fx),
		cmocka_unit_test_setup_teardown(test_reject_log_rate_limited, setup_fx,
						teardown_fx),
		cmocka_unit_test_setup_teardown(test_monitor_role_cannot_set, setup_fx, teardown_fx),
		cmocka_unit_test(test_monitor_mix_role),
		cmocka_unit_test(test_norm_roundtrip_every_row),
		cmocka_unit_test(test_fader_law_points),
		cmocka_unit_test_setup_teardown(test_choice_by_numeric_label, setup_fx, teardown_fx),
		cmocka_unit_test(test_choice_numbers_of_the_table),
	};
	return cmocka_run_group_tests_name("osc route", tests, NULL, NULL) ? 1 : 0;
}
