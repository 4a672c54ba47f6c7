/*
 * expect.h - assertions shared by the integration suites that drive the daemon over OSC and
 * measure audio through JACK ports (strip, buses, groups, links, MIDI). Include after
 * <cmocka.h> and harness.h.
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

/* The first value the daemon answers for path. */
static inline double query_value(struct hx_osc *osc, const char *path)
{
	struct hx_osc_msg m;
	assert_int_equal(hx_osc_query(osc, path, 2.0, &m), 0);
	assert_true(m.argc >= 1);
	return m.argv[0].d;
}

/* Every message sent before this has been handled (the daemon answers in order), and none
 * drew an /error. */
static inline void sync_handled(struct hx_osc *osc)
{
	assert_int_equal(hx_osc_query(osc, "/master/fader", 2.0, NULL), 0);
	if (hx_osc_wait(osc, "/error", 0, NULL) == 0)
		fail_msg("the daemon rejected a message of this test");
}

#endif
