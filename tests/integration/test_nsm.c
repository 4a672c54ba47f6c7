/*
 * test_nsm.c - jmixd under a session manager, against a stub NSM server (Debian 12 packages
 * no nsmd). The stub is this program: a UDP socket on 127.0.0.1 that speaks the server side of
 * NSM API 1.1 with liblo's message (de)serialiser, in the order nsmd 1.6.1 does:
 *
 *   announce  jmixd starts with NSM_URL and announces; no JACK client exists yet
 *   open      a new session: the folder and its jmixd.cfg are made, the client id is the
 *             JACK client name, /reply "/nsm/client/open"
 *   dirty     an OSC change makes jmixd send /nsm/client/is_dirty
 *   save      /nsm/client/save writes state.cfg, /reply, then /nsm/client/is_clean
 *   bad open  (a switch) to a path that cannot be created: /error "/nsm/client/open" -10
 *   bad cfg   a session whose jmixd.cfg is invalid: /error -9 naming the file and the key
 *   switch    an existing session: its own config and state.cfg are loaded, new client name
 *   abort     a change, then SIGTERM without a save: exit 0; the next run opens the saved mix
 *             and the change is kept aside in unsaved.cfg
 *   crash     a change autosaved, then SIGKILL: the next run opens the autosaved mix and
 *             says it is dirty; a save makes it the session's
 *   SIGTERM   exit 0
 *
 * One private jackd (dummy) and one jmixd, started again after the abort and the crash; the
 * steps depend on each other and run in order. Waits are for evidence (a message, a port) with generous limits.
 *
 * Run: tests/integration/isolate.sh build/itests/test_nsm
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <lo/lo.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/integration/harness.h"

#define WAIT_S 10.0

static struct {
	struct hx_jackd jackd;
	int fd;                          /* the stub server's socket */
	int port;
	struct sockaddr_in client;       /* where jmixd announced from */
	pid_t pid;
	char log_path[HX_PATH_MAX];
	int osc_port[2];
	char session[2][HX_PATH_MAX];    /* <root>/<session>/<client id> */
	char template_cfg[HX_PATH_MAX];
} g;

static int start_jmixd(void);

static const char *const g_ids[2] = { "jmixd.nAAAA", "jmixd.nBBBB" };

/* A received message: path, types and up to 8 arguments as text or numbers. */
struct stub_msg {
	char path[128];
	char types[16];
	char s[8][512];
	int i[8];
};

static int stub_recv(struct stub_msg *out, double timeout_s)
{
	double end = hx_now() + timeout_s;
	for (;;) {
		double left = end - hx_now();
		struct pollfd p = { .fd = g.fd, .events = POLLIN };
		if (left <= 0 || poll(&p, 1, (int)(left * 1000) + 1) <= 0)
			return -ETIMEDOUT;
		char buf[4096];
		struct sockaddr_in from;
		socklen_t len = sizeof from;
		ssize_t n = recvfrom(g.fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
		if (n <= 0)
			continue;
		int result;
		lo_message m = lo_message_deserialise(buf, (size_t)n, &result);
		if (!m)
			continue;
		memset(out, 0, sizeof *out);
		snprintf(out->path, sizeof out->path, "%.127s", buf);
		snprintf(out->types, sizeof out->types, "%s", lo_message_get_types(m));
		lo_arg **argv = lo_message_get_argv(m);
		for (int k = 0; k < lo_message_get_argc(m) && k < 8; k++) {
			/* liblo leaves arguments 4-byte aligned in its own copy: read them as bytes,
			 * not through union lo_arg (8-byte aligned), which UBSan rightly refuses. */
			const char *raw = (const char *)argv[k];
			if (out->types[k] == 's')
				snprintf(out->s[k], sizeof out->s[k], "%.511s", raw);
			else if (out->types[k] == 'i')
				memcpy(&out->i[k], raw, sizeof out->i[k]);
		}
		lo_message_free(m);
		if (strcmp(out->path, "/nsm/server/announce") == 0)
			g.client = from;
		hx_log("stub: got %s %s", out->path, out->types);
		return 0;
	}
}

/* Wait for a message with this path (others are logged and skipped). */
static int stub_wait(const char *path, struct stub_msg *out, double timeout_s)
{
	double end = hx_now() + timeout_s;
	while (hx_now() < end) {
		if (stub_recv(out, end - hx_now()) < 0)
			return -ETIMEDOUT;
		if (strcmp(out->path, path) == 0)
			return 0;
	}
	return -ETIMEDOUT;
}

/* Send path with string arguments (each a const char *), NULL-terminated. */
static void stub_send(const char *path, ...)
{
	lo_message m = lo_message_new();
	va_list ap;
	va_start(ap, path);
	for (const char *s; (s = va_arg(ap, const char *));)
		lo_message_add_string(m, s);
	va_end(ap);
	char buf[4096];
	size_t size = sizeof buf;
	assert_non_null(lo_message_serialise(m, path, buf, &size));
	lo_message_free(m);
	assert_true(sendto(g.fd, buf, size, 0, (struct sockaddr *)&g.client, sizeof g.client) ==
		    (ssize_t)size);
}

static char *session_file(int k, const char *name)
{
	static char path[HX_PATH_MAX + 64];
	snprintf(path, sizeof path, "%s/%s", g.session[k], name);
	return path;
}

static void config_text(char *buf, size_t size, int osc_port, double fader_db)
{
	snprintf(buf, size,
		 "jack = { client_name = \"notused\"; };\n"
		 "osc = { bind = \"127.0.0.1\"; port = %d; zeroconf = false; };\n"
		 "master = { fader = %.1f; };\n"
		 "channels = ( { name = \"kick\"; } );\n",
		 osc_port, fader_db);
}

static int mkdirs(const char *path)
{
	char buf[HX_PATH_MAX];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			mkdir(buf, 0755);
			*p = '/';
		}
	return mkdir(buf, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

static int group_setup(void **state)
{
	(void)state;
	if (hx_jackd_start(&g.jackd, 48000, 64) < 0)
		return -1;
	g.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	if (g.fd < 0 || bind(g.fd, (struct sockaddr *)&a, sizeof a) < 0 ||
	    getsockname(g.fd, (struct sockaddr *)&a, &len) < 0)
		return -1;
	g.port = ntohs(a.sin_port);
	for (int k = 0; k < 2; k++) {
		g.osc_port[k] = hx_free_udp_port();
		snprintf(g.session[k], sizeof g.session[k], "%s/root/session%d/%s", hx_tmpdir(), k + 1,
			 g_ids[k]);
	}
	/* The template config of a new session; the second session exists already. */
	char text[1024], tpl[HX_PATH_MAX];
	config_text(text, sizeof text, g.osc_port[0], 0.0);
	if (hx_write_file("template.cfg", text, tpl) < 0 || mkdirs(g.session[1]) < 0)
		return -1;
	config_text(text, sizeof text, g.osc_port[1], 0.0);
	FILE *f = fopen(session_file(1, "jmixd.cfg"), "w");
	if (!f)
		return -1;
	fputs(text, f);
	fclose(f);
	f = fopen(session_file(1, "state.cfg"), "w");
	if (!f)
		return -1;
	fputs("master = { fader = -12.0; };\n", f);
	fclose(f);

	snprintf(g.log_path, sizeof g.log_path, "%s/jmixd-nsm.log", hx_tmpdir());
	snprintf(g.template_cfg, sizeof g.template_cfg, "%s", tpl);
	return start_jmixd();
}

/* jmixd under the stub: a new process each time, its output appended to one log. */
static int start_jmixd(void)
{
	char url[64];
	snprintf(url, sizeof url, "osc.udp://127.0.0.1:%d/", g.port);
	g.pid = fork();
	if (g.pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int log = open(g.log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(log, 1);
		dup2(log, 2);
		setenv("NSM_URL", url, 1);
		if (getenv("JMIXD_PRELOAD"))
			setenv("LD_PRELOAD", getenv("JMIXD_PRELOAD"), 1);
		execl(hx_jmixd_bin(), "jmixd", "-v", "-c", g.template_cfg, (char *)NULL);
		_exit(127);
	}
	return g.pid > 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	int status;
	if (g.pid > 0 && hx_wait_exit(g.pid, 0.1, &status) < 0) {
		kill(g.pid, SIGKILL);
		hx_wait_exit(g.pid, 5.0, &status);
	}
	close(g.fd);
	hx_jackd_stop(&g.jackd);
	return 0;
}

static void test_announce(void **state)
{
	(void)state;
	struct stub_msg m;
	assert_int_equal(stub_wait("/nsm/server/announce", &m, WAIT_S), 0);
	assert_string_equal(m.types, "sssiii");
	assert_string_equal(m.s[0], "jmixd");
	assert_string_equal(m.s[1], ":switch:dirty:");
	assert_int_equal(m.i[3], 1);
	assert_int_equal(m.i[5], g.pid);
	/* The protocol says: no JACK client before open. */
	char port[HX_NAME_MAX * 2];
	snprintf(port, sizeof port, "%s:master_L", g_ids[0]);
	assert_false(hx_jack_port_exists(&g.jackd, port));
	assert_false(hx_jack_port_exists(&g.jackd, "notused:master_L"));
	stub_send("/reply", "/nsm/server/announce", "Acknowledged.", "stub", ":server-control:",
		  (char *)NULL);
}

static void expect_open_reply(int k)
{
	struct stub_msg m;
	assert_int_equal(stub_wait("/reply", &m, WAIT_S), 0);
	assert_string_equal(m.s[0], "/nsm/client/open");
	char port[HX_NAME_MAX * 2];
	snprintf(port, sizeof port, "%s:master_L", g_ids[k]);
	assert_true(hx_jack_port_exists(&g.jackd, port));
}

static void test_open_new_session(void **state)
{
	(void)state;
	stub_send("/nsm/client/open", g.session[0], "session1", g_ids[0], (char *)NULL);
	expect_open_reply(0);
	assert_true(hx_file_size(session_file(0, "jmixd.cfg")) > 0);
}

static void test_dirty_and_save(void **state)
{
	(void)state;
	struct stub_msg m;
	struct hx_osc *osc = hx_osc_open(g.osc_port[0]);
	assert_non_null(osc);
	assert_int_equal(hx_osc_send(osc, "/master/fader", "f", -6.0), 0);
	assert_int_equal(stub_wait("/nsm/client/is_dirty", &m, WAIT_S), 0);

	stub_send("/nsm/client/save", (char *)NULL);
	assert_int_equal(stub_wait("/reply", &m, WAIT_S), 0);
	assert_string_equal(m.s[0], "/nsm/client/save");
	char *text = hx_read_file(session_file(0, "state.cfg"), 0);
	assert_non_null(text);
	assert_non_null(strstr(text, "-6.0"));
	free(text);
	assert_true(access(session_file(0, "autosave.cfg"), F_OK) < 0);   /* nothing unsaved */
	assert_int_equal(stub_wait("/nsm/client/is_clean", &m, WAIT_S), 0);
	hx_osc_close(osc);
}

static void test_open_that_fails(void **state)
{
	(void)state;
	struct stub_msg m;
	/* A switch to a folder that cannot exist (below a regular file). */
	char bad[HX_PATH_MAX + 32];
	snprintf(bad, sizeof bad, "%s/template.cfg/jmixd.nCCCC", hx_tmpdir());
	stub_send("/nsm/client/open", bad, "broken", "jmixd.nCCCC", (char *)NULL);
	assert_int_equal(stub_wait("/error", &m, WAIT_S), 0);
	assert_string_equal(m.types, "sis");
	assert_string_equal(m.s[0], "/nsm/client/open");
	assert_int_equal(m.i[1], -10);
	assert_non_null(strstr(m.s[2], "template.cfg"));
	/* The first session's console was closed for the switch. */
	char port[HX_NAME_MAX * 2];
	snprintf(port, sizeof port, "%s:master_L", g_ids[0]);
	assert_int_equal(hx_jack_wait_port(&g.jackd, port, false, WAIT_S), 0);
}

static void test_open_with_bad_config(void **state)
{
	(void)state;
	struct stub_msg m;
	char dir[HX_PATH_MAX + 32], cfg[HX_PATH_MAX + 64];
	snprintf(dir, sizeof dir, "%s/root/session3/jmixd.nDDDD", hx_tmpdir());
	assert_int_equal(mkdirs(dir), 0);
	snprintf(cfg, sizeof cfg, "%s/jmixd.cfg", dir);
	FILE *f = fopen(cfg, "w");
	assert_non_null(f);
	fputs("channels = ( { name = \"kick\"; fader = 99.0; } );\n", f);
	fclose(f);
	stub_send("/nsm/client/open", dir, "session3", "jmixd.nDDDD", (char *)NULL);
	assert_int_equal(stub_wait("/error", &m, WAIT_S), 0);
	assert_string_equal(m.s[0], "/nsm/client/open");
	assert_int_equal(m.i[1], -9);
	assert_non_null(strstr(m.s[2], "jmixd.cfg"));
	assert_non_null(strstr(m.s[2], "fader"));
}

static void test_switch_to_existing_session(void **state)
{
	(void)state;
	stub_send("/nsm/client/open", g.session[1], "session2", g_ids[1], (char *)NULL);
	expect_open_reply(1);
	/* Its own config (OSC port) and its own saved mix. */
	struct hx_osc *osc = hx_osc_open(g.osc_port[1]);
	struct hx_osc_msg r;
	assert_non_null(osc);
	assert_int_equal(hx_osc_query(osc, "/master/fader", WAIT_S, &r), 0);
	assert_true(r.argv[0].d > -12.01 && r.argv[0].d < -11.99);
	hx_osc_close(osc);
}

/* Poll until the file holds text (the autosave writes after changes pause). */
static bool wait_file_holds(const char *path, const char *text, double timeout_s)
{
	double end = hx_now() + timeout_s;
	do {
		char *body = hx_read_file(path, 0);
		bool is_there = body && strstr(body, text);
		free(body);
		if (is_there)
			return true;
		usleep(20000);
	} while (hx_now() < end);
	return false;
}

static void expect_master_fader(int k, double db)
{
	struct hx_osc *osc = hx_osc_open(g.osc_port[k]);
	struct hx_osc_msg r;
	assert_non_null(osc);
	assert_int_equal(hx_osc_query(osc, "/master/fader", WAIT_S, &r), 0);
	if (!(r.argv[0].d > db - 0.01 && r.argv[0].d < db + 0.01))
		fail_msg("/master/fader reads %.3f dB, expected %.3f", r.argv[0].d, db);
	hx_osc_close(osc);
}

/* Set the master fader of session k, and wait until the autosave has it on disk. */
static void change_unsaved(int k, float db, const char *as_text)
{
	struct stub_msg m;
	struct hx_osc *osc = hx_osc_open(g.osc_port[k]);
	assert_non_null(osc);
	assert_int_equal(hx_osc_send(osc, "/master/fader", "f", db), 0);
	hx_osc_close(osc);
	assert_int_equal(stub_wait("/nsm/client/is_dirty", &m, WAIT_S), 0);
	assert_true(wait_file_holds(session_file(k, "autosave.cfg"), as_text, WAIT_S));
	assert_true(wait_file_holds(session_file(k, "state.cfg"), "-12.0", 0));
}

/* A new jmixd announces, and opens session k when told. */
static void restart_and_open(int k, const char *name)
{
	struct stub_msg m;
	assert_int_equal(start_jmixd(), 0);
	assert_int_equal(stub_wait("/nsm/server/announce", &m, WAIT_S), 0);
	stub_send("/reply", "/nsm/server/announce", "Acknowledged.", "stub", ":server-control:",
		  (char *)NULL);
	stub_send("/nsm/client/open", g.session[k], name, g_ids[k], (char *)NULL);
	expect_open_reply(k);
}

/* NSM's abort: quit without a save brings the saved mix back next time. */
static void test_close_without_save(void **state)
{
	(void)state;
	int status;
	change_unsaved(1, -3.0f, "-3.0");
	assert_int_equal(kill(g.pid, SIGTERM), 0);
	assert_int_equal(hx_wait_exit(g.pid, WAIT_S, &status), 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_true(access(session_file(1, "autosave.cfg"), F_OK) < 0);
	assert_true(wait_file_holds(session_file(1, "unsaved.cfg"), "-3.0", 0));
	assert_true(wait_file_holds(session_file(1, "state.cfg"), "-12.0", 0));

	restart_and_open(1, "session2");
	expect_master_fader(1, -12.0);
}

/* A crash (SIGKILL) loses nothing: the autosaved mix is back, dirty until saved. */
static void test_crash_recovers_unsaved_mix(void **state)
{
	(void)state;
	struct stub_msg m;
	int status;
	change_unsaved(1, -4.0f, "-4.0");
	assert_int_equal(kill(g.pid, SIGKILL), 0);
	assert_int_equal(hx_wait_exit(g.pid, WAIT_S, &status), 0);

	restart_and_open(1, "session2");
	assert_int_equal(stub_wait("/nsm/client/is_dirty", &m, WAIT_S), 0);
	expect_master_fader(1, -4.0);
	stub_send("/nsm/client/save", (char *)NULL);
	assert_int_equal(stub_wait("/reply", &m, WAIT_S), 0);
	assert_string_equal(m.s[0], "/nsm/client/save");
	assert_true(wait_file_holds(session_file(1, "state.cfg"), "-4.0", 0));
	assert_true(access(session_file(1, "autosave.cfg"), F_OK) < 0);
	assert_int_equal(stub_wait("/nsm/client/is_clean", &m, WAIT_S), 0);
}

static void test_sigterm(void **state)
{
	(void)state;
	int status;
	assert_int_equal(kill(g.pid, SIGTERM), 0);
	assert_int_equal(hx_wait_exit(g.pid, WAIT_S, &status), 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	g.pid = 0;
	char port[HX_NAME_MAX * 2];
	snprintf(port, sizeof port, "%s:master_L", g_ids[1]);
	assert_false(hx_jack_port_exists(&g.jackd, port));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_announce),
		cmocka_unit_test(test_open_new_session),
		cmocka_unit_test(test_dirty_and_save),
		cmocka_unit_test(test_open_that_fails),
		cmocka_unit_test(test_open_with_bad_config),
		cmocka_unit_test(test_switch_to_existing_session),
		cmocka_unit_test(test_close_without_save),
		cmocka_unit_test(test_crash_recovers_unsaved_mix),
		cmocka_unit_test(test_sigterm),
	};
	int failed = cmocka_run_group_tests_name("jmixd integration: NSM session", tests,
						 group_setup, group_teardown);
	if (failed)
		hx_dump_log_tail("jmixd under the stub NSM server", g.log_path, 40);
	return hx_finish(failed) ? 1 : 0;
}
