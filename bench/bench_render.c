/*
 * bench_render.c - how much faster than real time `jmixd render` is: 8 and 64 mono channels
 * (every channel with HPF, EQ, compressor, sends to a reverb and a delay; the master chain
 * with its limiter) from 20 s stems of noise at -20 dBFS (16-bit WAV, one file opened once per
 * channel, so the page cache serves it: this measures the mix and the file code, not a disk),
 * to a float WAV master, tails rendered to silence. Wall time of render_run, the same function
 * the command runs. Asserts nothing.
 */
#include <sndfile.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/render.h"

#define RATE 48000
#define STEM_S 20

static int write_stem(const char *path)
{
	SF_INFO info = { .samplerate = RATE, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16 };
	SNDFILE *f = sf_open(path, SFM_WRITE, &info);
	if (!f)
		return -1;
	static float buf[RATE];
	uint32_t seed = 1;
	for (int s = 0; s < STEM_S; s++) {
		for (int i = 0; i < RATE; i++) {
			seed = seed * 1664525u + 1013904223u;
			buf[i] = 0.1f * ((float)(seed >> 8) / 8388608.0f - 1.0f);
		}
		sf_writef_float(f, buf, RATE);
	}
	return sf_close(f);
}

static int write_config(const char *path, int n_ch)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "aux = ( { name = \"rev\"; type = \"reverb\"; },\n"
		   "        { name = \"dly\"; type = \"delay\"; delay = { feedback = 30.0; }; } );\n"
		   "master = { limiter = { on = true; }; };\nchannels = (\n");
	for (int ch = 0; ch < n_ch; ch++)
		fprintf(f, "  { name = \"ch%d\"; fader = -12.0; hpf = { on = true; };\n"
			   "    eq = { on = true; band2 = { on = true; gain = 3.0; }; };\n"
			   "    comp = { on = true; threshold = -30.0; };\n"
			   "    send = { rev = { level = -12.0; }; dly = { level = -18.0; }; }; }%s\n",
			ch + 1, ch + 1 < n_ch ? "," : "");
	fprintf(f, ");\n");
	return fclose(f);
}

int main(void)
{
	char dir[] = "/tmp/jmixd-bench-render-XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	char stem[256], cfg[256], out[256];
	snprintf(stem, sizeof stem, "%s/noise.wav", dir);
	snprintf(cfg, sizeof cfg, "%s/console.cfg", dir);
	snprintf(out, sizeof out, "%s/mix.wav", dir);
	if (write_stem(stem) != 0)
		return 1;
	static const int sizes[] = { 8, 64 };
	printf("jmixd render: %d s stems of noise, 48 kHz, full strips + reverb + delay + limiter,\n"
	       "float WAV master, tails to silence (wall time, one thread)\n", STEM_S);
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		int n_ch = sizes[k];
		struct render_opts *o = calloc(1, sizeof *o);
		if (!o || write_config(cfg, n_ch) != 0)
			return 1;
		*o = (struct render_opts){ .config_path = cfg, .out_path = out, .n_stems = n_ch,
					   .format = SAMPLE_FLOAT32, .tail_max_s = 30.0, .block = 1024 };
		for (int ch = 0; ch < n_ch; ch++)
			o->stems[ch].path = stem;
		struct render_report rep;
		bool is_usage;
		char err[1024];
		if (render_run(o, &rep, &is_usage, err, sizeof err) < 0) {
			fprintf(stderr, "bench_render: %s\n", err);
			return 1;
		}
		double seconds = (double)rep.n_frames / rep.rate_hz;
		printf("  %3d ch   %.1f s of mix in %.2f s   %5.0fx real time\n", n_ch, seconds,
		       rep.wall_s, seconds / rep.wall_s);
		free(o);
	}
	unlink(stem);
	unlink(cfg);
	unlink(out);
	rmdir(dir);
	return 0;
}
