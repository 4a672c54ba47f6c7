/*
 * render.h - an offline render: stems through the console's mix, faster than real time.
 *
 * The same code as the live daemon from the config to the samples: config_load, the saved
 * state (state_restore) or a scene (config_load_values, as /snapshot/load reads it), the
 * control and its publish blocks, and the engine's own mixer build and settled parameter
 * hand-over (engine_open_offline); then mixer_process on a file clock instead of JACK's.
 * mixer_process's output does not depend on how the frames are cut, so a render equals the
 * live mix sample for sample (tests/integration/test_render.c proves both).
 *
 * Stems (anything libsndfile reads) go to channels by name or in order; a mono channel takes
 * a mono file, a stereo channel a two-channel file. All stems must share one sample rate,
 * which becomes the mix's. Shorter stems are padded with silence. After the longest stem the
 * render goes on until every output stays below -160 dBFS for 2.5 s (longer than the longest
 * delay), or tail_max_s, and ends at the last sample above that.
 *
 * The reverb's modulation runs on the console's own sample clock from its start, so a live
 * take that began when the console had run N frames is reproduced bit for bit with start = N
 * (N frames of silence are processed first and not written); any other start gives the same
 * mix with the modulation at another phase.
 *
 * Control thread (the render's one thread).
 */
#ifndef JMIXD_RENDER_H
#define JMIXD_RENDER_H

#include <stdbool.h>
#include <stdint.h>

#include "daemon/audiofile.h"

#define RENDER_MAX_STEMS 256

struct render_stem {
	const char *channel;         /* a channel name or 1-based number; NULL: the next one */
	const char *path;
};

struct render_opts {
	const char *config_path;
	const char *scene_path;      /* a scene name (state.dir/scenes) or file to apply, or NULL */
	bool use_state;              /* start from the saved state (state.dir/state.cfg) */
	int n_stems;
	struct render_stem stems[RENDER_MAX_STEMS];
	const char *out_path;        /* the master: .wav or .flac */
	const char *bus_dir;         /* also every monitor mix and the solo bus here, or NULL */
	enum sample_format format;
	bool is_dither;              /* integer formats: TPDF dither (else plain clipping) */
	double tail_max_s;
	int block;                   /* frames per mixer_process call */
	int64_t start;               /* the console's clock at the stems' first frame */
};

struct render_report {
	int rate_hz;
	int n_channels;
	int64_t n_stem_frames;       /* the longest stem */
	int64_t n_frames;            /* written */
	double wall_s;
	int latency;                 /* master latency in samples (the limiter's look-ahead) */
	bool is_tail_cut;            /* tail_max_s ended it before silence */
};

/* 0, or -1 with err naming the file or setting at fault (nothing left under a final name);
 * *is_usage tells a bad input (exit 2) from a failure while writing (exit 1). */
int render_run(const struct render_opts *o, struct render_report *rep, bool *is_usage,
	       char *err, int err_size);

/* `jmixd render ...`: argv[0] is "render". Returns the exit status. */
int render_main(int argc, char **argv);

#endif
