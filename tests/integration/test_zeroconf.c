/*
 * test_zeroconf.c - jmixd announces its OSC port as DNS-SD service _osc._udp through a real
 * avahi-daemon, a browser finds it with the right name and port, it comes back after an
 * avahi-daemon restart, and it is withdrawn when jmixd stops.
 *
 * Where avahi runs: avahi-daemon needs a D-Bus system bus, and the machine's own (if any)
 * must not be touched. So, as root, the test first moves itself into a private mount and
 * network namespace (unshare) and builds a small world there that every child inherits:
 *   - a tmpfs on /run: avahi-daemon's pid file and any system bus socket are ours alone;
 *   - lo up (the harness talks OSC on 127.0.0.1) and a veth pair zc0/zc1 with 10.77.0.1/24
 *     on zc0: avahi ignores loopback and needs one multicast interface (a dummy link would
 *     do, but containers often lack the dummy driver; veth is built in);
 *   - dbus-daemon on a config written here (socket in the test's temp folder, every name
 *     allowed), reached through DBUS_SYSTEM_BUS_ADDRESS by avahi-daemon, jmixd and
 *     avahi-browse alike;
 *   - avahi-daemon --no-drop-root --no-chroot on zc0 only.
 * Nothing leaves the namespaces: no packet reaches a real network, no system instance is seen.
 * When that world cannot be built (not root, no unshare, avahi-daemon, avahi-browse or
 * dbus-daemon not installed, or jmixd built without avahi), the announcement tests are
 * skipped and say why; the first test always runs: jmixd reports its zeroconf outcome in one
 * log line and keeps serving OSC whatever it is.
 *
 * Debian packages: avahi-daemon avahi-utils dbus-daemon iproute2 (and libavahi-client-dev to
 * build jmixd with avahi). Run: tests/integration/isolate.sh build/itests/test_zeroconf
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/integration/harness.h"

#define RATE 48000u
#define PERIOD 256u
#define OSC_TIMEOUT_S 1.0
#define ANNOUNCE_TIMEOUT_S 10.0   /* avahi probes a name for about 1 s before announcing */

static struct {
	bool has_world;                 /* private namespaces with dbus and avahi running */
	char skip_reason[256];
	char bus_conf[HX_PATH_MAX], avahi_conf[HX_PATH_MAX];
	char dbus_log[HX_PATH_MAX], avahi_log[HX_PATH_MAX];
	char avahi_bin[HX_PATH_MAX], browse_bin[HX_PATH_MAX];
	pid_t dbus_pid, avahi_pid;
	struct hx_rig rig;              /* jackd, the daemon, an OSC client (no probe) */
} g;

static const char g_bus_conf[] =
	"<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
	" \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
	"<busconfig>\n"
	"  <type>system</type>\n"
	"  <listen>unix:path=%s</listen>\n"
	"  <auth>EXTERNAL</auth>\n"
	"  <policy context=\"default\">\n"
	"    <allow user=\"*\"/>\n"
	"    <allow own=\"*\"/>\n"
	"    <allow send_type=\"method_call\"/>\n"
	"    <allow send_type=\"signal\"/>\n"
	"    <allow send_requested_reply=\"true\" send_type=\"method_return\"/>\n"
	"    <allow send_requested_reply=\"true\" send_type=\"error\"/>\n"
	"    <allow receive_type=\"method_call\"/>\n"
	"    <allow receive_type=\"method_return\"/>\n"
	"    <allow receive_type=\"error\"/>\n"
	"    <allow receive_type=\"signal\"/>\n"
	"  </policy>\n"
	"</busconfig>\n";

static const char g_avahi_conf[] =
	"[server]\n"
	"use-ipv4=yes\n"
	"use-ipv6=no\n"
	"allow-interfaces=zc0\n"
	"enable-dbus=yes\n"
	"[publish]\n"
	"publish-hinfo=no\n"
	"publish-workstation=no\n";

/* Announced only when it listens beyond loopback; inside the private namespace that is safe. */
static const char g_config_world[] =
	"jack = { client_name = \"jmixd\"; };\n"
	"osc = { bind = \"0.0.0.0\"; port = 8000; };\n"
	"master = { outputs = [ \"system:playback_1\", \"system:playback_2\" ]; };\n"
	"channels = ( { name = \"kick\"; input = \"\"; } );\n";
static const char g_config_plain[] =
	"jack = { client_name = \"jmixd\"; };\n"
	"osc = { bind = \"127.0.0.1\"; port = 8000; };\n"
	"master = { outputs = [ \"system:playback_1\", \"system:playback_2\" ]; };\n"
	"channels = ( { name = \"kick\"; input = \"\"; } );\n";

/* Note why the announcement tests cannot run; returns false for build_world(). */
static bool skip_because(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static bool skip_because(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(g.skip_reason, sizeof g.skip_reason, fmt, ap);
	va_end(ap);
	fprintf(stderr, "[zeroconf] announcement tests will be skipped: %s\n", g.skip_reason);
	return false;
}

/* prog in $PATH, /usr/sbin or /sbin (avahi-daemon and ip live in sbin). */
static bool find_program(const char *prog, char *out)
{
	char path[2048];
	const char *env = getenv("PATH");
	snprintf(path, sizeof path, "%s:/usr/sbin:/sbin", env ? env : "/usr/bin:/bin");
	for (char *dir = strtok(path, ":"); dir; dir = strtok(NULL, ":")) {
		snprintf(out, HX_PATH_MAX, "%s/%s", dir, prog);
		if (access(out, X_OK) == 0)
			return true;
	}
	return false;
}

/* A background child of ours (dbus-daemon, avahi-daemon), dying with us, output to log. */
static pid_t start_child(const char *const *argv, const char *log_path)
{
	int log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (log_fd < 0 || null_fd < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		/* Only async-signal-safe calls here: JACK's threads may hold locks. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(null_fd, 0);
		dup2(log_fd, 1);
		dup2(log_fd, 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(log_fd);
	close(null_fd);
	hx_log("zeroconf: started %s, pid %d, log %s", argv[0], (int)pid, log_path);
	return pid;
}

static void stop_child(pid_t *pid)
{
	int st;
	if (*pid <= 0)
		return;
	kill(*pid, SIGTERM);
	if (hx_wait_exit(*pid, 3.0, &st) < 0) {
		kill(*pid, SIGKILL);
		waitpid(*pid, &st, 0);
	}
	*pid = 0;
}

/* lo up, and a veth pair with an address on zc0 for avahi (in the private network). */
static bool make_network(const char *ip)
{
	static const char *const cmds[][8] = {
		{ "link", "set", "lo", "up" },
		{ "link", "add", "zc0", "type", "veth", "peer", "name", "zc1" },
		{ "link", "set", "zc0", "up" },
		{ "link", "set", "zc1", "up" },
		{ "addr", "add", "10.77.0.1/24", "dev", "zc0" },
	};
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		const char *argv[10] = { ip };
		for (int k = 0; k < 8 && cmds[i][k]; k++)
			argv[k + 1] = cmds[i][k];
		if (hx_run(argv, 5.0, NULL) != 0)
			return false;
	}
	return true;
}

static bool start_avahi(void)
{
	const char *argv[] = { g.avahi_bin, "--no-drop-root", "--no-chroot", "--no-rlimits",
			       "-f", g.avahi_conf, NULL };
	size_t mark = hx_file_size(g.avahi_log);
	g.avahi_pid = start_child(argv, g.avahi_log);
	if (g.avahi_pid <= 0)
		return false;
	double deadline = hx_now() + 10.0;
	while (hx_now() < deadline) {
		char *text = hx_read_file(g.avahi_log, mark);
		bool is_up = text && strstr(text, "Server startup complete");
		free(text);
		if (is_up)
			return true;
		hx_sleep(0.05);
	}
	return false;
}

/* The private world of the file comment; false (with a reason) when it cannot be built. */
static bool build_world(void)
{
	char ip[HX_PATH_MAX], dbus[HX_PATH_MAX], bus_sock[HX_PATH_MAX], text[2048];

	if (geteuid() != 0)
		return skip_because("not root: cannot make private namespaces");
	if (!find_program("avahi-daemon", g.avahi_bin))
		return skip_because("avahi-daemon not installed (Debian: avahi-daemon)");
	if (!find_program("avahi-browse", g.browse_bin))
		return skip_because("avahi-browse not installed (Debian: avahi-utils)");
	if (!find_program("dbus-daemon", dbus))
		return skip_because("dbus-daemon not installed (Debian: dbus-daemon)");
	if (!find_program("ip", ip))
		return skip_because("ip not installed (Debian: iproute2)");

	/* Before any thread exists: unshare(CLONE_NEWNS) refuses a multithreaded caller. */
	if (unshare(CLONE_NEWNS | CLONE_NEWNET) < 0)
		return skip_because("unshare(mount, network): %s", strerror(errno));
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=16m") < 0 ||
	    mkdir("/run/avahi-daemon", 0755) < 0)
		return skip_because("private /run: %s", strerror(errno));
	if (!make_network(ip))
		return skip_because("cannot set up lo and a veth pair in the private network");

	snprintf(bus_sock, sizeof bus_sock, "%s/bus.sock", hx_tmpdir());
	snprintf(text, sizeof text, g_bus_conf, bus_sock);
	if (hx_write_file("bus.conf", text, g.bus_conf) < 0 ||
	    hx_write_file("avahi.conf", g_avahi_conf, g.avahi_conf) < 0)
		return skip_because("cannot write the configuration files");
	snprintf(g.dbus_log, sizeof g.dbus_log, "%s/dbus.log", hx_tmpdir());
	snprintf(g.avahi_log, sizeof g.avahi_log, "%s/avahi.log", hx_tmpdir());

	char conf_arg[HX_PATH_MAX + 16];
	snprintf(conf_arg, sizeof conf_arg, "--config-file=%s", g.bus_conf);
	const char *dbus_argv[] = { dbus, conf_arg, "--nofork", "--nopidfile", NULL };
	g.dbus_pid = start_child(dbus_argv, g.dbus_log);
	double deadline = hx_now() + 5.0;
	while (access(bus_sock, F_OK) != 0 && hx_now() < deadline)
		hx_sleep(0.02);
	if (access(bus_sock, F_OK) != 0)
		return skip_because("dbus-daemon did not start (see %s)", g.dbus_log);
	snprintf(text, sizeof text, "unix:path=%s", bus_sock);
	setenv("DBUS_SYSTEM_BUS_ADDRESS", text, 1);   /* for avahi, jmixd and avahi-browse */

	if (!start_avahi())
		return skip_because("avahi-daemon did not start (see %s)", g.avahi_log);
	return true;
}

static int group_setup(void **state)
{
	const struct hx_rig_opts opts = { .rate = RATE, .period = PERIOD };
	(void)state;
	g.has_world = build_world();
	return hx_rig_start(&g.rig, g.has_world ? g_config_world : g_config_plain, &opts);
}

static int group_teardown(void **state)
{
	(void)state;
	hx_rig_stop(&g.rig);
	stop_child(&g.avahi_pid);
	stop_child(&g.dbus_pid);
	return 0;
}

/* Skip the rest of a test that needs the announcement, saying why. */
static void need_announcement(void)
{
	if (!g.has_world) {
		print_message("[zeroconf] SKIPPED: %s\n", g.skip_reason);
		skip();
	}
	char *log = hx_daemon_log(&g.rig.daemon, 0);
	bool is_without = log && strstr(log, "zeroconf: built without avahi");
	free(log);
	if (is_without) {
		print_message("[zeroconf] SKIPPED: %s was built without avahi (install "
			      "libavahi-client-dev and rebuild)\n", hx_jmixd_bin());
		skip();
	}
}

/*
 * Browse _osc._udp once (avahi-browse -rpt: resolve, parsable, terminate at "all for now")
 * and look for our service: name and port as announced. Returns true when found; *txt gets
 * its TXT record when non-NULL.
 */
static bool browse_once(const char *name, int port, char *txt, size_t txt_size)
{
	const char *argv[] = { g.browse_bin, "-r", "-p", "-t", "_osc._udp", NULL };
	char log_path[HX_PATH_MAX];
	bool is_found = false;
	if (hx_run(argv, 10.0, log_path) != 0)
		return false;
	char *out = hx_read_file(log_path, 0);
	for (char *line = out ? strtok(out, "\n") : NULL; line; line = strtok(NULL, "\n")) {
		/* =;iface;proto;name;type;domain;host;address;port;txt */
		char *field[10] = { 0 };
		int n = 0;
		for (char *p = line; n < 10; n++) {
			field[n] = p;
			p = strchr(p, ';');
			if (!p)
				break;
			*p++ = '\0';
		}
		if (n < 9 || strcmp(field[0], "=") != 0)
			continue;
		if (strcmp(field[3], name) == 0 && atoi(field[8]) == port) {
			is_found = true;
			if (txt)
				snprintf(txt, txt_size, "%s", field[9]);
		}
	}
	free(out);
	return is_found;
}

static bool browse_until(const char *name, int port, bool want, double timeout_s, char *txt,
			 size_t txt_size)
{
	double deadline = hx_now() + timeout_s;
	do {
		if (browse_once(name, port, txt, txt_size) == want)
			return true;
		hx_sleep(0.2);
	} while (hx_now() < deadline);
	return false;
}

static void assert_serving_osc(void)
{
	struct hx_osc_msg m;
	assert_true(hx_daemon_alive(&g.rig.daemon));
	assert_int_equal(hx_osc_query(g.rig.osc, "/master/fader", OSC_TIMEOUT_S, &m), 0);
}

/* Always runs: one line tells what became of the announcement, and the console works. */
static void test_reports_outcome_and_serves(void **state)
{
	(void)state;
	assert_true(hx_daemon_log_wait(&g.rig.daemon, 0, "zeroconf: ", 1, ANNOUNCE_TIMEOUT_S) >= 1);
	char *log = hx_daemon_log(&g.rig.daemon, 0);
	assert_non_null(log);
	if (!g.has_world && !strstr(log, "built without avahi"))
		assert_non_null(strstr(log, "zeroconf: OSC listens on loopback (127.0.0.1)"));
	free(log);
	assert_serving_osc();
}

static void test_browser_finds_name_and_port(void **state)
{
	char txt[512] = "";
	(void)state;
	need_announcement();
	if (hx_daemon_log_wait(&g.rig.daemon, 0, "zeroconf: announced", 1, ANNOUNCE_TIMEOUT_S) < 1)
		fail_msg("jmixd did not log its announcement; see %s", g.rig.daemon.log_path);
	if (!browse_until(g.rig.daemon.client_name, g.rig.daemon.osc_port, true, 5.0, txt, sizeof txt))
		fail_msg("avahi-browse did not find \"%s\" on port %d", g.rig.daemon.client_name,
			 g.rig.daemon.osc_port);
	/* The OSC 1.1 DNS-SD keys. */
	assert_non_null(strstr(txt, "\"txtvers=1\""));
	assert_non_null(strstr(txt, "\"version=1.0\""));
	assert_non_null(strstr(txt, "\"types="));
}

/* avahi-daemon restarts under a running console: the service comes back by itself. */
static void test_back_after_avahi_restart(void **state)
{
	(void)state;
	need_announcement();
	size_t mark = hx_daemon_log_mark(&g.rig.daemon);
	stop_child(&g.avahi_pid);
	if (hx_daemon_log_wait(&g.rig.daemon, mark, "zeroconf: avahi-daemon went away", 1, 5.0) < 1)
		fail_msg("jmixd did not notice avahi-daemon leaving; see %s", g.rig.daemon.log_path);
	assert_serving_osc();
	assert_true(start_avahi());
	if (hx_daemon_log_wait(&g.rig.daemon, mark, "zeroconf: announced", 1, ANNOUNCE_TIMEOUT_S) < 1)
		fail_msg("jmixd did not announce again; see %s", g.rig.daemon.log_path);
	assert_true(browse_until(g.rig.daemon.client_name, g.rig.daemon.osc_port, true, 5.0, NULL, 0));
	assert_serving_osc();
}

/* Last: a stopped console is withdrawn from the network, not left to expire. */
static void test_withdrawn_on_stop(void **state)
{
	(void)state;
	need_announcement();
	char name[HX_NAME_MAX];
	int port = g.rig.daemon.osc_port;
	snprintf(name, sizeof name, "%s", g.rig.daemon.client_name);
	assert_true(browse_until(name, port, true, 5.0, NULL, 0));
	assert_int_equal(hx_daemon_stop(&g.rig.daemon, SIGTERM, 5.0), 0);
	if (!browse_until(name, port, false, 5.0, NULL, 0))
		fail_msg("\"%s\" is still announced after jmixd stopped", name);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reports_outcome_and_serves),
		cmocka_unit_test(test_browser_finds_name_and_port),
		cmocka_unit_test(test_back_after_avahi_restart),
		cmocka_unit_test(test_withdrawn_on_stop),
	};
	double t0 = hx_now();
	int failed = cmocka_run_group_tests_name("jmixd integration: zeroconf", tests, group_setup,
						 group_teardown);
	fprintf(stderr, "[hx] test_zeroconf: %.1f s\n", hx_now() - t0);
	return hx_finish(failed) ? 1 : 0;
}
