/*
 * test_render.c - jmixd render: equal to the live mix sample for sample, equal to itself
 * whatever the block size, and clean failures on bad input.
 *
 * Live vs render: the stems (a mono kick-like burst train, a stereo noise pad) go through a
 * console with high-pass, EQ, compressor, reverb, delay, a monitor mix and the master limiter.
 * A JACK client of this test (the player) plays them from the first frame of one period and,
 * in the same process callback, records jmixd's master_L/R; the take runs in freewheel, so a
 * busy machine slows it down but cannot tear it. player -> jmixd -> player is a cycle that JACK
 * breaks with a one-period edge, so the recording is the mix late by whole periods.
 *
 * The reverb's modulation runs on the console's sample clock from its start, so the render is
 * given that clock (--start). jmixd connects itself to the player (config), and the player
 * counts the cycles from that connection to the take: a lower bound; the few cycles jmixd ran
 * before its connection took effect are found by rendering the first 4096 frames for each
 * candidate (at most 1000) until one matches bit for bit. Then the whole render (stems and a
 * one-second tail, 84000 frames) must equal the take as float bits (memcmp), at 64 and
 * 256-frame periods. A take with an xrun is retried with a fresh daemon.
 *
 * Render vs render: block sizes 1, 7, 64, 4093 against 1024: identical files (cmp).
 *
 * Lengths and tails: a short stem beside a long one is padded; the tail runs to silence
 * (-160 dBFS), or is cut exactly at --tail. Integer output: 16-bit without dither is the float
 * mix rounded (within half an LSB) and clipped at full scale, never wrapped; with TPDF dither it
 * differs from the float mix by at most 1.5 LSB and is not the undithered file.
 *
 * Values: a scene saved under a name and the saved state apply (exact gains).
 *
 * Bad input: a missing stem, a stem that is not audio, a stereo file for a mono channel,
 * mismatched rates, a scene of another console, a full disk (a 64 kB tmpfs, only in the
 * private mount namespace of isolate.sh): exit status, the file named in the message, and
 * nothing under the output's name (nor its .part).
 *
 * Run: tests/integration/isolate.sh build/itests/test_render
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/integration/harness.h"

#define RATE 48000
#define STEM_FRAMES 36000               /* 0.75 s */
#define MATCH_PROBE 4096

/* jmixd connects itself to the player (input and outputs): see live_take. */
static const char g_config[] =
	"jack = { client_name = \"jmixd\"; };\n"
	"osc = { bind = \"127.0.0.1\"; port = 8000; zeroconf = false; };\n"
	"state = { autosave = false; };\n"
	"aux = (\n"
	"  { name = \"rev\"; type = \"reverb\"; reverb = { decay = 0.8; }; },\n"
	"  { name = \"dly\"; type = \"delay\"; delay = { feedback = 25.0; }; },\n"
	"  { name = \"mon\"; type = \"monitor\"; stereo = true; }\n"
	");\n"
	"master = { fader = -2.0; limiter = { on = true; ceiling = -1.0; };\n"
	"  outputs = [ \"player:in_L\", \"player:in_R\" ]; };\n"
	"channels = (\n"
	"  { name = \"kick\"; input = \"player:out_kick\"; fader = -3.0; pan = -0.3;\n"
	"    hpf = { on = true; freq = 40.0; };\n"
	"    eq = { on = true; band2 = { on = true; freq = 2000.0; gain = 4.0; }; };\n"
	"    comp = { on = true; threshold = -24.0; ratio = 4.0; };\n"
	"    send = { rev = { level = -10.0; }; dly = { level = -12.0; }; }; },\n"
	"  { name = \"pad\"; stereo = true; input = [ \"player:out_pad_L\", \"player:out_pad_R\" ];\n"
	"    fader = -6.0; send = { rev = { level = -6.0; }; mon = { level = -3.0; }; }; }\n"
	");\n";

static struct {
	char cfg[HX_PATH_MAX];
	char kick[HX_PATH_MAX], pad[HX_PATH_MAX];
	char kick_probe[HX_PATH_MAX], pad_probe[HX_PATH_MAX];   /* their first MATCH_PROBE frames */
	float *kick_x, *pad_x;           /* the stems' samples (pad interleaved) */
} g;

/* ---- float WAV files, by hand (the test links no libsndfile) ---- */

static void put32(FILE *f, uint32_t v)
{
	fwrite(&v, 4, 1, f);             /* WAV is little-endian, as are our targets */
}

static void put16(FILE *f, uint16_t v)
{
	fwrite(&v, 2, 1, f);
}

static int write_wav(const char *path, const float *x, int n_frames, int ch, int rate)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -errno;
	uint32_t bytes = (uint32_t)n_frames * (uint32_t)ch * 4;
	fwrite("RIFF", 1, 4, f), put32(f, 36 + bytes), fwrite("WAVEfmt ", 1, 8, f);
	put32(f, 16), put16(f, 3), put16(f, (uint16_t)ch), put32(f, (uint32_t)rate);
	put32(f, (uint32_t)(rate * ch * 4)), put16(f, (uint16_t)(ch * 4)), put16(f, 32);
	fwrite("data", 1, 4, f), put32(f, bytes);
	fwrite(x, 4, (size_t)n_frames * (size_t)ch, f);
	return fclose(f) == 0 ? 0 : -errno;
}

/* The float samples of a WAV (interleaved, malloc'd); frames and channels out. */
static float *read_wav(const char *path, size_t *n_frames, int *ch)
{
	size_t size = hx_file_size(path);
	FILE *f = fopen(path, "rb");
	uint8_t *b = malloc(size + 1);
	float *x = NULL;
	if (!f || !b || fread(b, 1, size, f) != size || size < 12 || memcmp(b + 8, "WAVE", 4))
		goto out;
	*ch = 0;
	uint16_t bits = 32;
	for (size_t p = 12; p + 8 <= size;) {
		uint32_t len;
		memcpy(&len, b + p + 4, 4);
		if (!memcmp(b + p, "fmt ", 4)) {
			uint16_t fmt, c;
			memcpy(&fmt, b + p + 8, 2);
			memcpy(&c, b + p + 10, 2);
			memcpy(&bits, b + p + 22, 2);
			*ch = fmt == 3 || fmt == 1 || fmt == 0xFFFE ? c : 0;
		} else if (!memcmp(b + p, "data", 4) && *ch > 0 && p + 8 + len <= size) {
			size_t n = len / (bits / 8);
			x = malloc((n ? n : 1) * sizeof *x);
			for (size_t i = 0; x && i < n; i++) {
				int16_t v;
				if (bits == 32) {
					memcpy(&x[i], b + p + 8 + 4 * i, 4);
				} else {     /* 16-bit PCM, as libsndfile scales it when clipping */
					memcpy(&v, b + p + 8 + 2 * i, 2);
					x[i] = (float)v / 32768.0f;
				}
			}
			*n_frames = n / (size_t)*ch;
			break;
		}
		p += 8 + len + (len & 1);
	}
out:
	if (f)
		fclose(f);
	free(b);
	return x;
}

static uint32_t g_seed = 12345;
static float noise(void)
{
	g_seed = g_seed * 1664525u + 1013904223u;
	return (float)(g_seed >> 8) / 8388608.0f - 1.0f;
}

static int group_setup(void **state)
{
	(void)state;
	g.kick_x = malloc(STEM_FRAMES * sizeof(float));
	g.pad_x = malloc(STEM_FRAMES * 2 * sizeof(float));
	if (!g.kick_x || !g.pad_x)
		return -1;
	for (int i = 0; i < STEM_FRAMES; i++) {
		int t = i % 12000;           /* a burst every 0.25 s: 60 Hz falling, decaying */
		g.kick_x[i] = 0.9f * expf(-t / 2400.0f) * sinf(2.0f * (float)M_PI * 60.0f * t / RATE *
							      (1.0f + 2.0f * expf(-t / 600.0f)));
		g.pad_x[2 * i] = 0.2f * noise();
		g.pad_x[2 * i + 1] = 0.2f * noise();
	}
	if (hx_write_file("render.cfg", g_config, g.cfg) < 0)
		return -1;
	snprintf(g.kick, sizeof g.kick, "%s/kick.wav", hx_tmpdir());
	snprintf(g.pad, sizeof g.pad, "%s/pad.wav", hx_tmpdir());
	snprintf(g.kick_probe, sizeof g.kick_probe, "%s/kick-probe.wav", hx_tmpdir());
	snprintf(g.pad_probe, sizeof g.pad_probe, "%s/pad-probe.wav", hx_tmpdir());
	if (write_wav(g.kick, g.kick_x, STEM_FRAMES, 1, RATE) < 0 ||
	    write_wav(g.pad, g.pad_x, STEM_FRAMES, 2, RATE) < 0 ||
	    write_wav(g.kick_probe, g.kick_x, MATCH_PROBE, 1, RATE) < 0 ||
	    write_wav(g.pad_probe, g.pad_x, MATCH_PROBE, 2, RATE) < 0)
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	free(g.kick_x);
	free(g.pad_x);
	return 0;
}

/* jmixd render with these extra arguments; the wait status, and its log in log_out. */
static int render_with(const char *cfg, const char *out, const char *const *extra,
		       char *log_out)
{
	const char *args[24] = { "render", "-c", cfg, "-o", out };
	int n = 5;
	for (; extra && *extra && n < 22; extra++)
		args[n++] = *extra;
	args[n] = NULL;
	return hx_jmixd_run(args, 120.0, log_out);
}

static int render(const char *out, const char *const *extra, char *log_out)
{
	return render_with(g.cfg, out, extra, log_out);
}

static char *tmp_path(const char *name)
{
	static char path[4][HX_PATH_MAX + 64];
	static int k;
	k = (k + 1) % 4;
	snprintf(path[k], sizeof path[k], "%s/%s", hx_tmpdir(), name);
	return path[k];
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* ---- the player: plays the stems and records the master in one process callback ---- */

struct player {
	jack_client_t *client;
	jack_port_t *out[3], *in[2];
	const float *src[3];             /* kick, pad L, pad R: stride 1, 2, 2 */
	int stride[3];
	size_t n_src;
	float *rec[2];
	size_t rec_cap, pos;
	uint64_t n_cycles;               /* audio thread's own count */
	atomic_int phase;                /* 0 idle, 1 armed, 2 running, 3 done */
	atomic_ulong n_frames;           /* frames seen since open: evidence that time passes */
	atomic_ullong connected_cycle;   /* first cycle with jmixd's master connected, +1 */
	atomic_ullong take_cycle;        /* the cycle that played the stems' first frame */
	atomic_uint n_xruns;
};

static int player_process(jack_nframes_t n, void *arg)
{
	struct player *p = arg;
	int phase = atomic_load(&p->phase);
	atomic_fetch_add(&p->n_frames, n);
	if (!atomic_load(&p->connected_cycle) && jack_port_connected(p->in[0]))
		atomic_store(&p->connected_cycle, p->n_cycles + 1);
	if (phase == 1) {
		phase = 2;
		p->pos = 0;
		atomic_store(&p->take_cycle, p->n_cycles);
	}
	p->n_cycles++;
	for (int k = 0; k < 3; k++) {
		float *buf = jack_port_get_buffer(p->out[k], n);
		for (jack_nframes_t i = 0; i < n; i++) {
			size_t t = p->pos + i;
			buf[i] = phase == 2 && t < p->n_src ? p->src[k][t * (size_t)p->stride[k]] : 0.0f;
		}
	}
	if (phase == 2) {
		for (int k = 0; k < 2; k++) {
			const float *buf = jack_port_get_buffer(p->in[k], n);
			for (jack_nframes_t i = 0; i < n && p->pos + i < p->rec_cap; i++)
				p->rec[k][p->pos + i] = buf[i];
		}
		p->pos += n;
		if (p->pos >= p->rec_cap)
			phase = 3;
	}
	atomic_store(&p->phase, phase);
	return 0;
}

static int player_xrun(void *arg)
{
	struct player *p = arg;
	atomic_fetch_add(&p->n_xruns, 1);
	return 0;
}

static struct player *player_open(size_t rec_cap)
{
	struct player *p = calloc(1, sizeof *p);
	assert_non_null(p);
	p->client = jack_client_open("player", JackNoStartServer | JackUseExactName, NULL);
	assert_non_null(p->client);
	p->rec_cap = rec_cap;
	p->rec[0] = calloc(rec_cap, sizeof(float));
	p->rec[1] = calloc(rec_cap, sizeof(float));
	p->src[0] = g.kick_x, p->src[1] = g.pad_x, p->src[2] = g.pad_x + 1;
	p->stride[0] = 1, p->stride[1] = 2, p->stride[2] = 2;
	p->n_src = STEM_FRAMES;
	static const char *const outs[] = { "out_kick", "out_pad_L", "out_pad_R" };
	for (int k = 0; k < 3; k++)
		p->out[k] = jack_port_register(p->client, outs[k], JACK_DEFAULT_AUDIO_TYPE,
					       JackPortIsOutput, 0);
	p->in[0] = jack_port_register(p->client, "in_L", JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
	p->in[1] = jack_port_register(p->client, "in_R", JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
	jack_set_process_callback(p->client, player_process, p);
	jack_set_xrun_callback(p->client, player_xrun, p);
	assert_int_equal(jack_activate(p->client), 0);
	return p;
}

static void player_close(struct player *p)
{
	jack_deactivate(p->client);
	jack_client_close(p->client);
	free(p->rec[0]);
	free(p->rec[1]);
	free(p);
}

static struct hx_jackd g_jackd;

/*
 * One live take; true when it ran without an xrun. jmixd connects itself to the player right
 * after it activates, so the cycles between its connection and the take bound its clock at
 * the take from below: *clock_base (frames). The few cycles between its activation and its
 * connection are not visible from here; the caller searches them.
 */
static bool live_take(struct hx_jackd *j, struct player *p, unsigned period, int64_t *clock_base)
{
	static const char *const ports[] = { "kick", "pad_L", "pad_R", NULL };
	const struct hx_daemon_opts opts = { .ports = ports };
	struct hx_daemon d = { 0 };
	atomic_store(&p->connected_cycle, 0);
	assert_int_equal(hx_daemon_start(&d, j, g_config, &opts), 0);
	double limit = hx_now() + 10.0;
	while (!atomic_load(&p->connected_cycle) && hx_now() < limit)
		hx_sleep(0.01);
	assert_true(atomic_load(&p->connected_cycle) > 0);
	/* Let a quarter second of audio pass, counted in frames, not wall time. */
	unsigned long from = atomic_load(&p->n_frames);
	while (atomic_load(&p->n_frames) < from + RATE / 4 && hx_now() < limit)
		hx_sleep(0.02);
	unsigned xruns = atomic_load(&p->n_xruns);
	/* Freewheel: the server waits for every client, so a busy machine makes the take slower,
	 * never torn (and an idle one makes it faster than real time). */
	assert_int_equal(jack_set_freewheel(p->client, 1), 0);
	atomic_store(&p->phase, 1);
	limit = hx_now() + 10.0 + 10.0 * (double)p->rec_cap / RATE;
	while (atomic_load(&p->phase) != 3 && hx_now() < limit)
		hx_sleep(0.05);
	jack_set_freewheel(p->client, 0);
	assert_int_equal(atomic_load(&p->phase), 3);
	bool is_clean = atomic_load(&p->n_xruns) == xruns;
	if (!is_clean)
		fprintf(stderr, "[render] %u xruns during the take: again\n",
			atomic_load(&p->n_xruns) - xruns);
	*clock_base = (int64_t)(atomic_load(&p->take_cycle) - (atomic_load(&p->connected_cycle) - 1)) *
		      period;
	assert_int_equal(hx_daemon_stop(&d, SIGTERM, 10.0), 0);
	atomic_store(&p->phase, 0);
	return is_clean;
}

/* The offset (a whole number of periods) at which the take holds the render's first
 * MATCH_PROBE frames bit for bit, or SIZE_MAX. */
static size_t find_offset(const struct player *p, const float *r, size_t n, unsigned period)
{
	size_t probe = n < MATCH_PROBE ? n : MATCH_PROBE;
	for (size_t d = 0; d <= 8 * period; d += period) {
		bool is_equal = d + n <= p->rec_cap;
		for (size_t i = 0; i < probe && is_equal; i++)
			is_equal = !memcmp(&p->rec[0][d + i], &r[2 * i], 4) &&
				   !memcmp(&p->rec[1][d + i], &r[2 * i + 1], 4);
		if (is_equal)
			return d;
	}
	return SIZE_MAX;
}

#define TAKE_TAIL "1.0"                  /* seconds of tail rendered and compared */
#define TAKE_FRAMES (STEM_FRAMES + RATE)
#define MAX_UNSEEN_CYCLES 1000           /* jmixd's cycles before its connection took effect */

/*
 * Render with the console's clock at start; the samples (stereo interleaved) and count. The
 * search renders only the first MATCH_PROBE frames of the stems (the output up to a frame
 * depends only on the input up to it), so each candidate costs little.
 */
static float *render_at(int64_t start, bool is_probe, size_t *n)
{
	char start_s[32];
	snprintf(start_s, sizeof start_s, "%lld", (long long)start);
	const char *const full[] = { "--start", start_s, "--tail", TAKE_TAIL, g.kick, g.pad, NULL };
	const char *const probe[] = { "--start", start_s, "--tail", "0", g.kick_probe, g.pad_probe,
				      NULL };
	char *out = tmp_path("take-render.wav");
	int rc = render(out, is_probe ? probe : full, NULL);
	assert_true(rc >= 0 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0);
	int ch = 0;
	float *r = read_wav(out, n, &ch);
	assert_non_null(r);
	assert_int_equal(ch, 2);
	assert_int_equal(*n, is_probe ? MATCH_PROBE : TAKE_FRAMES);
	return r;
}

static void live_equals_render(unsigned period)
{
	struct hx_jackd *j = &g_jackd;
	*j = (struct hx_jackd){ 0 };
	assert_int_equal(hx_jackd_start(j, RATE, period), 0);
	struct player *p = player_open(TAKE_FRAMES + 8 * period);
	bool is_clean = false;
	int64_t base = 0;
	for (int attempt = 0; attempt < 3 && !is_clean; attempt++)
		is_clean = live_take(j, p, period, &base);
	assert_true(is_clean);

	/* The console's clock at the take is base plus the unseen cycles: find them. */
	size_t n = 0, offset = SIZE_MAX;
	float *r = NULL;
	int unseen = 0;
	for (; unseen <= MAX_UNSEEN_CYCLES && offset == SIZE_MAX; unseen++) {
		r = render_at(base + (int64_t)unseen * period, true, &n);
		offset = find_offset(p, r, n, period);
		free(r);
	}
	r = render_at(base + (int64_t)(unseen - 1) * period, false, &n);
	if (offset == SIZE_MAX) {
		float *both = malloc(p->rec_cap * 2 * sizeof(float));
		for (size_t i = 0; i < p->rec_cap; i++)
			both[2 * i] = p->rec[0][i], both[2 * i + 1] = p->rec[1][i];
		write_wav(tmp_path("live-take.wav"), both, (int)p->rec_cap, 2, RATE);
		free(both);
		fprintf(stderr, "[render] no clock and offset match; the take is in live-take.wav\n");
	}
	assert_true(offset != SIZE_MAX);
	size_t n_diff = 0, first = SIZE_MAX;
	for (size_t i = 0; i < n; i++)
		if (memcmp(&p->rec[0][offset + i], &r[2 * i], 4) ||
		    memcmp(&p->rec[1][offset + i], &r[2 * i + 1], 4)) {
			if (first == SIZE_MAX)
				first = i;
			n_diff++;
		}
	fprintf(stderr, "[render] period %u: the take equals the render over %zu frames x 2 "
			"(console clock %lld at the take, %d unseen cycles; late by %zu frames): "
			"%zu differ\n", period, n, (long long)(base + (unseen - 1) * (int64_t)period),
		unseen - 1, offset, n_diff);
	assert_int_equal(n_diff, 0);
	player_close(p);
	free(r);
}

static int stop_jackd(void **state)
{
	(void)state;
	hx_jackd_stop(&g_jackd);
	return 0;
}

static void test_live_equals_render_64(void **state)
{
	(void)state;
	live_equals_render(64);
}

static void test_live_equals_render_256(void **state)
{
	(void)state;
	live_equals_render(256);
}

static void test_block_size_does_not_matter(void **state)
{
	(void)state;
	static const char *const blocks[] = { "1024", "1", "7", "64", "4093" };
	char *ref = NULL;
	size_t ref_size = 0;
	for (size_t k = 0; k < sizeof blocks / sizeof blocks[0]; k++) {
		char name[64];
		snprintf(name, sizeof name, "block-%s.wav", blocks[k]);
		char *out = tmp_path(name);
		const char *const extra[] = { "--block", blocks[k], "--buses", hx_tmpdir(), g.kick,
					      g.pad, NULL };
		int rc = render(out, extra, NULL);
		assert_true(rc >= 0 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0);
		char *bytes = hx_read_file(out, 0);
		size_t size = hx_file_size(out);
		assert_non_null(bytes);
		if (!ref) {
			ref = bytes, ref_size = size;
			continue;
		}
		assert_int_equal(size, ref_size);
		assert_memory_equal(bytes, ref, size);
		free(bytes);
	}
	free(ref);
	assert_true(exists(tmp_path("mon.wav")) && exists(tmp_path("solo.wav")));
}

static float *render_read(const char *cfg, const char *name, const char *const *extra, size_t *n)
{
	char *out = tmp_path(name);
	char log[HX_PATH_MAX];
	int rc = render_with(cfg, out, extra, log);
	if (!(rc >= 0 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0))
		hx_dump_log_tail("jmixd render", log, 10);
	assert_true(rc >= 0 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0);
	int ch = 0;
	float *x = read_wav(out, n, &ch);
	assert_non_null(x);
	assert_int_equal(ch, 2);
	return x;
}

static void test_lengths_and_tails(void **state)
{
	(void)state;
	size_t n, n_cut;
	/* The pad stops after 4096 frames, the kick runs on: padded, not refused. */
	const char *const to_silence[] = { g.kick, g.pad_probe, NULL };
	float *x = render_read(g.cfg, "tail.wav", to_silence, &n);
	assert_true(n > STEM_FRAMES + RATE / 2);      /* reverb and delay ring on */
	float last = 0.0f, after = 0.0f;
	for (size_t i = n - RATE / 10; i < n; i++)
		last = fmaxf(last, fmaxf(fabsf(x[2 * i]), fabsf(x[2 * i + 1])));
	after = fmaxf(fabsf(x[2 * n - 2]), fabsf(x[2 * n - 1]));
	assert_true(last < 1e-5f);                     /* the end is inaudible ... */
	assert_true(after > 1e-8f);                    /* ... and the file ends at its last sound */
	free(x);
	const char *const cut[] = { "--tail", "0.1", g.kick, g.pad_probe, NULL };
	x = render_read(g.cfg, "tail-cut.wav", cut, &n_cut);
	assert_int_equal(n_cut, STEM_FRAMES + RATE / 10);
	free(x);
}

static void test_integer_output(void **state)
{
	(void)state;
	/* A hot console without a limiter, so the float mix goes over full scale. */
	char hot_cfg[HX_PATH_MAX];
	assert_int_equal(hx_write_file("hot.cfg",
				       "master = { fader = 10.0; limiter = { on = false; }; };\n"
				       "channels = ( { name = \"kick\"; }, { name = \"pad\"; stereo = true; } );\n",
				       hot_cfg), 0);
	size_t n_f, n_i, n_d;
	const char *const flt[] = { g.kick, g.pad, NULL };
	const char *const i16[] = { "--format", "16", "--no-dither", g.kick, g.pad, NULL };
	const char *const d16[] = { "--format", "16", g.kick, g.pad, NULL };
	float *f = render_read(hot_cfg, "hot-float.wav", flt, &n_f);
	float *q = render_read(hot_cfg, "hot-16.wav", i16, &n_i);
	float *d = render_read(hot_cfg, "hot-16d.wav", d16, &n_d);
	assert_int_equal(n_i, n_f);
	assert_int_equal(n_d, n_f);
	const float lsb = 1.0f / 32768.0f;
	size_t n_over = 0, n_dither_differs = 0;
	for (size_t i = 0; i < 2 * n_f; i++) {
		if (fabsf(f[i]) >= 1.0f - 0.5f * lsb) {      /* at or past the last step: clipped */
			n_over++;
			assert_true(fabsf(q[i]) >= 1.0f - lsb);          /* clipped ... */
			assert_true((q[i] > 0) == (f[i] > 0));          /* ... never wrapped */
			continue;
		}
		assert_true(fabsf(q[i] - f[i]) <= 0.5f * lsb + 1e-7f);
		assert_true(fabsf(d[i] - f[i]) <= 1.5f * lsb + 1e-7f);
		n_dither_differs += d[i] != q[i];
	}
	assert_true(n_over > 100);
	assert_true(n_dither_differs > n_f / 4);
	free(f);
	free(q);
	free(d);
}

static float peak_of(const float *x, size_t n)
{
	float p = 0.0f;
	for (size_t i = 0; i < n; i++)
		p = fmaxf(p, fabsf(x[i]));
	return p;
}

/* A scene saved under a name (as /snapshot/save does) and the saved state both apply. */
static void test_scene_and_state(void **state)
{
	(void)state;
	char cfg[HX_PATH_MAX], text[HX_PATH_MAX + 256], dir[HX_PATH_MAX + 16];
	snprintf(dir, sizeof dir, "%s/scstate", hx_tmpdir());
	snprintf(text, sizeof text,
		 "state = { dir = \"%s\"; };\n"
		 "master = { limiter = { on = false; }; };\n"
		 "channels = ( { name = \"kick\"; }, { name = \"pad\"; stereo = true; } );\n", dir);
	assert_int_equal(hx_write_file("scened.cfg", text, cfg), 0);
	char scenes[HX_PATH_MAX + 32], file[HX_PATH_MAX + 64];
	snprintf(scenes, sizeof scenes, "%s/scenes", dir);
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(mkdir(scenes, 0755), 0);
	snprintf(file, sizeof file, "%s/quiet.cfg", scenes);
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fputs("master = { fader = -20.0; };\n", f);
	fclose(f);
	snprintf(file, sizeof file, "%s/state.cfg", dir);
	f = fopen(file, "w");
	assert_non_null(f);
	fputs("master = { fader = -6.0; };\n", f);
	fclose(f);

	size_t n0, n1, n2;
	const char *const plain[] = { g.kick, NULL };
	const char *const scene[] = { "--scene", "quiet", g.kick, NULL };
	const char *const saved[] = { "--state", g.kick, NULL };
	float *x0 = render_read(cfg, "sc-plain.wav", plain, &n0);
	float *x1 = render_read(cfg, "sc-quiet.wav", scene, &n1);
	float *x2 = render_read(cfg, "sc-state.wav", saved, &n2);
	double db1 = 20.0 * log10(peak_of(x1, 2 * n1) / peak_of(x0, 2 * n0));
	double db2 = 20.0 * log10(peak_of(x2, 2 * n2) / peak_of(x0, 2 * n0));
	assert_true(fabs(db1 + 20.0) < 0.01);
	assert_true(fabs(db2 + 6.0) < 0.01);
	free(x0);
	free(x1);
	free(x2);
}

/* A bad render: this exit status, this text in its message, and no output left behind. */
static void expect_refusal(const char *out, const char *const *extra, int want_status,
			   const char *needle)
{
	char log[HX_PATH_MAX], part[HX_PATH_MAX + 8];
	int rc = render(out, extra, log);
	assert_true(rc >= 0 && WIFEXITED(rc));
	char *text = hx_read_file(log, 0);
	assert_non_null(text);
	if (WEXITSTATUS(rc) != want_status || !strstr(text, needle))
		fprintf(stderr, "[render] expected exit %d and '%s', got exit %d: %s\n", want_status,
			needle, WEXITSTATUS(rc), text);
	assert_int_equal(WEXITSTATUS(rc), want_status);
	assert_non_null(strstr(text, needle));
	free(text);
	snprintf(part, sizeof part, "%s.part", out);
	assert_false(exists(out));
	assert_false(exists(part));
}

static void test_bad_stems(void **state)
{
	(void)state;
	char *out = tmp_path("bad.wav");
	char *missing = tmp_path("missing.wav");
	const char *const a[] = { missing, NULL };
	expect_refusal(out, a, 2, missing);

	char not_audio[HX_PATH_MAX];
	assert_int_equal(hx_write_file("notaudio.wav", "this is text\n", not_audio), 0);
	const char *const b[] = { not_audio, NULL };
	expect_refusal(out, b, 2, not_audio);

	char kick_stereo[HX_PATH_MAX + 8];
	snprintf(kick_stereo, sizeof kick_stereo, "kick=%s", g.pad);
	const char *const d[] = { "--in", kick_stereo, NULL };
	expect_refusal(out, d, 2, g.pad);

	char *slow = tmp_path("pad-44k.wav");
	assert_int_equal(write_wav(slow, g.pad_x, 4410, 2, 44100), 0);
	const char *const e[] = { g.kick, slow, NULL };
	expect_refusal(out, e, 2, slow);
}

static void test_scene_of_another_console(void **state)
{
	(void)state;
	char scene[HX_PATH_MAX];
	assert_int_equal(hx_write_file("other.cfg",
				       "channels = ( { name = \"vox\"; fader = -3.0; } );\n", scene), 0);
	const char *const a[] = { "--scene", scene, g.kick, NULL };
	expect_refusal(tmp_path("scene.wav"), a, 2, scene);
}

static void test_full_disk(void **state)
{
	(void)state;
	char *dir = tmp_path("full");
	assert_int_equal(mkdir(dir, 0755), 0);
	if (!getenv("JMIXD_ISOLATED") || mount("tmpfs", dir, "tmpfs", 0, "size=64k") < 0) {
		rmdir(dir);
		skip();             /* a tmpfs mount only inside isolate.sh's private namespace */
	}
	char out[HX_PATH_MAX + 16];
	snprintf(out, sizeof out, "%s/mix.wav", dir);
	const char *const a[] = { g.kick, g.pad, NULL };
	expect_refusal(out, a, 1, out);
	umount(dir);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_block_size_does_not_matter),
		cmocka_unit_test(test_lengths_and_tails),
		cmocka_unit_test(test_integer_output),
		cmocka_unit_test(test_scene_and_state),
		cmocka_unit_test(test_bad_stems),
		cmocka_unit_test(test_scene_of_another_console),
		cmocka_unit_test(test_full_disk),
		cmocka_unit_test_teardown(test_live_equals_render_64, stop_jackd),
		cmocka_unit_test_teardown(test_live_equals_render_256, stop_jackd),
	};
	int failed = cmocka_run_group_tests_name("jmixd integration: render", tests, group_setup,
						 group_teardown);
	return hx_finish(failed) ? 1 : 0;
}
