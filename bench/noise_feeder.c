/*
 * noise_feeder.c - a JACK client with N outputs of decorrelated white noise at -15 dBFS RMS,
 * the test signal of the live benchmark (same as research/perf-anchors.md uses).
 *   noise_feeder N [CLIENT:PREFIX]   connects out_i to CLIENT:PREFIX<i> when given
 * Runs until SIGTERM/SIGINT.
 */
#include <stdint.h>
#include <stdlib.h>

#include "bench/bench_jack.h"

#define MAX_PORTS 256

static jack_port_t *ports[MAX_PORTS];
static uint32_t seeds[MAX_PORTS];
static int n_ports;
static const char *connect_prefix;

static int process(jack_nframes_t n, void *arg)
{
	(void)arg;
	for (int p = 0; p < n_ports; p++) {
		float *out = jack_port_get_buffer(ports[p], n);
		uint32_t s = seeds[p];
		for (jack_nframes_t i = 0; i < n; i++) {
			s = s * 1664525u + 1013904223u;
			/* uniform in [-a, a) has RMS a/sqrt(3): a = 0.307 gives -15 dBFS */
			out[i] = 0.307f * ((float)(s >> 8) / 8388608.0f - 1.0f);
		}
		seeds[p] = s;
	}
	return 0;
}

static void connect_outputs(jack_client_t *c)
{
	for (int p = 0; connect_prefix && p < n_ports; p++) {
		char dst[320];
		snprintf(dst, sizeof dst, "%s%d", connect_prefix, p + 1);
		jack_connect(c, jack_port_name(ports[p]), dst);
	}
}

int main(int argc, char **argv)
{
	if (argc < 2 || (n_ports = atoi(argv[1])) < 1 || n_ports > MAX_PORTS) {
		fprintf(stderr, "usage: noise_feeder N [client:port_prefix]\n");
		return 2;
	}
	jack_client_t *c = bench_jack_open("noise", "noise_feeder");
	if (!c)
		return 1;
	for (int p = 0; p < n_ports; p++) {
		char name[32];
		snprintf(name, sizeof name, "out_%d", p + 1);
		ports[p] = jack_port_register(c, name, JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
		seeds[p] = 0x9e3779b9u * (uint32_t)(p + 1);
	}
	connect_prefix = argc > 2 ? argv[2] : NULL;
	return bench_jack_serve(c, process, connect_outputs);
}
