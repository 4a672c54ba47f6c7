/*
 * passthrough.c - the JACK floor of the live benchmark: a client with N inputs copied to N
 * outputs, nothing else (research/perf-anchors.md's "pass-through client, N ports"). What it
 * costs per period is what any N-port client pays JACK before doing any work; issue 16's live
 * target is twice this plus the 8-lane strip floor.
 *   passthrough N [CLIENT:PREFIX]   connects CLIENT:PREFIX<i> to in_i when given
 * Runs until SIGTERM/SIGINT.
 */
#include <stdlib.h>
#include <string.h>

#include "bench/bench_jack.h"

#define MAX_PORTS 256

static jack_port_t *ins[MAX_PORTS], *outs[MAX_PORTS];
static int n_ports;
static const char *connect_prefix;

static int process(jack_nframes_t n, void *arg)
{
	(void)arg;
	for (int p = 0; p < n_ports; p++)
		memcpy(jack_port_get_buffer(outs[p], n), jack_port_get_buffer(ins[p], n),
		       n * sizeof(float));
	return 0;
}

static void connect_inputs(jack_client_t *c)
{
	for (int p = 0; connect_prefix && p < n_ports; p++) {
		char src[320];
		snprintf(src, sizeof src, "%s%d", connect_prefix, p + 1);
		jack_connect(c, src, jack_port_name(ins[p]));
	}
}

int main(int argc, char **argv)
{
	if (argc < 2 || (n_ports = atoi(argv[1])) < 1 || n_ports > MAX_PORTS) {
		fprintf(stderr, "usage: passthrough N [client:port_prefix]\n");
		return 2;
	}
	jack_client_t *c = bench_jack_open("passthru", "passthrough");
	if (!c)
		return 1;
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
	connect_prefix = argc > 2 ? argv[2] : NULL;
	return bench_jack_serve(c, process, connect_inputs);
}
