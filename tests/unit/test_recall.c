/*
 * test_recall.c - recall scopes, safes and fades (daemon/recall.c) on a control built from a
 * real config (tests/fixtures/good-links.cfg: ohl, ohr (safe), snare; bus wedge; safe.fx).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "daemon/config.h"
#include "daemon/control.h"
#include "daemon/log.h"
#include "daemon/recall.h"
#include "dsp/fader.h"
#include "tests/unit/console_fixture.h"
#include "tests/unit/unit_util.h"

#define FIXTURE "tests/fixtures/good-links.cfg"
enum { OHL, OHR, SNARE };

struct fx {
	struct setup setup;
	struct control control;
	struct setup_values scene;   /* what a recall would bring: edited by each test */
	struct recall_fade fade;
};

static int fx_setup(void **state)
{
	static struct fx f;
	memset(&f, 0, sizeof f);
	if (ut_console_load(FIXTURE, &f.setup, &f.control) < 0)
		return -1;
	if (setup_values_copy(&f.setup.vals, &f.scene) < 0)
		return -1;
	*state = &f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;
	recall_fade_free(&f->fade);
	setup_values_free(&f->scene);
	ut_console_free(&f->setup, &f->control);
	return 0;
}

static struct param_ref ref(enum param_scope sc, const char *path, int index)
{
	const struct param_desc *d = params_find_path(sc, path);
	assert_non_null(d);
	return (struct param_ref){ d, index };
}

static float get(struct fx *f, enum param_scope sc, const char *path, int index)
{
	return control_get(&f->control, ref(sc, path, index));
}

static void set(struct fx *f, enum param_scope sc, const char *path, int index, float v)
{
	const char *reason;
	assert_int_equal(control_set(&f->control, ref(sc, path, index), v, ORIGIN_NONE, &reason), 0);
}

/* What the scene says for a parameter. */
static void in_scene(struct fx *f, enum param_scope sc, const char *path, int index, float v)
{
	setup_values_at(&f->scene, sc, index)[param_slot(ref(sc, path, index).desc)] = v;
}

static struct recall_scope parse_ok(struct fx *f, const char *text)
{
	struct recall_scope s;
	char err[256];
	if (recall_scope_parse(&f->control, text, &s, err, sizeof err) < 0)
		fail_msg("'%s': %s", text, err);
	return s;
}

static void test_scope_words(void **state)
{
	struct fx *f = *state;
	struct recall_scope s = parse_ok(f, "eq, 1-2");
	assert_true(s.has_classes && s.is_class[PCLASS_EQ] && !s.is_class[PCLASS_FADER]);
	assert_true(s.has_owners && s.is_channel[OHL] && s.is_channel[OHR] && !s.is_channel[SNARE]);
	s = parse_ok(f, "snare master");
	assert_true(!s.has_classes && s.is_channel[SNARE] && s.is_section[RECALL_MASTER]);
	static const char *const bad[] = { "", " , ", "bogus", "0-2", "2-1", "1-9", "eq,kick" };
	char err[256];
	for (int k = 0; k < UT_ARRAY_SIZE(bad); k++)
		if (recall_scope_parse(&f->control, bad[k], &s, err, sizeof err) == 0)
			fail_msg("scope '%s' was accepted", bad[k]);
	ut_assert_contains((recall_scope_parse(&f->control, "bogus", &s, err, sizeof err), err),
			   "'bogus'");
}

/* "faders,snare": the snare's fader only; the scene's other changes stay out. */
static void test_scoped_recall(void **state)
{
	struct fx *f = *state;
	in_scene(f, PARAM_CHANNEL, "fader", SNARE, -12.0f);
	in_scene(f, PARAM_CHANNEL, "mute", SNARE, 1.0f);
	in_scene(f, PARAM_CHANNEL, "fader", OHL, -30.0f);
	in_scene(f, PARAM_MASTER, "fader", 0, -5.0f);
	struct recall_scope s = parse_ok(f, "faders,snare");
	assert_int_equal(recall_apply(&f->control, &f->fade, &s, &f->scene, 0.0f, 0), 1);
	assert_true(get(f, PARAM_CHANNEL, "fader", SNARE) == -12.0f);
	assert_true(get(f, PARAM_CHANNEL, "mute", SNARE) == 0.0f);
	assert_true(get(f, PARAM_CHANNEL, "fader", OHL) == -10.0f);
	assert_true(get(f, PARAM_MASTER, "fader", 0) == 0.0f);
}

/* A safed channel (ohr, from the config) and a section safe keep their values. */
static void test_safes_keep_values(void **state)
{
	struct fx *f = *state;
	assert_true(get(f, PARAM_CHANNEL, "safe", OHR) == 1.0f);
	assert_true(get(f, PARAM_SAFE, "fx", 0) == 1.0f);
	set(f, PARAM_SAFE, "eq", 0, 1.0f);
	in_scene(f, PARAM_CHANNEL, "fader", OHR, -40.0f);
	in_scene(f, PARAM_CHANNEL, "eq/2/gain", SNARE, 6.0f);
	in_scene(f, PARAM_MASTER, "eq/2/gain", 0, 6.0f);
	in_scene(f, PARAM_CHANNEL, "fader", SNARE, -20.0f);
	in_scene(f, PARAM_CHANNEL, "safe", SNARE, 1.0f);   /* a scene never sets a safe */
	in_scene(f, PARAM_SAFE, "eq", 0, 0.0f);
	assert_int_equal(recall_apply(&f->control, &f->fade, NULL, &f->scene, 0.0f, 0), 1);
	assert_true(get(f, PARAM_CHANNEL, "fader", OHR) == -4.0f);
	assert_true(get(f, PARAM_CHANNEL, "eq/2/gain", SNARE) == 0.0f);
	assert_true(get(f, PARAM_MASTER, "eq/2/gain", 0) == 0.0f);
	assert_true(get(f, PARAM_CHANNEL, "fader", SNARE) == -20.0f);
	assert_true(get(f, PARAM_CHANNEL, "safe", SNARE) == 0.0f);
	assert_true(get(f, PARAM_SAFE, "eq", 0) == 1.0f);
	/* A send belongs to its channel's safe. */
	const struct param_desc *level = params_find_path(PARAM_SEND, "level");
	int send = setup_send_instance(&f->setup, OHR, 0);
	setup_values_at(&f->scene, PARAM_SEND, send)[param_slot(level)] = 0.0f;
	recall_apply(&f->control, &f->fade, NULL, &f->scene, 0.0f, 0);
	assert_true(control_get(&f->control, (struct param_ref){ level, send }) == -90.0f);
}

/* A 2 s fade: halfway in dB at 1 s, exact at the end; switches at the start. */
static void test_fade(void **state)
{
	struct fx *f = *state;
	in_scene(f, PARAM_CHANNEL, "fader", SNARE, -20.0f);
	in_scene(f, PARAM_CHANNEL, "pan", SNARE, 1.0f);
	in_scene(f, PARAM_CHANNEL, "mute", OHL, 1.0f);
	in_scene(f, PARAM_CHANNEL, "eq/1/freq", SNARE, 200.0f);
	recall_apply(&f->control, &f->fade, NULL, &f->scene, 2.0f, 1000);
	assert_true(get(f, PARAM_CHANNEL, "mute", OHL) == 1.0f);
	assert_true(get(f, PARAM_CHANNEL, "eq/1/freq", SNARE) == 200.0f);
	assert_true(get(f, PARAM_CHANNEL, "fader", SNARE) == 0.0f);
	recall_fade_tick(&f->fade, &f->control, 1500);
	ut_assert_close(get(f, PARAM_CHANNEL, "fader", SNARE), -5.0f, 1e-5);
	recall_fade_tick(&f->fade, &f->control, 2000);
	ut_assert_close(get(f, PARAM_CHANNEL, "fader", SNARE), -10.0f, 1e-5);
	ut_assert_close(get(f, PARAM_CHANNEL, "pan", SNARE), 0.5f, 1e-6);
	recall_fade_tick(&f->fade, &f->control, 3017);   /* a late tick lands exactly */
	assert_true(get(f, PARAM_CHANNEL, "fader", SNARE) == -20.0f);
	assert_true(get(f, PARAM_CHANNEL, "pan", SNARE) == 1.0f);
	assert_int_equal(f->fade.n, 0);
}

/* A recall during a fade starts from where it is; a hand on a fader takes it out. */
static void test_fade_interrupted(void **state)
{
	struct fx *f = *state;
	in_scene(f, PARAM_CHANNEL, "fader", SNARE, -20.0f);
	in_scene(f, PARAM_MASTER, "fader", 0, -20.0f);
	recall_apply(&f->control, &f->fade, NULL, &f->scene, 2.0f, 0);
	recall_fade_tick(&f->fade, &f->control, 1000);
	set(f, PARAM_MASTER, "fader", 0, 3.0f);
	recall_fade_tick(&f->fade, &f->control, 1500);
	assert_true(get(f, PARAM_MASTER, "fader", 0) == 3.0f);
	ut_assert_close(get(f, PARAM_CHANNEL, "fader", SNARE), -15.0f, 1e-5);
	/* Back to 0 over 1 s, from -15. */
	in_scene(f, PARAM_CHANNEL, "fader", SNARE, 0.0f);
	recall_apply(&f->control, &f->fade, NULL, &f->scene, 1.0f, 1500);
	assert_true(get(f, PARAM_CHANNEL, "fader", SNARE) == -15.0f);
	recall_fade_tick(&f->fade, &f->control, 2000);
	ut_assert_close(get(f, PARAM_CHANNEL, "fader", SNARE), -7.5f, 1e-5);
	recall_fade_tick(&f->fade, &f->control, 2500);
	assert_true(get(f, PARAM_CHANNEL, "fader", SNARE) == 0.0f);
}

/*
 * The fade as the fader hears it: 0 to -20 dB over 2 s at 48 kHz, stepped on control ticks
 * every 20 ms, some late (60 ms) and some early (5 ms), each step on the fader's 20 ms ramp.
 * The gain never steps (the largest change between two samples stays that of a gliding
 * ramp, far from a click's), is halfway in dB at 1 s and lands exactly on -20 dB.
 */
static void test_fade_on_the_fader_has_no_steps(void **state)
{
	(void)state;
	enum { RATE = 48000, N = 5 * RATE / 2 };
	static const int tick_ms[] = { 20, 20, 60, 5, 20, 35 };   /* a busy control thread */
	struct fader fd;
	fader_init(&fd, (float)RATE, false);
	v4f buf[DSP_BLOCK];
	float prev = 1.0f, max_step = 0.0f, at_half = 0.0f;
	long next_tick = 0;
	int k_tick = 0;
	for (long n = 0; n < N; n += DSP_BLOCK) {
		if (n >= next_tick) {   /* a control tick: the fade's value at this time */
			fader_set_db(&fd, recall_fade_at(0.0f, -20.0f, (double)n / (2.0 * RATE)));
			next_tick += (long)tick_ms[k_tick++ % UT_ARRAY_SIZE(tick_ms)] * RATE / 1000;
		}
		ramp_block_begin(&fd.gain);
		for (int i = 0; i < DSP_BLOCK; i++)
			buf[i] = v4f_splat(1.0f);
		ramp_apply(&fd.gain, buf, DSP_BLOCK);
		for (int i = 0; i < DSP_BLOCK; i++) {
			float step = fabsf(buf[i][0] - prev);
			max_step = step > max_step ? step : max_step;
			prev = buf[i][0];
			if (n + i == RATE)
				at_half = buf[i][0];
		}
	}
	/* A 60 ms late tick moves 0.6 dB (0.07 in gain) over a 20 ms ramp: 7e-5 a sample. */
	assert_true(max_step < 1e-4f);
	ut_assert_close(20.0 * log10(at_half), -10.0, 0.3);
	assert_true(prev == dsp_db_to_lin(-20.0f));
}

int main(void)
{
	log_set_level(LOG_ERROR);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_scope_words, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_scoped_recall, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_safes_keep_values, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_fade, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_fade_interrupted, fx_setup, fx_teardown),
		cmocka_unit_test(test_fade_on_the_fader_has_no_steps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
