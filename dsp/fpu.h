/*
 * fpu.h - flush denormals to zero on the calling thread.
 *
 * A recursive filter or a reverb tail decaying towards zero enters the denormal range, where
 * each operation can cost ~100 times more on x86: a quiet passage becomes an xrun. Setting
 * flush-to-zero (and denormals-are-zero on x86) on the audio thread removes that cliff. Call
 * from JACK's thread-init callback, which runs on the process thread before its first cycle.
 */
#ifndef JMIXD_DSP_FPU_H
#define JMIXD_DSP_FPU_H

#include <stdbool.h>

/* Set FTZ (and DAZ on x86) for this thread. RT-safe. */
void fpu_flush_denormals(void);

/* True when the calling thread flushes denormals (checked by tests). */
bool fpu_denormals_flushed(void);

#endif
