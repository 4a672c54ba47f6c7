/*
 * test_notify.c - readiness reaches systemd's socket: a filesystem path and an abstract
 * name ('@'), and nothing is sent (or broken) without $NOTIFY_SOCKET.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon/notify.h"

static int listen_at(const char *name, int is_abstract)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	size_t len = strlen(name);
	memcpy(addr.sun_path + (is_abstract ? 1 : 0), name, len);
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	socklen_t alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (is_abstract ? 1 : 0));
	assert_int_equal(bind(fd, (struct sockaddr *)&addr, alen), 0);
	return fd;
}

static void expect_datagram(int fd, const char *want)
{
	char buf[64] = { 0 };
	ssize_t n = recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT);
	assert_true(n > 0);
	assert_string_equal(buf, want);
}

static void test_path_socket(void **state)
{
	(void)state;
	char path[64];
	snprintf(path, sizeof path, "/tmp/jmixd-notify-%d", (int)getpid());
	unlink(path);
	int fd = listen_at(path, 0);
	setenv("NOTIFY_SOCKET", path, 1);
	assert_int_equal(notify_systemd("READY=1"), 1);
	expect_datagram(fd, "READY=1");
	assert_int_equal(notify_systemd("STOPPING=1"), 1);
	expect_datagram(fd, "STOPPING=1");
	close(fd);
	unlink(path);
}

static void test_abstract_socket(void **state)
{
	(void)state;
	char name[64], env[70];
	snprintf(name, sizeof name, "jmixd-notify-test-%d", (int)getpid());
	int fd = listen_at(name, 1);
	snprintf(env, sizeof env, "@%s", name);
	setenv("NOTIFY_SOCKET", env, 1);
	assert_int_equal(notify_systemd("READY=1"), 1);
	expect_datagram(fd, "READY=1");
	close(fd);
}

static void test_without_systemd(void **state)
{
	(void)state;
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(notify_systemd("READY=1"), 0);
	setenv("NOTIFY_SOCKET", "relative/path", 1);
	assert_true(notify_systemd("READY=1") < 0);
	unsetenv("NOTIFY_SOCKET");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_socket),
		cmocka_unit_test(test_abstract_socket),
		cmocka_unit_test(test_without_systemd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
