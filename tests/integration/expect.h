/*
 * expect.h - level assertions shared by the integration suites that measure audio through
 * JACK ports (strip, buses, groups). Include after <cmocka.h> and harness.h.
 */
#ifndef JMIXD_ITEST_EXPECT_H
#define JMIXD_ITEST_EXPECT_H

#include <math.h>

/* A measured level within tol dB of want; logged either way so a run shows its margins. */
static inline void expect_db(double got, double want, double tol, const char *what)
{
	if (fabs(got - want) > tol)
		fail_msg("%s: measured %.3f dB, expected %.3f +- %.2f", what, got, want, tol);
	hx_log("%s: %.3f dB (expected %.3f)", what, got, want);
}

/* Below -100 dB: nothing of the tone passed. */
static inline void expect_silent(double got, const char *what)
{
	if (got > -100.0)
		fail_msg("%s: %.1f dB where nothing should pass", what, got);
	hx_log("%s: %.1f dB (silent)", what, got);
}

#endif
