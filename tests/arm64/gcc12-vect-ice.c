/* GCC 12.2 (Debian 12.2.0-14, aarch64 target only) ICE: "internal compiler error: in
 * vect_transform_reduction, at tree-vect-loop.cc:7457" on an fmax reduction over one lane of
 * a float vector converted to double, as in dsp_test.h dt_peak() once inlined with a constant
 * trip count (test_hpf.c, test_limiter.c). x86-64 gcc 12 compiles it.
 *   aarch64-linux-gnu-gcc -O2 -c tests/arm64/gcc12-vect-ice.c -o /dev/null      -> ICE
 *   ... -O2 -fno-tree-loop-vectorize ...                                          -> fine
 * mk/arm64.mk therefore adds -fno-tree-loop-vectorize to the unit-test objects (never to the
 * DSP or daemon) when the compiler is GCC 12 for aarch64 (the cross compiler, or the native
 * compiler of Raspberry Pi OS 12, the same GCC 12.2). */
#include <math.h>
typedef float v4f __attribute__((vector_size(16)));
static inline double peak(const v4f *buf, long n, int lane)
{
	double m = 0.0;
	for (long i = 0; i < n; i++)
		m = fmax(m, fabs((double)buf[i][lane]));
	return m;
}
double f(const v4f *buf);
double f(const v4f *buf) { return peak(buf + 1000, 1000, 0); }
