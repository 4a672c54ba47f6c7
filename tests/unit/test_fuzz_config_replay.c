/*
 * test_fuzz_config_replay.c - every seed of the config fuzzer (tests/fuzz/config-corpus/) and
 * every crash it ever found (tests/fuzz/config-regressions/) goes through the config loader
 * and the state and scene round trip on every test run (the checks live in fuzz_config.c:
 * it aborts on any difference).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz_config.c"
#include "tests/unit/unit_util.h"

static void test_replay_config_corpus(void **state)
{
	(void)state;
	assert_true(ut_replay_dir("tests/fuzz/config-corpus", fuzz_config_input, NULL) >= 40);
	/* The seeds reach both outcomes: accepted configs went round, state files restored. */
	fprintf(stderr, "config corpus: %d round trips, %d restores\n", n_round_trips, n_restores);
	assert_true(n_round_trips >= 10);
	assert_true(n_restores >= 3);
}

static void test_replay_config_regressions(void **state)
{
	(void)state;
	ut_replay_dir("tests/fuzz/config-regressions", fuzz_config_input, NULL);
}

/* The three names of issue 10, through the generator's and the raw path. */
static void test_awkward_bus_names(void **state)
{
	(void)state;
	static const char *const names_[] = { "2nd", "_fx", "-mon" };
	for (int i = 0; i < 3; i++) {
		char text[512];
		int n = snprintf(text, sizeof text,
				 "%caux = ( { name = \"%s\"; type = \"monitor\"; } );\n"
				 "channels = ( { name = \"kick\"; send = ( { name = \"%s\"; "
				 "level = -3.0; } ); } );\n", 0, names_[i], names_[i]);
		int before = n_round_trips;
		fuzz_config_input((const uint8_t *)text, (size_t)n);
		assert_int_equal(n_round_trips, before + 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_config_corpus),
		cmocka_unit_test(test_replay_config_regressions),
		cmocka_unit_test(test_awkward_bus_names),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", fuzz_dir);
	if (fuzz_dir[0] && system(cmd) != 0)
		rc = 1;
	return rc;
}
