/*
 * noise_feeder.c - a JACK client with N outputs of decorrelated white noise at -15 dBFS RMS,
 * the test signal of the live benchmark (same as research/perf-anchors.md uses).
 *   noise_feeder N [CLIENT:PREFIX]   connects out_i to CLIENT:PREFIX<i> when given
 * Runs until SIGTERM/SIGINT.
 */
#include <jack/jack.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_PORTS 256

static jack_port_t *ports[MAX_PORTS];
static uint32_t seeds[MAX_PORTS];
static int n_ports;
static volatile sig_atomic_t is_done;

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

static void on_signal(int sig)
{
	(void)sig;
	is_done = 1;
}

int main(int argc, char **argv)
{
	if (argc < 2 || (n_ports = atoi(argv[1])) < 1 || n_ports > MAX_PORTS) {
		fprintf(stderr, "usage: noise_feeder N [client:port_prefix]\n");
		return 2;
	}
	jack_client_t *c = jack_client_open("noise", JackNoStartServer, NULL);
	if (!c) {
		fprintf(stderr, "noise_feeder: no JACK server\n");
		return 1;
	}
	for (int p = 0; p < n_ports; p++) {
		char name[32];
		snprintf(name, sizeof name, "out_%d", p + 1);
		ports[p] = jack_port_register(c, name, JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
		seeds[p] = 0x9e3779b9u * (uint32_t)(p + 1);
	}
	jack_set_process_callback(c, process, NULL);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	if (jack_activate(c) != 0)
		return 1;
	for (int p = 0; argc > 2 && p < n_ports; p++) {
		char dst[320];
		snprintf(dst, sizeof dst, "%s%d", argv[2], p + 1);
		jack_connect(c, jack_port_name(ports[p]), dst);
	}
	while (!is_done)
		usleep(100000);
	jack_client_close(c);
	return 0;
}
