/*
 * test_links.c - channel links (daemon/link.c) and the parameter classes they share with
 * safes and recall scopes (daemon/paramclass.c), on a control built from a real config.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/config.h"
#include "daemon/control.h"
#include "daemon/link.h"
#include "daemon/log.h"
#include "daemon/paramclass.h"
#include "daemon/state.h"
#include "tests/unit/console_fixture.h"
#include "tests/unit/unit_util.h"

#define FIXTURE "tests/fixtures/good-links.cfg"   /* ohl, ohr (link 1), snare; bus wedge */
enum { OHL, OHR, SNARE };

struct fx {
	struct setup setup;
	struct control control;
};

static int fx_setup(void **state)
{
	static struct fx f;
	memset(&f, 0, sizeof f);
	if (ut_console_load(FIXTURE, &f.setup, &f.control) < 0)
		return -1;
	*state = &f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;
	ut_console_free(&f->setup, &f->control);
	return 0;
}

static struct param_ref ch_ref(const char *path, int ch)
{
	const struct param_desc *d = params_find_path(PARAM_CHANNEL, path);
	assert_non_null(d);
	return (struct param_ref){ d, ch };
}

static float get(struct fx *f, const char *path, int ch)
{
	return control_get(&f->control, ch_ref(path, ch));
}

static void set(struct fx *f, const char *path, int ch, float v)
{
	const char *reason = NULL;
	assert_int_equal(control_set(&f->control, ch_ref(path, ch), v, 7, &reason), 0);
}

/* Relative moves keep offsets through either end of the travel and back. */
static void test_relative_keeps_offsets_past_the_end(void **state)
{
	(void)state;
	float excess = 0.0f;
	float v = link_relative(-20.0f, &excess, -90.0f, -90.0f, 10.0f);   /* leader 0 -> -90 */
	assert_true(v == -90.0f);
	assert_true(excess == -20.0f);
	v = link_relative(v, &excess, 90.0f, -90.0f, 10.0f);               /* and back to 0 */
	assert_true(v == -20.0f);
	assert_true(excess == 0.0f);
	v = link_relative(5.0f, &excess, 10.0f, -90.0f, 10.0f);            /* over the top */
	assert_true(v == 10.0f);
	assert_true(excess == 5.0f);
	v = link_relative(v, &excess, -10.0f, -90.0f, 10.0f);
	assert_true(v == 5.0f);
}

/* Every row has a class; the words a scope or a safe uses name the rows one expects. */
static void test_classes(void **state)
{
	(void)state;
	for (int i = 0; i < params_count; i++)
		assert_true(param_class_of(&params_table[i]) < PCLASS_N);
	assert_int_equal(param_class_of(params_find_path(PARAM_CHANNEL, "eq/2/gain")), PCLASS_EQ);
	assert_int_equal(param_class_of(params_find_path(PARAM_MASTER, "eq/2/gain")), PCLASS_EQ);
	assert_int_equal(param_class_of(params_find_path(PARAM_MASTER, "limiter/ceiling")),
			 PCLASS_DYN);
	assert_int_equal(param_class_of(params_find_path(PARAM_SEND, "level")), PCLASS_SENDS);
	assert_int_equal(param_class_of(params_find_path(PARAM_AUX, "reverb/decay")), PCLASS_FX);
	assert_int_equal(param_class_of(params_find_path(PARAM_AUX, "fader")), PCLASS_FADER);
	assert_int_equal(param_class_of(params_find_path(PARAM_DCA, "fader")), PCLASS_FADER);
	assert_int_equal(param_class_of(params_find_path(PARAM_MGRP, "on")), PCLASS_MUTE);
	assert_int_equal(param_class_of(params_find_path(PARAM_CHANNEL, "delay/time")), PCLASS_INPUT);
	assert_int_equal(param_class_of(params_find_path(PARAM_CHANNEL, "dca/3")), PCLASS_ASSIGN);
	assert_int_equal(param_class_of(params_find_path(PARAM_CHANNEL, "link")), PCLASS_ASSIGN);
	assert_int_equal(param_class_of(params_find_path(PARAM_CHANNEL, "safe")), PCLASS_SAFE);
	assert_int_equal(param_class_find("eq"), PCLASS_EQ);
	assert_int_equal(param_class_find("faders"), PCLASS_FADER);
	assert_int_equal(param_class_find("kick"), -1);
	/* Every class word is also a section safe. */
	for (int k = 0; k < PCLASS_N; k++)
		if (param_class_word(k))
			assert_non_null(params_find_path(PARAM_SAFE, param_class_word(k)));
}

/* The config's link assignment by number and by name; a fader move keeps the offset. */
static void test_fader_moves_partner_by_the_same_db(void **state)
{
	struct fx *f = *state;
	assert_true(get(f, "link", OHL) == 1.0f && get(f, "link", OHR) == 1.0f);
	set(f, "fader", OHL, -16.0f);
	assert_true(get(f, "fader", OHR) == -10.0f);
	assert_true(get(f, "fader", SNARE) == 0.0f);
	/* The partner is fed back to everyone, the mover's client included. */
	int j = control_value_index(&f->control, ch_ref("fader", OHR));
	assert_true(f->control.is_dirty[j]);
	assert_int_equal(f->control.origin[j], ORIGIN_NONE);
	/* The mover and its partner are published in one batch (the same audio period); an
	 * unlinked channel's move needs none. */
	uint32_t gen = atomic_load(&f->control.publish.batch_gen);
	set(f, "fader", OHL, -14.0f);
	assert_int_equal(atomic_load(&f->control.publish.batch_gen), gen + 2);
	set(f, "fader", SNARE, -1.0f);
	assert_int_equal(atomic_load(&f->control.publish.batch_gen), gen + 2);
	int ready_n = 0;
	const int *ready;
	static float seen[1 << 16];
	assert_true(f->control.n_values <= (int)(sizeof seen / sizeof seen[0]));
	while (publish_read_changed(&f->control.publish, seen, &ready) > 0)
		;   /* take everything so far */
	set(f, "fader", OHL, -16.0f);
	ready_n = publish_read_changed(&f->control.publish, seen, &ready);
	assert_int_equal(ready_n, 2);
	assert_true(seen[control_value_index(&f->control, ch_ref("fader", OHR))] == -10.0f);

	/* Down to -inf and back: the 6 dB offset survives. */
	set(f, "fader", OHR, -90.0f);
	assert_true(get(f, "fader", OHL) == -90.0f);
	set(f, "fader", OHR, -4.0f);
	assert_true(get(f, "fader", OHL) == -10.0f);
}

/* Pan stays; switches and EQ are copied; a class the link does not carry stays. */
static void test_what_follows(void **state)
{
	struct fx *f = *state;
	set(f, "pan", OHL, -0.5f);
	assert_true(get(f, "pan", OHR) == 1.0f);
	set(f, "mute", OHR, 1.0f);
	assert_true(get(f, "mute", OHL) == 1.0f);
	set(f, "eq/3/gain", OHL, 4.5f);
	assert_true(get(f, "eq/3/gain", OHR) == 4.5f);
	set(f, "trim", OHL, 3.0f);   /* link 1 leaves input alone (the default) */
	assert_true(get(f, "trim", OHR) == 0.0f);
	const struct param_desc *level = params_find_path(PARAM_SEND, "level");
	const char *reason;
	assert_int_equal(control_set(&f->control, control_send_ref(&f->control, level, OHL, 0),
				     -6.0f, 7, &reason), 0);
	assert_true(control_get(&f->control, control_send_ref(&f->control, level, OHR, 0)) ==
		    -90.0f);   /* link 1 has sends = false */
	assert_true(get(f, "mute", SNARE) == 0.0f && get(f, "eq/3/gain", SNARE) == 0.0f);
}

/* Link 2 carries input but not faders; leaving a link stops following. */
static void test_other_group_and_leaving(void **state)
{
	struct fx *f = *state;
	set(f, "link", SNARE, 2.0f);
	set(f, "link", OHR, 2.0f);
	set(f, "trim", SNARE, -5.0f);
	assert_true(get(f, "trim", OHR) == -5.0f);
	assert_true(get(f, "trim", OHL) == 0.0f);
	set(f, "fader", SNARE, -3.0f);
	assert_true(get(f, "fader", OHR) == -4.0f);
	set(f, "link", OHR, 0.0f);
	set(f, "trim", SNARE, 2.0f);
	assert_true(get(f, "trim", OHR) == -5.0f);
}

/* The state file keeps links, what they carry and the safes, and reads them back. */
static void test_state_round_trip(void **state)
{
	struct fx *f = *state;
	char dir[] = "/tmp/jmixd-test-links-XXXXXX", err[512];
	assert_non_null(mkdtemp(dir));
	int dir_fd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(dir_fd >= 0);
	set(f, "link", SNARE, 2.0f);
	const char *reason;
	const struct param_desc *carry_eq = params_find_path(PARAM_LINK, "eq");
	const struct param_desc *safe_master = params_find_path(PARAM_SAFE, "master");
	assert_int_equal(control_set(&f->control, (struct param_ref){ carry_eq, 1 }, 0.0f, 7,
				     &reason), 0);
	assert_int_equal(control_set(&f->control, (struct param_ref){ safe_master, 0 }, 1.0f, 7,
				     &reason), 0);
	assert_int_equal(state_write_at(dir_fd, "state.cfg", &f->control, false, err, sizeof err), 0);

	struct setup_values back;
	assert_int_equal(setup_values_copy(&f->setup.vals, &back), 0);
	int n_dropped;
	FILE *file = fdopen(openat(dir_fd, "state.cfg", O_RDONLY), "r");
	assert_non_null(file);
	if (config_load_values(file, "state.cfg", &f->setup, &back, &n_dropped, err, sizeof err) < 0)
		fail_msg("%s", err);
	fclose(file);
	assert_int_equal(n_dropped, 0);
	for (int sc = 0; sc < PARAM_N_SCOPES; sc++)
		for (int k = 0; k < back.n_instances[sc] * params_scope_count(sc); k++)
			if (back.values[sc][k] != f->control.values[f->control.first_value[sc] + k])
				fail_msg("%s value %d: %g read back, %g saved", param_scope_name(sc), k,
					 (double)back.values[sc][k],
					 (double)f->control.values[f->control.first_value[sc] + k]);
	setup_values_free(&back);
	unlinkat(dir_fd, "state.cfg", 0);
	close(dir_fd);
	rmdir(dir);
}

int main(void)
{
	log_set_level(LOG_ERROR);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_relative_keeps_offsets_past_the_end),
		cmocka_unit_test(test_classes),
		cmocka_unit_test_setup_teardown(test_fader_moves_partner_by_the_same_db, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_what_follows, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_other_group_and_leaving, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_state_round_trip, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
