/*
 * fuzz_config.c - libFuzzer target over the config loader and the state and scene writer
 * and reader, with real files in a temporary folder.
 *
 * The first byte picks what the rest is:
 *   0      a config file as it is: whatever config_load accepts goes round the writer;
 *   1      a state file, restored onto a console with awkward bus names;
 *   other  bytes that drive a generator of configs, valid and invalid: bus and channel names
 *          libconfig cannot take as keys (2nd, _fx, -mon), duplicates, both send forms,
 *          values in and out of range.
 * Whenever a config is accepted, its console must save a scene and the state, load the scene
 * back without a change, and restart from the state with exactly the same values.
 *
 *   make fuzz-config                 build with clang -fsanitize=fuzzer,address and run
 *   make fuzz-config FUZZ_SECONDS=600
 *
 * The same entry point is linked into the normal test suite (tests/unit/test_fuzz_replay.c),
 * which replays tests/fuzz/config-corpus/ and tests/fuzz/config-regressions/ on every run.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/config.h"
#include "daemon/control.h"
#include "daemon/log.h"
#include "daemon/state.h"

int fuzz_config_input(const uint8_t *data, size_t size);

static char fuzz_dir[64];        /* the config and the state folder live here */
static int n_round_trips;        /* accepted configs that went round (the replay test counts) */
static int n_restores;

static void fuzz_config_init(void)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(fuzz_dir, sizeof fuzz_dir, "%s/jmixd-fuzzcfg-XXXXXX", base);
	if (!mkdtemp(fuzz_dir))
		abort();
	log_set_level(LOG_ERROR);
}

static void write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
}

/* The generator's reader: one byte at a time, zeros once the input runs out. */
struct bytes {
	const uint8_t *p;
	size_t n;
};

static unsigned next(struct bytes *b, unsigned n_choices)
{
	if (!b->n)
		return 0;
	b->n--;
	return *b->p++ % n_choices;
}

static const char *const names[] = { "2nd", "_fx", "-mon", "Mon2", "kick", "a", "x-1", "12",
				     "", "rev", "iem", "gtr", "with space", "1st_2nd" };
#define N_NAMES (sizeof names / sizeof names[0])
static const char *const values[] = { "0.0", "-90.0", "-12.5", "10.0", "1e30", "-1e-40",
				      "true", "\"pfl\"", "3", "\"x\"", "( 1 )", "{ }" };
#define N_VALUES (sizeof values / sizeof values[0])
static const char *const channel_keys[] = { "fader", "pan", "mute", "solo", "trim", "phase",
					    "hpf.freq", "eq.band1.gain", "bogus" };
#define N_CHANNEL_KEYS (sizeof channel_keys / sizeof channel_keys[0])
static const char *const bus_types[] = { "monitor", "reverb", "delay", "other" };

/* A value line "key = v;", dotted keys spelled as nested groups. */
static int put_value(char *out, size_t size, const char *key, const char *v)
{
	const char *dot = strchr(key, '.');
	if (!dot)
		return snprintf(out, size, " %s = %s;", key, v);
	int n = snprintf(out, size, " %.*s = {", (int)(dot - key), key);
	if (n < 0 || (size_t)n >= size)
		return n;
	n += put_value(out + n, size - (size_t)n, dot + 1, v);
	return n + snprintf(out + n, size - (size_t)n, " };");
}

#define APPEND(...)                                                                          \
	do {                                                                                 \
		if (n < (int)size)                                                           \
			n += snprintf(out + n, size - (size_t)n, __VA_ARGS__);               \
	} while (0)

static int generate(struct bytes *b, char *out, size_t size)
{
	int n = 0, n_buses = (int)next(b, 4), n_channels = 1 + (int)next(b, 4);
	const char *bus_names[4];
	APPEND("osc = { zeroconf = false; };\n");
	if (next(b, 4) == 0)
		APPEND("master = {%s pan_law = -4.5; };\n", next(b, 2) ? " fader = -3.0;" : "");
	if (n_buses)
		APPEND("aux = (");
	for (int i = 0; i < n_buses; i++) {
		bus_names[i] = names[next(b, N_NAMES)];
		APPEND("%s { name = \"%s\"; type = \"%s\";", i ? "," : "", bus_names[i],
		       bus_types[next(b, 4)]);
		if (next(b, 2))
			APPEND(" fader = %s;", values[next(b, N_VALUES)]);
		APPEND(" }");
	}
	if (n_buses)
		APPEND(" );\n");
	APPEND("channels = (");
	for (int ch = 0; ch < n_channels; ch++) {
		APPEND("%s { name = \"%s\";%s", ch ? "," : "", names[next(b, N_NAMES)],
		       next(b, 3) == 0 ? " stereo = true;" : "");
		for (unsigned k = next(b, 4); k > 0; k--) {
			char line[128];
			put_value(line, sizeof line, channel_keys[next(b, N_CHANNEL_KEYS)],
				  values[next(b, N_VALUES)]);
			APPEND("%s", line);
		}
		if (n_buses && next(b, 2)) {
			bool is_list = next(b, 2);
			APPEND(is_list ? " send = (" : " send = {");
			for (int i = 0; i < n_buses; i++) {
				const char *v = values[next(b, N_VALUES)];
				if (is_list)
					APPEND("%s { name = \"%s\"; level = %s; }", i ? "," : "",
					       bus_names[i], v);
				else
					APPEND(" %s = { level = %s; };", bus_names[i], v);
			}
			APPEND(is_list ? " );" : " };");
		}
		APPEND(" }");
	}
	APPEND(" );\n");
	return n < (int)size ? n : (int)size - 1;
}

static void check_same(const struct control *a, const struct control *b)
{
	if (a->n_values != b->n_values || memcmp(a->values, b->values,
						 sizeof(float) * (size_t)a->n_values) != 0) {
		fprintf(stderr, "fuzz_config: the state did not come back the same\n");
		abort();
	}
}

/* An accepted config: save a scene and the state, load both back, nothing may change. */
static void round_trip(struct setup *setup)
{
	struct state st;
	struct control c, again;
	struct setup fresh;
	char err[512];

	snprintf(setup->state_dir, sizeof setup->state_dir, "%s/state", fuzz_dir);
	if (state_open(&st, setup) < 0 || control_init(&c, setup) < 0)
		abort();
	const char *reason;
	control_set(&c, (struct param_ref){ params_find_key(PARAM_CHANNEL, "fader"), 0 }, -33.25f,
		    ORIGIN_NONE, &reason);
	if (setup->n_buses)
		control_set(&c, (struct param_ref){ params_find_key(PARAM_SEND, "level"),
						    setup_send_instance(setup, 0, setup->n_buses - 1) },
			    -7.5f, ORIGIN_NONE, &reason);
	st.save_tokens = SCENE_SAVE_BURST;
	if (scene_save(&st, &c, "fuzz", err, sizeof err) < 0) {
		fprintf(stderr, "fuzz_config: scene save: %s\n", err);
		abort();
	}
	uint64_t before = c.n_changes;
	if (scene_load(&st, &c, "fuzz", err, sizeof err) < 0 || c.n_changes != before) {
		fprintf(stderr, "fuzz_config: scene load: %s\n", err);
		abort();
	}
	st.saved_changes = c.n_changes - 1;   /* force the autosave */
	state_flush(&st, &c);
	if (st.n_write_failures) {
		fprintf(stderr, "fuzz_config: the autosave failed\n");
		abort();
	}
	state_close(&st);

	/* Restart: the same config, restored from the state just written. */
	if (config_load(setup->path, &fresh, err, sizeof err) < 0)
		abort();
	memcpy(fresh.state_dir, setup->state_dir, sizeof fresh.state_dir);
	if (state_open(&st, &fresh) < 0)
		abort();
	state_restore(&st, &fresh);
	if (control_init(&again, &fresh) < 0)
		abort();
	check_same(&c, &again);
	n_round_trips++;
	control_free(&again);
	control_free(&c);
	state_close(&st);
	config_free(&fresh);
}

static void empty_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char file[4400];
	while (d && (e = readdir(d)))
		if (e->d_type == DT_REG) {
			snprintf(file, sizeof file, "%s/%s", path, e->d_name);
			unlink(file);
		}
	if (d)
		closedir(d);
}

/* A state file restored onto a fixed console; whatever it holds, values stay valid. */
static void restore_state(const uint8_t *data, size_t size)
{
	static const char cfg[] =
		"osc = { zeroconf = false; };\n"
		"aux = ( { name = \"2nd\"; type = \"monitor\"; }, { name = \"_fx\"; type = \"reverb\"; },\n"
		"        { name = \"-mon\"; type = \"delay\"; } );\n"
		"channels = ( { name = \"kick\"; }, { name = \"gtr\"; stereo = true; } );\n";
	char path[128], file[4200], err[512];
	struct setup setup;
	struct state st;
	struct control c;

	snprintf(path, sizeof path, "%s/fixed.cfg", fuzz_dir);
	write_file(path, cfg, sizeof cfg - 1);
	if (config_load(path, &setup, err, sizeof err) < 0)
		abort();
	snprintf(setup.state_dir, sizeof setup.state_dir, "%s/restore", fuzz_dir);
	mkdir(setup.state_dir, 0755);
	snprintf(file, sizeof file, "%s/state.cfg", setup.state_dir);
	write_file(file, data, size);
	snprintf(file, sizeof file, "%s/state.cfg.bak", setup.state_dir);
	unlink(file);
	if (state_open(&st, &setup) < 0)
		abort();
	state_restore(&st, &setup);
	if (control_init(&c, &setup) < 0)
		abort();
	n_restores++;
	const char *reason;
	for (int i = 0; i < c.n_values; i++)
		if (!param_check(control_ref_at(&c, i).desc, c.values[i], &reason))
			abort();
	/* The strict reading (jmixd render --scene) of the same bytes: refused or applied,
	 * never a crash. */
	struct setup_values strict;
	static char empty[] = "\n";
	FILE *f = size ? fmemopen((void *)data, size, "r") : fmemopen(empty, 1, "r");
	if (f && setup_values_copy(&setup.vals, &strict) == 0) {
		config_load_values(f, "strict", &setup, &strict, NULL, err, sizeof err);
		setup_values_free(&strict);
	}
	if (f)
		fclose(f);
	control_free(&c);
	state_close(&st);
	config_free(&setup);
	empty_dir(setup.state_dir);   /* else a rejected copy per input piles up */
}

int fuzz_config_input(const uint8_t *data, size_t size)
{
	static char text[16384];
	char path[128], err[512];
	struct setup setup;

	if (!fuzz_dir[0])
		fuzz_config_init();
	if (size < 1 || size > 8192)
		return 0;
	if (data[0] == 1) {
		restore_state(data + 1, size - 1);
		return 0;
	}
	size_t n;
	if (data[0] == 0) {
		n = size - 1;
		memcpy(text, data + 1, n);
	} else {
		struct bytes b = { data + 1, size - 1 };
		n = (size_t)generate(&b, text, sizeof text);
	}
	snprintf(path, sizeof path, "%s/jmixd.cfg", fuzz_dir);
	write_file(path, text, n);
	if (config_load(path, &setup, err, sizeof err) == 0) {
		round_trip(&setup);
		config_free(&setup);
	}
	return 0;
}

#ifdef JMIXD_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_config_input(data, size);
}
#endif
