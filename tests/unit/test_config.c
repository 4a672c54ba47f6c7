/*
 * test_config.c - config_load on real files through real libconfig: the shipped default, the
 * good fixtures, one test per bad fixture (each error must read "file:line: key: reason" with
 * the exact line), channel lookup and name validation.
 *
 * Run from the repository root: fixture paths are relative (tests/fixtures/...).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/config.h"
#include "daemon/params.h"
/* The DSP enums a setup holds as int (config.h keeps the DSP out of osc/). */
#include "dsp/mixer.h"
#include "dsp/pan.h"
#include "tests/unit/unit_util.h"

#define FIXTURES "tests/fixtures/"

static float value_of(const float *values, enum param_scope scope, const char *key)
{
	const struct param_desc *d = params_find_key(scope, key);
	assert_non_null(d);
	return values[param_slot(d)];
}

static float ch_value(const struct setup *s, int ch, const char *key)
{
	assert_true(ch >= 0 && ch < s->n_channels);
	return value_of(s->channels[ch].values, PARAM_CHANNEL, key);
}

static float master_value(const struct setup *s, const char *key)
{
	return value_of(s->master_values, PARAM_MASTER, key);
}

static void load_ok(const char *path, struct setup *s)
{
	char err[1024] = "";
	int rc = config_load(path, s, err, sizeof err);
	if (rc != 0)
		fail_msg("config_load(%s) failed: %s", path, err);
	assert_string_equal(s->path, path);
}

/* ---- the shipped configuration ---- */

static void test_default_cfg(void **state)
{
	static const char *const names[] = { "kick", "snare", "hihat", "bass",
					     "gtr",  "keys",  "vox",   "spare" };
	static const float fader[] = { 0, 0, -6, 0, -3, -3, 0, -90 };
	static const float pan[] = { 0, 0, 0.3f, 0, -0.4f, 0.4f, 0, 0 };
	struct setup s;
	(void)state;

	load_ok("configs/default.cfg", &s);
	assert_int_equal(s.n_channels, 8);
	assert_string_equal(s.client_name, "jmixd");
	assert_string_equal(s.osc_bind, "0.0.0.0");
	assert_int_equal(s.osc_port, 8000);
	assert_int_equal(s.pan_law, PAN_LAW_3DB);
	assert_string_equal(s.master_output[0], "system:playback_1");
	assert_string_equal(s.master_output[1], "system:playback_2");
	assert_true(master_value(&s, "fader") == 0.0f);
	assert_true(master_value(&s, "mute") == 0.0f);
	for (int i = 0; i < 8; i++) {
		char port[32];
		snprintf(port, sizeof port, "system:capture_%d", i + 1);
		assert_string_equal(s.channels[i].name, names[i]);
		assert_false(s.channels[i].is_stereo);
		assert_string_equal(s.channels[i].input[0], port);
		assert_string_equal(s.channels[i].input[1], "");
		assert_true(ch_value(&s, i, "fader") == fader[i]);
		assert_true(ch_value(&s, i, "pan") == pan[i]);
		assert_true(ch_value(&s, i, "mute") == (i == 7 ? 1.0f : 0.0f));
	}
	config_free(&s);
	assert_null(s.channels);
	assert_null(s.master_values);
	assert_int_equal(s.n_channels, 0);
	config_free(&s);   /* a second free is harmless */
}

/* ---- good fixtures ---- */

static void test_good_minimal(void **state)
{
	struct setup s;
	(void)state;

	load_ok(FIXTURES "good-minimal.cfg", &s);
	assert_int_equal(s.n_channels, 1);
	assert_string_equal(s.channels[0].name, "solo");
	assert_false(s.channels[0].is_stereo);
	assert_string_equal(s.channels[0].input[0], "");
	assert_string_equal(s.channels[0].input[1], "");
	/* Every parameter at its table default. */
	for (int i = 0; i < params_scope_count(PARAM_CHANNEL); i++)
		assert_true(s.channels[0].values[i] == params_at(PARAM_CHANNEL, i)->def);
	for (int i = 0; i < params_scope_count(PARAM_MASTER); i++)
		assert_true(s.master_values[i] == params_at(PARAM_MASTER, i)->def);
	assert_string_equal(s.client_name, "jmixd");
	assert_string_equal(s.osc_bind, "0.0.0.0");
	assert_int_equal(s.osc_port, 8000);
	assert_int_equal(s.pan_law, PAN_LAW_3DB);
	assert_string_equal(s.master_output[0], "");
	assert_string_equal(s.master_output[1], "");
	config_free(&s);
}

static void test_good_stereo(void **state)
{
	struct setup s;
	(void)state;

	load_ok(FIXTURES "good-stereo.cfg", &s);
	assert_int_equal(s.n_channels, 2);
	assert_string_equal(s.channels[0].name, "keys");
	assert_true(s.channels[0].is_stereo);
	assert_string_equal(s.channels[0].input[0], "system:capture_1");
	assert_string_equal(s.channels[0].input[1], "system:capture_2");
	assert_string_equal(s.channels[1].name, "vox");
	assert_false(s.channels[1].is_stereo);
	assert_string_equal(s.channels[1].input[0], "system:capture_3");
	assert_string_equal(s.channels[1].input[1], "");
	config_free(&s);
}

static void test_good_pan_laws(void **state)
{
	static const struct {
		const char *path;
		enum pan_law law;
	} cases[] = {
		{ FIXTURES "good-pan-law-3.cfg", PAN_LAW_3DB },
		{ FIXTURES "good-pan-law-4.5.cfg", PAN_LAW_4_5DB },
		{ FIXTURES "good-pan-law-6.cfg", PAN_LAW_6DB },
	};
	(void)state;

	for (int i = 0; i < UT_ARRAY_SIZE(cases); i++) {
		struct setup s;
		load_ok(cases[i].path, &s);
		assert_int_equal(s.pan_law, cases[i].law);
		assert_int_equal(s.n_channels, 1);
		config_free(&s);
	}
}

static void test_good_int_values(void **state)
{
	struct setup s;
	(void)state;

	load_ok(FIXTURES "good-int-values.cfg", &s);
	assert_int_equal(s.n_channels, 3);
	assert_true(ch_value(&s, 0, "fader") == -6.0f);
	assert_true(ch_value(&s, 0, "pan") == 1.0f);
	assert_true(ch_value(&s, 1, "fader") == 10.0f);
	assert_true(ch_value(&s, 1, "pan") == -1.0f);
	assert_true(ch_value(&s, 2, "fader") == -90.0f);
	assert_true(master_value(&s, "fader") == -10.0f);
	assert_int_equal(s.pan_law, PAN_LAW_6DB);
	config_free(&s);
}

static void test_good_three(void **state)
{
	struct setup s;
	(void)state;

	load_ok(FIXTURES "good-three.cfg", &s);
	assert_int_equal(s.n_channels, 3);
	assert_string_equal(s.client_name, "jmixd-test");
	assert_string_equal(s.osc_bind, "127.0.0.1");
	assert_int_equal(s.osc_port, 9123);
	assert_string_equal(s.master_output[0], "out:1");
	assert_string_equal(s.master_output[1], "out:2");
	assert_true(master_value(&s, "fader") == -5.0f);
	assert_string_equal(s.channels[2].name, "vox");
	assert_string_equal(s.channels[2].input[0], "in:3");
	assert_true(ch_value(&s, 0, "fader") == -6.0f);
	assert_true(ch_value(&s, 0, "pan") == 0.25f);
	assert_true(ch_value(&s, 2, "mute") == 1.0f);
	assert_true(ch_value(&s, 1, "mute") == 0.0f);
	config_free(&s);
}

/* ---- errors that are not about a setting ---- */

static void test_missing_file(void **state)
{
	const char *path = FIXTURES "does-not-exist.cfg";
	char err[1024] = "";
	struct setup s;
	(void)state;

	assert_int_equal(config_load(path, &s, err, sizeof err), -1);
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
	assert_int_equal(err[strlen(path)], ':');
	ut_assert_contains(err, "cannot read");
	assert_null(s.channels);
	assert_null(s.master_values);
}

static void test_path_too_long(void **state)
{
	char path[5000];
	char err[8192] = "";
	struct setup s;
	(void)state;

	memset(path, 'a', sizeof path - 1);
	path[sizeof path - 1] = '\0';
	assert_int_equal(config_load(path, &s, err, sizeof err), -1);
	ut_assert_contains(err, "path too long");
}

/* A short error buffer truncates the message but still terminates it. */
static void test_small_error_buffer(void **state)
{
	char err[16];
	struct setup s;
	(void)state;

	memset(err, 'x', sizeof err);
	assert_int_equal(config_load(FIXTURES "bad-fader-range.cfg", &s, err, sizeof err), -1);
	assert_int_equal(strlen(err), sizeof err - 1);
	assert_int_equal(strncmp(err, FIXTURES, sizeof err - 1), 0);
}

/* A setup that failed to load can be loaded into again, and freed again. */
static void test_reload_after_failure(void **state)
{
	char err[1024];
	struct setup s;
	(void)state;

	assert_int_equal(config_load(FIXTURES "bad-name-duplicate.cfg", &s, err, sizeof err), -1);
	config_free(&s);
	load_ok(FIXTURES "good-three.cfg", &s);
	assert_int_equal(s.n_channels, 3);
	config_free(&s);
}

/* ---- bad fixtures: one test each ---- */

static float send_value(const struct setup *s, int ch, int bus, const char *path)
{
	const struct param_desc *d = params_find_path(PARAM_SEND, path);
	return setup_values_at(&s->vals, PARAM_SEND, ch * s->n_buses + bus)[param_slot(d)];
}

static void test_good_aux(void **state)
{
	struct setup s;
	(void)state;

	load_ok(FIXTURES "good-aux.cfg", &s);
	assert_int_equal(s.n_buses, 4);
	assert_int_equal(s.buses[0].type, BUS_REVERB);
	assert_true(s.buses[0].is_stereo);            /* effects return in stereo */
	assert_int_equal(s.buses[1].type, BUS_DELAY);
	assert_int_equal(s.buses[2].type, BUS_MONITOR);
	assert_true(s.buses[2].is_stereo);
	assert_string_equal(s.buses[2].output[1], "system:playback_4");
	assert_false(s.buses[3].is_stereo);           /* a wedge is mono unless it says so */
	assert_string_equal(s.buses[3].output[0], "system:playback_5");
	assert_int_equal(setup_find_bus(&s, "iem1"), 2);
	assert_int_equal(setup_find_bus(&s, "4"), 3);
	assert_int_equal(setup_find_bus(&s, "5"), -1);
	/* Bus values. */
	const struct param_desc *fader = params_find_path(PARAM_AUX, "fader");
	const struct param_desc *mute = params_find_path(PARAM_AUX, "mute");
	assert_true(setup_values_at(&s.vals, PARAM_AUX, 0)[param_slot(fader)] == -6.0f);
	assert_true(setup_values_at(&s.vals, PARAM_AUX, 1)[param_slot(mute)] == 1.0f);
	/* Sends: given values, and the defaults: off (-90), on, pre for monitors only. */
	assert_true(send_value(&s, 0, 0, "level") == -10.0f);
	assert_true(send_value(&s, 0, 0, "pre") == 0.0f);
	assert_true(send_value(&s, 0, 2, "level") == 0.0f);
	assert_true(send_value(&s, 0, 2, "pre") == 0.0f);     /* said so explicitly */
	assert_true(send_value(&s, 0, 3, "pre") == 1.0f);     /* monitor default */
	assert_true(send_value(&s, 0, 3, "level") == -90.0f);
	assert_true(send_value(&s, 1, 3, "level") == -6.0f);
	assert_true(send_value(&s, 1, 3, "on") == 0.0f);
	assert_true(send_value(&s, 1, 1, "pre") == 0.0f);     /* effect default */
	config_free(&s);
}

struct bad_case {
	const char *fixture;   /* under tests/fixtures/ */
	int line;              /* exact line in the message; 0 = none applies ("file: key: ...") */
	const char *key;       /* exactly what follows "file:line: " up to the next ": " */
	const char *reason;    /* a substring of what follows "key: " */
};

static const struct bad_case bad_cases[] = {
	{ "bad-syntax-missing-comma.cfg", 5, "syntax", "syntax error" },
	{ "bad-syntax-unclosed-brace.cfg", 9, "syntax", "syntax error" },
	{ "bad-syntax-missing-equals.cfg", 3, "syntax", "syntax error" },
	{ "bad-channels-missing.cfg", 0, "channels", "missing" },
	{ "bad-channels-empty.cfg", 3, "channels", "empty" },
	{ "bad-channels-not-list.cfg", 2, "channels", "must be a list" },
	{ "bad-channel-not-group.cfg", 4, "channels.[1]", "must be a group" },
	{ "bad-name-missing.cfg", 4, "channels.[1].name", "missing" },
	{ "bad-name-chars.cfg", 4, "channels.[1].name", "'lead vox' is not a valid name" },
	{ "bad-name-digits.cfg", 5, "channels.[1].name", "'12' is not a valid name" },
	{ "bad-name-too-long.cfg", 3, "channels.[0].name", "longer than 31 characters" },
	{ "bad-name-duplicate.cfg", 7, "channels.[2].name", "'vox' is already the name of channel 1" },
	{ "bad-key-typo.cfg", 5, "channels.[1].fadr", "unknown key" },
	{ "bad-section-unknown.cfg", 3, "chanels", "unknown section" },
	{ "bad-fader-range.cfg", 5, "channels.[1].fader", "above maximum (20; range -90 .. 10 dB)" },
	{ "bad-groups-dca-range.cfg", 3, "groups.dca.[0].fader",
	  "above maximum (20; range -90 .. 10 dB)" },
	{ "bad-groups-too-many.cfg", 3, "groups.mute", "7 entries, at most 6" },
	{ "bad-groups-unknown.cfg", 3, "groups", "unknown key 'vca' (known: dca, mute, link)" },
	{ "bad-master-mgrp.cfg", 3, "master.mgrp1", "unknown key" },
	{ "bad-link-range.cfg", 3, "channels.[0].link", "above maximum (9; range 0 .. 8)" },
	{ "bad-link-carries.cfg", 3, "groups.link.[0].fader", "must be true or false" },
	{ "bad-safe-unknown.cfg", 3, "safe.fadrs", "unknown key" },
	{ "bad-pan-range.cfg", 4, "channels.[0].pan", "above maximum (2; range -1 .. 1)" },
	{ "bad-fader-string.cfg", 4, "channels.[0].fader", "must be a number" },
	{ "bad-mute-number.cfg", 5, "channels.[1].mute", "must be true or false" },
	{ "bad-pan-law.cfg", 4, "master.pan_law", "must be -3, -4.5 or -6" },
	{ "bad-osc-port-range.cfg", 4, "osc.port", "70000 is not a UDP port" },
	{ "bad-osc-port-string.cfg", 3, "osc.port", "must be a whole number" },
	{ "bad-osc-port-negative.cfg", 3, "osc.port", "-1 is not a UDP port" },
	{ "bad-osc-unknown-key.cfg", 4, "osc.prot", "unknown key" },
	{ "bad-monitor-mix-effect.cfg", 3, "osc.allow.[0]",
	  "monitor-mix:rev: an effect bus, not a monitor mix" },
	{ "bad-monitor-mix-unknown.cfg", 3, "osc.allow.[0]", "monitor-mix:iem: no such aux bus" },
	{ "bad-client-floats.cfg", 4, "osc.clients.[0]", "floats must be true or false" },
	{ "bad-jack-client-empty.cfg", 4, "jack.client_name", "must not be empty" },
	{ "bad-jack-not-group.cfg", 2, "jack", "must be a group" },
	{ "bad-master-outputs-three.cfg", 3, "master.outputs", "at most 2 port names" },
	{ "bad-master-fader-range.cfg", 3, "master.fader", "below minimum" },
	{ "bad-master-unknown-key.cfg", 4, "master.pan", "unknown key" },
	{ "bad-input-not-string.cfg", 4, "channels.[0].input", "must be a port name" },
	{ "bad-input-list-number.cfg", 6, "channels.[0].input", "port names must be strings" },
	{ "bad-input-group.cfg", 4, "channels.[0].input", "must be a port name or a list" },
	{ "bad-mono-two-inputs.cfg", 4, "channels.[0].input", "at most 1 port names" },
	{ "bad-stereo-string.cfg", 4, "channels.[0].stereo", "must be true or false" },
	{ "bad-nested-unknown.cfg", 5, "channels.[0].eq.gain", "unknown key" },
	{ "bad-send-unknown-bus.cfg", 4, "channels.[0].send.reverb", "no aux bus named" },
	{ "bad-aux-type.cfg", 3, "aux.[0].type", "must be monitor, reverb or delay" },
	{ "bad-aux-fx-outputs.cfg", 4, "aux.[0].outputs", "only monitor buses have outputs" },
	{ "bad-send-level.cfg", 5, "channels.[0].send.iem1.level", "value above maximum" },
	{ "bad-aux-duplicate.cfg", 4, "aux.[1].name", "already the name of bus 1" },
};

/* A performer's role names its monitor bus; a client may take floats only. */
static void test_good_monitor_mix(void **state)
{
	struct setup s;
	(void)state;

	load_ok(FIXTURES "good-monitor-mix.cfg", &s);
	assert_int_equal(s.n_nets, 1);
	assert_int_equal(s.nets[0].role, ROLE_MONITOR_MIX);
	assert_int_equal(s.nets[0].mix_bus, 3);
	assert_string_equal(s.nets[0].mix_bus_name, "wedge");
	assert_int_equal(s.n_clients, 1);
	assert_true(s.clients[0].is_floats_only);
	config_free(&s);
	load_ok(FIXTURES "good-aux.cfg", &s);   /* the defaults: control, no bus */
	assert_int_equal(s.nets[0].role, ROLE_CONTROL);
	assert_int_equal(s.nets[0].mix_bus, -1);
	config_free(&s);
}

/* DCAs and mute groups: by position, named or not; memberships of channels and buses. */
static void test_good_groups(void **state)
{
	struct setup s;
	(void)state;

	load_ok(FIXTURES "good-groups.cfg", &s);
	assert_int_equal(s.vals.n_instances[PARAM_DCA], 8);
	assert_int_equal(s.vals.n_instances[PARAM_MGRP], 6);
	assert_string_equal(s.dca_name[0], "drums");
	assert_string_equal(s.dca_name[1], "dca2");   /* unnamed: its number */
	assert_string_equal(s.dca_name[7], "dca8");
	const struct param_desc *fader = params_find_path(PARAM_DCA, "fader");
	const struct param_desc *mute = params_find_path(PARAM_DCA, "mute");
	const struct param_desc *on = params_find_path(PARAM_MGRP, "on");
	assert_true(setup_values_at(&s.vals, PARAM_DCA, 0)[param_slot(fader)] == -6.0f);
	assert_true(setup_values_at(&s.vals, PARAM_DCA, 1)[param_slot(mute)] == 1.0f);
	assert_true(setup_values_at(&s.vals, PARAM_DCA, 2)[param_slot(fader)] == 0.0f);
	assert_true(setup_values_at(&s.vals, PARAM_MGRP, 0)[param_slot(on)] == 1.0f);
	assert_true(setup_values_at(&s.vals, PARAM_MGRP, 1)[param_slot(on)] == 0.0f);
	assert_true(ch_value(&s, 0, "dca1") == 1.0f);
	assert_true(ch_value(&s, 0, "dca2") == 0.0f);
	assert_true(ch_value(&s, 0, "mgrp1") == 1.0f);
	assert_true(ch_value(&s, 1, "dca8") == 1.0f);
	const struct param_desc *bus_mgrp2 = params_find_key(PARAM_AUX, "mgrp2");
	assert_non_null(bus_mgrp2);
	assert_true(setup_values_at(&s.vals, PARAM_AUX, 0)[param_slot(bus_mgrp2)] == 1.0f);
	config_free(&s);
}

static void test_bad_fixture(void **state)
{
	const struct bad_case *bc = *state;
	char path[256], prefix[300], err[1024] = "";
	struct setup s;

	snprintf(path, sizeof path, FIXTURES "%s", bc->fixture);
	/* The fixture marks the offending line itself, so table and file cannot drift apart. */
	int marker = ut_file_line_of(path, "<-- error");
	if (bc->line > 0 && marker > 0 && marker != bc->line)
		fail_msg("%s: marker on line %d, table says %d", path, marker, bc->line);

	int rc = config_load(path, &s, err, sizeof err);
	if (rc == 0) {
		config_free(&s);
		fail_msg("%s was accepted; expected \"%s:%d: %s: ...%s...\"", path, path, bc->line,
			 bc->key, bc->reason);
	}
	assert_int_equal(rc, -1);
	assert_null(s.channels);
	assert_null(s.master_values);

	if (bc->line > 0)
		snprintf(prefix, sizeof prefix, "%s:%d: %s: ", path, bc->line, bc->key);
	else
		snprintf(prefix, sizeof prefix, "%s: %s: ", path, bc->key);
	if (strncmp(err, prefix, strlen(prefix)) != 0)
		fail_msg("error \"%s\" does not start with \"%s\"", err, prefix);
	const char *reason = err + strlen(prefix);
	assert_true(strlen(reason) > 0);
	ut_assert_contains(reason, bc->reason);
}

/* ---- channel lookup and names ---- */

static void test_find_channel(void **state)
{
	static const struct {
		const char *arg;
		int index;
	} cases[] = {
		{ "1", 0 },  { "8", 7 },     { "0", -1 },   { "9", -1 },    { "kick", 0 },
		{ "spare", 7 }, { "nope", -1 }, { "", -1 },  { "Kick", -1 }, { "kick ", -1 },
		/* A leading zero still reads as the number: names cannot be all digits, so
		 * there is no ambiguity (/ch/01/fader is channel 1). */
		{ "01", 0 },  { "008", 7 },
		/* Only plain decimal digits are numbers; strtol's extras are not. */
		{ " 1", -1 }, { "+1", -1 },  { "-1", -1 },  { "1x", -1 },   { "0x1", -1 },
		/* Huge numbers do not wrap around to a valid channel. */
		{ "4294967297", -1 }, { "99999999999999999999999", -1 },
	};
	struct setup s;
	(void)state;

	load_ok("configs/default.cfg", &s);
	for (int i = 0; i < UT_ARRAY_SIZE(cases); i++) {
		int got = setup_find_channel(&s, cases[i].arg);
		if (got != cases[i].index) {
			config_free(&s);
			fail_msg("setup_find_channel(\"%s\") = %d, expected %d", cases[i].arg, got,
				 cases[i].index);
		}
	}
	config_free(&s);
}

static void test_name_is_valid(void **state)
{
	static const struct {
		const char *name;
		bool is_valid;
	} cases[] = {
		{ "kick", true },  { "a", true },     { "A-b_9", true }, { "1a", true },
		{ "a1", true },    { "_", true },     { "-", true },     { "bass-DI_2", true },
		{ "abcdefghijklmnopqrstuvwxyz01234", true },     /* 31 characters */
		{ "abcdefghijklmnopqrstuvwxyz012345", false },   /* 32 */
		{ "", false },     { "0", false },    { "12", false },   { "007", false },
		{ "a b", false },  { "a/b", false },  { "/", false },    { "a.b", false },
		{ "a*", false },   { "ch#1", false }, { "a\tb", false }, { "v\xc3\xb6x", false },
		{ "a,b", false },  { "{x}", false },  { "a:b", false },
	};
	(void)state;

	for (int i = 0; i < UT_ARRAY_SIZE(cases); i++)
		if (setup_name_is_valid(cases[i].name) != cases[i].is_valid)
			fail_msg("setup_name_is_valid(\"%s\") = %d, expected %d", cases[i].name,
				 !cases[i].is_valid, cases[i].is_valid);
}

static struct CMUnitTest bad_tests[UT_ARRAY_SIZE(bad_cases)];

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_cfg),
		cmocka_unit_test(test_good_minimal),
		cmocka_unit_test(test_good_stereo),
		cmocka_unit_test(test_good_aux),
		cmocka_unit_test(test_good_groups),
		cmocka_unit_test(test_good_monitor_mix),
		cmocka_unit_test(test_good_pan_laws),
		cmocka_unit_test(test_good_int_values),
		cmocka_unit_test(test_good_three),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_path_too_long),
		cmocka_unit_test(test_small_error_buffer),
		cmocka_unit_test(test_reload_after_failure),
		cmocka_unit_test(test_find_channel),
		cmocka_unit_test(test_name_is_valid),
	};
	for (int i = 0; i < UT_ARRAY_SIZE(bad_cases); i++)
		bad_tests[i] = (struct CMUnitTest){ .name = bad_cases[i].fixture,
						    .test_func = test_bad_fixture,
						    .initial_state = (void *)&bad_cases[i] };

	int n_failed = cmocka_run_group_tests_name("config", tests, NULL, NULL);
	n_failed += cmocka_run_group_tests_name("config bad fixtures", bad_tests, NULL, NULL);
	return n_failed ? 1 : 0;
}
