/*
 * render_cli.c - `jmixd render`: the command line of the offline render (render.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/render.h"

enum { RENDER_OK = 0, RENDER_FAILED = 1, RENDER_USAGE = 2 };

static void render_usage(FILE *f)
{
	fprintf(f,
		"usage: jmixd render -c CONFIG -o OUT.wav [options] [STEM...]\n"
		"  -c, --config FILE     the console (channels, buses, values)\n"
		"  -o, --output FILE     the master mix: .wav or .flac\n"
		"  -i, --in CH=FILE      a stem for channel CH (name or number); STEMs given\n"
		"                        without --in go to the channels in order\n"
		"      --scene NAME|FILE apply this scene first: a name saved with /snapshot/save\n"
		"                        (state.dir/scenes/NAME.cfg), or any scene file\n"
		"      --state           start from the saved state (state.dir/state.cfg)\n"
		"      --buses DIR       also every monitor mix and the solo bus, as DIR/NAME.wav\n"
		"      --format F        float (default for .wav), 24 (default for .flac), 16\n"
		"      --no-dither       integer formats: clip only (default: TPDF dither, then clip)\n"
		"      --tail SECONDS    longest tail after the stems (default 30)\n"
		"      --block FRAMES    frames per processing call (default 1024; the output is\n"
		"                        the same for any value)\n"
		"      --start FRAMES    the console's sample clock at the stems' first frame\n"
		"                        (default 0): the reverb's modulation runs on it, so this\n"
		"                        reproduces a live take that began that late bit for bit\n"
		"exit status: 0 ok, 1 failed while writing (nothing left under OUT), 2 bad input\n");
}

/* One getopt case per option (longer than a screen for that reason only). */
static int parse(int argc, char **argv, struct render_opts *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' }, { "output", required_argument, NULL, 'o' },
		{ "in", required_argument, NULL, 'i' },     { "scene", required_argument, NULL, 'S' },
		{ "state", no_argument, NULL, 's' },        { "buses", required_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'f' }, { "no-dither", no_argument, NULL, 'D' },
		{ "tail", required_argument, NULL, 't' },   { "block", required_argument, NULL, 'B' },
		{ "start", required_argument, NULL, 'T' },  { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, format = -1;
	char *end;
	*o = (struct render_opts){ .is_dither = true, .tail_max_s = 30.0, .block = 1024 };
	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:o:i:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			o->config_path = optarg;
			break;
		case 'o':
			o->out_path = optarg;
			break;
		case 'i': {
			char *eq = strchr(optarg, '=');
			if (!eq || eq == optarg || !eq[1] || o->n_stems == RENDER_MAX_STEMS) {
				fprintf(stderr, "jmixd render: --in '%s': give CHANNEL=FILE\n", optarg);
				return -1;
			}
			*eq = '\0';
			o->stems[o->n_stems++] = (struct render_stem){ optarg, eq + 1 };
			break;
		}
		case 'S':
			o->scene_path = optarg;
			break;
		case 's':
			o->use_state = true;
			break;
		case 'b':
			o->bus_dir = optarg;
			break;
		case 'f':
			if ((format = sample_format_from_name(optarg)) < 0) {
				fprintf(stderr, "jmixd render: --format: float, 24 or 16\n");
				return -1;
			}
			break;
		case 'D':
			o->is_dither = false;
			break;
		case 't':
			o->tail_max_s = strtod(optarg, &end);
			if (*end || !(o->tail_max_s >= 0.0 && o->tail_max_s <= 3600.0)) {
				fprintf(stderr, "jmixd render: --tail: seconds, 0 to 3600\n");
				return -1;
			}
			break;
		case 'B':
			o->block = (int)strtol(optarg, &end, 10);
			if (*end || o->block < 1 || o->block > 65536) {
				fprintf(stderr, "jmixd render: --block: 1 to 65536 frames\n");
				return -1;
			}
			break;
		case 'T':
			o->start = strtoll(optarg, &end, 10);
			if (*end || o->start < 0 || o->start > (int64_t)1 << 40) {
				fprintf(stderr, "jmixd render: --start: frames, 0 or more\n");
				return -1;
			}
			break;
		case 'h':
			render_usage(stdout);
			exit(RENDER_OK);
		default:
			render_usage(stderr);
			return -1;
		}
	}
	for (; optind < argc; optind++) {
		if (o->n_stems == RENDER_MAX_STEMS) {
			fprintf(stderr, "jmixd render: more than %d stems\n", RENDER_MAX_STEMS);
			return -1;
		}
		o->stems[o->n_stems++] = (struct render_stem){ NULL, argv[optind] };
	}
	if (!o->config_path || !o->out_path) {
		fprintf(stderr, "jmixd render: -c CONFIG and -o OUTPUT are needed\n");
		render_usage(stderr);
		return -1;
	}
	const char *dot = strrchr(o->out_path, '.');
	bool is_flac = dot && strcmp(dot, ".flac") == 0;
	o->format = format >= 0 ? (enum sample_format)format : is_flac ? SAMPLE_PCM24 : SAMPLE_FLOAT32;
	return 0;
}

int render_main(int argc, char **argv)
{
	struct render_opts *o = malloc(sizeof *o);
	struct render_report rep;
	char err[8192];
	bool is_usage;
	if (!o) {
		fprintf(stderr, "jmixd render: out of memory\n");
		return RENDER_FAILED;
	}
	if (parse(argc, argv, o) < 0) {
		free(o);
		return RENDER_USAGE;
	}
	int rc = render_run(o, &rep, &is_usage, err, sizeof err);
	if (rc < 0) {
		fprintf(stderr, "jmixd render: %s\n", err);
		free(o);
		return is_usage ? RENDER_USAGE : RENDER_FAILED;
	}
	double seconds = (double)rep.n_frames / rep.rate_hz;
	fprintf(stderr,
		"jmixd render: %s: %.2f s at %d Hz (stems %.2f s, tail %.2f s%s), %d channels, "
		"in %.2f s: %.0fx real time; the master is %d samples late (limiter look-ahead)\n",
		o->out_path, seconds, rep.rate_hz, (double)rep.n_stem_frames / rep.rate_hz,
		(double)(rep.n_frames - rep.n_stem_frames) / rep.rate_hz,
		rep.is_tail_cut ? ", cut by --tail before silence" : "", rep.n_channels, rep.wall_s,
		rep.wall_s > 0 ? seconds / rep.wall_s : 0.0, rep.latency);
	free(o);
	return RENDER_OK;
}
