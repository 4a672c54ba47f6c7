/*
 * test_address.c - the parameter instances and the OSC address grammar (osc/address.c) on a
 * real config with channels and all three bus types: every instance's address prints and
 * parses back to the same value, by number and by name; meters; every refusal's reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "daemon/config.h"
#include "daemon/control.h"
#include "daemon/params.h"
#include "osc/address.h"

#define FIXTURE "tests/fixtures/good-aux.cfg"   /* vox, gtr; rev, dly, iem1, wedge */

static struct setup setup;
static struct control control;

static int setup_control(void **state)
{
	char err[512];
	(void)state;
	if (config_load(FIXTURE, &setup, err, sizeof err) < 0) {
		print_error("%s\n", err);
		return -1;
	}
	return control_init(&control, &setup);
}

static int free_control(void **state)
{
	(void)state;
	control_free(&control);
	config_free(&setup);
	return 0;
}

static void parse_ok(const char *path, struct osc_address *a)
{
	const char *reason = NULL;
	if (osc_address_parse(&control, path, a, &reason) < 0)
		fail_msg("%s: %s", path, reason);
}

/* Every instance: the arithmetic index, the printed address and its parse agree. */
static void test_every_instance_round_trips(void **state)
{
	(void)state;
	int n_present = 0;
	for (int i = 0; i < control.n_values; i++) {
		const struct param_inst *pi = &control.inst[i];
		struct param_ref ref = control_ref_at(&control, i);
		assert_ptr_equal(ref.desc, pi->desc);
		assert_int_equal(control_value_index(&control, ref), i);
		assert_ptr_equal(control_inst(&control, ref), pi);
		assert_int_equal(pi->slot, param_slot(pi->desc));
		if (!pi->is_present)
			continue;
		n_present++;
		for (int norm = 0; norm < 2; norm++) {
			char path[OSC_ADDRESS_MAX];
			struct osc_address a;
			osc_address_print(pi, norm, path, sizeof path);
			parse_ok(path, &a);
			assert_false(a.is_meter);
			assert_int_equal(a.is_norm, norm);
			if (a.ref.desc != pi->desc || control_value_index(&control, a.ref) != i)
				fail_msg("%s parses to another parameter", path);
		}
	}
	/* Absent: the 8 delay rows on the reverb bus, the 7 reverb rows on the delay bus, and
	 * all 15 effect rows on each of the two monitor buses. */
	assert_int_equal(control.n_values - n_present, 8 + 7 + 15 + 15);
}

static void test_sends_names_and_numbers(void **state)
{
	(void)state;
	struct osc_address a, b;
	parse_ok("/ch/vox/send/rev/level", &a);
	parse_ok("/ch/1/send/1/level", &b);
	assert_int_equal(control_value_index(&control, a.ref),
			 control_value_index(&control, b.ref));
	const struct param_inst *pi = control_inst(&control, a.ref);
	assert_int_equal(pi->owner, 0);
	assert_int_equal(pi->bus, 0);
	assert_true(control_get(&control, a.ref) == -10.0f);

	parse_ok("/ch/gtr/send/wedge/on", &a);
	pi = control_inst(&control, a.ref);
	assert_int_equal(pi->owner, 1);
	assert_int_equal(pi->bus, 3);
	assert_true(control_get(&control, a.ref) == 0.0f);
	char path[OSC_ADDRESS_MAX];
	osc_address_print(pi, false, path, sizeof path);
	assert_string_equal(path, "/ch/2/send/4/on");

	parse_ok("/aux/dly/mute", &a);
	assert_int_equal(a.ref.index, 1);
	assert_true(control_get(&control, a.ref) == 1.0f);
	parse_ok("/aux/rev/reverb/decay/norm", &a);
	assert_true(a.is_norm);
}

static void test_name_index_agrees_with_config(void **state)
{
	(void)state;
	static const char *const texts[] = { "vox", "gtr", "0", "1", "2", "3", "02", "bass", "",
					     "rev", "dly", "iem1", "wedge", "4", "5", "Vox" };
	for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
		assert_int_equal(control_find_channel(&control, texts[k]),
				 setup_find_channel(&setup, texts[k]));
		assert_int_equal(control_find_bus(&control, texts[k]),
				 setup_find_bus(&setup, texts[k]));
	}
}

static void test_meters(void **state)
{
	(void)state;
	static const struct {
		const char *path;
		enum param_scope scope;
		int index;
	} cases[] = {
		{ "/ch/2/meter", PARAM_CHANNEL, 1 },
		{ "/ch/vox/meter", PARAM_CHANNEL, 0 },
		{ "/aux/wedge/meter", PARAM_AUX, 3 },
		{ "/master/meter", PARAM_MASTER, METER_LEVELS },
		{ "/master/loudness", PARAM_MASTER, METER_LOUDNESS },
		{ "/master/truepeak", PARAM_MASTER, METER_TRUEPEAK },
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		struct osc_address a;
		parse_ok(cases[k].path, &a);
		assert_true(a.is_meter);
		assert_int_equal(a.meter_scope, cases[k].scope);
		assert_int_equal(a.meter_index, cases[k].index);
	}
	char prefix[64];
	osc_address_prefix(PARAM_AUX, 2, prefix, sizeof prefix);
	assert_string_equal(prefix, "/aux/3/");
	osc_address_prefix(PARAM_MASTER, 7, prefix, sizeof prefix);
	assert_string_equal(prefix, "/master/");
}

static void test_refusals(void **state)
{
	(void)state;
	static const struct {
		const char *path;
		const char *reason;
	} cases[] = {
		{ "/ch/3/fader", "no such channel" },
		{ "/ch/0/fader", "no such channel" },
		{ "/ch/bass/fader", "no such channel" },
		{ "/ch/1", "incomplete channel address" },
		{ "/ch/1/send/1", "incomplete send address" },
		{ "/ch/1/send/9/level", "no such aux bus" },
		{ "/ch/1/send/1/meter", "unknown parameter" },
		{ "/ch/1/loudness", "unknown parameter" },
		{ "/aux/5/fader", "no such aux bus" },
		{ "/aux/rev", "incomplete bus address" },
		{ "/aux/iem1/reverb/decay", "not a parameter of this bus type" },
		{ "/aux/rev/delay/time", "not a parameter of this bus type" },
		{ "/master/nothing", "unknown parameter" },
		{ "/master/fader/norm/norm", "unknown parameter" },
		{ "/norm", "unknown address" },
		{ "/xyz/1/fader", "unknown address" },
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		struct osc_address a;
		const char *reason = NULL;
		if (osc_address_parse(&control, cases[k].path, &a, &reason) == 0)
			fail_msg("%s was accepted", cases[k].path);
		if (!strstr(reason, cases[k].reason))
			fail_msg("%s: \"%s\", expected \"%s\"", cases[k].path, reason,
				 cases[k].reason);
	}
	char long_path[OSC_ADDRESS_MAX + 8];
	memset(long_path, 'a', sizeof long_path - 1);
	long_path[0] = '/';
	long_path[sizeof long_path - 1] = '\0';
	struct osc_address a;
	const char *reason = NULL;
	assert_int_equal(osc_address_parse(&control, long_path, &a, &reason), -1);
	assert_string_equal(reason, "address too long");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_instance_round_trips),
		cmocka_unit_test(test_sends_names_and_numbers),
		cmocka_unit_test(test_name_index_agrees_with_config),
		cmocka_unit_test(test_meters),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests_name("address", tests, setup_control, free_control) ? 1 : 0;
}
