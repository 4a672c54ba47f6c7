/*
 * test_osc_access.c - the front door's rules: roles by longest matching prefix, the default
 * allowlist (this machine and private LANs, nothing public), IPv4 clients on an IPv6 socket,
 * and the per-source token bucket.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

#include "daemon/config.h"
#include "osc/access.h"

static struct osc_peer peer(const char *ip)
{
	struct osc_peer p = { 0 };
	struct sockaddr_in *in = (struct sockaddr_in *)&p.addr;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&p.addr;
	if (inet_pton(AF_INET, ip, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		p.len = sizeof *in;
	} else {
		assert_int_equal(inet_pton(AF_INET6, ip, &in6->sin6_addr), 1);
		in6->sin6_family = AF_INET6;
		p.len = sizeof *in6;
	}
	return p;
}

static void load(struct setup *setup, const char *text)
{
	char path[] = "/tmp/jmixd-access-XXXXXX";
	char err[512];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	int rc = config_load(path, setup, err, sizeof err);
	unlink(path);
	if (rc < 0)
		fail_msg("%s", err);
}

static enum access_role role_of(struct osc_access *a, const char *ip)
{
	struct osc_peer p = peer(ip);
	return osc_access_role(a, &p);
}

static void test_default_allows_local_and_private_only(void **state)
{
	(void)state;
	struct setup setup;
	struct osc_access a;
	load(&setup, "channels = ( { name = \"a\"; } );");
	osc_access_init(&a, &setup);
	assert_int_equal(role_of(&a, "127.0.0.1"), ROLE_CONTROL);
	assert_int_equal(role_of(&a, "192.168.1.30"), ROLE_CONTROL);
	assert_int_equal(role_of(&a, "10.9.8.7"), ROLE_CONTROL);
	assert_int_equal(role_of(&a, "172.20.0.5"), ROLE_CONTROL);
	assert_int_equal(role_of(&a, "172.32.0.5"), ROLE_NONE);    /* just outside 172.16/12 */
	assert_int_equal(role_of(&a, "8.8.8.8"), ROLE_NONE);
	assert_int_equal(role_of(&a, "::1"), ROLE_CONTROL);
	assert_int_equal(role_of(&a, "fe80::1"), ROLE_CONTROL);
	assert_int_equal(role_of(&a, "2001:db8::1"), ROLE_NONE);
	assert_int_equal(role_of(&a, "::ffff:192.168.0.9"), ROLE_CONTROL);   /* dual-stack */
	assert_int_equal(role_of(&a, "::ffff:1.2.3.4"), ROLE_NONE);
	config_free(&setup);
}

static void test_longest_prefix_wins(void **state)
{
	(void)state;
	struct setup setup;
	struct osc_access a;
	load(&setup, "osc = { allow = ( { net = \"192.168.1.0/24\"; role = \"monitor\"; },\n"
		     "  { net = \"192.168.1.10\"; role = \"control\"; },\n"
		     "  { net = \"127.0.0.1/32\"; } ); };\n"
		     "channels = ( { name = \"a\"; } );");
	osc_access_init(&a, &setup);
	assert_int_equal(role_of(&a, "192.168.1.10"), ROLE_CONTROL);
	assert_int_equal(role_of(&a, "192.168.1.11"), ROLE_MONITOR);
	assert_int_equal(role_of(&a, "192.168.2.11"), ROLE_NONE);   /* the defaults are replaced */
	assert_int_equal(role_of(&a, "127.0.0.1"), ROLE_CONTROL);   /* role defaults to control */
	assert_int_equal(role_of(&a, "127.0.0.2"), ROLE_NONE);
	config_free(&setup);
}

static void test_rate_limit_bucket(void **state)
{
	(void)state;
	struct setup setup;
	struct osc_access a;
	load(&setup, "osc = { rate_limit = 100; }; channels = ( { name = \"a\"; } );");
	osc_access_init(&a, &setup);
	struct osc_peer p = peer("192.168.0.2"), q = peer("192.168.0.3");
	/* A burst of one second's worth passes, the next message does not. */
	for (int i = 0; i < 100; i++)
		assert_true(osc_access_take(&a, &p, 1, 1000));
	assert_false(osc_access_take(&a, &p, 1, 1000));
	/* Another source has its own bucket. */
	assert_true(osc_access_take(&a, &q, 1, 1000));
	/* 50 ms later, 5 tokens are back: exactly 5 more pass. */
	for (int i = 0; i < 5; i++)
		assert_true(osc_access_take(&a, &p, 1, 1050));
	assert_false(osc_access_take(&a, &p, 1, 1050));
	assert_int_equal(a.n_limited, 2);
	/* A bundle takes one token per message, all or nothing. */
	assert_false(osc_access_take(&a, &p, 10, 1060));
	assert_true(osc_access_take(&a, &p, 10, 1150));
	config_free(&setup);
}

/*
 * Arrival times need not come in order: a stamp is mapped to the monotonic clock with two
 * clock reads, and a thread preempted between them dates its message early. An early stamp
 * refills nothing and must not rewind the bucket's clock: rewinding let the next message
 * refill the same milliseconds again, so jitter of the two clock reads minted tokens.
 */
static void test_rate_limit_out_of_order_stamps(void **state)
{
	(void)state;
	struct setup setup;
	struct osc_access a;
	load(&setup, "osc = { rate_limit = 100; }; channels = ( { name = \"a\"; } );");
	osc_access_init(&a, &setup);
	struct osc_peer p = peer("192.168.0.2");
	for (int i = 0; i < 100; i++)
		assert_true(osc_access_take(&a, &p, 1, 1000));
	/* A burst arriving within 10 ms, every other stamp 50 ms early: at most one token. */
	int passed = 0;
	for (int i = 0; i < 400; i++)
		passed += osc_access_take(&a, &p, 1, 1000 + i / 40 - (i % 2 ? 50 : 0));
	assert_true(passed <= 1);
	config_free(&setup);
}

static void test_many_sources_bounded(void **state)
{
	(void)state;
	struct setup setup;
	struct osc_access a;
	load(&setup, "osc = { rate_limit = 10; }; channels = ( { name = \"a\"; } );");
	osc_access_init(&a, &setup);
	/* A flood of forged sources recycles the table; a known source keeps working, and the
	 * forged ones do not each get a fresh bucket (they share the newcomers' budget). */
	char ip[32];
	struct osc_peer known = peer("10.0.0.1");
	int n_forged_passed = 0;
	/* The tablet was in use before the flood began. (One that first speaks during a flood
	 * of newcomers is a newcomer too: nothing tells it from the forged ones.) */
	assert_true(osc_access_take(&a, &known, 1, 1000));
	assert_true(osc_access_take(&a, &known, 1, 1500));
	for (int i = 0; i < 10000; i++) {
		snprintf(ip, sizeof ip, "10.1.%d.%d", (i / 250) % 250, i % 250 + 1);
		struct osc_peer p = peer(ip);
		n_forged_passed += osc_access_take(&a, &p, 1, 2000 + i);
		if (i % 100 == 0)
			assert_true(osc_access_take(&a, &known, 1, 2000 + i));
	}
	/* 10 s of flood: the table's first 63 entries (10 each), then 10 a second shared. */
	print_message("10000 forged sources in 10 s at rate_limit 10: %d passed\n", n_forged_passed);
	assert_true(n_forged_passed <= 63 * 10 + 10 + 10 * 10 + 1);
	config_free(&setup);
}

/*
 * The review's reproduction: rate_limit 10, 2000 queries a second for 5 s, round robin over
 * N source addresses. Up to 64 addresses each have a bucket; the 65th used to reset the
 * table into fresh full buckets for everyone (10,000 of 10,000 answered).
 */
static int rotate_sources(int n_sources)
{
	struct setup setup;
	struct osc_access a;
	char ip[32];
	int n_passed = 0;
	load(&setup, "osc = { rate_limit = 10; }; channels = ( { name = \"a\"; } );");
	osc_access_init(&a, &setup);
	for (int i = 0; i < 10000; i++) {
		snprintf(ip, sizeof ip, "127.0.0.%d", 2 + i % n_sources);
		struct osc_peer p = peer(ip);
		n_passed += osc_access_take(&a, &p, 1, 1000 + i / 2);
	}
	config_free(&setup);
	return n_passed;
}

static void test_more_sources_than_the_table(void **state)
{
	(void)state;
	int n1 = rotate_sources(1), n64 = rotate_sources(64), n65 = rotate_sources(65),
	    n200 = rotate_sources(200);
	print_message("answered of 10000 over 1/64/65/200 sources: %d %d %d %d\n", n1, n64, n65,
		      n200);
	assert_true(n1 >= 55 && n1 <= 61);                 /* 10 + 5 s x 10 */
	assert_true(n64 <= 64 * 61);
	/* Past the table: no more than the table's first buckets and the shared budget. */
	assert_true(n65 <= 64 * 10 + 60 + 1);
	assert_true(n200 <= 64 * 10 + 60 + 1);
}

static void test_ipv6_slash64_is_one_source(void **state)
{
	(void)state;
	struct setup setup;
	struct osc_access a;
	char ip[64];
	load(&setup, "osc = { rate_limit = 10; }; channels = ( { name = \"a\"; } );");
	osc_access_init(&a, &setup);
	int n_passed = 0;
	for (int i = 0; i < 1000; i++) {
		snprintf(ip, sizeof ip, "fd00:1:2:3::%x", i + 1);   /* one host's /64 */
		struct osc_peer p = peer(ip);
		n_passed += osc_access_take(&a, &p, 1, 1000);
	}
	assert_int_equal(n_passed, 10);
	struct osc_peer other = peer("fd00:1:2:4::1");        /* another /64: its own bucket */
	assert_true(osc_access_take(&a, &other, 1, 1000));
	config_free(&setup);
}

static void test_bad_allow_entries(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"osc = { allow = ( { net = \"192.168.1.0/33\"; } ); };",
		"osc = { allow = ( { net = \"hello\"; } ); };",
		"osc = { allow = ( { net = \"10.0.0.0/8\"; role = \"admin\"; } ); };",
		"osc = { allow = ( { role = \"control\"; } ); };",
		"osc = { allow = \"10.0.0.0/8\"; };",
		"osc = { rate_limit = 1; };",
		"osc = { clients = ( { address = \"1.2.3.4\"; port = 0; } ); };",
		"osc = { clients = ( { address = \"10.0.0.0/8\"; port = 9000; } ); };",
		/* IPv4 senders are compared as IPv4: the mapped form could never match. */
		"osc = { allow = ( { net = \"::ffff:127.0.0.1/128\"; } ); };",
		"osc = { allow = ( { net = \"::ffff:192.168.0.0/112\"; } ); };",
		"osc = { reply_budget = 100; };",
		"osc = { subscriptions_per_host = 0; };",
		"osc = { reply_budget_total = \"lots\"; };",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char path[] = "/tmp/jmixd-access-XXXXXX", err[512];
		struct setup setup;
		int fd = mkstemp(path);
		FILE *f = fdopen(fd, "w");
		fprintf(f, "%s\nchannels = ( { name = \"a\"; } );\n", bad[i]);
		fclose(f);
		assert_int_equal(config_load(path, &setup, err, sizeof err), -1);
		/* file:1: osc...: reason */
		char prefix[64];
		snprintf(prefix, sizeof prefix, "%s:1: osc.", path);
		if (strncmp(err, prefix, strlen(prefix)) != 0)
			fail_msg("case %zu: \"%s\" does not start with \"%s\"", i, err, prefix);
		unlink(path);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_allows_local_and_private_only),
		cmocka_unit_test(test_longest_prefix_wins),
		cmocka_unit_test(test_rate_limit_bucket),
		cmocka_unit_test(test_rate_limit_out_of_order_stamps),
		cmocka_unit_test(test_many_sources_bounded),
		cmocka_unit_test(test_more_sources_than_the_table),
		cmocka_unit_test(test_ipv6_slash64_is_one_source),
		cmocka_unit_test(test_bad_allow_entries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
