/*
 * fpu.c - per-architecture flush-to-zero control.
 *   x86-64:  MXCSR bit 15 (FTZ) and bit 6 (DAZ).
 *   aarch64: FPCR bit 24 (FZ); inputs are flushed too when FZ is set.
 *   armv7:   FPSCR bit 24 (FZ).
 */
#include "dsp/fpu.h"

#include <stdint.h>

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#define MXCSR_DAZ (1u << 6)
#define MXCSR_FTZ (1u << 15)

void fpu_flush_denormals(void)
{
	_mm_setcsr(_mm_getcsr() | MXCSR_DAZ | MXCSR_FTZ);
}

bool fpu_denormals_flushed(void)
{
	return (_mm_getcsr() & (MXCSR_DAZ | MXCSR_FTZ)) == (MXCSR_DAZ | MXCSR_FTZ);
}

#elif defined(__aarch64__)
#define FPCR_FZ (1ull << 24)

void fpu_flush_denormals(void)
{
	uint64_t fpcr;
	__asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
	fpcr |= FPCR_FZ;
	__asm__ volatile("msr fpcr, %0" : : "r"(fpcr));
}

bool fpu_denormals_flushed(void)
{
	uint64_t fpcr;
	__asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
	return (fpcr & FPCR_FZ) != 0;
}

#elif defined(__arm__) && defined(__ARM_FP)
#define FPSCR_FZ (1u << 24)

void fpu_flush_denormals(void)
{
	uint32_t fpscr;
	__asm__ volatile("vmrs %0, fpscr" : "=r"(fpscr));
	fpscr |= FPSCR_FZ;
	__asm__ volatile("vmsr fpscr, %0" : : "r"(fpscr));
}

bool fpu_denormals_flushed(void)
{
	uint32_t fpscr;
	__asm__ volatile("vmrs %0, fpscr" : "=r"(fpscr));
	return (fpscr & FPSCR_FZ) != 0;
}

#else
#error "jmixd needs flush-to-zero control for this architecture (see dsp/fpu.c)"
#endif
