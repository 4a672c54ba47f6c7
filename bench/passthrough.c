/*
 * passthrough.c - the JACK floor of the live benchmark: a client with N inputs copied to N
 * outputs, nothing else (research/perf-anchors.md's "pass-through client, N ports"). What it
 * costs per period is what any N-port client pays JACK before doing any work; issue 16's live
 * target is twice this plus the 8-lane strip floor.
 *   passthrough N [CLIENT:PREFIX]   connects CLIENT:PREFIX<i> to in_i when given
 * Runs until SIGTERM/SIGINT.
 */
#include <jack/jack.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_PORTS 256

static jack_port_t *ins[MAX_PORTS], *outs[MAX_PORTS];
static int n_ports;
static volatile sig_atomic_t is_done;

static int process(jack_nframes_t n, void *arg)
{
	(void)arg;
	for (int p = 0; p < n_ports; p++)
		memcpy(jack_port_get_buffer(outs[p], n), jack_port_get_buffer(ins[p], n),
		       n * sizeof(float));
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
		fprintf(stderr, "usage: passthrough N [client:port_prefix]\n");
		return 2;
	}
	jack_client_t *c = jack_client_open("passthru", JackNoStartServer, NULL);
	if (!c) {
		fprintf(stderr, "passthrough: no JACK server\n");
		return 1;
	}
	for (int p = 0; p < n_ports; p++) {
		char name[32];
		snprintf(name, sizeof name, "in_%d", p + 1);
		ins[p] = jack_port_register(c, name, JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
		snprintf(name, sizeof name, "out_%d", p + 1);
		outs[p] = jack_port_register(c, name, JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
		if (!ins[p] || !outs[p]) {
			fprintf(stderr, "passthrough: cannot register port %d\n", p + 1);
			return 1;
		}
	}
	jack_set_process_callback(c, process, NULL);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	if (jack_activate(c) != 0)
		return 1;
	for (int p = 0; argc > 2 && p < n_ports; p++) {
		char src[320];
		snprintf(src, sizeof src, "%s%d", argv[2], p + 1);
		jack_connect(c, src, jack_port_name(ins[p]));
	}
	while (!is_done)
		usleep(100000);
	jack_client_close(c);
	return 0;
}
