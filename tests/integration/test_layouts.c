/*
 * test_layouts.c - every OSC address of every generated layout, sent to a running jmixd.
 *
 * The real jmixd writes each layout for the console it runs (--print-layout touchosc,
 * touchosc-mk1, touchosc-monitor, osc-session); the addresses are read back out of the files
 * (the .tosc's stored zlib blocks, the .touchosc's zip entry with base64 osc_cs, the
 * session's JSON) and every one of them goes to the daemon: a control that sends gets the
 * value the widget would send (0.5 on a /norm address, 1.0 on a switch, as TouchOSC sends
 * floats), every address is then queried, and the answer must be the value sent; no message
 * may draw an /error. This ties the layouts to the parameter table as `make man` ties the
 * man pages.
 *
 * Then the roles and the daemon additions the layouts rely on: a performer's phone on
 * 127.0.0.2 (monitor-mix:wedge) sets every control of its monitor layout and is refused
 * elsewhere with a reason; a /subscribe/floats client gets the names as strings in the dump,
 * switches as floats and the single-float meters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/integration/harness.h"

#define RATE 48000
#define PERIOD 64
#define MAX_ADDRESSES 2048
#define SYNC_EVERY 40        /* sets between round trips: the daemon's socket never overflows */

static const char config[] =
	"osc = { bind = \"127.0.0.1\"; zeroconf = false; meter_rate = 25;\n"
	"        allow = ( { net = \"127.0.0.1/32\"; role = \"control\"; },\n"
	"                  { net = \"127.0.0.2/32\"; role = \"monitor-mix:wedge\"; } ); };\n"
	"aux = ( { name = \"rev\"; type = \"reverb\"; }, { name = \"dly\"; type = \"delay\"; },\n"
	"        { name = \"wedge\"; type = \"monitor\"; },\n"
	"        { name = \"iem\"; type = \"monitor\"; stereo = true; } );\n"
	"groups = { dca = ( { name = \"drums\"; } ); };\n"
	"channels = ( { name = \"kick\"; }, { name = \"vox\"; }, { name = \"keys\"; stereo = true; } );\n";

static struct hx_jackd jackd;
static struct hx_daemon daemon_;

struct address {
	char path[128];
	bool is_send;
};

struct addresses {
	struct address a[MAX_ADDRESSES];
	int n;
};

static void add_address(struct addresses *as, const char *path, size_t len, bool is_send)
{
	if (len == 0 || len >= sizeof as->a[0].path)
		return;
	for (int i = 0; i < as->n; i++)
		if (strlen(as->a[i].path) == len && strncmp(as->a[i].path, path, len) == 0) {
			as->a[i].is_send |= is_send;
			return;
		}
	assert_true(as->n < MAX_ADDRESSES);
	memcpy(as->a[as->n].path, path, len);
	as->a[as->n].path[len] = '\0';
	as->a[as->n].is_send = is_send;
	as->n++;
}

/* ---- the files ---- */

static char *layout_file(const char *kind, const char *bus, size_t *n)
{
	char out[HX_PATH_MAX], log[HX_PATH_MAX];
	snprintf(out, sizeof out, "%s/layout-%s%s", hx_tmpdir(), kind, bus ? bus : "");
	const char *args[12] = { "--print-layout", kind };
	int k = 2;
	if (bus)
		args[k++] = bus;
	args[k++] = "-c";
	args[k++] = daemon_.cfg_path;
	args[k++] = "-o";
	args[k++] = out;
	args[k] = NULL;
	int status = hx_jmixd_run(args, 30.0, log);
	if (status != 0)
		hx_dump_log_tail("jmixd --print-layout", log, 20);
	assert_int_equal(status, 0);
	*n = hx_file_size(out);
	char *data = hx_read_file(out, 0);
	assert_non_null(data);
	return data;
}

static uint32_t le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

/* The XML of a .tosc: its stored zlib blocks joined (jmixd writes no compressed block). */
static char *tosc_xml(const char *kind, const char *bus)
{
	size_t n;
	unsigned char *z = (unsigned char *)layout_file(kind, bus, &n);
	char *xml = malloc(n + 1);
	size_t at = 2, len = 0;
	assert_int_equal(z[0], 0x78);
	for (bool is_final = false; !is_final;) {
		assert_true(at + 5 <= n);
		is_final = z[at] & 1;
		assert_int_equal(z[at] & 6, 0);   /* BTYPE 00: stored */
		size_t block = le16(z + at + 1);
		assert_int_equal(block ^ le16(z + at + 3), 0xffff);
		memcpy(xml + len, z + at + 5, block);
		len += block;
		at += 5 + block;
	}
	xml[len] = '\0';
	free(z);
	return xml;
}

static void tosc_addresses(const char *xml, struct addresses *as)
{
	static const char path_open[] = "<path><partial><type>CONSTANT</type><conversion>STRING"
					"</conversion><value><![CDATA[";
	for (const char *p = xml; (p = strstr(p, "<osc><enabled>1</enabled><send>")); p++) {
		bool is_send = p[strlen("<osc><enabled>1</enabled><send>")] == '1';
		const char *at = strstr(p, path_open);
		assert_non_null(at);
		at += strlen(path_open);
		add_address(as, at, (size_t)(strstr(at, "]]>") - at), is_send);
	}
}

static size_t unbase64(const char *s, size_t n, char *out)
{
	static const char digits[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t len = 0;
	unsigned v = 0;
	int bits = 0;
	for (size_t i = 0; i < n && s[i] != '='; i++) {
		const char *d = strchr(digits, s[i]);
		assert_non_null(d);
		v = v << 6 | (unsigned)(d - digits);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[len++] = (char)(v >> bits & 0xff);
		}
	}
	out[len] = '\0';
	return len;
}

/* A .touchosc: the stored index.xml behind the zip's local header; base64 osc_cs. */
static void mk1_addresses(struct addresses *as)
{
	size_t n;
	char *zip = layout_file("touchosc-mk1", NULL, &n);
	const unsigned char *z = (const unsigned char *)zip;
	assert_true(n > 30 && z[0] == 'P' && z[1] == 'K' && le16(z + 8) == 0);
	char *xml = zip + 30 + le16(z + 26) + le16(z + 28);
	char *end = xml + (le16(z + 18) | le16(z + 20) << 16);
	*end = '\0';
	for (char *p = xml; (p = strstr(p, "<control type=\"")); p++) {
		char type[16], path[256];
		sscanf(p + 15, "%15[^\"]", type);
		char *cs = strstr(p, "osc_cs=\"") + 8;
		size_t len = unbase64(cs, (size_t)(strchr(cs, '"') - cs), path);
		add_address(as, path, len, strcmp(type, "labelh") != 0);
	}
	free(zip);
}

/*
 * The Open Stage Control session: every "address" but the subscriber's. A fader, knob or
 * button sends unless it is bypassed (a meter); text widgets only show.
 */
static void session_addresses(struct addresses *as)
{
	size_t n;
	char *json = layout_file("osc-session", NULL, &n);
	for (char *p = json; (p = strstr(p, "\"address\": \"")); p++) {
		char *at = p + 12, *type = NULL;
		size_t len = (size_t)(strchr(at, '"') - at);
		for (char *t = json; (t = strstr(t, "\"type\": \"")) && t < p; t++)
			type = t + 9;
		char *next = strstr(at, "\"type\": \"");
		char *bypass = strstr(at, "\"bypass\": true");
		bool is_bypassed = bypass && (!next || bypass < next);
		bool is_control = type && (strncmp(type, "fader\"", 6) == 0 ||
					   strncmp(type, "knob\"", 5) == 0 ||
					   strncmp(type, "button\"", 7) == 0);
		if (strncmp(at, "/subscribe", 10) != 0)
			add_address(as, at, len, is_control && !is_bypassed);
	}
	free(json);
}

/* ---- to the daemon ---- */

static bool is_switch(const char *path)
{
	return !strstr(path, "/norm");
}

/* Every queued /error is a failure of the layout that sent it. */
static void expect_no_error(struct hx_osc *o, const char *what)
{
	struct hx_osc_msg m;
	assert_int_equal(hx_osc_query(o, "/master/fader", 5.0, NULL), 0);
	if (hx_osc_wait(o, "/error", 0, &m) == 0)
		fail_msg("%s: %s", what, hx_osc_msg_str(&m));
}

/* Send what each control would send, then query every address and compare. */
static void exercise(struct hx_osc *o, const struct addresses *as, const char *what)
{
	int n_sent = 0, n_set = 0;
	for (int i = 0; i < as->n; i++) {
		if (!as->a[i].is_send)
			continue;
		n_set++;
		hx_osc_send(o, as->a[i].path, "f", is_switch(as->a[i].path) ? 1.0 : 0.5);
		if (++n_sent % SYNC_EVERY == 0)
			expect_no_error(o, what);
	}
	expect_no_error(o, what);
	for (int i = 0; i < as->n; i++) {
		struct hx_osc_msg m;
		const char *path = as->a[i].path;
		if (hx_osc_query(o, path, 5.0, &m) != 0) {
			struct hx_osc_msg e;
			if (hx_osc_wait_error(o, path, 0, &e) == 0)
				fail_msg("%s: query %s: %s", what, path, hx_osc_msg_str(&e));
			fail_msg("%s: query %s: no answer", what, path);
		}
		assert_true(m.argc >= 1);   /* a meter message carries several */
		if (!as->a[i].is_send || strstr(path, "/meter/"))
			continue;   /* a name, a meter: what it shows, not what was sent */
		double want = is_switch(path) ? 1.0 : 0.5;
		if (fabs(m.argv[0].d - want) > 1e-3)
			fail_msg("%s: %s reads %g after %g was sent", what, path, m.argv[0].d, want);
	}
	n_sent = 0;
	for (int i = 0; i < as->n; i++)   /* switches back off: the next layout starts clean */
		if (as->a[i].is_send && is_switch(as->a[i].path)) {
			hx_osc_send(o, as->a[i].path, "f", 0.0);
			if (++n_sent % SYNC_EVERY == 0)
				expect_no_error(o, what);
		}
	expect_no_error(o, what);
	fprintf(stderr, "[layouts] %-18s %4d addresses answered, %4d of them set and read back\n",
		what, as->n, n_set);
}

static struct addresses as;
static int n_tosc_addresses;   /* the Mk1 layout has the same controls, so the same addresses */

static void test_tosc_addresses_live(void **state)
{
	(void)state;
	struct hx_osc *o = hx_osc_open(daemon_.osc_port);
	assert_non_null(o);
	as.n = 0;
	char *xml = tosc_xml("touchosc", NULL);
	tosc_addresses(xml, &as);
	free(xml);
	assert_true(as.n > 200);
	n_tosc_addresses = as.n;
	exercise(o, &as, "touchosc");
	hx_osc_close(o);
}

static void test_mk1_addresses_live(void **state)
{
	(void)state;
	struct hx_osc *o = hx_osc_open(daemon_.osc_port);
	assert_non_null(o);
	as.n = 0;
	mk1_addresses(&as);
	assert_int_equal(as.n, n_tosc_addresses);
	exercise(o, &as, "touchosc-mk1");
	hx_osc_close(o);
}

static void test_session_addresses_live(void **state)
{
	(void)state;
	struct hx_osc *o = hx_osc_open(daemon_.osc_port);
	assert_non_null(o);
	as.n = 0;
	session_addresses(&as);
	assert_true(as.n > 20);
	exercise(o, &as, "osc-session");
	hx_osc_close(o);
}

/* The performer's phone: its whole layout works from 127.0.0.2, and nothing else does. */
static void test_monitor_mix_from_second_address(void **state)
{
	(void)state;
	struct hx_osc *phone = hx_osc_open_from(daemon_.osc_port, "127.0.0.2");
	assert_non_null(phone);
	as.n = 0;
	char *xml = tosc_xml("touchosc-monitor", "wedge");
	tosc_addresses(xml, &as);
	free(xml);
	int n_send = 0;
	for (int i = 0; i < as.n; i++)
		n_send += as.a[i].is_send;
	assert_int_equal(n_send, 3 * 2 + 1);   /* level and on of 3 channels, the wedge fader */
	exercise(phone, &as, "touchosc-monitor");

	static const char *const refused[] = { "/ch/1/fader/norm", "/ch/1/send/4/level/norm",
					       "/aux/3/mute", "/master/fader/norm" };
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		struct hx_osc_msg m;
		hx_osc_send(phone, refused[i], "f", 0.25);
		assert_int_equal(hx_osc_wait_error(phone, refused[i], 5.0, &m), 0);
		assert_non_null(strstr(m.argv[1].s, "only its monitor mix"));
	}
	hx_osc_send(phone, "/snapshot/save", "s", "x");
	assert_int_equal(hx_osc_wait_error(phone, "/snapshot/save", 5.0, NULL), 0);
	hx_osc_close(phone);
}

struct seen {
	char name[HX_OSC_STR_MAX];
	char mute_type;
	int n_meter_fields;
	int n_meter_messages;
};

static bool tap(const struct hx_osc_msg *m, void *user)
{
	struct seen *s = user;
	if (strcmp(m->path, "/ch/2/name") == 0 && m->types[0] == 's')
		snprintf(s->name, sizeof s->name, "%s", m->argv[0].s);
	else if (strcmp(m->path, "/ch/1/mute") == 0)
		s->mute_type = m->types[0];
	else if (strcmp(m->path, "/ch/1/meter/peak/norm") == 0 && strcmp(m->types, "f") == 0)
		s->n_meter_fields++;
	else if (strcmp(m->path, "/ch/1/meter") == 0)
		s->n_meter_messages++;
	else
		return strcmp(m->path, "/master/fader") != 0;   /* keep the sync's answer */
	return true;
}

/* /subscribe/floats: names as strings in the dump, switches as floats, single-float meters. */
static void test_floats_subscriber(void **state)
{
	(void)state;
	struct hx_osc *o = hx_osc_open(daemon_.osc_port);
	struct seen s = { .mute_type = 0 };
	assert_non_null(o);
	hx_osc_set_tap(o, tap, &s);
	hx_osc_send(o, "/subscribe/floats", "");
	double t0 = hx_now();
	while ((!*s.name || !s.mute_type || s.n_meter_fields < 3) && hx_now() - t0 < 10.0)
		hx_osc_pump(o, 0.05);
	assert_string_equal(s.name, "vox");
	assert_int_equal(s.mute_type, 'f');
	assert_true(s.n_meter_fields >= 3);
	assert_int_equal(s.n_meter_messages, 0);
	hx_osc_send(o, "/unsubscribe", "");
	expect_no_error(o, "/subscribe/floats");
	hx_osc_close(o);
}

static int group_setup(void **state)
{
	(void)state;
	static const char *const ports[] = { "kick", "vox", "keys_L", "keys_R", NULL };
	const struct hx_daemon_opts opts = { .ports = ports };
	if (hx_jackd_start(&jackd, RATE, PERIOD) < 0)
		return -1;
	return hx_daemon_start(&daemon_, &jackd, config, &opts) < 0 ? -1 : 0;
}

static int group_teardown(void **state)
{
	(void)state;
	if (daemon_.pid)
		hx_daemon_stop(&daemon_, SIGTERM, 3.0);
	hx_jackd_stop(&jackd);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tosc_addresses_live),
		cmocka_unit_test(test_mk1_addresses_live),
		cmocka_unit_test(test_session_addresses_live),
		cmocka_unit_test(test_monitor_mix_from_second_address),
		cmocka_unit_test(test_floats_subscriber),
	};
	int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
	return hx_finish(failed);
}
