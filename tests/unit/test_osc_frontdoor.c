/*
 * test_osc_frontdoor.c - the router's defences, on real sockets: messages that are replies or
 * feedback are never answered (no loops between desks), a subscription to jmixd's own socket
 * and a host's fifth subscription are refused, whole-state dumps are coalesced per destination
 * (one now, one when DUMP_INTERVAL_MS is up, however often asked), and the log limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <lo/lo.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/config.h"
#include "daemon/control.h"
#include "daemon/log.h"
#include "osc/dump.h"
#include "osc/packet.h"
#include "osc/route.h"

#define FIXTURE "tests/fixtures/good-three.cfg"

struct fx {
	struct setup setup;
	struct control control;
	struct osc_router router;
	int router_fd;
	int client_fd;
	struct osc_peer client;
	struct sockaddr_in router_addr;
};

static int udp_socket(struct sockaddr_in *addr)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	socklen_t len = sizeof *addr;
	assert_int_equal(getsockname(fd, (struct sockaddr *)addr, &len), 0);
	int size = 1 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
	return fd;
}

static int setup_fx(void **state)
{
	char err[1024];
	struct sockaddr_in client_addr;
	struct fx *f = calloc(1, sizeof *f);
	if (!f || config_load(FIXTURE, &f->setup, err, sizeof err) < 0 ||
	    control_init(&f->control, &f->setup) < 0)
		return -1;
	f->router_fd = udp_socket(&f->router_addr);
	f->client_fd = udp_socket(&client_addr);
	memcpy(&f->client.addr, &client_addr, sizeof client_addr);
	f->client.len = sizeof client_addr;
	f->router = (struct osc_router){ .control = &f->control,
					 .client_name = f->setup.client_name };
	f->router.out = (struct osc_out){ .fd = f->router_fd, .pace = &f->router.pace };
	osc_pace_init(&f->router.pace, f->setup.reply_budget, f->setup.reply_budget_total);
	f->router.clients.max_per_host = f->setup.subscriptions_per_host;
	memcpy(&f->router.self.addr, &f->router_addr, sizeof f->router_addr);
	f->router.self.len = sizeof f->router_addr;
	log_set_level(LOG_ERROR);
	*state = f;
	return 0;
}

static int teardown_fx(void **state)
{
	struct fx *f = *state;
	close(f->router_fd);
	close(f->client_fd);
	control_free(&f->control);
	config_free(&f->setup);
	free(f);
	log_set_level(LOG_INFO);
	return 0;
}

/* Serialise, pre-filter and parse as the server does, then route. types: "", "i", "s", "f"... */
static void route(struct fx *f, const char *path, const char *types, ...)
{
	uint32_t buf[OSC_MAX_PACKET / 4];
	struct osc_message_span span;
	const char *reason = "";
	va_list ap;
	lo_message m = lo_message_new();
	va_start(ap, types);
	for (const char *t = types; *t; t++) {
		if (*t == 'i')
			lo_message_add_int32(m, va_arg(ap, int));
		else if (*t == 'f')
			lo_message_add_float(m, (float)va_arg(ap, double));
		else if (*t == 's')
			lo_message_add_string(m, va_arg(ap, const char *));
	}
	va_end(ap);
	size_t size = lo_message_length(m, path);
	assert_non_null(lo_message_serialise(m, path, buf, &size));
	lo_message_free(m);
	assert_int_equal(osc_packet_check((const uint8_t *)buf, size, &span, 1, &reason), 1);
	int result = 0;
	lo_message parsed = lo_message_deserialise(buf, size, &result);
	assert_non_null(parsed);
	osc_route_message(&f->router, &f->client, ROLE_CONTROL, path, lo_message_get_types(parsed),
			  lo_message_get_argv(parsed), lo_message_get_argc(parsed));
	lo_message_free(parsed);
}

/* Datagrams and bytes waiting on the client socket (loopback delivers inside sendto). */
static size_t drain(struct fx *f, size_t *n_bytes, char *first_path, size_t path_size)
{
	static uint32_t buf[16384];
	size_t n = 0, bytes = 0;
	ssize_t got;
	while ((got = recv(f->client_fd, buf, sizeof buf, MSG_DONTWAIT)) >= 0) {
		assert_true(osc_packet_is_reply((const uint8_t *)buf, (size_t)got));
		if (n == 0 && first_path)
			snprintf(first_path, path_size, "%.*s", (int)path_size - 1,
				 (const char *)(buf + 5));
		n++;
		bytes += (size_t)got;
	}
	if (n_bytes)
		*n_bytes = bytes;
	return n;
}

static void test_replies_are_not_answered(void **state)
{
	struct fx *f = *state;
	route(f, "/error", "ss", "/ch/1/meter", "meters are read-only");
	route(f, "/error", "");
	route(f, "/info", "ssiii", "jmixd", "0.1.0", 3, 48000, 256);
	route(f, "/status", "fiiiii", 1.0, 0, 10, 1, 1, 0);
	route(f, "/snapshot/list", "iis", 0, 1, "verse");
	route(f, "/ch/1/meter", "fff", -20.0, -23.0, 0.0);
	route(f, "/aux/1/meter", "ff", -20.0, -23.0);
	route(f, "/master/meter", "ffff", -20.0, -20.0, -23.0, -23.0);
	route(f, "/master/loudness", "ffff", -23.0, -23.0, -23.0, 5.0);
	route(f, "/master/truepeak", "fff", -1.0, -1.0, 0.0);
	assert_int_equal(drain(f, NULL, NULL, 0), 0);
	assert_int_equal(f->router.n_loops_dropped, 10);
	assert_int_equal(f->router.n_rejected, 0);
	/* The same addresses as requests are answered. */
	route(f, "/status", "");
	route(f, "/ch/1/meter", "");
	assert_int_equal(drain(f, NULL, NULL, 0), 2);
}

static void test_marked_packets_are_recognised(void **state)
{
	(void)state;
	uint8_t ours[32] = { '#', 'b', 'u', 'n', 'd', 'l', 'e', 0, 0, 0, 0, 0, 0x6a, 0x6d, 0x78, 0x64 };
	uint8_t theirs[32] = { '#', 'b', 'u', 'n', 'd', 'l', 'e', 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	assert_true(osc_packet_is_reply(ours, sizeof ours));
	assert_false(osc_packet_is_reply(theirs, sizeof theirs));
	assert_false(osc_packet_is_reply(ours, 12));
}

static void test_no_subscription_to_self(void **state)
{
	struct fx *f = *state;
	char path[64];
	route(f, "/subscribe", "i", ntohs(f->router_addr.sin_port));
	assert_int_equal(f->router.clients.n_used, 0);
	assert_int_equal(drain(f, NULL, path, sizeof path), 1);
	assert_string_equal(path, "/error");
}

static void test_subscriptions_per_host(void **state)
{
	struct fx *f = *state;
	for (int i = 0; i < 4; i++)
		route(f, "/subscribe", "i", 50000 + i);   /* nobody listens there: fine */
	assert_int_equal(f->router.clients.n_used, 4);
	assert_int_equal(drain(f, NULL, NULL, 0), 0);
	route(f, "/subscribe", "i", 50004);
	assert_int_equal(f->router.clients.n_used, 4);
	assert_int_equal(f->router.n_rejected, 1);   /* its /error went to its reply port */
	/* Another host (here: the same socket, seen as 127.0.0.2) still gets in. */
	struct osc_peer other = f->client;
	((struct sockaddr_in *)&other.addr)->sin_addr.s_addr = htonl(0x7f000002);
	bool is_new;
	assert_true(osc_clients_subscribe(&f->router.clients, &other, 0, false, &is_new) >= 0);
	assert_int_equal(f->router.clients.n_used, 5);
	/* Renewing one it holds is fine. */
	route(f, "/subscribe", "i", 50002);
	assert_int_equal(drain(f, NULL, NULL, 0), 0);
}

static void test_dumps_coalesced(void **state)
{
	struct fx *f = *state;
	size_t one, bytes;
	osc_pace_packet_begin(&f->router.pace);
	route(f, "/dump", "");
	osc_pace_packet_end(&f->router.pace);
	assert_true(drain(f, &one, NULL, 0) > 0);
	assert_true(one > 1000);

	/* 64 more in one packet, then 50 more: nothing now... */
	osc_pace_packet_begin(&f->router.pace);
	for (int i = 0; i < 64; i++)
		route(f, "/dump", "");
	osc_pace_packet_end(&f->router.pace);
	for (int i = 0; i < 50; i++)
		route(f, "/dump", "");
	assert_int_equal(drain(f, NULL, NULL, 0), 0);
	int64_t now = osc_now_ms();
	osc_dump_tick(&f->router, now + 100);
	assert_int_equal(drain(f, NULL, NULL, 0), 0);
	/* ...one dump when the interval is up, and then nothing more. */
	osc_dump_tick(&f->router, now + DUMP_INTERVAL_MS + 10);
	drain(f, &bytes, NULL, 0);
	assert_int_equal(bytes, one);
	osc_dump_tick(&f->router, now + 2 * DUMP_INTERVAL_MS + 20);
	assert_int_equal(drain(f, NULL, NULL, 0), 0);
	assert_int_equal(f->router.dumps.n_started, 2);
	assert_int_equal(f->router.dumps.n_coalesced, 114);
}

/* Every log line passes one limit: 500 at once, then 50 a second, and a count of the rest. */
static void test_log_limit(void **state)
{
	(void)state;
	char path[] = "/tmp/jmixd-test-log-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	log_set_level(LOG_INFO);
	fflush(stderr);
	int saved = dup(2);
	assert_int_equal(dup2(fd, 2), 2);
	unsigned long before = log_withheld_total();
	for (int i = 0; i < 10000; i++)
		log_info("osc: loudness measurement reset");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	log_set_level(LOG_ERROR);
	char text[65536];
	ssize_t n = pread(fd, text, sizeof text - 1, 0);
	close(fd);
	assert_true(n > 0);
	text[n] = '\0';
	int n_lines = 0;
	for (char *p = text; (p = strchr(p, '\n')); p++)
		n_lines++;
	print_message("10000 log lines at once: %d written, %lu withheld\n", n_lines,
		      log_withheld_total() - before);
	assert_true(n_lines <= 502);
	assert_true(log_withheld_total() - before >= 9498);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_replies_are_not_answered, setup_fx, teardown_fx),
		cmocka_unit_test(test_marked_packets_are_recognised),
		cmocka_unit_test_setup_teardown(test_no_subscription_to_self, setup_fx, teardown_fx),
		cmocka_unit_test_setup_teardown(test_subscriptions_per_host, setup_fx, teardown_fx),
		cmocka_unit_test_setup_teardown(test_dumps_coalesced, setup_fx, teardown_fx),
		cmocka_unit_test(test_log_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
