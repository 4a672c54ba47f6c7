/*
 * test_osc_pace.c - the byte budgets every datagram is charged to (osc/pace.h): per
 * destination, in total, per received packet; what each kind of datagram does when the
 * budget is spent; IPv6 destinations counted by /64.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "osc/pace.h"

static struct osc_peer peer(const char *ip, int port)
{
	struct osc_peer p = { 0 };
	struct sockaddr_in *in = (struct sockaddr_in *)&p.addr;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&p.addr;
	if (inet_pton(AF_INET, ip, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		p.len = sizeof *in;
	} else {
		assert_int_equal(inet_pton(AF_INET6, ip, &in6->sin6_addr), 1);
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		p.len = sizeof *in6;
	}
	return p;
}

/* How many datagrams of `size` bytes of `kind` go to `to` at time now. */
static int take_all(struct osc_pace *p, const struct osc_peer *to, size_t size,
		    enum pace_kind kind, int64_t now, int max)
{
	int n = 0;
	while (n < max && osc_pace_take(p, to, size, kind, now))
		n++;
	return n;
}

static void test_per_destination_budget(void **state)
{
	(void)state;
	struct osc_pace p;
	osc_pace_init(&p, 262144, 2097152);
	struct osc_peer a = peer("192.168.1.10", 9000), a2 = peer("192.168.1.10", 9001),
			b = peer("192.168.1.11", 9000);
	/* Half a second of burst: 131072 bytes, in 1000-byte replies. */
	assert_int_equal(take_all(&p, &a, 1000, PACE_REPLY, 1000, 1000), 131);
	/* The same host on another port shares the budget; another host has its own. */
	assert_false(osc_pace_take(&p, &a2, 1000, PACE_REPLY, 1000));
	assert_int_equal(take_all(&p, &b, 1000, PACE_REPLY, 1000, 1000), 131);
	/* 100 ms later, 26 kB more. */
	assert_int_equal(take_all(&p, &a, 1000, PACE_REPLY, 1100, 1000), 26);
	assert_true(p.n_dropped >= 3);
}

static void test_total_budget(void **state)
{
	(void)state;
	struct osc_pace p;
	char ip[32];
	osc_pace_init(&p, 262144, 524288);   /* 256 kB burst in total */
	int n = 0;
	for (int i = 0; i < 40; i++) {
		snprintf(ip, sizeof ip, "10.0.0.%d", i + 1);
		struct osc_peer to = peer(ip, 9000);
		n += take_all(&p, &to, 1000, PACE_REPLY, 1000, 1000);
	}
	assert_int_equal(n, 262);
}

static void test_one_packet_at_most_64k(void **state)
{
	(void)state;
	struct osc_pace p;
	osc_pace_init(&p, 1 << 30, 1 << 30);
	struct osc_peer a = peer("127.0.0.1", 9000);
	osc_pace_packet_begin(&p);
	assert_int_equal(take_all(&p, &a, 4000, PACE_REPLY, 1000, 1000), 16);
	assert_true(osc_pace_available(&p, &a, 1000) < 4000);
	osc_pace_packet_end(&p);
	/* The next packet has its own 64 kB. */
	osc_pace_packet_begin(&p);
	assert_int_equal(take_all(&p, &a, 4000, PACE_REPLY, 1000, 1000), 16);
	osc_pace_packet_end(&p);
}

static void test_feedback_goes_out_in_debt(void **state)
{
	(void)state;
	struct osc_pace p;
	osc_pace_init(&p, 262144, 2097152);
	struct osc_peer a = peer("192.168.1.10", 9000);
	assert_int_equal(take_all(&p, &a, 1000, PACE_REPLY, 1000, 1000), 131);
	/* Changes to the mix are never lost to a budget... */
	for (int i = 0; i < 50; i++)
		assert_true(osc_pace_take(&p, &a, 1000, PACE_FEEDBACK, 1000));
	/* ...but their debt holds meters back until it is repaid (50 kB at 256 kB/s, and the
	 * reserve for answers). */
	assert_int_equal(osc_pace_available(&p, &a, 1100), 0);
	assert_false(osc_pace_take(&p, &a, 1000, PACE_STREAM, 1150));
	assert_true(osc_pace_take(&p, &a, 1000, PACE_STREAM, 1300));
}

/* A dump or meters to one port of a host never starve the answer to another's query. */
static void test_streams_leave_a_reserve_for_answers(void **state)
{
	(void)state;
	struct osc_pace p;
	osc_pace_init(&p, 262144, 2097152);
	struct osc_peer dump_to = peer("192.168.1.10", 40000), tablet = peer("192.168.1.10", 9000);
	assert_int_equal(take_all(&p, &dump_to, 1000, PACE_STREAM, 1000, 1000),
			 (131072 - PACE_REPLY_RESERVE) / 1000);
	assert_true(osc_pace_available(&p, &dump_to, 1000) < 1000);
	for (int i = 0; i < 8; i++)
		assert_true(osc_pace_take(&p, &tablet, 1000, PACE_REPLY, 1000));
}

static void test_ipv6_destination_by_64(void **state)
{
	(void)state;
	struct osc_pace p;
	osc_pace_init(&p, 262144, 2097152);
	char ip[64];
	int n = 0;
	for (int i = 0; i < 500; i++) {
		snprintf(ip, sizeof ip, "fd00:1:2:3::%x", i + 1);
		struct osc_peer to = peer(ip, 9000);
		n += osc_pace_take(&p, &to, 1000, PACE_REPLY, 1000);
	}
	assert_int_equal(n, 131);
}

static void test_zeroed_paces_nothing(void **state)
{
	(void)state;
	struct osc_pace p = { 0 };
	struct osc_peer a = peer("127.0.0.1", 9000);
	assert_int_equal(take_all(&p, &a, 60000, PACE_REPLY, 1000, 100), 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_per_destination_budget),
		cmocka_unit_test(test_total_budget),
		cmocka_unit_test(test_one_packet_at_most_64k),
		cmocka_unit_test(test_feedback_goes_out_in_debt),
		cmocka_unit_test(test_streams_leave_a_reserve_for_answers),
		cmocka_unit_test(test_ipv6_destination_by_64),
		cmocka_unit_test(test_zeroed_paces_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
