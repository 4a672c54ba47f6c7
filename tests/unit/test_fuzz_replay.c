/*
 * test_fuzz_replay.c - every input of the fuzzing seed corpus and every crash the fuzzer
 * ever found (tests/fuzz/regressions/, one file each) goes through the OSC input path on
 * every test run. After each one the console must hold only valid values: finite, inside
 * each parameter's range.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz_osc.c"
#include "tests/unit/unit_util.h"

static void check_values(void)
{
	const char *reason;
	for (int i = 0; i < control.n_values; i++) {
		struct param_ref ref = control_ref_at(&control, i);
		if (!param_check(ref.desc, control.values[i], &reason))
			fail_msg("value %d (%s) is %g: %s", i, ref.desc->path,
				 (double)control.values[i], reason);
	}
}

static void test_replay_corpus(void **state)
{
	(void)state;
	int n = ut_replay_dir("tests/fuzz/corpus", fuzz_osc_input, check_values);
	assert_true(n >= 30);
	/* The seeds exercise both outcomes. */
	assert_true(control.n_changes > 0);
}

static void test_replay_regressions(void **state)
{
	(void)state;
	ut_replay_dir("tests/fuzz/regressions", fuzz_osc_input, check_values);
	check_values();
}

static void test_hostile_shapes(void **state)
{
	(void)state;
	/* Shapes that crashed liblo itself (research/reliability.md 2.2/2.3): the pre-filter
	 * must stop each before liblo sees it. */
	static uint8_t deep[4096];
	size_t n = 0;
	for (int level = 0; level < 200 && n + 20 < sizeof deep; level++) {
		memcpy(deep + n, "#bundle\0\0\0\0\0\0\0\0\1", 16);
		n += 16;
		uint32_t size = htonl((uint32_t)(sizeof deep - n - 4) & ~3u);
		memcpy(deep + n, &size, 4);
		n += 4;
	}
	fuzz_osc_input(deep, sizeof deep);
	static const uint8_t blob[] = "/ch/1/fader\0,b\0\0\xff\xff\xff\xf0";
	fuzz_osc_input(blob, sizeof blob - 1);
	static const uint8_t pattern[] = "/*a*a*a*a*a*a*a*a*a*a*a*a\0\0\0,\0\0\0";
	fuzz_osc_input(pattern, sizeof pattern - 1);
	static uint8_t huge[70000];
	memset(huge, '/', sizeof huge);
	fuzz_osc_input(huge, sizeof huge);
	check_values();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_corpus),
		cmocka_unit_test(test_replay_regressions),
		cmocka_unit_test(test_hostile_shapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
