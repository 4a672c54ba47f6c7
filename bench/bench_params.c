/*
 * bench_params.c - what the audio thread pays to take parameter changes in: the part of the
 * process callback that reads the publish blocks and hands changed values to the DSP setters
 * (engine_apply_params runs exactly that code, without the settle), for
 *   - a full scene recall on 64 channels and 8 buses (6 monitor, a reverb, a delay) where
 *     every value of every channel, send, bus and the master changes, and
 *   - one fader change.
 * and the same recall with every apply (and every run's apply) a no-op: the hand-over alone
 * (reading the blocks, finding what changed and what it is), without the DSP setters' own
 * cost.
 * The control side (control_set_values, control_set) runs before the clock starts. Prints the
 * median and the best of many runs in microseconds (a monotonic clock: the thread CPU clock
 * is a system call that costs more than a fader move). Asserts nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/config.h"
#include "daemon/control.h"
#include "daemon/engine.h"

#define N_CHANNELS 64
#define RUNS 400

static double thread_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec * 1e-3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int write_config(const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "state = { autosave = false; };\n");
	fprintf(f, "osc = { bind = \"127.0.0.1\"; port = 0; zeroconf = false; };\n");
	fprintf(f, "aux = (");
	for (int b = 0; b < 6; b++)
		fprintf(f, "{ name = \"mon%d\"; type = \"monitor\"; }, ", b + 1);
	fprintf(f, "{ name = \"rev\"; type = \"reverb\"; }, { name = \"dly\"; type = \"delay\"; } );\n");
	fprintf(f, "channels = (\n");
	for (int ch = 0; ch < N_CHANNELS; ch++)
		fprintf(f, "  { name = \"ch%d\"; }%s\n", ch + 1, ch + 1 < N_CHANNELS ? "," : "");
	fprintf(f, ");\n");
	return fclose(f);
}

/* Another valid value for every slot: the scene that changes everything. */
static void make_other_scene(struct setup_values *v)
{
	for (int sc = 0; sc < PARAM_N_SCOPES; sc++) {
		int n = params_scope_count(sc);
		for (int i = 0; i < v->n_instances[sc]; i++) {
			float *vals = setup_values_at(v, sc, i);
			for (int s = 0; s < n; s++) {
				const struct param_desc *d = params_at(sc, s);
				if (d->type == PARAM_FLOAT)
					vals[s] = vals[s] < d->max ? (vals[s] + d->max) * 0.5f : d->min;
				else
					vals[s] = vals[s] < d->max ? vals[s] + 1.0f : d->min;
			}
		}
	}
}

static void apply_nothing(const struct param_target *t, const struct param_desc *d, float v)
{
	(void)t, (void)d, (void)v;
}

static void apply_run_nothing(const struct param_target *t, const struct param_desc *d,
			      const float *v, unsigned changed)
{
	(void)t, (void)d, (void)v, (void)changed;
}

static double median(double *t, int n)
{
	qsort(t, (size_t)n, sizeof *t, cmp_double);
	return t[n / 2];
}

int main(void)
{
	static struct setup setup;
	static struct control control;
	static struct engine engine;
	static double t[RUNS];
	char err[512];
	char path[] = "/tmp/bench_params_XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0 || write_config(path) < 0 || config_load(path, &setup, err, sizeof err) < 0) {
		fprintf(stderr, "bench_params: config: %s\n", err);
		return 1;
	}
	remove(path);
	if (control_init(&control, &setup) < 0 || engine_init(&engine, &setup, &control) < 0) {
		fprintf(stderr, "bench_params: out of memory\n");
		return 1;
	}

	/* The mixer as engine_open builds it, without JACK. */
	bool is_stereo[N_CHANNELS] = { false };
	enum bus_type bus_type[BUS_MAX];
	bool bus_is_stereo[BUS_MAX];
	for (int b = 0; b < setup.n_buses; b++) {
		bus_type[b] = setup.buses[b].type;
		bus_is_stereo[b] = setup.buses[b].is_stereo;
	}
	struct mixer_layout layout = { .n_channels = N_CHANNELS, .is_stereo = is_stereo,
				       .n_buses = setup.n_buses, .bus_type = bus_type,
				       .bus_is_stereo = bus_is_stereo };
	size_t size = mixer_mem_size(&layout, 48000.0f);
	void *arena = NULL;
	if (posix_memalign(&arena, 64, size) != 0)
		return 1;
	memset(arena, 0, size);
	if (mixer_init(&engine.mixer, arena, &layout, 48000.0f, setup.pan_law) < 0)
		return 1;
	engine_apply_params(&engine, true);

	struct setup_values a, b;
	if (setup_values_copy(&setup.vals, &a) < 0 || setup_values_copy(&setup.vals, &b) < 0)
		return 1;
	make_other_scene(&b);

	int n_changed = 0;
	for (int r = 0; r < RUNS; r++) {
		n_changed = control_set_values(&control, r & 1 ? &a : &b, ORIGIN_NONE);
		double t0 = thread_us();
		engine_apply_params(&engine, false);
		t[r] = thread_us() - t0;
	}
	double med = median(t, RUNS);
	printf("scene recall, %d channels, %d buses, %d values changed: "
	       "median %.1f us, best %.1f us\n", N_CHANNELS, setup.n_buses, n_changed, med, t[0]);

	struct param_ref fader = { params_find_path(PARAM_CHANNEL, "fader"), 17 };
	const char *reason;
	for (int r = 0; r < RUNS; r++) {
		control_set(&control, fader, r & 1 ? -10.0f : -11.0f, ORIGIN_NONE, &reason);
		double t0 = thread_us();
		engine_apply_params(&engine, false);
		t[r] = thread_us() - t0;
	}
	med = median(t, RUNS);
	printf("one fader change: median %.2f us, best %.2f us\n", med, t[0]);
	/* The hand-over alone: the same instances, every row's apply a no-op. */
	static struct param_desc rows[256];
	struct param_inst *inst = calloc((size_t)control.n_values, sizeof *inst);
	for (int i = 0; i < params_count; i++) {
		rows[i] = params_table[i];
		if (rows[i].apply)
			rows[i].apply = apply_nothing;
		if (rows[i].apply_run)
			rows[i].apply_run = apply_run_nothing;
	}
	for (int i = 0; i < control.n_values; i++) {
		inst[i] = control.inst[i];
		inst[i].desc = &rows[control.inst[i].desc - params_table];
	}
	engine.params = inst;
	for (int r = 0; r < RUNS; r++) {
		control_set_values(&control, r & 1 ? &a : &b, ORIGIN_NONE);
		double t0 = thread_us();
		engine_apply_params(&engine, false);
		t[r] = thread_us() - t0;
	}
	med = median(t, RUNS);
	printf("scene recall, hand-over alone (applies are no-ops): median %.1f us, best %.1f us\n",
	       med, t[0]);
	engine.params = control.inst;

	/* And a period where nothing changed: what every period pays. */
	for (int r = 0; r < RUNS; r++) {
		double t0 = thread_us();
		engine_apply_params(&engine, false);
		t[r] = thread_us() - t0;
	}
	med = median(t, RUNS);
	printf("no change: median %.2f us, best %.2f us\n", med, t[0]);
	return 0;
}
