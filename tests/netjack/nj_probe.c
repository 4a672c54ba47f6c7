/*
 * nj_probe.c - the measuring end of the netjack2 test (tests/netjack/netjack.sh).
 *
 *   nj_probe [-t SECONDS] SERVER DESK...
 *
 * Runs on the stage box's JACK server (the netjack2 master) as two clients, so that the path
 * player -> DESK:to_slave_1 -> (network, the desk's jmixd) -> DESK:from_slave_1 -> recorder
 * is a chain in the master's graph and not a loop: JACK breaks a loop through one client with
 * a period of delay (that is what jack_iodelay sees), a chain it does not.
 *
 *   nj_play:out       a tone burst every PATTERN_FRAMES (0.25 s): BURST_FRAMES (50 ms) of a
 *                     cosine of peak TONE_PEAK (-20 dBFS) at rate/48 Hz (1 kHz at 48 kHz). The
 *                     burst starts where the absolute JACK frame time is a multiple of
 *                     PATTERN_FRAMES, at the cosine's peak, so its first sample is already loud.
 *   nj_rec:DESK       one input per desk, connected from DESK:from_slave_1.
 *
 * The main thread keeps nj_play:out -> DESK:to_slave_1 and DESK:from_slave_1 -> nj_rec:DESK
 * connected (a desk whose jackd restarts comes back as a new netjack2 client with new ports)
 * and prints one line per event on stdout:
 *
 *   ready rate=R period=P
 *   connected DESK
 *   burst DESK latency=FRAMES level_db=DB clean=0|1 index=K ms=T
 *   xruns N                  (the master's xrun count, each time it changes)
 *   cycles play=N rec=M      (once a second: how often each process callback ran)
 *
 * latency: frame time of the first sample above the threshold minus frame time of the burst's
 * first sample, both read from the same server, so it is the whole round trip in frames.
 * level_db: the peak level of the received cosine, from its RMS over MEASURE_FRAMES (a whole
 * number of tone cycles) starting MEASURE_SKIP after the onset: 20 log10(sqrt(2) * rms).
 * clean=0: the master reported an xrun between the burst's start and the end of its
 * measurement, so its timing and level say nothing (the test ignores it).
 * index: the burst's number (its first frame / PATTERN_FRAMES). ms: the system clock when it
 * was measured. Bursts come every 250 ms of frame time; when the master stalls, the frame time
 * may skip (a gap in the indices) or slow down (a gap in ms): either way, ms minus 250 per
 * burst is audio the desk did not get.
 *
 * The process callbacks only read and write buffers and atomics; results reach the main
 * thread through a single-producer ring per desk. The program ends after SECONDS (default
 * 600) or on SIGTERM/SIGINT, and at once if the server goes away.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jack/jack.h>

#define MAX_DESKS       4
/* Short bursts, short measurements, many of them: on a busy machine the master's xruns come
 * several times a second, and only a burst whose whole course falls between two of them is
 * judged. */
#define PATTERN_FRAMES  12000u   /* one burst every 0.25 s at 48 kHz */
#define BURST_FRAMES    2400u
#define TONE_CYCLE      48u      /* samples per tone cycle: rate/48 Hz */
#define TONE_PEAK       0.1f     /* -20 dBFS */
#define ONSET_THRESHOLD 0.002f   /* -54 dBFS: far below any desk's output, far above zero */
#define QUIET_FRAMES    2400u    /* silence needed before an onset counts */
#define MEASURE_SKIP    96u
#define MEASURE_FRAMES  480u     /* 10 tone cycles */
#define RING_SIZE       64u      /* results per desk; power of two */

struct burst {
	jack_nframes_t index;          /* which burst: its start frame / PATTERN_FRAMES */
	jack_time_t usecs;             /* when it was measured, on the system clock */
	jack_nframes_t latency;
	float level_db;
	int is_clean;
};

enum rec_state { REC_WAIT_QUIET, REC_ARMED, REC_MEASURE };

/* One recorded desk. The RT fields are touched only by the recorder's process callback. */
struct desk {
	char name[64];
	jack_port_t *in;
	int was_connected;
	/* RT state */
	enum rec_state state;
	jack_nframes_t quiet_run, onset, latency;
	unsigned xruns_at_burst;
	double sum_sq;
	/* RT -> main */
	struct burst ring[RING_SIZE];
	atomic_uint head;
	unsigned tail;                 /* main thread only */
};

static jack_client_t *player, *recorder;
static jack_port_t *play_out;
static struct desk desks[MAX_DESKS];
static int n_desks;
static float tone[TONE_CYCLE];
static atomic_uint n_xruns;
static atomic_uint n_play_cycles, n_rec_cycles;
/* Written by the recorder's callback at each pattern start: the xrun count at that moment. */
static unsigned xruns_at_pattern_start;
static volatile sig_atomic_t is_stopping, is_server_gone;

/* The player: the pattern is a pure function of the absolute frame time. RT-safe. */
static int play_process(jack_nframes_t n, void *arg)
{
	float *out = jack_port_get_buffer(play_out, n);
	jack_nframes_t t0 = jack_last_frame_time(player);

	(void)arg;
	atomic_fetch_add_explicit(&n_play_cycles, 1, memory_order_relaxed);
	for (jack_nframes_t i = 0; i < n; i++) {
		jack_nframes_t pos = (t0 + i) % PATTERN_FRAMES;
		out[i] = pos < BURST_FRAMES ? tone[pos % TONE_CYCLE] : 0.0f;
	}
	return 0;
}

static void finish_burst(struct desk *d)
{
	unsigned head = atomic_load_explicit(&d->head, memory_order_relaxed);
	struct burst *b = &d->ring[head % RING_SIZE];
	double rms = sqrt(d->sum_sq / MEASURE_FRAMES);

	b->index = (d->onset - d->latency) / PATTERN_FRAMES;
	b->usecs = jack_get_time();
	b->latency = d->latency;
	b->level_db = rms > 0 ? (float)(20.0 * log10(rms * sqrt(2.0))) : -200.0f;
	b->is_clean = atomic_load_explicit(&n_xruns, memory_order_relaxed) == d->xruns_at_burst;
	/* Full ring: the main thread fell 64 bursts behind; overwrite rather than wait. */
	atomic_store_explicit(&d->head, head + 1, memory_order_release);
}

static void record_sample(struct desk *d, jack_nframes_t t, float x)
{
	int is_loud = fabsf(x) >= ONSET_THRESHOLD;

	switch (d->state) {
	case REC_WAIT_QUIET:
		d->quiet_run = is_loud ? 0 : d->quiet_run + 1;
		if (d->quiet_run >= QUIET_FRAMES)
			d->state = REC_ARMED;
		break;
	case REC_ARMED:
		if (!is_loud)
			break;
		d->onset = t;
		d->latency = t % PATTERN_FRAMES;
		/* The burst began at t - latency, the latest pattern start (latency < pattern). */
		d->xruns_at_burst = xruns_at_pattern_start;
		d->sum_sq = 0;
		d->state = REC_MEASURE;
		break;
	case REC_MEASURE: {
		jack_nframes_t off = t - d->onset;
		if (off >= MEASURE_SKIP && off < MEASURE_SKIP + MEASURE_FRAMES)
			d->sum_sq += (double)x * x;
		if (off == MEASURE_SKIP + MEASURE_FRAMES - 1) {
			finish_burst(d);
			d->quiet_run = 0;
			d->state = REC_WAIT_QUIET;
		}
		break;
	}
	}
}

/* The recorder. RT-safe: buffers, arithmetic and atomics only. */
static int rec_process(jack_nframes_t n, void *arg)
{
	jack_nframes_t t0 = jack_last_frame_time(recorder);

	(void)arg;
	atomic_fetch_add_explicit(&n_rec_cycles, 1, memory_order_relaxed);
	for (jack_nframes_t i = 0; i < n; i++)
		if ((t0 + i) % PATTERN_FRAMES == 0)
			xruns_at_pattern_start = atomic_load_explicit(&n_xruns, memory_order_relaxed);
	for (int k = 0; k < n_desks; k++) {
		const float *in = jack_port_get_buffer(desks[k].in, n);
		for (jack_nframes_t i = 0; i < n; i++)
			record_sample(&desks[k], t0 + i, in[i]);
	}
	return 0;
}

static int on_xrun(void *arg)
{
	(void)arg;
	atomic_fetch_add(&n_xruns, 1);
	return 0;
}

static void on_shutdown(void *arg)
{
	(void)arg;
	is_server_gone = 1;
}

static void on_signal(int sig)
{
	(void)sig;
	is_stopping = 1;
}

/* Connect src -> dst when both exist; 1 when connected (now or before), 0 when not yet. */
static int ensure_connected(jack_client_t *c, const char *src, const char *dst)
{
	jack_port_t *p = jack_port_by_name(c, src);

	if (!p || !jack_port_by_name(c, dst))
		return 0;
	if (jack_port_connected_to(p, dst))
		return 1;
	int rc = jack_connect(c, src, dst);
	return rc == 0 || rc == EEXIST;
}

static void keep_connections(void)
{
	char src[160], dst[160];

	for (int k = 0; k < n_desks; k++) {
		struct desk *d = &desks[k];
		snprintf(dst, sizeof dst, "%.63s:to_slave_1", d->name);
		int is_up = ensure_connected(player, jack_port_name(play_out), dst);
		snprintf(src, sizeof src, "%.63s:from_slave_1", d->name);
		is_up = ensure_connected(recorder, src, jack_port_name(d->in)) && is_up;
		if (is_up && !d->was_connected)
			printf("connected %s\n", d->name);
		d->was_connected = is_up;
	}
}

static void print_bursts(void)
{
	static unsigned n_xruns_printed;
	unsigned n = atomic_load(&n_xruns);

	if (n != n_xruns_printed)
		printf("xruns %u\n", n);
	n_xruns_printed = n;
	for (int k = 0; k < n_desks; k++) {
		struct desk *d = &desks[k];
		unsigned head = atomic_load_explicit(&d->head, memory_order_acquire);
		for (; d->tail != head; d->tail++) {
			const struct burst *b = &d->ring[d->tail % RING_SIZE];
			printf("burst %s latency=%u level_db=%.3f clean=%d index=%u ms=%llu\n",
			       d->name, (unsigned)b->latency, b->level_db, b->is_clean,
			       (unsigned)b->index, (unsigned long long)(b->usecs / 1000));
		}
	}
}

static jack_client_t *open_client(const char *server, const char *name)
{
	jack_status_t st;
	jack_client_t *c = jack_client_open(name, JackServerName | JackNoStartServer, &st, server);

	if (!c)
		fprintf(stderr, "nj_probe: cannot open client %s on server %s (status 0x%x)\n",
			name, server, (unsigned)st);
	return c;
}

int main(int argc, char **argv)
{
	double max_seconds = 600;
	int opt;

	while ((opt = getopt(argc, argv, "t:")) != -1) {
		if (opt != 't')
			goto usage;
		max_seconds = atof(optarg);
	}
	if (argc - optind < 2 || argc - optind - 1 > MAX_DESKS)
		goto usage;
	const char *server = argv[optind];
	for (int i = optind + 1; i < argc; i++)
		snprintf(desks[n_desks++].name, sizeof desks[0].name, "%s", argv[i]);
	for (unsigned i = 0; i < TONE_CYCLE; i++)
		tone[i] = TONE_PEAK * (float)cos(2.0 * M_PI * i / TONE_CYCLE);

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	if (!(player = open_client(server, "nj_play")) || !(recorder = open_client(server, "nj_rec")))
		return 1;
	play_out = jack_port_register(player, "out", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
	for (int k = 0; k < n_desks; k++)
		desks[k].in = jack_port_register(recorder, desks[k].name, JACK_DEFAULT_AUDIO_TYPE,
						 JackPortIsInput, 0);
	jack_set_process_callback(player, play_process, NULL);
	jack_set_process_callback(recorder, rec_process, NULL);
	jack_set_xrun_callback(recorder, on_xrun, NULL);
	jack_on_shutdown(player, on_shutdown, NULL);
	jack_on_shutdown(recorder, on_shutdown, NULL);
	if (jack_activate(player) || jack_activate(recorder)) {
		fprintf(stderr, "nj_probe: cannot activate\n");
		return 1;
	}
	printf("ready rate=%u period=%u\n", (unsigned)jack_get_sample_rate(player),
	       (unsigned)jack_get_buffer_size(player));

	struct timespec start, now, tick = { 0, 50 * 1000 * 1000 };
	clock_gettime(CLOCK_MONOTONIC, &start);
	now = start;
	for (int tick_n = 1; !is_stopping && !is_server_gone &&
	     now.tv_sec - start.tv_sec < max_seconds; clock_gettime(CLOCK_MONOTONIC, &now), tick_n++) {
		keep_connections();
		print_bursts();
		if (tick_n % 20 == 0)   /* once a second: are our process callbacks still called? */
			printf("cycles play=%u rec=%u\n", atomic_load(&n_play_cycles),
			       atomic_load(&n_rec_cycles));
		nanosleep(&tick, NULL);   /* a polling interval, not evidence of anything */
	}
	print_bursts();
	if (is_server_gone) {
		fprintf(stderr, "nj_probe: the server %s shut down\n", server);
		return 1;
	}
	/* No jack_client_close(): it can wait forever on a server that is shutting down at the
	 * same moment (the test's cleanup stops everything at once); the server drops a client
	 * whose process has ended. */
	return 0;

usage:
	fprintf(stderr, "usage: %s [-t SECONDS] SERVER DESK...\n", argv[0]);
	return 2;
}
