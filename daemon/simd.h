/*
 * simd.h - the vector path a jmixd binary runs: which lane width its channel strips use.
 *
 * On x86-64 the daemon is linked three times into one binary (Makefile "Vector paths"): the
 * whole program compiled at 4 lanes (SSE2), 8 (AVX2) and 16 (AVX-512), each copy with its
 * own struct layouts and only its entry point, jmixd_main_<path>, left global. daemon/
 * dispatch.c owns main(): it detects the CPU once, honours --simd / JMIXD_SIMD, and calls one
 * copy, which then allocates its arena and never meets the others. A width is a property of
 * the whole process, so nothing needs a table of kernels or a layout chosen at run time.
 * Elsewhere (aarch64: NEON, 4 lanes) there is one copy and no choice.
 */
#ifndef JMIXD_SIMD_H
#define JMIXD_SIMD_H

#include "dsp/dsp.h"

/* The name of the path this copy was compiled for, as --simd and /info spell it. */
#if defined(__x86_64__) && DSP_LANES == 16
#define SIMD_PATH_NAME "avx512"
#elif defined(__x86_64__) && DSP_LANES == 8
#define SIMD_PATH_NAME "avx2"
#elif defined(__x86_64__)
#define SIMD_PATH_NAME "sse2"
#elif defined(__aarch64__) || defined(__ARM_NEON)
#define SIMD_PATH_NAME "neon"
#else
#define SIMD_PATH_NAME "generic"
#endif

/*
 * The daemon's entry (daemon/main.c), called by main() in dispatch.c. why says how the path
 * was chosen, for the log: "detected", "forced by --simd", ...
 */
int jmixd_main(int argc, char **argv, const char *why);

#endif
