/*
 * test_state.c - state files and scenes through the real writer, the real libconfig and the
 * real folder (a temporary one): bus names libconfig cannot take as keys (issue 10 item 1),
 * restore after a config edit (renames, a dropped channel, a corrupt state.cfg: item 4), a
 * failed write (ferror before the rename), and the scene caps (item 5).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "daemon/config.h"
#include "daemon/control.h"
#include "daemon/log.h"
#include "daemon/match.h"
#include "daemon/schema.h"
#include "daemon/state.h"
#include "tests/unit/unit_util.h"

/* One console: its setup, state folder and control, built from a config text. */
struct desk {
	struct setup setup;
	struct state state;
	struct control control;
	const char *source;          /* what state_restore said */
};

static char g_root[128];         /* a fresh temporary folder per test */

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

/* The whole file (at most 1 MB), in a buffer the next call reuses. */
static char *read_text(const char *path)
{
	static char buf[1 << 20];
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	assert_true(n < sizeof buf - 1);
	buf[n] = '\0';
	return buf;
}

static void path_of(char *out, size_t size, const char *file)
{
	if (snprintf(out, size, "%s/state/%s", g_root, file) >= (int)size)
		fail_msg("path too long");
}

/* Start a desk from body (aux and channels sections), the state folder g_root/state; in a
 * session manager's session or not. */
static void desk_open_as(struct desk *d, const char *body, bool is_session)
{
	char cfg_path[256], text[4096], err[1024] = "";
	snprintf(cfg_path, sizeof cfg_path, "%s/jmixd.cfg", g_root);
	snprintf(text, sizeof text, "state = { dir = \"%s/state\"; };\n%s", g_root, body);
	write_text(cfg_path, text);
	if (config_load(cfg_path, &d->setup, err, sizeof err) < 0)
		fail_msg("config_load: %s", err);
	d->setup.is_session = is_session;
	assert_int_equal(state_open(&d->state, &d->setup), 0);
	d->source = state_restore(&d->state, &d->setup);
	assert_int_equal(control_init(&d->control, &d->setup), 0);
}

static void desk_open(struct desk *d, const char *body)
{
	desk_open_as(d, body, false);
}

/* A desk that dies: nothing flushed, nothing set aside. */
static void desk_crash(struct desk *d)
{
	control_free(&d->control);
	state_close(&d->state);
	config_free(&d->setup);
}

static void desk_close(struct desk *d)
{
	state_flush(&d->state, &d->control);
	desk_crash(d);
}

static struct param_ref ref(enum param_scope scope, const char *key, int index)
{
	const struct param_desc *desc = params_find_key(scope, key);
	assert_non_null(desc);
	return (struct param_ref){ desc, index };
}

static void set(struct desk *d, enum param_scope scope, const char *key, int index, float v)
{
	const char *reason = "";
	if (control_set(&d->control, ref(scope, key, index), v, ORIGIN_NONE, &reason) < 0)
		fail_msg("set %s %d = %g: %s", key, index, (double)v, reason);
}

static float get(const struct desk *d, enum param_scope scope, const char *key, int index)
{
	return control_get(&d->control, ref(scope, key, index));
}

/* Files in the state folder whose name starts with prefix. */
static int count_files(const char *prefix)
{
	char dir[512];
	path_of(dir, sizeof dir, "");
	DIR *dd = opendir(dir);
	assert_non_null(dd);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(dd)))
		n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
	closedir(dd);
	return n;
}

static int setup_root(void **state)
{
	(void)state;
	snprintf(g_root, sizeof g_root, "/tmp/jmixd-test-state-XXXXXX");
	return mkdtemp(g_root) ? 0 : -1;
}

static int teardown_root(void **state)
{
	(void)state;
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_root);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- item 1: any name --check accepts is written and read back ---- */

static void check_bus_name(const char *bus)
{
	char body[512], cmd[256];
	struct desk d;
	snprintf(cmd, sizeof cmd, "rm -rf '%s/state'", g_root);   /* each name from scratch */
	assert_int_equal(system(cmd), 0);
	snprintf(body, sizeof body,
		 "aux = ( { name = \"%s\"; type = \"monitor\"; }, { name = \"fx\"; type = \"reverb\"; } );\n"
		 "channels = ( { name = \"kick\"; }, { name = \"vox\"; } );\n", bus);
	desk_open(&d, body);
	int vox_to_bus = setup_send_instance(&d.setup, 1, 0);
	set(&d, PARAM_SEND, "level", vox_to_bus, -7.25f);
	set(&d, PARAM_AUX, "fader", 0, -3.5f);
	char err[256] = "";
	if (scene_save(&d.state, &d.control, "one", err, sizeof err) < 0)
		fail_msg("bus '%s': scene save: %s", bus, err);
	desk_close(&d);   /* the autosave */

	char text_path[512];
	path_of(text_path, sizeof text_path, "state.cfg");
	char *text = read_text(text_path);
	assert_non_null(text);
	ut_assert_contains(text, bus);

	desk_open(&d, body);
	assert_string_equal(d.source, "state");
	ut_assert_close(get(&d, PARAM_SEND, "level", 2), -7.25, 0);
	ut_assert_close(get(&d, PARAM_AUX, "fader", 0), -3.5, 0);
	set(&d, PARAM_SEND, "level", 2, 0.0f);
	if (scene_load(&d.state, &d.control, "one", err, sizeof err) < 0)
		fail_msg("bus '%s': scene load: %s", bus, err);
	ut_assert_close(get(&d, PARAM_SEND, "level", vox_to_bus), -7.25, 0);
	desk_close(&d);
}

static void test_bus_names_libconfig_cannot_key(void **state)
{
	(void)state;
	check_bus_name("2nd");
	check_bus_name("_fx");
	check_bus_name("-mon");
	check_bus_name("Mon2");
}

/* The config itself can name such a bus in a channel's sends (the list form). */
static void test_config_send_list(void **state)
{
	(void)state;
	struct desk d;
	desk_open(&d, "aux = ( { name = \"2nd\"; type = \"monitor\"; } );\n"
		      "channels = ( { name = \"kick\"; send = ( { name = \"2nd\"; level = -6.0; "
		      "pre = false; } ); } );\n");
	ut_assert_close(get(&d, PARAM_SEND, "level", 0), -6.0, 0);
	ut_assert_close(get(&d, PARAM_SEND, "pre", 0), 0.0, 0);
	desk_close(&d);
}

/* State files of the format before sends became a list still load. */
static void test_old_send_format(void **state)
{
	(void)state;
	char path[512];
	struct desk d;
	assert_int_equal(mkdir(strcat(strcpy(path, g_root), "/state"), 0755), 0);
	path_of(path, sizeof path, "state.cfg");
	write_text(path, "master = { fader = -2.0; };\n"
			 "aux = ( { name = \"iem\"; fader = -4.0; } );\n"
			 "channels = ( { name = \"kick\"; fader = -5.0;\n"
			 "  send = { iem = { level = -9.0; on = false; }; }; } );\n");
	desk_open(&d, "aux = ( { name = \"iem\"; type = \"monitor\"; } );\n"
		      "channels = ( { name = \"kick\"; } );\n");
	assert_string_equal(d.source, "state");
	ut_assert_close(get(&d, PARAM_MASTER, "fader", 0), -2.0, 0);
	ut_assert_close(get(&d, PARAM_AUX, "fader", 0), -4.0, 0);
	ut_assert_close(get(&d, PARAM_CHANNEL, "fader", 0), -5.0, 0);
	ut_assert_close(get(&d, PARAM_SEND, "level", 0), -9.0, 0);
	ut_assert_close(get(&d, PARAM_SEND, "on", 0), 0.0, 0);
	assert_int_equal(count_files("state.cfg.rejected-"), 0);
	desk_close(&d);
}

/* ---- item 4: nothing lost on a config edit ---- */

static void test_match_names(void **state)
{
	(void)state;
	const char *saved[] = { "kick", "gtr", "snare", NULL, "gone" };
	const char *current[] = { "kick", "guitar", "snare", "keys" };
	int to[5];
	enum match_how how[5];
	match_names(saved, 5, current, 4, true, to, how);
	assert_int_equal(to[0], 0);
	assert_int_equal(how[0], MATCH_NAME);
	assert_int_equal(to[1], 1);
	assert_int_equal(how[1], MATCH_POSITION);
	assert_int_equal(to[2], 2);
	assert_int_equal(to[3], -1);   /* no name */
	assert_int_equal(to[4], -1);   /* position 4 does not exist */
	/* Reordered but same names: by name, never by position. */
	const char *moved[] = { "snare", "kick" }, *now[] = { "kick", "snare" };
	match_names(moved, 2, now, 2, true, to, how);
	assert_int_equal(to[0], 1);
	assert_int_equal(to[1], 0);
	/* A new channel inserted before a renamed one: the rename cannot be placed. */
	const char *old3[] = { "a", "b" }, *new3[] = { "a", "x", "c" };
	match_names(old3, 2, new3, 3, true, to, how);
	assert_int_equal(to[1], 1);
	assert_int_equal(how[1], MATCH_POSITION);
	/* By name only: the rename has no match. */
	match_names(saved, 5, current, 4, false, to, how);
	assert_int_equal(to[0], 0);
	assert_int_equal(to[1], -1);
	assert_int_equal(how[1], MATCH_NONE);
}

static const char *const three_channels =
	"aux = ( { name = \"fx\"; type = \"reverb\"; } );\n"
	"channels = ( { name = \"kick\"; }, { name = \"%s\"; }, { name = \"snare\"; fader = -1.0; } );\n";

static void open_three(struct desk *d, const char *second)
{
	char body[512];
	snprintf(body, sizeof body, three_channels, second);
	desk_open(d, body);
}

static void test_rename_keeps_the_mix(void **state)
{
	(void)state;
	struct desk d;
	open_three(&d, "gtr");
	set(&d, PARAM_CHANNEL, "fader", 1, -12.5f);
	set(&d, PARAM_CHANNEL, "fader", 2, -20.0f);
	set(&d, PARAM_SEND, "level", setup_send_instance(&d.setup, 1, 0), -8.0f);
	char err[256];
	assert_int_equal(scene_save(&d.state, &d.control, "before", err, sizeof err), 0);
	desk_close(&d);

	open_three(&d, "guitar");
	assert_string_equal(d.source, "state");
	ut_assert_close(get(&d, PARAM_CHANNEL, "fader", 1), -12.5, 0);   /* by position */
	ut_assert_close(get(&d, PARAM_CHANNEL, "fader", 2), -20.0, 0);   /* by name */
	ut_assert_close(get(&d, PARAM_SEND, "level", setup_send_instance(&d.setup, 1, 0)), -8.0, 0);
	assert_int_equal(count_files("state.cfg.rejected-"), 0);         /* nothing dropped */
	/* A scene saved before the rename still loads. */
	set(&d, PARAM_CHANNEL, "fader", 1, 0.0f);
	assert_int_equal(scene_load(&d.state, &d.control, "before", err, sizeof err), 0);
	ut_assert_close(get(&d, PARAM_CHANNEL, "fader", 1), -12.5, 0);
	desk_close(&d);
}

static void test_dropped_channel_keeps_the_file(void **state)
{
	(void)state;
	struct desk d;
	char path[512];
	open_three(&d, "gtr");
	set(&d, PARAM_CHANNEL, "fader", 1, -12.5f);
	set(&d, PARAM_CHANNEL, "fader", 0, -3.0f);
	desk_close(&d);
	path_of(path, sizeof path, "state.cfg");
	char *saved = strdup(read_text(path));

	/* gtr removed, a channel added after snare: gtr has no place. */
	const char *body = "aux = ( { name = \"fx\"; type = \"reverb\"; } );\n"
			   "channels = ( { name = \"kick\"; }, { name = \"snare\"; },\n"
			   "  { name = \"keys\"; fader = -30.0; } );\n";
	desk_open(&d, body);
	ut_assert_close(get(&d, PARAM_CHANNEL, "fader", 0), -3.0, 0);
	ut_assert_close(get(&d, PARAM_CHANNEL, "fader", 2), -30.0, 0);   /* the config's */
	assert_int_equal(count_files("state.cfg.rejected-"), 1);
	set(&d, PARAM_CHANNEL, "fader", 0, -4.0f);
	desk_close(&d);
	desk_open(&d, body);    /* the file written since holds no dropped values: no new copy */
	set(&d, PARAM_CHANNEL, "fader", 0, -5.0f);
	desk_close(&d);
	desk_open(&d, body);
	desk_close(&d);
	assert_int_equal(count_files("state.cfg.rejected-"), 1);

	/* The kept file is the mix as it was, gtr's -12.5 included. */
	char dir[512];
	path_of(dir, sizeof dir, "");
	DIR *dd = opendir(dir);
	struct dirent *e;
	while ((e = readdir(dd)))
		if (strncmp(e->d_name, "state.cfg.rejected-", 19) == 0)
			break;
	assert_non_null(e);
	path_of(path, sizeof path, e->d_name);
	closedir(dd);
	assert_string_equal(read_text(path), saved);
	ut_assert_contains(saved, "-12.5");
	free(saved);
}

static void test_restart_twice_keeps_one_copy(void **state)
{
	(void)state;
	struct desk d;
	open_three(&d, "gtr");
	set(&d, PARAM_CHANNEL, "fader", 1, -12.5f);
	desk_close(&d);
	const char *body = "channels = ( { name = \"kick\"; } );\n";
	desk_open(&d, body);   /* no change: nothing is saved, state.cfg stays as it was */
	desk_close(&d);
	desk_open(&d, body);
	desk_close(&d);
	assert_int_equal(count_files("state.cfg.rejected-"), 1);
}

static void test_corrupt_state_keeps_good_backup(void **state)
{
	(void)state;
	struct desk d;
	char path[512], bak[512];
	open_three(&d, "gtr");
	set(&d, PARAM_CHANNEL, "fader", 1, -6.0f);
	state_flush(&d.state, &d.control);
	set(&d, PARAM_CHANNEL, "fader", 1, -7.0f);
	desk_close(&d);   /* state.cfg: -7, .bak: -6 */
	path_of(path, sizeof path, "state.cfg");
	path_of(bak, sizeof bak, "state.cfg.bak");
	write_text(path, "channels = ( { name = \"kick\"; fader = ");   /* a torn write */
	char *good_bak = strdup(read_text(bak));

	open_three(&d, "gtr");
	assert_string_equal(d.source, "backup");
	ut_assert_close(get(&d, PARAM_CHANNEL, "fader", 1), -6.0, 0);
	assert_int_equal(count_files("state.cfg.rejected-"), 1);
	set(&d, PARAM_CHANNEL, "fader", 1, -8.0f);
	state_flush(&d.state, &d.control);
	/* The first save after a start from .bak does not rotate the corrupt file into .bak. */
	assert_string_equal(read_text(bak), good_bak);
	set(&d, PARAM_CHANNEL, "fader", 1, -9.0f);
	desk_close(&d);
	/* Later saves rotate as usual: .bak is the previous good save. */
	ut_assert_contains(read_text(bak), "-8.0");
	free(good_bak);
}

/* A bus whose type changed: its saved rows of the old type are dropped, the rest kept. */
static void test_bus_type_change(void **state)
{
	(void)state;
	struct desk d;
	desk_open(&d, "aux = ( { name = \"fx\"; type = \"reverb\"; } );\n"
		      "channels = ( { name = \"kick\"; } );\n");
	set(&d, PARAM_AUX, "fader", 0, -11.0f);
	desk_close(&d);
	desk_open(&d, "aux = ( { name = \"fx\"; type = \"delay\"; } );\n"
		      "channels = ( { name = \"kick\"; } );\n");
	assert_string_equal(d.source, "state");
	ut_assert_close(get(&d, PARAM_AUX, "fader", 0), -11.0, 0);
	assert_int_equal(count_files("state.cfg.rejected-"), 1);
	desk_close(&d);
}

/* ---- defect 13 and item 5: a write that fails is never renamed over the last good file ---- */

static void test_failed_write_keeps_state(void **state)
{
	(void)state;
	struct desk d;
	char path[512];
	open_three(&d, "gtr");
	set(&d, PARAM_CHANNEL, "fader", 1, -6.0f);
	state_flush(&d.state, &d.control);
	path_of(path, sizeof path, "state.cfg");
	char *before = strdup(read_text(path));

	/* A file size limit makes buffered writes fail (EFBIG), as a full disk does. */
	struct rlimit old, tiny = { 512, 512 };
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	tiny.rlim_max = old.rlim_max;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &tiny), 0);
	set(&d, PARAM_CHANNEL, "fader", 1, -7.0f);
	state_flush(&d.state, &d.control);
	state_flush(&d.state, &d.control);
	char err[256];
	assert_int_not_equal(scene_save(&d.state, &d.control, "x", err, sizeof err), 0);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);

	assert_string_equal(read_text(path), before);
	free(before);
	assert_int_equal(d.state.n_write_failures, 3);
	assert_int_equal(count_files("state.cfg.tmp"), 0);
	ut_assert_close(get(&d, PARAM_CHANNEL, "fader", 1), -7.0, 0);   /* the mix works on */
	state_flush(&d.state, &d.control);                               /* and saves again */
	ut_assert_contains(read_text(path), "-7.0");
	desk_close(&d);
}

/* ---- issue 10: the autosave's disk work runs on the writer thread ---- */

static int64_t mono_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Tick (at clock `at`) until the writer's result has been taken: n_saves or
 * n_write_failures reach the counts given, or 10 s pass. */
static void tick_until(struct desk *d, int64_t at, uint64_t n_saves, uint64_t n_failures)
{
	int64_t give_up = mono_ms() + 10000;
	while ((d->state.n_saves < n_saves || d->state.n_write_failures < n_failures) &&
	       mono_ms() < give_up) {
		state_tick(&d->state, &d->control, at);
		struct timespec pause = { 0, 5000000 };
		nanosleep(&pause, NULL);
	}
	assert_int_equal(d->state.n_saves, n_saves);
	assert_int_equal(d->state.n_write_failures, n_failures);
}

static void test_tick_saves_on_the_writer_thread(void **state)
{
	(void)state;
	struct desk d;
	char path[512];
	open_three(&d, "gtr");
	path_of(path, sizeof path, "state.cfg");
	int64_t t = mono_ms();
	set(&d, PARAM_CHANNEL, "fader", 1, -6.0f);
	state_tick(&d.state, &d.control, t);
	/* Handed over, not yet known to be saved: the tick does not wait for the disk. */
	state_tick(&d.state, &d.control, t + STATE_SAVE_MAX_MS);
	assert_int_equal(d.state.posted_changes, d.control.n_changes);
	tick_until(&d, t + STATE_SAVE_MAX_MS, 1, 0);
	assert_int_equal(d.state.saved_changes, d.control.n_changes);
	ut_assert_contains(read_text(path), "-6.0");

	/* A failed write, reported back through the tick: counted, the file kept, retried. */
	struct rlimit old, tiny = { 512, 512 };
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	tiny.rlim_max = old.rlim_max;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &tiny), 0);
	set(&d, PARAM_CHANNEL, "fader", 1, -7.0f);
	t = mono_ms();   /* the retry is due STATE_RETRY_MS after the failure, on this clock */
	state_tick(&d.state, &d.control, t);
	tick_until(&d, t + STATE_SAVE_MAX_MS, 1, 1);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_int_not_equal(d.state.saved_changes, d.control.n_changes);
	ut_assert_contains(read_text(path), "-6.0");
	assert_int_equal(count_files("state.cfg.tmp"), 0);
	tick_until(&d, mono_ms() + STATE_RETRY_MS + STATE_SAVE_MAX_MS, 2, 1);   /* the retry */
	ut_assert_contains(read_text(path), "-7.0");
	desk_close(&d);
}

/*
 * Under a session manager state.cfg is what the manager saved: the autosave goes to
 * autosave.cfg, restored only after a run that never closed; a clean close without a save
 * (NSM's abort) brings the saved mix back and keeps the changes aside in unsaved.cfg.
 */
static void test_session_saves_only_when_asked(void **state)
{
	(void)state;
	struct desk d;
	char body[512], err[256], saved[512], autosave[512], unsaved[512];
	snprintf(body, sizeof body, three_channels, "gtr");
	path_of(saved, sizeof saved, "state.cfg");
	path_of(autosave, sizeof autosave, "autosave.cfg");
	path_of(unsaved, sizeof unsaved, "unsaved.cfg");

	desk_open_as(&d, body, true);
	assert_string_equal(d.source, "config");
	set(&d, PARAM_CHANNEL, "fader", 1, -6.0f);
	int64_t t = mono_ms();
	state_tick(&d.state, &d.control, t);
	tick_until(&d, t + STATE_SAVE_MAX_MS, 1, 0);
	ut_assert_contains(read_text(autosave), "-6.0");
	assert_null(read_text(saved));

	assert_int_equal(state_save_session(&d.state, &d.control, err, sizeof err), 0);
	ut_assert_contains(read_text(saved), "-6.0");
	assert_null(read_text(autosave));
	set(&d, PARAM_CHANNEL, "fader", 1, -7.0f);
	t = mono_ms();
	state_tick(&d.state, &d.control, t);
	tick_until(&d, t + STATE_SAVE_MAX_MS, 3, 0);
	ut_assert_contains(read_text(autosave), "-7.0");
	ut_assert_contains(read_text(saved), "-6.0");
	desk_crash(&d);

	desk_open_as(&d, body, true);   /* after a crash: the autosave's mix */
	assert_string_equal(d.source, "autosave");
	ut_assert_close(get(&d, PARAM_CHANNEL, "fader", 1), -7.0, 0);
	set(&d, PARAM_CHANNEL, "fader", 1, -8.0f);
	state_flush(&d.state, &d.control);
	state_set_aside_unsaved(&d.state);
	desk_crash(&d);
	assert_null(read_text(autosave));
	ut_assert_contains(read_text(unsaved), "-8.0");
	ut_assert_contains(read_text(saved), "-6.0");
	assert_int_equal(count_files("state.cfg.bak"), 0);   /* one save: nothing to rotate */

	desk_open_as(&d, body, true);   /* after a close without a save: the saved mix */
	assert_string_equal(d.source, "state");
	ut_assert_close(get(&d, PARAM_CHANNEL, "fader", 1), -6.0, 0);
	assert_int_equal(state_save_session(&d.state, &d.control, err, sizeof err), 0);
	assert_int_equal(count_files("state.cfg.bak"), 1);
	desk_close(&d);

	desk_open(&d, body);   /* outside a session the autosave is state.cfg, as ever */
	assert_string_equal(d.source, "state");
	set(&d, PARAM_CHANNEL, "fader", 1, -9.0f);
	desk_close(&d);
	ut_assert_contains(read_text(saved), "-9.0");
	assert_null(read_text(autosave));
}

static void test_scene_caps(void **state)
{
	(void)state;
	struct desk d;
	char err[256];
	open_three(&d, "gtr");
	d.state.max_scenes = 2;
	assert_int_equal(scene_save(&d.state, &d.control, "a", err, sizeof err), 0);
	assert_int_equal(scene_save(&d.state, &d.control, "b", err, sizeof err), 0);
	assert_int_equal(scene_save(&d.state, &d.control, "c", err, sizeof err), -1);
	ut_assert_contains(err, "state.max_scenes");
	assert_int_equal(scene_save(&d.state, &d.control, "a", err, sizeof err), 0);   /* replace */

	/* A fifth save inside the burst's second is refused, whatever the name. */
	assert_int_equal(scene_save(&d.state, &d.control, "b", err, sizeof err), -1);
	ut_assert_contains(err, "too many saves");

	d.state.save_tokens = SCENE_SAVE_BURST;
	d.state.max_scenes = 10;
	d.state.max_scene_bytes = 1000;   /* less than one scene of three channels */
	assert_int_equal(scene_delete(&d.state, "a", err, sizeof err), 0);
	assert_int_equal(scene_delete(&d.state, "b", err, sizeof err), 0);
	assert_int_equal(scene_save(&d.state, &d.control, "big", err, sizeof err), -1);
	ut_assert_contains(err, "state.max_scenes_mb");
	char names[4][SCENE_NAME_MAX + 1];
	assert_int_equal(scene_list(&d.state, names, 4), 0);
	assert_int_equal(d.state.n_write_failures, 0);   /* a refusal is not a failed write */
	desk_close(&d);
}

/* ---- issue 11 item 5: one description of the structure; a reload is classified by it ---- */

static void load_text(struct setup *s, const char *text)
{
	char path[256], err[1024] = "";
	snprintf(path, sizeof path, "%s/reload.cfg", g_root);
	write_text(path, text);
	if (config_load(path, s, err, sizeof err) < 0)
		fail_msg("config_load: %s", err);
}

static int classify(const char *a, const char *b, char *why, int why_size)
{
	struct setup x, y;
	load_text(&x, a);
	load_text(&y, b);
	int effect = schema_compare(&x, &y, false, why, why_size);
	config_free(&x);
	config_free(&y);
	return effect;
}

static void test_reload_classes(void **state)
{
	(void)state;
	char why[256];
	const char *base = "master = { pan_law = -3.0; fader = -1.0; };\n"
			   "aux = ( { name = \"iem\"; type = \"monitor\"; } );\n"
			   "channels = ( { name = \"kick\"; fader = 0.0; } );\n";
	assert_int_equal(classify(base, base, why, sizeof why), -1);
	/* Values only: a fader, a send, a bus row. */
	assert_int_equal(classify(base, "master = { pan_law = -3.0; fader = -7.0; };\n"
				  "aux = ( { name = \"iem\"; type = \"monitor\"; fader = -2.0; } );\n"
				  "channels = ( { name = \"kick\"; fader = -5.0; send = ( { name = "
				  "\"iem\"; level = -3.0; } ); } );\n", why, sizeof why), -1);
	assert_int_equal(classify(base, "master = { pan_law = -6.0; fader = -1.0; };\n"
				  "aux = ( { name = \"iem\"; type = \"monitor\"; } );\n"
				  "channels = ( { name = \"kick\"; fader = 0.0; } );\n", why, sizeof why),
			 SCHEMA_RESTART);
	assert_string_equal(why, "master.pan_law");
	assert_int_equal(classify(base, "osc = { rate_limit = 50; };\n" "master = { pan_law = -3.0; "
				  "fader = -1.0; };\naux = ( { name = \"iem\"; type = \"monitor\"; } );\n"
				  "channels = ( { name = \"kick\"; fader = 0.0; } );\n", why, sizeof why),
			 SCHEMA_LIVE_OSC);
	assert_string_equal(why, "osc.rate_limit");
	assert_int_equal(classify(base, "master = { pan_law = -3.0; };\n"
				  "aux = ( { name = \"iem\"; type = \"monitor\"; } );\n"
				  "channels = ( { name = \"kick\"; input = \"system:capture_2\"; } );\n",
				  why, sizeof why), SCHEMA_RESTART);
	assert_string_equal(why, "channels.[0].input");
	assert_int_equal(classify(base, "master = { pan_law = -6.0; };\n"
				  "aux = ( { name = \"wedge\"; type = \"monitor\"; } );\n"
				  "channels = ( { name = \"kick\"; } );\n", why, sizeof why),
			 SCHEMA_TOPOLOGY);
	assert_string_equal(why, "aux.[0].name");
	assert_int_equal(classify(base, "channels = ( { name = \"kick\"; }, { name = \"tom\"; } );\n",
				  why, sizeof why), SCHEMA_TOPOLOGY);
}

/* A structural key is never also a parameter key of its section: one meaning per key. */
static void test_schema_and_table_disjoint(void **state)
{
	(void)state;
	static const enum param_scope scope_of[SCHEMA_N_SECTIONS] = {
		[SCHEMA_MASTER] = PARAM_MASTER, [SCHEMA_AUX] = PARAM_AUX,
		[SCHEMA_CHANNELS] = PARAM_CHANNEL, [SCHEMA_SEND] = PARAM_SEND, [SCHEMA_DCA] = PARAM_DCA,
		[SCHEMA_MGRP] = PARAM_MGRP, [SCHEMA_LINK] = PARAM_LINK, [SCHEMA_SAFE] = PARAM_SAFE,
	};
	for (int i = 0; i < schema_n_keys; i++) {
		const struct schema_key *k = &schema_keys[i];
		/* jack, osc, state and groups (which holds only the dca and mute lists) have
		 * no parameter values to collide with. */
		if (k->section < SCHEMA_MASTER || k->section == SCHEMA_GROUPS)
			continue;
		if (params_find_key(scope_of[k->section], k->key))
			fail_msg("%s.%s is both structural and a parameter",
				 schema_section_name(k->section), k->key);
		for (int slot = 0; slot < params_scope_count(scope_of[k->section]); slot++) {
			const char *pk = params_at(scope_of[k->section], slot)->key;
			size_t n = strlen(k->key);
			if (strncmp(pk, k->key, n) == 0 && pk[n] == '.')
				fail_msg("%s.%s is structural and a parameter group",
					 schema_section_name(k->section), k->key);
		}
	}
}

int main(void)
{
	log_set_level(LOG_ERROR);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_names),
		cmocka_unit_test_setup_teardown(test_bus_names_libconfig_cannot_key, setup_root,
						teardown_root),
		cmocka_unit_test_setup_teardown(test_config_send_list, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_old_send_format, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_rename_keeps_the_mix, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_dropped_channel_keeps_the_file, setup_root,
						teardown_root),
		cmocka_unit_test_setup_teardown(test_restart_twice_keeps_one_copy, setup_root,
						teardown_root),
		cmocka_unit_test_setup_teardown(test_corrupt_state_keeps_good_backup, setup_root,
						teardown_root),
		cmocka_unit_test_setup_teardown(test_bus_type_change, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_failed_write_keeps_state, setup_root,
						teardown_root),
		cmocka_unit_test_setup_teardown(test_tick_saves_on_the_writer_thread, setup_root,
						teardown_root),
		cmocka_unit_test_setup_teardown(test_session_saves_only_when_asked, setup_root,
						teardown_root),
		cmocka_unit_test_setup_teardown(test_scene_caps, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_reload_classes, setup_root, teardown_root),
		cmocka_unit_test(test_schema_and_table_disjoint),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
