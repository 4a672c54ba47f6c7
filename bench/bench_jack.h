/*
 * bench_jack.h - what the live benchmark's own JACK clients (noise_feeder, passthrough) share:
 * opening a client on the running server and serving until SIGTERM or SIGINT.
 */
#ifndef JMIXD_BENCH_JACK_H
#define JMIXD_BENCH_JACK_H

#include <jack/jack.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static volatile sig_atomic_t bench_jack_is_done;

static void bench_jack_on_signal(int sig)
{
	(void)sig;
	bench_jack_is_done = 1;
}

/* A client named name on the running server (never starts one), or NULL with a message. */
static jack_client_t *bench_jack_open(const char *name, const char *prog)
{
	jack_client_t *c = jack_client_open(name, JackNoStartServer, NULL);

	if (!c)
		fprintf(stderr, "%s: no JACK server\n", prog);
	return c;
}

/* Activate with process(), call connect(c) once active, serve until a signal, close. */
static int bench_jack_serve(jack_client_t *c, JackProcessCallback process,
			    void (*connect)(jack_client_t *c))
{
	jack_set_process_callback(c, process, NULL);
	signal(SIGTERM, bench_jack_on_signal);
	signal(SIGINT, bench_jack_on_signal);
	if (jack_activate(c) != 0)
		return 1;
	connect(c);
	while (!bench_jack_is_done)
		usleep(100000);
	jack_client_close(c);
	return 0;
}

#endif
