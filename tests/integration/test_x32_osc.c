/*
 * test_x32_osc.c - the X32 port against a client that walks the whole console tree
 * (research/x32.md 8, acceptance test R: "x32-osc completes refreshState and emits ready"):
 *   - a node of each kind answers "/node" with one line: its address, as many fields as the
 *     protocol document gives it, and a newline (our own client, no npm needed);
 *   - the npm package x32-osc (1.0.0, MIT), installed into build/npm by this test, connects,
 *     walks the tree with no error and emits ready; what it read matches jmixd's state, and
 *     a set it sends in the console's text form ("-5" for a fader) reaches jmixd;
 *   - held values (a colour, a DCA's name) are saved in the state folder and come back
 *     after a restart; lines of that file that are no held value are skipped.
 * x32-osc talks to port 10023 only, so the daemon's X32 listener binds 10023 on a loopback
 * address of its own (127.32.x.y, from the process id), which no other test uses.
 *
 * The npm test is skipped, saying why, only when `npm install` fails AND `npm ping` cannot
 * reach the registry (an offline machine); any other failure fails. JMIXD_NPM_DIR overrides
 * the install folder (default build/npm).
 *
 * Run from the source tree: tests/integration/isolate.sh build/itests/test_x32_osc
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/integration/harness.h"

#define WAIT_S 5.0

static struct hx_rig g;
static char g_address[32];

/* Queries flush first: feedback queued for the native client carries the same paths. */
static void native_set(const char *path, double v)
{
	struct hx_osc_msg m;
	hx_osc_flush(g.osc);
	assert_int_equal(hx_osc_send(g.osc, path, "f", v), 0);
	assert_int_equal(hx_osc_query(g.osc, path, WAIT_S, &m), 0);
}

static double native_get(const char *path)
{
	struct hx_osc_msg m;
	hx_osc_flush(g.osc);
	assert_int_equal(hx_osc_query(g.osc, path, WAIT_S, &m), 0);
	return m.argv[0].d;
}

/* ---- node shapes, by our own client ---- */

/* Fields in a node line: tokens after the address; a quoted string is one token. */
static int count_fields(const char *line)
{
	int n = -1;   /* the address */
	for (const char *p = line; *p && *p != '\n';) {
		while (*p == ' ')
			p++;
		if (!*p || *p == '\n')
			break;
		n++;
		if (*p == '"') {
			p = strchr(p + 1, '"');
			p = p ? p + 1 : "";
		} else {
			while (*p && *p != ' ' && *p != '\n')
				p++;
		}
	}
	return n;
}

/* A node of each kind, with its field count from the protocol document's tables (Maillot,
 * firmware 4.06), not from jmixd's own table. The 64 fields of /fx/N/par are longer than
 * this client's strings; x32-osc checks them. */
static void test_node_shapes(void **state)
{
	(void)state;
	static const struct {
		const char *node;
		int n_fields;
	} shapes[] = {
		{ "ch/01/config", 4 }, { "ch/32/preamp", 5 }, { "ch/05/gate", 8 },
		{ "ch/05/dyn", 15 }, { "ch/01/eq/4", 4 }, { "ch/01/mix", 6 },
		{ "ch/01/mix/15", 5 }, { "ch/01/mix/16", 2 }, { "ch/01/grp", 2 },
		{ "bus/16/mix", 6 }, { "mtx/01/dyn", 14 }, { "main/st/mix", 3 },
		{ "main/m/mix", 2 }, { "dca/8", 2 }, { "dca/8/config", 3 },
		{ "fx/1/source", 2 }, { "config/chlink", 16 }, { "headamp/127", 2 },
	};
	struct hx_osc *o = hx_osc_open_to(g_address, 10023);
	struct hx_osc_msg m;
	assert_non_null(o);
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		hx_osc_send(o, "/node", "s", shapes[i].node);
		if (hx_osc_wait(o, "node", WAIT_S, &m) != 0)
			fail_msg("no answer to /node %s", shapes[i].node);
		assert_string_equal(m.types, "s");
		const char *line = m.argv[0].s;
		size_t len = strlen(shapes[i].node);
		if (line[0] != '/' || strncmp(line + 1, shapes[i].node, len) != 0 ||
		    line[len + 1] != ' ' || line[strlen(line) - 1] != '\n' ||
		    count_fields(line) != shapes[i].n_fields)
			fail_msg("/node %s: '%s', expected %d fields", shapes[i].node, line,
				 shapes[i].n_fields);
	}
	/* The blank-scene line of research/x32.md 5.1, on a channel set to those values. */
	native_set("/ch/2/fader", -90.0);
	hx_osc_send(o, "/node", "s", "ch/02/mix");
	assert_int_equal(hx_osc_wait(o, "node", WAIT_S, &m), 0);
	assert_string_equal(m.argv[0].s, "/ch/02/mix ON -oo ON +0 OFF -oo\n");
	native_set("/ch/2/fader", 0.0);
	hx_osc_close(o);
}

/* ---- the npm client ---- */

static const char *npm_dir(void)
{
	const char *d = getenv("JMIXD_NPM_DIR");
	return d && *d ? d : "build/npm";
}

/* Install x32-osc into npm_dir() unless it is there. 0, 1 (skip: registry unreachable) or -1. */
static int install_x32_osc(void)
{
	char cmd[1024], marker[512];
	snprintf(marker, sizeof marker, "%s/node_modules/x32-osc/package.json", npm_dir());
	if (access(marker, R_OK) == 0)
		return 0;
	snprintf(cmd, sizeof cmd,
		 "mkdir -p '%s' && timeout 300 npm install --no-audit --no-fund --no-save "
		 "--fetch-retries=1 --prefix '%s' "
		 "x32-osc@1.0.0 > '%s/install.log' 2>&1",
		 npm_dir(), npm_dir(), npm_dir());
	if (system(cmd) == 0 && access(marker, R_OK) == 0)
		return 0;
	snprintf(cmd, sizeof cmd, "timeout 30 npm ping > /dev/null 2>&1");
	if (system(cmd) != 0) {
		print_message("SKIP: npm's registry is unreachable (npm ping failed), so x32-osc "
			      "cannot be installed; see %s/install.log\n", npm_dir());
		return 1;
	}
	print_message("npm install x32-osc@1.0.0 failed with the registry reachable; see "
		      "%s/install.log\n", npm_dir());
	return -1;
}

static void test_x32_osc_ready(void **state)
{
	(void)state;
	int rc = install_x32_osc();
	if (rc == 1)
		skip();
	assert_int_equal(rc, 0);
	native_set("/ch/1/fader", -10.0);
	native_set("/ch/2/fader", 0.0);
	native_set("/ch/2/mute", 1.0);

	char cmd[1024], line[512];
	snprintf(cmd, sizeof cmd, "node tests/integration/x32_osc_ready.js '%s' %s 2>&1",
		 npm_dir(), g_address);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	bool is_ready = false, is_done = false;
	char name[64] = "", fader[64] = "", on[64] = "", changed[64] = "";
	while (fgets(line, sizeof line, p)) {
		print_message("x32-osc: %s", line);
		if (strncmp(line, "READY ", 6) == 0) {
			is_ready = strstr(line, "errors=0") != NULL;
			native_set("/ch/1/fader", -20.0);   /* a native client moves a fader */
		}
		sscanf(line, "CHANGED ch01.mix.fader=%63s", changed);
		is_done |= strncmp(line, "DONE errors=0", 13) == 0;
		sscanf(line, "VALUE ch01.config.name=%63s", name);
		sscanf(line, "VALUE ch01.mix.fader=%63s", fader);
		sscanf(line, "VALUE ch02.mix.on=%63s", on);
	}
	int status = pclose(p);
	assert_true(is_ready);
	assert_true(is_done);
	assert_int_equal(status, 0);
	/* What it read is jmixd's state in the console's text: channel names are the config's. */
	assert_string_equal(name, "kick");
	assert_string_equal(fader, "-10.0");
	assert_string_equal(on, "OFF");
	/* It stays in sync: the native move reached its tree (-20 dB on the console's grid). */
	assert_true(changed[0] != '\0');
	assert_float_equal(atof(changed), -20.0, 0.3);
	/* Its set arrived: "-5" dB on the console's grid is 639/1023, -5.02 dB. */
	assert_float_equal(native_get("/ch/2/fader"), 40.0 * 639.0 / 1023.0 - 30.0, 0.01);
	native_set("/ch/2/mute", 0.0);
}

/* ---- held values across a restart ---- */

static char g_state_dir[64];
static char g_config[1024];

/* Wait until path's text contains needle (the autosave wrote it); false after timeout_s. */
static bool file_has(const char *path, const char *needle, double timeout_s)
{
	double end = hx_now() + timeout_s;
	do {
		char buf[8192];
		FILE *f = fopen(path, "r");
		if (f) {
			size_t n = fread(buf, 1, sizeof buf - 1, f);
			fclose(f);
			buf[n] = '\0';
			if (strstr(buf, needle))
				return true;
		}
		hx_sleep(0.05);
	} while (hx_now() < end);
	return false;
}

/* What the X32 port holds for jmixd (colours, DCA names) is saved in the state folder and
 * read back at start; a line that is no held value is skipped and logged. */
static void test_held_values_survive_restart(void **state)
{
	(void)state;
	struct hx_osc *o = hx_osc_open_to(g_address, 10023);
	struct hx_osc_msg m;
	char file[128];
	assert_non_null(o);
	snprintf(file, sizeof file, "%s/x32-held.txt", g_state_dir);
	hx_osc_send(o, "/ch/05/config/color", "i", 3);
	hx_osc_send(o, "/", "s", "dca/2/config \"Bass Gtr\" 7 GN");
	assert_true(file_has(file, "/ch/05/config/color i 3", 10.0));
	assert_true(file_has(file, "/dca/2/config/name s Bass Gtr", 10.0));
	hx_osc_close(o);

	FILE *f = fopen(file, "a");
	assert_non_null(f);
	fputs("/ch/01/mix/fader f 0.5\nnonsense\n", f);   /* a jmixd parameter; junk */
	fclose(f);
	assert_true(hx_daemon_stop(&g.daemon, SIGTERM, 10.0) >= 0);
	assert_int_equal(hx_daemon_start(&g.daemon, &g.jackd, g_config, NULL), 0);
	size_t mark = 0;
	assert_int_equal(hx_daemon_log_wait(&g.daemon, mark, "not a held value", 2, 5.0), 2);

	o = hx_osc_open_to(g_address, 10023);
	assert_non_null(o);
	hx_osc_send(o, "/ch/05/config/color", "");
	assert_int_equal(hx_osc_wait(o, "/ch/05/config/color", WAIT_S, &m), 0);
	assert_int_equal(m.argv[0].i, 3);
	hx_osc_send(o, "/node", "s", "dca/2/config");
	assert_int_equal(hx_osc_wait(o, "node", WAIT_S, &m), 0);
	assert_string_equal(m.argv[0].s, "/dca/2/config \"Bass Gtr\" 7 GN\n");
	hx_osc_close(o);
}

static int group_setup(void **state)
{
	(void)state;
	int pid = (int)getpid();
	snprintf(g_address, sizeof g_address, "127.32.%d.%d", (pid >> 8) & 255, (pid & 255) | 1);
	snprintf(g_state_dir, sizeof g_state_dir, "/tmp/jmixd-x32osc-XXXXXX");
	if (!mkdtemp(g_state_dir))
		return -1;
	snprintf(g_config, sizeof g_config,
		 "osc = { x32 = { enable = true; bind = \"%s\"; port = 10023; name = \"desk\"; }; };\n"
		 "state = { dir = \"%s\"; };\n"
		 "channels = ( { name = \"kick\"; }, { name = \"snare\"; } );\n",
		 g_address, g_state_dir);
	return hx_rig_start(&g, g_config, NULL);
}

static int group_teardown(void **state)
{
	char cmd[128];
	(void)state;
	hx_rig_stop(&g);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_state_dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_node_shapes),
		cmocka_unit_test(test_x32_osc_ready),
		cmocka_unit_test(test_held_values_survive_restart),
	};
	return hx_finish(cmocka_run_group_tests(tests, group_setup, group_teardown));
}
