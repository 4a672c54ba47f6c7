/*
 * log.c - see log.h. One line per call, prefixed with the level, written with one fprintf so
 * lines from a second thread (JACK's own error callback) do not interleave mid-line.
 *
 * Every line passes one token bucket (LOG_BURST lines at once, LOG_LINES_PER_SECOND after):
 * a flood of requests that each log a line (a loudness reset, a subscription, a scene
 * command) would otherwise write tens of thousands of lines a second, and under journald's
 * default limit the journal would then drop every jmixd line, the real errors included. The
 * lines withheld are counted and said in one line (once a second at most) when the log has
 * room again.
 */
#include "daemon/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#define LOG_BURST 500                /* a start logs a line per port: 128 channels fit */
#define LOG_LINES_PER_SECOND 50

static enum log_level max_level = LOG_INFO;
static double tokens = LOG_BURST;
static double last_s;
static unsigned long n_withheld;     /* since the last summary line */
static unsigned long n_withheld_total;

void log_set_level(enum log_level level)
{
	max_level = level;
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void refill(void)
{
	double now = now_s();
	tokens += (now - last_s) * LOG_LINES_PER_SECOND;
	if (tokens > LOG_BURST)
		tokens = LOG_BURST;
	last_s = now;
}

/* Say how many lines were withheld, if any, once a second at most, when there is room. */
static void say_withheld(void)
{
	static double last_said_s;
	if (!n_withheld || tokens < 1.0 || last_s - last_said_s < 1.0)
		return;
	last_said_s = last_s;
	tokens -= 1.0;
	fprintf(stderr, "jmixd: warning: log: %lu lines not written (over %d a second)\n",
		n_withheld, LOG_LINES_PER_SECOND);
	n_withheld = 0;
}

void log_tick(void)
{
	refill();
	say_withheld();
}

unsigned long log_withheld_total(void)
{
	return n_withheld_total;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };
	char line[1024];
	va_list ap;

	if (level > max_level)
		return;
	refill();
	say_withheld();
	if (tokens < 1.0) {
		n_withheld++;
		n_withheld_total++;
		return;
	}
	tokens -= 1.0;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	fprintf(stderr, "jmixd: %s: %s\n", names[level], line);
}
