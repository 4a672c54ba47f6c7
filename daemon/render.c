/*
 * render.c - see render.h. The command line is in render_cli.c.
 */
#include "daemon/render.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/config.h"
#include "daemon/control.h"
#include "daemon/engine.h"
#include "daemon/state.h"
#include "dsp/delay.h"
#include "dsp/fpu.h"

#define SILENCE_LIN 1e-8f            /* -160 dBFS: far below a 24-bit LSB (-144 dBFS) */
#define SILENCE_WINDOW_S (DELAY_MAX_MS / 1000.0 + 0.5)   /* echoes of the longest delay */
#define MAX_STREAMS (2 + 2 + 2 * BUS_MAX)

struct render {
	struct setup setup;
	struct state state;
	struct control control;
	struct engine engine;
	bool has_setup, has_control, has_engine;

	int n_stems;
	struct stem stems[RENDER_MAX_STEMS];
	int stem_input[RENDER_MAX_STEMS];   /* the mixer input of the stem's first channel */
	int n_inputs;
	float **in;                  /* one buffer of block frames per mixer input */
	float *interleaved;          /* a stem's frames as read, block * 2 */

	float *scratch;              /* every output of the mixer, block frames each */
	struct mixer_outputs out;

	/* What is written: streams (one output channel each), grouped into sinks. */
	int n_sinks;
	struct sink sinks[1 + BUS_MAX + 1];
	int sink_first[1 + BUS_MAX + 1];
	int n_streams;
	const float *stream[MAX_STREAMS];
	float *pending[MAX_STREAMS]; /* after the stems: frames held until something loud follows */
	int64_t n_pending;
	int64_t pending_cap;
};

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int channel_width(const struct setup *s, int ch)
{
	return s->channels[ch].is_stereo ? 2 : 1;
}

/* Console, values (saved state or a scene), control, engine: as the daemon builds them. */
static int load_console(struct render *r, const struct render_opts *o, bool *is_usage,
			char *err, int err_size)
{
	if (config_load(o->config_path, &r->setup, err, err_size) < 0)
		return -1;
	r->has_setup = true;
	r->state = (struct state){ .dir_fd = -1, .scenes_fd = -1 };
	if (o->use_state) {
		state_open(&r->state, &r->setup);
		if (strcmp(state_restore(&r->state, &r->setup), "config") == 0) {
			snprintf(err, (size_t)err_size, "%s: no saved state (state.cfg) in '%s'",
				 o->config_path, r->setup.state_dir);
			return -1;
		}
	}
	if (control_init(&r->control, &r->setup) < 0)
		goto nomem;
	r->has_control = true;
	if (o->scene_path) {
		/* A bare scene name is one saved with /snapshot/save, in the console's folder. */
		char by_name[sizeof r->setup.state_dir + SCENE_NAME_MAX + 16];
		const char *path = o->scene_path;
		if (scene_name_is_valid(path) && !r->setup.state_dir[0]) {
			snprintf(err, (size_t)err_size, "--scene %s: %s keeps no scenes (state.autosave "
				 "= false): give the scene's file", path, o->config_path);
			return -1;
		}
		if (scene_name_is_valid(path)) {
			snprintf(by_name, sizeof by_name, "%s/scenes/%s.cfg", r->setup.state_dir, path);
			path = by_name;
		}
		FILE *f = fopen(path, "r");
		struct setup_values vals;
		if (!f) {
			snprintf(err, (size_t)err_size, "%s: %s", path, strerror(errno));
			return -1;
		}
		if (setup_values_copy(&r->control.setup->vals, &vals) < 0) {
			fclose(f);
			goto nomem;
		}
		control_get_values(&r->control, &vals);
		int rc = config_load_values(f, path, &r->setup, &vals, NULL, err, err_size);
		fclose(f);
		if (rc < 0) {
			setup_values_free(&vals);
			return -1;
		}
		control_set_values(&r->control, &vals, ORIGIN_NONE);
		setup_values_free(&vals);
	}
	if (engine_init(&r->engine, &r->setup, &r->control) < 0)
		goto nomem;
	r->has_engine = true;
	return 0;
nomem:
	*is_usage = false;
	snprintf(err, (size_t)err_size, "out of memory");
	return -1;
}

/* Each stem to its channel (named, else the next in order); one rate, matching widths. */
static int open_stems(struct render *r, const struct render_opts *o, char *err, int err_size)
{
	const struct setup *s = &r->setup;
	int first_input[SETUP_MAX_CHANNELS];
	bool is_taken[SETUP_MAX_CHANNELS] = { false };
	for (int ch = 0, k = 0; ch < s->n_channels; k += channel_width(s, ch), ch++)
		first_input[ch] = k;
	if (o->n_stems == 0) {
		snprintf(err, (size_t)err_size, "no stems: give files, or --in CHANNEL=FILE");
		return -1;
	}
	for (int i = 0, next = 0; i < o->n_stems; i++) {
		const struct render_stem *rs = &o->stems[i];
		int ch = rs->channel ? setup_find_channel(s, rs->channel) : next++;
		if (ch < 0 || ch >= s->n_channels) {
			if (rs->channel)
				snprintf(err, (size_t)err_size, "%s: no channel '%s' in %s", rs->path,
					 rs->channel, o->config_path);
			else
				snprintf(err, (size_t)err_size, "%s: more stems than the %d channels of %s",
					 rs->path, s->n_channels, o->config_path);
			return -1;
		}
		if (is_taken[ch]) {
			snprintf(err, (size_t)err_size, "%s: channel '%s' already has a stem", rs->path,
				 s->channels[ch].name);
			return -1;
		}
		is_taken[ch] = true;
		struct stem *st = &r->stems[r->n_stems];
		if (stem_open(st, rs->path, err, err_size) < 0)
			return -1;
		r->n_stems++;
		if (st->n_channels != channel_width(s, ch)) {
			snprintf(err, (size_t)err_size,
				 "%s: %d channels, but channel '%s' is %s: give it a %s file",
				 rs->path, st->n_channels, s->channels[ch].name,
				 channel_width(s, ch) == 2 ? "stereo" : "mono",
				 channel_width(s, ch) == 2 ? "two-channel" : "mono");
			return -1;
		}
		if (st->rate_hz != r->stems[0].rate_hz) {
			snprintf(err, (size_t)err_size,
				 "%s: %d Hz, but %s is %d Hz: one render has one rate (resample first)",
				 rs->path, st->rate_hz, r->stems[0].path, r->stems[0].rate_hz);
			return -1;
		}
		r->stem_input[r->n_stems - 1] = first_input[ch];
	}
	return 0;
}

static float *take(float **cursor, int n)
{
	float *p = *cursor;
	*cursor += n;
	return p;
}

/* Buffers for every mixer input and output (all of them, as JACK would give), and sinks. */
static int open_outputs(struct render *r, const struct render_opts *o, int window, char *err,
			int err_size)
{
	const struct setup *s = &r->setup;
	int rate = r->stems[0].rate_hz;
	int block = o->block;
	r->n_inputs = r->engine.n_inputs;
	r->in = calloc((size_t)r->n_inputs, sizeof *r->in);
	r->interleaved = malloc((size_t)block * 2 * sizeof *r->interleaved);
	r->scratch = calloc((size_t)(r->n_inputs + MAX_STREAMS) * (size_t)block, sizeof(float));
	r->pending_cap = window + block;
	if (!r->in || !r->interleaved || !r->scratch)
		goto nomem;
	float *cur = r->scratch;
	for (int i = 0; i < r->n_inputs; i++)
		r->in[i] = take(&cur, block);
	r->out.master_l = take(&cur, block);
	r->out.master_r = take(&cur, block);
	r->out.solo_l = take(&cur, block);
	r->out.solo_r = take(&cur, block);
	for (int b = 0; b < s->n_buses; b++) {
		r->out.bus_l[b] = take(&cur, block);
		r->out.bus_r[b] = take(&cur, block);
	}

	/* The master first, then (with bus_dir) each monitor mix and the PFL solo bus. */
	const char *ext = strrchr(o->out_path, '.');
	struct { char path[4200]; const float *l, *r; int n; } want[1 + BUS_MAX + 1] = {
		{ .l = r->out.master_l, .r = r->out.master_r, .n = 2 },
	};
	int n_want = 1;
	snprintf(want[0].path, sizeof want[0].path, "%s", o->out_path);
	if (o->bus_dir) {
		for (int b = 0; b < s->n_buses; b++) {
			if (s->buses[b].type != BUS_MONITOR)
				continue;
			snprintf(want[n_want].path, sizeof want[n_want].path, "%s/%s%s", o->bus_dir,
				 s->buses[b].name, ext ? ext : ".wav");
			want[n_want].l = r->out.bus_l[b], want[n_want].r = r->out.bus_r[b];
			want[n_want++].n = s->buses[b].is_stereo ? 2 : 1;
		}
		if (s->solo_mode == SOLO_PFL) {
			snprintf(want[n_want].path, sizeof want[n_want].path, "%s/solo%s", o->bus_dir,
				 ext ? ext : ".wav");
			want[n_want].l = r->out.solo_l, want[n_want].r = r->out.solo_r;
			want[n_want++].n = 2;
		}
	}
	for (int k = 0; k < n_want; k++) {
		r->sink_first[k] = r->n_streams;
		r->stream[r->n_streams++] = want[k].l;
		if (want[k].n == 2)
			r->stream[r->n_streams++] = want[k].r;
		if (sink_open(&r->sinks[k], want[k].path, want[k].n, rate, o->format, o->is_dither,
			      (int)r->pending_cap, err, err_size) < 0)
			return -1;
		r->n_sinks++;
	}
	r->sink_first[r->n_sinks] = r->n_streams;
	for (int j = 0; j < r->n_streams; j++)
		if (!(r->pending[j] = malloc((size_t)r->pending_cap * sizeof(float))))
			goto nomem;
	return 0;
nomem:
	snprintf(err, (size_t)err_size, "out of memory");
	return -1;
}

/* Frames [from, from + n) of each stream (base[j] + from) to every sink. */
static int write_frames(struct render *r, float *const *base, int64_t from, int64_t n,
			char *err, int err_size)
{
	for (int k = 0; k < r->n_sinks; k++) {
		const float *chans[2];
		for (int c = 0; c < r->sink_first[k + 1] - r->sink_first[k]; c++)
			chans[c] = base[r->sink_first[k] + c] + from;
		if (n > 0 && sink_write(&r->sinks[k], chans, (int)n, err, err_size) < 0)
			return -1;
	}
	return 0;
}

static void drop_pending(struct render *r, int64_t n)
{
	for (int j = 0; j < r->n_streams; j++)
		memmove(r->pending[j], r->pending[j] + n,
			(size_t)(r->n_pending - n) * sizeof(float));
	r->n_pending -= n;
}

/*
 * After the stems, hold frames back until something above SILENCE_LIN follows, so the render
 * ends at its last audible sample whatever the block size.
 */
static int hold_tail(struct render *r, int from, int n, char *err, int err_size)
{
	int64_t loud_end = 0;
	for (int j = 0; j < r->n_streams; j++) {
		memcpy(r->pending[j] + r->n_pending, r->stream[j] + from, (size_t)n * sizeof(float));
		for (int i = n - 1; i >= 0 && r->n_pending + i + 1 > loud_end; i--)
			if (fabsf(r->stream[j][from + i]) > SILENCE_LIN) {
				loud_end = r->n_pending + i + 1;
				break;
			}
	}
	r->n_pending += n;
	if (loud_end == 0)
		return 0;
	if (write_frames(r, r->pending, 0, loud_end, err, err_size) < 0)
		return -1;
	drop_pending(r, loud_end);
	return 0;
}

/* The render loop: stems in, mixer, outputs out, until silence or the tail's limit. */
static int run_mix(struct render *r, const struct render_opts *o, int64_t window,
		   struct render_report *rep, char *err, int err_size)
{
	int64_t stems_end = 0, done = 0;
	for (int i = 0; i < r->n_stems; i++)
		if (r->stems[i].n_frames > stems_end)
			stems_end = r->stems[i].n_frames;
	int64_t limit = stems_end + (int64_t)(o->tail_max_s * rep->rate_hz);
	float *streams[MAX_STREAMS];
	for (int j = 0; j < r->n_streams; j++)
		streams[j] = (float *)r->stream[j];

	for (int64_t pre = 0; pre < o->start;) {
		int n = (int)(o->start - pre < o->block ? o->start - pre : o->block);
		for (int i = 0; i < r->n_inputs; i++)
			memset(r->in[i], 0, (size_t)n * sizeof(float));
		mixer_process(&r->engine.mixer, (const float *const *)r->in, &r->out, n);
		pre += n;
	}
	while (done < limit && !(done >= stems_end && r->n_pending >= window)) {
		int n = (int)(limit - done < o->block ? limit - done : o->block);
		for (int i = 0; i < r->n_inputs; i++)
			memset(r->in[i], 0, (size_t)n * sizeof(float));
		for (int i = 0; i < r->n_stems; i++) {
			struct stem *st = &r->stems[i];
			if (stem_read(st, r->interleaved, n, err, err_size) < 0)
				return -1;
			for (int c = 0; c < st->n_channels; c++)
				for (int f = 0; f < n; f++)
					r->in[r->stem_input[i] + c][f] = r->interleaved[f * st->n_channels + c];
		}
		mixer_process(&r->engine.mixer, (const float *const *)r->in, &r->out, n);
		int pre = done >= stems_end ? 0 : (int)(stems_end - done < n ? stems_end - done : n);
		if (write_frames(r, streams, 0, pre, err, err_size) < 0 ||
		    hold_tail(r, pre, n - pre, err, err_size) < 0)
			return -1;
		done += n;
	}
	rep->is_tail_cut = done >= limit && r->n_pending < window;
	if (done >= limit && write_frames(r, r->pending, 0, r->n_pending, err, err_size) < 0)
		return -1;
	rep->n_stem_frames = stems_end;
	rep->n_frames = done - (done >= limit ? 0 : r->n_pending);
	return 0;
}

static void render_free(struct render *r, bool is_ok)
{
	for (int k = 0; k < r->n_sinks; k++)
		if (!is_ok)
			sink_abort(&r->sinks[k]);
	for (int i = 0; i < r->n_stems; i++)
		stem_close(&r->stems[i]);
	for (int j = 0; j < r->n_streams; j++)
		free(r->pending[j]);
	free(r->in);
	free(r->interleaved);
	free(r->scratch);
	if (r->has_engine)
		engine_free(&r->engine);
	if (r->has_control)
		control_free(&r->control);
	state_close(&r->state);
	if (r->has_setup)
		config_free(&r->setup);
	free(r);
}

int render_run(const struct render_opts *o, struct render_report *rep, bool *is_usage,
	       char *err, int err_size)
{
	/* struct render holds the engine, whose DSP state is 64-byte aligned: calloc's 16 is not enough. */
	struct render *r = aligned_alloc(_Alignof(struct render),
					 (sizeof *r + _Alignof(struct render) - 1) &
						 ~(_Alignof(struct render) - 1));
	if (r)
		memset(r, 0, sizeof *r);
	*rep = (struct render_report){ 0 };
	*is_usage = true;
	if (!r) {
		snprintf(err, (size_t)err_size, "out of memory");
		return -1;
	}
	r->state.dir_fd = r->state.scenes_fd = -1;
	/* The live engine flushes denormals on JACK's thread: the render must compute alike. */
	fpu_flush_denormals();
	double t0 = now_s();
	int rc = -1;
	if (load_console(r, o, is_usage, err, err_size) < 0 || open_stems(r, o, err, err_size) < 0)
		goto out;
	rep->rate_hz = r->stems[0].rate_hz;
	rep->n_channels = r->setup.n_channels;
	int64_t window = (int64_t)(SILENCE_WINDOW_S * rep->rate_hz);
	if (engine_open_offline(&r->engine, (float)rep->rate_hz) < 0) {
		snprintf(err, (size_t)err_size, "out of memory for the DSP");
		*is_usage = false;
		goto out;
	}
	rep->latency = mixer_master_latency(&r->engine.mixer);
	if (open_outputs(r, o, (int)window, err, err_size) < 0)
		goto out;
	*is_usage = false;           /* from here on, a failure is the disk's or the system's */
	if (run_mix(r, o, window, rep, err, err_size) < 0)
		goto out;
	for (int k = 0; k < r->n_sinks; k++)
		if (sink_commit(&r->sinks[k], err, err_size) < 0)
			goto out;
	rc = 0;
out:
	rep->wall_s = now_s() - t0;
	render_free(r, rc == 0);
	return rc;
}
