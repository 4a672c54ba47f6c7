/*
 * dispatch.c - main(): pick the vector path once, before anything is allocated, and run it.
 *
 * See daemon/simd.h. The widest path the CPU runs is the default; --simd=NAME (or the
 * environment's JMIXD_SIMD=NAME, for test harnesses) forces one: sse2, avx2, avx512, or auto.
 * A path the CPU lacks is a usage error, never a silent fallback: a test that asked for AVX-512
 * must not pass on SSE2. The option is taken out of argv here, so the daemon and `jmixd
 * render` never see it. This file is linked once, outside the per-width copies.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/simd.h"

typedef int (*simd_entry)(int argc, char **argv, const char *why);

#ifdef JMIXD_DISPATCH
int jmixd_main_sse2(int argc, char **argv, const char *why);
int jmixd_main_avx2(int argc, char **argv, const char *why);
int jmixd_main_avx512(int argc, char **argv, const char *why);

/* AVX2 and FMA come together in the AVX2 copy's flags; libgcc also checks the OS saves the
 * wide registers (XGETBV) before it reports AVX or AVX-512. */
static bool cpu_has_avx2(void)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

static bool cpu_has_avx512(void)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx512f") && cpu_has_avx2();
}

static const struct {
	const char *name;
	const char *needs;
	simd_entry entry;
	bool (*is_supported)(void);
} paths[] = {   /* widest first: auto takes the first the CPU runs */
	{ "avx512", "avx512f", jmixd_main_avx512, cpu_has_avx512 },
	{ "avx2", "avx2 and fma", jmixd_main_avx2, cpu_has_avx2 },
	{ "sse2", "x86-64", jmixd_main_sse2, NULL },
};
#else
static const struct {
	const char *name;
	const char *needs;
	simd_entry entry;
	bool (*is_supported)(void);
} paths[] = {
	{ SIMD_PATH_NAME, "this build", jmixd_main, NULL },
};
#endif
#define N_PATHS ((int)(sizeof paths / sizeof paths[0]))

static bool is_supported(int k)
{
	return !paths[k].is_supported || paths[k].is_supported();
}

/* Remove argv[k] .. argv[k + n - 1], keeping the terminating NULL. */
static void drop_args(int *argc, char **argv, int k, int n)
{
	memmove(&argv[k], &argv[k + n], sizeof *argv * (size_t)(*argc - k - n + 1));
	*argc -= n;
}

/* --simd=NAME or --simd NAME anywhere (before a lone "--"); NULL when absent, "" if no value. */
static const char *take_simd_option(int *argc, char **argv)
{
	const char *want = NULL;
	for (int k = 1; k < *argc;) {
		if (strcmp(argv[k], "--") == 0)
			break;
		if (strncmp(argv[k], "--simd=", 7) == 0) {
			want = argv[k] + 7;
			drop_args(argc, argv, k, 1);
		} else if (strcmp(argv[k], "--simd") == 0) {
			want = k + 1 < *argc ? argv[k + 1] : "";
			drop_args(argc, argv, k, k + 1 < *argc ? 2 : 1);
		} else {
			k++;
		}
	}
	return want;
}

/* The first path (widest first) the CPU runs. The last, the baseline, needs nothing. */
static int widest_supported(void)
{
	int k = 0;
	while (k < N_PATHS - 1 && !is_supported(k))
		k++;
	return k;
}

int main(int argc, char **argv)
{
	const char *want = take_simd_option(&argc, argv);
	const char *source = "--simd";
	if (!want) {
		want = getenv("JMIXD_SIMD");
		source = "JMIXD_SIMD";
	}
	if (!want || !*want)
		return paths[widest_supported()].entry(argc, argv, "detected");
	if (strcmp(want, "auto") == 0)
		return paths[widest_supported()].entry(argc, argv, "auto");
	for (int k = 0; k < N_PATHS; k++) {
		if (strcmp(want, paths[k].name) != 0)
			continue;
		if (!is_supported(k)) {
			fprintf(stderr, "jmixd: %s=%s: this CPU lacks %s\n", source, want,
				paths[k].needs);
			return 2;
		}
		return paths[k].entry(argc, argv, strcmp(source, "--simd") == 0
							  ? "forced by --simd" : "forced by JMIXD_SIMD");
	}
	fprintf(stderr, "jmixd: %s=%s: not a vector path of this build; it has:", source, want);
	for (int k = 0; k < N_PATHS; k++)
		fprintf(stderr, " %s", paths[k].name);
	fprintf(stderr, " (or auto)\n");
	return 2;
}
