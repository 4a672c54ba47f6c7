/*
 * test_simd.c - the vector paths (daemon/simd.h): every path this CPU runs gives the output of
 * the 4-lane baseline, the dispatcher picks and refuses paths as documented, and the live
 * daemon reports its path.
 *
 * Paths: sse2, avx2 and avx512 on x86-64 (one copy of the daemon each in the one binary),
 * neon elsewhere. A path is available when `jmixd --simd=PATH --version` succeeds: the
 * dispatcher's own CPU check. A path the CPU lacks is skipped with the dispatcher's reason on
 * stderr, never counted as passed silently.
 *
 * Same output, two ways:
 * - A settled console rendered (jmixd render): 40 channels, every fifth stereo, each with
 *   trim, polarity on some, high-pass, gate, two EQ bands, compressor, sends to a reverb, a
 *   delay and a stereo monitor bus, a soloed channel, the master EQ and limiter; stems of
 *   noise and tones whose level steps (the gates open and close, the compressors work) with
 *   NaN, Inf and absurd samples in them. Master, monitor and solo files: byte for byte the
 *   baseline's.
 * - Parameters moving while audio runs (build/simd/mixer_run-PATH, tests/simd/mixer_run.c,
 *   the mixer alone compiled per path): faders, pans, mutes, solo, sends, trims, polarity,
 *   EQ on/off and HPF slope: byte for byte. Moves that switch a module on or off or glide a
 *   filter are not bit-exact across widths (README "Vector width": a group of lanes shares a
 *   few decisions, e.g. whether a filter's coefficients glide, and a wider group can hold a
 *   lane in the other case for the length of the move): with every kind of move, the
 *   difference must stay 25 dB or more below the signal on every output. A lane mapped
 *   wrongly reads about 0 dB.
 *
 * Run: tests/integration/isolate.sh build/itests/test_simd
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/integration/harness.h"

#define RATE 48000
#define N_CH 40
#define STEM_FRAMES 12000
#define MAX_PATHS 3

static struct {
	const char *paths[MAX_PATHS];   /* the paths this build has and this CPU runs */
	int n_paths;
	const char *all[MAX_PATHS];     /* the paths this build has */
	int n_all;
	char dir[HX_PATH_MAX];          /* where JMIXD_BIN lives: mixer_run is in its simd/ */
} g;

/* Exit status of `jmixd args...`, its output in log (HX_PATH_MAX). */
static int run_jmixd(const char *const *args, char *log)
{
	int st = hx_jmixd_run(args, 60.0, log);
	return st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int group_setup(void **state)
{
	(void)state;
	char bin[HX_PATH_MAX];
	snprintf(bin, sizeof bin, "%s", hx_jmixd_bin());
	snprintf(g.dir, sizeof g.dir, "%s", dirname(bin));
#if defined(__x86_64__)
	static const char *const names[] = { "sse2", "avx2", "avx512" };
#else
	static const char *const names[] = { "neon" };
#endif
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
		char opt[64], log[HX_PATH_MAX];
		snprintf(opt, sizeof opt, "--simd=%s", names[k]);
		const char *args[] = { opt, "--version", NULL };
		int rc = run_jmixd(args, log);
		char *text = hx_read_file(log, 0);
		g.all[g.n_all++] = names[k];
		if (rc == 0)
			g.paths[g.n_paths++] = names[k];
		else
			fprintf(stderr, "[simd] path %s skipped: %s", names[k],
				text && *text ? text : "no reason given\n");
		free(text);
	}
	return g.n_paths > 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	return 0;
}

/* ---- the dispatcher ---- */

static void test_dispatcher(void **state)
{
	(void)state;
	char log[HX_PATH_MAX];
	/* The baseline always runs. */
	assert_string_equal(g.paths[0], g.all[0]);

	const char *bogus[] = { "--simd=avx1024", "--version", NULL };
	assert_int_equal(run_jmixd(bogus, log), 2);
	char *text = hx_read_file(log, 0);
	assert_non_null(text);
	if (!strstr(text, "not a vector path of this build") || !strstr(text, g.all[0]))
		fail_msg("--simd=avx1024 said: %s", text);
	free(text);

	/* The environment, when the option is absent; the option wins over it. */
	setenv("JMIXD_SIMD", "avx1024", 1);
	const char *version[] = { "--version", NULL };
	assert_int_equal(run_jmixd(version, log), 2);
	text = hx_read_file(log, 0);
	if (!text || !strstr(text, "JMIXD_SIMD=avx1024"))
		fail_msg("JMIXD_SIMD=avx1024 said: %s", text ? text : "(nothing)");
	free(text);
	char opt[64];
	snprintf(opt, sizeof opt, "--simd=%s", g.all[0]);
	const char *forced[] = { opt, "--version", NULL };
	assert_int_equal(run_jmixd(forced, log), 0);
	unsetenv("JMIXD_SIMD");

	/* A path the CPU lacks is refused, naming what is missing. */
	for (int k = 0; k < g.n_all; k++) {
		bool is_available = false;
		for (int j = 0; j < g.n_paths; j++)
			is_available |= g.paths[j] == g.all[k];
		if (is_available)
			continue;
		snprintf(opt, sizeof opt, "--simd=%s", g.all[k]);
		const char *lacking[] = { opt, "--version", NULL };
		assert_int_equal(run_jmixd(lacking, log), 2);
		text = hx_read_file(log, 0);
		if (!text || !strstr(text, "this CPU lacks"))
			fail_msg("%s said: %s", opt, text ? text : "(nothing)");
		free(text);
	}
}

/* ---- a settled console, rendered by every path ---- */

static void put32(FILE *f, uint32_t v)
{
	fwrite(&v, 4, 1, f);
}

static void put16(FILE *f, uint16_t v)
{
	fwrite(&v, 2, 1, f);
}

static void write_wav(const char *path, const float *x, int n_frames, int ch)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	uint32_t bytes = (uint32_t)n_frames * (uint32_t)ch * 4;
	fwrite("RIFF", 1, 4, f), put32(f, 36 + bytes), fwrite("WAVEfmt ", 1, 8, f);
	put32(f, 16), put16(f, 3), put16(f, (uint16_t)ch), put32(f, RATE);
	put32(f, (uint32_t)(RATE * ch * 4)), put16(f, (uint16_t)(ch * 4)), put16(f, 32);
	fwrite("data", 1, 4, f), put32(f, bytes);
	fwrite(x, 4, (size_t)n_frames * (size_t)ch, f);
	assert_int_equal(fclose(f), 0);
}

static uint32_t lcg = 7;

static float noise(void)
{
	lcg = lcg * 1664525u + 1013904223u;
	return (float)(int32_t)lcg * (1.0f / 2147483648.0f);
}

/* The console's text: every module on most channels, settings varying per channel. */
static char *console_text(void)
{
	size_t size = 4096 + N_CH * 700, len = 0;
	char *t = malloc(size);
	assert_non_null(t);
	len += (size_t)snprintf(t + len, size - len,
		"jack = { client_name = \"jmixd\"; };\n"
		"osc = { bind = \"127.0.0.1\"; port = 8000; zeroconf = false; };\n"
		"state = { autosave = false; };\n"
		"aux = ( { name = \"rev\"; type = \"reverb\"; }, { name = \"dly\"; type = \"delay\"; },\n"
		"  { name = \"mon\"; type = \"monitor\"; stereo = true; } );\n"
		"master = { fader = -2.0; eq = { on = true; band2 = { on = true; gain = 3.0; }; };\n"
		"  limiter = { on = true; ceiling = -1.0; }; };\n"
		"channels = (\n");
	for (int c = 0; c < N_CH; c++) {
		int v = (c * 7) % 13;
		len += (size_t)snprintf(t + len, size - len,
			"{ name = \"c%d\";%s fader = %d.0; pan = %.2f; trim = %d.0; polarity = %s;%s\n"
			"  hpf = { on = %s; freq = %d.0; slope = %d; };\n"
			"  gate = { on = %s; threshold = %d.0; };\n"
			"  eq = { on = true; band1 = { on = true; gain = %d.0; };\n"
			"    band3 = { on = true; freq = %d.0; gain = %d.0; q = %.1f; }; };\n"
			"  comp = { on = %s; threshold = %d.0; ratio = %.1f; detect = \"%s\"; };\n"
			"  send = { rev = { level = %d.0; }; dly = { level = %d.0; };"
			" mon = { level = %d.0; pre = %s; }; }; }%s\n",
			c, c % 5 == 2 ? " stereo = true;" : "", -12 + v, -1.0 + v / 6.0, v - 6,
			c % 7 == 3 ? "true" : "false", c == 11 ? " solo = true;" : "",
			c % 2 ? "true" : "false", 30 + 20 * v, c % 3,
			c % 3 == 0 ? "true" : "false", -55 + v,
			v - 6, 300 + 500 * v, 6 - v, 0.5 + 0.5 * v,
			c % 4 != 1 ? "true" : "false", -35 + v, 1.5 + 0.5 * v, c % 3 == 1 ? "rms" : "peak",
			-30 + v, -25 + v, -20 + v, c % 2 ? "true" : "false",
			c + 1 < N_CH ? "," : "");
		assert_true(len < size);
	}
	snprintf(t + len, size - len, ");\n");
	return t;
}

/* Stem c: noise plus a tone, its level stepping by 30 dB every 3000 frames; bad samples in some. */
static void write_stems(char (*stem)[HX_PATH_MAX])
{
	static float x[2 * STEM_FRAMES];
	for (int c = 0; c < N_CH; c++) {
		int ch = c % 5 == 2 ? 2 : 1;
		float amp = 0.02f * (float)(1 + c % 9);
		for (int i = 0; i < STEM_FRAMES; i++)
			for (int k = 0; k < ch; k++) {
				float level = (i / 3000 + c) % 2 ? amp : amp * 0.03f;
				float tone = sinf(2.0f * 3.14159265f * (float)(100 + 97 * c) * (float)i / RATE);
				x[i * ch + k] = level * (tone + 0.5f * noise());
			}
		if (c % 6 == 4) {
			x[5000] = NAN;
			x[5001] = INFINITY;
			x[5002] = 1e30f;
		}
		snprintf(stem[c], HX_PATH_MAX, "%s/stem%d.wav", hx_tmpdir(), c);
		write_wav(stem[c], x, STEM_FRAMES, ch);
	}
}

/* The bytes of a file (malloc'd), its size in *n. */
static uint8_t *slurp(const char *path, size_t *n)
{
	*n = hx_file_size(path);
	FILE *f = fopen(path, "rb");
	uint8_t *b = malloc(*n + 1);
	if (!f || !b || fread(b, 1, *n, f) != *n)
		fail_msg("cannot read %s", path);
	fclose(f);
	return b;
}

static void expect_same_file(const char *want_path, const char *got_path)
{
	size_t n_want, n_got;
	uint8_t *want = slurp(want_path, &n_want), *got = slurp(got_path, &n_got);
	if (n_want != n_got || n_want < 1000)
		fail_msg("%s: %zu bytes, %s: %zu", want_path, n_want, got_path, n_got);
	for (size_t i = 0; i < n_want; i++)
		if (want[i] != got[i])
			fail_msg("%s differs from %s from byte %zu on", got_path, want_path, i);
	free(want);
	free(got);
}

static void test_render_same_at_every_width(void **state)
{
	(void)state;
	static char stem[N_CH][HX_PATH_MAX];
	char cfg[HX_PATH_MAX];
	char *text = console_text();
	assert_int_equal(hx_write_file("simd.cfg", text, cfg), 0);
	free(text);
	write_stems(stem);
	if (g.n_paths < 2)
		print_message("[simd] only %s here: its render is checked to run, nothing to "
			      "compare it with\n", g.paths[0]);
	for (int p = 0; p < g.n_paths; p++) {
		char opt[64], out[2 * HX_PATH_MAX], buses[2 * HX_PATH_MAX], log[HX_PATH_MAX];
		snprintf(opt, sizeof opt, "--simd=%s", g.paths[p]);
		snprintf(out, sizeof out, "%s/mix-%s.wav", hx_tmpdir(), g.paths[p]);
		snprintf(buses, sizeof buses, "%s/buses-%s", hx_tmpdir(), g.paths[p]);
		/* The tail is cut at 0.5 s to keep the files small; --buses needs its folder. */
		const char *args[12 + N_CH] = { "render", opt, "-c", cfg, "-o", out, "--buses",
						buses, "--tail", "0.5" };
		for (int c = 0; c < N_CH; c++)
			args[10 + c] = stem[c];
		char mk[2 * HX_PATH_MAX + 16];
		snprintf(mk, sizeof mk, "mkdir -p %s", buses);
		assert_int_equal(system(mk), 0);
		int rc = run_jmixd(args, log);
		if (rc != 0) {
			hx_dump_log_tail("render", log, 20);
			fail_msg("jmixd render --simd=%s: exit %d", g.paths[p], rc);
		}
		if (p == 0) {
			/* Not silence: a mix that works (gates open, compressors pull). */
			size_t bytes;
			uint8_t *b = slurp(out, &bytes);
			float peak = 0.0f;
			for (size_t at = 12; at + 8 <= bytes;) {   /* the WAV's chunks */
				uint32_t len;
				memcpy(&len, b + at + 4, 4);
				for (size_t i = 0; !memcmp(b + at, "data", 4) && i + 4 <= len &&
						   at + 8 + i + 4 <= bytes; i += 4) {
					float x;
					memcpy(&x, b + at + 8 + i, 4);
					peak = fabsf(x) > peak ? fabsf(x) : peak;
				}
				at += 8 + (size_t)len;
			}
			free(b);
			if (!(peak > 0.05f && peak < 1.0f))
				fail_msg("the %s mix peaks at %g: expected a real mix below the "
					 "limiter's ceiling", g.paths[0], (double)peak);
			continue;
		}
		char want[3 * HX_PATH_MAX], got[3 * HX_PATH_MAX];
		snprintf(want, sizeof want, "%s/mix-%s.wav", hx_tmpdir(), g.paths[0]);
		expect_same_file(want, out);
		static const char *const bus_files[] = { "mon.wav", "solo.wav" };
		for (int b = 0; b < 2; b++) {
			snprintf(want, sizeof want, "%s/buses-%s/%s", hx_tmpdir(), g.paths[0],
				 bus_files[b]);
			snprintf(got, sizeof got, "%s/%s", buses, bus_files[b]);
			expect_same_file(want, got);
		}
		print_message("[simd] render: %s == %s (master, monitor, solo)\n", g.paths[p],
			      g.paths[0]);
	}
}

/* ---- parameters moving: the mixer alone, per path ---- */

/* mixer_run-PATH's output for the moves mask (raw float32, malloc'd; count in *n). */
static float *mixer_run(const char *path, const char *moves, size_t *n)
{
	char bin[2 * HX_PATH_MAX], out[2 * HX_PATH_MAX], cmd[5 * HX_PATH_MAX];
	snprintf(bin, sizeof bin, "%s/simd/mixer_run-%s", g.dir, path);
	snprintf(out, sizeof out, "%s/run-%s-%s.raw", hx_tmpdir(), path, moves);
	snprintf(cmd, sizeof cmd, "%s %s > %s 2>> %s/mixer_run.log", bin, moves, out, hx_tmpdir());
	if (system(cmd) != 0)
		fail_msg("%s failed (see mixer_run.log)", cmd);
	size_t bytes;
	float *x = (float *)(void *)slurp(out, &bytes);
	*n = bytes / sizeof(float);
	return x;
}

static bool have_mixer_run(void)
{
	char bin[2 * HX_PATH_MAX];
	snprintf(bin, sizeof bin, "%s/simd/mixer_run-%s", g.dir, g.paths[0]);
	if (access(bin, X_OK) == 0)
		return true;
	print_message("[simd] %s not built (one vector path in this build): skipped\n", bin);
	return false;
}

/* Faders, pans, mutes, solo, sends, trims, polarity, EQ on/off, HPF slope: the same bytes. */
static void test_moves_same_at_every_width(void **state)
{
	(void)state;
	if (!have_mixer_run())
		skip();
	size_t n0, n;
	float *want = mixer_run(g.paths[0], "0x182", &n0);
	assert_true(n0 > 6 * 40000);
	for (int p = 1; p < g.n_paths; p++) {
		float *got = mixer_run(g.paths[p], "0x182", &n);
		assert_int_equal(n, n0);
		if (memcmp(want, got, n * sizeof *got) != 0)
			for (size_t i = 0; i < n; i++)
				if (memcmp(&want[i], &got[i], sizeof *got))
					fail_msg("%s: frame %zu output %zu is %.9g, %s gave %.9g",
						 g.paths[p], i / 6, i % 6, (double)got[i], g.paths[0],
						 (double)want[i]);
		print_message("[simd] moving faders, pans, sends, solo, trims: %s == %s\n",
			      g.paths[p], g.paths[0]);
		free(got);
	}
	free(want);
}

/* Every kind of move: the difference stays far below the signal on every output. */
static void test_module_moves_close_at_every_width(void **state)
{
	(void)state;
	if (!have_mixer_run())
		skip();
	size_t n0, n;
	float *want = mixer_run(g.paths[0], "0x1ff", &n0);
	for (int p = 1; p < g.n_paths; p++) {
		float *got = mixer_run(g.paths[p], "0x1ff", &n);
		assert_int_equal(n, n0);
		size_t n_frames = (n - 2) / 6;
		for (int c = 0; c < 6; c++) {
			double e = 0.0, s = 0.0;
			for (size_t i = 0; i < n_frames; i++) {
				double d = (double)got[6 * i + c] - (double)want[6 * i + c];
				e += d * d;
				s += (double)want[6 * i + c] * (double)want[6 * i + c];
			}
			double ratio_db = 10.0 * log10((e + 1e-30) / (s + 1e-30));
			print_message("[simd] every move, %s against %s, output %d: difference %.1f dB "
				      "below the signal\n", g.paths[p], g.paths[0], c, -ratio_db);
			if (!(ratio_db < -25.0))
				fail_msg("%s output %d: difference only %.1f dB below the signal",
					 g.paths[p], c, -ratio_db);
		}
		/* The counters (bad input samples, module resets) agree exactly. */
		assert_memory_equal(&want[n - 2], &got[n - 2], 2 * sizeof(float));
		free(got);
	}
	free(want);
}

/* ---- the live daemon says which path it runs ---- */

static void test_live_daemon_reports_its_path(void **state)
{
	(void)state;
	static struct hx_jackd jackd;
	struct hx_daemon d = { 0 };
	/* The narrowest path that is not the default, where there is one: proof that forcing works. */
	const char *path = g.paths[g.n_paths > 1 ? 1 : 0];
	char opt[64];
	snprintf(opt, sizeof opt, "--simd=%s", path);
	const char *extra[] = { opt, NULL };
	struct hx_daemon_opts opts = { .extra_args = extra };
	assert_int_equal(hx_jackd_start(&jackd, RATE, 64), 0);
	assert_int_equal(hx_daemon_start(&d, &jackd,
		"osc = { bind = \"127.0.0.1\"; zeroconf = false; };\n"
		"state = { autosave = false; };\n"
		"channels = ( { name = \"a\"; }, { name = \"b\"; stereo = true; } );\n", &opts), 0);
	struct hx_osc *o = hx_osc_open(d.osc_port);
	assert_non_null(o);
	struct hx_osc_msg m;
	assert_int_equal(hx_osc_query(o, "/info", 5.0, &m), 0);
	if (m.argc != 8 || m.types[7] != 's' || strcmp(m.argv[7].s, path))
		fail_msg("/info: %d arguments, last \"%s\"; expected 2 names and then \"%s\"",
			 m.argc, m.argc >= 8 ? m.argv[7].s : "", path);
	char want[128];
	int lanes = strcmp(path, "avx512") == 0 ? 16 : strcmp(path, "avx2") == 0 ? 8 : 4;
	snprintf(want, sizeof want, "vector path: %s, %d lanes per strip group (forced by --simd)",
		 path, lanes);
	if (hx_daemon_log_wait(&d, 0, want, 1, 5.0) < 1)
		fail_msg("the log has no line \"%s\"", want);
	hx_osc_close(o);
	hx_daemon_stop(&d, SIGTERM, 5.0);
	hx_jackd_stop(&jackd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dispatcher),
		cmocka_unit_test(test_render_same_at_every_width),
		cmocka_unit_test(test_moves_same_at_every_width),
		cmocka_unit_test(test_module_moves_close_at_every_width),
		cmocka_unit_test(test_live_daemon_reports_its_path),
	};
	int failed = cmocka_run_group_tests_name("jmixd integration: vector paths", tests,
						 group_setup, group_teardown);
	return hx_finish(failed) ? 1 : 0;
}
